//! End to end on Netlify's own local runtime, modern function format: a project generated with
//! `--target netlify-modern` from `specs/jwt-cors.yaml` (handlers of `tests/node/overlay-esm/`)
//! runs under `netlify dev --offline` on 127.0.0.1, with its JWT settings in the project's `.env`
//! (as its README says) pointing at a local JWKS, and is driven over HTTP by the shared
//! `tests/e2e/api-http.test.js`; and the same project in TypeScript (`language: typescript`).
//!
//! `tests/e2e/netlify-dev.sh` installs the pinned Node 22 and netlify-cli into
//! `~/.cache/scaffold-e2e/` on first use (about a minute, then cached), starts the server, runs the
//! test and stops the server; `tests/node/install-node-deps.sh` brings jose. Needs `node`, `npm`,
//! `curl`, `flock` and `setsid` on PATH and the npm registry on a cold cache; without them this test
//! fails, it does not skip. Two netlify dev quirks are handled by the harness (tests/e2e/README.md):
//! its proxy adds `X-Powered-By: Express`, and it re-runs a `config.path` function that answered
//! 403/404 with `.html`-style paths (`NETLIFY_DEV_NO_FUNCTION_RETRY=1` turns that off).

mod common;

use common::{
    link_node_deps, require_node, require_npm, run_api_http, start_jwks, target_project,
    ts_target_project, write_dotenv,
};

#[test]
fn jwt_cors_project_under_netlify_dev_modern_format() {
    require_node();
    require_npm();
    let (_tmp, project) = target_project(
        "specs/jwt-cors.yaml",
        "netlify-modern",
        "tests/node/overlay-esm",
    );
    run_under_netlify_dev(&project);
}

/// The same in TypeScript (`language: typescript`): Netlify bundles `netlify/functions/api.ts`, its
/// dispatcher and the `.ts` handlers it loads with esbuild.
#[test]
fn typescript_project_under_netlify_dev_modern_format() {
    require_node();
    require_npm();
    let (_tmp, project) = ts_target_project(
        "specs/jwt-cors.yaml",
        "netlify-modern",
        "tests/node/overlay-esm",
    );
    assert!(project.join("netlify/functions/api.ts").is_file());
    assert!(!project.join("netlify/functions/api.js").exists());
    run_under_netlify_dev(&project);
}

fn run_under_netlify_dev(project: &std::path::Path) {
    link_node_deps(project);
    let jwks = start_jwks();
    write_dotenv(project, &jwks.env());
    run_api_http(
        "tests/e2e/netlify-dev.sh",
        project,
        &jwks,
        "netlify-modern",
        &[
            ("NETLIFY_DEV_NO_FUNCTION_RETRY", "1"),
            ("E2E_RUNTIME_X_POWERED_BY", "Express"),
        ],
    );
}
