//! Words for the docs: band sentences, inputs of a formula, people and levels.
//! Shared by every documentation format.

use super::i18n::Lang;
use crate::Analysis;
use crate::ast::{self, ExprKind, print};
use crate::diagnostics::Severity;
use crate::lints::Limits;
use crate::model::{Kind, LevelKey, Model, Perspective, Symbol};
use crate::targets::{BandSet, Bound};
use crate::units::{Ty, Unit};

/// A value in a KPI's unit, with numbers written per language (`3,5%` in Dutch).
pub fn value(v: f64, unit: Option<&Unit>, lang: Lang) -> String {
    let n = lang.number(v);
    match unit.map(Unit::to_string).as_deref() {
        None | Some("1") => n,
        Some("%") => format!("{n}%"),
        Some(text) => format!("{n} {text}"),
    }
}

/// "green at 28% or more, amber from 20% up to 28%, red below 20%" (or in Dutch).
pub fn band_sentence(set: &BandSet, unit: Option<&Unit>, lang: Lang) -> String {
    let mut parts = Vec::new();
    for colour in ["green", "amber", "red"] {
        for i in set.intervals.iter().filter(|i| i.colour == colour) {
            parts.push(format!(
                "{} {}",
                lang.word(colour),
                range(i.from, i.to, unit, lang)
            ));
        }
    }
    parts.join(", ")
}

fn range(from: Option<Bound>, to: Option<Bound>, unit: Option<&Unit>, lang: Lang) -> String {
    let v = |b: Bound| value(b.value, unit, lang);
    let nl = lang == Lang::Nl;
    match (from, to) {
        (None, None) => (if nl { "altijd" } else { "always" }).into(),
        (Some(a), None) if a.closed => {
            if nl {
                format!("vanaf {}", v(a))
            } else {
                format!("at {} or more", v(a))
            }
        }
        (Some(a), None) => format!("{} {}", if nl { "boven" } else { "above" }, v(a)),
        (None, Some(b)) if b.closed => {
            if nl {
                format!("tot en met {}", v(b))
            } else {
                format!("at {} or less", v(b))
            }
        }
        (None, Some(b)) => format!("{} {}", if nl { "onder" } else { "below" }, v(b)),
        (Some(a), Some(b)) => {
            let start = match (a.closed, nl) {
                (true, false) => format!("from {}", v(a)),
                (false, false) => format!("above {}", v(a)),
                (true, true) => format!("van {}", v(a)),
                (false, true) => format!("boven {}", v(a)),
            };
            let end = match (b.closed, nl) {
                (true, false) => format!("to {} inclusive", v(b)),
                (false, false) => format!("up to {}", v(b)),
                (true, true) => format!("tot en met {}", v(b)),
                (false, true) => format!("tot {}", v(b)),
            };
            format!("{start} {end}")
        }
    }
}

/// The title of a declared role.
pub fn role_title<'m>(m: &'m Model, name: &str) -> Option<&'m str> {
    match m.lookup(name) {
        Some(Symbol::Role(i)) => m.roles[i].title.as_ref().map(|t| t.value.as_str()),
        _ => None,
    }
}

/// The inputs of a formula, each with its unit: fields, counted sources,
/// metrics and KPIs, in order of first use.
pub fn inputs(a: &Analysis, e: &ast::Expr) -> Vec<(String, String)> {
    let m = &a.model;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |name: String, unit: String| {
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, unit));
        }
    };
    let mut nodes = Vec::new();
    e.walk(|n| nodes.push(n));
    for n in nodes {
        match &n.kind {
            ExprKind::Field(f) => {
                let ty = m.field(f).and_then(|(s, _)| {
                    let fi = *m.fields[s].get(&f.field.text)?;
                    a.typing.fields.get(s)?.get(fi).cloned()
                });
                push(
                    format!("{}.{}", f.source.text, f.field.text),
                    ty.map_or_else(|| "?".into(), |t| t.describe()),
                );
            }
            ExprKind::Name(name) => match m.lookup(&name.text) {
                Some(Symbol::Metric(i)) => push(
                    name.text.to_string(),
                    a.typing.metrics[i]
                        .unit()
                        .map_or("?".into(), Unit::to_string),
                ),
                Some(Symbol::Kpi(i)) => push(
                    name.text.to_string(),
                    a.typing.kpis[i].unit().map_or("?".into(), Unit::to_string),
                ),
                Some(Symbol::Source(i)) => {
                    let rows = a
                        .typing
                        .rows
                        .get(i)
                        .cloned()
                        .flatten()
                        .map_or("rows".into(), |u| u.to_string());
                    push(format!("count({})", name.text), rows);
                }
                _ => {}
            },
            _ => {}
        }
    }
    out
}

/// The data sources a formula reads, directly or through metrics.
pub fn sources_of(m: &Model, e: &ast::Expr) -> Vec<usize> {
    let mut out = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![e];
    while let Some(expr) = stack.pop() {
        expr.walk(|n| match &n.kind {
            ExprKind::Field(f) => {
                if let Some(Symbol::Source(s)) = m.lookup(&f.source.text)
                    && !out.contains(&s)
                {
                    out.push(s);
                }
            }
            ExprKind::Name(name) => match m.lookup(&name.text) {
                Some(Symbol::Source(s)) if !out.contains(&s) => out.push(s),
                Some(sym @ (Symbol::Metric(_) | Symbol::Kpi(_))) if seen.insert(sym) => {
                    if let Some(f) = m.formula_of(sym) {
                        stack.push(&f.value);
                    }
                }
                _ => {}
            },
            _ => {}
        });
    }
    out.sort_unstable();
    out
}

/// The health of one level: counts against the guide, mix and coverage.
pub struct LevelHealth {
    pub level: LevelKey,
    pub kpis: Vec<usize>,
    pub advised: (usize, usize),
    pub leading: usize,
    pub lagging: usize,
    pub perspectives: Vec<Perspective>,
    pub warnings: usize,
}

impl LevelHealth {
    pub fn count_ok(&self) -> bool {
        (self.advised.0..=self.advised.1).contains(&self.kpis.len())
    }
}

pub fn health(a: &Analysis, limits: &Limits) -> Vec<LevelHealth> {
    let m = &a.model;
    let mut out = Vec::new();
    for (level, kpis) in crate::lints::kpis_by_level(m) {
        let inside = |d: &&crate::diagnostics::Diagnostic| {
            kpis.iter().any(|&k| {
                let s = m.kpis[k].span;
                d.primary.span.file == s.file
                    && s.start() <= d.primary.span.start()
                    && d.primary.span.end() <= s.end()
            })
        };
        let count = |sev: Severity| {
            a.diagnostics
                .iter()
                .filter(|d| d.severity == sev)
                .filter(inside)
                .count()
        };
        let mut perspectives: Vec<Perspective> = kpis
            .iter()
            .filter_map(|&k| m.kpi_info[k].perspective)
            .collect();
        perspectives.sort();
        perspectives.dedup();
        out.push(LevelHealth {
            advised: limits.range(level.kind),
            leading: kpis
                .iter()
                .filter(|&&k| m.kpi_info[k].kind == Some(Kind::Leading))
                .count(),
            lagging: kpis
                .iter()
                .filter(|&&k| m.kpi_info[k].kind == Some(Kind::Lagging))
                .count(),
            warnings: count(Severity::Warning),
            perspectives,
            level,
            kpis,
        });
    }
    out
}

/// The unit of a field as text.
pub fn field_type(a: &Analysis, source: usize, field: usize, written: &ast::UnitExpr) -> String {
    match a.typing.fields.get(source).and_then(|f| f.get(field)) {
        Some(Ty::Num(u)) => u.to_string(),
        Some(t @ Ty::Kind(_)) => t.describe(),
        _ => print::unit_text(written),
    }
}

/// AARRR stages no KPI covers, when the model uses the funnel at all.
pub fn funnel_gaps(m: &Model) -> Vec<crate::model::Funnel> {
    let used: Vec<crate::model::Funnel> = m.kpi_info.iter().filter_map(|i| i.funnel).collect();
    if used.is_empty() {
        return Vec::new();
    }
    crate::model::Funnel::ALL
        .iter()
        .copied()
        .filter(|f| !used.contains(f))
        .collect()
}

/// The warnings and notes a reader should see (allowed lints left out), in
/// the order of the diagnostics (file, position, code).
pub fn findings(a: &Analysis) -> Vec<&crate::diagnostics::Diagnostic> {
    a.diagnostics
        .iter()
        .filter(|d| matches!(d.severity, Severity::Warning | Severity::Note))
        .collect()
}
