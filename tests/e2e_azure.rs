//! End to end for the `azure-functions` target:
//!
//! 1. The generated project's own `npm start` server (local/server.js, which hands each request to
//!    the handler through @azure/functions' real `HttpRequest` and `InvocationContext`) on
//!    127.0.0.1, driven by the shared `tests/e2e/api-http.test.js` (specs/jwt-cors.yaml, tokens from
//!    a local JWKS).
//! 2. What the entry registers with the Functions host: `tests/e2e/azure-registration.mjs` records
//!    every call of `app` and, standing in for the host's `@azure/functions-core`, the function
//!    metadata the package hands over. Exactly one HTTP function, route `{*path}`, authLevel
//!    `anonymous`, every method the package knows, and the registered handler is the exported one
//!    local/server.js drives; host.json's routePrefix is the spec's base_path without the slash.
//!    For a TypeScript project too: the bundle its own `npm run build` writes, which package.json's
//!    `main` names.
//! 3. A TypeScript project (`language: typescript`): its `npm run build` (pinned esbuild, from
//!    tests/ts/install-ts.sh) bundles src/functions/api.ts into dist/functions/api.js, and
//!    `npm start` serves that under the shared HTTP test.
//!
//! The pinned @azure/functions and jose come from tests/node/install-node-deps.sh (cached in
//! `~/.cache/scaffold-e2e/`). Needs node and npm, curl, setsid, ss and flock, and the npm registry
//! on a cold cache; without them these tests fail, they do not skip.

mod common;

use std::path::Path;
use std::process::Command;

use common::{
    generated_project, link_node_deps, manifest_dir, npm_run_build, npm_start_passes_api_http,
    npm_start_passes_api_http_typescript, output_text, require_node, require_npm,
    ts_target_project,
};
use serde_json::Value;

const TARGET: &str = "azure-functions";

#[test]
fn local_server_passes_the_shared_http_test() {
    npm_start_passes_api_http(TARGET);
}

/// The same in TypeScript (`language: typescript`): the project's `npm run build` bundles
/// src/functions/api.ts with the pinned esbuild into dist/functions/api.js, which `npm start`'s
/// local server runs.
#[test]
fn typescript_project_built_and_served_by_npm_start() {
    npm_start_passes_api_http_typescript(TARGET, "dist/functions/api.js");
}

/// The spec's `base_path` (e.g. `/api`).
fn base_path(spec: &str) -> String {
    let text = std::fs::read_to_string(manifest_dir().join(spec)).expect("read spec");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
    doc["base_path"]
        .as_str()
        .unwrap_or_else(|| panic!("{spec} has no base_path"))
        .to_string()
}

/// Runs tests/e2e/azure-registration.mjs on the project's `entry`; its JSON report.
fn registration(project: &Path, entry: &str) -> Value {
    let root = manifest_dir();
    let out = Command::new("node")
        .arg(root.join("tests/e2e/azure-registration.mjs"))
        .arg(project)
        .arg(entry)
        .current_dir(project)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run tests/e2e/azure-registration.mjs");
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "azure-registration.mjs failed ({}):\n{text}",
        out.status
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("azure-registration.mjs printed no JSON ({e}):\n{text}"))
}

fn strings(value: &Value, what: &str) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("{what} is not a list: {value}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what}: {v} is not a string"))
                .to_string()
        })
        .collect();
    list.sort();
    list
}

#[test]
fn entry_registers_one_anonymous_catch_all_http_function() {
    require_node();
    require_npm();
    for (spec, typescript) in [
        ("specs/jwt-cors.yaml", false),
        ("specs/public-api.yaml", false),
        ("specs/jwt-cors.yaml", true),
    ] {
        let (_tmp, project) = if typescript {
            ts_target_project(spec, TARGET, "tests/node/overlay-esm")
        } else {
            generated_project(spec, TARGET)
        };
        link_node_deps(&project);
        // What the host loads: package.json's `main` (a TypeScript project's bundle, built first
        // by its own `npm run build` with the pinned esbuild).
        let package: Value = serde_json::from_str(
            &std::fs::read_to_string(project.join("package.json")).expect("read package.json"),
        )
        .expect("package.json is JSON");
        let main = package["main"].as_str().expect("package.json main");
        let entry = if typescript {
            assert_eq!(main, "dist/functions/*.js", "{spec} (TypeScript)");
            npm_run_build(&project, "dist/functions/api.js");
            "dist/functions/api.js"
        } else {
            assert_eq!(main, "src/functions/*.js", "{spec}");
            "src/functions/api.js"
        };
        let spec = &format!("{spec}{}", if typescript { " (TypeScript)" } else { "" });
        let report = registration(&project, entry);
        let shown = serde_json::to_string_pretty(&report).expect("JSON");

        // Every method the package's HttpMethod type names (a sanity check of that list too).
        let every_method = strings(&report["httpMethods"], "httpMethods");
        assert_eq!(
            every_method,
            ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"],
            "{spec}: the HttpMethod type of @azure/functions changed:\n{shown}"
        );

        // What the entry called: exactly one app.http('api', { route, methods, authLevel, handler }).
        let calls = report["appCalls"].as_array().expect("appCalls");
        assert_eq!(
            calls.len(),
            1,
            "{spec}: the entry must make exactly one call of `app`:\n{shown}"
        );
        let call = &calls[0];
        assert_eq!(call["api"], "http", "{spec}: not app.http:\n{shown}");
        assert_eq!(call["name"], "api", "{spec}:\n{shown}");
        let options = call["options"].as_object().expect("options");
        let mut keys: Vec<&str> = options.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["authLevel", "handler", "methods", "route"],
            "{spec}: app.http options:\n{shown}"
        );
        assert_eq!(options["route"], "{*path}", "{spec}:\n{shown}");
        assert_eq!(options["authLevel"], "anonymous", "{spec}:\n{shown}");
        assert_eq!(options["handler"], "[function]", "{spec}:\n{shown}");
        assert_eq!(
            strings(&options["methods"], "methods"),
            every_method,
            "{spec}: every method must reach the dispatcher:\n{shown}"
        );

        // What the host gets: one function, an httpTrigger binding in and an http binding out.
        let registered = report["registered"].as_array().expect("registered");
        assert_eq!(
            registered.len(),
            1,
            "{spec}: exactly one function:\n{shown}"
        );
        let function = &registered[0];
        assert_eq!(function["name"], "api", "{spec}:\n{shown}");
        assert_eq!(function["handler"], "function", "{spec}:\n{shown}");
        assert_eq!(
            function["handlerIsEntryExport"], true,
            "{spec}: the registered handler must be the exported `handler` local/server.js runs:\n{shown}"
        );
        let bindings: Vec<&Value> = function["bindings"]
            .as_object()
            .expect("bindings")
            .values()
            .collect();
        assert_eq!(bindings.len(), 2, "{spec}: bindings:\n{shown}");
        let trigger = bindings
            .iter()
            .find(|b| b["direction"] == "in")
            .unwrap_or_else(|| panic!("{spec}: no trigger binding:\n{shown}"));
        assert_eq!(trigger["type"], "httpTrigger", "{spec}:\n{shown}");
        assert_eq!(trigger["route"], "{*path}", "{spec}:\n{shown}");
        assert_eq!(trigger["authLevel"], "anonymous", "{spec}:\n{shown}");
        assert_eq!(
            strings(&trigger["methods"], "trigger methods"),
            every_method,
            "{spec}:\n{shown}"
        );
        let output = &function["bindings"]["$return"];
        assert_eq!(
            output["type"], "http",
            "{spec}: the return binding:\n{shown}"
        );
        assert_eq!(output["direction"], "out", "{spec}:\n{shown}");
        assert_eq!(
            report["unwrapped"].as_array().map(Vec::len),
            Some(0),
            "{spec}: functions of `app` the script could not watch:\n{shown}"
        );
        assert_eq!(
            report["hooks"].as_array().map(Vec::len),
            Some(0),
            "{spec}: no hooks expected:\n{shown}"
        );

        // host.json: the route prefix is the spec's base path without its slash.
        let host: Value = serde_json::from_str(
            &std::fs::read_to_string(project.join("host.json")).expect("read host.json"),
        )
        .expect("host.json is JSON");
        let base = base_path(spec.trim_end_matches(" (TypeScript)"));
        assert_eq!(
            host["extensions"]["http"]["routePrefix"].as_str(),
            Some(base.trim_start_matches('/')),
            "{spec}: host.json routePrefix vs base_path {base}"
        );
        assert_eq!(host["version"], "2.0", "{spec}: host.json version");
    }
}
