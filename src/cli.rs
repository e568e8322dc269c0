//! The command line: clap types, reading inputs at the edge, printing. No generation logic here.

use std::ffi::OsString;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::plan::{Action, Options};
use crate::project::{read_templates, Project, SPEC_FILE};
use crate::report::{conflict_hunks, plan_diff, step_lines, unified, Style};
use crate::{Error, Templates};

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate a secure serverless back end from a YAML API spec",
    after_help = "Examples:\n  scaffold new watchlist --target netlify\n  cd watchlist && scaffold generate\n  scaffold check"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How errors are printed on stderr: `human` (with carets), or `json` for editors and CI
    /// (codes: docs/diagnostics.md)
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Human,
    Json,
}

/// Where the project and its inputs are.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project folder
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// The spec [default: DIR/scaffold.yaml]
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// The platform, overriding the spec's `target`
    #[arg(long, short)]
    pub target: Option<String>,
    /// A folder of templates that replace the built-in ones, file by file
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DocFormat {
    Yaml,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Breaking or security-relevant changes
    Any,
    Breaking,
    Security,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project folder: spec, generated code, package.json, README, lock
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
    /// Regenerate from the spec: owned files rewritten, your files merged, never an edit lost
    #[command(
        after_help = "Examples:\n  scaffold generate\n  scaffold generate --dir watchlist --dry-run\n  scaffold generate --prune"
    )]
    Generate {
        #[command(flatten)]
        project: ProjectArgs,
        /// Show what would change; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Overwrite hand-edited generated files; recreate deleted handler files
        #[arg(long)]
        force: bool,
        /// Delete orphans (files of operations no longer in the spec) that are unedited
        #[arg(long)]
        prune: bool,
        /// On overlapping edits, write the files with diff3 conflict markers instead of stopping
        #[arg(long)]
        write_conflicts: bool,
    },
    /// Show, as a unified diff, what `generate` would change; exit 1 when it would change anything
    #[command(
        after_help = "Examples:\n  scaffold diff\n  scaffold diff --color never > changes.diff"
    )]
    Diff {
        #[command(flatten)]
        project: ProjectArgs,
        /// Colour the diff: auto (on a terminal, unless NO_COLOR is set), always, never
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
    },
    /// The CI gate: exit 1 when generated code is stale, hand-edited, missing or orphaned
    #[command(after_help = "Example (CI):\n  scaffold check --dir .")]
    Check {
        #[command(flatten)]
        project: ProjectArgs,
    },
    /// Report the API-level changes between two versions of a spec, as Markdown for a PR comment
    #[command(
        after_help = "Examples:\n  scaffold review old.yaml scaffold.yaml\n  scaffold review main:scaffold.yaml scaffold.yaml --fail-on breaking\n  scaffold review HEAD~1:scaffold.yaml scaffold.yaml --format json\n\nEach of OLD and NEW is a file, or REV:PATH read with `git show` (run in --dir).\nExit 1 when a change is breaking or security-relevant (see --fail-on), else 0."
    )]
    Review {
        /// The spec before: a path, or REV:PATH from git
        old: String,
        /// The spec after: a path, or REV:PATH from git
        new: String,
        /// Output format
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        /// Which changes make the exit code 1
        #[arg(long, value_enum, default_value = "any")]
        fail_on: FailOn,
        /// Where to run git for REV:PATH arguments
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Print the OpenAPI 3.1 document of the API (the project also ships it as openapi.yaml)
    #[command(
        after_help = "Examples:\n  scaffold openapi --format json > openapi.json\n  scaffold openapi --spec specs/bookclub.yaml"
    )]
    Openapi {
        #[command(flatten)]
        project: ProjectArgs,
        /// Output format
        #[arg(long, value_enum, default_value = "yaml")]
        format: DocFormat,
    },
    /// List the platforms scaffold generates for
    #[command(after_help = "Example:\n  scaffold targets")]
    Targets,
    /// Print the JSON Schema of the spec file (projects ship it as .scaffold/spec.schema.json)
    #[command(
        after_help = "Examples:\n  scaffold schema > spec.schema.json\n\nEditors with yaml-language-server (VS Code's YAML extension, Neovim, Helix, Zed) read the\nfirst line of a spec from `scaffold new`:\n  # yaml-language-server: $schema=.scaffold/spec.schema.json\nKeys, types and defaults: docs/spec.md in the scaffold repository."
    )]
    Schema,
    /// Print a shell completion script: bash, zsh, fish or powershell
    #[command(
        after_help = "Examples:\n  scaffold completions bash > ~/.local/share/bash-completion/completions/scaffold\n  scaffold completions zsh > ~/.zfunc/_scaffold    # with fpath+=~/.zfunc before compinit\n  scaffold completions fish > ~/.config/fish/completions/scaffold.fish\n  scaffold completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// Runs the tool and returns its exit code: 0 ok, 1 drift or conflict or failure, 2 usage error or
/// invalid spec.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            match (cli.error_format, &e) {
                (ErrorFormat::Json, Error::Spec(d)) => eprint!("{}", d.to_json()),
                (ErrorFormat::Json, e) => eprintln!("{}", e.to_json()),
                (ErrorFormat::Human, Error::Spec(d)) => eprint!("{d}"),
                (ErrorFormat::Human, e) => eprintln!("{e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Spec errors of a command that writes end by saying that nothing was written.
fn nothing_written(e: Error) -> Error {
    match e {
        Error::Spec(mut d) => {
            d.footer = Some("nothing was written".to_string());
            Error::Spec(d)
        }
        other => other,
    }
}

fn open(p: &ProjectArgs) -> Result<Project, Error> {
    Project::open(
        &p.dir,
        p.spec.as_deref(),
        p.target.as_deref(),
        read_templates(p.templates.as_deref())?,
    )
}

fn execute(command: Command) -> Result<u8, Error> {
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
        )
        .map_err(nothing_written),
        Command::Generate {
            project,
            dry_run,
            force,
            prune,
            write_conflicts,
        } => regenerate(
            &open(&project)?,
            dry_run,
            Options {
                force,
                prune,
                write_conflicts,
            },
        )
        .map_err(nothing_written),
        Command::Diff { project, color } => {
            let plan = open(&project)?.plan(Options::default())?;
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            print!("{}", plan_diff(&plan, Style { color }));
            Ok(u8::from(plan.changes_files()))
        }
        Command::Check { project } => {
            let project = open(&project)?;
            let reasons = project.check()?;
            for r in &reasons {
                println!("{r}");
            }
            if reasons.is_empty() {
                println!(
                    "ok: generated code is up to date with {}",
                    project.spec_file
                );
                Ok(0)
            } else {
                println!(
                    "check failed: {} problem{}",
                    reasons.len(),
                    if reasons.len() == 1 { "" } else { "s" }
                );
                Ok(1)
            }
        }
        Command::Review {
            old,
            new,
            format,
            fail_on,
            dir,
        } => {
            let read = |arg: &str| -> Result<(String, crate::model::Model), Error> {
                let bytes = read_revision(&dir, arg)?;
                let name = arg.rsplit(['/', ':']).next().unwrap_or(arg);
                Ok((
                    arg.to_string(),
                    crate::api_model(name, &bytes, &Templates::builtin())?,
                ))
            };
            let ((old_name, old_model), (new_name, new_model)) = (read(&old)?, read(&new)?);
            let changes = crate::review::review(&old_model, &new_model);
            match format {
                Format::Markdown => print!(
                    "{}",
                    crate::review::markdown(&old_name, &new_name, &changes)
                ),
                Format::Json => print!("{}", crate::review::json(&old_name, &new_name, &changes)),
            }
            let fails = changes.iter().any(|c| match fail_on {
                FailOn::Any => c.breaking || c.security,
                FailOn::Breaking => c.breaking,
                FailOn::Security => c.security,
                FailOn::Never => false,
            });
            Ok(u8::from(fails))
        }
        Command::Openapi { project, format } => {
            let project = open(&project)?;
            let model = crate::api_model(&project.spec_file, &project.spec, &project.templates)?;
            let bytes = match format {
                DocFormat::Yaml => crate::openapi::render(&model),
                DocFormat::Json => crate::openapi::render_json(&model),
            };
            print!("{}", String::from_utf8_lossy(&bytes));
            Ok(0)
        }
        Command::Targets => {
            let templates = Templates::builtin();
            let storages = templates.storages()?;
            for (name, desc) in templates.targets()? {
                println!("{name}\n  {}", desc.description);
                println!("  auth:      {}", desc.auth_providers.join(", "));
                let accepted = crate::lower::accepted_storages(&name, &desc, &storages);
                println!("  storage:   {} (first: the default)", accepted.join(", "));
                let languages: Vec<&str> = desc.languages.iter().map(|l| l.as_str()).collect();
                println!("  language:  {} (first: the default)", languages.join(", "));
                println!("  run:       {}\n", desc.run);
            }
            Ok(0)
        }
        Command::Schema => {
            print!("{}", String::from_utf8_lossy(&crate::schema::render()));
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "scaffold", &mut out);
            print!("{}", String::from_utf8_lossy(&out));
            Ok(0)
        }
    }
}

fn new(
    dir: &Path,
    target: Option<&str>,
    spec: Option<&Path>,
    templates: Option<&Path>,
) -> Result<u8, Error> {
    let created = crate::project::create(dir, target, spec, read_templates(templates)?)?;
    print!("{}", step_lines(&created.plan, false));
    println!("  created {SPEC_FILE}");
    println!("{}", created.plan.summary());
    println!("\nnext: cd {} && {}", dir.display(), created.next);
    Ok(0)
}

fn regenerate(project: &Project, dry_run: bool, opts: Options) -> Result<u8, Error> {
    let plan = project.plan(opts)?;
    print!("{}", step_lines(&plan, dry_run));
    for s in &plan.steps {
        match s.action {
            Action::Conflict => {
                println!(
                    "\nconflict in {}: {}",
                    s.path,
                    s.note.as_deref().unwrap_or("")
                );
                print!("{}", conflict_hunks(s));
            }
            Action::Refused => {
                println!(
                    "\nrefused {}: {}; your edit:",
                    s.path,
                    s.note.as_deref().unwrap_or("")
                );
                print!(
                    "{}",
                    unified(
                        s.path.as_str(),
                        s.base.as_deref(),
                        s.before.as_deref(),
                        Style { color: false }
                    )
                );
            }
            _ => {}
        }
    }
    if plan.blocked {
        println!("{}\nnothing was written: resolve the files above (or use --force / --write-conflicts), then run again", plan.summary());
        return Ok(1);
    }
    if !dry_run {
        project.write(&plan)?;
    }
    println!(
        "{}{}",
        plan.summary(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    let conflicts = plan.steps.iter().any(|s| s.action == Action::Conflict);
    if conflicts && !dry_run {
        println!("conflict markers were written: resolve them, then run `scaffold generate` again");
    }
    Ok(u8::from(conflicts))
}

/// A spec's bytes: a file, or `REV:PATH` read with `git show` in `dir`.
fn read_revision(dir: &Path, arg: &str) -> Result<Vec<u8>, Error> {
    if Path::new(arg).is_file() || !arg.contains(':') {
        return fs::read(arg).map_err(|source| Error::Read {
            what: "read spec",
            path: arg.into(),
            source,
            hint: "",
        });
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", "--no-textconv", arg])
        .output()
        .map_err(|source| Error::Read {
            what: "run git to read",
            path: arg.into(),
            source,
            hint: "",
        })?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "cannot read `{arg}` from git: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}
