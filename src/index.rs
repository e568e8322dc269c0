//! Where each node of a YAML document stands: a map from a node's path (`resources.movies.fields`)
//! to the position of its key and of its value, built from `saphyr-parser`'s events over the same
//! text that serde reads. Aliases are recorded as nodes, never expanded, so a hostile document costs
//! no more than its own length here.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, Span};

use crate::diag::{Code, Diagnostic, Pos};

/// Positions of the nodes of one YAML document, by path.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<String, Node>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    key: Option<Pos>,
    value: Pos,
}

enum Frame {
    Map {
        path: Vec<String>,
        key: Option<(String, Pos)>,
    },
    Seq {
        path: Vec<String>,
        next: usize,
    },
}

fn pos(span: &Span) -> Pos {
    let len = if span.end.line() == span.start.line() {
        span.end.col().saturating_sub(span.start.col())
    } else {
        1
    };
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
        len: len.max(1),
    }
}

/// More nodes than any real spec has once aliases are expanded: past this, an alias bomb (or a
/// spec far larger than any API needs).
const MAX_EXPANDED_NODES: usize = 100_000;
/// Deeper than any spec needs (a spec is 6 levels deep); deeper input is refused before it costs.
pub(crate) const MAX_DEPTH: usize = 32;

fn too_many_nodes(span: &Span, aliases: bool) -> Diagnostic {
    if aliases {
        Diagnostic::new(
            Code::AliasExpansion,
            "the spec's YAML aliases expand too far",
            Some(pos(span)),
        )
        .expected(format!(
            "fewer than {MAX_EXPANDED_NODES} nodes once `*alias` references are expanded"
        ))
        .help("write the repeated parts out, or use fewer aliases; an alias bomb is refused")
    } else {
        Diagnostic::new(
            Code::TooManyValues,
            format!("the spec has more than {MAX_EXPANDED_NODES} YAML values"),
            Some(pos(span)),
        )
        .expected("a spec of a size an API needs (1,000 operations are about 20,000 values)")
        .help("remove what is not part of the spec")
    }
}

impl SpanIndex {
    /// Indexes `text`. YAML syntax errors, duplicate keys, nesting deeper than [`MAX_DEPTH`] and
    /// alias bombs come back as diagnostics at their positions (syntax errors stop the parse).
    pub fn build(text: &str) -> Result<SpanIndex, Vec<Diagnostic>> {
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut keys: Vec<HashSet<String>> = Vec::new();
        let mut problems = Vec::new();
        let mut documents = 0usize;
        // Nodes each open container holds once aliases are expanded, and each anchor's size.
        let mut sizes: Vec<(usize, usize)> = Vec::new(); // (anchor id, expanded node count)
        let mut anchors: HashMap<usize, usize> = HashMap::new();
        let mut total = 0usize;
        let mut aliases = false;
        for item in Parser::new_from_str(text) {
            let (event, span) = match item {
                Ok(x) => x,
                Err(e) => {
                    let m = e.marker();
                    let tab = e.info().contains("tab");
                    // The scanner reports a tab at the token it was reading: point at the tab.
                    let (line, col) = match text.chars().skip(m.index()).position(|c| c == '\t') {
                        Some(k) if tab => {
                            let before: String = text.chars().take(m.index() + k).collect();
                            let line = before.matches('\n').count() + 1;
                            (
                                line,
                                before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
                            )
                        }
                        _ => (m.line(), m.col() + 1),
                    };
                    problems.push(
                        Diagnostic::new(
                            Code::InvalidYaml,
                            format!("invalid YAML: {}", e.info()),
                            Some(Pos { line, col, len: 1 }),
                        )
                        .expected(if tab {
                            "spaces for indentation (YAML does not allow tabs there)"
                        } else {
                            "valid YAML"
                        })
                        .help(if tab {
                            "replace the tabs with spaces"
                        } else {
                            "check the indentation and quoting around this place"
                        }),
                    );
                    return Err(problems);
                }
            };
            match &event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        problems.push(
                            Diagnostic::new(Code::MultipleDocuments, "the spec holds more than one YAML document", Some(pos(&span)))
                                .expected("a single document")
                                .help("remove the `---` separator and everything after it, or split the file"),
                        );
                        return Err(problems);
                    }
                }
                Event::Scalar(_, _, anchor, _) | Event::Alias(anchor) => {
                    let n = match event {
                        Event::Alias(_) => {
                            aliases = true;
                            anchors.get(anchor).copied().unwrap_or(1)
                        }
                        _ => {
                            anchors.insert(*anchor, 1);
                            1
                        }
                    };
                    total = total.saturating_add(n);
                    if let Some(top) = sizes.last_mut() {
                        top.1 = top.1.saturating_add(n);
                    }
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    sizes.push((*anchor, 1));
                    if sizes.len() > MAX_DEPTH {
                        problems.push(
                            Diagnostic::new(
                                Code::TooDeep,
                                format!("the spec nests deeper than {MAX_DEPTH} levels"),
                                Some(pos(&span)),
                            )
                            .expected(format!(
                                "at most {MAX_DEPTH} levels of lists and mappings (a spec needs 6)"
                            ))
                            .help("remove the nesting; nothing in a spec goes that deep"),
                        );
                        return Err(problems);
                    }
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some((anchor, n)) = sizes.pop() {
                        anchors.insert(anchor, n);
                        total = total.saturating_add(1);
                        if let Some(top) = sizes.last_mut() {
                            top.1 = top.1.saturating_add(n);
                        }
                    }
                }
                _ => {}
            }
            if total > MAX_EXPANDED_NODES {
                problems.push(too_many_nodes(&span, aliases));
                return Err(problems);
            }
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Map {
                        key: key @ None, ..
                    }) = stack.last_mut()
                    {
                        let name = value.into_owned();
                        if let Some(seen) = keys.last_mut() {
                            if !seen.insert(name.clone()) {
                                problems.push(
                                    Diagnostic::new(Code::DuplicateKey, format!("duplicate key `{name}`"), Some(pos(&span)))
                                        .expected("each key once in a mapping")
                                        .help("remove or rename one of the two; YAML would keep only the last"),
                                );
                            }
                        }
                        *key = Some((name, pos(&span)));
                    } else {
                        index.value_at(&mut stack, pos(&span));
                    }
                }
                Event::Alias(_) => {
                    if let Some(Frame::Map {
                        key: key @ None, ..
                    }) = stack.last_mut()
                    {
                        *key = Some(("*".to_string(), pos(&span)));
                    } else {
                        index.value_at(&mut stack, pos(&span));
                    }
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let path = if let Some(Frame::Map {
                        key: key @ None, ..
                    }) = stack.last_mut()
                    {
                        // A complex key: index its insides under a placeholder.
                        *key = Some(("?".to_string(), pos(&span)));
                        vec!["?".to_string()]
                    } else {
                        index.value_at(&mut stack, pos(&span))
                    };
                    if is_map {
                        keys.push(HashSet::new());
                        stack.push(Frame::Map { path, key: None });
                    } else {
                        stack.push(Frame::Seq { path, next: 0 });
                    }
                }
                Event::MappingEnd => {
                    keys.pop();
                    stack.pop();
                }
                Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        if problems.is_empty() {
            Ok(index)
        } else {
            Err(problems)
        }
    }

    /// Records a value node at the current place and returns its path.
    fn value_at(&mut self, stack: &mut [Frame], value: Pos) -> Vec<String> {
        let (path, key) = match stack.last_mut() {
            None => (Vec::new(), None),
            Some(Frame::Seq { path, next }) => {
                let mut p = path.clone();
                p.push(next.to_string());
                *next += 1;
                (p, None)
            }
            Some(Frame::Map { path, key }) => {
                let (k, kpos) = match key.take() {
                    Some((k, kpos)) => (k, Some(kpos)),
                    None => (String::new(), None),
                };
                let mut p = path.clone();
                p.push(k);
                (p, kpos)
            }
        };
        self.nodes
            .entry(path.join("\u{0}"))
            .or_insert(Node { key, value });
        path
    }

    /// Position of the key of the node at `path` (the value's when it has no key).
    pub fn key(&self, path: &[&str]) -> Option<Pos> {
        self.get(path).map(|n| n.key.unwrap_or(n.value))
    }

    /// Position of the value of the node at `path`.
    pub fn value(&self, path: &[&str]) -> Option<Pos> {
        self.get(path).map(|n| n.value)
    }

    /// Position of the key at `path` or, when absent, of its nearest ancestor that exists.
    pub fn near(&self, path: &[&str]) -> Option<Pos> {
        (0..=path.len()).rev().find_map(|n| self.key(&path[..n]))
    }

    /// Position of the value at `path` or, when absent, of the nearest key that exists.
    pub fn value_or_near(&self, path: &[&str]) -> Option<Pos> {
        self.value(path).or_else(|| self.near(path))
    }

    fn get(&self, path: &[&str]) -> Option<&Node> {
        self.nodes.get(&path.join("\u{0}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_values_and_sequence_items() {
        let text = "name: x\nresources:\n  movies:\n    operations: [list, dlete]\n";
        let ix = SpanIndex::build(text).unwrap();
        assert_eq!(
            ix.key(&["name"]),
            Some(Pos {
                line: 1,
                col: 1,
                len: 4
            })
        );
        assert_eq!(
            ix.value(&["name"]),
            Some(Pos {
                line: 1,
                col: 7,
                len: 1
            })
        );
        assert_eq!(
            ix.key(&["resources", "movies"]),
            Some(Pos {
                line: 3,
                col: 3,
                len: 6
            })
        );
        assert_eq!(
            ix.value(&["resources", "movies", "operations", "1"]),
            Some(Pos {
                line: 4,
                col: 24,
                len: 5
            })
        );
        assert_eq!(
            ix.near(&["resources", "movies", "fields", "x"]),
            ix.key(&["resources", "movies"])
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = SpanIndex::build("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err[0].pos.is_some());
        assert!(err[0].message.starts_with("invalid YAML"));
        let dup = SpanIndex::build("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n").unwrap_err();
        let found: Vec<_> = dup
            .iter()
            .map(|d| (d.message.as_str(), d.pos.unwrap().line))
            .collect();
        assert_eq!(found, [("duplicate key `c`", 4), ("duplicate key `a`", 5)]);
        let deep = format!("{}x", "- ".repeat(1000));
        assert!(SpanIndex::build(&deep).unwrap_err()[0]
            .message
            .contains("nests deeper"));
    }
}
