//! The spec's JSON Schema (draft 2020-12), built from the same lists and limits that `lower`
//! checks: every key with a title and a description, its type, enums, defaults and bounds,
//! patterns for names and `env:NAME` settings, and `additionalProperties: false` wherever an
//! unknown key is an error. `scaffold schema` prints it; every project ships it as
//! [`SCHEMA_FILE`] so that editors (yaml-language-server) complete and check `scaffold.yaml`.
//!
//! The schema never rejects a spec that `lower` accepts; a few rules that span keys (bounds in
//! order, routes that collide, roles when `auth.provider` is `none`) are left to `lower`.

use serde_json::{json, Map, Value};

use crate::lower::{
    description_pattern, AUTH_PROVIDERS, DEFAULT_BASE_PATH, FIELD_TYPES, ITEM_TYPES,
    LICENSE_PATTERN, MAX_PATTERN_CHARS, OP_AUTH,
};
use crate::model::{
    CRUD, DEFAULT_BODY_BYTES, DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_CORS_MAX_AGE_SECONDS,
    DEFAULT_JWT_ALGORITHM, DEFAULT_LICENSE, DEFAULT_ROLES_CLAIM, FORMATS, JWT_ALGORITHMS,
    LANGUAGES, MAX_BODY_BYTES, MAX_CLOCK_SKEW_SECONDS, MAX_CORS_MAX_AGE_SECONDS,
    MAX_DESCRIPTION_CHARS, MAX_FIELD_DEPTH, MAX_HEADER_NAME_CHARS, MAX_HEADER_VALUE_CHARS,
    MAX_LICENSE_CHARS, MAX_PATH_CHARS, METHODS,
};
use crate::naming::{JS_RESERVED, MAX_NAME, PROTO_KEYS};
use crate::DEFAULT_TARGET;

/// Where a project keeps the schema; the starter spec's first line points editors at it.
pub const SCHEMA_FILE: &str = ".scaffold/spec.schema.json";

/// The largest whole number JavaScript represents exactly: integer bounds stay within it.
const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// `env:NAME`: a setting read from the environment at run time.
const ENV_SETTING: &str = "^env:[A-Z_][A-Z0-9_]*$";

/// A node with its title and description, then the rest of its keywords.
fn node(title: &str, description: &str, rest: Value) -> Value {
    let mut out = Map::new();
    out.insert("title".into(), title.into());
    out.insert("description".into(), description.into());
    if let Value::Object(rest) = rest {
        out.extend(rest);
    }
    Value::Object(out)
}

/// `[A-Za-z][A-Za-z0-9_]*` of at most [`MAX_NAME`] characters (`naming::is_identifier`).
fn identifier() -> String {
    format!("^[A-Za-z][A-Za-z0-9_]{{0,{}}}$", MAX_NAME - 1)
}

/// Resource and route names: identifiers that are not JavaScript reserved words.
fn operation_name() -> Value {
    json!({ "pattern": identifier(), "not": { "enum": JS_RESERVED } })
}

/// A `description`: what `what` is, in the OpenAPI document; `default` says what stands in for
/// it when absent.
fn description(what: &str, default: &str) -> Value {
    node(
        "Description",
        &format!("What {what} is, shown in the OpenAPI document (`openapi.yaml`): at most {MAX_DESCRIPTION_CHARS} characters, not blank; newlines and tabs allowed, other control characters not. {default}"),
        json!({ "type": "string", "maxLength": MAX_DESCRIPTION_CHARS, "pattern": description_pattern() }),
    )
}

/// Roles: letters, digits, `-` and `_`, each at most 64 characters, each once.
fn roles(what: &str) -> Value {
    node(
        "Roles",
        &format!("The signed-in user needs at least one of these roles to call {what}. Not allowed with `auth: none`."),
        json!({
            "type": "array",
            "items": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$" },
            "uniqueItems": true,
        }),
    )
}

fn op_auth(what: &str) -> Value {
    node(
        "Access",
        &format!("`none` makes {what} public. Without it {what} needs a signed-in user, unless `auth.provider` is `none` (then every operation is public)."),
        json!({ "type": "string", "enum": OP_AUTH }),
    )
}

/// No roles on an operation that says `auth: none`.
fn public_has_no_roles() -> Value {
    json!({
        "if": { "properties": { "auth": { "const": "none" } }, "required": ["auth"] },
        "then": { "properties": { "roles": { "maxItems": 0 } } },
    })
}

/// A method name in any case (the spec's `method` is upper-cased before it is checked).
fn any_case(words: &[&str]) -> String {
    let alternatives: Vec<String> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase()))
                .collect()
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

/// Where the schema of one field is: nested fields refer to it.
const FIELD_POINTER: &str =
    "#/properties/resources/additionalProperties/properties/fields/additionalProperties";

/// Field names: identifiers other than the prototype keys.
fn field_names() -> Value {
    json!({ "pattern": identifier(), "not": { "enum": PROTO_KEYS } })
}

fn field() -> Value {
    let not = |keys: &[&str]| -> Value {
        let props: Map<String, Value> =
            keys.iter().map(|k| (k.to_string(), json!(false))).collect();
        json!({ "properties": props })
    };
    let of_type = |types: &[&str]| json!({ "properties": { "type": { "enum": types } }, "required": ["type"] });
    let others = |keep: &[&str]| -> Vec<&str> {
        FIELD_TYPES
            .iter()
            .copied()
            .filter(|t| !keep.contains(t))
            .collect()
    };
    let length = |title: &str, description: &str| {
        node(
            title,
            description,
            json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX }),
        )
    };
    let bound =
        |title: &str, description: &str| node(title, description, json!({ "type": "number" }));
    node(
        "Field",
        "One field of the resource's items (or of an object). Create and update requests are checked against the fields: types, `required`, bounds, `enum`, `format`, `pattern`, `ref`; unknown and `readonly` fields are refused (422), at every level.",
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["type"],
            "properties": {
                "type": node("Type", "The JSON type of the field's values.", json!({ "type": "string", "enum": FIELD_TYPES })),
                "description": description("the field", "Without it the property has none."),
                "required": node("Required", "Create and update requests must include the field.", json!({ "type": "boolean", "default": false })),
                "items": node("Item type", "`array` only (and needed there): the type of the array's items; for `object`, `fields` describes each item.", json!({ "type": "string", "enum": ITEM_TYPES })),
                "min_length": length("Minimum length", "`string` only: the fewest characters."),
                "max_length": length("Maximum length", "`string` only: the most characters."),
                "min": bound("Minimum", "`integer` and `number` only: the smallest value (a whole number for `integer`)."),
                "max": bound("Maximum", "`integer` and `number` only: the largest value (a whole number for `integer`)."),
                "min_items": length("Minimum items", "`array` only: the fewest items."),
                "max_items": length("Maximum items", "`array` only: the most items."),
                "enum": node("Allowed values", "`string` only: the values the field may have, each once.", json!({ "type": "array", "items": { "type": "string" }, "minItems": 1, "uniqueItems": true })),
                "format": node("Format", "`string` only: the text's format, checked strictly: `email`, `url` (http or https), `uuid`, `date` (YYYY-MM-DD, a real day), `date-time` (RFC 3339).", json!({ "type": "string", "enum": FORMATS })),
                "pattern": node("Pattern", &format!("`string` only: a regular expression the text must match, anchored (`^...$`) and in a safe subset that cannot make the dispatcher backtrack (no nested or overlapping quantifiers, lookaround, backreferences); at most {MAX_PATTERN_CHARS} characters."), json!({ "type": "string", "maxLength": MAX_PATTERN_CHARS })),
                "default": node("Default", "What create fills in when the field is absent (or null and not `nullable`); it must satisfy the field's own rules. Any JSON value; not on a `required` field.", json!({})),
                "nullable": node("Nullable", "`null` is a value of the field, kept as sent (even when `required`). Otherwise `null` counts as leaving the field out.", json!({ "type": "boolean", "default": false })),
                "readonly": node("Read-only", "Set by the server's code only: create and update requests that send it are refused. Not with `required` or `default`.", json!({ "type": "boolean", "default": false })),
                "ref": node("Reference", "`string` only: the field holds the id of an item of this resource (checked as an id). Not with `enum`, `format`, `pattern` or lengths.", json!({ "type": "string", "pattern": identifier() })),
                "filter": node("Filter", "A resource's own `string`, `integer`, `number` or `boolean` field only (not inside an object): the list operation filters by it, `?<field>=<value>` (equality; several filters must all hold). `ref` fields are filterable without it. Not on a field named `limit`, `cursor` or `sort`.", json!({ "type": "boolean", "default": false })),
                "fields": node(
                    "Fields",
                    &format!("`object`, and `array` with `items: object` (needed there): the fields of the object, or of each item, by name as for a resource's fields. At most {MAX_FIELD_DEPTH} levels deep."),
                    json!({
                        "type": "object",
                        "propertyNames": field_names(),
                        "additionalProperties": {
                            "$ref": FIELD_POINTER,
                            "title": "Field",
                            "description": "A field of the object: the same keys as a resource's field.",
                        },
                    }),
                ),
            },
            "allOf": [
                { "if": of_type(&["array"]), "then": { "required": ["items"] }, "else": not(&["items", "min_items", "max_items"]) },
                { "if": of_type(&others(&["string"])), "then": not(&["min_length", "max_length", "enum", "format", "pattern", "ref"]) },
                {
                    "if": { "anyOf": [of_type(&["object"]), { "properties": { "type": { "const": "array" }, "items": { "const": "object" } }, "required": ["type", "items"] }] },
                    "then": { "required": ["fields"] },
                    "else": not(&["fields"]),
                },
                { "if": { "required": ["ref"] }, "then": not(&["enum", "format", "pattern", "min_length", "max_length"]) },
                {
                    "if": { "properties": { "filter": { "const": true } }, "required": ["filter"] },
                    "then": { "properties": { "type": { "enum": ["string", "integer", "number", "boolean"] } } },
                },
                {
                    "if": { "properties": { "readonly": { "const": true } }, "required": ["readonly"] },
                    "then": { "properties": { "required": { "const": false }, "default": false } },
                },
                {
                    "if": { "properties": { "required": { "const": true } }, "required": ["required"] },
                    "then": not(&["default"]),
                },
                { "if": of_type(&others(&["integer", "number"])), "then": not(&["min", "max"]) },
                {
                    "if": of_type(&["integer"]),
                    "then": { "properties": {
                        "min": { "type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER },
                        "max": { "type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER },
                    } },
                },
            ],
        }),
    )
}

fn resource(storages: &[String]) -> Value {
    let crud: Vec<&str> = CRUD.iter().map(|c| c.0.as_str()).collect();
    let operation = node(
        "Operation options",
        "Who may call this operation; empty (or `{}`) for the defaults.",
        json!({
            "type": ["object", "null"],
            "additionalProperties": false,
            "properties": {
                "description": description("the operation", "Without it one is made from the operation and who may call it."),
                "auth": op_auth("the operation"),
                "roles": roles("the operation"),
            },
            "allOf": [public_has_no_roles()],
        }),
    );
    let field_names = field_names();
    node(
        "Resource",
        "A collection with CRUD operations at `<base_path>/<name>` and `<base_path>/<name>/{id}`, one handler file each.",
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "description": description("the collection", "Without it: `The <resource> collection.`"),
                "fields": node(
                    "Fields",
                    "The fields of the resource's items, by name: a letter, then letters, digits or `_` (at most 64; not `constructor` or `prototype`).",
                    json!({ "type": "object", "propertyNames": field_names, "additionalProperties": field() }),
                ),
                "operations": node(
                    "Operations",
                    "Which CRUD operations the resource has: a list (`[list, read]`), or a map from operation to its options (`{ list: { auth: none }, delete: { roles: [admin] } }`). list is GET /<name>, create POST /<name>, read GET /<name>/{id}, update PUT /<name>/{id}, delete DELETE /<name>/{id}.",
                    json!({
                        "type": ["array", "object"],
                        "default": crud,
                        "items": { "type": "string", "enum": crud },
                        "uniqueItems": true,
                        "propertyNames": { "enum": crud },
                        "additionalProperties": operation,
                    }),
                ),
                "storage": node(
                    "Storage",
                    "Where this resource's items are kept, overriding the top-level `storage`.",
                    json!({ "type": "string", "enum": storages }),
                ),
            },
        }),
    )
}

fn route() -> Value {
    node(
        "Route",
        "A custom operation with its own handler file.",
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["method", "path"],
            "properties": {
                "method": node(
                    "Method",
                    "The HTTP method (case does not matter; upper case by convention).",
                    json!({ "type": "string", "anyOf": [{ "enum": METHODS }, { "pattern": any_case(METHODS) }] }),
                ),
                "path": node(
                    "Path",
                    "The path below `base_path`: `/` then segments of letters, digits, `_` and `-`, or whole `{param}` segments that the handler gets as `params.<param>`. At most 256 characters, each parameter once.",
                    json!({
                        "type": "string",
                        "maxLength": MAX_PATH_CHARS,
                        "pattern": format!("^(?:/(?:[A-Za-z0-9_-]+|\\{{[A-Za-z][A-Za-z0-9_]{{0,{}}}\\}}))+$", MAX_NAME - 1),
                    }),
                ),
                "description": description("the route", "Without it one is made from the method, the path and who may call it."),
                "auth": op_auth("the route"),
                "roles": roles("the route"),
            },
            "allOf": [public_has_no_roles()],
        }),
    )
}

fn auth() -> Value {
    let setting = |title: &str, description: &str| {
        node(
            title,
            description,
            json!({
                "type": "string",
                "pattern": "^\\S(?:.*\\S)?$",
                "if": { "pattern": "^env:" },
                "then": { "pattern": ENV_SETTING },
            }),
        )
    };
    let jwt_keys = [
        "issuer",
        "audience",
        "jwks_url",
        "algorithms",
        "roles_claim",
        "clock_skew_seconds",
    ];
    let forbid = |keys: &[&str]| -> Value {
        let props: Map<String, Value> =
            keys.iter().map(|k| (k.to_string(), json!(false))).collect();
        json!({ "properties": props })
    };
    let when = |providers: &[&str], then: Value| {
        json!({
            "if": { "properties": { "provider": { "enum": providers } }, "required": ["provider"] },
            "then": then,
        })
    };
    let proto = PROTO_KEYS.join("|");
    node(
        "Authentication",
        "How callers prove who they are. Operations need a signed-in user unless they say `auth: none`.",
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["provider"],
            "properties": {
                "provider": node(
                    "Provider",
                    "`netlify-identity`: Netlify Identity tokens; `jwt`: tokens verified in the function against a JWKS (jose); `api-gateway-jwt`: tokens verified by API Gateway's JWT authorizer; `none`: no users, every operation public. Each target supports some of them (`scaffold targets`).",
                    json!({ "type": "string", "enum": AUTH_PROVIDERS }),
                ),
                "issuer": setting("Issuer", "`jwt`, `api-gateway-jwt`: the token's required `iss`; a value, or `env:NAME` to read it from the environment at run time."),
                "audience": setting("Audience", "`jwt`, `api-gateway-jwt`: the token's required `aud`; a value or `env:NAME`."),
                "jwks_url": node(
                    "JWKS URL",
                    "`jwt`: where the signing keys are published: an `https://` URL (plain `http://` only for 127.0.0.1, localhost or [::1]), or `env:NAME`.",
                    json!({
                        "type": "string",
                        "pattern": "^(?:https://\\S*|http://(?:127\\.0\\.0\\.1|localhost|\\[::1\\])(?:[:/]\\S*)?|env:[A-Z_][A-Z0-9_]*)$",
                    }),
                ),
                "algorithms": node(
                    "Algorithms",
                    "`jwt`: the signature algorithms accepted, each once; asymmetric only (`none` and `HS*` are refused).",
                    json!({
                        "type": "array",
                        "items": { "type": "string", "enum": JWT_ALGORITHMS },
                        "minItems": 1,
                        "uniqueItems": true,
                        "default": [DEFAULT_JWT_ALGORITHM],
                    }),
                ),
                "roles_claim": node(
                    "Roles claim",
                    "`jwt`, `api-gateway-jwt`: the claim holding the user's roles, dotted for nested claims (e.g. `app_metadata.roles`); one starting with `https://` (a namespaced claim) is one name.",
                    json!({
                        "type": "string",
                        "pattern": "^(?:https?://[A-Za-z0-9_:/.-]+|[A-Za-z0-9_:/-]+(?:\\.[A-Za-z0-9_:/-]+)*)$",
                        "not": { "pattern": format!("(?:^|\\.)(?:{proto})(?:\\.|$)") },
                        "default": DEFAULT_ROLES_CLAIM,
                    }),
                ),
                "clock_skew_seconds": node(
                    "Clock skew",
                    "`jwt`: how many seconds the clocks may disagree when `exp` and `nbf` are checked.",
                    json!({ "type": "integer", "minimum": 0, "maximum": MAX_CLOCK_SKEW_SECONDS, "default": DEFAULT_CLOCK_SKEW_SECONDS }),
                ),
            },
            "allOf": [
                when(&["jwt"], json!({ "required": ["issuer", "audience", "jwks_url"] })),
                when(&["api-gateway-jwt"], json!({
                    "required": ["issuer", "audience"],
                    "properties": { "jwks_url": false, "algorithms": false, "clock_skew_seconds": false },
                })),
                when(&["netlify-identity", "none"], forbid(&jwt_keys)),
            ],
        }),
    )
}

/// The schema of `scaffold.yaml` with the built-in templates' storages.
pub fn schema() -> Value {
    schema_for(&crate::Templates::builtin().storage_names())
}

/// The schema of `scaffold.yaml` for templates with these storages
/// (`Templates::storage_names`).
pub(crate) fn schema_for(storages: &[String]) -> Value {
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    out.insert(
        "$comment".into(),
        "Written by scaffold (`scaffold schema`); `scaffold generate` rewrites it. Do not edit."
            .into(),
    );
    if let Value::Object(spec) = spec(storages) {
        out.extend(spec);
    }
    Value::Object(out)
}

fn spec(storages: &[String]) -> Value {
    node(
        "scaffold spec",
        "The API spec that `scaffold` generates a serverless back end from (`scaffold.yaml`). Reference: docs/spec.md in the scaffold repository.",
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "auth"],
            "anyOf": [
                { "required": ["resources"], "properties": { "resources": { "minProperties": 1 } } },
                { "required": ["routes"], "properties": { "routes": { "minProperties": 1 } } },
            ],
            "properties": {
                "name": node(
                    "Project name",
                    "The project's name (npm package, site): lower-case letters, digits and `-`, starting with a letter, not ending with `-`, at most 64 characters.",
                    json!({ "type": "string", "pattern": format!("^[a-z](?:[a-z0-9-]{{0,{}}}[a-z0-9])?$", MAX_NAME - 2) }),
                ),
                "description": description("the API", "Without it: `The <name> API, generated by scaffold from <spec file>.`"),
                "license": node(
                    "License",
                    "The API's license, as the OpenAPI document's `info.license`: an SPDX license expression (`MIT`, `Apache-2.0`, `MIT OR Apache-2.0`; see https://spdx.org/licenses/), at most 128 characters. The default, `LicenseRef-Proprietary`, says the API is under terms of its own.",
                    json!({ "type": "string", "maxLength": MAX_LICENSE_CHARS, "pattern": LICENSE_PATTERN, "default": DEFAULT_LICENSE }),
                ),
                "target": node(
                    "Target",
                    "The platform `scaffold generate` generates for (`scaffold targets` lists them); `--target` overrides it.",
                    json!({ "type": "string", "default": DEFAULT_TARGET }),
                ),
                "language": node(
                    "Language",
                    "The language of the generated code: `javascript`, or `typescript` (typed handlers, store and client, checked by `tsc`). Each target offers some of them (`scaffold targets`).",
                    json!({ "type": "string", "enum": LANGUAGES, "default": "javascript" }),
                ),
                "base_path": node(
                    "Base path",
                    "Where the API is mounted: lower-case letters, digits and `-` between slashes, no trailing slash.",
                    json!({ "type": "string", "pattern": "^(?:/[a-z0-9-]+)+$", "default": DEFAULT_BASE_PATH }),
                ),
                "auth": auth(),
                "headers": node(
                    "Response headers",
                    "Headers added to, or overriding, the shared security headers on every response; `null` removes a shared header. Headers the dispatcher manages (`Content-Type`, `Allow`, `Vary`, `WWW-Authenticate`, `X-Request-Id`, `Access-Control-*`), `Server` and `X-Powered-By` are refused.",
                    json!({
                        "type": "object",
                        "propertyNames": { "pattern": "^[A-Za-z0-9-]+$", "maxLength": MAX_HEADER_NAME_CHARS },
                        "additionalProperties": node(
                            "Header value",
                            "The header's value: printable ASCII on one line, at most 2048 characters; `null` removes a shared header.",
                            json!({ "type": ["string", "null"], "pattern": "^[\\t ]*[!-~][\\t -~]*$", "maxLength": MAX_HEADER_VALUE_CHARS }),
                        ),
                    }),
                ),
                "cors": node(
                    "CORS",
                    "Cross-origin access. Without it the API is same-origin only: no `Access-Control-*` headers at all.",
                    json!({
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["origins"],
                        "properties": {
                            "origins": node(
                                "Origins",
                                "The exact origins allowed to call the API, each once: `https://` or `http://`, a host, an optional port; no path, no wildcard, not `null`.",
                                json!({
                                    "type": "array",
                                    "minItems": 1,
                                    "uniqueItems": true,
                                    "items": { "type": "string", "maxLength": MAX_PATH_CHARS, "pattern": "^https?://[a-z0-9.\\[\\]:-]+$" },
                                }),
                            ),
                            "credentials": node(
                                "Credentials",
                                "Let browsers send cookies and credentials (`Access-Control-Allow-Credentials`).",
                                json!({ "type": "boolean", "default": false }),
                            ),
                            "max_age_seconds": node(
                                "Preflight max age",
                                "How long browsers may cache a preflight, in seconds (at most a day).",
                                json!({ "type": "integer", "minimum": 0, "maximum": MAX_CORS_MAX_AGE_SECONDS, "default": DEFAULT_CORS_MAX_AGE_SECONDS }),
                            ),
                        },
                    }),
                ),
                "limits": node(
                    "Limits",
                    "Bounds on requests.",
                    json!({
                        "type": "object",
                        "additionalProperties": false,
                        "properties": {
                            "body_bytes": node(
                                "Body size",
                                "The largest request body accepted, in bytes after decoding (413 above it); at most what the target's platform delivers.",
                                json!({ "type": "integer", "minimum": 1, "maximum": MAX_BODY_BYTES, "default": DEFAULT_BODY_BYTES }),
                            ),
                        },
                    }),
                ),
                "storage": node(
                    "Storage",
                    "Where the generated CRUD handlers keep items, unless a resource says otherwise: a real database on each target (`postgres`, `d1`, ...), `memory` for tests only (never a default: items vanish on every cold start), `none` leaves the handlers as 501 starters. Each storage names the targets that accept it (`scaffold targets`); without this key, the target's default.",
                    json!({ "type": "string", "enum": storages }),
                ),
                "resources": node(
                    "Resources",
                    "Collections with CRUD operations, by name: a letter, then letters, digits or `_` (at most 64), not a JavaScript reserved word.",
                    json!({ "type": "object", "propertyNames": operation_name(), "additionalProperties": resource(storages) }),
                ),
                "routes": node(
                    "Routes",
                    "Custom operations beyond CRUD, by name: a letter, then letters, digits or `_` (at most 64), not a JavaScript reserved word.",
                    json!({ "type": "object", "propertyNames": operation_name(), "additionalProperties": route() }),
                ),
            },
        }),
    )
}

/// The schema as `scaffold schema` prints it (built-in templates): pretty JSON, one newline.
pub fn render() -> Vec<u8> {
    render_for(&crate::Templates::builtin().storage_names())
}

/// The schema as the file projects ship, for templates with these storages: pretty JSON, one
/// newline.
pub(crate) fn render_for(storages: &[String]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&schema_for(storages)).expect("the schema serialises");
    out.push(b'\n');
    out
}

/// Every key of the spec, by path (`*` for a name in a map, e.g. `resources.*.fields.*.type`),
/// with its schema node, in schema order; the root has the empty path.
pub fn keys(schema: &Value) -> Vec<(Vec<String>, &Value)> {
    fn children<'a>(node: &'a Value, path: &[String], out: &mut Vec<(Vec<String>, &'a Value)>) {
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (key, child) in props {
                walk(child, path, key, out);
            }
        }
        if let Some(child) = node.get("additionalProperties").filter(|v| v.is_object()) {
            walk(child, path, "*", out);
        }
    }
    fn walk<'a>(
        node: &'a Value,
        parent: &[String],
        key: &str,
        out: &mut Vec<(Vec<String>, &'a Value)>,
    ) {
        let mut path = parent.to_vec();
        path.push(key.to_string());
        out.push((path.clone(), node));
        children(node, &path, out);
    }
    let mut out = vec![(Vec::new(), schema)];
    children(schema, &[], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::spec::keys_at;

    /// The places where the spec has a struct, and so a fixed set of keys.
    const STRUCTS: &[&str] = &[
        "",
        "auth",
        "cors",
        "limits",
        "resources.*",
        "resources.*.fields.*",
        "resources.*.operations.*",
        "routes.*",
    ];

    fn split(path: &str) -> Vec<&str> {
        path.split('.').filter(|s| !s.is_empty()).collect()
    }

    /// The keys serde reads at every place are exactly the schema's properties there (and every
    /// such place refuses other keys); no schema property is unknown to serde.
    #[test]
    fn schema_and_serde_know_the_same_keys() {
        let schema = schema();
        let keys = keys(&schema);
        let mut struct_places = BTreeSet::new();
        for (path, node) in &keys {
            let dotted = path.join(".");
            // A reference (nested fields) has the keys of what it refers to.
            if node.get("$ref").is_some() {
                continue;
            }
            let p: Vec<&str> = path.iter().map(String::as_str).collect();
            let serde: BTreeSet<&str> = keys_at(&p).iter().copied().collect();
            let props: BTreeSet<&str> = node
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect();
            assert_eq!(
                props, serde,
                "keys at `{dotted}`: schema (left) vs serde (right)"
            );
            if !serde.is_empty() {
                assert_eq!(
                    node.get("additionalProperties"),
                    Some(&json!(false)),
                    "`{dotted}`: unknown keys are errors"
                );
                struct_places.insert(dotted);
            }
        }
        let want: BTreeSet<String> = STRUCTS.iter().map(|s| s.to_string()).collect();
        assert_eq!(struct_places, want, "the places with fixed keys");
        for place in STRUCTS {
            assert!(
                !keys_at(&split(place)).is_empty(),
                "serde has a struct at `{place}`"
            );
        }
    }

    /// Every key has a title and a description; the rules' own lists are the enums.
    #[test]
    fn every_key_is_described() {
        let schema = schema();
        for (path, node) in keys(&schema) {
            for k in ["title", "description"] {
                let text = node.get(k).and_then(Value::as_str).unwrap_or("");
                assert!(!text.trim().is_empty(), "`{}` has no {k}", path.join("."));
            }
        }
        let at = |path: &str| {
            keys(&schema)
                .into_iter()
                .find(|(p, _)| p.join(".") == path)
                .unwrap_or_else(|| panic!("no `{path}`"))
                .1
                .clone()
        };
        assert_eq!(at("auth.provider")["enum"], json!(AUTH_PROVIDERS));
        assert_eq!(at("resources.*.fields.*.type")["enum"], json!(FIELD_TYPES));
        assert_eq!(at("limits.body_bytes")["maximum"], json!(MAX_BODY_BYTES));
    }

    /// Objects that take only named keys are closed; constraints name only declared keys.
    #[test]
    fn constraints_name_declared_keys() {
        fn named(v: &Value, out: &mut BTreeSet<String>) {
            if let Some(req) = v.get("required").and_then(Value::as_array) {
                out.extend(req.iter().filter_map(Value::as_str).map(str::to_string));
            }
            if let Some(props) = v.get("properties").and_then(Value::as_object) {
                out.extend(props.keys().cloned());
            }
            for k in ["if", "then", "else", "not"] {
                if let Some(x) = v.get(k) {
                    named(x, out);
                }
            }
            for k in ["allOf", "anyOf"] {
                for x in v.get(k).and_then(Value::as_array).into_iter().flatten() {
                    named(x, out);
                }
            }
        }
        let schema = schema();
        for (path, node) in keys(&schema) {
            let declared: BTreeSet<String> = node
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            let mut used = BTreeSet::new();
            if let Some(req) = node.get("required").and_then(Value::as_array) {
                used.extend(req.iter().filter_map(Value::as_str).map(str::to_string));
            }
            for k in ["allOf", "anyOf"] {
                for x in node.get(k).and_then(Value::as_array).into_iter().flatten() {
                    named(x, &mut used);
                }
            }
            let unknown: Vec<&String> = used.difference(&declared).collect();
            assert!(
                unknown.is_empty(),
                "`{}` constrains undeclared keys {unknown:?}",
                path.join(".")
            );
        }
    }

    #[test]
    fn renders_as_pretty_json() {
        let text = String::from_utf8(render()).unwrap();
        assert!(
            text.starts_with("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\"")
        );
        assert!(text.ends_with("}\n"));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), schema());
    }
}
