//! Every generated JavaScript file passes Prettier and ESLint (recommended rules) with the configs
//! the project ships (`.prettierrc.json`, `.prettierignore`, `eslint.config.js` or `.mjs`) and the
//! versions its package.json pins: the user's own `npm run format:check` and `npm run lint` are
//! clean. Projects: every spec in `specs/` x every target that accepts it (`scaffold new --target T
//! --spec S`; a refused combination is skipped, as in tests/golden.rs), each target's starter
//! project (`scaffold new --target T`), `tests/lint/wide.yaml` (values as wide as the spec
//! allows, so that long lines are broken where Prettier breaks them), and
//! `tests/lint/storages-*.yaml` (several storages in one project, on the targets that accept them). TypeScript projects
//! (`language: typescript`) are tests/typescript.rs's, with typescript-eslint.
//!
//! In each project, with `<project>/node_modules` linked to the pinned install of
//! `tests/lint/install-lint.sh` (and nothing else added): `prettier --check .` and `eslint --format
//! json .`, one process each, both must exit 0 and must have looked at every `.js`/`.mjs` file of
//! the project (scaffold's `.scaffold/` excepted): ESLint's report lists them, with no message;
//! Prettier's debug log names them, with the project's options.
//!
//! Needs node (>= 20), npm and flock on PATH, and the npm registry on a cold cache: without them
//! the test FAILS, it does not skip.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::{js_files, manifest_dir, output_text, require_node, require_npm, scaffold};
use scaffold::{generate, Input, Templates};

const INSTALL: &str = "tests/lint/install-lint.sh";
const WIDE_SPEC: &str = "tests/lint/wide.yaml";
const STORAGE_SPECS: &[&str] = &[
    "tests/lint/storages-node.yaml",
    "tests/lint/storages-workers.yaml",
];

/// A project to generate and lint.
struct Job {
    /// `spec--target`, for messages and the project's folder.
    name: String,
    target: String,
    /// None: the target's starter spec.
    spec: Option<PathBuf>,
}

/// Runs the install script and returns the `node_modules` it prints (prettier, eslint, @eslint/js).
fn install_linters() -> PathBuf {
    let root = manifest_dir();
    let out = Command::new("bash")
        .arg(root.join(INSTALL))
        .current_dir(&root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {INSTALL}: {e}"));
    assert!(
        out.status.success(),
        "{INSTALL} failed ({}); it needs node >= 20, npm and flock on PATH and the npm registry on a \
         cold cache:\n{}",
        out.status,
        output_text(&out)
    );
    let dir = PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim(),
    );
    for bin in ["prettier", "eslint"] {
        assert!(
            dir.join(".bin").join(bin).is_file(),
            "{INSTALL} printed {dir:?}, which has no .bin/{bin}:\n{}",
            output_text(&out)
        );
    }
    dir
}

/// `version` of the package installed at `modules/name`.
fn installed_version(modules: &Path, name: &str) -> String {
    let text =
        std::fs::read_to_string(modules.join(name).join("package.json")).unwrap_or_else(|e| {
            panic!(
                "read {name}'s package.json under {}: {e}",
                modules.display()
            )
        });
    let value: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    value["version"].as_str().expect("a version").to_string()
}

/// `scaffold new <tmp>/<name> --target TARGET [--spec SPEC]`, which must succeed: the project.
fn scaffold_new(tmp: &Path, job: &Job) -> PathBuf {
    let dir = tmp.join(&job.name);
    let mut cmd = scaffold();
    cmd.current_dir(manifest_dir())
        .arg("new")
        .arg(&dir)
        .args(["--target", &job.target]);
    if let Some(spec) = &job.spec {
        cmd.arg("--spec").arg(spec);
    }
    let out = cmd.output().expect("run scaffold new");
    assert!(
        out.status.success(),
        "scaffold new for {} failed ({}):\n{}",
        job.name,
        out.status,
        output_text(&out)
    );
    dir
}

/// Every project to lint: specs/ x targets (accepted combinations), each target's starter, the
/// wide spec on every target.
fn jobs() -> Vec<Job> {
    let root = manifest_dir();
    let templates = Templates::builtin();
    let targets = templates.targets().expect("built-in targets");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
        .expect("specs/")
        .map(|entry| entry.expect("specs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no specs in specs/");
    specs.push(root.join(WIDE_SPEC));
    // Storage mixes (accepted only where every storage they name is).
    specs.extend(STORAGE_SPECS.iter().map(|spec| root.join(spec)));
    let mut out = Vec::new();
    for target in targets.keys() {
        for spec in &specs {
            let bytes = std::fs::read(spec).expect("read spec");
            let input = Input {
                spec_file: "scaffold.yaml",
                spec: &bytes,
                target: Some(target),
                templates: &templates,
            };
            match generate(&input) {
                // TypeScript projects: tests/typescript.rs lints them, with typescript-eslint.
                Ok(g) if g.language.as_str() == "typescript" => continue,
                Ok(_) => {}
                // A spec that makes no sense on a target (tests/golden.rs snapshots the refusal).
                Err(scaffold::Error::Spec(_)) => continue,
                Err(e) => panic!("{}: {e}", spec.display()),
            }
            let stem = spec.file_stem().expect("stem").to_string_lossy();
            out.push(Job {
                name: format!("{stem}--{target}"),
                target: target.clone(),
                spec: Some(spec.clone()),
            });
        }
        out.push(Job {
            name: format!("starter--{target}"),
            target: target.clone(),
            spec: None,
        });
    }
    out
}

/// The `.js`/`.mjs`/`.cjs` files of a project, relative, without scaffold's `.scaffold/`.
fn expected_files(dir: &Path) -> BTreeSet<String> {
    js_files(dir)
        .into_iter()
        .map(|file| {
            file.strip_prefix(dir)
                .expect("under the project")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|relative| !relative.starts_with(".scaffold/"))
        .collect()
}

/// Problems of one project (none when it is clean), linted with its own configs.
fn lint(dir: &Path, modules: &Path, versions: &[(&str, String)]) -> Vec<String> {
    let mut problems = Vec::new();

    // The project pins what the test installed and runs the linters from its scripts.
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("package.json")).expect("read package.json"),
    )
    .expect("package.json is JSON");
    for (name, version) in versions {
        let pinned = package["devDependencies"][name].as_str();
        if pinned != Some(version.as_str()) {
            problems.push(format!(
                "package.json pins {name} {pinned:?}; {INSTALL} installs {version}"
            ));
        }
    }
    for (script, command) in [
        ("lint", "eslint ."),
        ("format", "prettier --write ."),
        ("format:check", "prettier --check ."),
    ] {
        if package["scripts"][script].as_str() != Some(command) {
            problems.push(format!(
                "package.json: script `{script}` is not `{command}`"
            ));
        }
    }
    for config in [".prettierrc.json", ".prettierignore"] {
        if !dir.join(config).is_file() {
            problems.push(format!("no {config}"));
        }
    }
    if !dir.join("eslint.config.js").is_file() && !dir.join("eslint.config.mjs").is_file() {
        problems.push("no eslint.config.js or eslint.config.mjs".to_string());
    }

    let expected = expected_files(dir);
    if expected.is_empty() {
        problems.push("no JavaScript files".to_string());
        return problems;
    }
    std::os::unix::fs::symlink(modules, dir.join("node_modules"))
        .unwrap_or_else(|e| panic!("link {}/node_modules: {e}", dir.display()));
    let bin = dir.join("node_modules/.bin");

    // Prettier: its debug log names each file it resolves options for, and the options.
    let out = Command::new(bin.join("prettier"))
        .args(["--check", ".", "--log-level", "debug", "--no-color"])
        .current_dir(dir)
        .output()
        .expect("run prettier");
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // Its findings without the debug lines: `[warn] <file>` for each file it would change.
        let findings: Vec<&str> = log
            .lines()
            .chain(std::str::from_utf8(&out.stdout).unwrap_or("").lines())
            .filter(|line| !line.starts_with("[debug]"))
            .collect();
        problems.push(format!(
            "prettier --check . failed ({}):\n    {}",
            out.status,
            findings.join("\n    ")
        ));
    } else {
        let checked: BTreeSet<String> = log
            .lines()
            .filter_map(|line| line.strip_prefix("[debug] resolve config from '"))
            .filter_map(|path| path.strip_suffix('\''))
            .filter_map(|path| Path::new(path).strip_prefix(dir).ok())
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
        let missed: Vec<&String> = expected.difference(&checked).collect();
        if !missed.is_empty() {
            problems.push(format!(
                "prettier did not check {missed:?} (its log names {checked:?})"
            ));
        }
        if !log.contains(r#"loaded options `{"singleQuote":true"#) {
            problems.push(format!(
                "prettier did not load the project's .prettierrc.json:\n{log}"
            ));
        }
    }

    // ESLint: the JSON report lists every file it linted, with its messages.
    let out = Command::new(bin.join("eslint"))
        .args(["--format", "json", "."])
        .current_dir(dir)
        .output()
        .expect("run eslint");
    match serde_json::from_slice::<serde_json::Value>(&out.stdout) {
        Ok(serde_json::Value::Array(results)) => {
            let mut linted = BTreeSet::new();
            for result in &results {
                let path = result["filePath"].as_str().unwrap_or("");
                let relative = Path::new(path)
                    .strip_prefix(dir)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| path.to_string());
                for message in result["messages"].as_array().into_iter().flatten() {
                    problems.push(format!(
                        "eslint: {relative}:{}:{}: {} ({})",
                        message["line"],
                        message["column"],
                        message["message"].as_str().unwrap_or("?"),
                        message["ruleId"].as_str().unwrap_or("no rule"),
                    ));
                }
                linted.insert(relative);
            }
            if linted != expected {
                problems.push(format!(
                    "eslint linted {linted:?}, the project's JavaScript files are {expected:?}"
                ));
            }
            if !out.status.success() && problems.is_empty() {
                problems.push(format!(
                    "eslint failed ({}):\n{}",
                    out.status,
                    output_text(&out)
                ));
            }
        }
        _ => problems.push(format!(
            "eslint --format json . failed ({}):\n{}",
            out.status,
            output_text(&out)
        )),
    }
    problems
}

#[test]
fn generated_javascript_passes_prettier_and_eslint() {
    require_node();
    require_npm();
    let started = std::time::Instant::now();
    let modules = install_linters();
    let versions: Vec<(&str, String)> = ["prettier", "eslint", "@eslint/js"]
        .into_iter()
        .map(|name| (name, installed_version(&modules, name)))
        .collect();

    let tmp = tempfile::tempdir().expect("temp dir");
    let jobs = jobs();
    // Both linters are CPU-bound: one project per core at a time.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let problems = lint(&scaffold_new(tmp.path(), job), &modules, &versions);
                    if !problems.is_empty() {
                        failures.lock().unwrap().push(format!(
                            "{}:\n  {}",
                            job.name,
                            problems.join("\n  ")
                        ));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    eprintln!(
        "linted {} projects in {:.1} s ({workers} at a time)",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} generated projects are not clean:\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n")
    );
}
