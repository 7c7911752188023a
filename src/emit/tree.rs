//! A formula as a JSON tree.

use crate::ast::{Expr, ExprKind, print::unit_text};
use serde_json::{Value, json};

/// The structured form of a formula: `{"op": "div", "args": [...]}`, names and
/// fields as leaves.
pub fn expr_tree(e: &Expr) -> Value {
    match &e.kind {
        ExprKind::Number { value, text, unit } => json!({
            "op": "number",
            "value": value,
            "written": text,
            "unit": unit.as_ref().map(unit_text),
        }),
        ExprKind::Text(t) => json!({ "op": "text", "value": t }),
        ExprKind::Bool(b) => json!({ "op": "bool", "value": b }),
        ExprKind::Name(n) => json!({ "op": "name", "name": *n.text }),
        ExprKind::Field(f) => {
            json!({ "op": "field", "source": *f.source.text, "field": *f.field.text })
        }
        ExprKind::Call {
            function,
            args,
            filter,
        } => json!({
            "op": "call",
            "function": *function.text,
            "args": args.iter().map(expr_tree).collect::<Vec<_>>(),
            "where": filter.as_deref().map(expr_tree),
        }),
        ExprKind::Arith { first, rest } => {
            let additive = rest.first().is_some_and(|(op, _, _)| {
                matches!(op, crate::ast::ArithOp::Add | crate::ast::ArithOp::Sub)
            });
            let mut args =
                vec![json!({ "op": if additive { "+" } else { "*" }, "arg": expr_tree(first) })];
            args.extend(
                rest.iter()
                    .map(|(op, _, e)| json!({ "op": op.as_str(), "arg": expr_tree(e) })),
            );
            json!({ "op": "arith", "terms": args })
        }
        ExprKind::Logic { op, operands } => json!({
            "op": op.as_str(),
            "args": operands.iter().map(expr_tree).collect::<Vec<_>>(),
        }),
        ExprKind::Compare { op, lhs, rhs, .. } => json!({
            "op": op.as_str(),
            "args": [expr_tree(lhs), expr_tree(rhs)],
        }),
        ExprKind::Not(inner) => json!({ "op": "not", "args": [expr_tree(inner)] }),
        ExprKind::Neg(inner) => json!({ "op": "neg", "args": [expr_tree(inner)] }),
        ExprKind::Paren(inner) => expr_tree(inner),
        ExprKind::Cast { expr, unit } => {
            json!({ "op": "as", "args": [expr_tree(expr)], "unit": unit_text(unit) })
        }
    }
}
