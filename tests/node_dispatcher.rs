//! Runs the Node tests of the generated Netlify dispatcher.
//!
//! Generates a project from `specs/bookclub.yaml` with the crate's binary, copies
//! `tests/node/overlay/` over it (handlers that echo, throw, add headers, return nothing),
//! checks the syntax of every `.js` file with `node --check`, then runs
//! `node --test tests/node/netlify-dispatcher.test.js` with `PROJECT_DIR` set.
//!
//! Needs `node` (>= 20) on PATH: without it the test FAILS, it does not skip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `node --version`, or a panic that says what is missing.
fn require_node() -> String {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => panic!(
            "`node --version` failed ({}): {}{}\nThe Node tests of the generated dispatcher need Node.js >= 20 on PATH.",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!(
            "cannot run `node` ({err}).\nThe Node tests of the generated dispatcher need Node.js >= 20 on PATH; \
             install it (e.g. `apt-get install nodejs`) rather than skipping this test."
        ),
    }
}

fn output_text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Copies the tree `from` into `to`, overwriting files that exist; returns the files copied.
fn copy_tree(from: &Path, to: &Path) -> Vec<PathBuf> {
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
fn js_files(dir: &Path) -> Vec<PathBuf> {
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

#[test]
fn generated_netlify_dispatcher_passes_node_tests() {
    let node_version = require_node();
    let root = manifest_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("proj");

    // 1. Generate the project with the crate's binary.
    let generated = assert_cmd::Command::cargo_bin("scaffold")
        .expect("the scaffold binary")
        .current_dir(&root)
        .arg("new")
        .arg(&project)
        .arg("--spec")
        .arg(root.join("specs/bookclub.yaml"))
        .output()
        .expect("run scaffold new");
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

    // 2. The test's handlers over the generated starters; each must replace an existing file.
    // (A file the generator no longer creates would be copied in and never loaded: fail instead.)
    let overlay = root.join("tests/node/overlay");
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

    // 3. Every JavaScript file of the project must parse.
    let files = js_files(&project);
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
                file.strip_prefix(&project).unwrap_or(file).display(),
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

    // 4. The dispatcher tests.
    let test_file = root.join("tests/node/netlify-dispatcher.test.js");
    let out = Command::new("node")
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg(&test_file)
        .current_dir(&root)
        .env("PROJECT_DIR", &project)
        .env_remove("NODE_OPTIONS")
        .output()
        .expect("run node --test");
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "node --test {} failed ({}, node {node_version}):\n{text}",
        test_file.display(),
        out.status
    );
    // Guard against a run that passes because it ran nothing.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let passed = stdout
        .lines()
        .find_map(|line| {
            line.trim_start_matches(['ℹ', '#', ' '])
                .strip_prefix("pass ")
        })
        .and_then(|n| n.trim().parse::<u32>().ok())
        .unwrap_or(0);
    assert!(
        passed >= 50,
        "expected the Node suite to run its tests, saw {passed} passing:\n{text}"
    );
}
