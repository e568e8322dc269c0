//! `resources`: names, fields and their rules, storage, and the CRUD operations each one gets.

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, one_of, Code, Diagnostic};
use crate::model::{Access, Auth, Field, FieldType, OpKind, Operation, Resource, CRUD};
use crate::naming::{is_identifier, is_js_reserved, Names, PROTO_KEYS};
use crate::spec::{FieldSpec, OperationSpec, Operations, ResourceSpec};

use super::auth::lower_access;
use super::text::lower_description;
use super::{Lowerer, FIELD_TYPES, ITEM_TYPES};

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

pub(super) fn lower_resource(
    l: &mut Lowerer,
    rname: &str,
    r: &ResourceSpec,
    auth: &Auth,
    base_path: &str,
    storage: Option<&str>,
    ops: &mut Vec<Operation>,
) -> Option<Resource> {
    let rpath = ["resources", rname];
    let name_ok = check_name(l, "resource", rname, &rpath);
    let mut fields = Vec::new();
    for (fname, f) in &r.fields {
        if let Some(field) = lower_field(l, rname, fname, f) {
            fields.push(field);
        }
    }
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
                fields: fields.iter().map(|f: &Field| f.name.clone()).collect(),
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

fn lower_field(l: &mut Lowerer, rname: &str, fname: &str, f: &FieldSpec) -> Option<Field> {
    let path = ["resources", rname, "fields", fname];
    let at = |k: &'static str| -> [&str; 5] { ["resources", rname, "fields", fname, k] };
    let mut ok = true;
    if PROTO_KEYS.contains(&fname) {
        l.err(
            Diagnostic::new(
                Code::ForbiddenFieldName,
                format!("field name `{fname}` is not allowed"),
                l.key(&path),
            )
            .expected("a name other than `__proto__`, `constructor` or `prototype`")
            .help("these keys reach `Object.prototype` in JavaScript; rename the field"),
        );
        ok = false;
    } else if !is_identifier(fname) {
        l.err(
            Diagnostic::new(
                Code::InvalidFieldName,
                format!("invalid field name `{fname}`"),
                l.key(&path),
            )
            .expected(
                "an identifier of at most 64 characters: a letter, then letters, digits or `_`",
            ),
        );
        ok = false;
    }
    let ty = match f.ty.as_deref() {
        None => {
            l.err(
                Diagnostic::new(
                    Code::MissingFieldType,
                    format!("field `{fname}` has no `type`"),
                    l.key(&path),
                )
                .expected(one_of(FIELD_TYPES))
                .help("add e.g. `type: string`"),
            );
            return None;
        }
        Some(t) if !FIELD_TYPES.contains(&t) => {
            l.err(
                Diagnostic::new(
                    Code::UnknownFieldType,
                    format!("unknown field type `{t}`"),
                    l.value(&at("type")),
                )
                .expected(one_of(FIELD_TYPES))
                .help_opt(
                    did_you_mean(t, FIELD_TYPES.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            );
            return None;
        }
        Some(t) => t,
    };
    let only = |l: &mut Lowerer, key: &'static str, set: bool, types: &str| {
        if set {
            l.err(
                Diagnostic::new(
                    Code::RuleNotForType,
                    format!("`{key}` does not apply to a field of type `{ty}`"),
                    l.key(&at(key)),
                )
                .expected(format!("`{key}` only on {types}"))
                .help(format!("remove `{key}`")),
            );
        }
    };
    let is = |t: &str| ty == t;
    only(
        l,
        "min_length",
        f.min_length.is_some() && !is("string"),
        "strings",
    );
    only(
        l,
        "max_length",
        f.max_length.is_some() && !is("string"),
        "strings",
    );
    only(
        l,
        "min",
        f.min.is_some() && !is("integer") && !is("number"),
        "integers and numbers",
    );
    only(
        l,
        "max",
        f.max.is_some() && !is("integer") && !is("number"),
        "integers and numbers",
    );
    only(
        l,
        "min_items",
        f.min_items.is_some() && !is("array"),
        "arrays",
    );
    only(
        l,
        "max_items",
        f.max_items.is_some() && !is("array"),
        "arrays",
    );
    only(l, "items", f.items.is_some() && !is("array"), "arrays");
    if is("array") {
        match f.items.as_deref() {
            None => l.err(
                Diagnostic::new(
                    Code::MissingItems,
                    format!("array field `{fname}` has no `items`"),
                    l.key(&path),
                )
                .expected(format!("`items:` {}", one_of(ITEM_TYPES)))
                .help("add e.g. `items: string`"),
            ),
            Some(t) if !ITEM_TYPES.contains(&t) => l.err(
                Diagnostic::new(
                    Code::UnknownItemType,
                    format!("unknown item type `{t}`"),
                    l.value(&at("items")),
                )
                .expected(one_of(ITEM_TYPES))
                .help_opt(
                    did_you_mean(t, ITEM_TYPES.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            ),
            Some(_) => {}
        }
    }
    for (key, v) in [("min", f.min), ("max", f.max)] {
        if v.is_some_and(|v| !v.is_finite()) {
            l.err(
                Diagnostic::new(
                    Code::NotFinite,
                    format!("`{key}` of field `{fname}` is not a finite number"),
                    l.value(&at(key)),
                )
                .expected("a finite number")
                .help("remove the bound for no limit"),
            );
        }
    }
    if is("integer") {
        for (key, v) in [("min", f.min), ("max", f.max)] {
            if let Some(v) = v {
                if v.fract() != 0.0 || v.abs() > 9_007_199_254_740_991.0 {
                    l.err(
                        Diagnostic::new(
                            Code::UnsafeInteger,
                            format!("`{key}` of integer field `{fname}` is not a safe integer"),
                            l.value(&at(key)),
                        )
                        .expected("a whole number within JavaScript's safe integer range"),
                    );
                }
            }
        }
    }
    let pairs: [(&str, &'static str, Option<f64>, Option<f64>); 3] = [
        (
            "min_length",
            "max_length",
            f.min_length.map(|v| v as f64),
            f.max_length.map(|v| v as f64),
        ),
        ("min", "max", f.min, f.max),
        (
            "min_items",
            "max_items",
            f.min_items.map(|v| v as f64),
            f.max_items.map(|v| v as f64),
        ),
    ];
    for (lo_key, hi_key, lo, hi) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                l.err(
                    Diagnostic::new(
                        Code::BoundsReversed,
                        format!("`{lo_key}` is greater than `{hi_key}` in field `{fname}`"),
                        l.value(&at(hi_key)),
                    )
                    .expected(format!("`{lo_key}` <= `{hi_key}`"))
                    .help("swap the two bounds"),
                );
            }
        }
    }
    let description = lower_description(l, f.description.as_deref(), &at("description"));
    let ty = FieldType::parse(ty)?;
    ok.then(|| Field {
        name: fname.to_string(),
        ty,
        description,
        required: f.required.unwrap_or(false),
        items: f
            .items
            .as_deref()
            .and_then(FieldType::parse)
            .filter(|t| *t != FieldType::Array),
        min_length: f.min_length,
        max_length: f.max_length,
        min: f.min,
        max: f.max,
        min_items: f.min_items,
        max_items: f.max_items,
    })
}
