//! Runs the Node tests of the generated Netlify dispatcher.
//!
//! 1. `specs/bookclub.yaml` (Netlify Identity, no CORS): generates a project with the crate's
//!    binary, copies `tests/node/overlay/` over it (handlers that echo, throw, add headers, return
//!    nothing), checks the syntax of every `.js` file with `node --check`, then runs
//!    `node --test tests/node/netlify-dispatcher.test.js` with `PROJECT_DIR` set.
//! 2. `specs/jwt-cors.yaml` (JWT with jose + JWKS, CORS, a small body limit): installs the pinned
//!    `jose` (`tests/node/install-node-deps.sh`, into the per-user cache), generates the project, copies
//!    `tests/node/overlay-jwt/` over it, links `<project>/node_modules` to the jose install, checks
//!    the syntax, then runs `node --test tests/node/netlify-jwt-cors.test.js`.
//!
//! 3. `tests/fixtures/specs/dispatcher-names.yaml`: operation names equal to the dispatcher's own
//!    names and the globals it uses load and route (`node -e`).
//! 4. Routes of overlapping shapes (`ROUTING`): every path of up to four segments, with every
//!    method, routes as a reference matcher says (`tests/node/routing.test.js`), and handler files
//!    load on first use only.
//!
//! 5. `specs/gig-guide.yaml` (memory storage, no users): the field rules beyond types (enum,
//!    formats, pattern, nested objects, arrays of objects, default, nullable, readonly, ref)
//!    through the generated dispatcher and CRUD handlers (`tests/node/field-types.test.js`).
//!
//!    And the list query (`tests/node/list-query.test.js`): sort ascending and descending over
//!    pages, missing values last, filters on an enum, a boolean, a `ref` and an integer, and the
//!    400s (bad sort, bad filter value, unknown parameter, a cursor tampered with).
//!
//! 6. Patterns (`pattern` on a string field): the generator (Rust, which checks defaults) and the
//!    dispatcher (Node, `u` flag) read every accepted pattern alike: a fixed corpus of texts with
//!    odd characters, and random patterns from a seeded walk, each of which must also compile.
//!
//! Needs `node` (>= 20) on PATH, and `npm` for the second: without them the tests FAIL, they do
//! not skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    js_files, manifest_dir, output_text, project_with_overlay, project_with_overlay_dir,
    require_node, require_npm,
};

/// The jose version templates/_shared/package.yaml pins: `tests/node/install-node-deps.sh` must
/// install it, the generated package.json must name it.
fn jose_version() -> String {
    let path = manifest_dir().join("templates/_shared/package.yaml");
    let data: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).expect("package.yaml")).unwrap();
    data["versions"]["jose"]
        .as_str()
        .expect("package.yaml pins jose")
        .to_string()
}

/// `node --check` on every JavaScript file of the project (node_modules excluded).
fn assert_syntax(project: &Path) {
    let files = js_files(project);
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("netlify/functions/api.js")),
        "no api.js among {files:?}"
    );
    let mut syntax_errors = Vec::new();
    for file in &files {
        let out = Command::new("node")
            .arg("--check")
            .arg(file)
            .output()
            .expect("run node --check");
        if !out.status.success() {
            syntax_errors.push(format!(
                "{}:\n{}",
                file.strip_prefix(project).unwrap_or(file).display(),
                output_text(&out)
            ));
        }
    }
    assert!(
        syntax_errors.is_empty(),
        "`node --check` failed for {} file(s):\n{}",
        syntax_errors.len(),
        syntax_errors.join("\n")
    );
}

/// Runs `node --test` on `test_file` (relative to the repository) against `project`; fails unless
/// it ran exactly the tests the file plans (`plan: N tests`, counted from its tables), all passing.
fn run_node_suite(test_file: &str, project: &Path, node_version: &str) {
    let root = manifest_dir();
    let test_file = root.join(test_file);
    let out = common::node_command()
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg(&test_file)
        .current_dir(&root)
        .env("PROJECT_DIR", project)
        .output()
        .expect("run node --test");
    common::assert_node_plan(
        &out,
        &format!("node --test {} (node {node_version})", test_file.display()),
    );
}

/// Installs the pinned jose with `tests/node/install-node-deps.sh`; returns the node_modules directory.
fn install_jose() -> PathBuf {
    let dir = common::node_deps();
    let manifest = dir.join("jose/package.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "install-node-deps.sh printed {dir:?}, but {}: {e}",
            manifest.display()
        )
    });
    let json: serde_json::Value = serde_json::from_str(&text).expect("jose's package.json");
    assert_eq!(
        json["version"].as_str(),
        Some(jose_version().as_str()),
        "install-node-deps.sh installed another jose"
    );
    dir
}

#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("symlink {} -> {}: {e}", link.display(), target.display()));
}

#[cfg(not(unix))]
fn link_dir(target: &Path, link: &Path) {
    panic!(
        "linking {} -> {} needs a Unix symlink; this test runs on Unix only",
        link.display(),
        target.display()
    );
}

#[test]
fn generated_netlify_dispatcher_passes_node_tests() {
    let node_version = require_node();
    let (_tmp, project) = project_with_overlay("specs/bookclub.yaml");
    assert_syntax(&project);
    run_node_suite(
        "tests/node/netlify-dispatcher.test.js",
        &project,
        &node_version,
    );
}

#[test]
fn generated_jwt_cors_dispatcher_passes_node_tests() {
    let node_version = require_node();
    require_npm();
    let jose = install_jose();
    let (_tmp, project) = project_with_overlay_dir("specs/jwt-cors.yaml", "tests/node/overlay-jwt");

    // The project declares the jose the test installs (else the test would run another version).
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("package.json")).expect("generated package.json"),
    )
    .expect("generated package.json is JSON");
    assert_eq!(
        package["dependencies"]["jose"].as_str(),
        Some(jose_version().as_str()),
        "the generated package.json pins another jose than templates/_shared/package.yaml"
    );

    link_dir(&jose, &project.join("node_modules"));
    assert_syntax(&project);
    run_node_suite(
        "tests/node/netlify-jwt-cors.test.js",
        &project,
        &node_version,
    );
}

/// `scaffold new` with `specs/gig-guide.yaml` (the default target, netlify): the field rules and
/// list queries of the two tests below.
fn gig_guide_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("proj");
    common::stdout(
        common::scaffold()
            .arg("new")
            .arg(&project)
            .arg("--spec")
            .arg(manifest_dir().join("specs/gig-guide.yaml")),
    );
    (tmp, project)
}

/// Every field rule beyond types, refused at its path or filled in, through the generated code.
#[test]
fn field_rules_hold_in_the_generated_dispatcher() {
    let node_version = require_node();
    let (_tmp, project) = gig_guide_project();
    assert_syntax(&project);
    run_node_suite("tests/node/field-types.test.js", &project, &node_version);
}

/// Lists sorted and filtered (`?sort=`, `filter: true` fields, `ref` fields) over pages by cursor,
/// and every 400 of the list query, through the generated dispatcher and list handlers.
#[test]
fn lists_sort_and_filter_in_the_generated_handlers() {
    let node_version = require_node();
    let (_tmp, project) = gig_guide_project();
    run_node_suite("tests/node/list-query.test.js", &project, &node_version);
}

/// Operation names that equal the dispatcher's own names or globals it uses cannot clash: the
/// handlers live in one object. The generated dispatcher loads and routes them.
#[test]
fn operation_names_cannot_clash_with_the_dispatcher() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("proj");
    let spec = common::manifest_dir().join("tests/fixtures/specs/dispatcher-names.yaml");
    common::stdout(
        common::scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--spec")
            .arg(&spec),
    );
    let script = "const { handler } = require('./netlify/functions/api.js');\
        handler({ httpMethod: 'GET', path: '/api/j', headers: {} }, {}).then((r) => {\
          const b = JSON.parse(r.body);\
          if (r.statusCode !== 501 || b.operation !== 'globalThis') { console.error(r); process.exit(1); }\
        });";
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .current_dir(&dir)
        .output()
        .expect("node on PATH");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Routes whose shapes overlap at every depth: fixed segments beside parameters, a fixed path
/// whose only method differs from its parameter sibling's, a parameter at the root. The first
/// has no parameter (the lazy-loading test breaks its file). (name, file stem, method, path).
const ROUTING: &[(&str, &str, &str, &str)] = &[
    ("xList", "x-list", "GET", "/x"),
    ("xRead", "x-read", "GET", "/x/{id}"),
    ("xUpdate", "x-update", "PUT", "/x/{id}"),
    ("xFixed", "x-fixed", "GET", "/x/fixed"),
    ("xFixedA", "x-fixed-a", "POST", "/x/fixed/a"),
    ("xIdA", "x-id-a", "GET", "/x/{id}/a"),
    ("xIdB", "x-id-b", "GET", "/x/{id}/b"),
    ("xIdSub", "x-id-sub", "GET", "/x/{id}/{sub}"),
    ("rootFixed", "root-fixed", "GET", "/{p}/fixed"),
    ("yDelete", "y-delete", "DELETE", "/y/{a}/b/{c}"),
    ("yZ", "y-z", "GET", "/y/z/b/{c}"),
    ("yPut", "y-put", "PUT", "/y/{a}/{b}/c"),
    ("yPatch", "y-patch", "PATCH", "/y/{a}/{b}/c"),
    ("yPutFixed", "y-put-fixed", "PUT", "/y/{a}/{b}/fixed"),
];

/// The dispatcher's route matching against a reference in `tests/node/routing.test.js` on every
/// path of up to four segments, and its handlers loaded on first use only.
#[test]
fn routes_match_as_the_reference_and_handlers_load_on_first_use() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let mut spec = String::from("name: routing\nauth: { provider: none }\nroutes:\n");
    let mut json = Vec::new();
    for (name, stem, method, path) in ROUTING {
        spec.push_str(&format!(
            "  {name}: {{ method: {method}, path: \"{path}\" }}\n"
        ));
        json.push(
            serde_json::json!({ "name": name, "stem": stem, "method": method, "path": path }),
        );
    }
    let spec_file = tmp.path().join("routing.yaml");
    std::fs::write(&spec_file, spec).unwrap();
    let dir = tmp.path().join("proj");
    common::stdout(
        common::scaffold()
            .arg("new")
            .arg(&dir)
            .arg("--spec")
            .arg(&spec_file),
    );
    let out = common::node_command()
        .arg("--test")
        .arg(manifest_dir().join("tests/node/routing.test.js"))
        .env("PROJECT_DIR", &dir)
        .env("ROUTES_JSON", serde_json::Value::from(json).to_string())
        .output()
        .expect("run node --test tests/node/routing.test.js");
    common::assert_node_counts(&out, 3, "routing.test.js");
}

/// Patterns in the safe subset and the texts to try them on: the generator's reading (Rust, used
/// to check defaults) and the dispatcher's (JavaScript, `u` flag) must agree on every pair.
const PATTERN_CASES: &[(&str, &[&str])] = &[
    (r"^\d{2}$", &["12", "1a", "١٢", "12\n", "１２"]),
    (r"^\w+$", &["ab_9", "é", "a-b", "ａ", "a b"]),
    (
        r"^\s$",
        &[" ", "\t", "\u{a0}", "\u{2028}", "\u{feff}", "\u{85}", "x"],
    ),
    (r"^\S\D\W$", &["a!!", " a!", "a1!", "éé-"]),
    (
        r"^.$",
        &["a", "é", "😀", "\n", "\r", "\u{2028}", "\u{85}", "ab"],
    ),
    (r"^[^a-c]$", &["d", "a", "😀", "\n", ""]),
    (
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        &["a-b-c", "a--b", "-a", "a-", "abc"],
    ),
    (r"^(?:ab|cd)+$", &["abcd", "abc", "cdab", ""]),
    (r"^\u00e9\x41[\u0100-\u017f]?$", &["éA", "éAā", "eA", "éa"]),
    (r"^[\d.\-]{1,3}$", &["1.-", "1234", "a", "-"]),
    (r"^a.*z$", &["az", "a\nz", "abcz", "a😀z"]),
    (r"^\+?[0-9]{6,15}$", &["+123456", "123", "++123456"]),
    (r"^(a|b)?c$", &["c", "ac", "bc", "abc"]),
    (r"^[\w\s]{2}$", &["a ", " \u{a0}", "éa"]),
];

/// `text` as a YAML double-quoted scalar with everything but printable ASCII escaped (the spec
/// loader refuses invisible characters written as they are).
fn yaml_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Whether the generator accepts a string field with `pattern` (and `default`, when given).
fn pattern_accepted(templates: &scaffold::Templates, pattern: &str, default: Option<&str>) -> bool {
    let mut field = format!("{{ type: string, pattern: {} ", yaml_quoted(pattern));
    if let Some(d) = default {
        field.push_str(&format!(", default: {} ", yaml_quoted(d)));
    }
    field.push('}');
    let spec = format!(
        "name: p\nauth: {{ provider: none }}\nresources:\n  r:\n    fields:\n      f: {field}\n"
    );
    scaffold::model(&scaffold::Input {
        spec_file: "s.yaml",
        spec: spec.as_bytes(),
        target: None,
        templates,
    })
    .is_ok()
}

/// Runs `script` under Node with `CASES` (JSON) in its environment; fails with its stderr.
fn node_cases(script: &str, cases: &[serde_json::Value], what: &str) -> String {
    let out = common::node_command()
        .arg("-e")
        .arg(script)
        .env("CASES", serde_json::Value::from(cases.to_vec()).to_string())
        .output()
        .expect("node on PATH");
    assert!(
        out.status.success(),
        "{what}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Random patterns from a seeded walk over regex tokens: every one the generator accepts compiles
/// in JavaScript with the `u` flag (else the dispatcher would fail on its first request), and
/// matches the same sample texts in both.
#[test]
fn every_accepted_pattern_compiles_in_javascript() {
    require_node();
    let templates = scaffold::Templates::builtin();
    const TOKENS: &[&str] = &[
        "a", "b", "-", "1", r"\d", r"\w", r"\s", r"\D", ".", "[", "]", "[^", "(", "(?:", ")", "|",
        "*", "+", "?", "{2}", "{1,3}", "{2,}", r"\-", r"\.", r"\/", "/", r"\u00e9", r"\x41", "^",
        "$", "{", "}", r"\b", "*?",
    ];
    const TEXTS: &[&str] = &[
        "", "a", "ab", "a-b", "1", "a1b2", " ", "é", "AA", "--", "a.b",
    ];
    let mut seed: u64 = 0x0005_eed0_f9a7_7e75;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut accepted = std::collections::BTreeSet::new();
    let mut tried = 0;
    while tried < 2000 {
        tried += 1;
        let len = 1 + next(7);
        let body: String = (0..len).map(|_| TOKENS[next(TOKENS.len())]).collect();
        let pattern = format!("^{body}$");
        if pattern_accepted(&templates, &pattern, None) {
            accepted.insert(pattern);
        }
    }
    assert!(
        accepted.len() >= 150,
        "only {} patterns accepted",
        accepted.len()
    );
    let mut cases = Vec::new();
    for pattern in &accepted {
        let text = TEXTS[next(TEXTS.len())];
        cases.push(serde_json::json!([
            pattern,
            text,
            pattern_accepted(&templates, pattern, Some(text))
        ]));
    }
    let script = "const cases = JSON.parse(process.env.CASES); const bad = [];\
        for (const [p, t, rust] of cases) { let js;\
          try { js = new RegExp(p, 'u').test(t); } catch (e) { bad.push({ pattern: p, error: String(e) }); continue; }\
          if (js !== rust) bad.push({ pattern: p, text: t, rust, js }); }\
        if (bad.length) { console.error(JSON.stringify(bad, null, 1)); process.exit(1); }\
        console.log(cases.length);";
    let ran = node_cases(
        script,
        &cases,
        "accepted patterns that JavaScript reads otherwise",
    );
    assert_eq!(ran, cases.len().to_string());
}

/// The generator and the dispatcher read every safe pattern alike: a text is a valid `default`
/// (checked in Rust) exactly when `new RegExp(pattern, 'u')` matches it in Node.
#[test]
fn patterns_mean_the_same_in_rust_and_javascript() {
    require_node();
    let templates = scaffold::Templates::builtin();
    let accepts =
        |pattern: &str, default: Option<&str>| pattern_accepted(&templates, pattern, default);
    let mut cases = Vec::new();
    for (pattern, texts) in PATTERN_CASES {
        assert!(accepts(pattern, None), "`{pattern}` is refused");
        for text in *texts {
            cases.push(serde_json::json!([
                pattern,
                text,
                accepts(pattern, Some(text))
            ]));
        }
    }
    let script = "const cases = JSON.parse(process.env.CASES); const bad = [];\
        for (const [p, t, rust] of cases) { const js = new RegExp(p, 'u').test(t);\
          if (js !== rust) bad.push({ pattern: p, text: t, rust, js }); }\
        if (bad.length) { console.error(JSON.stringify(bad, null, 1)); process.exit(1); }\
        console.log(cases.length);";
    let out = common::node_command()
        .arg("-e")
        .arg(script)
        .env("CASES", serde_json::Value::from(cases.clone()).to_string())
        .output()
        .expect("node on PATH");
    assert!(
        out.status.success(),
        "Rust and JavaScript disagree:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        cases.len().to_string()
    );
    // Both verdicts occur: the corpus is not trivially all-true or all-false.
    let rust: Vec<bool> = cases.iter().map(|c| c[2].as_bool().unwrap()).collect();
    assert!(rust.contains(&true) && rust.contains(&false));
}
