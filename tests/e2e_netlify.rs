//! End to end on Netlify's own local runtime: a project generated from `specs/bookclub.yaml` (with
//! the test handlers of `tests/node/overlay/`) runs under `netlify dev --offline` on 127.0.0.1 and
//! is driven over HTTP through the `/api/*` redirect by `tests/e2e/netlify-http.test.js`.
//!
//! `tests/e2e/netlify-dev.sh` installs the pinned Node 22 and netlify-cli into
//! `~/.cache/scaffold-e2e/` on first use (about a minute, then cached), starts the server, runs the
//! test, and stops the server. Needs `node` on PATH and the npm registry on a cold cache; without
//! them this test fails, it does not skip.

mod common;

use std::process::Command;

use common::{assert_node_counts, manifest_dir, project_with_overlay, require_node};

/// Top-level tests in `tests/e2e/netlify-http.test.js` (none is generated from data).
const NETLIFY_HTTP_TESTS: u32 = 13;

#[test]
fn generated_project_under_netlify_dev() {
    require_node();
    let root = manifest_dir();
    let (_tmp, project) = project_with_overlay("specs/bookclub.yaml");
    let out = Command::new("bash")
        .arg(root.join("tests/e2e/netlify-dev.sh"))
        .arg(&project)
        .arg("--")
        .args(["node", "--test", "--test-reporter=spec"])
        .arg(root.join("tests/e2e/netlify-http.test.js"))
        .current_dir(&root)
        .env("CI", "true")
        .output()
        .expect("run tests/e2e/netlify-dev.sh");
    assert_node_counts(
        &out,
        NETLIFY_HTTP_TESTS,
        "netlify-http.test.js under netlify dev",
    );
}
