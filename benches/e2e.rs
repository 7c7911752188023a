//! `cargo bench --bench e2e`: the real `kpic check`, end to end (reading,
//! parsing, every check, the report), on generated models of 100 to 100,000
//! KPIs in one file and split over 1,000 files. For each model: the best and
//! the median wall time of several runs, the throughput, and the peak memory
//! of the process against the input size; then the scaling of a doubling
//! series, and the goals of docs/performance.md, each marked met or not.
//!
//! Models are written to `target/bench-models/`. `KPIC_BENCH_RUNS` sets the
//! number of runs per model (default 7; the 100,000-KPI models get half).

#[path = "model_gen.rs"]
mod model_gen;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One measured model.
struct Measured {
    kpis: usize,
    files: usize,
    bytes: u64,
    best: f64,
    median: f64,
    peak_bytes: u64,
}

impl Measured {
    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / self.best / 1e6
    }

    fn memory_ratio(&self) -> f64 {
        self.peak_bytes as f64 / self.bytes as f64
    }
}

/// Writes the model to its own directory and returns it with its size.
fn write_model(kpis: usize, files: usize) -> (PathBuf, u64) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-models")
        .join(format!("{kpis}-kpis-{files}-files"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the model directory");
    let mut bytes = 0;
    for (name, text) in model_gen::model(kpis, files) {
        bytes += text.len() as u64;
        std::fs::write(dir.join(name), text).expect("write the model");
    }
    (dir, bytes)
}

/// Runs `kpic check DIR` once: wall seconds and the peak resident memory.
fn run_once(dir: &Path) -> (f64, u64) {
    run_kpic(&["check", "--color", "never"], dir, &[])
}

/// Runs `kpic ARGS DIR EXTRA` once: wall seconds and the peak resident memory.
fn run_kpic(args: &[&str], dir: &Path, extra: &[&str]) -> (f64, u64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .arg(dir)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kpic");
    let (status, peak) = wait_with_peak_memory(child);
    let secs = start.elapsed().as_secs_f64();
    assert!(
        status == Some(0),
        "kpic {args:?} {} exited with {status:?}",
        dir.display()
    );
    (secs, peak)
}

/// Waits for the child; its exit code and peak resident memory in bytes.
#[cfg(unix)]
fn wait_with_peak_memory(child: std::process::Child) -> (Option<i32>, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `usage` is plain old data that wait4 fills in; `pid` is our
    // child, which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // Linux reports the peak in kilobytes.
    (code, usage.ru_maxrss as u64 * 1024)
}

#[cfg(not(unix))]
fn wait_with_peak_memory(mut child: std::process::Child) -> (Option<i32>, u64) {
    let status = child.wait().expect("wait for kpic");
    (status.code(), 0)
}

fn measure(kpis: usize, files: usize, runs: usize) -> Measured {
    let (dir, bytes) = write_model(kpis, files);
    run_once(&dir); // warm the file cache
    let mut times = Vec::with_capacity(runs);
    let mut peak_bytes = 0;
    for _ in 0..runs {
        let (secs, peak) = run_once(&dir);
        times.push(secs);
        peak_bytes = peak_bytes.max(peak);
    }
    times.sort_by(f64::total_cmp);
    let m = Measured {
        kpis,
        files,
        bytes,
        best: times[0],
        median: times[times.len() / 2],
        peak_bytes,
    };
    println!(
        "{:>7} KPIs {:>5} file{} {:>7.1} MB  best {:>8.1} ms  median {:>8.1} ms  {:>6.1} MB/s  peak {:>6.0} MB ({:>4.1}x input)",
        m.kpis,
        m.files,
        if m.files == 1 { " " } else { "s" },
        m.bytes as f64 / 1e6,
        m.best * 1e3,
        m.median * 1e3,
        m.mb_per_s(),
        m.peak_bytes as f64 / 1e6,
        m.memory_ratio(),
    );
    m
}

/// `kpic build` (spec.json, the HTML site and the Markdown page) of a
/// model measured before, once per run, with the size of what it wrote.
fn measure_build(kpis: usize, runs: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-models");
    let model = dir.join(format!("{kpis}-kpis-1-files"));
    let out = dir.join(format!("{kpis}-kpis-out"));
    let bytes = model_bytes(&model);
    let mut best = f64::INFINITY;
    let mut peak = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        let (secs, p) = run_kpic(
            &["build", "--color", "never"],
            &model,
            &["-o", &out.display().to_string()],
        );
        best = best.min(secs);
        peak = peak.max(p);
    }
    let (files, written) = tree_size(&out);
    println!(
        "{kpis:>7} KPIs  build {:>9.1} ms  {:>6.1} MB/s of input  peak {:>6.0} MB  wrote {files} files, {:.0} MB",
        best * 1e3,
        bytes as f64 / best / 1e6,
        peak as f64 / 1e6,
        written as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&out);
}

fn model_bytes(dir: &Path) -> u64 {
    tree_size(dir).1
}

/// The number of files under `dir` and their total size.
fn tree_size(dir: &Path) -> (usize, u64) {
    let mut stack = vec![dir.to_path_buf()];
    let (mut files, mut bytes) = (0, 0);
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => {
                    files += 1;
                    bytes += m.len();
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}

/// A hostile shape: `n` unknown fields in one formula on one line, so `n`
/// diagnostics on a line of `n * 20` bytes (this was quadratic once:
/// every column was counted from the start of its line).
fn diagnostics_on_one_line(n: usize) -> (PathBuf, u64) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-models")
        .join(format!("{n}-diagnostics-on-one-line"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the model directory");
    let terms: Vec<String> = (0..n).map(|i| format!("sum(s.nope{i})")).collect();
    let text = format!(
        "unit order: count\nsource s \"S\" {{\n  rows order\n  field amount: EUR\n}}\nmetric m = {}\n",
        terms.join(" + ")
    );
    std::fs::write(dir.join("model.kpi"), &text).expect("write the model");
    (dir, text.len() as u64)
}

/// A hostile shape: `n` unit multiples, each defined through the next one
/// (this was quadratic once: multiples were worked out in rounds).
fn units_declared_backwards(n: usize) -> (PathBuf, u64) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-models")
        .join(format!("{n}-units-declared-backwards"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the model directory");
    let mut text: String = (0..n)
        .map(|i| format!("unit u{i} = 1 u{}\n", i + 1))
        .collect();
    text.push_str(&format!("unit u{n} = 1 EUR\n"));
    std::fs::write(dir.join("model.kpi"), &text).expect("write the model");
    (dir, text.len() as u64)
}

/// The best time of `kpic check --format json DIR`, which must exit `code`.
fn best_check(dir: &Path, runs: usize, code: i32) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_kpic"))
                .args(["check", "--format", "json"])
                .arg(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run kpic");
            assert_eq!(status.code(), Some(code), "{}", dir.display());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Times one hostile shape at three sizes, each twice the last; whether no
/// doubling cost more than 2.5x. These runs take tens of milliseconds, where
/// page faults make times jumpy (what was quadratic here took 4x).
fn hostile(
    what: &str,
    sizes: [usize; 3],
    make: impl Fn(usize) -> (PathBuf, u64),
    time: impl Fn(&Path) -> f64,
) -> bool {
    let times: Vec<f64> = sizes
        .iter()
        .map(|&n| {
            let (dir, bytes) = make(n);
            let best = time(&dir);
            println!(
                "  {n:>6} {what}, {:>5.1} MB: {:>7.1} ms",
                bytes as f64 / 1e6,
                best * 1e3
            );
            best
        })
        .collect();
    times.windows(2).all(|w| w[1] / w[0] <= 2.5)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT MET" }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let runs: usize = std::env::var("KPIC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7)
        .max(1);
    println!("kpic check end to end ({runs} runs per model, best and median)");
    let mut all = Vec::new();
    for (kpis, files) in [
        (100, 1),
        (1_000, 1),
        (10_000, 1),
        (12_500, 1),
        (25_000, 1),
        (50_000, 1),
        (100_000, 1),
        (10_000, 1_000),
        (100_000, 1_000),
    ] {
        let runs = if kpis >= 100_000 {
            runs.div_ceil(2)
        } else {
            runs
        };
        all.push(measure(kpis, files, runs));
    }
    let find = |kpis: usize, files: usize| {
        all.iter()
            .find(|m| m.kpis == kpis && m.files == files)
            .expect("measured")
    };

    println!("\nscaling (one file, best times): each doubling must cost at most 2.2x");
    let mut scaling_ok = true;
    for pair in [12_500, 25_000, 50_000, 100_000].windows(2) {
        let (a, b) = (find(pair[0], 1), find(pair[1], 1));
        let ratio = b.best / a.best;
        scaling_ok &= ratio <= 2.2;
        println!(
            "  {:>7} -> {:>7} KPIs: {:.2}x the time, {:.2}x the memory",
            a.kpis,
            b.kpis,
            ratio,
            b.peak_bytes as f64 / a.peak_bytes as f64
        );
    }

    println!("\nhostile shapes (kpic check --format json, best time)");
    let runs_small = runs.div_ceil(2);
    let hostile_ok = hostile(
        "diagnostics on one line",
        [5_000, 10_000, 20_000],
        diagnostics_on_one_line,
        |dir| best_check(dir, runs_small, 1),
    ) & hostile(
        "unit multiples, each through the next",
        [20_000, 40_000, 80_000],
        units_declared_backwards,
        |dir| best_check(dir, runs_small, 0),
    );

    println!("\nkpic build: spec.json, HTML site and Markdown (best of the runs)");
    measure_build(1_000, runs);
    measure_build(10_000, runs.div_ceil(2));
    measure_build(100_000, 1);

    let ten = find(10_000, 1);
    let hundred = find(100_000, 1);
    let memory = all
        .iter()
        .filter(|m| m.kpis >= 10_000)
        .map(Measured::memory_ratio)
        .fold(0.0, f64::max);
    println!("\ngoals");
    println!(
        "  check of 10,000 KPIs under 200 ms:          {:>7.1} ms    {}",
        ten.best * 1e3,
        verdict(ten.best < 0.2)
    );
    println!(
        "  at least 30 MB/s on 100,000 KPIs:           {:>7.1} MB/s  {}",
        hundred.mb_per_s(),
        verdict(hundred.mb_per_s() >= 30.0)
    );
    println!(
        "  peak memory under 20x the input (>= 10,000 KPIs): {:.1}x  {}",
        memory,
        verdict(memory < 20.0)
    );
    println!(
        "  doubling at most doubles the time (+10%):         {}",
        verdict(scaling_ok)
    );
    println!(
        "  no quadratic time on the hostile shapes (<= 2.5x): {}",
        verdict(hostile_ok)
    );
}
