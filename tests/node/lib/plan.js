'use strict';
// The exact number of tests a data-driven file registers, for the Rust side to assert
// (`planned_tests` in tests/common/mod.rs): a loop that registers one test per row iterates
// `rows(table)`, which counts the rows (in nested loops only the innermost one, which then counts
// once per outer row), and the file ends with `plan(fixed)`, `fixed` being the tests written out
// one by one. `plan` registers one more test, named `plan: N tests`, N counting every test of the
// file, itself included. A test dropped or registered conditionally then fails the run; a row
// added to a table keeps the count exact.

const { test } = require('node:test');

let fromRows = 0;

function rows(table) {
  fromRows += table.length;
  return table;
}

function plan(fixed) {
  test(`plan: ${fixed + fromRows + 1} tests`, () => {});
}

module.exports = { rows, plan };
