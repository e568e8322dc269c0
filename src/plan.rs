//! Rendered tree + what is on disk -> one action per path. Pure: the disk is read through a trait.

use crate::target::Class;
use crate::tree::{RelPath, Tree};

/// Read access to the project as it is now.
pub trait Disk {
    /// The file's bytes, or `None` when it does not exist.
    fn read(&self, path: &RelPath) -> Option<Vec<u8>>;
}

impl Disk for std::collections::BTreeMap<RelPath, Vec<u8>> {
    fn read(&self, path: &RelPath) -> Option<Vec<u8>> {
        self.get(path).cloned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not on disk: written.
    Create,
    /// An owned file whose bytes change: rewritten.
    Update,
    /// Same bytes on disk: not touched.
    Unchanged,
    /// A scaffolded file that exists: the user's, not touched.
    Keep,
}

impl Action {
    pub fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Update)
    }

    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "created",
            Action::Update => "updated",
            Action::Unchanged => "unchanged",
            Action::Keep => "kept",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub path: RelPath,
    pub action: Action,
    pub bytes: Vec<u8>,
}

/// What one run does, path by path, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

pub fn plan(tree: &Tree, disk: &impl Disk) -> Plan {
    let steps = tree
        .files
        .iter()
        .map(|(path, file)| {
            let action = match (disk.read(path), file.class) {
                (None, _) => Action::Create,
                (Some(old), _) if old == file.bytes => Action::Unchanged,
                (Some(_), Class::Owned) => Action::Update,
                (Some(_), Class::Scaffolded) => Action::Keep,
            };
            Step {
                path: path.clone(),
                action,
                bytes: file.bytes.clone(),
            }
        })
        .collect();
    Plan { steps }
}

impl Plan {
    /// `created 3, updated 1, unchanged 9, kept 2`
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for action in [
            Action::Create,
            Action::Update,
            Action::Unchanged,
            Action::Keep,
        ] {
            let n = self.steps.iter().filter(|s| s.action == action).count();
            if n > 0 {
                parts.push(format!("{} {n}", action.verb()));
            }
        }
        if parts.is_empty() {
            "nothing to do".to_string()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn tree() -> Tree {
        let mut t = Tree::default();
        t.insert(
            RelPath::new("owned.js").unwrap(),
            Class::Owned,
            b"new".to_vec(),
        )
        .unwrap();
        t.insert(
            RelPath::new("mine.js").unwrap(),
            Class::Scaffolded,
            b"starter".to_vec(),
        )
        .unwrap();
        t
    }

    fn actions(disk: &[(&str, &str)]) -> Vec<(String, Action)> {
        let disk: BTreeMap<RelPath, Vec<u8>> = disk
            .iter()
            .map(|(p, b)| (RelPath::new(p).unwrap(), b.as_bytes().to_vec()))
            .collect();
        plan(&tree(), &disk)
            .steps
            .into_iter()
            .map(|s| (s.path.to_string(), s.action))
            .collect()
    }

    #[test]
    fn empty_disk_creates_everything() {
        assert_eq!(
            actions(&[]),
            [
                ("mine.js".into(), Action::Create),
                ("owned.js".into(), Action::Create)
            ]
        );
    }

    #[test]
    fn owned_files_are_rewritten_and_user_files_kept() {
        assert_eq!(
            actions(&[("owned.js", "old"), ("mine.js", "edited by the user")]),
            [
                ("mine.js".into(), Action::Keep),
                ("owned.js".into(), Action::Update)
            ]
        );
        assert_eq!(
            actions(&[("owned.js", "new"), ("mine.js", "starter")]),
            [
                ("mine.js".into(), Action::Unchanged),
                ("owned.js".into(), Action::Unchanged)
            ]
        );
    }
}
