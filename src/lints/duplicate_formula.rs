//! "One truth": two KPIs that compute the same thing under different names.
//! Formulas are compared structurally, so `a + b` equals `b + a`.

use crate::ast::print::expr_text;
use crate::ast::{ArithOp, CompareOp, Expr, ExprKind};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::Model;
use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::hash::{Hash, Hasher};

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

/// A hash that is equal whenever [`structural_key`] is, computed without
/// building strings: formulas are grouped by it, and only formulas with the
/// same hash are compared by their keys.
fn structural_hash(e: &Expr) -> u64 {
    let mut h = FxHasher::default();
    match &e.kind {
        ExprKind::Paren(inner) => return structural_hash(inner),
        ExprKind::Arith { first, rest } => {
            let additive = rest
                .first()
                .is_some_and(|(op, _, _)| matches!(op, ArithOp::Add | ArithOp::Sub));
            let lead = if additive { ArithOp::Add } else { ArithOp::Mul };
            let mut parts: Vec<(ArithOp, u64)> = std::iter::once((lead, &**first))
                .chain(rest.iter().map(|(op, _, e)| (*op, e)))
                .map(|(op, e)| (op, structural_hash(e)))
                .collect();
            parts.sort_unstable();
            (1u8, parts).hash(&mut h);
        }
        ExprKind::Logic { op, operands } => {
            let mut parts: Vec<u64> = operands.iter().map(structural_hash).collect();
            parts.sort_unstable();
            (2u8, op, parts).hash(&mut h);
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            let (l, r) = (structural_hash(lhs), structural_hash(rhs));
            match op {
                CompareOp::Eq | CompareOp::Ne => (3u8, op, l.min(r), l.max(r)).hash(&mut h),
                CompareOp::Gt => (3u8, CompareOp::Lt, r, l).hash(&mut h),
                CompareOp::Ge => (3u8, CompareOp::Le, r, l).hash(&mut h),
                _ => (3u8, op, l, r).hash(&mut h),
            }
        }
        ExprKind::Call {
            function,
            args,
            filter,
        } => {
            (4u8, &function.text).hash(&mut h);
            for a in args {
                structural_hash(a).hash(&mut h);
            }
            filter.as_deref().map(structural_hash).hash(&mut h);
        }
        ExprKind::Not(inner) => (5u8, structural_hash(inner)).hash(&mut h),
        ExprKind::Neg(inner) => (6u8, structural_hash(inner)).hash(&mut h),
        ExprKind::Cast { expr, unit } => (
            7u8,
            structural_hash(expr),
            crate::ast::print::unit_text(unit),
        )
            .hash(&mut h),
        // Leaves: the key is the text as written.
        ExprKind::Name(n) => (8u8, &n.text).hash(&mut h),
        ExprKind::Field(f) => (9u8, &f.source.text, &f.field.text).hash(&mut h),
        _ => (10u8, expr_text(e)).hash(&mut h),
    }
    h.finish()
}

pub fn check_duplicate_formulas(m: &Model, diags: &mut Vec<Diagnostic>) {
    // Per structural hash, the KPIs with distinct formulas seen so far.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, k) in m.kpis.iter().enumerate() {
        let Some(f) = &k.attrs.formula else { continue };
        let same_hash = seen.entry(structural_hash(&f.value)).or_default();
        let formula_of = |j: usize| m.kpis[j].attrs.formula.as_ref().map(|f| &f.value);
        let first = match same_hash.as_slice() {
            [] => None,
            candidates => {
                let key = structural_key(&f.value);
                candidates
                    .iter()
                    .copied()
                    .find(|&j| formula_of(j).is_some_and(|g| structural_key(g) == key))
            }
        };
        let Some(first) = first else {
            same_hash.push(i);
            continue;
        };
        let other = &m.kpis[first];
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};

    fn formula(text: &str) -> Expr {
        let file = SourceFile::new("t.kpi", format!("metric m = {text}\n"));
        let (ast, diags) = crate::syntax::parse_file(FileId(0), &file);
        assert!(diags.is_empty(), "{text}: {diags:?}");
        match ast.items.into_iter().next() {
            Some(crate::ast::Item::Metric(m)) => m.attrs.formula.expect("a formula").value,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn equal_keys_have_equal_hashes() {
        let same = [
            ("a + b", "b + a"),
            ("a * b / c", "b * a / c"),
            ("(a + b) / b", "(b + a) / b"),
            ("x = 1", "1 = x"),
            ("a > b", "b < a"),
            ("a >= b", "b <= a"),
            ("sum(s.x where s.y and s.z)", "sum(s.x where s.z and s.y)"),
            ("a or not b", "not b or a"),
            ("a - b + c", "c + a - b"),
        ];
        let different = [
            ("a - b", "b - a"),
            ("a / b", "b / a"),
            ("a < b", "b < a"),
            ("sum(s.x)", "avg(s.x)"),
            ("a + b * c", "(a + b) * c"),
            ("previous(a, 1 year)", "previous(a, 2 year)"),
        ];
        for (x, y) in same {
            let (x, y) = (formula(x), formula(y));
            assert_eq!(structural_key(&x), structural_key(&y));
            assert_eq!(structural_hash(&x), structural_hash(&y));
        }
        for (x, y) in different {
            assert_ne!(structural_key(&formula(x)), structural_key(&formula(y)));
        }
    }
}
