//! The generated projects' own `npm test` (`node --test test/`, the scaffolded smoke tests) passes
//! out of the box, for every example spec x every target that accepts it. node_modules is linked
//! to the pinned packages of `tests/node/install-node-deps.sh` (what `npm install` would bring).
//! TypeScript projects (`language: typescript`) are tests/typescript.rs's: it runs their smoke
//! tests under Node 22.
//! Fails, does not skip, without node and npm.

mod common;

use std::path::{Path, PathBuf};

use common::{
    assert_node_counts, manifest_dir, node_command, node_deps, output_text, require_node,
    require_npm,
};

/// The tests the generated smoke files declare: each is a top-level `test(` at the start of a line
/// (the files are in Prettier's layout), one per route and operation the spec gives them.
fn declared_tests(project: &Path) -> u32 {
    let mut count = 0;
    for entry in std::fs::read_dir(project.join("test")).expect("read the project's test/") {
        let text =
            std::fs::read_to_string(entry.expect("test/ entry").path()).expect("read test file");
        count += text
            .lines()
            .filter(|line| line.starts_with("test("))
            .count();
    }
    u32::try_from(count).expect("a count")
}

#[test]
fn npm_test_passes_in_every_generated_project() {
    require_node();
    require_npm();
    let root = manifest_dir();
    let deps = node_deps();
    let templates = scaffold::Templates::builtin();
    let mut ran = std::collections::BTreeMap::new();
    let mut typescript = std::collections::BTreeSet::new();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    for spec in &specs {
        for target in templates.targets().unwrap().keys() {
            let bytes = std::fs::read(spec).unwrap();
            let generated = scaffold::generate(&scaffold::Input {
                spec_file: "scaffold.yaml",
                spec: &bytes,
                target: Some(target),
                templates: &templates,
            });
            let Ok(generated) = generated else { continue };
            if generated.language.as_str() == "typescript" {
                // TypeScript projects: tests/typescript.rs runs their smoke tests under Node 22.
                typescript.insert(spec.clone());
                continue;
            }
            let tmp = tempfile::tempdir().unwrap();
            let project = tmp.path().join("proj");
            let out = assert_cmd::Command::cargo_bin("scaffold")
                .unwrap()
                .env("CI", "true")
                .arg("new")
                .arg(&project)
                .args(["--target", target, "--spec"])
                .arg(spec)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}:\n{}",
                spec.display(),
                output_text(&out)
            );
            std::os::unix::fs::symlink(&deps, project.join("node_modules")).unwrap();
            // `npm test` runs this script (checked, so that the test runs what users run).
            let package = std::fs::read_to_string(project.join("package.json")).unwrap();
            assert!(
                package.contains(r#""test": "node --test test/""#),
                "{target}: package.json has another test script"
            );
            let out = node_command()
                .args(["--test", "test/"])
                .current_dir(&project)
                .output()
                .expect("run node --test");
            let declared = declared_tests(&project);
            assert_node_counts(
                &out,
                declared,
                &format!("npm test in {} for {target}", spec.display()),
            );
            *ran.entry(spec.clone()).or_insert(0) += 1;
        }
    }
    let never: Vec<_> = specs
        .iter()
        .filter(|spec| !ran.contains_key(*spec) && !typescript.contains(*spec))
        .collect();
    assert!(
        never.is_empty(),
        "example specs no target accepts (their smoke tests never ran): {never:?}"
    );
}
