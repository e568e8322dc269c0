//! Bad specs: every file in `tests/invalid/` is a spec with problems; the snapshot is the exact
//! report a user sees (every problem, with `file:line:col`, a caret, what was expected, the fix).

use scaffold::{generate, Error, Input, Templates};

fn report(bytes: &[u8]) -> String {
    report_with(bytes, &Templates::builtin())
}

fn report_with(bytes: &[u8], templates: &Templates) -> String {
    match generate(&Input {
        spec_file: "scaffold.yaml",
        spec: bytes,
        target: None,
        templates,
    }) {
        Err(Error::Spec(d)) => d.render(),
        Err(other) => panic!("expected spec errors, got {other}"),
        Ok(_) => panic!("expected spec errors, the spec was accepted"),
    }
}

#[test]
fn invalid_specs() {
    insta::glob!("invalid/*.yaml", |path| {
        insta::assert_snapshot!(report(&std::fs::read(path).unwrap()));
    });
}

#[test]
fn invalid_utf8() {
    insta::assert_snapshot!(report(b"name: caf\xe9\nauth: { provider: none }\n"), @r"
    error[S002]: scaffold.yaml:1:10: the spec is not valid UTF-8 (byte 9 is not)
      |
    1 | name: caf�
      |          ^ expected UTF-8 text
      |
      = help: re-save the file as UTF-8

    error: 1 problem in scaffold.yaml
    ");
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "   \n", "# only a comment\n---\n"] {
        let r = report(text.as_bytes());
        assert!(
            r.starts_with("error[S010]: scaffold.yaml: the spec is empty"),
            "{r}"
        );
    }
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str(
        "name: bomb\nauth: { provider: none }\nresources: { x: { fields: { y: *a11 } } }\n",
    );
    let r = report(text.as_bytes());
    assert!(r.contains("aliases expand too far"), "{r}");
}

#[test]
fn not_a_mapping() {
    let r = report(b"- just\n- a list\n");
    assert!(r.contains("the spec is not a mapping"), "{r}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let r = report(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/invalid/many-problems.yaml"
        ))
        .unwrap()
        .as_slice(),
    );
    let count = r
        .lines()
        .filter(|l| l.starts_with("error[S") && l.contains("]: scaffold.yaml:"))
        .count();
    assert!(count >= 10, "{r}");
    assert!(
        r.ends_with(&format!("error: {count} problems in scaffold.yaml\n")),
        "{r}"
    );
}

/// S605: a language the target does not offer. Every built-in target offers both, so the target
/// here is aws-lambda with its target.yaml overridden (as a `--templates` folder can) to offer
/// only JavaScript: refused with the targets that do offer TypeScript, with the other problem.
#[test]
fn language_the_target_does_not_offer() {
    let builtin = Templates::builtin();
    let mut desc: serde_yaml::Value =
        serde_yaml::from_str(builtin.get("aws-lambda/target.yaml").unwrap()).unwrap();
    let map = desc.as_mapping_mut().unwrap();
    assert!(map.remove("languages").is_some() && map.remove("typescript").is_some());
    let templates = builtin.with_overrides(
        [(
            "aws-lambda/target.yaml".to_string(),
            serde_yaml::to_string(&desc).unwrap(),
        )]
        .into(),
    );
    let spec = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language-unavailable.yaml"
    ))
    .unwrap();
    insta::assert_snapshot!(report_with(&spec, &templates));
}
