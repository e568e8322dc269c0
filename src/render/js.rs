//! Values printed into JavaScript as Prettier prints them (`.prettierrc.json` of every generated
//! project: `singleQuote`, `printWidth` [`WIDTH`], `trailingComma: all`, `quoteProps: as-needed`),
//! so that `prettier --check` finds nothing to change in a generated file.
//!
//! A value is printed on one line when it fits in the width, else broken the way Prettier breaks
//! it: one element or property a line (arrays of numbers filled), a string or number on the line
//! after `key:` (after `=`); arrays of several objects (or arrays) are always broken. Widths count
//! characters: the model's values are ASCII or Latin-1.

use serde_json::Value;

/// `printWidth` of the generated `.prettierrc.json`.
pub(crate) const WIDTH: usize = 120;
/// `tabWidth`.
const INDENT: usize = 2;
/// The `,` after a property or element, or the `;` after a statement.
const SEPARATOR: usize = 1;

pub(crate) fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// A string literal: single quotes unless the text holds more single than double quotes; escapes
/// only what must be escaped (and line terminators and control characters, as `\n` or `\xNN`).
pub(crate) fn string(s: &str) -> String {
    let singles = s.matches('\'').count();
    let doubles = s.matches('"').count();
    let quote = if singles > doubles { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A property key: bare when it is an identifier name or a number Prettier would unquote, else a
/// string literal. (Prettier goes by ES5's identifier characters; `char::is_alphabetic` is close
/// enough for the model's keys, which are ASCII.)
pub(crate) fn key(k: &str) -> String {
    let start = |c: char| c.is_alphabetic() || c == '_' || c == '$';
    let identifier =
        k.chars().next().is_some_and(start) && k.chars().all(|c| start(c) || c.is_ascii_digit());
    if identifier || is_simple_number(k) {
        k.to_string()
    } else {
        string(k)
    }
}

/// `123` or `1.5` that reads back as itself (`String(Number(k)) === k` in JavaScript).
fn is_simple_number(k: &str) -> bool {
    let (int, frac) = k.split_once('.').unwrap_or((k, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let canonical_int = int == "0" || !int.starts_with('0');
    let canonical_frac = !k.contains('.') || (digits(frac) && !frac.ends_with('0'));
    // Below 1e21 and within f64 precision JavaScript prints the number as written.
    digits(int)
        && canonical_int
        && canonical_frac
        && k.len() <= 15
        && k.parse::<f64>().is_ok_and(|n| n.to_string() == k)
}

/// The value on one line: `'a'`, `[a, b]`, `{ key: value }`.
pub(crate) fn flat(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) if items.is_empty() => "[]".to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flat).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", key(k), flat(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Prettier breaks an array of two or more objects with two or more properties (or of arrays
/// with two or more elements) whatever its width, and so every group around it.
fn forced_break(v: &Value) -> bool {
    match v {
        Value::Array(items) => {
            let all = |f: fn(&Value) -> bool| items.len() > 1 && items.iter().all(f);
            all(|e| e.as_object().is_some_and(|m| m.len() > 1))
                || all(|e| e.as_array().is_some_and(|a| a.len() > 1))
                || items.iter().any(forced_break)
        }
        Value::Object(map) => map.values().any(forced_break),
        _ => false,
    }
}

fn breakable(v: &Value) -> bool {
    match v {
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => false,
    }
}

/// `v` starting at column `col` with `tail` more characters after it on its line; lines it breaks
/// into are indented from `indent`.
fn layout(v: &Value, indent: usize, col: usize, tail: usize) -> String {
    let one_line = flat(v);
    if !forced_break(v) && col + width(&one_line) + tail <= WIDTH {
        return one_line;
    }
    let inner = indent + INDENT;
    match v {
        Value::Array(items) if !items.is_empty() => {
            if items.len() > 1 && items.iter().all(Value::is_number) {
                return fill(items, indent);
            }
            let mut out = String::from("[\n");
            for item in items {
                out.push_str(&pad(inner));
                out.push_str(&layout(item, inner, inner, SEPARATOR));
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push(']');
            out
        }
        Value::Object(map) if !map.is_empty() => {
            let mut out = String::from("{\n");
            for (k, item) in map {
                out.push_str(&pad(inner));
                out.push_str(&prop(k, item, inner));
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push('}');
            out
        }
        _ => one_line,
    }
}

/// An array of numbers that does not fit: as many numbers a line as fit.
fn fill(items: &[Value], indent: usize) -> String {
    let inner = indent + INDENT;
    let mut out = format!("[\n{}", pad(inner));
    let mut col = inner;
    for (i, item) in items.iter().enumerate() {
        let text = format!("{},", flat(item));
        if i > 0 {
            if col + 1 + width(&text) <= WIDTH {
                out.push(' ');
                col += 1;
            } else {
                out.push('\n');
                out.push_str(&pad(inner));
                col = inner;
            }
        }
        out.push_str(&text);
        col += width(&text);
    }
    out.push('\n');
    out.push_str(&pad(indent));
    out.push(']');
    out
}

/// `left op value` at column `indent`, followed by its separator (`,` or `;`).
fn rhs(left: &str, op: &str, v: &Value, indent: usize, short_key: bool) -> String {
    let col = indent + width(left) + width(op) + 1;
    if breakable(v) {
        return format!("{left}{op} {}", layout(v, indent, col, SEPARATOR));
    }
    let value = flat(v);
    if short_key || col + width(&value) + SEPARATOR <= WIDTH {
        format!("{left}{op} {value}")
    } else {
        format!("{left}{op}\n{}{value}", pad(indent + INDENT))
    }
}

/// `key: value` as a property line of an object, at column `indent`, before its `,`.
pub(crate) fn prop(k: &str, v: &Value, indent: usize) -> String {
    let k = key(k);
    // Prettier never breaks after a key narrower than tabWidth + 3.
    let short = width(&k) < INDENT + 3;
    rhs(&k, ":", v, indent, short)
}

/// `left = value` (e.g. `const NAME = value`) at column `indent`, before its `;`.
pub(crate) fn assign(left: &str, v: &Value, indent: usize) -> String {
    rhs(left, " =", v, indent, false)
}

/// `callee(arg, ...)` at column `indent`, before its `;`: on one line when it fits the print
/// width, else as Prettier breaks a call: one argument a line, each with its `,`. The arguments
/// are JavaScript already (e.g. printed by `flat`).
pub(crate) fn call(callee: &str, args: &[String], indent: usize) -> String {
    let flat = format!("{callee}({})", args.join(", "));
    if indent + width(&flat) < WIDTH {
        return flat;
    }
    let pad = " ".repeat(indent + INDENT);
    let mut out = format!("{callee}(\n");
    for arg in args {
        out.push_str(&format!("{pad}{arg},\n"));
    }
    out.push_str(&" ".repeat(indent));
    out.push(')');
    out
}

/// One property of `object`: its value as data (printed as a literal) or as code.
pub(crate) enum Part {
    Data(Value),
    Code(String),
    /// `() => body`: broken after the arrow when its line is too wide.
    Arrow(String),
}

/// The property `key: { k: v, ... }` at column `indent`, before its `,`: on one line when it
/// fits, else one property a line (data broken further by `prop` where it is wide itself).
pub(crate) fn object(key_name: &str, parts: &[(String, Part)], indent: usize) -> String {
    let head = key(key_name);
    let flat_parts: Vec<String> = parts
        .iter()
        .map(|(k, part)| match part {
            Part::Data(v) => format!("{}: {}", key(k), flat(v)),
            Part::Code(code) => format!("{}: {code}", key(k)),
            Part::Arrow(body) => format!("{}: () => {body}", key(k)),
        })
        .collect();
    let flat_line = format!("{head}: {{ {} }}", flat_parts.join(", "));
    if indent + width(&flat_line) < WIDTH {
        return flat_line;
    }
    let inner = indent + INDENT;
    let mut out = format!("{head}: {{\n");
    for (k, part) in parts {
        let line = match part {
            Part::Data(v) => prop(k, v, inner),
            Part::Code(code) => format!("{}: {code}", key(k)),
            Part::Arrow(body) => arrow_prop(&key(k), body, inner),
        };
        out.push_str(&format!("{}{line},\n", " ".repeat(inner)));
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
    out
}

/// The property `key: () => body` at column `indent`, before its `,`: on one line when it fits,
/// else broken after the arrow, the body on the next line, indented (as Prettier breaks it).
pub(crate) fn arrow_prop(key: &str, body: &str, indent: usize) -> String {
    let flat = format!("{key}: () => {body}");
    if indent + width(&flat) < WIDTH {
        return flat;
    }
    format!("{key}: () =>\n{}{body}", " ".repeat(indent + INDENT))
}

/// The array element `[first, () => body]` at column `indent`, before its `,` (a `Map` entry
/// whose value is a loader): on one line when it fits, else one element a line, the arrow broken
/// after `=>` when it alone is too wide (as Prettier breaks it). `first` is code.
pub(crate) fn arrow_entry(first: &str, body: &str, indent: usize) -> String {
    let flat = format!("[{first}, () => {body}]");
    if indent + width(&flat) < WIDTH {
        return flat;
    }
    let inner = indent + INDENT;
    let arrow = format!("() => {body}");
    let arrow = if inner + width(&arrow) < WIDTH {
        arrow
    } else {
        format!("() =>\n{}{body}", pad(inner + INDENT))
    };
    format!(
        "[\n{p}{first},\n{p}{arrow},\n{}]",
        pad(indent),
        p = pad(inner)
    )
}

/// The property `key: new Map([...])` at column `indent`, before its `,`, of entries
/// `[first, () => body]` (`first` is code): `new Map()` when empty; one entry on one line when it
/// fits; else, and always for two or more (Prettier breaks an array of several arrays), one entry
/// a line (`arrow_entry`).
pub(crate) fn arrow_map(key_name: &str, entries: &[(String, String)], indent: usize) -> String {
    let head = key(key_name);
    if entries.is_empty() {
        return format!("{head}: new Map()");
    }
    if let [(first, body)] = entries {
        let flat = format!("{head}: new Map([[{first}, () => {body}]])");
        if indent + width(&flat) < WIDTH {
            return flat;
        }
    }
    let inner = indent + INDENT;
    let mut out = format!("{head}: new Map([\n");
    for (first, body) in entries {
        out.push_str(&format!(
            "{}{},\n",
            pad(inner),
            arrow_entry(first, body, inner)
        ));
    }
    out.push_str(&format!("{}])", pad(indent)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_of_loaders_break_as_prettier_breaks_them() {
        let e = |s: &str| (format!("'{s}'"), format!("require('./{s}.js')"));
        assert_eq!(arrow_map("fixed", &[], 2), "fixed: new Map()");
        assert_eq!(
            arrow_map("fixed", &[e("a")], 2),
            "fixed: new Map([['a', () => require('./a.js')]])"
        );
        assert_eq!(
            arrow_map("fixed", &[e("a"), e("b")], 2),
            "fixed: new Map([\n    ['a', () => require('./a.js')],\n    ['b', () => require('./b.js')],\n  ])"
        );
        let long = "s".repeat(40);
        assert_eq!(
            arrow_map("fixed", &[e(&long)], 2),
            format!("fixed: new Map([\n    ['{long}', () => require('./{long}.js')],\n  ])")
        );
    }

    #[test]
    fn map_entries_break_as_prettier_breaks_them() {
        assert_eq!(
            arrow_entry("'a'", "require('./a.js')", 4),
            "['a', () => require('./a.js')]"
        );
        let seg = format!("'{}'", "s".repeat(55));
        let body = format!("require('./_shared/routes/{}.js')", "s".repeat(55));
        assert_eq!(
            arrow_entry(&seg, &body, 4),
            format!("[\n      {seg},\n      () => {body},\n    ]")
        );
        let seg = format!("'{}'", "s".repeat(100));
        let body = format!("require('./_shared/routes/{}.js')", "s".repeat(100));
        assert_eq!(
            arrow_entry(&seg, &body, 4),
            format!("[\n      {seg},\n      () =>\n        {body},\n    ]")
        );
    }

    #[test]
    fn calls_break_one_argument_a_line_past_the_width() {
        let args = vec!["'GET'".to_string(), "'/api/x'".to_string()];
        assert_eq!(call("call", &args, 2), "call('GET', '/api/x')");
        let long = vec!["'a'".repeat(40), "b".to_string()];
        assert_eq!(
            call("f", &long, 2),
            format!("f(\n    {},\n    b,\n  )", "'a'".repeat(40))
        );
        // The `;` after the call counts: 2 + 117 columns + `;` fits, one more does not.
        let fits = vec!["x".repeat(117 - 3)];
        assert_eq!(call("f", &fits, 2).lines().count(), 1);
        let over = vec!["x".repeat(118 - 3)];
        assert_eq!(call("f", &over, 2).lines().count(), 3);
        assert_eq!(arrow_prop("k", &"v".repeat(200), 2).lines().count(), 2);
        assert_eq!(arrow_prop("k", "v", 2), "k: () => v");
        // `,` after the property counts: 2 + 117 columns fit, one more does not.
        assert_eq!(arrow_prop("k", &"v".repeat(117 - 9), 2).lines().count(), 1);
        assert_eq!(
            arrow_prop("k", &"v".repeat(118 - 9), 2),
            format!("k: () =>\n    {}", "v".repeat(109))
        );
    }

    #[test]
    fn objects_break_one_property_a_line_past_the_width() {
        let parts = vec![
            ("name".to_string(), Part::Data(json!("list"))),
            ("run".to_string(), Part::Code("HANDLERS.list".to_string())),
        ];
        assert_eq!(
            object("list", &parts, 2),
            "list: { name: 'list', run: HANDLERS.list }"
        );
        let wide = vec![
            (
                "roles".to_string(),
                Part::Data(json!(["r".repeat(60), "s".repeat(60)])),
            ),
            ("run".to_string(), Part::Code("HANDLERS.list".to_string())),
        ];
        let broken = object("list", &wide, 2);
        assert!(broken.starts_with("list: {\n    roles: [\n"), "{broken}");
        assert!(broken.ends_with("    run: HANDLERS.list,\n  }"), "{broken}");
    }

    #[test]
    fn strings_take_prettiers_quotes() {
        assert_eq!(string("a"), "'a'");
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("say \"hi\""), "'say \"hi\"'");
        assert_eq!(string("both ' and \""), "'both \\' and \"'");
        assert_eq!(string("a\\b\n\u{1}\u{2028}"), "'a\\\\b\\n\\x01\\u2028'");
    }

    #[test]
    fn keys_are_bare_when_they_can_be() {
        assert_eq!(key("notes"), "notes");
        assert_eq!(key("$x_1"), "$x_1");
        assert_eq!(key("X-Frame-Options"), "'X-Frame-Options'");
        assert_eq!(key("1"), "1");
        assert_eq!(key("1.5"), "1.5");
        assert_eq!(key("01"), "'01'");
        assert_eq!(key("1.50"), "'1.50'");
        assert_eq!(key("1e3"), "'1e3'");
        assert_eq!(key(""), "''");
    }

    #[test]
    fn flat_values() {
        let v = json!({"name": "labels", "items": ["a", "b"], "max": 5, "ok": true, "x": null, "e": {}, "l": []});
        assert_eq!(
            flat(&v),
            "{ name: 'labels', items: ['a', 'b'], max: 5, ok: true, x: null, e: {}, l: [] }"
        );
    }

    #[test]
    fn long_values_break_like_prettier() {
        let origins: Vec<String> = (0..8)
            .map(|i| format!("https://app{i}.example.com"))
            .collect();
        assert_eq!(
            prop("origins", &json!(origins), 2),
            format!(
                "origins: [\n{}  ],",
                origins
                    .iter()
                    .map(|o| format!("    '{o}',\n"))
                    .collect::<String>()
            )
            .trim_end_matches(',')
        );
        let long = "x".repeat(130);
        assert_eq!(
            prop("value", &json!(long), 2),
            format!("value:\n    '{long}'")
        );
        assert_eq!(prop("env", &json!(long), 2), format!("env: '{long}'"));
        assert_eq!(
            assign("const A", &json!(long), 0),
            format!("const A =\n  '{long}'")
        );
        assert_eq!(
            prop("rows", &json!([{"a": 1, "b": 2}, {"a": 3, "b": 4}]), 0),
            "rows: [\n  { a: 1, b: 2 },\n  { a: 3, b: 4 },\n]"
        );
    }
}
