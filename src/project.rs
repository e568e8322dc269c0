//! A project on disk, read at the edge: its spec, its lock, and the plan of a run. Used by the
//! commands that create (`new`: the starter spec, the spec's `target:`), regenerate (`generate`),
//! show (`diff`) and gate (`check`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use minijinja::context;

use crate::lock::{sha256, Lock, LOCK_FILE};
use crate::model::Language;
use crate::plan::{self, Action, FileOp, Options, Plan};
use crate::tree::RelPath;
use crate::write::{apply, FsDisk};
use crate::{generate, Error, Input, Templates, DEFAULT_TARGET};

/// The name of the spec inside a project.
pub(crate) const SPEC_FILE: &str = "scaffold.yaml";

/// Everything a run reads from disk, read once.
pub struct Project {
    pub dir: PathBuf,
    /// The spec's name relative to the project, as file headers show it.
    pub spec_file: String,
    pub spec: Vec<u8>,
    pub lock: Option<Lock>,
    pub target: Option<String>,
    pub templates: Templates,
}

impl Project {
    /// Reads the spec (default `DIR/scaffold.yaml`), the lock and the templates.
    pub fn open(
        dir: &Path,
        spec: Option<&Path>,
        target: Option<&str>,
        templates: Templates,
    ) -> Result<Project, Error> {
        let spec_path = spec
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.join(SPEC_FILE));
        let bytes = fs::read(&spec_path).map_err(|source| Error::Read {
            what: "read spec",
            path: spec_path.clone(),
            source,
            hint: "; run `scaffold new DIR` to start a project, or pass --spec FILE",
        })?;
        let lock = match fs::read(dir.join(LOCK_FILE)) {
            Ok(b) => Some(Lock::parse(&b)?),
            Err(_) => None,
        };
        Ok(Project {
            dir: dir.to_path_buf(),
            spec_file: spec_name(dir, &spec_path),
            spec: bytes,
            lock,
            target: target.map(str::to_string),
            templates,
        })
    }

    /// Generates from the spec and plans the run against the disk and the lock.
    pub fn plan(&self, opts: Options) -> Result<Plan, Error> {
        let fingerprint = self.templates.fingerprint();
        // Same spec, templates, target and tool as last time: the output is what the lock records.
        if let Some(lock) = &self.lock {
            let target = self.target.as_deref().unwrap_or(&lock.target);
            if !opts.prune && lock.same_inputs(target, &self.spec, &fingerprint) {
                if let Some(plan) = plan::unchanged(lock, &FsDisk(&self.dir)) {
                    return Ok(plan);
                }
            }
        }
        let input = Input {
            spec_file: &self.spec_file,
            spec: &self.spec,
            target: self
                .target
                .as_deref()
                .or(self.lock.as_ref().map(|l| l.target.as_str())),
            templates: &self.templates,
        };
        let generated = generate(&input)?;
        if let Some(lock) = &self.lock {
            refuse_language_switch(lock, &generated, &self.spec_file)?;
        }
        let gen = plan::Generated {
            tree: &generated.tree,
            target: &generated.target,
            spec_file: &self.spec_file,
            spec: &self.spec,
            templates: &fingerprint,
        };
        Ok(plan::plan(
            &gen,
            self.lock.as_ref(),
            &FsDisk(&self.dir),
            opts,
        ))
    }

    /// Carries out a plan: every file op, or none (see `write::apply`).
    pub fn write(&self, plan: &Plan) -> Result<(), Error> {
        apply(&self.dir, &plan.ops).map_err(|source| Error::Write {
            dir: self.dir.clone(),
            source,
        })
    }

    /// Why the project is not up to date with its spec, one line per reason; empty when it is.
    pub fn check(&self) -> Result<Vec<String>, Error> {
        let plan = self.plan(Options::default())?;
        let mut reasons = Vec::new();
        match &self.lock {
            None => reasons.push(format!(
                "{LOCK_FILE}: missing; run `scaffold generate` and commit the result"
            )),
            Some(lock) if lock.spec_sha256 != sha256(&self.spec) => reasons.push(format!(
                "{}: changed since the last `scaffold generate`; run it and commit the result",
                self.spec_file
            )),
            Some(_) => {}
        }
        for s in &plan.steps {
            let why = match s.action {
                Action::Unchanged | Action::Kept => continue,
                Action::Create => "not generated yet",
                Action::Recreate | Action::Missing => "generated file missing",
                Action::Update | Action::Merge => {
                    "stale: the spec changed and it was not regenerated"
                }
                Action::Conflict => "stale, and regenerating it would conflict with your edits",
                Action::Refused => "owned file edited by hand; change the spec instead",
                Action::Orphan | Action::Delete => {
                    "orphan: no longer in the spec; delete it or run `scaffold generate --prune`"
                }
            };
            reasons.push(format!("{}: {why}", s.path));
        }
        Ok(reasons)
    }
}

/// How file headers name the spec: relative to the project when inside it, else by file name;
/// `the spec` when the name has characters that should not go into code.
pub(crate) fn spec_name(dir: &Path, spec: &Path) -> String {
    let abs = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let rel = abs(spec).strip_prefix(abs(dir)).map(Path::to_path_buf).ok();
    let name = rel
        .or_else(|| spec.file_name().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(SPEC_FILE));
    let name = name
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c));
    if plain {
        name
    } else {
        "the spec".to_string()
    }
}

/// Reads a folder of template overrides: relative path (with `/`) -> text.
pub(crate) fn read_templates(dir: Option<&Path>) -> Result<Templates, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(name, fs::read_to_string(&path)?);
            }
        }
        Ok(())
    }
    let builtin = Templates::builtin();
    let Some(dir) = dir else { return Ok(builtin) };
    let mut overrides = BTreeMap::new();
    walk(dir, dir, &mut overrides).map_err(|source| Error::Read {
        what: "read templates from",
        path: dir.to_path_buf(),
        source,
        hint: "",
    })?;
    Ok(builtin.with_overrides(overrides))
}

/// What `scaffold new` made: the plan it wrote and the target's next step.
pub(crate) struct Created {
    pub plan: Plan,
    /// The command to run next, from the target's data (e.g. `npm install && netlify dev`).
    pub next: String,
}

/// `scaffold new`: a project in the empty (or absent) folder `dir`, from `spec` or the starter
/// spec, its `target:` set to `target` when given. Writes the files, the spec and the lock.
pub(crate) fn create(
    dir: &Path,
    target: Option<&str>,
    spec: Option<&Path>,
    templates: Templates,
) -> Result<Created, Error> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::Usage(format!(
            "`{}` already exists and is not empty; choose a new folder, or run `scaffold generate` inside an existing project",
            dir.display()
        )));
    }
    let spec_bytes = match spec {
        Some(path) => fs::read(path).map_err(|source| Error::Read {
            what: "read spec",
            path: path.to_path_buf(),
            source,
            hint: "",
        })?,
        None => starter_spec(dir, target.unwrap_or(DEFAULT_TARGET), &templates)?.into_bytes(),
    };
    let spec_bytes = match target {
        Some(t) => crate::spec::retarget(SPEC_FILE, spec_bytes, t),
        None => spec_bytes,
    };
    let generated = generate(&Input {
        spec_file: SPEC_FILE,
        spec: &spec_bytes,
        target,
        templates: &templates,
    })?;
    let gen = plan::Generated {
        tree: &generated.tree,
        target: &generated.target,
        spec_file: SPEC_FILE,
        spec: &spec_bytes,
        templates: &templates.fingerprint(),
    };
    let mut plan = plan::plan(&gen, None, &FsDisk(dir), Options::default());
    let spec_path = RelPath::new(SPEC_FILE)?;
    plan.ops
        .push(FileOp::Write(spec_path, spec_bytes.as_slice().into()));
    apply(dir, &plan.ops).map_err(|source| Error::Write {
        dir: dir.to_path_buf(),
        source,
    })?;
    Ok(Created {
        plan,
        next: generated.desc.next,
    })
}

/// The starter spec, named after the project folder.
fn starter_spec(dir: &Path, target: &str, templates: &Templates) -> Result<String, Error> {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("`{}` has no folder name", dir.display())))?;
    let name = heck::ToKebabCase::to_kebab_case(base.as_str());
    if !crate::naming::is_project_name(&name) {
        return Err(Error::Usage(format!(
            "cannot make a project name from folder `{base}`: expected lower-case letters, digits and `-`, starting with a letter"
        )));
    }
    let targets = templates.targets()?;
    let provider = targets
        .get(target)
        .and_then(|desc| desc.auth_providers.first())
        .map(String::as_str)
        .unwrap_or("none");
    templates.render_named(
        "_shared/starter.yaml",
        context! { name => name, target => target, provider => provider },
    )
}

/// The language a locked project was generated in, told by which entry file its lock records
/// (none when the lock holds neither of the target's: another target's project).
fn locked_language(lock: &Lock, desc: &crate::target::TargetDesc) -> Option<Language> {
    let ts_entry = desc.typescript.as_ref().map(|t| t.entry.as_str());
    if ts_entry.is_some_and(|e| lock.files.contains_key(e)) {
        Some(Language::TypeScript)
    } else if lock.files.contains_key(&desc.entry) {
        Some(Language::JavaScript)
    } else {
        None
    }
}

/// A spec whose `language` differs from the project's is refused: switching would leave every
/// handler file (yours) behind in the old language, next to new starters.
fn refuse_language_switch(
    lock: &Lock,
    generated: &crate::Generated,
    spec_file: &str,
) -> Result<(), Error> {
    match locked_language(lock, &generated.desc) {
        Some(was) if was != generated.language => Err(Error::Usage(format!(
            "{spec_file} asks for `language: {new}`, but this project was generated in {was} ({LOCK_FILE} \
             records its {was} entry): scaffold does not switch a project's language, since your handler \
             files and store would stay in {was}; keep `language: {was}`{default}, or generate a new \
             project from the spec (`scaffold new DIR --spec {spec_file}`) and move your code over",
            new = generated.language.as_str(),
            was = was.as_str(),
            default = if was == Language::default() {
                " (or no `language` key)"
            } else {
                ""
            },
        ))),
        _ => Ok(()),
    }
}
