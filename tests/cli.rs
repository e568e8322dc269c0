//! The command line as a user drives it: what `new`, `generate` and the other commands write (or
//! do not), exit codes, the help of every command. The transcripts of whole sessions (`targets`,
//! `new`, `generate --dry-run`, `check`, spec errors, `review`, `openapi`) are data in
//! `tests/cmd/` (`tests/transcripts.rs`).

use std::fs;

mod common;

use common::{scaffold, snapshot, stderr, stdout};

#[test]
fn new_creates_a_project_with_the_starter_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("watchlist");
    let out = stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .args(["--target", "netlify"]),
    );
    assert!(out.contains("created scaffold.yaml\n"), "{out}");
    let spec = fs::read_to_string(dir.join("scaffold.yaml")).unwrap();
    assert!(spec.contains("name: watchlist\n") && spec.contains("target: netlify\n"));
    // Its first line points editors at the schema, which the project ships.
    let (modeline, spec) = spec.split_once('\n').unwrap();
    assert_eq!(
        modeline,
        format!(
            "# yaml-language-server: $schema={}",
            scaffold::testing::SCHEMA_FILE
        )
    );
    assert_eq!(
        fs::read(dir.join(scaffold::testing::SCHEMA_FILE)).unwrap(),
        scaffold::testing::schema_json()
    );
    // The starter spec is the example in specs/ (modulo its first comment line).
    let example =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/watchlist.yaml")).unwrap();
    assert_eq!(
        spec.split_once('\n').unwrap().1,
        example.split_once('\n').unwrap().1
    );
    for f in [
        "netlify/functions/api.js",
        "netlify/functions/_shared/headers.js",
        "netlify/functions/_shared/auth.js",
        "netlify/functions/api-methods/movies-list.js",
        "netlify.toml",
        "package.json",
        ".gitignore",
        "README.md",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert!(!dir.join("netlify/functions/api-methods/index.js").exists());
}

#[test]
fn new_refuses_a_non_empty_folder_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let before = snapshot(tmp.path());
    let err = stderr(scaffold().arg("new").arg(tmp.path()), 2);
    assert!(err.contains("already exists and is not empty"), "{err}");
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn new_with_an_invalid_spec_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("bad.yaml");
    fs::write(
        &spec,
        "name: x\nauth: { provider: none }\nresources: { movies: { operations: [dlete] } }\n",
    )
    .unwrap();
    let dir = tmp.path().join("proj");
    let err = stderr(scaffold().arg("new").arg(&dir).arg("--spec").arg(&spec), 2);
    assert!(
        err.contains("scaffold.yaml:3:37: unknown operation `dlete`"),
        "{err}"
    );
    assert!(err.contains("did you mean `delete`?"), "{err}");
    assert!(!dir.exists());
}

#[test]
fn generate_dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("proj");
    stdout(scaffold().arg("new").arg(&dir));
    fs::remove_file(dir.join("netlify/functions/_shared/headers.js")).unwrap();
    let before = snapshot(&dir);
    let out = stdout(
        scaffold()
            .args(["generate", "--dry-run", "--dir"])
            .arg(&dir),
    );
    assert!(
        out.contains("would be recreated netlify/functions/_shared/headers.js"),
        "{out}"
    );
    assert!(out.contains("(dry run: nothing written)"), "{out}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn generate_with_an_invalid_spec_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("proj");
    stdout(scaffold().arg("new").arg(&dir));
    fs::remove_file(dir.join("netlify/functions/api.js")).unwrap();
    fs::write(
        dir.join("scaffold.yaml"),
        "name: proj\nauth: { provider: nope }\nresources: { x: {} }\n",
    )
    .unwrap();
    let before = snapshot(&dir);
    let err = stderr(scaffold().arg("generate").arg("--dir").arg(&dir), 2);
    insta::assert_snapshot!(err);
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn generate_without_a_spec_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = stderr(scaffold().arg("generate").current_dir(tmp.path()), 2);
    assert!(
        err.starts_with("error: cannot read spec `./scaffold.yaml`"),
        "{err}"
    );
    assert!(err.contains("scaffold new DIR"), "{err}");
}

#[test]
fn templates_can_be_overridden_file_by_file() {
    let tmp = tempfile::tempdir().unwrap();
    let over = tmp.path().join("tpl/_shared");
    fs::create_dir_all(&over).unwrap();
    fs::write(over.join("handler.js"), "// custom starter for {{ op.name.camel }}\nmodule.exports = async () => ({ status: 501 });\n").unwrap();
    let dir = tmp.path().join("proj");
    stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--templates")
            .arg(tmp.path().join("tpl")),
    );
    let handler =
        fs::read_to_string(dir.join("netlify/functions/api-methods/movies-read.js")).unwrap();
    assert_eq!(
        handler,
        "// custom starter for moviesRead\nmodule.exports = async () => ({ status: 501 });\n"
    );
    // Everything else still comes from the built-in templates.
    assert!(fs::read_to_string(dir.join("netlify/functions/api.js"))
        .unwrap()
        .contains("exports.handler"));
}

/// The `--help` of the tool and of every command, as a transcript: the list of commands comes
/// from clap, so a new command shows up here (and in review) with its help.
#[test]
fn help_of_every_command() {
    use clap::CommandFactory;
    let mut transcript = String::new();
    let mut commands = vec![Vec::new()];
    commands.extend(
        scaffold::testing::Cli::command()
            .get_subcommands()
            .map(|c| vec![c.get_name().to_string()]),
    );
    assert!(commands.len() > 9, "{commands:?}");
    for cmd in commands {
        let out = stdout(scaffold().args(&cmd).arg("--help"));
        assert!(out.contains("Example"), "{cmd:?} has no example: {out}");
        transcript.push_str(&format!(
            "$ scaffold {}--help\n{out}\n",
            cmd.iter().map(|c| format!("{c} ")).collect::<String>()
        ));
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn schema_prints_the_json_schema() {
    let out = stdout(scaffold().arg("schema"));
    assert_eq!(out.as_bytes(), scaffold::testing::schema_json());
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(stdout(scaffold().args(["schema", "--help"])).contains("yaml-language-server"));
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = stdout(scaffold().args(["completions", shell]));
        for word in [
            "new",
            "generate",
            "diff",
            "check",
            "review",
            "openapi",
            "targets",
            "schema",
            "completions",
        ] {
            assert!(out.contains(word), "{shell}: no `{word}` in\n{out}");
        }
        assert!(out.contains("dry-run"), "{shell}: no `dry-run` option");
    }
    scaffold().args(["completions", "tcsh"]).assert().code(2);
}

/// The bash script parses, and completing `scaffold gen` offers `generate`.
#[test]
fn bash_completions_parse_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("scaffold.bash");
    fs::write(&script, stdout(scaffold().args(["completions", "bash"]))).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash on PATH");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let complete = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"; COMP_WORDS=(scaffold gen); COMP_CWORD=1; _scaffold scaffold gen scaffold; printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(&script)
        .output()
        .expect("bash on PATH");
    let words = String::from_utf8_lossy(&complete.stdout);
    assert!(
        words.lines().any(|w| w == "generate"),
        "{words}{}",
        String::from_utf8_lossy(&complete.stderr)
    );
}

/// Every target's starter project is valid, up to date, and stays so when generated again.
#[test]
fn new_works_for_every_target() {
    let templates = scaffold::Templates::builtin();
    for (target, desc) in templates.targets().unwrap() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("demo");
        let out = stdout(scaffold().arg("new").arg(&dir).args(["--target", &target]));
        assert!(
            out.ends_with(&format!("{}\n", desc.next)),
            "{target}: {out}"
        );
        let spec = fs::read_to_string(dir.join("scaffold.yaml")).unwrap();
        assert!(spec.contains(&format!("\ntarget: {target}\n")), "{target}");
        // The starter uses the target's first auth provider.
        assert!(
            spec.contains(&format!("provider: {}\n", desc.auth_providers[0])),
            "{target}"
        );
        let before = snapshot(&dir);
        stdout(scaffold().current_dir(&dir).arg("check"));
        let again = stdout(scaffold().current_dir(&dir).arg("generate"));
        assert!(
            again
                .lines()
                .all(|l| !l.starts_with("update") && !l.starts_with("create")),
            "{target}: {again}"
        );
        assert_eq!(before, snapshot(&dir), "{target}: generate rewrote files");
    }
}

/// `new --target T --spec S` writes a spec that names T, whatever S named.
#[test]
fn new_with_a_target_and_a_spec_for_another_target_retargets_the_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .args(["--target", "cloudflare-workers", "--spec"])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/jwt-cors.yaml")),
    );
    let spec = fs::read_to_string(dir.join("scaffold.yaml")).unwrap();
    let original =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/jwt-cors.yaml")).unwrap();
    assert_eq!(
        spec,
        original.replace("\ntarget: netlify\n", "\ntarget: cloudflare-workers\n")
    );
    assert!(dir.join("wrangler.toml").is_file());
    stdout(scaffold().current_dir(&dir).arg("check"));
}

/// A spec the chosen target cannot serve is refused with the reason, and nothing is written.
#[test]
fn new_refuses_netlify_identity_on_another_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("club");
    let err = stderr(
        scaffold()
            .arg("new")
            .arg(&dir)
            .args(["--target", "vercel", "--spec"])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/bookclub.yaml")),
        2,
    );
    assert!(
        err.contains("auth provider `netlify-identity` is not available on target `vercel`"),
        "{err}"
    );
    assert!(!dir.exists() || fs::read_dir(&dir).unwrap().next().is_none());
}
