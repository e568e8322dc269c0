//! In-process stages at 10, 100 and 1,000 operations (`cargo bench`): parse + validate, render,
//! plan of an unchanged project (the full plan and the lock shortcut), and one 3-way merge.
//! Whole-process timings against the file-system floor and Architect are in `bench/run.sh`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use scaffold::testing::Class;
use scaffold::testing::Lock;
use scaffold::testing::{self as plan, FileOp, Generated, Options};
use scaffold::{generate, model, Input, Templates};
use scaffold::{testing::RelPath, Tree};

fn spec(ops: usize) -> Vec<u8> {
    std::fs::read(format!(
        "{}/bench/specs/ops-{ops}.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn input<'a>(bytes: &'a [u8], templates: &'a Templates) -> Input<'a> {
    Input {
        spec_file: "scaffold.yaml",
        spec: bytes,
        target: None,
        templates,
    }
}

/// A project on an in-memory disk, as `scaffold new` leaves it, with its lock.
fn project(tree: &Tree, bytes: &[u8], fingerprint: &str) -> (BTreeMap<RelPath, Vec<u8>>, Lock) {
    let gen = Generated {
        tree,
        target: "netlify",
        spec_file: "scaffold.yaml",
        spec: bytes,
        templates: fingerprint,
    };
    let mut disk = BTreeMap::new();
    for op in plan::plan(&gen, None, &disk, Options::default()).ops {
        if let FileOp::Write(p, b) = op {
            disk.insert(p, b.to_vec());
        }
    }
    let lock = Lock::parse(&disk[&RelPath::new(scaffold::testing::LOCK_FILE).unwrap()]).unwrap();
    (disk, lock)
}

fn stages(c: &mut Criterion) {
    let templates = Templates::builtin();
    let fingerprint = templates.fingerprint();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(20);
    for ops in [10, 100, 1000] {
        let bytes = spec(ops);
        group.bench_with_input(
            BenchmarkId::new("parse+validate", ops),
            &bytes,
            |b, bytes| b.iter(|| model(&input(black_box(bytes), &templates)).unwrap()),
        );
        group.bench_with_input(BenchmarkId::new("render", ops), &bytes, |b, bytes| {
            b.iter(|| generate(&input(black_box(bytes), &templates)).unwrap())
        });
        let tree = generate(&input(&bytes, &templates)).unwrap().tree;
        let (disk, lock) = project(&tree, &bytes, &fingerprint);
        let gen = Generated {
            tree: &tree,
            target: "netlify",
            spec_file: "scaffold.yaml",
            spec: &bytes,
            templates: &fingerprint,
        };
        group.bench_with_input(
            BenchmarkId::new("plan unchanged (full)", ops),
            &ops,
            |b, _| b.iter(|| plan::plan(&gen, Some(&lock), &disk, Options::default())),
        );
        group.bench_with_input(
            BenchmarkId::new("plan unchanged (lock shortcut)", ops),
            &ops,
            |b, _| b.iter(|| plan::unchanged(&lock, &disk).unwrap()),
        );
    }
    group.finish();
}

/// One handler edited by its user while scaffold changes its header: a clean 3-way merge.
fn merge(c: &mut Criterion) {
    let templates = Templates::builtin();
    let bytes = spec(10);
    let tree = generate(&input(&bytes, &templates)).unwrap().tree;
    let path = RelPath::new("netlify/functions/api-methods/res000-list.js").unwrap();
    let mut one = Tree::default();
    one.insert(
        path.clone(),
        Class::Scaffolded,
        tree.files[&path].bytes.to_vec(),
    )
    .unwrap();
    let (mut disk, lock) = project(&one, &bytes, "t");
    let edited = String::from_utf8(disk[&path].clone())
        .unwrap()
        .replace("status: 501,", "status: 200, // mine");
    disk.insert(path.clone(), edited.into_bytes());
    let mut changed = Tree::default();
    let theirs = String::from_utf8(one.files[&path].bytes.to_vec())
        .unwrap()
        .replacen("// GET", "// GET (v2)", 1);
    changed
        .insert(path.clone(), Class::Scaffolded, theirs.into_bytes())
        .unwrap();
    let gen = Generated {
        tree: &changed,
        target: "netlify",
        spec_file: "scaffold.yaml",
        spec: &bytes,
        templates: "t",
    };
    c.bench_function("3-way merge of a handler file", |b| {
        b.iter(|| {
            let plan = plan::plan(&gen, Some(&lock), &disk, Options::default());
            assert_eq!(plan.steps[0].action, plan::Action::Merge);
            plan
        })
    });
}

criterion_group!(benches, stages, merge);
criterion_main!(benches);
