//! Values written next to a KPI (target, thresholds, key results, terms and
//! trend windows) must have units that fit; they are normalised to the KPI's unit.

use super::registry::Registry;
use super::{Typing, Unit};
use crate::ast::{Quantity, print::quantity_text};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::Model;
use crate::source::Span;

pub fn check_values(m: &Model, reg: &Registry, t: &mut Typing, diags: &mut Vec<Diagnostic>) {
    for (i, k) in m.kpis.iter().enumerate() {
        let unit = t.kpis[i].unit().cloned();
        let unit_span = k.attrs.unit.as_ref().map_or(k.name.span, |u| u.span);
        let ctx = Kpi {
            name: &k.name.text,
            unit: unit.as_ref(),
            unit_span,
        };
        if let Some(target) = &k.attrs.target {
            ctx.value(reg, &target.value, "target", t, diags);
        }
        if let Some(bands) = &k.attrs.bands {
            for step in &bands.steps {
                ctx.value(reg, &step.threshold, "threshold", t, diags);
            }
        }
        for action in &k.attrs.actions {
            if let Some(w) = &action.within {
                term(reg, w, "the term of an action", "within 5 d", diags);
            }
        }
        if let Some(trend) = &k.attrs.trend {
            term(reg, trend, "a trend window", "trend 12 months", diags);
        }
    }
    for target in &m.targets {
        if let Some(i) = m.kpi(&target.kpi.text) {
            let k = &m.kpis[i];
            let unit = t.kpis[i].unit().cloned();
            let unit_span = k.attrs.unit.as_ref().map_or(k.name.span, |u| u.span);
            Kpi {
                name: &k.name.text,
                unit: unit.as_ref(),
                unit_span,
            }
            .value(reg, &target.goal.value, "target", t, diags);
        }
    }
    for o in &m.objectives {
        for kr in &o.attrs.key_results {
            if let Some(i) = m.kpi(&kr.kpi.text) {
                let k = &m.kpis[i];
                let unit = t.kpis[i].unit().cloned();
                let unit_span = k.attrs.unit.as_ref().map_or(k.name.span, |u| u.span);
                let ctx = Kpi {
                    name: &k.name.text,
                    unit: unit.as_ref(),
                    unit_span,
                };
                ctx.value(reg, &kr.from, "key result start", t, diags);
                ctx.value(reg, &kr.to, "key result", t, diags);
            }
        }
    }
}

struct Kpi<'a> {
    name: &'a str,
    unit: Option<&'a Unit>,
    unit_span: Span,
}

impl Kpi<'_> {
    /// Checks one value against the KPI's unit and records it normalised.
    fn value(
        &self,
        reg: &Registry,
        q: &Quantity,
        what: &str,
        t: &mut Typing,
        diags: &mut Vec<Diagnostic>,
    ) {
        if q.value.is_nan() {
            return;
        }
        let Some(written) = &q.unit else {
            // A bare number is in the KPI's unit.
            t.values.insert(q.span, q.value);
            return;
        };
        let Ok(unit) = reg.unit(written, diags) else {
            return;
        };
        let Some(kpi_unit) = self.unit else { return };
        if unit.fits(kpi_unit) || kpi_unit.fits(&unit) {
            t.values
                .insert(q.span, q.value * unit.conversion_to(kpi_unit));
            return;
        }
        let example = if kpi_unit.is_dimensionless() && kpi_unit.factor == 0.01 {
            format!("{}%", q.text)
        } else {
            format!("{} {kpi_unit}", q.text)
        };
        diags.push(
            Diagnostic::new(
                &codes::VALUE_UNIT_MISMATCH,
                format!("{what} `{}` is in {unit}, but `{}` is measured in {kpi_unit}", quantity_text(q), self.name),
                q.span,
                format!("this is {unit}"),
            )
            .with_label(self.unit_span, format!("`{}` is in {kpi_unit}", self.name))
            .with_help(format!(
                "Write the {what} in {kpi_unit} (e.g. `{example}`), or as a bare number, which is read in the KPI's unit."
            )),
        );
    }
}

/// A term or window must be a duration or a calendar period.
fn term(reg: &Registry, q: &Quantity, what: &str, example: &str, diags: &mut Vec<Diagnostic>) {
    let ok = match &q.unit {
        None => false,
        Some(u) => match reg.unit(u, diags) {
            Ok(unit) => unit.is_duration() || unit.is_period(),
            Err(_) => return,
        },
    };
    if !ok {
        diags.push(
            Diagnostic::new(
                &codes::PERIOD_MISUSE,
                format!("{what} must be a time span, not `{}`", quantity_text(q)),
                q.span,
                "expected a duration or a period",
            )
            .with_help(format!(
                "Give it a unit of time, e.g. `{example}` (s, min, h, d, wk, month, quarter, year)."
            )),
        );
    } else if q.value <= 0.0 {
        diags.push(
            Diagnostic::new(
                &codes::PERIOD_MISUSE,
                format!(
                    "{what} must be longer than zero, not `{}`",
                    quantity_text(q)
                ),
                q.span,
                "no time at all",
            )
            .with_help(format!("Give a positive span of time, e.g. `{example}`.")),
        );
    }
}
