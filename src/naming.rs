//! Names, computed once in every case a template needs, and the rules a name must follow.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToSnakeCase, ToTitleCase};
use serde::Serialize;

/// One name in every form the output uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// As written in the spec.
    pub spec: String,
    /// `moviesList`: JavaScript identifiers.
    pub camel: String,
    /// `MoviesList`: type-like names.
    pub pascal: String,
    /// `movies_list`
    pub snake: String,
    /// `movies-list`: file stems.
    pub kebab: String,
    /// `Movies List`: prose.
    pub title: String,
}

impl Names {
    pub fn new(spec: &str) -> Names {
        Names {
            spec: spec.to_string(),
            camel: spec.to_lower_camel_case(),
            pascal: spec.to_pascal_case(),
            snake: spec.to_snake_case(),
            kebab: spec.to_kebab_case(),
            title: spec.to_title_case(),
        }
    }

    /// The name of an operation on a resource: `movies` + `list` -> `movies_list` in every form.
    pub fn join(first: &str, second: &str) -> Names {
        Names::new(&format!(
            "{}_{}",
            first.to_snake_case(),
            second.to_snake_case()
        ))
    }
}

/// The longest name: file names built from two names stay well under file-system limits.
pub(crate) const MAX_NAME: usize = 64;

/// `[A-Za-z][A-Za-z0-9_]*`, at most [`MAX_NAME`] characters: usable as a JavaScript identifier, an object key and a file stem.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= MAX_NAME
        && matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[a-z][a-z0-9-]*`: project names (npm package names, site names).
pub(crate) fn is_project_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= MAX_NAME
        && matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
}

/// Words that cannot name a JavaScript binding, or that would shadow something every module needs.
pub(crate) const JS_RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "require",
    "module",
    "exports",
    "NaN",
    "Infinity",
];

/// Keys that reach `Object.prototype` when used on a plain object.
pub(crate) const PROTO_KEYS: &[&str] = &["__proto__", "constructor", "prototype"];

pub(crate) fn is_js_reserved(s: &str) -> bool {
    JS_RESERVED.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_every_case() {
        let n = Names::join("watchItems", "list");
        assert_eq!(n.camel, "watchItemsList");
        assert_eq!(n.kebab, "watch-items-list");
        assert_eq!(n.snake, "watch_items_list");
        assert_eq!(n.pascal, "WatchItemsList");
        assert_eq!(
            Names::new("movie_list").kebab,
            Names::new("movieList").kebab
        );
    }

    #[test]
    fn identifier_rules() {
        assert!(is_identifier("movies"));
        assert!(is_identifier("watch_items2"));
        for bad in [
            "",
            "2movies",
            "movies-list",
            "_x",
            "mövies",
            "a b",
            "../x",
            "a/b",
            "a.b",
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(is_project_name("watch-list"));
        for bad in ["Watchlist", "-x", "x-", "x_y", "1x", ""] {
            assert!(!is_project_name(bad), "{bad}");
        }
        assert!(is_js_reserved("delete") && is_js_reserved("class") && !is_js_reserved("movies"));
    }
}
