//! Spec -> Model: every rule a spec must follow, checked in one pass that collects every problem,
//! each at its position in the file.

use crate::diag::{did_you_mean, one_of, Code, Diagnostic, Pos};
use crate::index::SpanIndex;
use crate::model::{Auth, Model};
use crate::naming::{is_project_name, Names};
use crate::spec::{keys_at, Loaded};
use crate::target::TargetDesc;

mod auth;
mod dispatch;
mod http;
mod resources;
mod routes;
mod target_check;

use auth::lower_auth;
use dispatch::build_routes;
use http::{lower_base_path, lower_cors, lower_headers, lower_limits};
use resources::{lower_resource, lower_storage};
use routes::{check_names, lower_route};
pub(crate) use routes::{op_pos, owner};

/// Every `auth.provider` the tool knows; a target lists the ones it supports.
pub(crate) const AUTH_PROVIDERS: &[&str] = &["netlify-identity", "jwt", "api-gateway-jwt", "none"];
pub(crate) use crate::model::{FIELD_TYPES, ITEM_TYPES};
pub(crate) const OP_AUTH: &[&str] = &["required", "none"];
pub(crate) const DEFAULT_BASE_PATH: &str = "/api";

/// What [`lower_for`] needs besides the spec: where it came from and for which target. Lowering
/// itself reads no target data; what a target refuses is `target_check`'s, and the target's
/// default storage is filled in after it.
pub struct Context<'a> {
    pub spec_file: &'a str,
    pub target: &'a str,
    pub desc: &'a TargetDesc,
}

/// Lowering, then the target's policy: the model, or every problem of both at once.
pub fn lower_for(loaded: &Loaded, cx: &Context) -> Result<Model, Vec<Diagnostic>> {
    let (mut model, mut errors) = lower(loaded, cx.spec_file);
    errors.extend(target_check::check(loaded, &model, cx.target, cx.desc));
    if errors.is_empty() {
        model.resolve_storage(cx.desc.storage.first().map_or("none", String::as_str));
        Ok(model)
    } else {
        Err(errors)
    }
}

struct Lowerer<'a> {
    ix: &'a SpanIndex,
    errors: Vec<Diagnostic>,
}

impl Lowerer<'_> {
    fn key(&self, path: &[&str]) -> Option<Pos> {
        self.ix.near(path)
    }
    fn value(&self, path: &[&str]) -> Option<Pos> {
        self.ix.value_or_near(path)
    }
    fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }
}

/// Lowers a loaded spec: the model (partial where the spec is wrong) and every problem found.
/// The same for every target; storage left unset stays `None` (the target's default).
pub(crate) fn lower(loaded: &Loaded, spec_file: &str) -> (Model, Vec<Diagnostic>) {
    let mut l = Lowerer {
        ix: &loaded.index,
        errors: Vec::new(),
    };
    let spec = &loaded.spec;
    unknown_keys(&mut l, &loaded.unknown_keys);

    let root = loaded.index.value(&[]);
    let name = match &spec.name {
        None => {
            l.err(
                Diagnostic::new(Code::MissingName, "missing key `name`", root)
                    .expected("`name: <project name>` at the top level")
                    .help("add e.g. `name: watchlist`"),
            );
            String::new()
        }
        Some(n) if !is_project_name(n) => {
            let fix = Names::new(n).kebab;
            l.err(
                Diagnostic::new(
                    Code::InvalidName,
                    format!("invalid project name `{n}`"),
                    l.value(&["name"]),
                )
                .expected("at most 64 lower-case letters, digits and `-`, starting with a letter")
                .help_opt(is_project_name(&fix).then(|| format!("use `{fix}`"))),
            );
            String::new()
        }
        Some(n) => n.clone(),
    };

    let base_path = lower_base_path(&mut l, spec);
    // An invalid provider (already reported) counts as one with users for the operations' checks.
    let auth = lower_auth(&mut l, spec.auth.as_ref(), root).unwrap_or(Auth::NetlifyIdentity);
    let cors = lower_cors(&mut l, spec.cors.as_ref());
    let limits = lower_limits(&mut l, spec);
    let headers = lower_headers(&mut l, spec);
    let default_storage = lower_storage(&mut l, spec.storage.as_deref(), &["storage"], None);

    let mut resources = Vec::new();
    let mut operations = Vec::new();
    for (rname, r) in &spec.resources {
        let storage = lower_storage(
            &mut l,
            r.storage.as_deref(),
            &["resources", rname, "storage"],
            default_storage.as_deref(),
        );
        if let Some(res) = lower_resource(
            &mut l,
            rname,
            r,
            &auth,
            &base_path,
            storage.as_deref(),
            &mut operations,
        ) {
            resources.push(res);
        }
    }
    for (name, route) in &spec.routes {
        if let Some(op) = lower_route(&mut l, name, route, &auth, &base_path) {
            operations.push(op);
        }
    }
    if spec.resources.is_empty() && spec.routes.is_empty() {
        l.err(
            Diagnostic::new(Code::NoOperations, "the spec defines no operations", root)
                .expected("at least one entry under `resources` or `routes`")
                .help("add e.g. `resources: { movies: { fields: { title: { type: string } } } }`"),
        );
    }
    check_names(&mut l, &operations);
    let routes = build_routes(&mut l, &operations);

    let mut model = Model {
        spec_file: spec_file.to_string(),
        name: Names::new(&name),
        route_prefix: base_path.trim_start_matches('/').to_string(),
        base_path,
        storages: Vec::new(),
        auth,
        cors,
        limits,
        headers,
        resources,
        operations,
        routes,
    };
    model.list_storages();
    (model, l.errors)
}
fn unknown_keys(l: &mut Lowerer, paths: &[Vec<String>]) {
    for path in paths {
        let Some((key, parent)) = path.split_last() else {
            continue;
        };
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let parent: Vec<&str> = parent.iter().map(String::as_str).collect();
        let expected = keys_at(&parent);
        let place = if parent.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in `{}`", parent.join("."))
        };
        let mut d = Diagnostic::new(
            Code::UnknownKey,
            format!("unknown key `{key}` {place}"),
            l.key(&p),
        );
        if !expected.is_empty() {
            d = d.expected(one_of(expected));
        }
        d = d.help_opt(
            did_you_mean(key, expected.iter().copied()).map(|s| format!("did you mean `{s}`?")),
        );
        l.err(d);
    }
}

#[cfg(test)]
mod tests;
