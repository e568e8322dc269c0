//! `resources`: names, fields and their rules, storage, and the CRUD operations each one gets.

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, one_of, Code, Diagnostic};
use crate::model::{Access, Auth, Field, OpKind, Operation, Resource, CRUD};
use crate::naming::{is_identifier, is_js_reserved, Names};
use crate::spec::{OperationSpec, Operations, ResourceSpec};

use super::auth::lower_access;
use super::fields::{list_query, lower_fields, Place};
use super::text::lower_description;
use super::Lowerer;

pub(super) fn check_name(l: &mut Lowerer, what: &str, name: &str, path: &[&str]) -> bool {
    if !is_identifier(name) {
        let fix = Names::new(name).snake;
        l.err(
            Diagnostic::new(
                Code::InvalidIdentifier,
                format!("invalid {what} name `{name}`"),
                l.key(path),
            )
            .expected(
                "an identifier of at most 64 characters: a letter, then letters, digits or `_`",
            )
            .help_opt(is_identifier(&fix).then(|| format!("use `{fix}`"))),
        );
        return false;
    }
    let camel = Names::new(name).camel;
    if is_js_reserved(name) || is_js_reserved(&camel) {
        l.err(
            Diagnostic::new(
                Code::ReservedWord,
                format!("{what} name `{name}` is a reserved word in JavaScript"),
                l.key(path),
            )
            .expected("a name that is not a JavaScript keyword or global")
            .help(format!("use e.g. `{name}_items` or `{name}_op`")),
        );
        return false;
    }
    true
}

/// A `storage` value (top level, or a resource's with the top level's as `inherited`); `None`
/// when absent: the target's default, filled in after the target check.
pub(super) fn lower_storage(
    l: &mut Lowerer,
    value: Option<&str>,
    at: &[&str],
    inherited: Option<&str>,
) -> Option<String> {
    let fallback = inherited.map(str::to_string);
    let Some(v) = value else {
        return fallback;
    };
    if !l.storages.iter().any(|s| s == v) {
        let known: Vec<&str> = l.storages.iter().map(String::as_str).collect();
        l.err(
            Diagnostic::new(
                Code::UnknownStorage,
                format!("unknown storage `{v}`"),
                l.value(at),
            )
            .expected(one_of(&known))
            .help_opt(
                did_you_mean(v, known.iter().copied()).map(|s| format!("did you mean `{s}`?")),
            ),
        );
        return fallback;
    }
    Some(v.to_string())
}

/// What every resource's lowering shares: the API's auth and base path, every resource's name.
pub(super) struct Shared<'a> {
    pub auth: &'a Auth,
    pub base_path: &'a str,
    pub resources: &'a [&'a str],
}

pub(super) fn lower_resource(
    l: &mut Lowerer,
    rname: &str,
    r: &ResourceSpec,
    shared: &Shared,
    storage: Option<&str>,
    ops: &mut Vec<Operation>,
) -> Option<Resource> {
    let (auth, base_path) = (shared.auth, shared.base_path);
    let rpath = ["resources", rname];
    let name_ok = check_name(l, "resource", rname, &rpath);
    let parent = vec!["resources".to_string(), rname.to_string()];
    let fields = lower_fields(
        l,
        &parent,
        &r.fields,
        1,
        &Place {
            resources: shared.resources,
        },
    );
    let names = Names::new(rname);
    let title = names.title.to_lowercase();
    let description = lower_description(
        l,
        r.description.as_deref(),
        &["resources", rname, "description"],
    )
    .unwrap_or_else(|| format!("The {title} collection."));
    // Which CRUD operations, each with its spec path for positions and its options.
    let mut wanted: Vec<(String, Vec<String>, Option<&OperationSpec>)> = Vec::new();
    let opath = |key: &str| {
        vec![
            "resources".to_string(),
            rname.to_string(),
            "operations".to_string(),
            key.to_string(),
        ]
    };
    match &r.operations {
        None => {
            for (op, ..) in CRUD {
                wanted.push((op.as_str().to_string(), opath(op.as_str()), None));
            }
        }
        Some(Operations::List(list)) => {
            for (i, op) in list.iter().enumerate() {
                wanted.push((op.clone(), opath(&i.to_string()), None));
            }
        }
        Some(Operations::Map(map)) => {
            for (op, options) in map {
                wanted.push((op.clone(), opath(op), Some(options)));
            }
        }
    }
    let crud_names: Vec<&str> = CRUD.iter().map(|c| c.0.as_str()).collect();
    let mut chosen: BTreeMap<usize, Operation> = BTreeMap::new();
    for (op, path, options) in wanted {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let Some(slot) = crud_names.iter().position(|c| *c == op) else {
            l.err(
                Diagnostic::new(
                    Code::UnknownOperation,
                    format!("unknown operation `{op}`"),
                    l.key(&p),
                )
                .expected(one_of(&crud_names))
                .help(match did_you_mean(&op, crud_names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "custom operations go under `routes`".to_string(),
                }),
            );
            continue;
        };
        if chosen.contains_key(&slot) {
            l.err(
                Diagnostic::new(
                    Code::OperationTwice,
                    format!("operation `{op}` is listed twice"),
                    l.key(&p),
                )
                .expected("each operation once")
                .help("remove the repeat"),
            );
            continue;
        }
        let (public, roles) = lower_access(
            l,
            &p,
            options.and_then(|o| o.auth.as_deref()),
            options.and_then(|o| o.roles.as_ref()),
            auth,
        );
        let (kind, method, item) = CRUD[slot];
        let path = if item {
            format!("/{rname}/{{id}}")
        } else {
            format!("/{rname}")
        };
        let name = Names::join(rname, kind.as_str());
        let summary = match kind {
            OpKind::List => format!("List {title}"),
            OpKind::Create => format!("Create an item in {title}"),
            OpKind::Read => format!("Read an item of {title} by id"),
            OpKind::Update => format!("Replace an item of {title} by id"),
            OpKind::Delete => format!("Delete an item of {title} by id"),
            OpKind::Custom => names.title.clone(),
        };
        let access = Access::of(public, &roles);
        let mut dpath = p.clone();
        dpath.push("description");
        let description = lower_description(
            l,
            options.and_then(|o| o.description.as_deref()),
            &dpath,
        )
        .unwrap_or_else(|| {
            let what = match kind {
                OpKind::List => format!("Lists the items of {title}."),
                OpKind::Create => format!("Creates an item of {title} from the JSON body, which must match the fields; the server assigns its `id`."),
                OpKind::Read => format!("Reads one item of {title} by its `id`."),
                OpKind::Update => format!("Replaces an item of {title}, found by its `id`, with the JSON body, which must match the fields."),
                OpKind::Delete => format!("Deletes an item of {title} by its `id`."),
                OpKind::Custom => format!("The {title} operation."),
            };
            format!("{what} Access: {}.", access.plain)
        });
        chosen.insert(
            slot,
            Operation {
                stem: name.kebab.clone(),
                name,
                kind,
                resource: Some(names.clone()),
                method,
                full_path: format!("{base_path}{path}"),
                params: if item {
                    vec!["id".to_string()]
                } else {
                    Vec::new()
                },
                path,
                access,
                public,
                roles,
                takes_body: method.takes_body(),
                body_resource: matches!(kind, OpKind::Create | OpKind::Update)
                    .then(|| rname.to_string()),
                summary,
                description,
                storage: storage.map(str::to_string),
                fields: fields
                    .iter()
                    .filter(|f: &&Field| !f.readonly)
                    .map(|f| f.name.clone())
                    .collect(),
                query: (kind == OpKind::List).then(|| list_query(&fields)),
            },
        );
    }
    if !name_ok {
        return None;
    }
    ops.extend(chosen.into_values());
    Some(Resource {
        name: names,
        description,
        fields,
        storage: storage.map(str::to_string),
    })
}
