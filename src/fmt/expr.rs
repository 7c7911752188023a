//! Formulas in canonical notation for the formatter: the text of
//! `ast::print::expr_text` (one space around operators, the user's parentheses
//! kept), with two differences that keep the meaning of the source:
//! - text literals are copied as written (escapes included);
//! - a unit cast followed by `*` or `/` ends its line, because the unit after
//!   `as` runs to the end of the line (`sum(x) as EUR / count(y)` would read
//!   `EUR / count` as the unit).

use crate::ast::print::unit_text;
use crate::ast::{ArithOp, Expr, ExprKind};

/// Prints `e`; `continuation` is the indentation of a line that continues the formula.
pub fn formula_text(e: &Expr, source: &str, continuation: &str) -> String {
    let mut out = String::new();
    write(e, source, continuation, &mut out);
    out
}

fn write(e: &Expr, source: &str, cont: &str, out: &mut String) {
    match &e.kind {
        ExprKind::Number { text, unit, .. } => match unit {
            Some(u) if u.factors.len() == 1 && u.factors[0].name.text == "%" => {
                out.push_str(text);
                out.push('%');
            }
            Some(u) => {
                out.push_str(text);
                out.push(' ');
                out.push_str(&unit_text(u));
            }
            None => out.push_str(text),
        },
        ExprKind::Text(t) => match source.get(e.span.range()) {
            Some(raw) if raw.starts_with('"') => out.push_str(raw),
            _ => out.push_str(&crate::ast::print::expr_text(&Expr {
                kind: ExprKind::Text(t.clone()),
                span: e.span,
            })),
        },
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Name(n) => out.push_str(&n.text),
        ExprKind::Field(f) => {
            out.push_str(&f.source.text);
            out.push('.');
            out.push_str(&f.field.text);
        }
        ExprKind::Call {
            function,
            args,
            filter,
        } => {
            out.push_str(&function.text);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(a, source, cont, out);
            }
            if let Some(f) = filter {
                out.push_str(" where ");
                write(f, source, cont, out);
            }
            out.push(')');
        }
        ExprKind::Arith { first, rest } => {
            write(first, source, cont, out);
            let mut before = first.as_ref();
            for (op, _, operand) in rest {
                let unit_runs_on = matches!(before.kind, ExprKind::Cast { .. })
                    && matches!(op, ArithOp::Mul | ArithOp::Div);
                if unit_runs_on {
                    out.push('\n');
                    out.push_str(cont);
                } else {
                    out.push(' ');
                }
                out.push_str(op.as_str());
                out.push(' ');
                write(operand, source, cont, out);
                before = operand;
            }
        }
        ExprKind::Logic { op, operands } => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                    out.push_str(op.as_str());
                    out.push(' ');
                }
                write(operand, source, cont, out);
            }
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            write(lhs, source, cont, out);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write(rhs, source, cont, out);
        }
        ExprKind::Not(inner) => {
            out.push_str("not ");
            write(inner, source, cont, out);
        }
        ExprKind::Neg(inner) => {
            out.push('-');
            write(inner, source, cont, out);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write(inner, source, cont, out);
            out.push(')');
        }
        ExprKind::Cast { expr, unit } => {
            write(expr, source, cont, out);
            out.push_str(" as ");
            out.push_str(&unit_text(unit));
        }
    }
}
