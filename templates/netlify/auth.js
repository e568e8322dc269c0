{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
{% if api.auth.provider == "netlify-identity" %}
// Auth with Netlify Identity. Netlify verifies the caller's `Authorization: Bearer <token>` before
// the function runs and hands over the token's claims as `context.clientContext.user`; no claims
// means no (valid) token. The user's id is the `sub` claim, never a value from the URL or body.
'use strict';

/**
 * The signed-in user, or null: `{ id, email, roles, claims }`.
 * `roles` are Netlify Identity's `app_metadata.roles`.
 */
async function authenticate({ platform }) {
  const context = platform && platform.context;
  const claims = context && context.clientContext && context.clientContext.user;
  if (!claims || typeof claims !== 'object') return null;
  if (typeof claims.sub !== 'string' || claims.sub === '') return null;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
  const appMetadata = claims.app_metadata && typeof claims.app_metadata === 'object' ? claims.app_metadata : {};
  const roles = Array.isArray(appMetadata.roles) ? appMetadata.roles.filter((r) => typeof r === 'string') : [];
  return {
    id: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    roles,
    claims,
  };
}
{% elif api.auth.jwt %}
// Auth with JSON Web Tokens: the caller sends `Authorization: Bearer <token>`; the token is verified
// with `jose` against the issuer's published keys (JWKS): signature, algorithm ({{ api.auth.jwt.algorithms|join(", ") }}), issuer,
// audience, expiry and not-before, with {{ api.auth.jwt.clock_skew_seconds }} s of clock skew. The user's id is the `sub` claim,
// never a value from the URL or body. Missing configuration fails closed: every request is a 500.
'use strict';

const CONFIG = {
  issuer: {% if api.auth.jwt.issuer.env %}process.env[{{ api.auth.jwt.issuer.env|js }}]{% else %}{{ api.auth.jwt.issuer.value|js }}{% endif %},
  audience: {% if api.auth.jwt.audience.env %}process.env[{{ api.auth.jwt.audience.env|js }}]{% else %}{{ api.auth.jwt.audience.value|js }}{% endif %},
  jwksUrl: {% if api.auth.jwt.jwks_url.env %}process.env[{{ api.auth.jwt.jwks_url.env|js }}]{% else %}{{ api.auth.jwt.jwks_url.value|js }}{% endif %},
  algorithms: {{ api.auth.jwt.algorithms|js }},
  rolesClaim: {{ api.auth.jwt.roles_claim|js }},
  clockTolerance: {{ api.auth.jwt.clock_skew_seconds|js }},
};

// Errors that mean "this token is not valid": the caller gets a 401. Anything else (the JWKS cannot
// be fetched, a bug) is thrown and becomes a 500.
const INVALID_TOKEN = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

// Made once per process (warm invocations reuse the cached keys).
let keys;

function settings() {
  const missing = ['issuer', 'audience', 'jwksUrl'].filter((k) => typeof CONFIG[k] !== 'string' || CONFIG[k] === '');
  if (missing.length > 0) {
    throw new Error(`JWT auth is not configured (${missing.join(', ')} missing): refusing every request`);
  }
  return CONFIG;
}

function claimAt(claims, path) {
  let value = claims;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** The signed-in user, or null: `{ id, email, roles, claims }`. */
async function authenticate({ headers }) {
  const config = settings();
  const match = BEARER.exec(typeof headers.authorization === 'string' ? headers.authorization : '');
  if (!match) return null;
  const { jwtVerify, createRemoteJWKSet } = await import('jose');
  keys = keys || createRemoteJWKSet(new URL(config.jwksUrl));
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1], keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      clockTolerance: config.clockTolerance,
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (err) {
    if (err && INVALID_TOKEN.has(err.code)) return null;
    throw err;
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') return null;
  const roles = claimAt(payload, config.rolesClaim);
  return {
    id: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : null,
    roles: Array.isArray(roles) ? roles.filter((r) => typeof r === 'string') : [],
    claims: payload,
  };
}
{% else %}
// This API has no users (`auth.provider: none`): every operation is public and `user` is null.
'use strict';

async function authenticate() {
  return null;
}
{% endif %}

module.exports = { authenticate };
