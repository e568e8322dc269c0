//! End to end, the working CRUD of a starter project (`scaffold new DIR --target T`, no spec: the
//! resource `movies` with the target's default storage, or the starter with `storage:` added), in
//! the platform's local runtime against the storage's real local engine, driven over HTTP by the
//! one CRUD table every storage passes, `tests/e2e/crud-http.test.js`: create, read, list with
//! paging (stable while items are inserted), update, delete, server ids and timestamps, a second
//! user who sees and reaches nothing (by id or by cursor), and, where the test can stop the engine,
//! the database down (503 with the request id, nothing leaked, no partial write).
//!
//! - d1 (cloudflare-workers, asked for in the spec): the project's `migrations/` applied with
//!   `wrangler d1 migrations apply DB --local` (its `npm run migrate:local`), then the starter
//!   under `wrangler dev --local`, whose local D1 is the same SQLite state. D1 runs inside the
//!   runtime: there is no engine to stop, so no database-down case.
//! - postgres (vercel's default; every Node target): one PostgreSQL server for this binary
//!   (`tests/e2e/postgres.sh`: Debian's package, a temporary data dir, 127.0.0.1, a free port),
//!   the project's own `npm run migrate`, then the vercel starter under `vercel dev --local` and an
//!   aws-lambda starter with `storage: postgres` behind its `npm start` server; both stop and
//!   restart the server for the database-down test.
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

/// Top-level tests in `tests/e2e/crud-http.test.js` (none is generated from data): the CRUD
/// table, and the database-down test where the engine can be stopped (`E2E_DB_STOP`).
const CRUD_HTTP_TESTS: u32 = 1;
const CRUD_HTTP_TESTS_WITH_DB_DOWN: u32 = 2;

fn assert_passed(out: &Output, target: &str) {
    assert_node_counts(
        out,
        CRUD_HTTP_TESTS,
        &format!("CRUD end to end on {target}"),
    );
}

/// A PostgreSQL server of `tests/e2e/postgres.sh` (127.0.0.1, a free port, a temporary data
/// dir, database `demo`), destroyed when dropped, even when the test fails.
struct Postgres {
    dir: String,
    url: String,
}

impl Postgres {
    fn start() -> Postgres {
        let out = Command::new("bash")
            .arg(manifest_dir().join("tests/e2e/postgres.sh"))
            .args(["start", "demo"])
            .output()
            .expect("run tests/e2e/postgres.sh");
        assert!(
            out.status.success(),
            "postgres.sh start: {}",
            output_text(&out)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("postgres.sh printed no {key}: {text}"))
                .to_string()
        };
        Postgres {
            dir: value("DIR="),
            url: value("DATABASE_URL="),
        }
    }

    /// The shell command that runs `postgres.sh ACTION` on this server (for the Node test).
    fn command(&self, action: &str) -> String {
        format!(
            "bash '{}' {action} '{}'",
            manifest_dir().join("tests/e2e/postgres.sh").display(),
            self.dir
        )
    }

    /// `npm run migrate` in `project` against this server, as the README says.
    fn migrate(&self, project: &Path) {
        let out = Command::new("npm")
            .args(["run", "migrate"])
            .current_dir(project)
            .env("DATABASE_URL", &self.url)
            .output()
            .expect("run npm run migrate");
        assert!(
            out.status.success(),
            "npm run migrate: {}",
            output_text(&out)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("applied 0001_init.sql"),
            "npm run migrate: {}",
            output_text(&out)
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(manifest_dir().join("tests/e2e/postgres.sh"))
            .args(["destroy", &self.dir])
            .output();
    }
}

/// The project's `node local/server.js` (aws-lambda) on a free port with `envs`, then the CRUD
/// table against it with `test_envs`; the server is stopped before this returns.
fn under_lambda_local(
    project: &Path,
    envs: &[(&str, String)],
    test_envs: &[(&str, String)],
) -> Output {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        listener.local_addr().expect("addr").port()
    };
    let mut server = Command::new("node")
        .arg("local/server.js")
        .current_dir(project)
        .env_remove("DATABASE_URL")
        .envs(envs.iter().map(|(n, v)| (*n, v.as_str())))
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start local/server.js");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if std::time::Instant::now() >= deadline {
            let _ = server.kill();
            let _ = server.wait();
            panic!("local/server.js did not listen");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "--test-timeout=300000"])
        .arg(crud_test())
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("E2E_TARGET", "aws-lambda")
        .envs(test_envs.iter().map(|(n, v)| (*n, v.as_str())))
        .output()
        .expect("run node --test");
    let _ = server.kill();
    let _ = server.wait();
    out
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
            "--test-timeout=300000",
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
fn d1_under_wrangler_dev() {
    let jwks = start_jwks();
    let (_tmp, project) = starter_with("cloudflare-workers", "d1");
    assert!(project.join("migrations/0001_init.sql").is_file());
    let toml = std::fs::read_to_string(project.join("wrangler.toml")).expect("wrangler.toml");
    assert!(
        toml.contains("[[d1_databases]]") && !toml.contains("kv_namespaces"),
        "{toml}"
    );
    // The README's `npm run migrate:local`, with the pinned wrangler and no credentials.
    let tools = Command::new("bash")
        .arg(manifest_dir().join("tests/e2e/install-wrangler.sh"))
        .output()
        .expect("run install-wrangler.sh");
    assert!(
        tools.status.success(),
        "install-wrangler.sh: {}",
        output_text(&tools)
    );
    let tools = String::from_utf8_lossy(&tools.stdout).into_owned();
    let tool = |key: &str| {
        tools
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("install-wrangler.sh printed no {key}"))
            .to_string()
    };
    let config = tempfile::tempdir().expect("temp dir");
    let out = Command::new(Path::new(&tool("NODE22_BIN=")).join("node"))
        .arg(tool("WRANGLER_JS="))
        .args(["d1", "migrations", "apply", "DB", "--local"])
        .current_dir(&project)
        .env_remove("CLOUDFLARE_API_TOKEN")
        .env_remove("CLOUDFLARE_ACCOUNT_ID")
        .env("XDG_CONFIG_HOME", config.path())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run wrangler d1 migrations apply");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("0001_init.sql"),
        "wrangler d1 migrations apply DB --local: {}",
        output_text(&out)
    );
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
    assert_passed(&out, "cloudflare-workers + d1");
}

#[test]
fn memory_behind_the_lambda_local_server() {
    let jwks = start_jwks();
    let (_tmp, project) = starter_with("aws-lambda", "memory");
    let state = jwks.state.to_string_lossy().into_owned();
    let out = under_lambda_local(&project, &jwks.env(), &[("JWT_STATE", state)]);
    assert_passed(&out, "aws-lambda");
}

#[test]
fn postgres_under_vercel_dev_and_the_lambda_local_server() {
    let jwks = start_jwks();
    let pg = Postgres::start();
    let state = jwks.state.to_string_lossy().into_owned();
    let db_envs = [
        ("JWT_STATE", state.clone()),
        ("E2E_DB_STOP", pg.command("stop")),
        ("E2E_DB_START", pg.command("restart")),
    ];

    // Vercel's default: the starter as `scaffold new demo --target vercel` makes it, set up as its
    // README says (`npm run migrate`, DATABASE_URL in .env, which vercel dev reads).
    let (_tmp, project) = starter("vercel");
    assert!(project.join("db/migrations/0001_init.sql").is_file());
    let readme = std::fs::read_to_string(project.join("README.md")).expect("README.md");
    assert!(
        readme.contains("npm run migrate") && readme.contains("`DATABASE_URL`"),
        "{readme}"
    );
    pg.migrate(&project);
    pg.migrate(&project); // idempotent: a second run changes nothing and succeeds
    let mut dotenv = jwks.env().to_vec();
    dotenv.push(("DATABASE_URL", pg.url.clone()));
    write_dotenv(&project, &dotenv);
    let envs: Vec<(&str, &str)> = db_envs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let out = under("vercel-dev.sh", &project, "vercel", &envs);
    assert_node_counts(
        &out,
        CRUD_HTTP_TESTS_WITH_DB_DOWN,
        "CRUD end to end on vercel + postgres",
    );

    // Another Node target, ESM behind its own server: the same table on the same server.
    let (_tmp2, lambda) = starter_with("aws-lambda", "postgres");
    pg.migrate(&lambda);
    let mut envs = jwks.env().to_vec();
    envs.push(("DATABASE_URL", pg.url.clone()));
    let out = under_lambda_local(&lambda, &envs, &db_envs);
    assert_node_counts(
        &out,
        CRUD_HTTP_TESTS_WITH_DB_DOWN,
        "CRUD end to end on aws-lambda + postgres",
    );

    // Misconfigured: no DATABASE_URL, or one naming a database that does not exist. Every CRUD
    // call is a 503 with nothing about the database in the body.
    let missing = pg
        .url
        .rsplit_once('/')
        .map(|(server, _)| format!("{server}/nosuchdb"))
        .expect("a URL");
    for (what, url) in [
        ("DATABASE_URL unset", None),
        ("no such database", Some(missing)),
    ] {
        let mut envs = jwks.env().to_vec();
        envs.extend(url.map(|url| ("DATABASE_URL", url)));
        let test_envs = [
            ("JWT_STATE", state.clone()),
            ("E2E_MISCONFIGURED", what.to_string()),
        ];
        let out = under_lambda_local(&lambda, &envs, &test_envs);
        assert_node_counts(&out, 1, &format!("aws-lambda + postgres, {what}"));
    }
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
