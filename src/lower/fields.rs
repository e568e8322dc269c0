//! A resource's fields, nested ones included: their types and rules, each checked at its place,
//! and every `default` checked against its field's own rules (the same rules, in the same words,
//! as the dispatcher's: `templates/_shared/dispatch-core.js`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::{did_you_mean, one_of, Code, Diagnostic};
use crate::model::{Field, FieldType, Format, ListQuery, QueryField, FORMATS, MAX_FIELD_DEPTH};
use crate::naming::{is_identifier, PROTO_KEYS};
use crate::spec::FieldSpec;

use super::pattern::{self, PatternError};
use super::text::lower_description;
use super::{Lowerer, FIELD_TYPES, ITEM_TYPES};

/// What lowering a field needs to know about the rest of the spec.
pub(super) struct Place<'a> {
    /// Every resource's name (what `ref` may name).
    pub resources: &'a [&'a str],
}

/// The fields of a map (a resource's, or an object's at `parent`), in spec order; `depth` is the
/// level of these fields (1 for a resource's own).
pub(super) fn lower_fields(
    l: &mut Lowerer,
    parent: &[String],
    fields: &BTreeMap<String, FieldSpec>,
    depth: usize,
    place: &Place,
) -> Vec<Field> {
    let mut out = Vec::new();
    for (fname, f) in fields {
        let mut path = parent.to_vec();
        path.push("fields".to_string());
        path.push(fname.clone());
        if let Some(field) = lower_field(l, &path, fname, f, depth, place) {
            out.push(field);
        }
    }
    out
}

fn lower_field(
    l: &mut Lowerer,
    path: &[String],
    fname: &str,
    f: &FieldSpec,
    depth: usize,
    place: &Place,
) -> Option<Field> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let at = |k: &'static str| -> Vec<&str> {
        let mut v = p.clone();
        v.push(k);
        v
    };
    let mut ok = true;
    if PROTO_KEYS.contains(&fname) {
        l.err(
            Diagnostic::new(
                Code::ForbiddenFieldName,
                format!("field name `{fname}` is not allowed"),
                l.key(&p),
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
                l.key(&p),
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
                    l.key(&p),
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
    let before = l.errors.len();
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
    let objects = is("object") || (is("array") && f.items.as_deref() == Some("object"));
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
    let numeric = "integers and numbers";
    only(
        l,
        "min",
        f.min.is_some() && !is("integer") && !is("number"),
        numeric,
    );
    only(
        l,
        "max",
        f.max.is_some() && !is("integer") && !is("number"),
        numeric,
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
    only(l, "enum", f.choices.is_some() && !is("string"), "strings");
    only(l, "format", f.format.is_some() && !is("string"), "strings");
    only(
        l,
        "pattern",
        f.pattern.is_some() && !is("string"),
        "strings",
    );
    only(l, "ref", f.reference.is_some() && !is("string"), "strings");
    only(
        l,
        "fields",
        f.fields.is_some() && !objects,
        "`type: object` and arrays with `items: object`",
    );
    if is("array") {
        match f.items.as_deref() {
            None => l.err(
                Diagnostic::new(
                    Code::MissingItems,
                    format!("array field `{fname}` has no `items`"),
                    l.key(&p),
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

    // enum: values, each once.
    if let (Some(values), true) = (&f.choices, is("string")) {
        if values.is_empty() {
            l.err(
                Diagnostic::new(
                    Code::EmptyEnum,
                    format!("`enum` of field `{fname}` lists no values"),
                    l.value(&at("enum")),
                )
                .expected("at least one value, e.g. `enum: [draft, published]`")
                .help("list the allowed values, or remove `enum`"),
            );
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                let idx = i.to_string();
                let mut vp = at("enum");
                vp.push(&idx);
                l.err(
                    Diagnostic::new(
                        Code::EnumValueTwice,
                        format!("`enum` of field `{fname}` lists `{v}` twice"),
                        l.value(&vp),
                    )
                    .expected("each value once")
                    .help("remove the repeat"),
                );
            }
        }
    }
    // format
    let format = match (f.format.as_deref(), is("string")) {
        (Some(v), true) => match Format::parse(v) {
            Some(fmt) => Some(fmt),
            None => {
                l.err(
                    Diagnostic::new(
                        Code::UnknownFormat,
                        format!("unknown format `{v}`"),
                        l.value(&at("format")),
                    )
                    .expected(one_of(FORMATS))
                    .help(
                        did_you_mean(v, FORMATS.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| {
                                "for any other shape of text, use `pattern`".to_string()
                            }),
                    ),
                );
                None
            }
        },
        _ => None,
    };
    // pattern
    let mut regex = None;
    if let (Some(pat), true) = (f.pattern.as_deref(), is("string")) {
        match pattern::check(pat) {
            Ok(re) => regex = Some(re),
            Err(PatternError::Syntax(why)) => l.err(
                Diagnostic::new(
                    Code::InvalidPattern,
                    format!("`pattern` of field `{fname}` is not a valid regular expression: {why}"),
                    l.value(&at("pattern")),
                )
                .expected("a regular expression that JavaScript (with the `u` flag) and scaffold read alike, e.g. `^[a-z0-9-]+$`")
                .help("fix the expression; see docs/spec.md for what `pattern` accepts"),
            ),
            Err(PatternError::Unsafe(why)) => l.err(
                Diagnostic::new(
                    Code::UnsafePattern,
                    format!("`pattern` of field `{fname}` is outside the safe subset: {why}"),
                    l.value(&at("pattern")),
                )
                .expected("an anchored pattern (`^...$`) whose quantifiers cannot match the same text in more than one way")
                .help("the dispatcher's JavaScript engine backtracks: a request could make it run for minutes; rewrite the pattern (e.g. `^[a-z0-9]+(?:-[a-z0-9]+)*$` for slugs), or use `format` or `enum`"),
            ),
        }
    }
    // ref
    if let (Some(r), true) = (f.reference.as_deref(), is("string")) {
        if !place.resources.contains(&r) {
            l.err(
                Diagnostic::new(
                    Code::UnknownRef,
                    format!("`ref` of field `{fname}` names no resource: `{r}`"),
                    l.value(&at("ref")),
                )
                .expected(one_of(place.resources))
                .help_opt(
                    did_you_mean(r, place.resources.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            );
        }
        for (key, set) in [
            ("enum", f.choices.is_some()),
            ("format", f.format.is_some()),
            ("pattern", f.pattern.is_some()),
            ("min_length", f.min_length.is_some()),
            ("max_length", f.max_length.is_some()),
        ] {
            if set {
                l.err(
                    Diagnostic::new(
                        Code::RefWithRules,
                        format!("`{key}` on field `{fname}`, which has `ref`"),
                        l.key(&at(key)),
                    )
                    .expected("a `ref` field without rules of its own: its values are ids")
                    .help(format!("remove `{key}`")),
                );
            }
        }
    }
    // filter: a resource's own scalar fields only.
    let scalar = is("string") || is("integer") || is("number") || is("boolean");
    if f.filter == Some(true) && (!scalar || depth > 1) {
        let (what, help) = if scalar {
            (
                format!("`filter` on field `{fname}`, which is inside an object"),
                "remove `filter`: a list filters by its resource's own fields only (move the value to a top-level field to filter by it)",
            )
        } else {
            (
                format!("`filter` does not apply to a field of type `{ty}`"),
                "remove `filter`: a list filters by equality on a single value only",
            )
        };
        l.err(
            Diagnostic::new(Code::FilterNotScalar, what, l.key(&at("filter")))
                .expected("`filter: true` only on a resource's own field of type string, integer, number or boolean")
                .help(help),
        );
    }
    if f.filter == Some(true) && QUERY_WORDS.contains(&fname) {
        l.err(
            Diagnostic::new(
                Code::FilterNameTaken,
                format!(
                    "`filter` on field `{fname}`, whose name the list's query string already uses"
                ),
                l.key(&at("filter")),
            )
            .expected(format!(
                "`filter: true` on a field not named {}",
                QUERY_WORDS
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .help("rename the field, or remove `filter`"),
        );
    }
    // readonly
    let readonly = f.readonly.unwrap_or(false);
    if readonly {
        for (key, set) in [
            ("required", f.required == Some(true)),
            ("default", f.default.is_some()),
        ] {
            if set {
                l.err(
                    Diagnostic::new(
                        Code::ReadonlyConflict,
                        format!("field `{fname}` is `readonly` and has `{key}`"),
                        l.key(&at(key)),
                    )
                    .expected(
                        "a `readonly` field without `required` or `default`: requests never set it",
                    )
                    .help(format!("remove `{key}`, or `readonly`")),
                );
            }
        }
    }
    if f.required == Some(true) && f.default.is_some() && !readonly {
        l.err(
            Diagnostic::new(
                Code::DefaultOnRequired,
                format!("field `{fname}` is `required` and has a `default`"),
                l.key(&at("default")),
            )
            .expected("a `default` only on an optional field: create refuses a request without a required field before any default applies")
            .help("remove `default`, or `required`"),
        );
    }
    // nested fields
    let mut fields = Vec::new();
    if objects {
        match &f.fields {
            None => l.err(
                Diagnostic::new(
                    Code::MissingFields,
                    format!("field `{fname}` holds objects but has no `fields`"),
                    l.key(&p),
                )
                .expected("`fields:` a map of the objects' fields")
                .help("add e.g. `fields: { city: { type: string } }`"),
            ),
            Some(_) if depth >= MAX_FIELD_DEPTH => l.err(
                Diagnostic::new(
                    Code::FieldsTooDeep,
                    format!("field `{fname}` nests fields deeper than {MAX_FIELD_DEPTH} levels"),
                    l.key(&at("fields")),
                )
                .expected(format!("fields nested at most {MAX_FIELD_DEPTH} levels deep"))
                .help("flatten the structure, or move the inner objects to a resource of their own and `ref` it"),
            ),
            Some(map) => fields = lower_fields(l, path, map, depth + 1, place),
        }
    }

    let description = lower_description(l, f.description.as_deref(), &at("description"));
    let ty = FieldType::parse(ty)?;
    let mut field = Field {
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
        choices: f.choices.clone().filter(|_| ty == FieldType::String),
        format,
        pattern: f.pattern.clone().filter(|_| regex.is_some()),
        default: None,
        nullable: f.nullable.unwrap_or(false),
        readonly,
        reference: f.reference.clone().filter(|_| ty == FieldType::String),
        filter: depth == 1
            && !QUERY_WORDS.contains(&fname)
            && (f.filter == Some(true) || (ty == FieldType::String && f.reference.is_some())),
        fields,
    };
    // Each enum value, against the field's other rules (only when they are sound).
    if let (Some(values), true) = (&field.choices, l.errors.len() == before) {
        let others = Field {
            choices: None,
            ..field.clone()
        };
        for (i, v) in values.iter().enumerate() {
            let mut problems = Vec::new();
            value_problems(&others, &Value::from(v.as_str()), "", &regex, &mut problems);
            if let Some((_, problem)) = problems.first() {
                let idx = i.to_string();
                let mut vp = at("enum");
                vp.push(&idx);
                l.err(
                    Diagnostic::new(
                        Code::InvalidEnumValue,
                        format!("`enum` value `{v}` of field `{fname}` breaks the field's other rules: {problem}"),
                        l.value(&vp),
                    )
                    .expected("values that create would accept for the field")
                    .help("fix or remove the value, or loosen the rule"),
                );
            }
        }
    }
    // The default, against the field's own rules (only when they are sound).
    if let (Some(default), true) = (&f.default, l.errors.len() == before) {
        let mut problems = Vec::new();
        value_problems(&field, default, "", &regex, &mut problems);
        if let Some((at_path, problem)) = problems.first() {
            let whose = if at_path.is_empty() {
                String::new()
            } else {
                format!(" (at `{at_path}`)")
            };
            l.err(
                Diagnostic::new(
                    Code::InvalidDefault,
                    format!("`default` of field `{fname}` breaks the field's own rules: {problem}{whose}"),
                    l.value(&at("default")),
                )
                .expected("a value that create would accept for the field")
                .help("fix the value, or remove `default`"),
            );
        } else {
            field.default = Some(default.clone());
        }
    }
    (ok && l.errors.len() == before).then_some(field)
}

/// The query parameters a list takes besides its filters: no filter may have these names.
pub(crate) const QUERY_WORDS: &[&str] = &["limit", "cursor", "sort"];
/// The timestamps every item has: sortable, like the resource's own scalar fields.
const TIMESTAMPS: &[&str] = &["createdAt", "updatedAt"];
/// An item id as the server routes it (`is_id`), as a JavaScript regular expression (`u` flag).
const ID_PATTERN: &str = r"^(?!\.\.?$)[A-Za-z0-9._~-]{1,128}$";

/// What a list of a resource with `fields` takes in its query string: `sort` over its own scalar
/// fields and the timestamps, and filters over its filterable fields, with the rules a filter's
/// value must meet (the handler's `SORTS` and `FILTERS`).
pub(crate) fn list_query(fields: &[Field]) -> ListQuery {
    let scalar = |f: &&Field| {
        matches!(
            f.ty,
            FieldType::String | FieldType::Integer | FieldType::Number | FieldType::Boolean
        )
    };
    let query_field = |f: &Field| QueryField {
        name: f.name.clone(),
        ty: f.ty,
        field: Some(f.clone()),
    };
    let mut sort: Vec<QueryField> = fields.iter().filter(scalar).map(query_field).collect();
    for t in TIMESTAMPS {
        if !fields.iter().any(|f| f.name == *t) {
            sort.push(QueryField {
                name: t.to_string(),
                ty: FieldType::String,
                field: None,
            });
        }
    }
    let filters: Vec<QueryField> = fields
        .iter()
        .filter(scalar)
        .filter(|f| f.filter)
        .map(query_field)
        .collect();
    let mut sort_values: Vec<String> = sort.iter().map(|f| f.name.clone()).collect();
    sort_values.extend(sort.iter().map(|f| format!("-{}", f.name)));
    let sort_types = Value::Object(
        sort.iter()
            .map(|f| (f.name.clone(), Value::from(f.ty.as_str())))
            .collect(),
    );
    let filter_rules = Value::Object(
        filters
            .iter()
            .filter_map(|q| q.field.as_ref())
            .map(|f| {
                let mut rule = serde_json::Map::new();
                rule.insert("type".to_string(), Value::from(f.ty.as_str()));
                if let Some(choices) = &f.choices {
                    rule.insert("enum".to_string(), Value::from(choices.clone()));
                }
                let mut checks = Vec::new();
                if let Some(fmt) = f.format {
                    let (_, re) = FORMAT_PATTERNS
                        .iter()
                        .find(|(g, _)| *g == fmt)
                        .expect("every format has a pattern");
                    checks.push(Value::from(vec![*re, format_problem(fmt)]));
                }
                if let Some(p) = &f.pattern {
                    checks.push(Value::from(vec![
                        p.clone(),
                        format!("expected text matching {p}"),
                    ]));
                }
                if let Some(r) = &f.reference {
                    checks.push(Value::from(vec![
                        ID_PATTERN.to_string(),
                        format!("expected the id of an item of {r}"),
                    ]));
                }
                if !checks.is_empty() {
                    rule.insert("checks".to_string(), Value::Array(checks));
                }
                (f.name.clone(), Value::Object(rule))
            })
            .collect(),
    );
    ListQuery {
        sort,
        sort_values,
        filters,
        sort_types,
        filter_rules,
    }
}

/// Problems of `value` against `field`, as `(path, problem)` in the dispatcher's words: the first
/// problem of each value, nested objects and array items at their paths (`a.b`, `a[2].b`).
pub(crate) fn value_problems(
    field: &Field,
    value: &Value,
    path: &str,
    regex: &Option<regex::Regex>,
    out: &mut Vec<(String, String)>,
) {
    if value.is_null() && field.nullable {
        return;
    }
    let count = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut one = |p: String| out.push((path.to_string(), p));
    match field.ty {
        FieldType::String => {
            let Some(s) = value.as_str() else {
                return one("expected a string".to_string());
            };
            let len = s.chars().count() as u64;
            if let Some(min) = field.min_length.filter(|m| len < *m) {
                return one(format!("at least {}", count(min, "character")));
            }
            if let Some(max) = field.max_length.filter(|m| len > *m) {
                return one(format!("at most {}", count(max, "character")));
            }
            if let Some(choices) = &field.choices {
                if !choices.iter().any(|c| c == s) {
                    return one(format!("expected one of: {}", choices.join(", ")));
                }
            }
            if let Some(fmt) = field.format {
                if !format_ok(fmt, s) {
                    return one(format_problem(fmt).to_string());
                }
            }
            if let (Some(p), Some(re)) = (&field.pattern, regex) {
                if !re.is_match(s) {
                    return one(format!("expected text matching {p}"));
                }
            }
            if let Some(r) = &field.reference {
                if !is_id(s) {
                    one(format!("expected the id of an item of {r}"));
                }
            }
        }
        FieldType::Integer | FieldType::Number => {
            let Some(n) = value.as_f64() else {
                return one(format!("expected {}", number_word(field.ty)));
            };
            if field.ty == FieldType::Integer
                && (n.fract() != 0.0 || n.abs() > 9_007_199_254_740_991.0)
            {
                return one("expected an integer".to_string());
            }
            if let Some(min) = field.min.filter(|m| n < *m) {
                return one(format!("at least {}", show(min)));
            }
            if let Some(max) = field.max.filter(|m| n > *m) {
                one(format!("at most {}", show(max)));
            }
        }
        FieldType::Boolean => {
            if !value.is_boolean() {
                one("expected true or false".to_string());
            }
        }
        FieldType::Array => {
            let Some(items) = value.as_array() else {
                return one("expected an array".to_string());
            };
            let n = items.len() as u64;
            if let Some(min) = field.min_items.filter(|m| n < *m) {
                return one(format!("at least {}", count(min, "item")));
            }
            if let Some(max) = field.max_items.filter(|m| n > *m) {
                return one(format!("at most {}", count(max, "item")));
            }
            let item_field = Field {
                ty: field.items.unwrap_or(FieldType::String),
                items: None,
                nullable: false,
                ..bare(field)
            };
            for (i, item) in items.iter().enumerate() {
                value_problems(&item_field, item, &format!("{path}[{i}]"), &None, out);
            }
        }
        FieldType::Object => {
            let Some(map) = value.as_object() else {
                return one("expected an object".to_string());
            };
            object_problems(&field.fields, map, path, out);
        }
    }
}

/// An object's problems: unknown and read-only fields, required ones, each field's value.
fn object_problems(
    fields: &[Field],
    map: &serde_json::Map<String, Value>,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    for key in map.keys() {
        match fields.iter().find(|f| &f.name == key) {
            None => out.push((join(key), "unknown field".to_string())),
            Some(f) if f.readonly => {
                out.push((join(key), "read-only: set by the server".to_string()))
            }
            Some(_) => {}
        }
    }
    for f in fields.iter().filter(|f| !f.readonly) {
        match map.get(&f.name) {
            None => {
                if f.required {
                    out.push((join(&f.name), "required".to_string()));
                }
            }
            Some(Value::Null) if !f.nullable => {
                if f.required {
                    out.push((join(&f.name), "required".to_string()));
                }
            }
            Some(v) => {
                let re = f.pattern.as_deref().and_then(|p| pattern::check(p).ok());
                value_problems(f, v, &join(&f.name), &re, out);
            }
        }
    }
}

/// An array's item as a field: the array's item type, and its `fields` when they are objects.
fn bare(field: &Field) -> Field {
    Field {
        name: field.name.clone(),
        ty: FieldType::String,
        description: None,
        required: false,
        items: None,
        min_length: None,
        max_length: None,
        min: None,
        max: None,
        min_items: None,
        max_items: None,
        choices: None,
        format: None,
        pattern: None,
        default: None,
        nullable: false,
        readonly: false,
        reference: None,
        filter: false,
        fields: field.fields.clone(),
    }
}

fn number_word(ty: FieldType) -> &'static str {
    if ty == FieldType::Integer {
        "an integer"
    } else {
        "a number"
    }
}

fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// What the dispatcher says of a string that is not in the format.
pub(crate) fn format_problem(f: Format) -> &'static str {
    match f {
        Format::Email => "expected an email address",
        Format::Url => "expected an http or https URL",
        Format::Uuid => "expected a UUID",
        Format::Date => "expected a date (YYYY-MM-DD)",
        Format::DateTime => "expected a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)",
    }
}

/// The regular expressions of the formats, the same text as the dispatcher's (`FORMATS` in
/// `templates/_shared/dispatch-core.js`; a unit test holds the two together). None backtracks:
/// each quantified part is followed by a character it cannot match.
pub(crate) const FORMAT_PATTERNS: &[(Format, &str)] = &[
    (
        Format::Email,
        r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$",
    ),
    (
        Format::Url,
        r"^https?://(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$",
    ),
    (
        Format::Uuid,
        r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
    ),
    (Format::Date, r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"),
    (
        Format::DateTime,
        r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))$",
    ),
];

/// The longest email address and URL accepted.
pub(crate) const MAX_EMAIL_CHARS: usize = 254;
pub(crate) const MAX_URL_CHARS: usize = 2048;

fn format_ok(f: Format, s: &str) -> bool {
    let (_, re) = FORMAT_PATTERNS
        .iter()
        .find(|(g, _)| *g == f)
        .expect("every format has a pattern");
    let Some(caps) = regex::Regex::new(re).ok().and_then(|r| r.captures(s)) else {
        return false;
    };
    let n = |i: usize| -> u32 {
        caps.get(i)
            .and_then(|m| m.as_str().parse().ok())
            .unwrap_or(0)
    };
    match f {
        Format::Email => s.len() <= MAX_EMAIL_CHARS,
        Format::Url => s.len() <= MAX_URL_CHARS,
        Format::Uuid => true,
        Format::Date => date_ok(n(1), n(2), n(3)),
        Format::DateTime => {
            date_ok(n(1), n(2), n(3))
                && n(4) <= 23
                && n(5) <= 59
                && n(6) <= 60
                && n(7) <= 23
                && n(8) <= 59
        }
    }
}

fn date_ok(y: u32, m: u32, d: u32) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// An item id as the server routes it: the path parameter rule, not `.` or `..`.
fn is_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let ok = |f, s| format_ok(f, s);
        assert!(ok(Format::Email, "a.b+c@example.co.uk"));
        assert!(!ok(Format::Email, "a@b"));
        assert!(!ok(Format::Email, "a b@example.com"));
        assert!(ok(Format::Url, "https://example.com/a?b=c#d"));
        assert!(ok(Format::Url, "http://[::1]:8080/"));
        assert!(!ok(Format::Url, "javascript:alert(1)"));
        assert!(!ok(Format::Url, "https://exa mple.com"));
        assert!(ok(Format::Uuid, "0190b6a2-7c1e-7abc-8def-0123456789ab"));
        assert!(!ok(Format::Uuid, "0190b6a2-7c1e-7abc-8def-0123456789a"));
        assert!(ok(Format::Date, "2024-02-29"));
        assert!(!ok(Format::Date, "2023-02-29"));
        assert!(!ok(Format::Date, "2024-13-01"));
        assert!(ok(Format::DateTime, "2024-05-01T12:00:00Z"));
        assert!(ok(Format::DateTime, "2024-05-01t12:00:00.123+02:00"));
        assert!(!ok(Format::DateTime, "2024-05-01T24:00:00Z"));
        assert!(!ok(Format::DateTime, "2024-05-01 12:00:00Z"));
    }

    /// The dispatcher checks formats with the same expressions and limits.
    #[test]
    fn the_dispatcher_has_the_same_formats() {
        let core = include_str!("../../templates/_shared/dispatch-core.js");
        for (f, re) in FORMAT_PATTERNS {
            let name = f.as_str();
            let key = if name.contains('-') {
                format!("  '{name}': /")
            } else {
                format!("  {name}: /")
            };
            // Prettier puts a long expression on the line after its key.
            let lines: Vec<&str> = core.lines().collect();
            let head = key.trim_end_matches(" /");
            let i = lines
                .iter()
                .position(|l| l.starts_with(head))
                .unwrap_or_else(|| panic!("dispatch-core.js has no `{head}`"));
            let line = if lines[i].ends_with(':') {
                lines[i + 1].trim_start()
            } else {
                &lines[i][head.len() + 1..]
            };
            let js = &line[1..line.len() - 2];
            assert_eq!(js.replace("\\/", "/"), *re, "format {name}");
        }
        assert!(core.contains(&format!("MAX_EMAIL = {MAX_EMAIL_CHARS}")));
        assert!(core.contains(&format!("MAX_URL = {MAX_URL_CHARS}")));
    }
}
