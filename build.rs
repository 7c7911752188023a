//! Embeds the explanation of every diagnostic code (docs/diagnostics/*.md) into
//! the binary for `kpic explain`. A test checks that every code has one.

use std::fs;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Ok(read) = fs::read_dir(&dir) {
        for entry in read.flatten() {
            let path = entry.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().is_some_and(|e| e == "md") && stem.starts_with("KPI") {
                println!("cargo:rerun-if-changed={}", path.display());
                entries.push((stem.to_string(), path.display().to_string()));
            }
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// (code, Markdown explanation) for every file in docs/diagnostics.\npub static EXPLANATIONS: &[(&str, &str)] = &[\n",
    );
    for (code, path) in entries {
        out.push_str(&format!("    ({code:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("explanations.rs");
    if let Err(e) = fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
