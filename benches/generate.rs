//! Writes a generated model to a directory, to measure `kpic check` end to end:
//! `cargo run --release --example generate -- 100000 1 target/bench-model`.

#[path = "model_gen.rs"]
mod model_gen;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kpis = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let files = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let dir = std::path::PathBuf::from(
        args.get(3)
            .cloned()
            .unwrap_or_else(|| "target/bench-model".into()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(2);
    }
    for (name, text) in model_gen::model(kpis, files) {
        if let Err(e) = std::fs::write(dir.join(&name), text) {
            eprintln!("cannot write {name}: {e}");
            std::process::exit(2);
        }
    }
}
