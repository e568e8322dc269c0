//! Text for people: unified diffs of a plan, conflicting hunks, per-file lines.

use similar::TextDiff;

use crate::plan::{Action, Plan, Step};

/// Colours for terminals; plain text otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, line: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{line}\x1b[0m")
        } else {
            line.to_string()
        }
    }
}

fn text(bytes: Option<&[u8]>) -> String {
    bytes
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// A unified diff of one file, `a/` before and `b/` after (`/dev/null` for an absent side).
pub(crate) fn unified(
    path: &str,
    before: Option<&[u8]>,
    after: Option<&[u8]>,
    style: Style,
) -> String {
    let (old, new) = (text(before), text(after));
    let diff = TextDiff::from_lines(&old, &new);
    let a = if before.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let b = if after.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_string()
    };
    let raw = diff
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    raw.lines()
        .map(|l| {
            let painted = if l.starts_with("+++") || l.starts_with("---") {
                style.paint("1", l)
            } else if l.starts_with('+') {
                style.paint("32", l)
            } else if l.starts_with('-') {
                style.paint("31", l)
            } else if l.starts_with("@@") {
                style.paint("36", l)
            } else {
                l.to_string()
            };
            painted + "\n"
        })
        .collect()
}

/// The diff of every project file the plan would change (the lock and merge bases aside).
pub(crate) fn plan_diff(plan: &Plan, style: Style) -> String {
    plan.steps
        .iter()
        .filter(|s| s.action.writes() || s.action == Action::Conflict)
        .map(|s| {
            unified(
                s.path.as_str(),
                s.before.as_deref(),
                s.after.as_deref(),
                style,
            )
        })
        .collect()
}

/// The conflicting regions of a merge result, each with its line numbers.
pub(crate) fn conflict_hunks(step: &Step) -> String {
    let text = text(step.after.as_deref());
    let mut out = String::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("<<<<<<<") {
            inside = true;
            out.push_str(&format!("  {}:{}:\n", step.path, i + 1));
        }
        if inside {
            out.push_str(&format!("    {line}\n"));
        }
        if line.starts_with(">>>>>>>") {
            inside = false;
        }
    }
    out
}

/// One line per file: `  created path`, with a note where there is one.
pub(crate) fn step_lines(plan: &Plan, dry_run: bool) -> String {
    let mut out = String::new();
    for s in &plan.steps {
        let verb = if dry_run && s.action.writes() {
            format!("would be {}", s.action.verb())
        } else {
            s.action.verb().to_string()
        };
        out.push_str(&format!("{verb:>9} {}", s.path));
        if let Some(note) = &s.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    out
}
