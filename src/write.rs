//! The only code that writes to disk. A run is all or nothing: every new file is first written to
//! a temporary file beside its destination; only when all are staged does anything get replaced,
//! and a failure while replacing puts back what was replaced so far. Files whose bytes do not
//! change are not in the plan, so they are not touched (their mtimes stay).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::plan::{Disk, FileOp};
use crate::tree::RelPath;

/// The project folder on disk, for reading by the planner.
pub(crate) struct FsDisk<'a>(pub &'a Path);

impl Disk for FsDisk<'_> {
    fn read(&self, path: &RelPath) -> Option<Vec<u8>> {
        // One open and read; a folder or anything unreadable counts as absent.
        fs::read(self.0.join(path.as_str())).ok()
    }
}

/// A replaced or removed file, kept aside until the run has succeeded.
struct Swap {
    dest: PathBuf,
    backup: Option<PathBuf>,
    installed: bool,
}

/// Applies `ops` under `root`. On error the project is left as it was and the error returned.
pub(crate) fn apply(root: &Path, ops: &[FileOp]) -> std::io::Result<()> {
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = stage(root, ops, &mut made_dirs, &mut staged);
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        remove_dirs(&made_dirs);
        return Err(e);
    }
    let mut swaps: Vec<Swap> = Vec::new();
    let result = install(root, ops, &staged, &mut swaps);
    if let Err(e) = result {
        // Put everything back, newest first.
        for swap in swaps.iter().rev() {
            if swap.installed {
                let _ = fs::remove_file(&swap.dest);
            }
            if let Some(b) = &swap.backup {
                let _ = fs::rename(b, &swap.dest);
            }
        }
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        remove_dirs(&made_dirs);
        return Err(e);
    }
    for swap in &swaps {
        if let Some(b) = &swap.backup {
            let _ = fs::remove_file(b);
        }
    }
    // Folders emptied by deletions (e.g. `.scaffold/base/...`) go too.
    for op in ops {
        if let FileOp::Delete(p) = op {
            let mut dir = root.join(p.as_str());
            while dir.pop() && dir != root && fs::remove_dir(&dir).is_ok() {}
        }
    }
    Ok(())
}

fn stage(
    root: &Path,
    ops: &[FileOp],
    made_dirs: &mut Vec<PathBuf>,
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> std::io::Result<()> {
    for op in ops {
        let FileOp::Write(path, bytes) = op else {
            continue;
        };
        let dest = root.join(path.as_str());
        let dir = dest.parent().unwrap_or(root).to_path_buf();
        create_dirs(&dir, made_dirs)?;
        let tmp = sibling(&dest, "scaffold-tmp");
        let mut f = fs::File::create(&tmp)?;
        staged.push((tmp, dest));
        f.write_all(bytes)?;
    }
    Ok(())
}

fn install(
    root: &Path,
    ops: &[FileOp],
    staged: &[(PathBuf, PathBuf)],
    swaps: &mut Vec<Swap>,
) -> std::io::Result<()> {
    let mut next = staged.iter();
    for op in ops {
        let dest = match op {
            FileOp::Write(..) => next
                .next()
                .map(|(_, d)| d.clone())
                .expect("staged in op order"),
            FileOp::Delete(p) => root.join(p.as_str()),
        };
        if dest.is_dir() {
            return Err(std::io::Error::other(format!(
                "`{}` is a folder where scaffold writes a file; move it away",
                dest.display()
            )));
        }
        let backup = if dest.symlink_metadata().is_ok() {
            let b = sibling(&dest, "scaffold-old");
            fs::rename(&dest, &b)?;
            Some(b)
        } else {
            None
        };
        swaps.push(Swap {
            dest: dest.clone(),
            backup,
            installed: false,
        });
        if let FileOp::Write(..) = op {
            let tmp = sibling(&dest, "scaffold-tmp");
            fs::rename(&tmp, &dest)?;
            swaps.last_mut().expect("just pushed").installed = true;
        }
    }
    Ok(())
}

/// `.<name>.<suffix>` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// Creates `dir` and its missing ancestors, remembering the ones it made.
fn create_dirs(dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d)?;
        made.push(d);
    }
    Ok(())
}

fn remove_dirs(made: &[PathBuf]) {
    for dir in made.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &str, b: &str) -> FileOp {
        FileOp::Write(RelPath::new(p).unwrap(), b.as_bytes().into())
    }

    #[test]
    fn writes_and_deletes() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("old.txt"), "x").unwrap();
        apply(
            tmp.path(),
            &[
                write("a/b.txt", "1"),
                FileOp::Delete(RelPath::new("old.txt").unwrap()),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("a/b.txt")).unwrap(), "1");
        assert!(!tmp.path().join("old.txt").exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no temp or backup files left"
        );
    }

    #[test]
    fn a_failure_midway_leaves_everything_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.txt"), "old a").unwrap();
        // `c.txt` is a folder: staging works, replacing it fails after `a.txt` was swapped.
        fs::create_dir_all(tmp.path().join("c.txt/inner")).unwrap();
        let err = apply(
            tmp.path(),
            &[
                write("a.txt", "new a"),
                write("b/new.txt", "n"),
                write("c.txt", "c"),
            ],
        );
        assert!(err.is_err());
        assert_eq!(
            fs::read_to_string(tmp.path().join("a.txt")).unwrap(),
            "old a"
        );
        assert!(!tmp.path().join("b").exists());
        assert!(tmp.path().join("c.txt/inner").is_dir());
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "c.txt"]);
    }
}
