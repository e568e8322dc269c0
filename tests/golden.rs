//! Golden trees: every example spec in `specs/` x every target, snapshotted file by file, plus the
//! sorted file list with each file's ownership class (or the report of a spec a target refuses). `cargo insta review` shows a change.

use scaffold::{generate, Input, Templates};

#[test]
fn every_spec_for_every_target() {
    let templates = Templates::builtin();
    let targets = templates.targets().unwrap();
    insta::glob!("../specs", "*.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        for target in targets.keys() {
            let input = Input {
                spec_file: "scaffold.yaml",
                spec: &bytes,
                target: Some(target),
                templates: &templates,
            };
            // A spec that makes no sense on a target (e.g. Netlify Identity on Vercel) is
            // refused: the refusal is the golden output.
            let tree = match generate(&input) {
                Ok(generated) => generated.tree,
                Err(scaffold::Error::Spec(report)) => {
                    insta::assert_snapshot!(format!("{target}__refused"), report.to_string());
                    continue;
                }
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let list: Vec<String> = tree
                .files
                .iter()
                .map(|(p, f)| format!("{p} ({:?})", f.class))
                .collect();
            insta::assert_snapshot!(format!("{target}__files"), list.join("\n"));
            for (path, file) in &tree.files {
                let text =
                    String::from_utf8(file.bytes.clone()).expect("generated files are UTF-8");
                insta::assert_snapshot!(
                    format!("{target}__{}", path.as_str().replace('/', "__")),
                    text
                );
            }
        }
    });
}

/// The output does not depend on the order of mapping keys in the spec, nor on comments.
#[test]
fn key_order_does_not_change_the_output() {
    fn reverse(v: serde_yaml::Value) -> serde_yaml::Value {
        match v {
            serde_yaml::Value::Mapping(m) => {
                let mut entries: Vec<_> = m.into_iter().collect();
                entries.reverse();
                serde_yaml::Value::Mapping(
                    entries.into_iter().map(|(k, v)| (k, reverse(v))).collect(),
                )
            }
            serde_yaml::Value::Sequence(s) => {
                serde_yaml::Value::Sequence(s.into_iter().map(reverse).collect())
            }
            other => other,
        }
    }
    let templates = Templates::builtin();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/specs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let original = std::fs::read(&path).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_slice(&original).unwrap();
        let shuffled = serde_yaml::to_string(&reverse(value)).unwrap();
        assert_ne!(shuffled.as_bytes(), &original[..]);
        let run = |bytes: &[u8]| {
            generate(&Input {
                spec_file: "scaffold.yaml",
                spec: bytes,
                target: None,
                templates: &templates,
            })
            .unwrap()
        };
        assert_eq!(
            run(&original),
            run(shuffled.as_bytes()),
            "{}",
            path.display()
        );
        assert_eq!(run(&original), run(&original), "{}", path.display());
    }
}
