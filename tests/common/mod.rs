//! Helpers shared by the tests that run generated projects under Node.
#![allow(dead_code, unreachable_pub)]

pub mod rng;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `TOOL --version`, or a panic that says what is missing: tests that need a tool FAIL without
/// it, they never skip.
fn require_tool(tool: &str, need: &str) -> String {
    match Command::new(tool).arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => panic!(
            "`{tool} --version` failed ({}): {}{}\n{need}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!(
            "cannot run `{tool}` ({err}).\n{need}; install it rather than skipping this test."
        ),
    }
}

/// `node --version` (Node.js >= 20 runs the generated code).
pub fn require_node() -> String {
    require_tool(
        "node",
        "The Node tests of the generated dispatcher need Node.js >= 20 on PATH",
    )
}

pub fn output_text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Copies the tree `from` into `to`, overwriting files that exist; returns the files copied.
pub fn copy_tree(from: &Path, to: &Path) -> Vec<PathBuf> {
    let mut copied = Vec::new();
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let mut entries: Vec<_> = fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .map(|entry| entry.expect("directory entry"))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copied.extend(copy_tree(&source, &target));
        } else {
            fs::copy(&source, &target).unwrap_or_else(|e| {
                panic!("copy {} -> {}: {e}", source.display(), target.display())
            });
            copied.push(target);
        }
    }
    copied
}

/// Every `.js`/`.cjs`/`.mjs` file under `dir`, node_modules excluded, sorted.
pub fn js_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "node_modules") {
                continue;
            }
            out.extend(js_files(&path));
        } else if path
            .extension()
            .is_some_and(|ext| ext == "js" || ext == "cjs" || ext == "mjs")
        {
            out.push(path);
        }
    }
    out
}

/// A project generated from `spec` (relative to the repository) by the crate's binary, with the
/// test handlers of `tests/node/overlay/` copied over the generated starters.
pub fn project_with_overlay(spec: &str) -> (tempfile::TempDir, PathBuf) {
    project_with_overlay_dir(spec, "tests/node/overlay")
}

/// `npm --version` (tests that install pinned npm packages, e.g. jose).
pub fn require_npm() -> String {
    require_tool(
        "npm",
        "This test installs pinned npm packages and needs npm on PATH (it comes with Node.js)",
    )
}

/// A project generated from `spec` by the crate's binary, with the files of the overlay directory
/// `overlay` (both relative to the repository) copied over the generated files they must replace
/// (a file the generator no longer creates would be copied in and never loaded: fail instead).
pub fn project_with_overlay_dir(spec: &str, overlay: &str) -> (tempfile::TempDir, PathBuf) {
    let root = manifest_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("proj");
    let generated = scaffold_new_output(&root.join(spec), &project);
    assert!(
        generated.status.success(),
        "scaffold new failed ({}):\n{}",
        generated.status,
        output_text(&generated)
    );
    let api = project.join("netlify/functions/api.js");
    assert!(
        api.is_file(),
        "scaffold new did not create {}",
        api.display()
    );

    let overlay = root.join(overlay);
    let stale: Vec<_> = js_files(&overlay)
        .into_iter()
        .filter_map(|file| {
            let relative = file
                .strip_prefix(&overlay)
                .expect("under overlay")
                .to_path_buf();
            (!project.join(&relative).is_file()).then_some(relative)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "overlay files with no generated counterpart (renamed handlers?): {stale:?}"
    );
    let copied = copy_tree(&overlay, &project);
    assert!(!copied.is_empty(), "nothing in {}", overlay.display());

    (tmp, project)
}

// ---- Driving the CLI ----

pub fn scaffold() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("scaffold").unwrap();
    cmd.env_remove("NO_COLOR").env("CI", "true");
    cmd
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().display().to_string(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Runs `cmd`, expects exit `code`, returns stderr.
pub fn stderr(cmd: &mut assert_cmd::Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

pub fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

// ---- Generating without panicking (tests/observatory.rs) ----

/// Runs `scaffold new PROJECT --spec SPEC` with the crate's binary and returns its output, whatever
/// the exit code (for tests that look at a refusal).
pub fn scaffold_new_output(spec: &Path, project: &Path) -> Output {
    assert_cmd::Command::cargo_bin("scaffold")
        .expect("the scaffold binary")
        .current_dir(manifest_dir())
        .env("CI", "true")
        .arg("new")
        .arg(project)
        .arg("--spec")
        .arg(spec)
        .output()
        .expect("run scaffold new")
}

/// Copies the overlay directory `overlay` over the generated `project`; every overlay file must
/// replace a generated one (a file the generator no longer creates would never be loaded).
pub fn overlay_onto(overlay: &Path, project: &Path) {
    let stale: Vec<_> = js_files(overlay)
        .into_iter()
        .filter_map(|file| {
            let relative = file
                .strip_prefix(overlay)
                .expect("under overlay")
                .to_path_buf();
            (!project.join(&relative).is_file()).then_some(relative)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "overlay files with no generated counterpart in {} (renamed handlers?): {stale:?}",
        project.display()
    );
    let copied = copy_tree(overlay, project);
    assert!(!copied.is_empty(), "nothing in {}", overlay.display());
}

// ---- Generated projects with test handlers (schemathesis) ----

/// A project generated by `scaffold new` from `spec`, with the files of `overlay` (both relative to
/// the repository) copied over it. Each overlay file must replace a generated one (a handler the
/// generator no longer creates would be copied in and never loaded), except modules whose names
/// start with `_`: helpers the handlers require, which the generator never makes.
pub fn project_from(spec: &str, overlay: &str) -> (tempfile::TempDir, PathBuf) {
    let root = manifest_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("proj");
    let out = scaffold_new_output(&root.join(spec), &project);
    assert!(
        out.status.success(),
        "scaffold new --spec {spec} failed ({}):\n{}",
        out.status,
        output_text(&out)
    );
    let overlay = root.join(overlay);
    let stale: Vec<_> = js_files(&overlay)
        .into_iter()
        .map(|file| {
            file.strip_prefix(&overlay)
                .expect("under overlay")
                .to_path_buf()
        })
        .filter(|relative| {
            let helper = relative
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('_'));
            !helper && !project.join(relative).is_file()
        })
        .collect();
    assert!(
        stale.is_empty(),
        "files of {} with no generated counterpart (renamed handlers?): {stale:?}",
        overlay.display()
    );
    let copied = copy_tree(&overlay, &project);
    assert!(!copied.is_empty(), "nothing in {}", overlay.display());
    (tmp, project)
}

/// `python3 --version`, or a panic that says what is missing: python3 with the `venv` module (and
/// `ensurepip`, which Debian splits into python3-venv).
pub fn require_python_venv() -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, venv, ensurepip; print(sys.version.split()[0])",
        ])
        .output();
    match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => panic!(
            "python3 cannot make a venv ({}): {}{}\nThe schemathesis test needs python3 >= 3.9 with the venv \
             module (e.g. `apt-get install python3-venv`); it does not skip.",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!(
            "cannot run `python3` ({err}).\nThe schemathesis test needs python3 >= 3.9 with the venv module \
             on PATH (e.g. `apt-get install python3 python3-venv`); it does not skip."
        ),
    }
}

// ---- Projects for every target ----

/// The folder of a target's handler files, from its `target.yaml` (the per-operation rule).
pub fn handler_dir(target: &str) -> PathBuf {
    let targets = scaffold::Templates::builtin().targets().expect("targets");
    let desc = targets
        .get(target)
        .unwrap_or_else(|| panic!("no target `{target}`"));
    let rule = desc
        .files
        .iter()
        .find(|f| f.each == scaffold::testing::Each::Operation)
        .unwrap_or_else(|| panic!("target `{target}` has no per-operation file"));
    PathBuf::from(
        rule.path
            .rsplit_once('/')
            .map(|(dir, _)| dir)
            .unwrap_or_else(|| panic!("handler path without a folder: {}", rule.path)),
    )
}

/// A project generated by `scaffold new --target TARGET --spec SPEC` (spec relative to the
/// repository), with each file of the flat overlay folder `overlay` (relative to the repository)
/// copied over the generated handler of the same name in the target's handler folder. Every
/// overlay file must replace a generated handler.
pub fn target_project(spec: &str, target: &str, overlay: &str) -> (tempfile::TempDir, PathBuf) {
    let root = manifest_dir();
    let (tmp, project) = generated_project(spec, target);
    overlay_handlers(
        &root.join(overlay),
        &project.join(handler_dir(target)),
        "js",
    );
    (tmp, project)
}

/// Copies each file `<stem>.js` of the flat folder `overlay` over the generated handler
/// `<stem>.<ext>` in `handlers`; every overlay file must replace one, and there must be one.
fn overlay_handlers(overlay: &Path, handlers: &Path, ext: &str) {
    let mut copied = 0;
    for entry in std::fs::read_dir(overlay).expect("overlay folder") {
        let file = entry.expect("overlay entry").path();
        let stem = file.file_stem().expect("file stem").to_string_lossy();
        let dest = handlers.join(format!("{stem}.{ext}"));
        assert!(
            dest.is_file(),
            "{} has no generated counterpart {} (renamed handler?)",
            file.display(),
            dest.display()
        );
        std::fs::copy(&file, &dest).expect("copy overlay file");
        copied += 1;
    }
    assert!(copied > 0, "nothing in {}", overlay.display());
}

// ---- End to end with JWT auth ----

/// The settings `tests/e2e/jwks-server.mjs` signs tokens for (also in its state file).
pub const E2E_ISSUER: &str = "https://issuer.e2e.test/";
pub const E2E_AUDIENCE: &str = "https://api.e2e.test";

/// A running `tests/e2e/jwks-server.mjs` on 127.0.0.1; stopped when dropped.
pub struct Jwks {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    /// The state file `tests/e2e/api-http.test.js` reads (`JWT_STATE`).
    pub state: PathBuf,
    /// `http://127.0.0.1:<port>/jwks.json`.
    pub url: String,
}

impl Jwks {
    /// `JWT_ISSUER`, `JWT_AUDIENCE`, `JWT_JWKS_URL` as the jwt-cors spec reads them.
    pub fn env(&self) -> [(&'static str, String); 3] {
        [
            ("JWT_ISSUER", E2E_ISSUER.to_string()),
            ("JWT_AUDIENCE", E2E_AUDIENCE.to_string()),
            ("JWT_JWKS_URL", self.url.clone()),
        ]
    }
}

impl Drop for Jwks {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the JWKS server and waits (at most 20 s) for its state file.
pub fn start_jwks() -> Jwks {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("jwt-state.json");
    let child = std::process::Command::new("node")
        .arg(manifest_dir().join("tests/e2e/jwks-server.mjs"))
        .arg(&state)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start tests/e2e/jwks-server.mjs");
    let mut jwks = Jwks {
        child,
        _dir: dir,
        state,
        url: String::new(),
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !jwks.state.is_file() {
        assert!(
            std::time::Instant::now() < deadline,
            "tests/e2e/jwks-server.mjs wrote no state file within 20 s"
        );
        if let Ok(Some(status)) = jwks.child.try_wait() {
            panic!("tests/e2e/jwks-server.mjs exited early: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&jwks.state).expect("read JWKS state");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JWKS state is JSON");
    jwks.url = value["jwksUrl"].as_str().expect("jwksUrl").to_string();
    jwks
}

/// `node`, without the caller's `NODE_OPTIONS` and JWT settings (`JWT_ISSUER`, `JWT_AUDIENCE`,
/// `JWT_JWKS_URL`), which would change what the generated code does under test.
pub fn node_command() -> Command {
    let mut cmd = Command::new("node");
    cmd.env_remove("NODE_OPTIONS")
        .env_remove("JWT_ISSUER")
        .env_remove("JWT_AUDIENCE")
        .env_remove("JWT_JWKS_URL");
    cmd
}

/// The closing summary of a `node --test` run, spec or tap reporter (`ℹ pass 8`, `# pass 8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeCounts {
    pub tests: u32,
    pub pass: u32,
    pub fail: u32,
    pub cancelled: u32,
    pub skipped: u32,
    pub todo: u32,
}

/// The counts of the last `node --test` summary in `stdout`, or None without one.
pub fn node_counts(stdout: &str) -> Option<NodeCounts> {
    let count = |word: &str| {
        stdout.lines().rev().find_map(|line| {
            line.trim_start_matches(['ℹ', '#', ' '])
                .strip_prefix(word)
                .and_then(|rest| rest.strip_prefix(' '))
                .and_then(|n| n.trim().parse::<u32>().ok())
        })
    };
    Some(NodeCounts {
        tests: count("tests")?,
        pass: count("pass")?,
        fail: count("fail")?,
        cancelled: count("cancelled")?,
        skipped: count("skipped")?,
        todo: count("todo")?,
    })
}

/// The count a data-driven Node test file announces: its one test named `plan: N tests`, where
/// the file computes N from its tables (every `it`/`test` it registers, that one included). The
/// Rust side then asserts exactly N ran, so a test dropped or registered conditionally fails the
/// run, while a row added to a table keeps the assertion exact.
pub fn planned_tests(stdout: &str) -> u32 {
    let plans: Vec<u32> = stdout
        .lines()
        .filter_map(|line| {
            let rest = &line[line.find("plan: ")? + "plan: ".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with(" tests")
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect();
    assert_eq!(
        plans.len(),
        1,
        "expected exactly one `plan: N tests` test in the output, found {plans:?}:\n{stdout}"
    );
    plans[0]
}

/// Asserts that the `node --test` run `out` exited 0 and ran exactly `expected` tests, all
/// passing: none failed, cancelled, skipped or todo. `what` names the run in the failure.
pub fn assert_node_counts(out: &Output, expected: u32, what: &str) {
    let text = output_text(out);
    let counts = node_counts(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|| panic!("{what}: no `node --test` summary in the output:\n{text}"));
    let want = NodeCounts {
        tests: expected,
        pass: expected,
        fail: 0,
        cancelled: 0,
        skipped: 0,
        todo: 0,
    };
    assert!(
        out.status.success() && counts == want,
        "{what}: {}, {counts:?}, expected {want:?}:\n{text}",
        out.status
    );
}

/// Asserts as [`assert_node_counts`], with the count the run's output announces
/// ([`planned_tests`]).
pub fn assert_node_plan(out: &Output, what: &str) {
    let planned = planned_tests(&String::from_utf8_lossy(&out.stdout));
    assert_node_counts(out, planned, what);
}

/// Top-level tests in `tests/e2e/api-http.test.js` (no test there is generated from data).
pub const API_HTTP_TESTS: u32 = 8;

// ---- A generated project under a platform's local runtime (tests/e2e/*-dev.sh) ----

/// Runs `tests/node/install-node-deps.sh` (pinned jose, @azure/functions and @netlify/blobs,
/// cached); returns the node_modules directory it printed, which must hold jose.
pub fn node_deps() -> PathBuf {
    let script = "tests/node/install-node-deps.sh";
    let out = run_install_script(script);
    let dir = last_line_path(&out);
    assert!(
        dir.join("jose/package.json").is_file(),
        "{script} printed {dir:?}, which holds no jose:\n{}",
        output_text(&out)
    );
    dir
}

/// Links `<project>/node_modules` to [`node_deps`], so the generated `import 'jose'` resolves.
pub fn link_node_deps(project: &Path) {
    std::os::unix::fs::symlink(node_deps(), project.join("node_modules"))
        .unwrap_or_else(|e| panic!("link {}/node_modules: {e}", project.display()));
}

/// Writes `<project>/.env` (`NAME=value` lines): where the generated READMEs tell users to put the
/// settings for `netlify dev` and `vercel dev`.
pub fn write_dotenv(project: &Path, vars: &[(&str, String)]) {
    let text: String = vars
        .iter()
        .map(|(name, value)| {
            assert!(
                !value.contains(['\n', '"', '\'', '#', ' ']),
                "{name}: keep .env values plain"
            );
            format!("{name}={value}\n")
        })
        .collect();
    fs::write(project.join(".env"), text).expect("write .env");
}

/// Runs `bash HARNESS PROJECT -- node --test --test-reporter=spec tests/e2e/api-http.test.js`
/// (HARNESS relative to the repository: it starts the runtime and sets BASE_URL) with the JWKS
/// state, `E2E_TARGET` and `env`; asserts success and exactly [`API_HTTP_TESTS`] passing tests.
pub fn run_api_http(
    harness: &str,
    project: &Path,
    jwks: &Jwks,
    target: &str,
    env: &[(&str, &str)],
) {
    let root = manifest_dir();
    let started = std::time::Instant::now();
    let out = Command::new("bash")
        .arg(root.join(harness))
        .arg(project)
        .arg("--")
        .args(["node", "--test", "--test-reporter=spec"])
        .arg(root.join("tests/e2e/api-http.test.js"))
        .current_dir(&root)
        .env("CI", "true")
        .env("JWT_STATE", &jwks.state)
        .env("E2E_TARGET", target)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {harness}: {e}"));
    eprintln!(
        "{harness} + api-http.test.js on {target}: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_node_counts(
        &out,
        API_HTTP_TESTS,
        &format!("{harness} + api-http.test.js on {target}"),
    );
}

// ---- Pinned tools and plain projects (tests/e2e_aws_lambda.rs, tests/e2e_azure.rs) ----

/// Runs the install script `script` (relative to the repository; it installs a pinned tool into
/// `~/.cache/scaffold-e2e/` if needed and prints where) from the repository root, stdin from
/// /dev/null; returns its output. A failed install fails the test with the script's output (which
/// says what to install).
pub fn run_install_script(script: &str) -> Output {
    let root = manifest_dir();
    let out = Command::new("bash")
        .arg(root.join(script))
        .current_dir(&root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed ({}); it says what to install (and needs the package registry on a cold \
         cache):\n{}",
        out.status,
        output_text(&out)
    );
    out
}

/// The last line an install script printed, as a path.
fn last_line_path(out: &Output) -> PathBuf {
    PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim(),
    )
}

/// Runs the install script `script` (see [`run_install_script`]) and returns the path it printed
/// as its last line, which must be a file.
pub fn install_pinned_tool(script: &str) -> PathBuf {
    let started = std::time::Instant::now();
    let out = run_install_script(script);
    let path = last_line_path(&out);
    assert!(
        path.is_file(),
        "{script} printed {path:?}, which is not a file:\n{}",
        output_text(&out)
    );
    eprintln!(
        "{script}: {} ({:.1} s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    path
}

/// `tests/e2e/api-http.test.js` against TARGET's own local server (`npm start`, under
/// `tests/e2e/npm-start.sh`): the jwt-cors project with the ES module test handlers and the pinned
/// node_modules, with a JWKS server for its settings.
pub fn npm_start_passes_api_http(target: &str) {
    require_node();
    require_npm();
    let (_tmp, project) = target_project("specs/jwt-cors.yaml", target, "tests/node/overlay-esm");
    link_node_deps(&project);
    let jwks = start_jwks();
    let settings = jwks.env();
    let env: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run_api_http("tests/e2e/npm-start.sh", &project, &jwks, target, &env);
}

/// A project generated by `scaffold new --target TARGET --spec SPEC` (spec relative to the
/// repository), with the generated starter handlers.
pub fn generated_project(spec: &str, target: &str) -> (tempfile::TempDir, PathBuf) {
    new_project("proj", target, Some(spec))
}

/// `scaffold new <tmp>/NAME --target TARGET [--spec SPEC]` (spec relative to the repository), run
/// from the repository root; fails the test if it fails.
pub fn new_project(name: &str, target: &str, spec: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let root = manifest_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join(name);
    let mut cmd = scaffold();
    cmd.current_dir(&root)
        .arg("new")
        .arg(&project)
        .args(["--target", target]);
    if let Some(spec) = spec {
        cmd.arg("--spec").arg(root.join(spec));
    }
    let out = cmd.output().expect("run scaffold new");
    assert!(
        out.status.success(),
        "scaffold new --target {target}{} failed ({}):\n{}",
        spec.map(|s| format!(" --spec {s}")).unwrap_or_default(),
        out.status,
        output_text(&out)
    );
    (tmp, project)
}

// ---- TypeScript projects (`language: typescript`) ----

/// Runs `tests/ts/install-ts.sh` (pinned typescript, typescript-eslint, @types/node, prettier,
/// eslint and Node 22, cached): Node 22's bin directory (it runs `.ts` as it is) and the tools'
/// node_modules.
pub fn ts_tools() -> (PathBuf, PathBuf) {
    let script = "tests/ts/install-ts.sh";
    let out = run_install_script(script);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let node22 = text
        .lines()
        .find_map(|l| l.strip_prefix("NODE22_BIN="))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{script} printed no NODE22_BIN:\n{}", output_text(&out)));
    let modules = last_line_path(&out);
    assert!(
        node22.join("node").is_file() && modules.join("typescript/package.json").is_file(),
        "{script} printed {node22:?} and {modules:?}:\n{}",
        output_text(&out)
    );
    (node22, modules)
}

/// Runs a TypeScript project's own `npm run build` with the pinned tools ([`ts_tools`]: esbuild,
/// typescript) first on PATH, and checks it succeeded and wrote `bundle` (relative to the
/// project). Returns that PATH, for the commands that run the build's output.
pub fn npm_run_build(project: &Path, bundle: &str) -> String {
    let (_node22, modules) = ts_tools();
    let path = format!(
        "{}:{}",
        modules.join(".bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("npm")
        .args(["run", "build"])
        .current_dir(project)
        .env("PATH", &path)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run npm run build");
    assert!(
        out.status.success() && project.join(bundle).is_file(),
        "npm run build in {} failed or wrote no {bundle}:\n{}",
        project.display(),
        output_text(&out)
    );
    path
}

/// [`target_project`] in TypeScript: the spec (relative to the repository) with
/// `language: typescript` added, and each overlay file `<stem>.js` copied over the generated
/// `<stem>.ts` handler (Node 22 runs the untyped code of a `.ts` file as it is).
pub fn ts_target_project(spec: &str, target: &str, overlay: &str) -> (tempfile::TempDir, PathBuf) {
    let root = manifest_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root.join(spec)).expect("read spec");
    assert!(
        !text.contains("\nlanguage:"),
        "{spec} already names its language"
    );
    let ts_spec = tmp.path().join("spec.yaml");
    std::fs::write(
        &ts_spec,
        format!("{}\nlanguage: typescript\n", text.trim_end()),
    )
    .unwrap();
    let project = tmp.path().join("proj");
    let out = scaffold()
        .arg("new")
        .arg(&project)
        .args(["--target", target, "--spec"])
        .arg(&ts_spec)
        .output()
        .expect("run scaffold new");
    assert!(out.status.success(), "{}", output_text(&out));
    overlay_handlers(
        &root.join(overlay),
        &project.join(handler_dir(target)),
        "ts",
    );
    (tmp, project)
}

/// [`npm_start_passes_api_http`] for the TypeScript project of `target` (`specs/jwt-cors.yaml` with
/// `language: typescript`, the handlers of `tests/node/overlay-esm/`): the project's own
/// `npm run build` first, with the pinned esbuild of [`ts_tools`] on PATH (its node_modules are the
/// Node tests' packages, which hold no esbuild), which must write `bundle` (relative to the
/// project); then `npm start` (which builds again) under the shared HTTP test.
pub fn npm_start_passes_api_http_typescript(target: &str, bundle: &str) {
    require_node();
    require_npm();
    let (_tmp, project) =
        ts_target_project("specs/jwt-cors.yaml", target, "tests/node/overlay-esm");
    link_node_deps(&project);
    assert!(
        !project.join(bundle).exists(),
        "{bundle} exists before the build"
    );
    let path = npm_run_build(&project, bundle);
    let jwks = start_jwks();
    let settings = jwks.env();
    let mut env: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("PATH", &path));
    run_api_http("tests/e2e/npm-start.sh", &project, &jwks, target, &env);
}
