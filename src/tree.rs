//! The output of generation: a sorted map of safe relative paths to bytes and ownership class.

use std::collections::BTreeMap;
use std::fmt;

use crate::target::Class;
use crate::Error;

/// A path [`RelPath::new`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsafe output path `{0}`")]
pub struct UnsafePath(pub String);

/// A relative path that cannot leave the project folder: `/`-separated components of
/// `A-Za-z0-9._-`, none empty, none `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(String);

impl RelPath {
    pub fn new(path: &str) -> Result<RelPath, UnsafePath> {
        let ok = !path.is_empty()
            && path.split('/').all(|c| {
                !c.is_empty()
                    && c != "."
                    && c != ".."
                    && c.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch))
            });
        if ok {
            Ok(RelPath(path.to_string()))
        } else {
            Err(UnsafePath(path.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// File contents, shared: the tree, the plan's steps and its writes hold the same bytes once.
pub(crate) type Bytes = std::sync::Arc<[u8]>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenFile {
    pub class: Class,
    pub bytes: Bytes,
}

/// Every generated file, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<RelPath, GenFile>,
}

impl Tree {
    pub fn insert(&mut self, path: RelPath, class: Class, bytes: Vec<u8>) -> Result<(), Error> {
        if self.files.contains_key(&path) {
            return Err(crate::render::TemplateError::Collision(path.to_string()).into());
        }
        self.files.insert(
            path,
            GenFile {
                class,
                bytes: bytes.into(),
            },
        );
        Ok(())
    }
}

impl Tree {
    /// `.gitattributes` marking the files scaffold owns (and its lock) as generated, so that code
    /// review folds them; the user's files stay unmarked.
    pub fn gitattributes(&self, spec_file: &str) -> Vec<u8> {
        let mut out = format!(
            "# Created by scaffold from {spec_file}; this file is yours. Files scaffold owns are marked\n\
             # generated so that code review folds them.\n.scaffold/** linguist-generated=true\n"
        );
        for (path, file) in &self.files {
            if file.class == Class::Owned {
                out.push_str(&format!("/{path} linguist-generated=true\n"));
            }
        }
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::RelPath;

    #[test]
    fn paths_cannot_escape() {
        assert!(RelPath::new("netlify/functions/api.js").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "a/./b",
            "a\\b",
            "a b",
            "~/x",
        ] {
            assert!(RelPath::new(bad).is_err(), "{bad}");
        }
    }
}
