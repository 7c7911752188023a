//! Formulas for the formatter: `ast::print` with the formatter's style
//! (strings copied as written, a line break after a unit cast followed by
//! `*` or `/`; see `ast::print::Style`).

use crate::ast::Expr;
use crate::ast::print::{Style, expr_text_with};

/// Prints `e`; `continuation` is the indentation of a line that continues the formula.
pub fn formula_text(e: &Expr, source: &str, continuation: &str) -> String {
    expr_text_with(
        e,
        Style {
            source: Some(source),
            continuation: Some(continuation),
        },
    )
}
