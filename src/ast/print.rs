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

/// A formula in canonical notation.
pub fn expr_text(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(e, &mut out);
    out
}

fn write_expr(e: &Expr, out: &mut String) {
    match &e.kind {
        ExprKind::Number { text, unit, .. } => out.push_str(&number_with_unit(text, unit.as_ref())),
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
                write_expr(a, out);
            }
            if let Some(f) = filter {
                out.push_str(" where ");
                write_expr(f, out);
            }
            out.push(')');
        }
        ExprKind::Arith { first, rest } => {
            write_expr(first, out);
            for (op, _, operand) in rest {
                out.push(' ');
                out.push_str(op.as_str());
                out.push(' ');
                write_expr(operand, out);
            }
        }
        ExprKind::Logic { op, operands } => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                    out.push_str(op.as_str());
                    out.push(' ');
                }
                write_expr(operand, out);
            }
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            write_expr(lhs, out);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(rhs, out);
        }
        ExprKind::Not(inner) => {
            out.push_str("not ");
            write_expr(inner, out);
        }
        ExprKind::Neg(inner) => {
            out.push('-');
            write_expr(inner, out);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(inner, out);
            out.push(')');
        }
        ExprKind::Cast { expr, unit } => {
            write_expr(expr, out);
            out.push_str(" as ");
            out.push_str(&unit_text(unit));
        }
    }
}
