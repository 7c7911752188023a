//! Where the time of a check goes: loads the `.kpi` files under a directory
//! and times each phase once, one after the other on one thread (so the sum
//! is more than `kpic check` takes on two cores):
//! `cargo run --release --example phases -- target/bench-model`.

use kpic::diagnostics::render::{Color, render_human};
use kpic::source::{SourceFile, SourceMap};
use kpic::{Options, graph, lints, resolve, syntax, targets, units};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

// The allocator of the `kpic` binary, so the figures are those of `kpic check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn kpi_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            kpi_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "kpi") {
            out.push(p);
        }
    }
}

/// `println!` that does not panic when the reader went away (`| head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Runs `f`, prints how long it took, and returns its result.
fn timed<T>(what: &str, bytes: usize, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    let secs = start.elapsed().as_secs_f64();
    say!(
        "{what:<28} {:>9.1} ms {:>9.1} MB/s {:>8} MB resident",
        secs * 1e3,
        bytes as f64 / secs / 1e6,
        resident_mb().map_or("-".to_string(), |mb| mb.to_string())
    );
    result
}

/// The memory the process holds now (Linux only).
fn resident_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-model".into());
    let mut paths = Vec::new();
    kpi_files(Path::new(&dir), &mut paths);
    if paths.is_empty() {
        eprintln!("no .kpi files under {dir}");
        std::process::exit(2);
    }
    let options = Options::default();
    let mut bytes = 0;
    let map = timed("read files", 0, || {
        let mut map = SourceMap::new();
        for p in &paths {
            match std::fs::read(p) {
                Ok(b) => {
                    bytes += b.len();
                    map.add(SourceFile::from_bytes(p.display().to_string(), b));
                }
                Err(e) => eprintln!("cannot read {}: {e}", p.display()),
            }
        }
        map
    });
    say!("{} files, {:.1} MB", paths.len(), bytes as f64 / 1e6);
    let (files, mut diags) = timed("parse", bytes, || syntax::parse_all(&map));
    let model = timed("resolve", bytes, || resolve::resolve(files, &mut diags));
    let formulas = timed("formula graph", bytes, || {
        graph::check_formula_dependencies(&model, &mut diags)
    });
    let typing = timed("units", bytes, || {
        units::check_units(&model, &formulas, &mut diags)
    });
    timed("targets and bands", bytes, || {
        targets::check_targets(&model, &typing, options.today, &mut diags)
    });
    timed("chains", bytes, || graph::check_chains(&model, &mut diags));
    timed("method lints", bytes, || {
        lints::check_method(&model, &options.lints.limits, &mut diags)
    });
    timed("lint levels and sorting", bytes, || {
        lints::config::apply(&mut diags, &options.lints, &model);
        kpic::diagnostics::sort(&mut diags);
    });
    let text = timed("render diagnostics", bytes, || {
        render_human(&diags, &map, Color::Never)
    });
    say!(
        "{} diagnostics, {} bytes of report",
        diags.len(),
        text.len()
    );
    timed("drop the model", bytes, || drop(model));
}
