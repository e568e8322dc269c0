{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
{% if api.auth.provider == "netlify-identity" %}
// Auth with Netlify Identity. Netlify verifies the caller's `Authorization: Bearer <token>` before
// the function runs and hands over the token's claims as `context.clientContext.user`; no claims
// means no (valid) token. The user's id is the `sub` claim, never a value from the URL or body.
{% if target.module == "cjs" %}
'use strict';
{% endif %}

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
{% if target.module == "cjs" %}
'use strict';

{% endif %}
{% include "_shared/jwt-auth.js" %}
{% else %}
// This API has no users (`auth.provider: none`): every operation is public and `user` is null.
{% if target.module == "cjs" %}
'use strict';

{% endif %}
async function authenticate() {
  return null;
}
{% endif %}

{% if target.module == "cjs" %}
module.exports = { authenticate };
{% else %}
export { authenticate };
{% endif %}
