//! `kpic fmt [--check] PATH...`: formats files in place with `kpic::fmt`.

use super::args::{FmtArgs, Format};
use super::project::UsageError;
use super::{CLEAN, MODEL_ERRORS, output, report};
use kpic::diagnostics::render::Color;
use kpic::source::{SourceFile, SourceMap};
use std::fs;
use std::path::{Path, PathBuf};

pub fn run(a: &FmtArgs, color: Color) -> Result<u8, UsageError> {
    let files = collect(&a.paths)?;
    let mut refused = 0;
    let mut changed = Vec::new();
    for path in &files {
        let bytes = fs::read(path)
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
                    output::write_atomic(path, text.as_bytes())?;
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
    Ok(if refused > 0 || unformatted {
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
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "kpi") {
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

fn hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
