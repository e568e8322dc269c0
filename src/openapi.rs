//! The API as an OpenAPI 3.1 document, from the model: paths, parameters, request and response
//! schemas from the fields, the security scheme, and every error response the dispatcher can send.
//! Pure; every map is built in a fixed order, so the output is deterministic.
//!
//! The document is clean under the community linters' default rules (`@redocly/cli lint`'s
//! `recommended`, `@stoplight/spectral-cli`'s `spectral:oas`; tested by `tests/openapi_lint.rs`):
//! every operation has a description and a tag declared in the global `tags`, each tag a
//! description; `info` has a description, a license and a contact; components hold only what the
//! paths use.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::model::{Field, FieldType, ListQuery, Model, Operation, Resource, Route};

/// The pattern every path parameter must match (the dispatcher answers 400 otherwise). `.` and
/// `..` are excluded: clients remove such segments before sending, so they can never arrive.
pub(crate) const PARAM_PATTERN: &str = r"^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,128}$";

/// A list's cursor: an item id (without `sort`; never starting with `~`), or `~` and base64url
/// (with one): the list handler's `CURSOR` and `SORTED_CURSOR`.
const CURSOR_PATTERN: &str = r"^(?:~[A-Za-z0-9_-]{1,16384}|[A-Za-z0-9._-][A-Za-z0-9._~-]{0,127})$";

/// Which body a schema describes: what create and update accept, or what reads return.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Item,
}

/// The schema of one field's values. `null` is accepted where the dispatcher accepts it: a
/// `nullable` field, or an optional one (null counts as absent).
fn field_schema(f: &Field, side: Side) -> Value {
    let nullable = !f.required || f.nullable;
    let mut s = Map::new();
    let ty = f.ty.as_str();
    if f.ty == FieldType::Array {
        let items = match f.items {
            Some(FieldType::Object) => object_schema(&f.fields, side, None),
            other => json!({ "type": other.map(FieldType::as_str).unwrap_or_default() }),
        };
        s.insert("items".into(), items);
    }
    s.insert(
        "type".into(),
        if nullable {
            json!([ty, "null"])
        } else {
            json!(ty)
        },
    );
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            s.insert(k.into(), v);
        }
    };
    put("minLength", f.min_length.map(Value::from));
    put("maxLength", f.max_length.map(Value::from));
    put("minItems", f.min_items.map(Value::from));
    put("maxItems", f.max_items.map(Value::from));
    let num = |v: f64| {
        if f.ty == FieldType::Integer {
            json!(v as i64)
        } else {
            json!(v)
        }
    };
    put("minimum", f.min.map(num));
    put("maximum", f.max.map(num));
    put(
        "enum",
        f.choices.as_ref().map(|c| {
            let mut values: Vec<Value> = c.iter().map(|v| json!(v)).collect();
            if nullable {
                values.push(Value::Null);
            }
            Value::Array(values)
        }),
    );
    put("format", f.format.map(|x| json!(x.openapi())));
    put("pattern", f.pattern.clone().map(Value::from));
    if let Some(r) = &f.reference {
        put("pattern", Some(json!(PARAM_PATTERN)));
        let what = format!("The id of an item of `{r}`.");
        let text = match &f.description {
            Some(d) => format!("{d} {what}"),
            None => what,
        };
        put("description", Some(json!(text)));
    } else {
        put("description", f.description.clone().map(Value::from));
    }
    if f.ty == FieldType::Object {
        let object = object_schema(&f.fields, side, None);
        for k in ["properties", "required", "additionalProperties"] {
            if let Some(v) = object.get(k) {
                s.insert(k.into(), v.clone());
            }
        }
    }
    match side {
        Side::Input => {
            if let Some(d) = &f.default {
                s.insert("default".into(), d.clone());
            }
        }
        Side::Item => {
            if f.readonly {
                s.insert("readOnly".into(), json!(true));
            }
        }
    }
    Value::Object(s)
}

/// An object of fields: what create and update accept (no read-only fields, no others), or what
/// reads return (read-only fields marked; a required one may be absent when it is nullable,
/// since null is not stored). `description`: the object's, at the top.
fn object_schema(fields: &[Field], side: Side, description: Option<String>) -> Value {
    let shown = || {
        fields
            .iter()
            .filter(move |f| side == Side::Item || !f.readonly)
    };
    let props: Map<String, Value> = shown()
        .map(|f| (f.name.clone(), field_schema(f, side)))
        .collect();
    let required: Vec<&str> = shown()
        .filter(|f| f.required && (side == Side::Input || !f.nullable))
        .map(|f| f.name.as_str())
        .collect();
    let mut s = Map::new();
    s.insert("type".into(), json!("object"));
    if let Some(d) = description {
        s.insert("description".into(), json!(d));
    }
    s.insert("properties".into(), Value::Object(props));
    s.insert("required".into(), json!(required));
    s.insert("additionalProperties".into(), json!(false));
    Value::Object(s)
}

/// What create and update accept: the fields, no others.
fn input_schema(r: &Resource) -> Value {
    let title = r.name.title.to_lowercase();
    object_schema(
        &r.fields,
        Side::Input,
        Some(format!(
            "The body of create and update in {title}: the fields, no others."
        )),
    )
}

/// What reads return: the fields plus a server-made `id`; handlers may add more (timestamps).
fn item_schema(r: &Resource) -> Value {
    let mut props: Map<String, Value> = r
        .fields
        .iter()
        .map(|f| (f.name.clone(), field_schema(f, Side::Item)))
        .collect();
    props.insert("id".into(), json!({ "type": "string" }));
    let mut required = vec!["id"];
    required.extend(
        r.fields
            .iter()
            .filter(|f| f.required && !f.nullable)
            .map(|f| f.name.as_str()),
    );
    json!({ "type": "object", "description": r.description, "properties": props, "required": required })
}

/// The error responses every operation shares, by name: (name, description, schema).
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "BadRequest",
        "Malformed path, path parameter or JSON body",
        "Error",
    ),
    ("Unauthorized", "No valid bearer token", "Error"),
    (
        "Forbidden",
        "The user has none of the required roles",
        "Error",
    ),
    ("NotFound", "No such item (or not the caller's)", "Error"),
    ("PayloadTooLarge", "Body larger than the limit", "Error"),
    ("UnsupportedMediaType", "Body is not JSON", "Error"),
    (
        "ValidationFailed",
        "Body does not match the fields",
        "ValidationError",
    ),
    (
        "InternalError",
        "Unexpected error; the body holds only a request id",
        "Error",
    ),
    ("NotImplemented", "The handler is not written yet", "Error"),
];

/// A reference to a shared error response: defined once in `components`, not once per operation
/// (which also keeps the document, and the memory to build it, small).
fn error(name: &str) -> Value {
    json!({ "$ref": format!("#/components/responses/{name}") })
}

fn operation(model: &Model, op: &Operation) -> Value {
    let resource = op
        .resource
        .as_ref()
        .and_then(|r| model.resources.iter().find(|x| x.name.spec == r.spec));
    let item_ref =
        resource.map(|r| json!({ "$ref": format!("#/components/schemas/{}", r.name.pascal) }));
    let mut responses = Map::new();
    let ok = |status: &str, description: &str, schema: Option<Value>| {
        let mut v = json!({ "description": description });
        if let Some(s) = schema {
            v["content"] = json!({ "application/json": { "schema": s } });
        }
        (status.to_string(), v)
    };
    let (status, response) = match (op.kind.as_str(), &item_ref) {
        ("list", Some(item)) => ok(
            "200",
            "One page of the caller's items",
            Some(json!({
                "type": "object",
                "required": ["items", "next"],
                "properties": {
                    "items": { "type": "array", "items": item },
                    "next": {
                        "type": ["string", "null"],
                        "description": "The `cursor` of the next page, or null on the last page.",
                    },
                },
            })),
        ),
        ("create", Some(item)) => ok("201", "Created", Some(item.clone())),
        ("read" | "update", Some(item)) => ok("200", "The item", Some(item.clone())),
        ("delete", _) => ok("204", "Deleted", None),
        _ => ok("200", "OK", Some(json!({}))),
    };
    responses.insert(status, response);
    responses.insert("400".into(), error("BadRequest"));
    if !op.public {
        responses.insert("401".into(), error("Unauthorized"));
    }
    if !op.roles.is_empty() {
        responses.insert("403".into(), error("Forbidden"));
    }
    if !op.params.is_empty() {
        responses.insert("404".into(), error("NotFound"));
    }
    if op.takes_body {
        responses.insert("413".into(), error("PayloadTooLarge"));
        responses.insert("415".into(), error("UnsupportedMediaType"));
        responses.insert("422".into(), error("ValidationFailed"));
    }
    responses.insert("500".into(), error("InternalError"));
    responses.insert("501".into(), error("NotImplemented"));

    let mut params: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            let description = if op.resource.is_some() {
                "The item's id.".to_string()
            } else {
                format!("The `{{{p}}}` segment of the path.")
            };
            json!({
                "name": p,
                "in": "path",
                "required": true,
                "description": description,
                "schema": { "type": "string", "pattern": PARAM_PATTERN },
            })
        })
        .collect();
    if let Some(q) = &op.query {
        params.extend(list_parameters(q));
    }
    let mut v = json!({
        "operationId": op.name.camel,
        "summary": op.summary,
        "description": op.description,
        "tags": [tag_of(model, op)],
        "responses": responses,
        "security": if op.public { json!([]) } else { json!([{ "bearerAuth": [] }]) },
    });
    if !params.is_empty() {
        v["parameters"] = Value::Array(params);
    }
    if let (Some(r), Some(_)) = (op.body_resource.as_ref(), resource) {
        v["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}Input", pascal_of(r, model)) } } }
        });
    } else if op.takes_body {
        v["requestBody"] =
            json!({ "required": false, "content": { "application/json": { "schema": {} } } });
    }
    v
}

/// A list's query parameters: `limit`, `cursor`, `sort` (every value it takes) and one equality
/// filter per filterable field, with the field's schema (never null).
fn list_parameters(q: &ListQuery) -> Vec<Value> {
    let mut out = vec![
        json!({
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "The most items a page holds.",
            "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 },
        }),
        json!({
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "Where the page starts: the `next` of the previous page, as it came, with the same `sort` and filters (an id without `sort`, an opaque `~` token with one; any other is a 400).",
            "schema": { "type": "string", "pattern": CURSOR_PATTERN },
        }),
        json!({
            "name": "sort",
            "in": "query",
            "required": false,
            "description": "The order: a field ascending, or `-` and a field descending. Items without a value come last either way; ties are in id order. Without it, creation order.",
            "schema": { "type": "string", "enum": q.sort_values },
        }),
    ];
    for f in q.filters.iter().filter_map(|q| q.field.as_ref()) {
        let exact = Field {
            required: true,
            nullable: false,
            default: None,
            readonly: false,
            description: None,
            ..f.clone()
        };
        let mut schema = field_schema(&exact, Side::Input);
        if let Some(m) = schema.as_object_mut() {
            m.remove("description");
        }
        out.push(json!({
            "name": f.name,
            "in": "query",
            "required": false,
            "description": format!("Only items whose `{}` equals this value.", f.name),
            "schema": schema,
        }));
    }
    out
}

/// The tag that groups custom routes: `routes`, unless a resource has that name.
fn routes_tag(model: &Model) -> &'static str {
    if model.resources.iter().any(|r| r.name.spec == "routes") {
        "routes (custom)"
    } else {
        "routes"
    }
}

/// An operation's tag: its resource's name, or the custom routes' tag.
fn tag_of(model: &Model, op: &Operation) -> String {
    match &op.resource {
        Some(r) => r.spec.clone(),
        None => routes_tag(model).to_string(),
    }
}

/// The global tags, each with a description: one per resource with operations, in model order,
/// then the custom routes' if there are any.
fn tags(model: &Model) -> Vec<Value> {
    let mut out: Vec<Value> = model
        .resources
        .iter()
        .filter(|r| {
            model
                .operations
                .iter()
                .any(|op| op.resource.as_ref().is_some_and(|n| n.spec == r.name.spec))
        })
        .map(|r| json!({ "name": r.name.spec, "description": r.description }))
        .collect();
    if model.operations.iter().any(|op| op.resource.is_none()) {
        out.push(json!({
            "name": routes_tag(model),
            "description": "Custom routes: operations beyond CRUD, each with a handler of its own.",
        }));
    }
    out
}

/// Every `$ref` under `v`, by the component's name: `(section, name)`, e.g.
/// `("responses", "NotFound")`.
fn refs(v: &Value, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if let (true, Some(r)) = (k == "$ref", x.as_str()) {
                    let mut parts = r.trim_start_matches("#/components/").splitn(2, '/');
                    if let (Some(section), Some(name)) = (parts.next(), parts.next()) {
                        out.insert((section.to_string(), name.to_string()));
                    }
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// `all`'s entries that `used` names in `section`, in `all`'s order.
fn only_used(
    all: Map<String, Value>,
    section: &str,
    used: &BTreeSet<(String, String)>,
) -> Map<String, Value> {
    all.into_iter()
        .filter(|(name, _)| used.contains(&(section.to_string(), name.clone())))
        .collect()
}

fn pascal_of(resource: &str, model: &Model) -> String {
    model
        .resources
        .iter()
        .find(|r| r.name.spec == resource)
        .map(|r| r.name.pascal.clone())
        .unwrap_or_default()
}

/// The OpenAPI 3.1 document of the API.
pub(crate) fn document(model: &Model) -> Value {
    let mut paths = Map::new();
    let mut used = BTreeSet::new();
    for route in &model.routes {
        let item = path_item(model, route);
        refs(&item, &mut used);
        paths.insert(route.path.clone(), item);
    }
    with_paths(model, paths, used)
}

/// One route's path item: each of its methods' operation.
fn path_item(model: &Model, route: &Route) -> Value {
    let mut item = Map::new();
    for m in &route.methods {
        let op = model
            .operations
            .iter()
            .find(|o| o.name.camel == m.operation)
            .expect("routes name operations");
        item.insert(m.method.as_str().to_ascii_lowercase(), operation(model, op));
    }
    Value::Object(item)
}

/// The document around `paths`, with the components that `used` (the paths' references) needs.
fn with_paths(
    model: &Model,
    paths: Map<String, Value>,
    mut used: BTreeSet<(String, String)>,
) -> Value {
    let responses: Map<String, Value> = ERRORS
        .iter()
        .map(|(name, description, schema)| {
            let body = json!({ "schema": { "$ref": format!("#/components/schemas/{schema}") } });
            (
                name.to_string(),
                json!({ "description": description, "content": { "application/json": body } }),
            )
        })
        .collect();
    let responses = only_used(responses, "responses", &used);
    // The error schemas are reached through the responses.
    for response in responses.values() {
        refs(response, &mut used);
    }
    let mut schemas = Map::new();
    for r in &model.resources {
        schemas.insert(r.name.pascal.clone(), item_schema(r));
        schemas.insert(format!("{}Input", r.name.pascal), input_schema(r));
    }
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "An error: a short code, and the request's id where the dispatcher has one.",
            "required": ["error"],
            "properties": { "error": { "type": "string" }, "requestId": { "type": "string" } }
        }),
    );
    schemas.insert(
        "ValidationError".into(),
        json!({
            "type": "object",
            "description": "A body that does not match the fields: one problem per field.",
            "required": ["error", "problems"],
            "properties": {
                "error": { "const": "validation_failed" },
                "problems": { "type": "array", "items": {
                    "type": "object",
                    "required": ["field", "problem"],
                    "properties": { "field": { "type": "string" }, "problem": { "type": "string" } }
                } }
            }
        }),
    );
    let schemas = only_used(schemas, "schemas", &used);
    let mut components = Map::new();
    if !responses.is_empty() {
        components.insert("responses".into(), Value::Object(responses));
    }
    if !schemas.is_empty() {
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if model.operations.iter().any(|op| !op.public) {
        components.insert(
            "securitySchemes".into(),
            json!({ "bearerAuth": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } }),
        );
    }
    let license_name = model
        .license
        .strip_prefix("LicenseRef-")
        .unwrap_or(&model.license);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": model.name.spec,
            "version": "0.1.0",
            "description": model.description,
            "license": { "name": license_name, "identifier": model.license },
            // The spec names no one to contact; the object is there, empty, for the linters
            // that ask for one (spectral's `info-contact`).
            "contact": {},
        },
        "servers": [{
            "url": model.base_path,
            "description": "The API's base path, on the host it is deployed to",
        }],
        "tags": tags(model),
        "paths": paths,
        "components": components,
    })
}

/// The document as the bytes of `openapi.yaml`. YAML rather than JSON: a new route then adds
/// lines without touching its neighbours (no trailing commas), so reviews see only the change.
///
/// The paths are written one route at a time, each path item dropped before the next is built:
/// the whole document as one tree would be the generator's peak memory on a large API. The text
/// is the same as the whole tree's (`document`; tested).
pub(crate) fn render(model: &Model) -> Vec<u8> {
    let mut paths = String::new();
    let mut used = BTreeSet::new();
    for route in &model.routes {
        let item = path_item(model, route);
        refs(&item, &mut used);
        let one = Value::Object(Map::from_iter([(route.path.clone(), item)]));
        for line in serde_yaml::to_string(&one)
            .expect("a path item serialises")
            .lines()
        {
            if !line.is_empty() {
                paths.push_str("  ");
            }
            paths.push_str(line);
            paths.push('\n');
        }
    }
    let rest =
        serde_yaml::to_string(&with_paths(model, Map::new(), used)).expect("a document serialises");
    let body = if paths.is_empty() {
        rest
    } else {
        rest.replacen("\npaths: {}\n", &format!("\npaths:\n{paths}"), 1)
    };
    format!("# Generated by scaffold from {}. Do not edit: change the spec and run `scaffold generate`.\n{body}", model.spec_file)
        .into_bytes()
}

/// The document as JSON, for `scaffold openapi --format json`.
pub(crate) fn render_json(model: &Model) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(&document(model)).expect("a document serialises");
    text.push('\n');
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `render` writes the paths one at a time: its text is the whole document's, every example
    /// spec.
    #[test]
    fn rendered_paths_one_at_a_time_equal_the_whole_document() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let spec = std::fs::read(&path).unwrap();
            let templates = crate::Templates::builtin();
            let model = crate::api_model("scaffold.yaml", &spec, &templates)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let whole = serde_yaml::to_string(&document(&model)).unwrap();
            let rendered = String::from_utf8(render(&model)).unwrap();
            let body = rendered.split_once('\n').unwrap().1;
            assert_eq!(body, whole, "{}", path.display());
            seen += 1;
        }
        assert!(seen >= 5, "{seen} specs");
    }
}
