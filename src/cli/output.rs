//! Writing output files atomically: each file is written to a temporary file
//! in its directory and renamed into place, so a failed run never leaves a
//! half-written file behind.

use super::project::UsageError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every file, each atomically. All contents are ready before the first write.
pub fn write_all(files: &[(PathBuf, String)]) -> Result<(), UsageError> {
    for (path, text) in files {
        write_atomic(path, text.as_bytes())?;
    }
    Ok(())
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| UsageError(format!("cannot write `{}`: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kpic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A directory name for a model: lower case, letters, digits and `-`.
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "model".into() } else { s }
}
