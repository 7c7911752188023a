//! "One truth": two KPIs that compute the same thing under different names.
//! Formulas are compared structurally, so `a + b` equals `b + a`.

use crate::ast::print::expr_text;
use crate::ast::{ArithOp, CompareOp, Expr, ExprKind};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::Model;
use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;

/// A key that is equal for formulas that differ only in the order of
/// commutative operands and in parentheses.
pub fn structural_key(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Paren(inner) => structural_key(inner),
        ExprKind::Arith { first, rest } => {
            let additive = rest
                .first()
                .is_some_and(|(op, _, _)| matches!(op, ArithOp::Add | ArithOp::Sub));
            let mut parts: Vec<String> =
                std::iter::once((if additive { ArithOp::Add } else { ArithOp::Mul }, &**first))
                    .chain(rest.iter().map(|(op, _, e)| (*op, e)))
                    .map(|(op, e)| format!("{}{}", op.as_str(), structural_key(e)))
                    .collect();
            parts.sort();
            format!("({})", parts.join(" "))
        }
        ExprKind::Logic { op, operands } => {
            let mut parts: Vec<String> = operands.iter().map(structural_key).collect();
            parts.sort();
            format!("({} {})", op.as_str(), parts.join(" "))
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            let (l, r) = (structural_key(lhs), structural_key(rhs));
            match op {
                CompareOp::Eq | CompareOp::Ne if r < l => format!("({} {r} {l})", op.as_str()),
                CompareOp::Gt => format!("(< {r} {l})"),
                CompareOp::Ge => format!("(<= {r} {l})"),
                _ => format!("({} {l} {r})", op.as_str()),
            }
        }
        ExprKind::Call {
            function,
            args,
            filter,
        } => {
            let mut s = format!("{}(", function.text);
            for a in args {
                s.push_str(&structural_key(a));
                s.push(',');
            }
            if let Some(f) = filter {
                s.push_str(" where ");
                s.push_str(&structural_key(f));
            }
            s.push(')');
            s
        }
        ExprKind::Not(inner) => format!("(not {})", structural_key(inner)),
        ExprKind::Neg(inner) => format!("(- {})", structural_key(inner)),
        ExprKind::Cast { expr, unit } => format!(
            "({} as {})",
            structural_key(expr),
            crate::ast::print::unit_text(unit)
        ),
        _ => expr_text(e),
    }
}

pub fn check_duplicate_formulas(m: &Model, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, usize> = HashMap::default();
    for (i, k) in m.kpis.iter().enumerate() {
        let Some(f) = &k.attrs.formula else { continue };
        match seen.entry(structural_key(&f.value)) {
            Entry::Occupied(first) => {
                let other = &m.kpis[*first.get()];
                diags.push(
                    Diagnostic::new(
                        &codes::DUPLICATE_FORMULA,
                        format!("`{}` computes the same as `{}`", k.name.text, other.name.text),
                        f.span,
                        "the same formula",
                    )
                    .with_label(other.attrs.formula.as_ref().map_or(other.name.span, |f| f.span), format!("the formula of `{}`", other.name.text))
                    .with_help("One truth: keep one KPI for this number and remove or redefine the other, so that no meeting argues about which figure is right."),
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
}
