//! API-level review of a spec change: two models in, a list of classified changes out, rendered
//! as Markdown for a pull-request comment or as JSON. Pure.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Field, Model, Operation, SECURITY_HEADERS};

/// One API-level change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Change {
    /// A stable identifier of the kind of change, e.g. `operation_removed`.
    pub kind: &'static str,
    /// Clients written against the old API may break.
    pub breaking: bool,
    /// Access or hardening got weaker (or needs a security review).
    pub security: bool,
    pub message: String,
}

impl Change {
    fn new(kind: &'static str, breaking: bool, security: bool, message: String) -> Change {
        Change {
            kind,
            breaking,
            security,
            message,
        }
    }

    pub(crate) fn class(&self) -> &'static str {
        match (self.breaking, self.security) {
            (true, true) => "breaking, security",
            (true, false) => "breaking",
            (false, true) => "security",
            (false, false) => "safe",
        }
    }
}

fn op_label(op: &Operation) -> String {
    format!("`{}` (`{} {}`)", op.name.camel, op.method, op.full_path)
}

fn access(op: &Operation) -> &str {
    &op.access.review
}

/// Every API-level difference between `old` and `new`, in a stable order.
pub(crate) fn review(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Vec::new();
    if old.base_path != new.base_path {
        out.push(Change::new(
            "base_path_changed",
            true,
            false,
            format!(
                "base path changed from `{}` to `{}`: every URL moves",
                old.base_path, new.base_path
            ),
        ));
    }
    if old.auth.provider() != new.auth.provider() {
        out.push(Change::new(
            "auth_provider_changed",
            true,
            true,
            format!(
                "auth provider changed from `{}` to `{}`",
                old.auth.provider(),
                new.auth.provider()
            ),
        ));
    }
    if old.auth.provider() == new.auth.provider() && old.auth != new.auth {
        out.push(Change::new(
            "jwt_settings_changed",
            true,
            true,
            "JWT settings changed (issuer, audience, keys, algorithms, roles claim or clock skew)"
                .to_string(),
        ));
    }
    if old.language != new.language {
        // The API stays the same; the project does not: `generate` refuses to switch it.
        out.push(Change::new(
            "language_changed",
            false,
            false,
            format!(
                "language changed from `{}` to `{}`: the API is unchanged, but `scaffold generate` \
                 refuses to switch an existing project's language (generate a new project from the \
                 spec and move the handlers over)",
                old.language.as_str(),
                new.language.as_str()
            ),
        ));
    }
    cors(old, new, &mut out);
    if old.limits.body_bytes != new.limits.body_bytes {
        let lower = new.limits.body_bytes < old.limits.body_bytes;
        out.push(Change::new(
            "body_limit_changed",
            lower,
            false,
            format!(
                "body limit changed from {} to {} bytes",
                old.limits.body_bytes, new.limits.body_bytes
            ),
        ));
    }
    operations(old, new, &mut out);
    fields(old, new, &mut out);
    headers(old, new, &mut out);
    out
}

fn cors(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let (o, n) = (&old.cors, &new.cors);
    for origin in n.origins.iter().filter(|x| !o.origins.contains(x)) {
        out.push(Change::new(
            "cors_origin_added",
            false,
            true,
            format!("CORS widened: origin `{origin}` may now call the API"),
        ));
    }
    for origin in o.origins.iter().filter(|x| !n.origins.contains(x)) {
        out.push(Change::new(
            "cors_origin_removed",
            true,
            false,
            format!("CORS narrowed: origin `{origin}` may no longer call the API"),
        ));
    }
    if o.credentials != n.credentials {
        let (kind, breaking, security, what) = if n.credentials {
            ("cors_credentials_allowed", false, true, "now allowed")
        } else {
            ("cors_credentials_refused", true, false, "no longer allowed")
        };
        out.push(Change::new(
            kind,
            breaking,
            security,
            format!("CORS credentials (cookies) {what}"),
        ));
    }
}

fn operations(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let by_name = |m: &Model| -> BTreeMap<String, Operation> {
        m.operations
            .iter()
            .map(|o| (o.name.camel.clone(), o.clone()))
            .collect()
    };
    let (olds, news) = (by_name(old), by_name(new));
    for (name, o) in &olds {
        let Some(n) = news.get(name) else {
            out.push(Change::new(
                "operation_removed",
                true,
                false,
                format!("operation {} removed", op_label(o)),
            ));
            continue;
        };
        // Paths below the base path: a base path change is reported once, above.
        if o.method != n.method || o.path != n.path {
            out.push(Change::new(
                "operation_moved",
                true,
                false,
                format!(
                    "operation `{name}` moved from `{} {}` to `{} {}`",
                    o.method, o.full_path, n.method, n.full_path
                ),
            ));
        }
        let what = format!("operation {}", op_label(n));
        match (o.public, n.public) {
            (false, true) => out.push(Change::new(
                "operation_made_public",
                false,
                true,
                format!("{what} made public (was {})", access(o)),
            )),
            (true, false) => out.push(Change::new(
                "operation_requires_auth",
                true,
                false,
                format!("{what} now requires {} (was public)", access(n)),
            )),
            _ => {}
        }
        if !o.public && !n.public && o.roles != n.roles {
            // Roles are any-of: dropping all roles, or adding one, lets more users in; requiring
            // roles where there were none, or removing one, shuts some out.
            let (was, now) = (&o.roles, &n.roles);
            let widened =
                !was.is_empty() && (now.is_empty() || now.iter().any(|r| !was.contains(r)));
            let narrowed =
                !now.is_empty() && (was.is_empty() || was.iter().any(|r| !now.contains(r)));
            let text = format!("{what}: access changed from {} to {}", access(o), access(n));
            out.push(Change::new(
                "operation_roles_changed",
                narrowed,
                widened,
                text,
            ));
        }
    }
    for (name, n) in &news {
        if !olds.contains_key(name) {
            out.push(Change::new(
                "operation_added",
                false,
                n.public,
                format!("operation {} added ({})", op_label(n), access(n)),
            ));
        }
    }
}

fn describe(f: &Field) -> String {
    format!(
        "{}, {}",
        f.type_words(),
        if f.required { "required" } else { "optional" }
    )
}

fn fields(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let resources = |m: &Model| -> BTreeMap<String, Vec<Field>> {
        m.resources
            .iter()
            .map(|r| (r.name.spec.clone(), r.fields.clone()))
            .collect()
    };
    let (olds, news) = (resources(old), resources(new));
    for (res, ofields) in &olds {
        let Some(nfields) = news.get(res) else {
            out.push(Change::new(
                "resource_removed",
                true,
                false,
                format!("resource `{res}` removed"),
            ));
            continue;
        };
        compare_fields(res, ofields, nfields, out);
    }
    for res in news.keys().filter(|r| !olds.contains_key(*r)) {
        out.push(Change::new(
            "resource_added",
            false,
            false,
            format!("resource `{res}` added"),
        ));
    }
}

/// The changes between two lists of fields at `prefix` (`movies`, `movies.address`), nested
/// fields included.
fn compare_fields(prefix: &str, ofields: &[Field], nfields: &[Field], out: &mut Vec<Change>) {
    let by_name = |fs: &[Field]| -> BTreeMap<String, Field> {
        fs.iter().map(|f| (f.name.clone(), f.clone())).collect()
    };
    let (ofields, nfields) = (by_name(ofields), by_name(nfields));
    for (name, o) in &ofields {
        let at = format!("field `{prefix}.{name}`");
        let Some(n) = nfields.get(name) else {
            out.push(Change::new(
                "field_removed",
                true,
                false,
                format!("{at} removed"),
            ));
            continue;
        };
        if o.ty != n.ty || o.items != n.items {
            out.push(Change::new(
                "field_retyped",
                true,
                false,
                format!("{at} changed type from {} to {}", describe(o), describe(n)),
            ));
        }
        match (o.required, n.required) {
            (false, true) => out.push(Change::new(
                "field_now_required",
                true,
                false,
                format!("{at} is now required"),
            )),
            (true, false) => out.push(Change::new(
                "field_now_optional",
                false,
                false,
                format!("{at} is now optional"),
            )),
            _ => {}
        }
        bounds(&at, o, n, out);
        rules(&at, o, n, out);
        if o.has_fields() && n.has_fields() {
            compare_fields(&format!("{prefix}.{name}"), &o.fields, &n.fields, out);
        }
    }
    for (name, n) in &nfields {
        if !ofields.contains_key(name) {
            out.push(Change::new(
                "field_added",
                n.required,
                false,
                format!("field `{prefix}.{name}` added ({})", describe(n)),
            ));
        }
    }
}

fn bounds(at: &str, o: &Field, n: &Field, out: &mut Vec<Change>) {
    let bounds: [(&str, Option<f64>, Option<f64>, bool); 6] = [
        (
            "min_length",
            o.min_length.map(|v| v as f64),
            n.min_length.map(|v| v as f64),
            false,
        ),
        (
            "max_length",
            o.max_length.map(|v| v as f64),
            n.max_length.map(|v| v as f64),
            true,
        ),
        ("min", o.min, n.min, false),
        ("max", o.max, n.max, true),
        (
            "min_items",
            o.min_items.map(|v| v as f64),
            n.min_items.map(|v| v as f64),
            false,
        ),
        (
            "max_items",
            o.max_items.map(|v| v as f64),
            n.max_items.map(|v| v as f64),
            true,
        ),
    ];
    for (key, ob, nb, upper) in bounds {
        if ob == nb {
            continue;
        }
        // Tighter: a new bound, a lower maximum, or a higher minimum.
        let tighter = match (ob, nb) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => (upper && b < a) || (!upper && b > a),
            (None, None) => false,
        };
        let show = |v: Option<f64>| {
            v.map(|v| v.to_string())
                .unwrap_or_else(|| "none".to_string())
        };
        out.push(Change::new(
            if tighter {
                "field_bound_tightened"
            } else {
                "field_bound_loosened"
            },
            tighter,
            false,
            format!("{at}: `{key}` changed from {} to {}", show(ob), show(nb)),
        ));
    }
}

/// `enum`, `format`, `pattern`, `nullable`, `filter`, `readonly`, `ref` and `default`: what a client that
/// worked before may now have refused is breaking; what only accepts more is safe.
fn rules(at: &str, o: &Field, n: &Field, out: &mut Vec<Change>) {
    let quote = |vs: &[&String]| {
        vs.iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (&o.choices, &n.choices) {
        (None, Some(new)) => out.push(Change::new(
            "field_enum_added",
            true,
            false,
            format!(
                "{at} now only takes {}",
                quote(&new.iter().collect::<Vec<_>>())
            ),
        )),
        (Some(_), None) => out.push(Change::new(
            "field_enum_removed",
            false,
            false,
            format!("{at} takes any value again (no `enum`)"),
        )),
        (Some(old), Some(new)) => {
            let removed: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
            let added: Vec<&String> = new.iter().filter(|v| !old.contains(v)).collect();
            if !removed.is_empty() {
                out.push(Change::new(
                    "field_enum_values_removed",
                    true,
                    false,
                    format!("{at}: `enum` values removed: {}", quote(&removed)),
                ));
            }
            if !added.is_empty() {
                out.push(Change::new(
                    "field_enum_values_added",
                    false,
                    false,
                    format!("{at}: `enum` values added: {}", quote(&added)),
                ));
            }
        }
        (None, None) => {}
    }
    let text = |what: &str, old: Option<String>, new: Option<String>, out: &mut Vec<Change>| {
        let show = |v: &Option<String>| match v {
            Some(v) => format!("`{v}`"),
            None => "none".to_string(),
        };
        if old != new {
            let breaking = new.is_some();
            out.push(Change::new(
                if breaking {
                    "field_rule_tightened"
                } else {
                    "field_rule_removed"
                },
                breaking,
                false,
                format!(
                    "{at}: `{what}` changed from {} to {}",
                    show(&old),
                    show(&new)
                ),
            ));
        }
    };
    text(
        "format",
        o.format.map(|f| f.as_str().to_string()),
        n.format.map(|f| f.as_str().to_string()),
        out,
    );
    text("pattern", o.pattern.clone(), n.pattern.clone(), out);
    text("ref", o.reference.clone(), n.reference.clone(), out);
    match (o.nullable, n.nullable) {
        (true, false) => out.push(Change::new(
            "field_no_longer_nullable",
            true,
            false,
            format!("{at} no longer takes `null`"),
        )),
        (false, true) => out.push(Change::new(
            "field_now_nullable",
            false,
            false,
            format!("{at} now takes `null`"),
        )),
        _ => {}
    }
    // Filterable: a list that no longer filters by the field refuses the parameter (400).
    match (o.filter, n.filter) {
        (true, false) => out.push(Change::new(
            "field_filter_removed",
            true,
            false,
            format!(
                "{at}: the list no longer filters by it (`?{}=` is refused)",
                n.name
            ),
        )),
        (false, true) => out.push(Change::new(
            "field_filter_added",
            false,
            false,
            format!("{at}: the list now filters by it (`?{}=`)", n.name),
        )),
        _ => {}
    }
    if o.readonly != n.readonly {
        out.push(Change::new(
            "field_readonly_changed",
            true,
            false,
            if n.readonly {
                format!("{at} is now read-only: requests that send it are refused")
            } else {
                format!("{at} is no longer read-only: requests set it")
            },
        ));
    }
    if o.default != n.default {
        let show = |v: &Option<serde_json::Value>| match v {
            Some(v) => format!("`{v}`"),
            None => "none".to_string(),
        };
        out.push(Change::new(
            "field_default_changed",
            false,
            false,
            format!(
                "{at}: `default` changed from {} to {}",
                show(&o.default),
                show(&n.default)
            ),
        ));
    }
}

fn headers(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let map = |m: &Model| -> BTreeMap<String, (String, String)> {
        m.headers
            .iter()
            .map(|h| {
                (
                    h.name.to_ascii_lowercase(),
                    (h.name.clone(), h.value.clone()),
                )
            })
            .collect()
    };
    let (olds, news) = (map(old), map(new));
    let hardening = |lower: &str| {
        SECURITY_HEADERS
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(lower))
    };
    for (lower, (name, value)) in &olds {
        match news.get(lower) {
            None => out.push(Change::new(
                "header_removed",
                false,
                true,
                format!("response header `{name}: {value}` removed"),
            )),
            Some((_, v)) if v != value => out.push(Change::new(
                "header_changed",
                false,
                hardening(lower),
                format!("response header `{name}` changed from `{value}` to `{v}`"),
            )),
            Some(_) => {}
        }
    }
    for (lower, (name, value)) in &news {
        if !olds.contains_key(lower) {
            out.push(Change::new(
                "header_added",
                false,
                false,
                format!("response header `{name}: {value}` added"),
            ));
        }
    }
}

/// The report as Markdown, for a pull-request comment.
pub(crate) fn markdown(old_name: &str, new_name: &str, changes: &[Change]) -> String {
    let count = |f: &dyn Fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count();
    let mut out = format!("## API review: `{old_name}` -> `{new_name}`\n\n");
    if changes.is_empty() {
        out.push_str("No API-level changes.\n");
        return out;
    }
    out.push_str(&format!(
        "**{} breaking, {} security-relevant, {} safe**\n\n| class | change |\n|---|---|\n",
        count(&|c| c.breaking),
        count(&|c| c.security),
        count(&|c| !c.breaking && !c.security)
    ));
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by_key(|c| (!c.breaking, !c.security));
    for c in sorted {
        out.push_str(&format!(
            "| {} | {} |\n",
            c.class(),
            c.message.replace('|', "\\|")
        ));
    }
    out
}

/// The report as JSON, for machines.
pub(crate) fn json(old_name: &str, new_name: &str, changes: &[Change]) -> String {
    let value = serde_json::json!({
        "old": old_name,
        "new": new_name,
        "breaking": changes.iter().filter(|c| c.breaking).count(),
        "security": changes.iter().filter(|c| c.security).count(),
        "changes": changes,
    });
    serde_json::to_string_pretty(&value).expect("a report serialises") + "\n"
}
