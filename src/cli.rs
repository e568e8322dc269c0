//! The command line: clap types, reading inputs at the edge, printing. No generation logic here.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use minijinja::context;

use crate::plan::{plan, Action};
use crate::target::Class;
use crate::tree::RelPath;
use crate::write::{apply, FsDisk};
use crate::{generate, Error, Input, Templates, DEFAULT_TARGET};

/// The name of the spec inside a project.
pub const SPEC_FILE: &str = "scaffold.yaml";

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate a secure serverless back end from a YAML API spec",
    after_help = "Examples:\n  scaffold new watchlist --target netlify\n  cd watchlist && scaffold generate"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project folder: spec, generated code, package.json, README
    #[command(
        after_help = "Examples:\n  scaffold new watchlist --target netlify\n  scaffold new shop --spec shop.yaml"
    )]
    New {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
        /// The platform to generate for (see `scaffold targets`)
        #[arg(long, short)]
        target: Option<String>,
        /// Start from this spec instead of the starter spec
        #[arg(long)]
        spec: Option<PathBuf>,
        /// A folder of templates that replace the built-in ones, file by file
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Regenerate the project from its spec; never overwrites a handler file
    #[command(
        after_help = "Examples:\n  scaffold generate\n  scaffold generate --dir watchlist --dry-run"
    )]
    Generate {
        /// The spec [default: DIR/scaffold.yaml]
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The project folder
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The platform, overriding the spec's `target`
        #[arg(long, short)]
        target: Option<String>,
        /// A folder of templates that replace the built-in ones, file by file
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Show what would change; write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// List the platforms scaffold generates for
    #[command(after_help = "Example:\n  scaffold targets")]
    Targets,
}

/// Runs the tool and returns its exit code: 0 ok, 1 failure, 2 usage error or invalid spec.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{e}");
            if !matches!(e, Error::Spec(_)) {
                eprintln!();
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn execute(command: Command) -> Result<(), Error> {
    match command {
        Command::New {
            dir,
            target,
            spec,
            templates,
        } => new(
            &dir,
            target.as_deref(),
            spec.as_deref(),
            templates.as_deref(),
        ),
        Command::Generate {
            spec,
            dir,
            target,
            templates,
            dry_run,
        } => regenerate(
            &dir,
            spec.as_deref(),
            target.as_deref(),
            templates.as_deref(),
            dry_run,
        ),
        Command::Targets => {
            for (name, desc) in Templates::builtin().targets()? {
                println!("{name:<12} {}", desc.description);
            }
            Ok(())
        }
    }
}

fn load_templates(dir: Option<&Path>) -> Result<Templates, Error> {
    let builtin = Templates::builtin();
    let Some(dir) = dir else { return Ok(builtin) };
    let mut overrides = BTreeMap::new();
    read_tree(dir, dir, &mut overrides).map_err(|e| {
        Error::Usage(format!(
            "cannot read templates from `{}`: {e}",
            dir.display()
        ))
    })?;
    Ok(builtin.with_overrides(overrides))
}

fn read_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, out)?;
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

fn new(
    dir: &Path,
    target: Option<&str>,
    spec: Option<&Path>,
    templates: Option<&Path>,
) -> Result<(), Error> {
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
    let templates = load_templates(templates)?;
    let spec_bytes = match spec {
        Some(path) => fs::read(path)
            .map_err(|e| Error::Usage(format!("cannot read spec `{}`: {e}", path.display())))?,
        None => starter_spec(dir, target.unwrap_or(DEFAULT_TARGET), &templates)?.into_bytes(),
    };
    let generated = generate(&Input {
        spec_file: SPEC_FILE,
        spec: &spec_bytes,
        target,
        templates: &templates,
    })?;
    let mut tree = generated.tree;
    let spec_path = RelPath::new(SPEC_FILE).map_err(Error::Template)?;
    tree.insert(spec_path, Class::Scaffolded, spec_bytes)?;
    let plan = plan(&tree, &FsDisk(dir));
    apply(dir, &plan).map_err(|e| Error::Io(format!("cannot write `{}`: {e}", dir.display())))?;
    for step in &plan.steps {
        println!("{:>9} {}", step.action.verb(), step.path);
    }
    println!("{}", plan.summary());
    println!(
        "
next: cd {} && {}",
        dir.display(),
        generated.desc.next
    );
    Ok(())
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
    let source = templates
        .get("_shared/starter.yaml")
        .ok_or_else(|| Error::Template("missing template `_shared/starter.yaml`".into()))?;
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_syntax(crate::render::syntax());
    env.render_str(source, context! { name => name, target => target })
        .map_err(|e| Error::Template(format!("template `_shared/starter.yaml`: {e:#}")))
}

fn regenerate(
    dir: &Path,
    spec: Option<&Path>,
    target: Option<&str>,
    templates: Option<&Path>,
    dry_run: bool,
) -> Result<(), Error> {
    let spec_path = spec
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.join(SPEC_FILE));
    let bytes = fs::read(&spec_path).map_err(|e| {
        Error::Usage(format!(
            "cannot read spec `{}`: {e}; run `scaffold new DIR` to start a project, or pass --spec FILE",
            spec_path.display()
        ))
    })?;
    let spec_file = spec_name(dir, &spec_path);
    let templates = load_templates(templates)?;
    let tree = generate(&Input {
        spec_file: &spec_file,
        spec: &bytes,
        target,
        templates: &templates,
    })?
    .tree;
    let plan = plan(&tree, &FsDisk(dir));
    if !dry_run {
        apply(dir, &plan)
            .map_err(|e| Error::Io(format!("cannot write into `{}`: {e}", dir.display())))?;
    }
    for step in &plan.steps {
        let verb = if dry_run && step.action.writes() {
            format!("would be {}", step.action.verb())
        } else {
            step.action.verb().to_string()
        };
        println!("{verb:>9} {}", step.path);
    }
    let kept = plan.steps.iter().any(|s| s.action == Action::Keep);
    println!(
        "{}{}",
        plan.summary(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    if kept {
        println!("kept files are yours: scaffold does not overwrite them");
    }
    Ok(())
}

/// How file headers name the spec: relative to the project when inside it, else by file name.
fn spec_name(dir: &Path, spec: &Path) -> String {
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
    // The name is printed into generated code and JSON: keep it to plain path characters.
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
    };
    if plain(&name) {
        name
    } else {
        "the spec".to_string()
    }
}
