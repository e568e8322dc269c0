//! Targets are data: `templates/<target>/target.yaml` says which files a target emits, from which
//! template, with which ownership class. Adding a target adds a folder; no code here changes.

use serde::{Deserialize, Serialize};

use crate::model::Language;

/// What one target emits and which spec choices it accepts. Templates see it as `target`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetDesc {
    /// One line for `scaffold targets`.
    pub description: String,
    /// The command that runs a new project, printed after `scaffold new`.
    pub next: String,
    /// The command that runs the API locally, for `scaffold targets` and the project's README.
    pub run: String,
    /// The dispatcher's file, as handler files name it.
    pub entry: String,
    /// What handlers receive from the platform besides the common context (their comment says it).
    pub platform_context: String,
    /// Where a project sets its environment variables, locally and deployed (for READMEs).
    pub settings_hint: String,
    /// Values of `auth.provider` this target supports; the first is what a starter spec uses.
    pub auth_providers: Vec<String>,
    /// The `storage` of resources whose spec names none (`none`, or a storage that accepts this
    /// target and is not explicit-only). Which storages a target accepts is the storages' data
    /// (`_shared/storages/<name>/storage.yaml`).
    pub default_storage: String,
    /// How handlers import the shared modules: the shared folder relative to the handler folder.
    pub shared_from_handlers: String,
    /// Values of `language` this target offers, the default (`javascript`) first.
    #[serde(default = "javascript_only")]
    pub languages: Vec<Language>,
    /// What a TypeScript project needs of the target (with `typescript` in `languages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typescript: Option<TypeScriptDesc>,
    /// The module system of the generated JavaScript: `esm` or `cjs`.
    pub module: String,
    /// The largest request body the platform delivers: `limits.body_bytes` may not exceed it.
    pub max_body_bytes: u64,
    /// Handler file stems the platform would treat specially (e.g. deploy as a function).
    #[serde(default)]
    pub reserved_stems: Vec<String>,
    /// What the target adds to every project's package.json (`_shared/package.yaml`).
    #[serde(default)]
    pub package: PackageDesc,
    /// `.gitignore` lines after `node_modules/`: what the platform's tools write, local secrets.
    #[serde(default)]
    pub gitignore: Vec<String>,
    /// What ESLint's config needs to know of the platform.
    #[serde(default)]
    pub lint: LintDesc,
    pub files: Vec<FileRule>,
}

/// What a TypeScript project's files need of the target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypeScriptDesc {
    /// The entry file (`.ts`), as handler files name it.
    pub entry: String,
    /// How the shared dispatcher module imports the handlers: the handler folder relative to the
    /// shared folder.
    pub handlers_from_shared: String,
    /// What the platform adds to a handler's context, as TypeScript properties.
    pub platform: Vec<(String, String)>,
    /// What `env` holds: environment variables, or the platform's bindings.
    pub env: String,
    /// The module system of a TypeScript project's JavaScript where it is not the target's (`esm`
    /// for a target whose JavaScript is CommonJS: `.ts` sources are ES modules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Paths the dispatcher also strips before the API's own (a function's own path where the
    /// platform hands it over instead of the public one), in the order they are tried.
    #[serde(default)]
    pub mounts: Vec<String>,
    /// The target's part of a TypeScript project's package.json, where it is not `package:` (a
    /// build step: scripts, where the built code is, the bundler).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageDesc>,
    /// `.gitignore` lines a TypeScript project adds (what its build writes).
    #[serde(default)]
    pub gitignore: Vec<String>,
    /// Folders ESLint also ignores in a TypeScript project (what its build writes).
    #[serde(default)]
    pub tool_dirs: Vec<String>,
}

/// A target's part of package.json.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageDesc {
    /// Scripts before the ones every project has (`[name, command]`: `[dev, netlify dev]`).
    #[serde(default)]
    pub scripts: Vec<(String, String)>,
    /// package.json's `main`, where the platform reads it.
    #[serde(default)]
    pub main: Option<String>,
    /// Packages the platform's code imports, whatever the spec says.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Packages the platform's local tools need.
    #[serde(default)]
    pub dev_dependencies: Vec<String>,
    /// Whether package.json says `"engines": { "node": ">=20" }` (not where the runtime is not Node).
    #[serde(default = "yes")]
    pub node_engines: bool,
}

impl Default for PackageDesc {
    fn default() -> PackageDesc {
        PackageDesc {
            scripts: Vec::new(),
            main: None,
            dependencies: Vec::new(),
            dev_dependencies: Vec::new(),
            node_engines: true,
        }
    }
}

fn javascript_only() -> Vec<Language> {
    vec![Language::JavaScript]
}

fn yes() -> bool {
    true
}

/// What ESLint's config needs to know of a target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LintDesc {
    /// Folders the platform's local tools build, which ESLint ignores.
    #[serde(default)]
    pub tool_dirs: Vec<String>,
    /// Globs of the code that runs where Node.js's globals do not exist (a Worker's).
    #[serde(default)]
    pub web_only: Vec<String>,
}

/// One output file, or one per operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    /// Output path; `{operation}` stands for the operation's file stem, `{group}` for a route
    /// group's.
    pub path: String,
    /// Template name, relative to the target's folder; a name starting with `_shared/` is one of
    /// the templates every target may use.
    pub template: String,
    pub class: Class,
    #[serde(default)]
    pub each: Each,
    #[serde(default)]
    pub when: When,
    /// Only for projects in this language (`language:` in the spec); absent: every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// When a file is emitted at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum When {
    #[default]
    Always,
    /// Only when some resource keeps its items somewhere (`storage` other than `none`).
    Storage,
}

/// Who owns a generated file after the first write (see `plan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// The tool's: rewritten whenever the output changes.
    Owned,
    /// The user's after the first write.
    Scaffolded,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Each {
    #[default]
    Once,
    Operation,
    /// One file per group of routes (those that share a first segment; `{group}` in the path is
    /// the group's stem): the route table's modules, loaded on first use.
    Group,
}

impl TargetDesc {
    /// Parses one `target.yaml`.
    pub fn parse(text: &str) -> Result<TargetDesc, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// The target as a project in `language` sees it: for TypeScript, its `typescript:` data's
    /// module system, package.json part, `.gitignore` lines and ESLint folders applied.
    pub(crate) fn for_language(&self, language: Language) -> std::borrow::Cow<'_, TargetDesc> {
        let Some(ts) = self
            .typescript
            .as_ref()
            .filter(|_| language == Language::TypeScript)
        else {
            return std::borrow::Cow::Borrowed(self);
        };
        let mut desc = self.clone();
        if let Some(module) = &ts.module {
            desc.module.clone_from(module);
        }
        if let Some(package) = &ts.package {
            desc.package = package.clone();
        }
        desc.gitignore.extend(ts.gitignore.iter().cloned());
        desc.lint.tool_dirs.extend(ts.tool_dirs.iter().cloned());
        std::borrow::Cow::Owned(desc)
    }
}
