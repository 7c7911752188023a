//! The `kpic` command: parses arguments, runs the command, maps the result to
//! an exit code (0 clean or warnings, 1 errors in the model, 2 usage or I/O).

mod cli;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

// A model of thousands of KPIs is hundreds of thousands of small allocations;
// mimalloc makes them (and the page faults behind them) about twice as cheap
// as the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    // See `STACK_SIZE`: a generous stack keeps debug builds safe too.
    let worker = std::thread::Builder::new()
        .stack_size(kpic::STACK_SIZE)
        .spawn(move || cli::run(args));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "kpic: internal error: the checker stopped unexpectedly; please report this with the input that caused it"
            );
            ExitCode::from(101)
        }
    }
}
