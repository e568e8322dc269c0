//! End to end on Vercel's own local runtime: a project generated with `--target vercel` from
//! `specs/jwt-cors.yaml` (handlers of `tests/node/overlay-esm/`) runs under `vercel dev --local`
//! on 127.0.0.1 (no login, no project link), with its JWT settings in the project's `.env` (as its
//! README says) pointing at a local JWKS, and is driven over HTTP through the `vercel.json`
//! rewrite by the shared `tests/e2e/api-http.test.js`; and the same project in TypeScript.
//!
//! `tests/e2e/vercel-dev.sh` installs the pinned vercel CLI into `~/.cache/scaffold-e2e/` on first
//! use (`tests/e2e/install-vercel.sh`, about a minute, then cached), starts the server, runs the
//! test and stops the server; `tests/node/install-node-deps.sh` brings jose. Needs Node.js >= 20,
//! `npm`, `curl`, `flock`, `setsid` and `ss` on PATH and the npm registry on a cold cache; without
//! them this test fails, it does not skip. vercel dev runs every function request in a fresh
//! process (1.5 to 3 s each here), so this takes 45 to 100 s.

mod common;

use common::{
    link_node_deps, require_node, require_npm, run_api_http, start_jwks, target_project,
    ts_target_project, write_dotenv,
};

#[test]
fn jwt_cors_project_under_vercel_dev() {
    let node = require_node();
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 20,
        "vercel dev (vercel@59.25.4) needs Node.js >= 20 on PATH, found {node}: install Node.js 20 or newer"
    );
    require_npm();
    let (_tmp, project) = target_project("specs/jwt-cors.yaml", "vercel", "tests/node/overlay-esm");
    run_under_vercel_dev(&project);
}

/// The same in TypeScript (`language: typescript`): Vercel builds `api/index.ts`, and the `.ts`
/// handlers its dispatcher imports.
#[test]
fn typescript_project_under_vercel_dev() {
    require_node();
    require_npm();
    let (_tmp, project) =
        ts_target_project("specs/jwt-cors.yaml", "vercel", "tests/node/overlay-esm");
    assert!(project.join("api/index.ts").is_file() && !project.join("api/index.js").exists());
    run_under_vercel_dev(&project);
}

fn run_under_vercel_dev(project: &std::path::Path) {
    let project = project.to_path_buf();
    link_node_deps(&project);
    let jwks = start_jwks();
    write_dotenv(&project, &jwks.env());
    run_api_http("tests/e2e/vercel-dev.sh", &project, &jwks, "vercel", &[]);
}
