//! End to end for the `aws-lambda` target, four ways:
//!
//! 1. The generated project's own `npm start` server (local/server.js: HTTP in, API Gateway HTTP API
//!    payload 2.0 events to the handler) on 127.0.0.1, driven by the shared
//!    `tests/e2e/api-http.test.js` (specs/jwt-cors.yaml, tokens from a local JWKS).
//! 2. An independent check of the event shape: the handler run by `lambda-local@2.2.0` (one-shot
//!    CLI runs) on payload 2.0 event files written after AWS's documented example
//!    (`tests/e2e/lambda-events/`), asserted by `tests/e2e/lambda-local.test.js`: the JavaScript
//!    project's src/api.js, and the TypeScript project's bundle (dist/api.mjs, from its own
//!    `npm run build`).
//! 3. The generated AWS SAM `template.yaml` (jwt-cors and lambda-gateway specs) through `cfn-lint`
//!    (pinned, in a venv): no errors; a broken copy must give one (the linter really checks SAM).
//!    Both declare the dynamodb store's table, and grant the function the store's four item calls
//!    on that table only. The TypeScript project's template too, whose function is the bundle its
//!    `npm run build` writes (dist/api.mjs).
//! 4. A TypeScript project (`language: typescript`): its own `npm run build` (pinned esbuild)
//!    bundles src/api.ts into dist/api.mjs, and `npm start` serves that under the shared HTTP test.
//!
//! Tools install on first use into `~/.cache/scaffold-e2e/` (tests/node/install-node-deps.sh,
//! tests/e2e/install-lambda-local.sh, tests/e2e/install-cfn-lint.sh). Needs node and npm, python3
//! with venv, curl, setsid, ss and flock, and the npm registry and PyPI on a cold cache; without them
//! these tests fail, they do not skip.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::{
    assert_node_counts, generated_project, install_pinned_tool, link_node_deps, manifest_dir,
    npm_run_build, npm_start_passes_api_http, npm_start_passes_api_http_typescript, output_text,
    require_node, require_npm, require_python_venv, start_jwks, target_project, ts_target_project,
};

const TARGET: &str = "aws-lambda";
/// Top-level tests in `tests/e2e/lambda-local.test.js` (none is generated from data).
const LAMBDA_LOCAL_TESTS: u32 = 5;

#[test]
fn local_server_passes_the_shared_http_test() {
    npm_start_passes_api_http(TARGET);
}

/// The same in TypeScript (`language: typescript`): the project's `npm run build` bundles
/// src/api.ts with the pinned esbuild into dist/api.mjs, which `npm start`'s local server runs.
#[test]
fn typescript_project_built_and_served_by_npm_start() {
    npm_start_passes_api_http_typescript(TARGET, "dist/api.mjs");
}

#[test]
fn handler_under_lambda_local_with_documented_event_shapes() {
    lambda_local_runs(Language::JavaScript);
}

/// The same events through the TypeScript project's handler as Lambda runs it: the bundle its own
/// `npm run build` writes (dist/api.mjs, what template.yaml's CodeUri and Handler name).
#[test]
fn typescript_bundle_under_lambda_local_with_documented_event_shapes() {
    lambda_local_runs(Language::TypeScript);
}

#[derive(Clone, Copy, PartialEq)]
enum Language {
    JavaScript,
    TypeScript,
}

/// `tests/e2e/lambda-local.test.js` against the jwt-cors project in `language`, its notes-read
/// handler replaced by one that echoes what it got.
fn lambda_local_runs(language: Language) {
    require_node();
    require_npm();
    let cli = install_pinned_tool("tests/e2e/install-lambda-local.sh");
    let root = manifest_dir();
    let (spec, overlay) = ("specs/jwt-cors.yaml", "tests/node/overlay-esm");
    let (_tmp, project) = match language {
        Language::JavaScript => target_project(spec, TARGET, overlay),
        Language::TypeScript => ts_target_project(spec, TARGET, overlay),
    };
    // notes-read echoes what it got from the event and sets two cookies.
    let ext = if language == Language::TypeScript {
        "ts"
    } else {
        "js"
    };
    let echo = project.join(format!("src/methods/notes-read.{ext}"));
    assert!(echo.is_file(), "no generated {}", echo.display());
    std::fs::copy(
        root.join("tests/e2e/lambda-events/overlay/notes-read.js"),
        &echo,
    )
    .expect("copy the notes-read overlay");
    link_node_deps(&project);
    let entry = match language {
        Language::JavaScript => "src/api.js",
        Language::TypeScript => {
            npm_run_build(&project, "dist/api.mjs");
            "dist/api.mjs"
        }
    };
    let jwks = start_jwks();

    let started = Instant::now();
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(root.join("tests/e2e/lambda-local.test.js"))
        .current_dir(&root)
        .env("LAMBDA_LOCAL_CLI", &cli)
        .env("PROJECT_DIR", &project)
        .env("LAMBDA_ENTRY", entry)
        .env("JWT_STATE", &jwks.state)
        .envs(jwks.env())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run node --test tests/e2e/lambda-local.test.js");
    eprintln!(
        "lambda-local.test.js ({entry}): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_node_counts(&out, LAMBDA_LOCAL_TESTS, "lambda-local.test.js");
}

/// One cfn-lint finding (`--format parseable`: `file:line:col:end_line:end_col:RULE:message`).
#[derive(Debug)]
struct Finding {
    file: String,
    rule: String,
    line: String,
}

/// Runs cfn-lint once on all `templates` (it loads its schemas once: seconds per run).
fn cfn_lint(cfn_lint: &Path, templates: &[&Path]) -> Vec<Finding> {
    let out = Command::new("bash")
        .arg(cfn_lint)
        .args(["--format", "parseable", "--"])
        .args(templates)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cfn-lint");
    let text = output_text(&out);
    // Exit status: a bit field (2 errors, 4 warnings, 8 informational); 1 is a failure to run.
    let code = out.status.code().unwrap_or(-1);
    assert!(
        (0..16).contains(&code) && code & 1 == 0,
        "cfn-lint did not run ({}):\n{text}",
        out.status
    );
    let findings: Vec<Finding> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            // The message (last) may hold colons; the temp paths hold none.
            let fields: Vec<&str> = line.splitn(7, ':').collect();
            assert_eq!(
                fields.len(),
                7,
                "not a parseable cfn-lint line: {line}\n{text}"
            );
            Finding {
                file: fields[0].to_string(),
                rule: fields[5].to_string(),
                line: line.to_string(),
            }
        })
        .collect();
    assert_eq!(
        code & 2 != 0,
        findings.iter().any(|f| f.rule.starts_with('E')),
        "cfn-lint's exit status and its error lines disagree:\n{text}"
    );
    findings
}

/// `!Tag value` in a parsed template: (tag, value as text).
fn tagged(value: &serde_yaml::Value) -> Option<(String, String)> {
    match value {
        serde_yaml::Value::Tagged(t) => Some((
            t.tag.to_string(),
            t.value.as_str().unwrap_or_default().to_string(),
        )),
        _ => None,
    }
}

/// The dynamodb store's table (the example specs leave `storage` to the target: dynamodb): one table, on
/// demand, keys `pk` (HASH) and `sk` (RANGE) as the store reads them, its name handed to the
/// function as DYNAMODB_TABLE, and the function's only permissions the four item calls the store
/// makes, on that table alone.
fn assert_items_table(spec: &str, doc: &serde_yaml::Value) {
    let tables: Vec<&str> = doc["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::DynamoDB::Table")
        .filter_map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(tables, ["ItemsTable"], "{spec}: the DynamoDB tables");
    let table = &doc["Resources"]["ItemsTable"];
    assert_eq!(
        table["Properties"]["BillingMode"], "PAY_PER_REQUEST",
        "{spec}"
    );
    let keys: Vec<(String, String)> = table["Properties"]["KeySchema"]
        .as_sequence()
        .expect("KeySchema")
        .iter()
        .map(|k| {
            (
                k["AttributeName"].as_str().unwrap_or_default().to_string(),
                k["KeyType"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [("pk".into(), "HASH".into()), ("sk".into(), "RANGE".into())],
        "{spec}: the table's keys"
    );
    let function = &doc["Resources"]["ApiFunction"]["Properties"];
    assert_eq!(
        tagged(&function["Environment"]["Variables"]["DYNAMODB_TABLE"]),
        Some(("!Ref".into(), "ItemsTable".into())),
        "{spec}: DYNAMODB_TABLE"
    );
    let policies = function["Policies"].as_sequence().expect("Policies");
    let statements: Vec<&serde_yaml::Value> = policies
        .iter()
        .flat_map(|p| {
            p["Statement"]
                .as_sequence()
                .expect("a policy document")
                .iter()
        })
        .collect();
    assert!(!statements.is_empty(), "{spec}: no policy statement");
    for statement in statements {
        assert_eq!(statement["Effect"], "Allow", "{spec}");
        assert_eq!(
            tagged(&statement["Resource"]),
            Some(("!GetAtt".into(), "ItemsTable.Arn".into())),
            "{spec}: a statement on another resource than the table: {statement:?}"
        );
        for action in statement["Action"].as_sequence().expect("Action list") {
            let action = action.as_str().unwrap_or_default();
            assert!(
                [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query"
                ]
                .contains(&action),
                "{spec}: the function may {action}"
            );
        }
    }
}

/// A spec whose resources keep their items in PostgreSQL (and memory), not DynamoDB.
const POSTGRES_SPEC: &str = "tests/lint/storages-node.yaml";

/// The postgres store's connection string: a `NoEcho` parameter (a deploy never shows or writes
/// it) that becomes the function's `DATABASE_URL`; no DynamoDB table.
fn assert_database_url(spec: &str, doc: &serde_yaml::Value) {
    let parameter = &doc["Parameters"]["DatabaseUrl"];
    assert_eq!(
        parameter["Type"], "String",
        "{spec}: the DatabaseUrl parameter"
    );
    assert_eq!(parameter["NoEcho"], true, "{spec}: DatabaseUrl is NoEcho");
    let env = &doc["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(
        tagged(&env["DATABASE_URL"]),
        Some(("!Ref".into(), "DatabaseUrl".into())),
        "{spec}: DATABASE_URL"
    );
    assert!(
        doc["Resources"]["ItemsTable"].is_null(),
        "{spec}: a DynamoDB table without the dynamodb storage"
    );
}

#[test]
fn sam_templates_pass_cfn_lint() {
    require_python_venv();
    let linter = install_pinned_tool("tests/e2e/install-cfn-lint.sh");
    // The last keeps its items in PostgreSQL: its connection string is a secret parameter.
    let specs = [
        "specs/jwt-cors.yaml",
        "specs/lambda-gateway.yaml",
        POSTGRES_SPEC,
    ];
    let projects: Vec<_> = specs
        .iter()
        .map(|spec| generated_project(spec, TARGET))
        .collect();
    let mut templates = Vec::new();
    for (spec, (_tmp, project)) in specs.iter().zip(&projects) {
        let template = project.join("template.yaml");
        let text = std::fs::read_to_string(&template).expect("read the generated template.yaml");
        // The function's Handler names a file and export the project has.
        let doc: serde_yaml::Value = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{spec}: template.yaml is not YAML ({e}):\n{text}"));
        let handler = doc["Resources"]["ApiFunction"]["Properties"]["Handler"]
            .as_str()
            .unwrap_or_else(|| panic!("{spec}: no Resources.ApiFunction.Properties.Handler"));
        let (module, export) = handler
            .rsplit_once('.')
            .unwrap_or_else(|| panic!("{spec}: Handler {handler:?} is not FILE.EXPORT"));
        let source = std::fs::read_to_string(project.join(format!("{module}.js")))
            .unwrap_or_else(|e| panic!("{spec}: Handler {handler:?} names no file: {e}"));
        assert!(
            source.contains(&format!("export const {export} = ")),
            "{spec}: {module}.js does not export {export}"
        );
        if *spec == POSTGRES_SPEC {
            assert_database_url(spec, &doc);
        } else {
            assert_items_table(spec, &doc);
        }
        templates.push(template);
    }
    let mut labels: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
    // The TypeScript project's template runs the bundle `npm run build` writes: CodeUri is the
    // folder of the build's `--outfile`, Handler its file and the export src/api.ts defines.
    let (_ts_tmp, ts_project) =
        ts_target_project("specs/jwt-cors.yaml", TARGET, "tests/node/overlay-esm");
    let template = ts_project.join("template.yaml");
    let text = std::fs::read_to_string(&template).expect("read the TypeScript template.yaml");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("template.yaml is YAML");
    let props = &doc["Resources"]["ApiFunction"]["Properties"];
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ts_project.join("package.json")).expect("read package.json"),
    )
    .expect("package.json is JSON");
    let build = package["scripts"]["build"]
        .as_str()
        .expect("a build script");
    let outfile = build
        .split_whitespace()
        .find_map(|a| a.strip_prefix("--outfile="))
        .unwrap_or_else(|| panic!("no --outfile in {build:?}"));
    let (dir, file) = outfile.rsplit_once('/').expect("--outfile in a folder");
    assert_eq!(props["CodeUri"].as_str(), Some(format!("{dir}/").as_str()));
    let (module, export) = props["Handler"]
        .as_str()
        .and_then(|h| h.rsplit_once('.'))
        .expect("Handler FILE.EXPORT");
    assert_eq!(file, format!("{module}.mjs"), "{build}");
    assert!(build.starts_with("esbuild src/api.ts "), "{build}");
    let source = std::fs::read_to_string(ts_project.join("src/api.ts")).expect("read src/api.ts");
    assert!(source.contains(&format!("export const {export} = ")));
    assert_items_table("specs/jwt-cors.yaml (TypeScript)", &doc);
    templates.push(template);
    labels.push("specs/jwt-cors.yaml (TypeScript)".to_string());

    // Negative control, in the same run: the SAM resources are really validated (not skipped as an
    // unknown transform): an unknown property of the function is an error.
    let control_dir = tempfile::tempdir().expect("temp dir");
    let control = control_dir.path().join("broken-template.yaml");
    let text = std::fs::read_to_string(&templates[0]).expect("read template.yaml");
    let broken = text.replacen(
        "      Handler: src/api.handler\n",
        "      Handler: src/api.handler\n      NotAProperty: 1\n",
        1,
    );
    assert_ne!(broken, text, "the negative control found no Handler line");
    std::fs::write(&control, broken).expect("write the broken template");

    let started = Instant::now();
    let mut all: Vec<&Path> = templates.iter().map(|t| t.as_path()).collect();
    all.push(&control);
    let findings = cfn_lint(&linter, &all);
    eprintln!(
        "cfn-lint on {} templates: {:.1} s",
        all.len(),
        started.elapsed().as_secs_f64()
    );
    for finding in &findings {
        eprintln!("  {}", finding.line);
    }
    let control_name = control.to_string_lossy();
    assert!(
        findings.iter().any(|f| f.file == control_name
            && f.rule == "E3002"
            && f.line.contains("NotAProperty")),
        "cfn-lint did not flag an unknown property of AWS::Serverless::Function: {findings:?}"
    );
    for (spec, template) in labels.iter().zip(&templates) {
        let name = template.to_string_lossy();
        let errors: Vec<&str> = findings
            .iter()
            .filter(|f| f.file == name && f.rule.starts_with('E'))
            .map(|f| f.line.as_str())
            .collect();
        assert!(
            errors.is_empty(),
            "cfn-lint errors in the template generated from {spec}:\n{}\n--- template.yaml ---\n{}",
            errors.join("\n"),
            std::fs::read_to_string(template).unwrap_or_default()
        );
    }
}
