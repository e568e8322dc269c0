//! Views: what templates print that is computed, not looked up. `package`: a project's
//! package.json (scripts, dependencies at their pinned versions) from the target's `package:`
//! data, the model's auth provider and storages, and `_shared/package.yaml`, the one place
//! versions are pinned. `lint`: what ESLint's config ignores where.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Storages, TemplateError};
use crate::model::{Language, Method, Model, Operation, Resource, Route, Segment};
use crate::storage::{self, StorageDesc};
use crate::target::TargetDesc;

/// The template data file every target's package.json is made from.
pub(crate) const SHARED: &str = "_shared/package.yaml";

/// `_shared/package.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    /// Every package a project may depend on -> its exact version.
    versions: BTreeMap<String, String>,
    /// Every project's tooling.
    dev_dependencies: Vec<String>,
    /// By `auth.provider`: the packages that provider's code imports.
    auth: BTreeMap<String, Vec<String>>,
    /// The scripts after the target's own; `{entry}` is the target's entry file.
    scripts: Vec<(String, String)>,
    /// What a TypeScript project adds.
    typescript: TypeScriptPackage,
}

/// `typescript:` of `_shared/package.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeScriptPackage {
    dev_dependencies: Vec<String>,
    /// Scripts that replace every project's of the same name.
    scripts: Vec<(String, String)>,
    /// `engines.node`.
    node: String,
}

/// What `_shared/package.json` prints.
#[derive(Debug, Serialize)]
pub(crate) struct Package {
    main: Option<String>,
    scripts: Vec<Script>,
    dependencies: Vec<Dependency>,
    dev_dependencies: Vec<Dependency>,
    node_engines: bool,
    /// `engines.node`, when `node_engines`.
    node: String,
}

#[derive(Debug, Serialize)]
struct Script {
    name: String,
    command: String,
}

#[derive(Debug, Serialize)]
struct Dependency {
    name: String,
    version: String,
}

/// The package view of `model` on `target` (described by `desc`, its storages by `storages`);
/// `shared` is the text of `_shared/package.yaml`.
pub(crate) fn package(
    model: &Model,
    target: &str,
    desc: &TargetDesc,
    storages: &Storages,
    shared: &str,
) -> Result<Package, TemplateError> {
    let shared: Shared = serde_yaml::from_str(shared).map_err(|source| TemplateError::Data {
        name: SHARED.to_string(),
        source,
    })?;
    let mut runtime: BTreeSet<&str> = desc
        .package
        .dependencies
        .iter()
        .map(String::as_str)
        .collect();
    let used: Vec<&StorageDesc> = model
        .storages
        .iter()
        .filter_map(|s| storages.get(s))
        .collect();
    let by_spec = shared
        .auth
        .get(model.auth.provider())
        .into_iter()
        .chain(used.iter().map(|s| &s.packages));
    runtime.extend(by_spec.flatten().map(String::as_str));
    let typescript = model.language == Language::TypeScript;
    let ts = &shared.typescript;
    let ts_dev = ts.dev_dependencies.iter().filter(|_| typescript);
    let dev: BTreeSet<&str> = shared
        .dev_dependencies
        .iter()
        .chain(&desc.package.dev_dependencies)
        .chain(used.iter().flat_map(|s| &s.dev_packages))
        .chain(ts_dev)
        .map(String::as_str)
        .collect();
    let pinned = |names: BTreeSet<&str>| -> Result<Vec<Dependency>, TemplateError> {
        names
            .into_iter()
            .map(|name| match shared.versions.get(name) {
                Some(version) => Ok(Dependency {
                    name: name.to_string(),
                    version: version.clone(),
                }),
                None => Err(TemplateError::Unpinned {
                    package: name.to_string(),
                    target: target.to_string(),
                }),
            })
            .collect()
    };
    let scripts = desc
        .package
        .scripts
        .iter()
        .chain(used.iter().flat_map(|s| &s.scripts))
        .chain(&shared.scripts)
        .map(|(name, command)| {
            let command = ts
                .scripts
                .iter()
                .find(|(n, _)| typescript && n == name)
                .map_or(command, |(_, c)| c);
            Script {
                name: name.clone(),
                command: command.replace("{entry}", &desc.entry),
            }
        })
        .collect();
    Ok(Package {
        main: desc.package.main.clone(),
        scripts,
        dependencies: pinned(runtime)?,
        dev_dependencies: pinned(dev)?,
        node_engines: desc.package.node_engines,
        node: if typescript {
            ts.node.clone()
        } else {
            ">=20".to_string()
        },
    })
}

/// The store data file: what the CRUD handlers import from the store module.
pub(crate) const STORE: &str = "_shared/store.yaml";

/// `_shared/store.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreData {
    handler_imports: BTreeMap<String, Vec<String>>,
}

/// What `_shared/store.js`, the handlers and the README print that depends on the storages in use.
#[derive(Debug, Serialize)]
pub(crate) struct Store<'a> {
    /// Some storage in use opens its collections with the handler's context.
    needs_context: bool,
    /// Some storage in use keeps items under keys and pages in the function (`page`, `ownerKey`).
    needs_keys: bool,
    /// Some storage in use sorts and filters in the function (`selectPage`).
    needs_scan: bool,
    /// By operation kind (`create`, ...): what a CRUD handler imports from the store module.
    imports: BTreeMap<String, Vec<String>>,
    /// The storages in use (`none` excluded), sorted by name, each with its description.
    used: Vec<UsedStorage<'a>>,
}

#[derive(Debug, Serialize)]
struct UsedStorage<'a> {
    name: &'a str,
    /// Its `store.js` fragment.
    template: String,
    #[serde(flatten)]
    desc: &'a StorageDesc,
}

/// The store view of `model`; `data` is the text of `_shared/store.yaml`.
pub(crate) fn store<'a>(
    model: &'a Model,
    storages: &'a Storages,
    data: &str,
) -> Result<Store<'a>, TemplateError> {
    let data: StoreData = serde_yaml::from_str(data).map_err(|source| TemplateError::Data {
        name: STORE.to_string(),
        source,
    })?;
    let used: Vec<UsedStorage> = model
        .storages
        .iter()
        .filter_map(|s| {
            storages.get_key_value(s).map(|(name, desc)| UsedStorage {
                name,
                template: format!("{}{name}/store.js", storage::DIR),
                desc,
            })
        })
        .collect();
    Ok(Store {
        needs_context: used.iter().any(|s| s.desc.context),
        needs_keys: used.iter().any(|s| s.desc.keyed),
        needs_scan: used.iter().any(|s| s.desc.scans),
        imports: data.handler_imports,
        used,
    })
}

/// What `_shared/eslint.config.js` prints: the folders ESLint ignores, and those that do not
/// get Node.js's globals.
#[derive(Debug, Serialize)]
pub(crate) struct Lint {
    ignores: Vec<String>,
    node_ignores: Vec<String>,
}

/// scaffold's state and the platform's builds are not linted; the browser's code (`client/`)
/// and code that runs where Node.js's globals do not exist get no Node.js globals.
pub(crate) fn lint(desc: &TargetDesc) -> Lint {
    let with = |first: &str, rest: &[String]| {
        std::iter::once(first.to_string())
            .chain(rest.iter().cloned())
            .collect()
    };
    Lint {
        ignores: with(".scaffold/", &desc.lint.tool_dirs),
        node_ignores: with("client/**", &desc.lint.web_only),
    }
}

/// What `_shared/tables.js` prints as the route table: the routes grouped by their first segment
/// (a parameter, or each fixed segment; every path has one), in match order within each group,
/// each method with its operation. Each group is a module of its own (`file`, from the target's
/// `each: group` file rule), which the dispatcher loads on the first request into the group, so
/// that a cold start reads, compiles and builds none of them.
#[derive(Debug, Serialize)]
pub(crate) struct Routing<'a> {
    /// The routes whose first segment is a parameter.
    pub(crate) param: Option<Group<'a>>,
    /// The routes by their first (fixed) segment, in match order.
    pub(crate) fixed: Vec<Group<'a>>,
}

/// One group of routes: those whose first segment is `segment` (`None`: a parameter).
#[derive(Debug, Serialize)]
pub(crate) struct Group<'a> {
    segment: Option<&'a str>,
    /// Its module's file stem: the segment, `_param` for the parameter group; unique in a project
    /// whatever the case (a `-2`, `-3`, ... suffix where two would differ only in case).
    pub(crate) stem: String,
    /// Its module's path in the project (None: the target has no `each: group` rule, as one
    /// without a dispatcher, e.g. a client-only target, need not).
    file: Option<String>,
    routes: Vec<RouteView<'a>>,
    /// The resources whose fields a body of these routes is validated against, in model order.
    schemas: Vec<&'a Resource>,
}

#[derive(Debug, Serialize)]
struct RouteView<'a> {
    #[serde(flatten)]
    route: &'a Route,
    /// The route's methods, each with its operation (canonical method order).
    operations: Vec<MethodView<'a>>,
}

#[derive(Debug, Serialize)]
struct MethodView<'a> {
    method: Method,
    op: &'a Operation,
}

/// The stem of the parameter group's module.
const PARAM_STEM: &str = "_param";

/// The routing view of `model`; `group_path` is the target's `each: group` rule's path (`{group}`
/// stands for a group's stem), if it has one.
pub(crate) fn routing<'a>(model: &'a Model, group_path: Option<&str>) -> Routing<'a> {
    let by_name: BTreeMap<&str, &Operation> = model
        .operations
        .iter()
        .map(|op| (op.name.camel.as_str(), op))
        .collect();
    let view = |route| route_view(route, &by_name);
    let group = |segment| Group {
        segment,
        stem: String::new(),
        file: None,
        routes: Vec::new(),
        schemas: Vec::new(),
    };
    let mut param: Option<Group<'a>> = None;
    let mut fixed: Vec<Group<'a>> = Vec::new();
    for route in &model.routes {
        let into = match route.segments.first() {
            Some(Segment {
                literal: Some(segment),
                ..
            }) => match fixed
                .iter()
                .position(|g| g.segment == Some(segment.as_str()))
            {
                Some(i) => &mut fixed[i],
                None => {
                    fixed.push(group(Some(segment.as_str())));
                    fixed.last_mut().expect("just pushed")
                }
            },
            _ => param.get_or_insert_with(|| group(None)),
        };
        into.routes.push(view(route));
    }
    // Stems: the parameter group's first, then the fixed groups' in match order.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for g in param.iter_mut().chain(fixed.iter_mut()) {
        let base = g.segment.unwrap_or(PARAM_STEM);
        let mut stem = base.to_string();
        let mut n = 2;
        while !taken.insert(stem.to_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        g.file = group_path.map(|p| p.replace("{group}", &stem));
        g.stem = stem;
        let used: BTreeSet<&str> = g
            .routes
            .iter()
            .flat_map(|r| &r.operations)
            .filter_map(|m| m.op.body_resource.as_deref())
            .collect();
        g.schemas = model
            .resources
            .iter()
            .filter(|r| used.contains(r.name.spec.as_str()))
            .collect();
    }
    Routing { param, fixed }
}

fn route_view<'a>(route: &'a Route, by_name: &BTreeMap<&str, &'a Operation>) -> RouteView<'a> {
    RouteView {
        route,
        operations: route
            .methods
            .iter()
            .filter_map(|m| {
                Some(MethodView {
                    method: m.method,
                    op: by_name.get(m.operation.as_str())?,
                })
            })
            .collect(),
    }
}
