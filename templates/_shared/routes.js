{% import "_shared/macros.j2" as m %}
{% set cjs = target.module == "cjs" %}
{#- A resource's fields at column `at`: what a body is validated against. -#}
{% macro schema(r, at) %}
{% if r.fields %}
{{ " " * at }}{{ r.name.spec|js_key }}: {
{% for f in r.fields %}
{{ " " * at }}  {{ f|js_prop(f.name, at + 2) }},
{% endfor %}
{{ " " * at }}},
{% else %}
{{ " " * at }}{{ r.name.spec|js_key }}: {},
{% endif %}
{% endmacro %}
{#- One route at column `at`: its path, shape, `Allow` and CORS lists, and each method's operation;
    the handler is loaded with `load` (`require` or `import`) by its path from the file `from`. -#}
{% macro route(r, at, load, from, handlers) %}
{{ " " * at }}{
{{ " " * at }}  {{ r.path|js_prop("path", at + 2) }},
{{ " " * at }}  {{ r.segments|js_prop("segments", at + 2) }},
{{ " " * at }}  {{ r.allow|js_prop("allow", at + 2) }},
{{ " " * at }}  {{ r.cors_methods|js_prop("corsMethods", at + 2) }},
{{ " " * at }}  methods: {
{% for m in r.operations %}
{% set op = m.op %}
{% set body %}{% if op.body_resource %}SCHEMAS[{{ op.body_resource|js }}]{% else %}null{% endif %}{% endset %}
{% set loader %}{{ load }}({{ handlers[op.name.camel]|import_from(from)|js }}){% endset %}
{{ " " * at }}    {{ [["name", op.name.camel], ["load", loader|safe, "arrow"], ["public", op.public], ["roles", op.roles], ["schema", body|safe]]|js_object(m.method, at + 4) }},
{% endfor %}
{{ " " * at }}  },
{{ " " * at }}},
{% endmacro %}
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
{{ schema(r, 2) -}}
{% endfor %}
};
{% endif %}

{% if cjs %}
module.exports = [
{% else %}
export default [
{% endif %}
{% for r in group.routes %}
{{ route(r, 2, "require" if cjs else "import", file, handlers) -}}
{% endfor %}
];
