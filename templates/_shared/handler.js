{% import "_shared/macros.j2" as m %}
{{ m.handler("//", api, op, file) }}
//
// The dispatcher ({{ target.entry }}) calls this after routing, auth, and checking the JSON body, with:
//   user       the signed-in user `{ id, email, roles, claims }` (`id` is the token's `sub`),
//              or null on a public operation without a token
//   params     path parameters{% for p in op.params %} `params.{{ p }}`{% endfor %}

//   query      query string parameters, as strings
//   body       the parsed JSON body (POST, PUT, PATCH), else null; on create and update it has
//              already been validated against the resource's fields (no unknown fields)
//   headers    request headers, names in lower case
//   requestId  this request's id, also sent as `X-Request-Id`
//   {{ target.platform_context }}
// Return `{ status, body, headers }`: status defaults to 200; returning nothing sends 204.
// A thrown error becomes a 500 whose body holds only the request id; the details go to the log.

export default async function {{ op.name.camel }}({ user, params, query, body }) {
  return {
    status: 501,
    body: {
      error: 'not_implemented',
      operation: '{{ op.name.camel }}',
      message: 'Implement {{ op.method }} {{ op.full_path }} in {{ file }}',
    },
  };
}
