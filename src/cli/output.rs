//! Writing output files atomically: each file is written to a temporary file
//! in its directory and renamed into place only when every file of the run is
//! written, so a failed or interrupted run never leaves a half-written file
//! behind and never replaces part of the previous output.

use super::project::UsageError;
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::TempPath;

/// The files of one run, written to temporary files beside their final
/// paths as they are produced (so a site of 100,000 pages is never all in
/// memory, and no file stays open). [`Staging::commit`] renames them into
/// place; dropped without a commit, the temporary files are removed and the
/// previous output is untouched.
///
/// A run that is killed leaves its temporary files (`.kpic-*.tmp`) behind;
/// the next run that writes into that directory removes them.
#[derive(Default)]
pub struct Staging {
    staged: Vec<(TempPath, PathBuf)>,
    /// Directories already cleared of an earlier run's temporary files.
    cleared: std::collections::HashSet<PathBuf>,
}

impl Staging {
    /// Writes `bytes` to a temporary file for `path`.
    pub fn add(&mut self, path: PathBuf, bytes: &[u8]) -> Result<(), UsageError> {
        self.write(path, |w| w.write_all(bytes))
    }

    /// Stages a file whose content `write` writes (buffered), so that a
    /// large output goes to disk as it is produced.
    pub fn write(
        &mut self,
        path: PathBuf,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), UsageError> {
        if path.is_dir() {
            return Err(UsageError(format!(
                "cannot write `{}`: it is a directory",
                path.display()
            )));
        }
        if let Some(dir) = path.parent()
            && self.cleared.insert(dir.to_path_buf())
        {
            remove_leftovers(dir);
        }
        // Generated files are not synced to disk one by one: the rename is
        // what makes a file appear whole (a run that is killed leaves only
        // temporary files), and syncing every page of a large site costs
        // more than building it.
        let tmp = stage(&path, write, false, None)?;
        self.staged.push((tmp, path));
        Ok(())
    }

    /// How many files are staged.
    pub fn len(&self) -> usize {
        self.staged.len()
    }

    /// Renames every staged file into place.
    pub fn commit(self) -> Result<(), UsageError> {
        for (tmp, path) in self.staged {
            tmp.persist(&path).map_err(|e| {
                UsageError(format!("cannot write `{}`: {}", path.display(), e.error))
            })?;
        }
        Ok(())
    }
}

/// Removes the temporary files an interrupted run left in `dir` (best
/// effort: a file that cannot be removed is left).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The names of temporary files: `.kpic-XXXXXX.tmp`.
const TEMP_PREFIX: &str = ".kpic-";
const TEMP_SUFFIX: &str = ".tmp";

/// Writes bytes to a closed temporary file beside `path` (removed again if
/// dropped), with the given permissions (default: readable by everyone),
/// synced to disk when `sync` is set.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    sync: bool,
    permissions: Option<std::fs::Permissions>,
) -> Result<TempPath, UsageError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| UsageError(format!("cannot write `{}`: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(fail)?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        write(&mut buffered).map_err(fail)?;
        buffered.flush().map_err(fail)?;
    }
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(fail)?;
    } else {
        // tempfile creates files only the owner can read; outputs are for
        // everyone (a docs site is often served by a web server).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(fail)?;
        }
    }
    if sync {
        tmp.as_file().sync_all().map_err(fail)?;
    }
    Ok(tmp.into_temp_path())
}

/// Replaces a file people wrote (`kpic fmt`) with `new`, atomically: the new
/// text is written beside it, synced to disk, given the old file's
/// permissions and owner, and renamed into place, so the file is never
/// truncated or half-written. Nothing is written when the file no longer
/// holds `old` (it was saved again meanwhile) or its owner cannot be kept.
pub fn replace(path: &Path, old: &[u8], new: &[u8]) -> Result<(), UsageError> {
    let fail = |why: String| UsageError(format!("cannot write `{}`: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    let tmp = stage(path, |w| w.write_all(new), true, Some(meta.permissions()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let owner = (meta.uid(), meta.gid());
        let same = std::fs::metadata(&tmp).map(|m| (m.uid(), m.gid()));
        if same.as_ref().ok() != Some(&owner)
            && std::os::unix::fs::chown(&tmp, Some(owner.0), Some(owner.1)).is_err()
        {
            return Err(fail(
                "its owner could not be kept (format it as the user who owns it)".into(),
            ));
        }
    }
    if std::fs::read(path).map_err(|e| fail(e.to_string()))? != old {
        return Err(fail(
            "it changed while it was being formatted; run kpic fmt again".into(),
        ));
    }
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
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
