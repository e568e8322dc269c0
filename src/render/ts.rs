//! What a TypeScript project (`language: typescript`) prints that is computed: each resource's
//! item and input types, and each operation's context and result types, from the model. A field's
//! TypeScript type is [`field_type`]'s: new field types extend that one function.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde::Serialize;

use crate::model::{Field, FieldType, Model, OpKind, Operation};
use crate::render::js;

/// A field's TypeScript type, from its model type and rules, for a property written at `indent`
/// spaces: a string `enum` is the union of its values, `nullable` adds `| null`, an object (or an
/// array of objects) is its fields' type literal, one property a line (Prettier keeps an object
/// type literal written that way as it is).
pub(crate) fn field_type(field: &Field, indent: usize) -> String {
    let base = match field.ty {
        FieldType::Array if field.items == Some(FieldType::Object) => {
            format!("{}[]", object_type(&field.fields, indent))
        }
        FieldType::Array => format!("{}[]", field.items.map_or("unknown", scalar)),
        FieldType::Object => object_type(&field.fields, indent),
        FieldType::String => match &field.choices {
            Some(choices) => choices
                .iter()
                .map(|c| js::string(c))
                .collect::<Vec<_>>()
                .join(" | "),
            None => "string".to_string(),
        },
        other => scalar(other).to_string(),
    };
    if field.nullable {
        format!("{base} | null")
    } else {
        base
    }
}

/// What follows `prop:` in the property line `prop: type;` at column `indent`, as Prettier lays
/// it out: ` type` when the line fits; a union too wide for it on the next line, indented, when it
/// fits there, else one member a line (`| member`).
fn after_colon(prop: &str, ty: &str, indent: usize) -> String {
    let union = !ty.contains('\n') && ty.contains(" | ");
    // The `;` follows: a line fits when it ends before the print width.
    if !union || indent + js::width(prop) + 2 + js::width(ty) < js::WIDTH {
        return format!(" {ty}");
    }
    let pad = " ".repeat(indent + 2);
    if indent + 2 + js::width(ty) < js::WIDTH {
        return format!("\n{pad}{ty}");
    }
    ty.split(" | ").map(|m| format!("\n{pad}| {m}")).collect()
}

/// The type literal of an object's fields (every one, readonly ones too: the item's shape),
/// its properties at `indent + 2`.
fn object_type(fields: &[Field], indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let mut out = String::from("{\n");
    for f in fields {
        let (name, ty) = (prop(f), field_type(f, indent + 2));
        out.push_str(&format!(
            "{pad}{name}:{};\n",
            after_colon(&name, &ty, indent + 2)
        ));
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
    out
}

/// A field as a property: its key, `?` unless required.
fn prop(f: &Field) -> String {
    format!("{}{}", js::key(&f.name), if f.required { "" } else { "?" })
}

/// A JSON scalar's TypeScript type.
fn scalar(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String => "string",
        FieldType::Integer | FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Array => "unknown[]",
        FieldType::Object => "Record<string, unknown>",
    }
}

/// The TypeScript view: `resources` in model order, `ops` by operation name (camel case).
#[derive(Debug, Serialize)]
pub(crate) struct TypeScript {
    resources: Vec<ResourceTypes>,
    ops: BTreeMap<String, OpTypes>,
    /// The types of types.ts the client's signatures name, sorted.
    client_types: Vec<String>,
    /// Some client method takes a list's options (`ListOptions<...Query>`).
    list_options: bool,
}

#[derive(Debug, Serialize)]
struct ResourceTypes {
    /// The resource as the spec names it (`movies`).
    spec: String,
    /// The item's type (`Movie`) and what create and update take (`MovieInput`).
    item: String,
    input: String,
    /// The item's fields, and the input's: the same but for `readonly` ones (the server sets them;
    /// create and update refuse them).
    fields: Vec<FieldTypes>,
    input_fields: Vec<FieldTypes>,
}

/// A top-level field as types.ts prints it (properties at two spaces).
fn field_types(f: &Field) -> FieldTypes {
    let (name, ty) = (prop(f), field_type(f, 2));
    FieldTypes {
        ts: after_colon(&name, &ty, 2),
        prop: name,
    }
}

#[derive(Debug, Serialize)]
struct FieldTypes {
    /// The property as TypeScript writes it: `title`, `title?`.
    prop: String,
    /// What follows `prop:` (a space and the type, or the type broken onto the next lines).
    ts: String,
}

#[derive(Debug, Serialize)]
struct OpTypes {
    /// `MoviesCreateContext`: the handler's argument.
    context: String,
    /// `MoviesCreateResult`: what the handler's promise resolves to.
    result: String,
    /// The handler's function type, `MoviesCreate`.
    handler: String,
    /// The parameters' object type: `{ id: string }`, or `Record<never, never>` (none).
    params: String,
    /// The body's type: the resource's input on create and update, `null` without a body.
    body: String,
    /// The user: `User`, or `User | null` on a public operation.
    user: String,
    /// The success body's type: the item, a page of items, `undefined` on delete, else `unknown`.
    reply: String,
    /// The item's type, for CRUD operations on a resource.
    item: Option<String>,
    /// The client method's parameters: path parameters, the body (if any), `options`.
    client_args: Vec<String>,
    /// A list's query: its types' names and properties (None for other operations).
    query: Option<QueryTypes>,
}

/// A list's query as types.ts prints it: `sort`'s union (`GigsListSort`) and the query's
/// interface (`GigsListQuery`): `limit`, `cursor`, `sort` and each filter, typed by its field.
#[derive(Debug, Serialize)]
struct QueryTypes {
    name: String,
    /// `export type GigsListSort = ...;`, broken as Prettier breaks a long union.
    sort_alias: String,
    sort: String,
    fields: Vec<FieldTypes>,
}

/// A resource's item type: its name singular, in Pascal case (`movies` -> `Movie`), unless that
/// clashes with another resource's or a type of `types.ts`; then its name as it is (`Movies`).
fn item_names(model: &Model) -> Vec<String> {
    const TAKEN: &[&str] = &[
        "User",
        "Reply",
        "ErrorBody",
        "Page",
        "Env",
        "Platform",
        "Context",
        "Params",
        "Query",
    ];
    let singular: Vec<String> = model
        .resources
        .iter()
        .map(|r| singular(&r.name.spec).to_pascal_case())
        .collect();
    // Type names the operations take: `Search`, `SearchContext`, `SearchResult`.
    let op_types: BTreeSet<String> = model
        .operations
        .iter()
        .flat_map(|op| {
            let p = &op.name.pascal;
            [p.clone(), format!("{p}Context"), format!("{p}Result")]
        })
        .collect();
    let free = |s: &str| {
        !s.is_empty()
            && !TAKEN.contains(&s)
            && !op_types.contains(s)
            && !op_types.contains(&format!("{s}Input"))
            && singular.iter().filter(|o| *o == s).count() == 1
    };
    model
        .resources
        .iter()
        .zip(&singular)
        .map(|(r, s)| {
            if free(s) {
                s.clone()
            } else {
                r.name.pascal.clone()
            }
        })
        .collect()
}

/// English singular of a plural noun, for type names: `movies` -> `movie`, `categories` ->
/// `category`, `boxes` -> `box`, `status` stays.
fn singular(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let cut = |n: usize| name[..name.len() - n].to_string();
    // Plurals of nouns ending in `ie`, and nouns the same in both numbers.
    const IE: &[&str] = &[
        "movies", "cookies", "zombies", "rookies", "pies", "ties", "lies", "calories", "selfies",
        "hoodies",
    ];
    const SAME: &[&str] = &["series", "species", "news", "data", "status", "analysis"];
    let last = lower.rsplit('_').next().unwrap_or(&lower);
    if SAME.contains(&last) {
        name.to_string()
    } else if IE.contains(&last) {
        cut(1)
    } else if lower.ends_with("ies") && name.len() > 3 {
        format!("{}y", cut(3))
    } else if ["sses", "xes", "ches", "shes", "zzes"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        cut(2)
    } else if lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && name.len() > 1
    {
        cut(1)
    } else {
        name.to_string()
    }
}

pub(crate) fn view(model: &Model) -> TypeScript {
    let names = item_names(model);
    let resources: Vec<ResourceTypes> = model
        .resources
        .iter()
        .zip(&names)
        .map(|(r, item)| ResourceTypes {
            spec: r.name.spec.clone(),
            item: item.clone(),
            input: format!("{item}Input"),
            fields: r.fields.iter().map(field_types).collect(),
            input_fields: r
                .fields
                .iter()
                .filter(|f| !f.readonly)
                .map(field_types)
                .collect(),
        })
        .collect();
    let item_of: BTreeMap<&str, &ResourceTypes> =
        resources.iter().map(|r| (r.spec.as_str(), r)).collect();
    let ops: BTreeMap<String, OpTypes> = model
        .operations
        .iter()
        .map(|op| (op.name.camel.clone(), op_types(op, &item_of)))
        .collect();
    let named: BTreeSet<&str> = resources
        .iter()
        .flat_map(|r| [r.item.as_str(), r.input.as_str()])
        .chain(["Page"])
        .collect();
    let client_types: BTreeSet<String> = model
        .operations
        .iter()
        .filter_map(|op| ops.get(&op.name.camel).map(|t| (op, t)))
        .flat_map(|(op, t)| {
            let body = op.takes_body.then_some(t.body.as_str());
            body.into_iter()
                .chain(t.reply.split(['<', '>']))
                .filter(|n| named.contains(n))
                .map(str::to_string)
                .chain(t.query.as_ref().map(|q| q.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    TypeScript {
        list_options: ops.values().any(|t| t.query.is_some()),
        resources,
        ops,
        client_types: client_types.into_iter().collect(),
    }
}

fn op_types(op: &Operation, item_of: &BTreeMap<&str, &ResourceTypes>) -> OpTypes {
    let pascal = &op.name.pascal;
    let resource = op
        .resource
        .as_ref()
        .and_then(|r| item_of.get(r.spec.as_str()));
    let item = resource.map(|r| r.item.clone());
    let params = if op.params.is_empty() {
        "Record<never, never>".to_string()
    } else {
        let props: Vec<String> = op
            .params
            .iter()
            .map(|p| format!("{}: string", js::key(p)))
            .collect();
        format!("{{ {} }}", props.join("; "))
    };
    let body = match (op.kind, resource) {
        (OpKind::Create | OpKind::Update, Some(r)) => r.input.clone(),
        _ if op.takes_body => "unknown".to_string(),
        _ => "null".to_string(),
    };
    let reply = match (op.kind, &item) {
        (OpKind::List, Some(i)) => format!("Page<{i}>"),
        (OpKind::Create | OpKind::Read | OpKind::Update, Some(i)) => i.clone(),
        (OpKind::Delete, Some(_)) => "undefined".to_string(),
        _ => "unknown".to_string(),
    };
    // A list's query: on CRUD lists only (a 501 starter's too: the same document describes it).
    let query = op.query.as_ref().filter(|_| item.is_some()).map(|q| {
        let sort = format!("{pascal}Sort");
        let values: Vec<String> = q.sort_values.iter().map(|v| js::string(v)).collect();
        let mut fields = vec![
            FieldTypes {
                prop: "limit?".to_string(),
                ts: " number".to_string(),
            },
            FieldTypes {
                prop: "cursor?".to_string(),
                ts: " string".to_string(),
            },
            FieldTypes {
                prop: "sort?".to_string(),
                ts: after_colon("sort?", &sort, 2),
            },
        ];
        fields.extend(q.filters.iter().filter_map(|f| f.field.as_ref()).map(|f| {
            let exact = Field {
                nullable: false,
                required: false,
                ..f.clone()
            };
            field_types(&exact)
        }));
        QueryTypes {
            name: format!("{pascal}Query"),
            sort_alias: union_alias(&sort, &values),
            sort,
            fields,
        }
    });
    let options = match &query {
        Some(q) => format!("options?: ListOptions<{}>", q.name),
        None => "options?: CallOptions".to_string(),
    };
    OpTypes {
        query,
        context: format!("{pascal}Context"),
        result: format!("{pascal}Result"),
        handler: pascal.clone(),
        params,
        body: body.clone(),
        user: if op.public { "User | null" } else { "User" }.to_string(),
        client_args: op
            .params
            .iter()
            .map(|p| format!("{p}: string | number"))
            .chain(op.takes_body.then(|| format!("body: {body}")))
            .chain([options])
            .collect(),
        reply,
        item,
    }
}

/// `export type name = 'a' | 'b';`, else the union on the next line, else one member a line
/// (`  | 'a'`), as Prettier breaks a union that is wider than the print width.
fn union_alias(name: &str, members: &[String]) -> String {
    let joined = members.join(" | ");
    let line = format!("export type {name} = {joined};");
    if fits(0, &line) {
        line
    } else if fits(2, &format!("{joined};")) {
        format!("export type {name} =\n  {joined};")
    } else {
        let lines: Vec<String> = members.iter().map(|m| format!("  | {m}")).collect();
        format!("export type {name} =\n{};", lines.join("\n"))
    }
}

/// Whether `text` (one line starting at column `indent`) fits Prettier's print width.
fn fits(indent: usize, text: &str) -> bool {
    indent + text.chars().count() <= js::WIDTH
}

/// `import type { A, B } from 'from';`, one name a line when wider than the print width.
pub(crate) fn import_type(names: &[String], from: &str) -> String {
    let line = format!("import type {{ {} }} from '{from}';", names.join(", "));
    if fits(0, &line) {
        return line;
    }
    let list: String = names.iter().map(|n| format!("  {n},\n")).collect();
    format!("import type {{\n{list}}} from '{from}';")
}

/// `head(a, b)tail` starting at column `indent`, or, when wider than the print width, one
/// argument a line: a function's signature (`tail` its return type), a call (`tail` `;`). Without
/// arguments, the one line.
pub(crate) fn call(head: &str, args: &[String], tail: &str, indent: usize) -> String {
    let line = format!("{head}({}){tail}", args.join(", "));
    // Prettier leaves `()` whole, however long the line.
    if args.is_empty() || fits(indent, &line) {
        return line;
    }
    let pad = " ".repeat(indent + 2);
    let list: String = args.iter().map(|a| format!("{pad}{a},\n")).collect();
    format!("{head}(\n{list}{}){tail}", " ".repeat(indent))
}

/// `export type name = value;`, the value on its own line when wider than the print width.
pub(crate) fn alias(name: &str, value: &str) -> String {
    let line = format!("export type {name} = {value};");
    if fits(0, &line) {
        line
    } else {
        format!("export type {name} =\n  {value};")
    }
}

#[cfg(test)]
mod tests {
    use super::{after_colon, alias, call, import_type, singular, union_alias};

    #[test]
    fn wide_unions_break_as_prettier_breaks_them() {
        assert_eq!(after_colon("status", "'a' | 'b'", 2), " 'a' | 'b'");
        let members: Vec<String> = (0..5).map(|i| format!("'value-number-{i}'")).collect();
        let ty = members.join(" | ");
        assert_eq!(after_colon("status", &ty, 2), format!(" {ty}"));
        // Too wide after a long name: on the next line, where it fits.
        let long = "s".repeat(60);
        assert_eq!(after_colon(&long, &ty, 2), format!("\n    {ty}"));
        // Too wide for a line of its own: one member a line.
        let many: Vec<String> = (0..9).map(|i| format!("'value-number-{i}-xx'")).collect();
        let broken = after_colon("status", &many.join(" | "), 2);
        assert_eq!(broken.lines().count(), 10, "{broken}");
        assert!(
            broken.starts_with("\n    | 'value-number-0-xx'\n    | "),
            "{broken}"
        );
        // Not a union: never broken here.
        let plain = "x".repeat(80);
        assert_eq!(after_colon(&long, &plain, 2), format!(" {plain}"));
    }

    #[test]
    fn lines_break_past_the_print_width_as_prettier_breaks_them() {
        let long = "L".repeat(120);
        assert_eq!(call("f", &["a: A".to_string()], ";", 2), "f(a: A);");
        assert_eq!(
            call("f", &[format!("a: {long}"), "b".to_string()], ": R {", 0),
            format!("f(\n  a: {long},\n  b,\n): R {{")
        );
        assert_eq!(call(&long, &[], &long, 0), format!("{long}(){long}"));
        assert_eq!(alias("T", "U"), "export type T = U;");
        let member = |n: usize| format!("'{}'", "m".repeat(n));
        assert_eq!(
            union_alias("T", &[member(1), member(2)]),
            "export type T = 'm' | 'mm';"
        );
        let two = [member(50), member(50)];
        assert_eq!(
            union_alias("T", &two),
            format!("export type T =\n  {};", two.join(" | "))
        );
        let three = [member(50), member(50), member(50)];
        assert_eq!(
            union_alias("T", &three),
            format!("export type T =\n  | {0}\n  | {0}\n  | {0};", member(50))
        );
        assert_eq!(alias("T", &long), format!("export type T =\n  {long};"));
        assert_eq!(
            import_type(&["A".to_string()], "./t.ts"),
            "import type { A } from './t.ts';"
        );
        assert_eq!(
            import_type(&[long.clone(), "B".to_string()], "./t.ts"),
            format!("import type {{\n  {long},\n  B,\n}} from './t.ts';")
        );
    }

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("movies", "movie"),
            ("categories", "category"),
            ("boxes", "box"),
            ("status", "status"),
            ("address", "address"),
            ("notes", "note"),
            ("news_items", "news_item"),
            ("data", "data"),
            ("series", "series"),
            ("new_movies", "new_movie"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }
}
