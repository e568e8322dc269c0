{% import "_shared/macros.j2" as m %}
{% import "_shared/routes.j2" as rt %}
{% set cjs = target.module == "cjs" %}
{{ m.owned("//", api) }}
//
{% if group.segment %}
// The routes under /{{ group.segment }} (in match order): the dispatcher loads this module on the
// first request whose path starts there, and builds its routes then.
{% else %}
// The routes whose first segment is a parameter (in match order): the dispatcher loads this module
// on the first request that no route with a fixed first segment matches, and builds its routes then.
{% endif %}
// Each method holds its operation: its name, its handler file's loader (the file is loaded on the
// operation's first request; the literal paths let bundlers include every file), whether it runs
// without a user, the roles it needs (any one), and the schema its body must match.
{% if cjs %}
'use strict';
{% endif %}
{% if group.schemas %}

// The fields a body is validated against, per resource.
const SCHEMAS = {
{% for r in group.schemas %}
{{ rt.schema(r, 2) -}}
{% endfor %}
};
{% endif %}

{% if cjs %}
module.exports = [
{% else %}
export default [
{% endif %}
{% for r in group.routes %}
{{ rt.route(r, 2, "require" if cjs else "import", file, handlers) -}}
{% endfor %}
];
