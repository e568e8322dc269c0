//! Regeneration on real folders, one test per row of the ownership table (src/plan.rs):
//! nothing a user edits is ever lost, conflicts and refusals write nothing, `check` and `diff`
//! tell CI the truth.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{scaffold, snapshot, stderr, stdout};

const HANDLER: &str = "netlify/functions/api-methods/movies-list.js";
const API: &str = "netlify/functions/api.js";

/// A fresh project from the starter spec, in a temp folder.
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("watchlist");
    stdout(scaffold().arg("new").arg(&dir));
    (tmp, dir)
}

fn generate(dir: &Path, flags: &[&str]) -> assert_cmd::assert::Assert {
    scaffold()
        .arg("generate")
        .arg("--dir")
        .arg(dir)
        .args(flags)
        .assert()
}

fn out(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn edit(dir: &Path, path: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(path);
    let text = fs::read_to_string(&p).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "the edit of {path} changes nothing");
    fs::write(p, new).unwrap();
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

/// The spec gains a field on `movies` and a custom route.
fn grow_spec(dir: &Path) {
    edit(dir, "scaffold.yaml", |s| {
        s.replace(
            "      watched: { type: boolean }\n",
            "      watched: { type: boolean }\n      rating: { type: number, min: 0, max: 10 }\n",
        )
        .replace(
            "# routes:\n#   search: { method: GET, path: /search }",
            "routes:\n  search: { method: GET, path: /search }",
        )
    });
}

fn mtimes(dir: &Path) -> Vec<(String, SystemTime)> {
    snapshot(dir)
        .keys()
        .map(|p| {
            (
                p.clone(),
                fs::metadata(dir.join(p)).unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn second_run_changes_nothing_and_rewrites_nothing() {
    let (_t, dir) = project();
    let before = snapshot(&dir);
    let times = mtimes(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let a = generate(&dir, &[]).success();
    insta::assert_snapshot!(out(&a));
    assert_eq!(snapshot(&dir), before);
    assert_eq!(mtimes(&dir), times, "no file was rewritten");
    stdout(scaffold().arg("check").arg("--dir").arg(&dir));
    scaffold()
        .arg("diff")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn user_edits_survive_spec_changes() {
    let (_t, dir) = project();
    edit(&dir, HANDLER, |s| {
        s.replace("const MAX_LIMIT = 100;", "const MAX_LIMIT = 50; // my list")
    });
    // A non-overlapping edit of a scaffolded file that scaffold also changes: merged.
    edit(&dir, "README.md", |s| s + "\n## Notes\n\nOur own notes.\n");
    grow_spec(&dir);
    let a = generate(&dir, &[]).success();
    let text = out(&a);
    insta::assert_snapshot!(text);
    assert!(read(&dir, HANDLER).contains("const MAX_LIMIT = 50; // my list"));
    assert!(read(&dir, "netlify/functions/api-methods/search.js").contains("not_implemented"));
    assert!(read(&dir, API).contains("['search', () => require('./_shared/routes/search.js')]"));
    assert!(read(&dir, "netlify/functions/_shared/routes/search.js")
        .contains("require('../../api-methods/search.js')"));
    let readme = read(&dir, "README.md");
    assert!(
        readme.contains("Our own notes.") && readme.contains("`/api/search`"),
        "{readme}"
    );
    // And the next run is quiet, with the edits still there.
    let again = out(&generate(&dir, &[]).success());
    assert!(
        !again.contains("merged") && !again.contains("created"),
        "{again}"
    );
    stdout(scaffold().arg("check").arg("--dir").arg(&dir));
}

#[test]
fn overlapping_edits_are_a_conflict_and_nothing_is_written() {
    let (_t, dir) = project();
    // The user rewrites the list row of the README's table; the spec change rewrites it too.
    edit(&dir, "README.md", |s| {
        s.replace("| GET | `/api/movies` |", "| GET (ours) | `/api/movies` |")
    });
    edit(&dir, "scaffold.yaml", |s| {
        s.replace("operations: [list, create, read, update, delete]", "operations:\n      list: { auth: none }\n      create: {}\n      read: {}\n      update: {}\n      delete: {}")
    });
    let before = snapshot(&dir);
    let a = generate(&dir, &[]).code(1);
    insta::assert_snapshot!(out(&a));
    assert_eq!(
        snapshot(&dir),
        before,
        "a conflicting run writes nothing at all"
    );

    // --write-conflicts writes diff3 markers (and still exits 1); the other files are updated.
    let a = generate(&dir, &["--write-conflicts"]).code(1);
    assert!(out(&a).contains("conflict markers were written"));
    let readme = read(&dir, "README.md");
    assert!(
        readme.contains("<<<<<<< yours") && readme.contains(">>>>>>> generated now"),
        "{readme}"
    );
    assert!(read(&dir, "netlify/functions/_shared/routes/movies.js").contains("public: true"));
    // Once resolved, the file is the user's and the next run keeps it.
    edit(&dir, "README.md", |s| {
        let start = s.find("<<<<<<<").unwrap();
        let end = s.find(">>>>>>> generated now\n").unwrap() + ">>>>>>> generated now\n".len();
        format!(
            "{}| GET (ours, public) | `/api/movies` | x | public |\n{}",
            &s[..start],
            &s[end..]
        )
    });
    let a = generate(&dir, &[]).success();
    assert!(out(&a).contains("     kept README.md"), "{}", out(&a));
    assert!(read(&dir, "README.md").contains("GET (ours, public)"));
}

#[test]
fn hand_edited_owned_file_is_refused_then_forced() {
    let (_t, dir) = project();
    edit(&dir, API, |s| {
        s.replace("'use strict';", "'use strict';\n// quick hack")
    });
    grow_spec(&dir);
    let before = snapshot(&dir);
    let a = generate(&dir, &[]).code(1);
    let text = out(&a);
    insta::assert_snapshot!(text);
    assert!(
        text.contains("+// quick hack"),
        "the edit is shown as a diff: {text}"
    );
    assert_eq!(snapshot(&dir), before);
    let c = scaffold()
        .arg("check")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    assert!(out(&c).contains("netlify/functions/api.js: owned file edited by hand"));

    let a = generate(&dir, &["--force"]).success();
    assert!(out(&a).contains("  updated netlify/functions/api.js"));
    assert!(!read(&dir, API).contains("quick hack"));
    assert!(read(&dir, API).contains("_shared/routes/search.js"));
}

#[test]
fn removed_operations_leave_orphans_until_pruned() {
    let (_t, dir) = project();
    edit(
        &dir,
        "netlify/functions/api-methods/movies-update.js",
        |s| s + "// edited\n",
    );
    edit(&dir, "scaffold.yaml", |s| {
        s.replace("[list, create, read, update, delete]", "[list, create]")
    });
    let a = generate(&dir, &[]).success();
    insta::assert_snapshot!(out(&a));
    assert!(dir
        .join("netlify/functions/api-methods/movies-delete.js")
        .exists());
    assert!(
        !read(&dir, API).contains("movies-delete"),
        "the dispatcher never routes to an orphan"
    );
    let c = scaffold()
        .arg("check")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    assert!(out(&c).contains("movies-delete.js: orphan"), "{}", out(&c));

    let a = generate(&dir, &["--prune"]).success();
    let text = out(&a);
    assert!(
        text.contains("  deleted netlify/functions/api-methods/movies-delete.js"),
        "{text}"
    );
    assert!(
        text.contains("   orphan netlify/functions/api-methods/movies-update.js"),
        "{text}"
    );
    assert!(!dir
        .join("netlify/functions/api-methods/movies-delete.js")
        .exists());
    assert!(!dir
        .join(".scaffold/base/netlify/functions/api-methods/movies-delete.js")
        .exists());
    assert!(read(&dir, "netlify/functions/api-methods/movies-update.js").ends_with("// edited\n"));
    // The edited orphan stays reported until the user deletes it; then all is clean.
    fs::remove_file(dir.join("netlify/functions/api-methods/movies-update.js")).unwrap();
    generate(&dir, &[]).success();
    stdout(scaffold().arg("check").arg("--dir").arg(&dir));
}

#[test]
fn deleted_files_owned_recreated_scaffolded_reported() {
    let (_t, dir) = project();
    fs::remove_file(dir.join(API)).unwrap();
    fs::remove_file(dir.join(HANDLER)).unwrap();
    let a = generate(&dir, &[]).success();
    let text = out(&a);
    assert!(
        text.contains("recreated netlify/functions/api.js"),
        "{text}"
    );
    assert!(
        text.contains("  missing netlify/functions/api-methods/movies-list.js"),
        "{text}"
    );
    assert!(dir.join(API).exists() && !dir.join(HANDLER).exists());
    let c = scaffold()
        .arg("check")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    assert!(out(&c).contains("movies-list.js: generated file missing"));
    let a = generate(&dir, &["--force"]).success();
    assert!(out(&a).contains("recreated netlify/functions/api-methods/movies-list.js"));
    assert!(dir.join(HANDLER).exists());
}

#[test]
fn a_write_failure_midway_leaves_the_project_as_it_was() {
    let (_t, dir) = project();
    grow_spec(&dir);
    // A folder where the new handler file must go: staging succeeds, installing it fails after
    // earlier files (README.md, api.js, ...) were already swapped in. Works as root too.
    fs::create_dir_all(dir.join("netlify/functions/api-methods/search.js/x")).unwrap();
    let before = snapshot(&dir);
    let err = stderr(scaffold().arg("generate").arg("--dir").arg(&dir), 1);
    assert!(
        err.contains("is a folder where scaffold writes a file"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn dry_run_writes_nothing() {
    let (_t, dir) = project();
    grow_spec(&dir);
    let before = snapshot(&dir);
    let a = generate(&dir, &["--dry-run"]).success();
    let text = out(&a);
    assert!(
        text.contains("would be created netlify/functions/api-methods/search.js"),
        "{text}"
    );
    assert!(text.ends_with("(dry run: nothing written)\n"), "{text}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn check_fails_for_each_reason_and_passes_when_clean() {
    let check = |dir: &Path, code: i32| {
        out(&scaffold()
            .arg("check")
            .arg("--dir")
            .arg(dir)
            .assert()
            .code(code))
    };
    let (_t, dir) = project();
    assert!(check(&dir, 0).starts_with("ok: generated code is up to date"));

    // The spec changed, not regenerated (even a comment counts: the lock records the spec).
    edit(&dir, "scaffold.yaml", |s| s + "# a comment\n");
    assert!(check(&dir, 1).contains("scaffold.yaml: changed since the last `scaffold generate`"));
    generate(&dir, &[]).success();
    check(&dir, 0);

    // A stale generated file.
    grow_spec(&dir);
    let text = check(&dir, 1);
    assert!(text.contains("netlify/functions/api.js: stale"), "{text}");
    assert!(text.contains("search.js: not generated yet"), "{text}");
    generate(&dir, &[]).success();

    // A generated file missing.
    fs::remove_file(dir.join("netlify/functions/_shared/headers.js")).unwrap();
    assert!(check(&dir, 1).contains("netlify/functions/_shared/headers.js: generated file missing"));
    generate(&dir, &[]).success();

    // No lock.
    fs::remove_file(dir.join(".scaffold/lock.yaml")).unwrap();
    assert!(check(&dir, 1).contains(".scaffold/lock.yaml: missing"));
    generate(&dir, &["--force"]).success();
    check(&dir, 0);

    // An invalid spec is exit 2.
    edit(&dir, "scaffold.yaml", |s| {
        s.replace("provider: netlify-identity", "provider: nope")
    });
    scaffold()
        .arg("check")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(2);
}

#[test]
fn diff_is_stable_and_respects_color_settings() {
    let (_t, dir) = project();
    grow_spec(&dir);
    let a = scaffold()
        .arg("diff")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    let plain = out(&a);
    insta::assert_snapshot!(plain);
    let again = scaffold()
        .arg("diff")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    assert_eq!(out(&again), plain, "the same diff every time");
    assert!(!plain.contains('\x1b'));
    let colored = out(&scaffold()
        .args(["diff", "--color", "always", "--dir"])
        .arg(&dir)
        .assert()
        .code(1));
    assert!(colored.contains("\x1b[32m+"));
    let no_color = out(&scaffold()
        .args(["diff", "--color", "never", "--dir"])
        .arg(&dir)
        .env("NO_COLOR", "1")
        .assert()
        .code(1));
    assert_eq!(no_color, plain);
}

/// A project from netlify-modern's starter spec, in `language` (`None`: the key left out).
fn modern_project(language: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let starter = tmp.path().join("starter");
    stdout(
        scaffold()
            .arg("new")
            .arg(&starter)
            .args(["--target", "netlify-modern"]),
    );
    let mut spec = read(&starter, "scaffold.yaml");
    if let Some(l) = language {
        spec = spec.replacen("\nauth:", &format!("\nlanguage: {l}\nauth:"), 1);
    }
    let file = tmp.path().join("spec.yaml");
    fs::write(&file, spec).unwrap();
    let dir = tmp.path().join("watchlist");
    stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .args(["--target", "netlify-modern", "--spec"])
            .arg(&file),
    );
    (tmp, dir)
}

#[test]
fn typescript_projects_regenerate_like_javascript_ones() {
    let (_t, dir) = modern_project(Some("typescript"));
    const TS_HANDLER: &str = "netlify/functions/api-methods/movies-list.ts";
    const TYPES: &str = "netlify/functions/_shared/types.ts";
    assert!(!dir.join("netlify/functions/api.js").exists());
    assert!(read(&dir, ".scaffold/lock.yaml").contains("netlify/functions/api.ts"));
    edit(&dir, TS_HANDLER, |s| {
        s.replace("const MAX_LIMIT = 100;", "const MAX_LIMIT = 50; // my list")
    });
    grow_spec(&dir);
    let a = generate(&dir, &[]).success();
    let text = out(&a);
    assert!(
        text.contains("  updated netlify/functions/_shared/types.ts"),
        "{text}"
    );
    assert!(
        text.contains("  created netlify/functions/api-methods/search.ts"),
        "{text}"
    );
    assert!(read(&dir, TS_HANDLER).contains("const MAX_LIMIT = 50; // my list"));
    assert!(read(&dir, TYPES).contains("  rating?: number;"));
    assert!(read(&dir, TYPES).contains("export type SearchResult = Reply<unknown> | undefined;"));
    assert!(read(&dir, "netlify/functions/_shared/dispatcher.js")
        .contains("import('./routes/search.js')"));
    assert!(read(&dir, "netlify/functions/_shared/routes/search.js")
        .contains("import('../../api-methods/search.ts')"));
    // A hand edit of an owned .ts file is refused, as for .js.
    edit(&dir, TYPES, |s| s + "// mine\n");
    let c = scaffold()
        .arg("check")
        .arg("--dir")
        .arg(&dir)
        .assert()
        .code(1);
    assert!(
        out(&c).contains("netlify/functions/_shared/types.ts: owned file edited by hand"),
        "{}",
        out(&c)
    );
    edit(&dir, "scaffold.yaml", |s| {
        s.replace("min: 0, max: 10", "min: 1, max: 10")
    });
    let before = snapshot(&dir);
    generate(&dir, &[]).code(1);
    assert_eq!(snapshot(&dir), before, "a refused run writes nothing");
    generate(&dir, &["--force"]).success();
    stdout(scaffold().arg("check").arg("--dir").arg(&dir));
}

#[test]
fn switching_language_is_refused_and_writes_nothing() {
    // JavaScript -> TypeScript.
    let (_t, dir) = modern_project(None);
    edit(&dir, "scaffold.yaml", |s| {
        s.replacen("\nauth:", "\nlanguage: typescript\nauth:", 1)
    });
    refused_everywhere(
        &dir,
        &[
            "asks for `language: typescript`, but this project was generated in javascript",
            "keep `language: javascript` (or no `language` key)",
        ],
    );

    // TypeScript -> JavaScript.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ts");
    let spec = tmp.path().join("spec.yaml");
    fs::write(
        &spec,
        "name: ts\nlanguage: typescript\nauth: { provider: none }\nresources: { notes: { fields: { text: { type: string } } } }\n",
    )
    .unwrap();
    stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .args(["--target", "vercel", "--spec"])
            .arg(&spec),
    );
    edit(&dir, "scaffold.yaml", |s| {
        s.replace("language: typescript", "language: javascript")
    });
    refused_everywhere(
        &dir,
        &[
            "asks for `language: javascript`, but this project was generated in typescript",
            "keep `language: typescript`, or generate a new project",
        ],
    );
}

/// `generate`, `check` and `diff` on `dir` each exit 2 saying every one of `said`, and nothing in
/// `dir` changes.
fn refused_everywhere(dir: &Path, said: &[&str]) {
    let before = snapshot(dir);
    for cmd in ["generate", "check", "diff"] {
        let a = scaffold().arg(cmd).arg("--dir").arg(dir).assert().code(2);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        for text in said {
            assert!(err.contains(text), "{cmd}: no {text:?} in:\n{err}");
        }
    }
    assert_eq!(snapshot(dir), before);
}

/// Every target that offers TypeScript refuses the switch both ways (the lock records which
/// entry, `.js` or `.ts`, the project was generated with).
#[test]
fn switching_language_is_refused_on_every_typescript_target() {
    let targets = scaffold::Templates::builtin().targets().unwrap();
    let offering: Vec<&String> = targets
        .iter()
        .filter(|(_, d)| d.languages.iter().any(|l| l.as_str() == "typescript"))
        .map(|(name, _)| name)
        .collect();
    assert!(offering.len() >= 6, "{offering:?}");
    for target in offering {
        for (from, to) in [("javascript", "typescript"), ("typescript", "javascript")] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("p");
            let spec = tmp.path().join("spec.yaml");
            fs::write(
                &spec,
                format!("name: p\nlanguage: {from}\nauth: {{ provider: none }}\nresources: {{ notes: {{ storage: memory, fields: {{ text: {{ type: string }} }} }} }}\n"),
            )
            .unwrap();
            stdout(
                scaffold()
                    .arg("new")
                    .arg(&dir)
                    .args(["--target", target, "--spec"])
                    .arg(&spec),
            );
            edit(&dir, "scaffold.yaml", |s| {
                s.replace(&format!("language: {from}"), &format!("language: {to}"))
            });
            refused_everywhere(
                &dir,
                &[&format!(
                    "asks for `language: {to}`, but this project was generated in {from}"
                )],
            );
        }
    }
}
