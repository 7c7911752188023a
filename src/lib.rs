//! kpic: a compiler for `.kpi` files.
//!
//! The library does no I/O: it takes source texts and returns the model, the
//! diagnostics and the outputs. Modules are listed in pipeline order:
//! source -> syntax (parse + lower to ast) -> resolve (model) -> graph (formula
//! dependencies) -> units -> targets -> graph (chains) -> lints -> emit / docs.
#![deny(clippy::unwrap_used)]

pub mod ast;
pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod lints;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod source;
pub mod syntax;
pub mod targets;
pub mod units;

use ast::Date;
use diagnostics::{Diagnostic, codes};
use graph::{ChainGraph, FormulaGraph};
use lints::LintConfig;
use model::Model;
use source::{SourceMap, Span};
use targets::Goals;
use units::Typing;

/// What a run needs besides the sources.
#[derive(Clone, Debug)]
pub struct Options {
    /// Deadlines before this day are reported as passed.
    pub today: Date,
    pub lints: LintConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            lints: LintConfig::default(),
        }
    }
}

/// Everything kpic knows about a model after checking it.
#[derive(Debug)]
pub struct Analysis {
    pub model: Model,
    pub formulas: FormulaGraph,
    pub typing: Typing,
    pub goals: Goals,
    pub chains: ChainGraph,
    /// Sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// Parses and checks all files of one model.
pub fn analyze(sources: &SourceMap, options: &Options) -> Analysis {
    let mut diags = Vec::new();
    let mut files = Vec::with_capacity(sources.len());
    for (id, file) in sources.iter() {
        if let Some(at) = file.invalid_utf8 {
            let end = file.clamp(at + 1).max(at.min(file.text.len()));
            diags.push(
                Diagnostic::new(&codes::NOT_UTF8, format!("`{}` is not UTF-8 text", file.name), Span::new(id, at.min(file.text.len()), end), "this byte is not UTF-8")
                    .with_help("Save the file as UTF-8 (every editor can); kpic reads .kpi files only as UTF-8 text."),
            );
            continue;
        }
        let (ast, d) = syntax::parse_file(id, file);
        files.push(ast);
        diags.extend(d);
    }
    check_parsed(files, diags, options)
}

/// The phases after parsing, over files parsed already (with the diagnostics
/// of parsing). For callers that parse themselves, such as the language
/// server, which parses again only the items that changed.
pub fn check_parsed(
    files: Vec<ast::File>,
    mut diags: Vec<Diagnostic>,
    options: &Options,
) -> Analysis {
    let model = resolve::resolve(files, &mut diags);
    // Two independent halves, run on two threads: formulas, units and targets
    // on one; chains and the method lints on the other. Their diagnostics are
    // appended in that fixed order, the order of a sequential run.
    let ((formulas, typing, goals, mut first), (chains, mut second)) = both(
        || {
            let mut d = Vec::new();
            let formulas = graph::check_formula_dependencies(&model, &mut d);
            let typing = units::check_units(&model, &formulas, &mut d);
            let goals = targets::check_targets(&model, &typing, options.today, &mut d);
            (formulas, typing, goals, d)
        },
        || {
            let mut d = Vec::new();
            let chains = graph::check_chains(&model, &mut d);
            lints::check_method(&model, &options.lints.limits, &mut d);
            (chains, d)
        },
    );
    diags.append(&mut first);
    diags.append(&mut second);
    lints::config::apply(&mut diags, &options.lints, &model);
    diagnostics::sort(&mut diags);
    Analysis {
        model,
        formulas,
        typing,
        goals,
        chains,
        diagnostics: diags,
    }
}

/// Runs `a` on a second thread and `b` on this one and returns both results;
/// runs them one after the other when no thread can be started.
fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let a = std::sync::Mutex::new(Some(a));
    let run_a = || a.lock().ok().and_then(|mut f| f.take()).map(|f| f());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, run_a);
        let b = b();
        let a = match spawned {
            Ok(handle) => match handle.join() {
                Ok(a) => a,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        };
        match a.or_else(run_a) {
            Some(a) => (a, b),
            None => unreachable!("`a` runs exactly once, on the thread or here"),
        }
    })
}

/// The stack of every thread that checks: checking recurses only as deep as
/// a formula nests (at most 64), but debug builds use big frames.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;
