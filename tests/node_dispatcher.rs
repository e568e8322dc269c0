//! Runs the Node tests of the generated Netlify dispatcher.
//!
//! 1. `specs/bookclub.yaml` (Netlify Identity, no CORS): generates a project with the crate's
//!    binary, copies `tests/node/overlay/` over it (handlers that echo, throw, add headers, return
//!    nothing), checks the syntax of every `.js` file with `node --check`, then runs
//!    `node --test tests/node/netlify-dispatcher.test.js` with `PROJECT_DIR` set.
//! 2. `specs/jwt-cors.yaml` (JWT with jose + JWKS, CORS, a small body limit): installs the pinned
//!    `jose` (`tests/node/install-node-deps.sh`, into the per-user cache), generates the project, copies
//!    `tests/node/overlay-jwt/` over it, links `<project>/node_modules` to the jose install, checks
//!    the syntax, then runs `node --test tests/node/netlify-jwt-cors.test.js`.
//!
//! 3. `tests/fixtures/specs/dispatcher-names.yaml`: operation names equal to the dispatcher's own
//!    names and the globals it uses load and route (`node -e`).
//! 4. Routes of overlapping shapes (`ROUTING`): every path of up to four segments, with every
//!    method, routes as a reference matcher says (`tests/node/routing.test.js`), and handler files
//!    load on first use only.
//!
//! Needs `node` (>= 20) on PATH, and `npm` for the second: without them the tests FAIL, they do
//! not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    js_files, manifest_dir, output_text, project_with_overlay, project_with_overlay_dir,
    require_node, require_npm,
};

/// The jose version templates/_shared/package.yaml pins: `tests/node/install-node-deps.sh` must
/// install it, the generated package.json must name it.
fn jose_version() -> String {
    let path = manifest_dir().join("templates/_shared/package.yaml");
    let data: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).expect("package.yaml")).unwrap();
    data["versions"]["jose"]
        .as_str()
        .expect("package.yaml pins jose")
        .to_string()
}

/// `node --check` on every JavaScript file of the project (node_modules excluded).
fn assert_syntax(project: &Path) {
    let files = js_files(project);
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("netlify/functions/api.js")),
        "no api.js among {files:?}"
    );
    let mut syntax_errors = Vec::new();
    for file in &files {
        let out = Command::new("node")
            .arg("--check")
            .arg(file)
            .output()
            .expect("run node --check");
        if !out.status.success() {
            syntax_errors.push(format!(
                "{}:\n{}",
                file.strip_prefix(project).unwrap_or(file).display(),
                output_text(&out)
            ));
        }
    }
    assert!(
        syntax_errors.is_empty(),
        "`node --check` failed for {} file(s):\n{}",
        syntax_errors.len(),
        syntax_errors.join("\n")
    );
}

/// Runs `node --test` on `test_file` (relative to the repository) against `project`; fails unless
/// it ran exactly the tests the file plans (`plan: N tests`, counted from its tables), all passing.
fn run_node_suite(test_file: &str, project: &Path, node_version: &str) {
    let root = manifest_dir();
    let test_file = root.join(test_file);
    let out = common::node_command()
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg(&test_file)
        .current_dir(&root)
        .env("PROJECT_DIR", project)
        .output()
        .expect("run node --test");
    common::assert_node_plan(
        &out,
        &format!("node --test {} (node {node_version})", test_file.display()),
    );
}

/// Installs the pinned jose with `tests/node/install-node-deps.sh`; returns the node_modules directory.
fn install_jose() -> PathBuf {
    let dir = common::node_deps();
    let manifest = dir.join("jose/package.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "install-node-deps.sh printed {dir:?}, but {}: {e}",
            manifest.display()
        )
    });
    let json: serde_json::Value = serde_json::from_str(&text).expect("jose's package.json");
    assert_eq!(
        json["version"].as_str(),
        Some(jose_version().as_str()),
        "install-node-deps.sh installed another jose"
    );
    dir
}

#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("symlink {} -> {}: {e}", link.display(), target.display()));
}

#[cfg(not(unix))]
fn link_dir(target: &Path, link: &Path) {
    panic!(
        "linking {} -> {} needs a Unix symlink; this test runs on Unix only",
        link.display(),
        target.display()
    );
}

#[test]
fn generated_netlify_dispatcher_passes_node_tests() {
    let node_version = require_node();
    let (_tmp, project) = project_with_overlay("specs/bookclub.yaml");
    assert_syntax(&project);
    run_node_suite(
        "tests/node/netlify-dispatcher.test.js",
        &project,
        &node_version,
    );
}

#[test]
fn generated_jwt_cors_dispatcher_passes_node_tests() {
    let node_version = require_node();
    require_npm();
    let jose = install_jose();
    let (_tmp, project) = project_with_overlay_dir("specs/jwt-cors.yaml", "tests/node/overlay-jwt");

    // The project declares the jose the test installs (else the test would run another version).
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("package.json")).expect("generated package.json"),
    )
    .expect("generated package.json is JSON");
    assert_eq!(
        package["dependencies"]["jose"].as_str(),
        Some(jose_version().as_str()),
        "the generated package.json pins another jose than templates/_shared/package.yaml"
    );

    link_dir(&jose, &project.join("node_modules"));
    assert_syntax(&project);
    run_node_suite(
        "tests/node/netlify-jwt-cors.test.js",
        &project,
        &node_version,
    );
}

/// Operation names that equal the dispatcher's own names or globals it uses cannot clash: the
/// handlers live in one object. The generated dispatcher loads and routes them.
#[test]
fn operation_names_cannot_clash_with_the_dispatcher() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("proj");
    let spec = common::manifest_dir().join("tests/fixtures/specs/dispatcher-names.yaml");
    common::stdout(
        common::scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--spec")
            .arg(&spec),
    );
    let script = "const { handler } = require('./netlify/functions/api.js');\
        handler({ httpMethod: 'GET', path: '/api/j', headers: {} }, {}).then((r) => {\
          const b = JSON.parse(r.body);\
          if (r.statusCode !== 501 || b.operation !== 'globalThis') { console.error(r); process.exit(1); }\
        });";
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .current_dir(&dir)
        .output()
        .expect("node on PATH");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Routes whose shapes overlap at every depth: fixed segments beside parameters, a fixed path
/// whose only method differs from its parameter sibling's, a parameter at the root. The first
/// has no parameter (the lazy-loading test breaks its file). (name, file stem, method, path).
const ROUTING: &[(&str, &str, &str, &str)] = &[
    ("xList", "x-list", "GET", "/x"),
    ("xRead", "x-read", "GET", "/x/{id}"),
    ("xUpdate", "x-update", "PUT", "/x/{id}"),
    ("xFixed", "x-fixed", "GET", "/x/fixed"),
    ("xFixedA", "x-fixed-a", "POST", "/x/fixed/a"),
    ("xIdA", "x-id-a", "GET", "/x/{id}/a"),
    ("xIdB", "x-id-b", "GET", "/x/{id}/b"),
    ("xIdSub", "x-id-sub", "GET", "/x/{id}/{sub}"),
    ("rootFixed", "root-fixed", "GET", "/{p}/fixed"),
    ("yDelete", "y-delete", "DELETE", "/y/{a}/b/{c}"),
    ("yZ", "y-z", "GET", "/y/z/b/{c}"),
    ("yPut", "y-put", "PUT", "/y/{a}/{b}/c"),
    ("yPatch", "y-patch", "PATCH", "/y/{a}/{b}/c"),
    ("yPutFixed", "y-put-fixed", "PUT", "/y/{a}/{b}/fixed"),
];

/// The dispatcher's route matching against a reference in `tests/node/routing.test.js` on every
/// path of up to four segments, and its handlers loaded on first use only.
#[test]
fn routes_match_as_the_reference_and_handlers_load_on_first_use() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let mut spec = String::from("name: routing\nauth: { provider: none }\nroutes:\n");
    let mut json = Vec::new();
    for (name, stem, method, path) in ROUTING {
        spec.push_str(&format!(
            "  {name}: {{ method: {method}, path: \"{path}\" }}\n"
        ));
        json.push(
            serde_json::json!({ "name": name, "stem": stem, "method": method, "path": path }),
        );
    }
    let spec_file = tmp.path().join("routing.yaml");
    std::fs::write(&spec_file, spec).unwrap();
    let dir = tmp.path().join("proj");
    common::stdout(
        common::scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--spec")
            .arg(&spec_file),
    );
    let out = common::node_command()
        .arg("--test")
        .arg(manifest_dir().join("tests/node/routing.test.js"))
        .env("PROJECT_DIR", &dir)
        .env("ROUTES_JSON", serde_json::Value::from(json).to_string())
        .output()
        .expect("run node --test tests/node/routing.test.js");
    common::assert_node_counts(&out, 2, "routing.test.js");
}
