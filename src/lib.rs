//! `scaffold`: from a YAML API spec to a serverless back end built around one central dispatcher.
//!
//! The pipeline, each step its own module:
//! `spec` (parse) -> `lower` (validate, into `model`) -> `render` (templates per target) ->
//! `plan` (tree vs disk) -> `write` (the only module that touches the disk).
//! [`generate`] is the pure part: spec bytes in, a sorted tree of files out.

mod cli;
mod diag;
mod index;
mod lock;
mod lower;
mod model;
mod naming;
mod openapi;
mod plan;
mod project;
mod render;
mod report;
mod review;
mod schema;
mod spec;
mod storage;
mod target;
mod tree;
mod write;

pub use cli::run;
pub use diag::{Code, Diagnostic, Diagnostics, Pos};
pub use render::{TemplateError, Templates};
pub use tree::Tree;

/// What the integration tests and benchmarks reach inside the pipeline, on purpose and nothing
/// more: the plan and its lock (regeneration properties), the tree and output classes, the
/// spec's JSON Schema and loader, lowering for a target, a project on disk, and the clap types.
pub mod testing {
    pub use crate::cli::Cli;
    pub use crate::lock::{base_path, sha256, Lock, LockedFile, LOCK_FILE};
    pub use crate::lower::{lower_for, Context};
    pub use crate::model::Model;
    pub use crate::plan::{plan, unchanged, Action, FileOp, Generated, Options, Plan};
    pub use crate::project::Project;
    pub use crate::render::Storages;
    pub use crate::schema::{keys, render as schema_json, schema, SCHEMA_FILE};
    pub use crate::spec::load;
    pub use crate::storage::StorageDesc;
    pub use crate::target::{Class, Each, TargetDesc};
    pub use crate::tree::RelPath;
}

/// The target used when neither the command line nor the spec names one.
pub const DEFAULT_TARGET: &str = "netlify";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec is invalid: every problem, with positions.
    #[error("{0}")]
    Spec(Diagnostics),
    /// A template or target description is broken (built-in: a bug; overridden: the user's).
    #[error("error: {0}")]
    Template(#[from] render::TemplateError),
    /// A template asked for an output path that could leave the project.
    #[error("error: {0}")]
    Output(#[from] tree::UnsafePath),
    /// `.scaffold/lock.yaml` cannot be used.
    #[error("error: {0}")]
    Lock(#[from] lock::LockError),
    /// An input the user named cannot be read: `cannot read spec `x`: ...`.
    #[error("error: cannot {what} `{}`: {source}{hint}", path.display())]
    Read {
        /// What was being done, e.g. `read spec`.
        what: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
        /// What to do about it, with its leading `; `, or empty.
        hint: &'static str,
    },
    /// Writing the project failed (and `write::apply` restored what was there).
    #[error("error: cannot write into `{}`: {source}; nothing was changed", dir.display())]
    Write {
        dir: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("error: {0}")]
    Usage(String),
}

impl Error {
    /// An error other than a spec's as `--error-format json` prints it:
    /// `{"error": {"kind": "read", "message": "...", "path": "..."}}` (`path`: the file or folder
    /// that could not be read or written, else `null`).
    pub fn to_json(&self) -> String {
        let kind = match self {
            Error::Spec(_) => "spec",
            Error::Template(_) | Error::Output(_) => "template",
            Error::Lock(_) => "lock",
            Error::Read { .. } => "read",
            Error::Write { .. } => "write",
            Error::Usage(_) => "usage",
        };
        let message = self.to_string();
        let message = message.strip_prefix("error: ").unwrap_or(&message);
        let path = match self {
            Error::Read { path, .. } | Error::Write { dir: path, .. } => {
                Some(path.to_string_lossy())
            }
            _ => None,
        };
        serde_json::json!({ "error": { "kind": kind, "message": message, "path": path } })
            .to_string()
    }

    /// 2 for what the user can fix in their input, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Spec(_) | Error::Usage(_) | Error::Lock(_) | Error::Read { .. } => 2,
            Error::Template(_) | Error::Output(_) | Error::Write { .. } => 1,
        }
    }
}

/// What generation reads.
pub struct Input<'a> {
    /// The spec's name relative to the project, for messages and file headers.
    pub spec_file: &'a str,
    pub spec: &'a [u8],
    /// `--target`, which wins over the spec's `target`.
    pub target: Option<&'a str>,
    pub templates: &'a Templates,
}

/// What generation produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The target generated for.
    pub target: String,
    /// The target's description (files, next steps).
    pub desc: target::TargetDesc,
    /// The language of the generated code.
    pub language: model::Language,
    pub tree: Tree,
}

/// Spec bytes in, every generated file out. Touches no disk.
pub fn generate(input: &Input) -> Result<Generated, Error> {
    let (model, target, desc) = model(input)?;
    let storages = input.templates.storages()?;
    // The OpenAPI document first: its JSON value is the largest transient of a run, freed before
    // the tree grows (peak memory).
    let openapi = openapi::render(&model);
    let mut tree = render::render(&model, &target, &desc, &storages, input.templates)?;
    tree.insert(
        tree::RelPath::new("openapi.yaml")?,
        target::Class::Owned,
        openapi,
    )?;
    tree.insert(
        tree::RelPath::new(schema::SCHEMA_FILE)?,
        target::Class::Owned,
        schema::render_for(&input.templates.storage_names()),
    )?;
    let attributes = tree.gitattributes(input.spec_file);
    tree.insert(
        tree::RelPath::new(".gitattributes")?,
        target::Class::Scaffolded,
        attributes,
    )?;
    Ok(Generated {
        target,
        desc,
        language: model.language,
        tree,
    })
}

/// Spec bytes in, the API's model out, for no target: what `review` and `openapi` read. Every
/// rule of the spec is checked, but not what a target refuses, and storage left to the target's
/// default stays unset. `templates` say which storages exist.
pub fn api_model(
    spec_file: &str,
    spec: &[u8],
    templates: &Templates,
) -> Result<model::Model, Error> {
    let (text, loaded) = spec::load(spec_file, spec).map_err(Error::Spec)?;
    match lower::lower(&loaded, spec_file, &templates.storage_names()) {
        (model, problems) if problems.is_empty() => Ok(model),
        (_, problems) => Err(Error::Spec(Diagnostics::new(spec_file, &text, problems))),
    }
}

/// Spec bytes in, the validated model out, with the target it is for.
pub fn model(input: &Input) -> Result<(model::Model, String, target::TargetDesc), Error> {
    let (text, loaded) = spec::load(input.spec_file, input.spec).map_err(Error::Spec)?;
    let targets = input.templates.targets()?;
    let names: Vec<&str> = targets.keys().map(String::as_str).collect();
    let spec_target = loaded.spec.target.as_deref();
    let mut problems = Vec::new();
    if let Some(t) = spec_target.filter(|t| !targets.contains_key(*t)) {
        problems.push(
            diag::Diagnostic::new(
                diag::Code::UnknownTarget,
                format!("unknown target `{t}`"),
                loaded.index.value(&["target"]),
            )
            .expected(diag::one_of(&names))
            .help_opt(
                diag::did_you_mean(t, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?")),
            ),
        );
    }
    let target = input
        .target
        .or(spec_target.filter(|t| targets.contains_key(*t)))
        .unwrap_or(DEFAULT_TARGET);
    let Some(desc) = targets.get(target) else {
        return Err(Error::Usage(format!(
            "unknown target `{target}`, expected {}",
            diag::one_of(&names)
        )));
    };
    let storages = input.templates.storages()?;
    check_default_storage(target, desc, &storages)?;
    let cx = lower::Context {
        spec_file: input.spec_file,
        target,
        desc,
        storages: &storages,
    };
    problems.extend(lower::target_check::language(&loaded, target, &targets));
    let model = lower::lower_for(&loaded, &cx);
    let model = match model {
        Ok(model) if problems.is_empty() => model,
        result => {
            problems.extend(result.err().unwrap_or_default());
            return Err(Error::Spec(Diagnostics::new(
                input.spec_file,
                &text,
                problems,
            )));
        }
    };
    Ok((model, target.to_string(), desc.clone()))
}

/// A target's `default_storage` is `none` or a storage that accepts it and is not explicit-only.
fn check_default_storage(
    target: &str,
    desc: &target::TargetDesc,
    storages: &render::Storages,
) -> Result<(), Error> {
    let storage = desc.default_storage.as_str();
    let why = match storages.get(storage) {
        _ if storage == storage::NONE => return Ok(()),
        None => "names no storage (`_shared/storages/<name>/storage.yaml`)",
        Some(s) if !s.accepts(target) => "does not list this target in its `targets`",
        Some(s) if s.explicit_only => "is explicit-only: never a default",
        Some(_) => return Ok(()),
    };
    Err(render::TemplateError::DefaultStorage {
        target: target.to_string(),
        storage: storage.to_string(),
        why,
    }
    .into())
}
