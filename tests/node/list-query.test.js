// Sorting and filtering lists, through the real generated dispatcher and list handlers (memory
// storage) of specs/gig-guide.yaml, called as the platform calls it (tests/node/drivers/TARGET.js,
// default netlify): `?sort=field` and `?sort=-field` over several pages by cursor (items without
// a value last either way, ties by id), equality filters on an enum, a boolean, a `ref` and an
// integer, several at once, and the 400s: a bad sort, a bad filter value, an unknown parameter, a
// cursor tampered with or made for another sort or other filters.
//
//   TARGET=netlify PROJECT_DIR=/path/to/gig-guide-project node --test tests/node/list-query.test.js
'use strict';

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { rows, plan } = require('./lib/plan.js');
const TARGET = process.env.TARGET || 'netlify';
if (!/^[a-z0-9-]+$/.test(TARGET)) throw new Error(`set TARGET to a target name (got ${JSON.stringify(TARGET)})`);
const driver = require(`./drivers/${TARGET}.js`);

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) throw new Error('set PROJECT_DIR to a project generated from specs/gig-guide.yaml for TARGET');

let call;
const parsed = (res) => (res.body === '' ? undefined : JSON.parse(res.body));
const post = async (p, json) => {
  const res = await call({ method: 'POST', path: p, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  assert.equal(res.status, 201, res.body);
  return parsed(res);
};
const list = async (p, query) => {
  const res = await call({ method: 'GET', path: p, query });
  return { status: res.status, json: parsed(res), text: res.body };
};

/** Every page of `p` with `query` (limit 2): the items in order, and the cursors seen. */
async function pages(p, query) {
  const seen = [];
  const cursors = [];
  let cursor = null;
  for (let i = 0; i < 20; i += 1) {
    const res = await list(p, { ...query, limit: '2', ...(cursor ? { cursor } : {}) });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.items.length <= 2);
    seen.push(...res.json.items);
    cursor = res.json.next;
    if (!cursor) return { seen, cursors };
    cursors.push(cursor);
  }
  throw new Error('paging does not end');
}

const VENUE = (name, capacity) => ({
  name,
  address: { city: 'Paris', country: 'FR' },
  ...(capacity === undefined ? {} : { capacity }),
});
const venues = {};
const gigs = {};
const ids = (items) => items.map((item) => item.id);

before(async () => {
  call = await driver.load(path.resolve(PROJECT_DIR));
  for (const [key, name, capacity] of [
    ['big', 'Big Hall', 100],
    ['none', 'No Count', null],
    ['small', 'Small Room', 50],
    ['absent', 'Absent', undefined],
    ['big2', 'Second Big', 100],
  ]) {
    venues[key] = await post('/api/venues', VENUE(name, capacity));
  }
  const GIGS = [
    ['a', 'big', 'Delta', 'on_sale', true, 10],
    ['b', 'big', 'alpha', 'announced', false, 0],
    ['c', 'small', 'Charlie', 'on_sale', false, 25.5],
    ['d', 'small', 'Bravo', 'sold_out', true, 10],
    ['e', 'big2', 'Echo', 'on_sale', true, undefined],
    ['f', 'big', 'Foxtrot', undefined, undefined, 5],
  ];
  for (const [key, venue, title, status, allAges, price] of GIGS) {
    const body = { venue_id: venues[venue].id, title, date: '2025-06-01' };
    if (status !== undefined) body.status = status;
    if (allAges !== undefined) body.all_ages = allAges;
    if (price !== undefined) body.price = price;
    gigs[key] = await post('/api/gigs', body);
  }
});

/**
 * The ids a list of `items` must answer with `params` (the documented order: by the sort field's
 * value, items without one last, ties by id, all in the sort's direction; ids are time-ordered,
 * but items made within one millisecond order randomly, so no test assumes creation order).
 */
function expected(items, { sort, ...filters }) {
  const by = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  const desc = sort !== undefined && sort.startsWith('-');
  const field = sort === undefined ? null : sort.replace(/^-/, '');
  const value = (item) => (field === null || item[field] === undefined || item[field] === null ? null : item[field]);
  return items
    .filter((item) => Object.entries(filters).every(([f, v]) => String(item[f]) === v))
    .sort((a, b) => {
      if ((value(a) === null) !== (value(b) === null)) return value(a) === null ? 1 : -1;
      const order = (value(a) === null ? 0 : by(value(a), value(b))) || by(a.id, b.id);
      return desc ? -order : order;
    })
    .map((item) => item.id);
}

describe('sort', () => {
  it('without sort: id order, and the cursor is the last id', async () => {
    const res = await list('/api/venues', { limit: '2' });
    assert.equal(res.status, 200, res.text);
    const order = expected(Object.values(venues), {});
    assert.deepEqual(ids(res.json.items), order.slice(0, 2));
    assert.equal(res.json.next, order[1]);
  });

  it('ascending over pages: values in order, ties by id, items without a value (absent or null) last', async () => {
    const { seen, cursors } = await pages('/api/venues', { sort: 'capacity' });
    const v = venues;
    assert.deepEqual(ids(seen), expected(Object.values(v), { sort: 'capacity' }));
    assert.deepEqual(ids(seen.slice(0, 1)), [v.small.id]);
    assert.deepEqual(new Set(ids(seen.slice(3))), new Set([v.none.id, v.absent.id]), 'the two without a value last');
    assert.equal(cursors.length, 2);
    for (const c of cursors) assert.match(c, /^~[A-Za-z0-9_-]+$/, 'a sorted cursor is opaque');
  });

  it('descending over pages: values in reverse, ties by id reversed, items without a value still last', async () => {
    const { seen } = await pages('/api/venues', { sort: '-capacity' });
    const v = venues;
    assert.deepEqual(ids(seen), expected(Object.values(v), { sort: '-capacity' }));
    assert.deepEqual(new Set(ids(seen.slice(0, 2))), new Set([v.big.id, v.big2.id]));
    assert.deepEqual(ids(seen.slice(2, 3)), [v.small.id]);
  });

  it('strings in code-unit order (upper case before lower case), both ways', async () => {
    const up = await pages('/api/gigs', { sort: 'title' });
    assert.deepEqual(up.seen.map((g) => g.title), ['Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'alpha']);
    const down = await pages('/api/gigs', { sort: '-title' });
    assert.deepEqual(down.seen.map((g) => g.title), ['alpha', 'Foxtrot', 'Echo', 'Delta', 'Charlie', 'Bravo']);
  });

  it('numbers as numbers, a default counted as a value', async () => {
    const { seen } = await pages('/api/gigs', { sort: 'price' });
    assert.deepEqual(ids(seen), expected(Object.values(gigs), { sort: 'price' }));
    // e has the default price 0, like b; 25.5 last (not in text order, where "5" > "25.5").
    assert.deepEqual(seen.map((g) => g.price), [0, 0, 5, 10, 10, 25.5]);
  });

  it('booleans: false before true, items without one last', async () => {
    const { seen } = await pages('/api/gigs', { sort: 'all_ages' });
    assert.deepEqual(ids(seen), expected(Object.values(gigs), { sort: 'all_ages' }));
    assert.deepEqual(seen.map((g) => g.all_ages), [false, false, true, true, true, undefined]);
  });

  it('by a timestamp: createdAt descending is newest first', async () => {
    const { seen } = await pages('/api/venues', { sort: '-createdAt' });
    assert.deepEqual(ids(seen), expected(Object.values(venues), { sort: '-createdAt' }));
  });
});

describe('filters', () => {
  it('an enum value, over pages', async () => {
    const { seen } = await pages('/api/gigs', { status: 'on_sale' });
    assert.deepEqual(new Set(ids(seen)), new Set([gigs.a.id, gigs.c.id, gigs.e.id]));
    assert.deepEqual(ids(seen), expected(Object.values(gigs), { status: 'on_sale' }));
  });

  it('a boolean', async () => {
    const res = await list('/api/gigs', { all_ages: 'false' });
    assert.deepEqual(new Set(ids(res.json.items)), new Set([gigs.b.id, gigs.c.id]));
  });

  it('a ref (the id of another resource\'s item)', async () => {
    const res = await list('/api/gigs', { venue_id: venues.big.id });
    assert.deepEqual(ids(res.json.items), expected(Object.values(gigs), { venue_id: venues.big.id }));
    assert.deepEqual(new Set(ids(res.json.items)), new Set([gigs.a.id, gigs.b.id, gigs.f.id]));
  });

  it('an integer', async () => {
    const res = await list('/api/venues', { capacity: '100' });
    assert.deepEqual(new Set(ids(res.json.items)), new Set([venues.big.id, venues.big2.id]));
    assert.deepEqual((await list('/api/venues', { capacity: '-7' })).json, { items: [], next: null });
  });

  it('several at once: all must hold', async () => {
    const res = await list('/api/gigs', { status: 'on_sale', all_ages: 'true' });
    assert.deepEqual(new Set(ids(res.json.items)), new Set([gigs.a.id, gigs.e.id]));
    const none = await list('/api/gigs', { status: 'sold_out', venue_id: venues.big.id });
    assert.deepEqual(none.json, { items: [], next: null });
  });

  it('filtered and sorted, over pages', async () => {
    const { seen } = await pages('/api/gigs', { venue_id: venues.big.id, sort: '-title' });
    assert.deepEqual(ids(seen), [gigs.b.id, gigs.f.id, gigs.a.id]);
  });
});

const bad = (status, error, more = {}) => ({ status, error, ...more });
// [what, path, query, expected]: a 400 with this `error` (and these other body fields).
const REFUSED = [
  ['a sort by no field', '/api/gigs', { sort: 'nope' }, bad(400, 'invalid_sort')],
  ['a sort by an array field', '/api/gigs', { sort: '-tags' }, bad(400, 'invalid_sort')],
  ['a sort by a nested field', '/api/venues', { sort: 'address' }, bad(400, 'invalid_sort')],
  ['an empty sort', '/api/gigs', { sort: '' }, bad(400, 'invalid_sort')],
  ['an enum filter outside the enum', '/api/gigs', { status: 'postponed' }, bad(400, 'invalid_filter', { field: 'status' })],
  ['a boolean filter that is not true or false', '/api/gigs', { all_ages: 'yes' }, bad(400, 'invalid_filter', { field: 'all_ages' })],
  ['an integer filter with a fraction', '/api/venues', { capacity: '1.5' }, bad(400, 'invalid_filter', { field: 'capacity' })],
  ['an integer filter beyond safe integers', '/api/venues', { capacity: '9007199254740993' }, bad(400, 'invalid_filter', { field: 'capacity' })],
  ['an integer filter that is text', '/api/venues', { capacity: 'big' }, bad(400, 'invalid_filter', { field: 'capacity' })],
  ['a ref filter that is not an id', '/api/gigs', { venue_id: '..' }, bad(400, 'invalid_filter', { field: 'venue_id' })],
  ['an unknown parameter', '/api/gigs', { colour: 'red' }, bad(400, 'invalid_query', { parameter: 'colour' })],
  ['a field that is not filterable', '/api/gigs', { title: 'Delta' }, bad(400, 'invalid_query', { parameter: 'title' })],
  ['an inherited name', '/api/gigs', { constructor: 'x' }, bad(400, 'invalid_query', { parameter: 'constructor' })],
  ['a sorted cursor without the sort', '/api/gigs', { cursor: '~WyJ0aXRsZSIsW10sIngiLCJ5Il0' }, bad(400, 'invalid_cursor')],
  ['an id cursor with a sort', '/api/gigs', { sort: 'title', cursor: 'abc' }, bad(400, 'invalid_cursor')],
  ['a cursor of garbage', '/api/gigs', { sort: 'title', cursor: '~!!' }, bad(400, 'invalid_cursor')],
];

describe('400s', () => {
  for (const [what, p, query, expected] of rows(REFUSED)) {
    it(what, async () => {
      const res = await list(p, query);
      assert.equal(res.status, expected.status, res.text);
      const { status, ...body } = expected;
      for (const [k, v] of Object.entries(body)) assert.equal(res.json[k], v, `${k} of ${res.text}`);
      assert.equal(typeof res.json.message === 'string' || expected.error === 'invalid_cursor', true, res.text);
    });
  }

  it('the messages name what is accepted', async () => {
    const sort = (await list('/api/gigs', { sort: 'nope' })).json;
    assert.ok(sort.sortable.includes('title') && sort.sortable.includes('createdAt'), JSON.stringify(sort));
    assert.ok(!sort.sortable.includes('tags') && !sort.sortable.includes('lineup'), JSON.stringify(sort));
    assert.match(sort.message, /title/);
    const query = (await list('/api/gigs', { colour: 'red' })).json;
    assert.deepEqual([...query.accepted].sort(), ['all_ages', 'cursor', 'limit', 'sort', 'status', 'venue_id']);
    assert.match(query.message, /colour/);
    const filter = (await list('/api/gigs', { status: 'postponed' })).json;
    assert.match(filter.message, /expected one of: announced, on_sale, sold_out, cancelled/);
  });

  it('a cursor tampered with, or made for another sort or other filters', async () => {
    const first = await list('/api/gigs', { sort: 'title', limit: '2' });
    const cursor = first.json.next;
    assert.match(cursor, /^~/);
    // The same cursor works for its own sort...
    const ok = await list('/api/gigs', { sort: 'title', limit: '2', cursor });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.items.map((g) => g.title), ['Delta', 'Echo']);
    // ... and for nothing else.
    const refused = [
      { sort: '-title', cursor },
      { sort: 'price', cursor },
      { sort: 'title', status: 'on_sale', cursor },
      { cursor },
    ];
    const decoded = JSON.parse(Buffer.from(cursor.slice(1), 'base64url').toString());
    const forge = (parts) => `~${Buffer.from(JSON.stringify(parts)).toString('base64url')}`;
    refused.push({ sort: 'title', cursor: forge([...decoded.slice(0, 2), 42, decoded[3]]) });
    refused.push({ sort: 'title', cursor: forge([...decoded.slice(0, 3), '../x']) });
    refused.push({ sort: 'title', cursor: forge(decoded.slice(0, 3)) });
    refused.push({ sort: 'title', cursor: `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}A` });
    for (const query of refused) {
      const res = await list('/api/gigs', query);
      assert.equal(res.status, 400, `${JSON.stringify(query)}: ${res.text}`);
      assert.equal(res.json.error, 'invalid_cursor');
    }
    // A cursor forged with another value of the right type is a position, not a way around the owner.
    const forged = await list('/api/gigs', { sort: 'title', cursor: forge([...decoded.slice(0, 2), 'Echo', '0']) });
    assert.equal(forged.status, 200, forged.text);
    assert.deepEqual(forged.json.items.map((g) => g.title), ['Echo', 'Foxtrot', 'alpha']);
  });
});

plan(15);
