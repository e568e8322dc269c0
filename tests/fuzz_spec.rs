//! A bounded, seeded fuzz loop over spec text (stable Rust, no cargo-fuzz): the example specs of
//! `specs/` mutated byte-, line- and token-wise, each result fed to `scaffold::generate`.
//!
//! For every input: no panic. An accepted spec yields only safe relative output paths; a rejected
//! one is an `Error::Spec` with at least one diagnostic, a non-empty report, and positions inside
//! the text. Every 50th input also goes through the real `scaffold new` in a temp dir, which must
//! exit 0 exactly when the library accepted (2 otherwise) and write nothing outside its project.
//!
//! Bounded by a count and a wall-clock budget, both overridable:
//! `FUZZ_SEED` (default below), `FUZZ_CASES` (3000), `FUZZ_SECONDS` (20), `FUZZ_CASE` (replay one
//! case of the seed). Each case has its own generator derived from (seed, index), so a failure
//! is replayed with `FUZZ_SEED=<seed> FUZZ_CASE=<index>`. The input being tried is kept in
//! `target/tmp/fuzz_spec/last-input.yaml`: if the process aborts (a stack overflow cannot be
//! caught), that file is the input that did it.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scaffold::{generate, Error, Input, Templates};

mod common;

use common::rng::Rng;

const DEFAULT_SEED: u64 = 0x5CAF_F01D_2026_0001;

/// Characters and snippets that mean something to YAML.
const SIGNIFICANT: &[&str] = &[
    ":",
    "-",
    "[",
    "]",
    "{",
    "}",
    "*",
    "&",
    "!",
    "|",
    ">",
    "'",
    "\"",
    "#",
    "%",
    "@",
    "`",
    ",",
    "?",
    "\n",
    " ",
    "\t",
    "- ",
    ": ",
    "---\n",
    "...\n",
    "<<: ",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "\\",
    "%YAML 1.1\n",
    "!tag ",
];

/// Text that editors, encodings and attackers put into files.
const UNICODE: &[&str] = &[
    "\u{feff}",
    "\0",
    "\u{202e}",
    "\u{200b}",
    "ｍ",
    "а",
    "é",
    "😀",
    "\r",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "\u{7f}",
    "\u{1b}[31m",
    "\u{fffd}",
    "\u{0301}",
    "ß",
    "İ",
    "\u{1}",
];

/// Values and names worth trying anywhere a word stands.
const TOKENS: &[&str] = &[
    "../x",
    "/etc/passwd",
    "C:\\x",
    "a/b",
    "..",
    ".",
    "~",
    "null",
    "true",
    "false",
    "yes",
    "0",
    "-1",
    "1.5",
    "1e999",
    ".nan",
    ".inf",
    "[]",
    "{}",
    "[x]",
    "{x: 1}",
    "\"\\0\"",
    "''",
    "index",
    "api_methods",
    "dispatch",
    "constructor",
    "__proto__",
    "class",
    "delete",
    "movies",
    "list",
    "read",
    "create",
    "update",
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "TRACE",
    "none",
    "required",
    "jwt",
    "netlify-identity",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "/search",
    "/{id}",
    "/x/{id}/y",
    "//",
    "/a/../b",
    "%2e",
    "admin",
    "X-Frame-Options",
    "Content-Type",
    "*a",
    "&a x",
    "movieList",
    "movie_list",
    "Movies",
    "18446744073709551616",
    "9007199254740993",
    "https://app.example.com",
    "env:ISSUER",
    "RS256",
    "none2",
];

/// Names that collide with something: the dispatcher's own bindings, globals, platform file stems,
/// JavaScript keywords and prototype keys, names equal after case conversion, path-like names.
const NAMES: &[&str] = &[
    "dispatch",
    "handle",
    "reply",
    "crypto",
    "authenticate",
    "securityHeaders",
    "parseJson",
    "eventBody",
    "matchRoute",
    "pathSegments",
    "headerValue",
    "corsHeaders",
    "console",
    "process",
    "globalThis",
    "index",
    "api_methods",
    "constructor",
    "prototype",
    "__proto__",
    "toString",
    "hasOwnProperty",
    "class",
    "new",
    "delete",
    "Movies",
    "movieList",
    "movie_list",
    "books_list",
    "getItem",
    "get_item",
    "../x",
    "a/b",
    "C:\\x",
    "x.js",
    "mоvies",
    "movies\u{200b}",
];

/// A few names of the spec's keys, for splicing keys in where they do not belong.
const KEYS: &[&str] = &[
    "name",
    "target",
    "base_path",
    "auth",
    "provider",
    "headers",
    "cors",
    "origins",
    "limits",
    "body_bytes",
    "resources",
    "fields",
    "type",
    "required",
    "items",
    "min",
    "max",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
    "enum",
    "format",
    "pattern",
    "default",
    "nullable",
    "readonly",
    "ref",
    "operations",
    "roles",
    "routes",
    "method",
    "path",
    "issuer",
    "audience",
    "jwks_url",
    "algorithms",
    "roles_claim",
    "clock_skew_seconds",
    "credentials",
    "max_age_seconds",
];

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// One mutation of `input`; returns its name.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) -> &'static str {
    let at = |rng: &mut Rng, v: &Vec<u8>| rng.below(v.len() + 1);
    match rng.below(17) {
        0 => {
            let start = at(rng, input);
            let len = 1 + rng.below(16);
            let end = (start + len).min(input.len());
            input.drain(start..end);
            "delete bytes"
        }
        1 => {
            let mut ls = lines(input);
            let i = rng.below(ls.len());
            let line = ls[i].clone();
            ls.insert(i, line);
            *input = join(&ls);
            "duplicate a line"
        }
        2 => {
            let mut ls = lines(input);
            let (i, j) = (rng.below(ls.len()), rng.below(ls.len()));
            ls.swap(i, j);
            *input = join(&ls);
            "swap two lines"
        }
        3 => {
            let mut ls = lines(input);
            if ls.len() > 1 {
                ls.remove(rng.below(ls.len()));
            }
            *input = join(&ls);
            "delete a line"
        }
        4 => {
            let i = at(rng, input);
            let s = rng.pick(SIGNIFICANT).as_bytes();
            input.splice(i..i, s.iter().copied());
            "insert a YAML character"
        }
        5 => {
            let i = at(rng, input);
            let s = rng.pick(UNICODE).as_bytes();
            input.splice(i..i, s.iter().copied());
            "insert unicode"
        }
        6 => {
            let mut ls = lines(input);
            let i = rng.below(ls.len());
            let line = &mut ls[i];
            match rng.below(4) {
                0 => line
                    .splice(0..0, vec![b' '; 1 + rng.below(4)])
                    .for_each(drop),
                1 => {
                    let n = line.iter().take_while(|b| **b == b' ').count();
                    line.drain(..n.min(1 + rng.below(4)));
                }
                2 => line.splice(0..0, [b'\t']).for_each(drop),
                _ => {
                    let n = line.iter().take_while(|b| **b == b' ').count();
                    line.splice(0..n, vec![b'\t'; n / 2]).for_each(drop);
                }
            }
            *input = join(&ls);
            "change indentation"
        }
        7 => {
            let other = lines(&seeds[rng.below(seeds.len())]);
            let line = rng.pick(&other).clone();
            let mut ls = lines(input);
            let i = rng.below(ls.len() + 1);
            ls.insert(i, line);
            *input = join(&ls);
            "splice a line of another spec"
        }
        8 | 9 => {
            // Replace a word with a hostile token, a key, or a word of the example specs.
            let words = word_spans(input);
            if let Some(&(s, e)) = words.get(rng.below(words.len())) {
                let replacement: Vec<u8> = match rng.below(3) {
                    0 => rng.pick(TOKENS).as_bytes().to_vec(),
                    1 => rng.pick(KEYS).as_bytes().to_vec(),
                    _ => {
                        let seed = &seeds[rng.below(seeds.len())];
                        let ws = word_spans(seed);
                        match ws.get(rng.below(ws.len())) {
                            Some(&(a, b)) => seed[a..b].to_vec(),
                            None => b"x".to_vec(),
                        }
                    }
                };
                input.splice(s..e, replacement);
            }
            "replace a word"
        }
        10 => {
            if !input.is_empty() {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            "set a byte"
        }
        11 => {
            // An anchor on one value and an alias to it elsewhere.
            let spans = value_spans(input);
            let (i, j) = (rng.below(spans.len()), rng.below(spans.len()));
            if i != j {
                let (first, second) = (spans[i.min(j)], spans[i.max(j)]);
                input.splice(second.0..second.1, b"*x".iter().copied());
                input.splice(first.0..first.0, b"&x ".iter().copied());
            }
            "anchor and alias"
        }
        12 => {
            // A value of another type in place of a scalar value.
            let spans = value_spans(input);
            if let Some(&(s, e)) = spans.get(rng.below(spans.len())) {
                let v = *rng.pick(&[
                    "[1]", "{x: 1}", "5", "-5", "1.5", "true", "~", "\"\"", "[]", "{}", "|\n  x",
                ]);
                input.splice(s..e, v.bytes());
            }
            "value of another type"
        }
        13 => {
            // Swap two neighbouring lines of the same indentation (often still valid).
            let mut ls = lines(input);
            let indent = |l: &Vec<u8>| l.iter().take_while(|b| **b == b' ').count();
            let candidates: Vec<usize> = (0..ls.len().saturating_sub(1))
                .filter(|&i| indent(&ls[i]) == indent(&ls[i + 1]) && !ls[i].is_empty())
                .collect();
            if let Some(&i) = candidates.get(rng.below(candidates.len())) {
                ls.swap(i, i + 1);
            }
            *input = join(&ls);
            "swap sibling lines"
        }
        14 => {
            // Copy a line with a renamed key: a new resource, field, route or header.
            let mut ls = lines(input);
            let i = rng.below(ls.len());
            let mut line = ls[i].clone();
            if let Some(colon) = line.iter().position(|b| *b == b':') {
                let suffix = format!("{}", rng.below(100));
                line.splice(colon..colon, suffix.bytes());
                ls.insert(i + 1, line);
            }
            *input = join(&ls);
            "copy a line under a new key"
        }
        15 => {
            // Rename a key (a resource, field, route, header... or a spec key) to a hostile name.
            let mut ls = lines(input);
            let keyed: Vec<usize> = (0..ls.len())
                .filter(|&i| {
                    let t = ls[i].trim_ascii_start();
                    !t.starts_with(b"#") && t.iter().position(|b| *b == b':').is_some_and(|c| c > 0)
                })
                .collect();
            if let Some(&i) = keyed.get(rng.below(keyed.len())) {
                let line = &mut ls[i];
                let start = line
                    .iter()
                    .take_while(|b| **b == b' ' || **b == b'-')
                    .count();
                let colon = start + line[start..].iter().position(|b| *b == b':').unwrap();
                line.splice(start..colon, rng.pick(NAMES).bytes());
            }
            *input = join(&ls);
            "rename a key"
        }
        _ => {
            // Nest a value: wrap it in brackets a few (or many) times.
            let spans = value_spans(input);
            if let Some(&(s, e)) = spans.get(rng.below(spans.len())) {
                let depth = if rng.below(10) == 0 {
                    200
                } else {
                    1 + rng.below(4)
                };
                let (open, close) = if rng.below(2) == 0 {
                    ("[", "]")
                } else {
                    ("{a: ", "}")
                };
                let mut v = open.repeat(depth).into_bytes();
                v.extend_from_slice(&input[s..e]);
                v.extend(close.repeat(depth).bytes());
                input.splice(s..e, v);
            }
            "nest a value"
        }
    }
}

/// Byte ranges of ASCII words (`[A-Za-z0-9_/.-]+`).
fn word_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b"_/.-".contains(&b);
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (is_word(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, bytes.len()));
    }
    out
}

/// Byte ranges of plain scalar values after `: ` up to `,`, `}` or the end of the line.
fn value_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b':' && bytes[i + 1] == b' ' {
            let s = i + 2;
            let mut e = s;
            while e < bytes.len() && !b",}\n#".contains(&bytes[e]) {
                e += 1;
            }
            if e > s && !b"[{".contains(&bytes[s]) {
                out.push((s, e));
            }
            i = e;
        } else {
            i += 1;
        }
    }
    out
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 3,
        "expected the example specs in {}",
        dir.display()
    );
    out
}

/// Why an output path is not a safe relative path, if it is not.
fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("empty");
    }
    if path.starts_with('/') {
        return Some("absolute");
    }
    if path.contains('\\') {
        return Some("backslash");
    }
    if path.contains('\0') {
        return Some("NUL");
    }
    if path.contains(':') {
        return Some("colon (drive letter or stream)");
    }
    for c in path.split('/') {
        if c.is_empty() {
            return Some("empty component");
        }
        if c == "." || c == ".." {
            return Some("dot component");
        }
        if !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch))
        {
            return Some("character outside [A-Za-z0-9._-]");
        }
    }
    None
}

#[derive(Debug, Default)]
struct Stats {
    cases: usize,
    accepted: usize,
    rejected: usize,
    cli_runs: usize,
    /// First message of each rejection, normalised, with counts.
    kinds: BTreeMap<String, usize>,
    slowest: Vec<(Duration, usize, usize)>,
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|s| {
        let s = s.trim();
        s.strip_prefix("0x")
            .map(|h| u64::from_str_radix(h, 16))
            .unwrap_or_else(|| s.parse())
            .unwrap_or_else(|e| panic!("{name}={s}: {e}"))
    })
}

fn show(input: &[u8]) -> String {
    let s = String::from_utf8_lossy(input);
    let s: String = s.chars().take(3000).collect();
    format!("{s:?}")
}

#[test]
fn mutated_specs_never_panic_and_never_escape() {
    let seed = env_u64("FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let max_cases = env_u64("FUZZ_CASES").unwrap_or(3000) as usize;
    let budget = Duration::from_secs(env_u64("FUZZ_SECONDS").unwrap_or(20));
    let only = env_u64("FUZZ_CASE").map(|c| c as usize);
    let seeds = seeds();
    let seed_bytes: Vec<Vec<u8>> = seeds.iter().map(|(_, b)| b.clone()).collect();
    let templates = Templates::builtin();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz_spec");
    fs::create_dir_all(&scratch).unwrap();
    let last = scratch.join("last-input.yaml");
    eprintln!(
        "fuzz_spec: seed {seed:#x}, up to {max_cases} cases or {budget:?}; the input in progress is kept in {}",
        last.display()
    );

    // The seeds themselves must be accepted, or the mutations start from nothing.
    for (name, bytes) in &seeds {
        let r = generate(&Input {
            spec_file: "scaffold.yaml",
            spec: bytes,
            target: None,
            templates: &templates,
        });
        assert!(
            r.is_ok(),
            "specs/{name} is rejected: {:?}",
            r.err().map(|e| e.to_string())
        );
    }

    let start = Instant::now();
    let mut stats = Stats::default();
    let mut failures = Failures::default();
    let range: Box<dyn Iterator<Item = usize>> = match only {
        Some(c) => Box::new(c..=c),
        None => Box::new(0..max_cases),
    };
    for case in range {
        if only.is_none() && start.elapsed() > budget {
            break;
        }
        let mut rng = Rng::new(seed, case as u64);
        let (seed_name, base) = rng.pick(&seeds);
        let mut input = base.clone();
        let mut applied = Vec::new();
        for _ in 0..1 + rng.below(3) {
            applied.push(mutate(&mut rng, &mut input, &seed_bytes));
        }
        fs::write(&last, &input).unwrap();
        let mut fail = |kind: &str, what: String| {
            let path = scratch.join(format!("failure-{seed:x}-{case}.yaml"));
            let _ = fs::write(&path, &input);
            failures.add(
                kind,
                format!(
                    "case {case} (FUZZ_SEED={seed:#x} FUZZ_CASE={case}): {what}\n  from specs/{seed_name} by {applied:?}\n  saved as {}\n  input: {}",
                    path.display(),
                    show(&input)
                ),
            );
        };

        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            generate(&Input {
                spec_file: "scaffold.yaml",
                spec: &input,
                target: None,
                templates: &templates,
            })
        }));
        let elapsed = t.elapsed();
        stats.cases += 1;
        stats.slowest.push((elapsed, case, input.len()));
        stats.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        stats.slowest.truncate(5);

        let accepted = match result {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                fail("panic", format!("panicked: {msg}"));
                continue;
            }
            Ok(Ok(generated)) => {
                stats.accepted += 1;
                if generated.tree.files.is_empty() {
                    fail(
                        "accepted, no files",
                        "accepted, but generated no files".into(),
                    );
                }
                if String::from_utf8_lossy(&input).contains(['\u{85}', '\u{2028}', '\u{2029}']) {
                    // The YAML reader takes these for line breaks, editors and reviews for
                    // characters of a line: `# comment<LS>routes: ...` is a hidden route.
                    fail(
                        "accepted a spec holding NEL/LS/PS",
                        "accepted a spec that holds U+0085, U+2028 or U+2029".into(),
                    );
                }
                if let Some(name) = generated
                    .tree
                    .files
                    .iter()
                    .find(|(p, _)| p.as_str() == "netlify/functions/api.js")
                    .and_then(|(_, f)| redeclared(&String::from_utf8_lossy(&f.bytes)))
                {
                    fail(
                        "dispatcher declares a name twice",
                        format!("netlify/functions/api.js declares `{name}` twice at the top level: it cannot load"),
                    );
                }
                for path in generated.tree.files.keys() {
                    if let Some(why) = unsafe_path(path.as_str()) {
                        fail(
                            "unsafe output path",
                            format!("unsafe output path {path:?}: {why}"),
                        );
                    }
                }
                true
            }
            Ok(Err(Error::Spec(d))) => {
                stats.rejected += 1;
                let rendered = d.render();
                if d.items.is_empty() {
                    fail("no diagnostic", "Error::Spec without a diagnostic".into());
                }
                if rendered.trim().is_empty() {
                    fail("empty report", "an empty report".into());
                }
                let text_lines: Vec<&str> = d.source.split('\n').collect();
                for item in &d.items {
                    let Some(p) = item.pos else { continue };
                    let width = text_lines
                        .get(p.line.wrapping_sub(1))
                        .map(|l| l.trim_end_matches('\r').chars().count());
                    let kind = match width {
                        None if p.line == text_lines.len() + 1 => {
                            "position one line past the end of the text (no caret)"
                        }
                        None => "position on a line the text does not have",
                        Some(w) if p.col < 1 || p.col > w + 1 => {
                            "position past the end of its line"
                        }
                        Some(_) => continue,
                    };
                    // YAML also breaks lines at a lone CR, NEL, LS and PS; the report only at LF.
                    let other_breaks = d
                        .source
                        .replace("\r\n", "\n")
                        .contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']);
                    let kind = if other_breaks {
                        format!("{kind}, in a text with CR/NEL/LS/PS line breaks")
                    } else {
                        kind.to_string()
                    };
                    fail(
                        &kind,
                        format!(
                            "position {}:{} of {:?}; the text has {} lines, that line {} characters",
                            p.line,
                            p.col,
                            item.message,
                            text_lines.len(),
                            width.map_or("no".to_string(), |w| w.to_string())
                        ),
                    );
                }
                if let Some(first) = d.items.first() {
                    let kind: String = first
                        .message
                        .split('`')
                        .step_by(2)
                        .collect::<Vec<_>>()
                        .join("_")
                        .chars()
                        .take(60)
                        .collect();
                    *stats.kinds.entry(kind).or_default() += 1;
                }
                false
            }
            Ok(Err(other)) => {
                fail(
                    "not a spec error",
                    format!(
                        "rejected with a non-spec error (exit {}): {other}",
                        other.exit_code()
                    ),
                );
                continue;
            }
        };

        if case % 50 == 0 || only.is_some() {
            stats.cli_runs += 1;
            if let Some(problem) = cli_new(&input, accepted) {
                fail("scaffold new", problem);
            }
        }
    }

    let took = start.elapsed();
    let mut kinds: Vec<(usize, String)> =
        stats.kinds.iter().map(|(k, n)| (*n, k.clone())).collect();
    kinds.sort_by(|a, b| b.cmp(a));
    eprintln!(
        "fuzz_spec: seed {seed:#x}: {} cases in {:.1} s ({} accepted = {:.0}%, {} rejected), {} through `scaffold new`",
        stats.cases,
        took.as_secs_f64(),
        stats.accepted,
        100.0 * stats.accepted as f64 / stats.cases.max(1) as f64,
        stats.rejected,
        stats.cli_runs
    );
    eprintln!("  most common first problems ({} kinds):", kinds.len());
    for (n, k) in kinds.iter().take(12) {
        eprintln!("  {n:>6}  {k}");
    }
    eprintln!("  slowest cases (library, this build):");
    for (t, case, len) in &stats.slowest {
        eprintln!("  {:>9.3} s  case {case} ({len} bytes)", t.as_secs_f64());
    }

    assert!(
        failures.kinds.is_empty(),
        "fuzz_spec (seed {seed:#x}, {} cases) found problems of {} kind(s):\n\n{}\n",
        stats.cases,
        failures.kinds.len(),
        failures.render()
    );
    if only.is_none() && stats.cases >= 200 {
        // The mutators must keep producing both kinds, or the loop tests one path only.
        let share = stats.accepted as f64 / stats.cases as f64;
        assert!(
            (0.02..=0.9).contains(&share),
            "accepted {:.1}% of mutated specs; the mutators need rebalancing",
            share * 100.0
        );
        assert!(
            stats.kinds.len() >= 15,
            "only {} kinds of first problem: the mutations are too alike",
            stats.kinds.len()
        );
    }
}

/// Problems found, by kind: how many, and the first few in full.
#[derive(Default)]
struct Failures {
    kinds: BTreeMap<String, (usize, Vec<String>)>,
}

impl Failures {
    fn add(&mut self, kind: &str, detail: String) {
        let entry = self.kinds.entry(kind.to_string()).or_default();
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(detail);
        }
    }
    fn render(&self) -> String {
        self.kinds
            .iter()
            .map(|(kind, (n, examples))| {
                format!(
                    "== {kind}: {n} case(s); the first:\n{}",
                    examples.join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// Runs `scaffold new` on `input` in a fresh temp dir; a problem, if any.
fn cli_new(input: &[u8], accepted: bool) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let work = root.join("work");
    fs::create_dir_all(&work).unwrap();
    let spec = root.join("spec.yaml");
    fs::write(&spec, input).unwrap();
    let proj = work.join("proj");
    let before = listing(root);
    let mut child = Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .arg("new")
        .arg(&proj)
        .arg("--spec")
        .arg(&spec)
        .current_dir(&work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let Some(status) = status else {
        return Some("`scaffold new` did not finish within 30 s".into());
    };
    let after = listing(root);
    let outside: Vec<&String> = after
        .iter()
        .filter(|p| {
            !p.starts_with("work/proj/") && p.as_str() != "work/proj/" && !before.contains(*p)
        })
        .collect();
    let gone: Vec<&String> = before.iter().filter(|p| !after.contains(*p)).collect();
    let mut problems = Vec::new();
    if !outside.is_empty() || !gone.is_empty() {
        problems.push(format!(
            "`scaffold new` changed files outside its project: +{outside:?} -{gone:?}"
        ));
    }
    match (status.code(), accepted) {
        (Some(0), true) => {}
        (Some(2), false) => {
            if proj.exists() {
                problems.push("`scaffold new` exited 2 but left the project folder".into());
            }
        }
        (code, _) => problems.push(format!(
            "`scaffold new` exited {code:?} while the library {} the spec",
            if accepted { "accepted" } else { "rejected" }
        )),
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Every path under `root`, relative, directories with a trailing `/`, files with their size.
fn listing(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if p.is_dir() && !e.file_type().unwrap().is_symlink() {
                out.push(format!("{rel}/"));
                walk(root, &p, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// A name a JavaScript module declares twice at its top level (`const x`, `function x`, `class x`,
/// `const { x }`), which makes the module a SyntaxError.
fn redeclared(js: &str) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    for line in js.lines() {
        let rest = [
            "const ",
            "let ",
            "var ",
            "function ",
            "async function ",
            "class ",
        ]
        .iter()
        .find_map(|k| line.strip_prefix(k));
        let Some(rest) = rest else { continue };
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(inner) => inner
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|n| n.split(':').next_back().unwrap_or("").trim())
                .collect(),
            None => vec![rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or("")],
        };
        for n in names.into_iter().filter(|n| !n.is_empty()) {
            if !seen.insert(n.to_string()) {
                return Some(n.to_string());
            }
        }
    }
    None
}

/// The oracle itself: it must flag what it is there to flag.
#[test]
fn unsafe_paths_are_recognised() {
    for bad in [
        "",
        "/etc/passwd",
        "../x",
        "a/../b",
        "a//b",
        "./a",
        "a\\b",
        "C:x",
        "a\0b",
        "a b",
        "~/x",
        "é.js",
    ] {
        assert!(unsafe_path(bad).is_some(), "{bad:?}");
    }
    for good in ["netlify/functions/api.js", ".gitignore", "a-b_c.d/e"] {
        assert_eq!(unsafe_path(good), None, "{good:?}");
    }
    assert_eq!(
        redeclared("const a = 1;\nconst { b, c: d } = x;\nasync function d() {}\n"),
        Some("d".to_string())
    );
    assert_eq!(
        redeclared("const a = 1;\nfunction b() {\n  const a = 2;\n}\n"),
        None
    );
}

/// The mutators are deterministic per (seed, case), so a reported case can be replayed.
#[test]
fn cases_replay_exactly() {
    let seeds: Vec<Vec<u8>> = seeds().into_iter().map(|(_, b)| b).collect();
    let make = |case: u64| {
        let mut rng = Rng::new(DEFAULT_SEED, case);
        let mut input = rng.pick(&seeds).clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut input, &seeds);
        }
        input
    };
    for case in [0, 1, 49, 2999] {
        assert_eq!(make(case), make(case));
    }
    assert_ne!(make(1), make(2));
}
