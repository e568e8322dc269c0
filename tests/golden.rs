//! Golden trees: every example spec in `specs/` x every target, file by file, plus the sorted file
//! list with each file's ownership class (`files`), or the report of a spec a target refuses
//! (`refused`). `cargo insta review` shows a change.
//!
//! Each distinct content is stored once. For every path (or `files`, `refused`), over all the
//! (spec, target) pairs that produce it:
//! - the same bytes everywhere, from more than one target: one snapshot `all__{path}`;
//! - else, per target: the same bytes for every spec of that target: `{target}__{path}`;
//! - else one snapshot per spec: `{target}__{path}@{spec}`.
//!
//! (`/` in a path is `__` in the name.) The names follow from the outputs, so any change to any
//! (spec, target, file) fails: a changed content no longer matches its snapshot, or it leaves its
//! group and needs a snapshot name that does not exist.

use std::collections::{BTreeMap, BTreeSet};

use scaffold::{generate, Input, Templates};

/// Every example spec's file name and bytes, sorted by name.
fn example_specs() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    let mut specs: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    specs.sort();
    specs
}

/// Key (a path, `files` or `refused`) -> (target, spec) -> text.
type Outputs = BTreeMap<String, BTreeMap<(String, String), String>>;

/// Every output of every example spec for every target.
fn outputs() -> Outputs {
    let templates = Templates::builtin();
    let targets = templates.targets().unwrap();
    let mut out = Outputs::new();
    let mut put = |key: &str, target: &str, spec: &str, text: String| {
        out.entry(key.to_string())
            .or_default()
            .insert((target.to_string(), spec.to_string()), text);
    };
    for (spec, bytes) in example_specs() {
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
                    put("refused", target, &spec, report.to_string());
                    continue;
                }
                Err(e) => panic!("{spec} for {target}: {e}"),
            };
            let list: Vec<String> = tree
                .files
                .iter()
                .map(|(p, f)| format!("{p} ({:?})", f.class))
                .collect();
            put("files", target, &spec, list.join("\n"));
            for (path, file) in &tree.files {
                let text =
                    String::from_utf8(file.bytes.to_vec()).expect("generated files are UTF-8");
                put(path.as_str(), target, &spec, text);
            }
        }
    }
    out
}

/// A snapshot: the output it holds (path, `files` or `refused`), its text, the (target, spec)
/// pairs it stands for.
struct Group {
    key: String,
    text: String,
    members: Vec<(String, String)>,
}

/// Each output's snapshot name and group, by the rule of the module comment.
fn groups(outputs: &Outputs) -> BTreeMap<String, Group> {
    let mut groups = BTreeMap::new();
    let all_same = |texts: &[&String]| texts.iter().all(|text| *text == texts[0]);
    for (key, members) in outputs {
        let name = key.replace('/', "__");
        let mut group = |name: String, pairs: &[(&(String, String), &String)]| {
            let group = Group {
                key: key.clone(),
                text: pairs[0].1.clone(),
                members: pairs.iter().map(|(pair, _)| (*pair).clone()).collect(),
            };
            assert!(
                groups.insert(name.clone(), group).is_none(),
                "two groups named {name}"
            );
        };
        let pairs: Vec<_> = members.iter().collect();
        let texts: Vec<&String> = members.values().collect();
        let targets: BTreeSet<&String> = members.keys().map(|(target, _)| target).collect();
        if targets.len() > 1 && all_same(&texts) {
            group(format!("all__{name}"), &pairs);
            continue;
        }
        for target in targets {
            let of_target: Vec<_> = pairs
                .iter()
                .copied()
                .filter(|((t, _), _)| t == target)
                .collect();
            let texts: Vec<&String> = of_target.iter().map(|(_, text)| *text).collect();
            if all_same(&texts) {
                group(format!("{target}__{name}"), &of_target);
            } else {
                for pair in &of_target {
                    group(format!("{target}__{name}@{}", pair.0 .1), &[*pair]);
                }
            }
        }
    }
    groups
}

#[test]
fn every_spec_for_every_target() {
    let outputs = outputs();
    let groups = groups(&outputs);
    // Every (spec, target, output) is in exactly one group, and equals its group's snapshot.
    let mut grouped = BTreeSet::new();
    for (name, group) in &groups {
        for member in &group.members {
            assert_eq!(
                outputs[&group.key][member], group.text,
                "{name}: {member:?} differs from its group"
            );
            assert!(
                grouped.insert((group.key.clone(), member.clone())),
                "{name}: {member:?} is in two groups"
            );
        }
    }
    let total: usize = outputs.values().map(BTreeMap::len).sum();
    assert_eq!(grouped.len(), total, "an output in no group");
    for (name, group) in &groups {
        insta::assert_snapshot!(name.as_str(), &group.text);
    }
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
