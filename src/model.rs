//! The target-independent model of an API: what lowering produces and every template reads.
//! Every name is precomputed in every case; every order is fixed (sorted by name or canonical).

use serde::Serialize;

use crate::naming::Names;

/// `T::ALL`'s names (`as_str`), as an array computed at compile time.
macro_rules! names {
    ($t:ty) => {{
        let mut names = [""; <$t>::ALL.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = <$t>::ALL[i].as_str();
            i += 1;
        }
        names
    }};
}

/// Templates and JSON see these enums as their `as_str` names: one spelling for each value.
macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}
serialize_as_str!(Method, OpKind, FieldType, Format, Language);

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// The spec's path relative to the project, as named in file headers.
    pub spec_file: String,
    pub name: Names,
    /// What the API is for: the spec's `description`, else one made from the name.
    pub description: String,
    /// The API's license, an SPDX license expression ([`DEFAULT_LICENSE`] unless the spec says).
    pub license: String,
    /// The language of the generated code.
    pub language: Language,
    /// The public mount of the API, e.g. `/api`.
    pub base_path: String,
    /// `base_path` without its leading slash, e.g. `api` (a route prefix setting).
    pub route_prefix: String,
    pub auth: Auth,
    pub cors: Cors,
    pub limits: Limits,
    /// The shared response headers, the built-in set merged with the spec's, in output order.
    pub headers: Vec<Header>,
    pub resources: Vec<Resource>,
    /// Every operation, sorted by resource then CRUD order, custom routes last by name.
    pub operations: Vec<Operation>,
    /// The storages resources use, `none` excluded, sorted: what the store module implements.
    pub storages: Vec<String>,
    /// The dispatch table: one entry per distinct path, in match priority order
    /// (at the first differing segment a literal beats a parameter).
    pub routes: Vec<Route>,
}

/// An operation's access in words: `public`, `signed in`, `signed in, role admin or editor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    /// Plain text (code comments).
    pub plain: String,
    /// Markdown, roles in backticks (the README's table).
    pub markdown: String,
    /// As a review sentence says it: `public`, `any signed-in user`, `roles admin or editor`.
    pub review: String,
}

impl Access {
    pub(crate) fn of(public: bool, roles: &[String]) -> Access {
        let joined = |quote: &str| {
            roles
                .iter()
                .map(|r| format!("{quote}{r}{quote}"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        if public {
            let s = "public".to_string();
            Access {
                plain: s.clone(),
                markdown: s.clone(),
                review: s,
            }
        } else if roles.is_empty() {
            Access {
                plain: "signed in".to_string(),
                markdown: "signed in".to_string(),
                review: "any signed-in user".to_string(),
            }
        } else {
            Access {
                plain: format!("signed in, role {}", joined("")),
                markdown: format!("signed in, role {}", joined("`")),
                review: format!("roles {}", joined("")),
            }
        }
    }
}

impl Model {
    /// Gives every resource and CRUD operation without a `storage` the target's default.
    pub(crate) fn resolve_storage(&mut self, default: &str) {
        for r in &mut self.resources {
            r.storage.get_or_insert_with(|| default.to_string());
        }
        for op in &mut self.operations {
            op.storage.get_or_insert_with(|| default.to_string());
        }
        self.list_storages();
    }

    /// Sets `storages` from the resources' (those already known).
    pub(crate) fn list_storages(&mut self) {
        let mut storages: Vec<String> = self
            .resources
            .iter()
            .filter_map(|r| r.storage.clone())
            .filter(|s| s != crate::storage::NONE)
            .collect();
        storages.sort();
        storages.dedup();
        self.storages = storages;
    }
}

/// Who may call the API, and how the dispatcher knows the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No users: every operation is public.
    None,
    /// Netlify Identity: the platform verifies the token and hands the function its claims.
    NetlifyIdentity,
    /// The function verifies tokens with `jose` against a JWKS.
    Jwt(Jwt),
    /// API Gateway's JWT authorizer verifies tokens; the function reads the authorizer's claims.
    ApiGatewayJwt(Gateway),
}

impl Auth {
    /// The provider's name in the spec: `netlify-identity`, `jwt`, `api-gateway-jwt` or `none`.
    pub fn provider(&self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::NetlifyIdentity => "netlify-identity",
            Auth::Jwt(_) => "jwt",
            Auth::ApiGatewayJwt(_) => "api-gateway-jwt",
        }
    }

    /// True when no operation needs a user.
    pub fn is_none(&self) -> bool {
        matches!(self, Auth::None)
    }

    pub fn jwt(&self) -> Option<&Jwt> {
        match self {
            Auth::Jwt(j) => Some(j),
            _ => None,
        }
    }

    pub fn gateway(&self) -> Option<&Gateway> {
        match self {
            Auth::ApiGatewayJwt(g) => Some(g),
            _ => None,
        }
    }

    /// True when some setting of the provider is read from the environment (a deployment
    /// parameter, a variable to declare).
    pub fn reads_env(&self) -> bool {
        let settings: Vec<&Setting> = match self {
            Auth::Jwt(j) => vec![&j.issuer, &j.audience, &j.jwks_url],
            Auth::ApiGatewayJwt(g) => vec![&g.issuer, &g.audience],
            Auth::None | Auth::NetlifyIdentity => Vec::new(),
        };
        settings.iter().any(|s| s.env.is_some())
    }
}

/// Templates see `auth` as `{ provider, none, jwt, gateway, reads_env }`: the provider's name,
/// whether no operation needs a user, the settings of `jwt` or `api-gateway-jwt` (else null),
/// and whether any of them is read from the environment.
impl Serialize for Auth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            provider: &'a str,
            none: bool,
            jwt: Option<&'a Jwt>,
            gateway: Option<&'a Gateway>,
            reads_env: bool,
        }
        View {
            provider: self.provider(),
            none: self.is_none(),
            jwt: self.jwt(),
            gateway: self.gateway(),
            reads_env: self.reads_env(),
        }
        .serialize(s)
    }
}

/// Settings of the `api-gateway-jwt` provider: the authorizer's issuer and audience, and where
/// the roles are in its claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gateway {
    pub issuer: Setting,
    pub audience: Setting,
    pub roles_claim: Vec<String>,
}

/// Settings of the `jwt` provider: tokens are verified with `jose` against a JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwt {
    pub issuer: Setting,
    pub audience: Setting,
    pub jwks_url: Setting,
    pub algorithms: Vec<String>,
    /// Path of the roles claim, e.g. `["app_metadata", "roles"]`.
    pub roles_claim: Vec<String>,
    pub clock_skew_seconds: u64,
}

/// A value fixed in the spec, or read from an environment variable at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub value: Option<String>,
    pub env: Option<String>,
    /// For `env`: the name as a deployment parameter (`JWT_ISSUER` -> `JwtIssuer`).
    pub param: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cors {
    /// True when `origins` is not empty; false means same-origin only.
    pub enabled: bool,
    /// Exact origins, sorted.
    pub origins: Vec<String>,
    pub credentials: bool,
    pub max_age_seconds: u64,
    /// The request headers a preflight may ask for.
    pub allow_headers: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The largest decoded request body, in bytes.
    pub body_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub name: Names,
    /// What the collection holds: the spec's `description`, else one made from the name.
    pub description: String,
    pub fields: Vec<Field>,
    /// Where its items are kept: a storage the templates describe, or `none`; `None` until the target's default is
    /// filled in (`Model::resolve_storage`).
    pub storage: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// What the field means, as the spec says (no default). For the OpenAPI document only: the
    /// dispatcher's tables, which print fields whole, do not see it.
    #[serde(skip)]
    pub description: Option<String>,
    pub required: bool,
    /// Element type of an array (never an array).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<FieldType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_if_whole"
    )]
    pub min: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_if_whole"
    )]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// A string's allowed values, in spec order.
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    /// A string's format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// A string's pattern, as the spec writes it (JavaScript `u` syntax, anchored, in the safe
    /// subset `lower/pattern.rs` checks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// What create fills in when the field is absent; it satisfies the field's rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// `null` is a value of the field (kept), not only "absent".
    #[serde(skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Set by the server only: create and update refuse it.
    #[serde(skip_serializing_if = "is_false")]
    pub readonly: bool,
    /// The resource whose item ids the field holds (a string field).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The list operation filters by it (`?<field>=<value>`): the spec's `filter: true`, and every
    /// `ref` field. Templates read it from the list operation's `query`; the dispatcher's tables,
    /// which print fields whole, do not see it.
    #[serde(skip)]
    pub filter: bool,
    /// The fields of an object, or of each object of an array of objects, by name in spec
    /// order (sorted); templates see them as a map from name to field.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "by_name")]
    pub fields: Vec<Field>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn by_name<S: serde::Serializer>(fields: &[Field], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(fields.len()))?;
    for f in fields {
        map.serialize_entry(&f.name, f)?;
    }
    map.end()
}

impl Field {
    /// The type in words: `string`, `array of object`, ...
    pub fn type_words(&self) -> String {
        match self.items {
            Some(items) => format!("array of {}", items.as_str()),
            None => self.ty.as_str().to_string(),
        }
    }

    /// True when an object or array of objects (`fields` describes the objects).
    pub fn has_fields(&self) -> bool {
        self.ty == FieldType::Object || self.items == Some(FieldType::Object)
    }
}

/// A field's JSON type; templates see its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl FieldType {
    /// Every type.
    pub const ALL: [FieldType; 6] = [
        FieldType::String,
        FieldType::Integer,
        FieldType::Number,
        FieldType::Boolean,
        FieldType::Array,
        FieldType::Object,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Array => "array",
            FieldType::Object => "object",
        }
    }

    /// A type named exactly as the spec writes it.
    pub fn parse(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The language of the generated code (`language:` in the spec); templates see its `as_str` name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    JavaScript,
    TypeScript,
}

impl Language {
    /// Every language, the default first.
    pub const ALL: [Language; 2] = [Language::JavaScript, Language::TypeScript];

    pub const fn as_str(self) -> &'static str {
        match self {
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
        }
    }

    /// A language named exactly as the spec writes it.
    pub fn parse(name: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

/// [`Language::ALL`]'s names: every `language` of a spec.
pub(crate) const LANGUAGES: &[&str] = &names!(Language);

/// [`FieldType::ALL`]'s names: every `type` of a field.
pub(crate) const FIELD_TYPES: &[&str] = &names!(FieldType);
/// The types an array's `items` may have: every type but `array`.
pub(crate) const ITEM_TYPES: &[&str] = &["string", "integer", "number", "boolean", "object"];
/// How deep fields nest: a field of an object (or of an array's objects) is one level deeper.
pub(crate) const MAX_FIELD_DEPTH: usize = 5;

/// A string field's `format`; templates see its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Url,
    Uuid,
    Date,
    DateTime,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Email,
        Format::Url,
        Format::Uuid,
        Format::Date,
        Format::DateTime,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Url => "url",
            Format::Uuid => "uuid",
            Format::Date => "date",
            Format::DateTime => "date-time",
        }
    }

    /// The OpenAPI (JSON Schema) format with the same meaning.
    pub const fn openapi(self) -> &'static str {
        match self {
            Format::Url => "uri",
            other => other.as_str(),
        }
    }

    /// The format named exactly as the spec writes it.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// [`Format::ALL`]'s names: every `format` of a string field.
pub(crate) const FORMATS: &[&str] = &names!(Format);

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `movies_list`, `search`.
    pub name: Names,
    pub kind: OpKind,
    /// The resource of a CRUD operation.
    pub resource: Option<Names>,
    pub method: Method,
    /// Path below the base path, e.g. `/movies/{id}`.
    pub path: String,
    /// Public path, e.g. `/api/movies/{id}`.
    pub full_path: String,
    /// Names of the `{param}` segments, in order.
    pub params: Vec<String>,
    /// True when the operation runs without a user.
    pub public: bool,
    /// The caller needs at least one of these roles (empty: any signed-in user).
    pub roles: Vec<String>,
    /// Who may call it, in words: computed once here for the client, the README and `review`.
    pub access: Access,
    /// True for methods that carry a JSON body (POST, PUT, PATCH).
    pub takes_body: bool,
    /// The resource whose fields the body is validated against (create and update).
    pub body_resource: Option<String>,
    /// File stem of the operation's handler, e.g. `movies-list`.
    pub stem: String,
    /// One line on what the operation does.
    pub summary: String,
    /// What the operation does, in sentences: the spec's `description`, else one made from its
    /// kind, resource or path, and access.
    pub description: String,
    /// A CRUD operation's storage (`none`: the handler is a 501 starter); `none` for custom routes;
    /// `None` until the target's default is filled in (`Model::resolve_storage`).
    pub storage: Option<String>,
    /// A CRUD operation's writable fields, in spec order (what create and update store).
    pub fields: Vec<String>,
    /// A list operation's query: what `sort` and the filters take (None for other operations).
    pub query: Option<ListQuery>,
}

/// What a list operation's query string takes besides `limit` and `cursor`: `sort=<field>` or
/// `sort=-<field>` over the resource's own scalar fields and the timestamps, and `<field>=<value>`
/// equality filters over its filterable fields.
#[derive(Debug, Clone, Serialize)]
pub struct ListQuery {
    /// The sortable fields, in spec order, then `createdAt` and `updatedAt`.
    pub sort: Vec<QueryField>,
    /// Every value `sort` takes: each sortable field, then each with `-` (descending).
    pub sort_values: Vec<String>,
    /// The filterable fields, in spec order.
    pub filters: Vec<QueryField>,
    /// For the handler: sortable field -> its type (`string`, `integer`, `number`, `boolean`).
    pub sort_types: serde_json::Value,
    /// For the handler: filterable field -> `{ type, enum?, checks? }`, where `checks` are
    /// `[regular expression, problem]` pairs a string value must pass (format, pattern, id).
    pub filter_rules: serde_json::Value,
}

/// A field of a list query: the resource's field (a copy: its type and rules).
#[derive(Debug, Clone, Serialize)]
pub struct QueryField {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// The field itself (None for the timestamps).
    #[serde(skip)]
    pub field: Option<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    /// e.g. `/movies/{id}`.
    pub path: String,
    pub segments: Vec<Segment>,
    /// The operations on this path, in canonical method order.
    pub methods: Vec<RouteMethod>,
    /// The `Allow` header value for this path, `OPTIONS` included.
    pub allow: String,
    /// The methods of this path without `OPTIONS`, for CORS preflights.
    pub cors_methods: String,
    /// A method of [`Method::ALL`] this path does not take (for tests of the 405), if any.
    pub unallowed: Option<Method>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Segment {
    /// A fixed segment, e.g. `movies`.
    pub literal: Option<String>,
    /// A parameter's name, e.g. `id`.
    pub param: Option<String>,
}

/// Templates see a segment as the dispatcher's route table holds it: a fixed segment as its
/// text (`"movies"`), a parameter as `{ "param": "id" }`.
impl Serialize for Segment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Param<'a> {
            param: &'a str,
        }
        match (&self.literal, &self.param) {
            (_, Some(param)) => Param { param }.serialize(s),
            (Some(literal), None) => literal.serialize(s),
            (None, None) => s.serialize_none(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteMethod {
    pub method: Method,
    /// The operation's camel-case name.
    pub operation: String,
}

/// The license of an API whose spec names none: an SPDX reference to terms of its own.
pub(crate) const DEFAULT_LICENSE: &str = "LicenseRef-Proprietary";
/// The most characters a `description` may have.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 1000;
/// The most characters a `license` expression may have.
pub(crate) const MAX_LICENSE_CHARS: usize = 128;

/// An HTTP method an operation may use; templates see its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// Every method, in the order `Allow` lists them.
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// A method named in any case, e.g. `get`.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// True for the methods that carry a JSON body (POST, PUT, PATCH).
    pub fn takes_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// [`Method::ALL`]'s names, for messages and the schema.
pub(crate) const METHODS: &[&str] = &names!(Method);

/// What an operation does; templates see its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OpKind {
    List,
    Create,
    Read,
    Update,
    Delete,
    /// A route of the spec's `routes`.
    Custom,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::List => "list",
            OpKind::Create => "create",
            OpKind::Read => "read",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
            OpKind::Custom => "custom",
        }
    }
}

/// The CRUD operations, in canonical order, with their method and whether they address one item.
pub(crate) const CRUD: &[(OpKind, Method, bool)] = &[
    (OpKind::List, Method::Get, false),
    (OpKind::Create, Method::Post, false),
    (OpKind::Read, Method::Get, true),
    (OpKind::Update, Method::Put, true),
    (OpKind::Delete, Method::Delete, true),
];

/// The shared security headers for a JSON API (README "Security"), in output order.
pub(crate) const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "no-store"),
    (
        "Content-Security-Policy",
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    (
        "Permissions-Policy",
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
    ),
    ("X-Permitted-Cross-Domain-Policies", "none"),
];

/// Request headers a cross-origin caller may send.
pub(crate) const CORS_ALLOW_HEADERS: &str = "Authorization, Content-Type";
/// Signature algorithms the `jwt` provider accepts (asymmetric only).
pub(crate) const JWT_ALGORITHMS: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
];
/// The `jwt` provider's algorithms when the spec names none.
pub(crate) const DEFAULT_JWT_ALGORITHM: &str = "RS256";
/// The claim that holds a user's roles when the spec names none.
pub(crate) const DEFAULT_ROLES_CLAIM: &str = "roles";
/// Clock skew allowed on `exp`/`nbf`, by default and at most, in seconds.
pub(crate) const DEFAULT_CLOCK_SKEW_SECONDS: u64 = 30;
pub(crate) const MAX_CLOCK_SKEW_SECONDS: u64 = 300;
/// How long a browser may cache a preflight, by default and at most, in seconds.
pub(crate) const DEFAULT_CORS_MAX_AGE_SECONDS: u64 = 600;
pub(crate) const MAX_CORS_MAX_AGE_SECONDS: u64 = 86_400;
/// The longest custom route path and CORS origin, in characters.
pub(crate) const MAX_PATH_CHARS: usize = 256;
/// The longest header name and value the spec may set, in characters.
pub(crate) const MAX_HEADER_NAME_CHARS: usize = 128;
pub(crate) const MAX_HEADER_VALUE_CHARS: usize = 2048;
/// The default body limit, in bytes.
pub(crate) const DEFAULT_BODY_BYTES: u64 = 100_000;
/// Netlify's buffered body limit is 6 MB; no target accepts more.
pub(crate) const MAX_BODY_BYTES: u64 = 6_000_000;

/// `1` rather than `1.0` for whole numbers, so generated code reads as written in the spec.
fn whole_if_whole<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}
