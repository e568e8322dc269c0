{% if api.auth.gateway %}
{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// Auth by API Gateway's JWT authorizer (template.yaml): API Gateway verifies the caller's
// `Authorization: Bearer <token>` (signature, issuer, audience, expiry) before the function runs
// and passes the token's claims in `event.requestContext.authorizer.jwt.claims`. No claims means no
// user: a route that lost its authorizer fails closed (401), never open. The user's id is the
// `sub` claim, never a value from the URL or body.

{{ api.auth.gateway.roles_claim|js_assign("const ROLES_CLAIM") }};

/** API Gateway hands array claims over as strings such as `[admin editor]`. */
function listClaim(value) {
  if (Array.isArray(value)) return value.filter((r) => typeof r === 'string');
  if (typeof value !== 'string' || value === '') return [];
  if (value.startsWith('[') && value.endsWith(']')) {
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.filter((r) => typeof r === 'string');
    } catch {
      // Not JSON: API Gateway's `[a b]` form.
    }
    return value
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return [value];
}

function claimAt(claims, path) {
  const flat = path.join('.');
  if (Object.prototype.hasOwnProperty.call(claims, flat)) return claims[flat];
  let value = claims;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = value[key];
  }
  return value;
}

/** The signed-in user, or null: `{ id, email, roles, claims }`. */
async function authenticate({ platform }) {
  const event = platform && platform.event;
  const authorizer = event && event.requestContext && event.requestContext.authorizer;
  const claims = authorizer && authorizer.jwt && authorizer.jwt.claims;
  if (!claims || typeof claims !== 'object') return null;
  if (typeof claims.sub !== 'string' || claims.sub === '') return null;
  const exp = Number(claims.exp);
  if (!Number.isFinite(exp) || exp * 1000 <= Date.now()) return null;
  return {
    id: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    roles: listClaim(claimAt(claims, ROLES_CLAIM)),
    claims,
  };
}

export { authenticate };
{% else %}
{% include "_shared/esm/auth.js" %}
{% endif %}
