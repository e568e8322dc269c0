//! End to end on Netlify's own local runtime: a project generated from `specs/bookclub.yaml` (with
//! the test handlers of `tests/node/overlay/`) runs under `netlify dev --offline` on 127.0.0.1 and
//! is driven over HTTP through the `/api/*` redirect by `tests/e2e/netlify-http.test.js`; and a
//! TypeScript project (`language: typescript`, specs/jwt-cors.yaml, handlers of
//! `tests/node/overlay-esm/`), which Netlify bundles from `netlify/functions/api.ts`, driven by the
//! shared `tests/e2e/api-http.test.js` with its JWT settings in `.env` pointing at a local JWKS.
//!
//! `tests/e2e/netlify-dev.sh` installs the pinned Node 22 and netlify-cli into
//! `~/.cache/scaffold-e2e/` on first use (about a minute, then cached), starts the server, runs the
//! test, and stops the server. Needs `node` on PATH and the npm registry on a cold cache; without
//! them this test fails, it does not skip.

mod common;

use std::process::Command;

use common::{
    assert_node_counts, link_node_deps, manifest_dir, project_with_overlay, require_node,
    require_npm, run_api_http, start_jwks, ts_target_project, write_dotenv,
};

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

/// The TypeScript project: netlify.toml's redirect hands `/api/*` to the v1 function that Netlify's
/// esbuild bundler builds from `netlify/functions/api.ts` (an ES module project), its JavaScript
/// dispatcher and the `.ts` handlers it loads.
#[test]
fn typescript_project_under_netlify_dev() {
    require_node();
    require_npm();
    let (_tmp, project) =
        ts_target_project("specs/jwt-cors.yaml", "netlify", "tests/node/overlay-esm");
    assert!(project.join("netlify/functions/api.ts").is_file());
    assert!(!project.join("netlify/functions/api.js").exists());
    link_node_deps(&project);
    let jwks = start_jwks();
    write_dotenv(&project, &jwks.env());
    run_api_http(
        "tests/e2e/netlify-dev.sh",
        &project,
        &jwks,
        "netlify",
        &[("E2E_RUNTIME_X_POWERED_BY", "Express")],
    );
}
