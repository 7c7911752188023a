//! The KPI method as lints: each rule of the guide (`domain.md`) that is not
//! already an error elsewhere, with a stable code and a default severity that
//! users can change (see `config`).

pub mod config;
mod duplicate_formula;
mod levels;
mod north_star;
mod required;
mod unused;

pub use config::{Limits, LintConfig};
pub use levels::kpis_by_level;

use crate::diagnostics::Diagnostic;
use crate::model::Model;

/// Runs every method lint.
pub fn check_method(m: &Model, limits: &Limits, diags: &mut Vec<Diagnostic>) {
    required::check_required(m, diags);
    levels::check_levels(m, limits, diags);
    north_star::check_north_star(m, diags);
    duplicate_formula::check_duplicate_formulas(m, diags);
    unused::check_unused(m, diags);
}
