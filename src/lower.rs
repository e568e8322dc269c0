//! Spec -> Model: every rule a spec must follow, checked in one pass that collects every problem,
//! each at its position in the file.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{did_you_mean, one_of, Diagnostic, Pos};
use crate::index::SpanIndex;
use crate::model::{
    Auth, Cors, Field, FieldType, Gateway, Header, Jwt, Limits, Method, Model, OpKind, Operation,
    Resource, Route, RouteMethod, Segment, Setting, CORS_ALLOW_HEADERS, CRUD, DEFAULT_BODY_BYTES,
    DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_CORS_MAX_AGE_SECONDS, DEFAULT_JWT_ALGORITHM,
    DEFAULT_ROLES_CLAIM, JWT_ALGORITHMS, MAX_BODY_BYTES, MAX_CLOCK_SKEW_SECONDS,
    MAX_CORS_MAX_AGE_SECONDS, MAX_HEADER_NAME_CHARS, MAX_HEADER_VALUE_CHARS, MAX_PATH_CHARS,
    METHODS, SECURITY_HEADERS, STORAGES,
};
use crate::naming::{is_identifier, is_js_reserved, is_project_name, Names, PROTO_KEYS};
use crate::spec::{
    keys_at, AuthSpec, CorsSpec, FieldSpec, Loaded, OperationSpec, Operations, ResourceSpec,
    RouteSpec, Spec,
};
use crate::target::TargetDesc;

mod target_check;

/// Every `auth.provider` the tool knows; a target lists the ones it supports.
pub const AUTH_PROVIDERS: &[&str] = &["netlify-identity", "jwt", "api-gateway-jwt", "none"];
/// The `auth` settings `api-gateway-jwt` takes: API Gateway's JWT authorizer verifies signature,
/// algorithm and expiry itself, with keys found from the issuer.
const GATEWAY_SETTINGS: &[&str] = &["issuer", "audience", "roles_claim"];
pub(crate) use crate::model::{FIELD_TYPES, ITEM_TYPES};
pub(crate) const OP_AUTH: &[&str] = &["required", "none"];
pub(crate) const DEFAULT_BASE_PATH: &str = "/api";

/// What lowering needs besides the spec: where it came from and for which target. The target's
/// data only fills in defaults (its first storage) and the lists an error offers; what a target
/// refuses is `target_check`'s job, after lowering ([`lower_for`] runs both).
pub struct Context<'a> {
    pub spec_file: &'a str,
    pub target: &'a str,
    pub desc: &'a TargetDesc,
}

/// Lowering, then the target's policy: the model, or every problem of both at once.
pub fn lower_for(loaded: &Loaded, cx: &Context) -> Result<Model, Vec<Diagnostic>> {
    let (model, mut errors) = lower(loaded, cx);
    errors.extend(target_check::check(loaded, &model, cx.target, cx.desc));
    if errors.is_empty() {
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
pub fn lower(loaded: &Loaded, cx: &Context) -> (Model, Vec<Diagnostic>) {
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
                Diagnostic::new("missing key `name`", root)
                    .expected("`name: <project name>` at the top level")
                    .help("add e.g. `name: watchlist`"),
            );
            String::new()
        }
        Some(n) if !is_project_name(n) => {
            let fix = Names::new(n).kebab;
            l.err(
                Diagnostic::new(format!("invalid project name `{n}`"), l.value(&["name"]))
                    .expected(
                        "at most 64 lower-case letters, digits and `-`, starting with a letter",
                    )
                    .help_opt(is_project_name(&fix).then(|| format!("use `{fix}`"))),
            );
            String::new()
        }
        Some(n) => n.clone(),
    };

    let base_path = lower_base_path(&mut l, spec);
    // An invalid provider (already reported) counts as one with users for the operations' checks.
    let auth = lower_auth(&mut l, spec.auth.as_ref(), cx, root).unwrap_or(Auth::NetlifyIdentity);
    let cors = lower_cors(&mut l, spec.cors.as_ref());
    let limits = lower_limits(&mut l, spec);
    let headers = lower_headers(&mut l, spec);
    let default_storage = lower_storage(&mut l, spec.storage.as_deref(), &["storage"], None, cx);

    let mut resources = Vec::new();
    let mut operations = Vec::new();
    for (rname, r) in &spec.resources {
        let storage = lower_storage(
            &mut l,
            r.storage.as_deref(),
            &["resources", rname, "storage"],
            Some(&default_storage),
            cx,
        );
        if let Some(res) = lower_resource(
            &mut l,
            rname,
            r,
            &auth,
            &base_path,
            &storage,
            &mut operations,
        ) {
            resources.push(res);
        }
    }
    let mut storages: Vec<String> = resources
        .iter()
        .map(|r| r.storage.clone())
        .filter(|s| s != "none")
        .collect();
    storages.sort();
    storages.dedup();
    for (name, route) in &spec.routes {
        if let Some(op) = lower_route(&mut l, name, route, &auth, &base_path) {
            operations.push(op);
        }
    }
    if spec.resources.is_empty() && spec.routes.is_empty() {
        l.err(
            Diagnostic::new("the spec defines no operations", root)
                .expected("at least one entry under `resources` or `routes`")
                .help("add e.g. `resources: { movies: { fields: { title: { type: string } } } }`"),
        );
    }
    check_names(&mut l, &operations);
    let routes = build_routes(&mut l, &operations);

    (
        Model {
            spec_file: cx.spec_file.to_string(),
            name: Names::new(&name),
            route_prefix: base_path.trim_start_matches('/').to_string(),
            base_path,
            storages,
            auth,
            cors,
            limits,
            headers,
            resources,
            operations,
            routes,
        },
        l.errors,
    )
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
        let mut d = Diagnostic::new(format!("unknown key `{key}` {place}"), l.key(&p));
        if !expected.is_empty() {
            d = d.expected(one_of(expected));
        }
        d = d.help_opt(
            did_you_mean(key, expected.iter().copied()).map(|s| format!("did you mean `{s}`?")),
        );
        l.err(d);
    }
}

fn lower_base_path(l: &mut Lowerer, spec: &Spec) -> String {
    let Some(bp) = &spec.base_path else {
        return DEFAULT_BASE_PATH.to_string();
    };
    let ok = bp.len() > 1
        && bp.starts_with('/')
        && !bp.ends_with('/')
        && bp[1..].split('/').all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    if !ok || bp.starts_with("/.netlify") {
        l.err(Diagnostic::new(format!("invalid `base_path` `{bp}`"), l.value(&["base_path"]))
            .expected("a path like `/api` or `/v1/api`: lower-case letters, digits and `-` between slashes, no trailing slash")
            .help("use `/api`, the default"));
    }
    bp.clone()
}

fn lower_auth(
    l: &mut Lowerer,
    auth: Option<&AuthSpec>,
    cx: &Context,
    root: Option<Pos>,
) -> Option<Auth> {
    let supported: Vec<&str> = cx.desc.auth_providers.iter().map(String::as_str).collect();
    let provider = match auth.and_then(|a| a.provider.as_deref()) {
        None => {
            let pos = if auth.is_some() {
                l.key(&["auth"])
            } else {
                root
            };
            l.err(Diagnostic::new("missing `auth.provider`", pos)
                .expected(one_of(&supported))
                .help("add `auth: { provider: netlify-identity }`, or `provider: none` for an API without users"));
            return None;
        }
        Some(p) if !AUTH_PROVIDERS.contains(&p) => {
            l.err(
                Diagnostic::new(
                    format!("unknown auth provider `{p}`"),
                    l.value(&["auth", "provider"]),
                )
                .expected(one_of(&supported))
                .help_opt(
                    did_you_mean(p, supported.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            );
            return None;
        }
        Some(p) => p.to_string(),
    };
    let jwt = lower_jwt(l, auth, &provider);
    // `lower_jwt` gives settings to `jwt` and `api-gateway-jwt` (and only to them).
    Some(match provider.as_str() {
        "none" => Auth::None,
        "netlify-identity" => Auth::NetlifyIdentity,
        "api-gateway-jwt" => {
            let j = jwt?;
            Auth::ApiGatewayJwt(Gateway {
                issuer: j.issuer,
                audience: j.audience,
                roles_claim: j.roles_claim,
            })
        }
        "jwt" => Auth::Jwt(jwt?),
        // Not one of AUTH_PROVIDERS: reported above.
        _ => return None,
    })
}

/// The `jwt` provider's settings, or errors for settings given to another provider.
fn lower_jwt(l: &mut Lowerer, auth: Option<&AuthSpec>, provider: &str) -> Option<Jwt> {
    let a = auth?;
    let given: Vec<(&str, bool)> = vec![
        ("issuer", a.issuer.is_some()),
        ("audience", a.audience.is_some()),
        ("jwks_url", a.jwks_url.is_some()),
        ("algorithms", a.algorithms.is_some()),
        ("roles_claim", a.roles_claim.is_some()),
        ("clock_skew_seconds", a.clock_skew_seconds.is_some()),
    ];
    if provider == "api-gateway-jwt" {
        for (key, set) in &given {
            if *set && !GATEWAY_SETTINGS.contains(key) {
                l.err(
                    Diagnostic::new(
                        format!("`auth.{key}` does not apply to `provider: api-gateway-jwt`"),
                        l.key(&["auth", key]),
                    )
                    .expected(format!("only {} with `provider: api-gateway-jwt`", one_of(GATEWAY_SETTINGS)))
                    .help(format!("remove `{key}`: API Gateway's JWT authorizer verifies the token with the issuer's keys, or set `provider: jwt` to verify it in the function")),
                );
            }
        }
    } else if provider != "jwt" {
        for (key, set) in given {
            if set && !provider.is_empty() {
                l.err(
                    Diagnostic::new(
                        format!("`auth.{key}` applies only to `provider: jwt`"),
                        l.key(&["auth", key]),
                    )
                    .expected(format!("no `{key}` with `provider: {provider}`"))
                    .help(format!("remove `{key}`, or set `provider: jwt`")),
                );
            }
        }
        return None;
    }
    let setting = |l: &mut Lowerer,
                   key: &'static str,
                   value: Option<&String>,
                   url: bool|
     -> Setting {
        let Some(v) = value else {
            l.err(
                Diagnostic::new(
                    format!("`provider: {provider}` needs `auth.{key}`"),
                    l.key(&["auth"]),
                )
                .expected(format!(
                    "`{key}:` a value, or `env:NAME` to read it from the environment at run time"
                ))
                .help(match key {
                    "issuer" => "add e.g. `issuer: https://login.example.com/`",
                    "audience" => "add e.g. `audience: https://api.example.com`",
                    _ => "add e.g. `jwks_url: https://login.example.com/.well-known/jwks.json`",
                }),
            );
            return Setting {
                value: None,
                env: None,
                param: None,
            };
        };
        if let Some(name) = v.strip_prefix("env:") {
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                l.err(
                    Diagnostic::new(format!("invalid environment variable name `{name}`"), l.value(&["auth", key]))
                        .expected("`env:` followed by upper-case letters, digits and `_`, e.g. `env:JWT_ISSUER`"),
                );
            }
            return Setting {
                value: None,
                env: Some(name.to_string()),
                param: Some(heck::ToUpperCamelCase::to_upper_camel_case(name)),
            };
        }
        let trimmed = v.trim();
        let mut bad = trimmed.is_empty() || trimmed != v || v.chars().any(|c| c.is_control());
        if url && !bad {
            let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| {
                    v.strip_prefix(p)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
                });
            bad = !(v.starts_with("https://") || local) || v.contains(char::is_whitespace);
        }
        if bad {
            let expected = if url {
                "an `https://` URL (plain `http://` only for 127.0.0.1 or localhost), or `env:NAME`"
            } else {
                "a non-empty value without surrounding spaces, or `env:NAME`"
            };
            l.err(
                Diagnostic::new(
                    format!("invalid `auth.{key}` `{v}`"),
                    l.value(&["auth", key]),
                )
                .expected(expected),
            );
        }
        Setting {
            value: Some(v.clone()),
            env: None,
            param: None,
        }
    };
    let issuer = setting(l, "issuer", a.issuer.as_ref(), false);
    let audience = setting(l, "audience", a.audience.as_ref(), false);
    let jwks_url = if provider == "jwt" {
        setting(l, "jwks_url", a.jwks_url.as_ref(), true)
    } else {
        Setting {
            value: None,
            env: None,
            param: None,
        }
    };
    let mut algorithms = Vec::new();
    for (i, alg) in a
        .algorithms
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_JWT_ALGORITHM.to_string()])
        .iter()
        .enumerate()
    {
        let i = i.to_string();
        if !JWT_ALGORITHMS.contains(&alg.as_str()) {
            let why = if alg.starts_with("HS") || alg.eq_ignore_ascii_case("none") {
                "symmetric algorithms and `none` let anyone holding the verification key mint tokens; use RS256 or ES256"
            } else {
                "use an asymmetric JWS algorithm, e.g. RS256 or ES256"
            };
            l.err(
                Diagnostic::new(
                    format!("algorithm `{alg}` is not accepted"),
                    l.value(&["auth", "algorithms", &i]),
                )
                .expected(one_of(JWT_ALGORITHMS))
                .help(why),
            );
        } else if algorithms.contains(alg) {
            l.err(Diagnostic::new(
                format!("algorithm `{alg}` is listed twice"),
                l.value(&["auth", "algorithms", &i]),
            ));
        } else {
            algorithms.push(alg.clone());
        }
    }
    if a.algorithms.as_ref().is_some_and(Vec::is_empty) {
        l.err(
            Diagnostic::new(
                "`auth.algorithms` is empty",
                l.value(&["auth", "algorithms"]),
            )
            .expected("at least one algorithm")
            .help(format!(
                "remove the key for the default `[{DEFAULT_JWT_ALGORITHM}]`"
            )),
        );
    }
    let claim = a
        .roles_claim
        .clone()
        .unwrap_or_else(|| DEFAULT_ROLES_CLAIM.to_string());
    // A namespaced claim (`https://example.com/roles`, as Auth0 requires) is one key; otherwise
    // dots name nested claims.
    let namespaced = claim.starts_with("https://") || claim.starts_with("http://");
    let roles_claim: Vec<String> = if namespaced {
        vec![claim.clone()]
    } else {
        claim.split('.').map(str::to_string).collect()
    };
    if (namespaced && claim.split('.').any(|p| PROTO_KEYS.contains(&p)))
        || roles_claim.iter().any(|p| {
            p.is_empty()
                || PROTO_KEYS.contains(&p.as_str())
                || !p.chars().all(|c| {
                    c.is_ascii_alphanumeric() || "_-:/".contains(c) || (namespaced && c == '.')
                })
        })
    {
        l.err(
            Diagnostic::new(
                format!("invalid `auth.roles_claim` `{claim}`"),
                l.value(&["auth", "roles_claim"]),
            )
            .expected(
                "a claim name, dotted for nested claims, e.g. `roles` or `app_metadata.roles`, or a namespaced claim such as `https://example.com/roles`",
            ),
        );
    }
    let clock_skew_seconds = a.clock_skew_seconds.unwrap_or(DEFAULT_CLOCK_SKEW_SECONDS);
    if clock_skew_seconds > MAX_CLOCK_SKEW_SECONDS {
        l.err(
            Diagnostic::new(
                format!("`auth.clock_skew_seconds` is {clock_skew_seconds}"),
                l.value(&["auth", "clock_skew_seconds"]),
            )
            .expected(format!("at most {MAX_CLOCK_SKEW_SECONDS} seconds"))
            .help(format!("a large skew keeps expired tokens valid; {DEFAULT_CLOCK_SKEW_SECONDS} is the default")),
        );
    }
    Some(Jwt {
        issuer,
        audience,
        jwks_url,
        algorithms,
        roles_claim,
        clock_skew_seconds,
    })
}

fn lower_cors(l: &mut Lowerer, cors: Option<&CorsSpec>) -> Cors {
    let mut out = Cors {
        enabled: false,
        origins: Vec::new(),
        credentials: false,
        max_age_seconds: DEFAULT_CORS_MAX_AGE_SECONDS,
        allow_headers: CORS_ALLOW_HEADERS.to_string(),
    };
    let Some(c) = cors else { return out };
    let origins = c.origins.clone().unwrap_or_default();
    if origins.is_empty() {
        l.err(
            Diagnostic::new("`cors` lists no origins", l.key(&["cors"]))
                .expected("`origins:` a list of exact origins, e.g. `[https://app.example.com]`")
                .help("remove `cors` for a same-origin API (no `Access-Control-*` headers at all)"),
        );
    }
    for (i, origin) in origins.iter().enumerate() {
        let i = i.to_string();
        let at = l.value(&["cors", "origins", &i]);
        if let Some(why) = origin_problem(origin) {
            l.err(
                Diagnostic::new(format!("invalid CORS origin `{origin}`: {why}"), at)
                    .expected("an exact origin: `https://` or `http://`, a host, an optional port; no path, no wildcard")
                    .help("list each origin that may call the API, e.g. `https://app.example.com`"),
            );
        } else if out.origins.contains(origin) {
            l.err(
                Diagnostic::new(format!("origin `{origin}` is listed twice"), at)
                    .help("remove the repeat"),
            );
        } else {
            out.origins.push(origin.clone());
        }
    }
    out.origins.sort();
    out.enabled = !out.origins.is_empty();
    out.credentials = c.credentials.unwrap_or(false);
    out.max_age_seconds = c.max_age_seconds.unwrap_or(DEFAULT_CORS_MAX_AGE_SECONDS);
    if out.max_age_seconds > MAX_CORS_MAX_AGE_SECONDS {
        l.err(
            Diagnostic::new(
                "`cors.max_age_seconds` is over a day",
                l.value(&["cors", "max_age_seconds"]),
            )
            .expected("at most 86400; browsers cap it lower anyway"),
        );
    }
    out
}

/// Why `origin` is not an exact origin, if it is not.
fn origin_problem(origin: &str) -> Option<&'static str> {
    if origin.len() > MAX_PATH_CHARS {
        return Some("longer than 256 characters");
    }
    if origin == "*" {
        return Some("a wildcard lets every site call the API");
    }
    if origin == "null" {
        return Some(
            "`null` is the origin of sandboxed frames and local files, which anyone can make",
        );
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Some("no scheme");
    };
    if scheme != "https" && scheme != "http" {
        return Some("the scheme must be `https` or `http`");
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '*']) {
        return Some("an origin has no path, query, user or wildcard");
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (rest, None),
    };
    if port.is_some_and(|p| {
        p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.parse::<u16>().is_err()
    }) {
        return Some("the port is not a number");
    }
    let host_ok = host
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.[]:".contains(c))
        && !host.is_empty();
    if !host_ok {
        return Some("the host must be lower-case letters, digits, `-` and `.`");
    }
    None
}

fn lower_limits(l: &mut Lowerer, spec: &Spec) -> Limits {
    let body_bytes = spec
        .limits
        .as_ref()
        .and_then(|x| x.body_bytes)
        .unwrap_or(DEFAULT_BODY_BYTES);
    if body_bytes == 0 || body_bytes > MAX_BODY_BYTES {
        l.err(
            Diagnostic::new(
                format!("`limits.body_bytes` is {body_bytes}"),
                l.value(&["limits", "body_bytes"]),
            )
            .expected(format!(
                "between 1 and {MAX_BODY_BYTES} (the platforms' own limit)"
            )),
        );
    }
    Limits { body_bytes }
}

fn lower_headers(l: &mut Lowerer, spec: &Spec) -> Vec<Header> {
    let mut headers: Vec<Header> = SECURITY_HEADERS
        .iter()
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, value) in &spec.headers {
        let path = ["headers", name.as_str()];
        let token = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !token {
            l.err(
                Diagnostic::new(format!("invalid header name `{name}`"), l.key(&path))
                    .expected("letters, digits and `-`")
                    .help("e.g. `X-Robots-Tag`"),
            );
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(first) = seen.insert(lower.clone(), name) {
            l.err(
                Diagnostic::new(
                    format!("header `{name}` is set twice (also as `{first}`)"),
                    l.key(&path),
                )
                .expected("each header once; names are case-insensitive")
                .help("remove one of the two"),
            );
            continue;
        }
        if lower == "content-type"
            || lower == "x-request-id"
            || lower == "vary"
            || lower == "allow"
            || lower == "www-authenticate"
            || lower.starts_with("access-control-")
        {
            l.err(
                Diagnostic::new(
                    format!("header `{name}` is set by the dispatcher"),
                    l.key(&path),
                )
                .expected("a header the dispatcher does not manage")
                .help(if lower.starts_with("access-control-") {
                    "remove this entry; cross-origin access is configured with `cors:`"
                } else {
                    "remove this entry"
                }),
            );
            continue;
        }
        if lower == "server" || lower == "x-powered-by" {
            l.err(
                Diagnostic::new(
                    format!("header `{name}` advertises the server's software"),
                    l.key(&path),
                )
                .expected("no `Server` or `X-Powered-By` header")
                .help("remove this entry"),
            );
            continue;
        }
        // `null` removes a shared header.
        let Some(value) = value else {
            let before = headers.len();
            headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
            if headers.len() == before {
                l.err(
                    Diagnostic::new(
                        format!("header `{name}` is not a shared header, so it cannot be removed"),
                        l.value(&path),
                    )
                    .expected(format!(
                        "`null` only for a shared header: {}",
                        one_of(
                            &SECURITY_HEADERS
                                .iter()
                                .map(|h| h.0)
                                .filter(|h| *h != "Content-Type")
                                .collect::<Vec<_>>(),
                        )
                    ))
                    .help("remove this entry"),
                );
            }
            continue;
        };
        if value
            .chars()
            .any(|c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
            || value.trim().is_empty()
        {
            l.err(
                Diagnostic::new(format!("invalid value for header `{name}`"), l.value(&path))
                    .expected("a non-empty value of printable ASCII on one line, or `null` to remove the header"),
            );
            continue;
        }
        if value.len() > MAX_HEADER_VALUE_CHARS || name.len() > MAX_HEADER_NAME_CHARS {
            l.err(
                Diagnostic::new(
                    format!(
                        "header `{}` is too long",
                        name.chars().take(40).collect::<String>()
                    ),
                    l.value(&path),
                )
                .expected(format!("a name of at most {MAX_HEADER_NAME_CHARS} and a value of at most {MAX_HEADER_VALUE_CHARS} characters")),
            );
            continue;
        }
        if lower == "x-xss-protection" && value.trim() != "0" {
            l.err(
                Diagnostic::new(
                    "`X-XSS-Protection` other than `0` re-enables a filter that leaks data",
                    l.value(&path),
                )
                .expected("`0`, or no such header (the default)")
                .help("rely on `Content-Security-Policy` instead"),
            );
            continue;
        }
        match headers
            .iter_mut()
            .find(|h| h.name.eq_ignore_ascii_case(name))
        {
            Some(h) => h.value = value.trim().to_string(),
            None => headers.push(Header {
                name: name.clone(),
                value: value.trim().to_string(),
            }),
        }
    }
    headers
}

/// Auth and roles of one operation, checked against the provider.
fn lower_access(
    l: &mut Lowerer,
    path: &[&str],
    auth: Option<&str>,
    roles: Option<&Vec<String>>,
    provider: &Auth,
) -> (bool, Vec<String>) {
    let mut auth_path = path.to_vec();
    auth_path.push("auth");
    let public = match auth {
        None => provider.is_none(),
        Some("none") => true,
        Some("required") => {
            if provider.is_none() {
                l.err(
                    Diagnostic::new(
                        "this operation requires auth, but `auth.provider` is `none`",
                        l.value(&auth_path),
                    )
                    .expected("`auth: none` while the provider is `none`")
                    .help("set `auth.provider` to a real provider, or remove this `auth`"),
                );
            }
            false
        }
        Some(other) => {
            l.err(
                Diagnostic::new(
                    format!("invalid `auth` value `{other}`"),
                    l.value(&auth_path),
                )
                .expected(one_of(OP_AUTH))
                .help_opt(
                    did_you_mean(other, OP_AUTH.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            );
            provider.is_none()
        }
    };
    let mut out = Vec::new();
    if let Some(roles) = roles {
        let mut roles_path = path.to_vec();
        roles_path.push("roles");
        if public && !roles.is_empty() {
            let why = if provider.is_none() {
                "`auth.provider` is `none`"
            } else {
                "the operation is public (`auth: none`)"
            };
            l.err(
                Diagnostic::new(
                    format!("roles on a public operation: {why}"),
                    l.key(&roles_path),
                )
                .expected("`roles` only on operations that require a signed-in user")
                .help("remove `roles`, or remove `auth: none`"),
            );
        }
        for (i, role) in roles.iter().enumerate() {
            let ok = !role.is_empty()
                && role.len() <= 64
                && role
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let i = i.to_string();
            let mut rp = roles_path.clone();
            rp.push(&i);
            if !ok {
                l.err(
                    Diagnostic::new(format!("invalid role `{role}`"), l.value(&rp))
                        .expected("letters, digits, `-` and `_`"),
                );
            } else if out.contains(role) {
                l.err(
                    Diagnostic::new(format!("role `{role}` is listed twice"), l.value(&rp))
                        .expected("each role once")
                        .help("remove the repeat"),
                );
            } else {
                out.push(role.clone());
            }
        }
        out.sort();
    }
    (public, out)
}

fn check_name(l: &mut Lowerer, what: &str, name: &str, path: &[&str]) -> bool {
    if !is_identifier(name) {
        let fix = Names::new(name).snake;
        l.err(
            Diagnostic::new(format!("invalid {what} name `{name}`"), l.key(path))
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

/// A `storage` value (top level, or a resource's with the top level's as `inherited`); the
/// target's first storage when absent.
fn lower_storage(
    l: &mut Lowerer,
    value: Option<&str>,
    at: &[&str],
    inherited: Option<&str>,
    cx: &Context,
) -> String {
    let supported: Vec<&str> = cx.desc.storage.iter().map(String::as_str).collect();
    let fallback = inherited
        .or(supported.first().copied())
        .unwrap_or("none")
        .to_string();
    let Some(v) = value else {
        return fallback;
    };
    if !STORAGES.contains(&v) {
        l.err(
            Diagnostic::new(format!("unknown storage `{v}`"), l.value(at))
                .expected(one_of(&supported))
                .help_opt(
                    did_you_mean(v, supported.iter().copied())
                        .map(|s| format!("did you mean `{s}`?")),
                ),
        );
        return fallback;
    }
    v.to_string()
}

fn lower_resource(
    l: &mut Lowerer,
    rname: &str,
    r: &ResourceSpec,
    auth: &Auth,
    base_path: &str,
    storage: &str,
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
                Diagnostic::new(format!("unknown operation `{op}`"), l.key(&p))
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
                Diagnostic::new(format!("operation `{op}` is listed twice"), l.key(&p))
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
        let title = names.title.to_lowercase();
        let summary = match kind {
            OpKind::List => format!("List {title}"),
            OpKind::Create => format!("Create an item in {title}"),
            OpKind::Read => format!("Read an item of {title} by id"),
            OpKind::Update => format!("Replace an item of {title} by id"),
            OpKind::Delete => format!("Delete an item of {title} by id"),
            OpKind::Custom => names.title.clone(),
        };
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
                public,
                roles,
                takes_body: method.takes_body(),
                body_resource: matches!(kind, OpKind::Create | OpKind::Update)
                    .then(|| rname.to_string()),
                summary,
                storage: storage.to_string(),
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
        fields,
        storage: storage.to_string(),
    })
}

fn lower_field(l: &mut Lowerer, rname: &str, fname: &str, f: &FieldSpec) -> Option<Field> {
    let path = ["resources", rname, "fields", fname];
    let at = |k: &'static str| -> [&str; 5] { ["resources", rname, "fields", fname, k] };
    let mut ok = true;
    if PROTO_KEYS.contains(&fname) {
        l.err(
            Diagnostic::new(format!("field name `{fname}` is not allowed"), l.key(&path))
                .expected("a name other than `__proto__`, `constructor` or `prototype`")
                .help("these keys reach `Object.prototype` in JavaScript; rename the field"),
        );
        ok = false;
    } else if !is_identifier(fname) {
        l.err(
            Diagnostic::new(format!("invalid field name `{fname}`"), l.key(&path)).expected(
                "an identifier of at most 64 characters: a letter, then letters, digits or `_`",
            ),
        );
        ok = false;
    }
    let ty = match f.ty.as_deref() {
        None => {
            l.err(
                Diagnostic::new(format!("field `{fname}` has no `type`"), l.key(&path))
                    .expected(one_of(FIELD_TYPES))
                    .help("add e.g. `type: string`"),
            );
            return None;
        }
        Some(t) if !FIELD_TYPES.contains(&t) => {
            l.err(
                Diagnostic::new(format!("unknown field type `{t}`"), l.value(&at("type")))
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
                    format!("array field `{fname}` has no `items`"),
                    l.key(&path),
                )
                .expected(format!("`items:` {}", one_of(ITEM_TYPES)))
                .help("add e.g. `items: string`"),
            ),
            Some(t) if !ITEM_TYPES.contains(&t) => l.err(
                Diagnostic::new(format!("unknown item type `{t}`"), l.value(&at("items")))
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
                        format!("`{lo_key}` is greater than `{hi_key}` in field `{fname}`"),
                        l.value(&at(hi_key)),
                    )
                    .expected(format!("`{lo_key}` <= `{hi_key}`"))
                    .help("swap the two bounds"),
                );
            }
        }
    }
    let ty = FieldType::parse(ty)?;
    ok.then(|| Field {
        name: fname.to_string(),
        ty,
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

fn lower_route(
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
                Diagnostic::new(format!("route `{name}` has no `method`"), l.key(&rpath))
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
                Diagnostic::new(format!("route `{name}` has no `path`"), l.key(&rpath))
                    .expected("a path below the base path, e.g. `/search` or `/movies/{id}/watch`")
                    .help(format!("add e.g. `path: /{}`", Names::new(name).kebab)),
            );
            None
        }
        Some(p) => check_path(l, p, &["routes", name, "path"]),
    };
    let (public, roles) = lower_access(l, &rpath, r.auth.as_deref(), r.roles.as_ref(), auth);
    let (method, (path, params)) = (method?, path?);
    if !name_ok {
        return None;
    }
    let names = Names::new(name);
    Some(Operation {
        stem: names.kebab.clone(),
        summary: names.title.clone(),
        name: names,
        kind: OpKind::Custom,
        resource: None,
        full_path: format!("{base_path}{path}"),
        takes_body: method.takes_body(),
        body_resource: None,
        method,
        path,
        params,
        public,
        roles,
        storage: "none".to_string(),
        fields: Vec::new(),
    })
}

/// A custom route's path: `/segment/{param}/...`, safe characters only. Returns it with its params.
fn check_path(l: &mut Lowerer, p: &str, at: &[&str]) -> Option<(String, Vec<String>)> {
    let pos = l.value(at);
    let bad = |l: &mut Lowerer, what: String, help: &str| {
        l.err(Diagnostic::new(format!("invalid path `{p}`: {what}"), pos)
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
fn check_names(l: &mut Lowerer, ops: &[Operation]) {
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
                l.err(Diagnostic::new(
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

fn segments(path: &str) -> Vec<Segment> {
    path[1..]
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(p) => Segment {
                    literal: None,
                    param: Some(p.to_string()),
                },
                None => Segment {
                    literal: Some(s.to_string()),
                    param: None,
                },
            },
        )
        .collect()
}

/// A path with every parameter as `(1, "")` and every literal as `(0, literal)`.
type Shape = Vec<(u8, String)>;

/// Groups operations by path into the dispatch table; rejects duplicate routes and paths that
/// differ only in a parameter's name.
fn build_routes(l: &mut Lowerer, ops: &[Operation]) -> Vec<Route> {
    // Key: the path's shape, literals as themselves and every parameter as `{}`.
    let mut by_shape: BTreeMap<Shape, (String, Vec<&Operation>)> = BTreeMap::new();
    for op in ops {
        let shape: Vec<(u8, String)> = segments(&op.path)
            .into_iter()
            .map(|s| match s.literal {
                Some(lit) => (0, lit),
                None => (1, String::new()),
            })
            .collect();
        let entry = by_shape
            .entry(shape)
            .or_insert_with(|| (op.path.clone(), Vec::new()));
        if entry.0 != op.path {
            let here = op_pos(l.ix, op);
            l.err(
                Diagnostic::new(
                    format!(
                        "path `{}` matches the same requests as `{}`",
                        op.path, entry.0
                    ),
                    here,
                )
                .expected("one parameter name per position for paths of the same shape")
                .help(format!("write the path as `{}`", entry.0)),
            );
            continue;
        }
        if let Some(first) = entry.1.iter().find(|o| o.method == op.method) {
            let here = op_pos(l.ix, op);
            l.err(
                Diagnostic::new(
                    format!(
                        "duplicate route `{} {}`: `{}` and `{}`",
                        op.method, op.path, first.name.spec, op.name.spec
                    ),
                    here,
                )
                .expected("each method and path once")
                .help("change the method or the path of one of them"),
            );
            continue;
        }
        entry.1.push(op);
    }
    // Sorting by shape puts a literal (0) before a parameter (1) at the first differing segment.
    by_shape
        .into_values()
        .map(|(path, mut ops)| {
            ops.sort_by_key(|o| o.method);
            let mut allow: Vec<&str> = ops.iter().map(|o| o.method.as_str()).collect();
            let cors_methods = allow.join(", ");
            // A method the path does not take (405), preferring ones that change nothing.
            let unallowed = [
                Method::Patch,
                Method::Delete,
                Method::Put,
                Method::Post,
                Method::Get,
            ]
            .into_iter()
            .find(|m| !ops.iter().any(|o| o.method == *m));
            allow.push("OPTIONS");
            Route {
                cors_methods,
                unallowed,
                segments: segments(&path),
                methods: ops
                    .iter()
                    .map(|o| RouteMethod {
                        method: o.method,
                        operation: o.name.camel.clone(),
                    })
                    .collect(),
                allow: allow.join(", "),
                path,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{generate, Error, Input, Templates};

    fn model(spec: &str) -> crate::model::Model {
        let (_, loaded) = crate::spec::load("scaffold.yaml", spec.as_bytes()).unwrap();
        let templates = Templates::builtin();
        let targets = templates.targets().unwrap();
        let cx = super::Context {
            spec_file: "scaffold.yaml",
            target: "netlify",
            desc: &targets["netlify"],
        };
        super::lower_for(&loaded, &cx).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn api_gateway_jwt_takes_issuer_audience_and_roles_claim_only() {
        let errs = errors(
            "name: a\ntarget: aws-lambda\nauth: { provider: api-gateway-jwt, issuer: 'https://i.example/', jwks_url: 'https://i.example/k', clock_skew_seconds: 5 }\nresources: { movies: {} }\n",
        );
        assert_eq!(
            errs,
            [
                "`provider: api-gateway-jwt` needs `auth.audience`",
                "`auth.jwks_url` does not apply to `provider: api-gateway-jwt`",
                "`auth.clock_skew_seconds` does not apply to `provider: api-gateway-jwt`",
            ]
        );
        let errs = errors(
            "name: a\ntarget: netlify\nauth: { provider: api-gateway-jwt, issuer: i, audience: a }\nresources: { movies: {} }\n",
        );
        assert_eq!(
            errs,
            ["auth provider `api-gateway-jwt` is not available on target `netlify`"]
        );
    }

    #[test]
    fn api_gateway_jwt_model_has_gateway_settings_and_no_jwt() {
        let templates = Templates::builtin();
        let (m, _, _) = crate::model(&Input {
            spec_file: "s.yaml",
            spec: b"name: a\ntarget: aws-lambda\nauth: { provider: api-gateway-jwt, issuer: env:JWT_ISSUER, audience: api, roles_claim: app.roles }\nresources: { movies: {} }\n",
            target: None,
            templates: &templates,
        })
        .unwrap();
        assert!(m.auth.jwt().is_none());
        let g = m.auth.gateway().expect("gateway settings");
        assert_eq!(g.issuer.env.as_deref(), Some("JWT_ISSUER"));
        assert_eq!(g.issuer.param.as_deref(), Some("JwtIssuer"));
        assert_eq!(g.audience.value.as_deref(), Some("api"));
        assert_eq!(g.roles_claim, ["app", "roles"]);
    }

    #[test]
    fn lowering_is_the_same_for_every_target_and_the_target_check_refuses() {
        let spec = "name: a\nauth: { provider: netlify-identity }\nstorage: memory\nlimits: { body_bytes: 5000000 }\nresources: { index: {} }\n";
        let (_, loaded) = crate::spec::load("s.yaml", spec.as_bytes()).unwrap();
        let templates = Templates::builtin();
        let targets = templates.targets().unwrap();
        let mut models = Vec::new();
        for (name, desc) in &targets {
            let cx = super::Context {
                spec_file: "s.yaml",
                target: name,
                desc,
            };
            let (model, errors) = super::lower(&loaded, &cx);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            models.push(serde_json::to_string(&model).unwrap());
        }
        assert!(models.windows(2).all(|w| w[0] == w[1]));
        let cx = super::Context {
            spec_file: "s.yaml",
            target: "vercel",
            desc: &targets["vercel"],
        };
        let refused = |loaded: &crate::spec::Loaded, cx: &super::Context| -> Vec<String> {
            let errors = super::lower_for(loaded, cx).unwrap_err();
            errors.into_iter().map(|d| d.message).collect()
        };
        assert_eq!(
            refused(&loaded, &cx),
            [
                "auth provider `netlify-identity` is not available on target `vercel`",
                "`limits.body_bytes` is 5000000, more than target `vercel` delivers",
            ]
        );
        let spec =
            "name: a\nauth: { provider: none }\nroutes: { index: { method: GET, path: /i } }\n";
        let (_, loaded) = crate::spec::load("s.yaml", spec.as_bytes()).unwrap();
        let netlify = super::Context {
            spec_file: "s.yaml",
            target: "netlify",
            desc: &targets["netlify"],
        };
        assert!(super::lower(&loaded, &netlify).1.is_empty());
        assert_eq!(
            refused(&loaded, &netlify),
            ["route `index` gives the file name `index`, which the platform treats specially"]
        );
    }

    #[test]
    fn a_namespaced_roles_claim_is_one_name() {
        let m = model("name: a\nauth: { provider: jwt, issuer: i, audience: a, jwks_url: 'https://i.example/k', roles_claim: 'https://example.com/roles' }\nresources: { movies: {} }\n");
        assert_eq!(
            m.auth.jwt().unwrap().roles_claim,
            ["https://example.com/roles"]
        );
        let m = model("name: a\nauth: { provider: jwt, issuer: i, audience: a, jwks_url: 'https://i.example/k', roles_claim: app_metadata.roles }\nresources: { movies: {} }\n");
        assert_eq!(m.auth.jwt().unwrap().roles_claim, ["app_metadata", "roles"]);
    }

    #[test]
    fn body_limit_cannot_exceed_what_the_target_delivers() {
        let spec = |target: &str| {
            format!("name: a\ntarget: {target}\nauth: {{ provider: none }}\nlimits: {{ body_bytes: 5000000 }}\nresources: {{ movies: {{}} }}\n")
        };
        assert_eq!(
            errors(&spec("vercel")),
            ["`limits.body_bytes` is 5000000, more than target `vercel` delivers"]
        );
        let templates = Templates::builtin();
        for target in ["netlify", "aws-lambda", "cloudflare-workers"] {
            let text = spec(target);
            assert!(
                generate(&Input {
                    spec_file: "s.yaml",
                    spec: text.as_bytes(),
                    target: None,
                    templates: &templates,
                })
                .is_ok(),
                "{target}"
            );
        }
    }

    fn errors(spec: &str) -> Vec<String> {
        let templates = Templates::builtin();
        match generate(&Input {
            spec_file: "s.yaml",
            spec: spec.as_bytes(),
            target: None,
            templates: &templates,
        }) {
            Err(Error::Spec(d)) => d.items.iter().map(|d| d.message.clone()).collect(),
            other => panic!("expected spec errors, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn defaults() {
        let m = model("name: a\nauth: { provider: netlify-identity }\nresources: { movies: {} }\n");
        assert_eq!(m.base_path, "/api");
        let ops: Vec<(&str, &str, &str)> = m
            .operations
            .iter()
            .map(|o| {
                (
                    o.name.camel.as_str(),
                    o.method.as_str(),
                    o.full_path.as_str(),
                )
            })
            .collect();
        assert_eq!(
            ops,
            [
                ("moviesList", "GET", "/api/movies"),
                ("moviesCreate", "POST", "/api/movies"),
                ("moviesRead", "GET", "/api/movies/{id}"),
                ("moviesUpdate", "PUT", "/api/movies/{id}"),
                ("moviesDelete", "DELETE", "/api/movies/{id}"),
            ]
        );
        assert!(m.operations.iter().all(|o| !o.public && o.roles.is_empty()));
        assert_eq!(m.routes[0].allow, "GET, POST, OPTIONS");
        assert_eq!(m.routes[1].allow, "GET, PUT, DELETE, OPTIONS");
    }

    #[test]
    fn literal_segments_match_before_parameters() {
        let m = model(
            "name: a\nauth: { provider: none }\nresources: { books: { operations: [read] } }\n\
             routes:\n  z: { method: GET, path: /books/search }\n  a: { method: get, path: \"/{x}/search\" }\n",
        );
        let order: Vec<&str> = m.routes.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(order, ["/books/search", "/books/{id}", "/{x}/search"]);
        assert!(
            m.operations.iter().all(|o| o.public),
            "provider none makes every operation public"
        );
        assert_eq!(
            m.operations
                .iter()
                .find(|o| o.name.spec == "a")
                .unwrap()
                .method,
            super::Method::Get
        );
    }

    #[test]
    fn roles_are_sorted_and_headers_merged_in_place() {
        let m = model(
            "name: a\nauth: { provider: netlify-identity }\nheaders: { x-frame-options: SAMEORIGIN, X-Extra: '1' }\n\
             resources: { b: { operations: { delete: { roles: [z, a] } } } }\n",
        );
        assert_eq!(m.operations[0].roles, ["a", "z"]);
        let names: Vec<&str> = m.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names[5], "X-Frame-Options");
        assert_eq!(m.headers[5].value, "SAMEORIGIN");
        assert_eq!(names.last(), Some(&"X-Extra"));
    }

    #[test]
    fn each_rule_of_the_issue() {
        let base = "name: a\nauth: { provider: netlify-identity }\n";
        let cases: &[(&str, &str)] = &[
            ("resources: { m: { operations: [dlete] } }", "unknown operation `dlete`"),
            ("routes: { a: { method: GET, path: /x }, b: { method: GET, path: /x } }", "duplicate route `GET /x`: `a` and `b`"),
            ("resources: { my-things: {} }", "invalid resource name `my-things`"),
            ("resources: { movieList: {}, movie_list: {} }", "resource `movieList` and resource `movie_list` both become `movie-list` after case conversion"),
            ("resources: { new: {} }", "resource name `new` is a reserved word in JavaScript"),
            ("routes: { a: { method: GET, path: /a/../b } }", "invalid path `/a/../b`: character `.` is not allowed"),
            ("routes: { a: { method: GET, path: //b } }", "invalid path `//b`: empty segment (`//`)"),
            ("routes: { a: { method: GET, path: /a$ } }", "invalid path `/a$`: character `$` is not allowed"),
            ("resources: { m: { fields: { f: { type: date } } } }", "unknown field type `date`"),
            ("routes: { a: { method: GET, path: /a, auth: none, roles: [x] } }", "roles on a public operation: the operation is public (`auth: none`)"),
            ("resourcez: {}", "unknown key `resourcez` at the top level"),
        ];
        for (extra, want) in cases {
            let got = errors(&format!("{base}{extra}\n"));
            assert!(got.iter().any(|m| m == want), "{extra}: {got:?}");
        }
    }
}
