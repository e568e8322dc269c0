//! End to end, the working CRUD of a starter project (`scaffold new DIR --target T`, no spec: the
//! resource `movies` with the target's default storage, or the starter with `storage:` added; its
//! `year` and `watched` made filterable and a `ref` field `sequel_of` added), in
//! the platform's local runtime against the storage's real local engine, driven over HTTP by the
//! one CRUD table every storage passes, `tests/e2e/crud-http.test.js`: create, read, list with
//! paging (stable while items are inserted), update, delete, server ids and timestamps, a second
//! user who sees and reaches nothing (by id or by cursor), lists sorted and filtered over pages (the
//! same answers from every storage, another user's items in none), every bad list query a 400,
//! and, where the test can stop the engine,
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
//! - dynamodb (aws-lambda's default): dynalite, started as the project's `npm run db:local` says
//!   (its port replaced by a free one of 127.0.0.1) at the version the project pins, the table made
//!   by the project's `npm run db:create-table`, behind the project's `npm start` server (payload
//!   2.0 events); the database-down test stops it and starts it again (then creates the table).
//! - azure-tables (azure-functions' default): Azurite's Table service (Azure Storage's official
//!   emulator), started the same way, behind the project's `npm start` server (`@azure/functions`'
//!   classes); the table is made on first use; the database-down test stops and restarts it.
//! - dynamodb and azure-tables misconfigured or out of reach (the engine up but a missing table or
//!   a wrong account key; nothing listening at the endpoint): every CRUD call answers 503
//!   `storage_unavailable` with its request id, within seconds, leaking nothing
//!   (`tests/e2e/storage-down.test.js`).
//! - aws-lambda, azure-functions: `memory` storage (asked for in the spec: it is never a default)
//!   behind the project's own `npm start` server
//!   (payload 2.0 events; `@azure/functions`' classes).
//!
//! The engines come from `tests/e2e/db-engine.sh` (installed pinned into `~/.cache/scaffold-e2e/`
//! by `tests/e2e/install-db-engine.sh`; listeners checked with `ss`), one start per test.
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
/// `tests/node/install-node-deps.sh` (jose, @netlify/blobs, ...), its `movies` given what the list
/// table filters by (`filter: true` on `year` and `watched`, a `ref` field `sequel_of`) and
/// regenerated (`scaffold generate`), as a user who adds filters does.
fn starter(target: &str) -> (tempfile::TempDir, PathBuf) {
    require_node();
    require_npm();
    let (tmp, project) = new_project("demo", target, None);
    link_node_deps(&project);
    respec(&project, |text| {
        let mut out = text.to_string();
        for (from, to) in [
            (
                "      year: { type: integer, min: 1888, max: 2100 }\n",
                "      year: { type: integer, min: 1888, max: 2100, filter: true }\n",
            ),
            (
                "      watched: { type: boolean }\n",
                "      watched: { type: boolean, filter: true }\n",
            ),
            (
                "      tags: { type: array, items: string, max_items: 20 }\n",
                "      tags: { type: array, items: string, max_items: 20 }\n      sequel_of: { type: string, ref: movies }\n",
            ),
        ] {
            assert!(out.contains(from), "the starter spec has no `{from}`:\n{out}");
            out = out.replacen(from, to, 1);
        }
        out
    });
    (tmp, project)
}

/// The project's scaffold.yaml changed by `edit`, then `scaffold generate`.
fn respec(project: &Path, edit: impl Fn(&str) -> String) {
    let spec = project.join("scaffold.yaml");
    let text = std::fs::read_to_string(&spec).expect("read scaffold.yaml");
    std::fs::write(&spec, edit(&text)).expect("write scaffold.yaml");
    let out = scaffold()
        .current_dir(project)
        .arg("generate")
        .output()
        .expect("run scaffold generate");
    assert!(
        out.status.success(),
        "scaffold generate: {}",
        output_text(&out)
    );
}

/// The starter with `storage: STORAGE` added to its spec, regenerated (`scaffold generate`), as a
/// user who picks a storage other than the target's default does.
fn starter_with(target: &str, storage: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, project) = starter(target);
    respec(&project, |text| {
        let text = text.replacen(
            "\nbase_path:",
            &format!("\nstorage: {storage}\nbase_path:"),
            1,
        );
        assert!(text.contains(&format!("\nstorage: {storage}\n")), "{text}");
        text
    });
    (tmp, project)
}

fn crud_test() -> String {
    manifest_dir()
        .join("tests/e2e/crud-http.test.js")
        .to_string_lossy()
        .into_owned()
}

/// Top-level tests in `tests/e2e/crud-http.test.js` (none is generated from data): the CRUD
/// table, the sort and filter table, and the database-down test where the engine can be stopped
/// (`E2E_DB_STOP`).
const CRUD_HTTP_TESTS: u32 = 2;
const CRUD_HTTP_TESTS_WITH_DB_DOWN: u32 = 3;

fn assert_passed(out: &Output, target: &str) {
    assert_node_counts(
        out,
        CRUD_HTTP_TESTS,
        &format!("CRUD end to end on {target}"),
    );
}

/// Top-level tests in `tests/e2e/storage-down.test.js`.
const STORAGE_DOWN_TESTS: u32 = 1;

fn e2e_file(name: &str) -> String {
    manifest_dir()
        .join("tests/e2e")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A local database engine of `tests/e2e/db-engine.sh` for a project (its `db:local` command line
/// on a free port of 127.0.0.1, in memory), destroyed when dropped, even when the test fails.
struct Engine {
    dir: String,
    /// What points a project at it: `DYNAMODB_ENDPOINT` or `AZURE_STORAGE_CONNECTION_STRING`.
    setting: (String, String),
}

impl Engine {
    fn start(engine: &str, project: &Path) -> Engine {
        let out = Command::new("bash")
            .arg(manifest_dir().join("tests/e2e/db-engine.sh"))
            .args(["start", engine])
            .arg(project)
            .output()
            .expect("run tests/e2e/db-engine.sh");
        assert!(
            out.status.success(),
            "db-engine.sh start {engine}: {}",
            output_text(&out)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let dir = text
            .lines()
            .find_map(|l| l.strip_prefix("DIR="))
            .unwrap_or_else(|| panic!("db-engine.sh printed no DIR: {text}"))
            .to_string();
        let setting = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| *k == "DYNAMODB_ENDPOINT" || *k == "AZURE_STORAGE_CONNECTION_STRING")
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .unwrap_or_else(|| panic!("db-engine.sh printed no setting: {text}"));
        Engine { dir, setting }
    }

    /// The shell command that runs `db-engine.sh ACTION` on this engine (for the Node test).
    fn command(&self, action: &str) -> String {
        format!(
            "bash '{}' {action} '{}'",
            manifest_dir().join("tests/e2e/db-engine.sh").display(),
            self.dir
        )
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(manifest_dir().join("tests/e2e/db-engine.sh"))
            .args(["destroy", &self.dir])
            .output();
    }
}

/// `npm run db:create-table` in `project` with `envs`, as the README says.
fn create_table(project: &Path, envs: &[(&str, &str)]) {
    let out = Command::new("npm")
        .args(["run", "db:create-table"])
        .current_dir(project)
        .envs(envs.iter().copied())
        .output()
        .expect("run npm run db:create-table");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("created the table"),
        "npm run db:create-table: {}",
        output_text(&out)
    );
}

/// The JWKS settings of the starter's `jwt` provider and `JWT_STATE`, as owned pairs.
fn jwt_envs(jwks: &common::Jwks) -> Vec<(&'static str, String)> {
    let mut envs = jwks.env().to_vec();
    envs.push(("JWT_STATE", jwks.state.to_string_lossy().into_owned()));
    envs
}

fn borrowed<'a>(envs: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    envs.iter().map(|(n, v)| (*n, v.as_str())).collect()
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
    under_with(script, project, target, &crud_test(), envs)
}

/// `tests/e2e/<script> PROJECT -- node --test TEST_FILE`, with `envs` for the test.
fn under_with(
    script: &str,
    project: &Path,
    target: &str,
    test_file: &str,
    envs: &[(&str, &str)],
) -> Output {
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
        .arg(test_file)
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

/// The CRUD table under `wrangler dev`, the JWT settings of `jwks` in the project's `.dev.vars`.
fn under_wrangler_dev(project: &Path, jwks: &common::Jwks) -> Output {
    let vars: String = jwks
        .env()
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\"\n"))
        .collect();
    std::fs::write(project.join(".dev.vars"), vars).expect("write .dev.vars");
    under(
        "wrangler-dev.sh",
        project,
        "cloudflare-workers",
        &[("JWT_STATE", jwks.state.to_str().expect("UTF-8 path"))],
    )
}

#[test]
fn cloudflare_kv_under_wrangler_dev() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("cloudflare-workers");
    let out = under_wrangler_dev(&project, &jwks);
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
    let out = under_wrangler_dev(&project, &jwks);
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

#[test]
fn dynamodb_on_dynalite_behind_the_lambda_local_server() {
    let jwks = start_jwks();
    // aws-lambda's default: the starter as `scaffold new demo --target aws-lambda` makes it, set up
    // as its README says: `npm run db:local`, the two settings, `npm run db:create-table`.
    let (_tmp, project) = starter("aws-lambda");
    let readme = std::fs::read_to_string(project.join("README.md")).expect("README.md");
    for step in [
        "npm run db:local",
        "npm run db:create-table",
        "`DYNAMODB_TABLE`",
    ] {
        assert!(readme.contains(step), "the README lacks {step}:\n{readme}");
    }
    let engine = Engine::start("dynalite", &project);
    let (name, endpoint) = &engine.setting;
    let db = [
        (name.as_str(), endpoint.as_str()),
        ("DYNAMODB_TABLE", "demo-items"),
    ];
    create_table(&project, &db);
    // Restarted, the engine is empty: the table is made again, as after any `npm run db:local`.
    let restart = format!(
        "{} && cd '{}' && npm run --silent db:create-table",
        engine.command("restart"),
        project.display()
    );
    let mut envs = jwt_envs(&jwks);
    envs.extend([
        ("E2E_DB_STOP", engine.command("stop")),
        ("E2E_DB_START", restart),
    ]);
    let mut all = borrowed(&envs);
    all.extend(db);
    let out = under("npm-start.sh", &project, "aws-lambda (dynamodb)", &all);
    assert_node_counts(
        &out,
        CRUD_HTTP_TESTS_WITH_DB_DOWN,
        "CRUD end to end on aws-lambda + dynamodb (dynalite)",
    );
}

#[test]
fn azure_tables_on_azurite_behind_the_azure_local_server() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("azure-functions");
    let readme = std::fs::read_to_string(project.join("README.md")).expect("README.md");
    for step in ["npm run db:local", "`AZURE_STORAGE_CONNECTION_STRING`"] {
        assert!(readme.contains(step), "the README lacks {step}:\n{readme}");
    }
    let engine = Engine::start("azurite", &project);
    let (name, connection) = &engine.setting;
    let mut envs = jwt_envs(&jwks);
    envs.extend([
        ("E2E_DB_STOP", engine.command("stop")),
        ("E2E_DB_START", engine.command("restart")),
    ]);
    let mut all = borrowed(&envs);
    // The table is made on first use: nothing to set up.
    all.push((name.as_str(), connection.as_str()));
    let out = under(
        "npm-start.sh",
        &project,
        "azure-functions (azure-tables)",
        &all,
    );
    assert_node_counts(
        &out,
        CRUD_HTTP_TESTS_WITH_DB_DOWN,
        "CRUD end to end on azure-functions + azure-tables (Azurite)",
    );
}

/// A port of 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    listener.local_addr().expect("addr").port()
}

/// `tests/e2e/storage-down.test.js` against the project's `npm start` server with `envs`.
fn storage_down(project: &Path, what: &str, envs: &[(&str, &str)]) {
    let out = under_with(
        "npm-start.sh",
        project,
        what,
        &e2e_file("storage-down.test.js"),
        envs,
    );
    assert_node_counts(&out, STORAGE_DOWN_TESTS, what);
}

#[test]
fn dynamodb_misconfigured_or_out_of_reach_answers_503() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("aws-lambda");
    let jwt = jwt_envs(&jwks);
    let engine = Engine::start("dynalite", &project);
    // The engine up, the table missing (never created).
    let mut envs = borrowed(&jwt);
    envs.extend([
        (engine.setting.0.as_str(), engine.setting.1.as_str()),
        ("DYNAMODB_TABLE", "no-such-table"),
        (
            "STORAGE_DOWN_SECRETS",
            "no-such-table|DYNAMODB|ResourceNotFound",
        ),
    ]);
    storage_down(&project, "aws-lambda (dynamodb, no table)", &envs);
    // No table name at all.
    let mut envs = borrowed(&jwt);
    envs.extend([
        (engine.setting.0.as_str(), engine.setting.1.as_str()),
        ("STORAGE_DOWN_SECRETS", "DYNAMODB_TABLE"),
    ]);
    storage_down(
        &project,
        "aws-lambda (dynamodb, DYNAMODB_TABLE unset)",
        &envs,
    );
    // Nothing listening at the endpoint.
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let secrets = format!("{endpoint}|demo-items|DYNAMODB");
    let mut envs = borrowed(&jwt);
    envs.extend([
        ("DYNAMODB_ENDPOINT", endpoint.as_str()),
        ("DYNAMODB_TABLE", "demo-items"),
        ("STORAGE_DOWN_SECRETS", secrets.as_str()),
    ]);
    storage_down(&project, "aws-lambda (dynamodb, nothing listening)", &envs);
}

#[test]
fn azure_tables_misconfigured_or_out_of_reach_answers_503() {
    let jwks = start_jwks();
    let (_tmp, project) = starter("azure-functions");
    let jwt = jwt_envs(&jwks);
    let engine = Engine::start("azurite", &project);
    // The engine up, the account key wrong.
    let wrong = engine
        .setting
        .1
        .replacen("AccountKey=Eby8", "AccountKey=Xby8", 1);
    assert_ne!(wrong, engine.setting.1, "no account key to spoil");
    let mut envs = borrowed(&jwt);
    envs.extend([
        ("AZURE_STORAGE_CONNECTION_STRING", wrong.as_str()),
        (
            "STORAGE_DOWN_SECRETS",
            "devstoreaccount1|AccountKey|AuthorizationFailure",
        ),
    ]);
    storage_down(&project, "azure-functions (azure-tables, wrong key)", &envs);
    // No connection string at all.
    let mut envs = borrowed(&jwt);
    envs.push(("STORAGE_DOWN_SECRETS", "AZURE_STORAGE_CONNECTION_STRING"));
    storage_down(
        &project,
        "azure-functions (azure-tables, no connection string)",
        &envs,
    );
    // Nothing listening at the endpoint.
    let port = engine
        .setting
        .1
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("the endpoint's port");
    let down = engine.setting.1.replacen(
        &format!("127.0.0.1:{port}/"),
        &format!("127.0.0.1:{}/", closed_port()),
        1,
    );
    assert_ne!(down, engine.setting.1, "the endpoint did not change");
    let mut envs = borrowed(&jwt);
    envs.extend([
        ("AZURE_STORAGE_CONNECTION_STRING", down.as_str()),
        (
            "STORAGE_DOWN_SECRETS",
            "devstoreaccount1|AccountKey|ECONNREFUSED",
        ),
    ]);
    storage_down(
        &project,
        "azure-functions (azure-tables, nothing listening)",
        &envs,
    );
}
