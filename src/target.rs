//! Targets are data: `templates/<target>/target.yaml` says which files a target emits, from which
//! template, with which ownership class. Adding a target adds a folder; no code here changes.

use serde::Deserialize;

/// What one target emits and which spec choices it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetDesc {
    /// One line for `scaffold targets`.
    pub description: String,
    /// The command that runs a new project, printed after `scaffold new`.
    pub next: String,
    /// Values of `auth.provider` this target supports.
    pub auth_providers: Vec<String>,
    /// Handler file stems the platform would treat specially (e.g. deploy as a function).
    #[serde(default)]
    pub reserved_stems: Vec<String>,
    pub files: Vec<FileRule>,
}

/// One output file, or one per operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    /// Output path; `{operation}` stands for the operation's file stem.
    pub path: String,
    /// Template name, relative to the target's folder.
    pub template: String,
    pub class: Class,
    #[serde(default)]
    pub each: Each,
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Each {
    #[default]
    Once,
    Operation,
}

impl TargetDesc {
    pub fn parse(name: &str, text: &str) -> Result<TargetDesc, String> {
        serde_yaml::from_str(text).map_err(|e| format!("target `{name}`: invalid target.yaml: {e}"))
    }
}
