//! End to end, the working CRUD of a starter project (`scaffold new DIR --target T`, no spec: the
//! resource `movies` with the target's default storage), in the platform's local runtime, driven
//! over HTTP by `tests/e2e/crud-http.test.js`: create, read, list with paging, update, delete, and
//! a second user who sees none of the first user's items.
//!
//! - netlify: Netlify Blobs in `netlify dev --offline`'s local sandbox; Netlify Identity tokens,
//!   which netlify dev decodes into `context.clientContext.user` (tests/e2e/README.md).
//! - cloudflare-workers: Workers KV (binding `STORE`) simulated by `wrangler dev --local`; JWTs
//!   verified against `tests/e2e/jwks-server.mjs`, settings in `.dev.vars`.
//! - netlify-modern: Netlify Blobs from a modern-format function under `netlify dev --offline`;
//!   JWTs against the local JWKS, settings in `.env`.
//! - aws-lambda, azure-functions: `memory` storage (asked for in the spec: it is never a default)
//!   behind the project's own `npm start` server
//!   (payload 2.0 events; `@azure/functions`' classes).
//!
//! Needs what `tests/e2e_netlify.rs` and `tests/e2e_cloudflare.rs` need (node, npm, curl, ss,
//! flock, the npm registry on a cold cache); without them these tests fail, they do not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{
    assert_node_counts, link_node_deps, manifest_dir, new_project, output_text, require_node,
    require_npm, scaffold, start_jwks, write_dotenv,
};

/// `scaffold new <tmp>/demo --target TARGET` with `node_modules` linked to the pinned packages of
/// `tests/node/install-node-deps.sh` (jose, @netlify/blobs, ...).
fn starter(target: &str) -> (tempfile::TempDir, PathBuf) {
    require_node();
    require_npm();
    let (tmp, project) = new_project("demo", target, None);
    link_node_deps(&project);
    (tmp, project)
}

/// The starter with `storage: STORAGE` added to its spec, regenerated (`scaffold generate`), as a
/// user who picks a storage other than the target's default does.
fn starter_with(target: &str, storage: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, project) = starter(target);
    let spec = project.join("scaffold.yaml");
    let text = std::fs::read_to_string(&spec).expect("read scaffold.yaml");
    let text = text.replacen(
        "\nbase_path:",
        &format!("\nstorage: {storage}\nbase_path:"),
        1,
    );
    assert!(text.contains(&format!("\nstorage: {storage}\n")), "{text}");
    std::fs::write(&spec, text).expect("write scaffold.yaml");
    let out = scaffold()
        .current_dir(&project)
        .arg("generate")
        .output()
        .expect("run scaffold generate");
    assert!(
        out.status.success(),
        "scaffold generate: {}",
        output_text(&out)
    );
    (tmp, project)
}

fn crud_test() -> String {
    manifest_dir()
        .join("tests/e2e/crud-http.test.js")
        .to_string_lossy()
        .into_owned()
}

/// Top-level tests in `tests/e2e/crud-http.test.js` (none is generated from data).
const CRUD_HTTP_TESTS: u32 = 1;

fn assert_passed(out: &Output, target: &str) {
    assert_node_counts(
        out,
        CRUD_HTTP_TESTS,
        &format!("CRUD end to end on {target}"),
    );
}

/// `tests/e2e/<script> PROJECT -- node --test crud-http.test.js`, with `envs` for the test.
fn under(script: &str, project: &Path, target: &str, envs: &[(&str, &str)]) -> Output {
    let root = manifest_dir();
    let mut command = Command::new("bash");
    command
        .arg(root.join("tests/e2e").join(script))
        .arg(project)
        .args([
            "--",
            "node",
            "--test",
            "--test-reporter=spec",
            "--test-timeout=120000",
        ])
        .arg(crud_test())
        .current_dir(&root)
        .env("CI", "true")
        .env("E2E_TARGET", target);
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().expect("run the runtime script")
}

#[test]
fn netlify_blobs_under_netlify_dev() {
    let (_tmp, project) = starter("netlify");
    assert!(project.join("netlify/functions/_shared/store.js").is_file());
    let out = under("netlify-dev.sh", &project, "netlify", &[]);
    assert_passed(&out, "netlify");
}

#[test]
fn cloudflare_kv_under_wrangler_dev() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("cloudflare-workers");
    let vars: String = jwks
        .env()
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\"\n"))
        .collect();
    std::fs::write(project.join(".dev.vars"), vars).expect("write .dev.vars");
    let out = under(
        "wrangler-dev.sh",
        &project,
        "cloudflare-workers",
        &[("JWT_STATE", jwks.state.to_str().expect("UTF-8 path"))],
    );
    assert_passed(&out, "cloudflare-workers");
}

#[test]
fn memory_behind_the_lambda_local_server() {
    let jwks = start_jwks();
    let (_tmp, project) = starter_with("aws-lambda", "memory");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        listener.local_addr().expect("addr").port()
    };
    let mut server = Command::new("node")
        .arg("local/server.js")
        .current_dir(&project)
        .envs(jwks.env())
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start local/server.js");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "local/server.js did not listen"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(crud_test())
        .env("BASE_URL", &base)
        .env("JWT_STATE", &jwks.state)
        .env("E2E_TARGET", "aws-lambda")
        .output()
        .expect("run node --test");
    let _ = server.kill();
    let _ = server.wait();
    assert_passed(&out, "aws-lambda");
}

#[test]
fn netlify_blobs_in_the_modern_format_under_netlify_dev() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("netlify-modern");
    write_dotenv(&project, &jwks.env());
    let out = under(
        "netlify-dev.sh",
        &project,
        "netlify-modern",
        &[
            ("JWT_STATE", jwks.state.to_str().expect("UTF-8 path")),
            ("NETLIFY_DEV_NO_FUNCTION_RETRY", "1"),
        ],
    );
    assert_passed(&out, "netlify-modern");
}

#[test]
fn memory_behind_the_azure_local_server() {
    let jwks = start_jwks();
    let (_tmp, project) = starter_with("azure-functions", "memory");
    let settings = jwks.env();
    let mut envs: Vec<(&str, &str)> = settings.iter().map(|(n, v)| (*n, v.as_str())).collect();
    envs.push(("JWT_STATE", jwks.state.to_str().expect("UTF-8 path")));
    let out = under("npm-start.sh", &project, "azure-functions", &envs);
    assert_passed(&out, "azure-functions");
}
