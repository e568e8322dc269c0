//! Diagnostics a user can cause: what was wrong, where (`file:line:col`), what was expected, the fix.
//!
//! Positions are 1-based lines and 1-based columns counted in characters, as an editor shows them.

use std::fmt;

mod codes;

pub use codes::Code;

/// A place in a source text: 1-based line, 1-based column (characters), and a length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

/// One problem in a user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Which kind of problem: stable across versions.
    pub code: Code,
    /// What was wrong, lowercase, names in backticks.
    pub message: String,
    /// Where; `None` for problems of the file as a whole.
    pub pos: Option<Pos>,
    /// What was expected, shown under the caret.
    pub expected: Option<String>,
    /// The likely fix.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, pos: Option<Pos>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            pos,
            expected: None,
            help: None,
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// Every problem found in one source, sorted by position, rendered together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub file: String,
    pub source: String,
    pub items: Vec<Diagnostic>,
    /// Appended to the closing count, e.g. `nothing was written`.
    pub footer: Option<String>,
}

impl Diagnostics {
    pub fn new(file: &str, source: &str, mut items: Vec<Diagnostic>) -> Self {
        for d in &mut items {
            d.pos = d.pos.map(|p| clamp(source, p));
        }
        items.sort_by(|a, b| a.pos.cmp(&b.pos).then_with(|| a.message.cmp(&b.message)));
        items.dedup();
        Diagnostics {
            file: file.to_string(),
            source: source.to_string(),
            items,
            footer: None,
        }
    }

    /// Renders every diagnostic with its source line and a caret, then a count.
    pub fn render(&self) -> String {
        use annotate_snippets::{Level, Renderer, Snippet};
        let renderer = Renderer::plain();
        let mut out = String::new();
        for d in &self.items {
            let pos = d.pos;
            let title = escape(&match pos {
                Some(p) => format!("{}:{}:{}: {}", self.file, p.line, p.col, d.message),
                None => format!("{}: {}", self.file, d.message),
            });
            let snippet = pos.and_then(|p| line_range(&self.source, p).map(|(t, r)| (p, t, r)));
            let expected_note = match (&snippet, &d.expected) {
                (None, Some(e)) => Some(escape(&format!("expected {e}"))),
                _ => None,
            };
            let label = d
                .expected
                .as_ref()
                .map(|e| escape(&format!("expected {e}")))
                .unwrap_or_default();
            let help = d.help.as_deref().map(escape);
            let mut message = Level::Error.title(&title).id(d.code.as_str());
            if let Some((p, text, range)) = &snippet {
                let mut ann = Level::Error.span(range.clone());
                if !label.is_empty() {
                    ann = ann.label(&label);
                }
                message = message.snippet(Snippet::source(text).line_start(p.line).annotation(ann));
            }
            if let Some(note) = &expected_note {
                message = message.footer(Level::Note.title(note));
            }
            if let Some(h) = &help {
                message = message.footer(Level::Help.title(h));
            }
            out.push_str(&renderer.render(message).to_string());
            out.push_str("\n\n");
        }
        let n = self.items.len();
        out.push_str(&format!(
            "error: {} problem{} in {}{}\n",
            n,
            if n == 1 { "" } else { "s" },
            self.file,
            self.footer
                .as_deref()
                .map(|f| format!("; {f}"))
                .unwrap_or_default()
        ));
        out
    }
}

/// Characters that would act on a terminal or reorder text (controls, bidi overrides, invisible
/// line breaks), so that names from a spec cannot rewrite the report.
fn odd(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every odd character written as `\u{XXXX}`.
fn escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if odd(c) {
                format!("\\u{{{:04x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A position inside the text: one past the end of the text (a parser at end of file) moves to
/// the end of the last line; a column past the end of its line, to just after it.
fn clamp(source: &str, pos: Pos) -> Pos {
    let lines: Vec<&str> = source.lines().collect();
    if lines.is_empty() {
        return pos;
    }
    if pos.line >= 1 && pos.line <= lines.len() {
        let width = lines[pos.line - 1].chars().count();
        return Pos {
            col: pos.col.clamp(1, width + 1),
            ..pos
        };
    }
    let (i, last) = lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .unwrap_or((0, &""));
    Pos {
        line: i + 1,
        col: last.chars().count() + 1,
        len: 1,
    }
}

/// The text of `pos.line` (odd characters shown as U+FFFD) and the byte range of the annotated
/// characters within it.
fn line_range(source: &str, pos: Pos) -> Option<(String, std::ops::Range<usize>)> {
    let line = source.split('\n').nth(pos.line.checked_sub(1)?)?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let line: String = line
        .chars()
        .map(|c| if odd(c) && c != '\t' { '\u{fffd}' } else { c })
        .collect();
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    };
    let start = byte_at(pos.col.saturating_sub(1));
    let end = byte_at(pos.col.saturating_sub(1) + pos.len.max(1)).max(start);
    let end = if end == start && start < line.len() {
        byte_at(pos.col)
    } else {
        end
    };
    Some((line.clone(), start..end))
}

/// One diagnostic as `--error-format json` prints it.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    file: &'a str,
    /// 1-based line and column (characters), and the length in characters; absent for problems
    /// of the whole file.
    line: Option<usize>,
    column: Option<usize>,
    length: Option<usize>,
    message: &'a str,
    expected: Option<&'a str>,
    help: Option<&'a str>,
}

impl Diagnostics {
    /// Every diagnostic as one JSON document, `{"diagnostics": [...]}`, for editors and CI.
    pub fn to_json(&self) -> String {
        let items: Vec<JsonDiagnostic> = self
            .items
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str(),
                severity: "error",
                file: &self.file,
                line: d.pos.map(|p| p.line),
                column: d.pos.map(|p| p.col),
                length: d.pos.map(|p| p.len),
                message: &d.message,
                expected: d.expected.as_deref(),
                help: d.help.as_deref(),
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&serde_json::json!({ "diagnostics": items }))
            .expect("diagnostics serialise");
        out.push('\n');
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `a`, `b` or `c` as text for a message.
pub(crate) fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}
