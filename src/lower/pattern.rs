//! `pattern` on a string field: a safe subset of regular expressions, checked here so that the
//! dispatcher (JavaScript, a backtracking engine) can never be made to spin on a request.
//!
//! The subset is valid JavaScript with the `u` flag and means the same there as the Rust regex
//! built from it (used to check a field's `default`): literals and the escapes both read alike,
//! `.`, `\d`, `\w`, `\s` (and negations) with JavaScript's meaning, bracketed classes without
//! nesting or set operations, groups (capturing or `(?:...)`), alternation, and quantifiers. A
//! pattern is anchored (`^` first, `$` last, nowhere else). Refused: lookaround, backreferences,
//! flags, named groups, `\b`, `\p{...}`, and every shape that makes a backtracking engine try
//! many ways to match the same text:
//! - a repeated group whose body can match the empty string, whose iterations can run into each
//!   other (the body's last repeated character class can match its first character), or that
//!   holds an alternation whose branches can start with the same character (`(a+)+`, `(a|ab)*`);
//! - two variable quantifiers that can match the same character with no character between them
//!   that the first cannot match (`\d+\d*`, `.*a.*`), which backtrack in polynomial time.

use regex_syntax::ast::{
    self, AssertionKind, Ast, ClassPerlKind, ClassSet, ClassSetItem, GroupKind, HexLiteralKind,
    LiteralKind, RepetitionKind, RepetitionRange, SpecialLiteralKind,
};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

/// The longest `pattern` accepted.
pub(crate) const MAX_PATTERN_CHARS: usize = 512;
/// The largest count in a `{n}`, `{n,}` or `{n,m}` quantifier.
const MAX_COUNT: u32 = 1000;

/// Why a pattern is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// It is not a regular expression (or not one JavaScript reads the same way).
    Syntax(String),
    /// It is one, but outside the safe subset.
    Unsafe(String),
}

/// The pattern as a Rust regex with JavaScript's meaning, or why it is refused.
pub(crate) fn check(pattern: &str) -> Result<regex::Regex, PatternError> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(PatternError::Syntax(format!(
            "the pattern is longer than {MAX_PATTERN_CHARS} characters"
        )));
    }
    let parsed = ast::parse::ParserBuilder::new()
        .nest_limit(32)
        .build()
        .parse(pattern);
    let ast = match parsed {
        Ok(a) => a,
        Err(e) => {
            return Err(match e.kind() {
                ast::ErrorKind::UnsupportedLookAround => PatternError::Unsafe(
                    "lookahead and lookbehind are not in the safe subset".to_string(),
                ),
                ast::ErrorKind::UnsupportedBackreference => {
                    PatternError::Unsafe("backreferences are not in the safe subset".to_string())
                }
                kind => PatternError::Syntax(kind.to_string()),
            })
        }
    };
    let items: Vec<&Ast> = match &ast {
        Ast::Concat(c) => c.asts.iter().collect(),
        other => vec![other],
    };
    let anchored = items.len() >= 2
        && matches!(items[0], Ast::Assertion(a) if a.kind == AssertionKind::StartLine)
        && matches!(items[items.len() - 1], Ast::Assertion(a) if a.kind == AssertionKind::EndLine);
    if !anchored {
        return Err(PatternError::Unsafe(
            "the pattern is not anchored: it must start with `^` and end with `$` (and hold no `|` outside a group)".to_string(),
        ));
    }
    let mut out = String::new();
    print(&ast, &mut out, true).map_err(PatternError::Syntax)?;
    safe(&ast).map_err(PatternError::Unsafe)?;
    regex::RegexBuilder::new(&out)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| PatternError::Syntax(e.to_string()))
}

const JS_SPACE: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// The characters of a Perl class as JavaScript reads it (ASCII digits and word characters).
fn perl_set(kind: &ClassPerlKind) -> &'static str {
    match kind {
        ClassPerlKind::Digit => "0-9",
        ClassPerlKind::Word => "0-9A-Za-z_",
        ClassPerlKind::Space => JS_SPACE,
    }
}

/// A literal's escape, if JavaScript's `u` mode reads it as Rust does; `in_class`: inside `[...]`.
fn literal(l: &ast::Literal, in_class: bool) -> Result<String, String> {
    let c = l.c;
    let ok = match &l.kind {
        LiteralKind::Verbatim => !matches!(c, ']' | '}' | '{'),
        LiteralKind::Meta | LiteralKind::Superfluous => {
            "^$\\.*+?()[]{}|/".contains(c) || (in_class && c == '-')
        }
        LiteralKind::Octal => false,
        LiteralKind::HexFixed(HexLiteralKind::X | HexLiteralKind::UnicodeShort) => true,
        LiteralKind::HexBrace(HexLiteralKind::UnicodeShort) => true,
        LiteralKind::HexFixed(_) | LiteralKind::HexBrace(_) => false,
        LiteralKind::Special(s) => {
            !matches!(s, SpecialLiteralKind::Bell | SpecialLiteralKind::Space)
        }
    };
    if !ok {
        return Err(match &l.kind {
            LiteralKind::Verbatim => format!("a lone `{c}`: escape it as `\\{c}`"),
            _ => format!(
                "the escape at character {} is not valid JavaScript (u mode)",
                l.span.start.offset + 1
            ),
        });
    }
    Ok(regex_syntax::escape(&c.to_string()))
}

fn class_item(item: &ClassSetItem, out: &mut String) -> Result<(), String> {
    match item {
        ClassSetItem::Empty(_) => {}
        ClassSetItem::Literal(l) => out.push_str(&literal(l, true)?),
        ClassSetItem::Range(r) => {
            out.push_str(&literal(&r.start, true)?);
            out.push('-');
            out.push_str(&literal(&r.end, true)?);
        }
        ClassSetItem::Perl(p) if !p.negated => out.push_str(perl_set(&p.kind)),
        ClassSetItem::Perl(_) => {
            return Err("a negated class (`\\D`, `\\W`, `\\S`) inside `[...]`".to_string())
        }
        ClassSetItem::Ascii(_) => {
            return Err("`[:name:]` classes are not JavaScript; list the characters".to_string())
        }
        ClassSetItem::Unicode(_) => return Err("`\\p{...}` classes are not supported".to_string()),
        ClassSetItem::Bracketed(_) => {
            return Err("a `[` inside `[...]`: escape it as `\\[`".to_string())
        }
        ClassSetItem::Union(u) => {
            // JavaScript reads `[\d-a]` as a range from a class, an error with the `u` flag.
            let dash = |i: &ClassSetItem| matches!(i, ClassSetItem::Literal(l) if l.c == '-' && l.kind == LiteralKind::Verbatim);
            for w in u.items.windows(3) {
                if matches!(w[0], ClassSetItem::Perl(_)) && dash(&w[1]) {
                    return Err(
                        "a `-` after `\\d`, `\\w` or `\\s` inside `[...]`: escape it as `\\-`"
                            .to_string(),
                    );
                }
            }
            for i in &u.items {
                class_item(i, out)?;
            }
        }
    }
    Ok(())
}

/// Prints the Rust regex with JavaScript's meaning, refusing what the subset leaves out. `top`:
/// the pattern's outermost concatenation, the only place `^` and `$` may stand (first and last).
fn print(ast: &Ast, out: &mut String, top: bool) -> Result<(), String> {
    match ast {
        Ast::Empty(_) => {}
        Ast::Flags(_) => return Err("inline flags such as `(?i)` are not supported".to_string()),
        Ast::Literal(l) => out.push_str(&literal(l, false)?),
        Ast::Dot(_) => out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
        Ast::Assertion(a) => match a.kind {
            AssertionKind::WordBoundary | AssertionKind::NotWordBoundary => {
                return Err("`\\b` and `\\B` are not supported".to_string())
            }
            AssertionKind::StartLine | AssertionKind::EndLine => {
                return Err("`^` and `$` may only start and end the pattern".to_string())
            }
            _ => return Err("only `^` and `$` may anchor a pattern".to_string()),
        },
        Ast::ClassUnicode(_) => return Err("`\\p{...}` classes are not supported".to_string()),
        Ast::ClassPerl(p) => {
            let neg = if p.negated { "^" } else { "" };
            out.push_str(&format!("[{neg}{}]", perl_set(&p.kind)));
        }
        Ast::ClassBracketed(b) => {
            let ClassSet::Item(item) = &b.kind else {
                return Err(
                    "class set operations (`&&`, `--`, `~~`) are not JavaScript".to_string()
                );
            };
            out.push('[');
            if b.negated {
                out.push('^');
            }
            class_item(item, out)?;
            out.push(']');
        }
        Ast::Repetition(r) => {
            if matches!(*r.ast, Ast::Repetition(_)) {
                return Err("a quantifier right after another (such as `a{2}*`): JavaScript refuses it; group the first, `(?:a{2})*`".to_string());
            }
            out.push_str("(?:");
            print(&r.ast, out, false)?;
            out.push(')');
            match &r.op.kind {
                RepetitionKind::ZeroOrOne => out.push('?'),
                RepetitionKind::ZeroOrMore => out.push('*'),
                RepetitionKind::OneOrMore => out.push('+'),
                RepetitionKind::Range(range) => {
                    let (RepetitionRange::Exactly(n)
                    | RepetitionRange::AtLeast(n)
                    | RepetitionRange::Bounded(_, n)) = range;
                    if *n > MAX_COUNT {
                        return Err(format!("a count above {MAX_COUNT} in `{{...}}`"));
                    }
                    out.push_str(&match range {
                        RepetitionRange::Exactly(n) => format!("{{{n}}}"),
                        RepetitionRange::AtLeast(n) => format!("{{{n},}}"),
                        RepetitionRange::Bounded(a, b) => format!("{{{a},{b}}}"),
                    });
                }
            }
            if !r.greedy {
                out.push('?');
            }
        }
        Ast::Group(g) => {
            match &g.kind {
                GroupKind::CaptureIndex(_) => {}
                GroupKind::CaptureName { .. } => {
                    return Err(
                        "named groups are not supported; use `(...)` or `(?:...)`".to_string()
                    )
                }
                GroupKind::NonCapturing(f) if f.items.is_empty() => {}
                GroupKind::NonCapturing(_) => {
                    return Err("inline flags such as `(?i:...)` are not supported".to_string())
                }
            }
            out.push_str("(?:");
            print(&g.ast, out, false)?;
            out.push(')');
        }
        Ast::Alternation(a) => {
            for (i, x) in a.asts.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                print(x, out, false)?;
            }
        }
        Ast::Concat(c) => {
            let last = c.asts.len().saturating_sub(1);
            for (i, x) in c.asts.iter().enumerate() {
                match x {
                    Ast::Assertion(a) if top && i == 0 && a.kind == AssertionKind::StartLine => {
                        out.push('^')
                    }
                    Ast::Assertion(a) if top && i == last && a.kind == AssertionKind::EndLine => {
                        out.push('$')
                    }
                    _ => print(x, out, false)?,
                }
            }
        }
    }
    Ok(())
}

/// The characters one atom (literal, `.`, class) matches, as JavaScript reads it.
fn atom_set(ast: &Ast) -> ClassUnicode {
    let mut printed = String::new();
    if print(ast, &mut printed, false).is_err() {
        return ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]);
    }
    match regex_syntax::Parser::new()
        .parse(&printed)
        .map(|h| h.into_kind())
    {
        Ok(HirKind::Class(Class::Unicode(c))) => c,
        Ok(HirKind::Literal(l)) => ClassUnicode::new(
            String::from_utf8_lossy(&l.0)
                .chars()
                .take(1)
                .map(|c| ClassUnicodeRange::new(c, c)),
        ),
        _ => ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]),
    }
}

fn empty() -> ClassUnicode {
    ClassUnicode::empty()
}

fn union(mut a: ClassUnicode, b: &ClassUnicode) -> ClassUnicode {
    a.union(b);
    a
}

fn overlap(a: &ClassUnicode, b: &ClassUnicode) -> bool {
    let mut x = a.clone();
    x.intersect(b);
    !x.ranges().is_empty()
}

fn bounds(r: &ast::Repetition) -> (u32, Option<u32>) {
    match &r.op.kind {
        RepetitionKind::ZeroOrOne => (0, Some(1)),
        RepetitionKind::ZeroOrMore => (0, None),
        RepetitionKind::OneOrMore => (1, None),
        RepetitionKind::Range(RepetitionRange::Exactly(n)) => (*n, Some(*n)),
        RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (*n, None),
        RepetitionKind::Range(RepetitionRange::Bounded(a, b)) => (*a, Some(*b)),
    }
}

fn nullable(ast: &Ast) -> bool {
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => true,
        Ast::Repetition(r) => bounds(r).0 == 0 || nullable(&r.ast),
        Ast::Group(g) => nullable(&g.ast),
        Ast::Alternation(a) => a.asts.iter().any(nullable),
        Ast::Concat(c) => c.asts.iter().all(nullable),
        _ => false,
    }
}

/// The characters a match of `ast` can start with (`last`: end with).
fn edge_set(ast: &Ast, last: bool) -> ClassUnicode {
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => empty(),
        Ast::Repetition(r) => edge_set(&r.ast, last),
        Ast::Group(g) => edge_set(&g.ast, last),
        Ast::Alternation(a) => a
            .asts
            .iter()
            .fold(empty(), |s, x| union(s, &edge_set(x, last))),
        Ast::Concat(c) => {
            let mut s = empty();
            let items: Vec<&Ast> = if last {
                c.asts.iter().rev().collect()
            } else {
                c.asts.iter().collect()
            };
            for x in items {
                s = union(s, &edge_set(x, last));
                if !nullable(x) {
                    break;
                }
            }
            s
        }
        atom => atom_set(atom),
    }
}

/// The characters that the variable quantifiers at the end of `ast` can take or give back: what
/// text after `ast` must not start with for the split between them to be unambiguous.
fn tail_set(ast: &Ast) -> ClassUnicode {
    match ast {
        Ast::Repetition(r) => {
            let (min, max) = bounds(r);
            let inner = tail_set(&r.ast);
            if Some(min) == max {
                inner
            } else {
                union(inner, &edge_set(&r.ast, true))
            }
        }
        Ast::Group(g) => tail_set(&g.ast),
        Ast::Alternation(a) => a.asts.iter().fold(empty(), |s, x| union(s, &tail_set(x))),
        Ast::Concat(c) => {
            let mut s = empty();
            for x in c.asts.iter().rev() {
                s = union(s, &tail_set(x));
                if !nullable(x) {
                    break;
                }
            }
            s
        }
        _ => empty(),
    }
}

/// Whether text matched by `ast` right after a quantifier that can take the characters `tail`
/// holds another variable quantifier that can take them too (`.0`), and whether it surely holds
/// a character outside `tail` before any such quantifier (`.1`: the first quantifier cannot reach
/// past it).
fn conflicts(ast: &Ast, tail: &ClassUnicode) -> (bool, bool) {
    match ast {
        Ast::Repetition(r) => {
            let (min, max) = bounds(r);
            if Some(min) == max {
                return if min == 0 {
                    (false, false)
                } else {
                    conflicts(&r.ast, tail)
                };
            }
            if overlap(tail, &edge_set(&r.ast, false)) {
                (true, false)
            } else {
                (false, min >= 1 && !nullable(&r.ast))
            }
        }
        Ast::Group(g) => conflicts(&g.ast, tail),
        Ast::Alternation(a) => {
            let all: Vec<(bool, bool)> = a.asts.iter().map(|x| conflicts(x, tail)).collect();
            (all.iter().any(|c| c.0), all.iter().all(|c| c.1))
        }
        Ast::Concat(c) => {
            for x in &c.asts {
                let (conflict, blocked) = conflicts(x, tail);
                if conflict || blocked {
                    return (conflict, blocked);
                }
            }
            (false, false)
        }
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => (false, false),
        atom => (false, !overlap(tail, &atom_set(atom))),
    }
}

fn is_atom(ast: &Ast) -> bool {
    matches!(
        ast,
        Ast::Literal(_) | Ast::Dot(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_)
    )
}

/// The backtracking rules (see the module's documentation), on every node.
fn safe(ast: &Ast) -> Result<(), String> {
    match ast {
        Ast::Repetition(r) => {
            let (_, max) = bounds(r);
            if max != Some(1) && !is_atom(&r.ast) {
                let body = &r.ast;
                if nullable(body) {
                    return Err("a repeated group that can match the empty string".to_string());
                }
                if overlap(&tail_set(body), &edge_set(body, false)) {
                    return Err("a repeated group whose repetitions can run into each other (nested quantifiers such as `(a+)+`)".to_string());
                }
                alternatives_disjoint(body)?;
            }
            safe(&r.ast)
        }
        Ast::Group(g) => safe(&g.ast),
        Ast::Alternation(a) => a.asts.iter().try_for_each(safe),
        Ast::Concat(c) => {
            for (i, x) in c.asts.iter().enumerate() {
                safe(x)?;
                let tail = tail_set(x);
                if tail.ranges().is_empty() {
                    continue;
                }
                for y in &c.asts[i + 1..] {
                    let (conflict, blocked) = conflicts(y, &tail);
                    if conflict {
                        return Err("two quantifiers next to each other that can match the same characters (such as `\\d+\\d*` or `.*a.*`)".to_string());
                    }
                    if blocked {
                        break;
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Inside a repeated group, the branches of every alternation start with different characters.
fn alternatives_disjoint(ast: &Ast) -> Result<(), String> {
    match ast {
        Ast::Alternation(a) => {
            let mut seen = empty();
            for x in &a.asts {
                let first = edge_set(x, false);
                if nullable(x) || overlap(&seen, &first) {
                    return Err("a repeated group holding `|` branches that can start with the same character (such as `(a|ab)*`)".to_string());
                }
                seen = union(seen, &first);
                alternatives_disjoint(x)?;
            }
            Ok(())
        }
        Ast::Group(g) => alternatives_disjoint(&g.ast),
        Ast::Repetition(r) => alternatives_disjoint(&r.ast),
        Ast::Concat(c) => c.asts.iter().try_for_each(alternatives_disjoint),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safe_subset() {
        for ok in [
            "^[a-z]+$",
            "^[a-z0-9]+(?:-[a-z0-9]+)*$",
            "^[A-Z]{2}[0-9]{2}$",
            r"^\d{4}-\d{2}$",
            "^(?:ab|cd)+$",
            "^.*foo$",
            r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$",
            r"^\+?[0-9]{6,15}$",
            r"^a\.b\/c$",
            r"^\u00e9+$",
            "^$",
            r"^[\d-]$",
            r"^[a\-\d]$",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok).err());
        }
        let unsafe_ = |p: &str| matches!(check(p), Err(PatternError::Unsafe(_)));
        for bad in [
            "^(a+)+$",
            "^(a*)*$",
            "^(a|a)*$",
            "^(a|ab)*$",
            "^(?:a?)+$",
            r"^\d+\d*$",
            "^.*a.*$",
            "^(?:x+y?)+$",
            "^[a-z]+[a-z0-9]*$",
            "^(?=a)a$",
            r"^(a)\1$",
            "[a-z]+",
            "^a|b$",
            "^a$|^b$",
        ] {
            assert!(unsafe_(bad), "{bad}: {:?}", check(bad));
        }
        let syntax = |p: &str| matches!(check(p), Err(PatternError::Syntax(_)));
        for bad in [
            "^(a$",
            "^[a-$",
            "^a{2,1}$",
            "^(?i)a$",
            r"^\p{L}$",
            r"^\bx$",
            r"^\-$",
            "^[[a]]$",
            "^a]$",
            "^(?P<n>a)$",
            "^a^b$",
            "^a{1001}$",
            r"^\x{41}$",
            r"^[\d-a]$",
            "^a{2}*$",
            "^$?$",
            "^(?:^a)$",
        ] {
            assert!(syntax(bad), "{bad}: {:?}", check(bad));
        }
    }

    /// The Rust regex reads `\d`, `\w` and `.` as JavaScript does.
    #[test]
    fn javascript_meaning() {
        let re = check(r"^\d\w.$").unwrap();
        assert!(re.is_match("1a!"));
        assert!(
            !re.is_match("١a!"),
            "Arabic-Indic digit is not \\d in JavaScript"
        );
        assert!(!re.is_match("1é!"));
        assert!(!re.is_match("1a\u{2028}"));
    }
}
