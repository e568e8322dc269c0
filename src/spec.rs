//! The spec as written: serde types mirroring `scaffold.yaml`, and loading them from bytes.
//!
//! The types are lenient on purpose: names, methods and types are plain strings and most keys are
//! optional, so that [`crate::lower`] can report every problem at once, each at its position. Keys
//! that no type knows are collected (not fatal here) and reported by `lower` with a suggestion.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::index::SpanIndex;

#[derive(Debug, Default, Deserialize)]
pub struct Spec {
    pub name: Option<String>,
    /// What the API is for: `info.description` of the OpenAPI document.
    pub description: Option<String>,
    /// The API's license, an SPDX license expression (default `LicenseRef-Proprietary`).
    pub license: Option<String>,
    pub target: Option<String>,
    /// The language of the generated code: `javascript` (default) or `typescript`.
    pub language: Option<String>,
    pub base_path: Option<String>,
    pub auth: Option<AuthSpec>,
    /// Shared response headers to add or override; `null` removes one.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    pub cors: Option<CorsSpec>,
    pub limits: Option<LimitsSpec>,
    /// Where resources keep their items (default: the target's first storage).
    pub storage: Option<String>,
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceSpec>,
    #[serde(default)]
    pub routes: BTreeMap<String, RouteSpec>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AuthSpec {
    pub provider: Option<String>,
    /// `jwt`: the token's required `iss`; a value, or `env:NAME` to read it at run time.
    pub issuer: Option<String>,
    /// `jwt`: the token's required `aud`; a value or `env:NAME`.
    pub audience: Option<String>,
    /// `jwt`: where the signing keys are published; a URL or `env:NAME`.
    pub jwks_url: Option<String>,
    /// `jwt`: accepted signature algorithms (default `[RS256]`).
    pub algorithms: Option<Vec<String>>,
    /// `jwt`: the claim holding the user's roles, dotted for nested claims (default `roles`).
    pub roles_claim: Option<String>,
    /// `jwt`: how far the clocks may disagree on `exp`/`nbf` (default 30).
    pub clock_skew_seconds: Option<u64>,
}

/// Cross-origin access: absent means same-origin only (no `Access-Control-*` headers at all).
#[derive(Debug, Default, Deserialize)]
pub struct CorsSpec {
    /// Exact origins allowed to call the API, e.g. `https://app.example.com`.
    pub origins: Option<Vec<String>>,
    /// Let browsers send cookies and credentials (default false).
    pub credentials: Option<bool>,
    /// How long browsers may cache a preflight (default 600).
    pub max_age_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LimitsSpec {
    /// The largest request body accepted, in bytes after decoding (default 100000).
    pub body_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResourceSpec {
    /// What the collection holds: its OpenAPI tag and schema descriptions.
    pub description: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
    pub operations: Option<Operations>,
    /// Where this resource keeps its items, overriding the top-level `storage`.
    pub storage: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FieldSpec {
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// What the field means: its property's description in the OpenAPI document.
    pub description: Option<String>,
    pub required: Option<bool>,
    pub items: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// `string` only: the allowed values.
    #[serde(rename = "enum")]
    pub choices: Option<Vec<String>>,
    /// `string` only: `email`, `url`, `uuid`, `date` or `date-time`.
    pub format: Option<String>,
    /// `string` only: an anchored regular expression in the safe subset.
    pub pattern: Option<String>,
    /// What create fills in when the field is absent.
    pub default: Option<serde_json::Value>,
    /// `null` is a value of the field.
    pub nullable: Option<bool>,
    /// Set by the server only; create and update refuse it.
    pub readonly: Option<bool>,
    /// `string` only: the field holds the id of an item of this resource.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// A resource's own scalar fields only: the list operation filters by it (`?<field>=<value>`).
    pub filter: Option<bool>,
    /// `object`, or `array` with `items: object`: the fields of the object(s).
    pub fields: Option<BTreeMap<String, FieldSpec>>,
}

/// Per-operation options in the map form of `operations`.
#[derive(Debug, Default, Deserialize)]
pub struct OperationSpec {
    /// What the operation does: its OpenAPI description (default: one made from its kind).
    pub description: Option<String>,
    pub auth: Option<String>,
    pub roles: Option<Vec<String>>,
}

/// `operations: [list, read]` or `operations: { list: { auth: none }, read: }`.
#[derive(Debug)]
pub enum Operations {
    List(Vec<String>),
    Map(BTreeMap<String, OperationSpec>),
}

#[derive(Debug, Default, Deserialize)]
pub struct RouteSpec {
    pub method: Option<String>,
    pub path: Option<String>,
    /// What the route does: its OpenAPI description (default: one made from method and path).
    pub description: Option<String>,
    pub auth: Option<String>,
    pub roles: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for Operations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Operations;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of operations or a map of operation to options")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Operations, A::Error> {
                let mut out = Vec::new();
                while let Some(op) = seq.next_element::<String>()? {
                    out.push(op);
                }
                Ok(Operations::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Operations, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(op) = map.next_key::<String>()? {
                    let options = map.next_value::<Option<OperationSpec>>()?;
                    out.insert(op, options.unwrap_or_default());
                }
                Ok(Operations::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A spec read from text, with what lowering needs to place its errors.
#[derive(Debug)]
pub struct Loaded {
    pub spec: Spec,
    pub index: SpanIndex,
    /// Paths of keys that no spec type knows, e.g. `["resources", "movies", "feilds"]`.
    pub unknown_keys: Vec<Vec<String>>,
}

/// The largest spec accepted. A spec of 1,000 operations is about 60 KB.
pub(crate) const MAX_SPEC_BYTES: usize = 1 << 20;

/// Characters that change what a reader sees from what the parser reads: C0/C1 controls (other
/// than tab and line breaks), YAML's extra line breaks (U+0085, U+2028, U+2029, which editors show
/// as part of a line, so a comment could hide a route), bidirectional overrides, and a byte order
/// mark anywhere but the start. Every occurrence, up to ten, at its position.
fn odd_characters(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let last = line.chars().count().saturating_sub(1);
        for (col, c) in line.chars().enumerate() {
            let what = match c {
                '\t' => continue,
                '\r' if col == last => continue,
                '\r' => "a carriage return without a newline, which YAML reads as a line break",
                '\u{85}' | '\u{2028}' | '\u{2029}' => "a line break that editors do not show",
                '\u{feff}' => "a byte order mark after the start of the file",
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                    "a bidirectional text control, which makes text read differently from how it runs"
                }
                c if c.is_control() => "a control character",
                _ => continue,
            };
            out.push(
                Diagnostic::new(
                    Code::OddCharacter,
                    format!("character U+{:04X} in the spec: {what}", c as u32),
                    Some(Pos {
                        line: i + 1,
                        col: col + 1,
                        len: 1,
                    }),
                )
                .expected("printable text, spaces, tabs and newlines")
                .help("delete the character; retype the line if you cannot see it"),
            );
            if out.len() == 10 {
                return out;
            }
        }
    }
    out
}

/// Reads a spec from raw bytes: UTF-8, one non-empty YAML document, the spec's shape.
/// Problems here stop loading; they come back with a position where the text has one.
pub fn load(file: &str, bytes: &[u8]) -> Result<(String, Loaded), Diagnostics> {
    let fail = |text: &str, d: Diagnostic| Diagnostics::new(file, text, vec![d]);
    if bytes.len() > MAX_SPEC_BYTES {
        let d = Diagnostic::new(
            Code::TooLarge,
            format!("the spec is {} bytes", bytes.len()),
            None,
        )
        .expected(format!(
            "at most {MAX_SPEC_BYTES} bytes (a spec of 1,000 operations is about 60 KB)"
        ))
        .help("split the API, or remove what is not part of the spec");
        return Err(fail("", d));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let d = Diagnostic::new(
                Code::NotUtf8,
                format!(
                    "the spec is not valid UTF-8 (byte {} is not)",
                    e.valid_up_to()
                ),
                Some(Pos { line, col, len: 1 }),
            )
            .expected("UTF-8 text")
            .help("re-save the file as UTF-8");
            return Err(fail(&String::from_utf8_lossy(bytes), d));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let odd = odd_characters(&text);
    if !odd.is_empty() {
        return Err(Diagnostics::new(file, &text, odd));
    }
    let has_content = text
        .lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#') && l != "---" && l != "...");
    if !has_content {
        let d = Diagnostic::new(Code::Empty, "the spec is empty", None)
            .expected("a YAML mapping with at least `name`, `auth` and `resources`")
            .help("start from the example in `scaffold new --help`, or run `scaffold new DIR` for a starter spec");
        return Err(fail(&text, d));
    }
    let index = SpanIndex::build(&text).map_err(|d| Diagnostics::new(file, &text, d))?;
    let mut unknown_keys = Vec::new();
    let de = serde_yaml::Deserializer::from_str(&text);
    let spec: Result<Spec, _> = serde_ignored::deserialize(de, |path| {
        unknown_keys.push(path_segments(&path));
    });
    match spec {
        Ok(spec) => Ok((
            text,
            Loaded {
                spec,
                index,
                unknown_keys,
            },
        )),
        Err(e) => Err(fail(&text, serde_error(&e))),
    }
}

fn path_segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path;
    match path {
        Path::Root => Vec::new(),
        Path::Seq { parent, index } => {
            let mut p = path_segments(parent);
            p.push(index.to_string());
            p
        }
        Path::Map { parent, key } => {
            let mut p = path_segments(parent);
            p.push(key.clone());
            p
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_segments(parent),
    }
}

/// A serde/YAML error as a diagnostic, in the tool's own words where the library's are cryptic.
fn serde_error(e: &serde_yaml::Error) -> Diagnostic {
    let pos = e.location().map(|l| Pos {
        line: l.line(),
        col: l.column(),
        len: 1,
    });
    let raw = e.to_string();
    // The library appends " at line L column C"; the position is shown separately.
    let msg = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    if msg.contains("repetition limit exceeded") || msg.contains("recursion limit exceeded") {
        return Diagnostic::new(
            Code::AliasExpansion,
            "the spec's YAML aliases expand too far",
            pos,
        )
        .expected("a spec without deeply nested `*alias` references")
        .help("write the repeated parts out, or use fewer aliases; an alias bomb is refused");
    }
    let (what, path) = match msg.split_once(": ") {
        Some((p, m)) if !p.contains(' ') => (m.to_string(), Some(p.to_string())),
        _ => (msg.clone(), None),
    };
    let what = plain_types(&what);
    let Some(path) = path else {
        if what.contains("expected a mapping") {
            return Diagnostic::new(
                Code::NotMapping,
                format!("the spec is not a mapping ({what})"),
                pos,
            )
            .expected("a YAML mapping with `name`, `auth` and `resources` keys")
            .help("see `scaffold new --help` for an example spec");
        }
        return Diagnostic::new(Code::Shape, what, pos)
            .expected("a YAML 1.2 document in the shape of a spec")
            .help("fix the value at this place; see the example spec");
    };
    let message = format!("`{path}`: {what}");
    Diagnostic::new(Code::WrongType, message, pos)
        .help("fix the value's type at this place; see the example spec")
}

/// serde's Rust type names in a user's words.
fn plain_types(msg: &str) -> String {
    let mut out = msg.to_string();
    for (rust, plain) in [
        ("expected f64", "expected a number"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected a sequence", "expected a list"),
    ] {
        out = out.replace(rust, plain);
    }
    for marker in ["expected struct ", "expected a map"] {
        if let Some(i) = out.find(marker) {
            out.replace_range(i.., "expected a mapping");
        }
    }
    out
}

/// The keys serde knows at a place in the spec.
pub(crate) fn keys_at(parent: &[&str]) -> &'static [&'static str] {
    match parent {
        [] => fields_of::<Spec>(),
        ["auth"] => fields_of::<AuthSpec>(),
        ["cors"] => fields_of::<CorsSpec>(),
        ["limits"] => fields_of::<LimitsSpec>(),
        ["resources", _] => fields_of::<ResourceSpec>(),
        ["resources", _, "fields", _, rest @ ..] if is_field_path(rest) => fields_of::<FieldSpec>(),
        ["resources", _, "operations", _] => fields_of::<OperationSpec>(),
        ["routes", _] => fields_of::<RouteSpec>(),
        _ => &[],
    }
}

/// True for `[]`, `["fields", name]`, `["fields", name, "fields", name]`, ...: below a field, the
/// path of a nested field.
fn is_field_path(rest: &[&str]) -> bool {
    rest.chunks(2).all(|c| c.len() == 2 && c[0] == "fields")
}

/// The field names serde derives for `T`, read from the derive itself so they cannot drift.
pub(crate) fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The spec with its `target:` set to `target` when it names another one, so that the project's
/// spec says what `new --target` chose. Anything that does not load is left for `generate` to
/// report.
pub(crate) fn retarget(spec_file: &str, spec: Vec<u8>, target: &str) -> Vec<u8> {
    let Ok((text, loaded)) = load(spec_file, &spec) else {
        return spec;
    };
    let (Some(old), Some(pos)) = (
        loaded.spec.target.as_deref(),
        loaded.index.value(&["target"]),
    ) else {
        return spec;
    };
    if old == target {
        return spec;
    }
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(line) = pos.line.checked_sub(1).and_then(|i| lines.get(i).copied()) else {
        return spec;
    };
    let from = pos.col.saturating_sub(1).min(line.len());
    let Some(at) = line.get(from..).and_then(|rest| rest.find(old)) else {
        return spec;
    };
    let replaced = format!(
        "{}{target}{}",
        &line[..from + at],
        &line[from + at + old.len()..]
    );
    lines[pos.line - 1] = &replaced;
    lines.concat().into_bytes()
}
