{% import "_shared/macros.j2" as m %}
// Auth with JSON Web Tokens: the caller sends `Authorization: Bearer <token>`; the token is verified
// with `jose` against the issuer's published keys (JWKS): signature, algorithm ({{ api.auth.jwt.algorithms|join(", ") }}), issuer,
// audience, expiry and not-before, with {{ api.auth.jwt.clock_skew_seconds }} s of clock skew. The user's id is the `sub` claim,
// never a value from the URL or body. Missing configuration fails closed: every request is a 500.

// Each setting is a fixed `value` or the name of an `env` variable (read from the environment or,
// on Workers, from the bindings) at request time.
const SETTINGS = {
  {{ m.setting("issuer", api.auth.jwt.issuer) }},
  {{ m.setting("audience", api.auth.jwt.audience) }},
  {{ m.setting("jwksUrl", api.auth.jwt.jwks_url) }},
  {{ api.auth.jwt.algorithms|js_prop("algorithms", 2) }},
  {{ api.auth.jwt.roles_claim|js_prop("rolesClaim", 2) }},
  {{ api.auth.jwt.clock_skew_seconds|js_prop("clockTolerance", 2) }},
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

// Made once per process (warm invocations reuse the cached keys), again only if the URL changes.
let keys;
let keysUrl;

function settings(env) {
  const read = (s) => (s.env ? env[s.env] : s.value);
  const config = {
    issuer: read(SETTINGS.issuer),
    audience: read(SETTINGS.audience),
    jwksUrl: read(SETTINGS.jwksUrl),
  };
  const missing = Object.keys(config).filter((k) => typeof config[k] !== 'string' || config[k] === '');
  if (missing.length > 0) {
    throw new Error(`JWT auth is not configured (${missing.join(', ')} missing): refusing every request`);
  }
  return config;
}

function claimAt(claims, path) {
  let value = claims;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = value[key];
  }
  return value;
}

/** The signed-in user, or null: `{ id, email, roles, claims }`. */
async function authenticate({ headers, env }) {
  const config = settings(env || {});
  const match = BEARER.exec(typeof headers.authorization === 'string' ? headers.authorization : '');
  if (!match) return null;
  const { jwtVerify, createRemoteJWKSet } = await import('jose');
  if (!keys || keysUrl !== config.jwksUrl) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl));
    keysUrl = config.jwksUrl;
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1], keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: SETTINGS.algorithms,
      clockTolerance: SETTINGS.clockTolerance,
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (err) {
    if (err && INVALID_TOKEN.has(err.code)) return null;
    throw err;
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') return null;
  const roles = claimAt(payload, SETTINGS.rolesClaim);
  return {
    id: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : null,
    roles: Array.isArray(roles) ? roles.filter((r) => typeof r === 'string') : [],
    claims: payload,
  };
}
