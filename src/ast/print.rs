//! Canonical text of formulas, units and quantities, as the spec, the docs and
//! diagnostics show them: one space around operators, `%` next to its number.

use super::*;

/// A unit as written, canonically spaced: `EUR / session`, `m^2`.
pub fn unit_text(u: &UnitExpr) -> String {
    let mut out = String::new();
    for (i, f) in u.factors.iter().enumerate() {
        let power = if i == 0 { f.power } else { f.power.abs() };
        if i > 0 {
            out.push_str(if f.power < 0 { " / " } else { " * " });
        }
        out.push_str(&f.name.text);
        if power != 1 {
            out.push_str(&format!("^{power}"));
        }
    }
    out
}

/// A number with its unit: `30%`, `2 d`, `2.40 EUR / session`.
pub fn quantity_text(q: &Quantity) -> String {
    number_with_unit(&q.text, q.unit.as_ref())
}

fn number_with_unit(number: &str, unit: Option<&UnitExpr>) -> String {
    match unit {
        Some(u)
            if u.factors.len() == 1 && u.factors[0].name.text == "%" && u.factors[0].power == 1 =>
        {
            format!("{number}%")
        }
        Some(u) => format!("{number} {}", unit_text(u)),
        None => number.to_string(),
    }
}

/// How `write_expr` prints the parts where the formatter needs more than the
/// canonical text.
#[derive(Clone, Copy, Default)]
pub struct Style<'a> {
    /// The file's text: strings are copied as written (escapes included).
    pub source: Option<&'a str>,
    /// Indentation of a continuation line: a unit cast followed by `*` or `/`
    /// then ends its line, because the unit after `as` runs to the end of the
    /// line (`sum(x) as EUR / count(y)` would read `EUR / count` as the unit).
    pub continuation: Option<&'a str>,
}

/// A formula in canonical notation.
pub fn expr_text(e: &Expr) -> String {
    expr_text_with(e, Style::default())
}

/// A formula in canonical notation, with the formatter's choices.
pub fn expr_text_with(e: &Expr, style: Style<'_>) -> String {
    let mut out = String::new();
    write_expr(e, style, &mut out);
    out
}

fn write_expr(e: &Expr, style: Style<'_>, out: &mut String) {
    match &e.kind {
        ExprKind::Number { text, unit, .. } => out.push_str(&number_with_unit(text, unit.as_ref())),
        ExprKind::Text(_)
            if style
                .source
                .and_then(|s| s.get(e.span.range()))
                .is_some_and(|raw| raw.starts_with('"')) =>
        {
            out.push_str(
                style
                    .source
                    .and_then(|s| s.get(e.span.range()))
                    .unwrap_or_default(),
            );
        }
        ExprKind::Text(t) => {
            out.push('"');
            for c in t.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
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
                write_expr(a, style, out);
            }
            if let Some(f) = filter {
                out.push_str(" where ");
                write_expr(f, style, out);
            }
            out.push(')');
        }
        ExprKind::Arith { first, rest } => {
            write_expr(first, style, out);
            let mut before = first.as_ref();
            for (op, _, operand) in rest {
                let unit_runs_on = matches!(before.kind, ExprKind::Cast { .. })
                    && matches!(op, ArithOp::Mul | ArithOp::Div);
                match style.continuation.filter(|_| unit_runs_on) {
                    Some(indent) => {
                        out.push('\n');
                        out.push_str(indent);
                    }
                    None => out.push(' '),
                }
                out.push_str(op.as_str());
                out.push(' ');
                write_expr(operand, style, out);
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
                write_expr(operand, style, out);
            }
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            write_expr(lhs, style, out);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(rhs, style, out);
        }
        ExprKind::Not(inner) => {
            out.push_str("not ");
            write_expr(inner, style, out);
        }
        ExprKind::Neg(inner) => {
            out.push('-');
            write_expr(inner, style, out);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(inner, style, out);
            out.push(')');
        }
        ExprKind::Cast { expr, unit } => {
            write_expr(expr, style, out);
            out.push_str(" as ");
            out.push_str(&unit_text(unit));
        }
    }
}
