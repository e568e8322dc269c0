//! Storages are data, like targets: `templates/_shared/storages/<name>/storage.yaml` describes one
//! (which targets accept it, what it installs, its settings, its files, its local engine) and
//! `store.js` beside it holds its collection factory, which `_shared/store.js` includes. Adding a
//! storage adds a folder; no code here changes. Only `none` (handlers stay 501 starters) is built
//! in, and every target accepts it.

use serde::{Deserialize, Serialize};

use crate::target::Class;

/// The storage every target accepts: no store, the CRUD handlers are 501 starters.
pub(crate) const NONE: &str = "none";

/// Where storage folders live among the templates.
pub(crate) const DIR: &str = "_shared/storages/";

/// One storage's `storage.yaml`. Templates see the ones in use as `store.used`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageDesc {
    /// One line: what it is.
    pub description: String,
    /// The README's storage table cell (Markdown) for a resource kept there.
    pub readme: String,
    /// The targets that accept it (`storage:` in a spec for that target).
    pub targets: Vec<String>,
    /// Only where a spec asks for it: never a target's default (e.g. `memory`, for tests).
    #[serde(default)]
    pub explicit_only: bool,
    /// Its collections are opened with the handler's context (the platform's bindings or env).
    #[serde(default)]
    pub context: bool,
    /// It keeps items under keys `<owner>/<id>` and pages in the function: its fragment uses the
    /// store module's `page` and `ownerKey`.
    #[serde(default)]
    pub keyed: bool,
    /// A sorted or filtered list reads every item of the owner and picks the page in the function:
    /// its fragment uses the store module's `selectPage`.
    #[serde(default)]
    pub scans: bool,
    /// The function of its `store.js` fragment that opens one collection: `(name, ctx)`.
    pub factory: String,
    /// Lines of the store module's header comment when it is in use (e.g. a warning).
    #[serde(default)]
    pub note: Vec<String>,
    /// npm packages its code imports (versions in `_shared/package.yaml`).
    #[serde(default)]
    pub packages: Vec<String>,
    /// npm packages its local tools need (migrations, a local engine).
    #[serde(default)]
    pub dev_packages: Vec<String>,
    /// The environment variables it reads: documented in the README, never given a value in a
    /// generated file.
    #[serde(default)]
    pub env: Vec<EnvVar>,
    /// Files it adds to the project (a migration, a script).
    #[serde(default)]
    pub files: Vec<StorageFile>,
    /// package.json scripts it adds after the target's (`[migrate, node scripts/migrate.mjs]`).
    #[serde(default)]
    pub scripts: Vec<(String, String)>,
    /// The local engine the README tells users to run, and the tests use.
    #[serde(default)]
    pub engine: Option<Engine>,
}

/// An environment variable a storage reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    /// What it holds (Markdown, one line).
    pub what: String,
    /// An example value for local use (never a real secret).
    pub example: String,
    /// It holds a credential: set it in the platform's secret settings, never commit it.
    #[serde(default)]
    pub secret: bool,
}

/// A file a storage adds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageFile {
    /// Output path, relative to the project.
    pub path: String,
    /// Template name relative to the storage's folder, or starting with `_shared/`.
    pub template: String,
    pub class: Class,
    /// Only on these targets (empty: every target that accepts the storage).
    #[serde(default)]
    pub targets: Vec<String>,
    /// Only for this module system (`esm`, `cjs`; empty: both).
    #[serde(default)]
    pub module: Option<String>,
}

/// The local engine of a storage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// What it is, for the README (Markdown, one line).
    pub name: String,
    /// The commands that start it and point the project at it (the README's).
    #[serde(default)]
    pub local: Vec<String>,
}

impl StorageDesc {
    /// Parses one `storage.yaml`.
    pub fn parse(text: &str) -> Result<StorageDesc, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// Whether target `target` accepts it.
    pub(crate) fn accepts(&self, target: &str) -> bool {
        self.targets.iter().any(|t| t == target)
    }
}
