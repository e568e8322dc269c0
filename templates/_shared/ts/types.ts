{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The API's types, from {{ api.spec_file }}: each resource's items and what create and update take,
// and each operation's handler: its argument (`...Context`) and what it resolves to (`...Result`).
// Handler files and client/api.ts import them.
{% for r in ts.resources %}

/** An item of `{{ r.spec }}`, as the API stores and returns it. */
export interface {{ r.item }} {
  id: string;
{% for f in r.fields %}
  {{ f.prop }}:{{ f.ts }};
{% endfor %}
  createdAt: string;
  updatedAt: string;
}

/** What create and update of `{{ r.spec }}` take: its fields, checked by the dispatcher. */
{% if r.input_fields %}
export interface {{ r.input }} {
{% for f in r.input_fields %}
  {{ f.prop }}:{{ f.ts }};
{% endfor %}
}
{% else %}
export type {{ r.input }} = Record<string, never>;
{% endif %}
{% endfor %}

/** The signed-in user: `id` is the token's `sub`. */
export interface User {
  id: string;
  email: string | null;
  roles: string[];
  claims: Record<string, unknown>;
}

/** An error body: `error` is a code such as 'not_found'. */
export interface ErrorBody {
  error: string;
  [key: string]: unknown;
}

/** One page of a list: `next` is the cursor of the next page, or null. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * What a handler returns: `status` (default 200), the JSON `body`, extra `headers` (they cannot
 * replace the shared ones). Returning nothing sends 204.
 */
export interface Reply<T> {
  status?: number;
  body?: T | ErrorBody;
  headers?: Record<string, string | string[]>;
}

/** {{ target.typescript.env }} */
export type Env = Record<string, unknown>;

/** What every handler gets; each operation's context below narrows `user`, `params` and `body`. */
export interface Context {
  /** The signed-in user, or null on a public operation without a token. */
  user: User | null;
  /** The path parameters. */
  params: Record<string, string>;
  /** The query string's parameters. */
  query: Record<string, string | undefined>;
  /** The parsed JSON body (POST, PUT, PATCH), else null. */
  body: unknown;
  /** The request headers, names in lower case. */
  headers: Record<string, string>;
  /** This request's id, also sent as `X-Request-Id`. */
  requestId: string;
  env: Env;
{% for p in target.typescript.platform %}
  {{ p[0] }}: {{ p[1] }};
{% endfor %}
}
{% for op in api.operations %}
{% set t = ts.ops[op.name.camel] %}

/** `{{ op.method }} {{ op.full_path }}`: {{ op.summary }} ({{ op.access.plain }}). */
export interface {{ t.context }} extends Context {
  user: {{ t.user }};
  params: {{ t.params }};
  body: {{ t.body }};
}
{{ ("Reply<" ~ t.reply ~ "> | undefined")|ts_alias(t.result) }}
{% if t.query %}

/** What `sort` takes on `{{ op.method }} {{ op.full_path }}`: a field ascending, or `-` and a field descending. */
{{ t.query.sort_alias }}

/** The query of `{{ op.method }} {{ op.full_path }}`: paging, the order, and an equality filter per filterable field. */
export interface {{ t.query.name }} {
{% for f in t.query.fields %}
  {{ f.prop }}:{{ f.ts }};
{% endfor %}
}
{% endif %}
{% endfor %}
