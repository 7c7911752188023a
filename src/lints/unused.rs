//! Declarations nothing uses: metrics, roles, units and sources.

use crate::ast::{Expr, ExprKind, Name, Quantity, UnitDef, UnitExpr};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::Model;
use rustc_hash::FxHashSet as HashSet;

#[derive(Default)]
struct Used<'a> {
    names: HashSet<&'a str>,
    units: HashSet<&'a str>,
}

impl<'a> Used<'a> {
    fn unit(&mut self, u: &'a UnitExpr) {
        for f in &u.factors {
            self.units.insert(&f.name.text);
        }
    }
    fn quantity(&mut self, q: &'a Quantity) {
        if let Some(u) = &q.unit {
            self.unit(u);
        }
    }
    fn name(&mut self, n: &'a Option<Name>) {
        if let Some(n) = n {
            self.names.insert(&n.text);
        }
    }
    fn expr(&mut self, e: &'a Expr) {
        e.walk(|node| match &node.kind {
            ExprKind::Name(n) => {
                self.names.insert(&n.text);
            }
            ExprKind::Field(f) => {
                self.names.insert(&f.source.text);
            }
            ExprKind::Number { unit: Some(u), .. } | ExprKind::Cast { unit: u, .. } => self.unit(u),
            _ => {}
        });
    }
}

pub fn check_unused(m: &Model, diags: &mut Vec<Diagnostic>) {
    // An item that did not parse may use anything: say nothing rather than
    // something false.
    if !m.broken.is_empty() {
        return;
    }
    let mut used = Used::default();
    for s in &m.sources {
        used.name(&s.attrs.owner);
        if let Some(r) = &s.attrs.rows {
            used.units.insert(&r.text);
        }
        for f in &s.attrs.fields {
            used.unit(&f.ty);
        }
    }
    for u in &m.units {
        if let UnitDef::Alias(q) = &u.def {
            used.quantity(q);
        }
    }
    let blocks = m
        .metrics
        .iter()
        .map(|x| &x.attrs)
        .chain(m.kpis.iter().map(|k| &k.attrs))
        .chain(m.signals.iter().map(|s| &s.attrs))
        .chain(m.objectives.iter().map(|o| &o.attrs));
    for a in blocks {
        used.name(&a.owner);
        used.name(&a.backup);
        if let Some(f) = &a.formula {
            used.expr(&f.value);
        }
        if let Some(u) = &a.unit {
            used.unit(u);
        }
        for action in &a.actions {
            used.names.insert(&action.actor.text);
            if let Some(w) = &action.within {
                used.quantity(w);
            }
        }
        for s in &a.segment_by {
            used.names.insert(&s.source.text);
        }
        if let Some(t) = &a.target {
            used.quantity(&t.value);
        }
        if let Some(b) = &a.bands {
            for s in &b.steps {
                used.quantity(&s.threshold);
            }
        }
        if let Some(t) = &a.trend {
            used.quantity(t);
        }
        for kr in &a.key_results {
            used.quantity(&kr.from);
            used.quantity(&kr.to);
        }
    }
    for t in &m.targets {
        used.quantity(&t.goal.value);
        used.names.insert(&t.kpi.text);
    }
    for o in &m.objectives {
        for kr in &o.attrs.key_results {
            used.names.insert(&kr.kpi.text);
        }
    }
    for step in m.chains.iter().flat_map(|c| c.paths.iter().flatten()) {
        used.names.insert(&step.text);
    }
    let mut report = |kind: &str, name: &Name, help: String| {
        diags.push(
            Diagnostic::new(
                &codes::UNUSED,
                format!("{kind} `{}` is never used", name.text),
                name.span,
                "declared here, used nowhere",
            )
            .with_help(help),
        );
    };
    for x in &m.metrics {
        if !used.names.contains(x.name.text.as_str()) {
            report(
                "metric",
                &x.name,
                "Use it in a KPI's formula, or remove it: a model keeps only numbers that matter."
                    .into(),
            );
        }
    }
    for r in &m.roles {
        if !used.names.contains(r.name.text.as_str()) {
            report(
                "role",
                &r.name,
                "Make the role an owner, backup or actor somewhere, or remove it.".into(),
            );
        }
    }
    for s in &m.sources {
        if !used.names.contains(s.name.text.as_str()) {
            report(
                "source",
                &s.name,
                "Use its fields in a formula, or remove it.".into(),
            );
        }
    }
    for u in &m.units {
        if !used.units.contains(u.name.text.as_str()) {
            report(
                "unit",
                &u.name,
                format!(
                    "Use `{}` as the rows of a source, in a field type or a KPI's unit, or remove it.",
                    u.name.text
                ),
            );
        }
    }
}
