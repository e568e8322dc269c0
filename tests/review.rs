//! `scaffold review`: each folder in `tests/review/` holds `old.yaml` and `new.yaml`; the snapshot
//! is the exact Markdown report, and the exit code follows `--fail-on`.

mod common;

use std::fs;
use std::process::Command;

use common::{manifest_dir, scaffold};

fn review(case: &str, extra: &[&str]) -> (i32, String) {
    let dir = manifest_dir().join("tests/review").join(case);
    let out = scaffold()
        .current_dir(&dir)
        .args(["review", "old.yaml", "new.yaml"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_kind_of_change() {
    let (code, md) = review("everything", &[]);
    insta::assert_snapshot!(md);
    assert_eq!(code, 1);
    let (_, json) = review("everything", &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let kinds: std::collections::BTreeSet<&str> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "base_path_changed",
        "auth_provider_changed",
        "operation_removed",
        "operation_moved",
        "operation_made_public",
        "operation_added",
        "resource_removed",
        "resource_added",
        "field_removed",
        "field_added",
        "field_retyped",
        "field_now_required",
        "field_now_optional",
        "field_bound_tightened",
        "field_bound_loosened",
        "header_removed",
        "header_changed",
        "header_added",
        "cors_origin_added",
        "cors_credentials_allowed",
        "body_limit_changed",
    ] {
        assert!(kinds.contains(kind), "no `{kind}` in {kinds:?}");
    }
    insta::assert_snapshot!("everything_json", json);
}

#[test]
fn roles_widened_and_narrowed() {
    let (code, md) = review("security-only", &[]);
    insta::assert_snapshot!(md);
    assert_eq!(code, 1);
    assert_eq!(review("security-only", &["--fail-on", "breaking"]).0, 0);
    assert_eq!(review("security-only", &["--fail-on", "security"]).0, 1);
    // The same pair reversed narrows access: breaking, not security.
    let dir = manifest_dir().join("tests/review/security-only");
    let out = scaffold()
        .current_dir(&dir)
        .args(["review", "new.yaml", "old.yaml"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| breaking | operation `notesDelete` (`DELETE /api/notes/{id}`): access changed from any signed-in user to roles admin |"), "{md}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn safe_changes_exit_0() {
    let (code, md) = review("safe-only", &[]);
    insta::assert_snapshot!(md);
    assert_eq!(code, 0);
    let (code, md) = review("safe-only", &["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(
        md.contains("0 breaking, 0 security-relevant, 4 safe"),
        "{md}"
    );
}

#[test]
fn reads_old_versions_from_git() {
    let tmp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(tmp.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let case = manifest_dir().join("tests/review/security-only");
    git(&["init", "-q"]);
    fs::copy(case.join("old.yaml"), tmp.path().join("scaffold.yaml")).unwrap();
    git(&["add", "scaffold.yaml"]);
    git(&["commit", "-qm", "v1"]);
    fs::copy(case.join("new.yaml"), tmp.path().join("scaffold.yaml")).unwrap();
    let out = scaffold()
        .current_dir(tmp.path())
        .args(["review", "HEAD:scaffold.yaml", "scaffold.yaml"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("## API review: `HEAD:scaffold.yaml` -> `scaffold.yaml`"),
        "{md}"
    );
    assert!(
        md.contains("access changed from roles admin to any signed-in user"),
        "{md}"
    );
    assert_eq!(out.status.code(), Some(1));
    let err = scaffold()
        .current_dir(tmp.path())
        .args(["review", "nope:scaffold.yaml", "scaffold.yaml"])
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("cannot read `nope:scaffold.yaml` from git")
    );
}

#[test]
fn an_invalid_spec_is_exit_2_with_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("bad.yaml"),
        "name: x\nauth: { provider: none }\nresources: { m: { operations: [dlete] } }\n",
    )
    .unwrap();
    let good = manifest_dir().join("tests/review/safe-only/old.yaml");
    let out = scaffold()
        .current_dir(tmp.path())
        .arg("review")
        .arg(&good)
        .arg("bad.yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.yaml:3:32: unknown operation `dlete`")
    );
}

/// `review` reads the API, not a deployment: a spec its target would refuse (here Netlify
/// Identity on Vercel, a body above Vercel's limit) is still reviewed, while `generate` refuses it.
#[test]
fn review_needs_no_target() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |roles: &str| {
        format!("name: x\ntarget: vercel\nauth: {{ provider: netlify-identity }}\nlimits: {{ body_bytes: 5000000 }}\nresources: {{ m: {{ operations: {{ list: {{ roles: [{roles}] }} }} }} }}\n")
    };
    fs::write(tmp.path().join("old.yaml"), spec("admin")).unwrap();
    fs::write(tmp.path().join("new.yaml"), spec("admin, editor")).unwrap();
    let out = scaffold()
        .current_dir(tmp.path())
        .args(["review", "old.yaml", "new.yaml", "--fail-on", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("GET /api/m"), "{stdout}");
    let out = scaffold()
        .current_dir(tmp.path())
        .args(["generate", "--spec", "new.yaml", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not available on target `vercel`"));
}

/// The rules beyond types (enum, format, pattern, nullable, filter, readonly, ref, default), nested
/// fields included: what may refuse a request that worked before is breaking, the rest safe.
#[test]
fn field_rules_changed() {
    let (code, md) = review("field-rules", &[]);
    insta::assert_snapshot!(md);
    assert_eq!(code, 1);
    let (_, json) = review("field-rules", &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let got: Vec<(String, bool)> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["message"].as_str().unwrap().to_string(),
                c["breaking"].as_bool().unwrap(),
            )
        })
        .collect();
    let want: &[(&str, bool)] = &[
        ("field `venues.address.city` is now required", true),
        (
            "field `venues.address.country`: `enum` values added: `IT`",
            false,
        ),
        ("field `venues.address.zip` added (string, optional)", false),
        ("field `venues.capacity` no longer takes `null`", true),
        (
            "field `venues.code`: `pattern` changed from `^[A-Z]{2}$` to none",
            false,
        ),
        (
            "field `venues.email`: `format` changed from `email` to none",
            false,
        ),
        (
            "field `venues.kind` takes any value again (no `enum`)",
            false,
        ),
        (
            "field `venues.kind`: the list no longer filters by it (`?kind=` is refused)",
            true,
        ),
        ("field `venues.label` now only takes `a`, `b`", true),
        (
            "field `venues.owner` is no longer read-only: requests set it",
            true,
        ),
        (
            "field `venues.parent`: `ref` changed from `venues` to none",
            false,
        ),
        (
            "field `venues.parent`: the list no longer filters by it (`?parent=` is refused)",
            true,
        ),
        (
            "field `venues.price`: `default` changed from `0` to `10`",
            false,
        ),
        ("field `venues.rating` now takes `null`", false),
        (
            "field `venues.rating`: the list now filters by it (`?rating=`)",
            false,
        ),
        (
            "field `venues.site`: `format` changed from `url` to `uuid`",
            true,
        ),
        (
            "field `venues.slug`: `pattern` changed from `^[a-z]+$` to `^[a-z]{1,20}$`",
            true,
        ),
        (
            "field `venues.status`: `enum` values removed: `moved`",
            true,
        ),
        (
            "field `venues.status`: `enum` values added: `renamed`",
            false,
        ),
        (
            "field `venues.verified` is now read-only: requests that send it are refused",
            true,
        ),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(m, b)| (m.to_string(), *b)).collect();
    assert_eq!(got, want);
}

/// A `language` change is reported (safe: the API is the same), with what it means for the project:
/// `generate` refuses the switch. Both directions; a spec without the key is JavaScript.
#[test]
fn language_change_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |language: &str| {
        format!("name: x\n{language}auth: {{ provider: none }}\nresources: {{ m: {{ fields: {{ t: {{ type: string }} }} }} }}\n")
    };
    for (old, new, from, to) in [
        ("", "language: typescript\n", "javascript", "typescript"),
        (
            "language: typescript\n",
            "language: javascript\n",
            "typescript",
            "javascript",
        ),
    ] {
        fs::write(tmp.path().join("old.yaml"), spec(old)).unwrap();
        fs::write(tmp.path().join("new.yaml"), spec(new)).unwrap();
        let out = scaffold()
            .current_dir(tmp.path())
            .args(["review", "old.yaml", "new.yaml", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "safe: exit 0");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let changes = value["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{value}");
        let change = &changes[0];
        assert_eq!(change["kind"], "language_changed");
        assert_eq!(change["breaking"], false);
        assert_eq!(change["security"], false);
        let message = change["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("language changed from `{from}` to `{to}`"))
                && message.contains("`scaffold generate` refuses"),
            "{message}"
        );
    }
    // The same spec twice: no change.
    fs::write(tmp.path().join("new.yaml"), spec("language: javascript\n")).unwrap();
    fs::write(tmp.path().join("old.yaml"), spec("")).unwrap();
    let out = scaffold()
        .current_dir(tmp.path())
        .args(["review", "old.yaml", "new.yaml", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value["changes"].as_array().map(Vec::len),
        Some(0),
        "{value}"
    );
}
