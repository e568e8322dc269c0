//! The OpenAPI document every project ships (`openapi.yaml`, also `scaffold openapi`) is clean
//! under the community linters a user would run on it, with their default rules:
//! `redocly lint` (`@redocly/cli`, ruleset `recommended`) and `spectral lint` (`@stoplight/
//! spectral-cli`, ruleset `spectral:oas`): no error, no warning, no hint.
//!
//! Documents: every spec in `specs/` x every target that accepts it (a refused combination is
//! skipped, as in tests/golden.rs), plus `tests/lint/wide.yaml` (values as wide as the spec allows),
//! each distinct document once; and `scaffold openapi`'s (the target-free model) of each spec.
//! Both linters run once over all of them, in a temporary directory holding only the documents
//! and the two rulesets (so no config of the user's is read).
//!
//! `tests/openapi/install-openapi-lint.sh` installs the pinned linters into
//! `~/.cache/scaffold-e2e/`. Needs node (>= 20.19), npm and flock on PATH, and the npm registry on
//! a cold cache: without them the test FAILS, it does not skip.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{manifest_dir, output_text, require_node, require_npm, run_install_script, scaffold};
use scaffold::{generate, Input, Templates};

const INSTALL: &str = "tests/openapi/install-openapi-lint.sh";
const WIDE_SPEC: &str = "tests/lint/wide.yaml";

/// The `node_modules` the install script prints (its last line), with both CLIs in `.bin/`.
fn install_linters() -> PathBuf {
    let out = run_install_script(INSTALL);
    let dir = PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim(),
    );
    for bin in ["redocly", "spectral"] {
        assert!(
            dir.join(".bin").join(bin).is_file(),
            "{INSTALL} printed {dir:?}, which has no .bin/{bin}:\n{}",
            output_text(&out)
        );
    }
    dir
}

/// Every spec to check: `specs/*.yaml`, sorted, then the wide spec.
fn specs() -> Vec<PathBuf> {
    let root = manifest_dir();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
        .expect("specs/")
        .map(|entry| entry.expect("specs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no specs in specs/");
    specs.push(root.join(WIDE_SPEC));
    specs
}

/// Every distinct document, by content, with the name of its first (spec, target): the
/// `openapi.yaml` of every accepted (spec, target) and `scaffold openapi`'s output of every spec.
fn documents() -> BTreeMap<Vec<u8>, String> {
    let templates = Templates::builtin();
    let targets = templates.targets().expect("built-in targets");
    let mut out: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    for spec in specs() {
        let stem = spec
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&spec).expect("read spec");
        let mut accepted = 0;
        for target in targets.keys() {
            let input = Input {
                spec_file: "scaffold.yaml",
                spec: &bytes,
                target: Some(target),
                templates: &templates,
            };
            let tree = match generate(&input) {
                Ok(generated) => generated.tree,
                // A spec that makes no sense on a target (tests/golden.rs snapshots the refusal).
                Err(scaffold::Error::Spec(_)) => continue,
                Err(e) => panic!("{}: {e}", spec.display()),
            };
            accepted += 1;
            let doc = tree
                .files
                .iter()
                .find(|(path, _)| path.as_str() == "openapi.yaml")
                .map(|(_, file)| file.bytes.to_vec())
                .unwrap_or_else(|| panic!("{stem} on {target}: no openapi.yaml"));
            out.entry(doc)
                .or_insert_with(|| format!("{stem}--{target}"));
        }
        assert!(accepted > 0, "{}: no target accepts it", spec.display());
        let printed = scaffold()
            .current_dir(manifest_dir())
            .args(["openapi", "--spec"])
            .arg(&spec)
            .output()
            .expect("run scaffold openapi");
        assert!(
            printed.status.success(),
            "scaffold openapi --spec {} failed:\n{}",
            spec.display(),
            output_text(&printed)
        );
        out.entry(printed.stdout)
            .or_insert_with(|| format!("{stem}--openapi"));
    }
    out
}

/// A linter's run: the command, or a panic that says how it could not start.
fn run(bin: &Path, args: &[&str], files: &[String], dir: &Path) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .args(files)
        .current_dir(dir)
        // Redocly: no usage data sent, no update check.
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()))
}

/// `redocly lint` with the `recommended` ruleset: its problems (empty when clean). Its JSON report
/// is one object per document, each with `totals`; the human report comes along when not clean.
fn redocly(modules: &Path, dir: &Path, files: &[String]) -> Vec<String> {
    let bin = modules.join(".bin/redocly");
    let config = ["--config", "redocly.yaml"];
    let out = run(
        &bin,
        &[&["lint"][..], &config, &["--format", "json"]].concat(),
        files,
        dir,
    );
    let reports: Result<Vec<serde_json::Value>, _> =
        serde_json::Deserializer::from_slice(&out.stdout)
            .into_iter::<serde_json::Value>()
            .collect();
    let mut problems = Vec::new();
    match reports {
        Ok(reports) if reports.len() == files.len() => {
            let count = |key: &str| -> u64 {
                reports
                    .iter()
                    .map(|r| r["totals"][key].as_u64().unwrap_or(u64::MAX))
                    .sum()
            };
            let (errors, warnings) = (count("errors"), count("warnings"));
            if errors != 0 || warnings != 0 || !out.status.success() {
                let human = run(
                    &bin,
                    &[&["lint"][..], &config, &["--format", "stylish"]].concat(),
                    files,
                    dir,
                );
                problems.push(format!(
                    "redocly lint: {errors} errors, {warnings} warnings ({}):\n{}",
                    out.status,
                    output_text(&human)
                ));
            }
        }
        _ => problems.push(format!(
            "redocly lint --format json did not report on the {} documents ({}):\n{}",
            files.len(),
            out.status,
            output_text(&out)
        )),
    }
    problems
}

/// `spectral lint` with `spectral:oas`: its problems (empty when clean). Every result, hints
/// included, fails the run (`--fail-severity hint`).
fn spectral(modules: &Path, dir: &Path, files: &[String]) -> Vec<String> {
    let bin = modules.join(".bin/spectral");
    let args = [
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--fail-severity",
        "hint",
    ];
    let out = run(
        &bin,
        &[&args[..], &["--format", "json"]].concat(),
        files,
        dir,
    );
    let results: Option<Vec<serde_json::Value>> = std::str::from_utf8(&out.stdout)
        .ok()
        // The JSON array comes first; a line of prose may follow it.
        .and_then(|text| text.find('[').map(|i| &text[i..]))
        .and_then(|text| {
            serde_json::Deserializer::from_str(text)
                .into_iter::<Vec<serde_json::Value>>()
                .next()
        })
        .and_then(Result::ok);
    match results {
        Some(results) if results.is_empty() && out.status.success() => Vec::new(),
        Some(results) => {
            let human = run(
                &bin,
                &[&args[..], &["--format", "stylish"]].concat(),
                files,
                dir,
            );
            vec![format!(
                "spectral lint: {} results ({}):\n{}",
                results.len(),
                out.status,
                output_text(&human)
            )]
        }
        None => vec![format!(
            "spectral lint --format json failed ({}):\n{}",
            out.status,
            output_text(&out)
        )],
    }
}

#[test]
fn openapi_documents_pass_redocly_and_spectral() {
    require_node();
    require_npm();
    let modules = install_linters();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("redocly.yaml"), "extends:\n  - recommended\n").unwrap();
    std::fs::write(dir.join(".spectral.yaml"), "extends: [\"spectral:oas\"]\n").unwrap();
    let mut files = Vec::new();
    for (bytes, name) in documents() {
        let file = format!("{name}.yaml");
        std::fs::write(dir.join(&file), bytes).unwrap();
        files.push(file);
    }
    files.sort();
    let mut problems = redocly(&modules, dir, &files);
    problems.extend(spectral(&modules, dir, &files));
    eprintln!("linted {} OpenAPI documents: {files:?}", files.len());
    assert!(
        problems.is_empty(),
        "the OpenAPI documents are not clean:\n{}",
        problems.join("\n")
    );
}
