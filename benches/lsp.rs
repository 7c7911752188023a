//! `cargo bench --bench lsp`: how long after a change to a 1,000-KPI file the
//! editor has fresh diagnostics (the goal is under 50 ms).
//!
//! - `analysis`: in process, the server's work for one change: the new text
//!   into the workspace, the model checked again, diagnostics converted;
//! - `stdio`: end to end through the real `kpic lsp` binary, from writing a
//!   `didChange` to reading the `publishDiagnostics` that answers it, with a
//!   pause between changes as between keystrokes (the server uses idle time
//!   to get the next analysis ready, see `Workspace::prepare`).
//!
//! The edit is a comment line inserted after the 500th KPI, so the text is
//! new each time; only the segment that holds it is parsed again.

#[path = "model_gen.rs"]
mod model_gen;

use criterion::{Criterion, criterion_group, criterion_main};
use kpic::lsp::Workspace;
use serde_json::{Value, json};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn thousand_kpis() -> String {
    model_gen::model(1_000, 1)
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text with a small edit in the middle of the file: a comment line after
/// the 500th KPI (different each time, so each change is a real change).
fn edited(text: &str, i: u64) -> String {
    let middle = text[text.len() / 2..]
        .find("\nkpi ")
        .map_or(text.len(), |p| text.len() / 2 + p + 1);
    format!("{}// edit {i}\n{}", &text[..middle], &text[middle..])
}

/// One change as the server handles it: the new text in, the model checked
/// again, the diagnostics converted. Returns how many diagnostics.
fn change(ws: &mut Workspace, model: &str, uri: &str, text: String) -> usize {
    ws.set_text(uri, text, || "bench".into());
    let snap = ws.snapshot(model);
    let diags: Vec<Value> = snap
        .analysis
        .diagnostics
        .iter()
        .filter_map(|d| kpic::lsp::convert::diagnostic(d, &snap))
        .collect();
    diags.len()
}

fn analysis(c: &mut Criterion) {
    let text = thousand_kpis();
    let uri = "file:///bench/model.kpi";
    let mut ws = Workspace::new(kpic::ast::Date {
        year: 2026,
        month: 12,
        day: 3,
    });
    let model = ws.set_text(uri, text.clone(), || "bench".into());
    ws.snapshot(&model);
    // Between two edits the server copies the parsed items for the next
    // analysis (`Workspace::prepare`, in idle time): not part of the latency.
    ws.prepare(|| false);
    let mut i = 0u64;
    // On a shared machine the wall-clock time depends on the load; the time
    // this thread was on a CPU does not (Linux only).
    let mut cpu = Duration::ZERO;
    let n = 30;
    for _ in 0..n {
        i += 1;
        let edit = edited(&text, i);
        let (Some(before), count, Some(after)) = (
            thread_cpu_ns(),
            black_box(change(&mut ws, &model, uri, edit)),
            thread_cpu_ns(),
        ) else {
            break;
        };
        black_box(count);
        cpu += Duration::from_nanos(after.saturating_sub(before));
        ws.prepare(|| false);
    }
    eprintln!(
        "lsp/analysis_after_change_1000kpis: {:.1} ms of CPU time per change (mean of {n})",
        cpu.as_secs_f64() * 1e3 / n as f64
    );
    let mut group = c.benchmark_group("lsp");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("analysis_after_change_1000kpis", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                i += 1;
                let edit = edited(&text, i);
                let start = Instant::now();
                black_box(change(&mut ws, &model, uri, edit));
                total += start.elapsed();
                ws.prepare(|| false);
            }
            total
        })
    });
    group.finish();
}

/// Nanoseconds this thread has run on a CPU, from /proc/thread-self/schedstat.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).expect("read") > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("json")
    }

    fn wait_for_diagnostics(&mut self) {
        while self.read()["method"] != "textDocument/publishDiagnostics" {}
    }
}

/// Time between two changes in the stdio benchmark, as between keystrokes.
const PAUSE: Duration = Duration::from_millis(100);

fn stdio(c: &mut Criterion) {
    let text = thousand_kpis();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kpic lsp");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut s = Server {
        child,
        stdin,
        stdout,
    };
    let uri = "file:///nonexistent/bench/model.kpi";
    s.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "processId": null, "rootUri": null, "capabilities": {} } }));
    while s.read().get("id") != Some(&json!(1)) {}
    s.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    s.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri, "languageId": "kpi", "version": 1, "text": text } } }));
    s.wait_for_diagnostics();
    let mut version = 1u64;
    let mut group = c.benchmark_group("lsp");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("stdio_didChange_to_diagnostics_1000kpis", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let change = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": edited(&text, version) }] } });
                let start = Instant::now();
                s.send(change);
                s.wait_for_diagnostics();
                total += start.elapsed();
                // A typist's pause before the next change (not measured).
                std::thread::sleep(PAUSE);
            }
            total
        })
    });
    group.finish();
    s.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null }));
    s.send(json!({ "jsonrpc": "2.0", "method": "exit", "params": null }));
    let _ = s.child.wait();
}

criterion_group!(benches, analysis, stdio);
criterion_main!(benches);
