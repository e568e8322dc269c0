//! End to end on Cloudflare's own local runtime: a project generated for the `cloudflare-workers`
//! target from `specs/jwt-cors.yaml` (with the test handlers of `tests/node/overlay-esm/`) is
//! bundled by wrangler (esbuild, jose included) and run in workerd by `wrangler dev --local` on
//! 127.0.0.1, then driven over HTTP by the shared behaviour test `tests/e2e/api-http.test.js`. The
//! Worker verifies tokens against `tests/e2e/jwks-server.mjs` on 127.0.0.1, reading its settings
//! from `.dev.vars`, as the generated README tells users. A second case runs the same project in
//! TypeScript (`language: typescript`: wrangler bundles `src/index.ts`). A third runs the project
//! without `.dev.vars`: it must fail closed.
//!
//! `tests/e2e/wrangler-dev.sh` installs the pinned Node 22 and wrangler into `~/.cache/scaffold-e2e/`
//! on first use (`tests/e2e/install-wrangler.sh`, about 10 s, then cached), starts the server
//! offline, runs the command and stops the server. Needs `node`, `npm`, `curl`, `ss` (iproute2) and
//! `flock`, and the npm registry on a cold cache; without them these tests fail, they do not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{
    assert_node_counts, link_node_deps, manifest_dir, output_text, require_node, require_npm,
    start_jwks, target_project, Jwks, API_HTTP_TESTS,
};

const TARGET: &str = "cloudflare-workers";
const SPEC: &str = "specs/jwt-cors.yaml";
const OVERLAY: &str = "tests/node/overlay-esm";

/// The shared security headers of a spec without `headers:` overrides: the tests' one hard-coded
/// table, names in lower case.
fn security_headers() -> Vec<(String, String)> {
    let table: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(include_str!("security-headers.json")).expect("security-headers.json");
    table
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_lowercase(),
                value.as_str().expect("a string").to_string(),
            )
        })
        .collect()
}

/// The generated project with the ES module test handlers and `node_modules` linked to the pinned
/// jose of `tests/node/install-node-deps.sh` (wrangler's esbuild resolves `import('jose')` through
/// the link and bundles it into the Worker).
fn worker_project() -> (tempfile::TempDir, PathBuf) {
    require_node();
    require_npm();
    let (tmp, project) = target_project(SPEC, TARGET, OVERLAY);
    assert!(
        project.join("wrangler.toml").is_file() && project.join("src/index.js").is_file(),
        "scaffold new --target {TARGET} made no wrangler.toml or src/index.js in {}",
        project.display()
    );
    link_node_deps(&project);
    (tmp, project)
}

/// `.dev.vars` (dotenv syntax), which `wrangler dev` turns into the Worker's `env` bindings.
fn write_dev_vars(project: &Path, jwks: &Jwks) {
    let text: String = jwks
        .env()
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\"\n"))
        .collect();
    std::fs::write(project.join(".dev.vars"), text).expect("write .dev.vars");
}

/// `tests/e2e/wrangler-dev.sh PROJECT -- CMD...` from the repository root, with `envs` for CMD.
fn under_wrangler_dev(project: &Path, cmd: &[&str], envs: &[(&str, &Path)]) -> Output {
    let root = manifest_dir();
    let mut command = Command::new("bash");
    command
        .arg(root.join("tests/e2e/wrangler-dev.sh"))
        .arg(project)
        .arg("--")
        .args(cmd)
        .current_dir(&root)
        .env("CI", "true")
        .env("E2E_TARGET", TARGET);
    for (name, value) in envs {
        command.env(name, value);
    }
    let started = std::time::Instant::now();
    let out = command.output().expect("run tests/e2e/wrangler-dev.sh");
    // Shown with --nocapture: the harness's own timings (ready after, stopped in).
    eprintln!(
        "wrangler-dev.sh took {:.1} s:\n{}",
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn generated_worker_under_wrangler_dev() {
    let (_tmp, project) = worker_project();
    api_http_under_wrangler_dev(&project);
}

/// The same Worker in TypeScript (`language: typescript`): wrangler bundles `src/index.ts` (its
/// `main`), the dispatcher and the `.ts` handlers.
#[test]
fn typescript_worker_under_wrangler_dev() {
    require_node();
    require_npm();
    let (_tmp, project) = common::ts_target_project(SPEC, TARGET, OVERLAY);
    let toml = std::fs::read_to_string(project.join("wrangler.toml")).unwrap();
    assert!(toml.contains("main = \"src/index.ts\""), "{toml}");
    assert!(!project.join("src/index.js").exists());
    link_node_deps(&project);
    api_http_under_wrangler_dev(&project);
}

fn api_http_under_wrangler_dev(project: &Path) {
    let project = project.to_path_buf();
    let jwks = start_jwks();
    write_dev_vars(&project, &jwks);
    let test_file = manifest_dir().join("tests/e2e/api-http.test.js");
    let out = under_wrangler_dev(
        &project,
        &[
            "node",
            "--test",
            "--test-reporter=spec",
            "--test-timeout=60000",
            test_file.to_str().expect("UTF-8 path"),
        ],
        &[("JWT_STATE", &jwks.state)],
    );
    assert_node_counts(&out, API_HTTP_TESTS, "api-http.test.js under wrangler dev");
}

/// Mints a valid RS256 token with the JWKS server's key and sends it to `/api/notes`, and calls the
/// public `/api/stats`; prints `{ authenticated, public }`, each `{ status, headers, body }`.
const FAIL_CLOSED_PROBE: &str = r#"
import crypto from 'node:crypto';
import fs from 'node:fs';
const state = JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8'));
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: state.kid })}.${b64({
  iss: state.issuer, aud: state.audience, sub: 'user-1', iat: now, exp: now + 600,
})}`;
const signature = crypto.sign('sha256', Buffer.from(input), crypto.createPrivateKey(state.privateKeyPem));
async function call(path, headers) {
  const res = await fetch(process.env.BASE_URL + path, { headers, signal: AbortSignal.timeout(20000) });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}
const authenticated = await call('/api/notes', { authorization: `Bearer ${input}.${signature.toString('base64url')}` });
const open = await call('/api/stats', {});
console.log(JSON.stringify({ authenticated, public: open }));
"#;

#[test]
fn worker_without_dev_vars_fails_closed() {
    let jwks = start_jwks();
    let (tmp, project) = worker_project();
    assert!(!project.join(".dev.vars").exists());
    let log = tmp.path().join("wrangler-dev.log");
    let out = under_wrangler_dev(
        &project,
        &["node", "--input-type=module", "-e", FAIL_CLOSED_PROBE],
        &[("JWT_STATE", &jwks.state), ("WRANGLER_DEV_LOG", &log)],
    );
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "the probe under wrangler dev failed ({}):\n{text}",
        out.status
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("the probe printed no JSON:\n{text}"));
    let result: serde_json::Value = serde_json::from_str(line).expect("probe output is JSON");
    for case in ["authenticated", "public"] {
        let res = &result[case];
        assert_eq!(
            res["status"], 500,
            "{case} request without settings:\n{text}"
        );
        let body: serde_json::Value =
            serde_json::from_str(res["body"].as_str().unwrap_or("")).expect("a JSON error body");
        assert_eq!(body["error"], "internal_error", "{case}:\n{text}");
        let request_id = res["headers"]["x-request-id"].as_str().unwrap_or("");
        assert!(
            !request_id.is_empty() && body["requestId"] == request_id,
            "{case}: the body's requestId must be the X-Request-Id header:\n{text}"
        );
        assert_eq!(
            body.as_object().map(|o| o.len()),
            Some(2),
            "{case}: the 500 body holds only error and requestId:\n{text}"
        );
        for (name, value) in security_headers() {
            assert_eq!(res["headers"][&name], value, "{case}: {name}:\n{text}");
        }
    }
    // The 500 comes from the settings check, not from anything else going wrong.
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        log_text.contains("JWT auth is not configured"),
        "wrangler's log does not show the missing-settings error:\n{log_text}\n{text}"
    );
}
