//! Free text in the spec: `description` (top level, resources, fields, operations, routes) and
//! the top-level `license`, both shown in the OpenAPI document.

use crate::diag::{Code, Diagnostic};
use crate::model::{DEFAULT_LICENSE, MAX_DESCRIPTION_CHARS, MAX_LICENSE_CHARS};

use super::Lowerer;

/// Characters a description may not hold: C0 and C1 controls other than tab and newline, YAML's
/// extra line breaks, bidirectional controls and a byte order mark (what `spec::load` refuses in
/// the file, here also when a double-quoted escape writes one). The JSON Schema's pattern lists
/// the same ranges ([`DESCRIPTION_PATTERN`]).
pub(crate) fn forbidden_in_text(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// [`forbidden_in_text`] as a regular-expression class body (ECMA-262 and Rust alike).
const FORBIDDEN_CLASS: &str = "\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F\\u2028\\u2029\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF";

/// A description: some character other than tab, newline and space, none of the forbidden ones.
pub(crate) fn description_pattern() -> String {
    format!("^[\\t\\n ]*[^\\t\\n {FORBIDDEN_CLASS}][^{FORBIDDEN_CLASS}]*$")
}

/// An SPDX license expression as the spec may write it: identifiers (`MIT`, `Apache-2.0`,
/// `GPL-2.0+`, `LicenseRef-Internal`), `AND`/`OR`/`WITH` and parentheses, one space apart.
pub(crate) const LICENSE_PATTERN: &str = "^[A-Za-z0-9.+:()-]+(?: [A-Za-z0-9.+:()-]+)*$";

fn license_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".+:()-".contains(c)
}

/// A `description` at `at`: `None` when absent (or refused, which is reported).
pub(super) fn lower_description(
    l: &mut Lowerer,
    value: Option<&str>,
    at: &[&str],
) -> Option<String> {
    let text = value?;
    let chars = text.chars().count();
    let problem = if let Some(c) = text.chars().find(|c| forbidden_in_text(*c)) {
        Some(format!(
            "it holds U+{:04X}, a control or invisible character",
            c as u32
        ))
    } else if text.chars().all(|c| matches!(c, ' ' | '\t' | '\n')) {
        Some("it is blank".to_string())
    } else if chars > MAX_DESCRIPTION_CHARS {
        Some(format!("it is {chars} characters long"))
    } else {
        None
    };
    match problem {
        Some(why) => {
            l.err(
                Diagnostic::new(
                    Code::InvalidDescription,
                    format!("invalid `{}`: {why}", at.join(".")),
                    l.value(at),
                )
                .expected(format!(
                    "text of at most {MAX_DESCRIPTION_CHARS} characters: printable, with spaces, tabs and newlines"
                ))
                .help("write what it is in a sentence or two, or remove the key for a generated description"),
            );
            None
        }
        None => Some(text.to_string()),
    }
}

/// The top-level `license`: an SPDX expression, [`DEFAULT_LICENSE`] when absent (or refused).
pub(super) fn lower_license(l: &mut Lowerer, value: Option<&str>) -> String {
    let Some(text) = value else {
        return DEFAULT_LICENSE.to_string();
    };
    let ok = text.len() <= MAX_LICENSE_CHARS
        && !text.is_empty()
        && text
            .split(' ')
            .all(|w| !w.is_empty() && w.chars().all(license_char));
    if !ok {
        l.err(
            Diagnostic::new(
                Code::InvalidLicense,
                format!("invalid `license` `{}`", text.escape_debug()),
                l.value(&["license"]),
            )
            .expected(format!(
                "an SPDX license expression of at most {MAX_LICENSE_CHARS} characters, e.g. `MIT`, `Apache-2.0` or `MIT OR Apache-2.0`"
            ))
            .help(format!(
                "use an identifier from https://spdx.org/licenses/, or `{DEFAULT_LICENSE}` (the default) for terms of your own"
            )),
        );
        return DEFAULT_LICENSE.to_string();
    }
    text.to_string()
}
