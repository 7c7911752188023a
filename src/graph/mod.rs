//! Graphs over the model: formula dependencies (metrics and KPIs used inside
//! formulas) and the cause -> effect graph of the chains. Both must be acyclic;
//! every algorithm here is iterative and linear in nodes plus edges.

mod chains;
mod cycles;
mod deps;

pub use chains::{ChainEdge, ChainGraph, check_chains};
pub use cycles::{SHOWN_STEPS, cycle_text, find_cycles};
pub use deps::{FormulaGraph, check_formula_dependencies};
