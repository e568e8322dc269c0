//! The only code that writes to disk. A run is all or nothing: every new file first goes to a
//! temporary file beside its destination; only when all are written are they renamed into place.
//! Files whose bytes do not change are not touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::plan::{Disk, Plan};
use crate::tree::RelPath;

/// The project folder on disk, for reading by the planner.
pub struct FsDisk<'a>(pub &'a Path);

impl Disk for FsDisk<'_> {
    fn read(&self, path: &RelPath) -> Option<Vec<u8>> {
        fs::read(self.0.join(path.as_str())).ok()
    }
}

/// Applies the plan under `root`. On error nothing of this run stays: temporary files are removed
/// and no destination has been replaced.
pub fn apply(root: &Path, plan: &Plan) -> std::io::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> std::io::Result<()> {
        for step in plan.steps.iter().filter(|s| s.action.writes()) {
            let dest = root.join(step.path.as_str());
            let dir = dest.parent().unwrap_or(root);
            create_dirs(dir, &mut made_dirs)?;
            let name = dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.scaffold-tmp"));
            let mut f = fs::File::create(&tmp)?;
            staged.push((tmp, dest));
            f.write_all(&step.bytes)?;
            f.sync_all()?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        for dir in made_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(e);
    }
    for (tmp, dest) in &staged {
        fs::rename(tmp, dest)?;
    }
    Ok(())
}

/// Creates `dir` and its missing ancestors, remembering the ones it made.
fn create_dirs(dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.exists() {
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

/// Creates the folder of a new project, which must not exist or be empty.
pub fn create_project_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}
