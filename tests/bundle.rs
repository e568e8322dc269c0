//! Handler files load on their operation's first request, on every target, and what each platform
//! deploys still holds every one of them (`tests/node/lazy.test.js` through the target's driver):
//!
//! - as generated, on every target: one handler file throws as soon as it is evaluated, yet the
//!   entry loads, every other operation reaches its own handler and only the poisoned one is a 500;
//! - the same after the platform's own build (`tests/e2e/platform-bundle.sh`): `netlify build
//!   --offline` (Netlify's esbuild bundle, netlify and netlify-modern), `wrangler deploy --dry-run`
//!   (cloudflare-workers) and @vercel/nft's trace (vercel), each run from a folder that holds only
//!   what the platform ships. aws-lambda and azure-functions ship the project folder as it is;
//! - in TypeScript, on the targets whose project builds itself (a `build` script: aws-lambda,
//!   azure-functions): the bundle the project's own `npm run build` (pinned esbuild) writes, with
//!   the `.ts` handler files removed after the build, so the bundle must hold every one.
//!
//! Needs node, npm, unzip and, on a cold cache, the npm registry (Node 22, netlify-cli, wrangler and
//! @vercel/nft install pinned into `~/.cache/scaffold-e2e/`); without them it fails, it does not
//! skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    assert_node_counts, handler_dir, link_node_deps, manifest_dir, new_project, npm_run_build,
    output_text, require_node, require_npm,
};

/// The spec: one resource (five CRUD operations) and two routes, public, no storage.
const SPEC: &str = "tests/bundle/lazy.yaml";
/// The operation whose handler file throws when evaluated.
const POISONED: &str = "moviesRead";
/// Every target whose platform builds what it deploys (`platform-bundle.sh`), and whether that is
/// one bundle (else the traced files, handler files among them); the others deploy the project
/// folder as it is.
const BUILT: &[(&str, bool)] = &[
    ("netlify", true),
    ("netlify-modern", true),
    ("cloudflare-workers", true),
    ("vercel", false),
];

/// The spec's operations as `tests/node/lazy.test.js` wants them, from the model.
fn operations() -> String {
    let root = manifest_dir();
    let text = std::fs::read(root.join(SPEC)).expect("read the spec");
    let model = scaffold::api_model(SPEC, &text, &scaffold::Templates::builtin())
        .expect("the spec is valid");
    let ops: Vec<serde_json::Value> = model
        .operations
        .iter()
        .map(|op| {
            serde_json::json!({
                "name": op.name.camel,
                "method": op.method.as_str(),
                "path": op.full_path,
                // A valid body where the operation takes one (the spec's one required field).
                "body": op.takes_body.then(|| serde_json::json!({ "title": "bundled" })),
            })
        })
        .collect();
    assert_eq!(ops.len(), 7, "five CRUD operations and two routes");
    serde_json::Value::from(ops).to_string()
}

/// The project for TARGET with the poisoned handler, and the pinned node_modules linked.
fn poisoned_project(target: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, project) = new_project("proj", target, Some(SPEC));
    poison(&project.join(handler_dir(target)).join("movies-read.js"));
    link_node_deps(&project);
    (tmp, project)
}

/// Makes `file` (POISONED's handler) throw when it is evaluated: a loader that evaluates it before
/// its operation's first request fails the run.
fn poison(file: &Path) {
    let source = std::fs::read_to_string(file).expect("the read handler");
    assert!(
        source.contains(POISONED),
        "{} is {POISONED}'s file",
        file.display()
    );
    std::fs::write(
        file,
        format!("throw new Error('poisoned handler file evaluated');\n{source}"),
    )
    .expect("poison the handler");
}

fn lazy_test(dir: &Path, target: &str, what: &str) {
    lazy_test_with(dir, target, what, &[]);
}

fn lazy_test_with(dir: &Path, target: &str, what: &str, env: &[(&str, &str)]) {
    let out = common::node_command()
        .arg("--test")
        .arg(manifest_dir().join("tests/node/lazy.test.js"))
        .envs(env.iter().copied())
        .env("PROJECT_DIR", dir)
        .env("TARGET", target)
        .env("OPS_JSON", operations())
        .env("POISONED", POISONED)
        .output()
        .expect("run node --test tests/node/lazy.test.js");
    assert_node_counts(&out, 1, &format!("lazy.test.js on {target}, {what}"));
}

#[test]
fn handlers_load_on_first_use_on_every_target() {
    require_node();
    require_npm();
    let targets = scaffold::Templates::builtin().targets().expect("targets");
    assert!(targets.len() >= 6);
    for target in targets.keys() {
        let (_tmp, project) = poisoned_project(target);
        lazy_test(&project, target, "as generated");
    }
}

#[test]
fn platform_builds_ship_every_handler_and_load_it_on_first_use() {
    require_node();
    require_npm();
    let targets = scaffold::Templates::builtin().targets().expect("targets");
    for target in targets.keys() {
        let (tmp, project) = poisoned_project(target);
        let shipped = tmp.path().join("shipped");
        let out = Command::new("bash")
            .arg(manifest_dir().join("tests/e2e/platform-bundle.sh"))
            .arg(target)
            .arg(&project)
            .arg(&shipped)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run tests/e2e/platform-bundle.sh");
        let Some(&(_, bundled)) = BUILT.iter().find(|(t, _)| t == target) else {
            assert_eq!(
                out.status.code(),
                Some(3),
                "{target} is not in BUILT: platform-bundle.sh should say it ships its folder as it \
                 is:\n{}",
                output_text(&out)
            );
            continue;
        };
        assert!(
            out.status.success(),
            "platform-bundle.sh {target} failed ({}):\n{}",
            out.status,
            output_text(&out)
        );
        // A bundle must hold the handlers itself: their files are not beside it.
        assert_eq!(
            shipped.join(handler_dir(target)).exists(),
            !bundled,
            "{target}: the handler folder in what the platform ships"
        );
        lazy_test(&shipped, target, "as the platform ships it");
    }
}

#[test]
fn typescript_builds_bundle_every_handler_and_load_it_on_first_use() {
    require_node();
    require_npm();
    let targets = scaffold::Templates::builtin().targets().expect("targets");
    let building: Vec<&String> = targets
        .iter()
        .filter(|(_, d)| {
            d.typescript
                .as_ref()
                .and_then(|t| t.package.as_ref())
                .is_some_and(|p| p.scripts.iter().any(|(name, _)| name == "build"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(building.len() >= 2, "{building:?}");
    let spec_dir = tempfile::tempdir().unwrap();
    let spec = spec_dir.path().join("lazy-ts.yaml");
    let text = std::fs::read_to_string(manifest_dir().join(SPEC)).expect("read the spec");
    std::fs::write(
        &spec,
        format!("{}\nlanguage: typescript\n", text.trim_end()),
    )
    .unwrap();
    for target in building {
        let (_tmp, project) = new_project("proj", target, Some(spec.to_str().unwrap()));
        let handlers = project.join(handler_dir(target));
        poison(&handlers.join("movies-read.ts"));
        link_node_deps(&project);
        let package: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(project.join("package.json")).expect("package.json"),
        )
        .expect("package.json is JSON");
        let build = package["scripts"]["build"]
            .as_str()
            .expect("a build script");
        let outfile = build
            .split_whitespace()
            .find_map(|a| a.strip_prefix("--outfile="))
            .unwrap_or_else(|| panic!("{target}: no --outfile in {build:?}"));
        npm_run_build(&project, outfile);
        // The bundle alone: the handler sources are gone.
        std::fs::remove_dir_all(&handlers).expect("remove the handler folder");
        lazy_test_with(
            &project,
            target,
            "as its npm run build bundles it",
            &[("ENTRY_FILE", outfile)],
        );
    }
}
