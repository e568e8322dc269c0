//! `auth`: the provider and its settings (JWT issuer, audience, keys, algorithms, roles claim,
//! clock skew), and each operation's access (public or signed in, roles).

use crate::diag::{did_you_mean, one_of, Code, Diagnostic, Pos};
use crate::model::{
    Auth, Gateway, Jwt, Setting, DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_JWT_ALGORITHM,
    DEFAULT_ROLES_CLAIM, JWT_ALGORITHMS, MAX_CLOCK_SKEW_SECONDS,
};
use crate::naming::PROTO_KEYS;
use crate::spec::AuthSpec;

use super::{Lowerer, AUTH_PROVIDERS, OP_AUTH};

/// The `auth` settings `api-gateway-jwt` takes: API Gateway's JWT authorizer verifies signature,
/// algorithm and expiry itself, with keys found from the issuer.
const GATEWAY_SETTINGS: &[&str] = &["issuer", "audience", "roles_claim"];

pub(super) fn lower_auth(
    l: &mut Lowerer,
    auth: Option<&AuthSpec>,
    root: Option<Pos>,
) -> Option<Auth> {
    let provider = match auth.and_then(|a| a.provider.as_deref()) {
        None => {
            let pos = if auth.is_some() {
                l.key(&["auth"])
            } else {
                root
            };
            l.err(Diagnostic::new(Code::MissingProvider, "missing `auth.provider`", pos)
                .expected(one_of(AUTH_PROVIDERS))
                .help("add `auth: { provider: netlify-identity }`, or `provider: none` for an API without users"));
            return None;
        }
        Some(p) if !AUTH_PROVIDERS.contains(&p) => {
            l.err(
                Diagnostic::new(
                    Code::UnknownProvider,
                    format!("unknown auth provider `{p}`"),
                    l.value(&["auth", "provider"]),
                )
                .expected(one_of(AUTH_PROVIDERS))
                .help_opt(
                    did_you_mean(p, AUTH_PROVIDERS.iter().copied())
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
                    Diagnostic::new(Code::GatewaySetting,
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
                        Code::JwtOnlySetting,
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
                    Code::MissingSetting,
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
                    Diagnostic::new(Code::InvalidEnvName, format!("invalid environment variable name `{name}`"), l.value(&["auth", key]))
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
                    Code::InvalidSetting,
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
                    Code::RefusedAlgorithm,
                    format!("algorithm `{alg}` is not accepted"),
                    l.value(&["auth", "algorithms", &i]),
                )
                .expected(one_of(JWT_ALGORITHMS))
                .help(why),
            );
        } else if algorithms.contains(alg) {
            l.err(Diagnostic::new(
                Code::AlgorithmTwice,
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
                Code::NoAlgorithms,
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
            Diagnostic::new(Code::InvalidRolesClaim,
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
            Diagnostic::new(Code::ClockSkew,
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

/// Auth and roles of one operation, checked against the provider.
pub(super) fn lower_access(
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
                        Code::AuthWithoutProvider,
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
                    Code::InvalidAccess,
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
                    Code::RolesOnPublic,
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
                    Diagnostic::new(
                        Code::InvalidRole,
                        format!("invalid role `{role}`"),
                        l.value(&rp),
                    )
                    .expected("letters, digits, `-` and `_`"),
                );
            } else if out.contains(role) {
                l.err(
                    Diagnostic::new(
                        Code::RoleTwice,
                        format!("role `{role}` is listed twice"),
                        l.value(&rp),
                    )
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
