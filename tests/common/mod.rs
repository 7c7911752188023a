//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fuzz;
pub mod invariants;
pub mod models;

use kpic::ast::Date;
use kpic::diagnostics::codes;
use kpic::diagnostics::render::{Color, render_human};
use kpic::diagnostics::{Diagnostic, Severity};
use kpic::source::{SourceFile, SourceMap};
use kpic::{Analysis, Options, analyze};
use std::path::{Path, PathBuf};

/// A fixed "today", so that past-deadline notes do not change with the clock.
pub const TODAY: Date = Date {
    year: 2026,
    month: 12,
    day: 3,
};

/// Lints about the shape of a whole model (how many KPIs per level, ...) that
/// a one-KPI fixture always triggers; fixtures for other codes silence them so
/// that each fixture shows exactly the diagnostic it is about.
pub const MODEL_SHAPE: &[&str] = &["KPI509", "KPI510", "KPI511", "KPI517", "KPI317", "KPI515"];

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.kpi` file under a directory, sorted, relative to the crate root.
pub fn kpi_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read fixture dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "kpi") {
                out.push(p.strip_prefix(root()).expect("under root").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

pub fn load(files: &[PathBuf]) -> SourceMap {
    let mut map = SourceMap::new();
    for f in files {
        let bytes = std::fs::read(root().join(f)).expect("read source");
        map.add(SourceFile::from_bytes(f.display().to_string(), bytes));
    }
    map
}

pub fn options(expected: Option<&str>) -> Options {
    let mut options = Options {
        today: TODAY,
        ..Options::default()
    };
    for code in MODEL_SHAPE {
        if Some(*code) != expected {
            let c = codes::lookup(code).expect("known code");
            options.lints.levels.push((c, Severity::Allow));
        }
    }
    options
}

pub fn check(files: &[PathBuf], options: &Options) -> (SourceMap, Analysis) {
    let sources = load(files);
    let analysis = analyze(&sources, options);
    (sources, analysis)
}

pub fn shown(a: &Analysis) -> Vec<&Diagnostic> {
    a.diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Allow)
        .collect()
}

pub fn render(a: &Analysis, sources: &SourceMap) -> String {
    render_human(&a.diagnostics, sources, Color::Never)
}

/// The code a fixture declares in its `// expect: KPIxxx` header.
pub fn expected_code(text: &str) -> Option<String> {
    text.lines()
        .take(5)
        .find_map(|l| l.strip_prefix("// expect: "))
        .map(|c| c.trim().to_string())
}
