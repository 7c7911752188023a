//! Writing output files atomically: each file is written to a temporary file
//! in its directory and renamed into place, so a failed run never leaves a
//! half-written file behind.

use super::project::UsageError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every file so that a failed run changes nothing: all contents go
/// to temporary files first, and only when every one of them is written are
/// they renamed into place (a rename within one directory is atomic).
pub fn write_all(files: &[(PathBuf, String)]) -> Result<(), UsageError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, text) in files {
        if path.is_dir() {
            return Err(UsageError(format!(
                "cannot write `{}`: it is a directory",
                path.display()
            )));
        }
        staged.push((stage(path, text.as_bytes())?, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| UsageError(format!("cannot write `{}`: {}", path.display(), e.error)))?;
    }
    Ok(())
}

/// Writes bytes to a temporary file beside `path` (removed again if dropped).
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, UsageError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| UsageError(format!("cannot write `{}`: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kpic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    // tempfile creates files only the owner can read; outputs are for everyone
    // (a docs site is often served by a web server).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    Ok(tmp)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| UsageError(format!("cannot write `{}`: {}", path.display(), e.error)))?;
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
