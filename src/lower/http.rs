//! The HTTP surface every operation shares: base path, CORS, body limit, response headers.

use std::collections::BTreeMap;

use crate::diag::{one_of, Code, Diagnostic};
use crate::model::{
    Cors, Header, Limits, CORS_ALLOW_HEADERS, DEFAULT_BODY_BYTES, DEFAULT_CORS_MAX_AGE_SECONDS,
    MAX_BODY_BYTES, MAX_CORS_MAX_AGE_SECONDS, MAX_HEADER_NAME_CHARS, MAX_HEADER_VALUE_CHARS,
    MAX_PATH_CHARS, SECURITY_HEADERS,
};
use crate::spec::{CorsSpec, Spec};

use super::{Lowerer, DEFAULT_BASE_PATH};

pub(super) fn lower_base_path(l: &mut Lowerer, spec: &Spec) -> String {
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
        l.err(Diagnostic::new(Code::InvalidBasePath, format!("invalid `base_path` `{bp}`"), l.value(&["base_path"]))
            .expected("a path like `/api` or `/v1/api`: lower-case letters, digits and `-` between slashes, no trailing slash")
            .help("use `/api`, the default"));
    }
    bp.clone()
}

pub(super) fn lower_cors(l: &mut Lowerer, cors: Option<&CorsSpec>) -> Cors {
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
            Diagnostic::new(Code::NoOrigins, "`cors` lists no origins", l.key(&["cors"]))
                .expected("`origins:` a list of exact origins, e.g. `[https://app.example.com]`")
                .help("remove `cors` for a same-origin API (no `Access-Control-*` headers at all)"),
        );
    }
    for (i, origin) in origins.iter().enumerate() {
        let i = i.to_string();
        let at = l.value(&["cors", "origins", &i]);
        if let Some(why) = origin_problem(origin) {
            l.err(
                Diagnostic::new(Code::InvalidOrigin, format!("invalid CORS origin `{origin}`: {why}"), at)
                    .expected("an exact origin: `https://` or `http://`, a host, an optional port; no path, no wildcard")
                    .help("list each origin that may call the API, e.g. `https://app.example.com`"),
            );
        } else if out.origins.contains(origin) {
            l.err(
                Diagnostic::new(
                    Code::OriginTwice,
                    format!("origin `{origin}` is listed twice"),
                    at,
                )
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
                Code::CorsMaxAge,
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

pub(super) fn lower_limits(l: &mut Lowerer, spec: &Spec) -> Limits {
    let body_bytes = spec
        .limits
        .as_ref()
        .and_then(|x| x.body_bytes)
        .unwrap_or(DEFAULT_BODY_BYTES);
    if body_bytes == 0 || body_bytes > MAX_BODY_BYTES {
        l.err(
            Diagnostic::new(
                Code::BodyLimit,
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

pub(super) fn lower_headers(l: &mut Lowerer, spec: &Spec) -> Vec<Header> {
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
                Diagnostic::new(
                    Code::InvalidHeaderName,
                    format!("invalid header name `{name}`"),
                    l.key(&path),
                )
                .expected("letters, digits and `-`")
                .help("e.g. `X-Robots-Tag`"),
            );
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(first) = seen.insert(lower.clone(), name) {
            l.err(
                Diagnostic::new(
                    Code::HeaderTwice,
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
                    Code::ManagedHeader,
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
                    Code::ServerHeader,
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
                        Code::NotSharedHeader,
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
                Diagnostic::new(Code::InvalidHeaderValue, format!("invalid value for header `{name}`"), l.value(&path))
                    .expected("a non-empty value of printable ASCII on one line, or `null` to remove the header"),
            );
            continue;
        }
        if value.len() > MAX_HEADER_VALUE_CHARS || name.len() > MAX_HEADER_NAME_CHARS {
            l.err(
                Diagnostic::new(Code::HeaderTooLong,
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
                    Code::XssProtection,
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
