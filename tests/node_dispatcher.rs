//! Runs the Node tests of the generated Netlify dispatcher.
//!
//! Generates a project from `specs/bookclub.yaml` with the crate's binary, copies
//! `tests/node/overlay/` over it (handlers that echo, throw, add headers, return nothing),
//! checks the syntax of every `.js` file with `node --check`, then runs
//! `node --test tests/node/netlify-dispatcher.test.js` with `PROJECT_DIR` set.
//!
//! Needs `node` (>= 20) on PATH: without it the test FAILS, it does not skip.

mod common;

use std::process::Command;

use common::{js_files, manifest_dir, output_text, project_with_overlay, require_node};

#[test]
fn generated_netlify_dispatcher_passes_node_tests() {
    let node_version = require_node();
    let root = manifest_dir();
    let (_tmp, project) = project_with_overlay("specs/bookclub.yaml");

    // 3. Every JavaScript file of the project must parse.
    let files = js_files(&project);
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("netlify/functions/api.js")),
        "no api.js among {files:?}"
    );
    let mut syntax_errors = Vec::new();
    for file in &files {
        let out = Command::new("node")
            .arg("--check")
            .arg(file)
            .output()
            .expect("run node --check");
        if !out.status.success() {
            syntax_errors.push(format!(
                "{}:\n{}",
                file.strip_prefix(&project).unwrap_or(file).display(),
                output_text(&out)
            ));
        }
    }
    assert!(
        syntax_errors.is_empty(),
        "`node --check` failed for {} file(s):\n{}",
        syntax_errors.len(),
        syntax_errors.join("\n")
    );

    // 4. The dispatcher tests.
    let test_file = root.join("tests/node/netlify-dispatcher.test.js");
    let out = Command::new("node")
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg(&test_file)
        .current_dir(&root)
        .env("PROJECT_DIR", &project)
        .env_remove("NODE_OPTIONS")
        .output()
        .expect("run node --test");
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "node --test {} failed ({}, node {node_version}):\n{text}",
        test_file.display(),
        out.status
    );
    // Guard against a run that passes because it ran nothing.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let passed = stdout
        .lines()
        .find_map(|line| {
            line.trim_start_matches(['ℹ', '#', ' '])
                .strip_prefix("pass ")
        })
        .and_then(|n| n.trim().parse::<u32>().ok())
        .unwrap_or(0);
    assert!(
        passed >= 50,
        "expected the Node suite to run its tests, saw {passed} passing:\n{text}"
    );
}
