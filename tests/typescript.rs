//! TypeScript projects (`language: typescript`): every example spec in `specs/` and
//! `tests/lint/wide.yaml` (values as wide as the spec allows; those without a `language` key get
//! `language: typescript`) x every target that offers TypeScript (`languages:`
//! in its target.yaml), each project as `scaffold new` writes it:
//! - `tsc --noEmit` (pinned typescript, the compiler options of the projects' tsconfig.json, the
//!   same in every project: `strict`) exits 0, and its `--listFiles` names every `.ts` file of
//!   every project: nothing was left out;
//! - `prettier --check` (each file with its project's .prettierrc.json) and `eslint` (each file
//!   with its project's eslint.config.js: typescript-eslint's recommended rules) are clean on every
//!   `.ts`, `.js` and `.json` file, and ESLint's report lists every `.ts` file;
//! - each project's own smoke test (`npm test`'s `node --test 'test/**/*.test.ts'`) passes under
//!   Node.js 22, which runs the `.ts` sources as they are (type stripping), as `npm test` does.
//!
//! Each tool runs once over all the projects (one folder each under one temporary folder), so the
//! whole table costs four processes, not four per project.
//!
//! And the types bite, on every TypeScript target: a handler that reads a field its resource does
//! not have, `params.id` on an operation without parameters, a handler returning an item of the
//! wrong shape and a client call with a misspelt field each fail `tsc` with exactly their error
//! in their file, while the same project unchanged passes.
//!
//! Tools: `tests/ts/install-ts.sh` (typescript, typescript-eslint, @types/node, prettier, eslint,
//! @eslint/js at the versions `templates/_shared/package.yaml` pins, and Node 22), cached in
//! `~/.cache/scaffold-e2e/`. Needs node (>= 20), npm and flock on PATH, and the npm registry on a
//! cold cache: without them the test FAILS, it does not skip.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{
    assert_node_counts, manifest_dir, output_text, require_node, require_npm, run_install_script,
};
use scaffold::{generate, Input, Templates};

const INSTALL: &str = "tests/ts/install-ts.sh";

/// The pinned tools: `node_modules` to link into projects, and Node 22's bin directory.
struct Tools {
    modules: PathBuf,
    node22: PathBuf,
}

fn tools() -> Tools {
    require_node();
    require_npm();
    let out = run_install_script(INSTALL);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let node22 = text
        .lines()
        .find_map(|l| l.strip_prefix("NODE22_BIN="))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{INSTALL} printed no NODE22_BIN:\n{}", output_text(&out)));
    let modules = PathBuf::from(text.lines().last().unwrap_or("").trim());
    assert!(
        modules.join("typescript/package.json").is_file() && node22.join("node").is_file(),
        "{INSTALL} printed {modules:?} and {node22:?}:\n{}",
        output_text(&out)
    );
    Tools { modules, node22 }
}

/// The targets that offer TypeScript.
fn ts_targets() -> Vec<String> {
    Templates::builtin()
        .targets()
        .unwrap()
        .into_iter()
        .filter(|(_, d)| d.languages.iter().any(|l| l.as_str() == "typescript"))
        .map(|(name, _)| name)
        .collect()
}

/// A spec's text in TypeScript: as it is when it says `language:`, else with the key added.
fn in_typescript(text: &str) -> String {
    if text.lines().any(|l| l.starts_with("language:")) {
        text.to_string()
    } else {
        format!("{}\nlanguage: typescript\n", text.trim_end())
    }
}

/// Writes the project `spec` (text) generates for `target` into `dir`; None when the target
/// refuses the spec (as tests/golden.rs records).
fn write_project(spec: &str, target: &str, dir: &Path, tools: &Tools) -> Option<()> {
    let templates = Templates::builtin();
    let generated = match generate(&Input {
        spec_file: "scaffold.yaml",
        spec: spec.as_bytes(),
        target: Some(target),
        templates: &templates,
    }) {
        Ok(g) => g,
        Err(scaffold::Error::Spec(_)) => return None,
        Err(e) => panic!("{target}: {e}"),
    };
    for (path, file) in &generated.tree.files {
        let p = dir.join(path.as_str());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &file.bytes).unwrap();
    }
    std::fs::write(dir.join("scaffold.yaml"), spec).unwrap();
    std::os::unix::fs::symlink(&tools.modules, dir.join("node_modules")).unwrap();
    Some(())
}

/// Every `.ts` file under `dir` (node_modules and scaffold's state excepted), relative.
fn ts_files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(at).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "node_modules" && name != ".scaffold" {
                    walk(root, &path, out);
                }
            } else if name.ends_with(".ts") {
                out.insert(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn run(cmd: &mut Command) -> Output {
    let started = std::time::Instant::now();
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {cmd:?}: {e}"));
    eprintln!(
        "{:?}: {:.1} s",
        cmd.get_program().to_string_lossy(),
        started.elapsed().as_secs_f64()
    );
    out
}

/// `tsc --noEmit` over every project under `root` at once: a tsconfig.json in `root` with the
/// projects' compiler options (which must be the same in each) and every project's `.ts` files.
fn tsc(root: &Path, projects: &[PathBuf], tools: &Tools, extra: &[&str]) -> Output {
    let mut options = None;
    for dir in projects {
        let text = std::fs::read_to_string(dir.join("tsconfig.json")).unwrap();
        let config: serde_json::Value = serde_json::from_str(&text).unwrap();
        let these = config["compilerOptions"].clone();
        assert!(these.is_object(), "{}: no compilerOptions", dir.display());
        match &options {
            None => options = Some(these),
            Some(o) => assert_eq!(o, &these, "{}: other compiler options", dir.display()),
        }
    }
    let config = serde_json::json!({
        "compilerOptions": options.expect("a project"),
        "include": ["*/**/*.ts"],
        "exclude": ["**/node_modules", "**/.scaffold", "**/.netlify", "**/.vercel", "**/.wrangler"],
    });
    std::fs::write(root.join("tsconfig.json"), config.to_string()).unwrap();
    let modules = root.join("node_modules");
    if !modules.exists() {
        std::os::unix::fs::symlink(&tools.modules, &modules).unwrap();
    }
    run(Command::new(tools.node22.join("node"))
        .arg(tools.modules.join("typescript/bin/tsc"))
        .args(["--noEmit", "-p", "."])
        .args(extra)
        .current_dir(root))
}

/// Every check of every project under `root`; the problems found, empty when all are clean.
fn check_projects(root: &Path, projects: &[PathBuf], tools: &Tools) -> Vec<String> {
    let mut problems = Vec::new();
    let canonical = root.canonicalize().unwrap();
    let mut files = BTreeSet::new();
    for dir in projects {
        let these = ts_files(dir);
        if these.is_empty() {
            problems.push(format!("{}: no .ts files", dir.display()));
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        files.extend(these.into_iter().map(|f| format!("{name}/{f}")));
    }

    let out = tsc(root, projects, tools, &["--listFiles"]);
    if !out.status.success() {
        problems.push(format!("tsc --noEmit failed:\n{}", output_text(&out)));
    }
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    for f in &files {
        let abs = canonical.join(f).to_string_lossy().into_owned();
        if !listed.lines().any(|l| l == abs) {
            problems.push(format!("tsc did not check {f}"));
        }
    }

    let bin = tools.modules.join(".bin");
    let out = run(Command::new(bin.join("prettier"))
        .args([
            "--check",
            "*/**/*.ts",
            "*/**/*.js",
            "*/**/*.json",
            "!**/.scaffold/**",
            "!tsconfig.json",
        ])
        .current_dir(root));
    if !out.status.success() {
        problems.push(format!("prettier --check failed:\n{}", output_text(&out)));
    }

    let out = run(Command::new(bin.join("eslint"))
        .args(["--flag", "v10_config_lookup_from_file", "--format", "json"])
        .args(projects.iter().map(|d| d.file_name().unwrap()))
        .current_dir(root));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    let mut linted = BTreeSet::new();
    for r in report.as_array().into_iter().flatten() {
        let path = r["filePath"].as_str().unwrap_or("");
        let rel = Path::new(path)
            .strip_prefix(&canonical)
            .map_or(path.to_string(), |p| p.to_string_lossy().into_owned());
        for m in r["messages"].as_array().into_iter().flatten() {
            problems.push(format!(
                "eslint: {rel}:{}: {} ({})",
                m["line"], m["message"], m["ruleId"]
            ));
        }
        linted.insert(rel);
    }
    if !out.status.success() {
        problems.push(format!(
            "eslint failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for f in &files {
        if !linted.contains(f) {
            problems.push(format!("eslint did not lint {f}"));
        }
    }

    let out = run(Command::new(tools.node22.join("node"))
        .args(["--test", "*/test/**/*.test.ts"])
        .current_dir(root));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let counts = common::node_counts(&text);
    let smoke_files = files.iter().filter(|f| f.ends_with(".test.ts")).count();
    match counts {
        Some(c) if out.status.success() && c.tests >= smoke_files as u32 => {
            assert_node_counts(&out, c.tests, "the TypeScript projects' smoke tests");
        }
        _ => problems.push(format!(
            "node --test failed or ran fewer tests than the {smoke_files} smoke test files:\n{}",
            output_text(&out)
        )),
    }
    problems
}

#[test]
fn every_spec_on_every_typescript_target_type_checks_lints_and_passes_its_smoke_test() {
    let tools = tools();
    let targets = ts_targets();
    assert!(
        targets.len() >= 3,
        "targets offering TypeScript: {targets:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut projects = Vec::new();
    let specs_dir = manifest_dir().join("specs");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    // Values as wide as the spec allows: long lines broken where Prettier breaks them.
    specs.push(manifest_dir().join("tests/lint/wide.yaml"));
    for spec in &specs {
        let text = in_typescript(&std::fs::read_to_string(spec).unwrap());
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        for target in &targets {
            let dir = tmp.path().join(format!("{stem}--{target}"));
            if write_project(&text, target, &dir, &tools).is_some() {
                projects.push(dir);
            }
        }
    }
    // Each TypeScript example spec is accepted by every TypeScript target.
    for spec in ["typescript", "typescript-starters"] {
        for target in &targets {
            assert!(
                projects
                    .iter()
                    .any(|d| d.ends_with(format!("{spec}--{target}"))),
                "{spec} on {target} was refused"
            );
        }
    }
    let problems = check_projects(tmp.path(), &projects, &tools);
    assert!(
        problems.is_empty(),
        "{} TypeScript projects, problems:\n{}",
        projects.len(),
        problems.join("\n")
    );
    eprintln!("{} TypeScript projects checked", projects.len());
}

/// Edits `path` in `dir`: `find` (which must be there) replaced by `with`.
fn edit(dir: &Path, path: &str, find: &str, with: &str) {
    let p = dir.join(path);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(find), "{path} has no {find:?}:\n{text}");
    std::fs::write(p, text.replacen(find, with, 1)).unwrap();
}

#[test]
fn handlers_and_client_that_break_their_types_fail_tsc() {
    let tools = tools();
    let spec = std::fs::read_to_string(manifest_dir().join("specs/typescript.yaml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut projects = Vec::new();
    let mut expected = Vec::new();
    for target in ts_targets() {
        let dir = tmp.path().join(&target);
        write_project(&spec, &target, &dir, &tools).expect("typescript.yaml is accepted");
        // Unchanged, each project passes: every_spec_on_every_typescript_target_... checks it.
        let handlers = common::handler_dir(&target);
        let h = |stem: &str| format!("{}/{stem}.ts", handlers.display());
        let create = h("books-create");
        let list = h("books-list");
        let read = h("books-read");
        // Reads a field `Book` does not have.
        edit(&dir, &create, "  const now = new Date().toISOString();\n", "  const now = new Date().toISOString();\n  const isbn: string = body.isbn;\n  console.log(isbn);\n");
        // `params.id` on an operation without path parameters.
        edit(
            &dir,
            &list,
            "  const { user, query } = ctx;\n",
            "  const { user, query } = ctx;\n  console.log(ctx.params.id);\n",
        );
        // Returns a book whose title is a number.
        edit(
            &dir,
            &read,
            "  return { body: item };",
            "  return { body: { ...item, title: 42 } };",
        );
        // A client call with a misspelt field.
        std::fs::write(
            dir.join("client/misuse.ts"),
            "import { createClient } from './api.ts';\n\nexport const made = createClient().booksCreate({ titel: 'x' });\n",
        )
        .unwrap();
        for (file, code, what) in [
            (
                create,
                "TS2339",
                "Property 'isbn' does not exist on type 'BookInput'",
            ),
            (
                list,
                "TS2339",
                "Property 'id' does not exist on type 'Record<never, never>'",
            ),
            (
                read,
                "TS2322",
                "is not assignable to type 'Book | ErrorBody | undefined'",
            ),
            (
                "client/misuse.ts".to_string(),
                "TS2561",
                "'titel' does not exist in type 'BookInput'",
            ),
        ] {
            expected.push((format!("{target}/{file}("), code, what));
        }
        projects.push(dir);
    }
    let out = tsc(tmp.path(), &projects, &tools, &[]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "tsc passed the broken projects");
    for (file, code, what) in &expected {
        assert!(
            text.lines()
                .any(|l| l.starts_with(file.as_str()) && l.contains(code) && l.contains(what)),
            "expected {code} ({what}) in {file}:\n{text}"
        );
    }
    let errors = text.lines().filter(|l| l.contains("error TS")).count();
    assert_eq!(
        errors,
        expected.len(),
        "exactly the expected errors:\n{text}"
    );
}
