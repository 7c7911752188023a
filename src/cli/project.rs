//! Finding the models on disk: files, `kpic.toml` roots and their settings.

use kpic::diagnostics::Severity;
use kpic::lints::LintConfig;
use kpic::lints::config::find_lint;
use kpic::source::{SourceFile, SourceMap};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A problem that stops the run before checking: exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl From<kpic::docs::RenderError> for UsageError {
    fn from(e: kpic::docs::RenderError) -> Self {
        UsageError(e.to_string())
    }
}

/// One model: its files and settings.
#[derive(Debug)]
pub struct Project {
    pub name: String,
    pub files: Vec<PathBuf>,
    pub lints: LintConfig,
}

/// Groups the given paths into models. A directory with a `kpic.toml` (or
/// below the given directory) is one model; other files form one model together.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Project>, UsageError> {
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| {
            UsageError(format!(
                "cannot read `{}`: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            if files.is_empty() {
                return Err(UsageError(format!(
                    "`{}` contains no .kpi files",
                    path.display()
                )));
            }
            for f in files {
                let root = root_of(&f, path);
                groups.entry(root).or_default().push(f);
            }
        } else {
            let root = path
                .parent()
                .filter(|p| p.join("kpic.toml").is_file())
                .map(Path::to_path_buf);
            groups.entry(root).or_default().push(path.clone());
        }
    }
    groups
        .into_iter()
        .map(|(root, mut files)| {
            files.sort();
            dedup_files(&mut files);
            let (name, lints) = match &root {
                Some(r) => read_config(r)?,
                None => ("model".to_string(), LintConfig::default()),
            };
            Ok(Project { name, files, lints })
        })
        .collect()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Every .kpi file under a directory, skipping hidden directories. Symbolic
/// links to directories are not followed (no loops); links to files are
/// read, dangling links skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), UsageError> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).map_err(|e| {
            UsageError(format!(
                "cannot read directory `{}`: {}",
                d.display(),
                io_reason(&e)
            ))
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if hidden {
                continue;
            }
            if kind.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "kpi") && p.is_file() {
                out.push(p);
            }
        }
    }
    Ok(())
}

/// Drops files given twice under different spellings (`a.kpi`, `./x/../a.kpi`,
/// a link to it): the first spelling is kept.
fn dedup_files(files: &mut Vec<PathBuf>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
}

/// The nearest directory with a kpic.toml between `file` and `top`.
fn root_of(file: &Path, top: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d.join("kpic.toml").is_file() {
            return Some(d.to_path_buf());
        }
        if d == top {
            break;
        }
        dir = d.parent();
    }
    None
}

/// Reads `kpic.toml`: the model's name, lint levels and KPI-count limits.
fn read_config(root: &Path) -> Result<(String, LintConfig), UsageError> {
    let path = root.join("kpic.toml");
    let text = fs::read_to_string(&path).map_err(|e| {
        UsageError(format!(
            "cannot read `{}`: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    let config = kpic::lints::config::parse_config(&text)
        .map_err(|e| UsageError(format!("`{}`: {e}", path.display())))?;
    let name = config.name.unwrap_or_else(|| {
        root.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("model")
            .to_string()
    });
    Ok((name, config.lints))
}

/// Adds the command line's lint levels (allow, then warn, then deny).
pub fn apply_flags(
    config: &mut LintConfig,
    allow: &[String],
    warn: &[String],
    deny: &[String],
) -> Result<(), UsageError> {
    for (names, level) in [
        (allow, Severity::Allow),
        (warn, Severity::Warning),
        (deny, Severity::Error),
    ] {
        for n in names {
            if level == Severity::Error && n == "warnings" {
                config.deny_warnings = true;
                continue;
            }
            let code = find_lint(n).map_err(UsageError)?;
            config.levels.push((code, level));
        }
    }
    Ok(())
}

/// The bytes of a file, or `None` when it is larger than kpic reads: read
/// with a bound, so a path that never ends (a link to `/dev/zero`) stops
/// there instead of filling the memory.
fn read_bounded(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = fs::File::open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = file.metadata()?.file_type();
        if kind.is_char_device() || kind.is_block_device() {
            return Err(std::io::Error::other("it is a device, not a file"));
        }
    }
    let hint = file.metadata().map_or(0, |m| m.len() as usize);
    let limit = kpic::source::MAX_FILE_SIZE;
    let mut bytes = Vec::with_capacity(hint.min(limit) + 1);
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// Reads a model's files. Unreadable files are usage errors; files that are
/// not UTF-8 are loaded and reported as diagnostics.
pub fn load(project: &Project) -> Result<SourceMap, UsageError> {
    let mut map = SourceMap::new();
    for f in &project.files {
        let bytes = read_bounded(f)
            .map_err(|e| UsageError(format!("cannot read `{}`: {}", f.display(), io_reason(&e))))?
            .ok_or_else(|| UsageError(format!("`{}` is larger than 4 GiB", f.display())))?;
        map.add(SourceFile::from_bytes(f.display().to_string(), bytes));
    }
    Ok(map)
}
