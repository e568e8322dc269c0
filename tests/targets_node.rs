//! Runs one Node behaviour table (`tests/node/targets.test.js`) against the generated dispatcher of
//! every target, each request sent through the target's own request shape by its driver
//! (`tests/node/drivers/<target>.js`), in process: no platform runtime, no network beyond a JWKS
//! server on 127.0.0.1.
//!
//! For each target (one `#[test]` each, from `target_tests!`): `scaffold new --target T --spec
//! specs/jwt-cors.yaml`, the test handlers copied over the generated ones (`tests/node/overlay-esm/`,
//! or the CommonJS `tests/node/overlay-jwt/` on Netlify v1), `<project>/node_modules` linked to the
//! pinned install of `tests/node/install-node-deps.sh`, `node --check` on every generated `.js`,
//! then `node --test` with `TARGET` and `PROJECT_DIR`; then the field rules table
//! (`tests/node/field-types.test.js`) and the list sort and filter table (`tests/node/list-query.test.js`)
//! against the target's project of `specs/gig-guide.yaml`. Besides: the aws-lambda target with
//! `api-gateway-jwt` (`specs/lambda-gateway.yaml`, `tests/node/lambda-gateway.test.js`), and a check
//! that every built-in target has a driver and a test here, so a new target cannot be forgotten.
//!
//! Needs `node` (>= 20) and `npm` on PATH: without them the tests FAIL, they do not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::{assert_node_plan, js_files, manifest_dir, output_text, require_node, require_npm};

const SPEC: &str = "specs/jwt-cors.yaml";
const ESM_OVERLAY: &str = "tests/node/overlay-esm";
/// Netlify v1 functions are CommonJS: the same handlers, written with `module.exports`.
const NETLIFY_V1_OVERLAY: &str = "tests/node/overlay-jwt/netlify/functions/api-methods";

/// The `node_modules` of `tests/node/install-node-deps.sh` (jose, @azure/functions), installed once
/// per test binary.
fn node_modules() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        require_npm();
        common::node_deps()
    })
}

fn read_json(path: &Path) -> serde_json::Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The dependencies the generated package.json pins that the install holds (jose, and
/// @azure/functions on Azure) are installed at exactly those versions, else the table would run
/// against another version than the one users get. jose must be among them (the spec's auth is
/// JWT, or the aws-lambda gateway project names none).
fn assert_pins_installed(project: &Path, modules: &Path, jwt: bool) {
    let package = read_json(&project.join("package.json"));
    let deps = package["dependencies"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        deps.contains_key("jose"),
        jwt,
        "jose in the dependencies of {}",
        project.display()
    );
    for (name, pinned) in deps {
        let manifest = modules.join(&name).join("package.json");
        if !manifest.is_file() {
            // Not installed: a module the generated code imports would fail the run itself.
            continue;
        }
        assert_eq!(
            read_json(&manifest)["version"],
            pinned,
            "the generated package.json pins {name} {pinned}, tests/node/install-node-deps.sh installs another: update the script"
        );
    }
}

#[cfg(unix)]
fn link_node_modules(project: &Path, modules: &Path) {
    let link = project.join("node_modules");
    std::os::unix::fs::symlink(modules, &link)
        .unwrap_or_else(|e| panic!("symlink {} -> {}: {e}", link.display(), modules.display()));
}

#[cfg(not(unix))]
fn link_node_modules(project: &Path, _modules: &Path) {
    panic!(
        "linking {}/node_modules needs a Unix symlink; this test runs on Unix only",
        project.display()
    );
}

/// `node --check` on every JavaScript file of the project (node_modules excluded), all started at
/// once; the generated package.json decides whether they are ES modules.
fn assert_syntax(project: &Path) {
    let files = js_files(project);
    assert!(
        files.len() >= 3,
        "only {} .js files in {}",
        files.len(),
        project.display()
    );
    let checks: Vec<_> = files
        .iter()
        .map(|file| {
            let child = Command::new("node")
                .arg("--check")
                .arg(file)
                .env_remove("NODE_OPTIONS")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start node --check");
            (file, child)
        })
        .collect();
    let errors: Vec<String> = checks
        .into_iter()
        .filter_map(|(file, child)| {
            let out = child.wait_with_output().expect("run node --check");
            (!out.status.success()).then(|| {
                format!(
                    "{}:\n{}",
                    file.strip_prefix(project).unwrap_or(file).display(),
                    output_text(&out)
                )
            })
        })
        .collect();
    assert!(
        errors.is_empty(),
        "`node --check` failed for {} file(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// A generated project with its overlay and node_modules, syntax-checked.
fn prepared_project(
    spec: &str,
    target: &str,
    overlay: &str,
    jwt: bool,
) -> (tempfile::TempDir, PathBuf) {
    let modules = node_modules();
    let (tmp, project) = common::target_project(spec, target, overlay);
    let package = read_json(&project.join("package.json"));
    let esm = package["type"] == "module";
    assert_eq!(
        esm,
        overlay != NETLIFY_V1_OVERLAY,
        "target {target}: package.json type {} does not fit the overlay {overlay}",
        package["type"]
    );
    assert_pins_installed(&project, modules, jwt);
    link_node_modules(&project, modules);
    assert_syntax(&project);
    (tmp, project)
}

/// Runs `node --test` on `test_file` with `env`; fails unless it exited 0 and ran exactly the tests
/// the file plans (`plan: N tests`, counted from its table and the driver's variants), all passing.
fn run_node_suite(test_file: &str, env: &[(&str, &Path)]) {
    run_node_suite_with(Path::new("node"), test_file, env);
}

/// [`run_node_suite`] with the `node` executable `node`.
fn run_node_suite_with(node: &Path, test_file: &str, env: &[(&str, &Path)]) {
    let node_version = require_node();
    let root = manifest_dir();
    let mut cmd = Command::new(node);
    cmd.arg("--test")
        .arg("--test-reporter=spec")
        .arg(root.join(test_file))
        .current_dir(&root)
        .env_remove("NODE_OPTIONS")
        .env_remove("NODE_PATH");
    // The drivers put the settings where each platform keeps them; none may come from outside.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("JWT_") {
            cmd.env_remove(name);
        }
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("run node --test");
    assert_node_plan(
        &out,
        &format!("node --test {test_file} (node {node_version}, {env:?})"),
    );
}

/// The table of `tests/node/targets.test.js` against `target`'s generated project.
fn run_target(target: &str, overlay: &str) {
    let driver = manifest_dir().join(format!("tests/node/drivers/{target}.js"));
    assert!(
        driver.is_file(),
        "no driver for target {target}: {}",
        driver.display()
    );
    let (_tmp, project) = prepared_project(SPEC, target, overlay, true);
    run_node_suite(
        "tests/node/targets.test.js",
        &[("TARGET", Path::new(target)), ("PROJECT_DIR", &project)],
    );
    run_field_rules(target);
}

/// The field rules table (`tests/node/field-types.test.js`) against `target`'s project of
/// `specs/gig-guide.yaml`, its CRUD handlers as generated (memory storage): every platform's way
/// of handing over a body reaches the same validation.
fn run_field_rules(target: &str) {
    let (_tmp, project) = common::generated_project("specs/gig-guide.yaml", target);
    link_node_modules(&project, node_modules());
    assert_syntax(&project);
    run_node_suite(
        "tests/node/field-types.test.js",
        &[("TARGET", Path::new(target)), ("PROJECT_DIR", &project)],
    );
    // A fresh project (the memory store lives in one process, but the items of the first table
    // stay out of the second's counts only in a project of their own).
    let (_tmp, project) = common::generated_project("specs/gig-guide.yaml", target);
    link_node_modules(&project, node_modules());
    run_node_suite(
        "tests/node/list-query.test.js",
        &[("TARGET", Path::new(target)), ("PROJECT_DIR", &project)],
    );
}

/// The table against `target`'s project in TypeScript (`language: typescript`): the same spec and
/// test handlers (as `.ts` files), run by Node 22, which strips the types of the `.ts` entry and
/// handlers as it loads them; the JavaScript it imports (dispatcher, headers, auth) is checked by
/// `node --check`.
fn run_target_typescript(target: &str) {
    let (node22, _) = common::ts_tools();
    let modules = node_modules();
    let (_tmp, project) = common::ts_target_project(SPEC, target, ESM_OVERLAY);
    assert!(
        project
            .join(common::handler_dir(target))
            .read_dir()
            .unwrap()
            .all(|e| {
                let p = e.unwrap().path();
                p.extension().is_some_and(|x| x == "ts")
            }),
        "{target}: every handler is a .ts file"
    );
    assert_pins_installed(&project, modules, true);
    link_node_modules(&project, modules);
    assert_syntax(&project);
    run_node_suite_with(
        &node22.join("node"),
        "tests/node/targets.test.js",
        &[
            ("TARGET", Path::new(target)),
            ("PROJECT_DIR", &project),
            ("LANGUAGE", Path::new("typescript")),
        ],
    );
}

/// One `#[test]` per target offering TypeScript, and `TESTED_TYPESCRIPT`.
macro_rules! typescript_tests {
    ($($test:ident: $target:literal;)+) => {
        const TESTED_TYPESCRIPT: &[&str] = &[$($target),+];
        $(
            #[test]
            fn $test() {
                run_target_typescript($target);
            }
        )+
    };
}

typescript_tests! {
    netlify_typescript: "netlify";
    netlify_modern_typescript: "netlify-modern";
    vercel_typescript: "vercel";
    cloudflare_workers_typescript: "cloudflare-workers";
    aws_lambda_typescript: "aws-lambda";
    azure_functions_typescript: "azure-functions";
}

/// One `#[test]` per target (failures name it), and `TESTED`, the targets they cover.
macro_rules! target_tests {
    ($($test:ident: $target:literal, overlay $overlay:expr;)+) => {
        const TESTED: &[&str] = &[$($target),+];
        $(
            #[test]
            fn $test() {
                run_target($target, $overlay);
            }
        )+
    };
}

target_tests! {
    netlify: "netlify", overlay NETLIFY_V1_OVERLAY;
    netlify_modern: "netlify-modern", overlay ESM_OVERLAY;
    vercel: "vercel", overlay ESM_OVERLAY;
    cloudflare_workers: "cloudflare-workers", overlay ESM_OVERLAY;
    aws_lambda: "aws-lambda", overlay ESM_OVERLAY;
    azure_functions: "azure-functions", overlay ESM_OVERLAY;
}

#[test]
fn every_target_has_a_driver_and_a_test() {
    let targets = scaffold::Templates::builtin()
        .targets()
        .expect("the built-in targets");
    let names: Vec<&str> = targets.keys().map(String::as_str).collect();
    assert!(!names.is_empty(), "no built-in targets");
    let drivers = manifest_dir().join("tests/node/drivers");
    for target in &names {
        assert!(
            drivers.join(format!("{target}.js")).is_file(),
            "target {target} has no driver: add tests/node/drivers/{target}.js (see tests/node/README.md)"
        );
        assert!(
            TESTED.contains(target),
            "target {target} has no test: add it to target_tests! in tests/targets_node.rs"
        );
        let typescript = targets[*target]
            .languages
            .iter()
            .any(|l| l.as_str() == "typescript");
        assert_eq!(
            typescript,
            TESTED_TYPESCRIPT.contains(target),
            "target {target}: offers TypeScript, so typescript_tests! in tests/targets_node.rs lists it (and only then)"
        );
    }
    for tested in TESTED {
        assert!(
            names.contains(tested),
            "target_tests! names {tested}, which is not a built-in target"
        );
    }
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&drivers).expect("read tests/node/drivers") {
        let path = entry.expect("driver entry").path();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        if let Some(stem) = stem.filter(|s| !names.contains(&s.as_str())) {
            stale.push(stem);
        }
    }
    assert!(
        stale.is_empty(),
        "drivers for no built-in target: {stale:?}"
    );
}

#[test]
fn aws_lambda_api_gateway_jwt() {
    let (_tmp, project) = prepared_project(
        "specs/lambda-gateway.yaml",
        "aws-lambda",
        "tests/node/overlay-gateway",
        false,
    );
    run_node_suite(
        "tests/node/lambda-gateway.test.js",
        &[("PROJECT_DIR", &project)],
    );
}
