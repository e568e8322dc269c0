//! The dispatch table: operations grouped by path into routes in match order (a literal segment
//! before a parameter), with each route's `Allow` list; duplicate and ambiguous routes refused.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic};
use crate::model::{Method, Operation, Route, RouteMethod, Segment};

use super::routes::op_pos;
use super::Lowerer;

fn segments(path: &str) -> Vec<Segment> {
    path[1..]
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(p) => Segment {
                    literal: None,
                    param: Some(p.to_string()),
                },
                None => Segment {
                    literal: Some(s.to_string()),
                    param: None,
                },
            },
        )
        .collect()
}

/// A path with every parameter as `(1, "")` and every literal as `(0, literal)`.
type Shape = Vec<(u8, String)>;

/// Groups operations by path into the dispatch table; rejects duplicate routes and paths that
/// differ only in a parameter's name.
pub(super) fn build_routes(l: &mut Lowerer, ops: &[Operation]) -> Vec<Route> {
    // Key: the path's shape, literals as themselves and every parameter as `{}`.
    let mut by_shape: BTreeMap<Shape, (String, Vec<&Operation>)> = BTreeMap::new();
    for op in ops {
        let shape: Vec<(u8, String)> = segments(&op.path)
            .into_iter()
            .map(|s| match s.literal {
                Some(lit) => (0, lit),
                None => (1, String::new()),
            })
            .collect();
        let entry = by_shape
            .entry(shape)
            .or_insert_with(|| (op.path.clone(), Vec::new()));
        if entry.0 != op.path {
            let here = op_pos(l.ix, op);
            l.err(
                Diagnostic::new(
                    Code::AmbiguousPath,
                    format!(
                        "path `{}` matches the same requests as `{}`",
                        op.path, entry.0
                    ),
                    here,
                )
                .expected("one parameter name per position for paths of the same shape")
                .help(format!("write the path as `{}`", entry.0)),
            );
            continue;
        }
        if let Some(first) = entry.1.iter().find(|o| o.method == op.method) {
            let here = op_pos(l.ix, op);
            l.err(
                Diagnostic::new(
                    Code::DuplicateRoute,
                    format!(
                        "duplicate route `{} {}`: `{}` and `{}`",
                        op.method, op.path, first.name.spec, op.name.spec
                    ),
                    here,
                )
                .expected("each method and path once")
                .help("change the method or the path of one of them"),
            );
            continue;
        }
        entry.1.push(op);
    }
    // Sorting by shape puts a literal (0) before a parameter (1) at the first differing segment.
    by_shape
        .into_values()
        .map(|(path, mut ops)| {
            ops.sort_by_key(|o| o.method);
            let mut allow: Vec<&str> = ops.iter().map(|o| o.method.as_str()).collect();
            let cors_methods = allow.join(", ");
            // A method the path does not take (405), preferring ones that change nothing.
            let unallowed = [
                Method::Patch,
                Method::Delete,
                Method::Put,
                Method::Post,
                Method::Get,
            ]
            .into_iter()
            .find(|m| !ops.iter().any(|o| o.method == *m));
            allow.push("OPTIONS");
            Route {
                cors_methods,
                unallowed,
                segments: segments(&path),
                methods: ops
                    .iter()
                    .map(|o| RouteMethod {
                        method: o.method,
                        operation: o.name.camel.clone(),
                    })
                    .collect(),
                allow: allow.join(", "),
                path,
            }
        })
        .collect()
}
