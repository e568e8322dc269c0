//! The target-independent model of an API: what lowering produces and every template reads.
//! Every name is precomputed in every case; every order is fixed (sorted by name or canonical).

use serde::Serialize;

use crate::naming::Names;

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// The spec's path relative to the project, as named in file headers.
    pub spec_file: String,
    pub name: Names,
    pub target: String,
    /// The public mount of the API, e.g. `/api`.
    pub base_path: String,
    pub auth: Auth,
    /// The shared response headers, the built-in set merged with the spec's, in output order.
    pub headers: Vec<Header>,
    pub resources: Vec<Resource>,
    /// Every operation, sorted by resource then CRUD order, custom routes last by name.
    pub operations: Vec<Operation>,
    /// The dispatch table: one entry per distinct path, in match priority order
    /// (at the first differing segment a literal beats a parameter).
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Auth {
    /// `netlify-identity` or `none`.
    pub provider: String,
    /// True when no operation needs a user.
    pub none: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub name: Names,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `array`.
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    /// Element type of an array.
    pub items: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `movies_list`, `search`.
    pub name: Names,
    /// `list`, `create`, `read`, `update`, `delete`, or `custom`.
    pub kind: String,
    /// The resource of a CRUD operation.
    pub resource: Option<Names>,
    /// Upper-case HTTP method.
    pub method: String,
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
    /// True for methods that carry a JSON body (POST, PUT, PATCH).
    pub takes_body: bool,
    /// File stem of the operation's handler, e.g. `movies-list`.
    pub stem: String,
    /// One line on what the operation does.
    pub summary: String,
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
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Segment {
    /// A fixed segment, e.g. `movies`.
    pub literal: Option<String>,
    /// A parameter's name, e.g. `id`.
    pub param: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteMethod {
    pub method: String,
    /// The operation's camel-case name.
    pub operation: String,
}

/// Methods an operation may use, in the order `Allow` lists them.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The CRUD operations, in canonical order, with their method and whether they address one item.
pub const CRUD: &[(&str, &str, bool)] = &[
    ("list", "GET", false),
    ("create", "POST", false),
    ("read", "GET", true),
    ("update", "PUT", true),
    ("delete", "DELETE", true),
];

/// The shared security headers for a JSON API (DESIGN.md section 4), in output order.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
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
