//! Units of measure: the dimension algebra (`dim`), unit names (`registry`),
//! formula typing (`infer`) and the checks that tie formulas, declared units,
//! targets, thresholds and key results together (`values`).
//!
//! **Invariant:** every number kpic compares (targets, thresholds, key results)
//! is first normalised to the unit of the KPI it belongs to; the normalised
//! values are in [`Typing::values`], keyed by the span of the value as written.

pub mod dim;
mod infer;
pub mod registry;
mod values;

pub use dim::{Base, Unit};
pub use infer::{Level, Ty};

use crate::ast::{ArithOp, Expr, ExprKind, print::expr_text};
use crate::diagnostics::{Diagnostic, codes};
use crate::graph::FormulaGraph;
use crate::model::{Model, Symbol};
use crate::source::Span;
use infer::{Env, Infer, Note, Origin};
use registry::{FieldKind, Registry};
use rustc_hash::FxHashMap as HashMap;

/// The units of one metric or KPI.
#[derive(Clone, Debug, Default)]
pub struct FormulaUnits {
    /// The unit its formula gives.
    pub inferred: Option<Unit>,
    /// The unit it declares with `unit`.
    pub declared: Option<Unit>,
    /// The factor from the inferred to the declared unit (1 when equal).
    pub conversion: Option<f64>,
    /// Whether the formula states a unit with `as`.
    pub cast: bool,
}

impl FormulaUnits {
    /// The unit values are reported in: the declared one, else the inferred one.
    pub fn unit(&self) -> Option<&Unit> {
        self.declared.as_ref().or(self.inferred.as_ref())
    }
}

/// What the unit checker found.
#[derive(Debug, Default)]
pub struct Typing {
    pub metrics: Vec<FormulaUnits>,
    pub kpis: Vec<FormulaUnits>,
    /// Targets, thresholds and key-result values normalised to their KPI's unit.
    pub values: HashMap<Span, f64>,
    /// The type of each field, per source.
    pub fields: Vec<Vec<Ty>>,
    /// The unit of one row of each source.
    pub rows: Vec<Option<Unit>>,
}

/// Type-checks every formula, declared unit and value of the model.
pub fn check_units(m: &Model, graph: &FormulaGraph, diags: &mut Vec<Diagnostic>) -> Typing {
    let registry = Registry::build(m, diags);
    let rows: Vec<Option<Unit>> = m
        .sources
        .iter()
        .map(|s| {
            s.attrs
                .rows
                .as_ref()
                .and_then(|r| registry.rows_unit(r, diags))
        })
        .collect();
    let fields: Vec<Vec<Ty>> = m
        .sources
        .iter()
        .map(|s| {
            s.attrs
                .fields
                .iter()
                .map(|f| field_type(&registry, &f.ty, diags))
                .collect()
        })
        .collect();
    let mut typing = Typing {
        metrics: vec![FormulaUnits::default(); m.metrics.len()],
        kpis: vec![FormulaUnits::default(); m.kpis.len()],
        values: HashMap::default(),
        fields,
        rows,
    };
    // Declared units first: they are the contract other formulas see.
    let mut symbols: HashMap<Symbol, (Ty, Option<Origin>)> = HashMap::default();
    for node in 0..graph.uses.len() {
        let sym = graph.symbol(node);
        let attrs = match sym {
            Symbol::Metric(i) => &m.metrics[i].attrs,
            Symbol::Kpi(i) => &m.kpis[i].attrs,
            _ => continue,
        };
        if let Some(u) = &attrs.unit
            && let Ok(unit) = registry.unit(u, diags)
        {
            symbols.insert(
                sym,
                (
                    Ty::Num(unit.clone()),
                    Some(Origin {
                        span: u.span,
                        note: Note::Declared(sym),
                    }),
                ),
            );
            if let Some(units) = slot(&mut typing, sym) {
                units.declared = Some(unit);
            }
        }
    }
    for &node in &graph.order {
        let sym = graph.symbol(node);
        let Some(formula) = m.formula_of(sym) else {
            continue;
        };
        let env = Env {
            model: m,
            registry: &registry,
            rows: &typing.rows,
            fields: &typing.fields,
            symbols: &symbols,
        };
        let mut inf = Infer::new(&env, diags);
        let ty = inf.formula(&formula.value);
        let cast = !inf.casts.is_empty();
        for c in &inf.casts {
            diags.push(cast_note(*c));
        }
        let Ty::Num(inferred) = ty else { continue };
        let name = m.name_of(sym);
        let Some(units) = slot(&mut typing, sym) else {
            continue;
        };
        units.cast = cast;
        units.inferred = Some(inferred.clone());
        if let Some(declared) = units.declared.clone() {
            if inferred.fits(&declared) {
                units.conversion = Some(inferred.conversion_to(&declared));
            } else {
                let attrs = match sym {
                    Symbol::Metric(i) => &m.metrics[i].attrs,
                    Symbol::Kpi(i) => &m.kpis[i].attrs,
                    _ => continue,
                };
                let unit_span = attrs.unit.as_ref().map_or(name.span, |u| u.span);
                diags.push(mismatch(
                    name,
                    &formula.value,
                    &inferred,
                    &declared,
                    unit_span,
                ));
            }
        } else {
            symbols.insert(
                sym,
                (
                    Ty::Num(inferred.clone()),
                    Some(Origin {
                        span: name.span,
                        note: Note::Inferred(sym),
                    }),
                ),
            );
        }
        if let Some(units) = slot(&mut typing, sym) {
            likely_mistakes(&formula.value, units, diags);
        }
    }
    values::check_values(m, &registry, &mut typing, diags);
    typing
}

/// The type of every sub-expression of every formula, keyed by its span (for
/// hover in the editor). Types the formulas again with recording on, against
/// the units `check_units` found; diagnostics of this second pass are dropped.
pub fn expression_types(m: &Model, typing: &Typing) -> HashMap<Span, Ty> {
    let mut diags = Vec::new();
    let registry = Registry::build(m, &mut diags);
    let mut symbols: HashMap<Symbol, (Ty, Option<Origin>)> = HashMap::default();
    for (i, u) in typing.metrics.iter().enumerate() {
        if let Some(unit) = u.unit() {
            symbols.insert(Symbol::Metric(i), (Ty::Num(unit.clone()), None));
        }
    }
    for (i, u) in typing.kpis.iter().enumerate() {
        if let Some(unit) = u.unit() {
            symbols.insert(Symbol::Kpi(i), (Ty::Num(unit.clone()), None));
        }
    }
    let env = Env {
        model: m,
        registry: &registry,
        rows: &typing.rows,
        fields: &typing.fields,
        symbols: &symbols,
    };
    let formulas = (0..m.metrics.len())
        .map(Symbol::Metric)
        .chain((0..m.kpis.len()).map(Symbol::Kpi));
    let mut out = HashMap::default();
    for sym in formulas {
        if let Some(f) = m.formula_of(sym) {
            let mut inf = Infer::new(&env, &mut diags);
            inf.record = Some(HashMap::default());
            inf.formula(&f.value);
            out.extend(inf.record.take().unwrap_or_default());
        }
        diags.clear();
    }
    out
}

fn slot(t: &mut Typing, sym: Symbol) -> Option<&mut FormulaUnits> {
    match sym {
        Symbol::Metric(i) => t.metrics.get_mut(i),
        Symbol::Kpi(i) => t.kpis.get_mut(i),
        _ => None,
    }
}

fn field_type(reg: &Registry, ty: &crate::ast::UnitExpr, diags: &mut Vec<Diagnostic>) -> Ty {
    if let [single] = ty.factors.as_slice()
        && let Some(kind) = FieldKind::parse(&single.name.text)
    {
        return Ty::Kind(kind);
    }
    match reg.unit(ty, diags) {
        Ok(u) => Ty::Num(u),
        Err(_) => Ty::Unknown,
    }
}

fn cast_note(span: Span) -> Diagnostic {
    Diagnostic::new(
        &codes::UNIT_CAST,
        "this unit is stated, not derived",
        span,
        "kpic takes this unit on your word",
    )
    .with_help("`as` overrules the unit checker. Keep it where the algebra cannot know (e.g. data already converted to one currency); the spec and the docs mark it.")
}

fn mismatch(
    name: &crate::ast::Name,
    formula: &Expr,
    inferred: &Unit,
    declared: &Unit,
    unit_span: Span,
) -> Diagnostic {
    let mut help = format!(
        "Declare `unit {inferred}` if that is what `{}` measures",
        name.text
    );
    if let ExprKind::Arith { first, rest } = &formula.unparen().kind
        && let (
            ExprKind::Call {
                function,
                args,
                filter: None,
            },
            [(ArithOp::Div, _, denominator)],
        ) = (&first.unparen().kind, rest.as_slice())
        && let (
            true,
            [arg],
            ExprKind::Call {
                function: count, ..
            },
        ) = (
            function.text == "sum",
            args.as_slice(),
            &denominator.unparen().kind,
        )
        && count.text == "count"
        && declared.div(inferred).is_count()
    {
        help.push_str(&format!(
            ", or use `avg({})` for the average in {declared}",
            expr_text(arg)
        ));
    }
    help.push('.');
    Diagnostic::new(
        &codes::UNIT_MISMATCH,
        format!(
            "`{}` is declared in {declared}, but its formula gives {inferred}",
            name.text
        ),
        unit_span,
        format!("declared as {declared}"),
    )
    .with_label(formula.span, format!("this gives {inferred}"))
    .with_help(help)
}

/// Warnings for formulas that type-check but are probably wrong.
fn likely_mistakes(formula: &Expr, units: &FormulaUnits, diags: &mut Vec<Diagnostic>) {
    let declared_percent = units
        .declared
        .as_ref()
        .is_some_and(|d| d.is_dimensionless() && d.factor == 0.01);
    let ratio = units
        .inferred
        .as_ref()
        .is_some_and(|i| (i.is_dimensionless() || i.is_count_ratio()) && i.factor == 1.0);
    if declared_percent
        && ratio
        && let ExprKind::Arith { first, rest } = &formula.unparen().kind
    {
        let hundred = |e: &Expr| matches!(&e.unparen().kind, ExprKind::Number { value, unit: None, .. } if *value == 100.0);
        let at = if hundred(first) && rest.first().is_some_and(|(op, _, _)| *op == ArithOp::Mul) {
            Some(first.span)
        } else {
            rest.iter()
                .find(|(op, _, e)| *op == ArithOp::Mul && hundred(e))
                .map(|(_, s, e)| s.to(e.span))
        };
        if let Some(span) = at {
            diags.push(
                    Diagnostic::new(&codes::DOUBLE_SCALING, "this ratio is multiplied by 100, but the KPI is already declared in %", span, "scales a second time")
                        .with_help("Remove `* 100`: a KPI in % keeps the ratio (0.035) and shows it as 3.5%. With `* 100` it would show 350%."),
                );
        }
    }
    formula.walk(|e| {
        if let ExprKind::Arith { first, rest } = &e.kind
            && let [(op @ (ArithOp::Sub | ArithOp::Div), _, second)] = rest.as_slice()
                && expr_text(first.unparen()) == expr_text(second.unparen()) {
                    let result = if *op == ArithOp::Sub { "0" } else { "1" };
                    diags.push(
                        Diagnostic::new(&codes::CONSTANT_FORMULA, format!("this is always {result}"), e.span, "both sides are the same")
                            .with_help("Check the operands: one of them probably should be another field, metric or condition."),
                    );
                }
    });
}
