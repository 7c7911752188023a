//! `kpic fmt [--check] PATH...`: formats files in place with `kpic::fmt`.

use super::args::{FmtArgs, Format};
use super::project::UsageError;
use super::{CLEAN, MODEL_ERRORS, USAGE, output, report};
use kpic::diagnostics::render::Color;
use kpic::source::{SourceFile, SourceMap};
use std::fs;
use std::path::{Path, PathBuf};

pub fn run(a: &FmtArgs, color: Color) -> Result<u8, UsageError> {
    let files = collect(&a.paths)?;
    let mut refused = 0;
    let mut cannot_write = 0;
    let mut changed = Vec::new();
    for path in &files {
        // A link is formatted where it leads, so the link stays a link.
        let real = fs::canonicalize(path)
            .map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))?;
        if !a.check
            && let Some(why) = cannot_replace(&real)
        {
            errln!("kpic: `{}` not formatted: {why}", path.display());
            cannot_write += 1;
            continue;
        }
        let bytes = fs::read(&real)
            .map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))?;
        let file = SourceFile::from_bytes(path.display().to_string(), bytes.clone());
        match kpic::fmt::format_source(&file) {
            Err(diags) => {
                let mut map = SourceMap::new();
                map.add(file);
                report::print(Format::Human, &diags, &map, color);
                errln!(
                    "kpic: `{}` not formatted: it has syntax errors",
                    path.display()
                );
                refused += 1;
            }
            Ok(text) if text.as_bytes() == bytes.as_slice() => {}
            Ok(text) => {
                if !a.check {
                    output::replace(&real, &bytes, text.as_bytes())?;
                }
                changed.push(path);
            }
        }
    }
    if a.check {
        for p in &changed {
            outln!("{}", p.display());
        }
        if !changed.is_empty() {
            errln!(
                "kpic: {} of {} files would be reformatted",
                changed.len(),
                files.len()
            );
        }
    } else if !changed.is_empty() {
        errln!("kpic: formatted {} of {} files", changed.len(), files.len());
    }
    let unformatted = a.check && !changed.is_empty();
    Ok(if cannot_write > 0 {
        USAGE
    } else if refused > 0 || unformatted {
        MODEL_ERRORS
    } else {
        CLEAN
    })
}

/// The files given, and every `.kpi` file under the directories given (hidden
/// directories skipped), sorted.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, UsageError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = fs::metadata(path)
            .map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())))?;
        if !meta.is_dir() {
            out.push(path.clone());
            continue;
        }
        let before = out.len();
        let mut stack = vec![path.clone()];
        while let Some(dir) = stack.pop() {
            let entries = fs::read_dir(&dir).map_err(|e| {
                UsageError(format!("cannot read directory `{}`: {e}", dir.display()))
            })?;
            for entry in entries.flatten() {
                let p = entry.path();
                if hidden(&p) {
                    continue;
                }
                // Linked directories are not followed (a link to a parent
                // would never end), as when checking; linked files are.
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    stack.push(p);
                } else if !p.is_dir() && p.extension().is_some_and(|e| e == "kpi") {
                    out.push(p);
                }
            }
        }
        if out.len() == before {
            return Err(UsageError(format!(
                "`{}` contains no .kpi files",
                path.display()
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Why `kpic fmt` must not replace this file (which it does by renaming a
/// new file into place), if it must not.
fn cannot_replace(real: &Path) -> Option<&'static str> {
    let Ok(meta) = fs::metadata(real) else {
        return Some("it cannot be read");
    };
    if !meta.is_file() {
        return Some("it is not a regular file");
    }
    if meta.permissions().readonly() {
        return Some("the file is read-only");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Some(
                "the file has other hard links, which a formatted copy would no longer share; format one of them through a copy, or remove the extra links",
            );
        }
    }
    None
}

fn hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
