//! `routes`: custom operations (method, path and its parameters, access), and the rule that every
//! operation's file stem is unique; where the spec defines an operation.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{did_you_mean, one_of, Code, Diagnostic, Pos};
use crate::index::SpanIndex;
use crate::model::{Access, Auth, Method, OpKind, Operation, MAX_PATH_CHARS, METHODS};
use crate::naming::{is_identifier, Names};
use crate::spec::RouteSpec;

use super::auth::lower_access;
use super::resources::check_name;
use super::text::lower_description;
use super::Lowerer;

pub(super) fn lower_route(
    l: &mut Lowerer,
    name: &str,
    r: &RouteSpec,
    auth: &Auth,
    base_path: &str,
) -> Option<Operation> {
    let rpath = ["routes", name];
    let name_ok = check_name(l, "route", name, &rpath);
    let method = match r.method.as_deref() {
        None => {
            l.err(
                Diagnostic::new(
                    Code::MissingMethod,
                    format!("route `{name}` has no `method`"),
                    l.key(&rpath),
                )
                .expected(one_of(METHODS))
                .help("add e.g. `method: GET`"),
            );
            None
        }
        Some(m) => {
            let upper = m.to_ascii_uppercase();
            if let Some(method) = Method::parse(m) {
                Some(method)
            } else {
                l.err(
                    Diagnostic::new(
                        Code::UnknownMethod,
                        format!("unsupported method `{m}`"),
                        l.value(&["routes", name, "method"]),
                    )
                    .expected(one_of(METHODS))
                    .help_opt(
                        did_you_mean(&upper, METHODS.iter().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
                None
            }
        }
    };
    let path = match r.path.as_deref() {
        None => {
            l.err(
                Diagnostic::new(
                    Code::MissingPath,
                    format!("route `{name}` has no `path`"),
                    l.key(&rpath),
                )
                .expected("a path below the base path, e.g. `/search` or `/movies/{id}/watch`")
                .help(format!("add e.g. `path: /{}`", Names::new(name).kebab)),
            );
            None
        }
        Some(p) => check_path(l, p, &["routes", name, "path"]),
    };
    let (public, roles) = lower_access(l, &rpath, r.auth.as_deref(), r.roles.as_ref(), auth);
    let description = lower_description(
        l,
        r.description.as_deref(),
        &["routes", name, "description"],
    );
    let (method, (path, params)) = (method?, path?);
    let access = Access::of(public, &roles);
    let description = description.unwrap_or_else(|| {
        format!(
            "The custom route `{name}`: {} {path}. Access: {}.",
            method.as_str(),
            access.plain
        )
    });
    if !name_ok {
        return None;
    }
    let names = Names::new(name);
    Some(Operation {
        stem: names.kebab.clone(),
        summary: names.title.clone(),
        description,
        name: names,
        kind: OpKind::Custom,
        resource: None,
        full_path: format!("{base_path}{path}"),
        takes_body: method.takes_body(),
        body_resource: None,
        method,
        path,
        params,
        access,
        public,
        roles,
        storage: Some("none".to_string()),
        fields: Vec::new(),
        query: None,
    })
}

/// A custom route's path: `/segment/{param}/...`, safe characters only. Returns it with its params.
fn check_path(l: &mut Lowerer, p: &str, at: &[&str]) -> Option<(String, Vec<String>)> {
    let pos = l.value(at);
    let bad = |l: &mut Lowerer, what: String, help: &str| {
        l.err(Diagnostic::new(Code::InvalidPath, format!("invalid path `{p}`: {what}"), pos)
            .expected("`/` followed by segments of `A-Za-z0-9_-`, or `{param}` segments, e.g. `/movies/{id}/watch`")
            .help(help.to_string()));
    };
    if let Some(c) = p
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_{}/-".contains(*c)))
    {
        let help = if c == '.' {
            "paths may not hold `.` or `..`"
        } else {
            "remove the character"
        };
        bad(
            l,
            format!("character `{}` is not allowed", c.escape_default()),
            help,
        );
        return None;
    }
    if p.len() > MAX_PATH_CHARS {
        bad(
            l,
            format!("{} characters long", p.len()),
            "keep paths under 256 characters",
        );
        return None;
    }
    if !p.starts_with('/') || p == "/" {
        bad(
            l,
            "it must start with `/` and name at least one segment".to_string(),
            "e.g. `/search`",
        );
        return None;
    }
    if p.contains("//") {
        bad(
            l,
            "empty segment (`//`)".to_string(),
            "remove the doubled slash",
        );
        return None;
    }
    if p.ends_with('/') {
        bad(l, "trailing `/`".to_string(), "remove the trailing slash");
        return None;
    }
    let mut params = Vec::new();
    for seg in p[1..].split('/') {
        if seg.contains(['{', '}']) {
            let inner = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            match inner {
                Some(name) if is_identifier(name) => {
                    if params.iter().any(|q| q == name) {
                        bad(
                            l,
                            format!("parameter `{{{name}}}` appears twice"),
                            "give each parameter its own name",
                        );
                        return None;
                    }
                    params.push(name.to_string());
                }
                _ => {
                    bad(
                        l,
                        format!("`{seg}` is not a parameter segment"),
                        "a parameter fills a whole segment: `{name}`",
                    );
                    return None;
                }
            }
        }
    }
    Some((p.to_string(), params))
}

/// File stems must be unique after case conversion (which stems a platform reserves is
/// `target_check`'s).
pub(super) fn check_names(l: &mut Lowerer, ops: &[Operation]) {
    let mut stems: BTreeMap<&str, &Operation> = BTreeMap::new();
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        if let Some(first) = stems.insert(&op.stem, op) {
            let pair = (owner(first), owner(op));
            if reported.insert(pair.clone()) {
                let what = match (&first.resource, &op.resource) {
                    (Some(a), Some(b)) if a.kebab == b.kebab => format!("`{}`", a.kebab),
                    _ => format!("`{}`", op.stem),
                };
                l.err(Diagnostic::new(Code::StemClash,
                    format!("{} and {} both become {what} after case conversion", pair.0, pair.1),
                    op_pos(l.ix, op),
                )
                .expected("names that stay distinct as file names (`movie_list` and `movieList` do not)")
                .help("rename one of the two"));
            }
        }
    }
}

/// What a spec names an operation after: its resource or its route.
pub(crate) fn owner(op: &Operation) -> String {
    match &op.resource {
        Some(r) => format!("resource `{}`", r.spec),
        None => format!("route `{}`", op.name.spec),
    }
}

/// Where the spec defines an operation.
pub(crate) fn op_pos(ix: &SpanIndex, op: &Operation) -> Option<Pos> {
    match &op.resource {
        Some(r) => ix
            .key(&["resources", &r.spec, "operations", op.kind.as_str()])
            .or_else(|| ix.near(&["resources", &r.spec])),
        None => ix.near(&["routes", &op.name.spec]),
    }
}
