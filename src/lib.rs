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
mod parallel;
pub mod resolve;
pub mod source;
pub mod syntax;
pub mod targets;
pub mod units;

use ast::Date;
use diagnostics::Diagnostic;
use graph::{ChainGraph, FormulaGraph};
use lints::LintConfig;
use model::Model;
use source::SourceMap;
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
    let (files, diags) = syntax::parse_all(sources);
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
    let ((formulas, typing, goals, mut first), (chains, mut second)) = parallel::both(
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

/// The stack of every thread that checks: checking recurses only as deep as
/// a formula nests (at most 64), but debug builds use big frames.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;
