//! The one minijinja environment: built-in templates (embedded) overridden file by file by a
//! user's folder, rendering the model into a sorted tree of files.

use std::collections::BTreeMap;

use include_dir::{include_dir, Dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};

use crate::model::Model;
use crate::storage::{self, StorageDesc};
use crate::target::{Each, FileRule, TargetDesc, When};
use crate::tree::{RelPath, Tree, UnsafePath};
use crate::Error;

/// Every storage's description by name.
pub type Storages = BTreeMap<String, StorageDesc>;

pub(crate) mod js;
mod ts;
mod view;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Template sources by name (`netlify/api.js`), built-in merged with overrides, and the one
/// minijinja environment over them, built on first use.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<String, String>,
    env: std::sync::OnceLock<Environment<'static>>,
}

impl Templates {
    /// The templates compiled into the tool.
    pub fn builtin() -> Templates {
        fn walk(dir: &Dir<'static>, out: &mut BTreeMap<String, String>) {
            for f in dir.files() {
                if let Some(text) = f.contents_utf8() {
                    out.insert(
                        f.path().to_string_lossy().replace('\\', "/"),
                        text.to_string(),
                    );
                }
            }
            for d in dir.dirs() {
                walk(d, out);
            }
        }
        let mut files = BTreeMap::new();
        walk(&BUILTIN, &mut files);
        Templates {
            files,
            env: std::sync::OnceLock::new(),
        }
    }

    /// Replaces or adds templates by name; the override wins file by file.
    pub fn with_overrides(mut self, overrides: BTreeMap<String, String>) -> Templates {
        self.files.extend(overrides);
        self.env = std::sync::OnceLock::new();
        self
    }

    /// SHA-256 over every template's name and text: changes when any template does.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for (name, text) in &self.files {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Every target: each folder holding a `target.yaml`.
    pub fn targets(&self) -> Result<BTreeMap<String, TargetDesc>, Error> {
        self.files
            .iter()
            .filter_map(|(name, text)| {
                let target = name.strip_suffix("/target.yaml")?;
                (!target.contains('/')).then_some((target, text))
            })
            .map(|(t, text)| {
                Ok((
                    t.to_string(),
                    TargetDesc::parse(text).map_err(|source| TemplateError::TargetDesc {
                        target: t.to_string(),
                        source,
                    })?,
                ))
            })
            .collect()
    }

    /// The name of every storage: each folder under `_shared/storages/` holding a `storage.yaml`,
    /// sorted, then the built-in `none`.
    pub fn storage_names(&self) -> Vec<String> {
        self.storage_files()
            .map(|(name, _)| name.to_string())
            .chain(std::iter::once(storage::NONE.to_string()))
            .collect()
    }

    /// Every storage's description (`none`, built in, has none).
    pub fn storages(&self) -> Result<Storages, Error> {
        self.storage_files()
            .map(|(s, text)| {
                Ok((
                    s.to_string(),
                    StorageDesc::parse(text).map_err(|source| TemplateError::StorageDesc {
                        storage: s.to_string(),
                        source,
                    })?,
                ))
            })
            .collect()
    }

    fn storage_files(&self) -> impl Iterator<Item = (&str, &String)> {
        self.files.iter().filter_map(|(name, text)| {
            let storage = name
                .strip_prefix(storage::DIR)?
                .strip_suffix("/storage.yaml")?;
            (!storage.contains('/') && storage != storage::NONE).then_some((storage, text))
        })
    }

    /// Renders template `name` (e.g. the starter spec) with `ctx`.
    pub(crate) fn render_named(&self, name: &str, ctx: minijinja::Value) -> Result<String, Error> {
        self.environment()
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|source| TemplateError::render(name, None, source).into())
    }

    /// The environment, built once per `Templates` (a process builds one `Templates`).
    fn environment(&self) -> &Environment<'static> {
        self.env.get_or_init(|| self.build_environment())
    }

    fn build_environment(&self) -> Environment<'static> {
        let files = self.files.clone();
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_syntax(syntax());
        env.add_filter("js", js_literal);
        env.add_filter("js_key", js_key);
        env.add_filter("js_prop", js_prop);
        env.add_filter("js_assign", js_assign);
        env.add_filter("js_call", js_call);
        env.add_filter("js_object", js_object);
        env.add_filter("json", json_literal);
        env.add_filter(
            "js_arrow_prop",
            |body: String, key: String, indent: usize| {
                js::arrow_prop(&js::key(&key), &body, indent)
            },
        );
        env.add_filter(
            "js_arrow_entry",
            |body: String, first: String, indent: usize| js::arrow_entry(&first, &body, indent),
        );
        env.add_filter("js_route_map", js_route_map);
        env.add_filter("js_route_loader", js_route_loader);
        env.add_filter("import_from", |to: String, from: String| {
            import_path(&to, &from)
        });
        env.add_filter("ts_import", |names: Vec<String>, from: String| {
            ts::import_type(&names, &from)
        });
        env.add_filter(
            "ts_call",
            |args: Vec<String>, head: String, tail: String, indent: usize| {
                ts::call(&head, &args, &tail, indent)
            },
        );
        env.add_filter("ts_alias", |value: String, name: String| {
            ts::alias(&name, &value)
        });
        env.set_loader(move |name| Ok(files.get(name).cloned()));
        env
    }
}

/// A template or target description that cannot be used, with its source.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// minijinja could not load or render a template (`for`: the output path, when known).
    #[error("template `{name}`{}: {}", match path { Some(p) => format!(" for `{p}`"), None => String::new() }, Detailed(source))]
    Render {
        name: String,
        path: Option<String>,
        #[source]
        source: minijinja::Error,
    },
    /// `templates/<target>/target.yaml` does not parse.
    #[error("target `{target}`: invalid target.yaml: {source}")]
    TargetDesc {
        target: String,
        #[source]
        source: serde_yaml::Error,
    },
    /// `templates/_shared/storages/<storage>/storage.yaml` does not parse.
    #[error("storage `{storage}`: invalid storage.yaml: {source}")]
    StorageDesc {
        storage: String,
        #[source]
        source: serde_yaml::Error,
    },
    /// A target's `default_storage` is unknown, does not accept the target, or is explicit only.
    #[error("{target}/target.yaml: `default_storage: {storage}` {why}")]
    DefaultStorage {
        target: String,
        storage: String,
        why: &'static str,
    },
    /// A target's file rule makes a path that could leave the project.
    #[error("{target}/target.yaml: {source}")]
    Path {
        target: String,
        #[source]
        source: UnsafePath,
    },
    /// A template data file (e.g. `_shared/package.yaml`) is missing or does not parse.
    #[error("template data `{name}`: {source}")]
    Data {
        name: String,
        #[source]
        source: serde_yaml::Error,
    },
    /// A target or spec needs an npm package that `_shared/package.yaml` pins no version of.
    #[error("`{package}` (needed on target `{target}`) has no version in `_shared/package.yaml`: add one under `versions`")]
    Unpinned { package: String, target: String },
    /// Two file rules make the same path.
    #[error("two templates write `{0}`")]
    Collision(String),
}

impl TemplateError {
    fn render(name: &str, path: Option<&RelPath>, source: minijinja::Error) -> TemplateError {
        TemplateError::Render {
            name: name.to_string(),
            path: path.map(ToString::to_string),
            source,
        }
    }
}

/// minijinja's error with its template excerpt (`{:#}`).
struct Detailed<'a>(&'a minijinja::Error);

impl std::fmt::Display for Detailed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)?;
        // An error in an included template is the source of the include's error: say it too.
        let mut cause = std::error::Error::source(self.0);
        while let Some(e) = cause {
            match e.downcast_ref::<minijinja::Error>() {
                Some(inner) => write!(f, "\ncaused by: {inner:#}")?,
                None => write!(f, "\ncaused by: {e}")?,
            }
            cause = e.source();
        }
        Ok(())
    }
}

/// Renders every file the target describes.
pub(crate) fn render(
    model: &Model,
    target: &str,
    desc: &TargetDesc,
    storages: &Storages,
    templates: &Templates,
) -> Result<Tree, Error> {
    let env = templates.environment();
    let mut tree = Tree::default();
    // The target as this project's language sees it (module system, package.json part, ...).
    let desc = &*desc.for_language(model.language);
    // The target's files for the project's language.
    let rules: Vec<&crate::target::FileRule> = desc
        .files
        .iter()
        .filter(|rule| rule.language.is_none_or(|l| l == model.language))
        .collect();
    // Converted once: every file's context shares it (a per-file conversion would make rendering
    // quadratic in the number of operations).
    let api = minijinja::Value::from(Serde(model));
    let target_value = minijinja::Value::from(Serde(desc));
    // Each operation's handler file (by `op.name.camel`), for files that point to them.
    let handlers: BTreeMap<&str, String> = rules
        .iter()
        .filter(|rule| rule.each == Each::Operation)
        .take(1)
        .flat_map(|rule| {
            model.operations.iter().map(|op| {
                (
                    op.name.camel.as_str(),
                    rule.path.replace("{operation}", &op.stem),
                )
            })
        })
        .collect();
    let handlers = minijinja::Value::from(Serde(&handlers));
    // The files of the storages in use (a migration, a script), after the target's.
    let storage_rules: Vec<FileRule> = model
        .storages
        .iter()
        .filter_map(|s| storages.get_key_value(s))
        .flat_map(|(name, s)| {
            s.files
                .iter()
                .filter(|f| f.targets.is_empty() || f.targets.iter().any(|t| t == target))
                .filter(|f| f.module.as_ref().is_none_or(|m| *m == desc.module))
                .map(move |f| FileRule {
                    path: f.path.clone(),
                    template: if f.template.starts_with("_shared/") {
                        f.template.clone()
                    } else {
                        format!("{}{name}/{}", storage::DIR, f.template)
                    },
                    class: f.class,
                    each: Each::Once,
                    when: When::Always,
                    language: None,
                })
        })
        .collect();
    // Each once-file's path by template name, for files that point to another.
    let paths: BTreeMap<&str, &str> = rules
        .iter()
        .copied()
        .chain(&storage_rules)
        .filter(|rule| rule.each == Each::Once)
        .map(|rule| (rule.template.as_str(), rule.path.as_str()))
        .collect();
    let paths = minijinja::Value::from(Serde(&paths));
    let package = view::package(
        model,
        target,
        desc,
        storages,
        templates.get(view::SHARED).unwrap_or_default(),
    )?;
    let package = minijinja::Value::from(Serde(&package));
    let lint = minijinja::Value::from(Serde(&view::lint(desc)));
    let store = view::store(
        model,
        storages,
        templates.get(view::STORE).unwrap_or_default(),
    )?;
    let store = minijinja::Value::from(Serde(&store));
    let group_rule = rules.iter().find(|rule| rule.each == Each::Group);
    let routing = view::routing(model, group_rule.map(|rule| rule.path.as_str()));
    let groups: Vec<&view::Group> = routing.param.iter().chain(&routing.fixed).collect();
    let routing_value = minijinja::Value::from(Serde(&routing));
    let ts = minijinja::Value::from(Serde(&ts::view(model)));
    for rule in rules.iter().copied().chain(&storage_rules) {
        if rule.when == When::Storage && model.storages.is_empty() {
            continue;
        }
        let name = if rule.template.starts_with("_shared/") {
            rule.template.clone()
        } else {
            format!("{target}/{}", rule.template)
        };
        let tmpl = env
            .get_template(&name)
            .map_err(|source| TemplateError::render(&name, None, source))?;
        let mut emit = |path: String, ctx: minijinja::Value| -> Result<(), Error> {
            let path = RelPath::new(&path).map_err(|source| TemplateError::Path {
                target: target.to_string(),
                source,
            })?;
            let text = tmpl
                .render(ctx)
                .map_err(|source| TemplateError::render(&name, Some(&path), source))?;
            tree.insert(path, rule.class, text.into_bytes())
        };
        match rule.each {
            Each::Once => emit(
                rule.path.clone(),
                context! { api => api.clone(), target => target_value.clone(), handlers => handlers.clone(), paths => paths.clone(), package => package.clone(), lint => lint.clone(), store => store.clone(), routing => routing_value.clone(), ts => ts.clone(), file => &rule.path },
            )?,
            Each::Operation => {
                for op in &model.operations {
                    let path = rule.path.replace("{operation}", &op.stem);
                    emit(
                        path.clone(),
                        context! { api => api.clone(), target => target_value.clone(), handlers => handlers.clone(), paths => paths.clone(), package => package.clone(), lint => lint.clone(), store => store.clone(), routing => routing_value.clone(), ts => ts.clone(), op => Serde(op), file => path },
                    )?;
                }
            }
            Each::Group => {
                for group in &groups {
                    let path = rule.path.replace("{group}", &group.stem);
                    emit(
                        path.clone(),
                        context! { api => api.clone(), target => target_value.clone(), handlers => handlers.clone(), paths => paths.clone(), package => package.clone(), lint => lint.clone(), store => store.clone(), routing => routing_value.clone(), ts => ts.clone(), group => Serde(group), file => path },
                    )?;
                }
            }
        }
    }
    Ok(tree)
}

/// How the file `from` loads a route group's module: `load('<its path from from>')`; an error
/// naming the rule to add when the target has no `each: group` rule (no module to load).
fn route_loader(
    group: &minijinja::Value,
    load: &str,
    from: &str,
) -> Result<String, minijinja::Error> {
    let file = group.get_attr("file")?;
    let file = file.as_str().ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "the target has no file rule with `each: group`, where the route table's modules go \
             (e.g. `{ path: \"src/shared/routes/{group}.js\", template: _shared/routes.js, \
             class: owned, each: group }`)",
        )
    })?;
    Ok(format!("{load}({})", js::string(&import_path(file, from))))
}

/// `{{ group|js_route_loader(load, from) }}`: [`route_loader`].
fn js_route_loader(
    group: minijinja::Value,
    load: String,
    from: String,
) -> Result<String, minijinja::Error> {
    route_loader(&group, &load, &from)
}

/// `{{ groups|js_route_map(key, load, from, indent) }}`: the property `key: new Map([...])` at
/// column `indent` of each group's segment and loader ([`route_loader`]).
fn js_route_map(
    groups: minijinja::Value,
    key: String,
    load: String,
    from: String,
    indent: usize,
) -> Result<String, minijinja::Error> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for g in groups.try_iter()? {
        let segment = g.get_attr("segment")?;
        let segment = segment.as_str().unwrap_or_default();
        entries.push((js::string(segment), route_loader(&g, &load, &from)?));
    }
    Ok(js::arrow_map(&key, &entries, indent))
}

/// `{{ to|import_from(from) }}`: how the project file `from` imports the project file `to`: the
/// relative path from `from`'s folder, starting with `./` or `../` (both paths are `/`-separated
/// and relative to the project).
fn import_path(to: &str, from: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let ups = from_dir.len() - common;
    let rest = to_parts[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

/// Block tags take their line with them; a template's last newline is kept.
pub(crate) fn syntax() -> SyntaxConfig {
    SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("default delimiters are valid")
}

/// A template value as JSON data.
fn to_json(value: &minijinja::Value) -> Result<serde_json::Value, minijinja::Error> {
    serde_json::to_value(value).map_err(|e| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("not JSON-serialisable: {e}"),
        )
    })
}

/// `{{ value|js }}`: the value as a JavaScript literal on one line, as Prettier prints it
/// (`'text'`, `[a, b]`, `{ key: value }`), for places whose width the model bounds. A value
/// whose width the spec decides is printed with `js_prop` or `js_assign`, which break it.
fn js_literal(value: minijinja::Value) -> Result<String, minijinja::Error> {
    Ok(js::flat(&to_json(&value)?))
}

/// `{{ name|js_key }}`: a property key, bare when Prettier would leave it bare.
fn js_key(name: String) -> String {
    js::key(&name)
}

/// `{{ value|js_prop(key, indent) }}`: the property line `key: value` starting at column
/// `indent` (its `,` follows), broken as Prettier breaks it when wider than the print width.
fn js_prop(
    value: minijinja::Value,
    key: String,
    indent: usize,
) -> Result<String, minijinja::Error> {
    Ok(js::prop(&key, &to_json(&value)?, indent))
}

/// `{{ value|js_assign(left, indent=0) }}`: `left = value` (e.g. `const NAME = value`) starting at
/// column `indent` (its `;` follows), broken as Prettier breaks it when wider than the print width.
fn js_assign(
    value: minijinja::Value,
    left: String,
    indent: Option<usize>,
) -> Result<String, minijinja::Error> {
    Ok(js::assign(&left, &to_json(&value)?, indent.unwrap_or(0)))
}

/// `{{ [arg, ...]|js_call(callee, indent) }}`: the call `callee(arg, ...)` starting at column
/// `indent` (its `;` follows), broken one argument a line as Prettier breaks it when wider than
/// the print width. The arguments are JavaScript code (e.g. `op.method|js`, `"args"`).
fn js_call(args: Vec<String>, callee: String, indent: usize) -> String {
    js::call(&callee, &args, indent)
}

/// `{{ [[k, v], ...]|js_object(key, indent) }}`: the property `key: { k: v, ... }` starting at
/// column `indent` (its `,` follows), one property a line when wider than the print width. A
/// value marked `|safe` is code (`SCHEMAS.movie`), any other is data printed as a literal; a
/// triple `[k, body, "arrow"]` is the code `() => body`.
fn js_object(
    parts: Vec<minijinja::Value>,
    key: String,
    indent: usize,
) -> Result<String, minijinja::Error> {
    let parts = parts
        .iter()
        .map(|pair| {
            let k = pair.get_item_by_index(0)?.to_string();
            let v = pair.get_item_by_index(1)?;
            let arrow = pair.get_item_by_index(2)?.as_str() == Some("arrow");
            let part = if arrow {
                js::Part::Arrow(v.to_string())
            } else if v.is_safe() {
                js::Part::Code(v.to_string())
            } else {
                js::Part::Data(to_json(&v)?)
            };
            Ok((k, part))
        })
        .collect::<Result<Vec<_>, minijinja::Error>>()?;
    Ok(js::object(&key, &parts, indent))
}

/// `{{ value|json }}`: the value as compact JSON (for JSON and YAML files), without HTML-motivated
/// escapes, so `'` stays `'` in code review.
fn json_literal(value: minijinja::Value) -> Result<String, minijinja::Error> {
    Ok(to_json(&value)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::import_path;
    use crate::{generate, Error, Input, Templates};

    /// A target (e.g. a `--templates` override) without an `each: group` rule whose entry prints
    /// the route table is refused, naming the entry and the rule it lacks, instead of printing a
    /// table that loads nothing. (A target without a dispatcher needs no rule: tests/client.rs.)
    #[test]
    fn a_target_without_route_groups_is_refused() {
        let builtin = Templates::builtin();
        let desc = builtin.get("netlify/target.yaml").unwrap();
        let without: String = desc
            .lines()
            .filter(|l| !l.contains("each: group"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(without.lines().count() + 1, desc.lines().count());
        let templates =
            builtin.with_overrides([("netlify/target.yaml".to_string(), without)].into());
        let spec =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/watchlist.yaml")).unwrap();
        let input = Input {
            spec_file: "scaffold.yaml",
            spec: &spec,
            target: Some("netlify"),
            templates: &templates,
        };
        match generate(&input) {
            Err(Error::Template(e)) => {
                let text = e.to_string();
                assert!(
                    text.contains("the target has no file rule with `each: group`")
                        && text.contains("netlify/api.js"),
                    "{text}"
                );
            }
            other => panic!(
                "expected the missing rule to be refused, got {:?}",
                other.map(|g| g.target)
            ),
        }
    }

    #[test]
    fn import_paths_are_relative_to_the_importing_file() {
        let cases = [
            ("api/index.js", "api/_lib/routes/a.js", "./_lib/routes/a.js"),
            (
                "src/api.js",
                "src/shared/routes/_param.js",
                "./shared/routes/_param.js",
            ),
            (
                "src/shared/routes/a.js",
                "src/methods/a-list.js",
                "../../methods/a-list.js",
            ),
            (
                "netlify/functions/_shared/routes/a.js",
                "netlify/functions/api-methods/a.ts",
                "../../api-methods/a.ts",
            ),
            (
                "src/functions/api.js",
                "src/shared/routes/a.js",
                "../shared/routes/a.js",
            ),
            ("a.js", "b/c.js", "./b/c.js"),
            ("b/a.js", "b.js", "../b.js"),
        ];
        for (from, to, want) in cases {
            assert_eq!(import_path(to, from), want, "{from} -> {to}");
        }
    }
}
