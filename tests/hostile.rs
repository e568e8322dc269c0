//! Hostile specs: every case must end in a clear error, exit 2, quickly, writing nothing.
//!
//! The cases are the files of `tests/hostile/` (each starts with `# attacks: ...`, then `# expect:`
//! lines, text the report must hold, and an optional `# at: LINE[:COL]` or `# at: none`) and the
//! cases built here that cannot be files: a 10 MB spec, invalid UTF-8, NUL bytes, BOMs, deep
//! nesting, alias bombs of several shapes, every spec key given a value of the wrong type, and
//! hostile base paths. Each case runs through the real binary twice, each run in its own temp dir:
//! `scaffold new <tmp>/work/proj --spec <tmp>/spec/<case>.yaml` and `scaffold generate --dir
//! <tmp>/work/proj --spec ...` on a project made by `scaffold new`, both with `<tmp>/work` as the
//! working directory. Each run must:
//! - finish (each run is killed after `HOSTILE_TIMEOUT_SECS`, 30 by default; on Unix it runs under
//!   a 2 GiB address-space limit so that a memory bomb fails the test instead of the machine);
//! - exit 2, print nothing on stdout, and report on stderr: `error: <spec>:LINE:COL: ...` for every
//!   problem that has a place, what was expected, and `nothing was written`;
//! - echo no control characters (terminal escapes, NUL, CR, bidi overrides) to the terminal;
//! - leave the whole temp dir byte-for-byte as it was (no `proj`, no sibling, no `x`, nothing).
//!
//! Wall times go to a printed table (`cargo test --test hostile -- --nocapture`), slowest first,
//! never into an assertion: speed targets go in benchmarks. Every case must still finish. For
//! release-build times: `cargo build --release` and `SCAFFOLD_BIN=target/release/scaffold`.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, manifest_dir, snapshot};

// ---------------------------------------------------------------------------------------------
// Cases

/// Where the report must place the problem.
#[derive(Debug, Clone, PartialEq)]
enum At {
    /// Somewhere: at least one `<spec>:LINE:COL:`.
    Any,
    /// A problem of the whole file: `<spec>: ...` without a position is fine, a position too.
    Optional,
    /// No position (e.g. an empty file).
    Nowhere,
    Line(usize),
    LineCol(usize, usize),
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    /// What the case attacks (the corpus file's first line).
    what: String,
    bytes: Vec<u8>,
    /// Text the report must hold.
    expect: Vec<String>,
    /// Text the report must not hold.
    forbid: Vec<String>,
    at: At,
}

impl Case {
    fn new(name: &str, what: &str, bytes: impl Into<Vec<u8>>) -> Case {
        Case {
            name: name.to_string(),
            what: what.to_string(),
            bytes: bytes.into(),
            expect: Vec::new(),
            forbid: Vec::new(),
            at: At::Any,
        }
    }
    fn expect(mut self, text: &str) -> Case {
        self.expect.push(text.to_string());
        self
    }
    fn forbid(mut self, text: &str) -> Case {
        self.forbid.push(text.to_string());
        self
    }
    fn at(mut self, at: At) -> Case {
        self.at = at;
        self
    }
}

/// The files of `tests/hostile/`, with the expectations of their header comments.
fn corpus() -> Vec<Case> {
    let dir = manifest_dir().join("tests/hostile");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 40,
        "the corpus shrank: {} files",
        paths.len()
    );
    paths
        .iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes = fs::read(path).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let first = text.lines().next().unwrap_or("");
            let what = first.strip_prefix("# attacks: ").unwrap_or_else(|| {
                panic!("{name}: the first line must be `# attacks: <what the case attacks>`")
            });
            let mut case = Case::new(&name, what, bytes.clone());
            for line in text.lines().skip(1).take_while(|l| l.starts_with('#')) {
                if let Some(e) = line.strip_prefix("# expect: ") {
                    case.expect.push(e.to_string());
                } else if let Some(f) = line.strip_prefix("# forbid: ") {
                    case.forbid.push(f.to_string());
                } else if let Some(at) = line.strip_prefix("# at: ") {
                    case.at = parse_at(at).unwrap_or_else(|| panic!("{name}: bad `# at: {at}`"));
                }
            }
            assert!(
                !case.expect.is_empty(),
                "{name}: say what the report must hold with `# expect: ...`"
            );
            case
        })
        .collect()
}

fn parse_at(s: &str) -> Option<At> {
    let s = s.trim();
    if s == "none" {
        return Some(At::Nowhere);
    }
    match s.split_once(':') {
        Some((l, c)) => Some(At::LineCol(l.parse().ok()?, c.parse().ok()?)),
        None => Some(At::Line(s.parse().ok()?)),
    }
}

const VALID: &str = "name: hostile\nauth: { provider: none }\nresources: { movies: {} }\n";

/// Bytes that are not UTF-8, or hold NUL and other control bytes.
fn encoding_cases() -> Vec<Case> {
    let utf8 = |name: &str, what: &str, bytes: &[u8], line: usize, col: usize| {
        Case::new(name, what, bytes)
            .expect("not valid UTF-8")
            .at(At::LineCol(line, col))
    };
    let mut utf16 = vec![0xff, 0xfe];
    for unit in VALID.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    vec![
        utf8(
            "utf8-latin1",
            "a Latin-1 byte (é as 0xE9) in a value",
            b"name: caf\xe9\nauth: { provider: none }\nresources: { movies: {} }\n",
            1,
            10,
        ),
        utf8(
            "utf8-overlong-slash",
            "an overlong encoding of `/` (0xC0 0xAF) in a resource name, a classic path-traversal bypass",
            b"name: a\nauth: { provider: none }\nresources: { ..\xc0\xafetc: {} }\n",
            3,
            16,
        ),
        utf8(
            "utf8-surrogate",
            "a UTF-16 surrogate encoded as UTF-8 (0xED 0xA0 0x80) in a key",
            b"name: a\nauth: { provider: none }\nresources: { m\xed\xa0\x80: {} }\n",
            3,
            15,
        ),
        utf8(
            "utf8-truncated",
            "a multi-byte sequence cut off at the end of the file",
            b"name: a\nauth: { provider: none }\nresources: { movies: {} }\n# \xe2\x82",
            4,
            3,
        ),
        utf8(
            "utf16le-with-bom",
            "the spec saved as UTF-16LE with its BOM",
            &utf16,
            1,
            1,
        ),
        Case::new(
            "nul-in-value",
            "a raw NUL byte inside the project name",
            b"name: ab\0cd\nauth: { provider: none }\nresources: { movies: {} }\n".to_vec(),
        )
        .at(At::LineCol(1, 9)),
        Case::new(
            "nul-in-key",
            "a raw NUL byte inside a resource name",
            b"name: a\nauth: { provider: none }\nresources:\n  mov\0ies: {}\n".to_vec(),
        )
        .at(At::LineCol(4, 6)),
        Case::new(
            "nul-first-byte",
            "a NUL byte before everything else",
            [b"\0".as_slice(), VALID.as_bytes()].concat(),
        )
        .at(At::LineCol(1, 1)),
        Case::new(
            "nul-only",
            "a file of 4096 NUL bytes",
            vec![0u8; 4096],
        ),
        Case::new(
            "escape-bytes-raw",
            "raw terminal escape bytes (ESC [2J, OSC title) in the project name",
            b"name: a\x1b[2J\x1b]0;pwned\x07\nauth: { provider: none }\nresources: { movies: {} }\n"
                .to_vec(),
        )
        .at(At::LineCol(1, 8)),
    ]
}

const BOM: &str = "\u{feff}";

/// A byte order mark anywhere but first (a BOM first, then a valid spec, is accepted: see
/// `a_bom_before_a_valid_spec_is_accepted`).
fn bom_cases() -> Vec<Case> {
    let bom = |name: &str, what: &str, text: String, at: At| {
        Case::new(name, what, text.into_bytes())
            .expect("byte order mark")
            .at(at)
    };
    vec![
        bom(
            "bom-start-of-line",
            "a BOM at the start of the third line",
            format!("name: a\nauth: {{ provider: none }}\n{BOM}resources: {{ movies: {{}} }}\n"),
            At::LineCol(3, 1),
        ),
        bom(
            "bom-inside-value",
            "a BOM inside the project name",
            format!("name: a{BOM}b\nauth: {{ provider: none }}\nresources: {{ movies: {{}} }}\n"),
            At::LineCol(1, 8),
        ),
        bom(
            "bom-inside-key",
            "a BOM inside a resource name",
            format!("name: a\nauth: {{ provider: none }}\nresources: {{ movies{BOM}: {{}} }}\n"),
            At::LineCol(3, 20),
        ),
        bom(
            "bom-twice-at-start",
            "two BOMs before the spec",
            format!("{BOM}{BOM}{VALID}"),
            At::LineCol(1, 1),
        ),
        bom(
            "bom-at-end",
            "a BOM alone on the last line, after a valid spec",
            format!("{VALID}{BOM}\n"),
            At::LineCol(4, 1),
        ),
        bom(
            "bom-before-comment-at-end",
            "a BOM starting a comment line after a valid spec",
            format!("{VALID}{BOM}# trailing\n"),
            At::LineCol(4, 1),
        ),
    ]
}

const MB10: usize = 10 * 1024 * 1024;

/// Specs of 10 MB: whatever their shape, refused (a spec is a few KB), quickly, with a message
/// that says so rather than blaming aliases the spec does not have.
fn size_cases() -> Vec<Case> {
    let mut padded = String::with_capacity(MB10 + 100);
    while padded.len() < MB10 {
        padded.push('#');
        padded.push_str(&"x".repeat(99));
        padded.push('\n');
    }
    padded.push_str(VALID);
    let mut keys = String::from(VALID);
    keys.push_str("padding:\n");
    let mut i = 0;
    while keys.len() < MB10 {
        let _ = writeln!(keys, "  k{i}: v");
        i += 1;
    }
    let mut seq = String::from(VALID);
    seq.push_str("padding: [");
    while seq.len() < MB10 {
        seq.push_str("1,");
    }
    seq.push_str("1]\n");
    let name = format!(
        "name: {}\nauth: {{ provider: none }}\nresources: {{ movies: {{}} }}\n",
        "a".repeat(MB10)
    );
    let header = format!("{VALID}headers:\n  X-Big: \"{}\"\n", "a".repeat(MB10));
    let size = |name: &str, what: &str, text: String| {
        Case::new(name, what, text.into_bytes())
            .at(At::Optional)
            .forbid("alias")
    };
    vec![
        size(
            "size-10mb-comments",
            "10 MB of comments before a valid spec",
            padded,
        ),
        size(
            "size-10mb-keys",
            "10 MB of keys under an unknown key (no aliases at all)",
            keys,
        ),
        size(
            "size-10mb-flow-sequence",
            "10 MB in one flow sequence under an unknown key",
            seq,
        ),
        size(
            "size-10mb-name",
            "a 10 MB project name (lower-case letters only, so a \"valid\" name)",
            name,
        ),
        size(
            "size-10mb-header-value",
            "a 10 MB response header value",
            header,
        ),
    ]
}

const DEPTH: usize = 10_000;

/// Deep nesting: flow and block collections nested 10,000 levels (and block mappings 1,000 levels
/// by indentation, 2 MB), under known and unknown keys.
fn nesting_cases() -> Vec<Case> {
    let flow_seq = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let flow_map = format!("{}x{}", "{a: ".repeat(DEPTH), "}".repeat(DEPTH));
    let flow_mixed = format!("{}x{}", "[{a: ".repeat(DEPTH / 2), "}]".repeat(DEPTH / 2));
    let unclosed = "[".repeat(DEPTH);
    let block_seq = format!("{}x", "- ".repeat(DEPTH));
    let block_keys = format!("{}x", "? ".repeat(DEPTH));
    let block_mixed = format!("{}x", "- ? ".repeat(DEPTH / 2));
    let mut indented = String::from(VALID);
    indented.push_str("deep:\n");
    for i in 1..=1_000 {
        let _ = writeln!(indented, "{}k:", " ".repeat(i));
    }
    let mut indented_known = String::from("name: a\nauth: { provider: none }\nresources:\n");
    for i in 1..=1_000 {
        let _ = writeln!(indented_known, "{}movies:", " ".repeat(i));
    }
    let c = |name: &str, what: &str, text: String| Case::new(name, what, text.into_bytes());
    vec![
        c(
            "deep-flow-sequences-known-key",
            "10,000 nested `[` under `resources`",
            format!("name: a\nauth: {{ provider: none }}\nresources: {flow_seq}\n"),
        ),
        c(
            "deep-flow-sequences-unknown-key",
            "10,000 nested `[` under an unknown key",
            format!("{VALID}deep: {flow_seq}\n"),
        ),
        c(
            "deep-flow-mappings-known-key",
            "10,000 nested `{a: ` under `resources.movies.fields`",
            format!("name: a\nauth: {{ provider: none }}\nresources: {{ movies: {{ fields: {flow_map} }} }}\n"),
        ),
        c(
            "deep-flow-mappings-unknown-key",
            "10,000 nested `{a: ` under an unknown key",
            format!("{VALID}deep: {flow_map}\n"),
        ),
        c(
            "deep-flow-mixed",
            "10,000 levels alternating `[` and `{a: `",
            format!("{VALID}deep: {flow_mixed}\n"),
        ),
        c(
            "deep-flow-unclosed",
            "10,000 `[` never closed",
            format!("{VALID}deep: {unclosed}\n"),
        ),
        c(
            "deep-block-sequences-top",
            "10,000 nested compact block sequences (`- - - ...`) as the whole spec",
            format!("{block_seq}\n"),
        ),
        c(
            "deep-block-sequences-unknown-key",
            "10,000 nested compact block sequences under an unknown key",
            format!("{VALID}deep:\n  {block_seq}\n"),
        ),
        c(
            "deep-block-sequences-known-key",
            "10,000 nested compact block sequences under `routes`",
            format!("name: a\nauth: {{ provider: none }}\nroutes:\n  {block_seq}\n"),
        ),
        c(
            "deep-block-mappings-complex-keys",
            "10,000 nested block mappings through complex keys (`? ? ? ...`)",
            format!("{block_keys}\n"),
        ),
        c(
            "deep-block-mixed",
            "10,000 levels alternating block sequences and block mappings (`- ? - ? ...`)",
            format!("{VALID}deep:\n  {block_mixed}\n"),
        ),
        c(
            "deep-block-mappings-indented-unknown-key",
            "1,000 block mappings nested by indentation under an unknown key (500 KB)",
            indented,
        ),
        c(
            "deep-block-mappings-indented-known-key",
            "1,000 block mappings nested by indentation under `resources`",
            indented_known,
        ),
    ]
}

/// `levels` anchors, each a list of `width` aliases of the previous one: width^levels nodes.
fn laughs(prefix: &str, levels: usize, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{indent}{prefix}0: &{prefix}0 [{}]",
        vec!["lol"; width].join(", ")
    );
    for i in 1..levels {
        let alias = format!("*{prefix}{}", i - 1);
        let _ = writeln!(
            out,
            "{indent}{prefix}{i}: &{prefix}{i} [{}]",
            vec![alias.as_str(); width].join(", ")
        );
    }
    out
}

/// Alias bombs of several shapes, besides the corpus files.
fn alias_cases() -> Vec<Case> {
    let bomb = |name: &str, what: &str, text: String| {
        Case::new(name, what, text.into_bytes()).expect("alias")
    };
    let mut wide = String::from(VALID);
    let _ = writeln!(wide, "a: &a [{}]", vec!["x"; 1000].join(","));
    let _ = writeln!(wide, "b: [{}]", vec!["*a"; 1000].join(","));
    let mut doubling = String::from(VALID);
    doubling.push_str("d0: &d0 [x, x]\n");
    for i in 1..40 {
        let _ = writeln!(doubling, "d{i}: &d{i} [*d{p}, *d{p}]", p = i - 1);
    }
    let mut maps = String::from(VALID);
    maps.push_str("m0: &m0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x, i: x, j: x}\n");
    for i in 1..9 {
        let p = i - 1;
        let _ = writeln!(
            maps,
            "m{i}: &m{i} {{a: *m{p}, b: *m{p}, c: *m{p}, d: *m{p}, e: *m{p}, f: *m{p}, g: *m{p}, h: *m{p}, i: *m{p}, j: *m{p}}}"
        );
    }
    let mut known = String::from("name: a\nauth: { provider: none }\nroutes:\n");
    known.push_str("  r: { method: GET, path: /r, roles: &roles [admin, admin, admin, admin, admin, admin, admin, admin, admin, admin] }\n");
    known.push_str(&laughs("l", 8, 10, "  "));
    let mut fields =
        String::from("name: a\nauth: { provider: none }\nresources:\n  movies:\n    fields:\n");
    fields.push_str("      f0: &f0 { type: string }\n");
    let mut prev = "f0".to_string();
    for i in 1..8 {
        let _ = writeln!(
            fields,
            "      f{i}: &f{i} {{ type: array, items: string, x: [{}] }}",
            vec![format!("*{prev}"); 10].join(", ")
        );
        prev = format!("f{i}");
    }
    let mut many_small = String::from(VALID);
    many_small.push_str("a: &a x\nb: [");
    many_small.push_str(&vec!["*a"; 200_000].join(","));
    many_small.push_str("]\n");
    vec![
        bomb(
            "alias-bomb-laughs-unknown-key",
            "billion laughs (10^9) in sequences under an unknown top-level key",
            format!("{VALID}lol:\n{}", laughs("l", 9, 10, "  ")),
        ),
        bomb(
            "alias-bomb-laughs-known-key",
            "billion laughs in sequences under `routes`, next to a real route",
            known,
        ),
        bomb(
            "alias-bomb-laughs-fields",
            "billion laughs built from field definitions inside `resources.movies.fields`",
            fields,
        ),
        bomb(
            "alias-bomb-mappings-unknown-key",
            "billion laughs in mappings (10 keys per level) under unknown keys",
            maps,
        ),
        bomb(
            "alias-bomb-doubling",
            "40 levels of a list of two aliases of the previous level (2^40 nodes)",
            doubling,
        ),
        bomb(
            "alias-bomb-quadratic",
            "one 1,000-item anchor referenced 1,000 times in one list (10^6 nodes, 9 KB)",
            wide,
        ),
        Case::new(
            "alias-many-references",
            "200,000 references to one scalar anchor (a big file, not an exponential one)",
            many_small.into_bytes(),
        )
        .at(At::Any),
    ]
}

/// A spec that uses every key, each on its own line (a valid spec: checked below).
const EVERY_KEY: &str = "\
name: wrong-types
target: netlify
base_path: /api
auth:
  provider: jwt
  issuer: https://issuer.example.com/
  audience: api
  jwks_url: https://issuer.example.com/.well-known/jwks.json
  algorithms: [RS256]
  roles_claim: roles
  clock_skew_seconds: 30
headers:
  X-Extra: \"1\"
  Permissions-Policy: ~
cors:
  origins: [https://app.example.com]
  credentials: false
  max_age_seconds: 600
limits:
  body_bytes: 1000
resources:
  movies:
    fields:
      title:
        type: string
        required: true
        min_length: 1
        max_length: 10
      year:
        type: integer
        min: 1
        max: 2
      tags:
        type: array
        items: string
        min_items: 0
        max_items: 3
    operations:
      list:
        auth: none
      delete:
        roles: [admin]
routes:
  search:
    method: GET
    path: /search
    auth: required
    roles: [admin]
";

/// `EVERY_KEY` with the value at `path` replaced by `value` (on the key's line, its nested lines
/// dropped), and the 1-based line and column of the new value.
fn with_value(path: &str, value: &str) -> (String, usize, usize) {
    let want: Vec<&str> = path.split('.').collect();
    let lines: Vec<&str> = EVERY_KEY.lines().collect();
    let mut stack: Vec<(usize, &str)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let Some((key, _)) = line.trim_start().split_once(':') else {
            continue;
        };
        while stack.last().is_some_and(|(n, _)| *n >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        let here: Vec<&str> = stack.iter().map(|(_, k)| *k).collect();
        if here == want {
            let mut out: Vec<String> = lines[..i].iter().map(|l| l.to_string()).collect();
            out.push(format!("{}{key}: {value}", " ".repeat(indent)));
            let rest = lines[i + 1..]
                .iter()
                .skip_while(|l| l.len() - l.trim_start().len() > indent);
            out.extend(rest.map(|l| l.to_string()));
            return (out.join("\n") + "\n", i + 1, indent + key.len() + 3);
        }
    }
    panic!("no key `{path}` in EVERY_KEY");
}

/// Every key of the spec given values of the wrong type; one case each, since loading stops at
/// the first value of the wrong type.
fn wrong_type_cases() -> Vec<Case> {
    const STRING: &[&str] = &["[x]", "{x: 1}"];
    const BOOL: &[&str] = &["\"yes\"", "1", "[true]"];
    const COUNT: &[&str] = &["-1", "1.5", "many", "[1]"];
    const NUMBER: &[&str] = &["many", "[1]", "{x: 1}"];
    const LIST: &[&str] = &["RS256", "{x: 1}"];
    const MAP: &[&str] = &["[x]", "5", "text"];
    let table: &[(&str, &[&str])] = &[
        ("name", STRING),
        ("target", STRING),
        ("base_path", STRING),
        ("auth", MAP),
        ("auth.provider", STRING),
        ("auth.issuer", STRING),
        ("auth.audience", STRING),
        ("auth.jwks_url", STRING),
        ("auth.algorithms", LIST),
        ("auth.roles_claim", STRING),
        ("auth.clock_skew_seconds", COUNT),
        ("headers", MAP),
        ("headers.X-Extra", STRING),
        ("cors", MAP),
        ("cors.origins", LIST),
        ("cors.credentials", BOOL),
        ("cors.max_age_seconds", COUNT),
        ("limits", MAP),
        ("limits.body_bytes", COUNT),
        ("resources", MAP),
        ("resources.movies", MAP),
        ("resources.movies.fields", MAP),
        ("resources.movies.fields.title", MAP),
        ("resources.movies.fields.title.type", STRING),
        ("resources.movies.fields.title.required", BOOL),
        ("resources.movies.fields.title.min_length", COUNT),
        ("resources.movies.fields.title.max_length", COUNT),
        ("resources.movies.fields.year.min", NUMBER),
        ("resources.movies.fields.year.max", NUMBER),
        ("resources.movies.fields.tags.items", STRING),
        ("resources.movies.fields.tags.min_items", COUNT),
        ("resources.movies.fields.tags.max_items", COUNT),
        ("resources.movies.operations", &["5", "true", "list"]),
        ("resources.movies.operations.list", &["[x]", "5"]),
        ("resources.movies.operations.list.auth", STRING),
        ("resources.movies.operations.delete.roles", LIST),
        ("routes", MAP),
        ("routes.search", MAP),
        ("routes.search.method", STRING),
        ("routes.search.path", STRING),
        ("routes.search.auth", STRING),
        ("routes.search.roles", LIST),
    ];
    let mut out = Vec::new();
    for (path, values) in table {
        for (i, value) in values.iter().enumerate() {
            let (text, line, col) = with_value(path, value);
            out.push(
                Case::new(
                    &format!("wrong-type-{path}-{i}"),
                    &format!("`{path}: {value}`, a value of the wrong type"),
                    text.into_bytes(),
                )
                .expect(&format!("`{path}"))
                .at(At::LineCol(line, col)),
            );
        }
    }
    out
}

/// Base paths that leave `/api` or are not paths.
fn base_path_cases() -> Vec<Case> {
    [
        "/api/..",
        "/api/./x",
        "//api",
        "/.netlify/functions",
        "api",
        "/api/",
        "/a%2e%2e",
        "'C:\\api'",
        "'/api\\x'",
        "/API",
        "/",
        "''",
        "/api/{id}",
        "'/api\\0'",
        "\"/api\\u202e\"",
    ]
    .iter()
    .enumerate()
    .map(|(i, bp)| {
        Case::new(
            &format!("base-path-{i}"),
            &format!("`base_path: {bp}`"),
            format!("name: a\nbase_path: {bp}\nauth: {{ provider: none }}\nresources: {{ movies: {{}} }}\n")
                .into_bytes(),
        )
        .expect("base_path")
        .at(At::LineCol(2, 12))
    })
    .collect()
}

// ---------------------------------------------------------------------------------------------
// Running the binary

fn timeout() -> Duration {
    Duration::from_secs(
        std::env::var("HOSTILE_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30),
    )
}

/// Address-space limit of each run, in KiB (Unix).
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;

#[derive(Debug)]
struct Run {
    /// `None`: killed by a signal, or by us at the timeout.
    code: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// The binary under test: this build's, or `SCAFFOLD_BIN` (e.g. a release build, to read the
/// time table in a release-like sense).
fn binary() -> OsString {
    std::env::var_os("SCAFFOLD_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_scaffold").into())
}

/// Runs the crate's binary with `args` in `cwd`, under a memory limit and a timeout.
fn run_scaffold(cwd: &Path, args: &[OsString]) -> Run {
    let bin = binary();
    let mut cmd = if cfg!(unix) && Path::new("/bin/sh").exists() {
        let mut c = Command::new("/bin/sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_LIMIT_KIB} 2>/dev/null; exec \"$0\" \"$@\""
            ))
            .arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn scaffold");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let read_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let read_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let limit = timeout();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let lossy = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    Run {
        code: if timed_out { None } else { status.code() },
        timed_out,
        stdout: lossy(read_out.join().unwrap()),
        stderr: lossy(read_err.join().unwrap()),
        elapsed,
    }
}

/// Every entry under `root`: directories, files with their bytes, symlinks with their targets.
fn tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let kind = e.file_type().unwrap();
            if kind.is_symlink() {
                let target = fs::read_link(&p).map(|t| t.display().to_string());
                out.insert(rel, format!("symlink -> {target:?}"));
            } else if kind.is_dir() {
                out.insert(rel.clone() + "/", "dir".to_string());
                walk(root, &p, out);
            } else {
                let bytes = fs::read(&p).unwrap_or_default();
                let digest = bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
                    (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
                });
                out.insert(rel, format!("file {} bytes fnv {digest:016x}", bytes.len()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// What changed between two `tree`s, one line per entry (the first 8, then a count).
fn tree_diff(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> String {
    let mut lines = Vec::new();
    for (k, v) in after {
        match before.get(k) {
            None => lines.push(format!("\n    + {k} ({v})")),
            Some(b) if b != v => lines.push(format!("\n    ~ {k} ({b} -> {v})")),
            _ => {}
        }
    }
    for k in before.keys().filter(|k| !after.contains_key(*k)) {
        lines.push(format!("\n    - {k}"));
    }
    let more = lines.len().saturating_sub(8);
    let mut out: String = lines.into_iter().take(8).collect();
    if more > 0 {
        let _ = write!(out, "\n    ... and {more} more");
    }
    out
}

/// A project made by `scaffold new` from an example spec, copied for each `generate` run (made
/// by the binary under test, so that its lock is one that binary reads).
fn template_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    let spec = manifest_dir().join("specs/bookclub.yaml");
    let run = run_scaffold(
        tmp.path(),
        &["new".into(), proj.into(), "--spec".into(), spec.into()],
    );
    assert_eq!(
        run.code,
        Some(0),
        "scaffold new for the template project: {run:?}"
    );
    tmp
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmd {
    New,
    Generate,
}

/// Control characters a report must not send to a terminal: C0 but `\n`, DEL, C1, bidi controls.
fn control_chars(s: &str) -> Vec<String> {
    let mut seen: Vec<String> = s
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("{}", c.escape_unicode()))
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

/// A report line's title after `error: ` or `error[S123]: ` (a spec problem's code).
fn title(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("error")?;
    if let Some(t) = rest.strip_prefix(": ") {
        return Some(t);
    }
    let (code, t) = rest.strip_prefix("[S")?.split_once("]: ")?;
    (code.len() == 3 && code.chars().all(|c| c.is_ascii_digit())).then_some(t)
}

/// The diagnostics of a report: each `error: ...` block but the closing count.
fn blocks(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if title(line).is_some() {
            out.push(String::new());
        }
        if let Some(b) = out.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    if out
        .last()
        .is_some_and(|b| b.contains(" problem") && b.lines().count() == 1)
    {
        out.pop();
    }
    out
}

/// Runs one case with one command in a fresh temp dir; returns the failures and the run.
fn run_case(case: &Case, cmd: Cmd, template: &Path) -> (Vec<String>, Duration) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let spec_dir = root.join("spec");
    let work = root.join("work");
    fs::create_dir_all(&spec_dir).unwrap();
    fs::create_dir_all(&work).unwrap();
    let spec_name = format!("{}.yaml", case.name);
    let spec = spec_dir.join(&spec_name);
    fs::write(&spec, &case.bytes).unwrap();
    let proj = work.join("proj");
    let (args, label): (Vec<OsString>, String) = match cmd {
        Cmd::New => (
            vec![
                "new".into(),
                proj.clone().into(),
                "--spec".into(),
                spec.into(),
            ],
            // `new` names the spec by the file it will become in the project.
            "scaffold.yaml".to_string(),
        ),
        Cmd::Generate => {
            copy_tree(&template.join("proj"), &proj);
            (
                vec![
                    "generate".into(),
                    "--dir".into(),
                    proj.clone().into(),
                    "--spec".into(),
                    spec.into(),
                ],
                spec_name.clone(),
            )
        }
    };
    let project_before = snapshot(&proj);
    let before = tree(root);
    let run = run_scaffold(&work, &args);
    let after = tree(root);

    let mut fail = Vec::new();
    let err = &run.stderr;
    if run.timed_out {
        fail.push(format!("did not finish within {:?}", timeout()));
    } else if run.code.is_none() {
        fail.push(format!(
            "killed by a signal (a crash, a stack overflow, or the {} MiB memory limit)",
            MEMORY_LIMIT_KIB / 1024
        ));
    } else if run.code != Some(2) {
        fail.push(format!("exit code {:?}, expected 2", run.code.unwrap()));
    }
    let changed = tree_diff(&before, &after);
    if !changed.is_empty() {
        fail.push(format!("wrote to the disk:{changed}"));
    }
    if cmd == Cmd::New && proj.exists() {
        fail.push("`new` left the project folder behind".to_string());
    }
    if cmd == Cmd::Generate && snapshot(&proj) != project_before {
        fail.push("the existing project changed".to_string());
    }
    if run.code == Some(2) || run.code == Some(1) {
        if !run.stdout.is_empty() {
            fail.push(format!("printed on stdout: {}", excerpt(&run.stdout)));
        }
        if title(err).is_none() {
            fail.push("stderr does not start with `error: ` or `error[S...]: `".to_string());
        }
        if blocks(err)
            .iter()
            .any(|b| position(b, &label).is_some() && !b.starts_with("error[S"))
        {
            fail.push("a located problem without its code (`error[S...]`)".to_string());
        }
        if !err.contains(&format!("{label}:")) {
            fail.push(format!("the report does not name the spec as `{label}:`"));
        }
        if !err.trim_end().ends_with("nothing was written") {
            fail.push("the report does not end with `nothing was written`".to_string());
        }
        let positioned = blocks(err)
            .iter()
            .filter_map(|b| position(b, &label))
            .collect::<Vec<_>>();
        match case.at {
            At::Any if positioned.is_empty() => {
                fail.push(format!("no problem has a position (`{label}:LINE:COL:`)"))
            }
            At::Nowhere if !positioned.is_empty() => fail.push(format!(
                "a position for a whole-file problem: {positioned:?}"
            )),
            At::Line(l) if !positioned.iter().any(|p| p.0 == l) => fail.push(format!(
                "no problem at line {l} (positions: {positioned:?})"
            )),
            At::LineCol(l, c) if !positioned.contains(&(l, c)) => {
                fail.push(format!("no problem at {l}:{c} (positions: {positioned:?})"))
            }
            _ => {}
        }
        for b in blocks(err) {
            if !b.contains("expected") {
                fail.push(format!(
                    "a problem without what was expected: {}",
                    b.lines().next().unwrap_or("")
                ));
            }
        }
        for want in &case.expect {
            if !err.contains(want.as_str()) {
                fail.push(format!("the report lacks {want:?}"));
            }
        }
        for bad in &case.forbid {
            if err.contains(bad.as_str()) {
                fail.push(format!("the report mentions {bad:?}"));
            }
        }
        let controls = control_chars(err);
        if !controls.is_empty() {
            fail.push(format!(
                "the report echoes control characters to the terminal: {}",
                controls.join(" ")
            ));
        }
    }
    if !fail.is_empty() {
        fail.push(format!("stderr: {}", excerpt(err)));
    }
    (fail, run.elapsed)
}

/// `LINE:COL` of a diagnostic block titled `error: <label>:LINE:COL: ...`.
fn position(block: &str, label: &str) -> Option<(usize, usize)> {
    let title = block.lines().next()?;
    let rest = self::title(title)?.strip_prefix(label)?;
    let mut parts = rest.strip_prefix(':')?.splitn(3, ':');
    let line = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((line, col))
}

fn excerpt(s: &str) -> String {
    let s: String = s.chars().take(1200).collect();
    format!("{:?}", s)
}

/// Runs every case with both commands; fails with every failure at once; prints the times.
fn check_all(group: &str, cases: &[Case]) {
    let template = template_project();
    let mut failures = Vec::new();
    let mut times = Vec::new();
    for case in cases {
        for cmd in [Cmd::New, Cmd::Generate] {
            let (fail, elapsed) = run_case(case, cmd, template.path());
            let id = format!("{} ({cmd:?})", case.name);
            times.push((elapsed, id.clone()));
            if !fail.is_empty() {
                failures.push(format!(
                    "{id}, {} bytes\n  attacks: {}\n  - {}",
                    case.bytes.len(),
                    case.what,
                    fail.join("\n  - ")
                ));
            }
        }
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut table = format!(
        "\n{group}: {} runs of {}; slowest first (debug builds and parallel tests inflate these)\n",
        times.len(),
        binary().to_string_lossy()
    );
    for (t, id) in times.iter().take(15) {
        let _ = writeln!(table, "  {:>9.3} s  {id}", t.as_secs_f64());
    }
    eprintln!("{table}");
    assert!(
        failures.is_empty(),
        "{} of {} hostile runs in `{group}` failed:\n\n{}\n",
        failures.len(),
        cases.len() * 2,
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn corpus_files() {
    check_all("tests/hostile/*.yaml", &corpus());
}

#[test]
fn invalid_utf8_and_control_bytes() {
    check_all("encoding", &encoding_cases());
}

#[test]
fn byte_order_marks_after_the_start() {
    check_all("bom", &bom_cases());
}

#[test]
fn ten_megabyte_specs() {
    check_all("size", &size_cases());
}

#[test]
fn deep_nesting() {
    check_all("nesting", &nesting_cases());
}

#[test]
fn alias_bombs() {
    check_all("aliases", &alias_cases());
}

#[test]
fn every_key_with_a_value_of_the_wrong_type() {
    // The base spec is valid, so each case has exactly one problem: its wrong value.
    let templates = scaffold::Templates::builtin();
    let base = scaffold::generate(&scaffold::Input {
        spec_file: "scaffold.yaml",
        spec: EVERY_KEY.as_bytes(),
        target: None,
        templates: &templates,
    });
    assert!(
        base.is_ok(),
        "EVERY_KEY must be valid: {:?}",
        base.err().map(|e| e.to_string())
    );
    check_all("wrong types", &wrong_type_cases());
}

#[test]
fn base_paths_that_leave_the_mount() {
    check_all("base paths", &base_path_cases());
}

/// The case table is what it says: the wrong-type cases put their value where they claim.
#[test]
fn wrong_value_lands_on_its_key() {
    let (text, line, col) = with_value("resources.movies.fields.title", "[x]");
    let l = text.lines().nth(line - 1).unwrap();
    assert_eq!(l, "      title: [x]");
    assert_eq!(&l[col - 1..], "[x]");
    assert!(text.contains("      year:\n"), "siblings stay: {text}");
    assert!(!text.contains("min_length"), "children go: {text}");
}

/// A BOM first, then a valid spec, is accepted (editors on Windows write one), and positions in
/// a report of a spec with a BOM are not shifted by it.
#[test]
fn a_bom_before_a_valid_spec_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("bom.yaml");
    fs::write(&spec, format!("{BOM}{VALID}")).unwrap();
    let proj = tmp.path().join("proj");
    let run = run_scaffold(
        tmp.path(),
        &[
            "new".into(),
            proj.clone().into(),
            "--spec".into(),
            spec.clone().into(),
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(proj.join("netlify/functions/api.js").is_file());
    let run = run_scaffold(
        tmp.path(),
        &["check".into(), "--dir".into(), proj.clone().into()],
    );
    assert_eq!(
        run.code,
        Some(0),
        "`check` right after `new` with a BOM: {run:?}"
    );
    let run = run_scaffold(
        tmp.path(),
        &["generate".into(), "--dir".into(), proj.into()],
    );
    assert_eq!(run.code, Some(0), "{run:?}");

    fs::write(
        &spec,
        format!("{BOM}name: ../x\nauth: {{ provider: none }}\nresources: {{ movies: {{}} }}\n"),
    )
    .unwrap();
    let run = run_scaffold(
        tmp.path(),
        &[
            "new".into(),
            tmp.path().join("p2").into(),
            "--spec".into(),
            spec.into(),
        ],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("scaffold.yaml:1:7: invalid project name `../x`"),
        "{}",
        run.stderr
    );
}

/// Template overrides that cannot render: a clear error naming the template, nothing written.
/// Exit 1, as `Error::exit_code` and the README have it for broken templates.
#[test]
fn template_overrides_that_fail_to_render() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("syntax error", "netlify/api.js", "{{ nope( }}\n", "syntax error"),
        (
            "undefined variable",
            "netlify/api.js",
            "// {{ no_such_variable }}\n",
            "no_such_variable",
        ),
        (
            "undefined attribute",
            "_shared/handler.js",
            "// {{ op.no_such_attribute.deeper }}\n",
            "undefined",
        ),
        (
            "include outside the templates",
            "netlify/api.js",
            "{% include \"../../../../../../etc/passwd\" %}\n",
            "etc/passwd",
        ),
        (
            "self-include",
            "netlify/api.js",
            "{% include \"netlify/api.js\" %}\n",
            "netlify/api.js",
        ),
        (
            "unbounded recursion",
            "netlify/api.js",
            "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\n",
            "recursion",
        ),
        (
            "a target whose file path leaves the project",
            "netlify/target.yaml",
            "description: x\nnext: x\nrun: x\nentry: x\nplatform_context: x\nsettings_hint: x\n\
             auth_providers: [netlify-identity, none]\ndefault_storage: none\nshared_from_handlers: x\n\
             module: cjs\nmax_body_bytes: 6000000\nreserved_stems: []\n\
             files:\n  - { path: ../../escape.js, template: api.js, class: owned }\n\
             \x20 - { path: \"r/{group}.js\", template: _shared/routes.js, class: owned, each: group }\n",
            "../../escape.js",
        ),
        (
            "a target whose file path is absolute",
            "netlify/target.yaml",
            "description: x\nnext: x\nrun: x\nentry: x\nplatform_context: x\nsettings_hint: x\n\
             auth_providers: [netlify-identity, none]\ndefault_storage: none\nshared_from_handlers: x\n\
             module: cjs\nmax_body_bytes: 6000000\nreserved_stems: []\n\
             files:\n  - { path: /tmp/scaffold-hostile-escape.js, template: api.js, class: owned }\n\
             \x20 - { path: \"r/{group}.js\", template: _shared/routes.js, class: owned, each: group }\n",
            "/tmp/scaffold-hostile-escape.js",
        ),
    ];
    let template = template_project();
    let mut failures = Vec::new();
    for (what, file, source, mention) in cases {
        for cmd in [Cmd::New, Cmd::Generate] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path();
            let tpl = root.join("tpl");
            let path = tpl.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, source).unwrap();
            let work = root.join("work");
            fs::create_dir_all(&work).unwrap();
            let proj = work.join("proj");
            let mut args: Vec<OsString> = match cmd {
                Cmd::New => vec!["new".into(), proj.clone().into()],
                Cmd::Generate => {
                    copy_tree(&template.path().join("proj"), &proj);
                    vec!["generate".into(), "--dir".into(), proj.clone().into()]
                }
            };
            args.extend(["--templates".into(), tpl.into()]);
            let before = tree(root);
            let run = run_scaffold(&work, &args);
            let mut fail = Vec::new();
            if run.code != Some(1) {
                fail.push(format!("exit {:?}, expected 1", run.code));
            }
            let template = file.rsplit('/').next().unwrap();
            if !run.stderr.starts_with("error: ") || !run.stderr.contains(template) {
                fail.push(format!("the error does not name the template `{template}`"));
            }
            if !run.stderr.contains(mention) {
                fail.push(format!("the error does not mention {mention:?}"));
            }
            let changed = tree_diff(&before, &tree(root));
            if !changed.is_empty() {
                fail.push(format!("wrote to the disk:{changed}"));
            }
            if !fail.is_empty() {
                failures.push(format!(
                    "{what} ({cmd:?}): {}\n  stderr: {}",
                    fail.join("; "),
                    excerpt(&run.stderr)
                ));
            }
        }
    }
    assert!(!Path::new("/tmp/scaffold-hostile-escape.js").exists());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The absolute paths the corpus names exist nowhere after it ran (a test of the whole file, so
/// it checks what the other tests did too; it also runs the names' corpus cases itself).
#[test]
fn names_do_not_reach_absolute_paths() {
    let cases: Vec<Case> = corpus()
        .into_iter()
        .filter(|c| c.name.contains("escape") || c.name.starts_with("yaml-"))
        .collect();
    assert!(cases.len() >= 5);
    let template = template_project();
    for case in &cases {
        run_case(case, Cmd::New, template.path());
    }
    for path in [
        "/tmp/scaffold-hostile-escape",
        "/tmp/scaffold-hostile-escape.js",
    ] {
        assert!(!Path::new(path).exists(), "{path} was created");
    }
}
