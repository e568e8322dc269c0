//! The spec's JSON Schema (`scaffold schema`, `.scaffold/spec.schema.json`) checked with a real
//! validator against the parser and the docs:
//! - it is a valid draft 2020-12 schema, and every example spec passes it;
//! - the invalid specs it can express (unknown keys, wrong types, bad values) fail it, at the
//!   places listed here; the others pass it and are listed with the rule it cannot express;
//! - each default, written out, gives the same output as leaving the key out;
//! - one value at a time, the schema and the parser agree: the schema never refuses a spec the
//!   parser accepts, and for enums and bounds it refuses exactly what the parser refuses;
//! - `docs/spec.md` documents exactly the schema's keys, with the same types, values and defaults,
//!   and its examples pass the schema.
//!
//! (That the schema's keys are exactly those serde reads is a unit test in `src/schema.rs`.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use scaffold::testing::{keys, schema};
use scaffold::{Input, Templates};
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

fn yaml(text: &str) -> Result<Value, String> {
    serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string())
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// Every schema error as `instance path: message`.
fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    if let Err(e) = jsonschema::draft202012::meta::validate(&s) {
        panic!("not a valid 2020-12 schema: {e}");
    }
}

#[test]
fn every_example_spec_passes() {
    let v = validator();
    let mut checked = 0;
    for dir in ["specs", "bench/specs"] {
        for path in yaml_files(dir) {
            let instance = yaml(&fs::read_to_string(&path).unwrap()).unwrap();
            let errs = errors(&v, &instance);
            assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 11, "only {checked} example specs");
}

/// Invalid specs whose problems the schema sees, each with places its errors must include.
const SCHEMA_REFUSES: &[(&str, &[&str])] = &[
    (
        "bad-auth.yaml",
        &[
            "/resources/notes/operations/create/auth",
            "/routes/ping/roles",
        ],
    ),
    (
        "bad-cors.yaml",
        &[
            "/auth/issuer",
            "/cors/origins/0",
            "/cors/max_age_seconds",
            "/limits/body_bytes",
        ],
    ),
    (
        "bad-fields.yaml",
        &[
            "/resources/things/fields/a/type",
            "/resources/things/fields",
            "/resources/things/fields/b/max_length",
            "/resources/things/fields/d/items",
            "/resources/things/fields/e/min",
            "/resources/things/fields/f",
            "/resources/things/fields/g",
            "/resources/things/fields/g/max_items",
        ],
    ),
    (
        "bad-field-rules.yaml",
        &[
            "/resources/posts/fields/stars/enum",
            "/resources/posts/fields/empty/enum",
            "/resources/posts/fields/twice/enum",
            "/resources/posts/fields/when/format",
            "/resources/posts/fields/made/required",
            "/resources/posts/fields/seen/default",
            "/resources/posts/fields/must/default",
            "/resources/posts/fields/editor/format",
            "/resources/posts/fields/title/fields",
            "/resources/posts/fields/place",
            "/resources/posts/fields/lines",
            "/resources/posts/fields/meta/fields/zip/type",
        ],
    ),
    ("bad-headers.yaml", &["/headers", "/headers/X-Empty"]),
    (
        "bad-text.yaml",
        &[
            "/description",
            "/license",
            "/resources/notes/description",
            "/resources/notes/fields/text/description",
            "/resources/notes/operations/list/description",
            "/routes/ping/description",
        ],
    ),
    (
        "bad-jwt.yaml",
        &[
            "/auth",
            "/auth/issuer",
            "/auth/jwks_url",
            "/auth/algorithms/0",
            "/auth/clock_skew_seconds",
            "/auth/roles_claim",
        ],
    ),
    ("bad-names.yaml", &["/resources", "/routes"]),
    (
        "bad-paths.yaml",
        &[
            "/routes/up/path",
            "/routes/double/path",
            "/routes/trailing/path",
        ],
    ),
    (
        "many-problems.yaml",
        &[
            "",
            "/name",
            "/auth/provider",
            "/resources/movies",
            "/resources/movies/fields/title/type",
            "/routes/search/method",
        ],
    ),
    ("missing-keys.yaml", &["", "/base_path", "/routes/empty"]),
    (
        "bad-language.yaml",
        &["/language", "/resources/notes/fields/text/type"],
    ),
    ("wrong-types.yaml", &["/resources/items/fields/n/max"]),
    (
        "bad-filter.yaml",
        &[
            "/resources/shows/fields/tags/type",
            "/resources/shows/fields/place/type",
        ],
    ),
];

/// Invalid specs that pass the schema: the rule they break spans several keys or needs the
/// parser's view of the whole API.
const SCHEMA_ACCEPTS: &[(&str, &str)] = &[(
    "duplicate-route.yaml",
    "two operations on one method and path, and two paths of one shape",
)];

/// Not YAML at all.
const NOT_YAML: &[&str] = &["yaml-syntax.yaml"];

#[test]
fn invalid_specs_fail_the_schema_where_it_can_tell() {
    let v = validator();
    let listed: BTreeSet<&str> = SCHEMA_REFUSES
        .iter()
        .map(|x| x.0)
        .chain(SCHEMA_ACCEPTS.iter().map(|x| x.0))
        .chain(NOT_YAML.iter().copied())
        .collect();
    let files = yaml_files("tests/invalid");
    let on_disk: BTreeSet<String> = files.iter().map(|p| name(p)).collect();
    assert_eq!(
        listed
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        on_disk,
        "list every file of tests/invalid here"
    );
    for path in &files {
        let file = name(path);
        let text = fs::read_to_string(path).unwrap();
        if NOT_YAML.contains(&file.as_str()) {
            assert!(yaml(&text).is_err(), "{file} parses");
            continue;
        }
        let instance = yaml(&text).unwrap();
        let places: BTreeSet<String> = v
            .iter_errors(&instance)
            .map(|e| e.instance_path().to_string())
            .collect();
        match SCHEMA_REFUSES.iter().find(|x| x.0 == file) {
            Some((_, want)) => {
                for w in *want {
                    assert!(
                        places.contains(*w),
                        "{file}: no schema error at `{w}`; errors: {:#?}",
                        errors(&v, &instance)
                    );
                }
            }
            None => assert!(
                places.is_empty(),
                "{file} now fails the schema (move it to SCHEMA_REFUSES): {:#?}",
                errors(&v, &instance)
            ),
        }
        let input = Input {
            spec_file: "scaffold.yaml",
            spec: text.as_bytes(),
            target: None,
            templates: &Templates::builtin(),
        };
        assert!(scaffold::model(&input).is_err(), "{file} is accepted");
    }
}

// ---------------------------------------------------------------------------------------------
// The schema against the parser, one value at a time.

/// Specs that hold every object of the schema, one per kind of `auth`, each with the target it
/// is generated for. Field names say their type, so a key can be tried on every type.
const BASES: &[(&str, &str)] = &[
    (
        "netlify",
        "name: base\nauth:\n  provider: jwt\n  issuer: https://login.example.com/\n  audience: env:JWT_AUDIENCE\n  jwks_url: https://login.example.com/jwks.json\n\
         cors: { origins: [https://app.example.com] }\nlimits: {}\nheaders: { X-Robots-Tag: noindex }\n\
         resources:\n  notes:\n    fields:\n      text: { type: string }\n      count: { type: integer }\n      score: { type: number }\n      on: { type: boolean }\n      tags: { type: array, items: string }\n      place: { type: object, fields: { city: { type: string } } }\n      lines: { type: array, items: object, fields: { n: { type: integer } } }\n    operations: { list: {}, read: { roles: [admin] } }\n  others: {}\n\
         routes:\n  ping: { method: GET, path: /ping }\n  item_stats: { method: POST, path: \"/items/{id}/stats\", roles: [admin] }\n",
    ),
    (
        "netlify",
        "name: base\nauth: { provider: netlify-identity }\nresources:\n  notes:\n    fields:\n      text: { type: string }\n    operations: [list, read]\nroutes:\n  ping: { method: GET, path: /ping, auth: none }\n",
    ),
    (
        "netlify",
        "name: base\nauth: { provider: none }\nresources:\n  notes:\n    fields:\n      text: { type: string }\n",
    ),
    (
        "aws-lambda",
        "name: base\nauth: { provider: api-gateway-jwt, issuer: env:ISSUER, audience: api, roles_claim: groups }\nresources:\n  notes: {}\n",
    ),
];

/// Keys whose rules depend on the target: a value counts as accepted when any target accepts it.
const TARGET_DEPENDENT: &[&str] = &[
    "auth.provider",
    "limits.body_bytes",
    "storage",
    "resources.*.storage",
];

/// Values the schema accepts and the parser refuses, on purpose: the schema leaves these rules to
/// the parser (they depend on other keys or on the installed templates). `(key, value)`.
const SCHEMA_LOOSER: &[(&str, &str)] = &[
    // Target names come from the templates, which `--templates` can extend.
    ("target", "*"),
];

fn strings() -> Vec<Value> {
    let mut out: Vec<Value> = [
        "",
        " ",
        "a",
        "ab",
        "a b",
        " a",
        "a ",
        "A",
        "Ab_1",
        "ab-c",
        "-a",
        "a-",
        "a_",
        "_a",
        "1a",
        "a.b",
        "a..b",
        ".a",
        "/api",
        "/api/",
        "/v1/api",
        "/API",
        "/",
        "//a",
        "/a//b",
        "/a/{id}",
        "/a/{id}/b/{id}",
        "/a/x{id}",
        "/{id}",
        "/a b",
        "/.netlify",
        "env:X",
        "env:X_1",
        "env:x",
        "env:1A",
        "env:",
        "env:_A",
        "https://a.example.com",
        "https://a.example.com/",
        "https://a.example.com:8443",
        "https://",
        "http://localhost",
        "http://localhost:5173",
        "http://127.0.0.1:8/x",
        "http://[::1]",
        "http://example.com",
        "ftp://a",
        "https://A.example.com",
        "*",
        "null",
        "RS256",
        "HS256",
        "app_metadata.roles",
        "a.__proto__",
        "constructor",
        "prototype",
        "class",
        "camera=()",
        "1; mode=block",
        "tab\tinside",
        "get",
        "Get",
        "TRACE",
        "^[a-z]+$",
        "^(a+)+$",
        "[a-z]",
        "^[A-Z]{2}$",
        "date-time",
    ]
    .iter()
    .map(|s| json!(s))
    .collect();
    for n in [63, 64, 65, 128, 129, 256, 257, 2048, 2049] {
        out.push(json!("x".repeat(n)));
    }
    out
}

/// The JSON types a node allows.
fn types(node: &Value) -> Vec<&str> {
    match &node["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True when the value has a type the node allows. The parser also reads values of other types:
/// `null` (or nothing) as an absent key, and a number or `true` where text is expected; the
/// schema asks for each value in its own type, so these are left out of the agreement check.
fn well_typed(node: &Value, value: &Value) -> bool {
    let t = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed = types(node);
    let items_ok = match (value, node.get("items")) {
        (Value::Array(xs), Some(items)) => xs.iter().all(|x| well_typed(items, x)),
        _ => true,
    };
    items_ok && (allowed.contains(&t) || (t == "integer" && allowed.contains(&"number")))
}

/// Values to try for a key, from its schema node; `all`: with every kind of text.
fn candidates(node: &Value, all: bool) -> Vec<Value> {
    let mut out = vec![json!(null), json!(1), json!("zz"), json!(true), json!({})];
    let mut enums: Vec<Value> = Vec::new();
    let mut collect = |n: &Value| {
        if let Some(e) = n.get("enum").and_then(Value::as_array) {
            enums.extend(e.iter().cloned());
        }
    };
    collect(node);
    for b in node
        .get("anyOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(b);
    }
    if let Some(items) = node.get("items") {
        collect(items);
    }
    let is_array = types(node).contains(&"array");
    for e in &enums {
        out.push(e.clone());
        if is_array {
            out.push(json!([e]));
            out.push(json!([e, e]));
        }
    }
    if is_array {
        out.extend([json!([]), json!(["zz"]), json!([1])]);
        if all && node["items"]["pattern"].is_string() {
            out.extend(strings().into_iter().map(|s| json!([s])));
        }
    }
    if types(node).contains(&"object") {
        if let Some(e) = enums.first().and_then(Value::as_str) {
            out.push(json!({ e: null }));
            out.push(json!({ e: { "auth": "none" } }));
            out.push(json!({ e: { "auth": "zz" } }));
        }
    }
    match node["type"].as_str() {
        Some("integer") | Some("number") => {
            for k in ["minimum", "maximum"] {
                if let Some(b) = node[k].as_i64() {
                    out.extend([json!(b - 1), json!(b), json!(b + 1)]);
                }
            }
            out.extend([json!(0), json!(-1), json!(1.5), json!(1e300)]);
        }
        _ => {}
    }
    let pattern = node.get("pattern").is_some()
        || node
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|b| b.get("pattern").is_some()));
    if all && (pattern || node["type"] == "string") {
        out.extend(strings());
    }
    out
}

/// The concrete places of a key path in a spec: `*` stands for every name present there.
fn places(spec: &Value, path: &[String]) -> Vec<Vec<String>> {
    let Some((first, rest)) = path.split_first() else {
        return vec![Vec::new()];
    };
    let names: Vec<String> = if first == "*" {
        spec.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    } else if rest.is_empty() || spec.get(first).is_some() {
        vec![first.clone()]
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for n in names {
        let below = spec.get(&n).cloned().unwrap_or(Value::Null);
        for mut tail in places(&below, rest) {
            tail.insert(0, n.clone());
            out.push(tail);
        }
    }
    out
}

/// `spec` with the value at `path` replaced (`None`: removed). The parent must be a mapping.
fn with(spec: &Value, path: &[String], value: Option<&Value>) -> Value {
    let mut out = spec.clone();
    let (last, parents) = path.split_last().unwrap();
    let mut at = &mut out;
    for p in parents {
        at = at.get_mut(p).unwrap();
    }
    let map = at.as_object_mut().unwrap();
    match value {
        Some(v) => {
            map.insert(last.clone(), v.clone());
        }
        None => {
            map.remove(last);
        }
    }
    out
}

struct Parser {
    templates: Templates,
    targets: BTreeMap<String, scaffold::testing::TargetDesc>,
    storages: scaffold::testing::Storages,
}

impl Parser {
    fn new() -> Parser {
        let templates = Templates::builtin();
        let targets = templates.targets().unwrap();
        let storages = templates.storages().unwrap();
        Parser {
            templates,
            targets,
            storages,
        }
    }

    /// Whether the parser accepts the spec for `target`, and its report when it does not: what
    /// `scaffold::model` does, with the targets read once (reading them is most of its time).
    fn model(&self, spec: &Value, target: &str) -> Result<(), String> {
        let text = serde_yaml::to_string(spec).unwrap();
        let (_, loaded) =
            scaffold::testing::load("scaffold.yaml", text.as_bytes()).map_err(|d| d.to_string())?;
        if let Some(t) = loaded.spec.target.as_deref() {
            if !self.targets.contains_key(t) {
                return Err(format!("unknown target `{t}`"));
            }
        }
        let cx = scaffold::testing::Context {
            spec_file: "scaffold.yaml",
            target,
            desc: &self.targets[target],
            storages: &self.storages,
        };
        scaffold::testing::lower_for(&loaded, &cx)
            .map(|_| ())
            .map_err(|ds| scaffold::Diagnostics::new("scaffold.yaml", &text, ds).to_string())
    }

    fn accepts(&self, spec: &Value, target: &str, key: &str) -> bool {
        self.model(spec, target).is_ok()
            || (TARGET_DEPENDENT.contains(&key)
                && self.targets.keys().any(|t| self.model(spec, t).is_ok()))
    }

    fn generate(&self, spec: &Value, target: &str) -> scaffold::Tree {
        let text = serde_yaml::to_string(spec).unwrap();
        let input = Input {
            spec_file: "scaffold.yaml",
            spec: text.as_bytes(),
            target: Some(target),
            templates: &self.templates,
        };
        match scaffold::generate(&input) {
            Ok(g) => g.tree,
            Err(e) => panic!("{e}\n{text}"),
        }
    }
}

fn bases() -> Vec<(&'static str, Value)> {
    BASES.iter().map(|(t, s)| (*t, yaml(s).unwrap())).collect()
}

/// A default written out gives the same files as no key at all.
#[test]
fn defaults_are_the_parsers() {
    let parser = Parser::new();
    let s = schema();
    let mut checked = BTreeSet::new();
    for (path, node) in keys(&s) {
        let Some(default) = node.get("default") else {
            continue;
        };
        let dotted = path.join(".");
        for (target, base) in bases() {
            for place in places(&base, &path) {
                let absent = with(&base, &place, None);
                let explicit = with(&base, &place, Some(default));
                if parser.model(&absent, target).is_err() || !validator().is_valid(&explicit) {
                    continue;
                }
                assert!(
                    parser.generate(&absent, target) == parser.generate(&explicit, target),
                    "`{}: {default}` changes the output",
                    place.join(".")
                );
                checked.insert(dotted.clone());
            }
        }
    }
    let want: BTreeSet<String> = keys(&s)
        .into_iter()
        .filter(|(_, n)| n.get("default").is_some())
        .map(|(p, _)| p.join("."))
        .collect();
    assert_eq!(checked, want, "every default checked on some base spec");
    assert!(want.len() >= 10, "{want:?}");
}

/// One value at a time: the schema never refuses a well-typed value that the parser accepts,
/// and for enums and bounds it accepts exactly what the parser accepts.
#[test]
fn schema_and_parser_agree_value_by_value() {
    // One thread per base spec: about 6,000 specs, each parsed, lowered and validated.
    let checks: Vec<Agreement> = std::thread::scope(|scope| {
        let threads: Vec<_> = bases()
            .into_iter()
            .enumerate()
            .map(|(i, (target, base))| scope.spawn(move || agree_on(target, &base, i == 0)))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let tried: usize = checks.iter().map(|c| c.tried).sum();
    let stricter: Vec<&String> = checks.iter().flat_map(|c| &c.stricter).collect();
    let looser: Vec<&String> = checks.iter().flat_map(|c| &c.looser).collect();
    eprintln!("{tried} values tried");
    assert!(tried > 1000, "only {tried} values tried");
    assert!(
        stricter.is_empty(),
        "the schema refuses what the parser accepts:\n{stricter:#?}"
    );
    assert!(
        looser.is_empty(),
        "the schema accepts what the parser refuses (enums and bounds must agree):\n{looser:#?}"
    );
}

/// Every key of the schema, one value at a time, on one base spec; with `all` false, only the
/// keys that depend on the kind of `auth` (the first base spec tries all of them).
fn agree_on(target: &str, base: &Value, all: bool) -> Agreement {
    let s = schema();
    let mut check = Agreement {
        parser: Parser::new(),
        v: validator(),
        stricter: Vec::new(),
        looser: Vec::new(),
        tried: 0,
    };
    assert!(check.v.is_valid(base), "{base}");
    assert!(check.parser.model(base, target).is_ok(), "{base}");
    for (path, node) in keys(&s) {
        let Some((last, map_path)) = path.split_last() else {
            continue;
        };
        let key = path.join(".");
        let access = ["auth", "roles", "operations"]
            .iter()
            .any(|k| path.iter().any(|p| p == k));
        if !all && !access {
            continue;
        }
        // A name in a map: rename the first entry.
        if last == "*" {
            for place in places(base, map_path) {
                let map = place.iter().fold(base, |v, p| &v[p]);
                let Some(map) = map.as_object() else { continue };
                let Some((old, value)) = map.iter().next() else {
                    continue;
                };
                for new in strings().iter().filter_map(Value::as_str) {
                    let mut renamed = map.clone();
                    renamed.remove(old);
                    renamed.insert(new.to_string(), value.clone());
                    let spec = with(base, &place, Some(&Value::Object(renamed)));
                    check.one(&spec, target, &key, &json!(new), true, false);
                }
            }
        }
        // Which values a target-dependent key takes also depends on the rest of the spec (a
        // target supports some providers and some storages), so only soundness holds there.
        let exact = !TARGET_DEPENDENT.contains(&key.as_str())
            && ["enum", "minimum", "maximum"]
                .iter()
                .any(|k| node.get(k).is_some() || node["items"].get(k).is_some());
        for (i, place) in places(base, &path).into_iter().enumerate() {
            // Every value at the first place; at the others (other field types, say) those of
            // the key's own kind.
            for value in candidates(node, i == 0) {
                let spec = with(base, &place, Some(&value));
                let typed = well_typed(node, &value);
                check.one(&spec, target, &key, &value, typed, exact);
            }
        }
    }
    check
}

struct Agreement {
    parser: Parser,
    v: jsonschema::Validator,
    stricter: Vec<String>,
    looser: Vec<String>,
    tried: usize,
}

impl Agreement {
    /// `spec` is `base` with `value` at `key`; `typed`: the value has the schema's type there;
    /// `exact`: the schema must accept exactly what the parser accepts.
    fn one(
        &mut self,
        spec: &Value,
        target: &str,
        key: &str,
        value: &Value,
        typed: bool,
        exact: bool,
    ) {
        self.tried += 1;
        let by_schema = self.v.is_valid(spec);
        let by_parser = self.parser.accepts(spec, target, key);
        let shown: String = value.to_string().chars().take(60).collect();
        if by_parser && !by_schema && typed {
            self.stricter.push(format!(
                "{key} = {shown} ({target}): {:?}",
                errors(&self.v, spec)
            ));
        }
        let allowed = SCHEMA_LOOSER
            .iter()
            .any(|(k, val)| *k == key && (*val == "*" || Some(*val) == value.as_str()));
        if exact && by_schema && !by_parser && !allowed {
            let why = self.parser.model(spec, target).err().unwrap_or_default();
            self.looser
                .push(format!("{key} = {shown} ({target}): {why}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// docs/spec.md against the schema.

/// A key's type in words, as docs/spec.md writes it.
fn type_label(node: &Value) -> String {
    if node.get("$ref").is_some() {
        return "mapping".to_string();
    }
    if node.get("type").is_none() {
        return "any".to_string();
    }
    types(node)
        .iter()
        .map(|t| match *t {
            "array" => format!("list of {}", type_label(&node["items"])),
            "object" if node.get("properties").is_some() || node.get("$ref").is_some() => {
                "mapping".to_string()
            }
            "object" => "map".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A key's allowed values or bounds, as docs/spec.md writes them (`—` for neither).
fn values_label(node: &Value) -> String {
    let any_of = node
        .get("anyOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let enums = [node, &node["items"]]
        .into_iter()
        .chain(any_of)
        .find_map(|n| n.get("enum").and_then(Value::as_array));
    if let Some(values) = enums {
        return values
            .iter()
            .map(|v| format!("`{}`", v.as_str().unwrap()))
            .collect::<Vec<_>>()
            .join(", ");
    }
    // The largest u64 is the type's own limit, not a rule.
    let max = node["maximum"].as_u64().filter(|m| *m != u64::MAX);
    match (node["minimum"].as_i64(), max) {
        (Some(lo), Some(hi)) => format!("`{lo}` to `{hi}`"),
        (Some(lo), None) => format!("`{lo}` or more"),
        (None, Some(hi)) => format!("at most `{hi}`"),
        (None, None) => "—".to_string(),
    }
}

/// The text of a cell that is one code span, or `None` for `—`.
fn code(cell: &str) -> Option<&str> {
    if cell == "—" {
        return None;
    }
    let inner = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`'));
    Some(inner.unwrap_or_else(|| panic!("`{cell}`: expected one code span or —")))
}

/// The rows of docs/spec.md's key table: key (with `*` for `<name>`) and the other cells.
fn doc_rows(text: &str) -> Vec<(String, Vec<String>)> {
    let header = "| key | type | values | default | example | what |";
    let mut lines = text.lines().skip_while(|l| *l != header);
    assert!(
        lines.next().is_some(),
        "docs/spec.md has no `{header}` table"
    );
    lines.next(); // |---|...
    let mut out = Vec::new();
    for line in lines.take_while(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect();
        assert_eq!(cells.len(), 6, "{line}");
        let key = code(&cells[0]).expect("a key").to_string();
        let key: Vec<&str> = key
            .split('.')
            .map(|seg| if seg.starts_with('<') { "*" } else { seg })
            .collect();
        out.push((key.join("."), cells[1..].to_vec()));
    }
    out
}

/// A key's node as a schema of its own: references (nested fields) resolved against the whole
/// schema, one level deep (deeper ones accept anything).
fn standalone(node: &Value, schema: &Value) -> Value {
    fn resolve(v: &Value, schema: &Value, depth: usize) -> Value {
        match v {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    if depth > 0 {
                        return json!(true);
                    }
                    let target = schema
                        .pointer(r.trim_start_matches('#'))
                        .unwrap_or_else(|| panic!("`{r}` resolves"));
                    return resolve(target, schema, depth + 1);
                }
                Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), resolve(v, schema, depth)))
                        .collect(),
                )
            }
            Value::Array(xs) => {
                Value::Array(xs.iter().map(|x| resolve(x, schema, depth)).collect())
            }
            other => other.clone(),
        }
    }
    resolve(node, schema, 0)
}

/// docs/spec.md documents exactly the schema's keys, in its order, with the same types, values
/// and defaults; each example passes its key's schema, and the complete example passes the
/// schema and the parser.
#[test]
fn docs_spec_md_matches_the_schema() {
    let text = fs::read_to_string(root().join("docs/spec.md")).unwrap();
    let s = schema();
    let documented = doc_rows(&text);
    let schema_keys: Vec<(String, &Value)> = keys(&s)
        .into_iter()
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, n)| (p.join("."), n))
        .collect();
    let doc_keys: Vec<&str> = documented.iter().map(|(k, _)| k.as_str()).collect();
    let want: Vec<&str> = schema_keys.iter().map(|(k, _)| k.as_str()).collect();
    let missing: Vec<&&str> = want.iter().filter(|k| !doc_keys.contains(k)).collect();
    let unknown: Vec<&&str> = doc_keys.iter().filter(|k| !want.contains(k)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/spec.md lacks {missing:?} and documents keys the schema does not have: {unknown:?}"
    );
    assert_eq!(
        doc_keys, want,
        "docs/spec.md lists the keys in the schema's order"
    );
    for ((key, cells), (_, node)) in documented.iter().zip(&schema_keys) {
        let [ty, values, default, example, what] = &cells[..] else {
            unreachable!()
        };
        assert_eq!(ty, &type_label(node), "type of `{key}`");
        assert_eq!(values, &values_label(node), "values of `{key}`");
        match (code(default), node.get("default")) {
            (None, None) => {}
            (Some(d), Some(want)) => {
                assert_eq!(&yaml(d).unwrap(), want, "default of `{key}`")
            }
            (d, want) => panic!("default of `{key}`: docs {d:?}, schema {want:?}"),
        }
        let example = yaml(code(example).expect("an example")).unwrap();
        let one = jsonschema::draft202012::new(&standalone(node, &s)).unwrap();
        let errs = errors(&one, &example);
        assert!(errs.is_empty(), "example of `{key}` ({example}): {errs:?}");
        assert!(!what.is_empty(), "`{key}` says what it is");
    }
    // The complete example.
    let block = text
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.contains("\nname: "))
        .expect("a complete example");
    let spec = yaml(block).unwrap();
    let errs = errors(&validator(), &spec);
    assert!(errs.is_empty(), "{errs:?}");
    let parser = Parser::new();
    if let Err(e) = parser.model(&spec, scaffold::DEFAULT_TARGET) {
        panic!("the complete example: {e}");
    }
}

/// Free text (`description` everywhere, the top-level `license`): the schema accepts exactly
/// what the parser accepts, control characters, blanks and lengths included.
#[test]
fn free_text_agrees_exactly() {
    let parser = Parser::new();
    let v = validator();
    let s = schema();
    let (target, base) = bases().remove(0);
    let mut values: Vec<String> = [
        "a",
        "A sentence.",
        " padded ",
        "two\nlines",
        "tab\tinside",
        "Ünïcode — text",
        "\u{3000}",
        "",
        " ",
        "\n\t ",
        "bell\u{7}",
        "nul\u{0}",
        "cr\rlf",
        "del\u{7f}",
        "next\u{85}line",
        "line\u{2028}sep",
        "bidi\u{202e}",
        "isolate\u{2066}",
        "mark\u{200f}",
        "bom\u{feff}",
        "MIT",
        "Apache-2.0",
        "MIT OR Apache-2.0",
        "(MIT AND BSD-3-Clause)",
        "GPL-2.0-or-later WITH Classpath-exception-2.0",
        "LicenseRef-Proprietary",
        "MIT  OR Apache-2.0",
        "MIT ",
        "MIT/X11",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [128, 129, 1000, 1001] {
        values.push("x".repeat(n));
    }
    let mut checked = BTreeSet::new();
    let mut disagree = Vec::new();
    for (path, _) in keys(&s) {
        let last = path.last().map(String::as_str);
        if last != Some("description") && path != ["license"] {
            continue;
        }
        for place in places(&base, &path) {
            for value in &values {
                let spec = with(&base, &place, Some(&json!(value)));
                let by_schema = v.is_valid(&spec);
                let by_parser = parser.model(&spec, target).is_ok();
                if by_schema != by_parser {
                    disagree.push(format!(
                        "{} = {value:?}: schema {by_schema}, parser {by_parser}",
                        place.join(".")
                    ));
                }
            }
            checked.insert(path.join("."));
        }
    }
    assert!(disagree.is_empty(), "{disagree:#?}");
    let want: BTreeSet<&str> = [
        "description",
        "license",
        "resources.*.description",
        "resources.*.fields.*.description",
        "resources.*.operations.*.description",
        "routes.*.description",
    ]
    .into_iter()
    .collect();
    assert_eq!(
        checked.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        want
    );
}
