//! The floor for `scaffold new`: the least a process can do to produce the same files.
//!
//! Built by bench/run.sh with `rustc -O --edition 2021 bench/floor.rs -o target/bench-floor`
//! (no dependencies, not part of the crate or the test suite).
//!
//!   bench-floor pack SRC_DIR PACK    untimed: every regular file under SRC_DIR (hidden ones
//!                                    included, nothing excluded) into one pack file
//!   bench-floor write PACK DEST_DIR  timed: read the pack, write the same bytes to the same
//!                                    relative paths under DEST_DIR, creating folders; nothing else
//!
//! Pack format (little endian): u64 file count, then per file: u32 path length, path bytes
//! (relative, `/`-separated), u64 data length, data.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("pack") if args.len() == 4 => pack(Path::new(&args[2]), Path::new(&args[3])),
        Some("write") if args.len() == 4 => write(Path::new(&args[2]), Path::new(&args[3])),
        _ => {
            eprintln!("usage: bench-floor pack SRC_DIR PACK | bench-floor write PACK DEST_DIR");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-floor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(root).expect("under root");
            let rel = rel
                .to_str()
                .ok_or_else(|| io::Error::other(format!("non UTF-8 path {}", path.display())))?
                .to_owned();
            out.push((rel, path));
        } else {
            return Err(io::Error::other(format!("not a file or folder: {}", path.display())));
        }
    }
    Ok(())
}

fn pack(src: &Path, pack: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    collect(src, src, &mut files)?;
    let mut buf = Vec::new();
    buf.extend_from_slice(&(files.len() as u64).to_le_bytes());
    let mut bytes = 0usize;
    for (rel, path) in &files {
        let data = fs::read(path)?;
        bytes += data.len();
        buf.extend_from_slice(&(rel.len() as u32).to_le_bytes());
        buf.extend_from_slice(rel.as_bytes());
        buf.extend_from_slice(&(data.len() as u64).to_le_bytes());
        buf.extend_from_slice(&data);
    }
    fs::File::create(pack)?.write_all(&buf)?;
    println!("{} files, {} bytes", files.len(), bytes);
    Ok(())
}

fn take<'a>(buf: &'a [u8], at: &mut usize, n: usize) -> io::Result<&'a [u8]> {
    let end = at.checked_add(n).filter(|&e| e <= buf.len()).ok_or_else(|| io::Error::other("truncated pack"))?;
    let s = &buf[*at..end];
    *at = end;
    Ok(s)
}

fn write(pack: &Path, dest: &Path) -> io::Result<()> {
    let buf = fs::read(pack)?;
    let mut at = 0;
    let count = u64::from_le_bytes(take(&buf, &mut at, 8)?.try_into().unwrap());
    let mut made: HashSet<PathBuf> = HashSet::new();
    for _ in 0..count {
        let len = u32::from_le_bytes(take(&buf, &mut at, 4)?.try_into().unwrap()) as usize;
        let rel = std::str::from_utf8(take(&buf, &mut at, len)?).map_err(io::Error::other)?;
        let len = u64::from_le_bytes(take(&buf, &mut at, 8)?.try_into().unwrap()) as usize;
        let data = take(&buf, &mut at, len)?;
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            if !made.contains(parent) {
                fs::create_dir_all(parent)?;
                made.insert(parent.to_path_buf());
            }
        }
        fs::write(&path, data)?;
    }
    Ok(())
}
