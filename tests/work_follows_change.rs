//! Work follows the change, not the project: adding one resource to the 1,000-operation benchmark
//! spec writes only the new handler files, the owned files whose bytes change, the merged README,
//! and their lock and bases; and the diff of every owned file holds only added lines, so the
//! code-review diff is as small as the change.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{manifest_dir, scaffold, stdout};
use scaffold::testing::Project;
use scaffold::testing::{Action, FileOp, Options};
use scaffold::Templates;
use similar::{ChangeTag, TextDiff};

#[test]
fn adding_a_resource_to_a_large_project() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("big");
    let specs = manifest_dir().join("bench/specs");
    stdout(
        scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--spec")
            .arg(specs.join("ops-1000.yaml")),
    );
    fs::copy(
        specs.join("ops-1000-plus-one.yaml"),
        dir.join("scaffold.yaml"),
    )
    .unwrap();

    let project = Project::open(&dir, None, None, Templates::builtin()).unwrap();
    let plan = project.plan(Options::default()).unwrap();
    assert!(!plan.blocked);

    let writes: BTreeSet<(String, Action)> = plan
        .steps
        .iter()
        .filter(|s| s.action.writes())
        .map(|s| (s.path.to_string(), s.action))
        .collect();
    let mut expected: BTreeSet<(String, Action)> = ["list", "create", "read", "update", "delete"]
        .iter()
        .map(|op| {
            (
                format!("netlify/functions/api-methods/res200-{op}.js"),
                Action::Create,
            )
        })
        .collect();
    expected.insert(("netlify/functions/api.js".into(), Action::Update));
    // Its routes' module (the route table gains one line for it), which .gitattributes marks as
    // generated.
    expected.insert((
        "netlify/functions/_shared/routes/res200.js".into(),
        Action::Create,
    ));
    expected.insert((".gitattributes".into(), Action::Merge));
    expected.insert(("openapi.yaml".into(), Action::Update));
    expected.insert(("README.md".into(), Action::Merge));
    // The client gains the resource's functions; the store its storage entry; the smoke tests a
    // 401 check of its list and create.
    expected.insert(("client/api.js".into(), Action::Update));
    expected.insert(("netlify/functions/_shared/store.js".into(), Action::Merge));
    expected.insert(("test/smoke.test.js".into(), Action::Merge));
    assert_eq!(writes, expected);
    let others = plan.steps.iter().filter(|s| !s.action.writes()).count();
    assert!(plan
        .steps
        .iter()
        .filter(|s| !s.action.writes())
        .all(|s| s.action == Action::Unchanged));
    assert!(others > 1000, "{others} files untouched");

    // The disk operations: exactly those files, their bases, and the lock.
    let op_paths: BTreeSet<String> = plan
        .ops
        .iter()
        .map(|op| match op {
            FileOp::Write(p, _) => p.to_string(),
            FileOp::Delete(p) => panic!("nothing is deleted, got {p}"),
        })
        .collect();
    let mut want: BTreeSet<String> = BTreeSet::from([".scaffold/lock.yaml".to_string()]);
    for (path, _) in &expected {
        want.insert(path.clone());
        want.insert(format!(".scaffold/base/{path}"));
    }
    assert_eq!(op_paths, want);

    // Owned files: only added lines.
    for step in plan.steps.iter().filter(|s| s.action == Action::Update) {
        let old = String::from_utf8(step.before.as_deref().unwrap().to_vec()).unwrap();
        let new = String::from_utf8(step.after.as_deref().unwrap().to_vec()).unwrap();
        let diff = TextDiff::from_lines(&old, &new);
        let removed: Vec<String> = diff
            .iter_all_changes()
            .filter(|c| c.tag() == ChangeTag::Delete)
            .map(|c| c.to_string())
            .collect();
        let added = diff
            .iter_all_changes()
            .filter(|c| c.tag() == ChangeTag::Insert)
            .count();
        assert!(
            removed.is_empty(),
            "{}: lines removed or changed: {removed:?}",
            step.path
        );
        assert!(added > 0, "{}: nothing added", step.path);
    }

    // And the run itself agrees, then the next one is a no-op.
    let out = stdout(scaffold().arg("generate").arg("--dir").arg(&dir));
    assert!(
        out.ends_with("created 6, updated 3, merged 4, unchanged 1210\n"),
        "{out}"
    );
    let again = stdout(scaffold().arg("generate").arg("--dir").arg(&dir));
    assert!(
        !again.contains("created") && !again.contains("updated") && !again.contains("merged"),
        "{again}"
    );
}
