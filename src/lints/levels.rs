//! Per level (company, each department, each team): how many KPIs, whether any
//! is leading, and (company level) which Balanced Scorecard perspectives and
//! funnel stages are covered.

use super::config::Limits;
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Funnel, Kind, LevelKey, LevelKind, Model, Perspective};
use std::collections::BTreeMap;

/// The KPIs of each level, in declaration order.
pub fn kpis_by_level(m: &Model) -> BTreeMap<LevelKey, Vec<usize>> {
    let mut map: BTreeMap<LevelKey, Vec<usize>> = BTreeMap::new();
    for (i, info) in m.kpi_info.iter().enumerate() {
        if let Some(level) = &info.level {
            map.entry(level.clone()).or_default().push(i);
        }
    }
    map
}

pub fn check_levels(m: &Model, limits: &Limits, diags: &mut Vec<Diagnostic>) {
    for (level, kpis) in kpis_by_level(m) {
        let span = |i: usize| {
            m.kpis[i]
                .attrs
                .level
                .as_ref()
                .map_or(m.kpis[i].name.span, |l| l.span)
        };
        let (lo, hi) = limits.range(level.kind);
        let n = kpis.len();
        if n < lo || n > hi {
            let (problem, help) = if n < lo {
                (
                    "fewer",
                    "With fewer, important goals go unmeasured. Add KPIs, or change the limit in kpic.toml (`[limits]`).",
                )
            } else {
                (
                    "more",
                    "More is noise: keep the KPIs that steer and turn the rest into metrics, or change the limit in kpic.toml (`[limits]`).",
                )
            };
            let d = Diagnostic::new(
                &codes::KPI_COUNT,
                format!(
                    "{} has {n} KPI{}, {problem} than the {lo} to {hi} the guide advises",
                    level.label(),
                    if n == 1 { "" } else { "s" }
                ),
                span(kpis[0]),
                format!(
                    "{} of {}",
                    if n == 1 { "the only KPI" } else { "a KPI" },
                    level.label()
                ),
            )
            .with_help(help);
            diags.push(d);
        }
        let all_lagging = kpis
            .iter()
            .all(|&i| m.kpi_info[i].kind == Some(Kind::Lagging));
        if all_lagging {
            diags.push(
                Diagnostic::new(
                    &codes::ALL_LAGGING,
                    format!("every KPI of {} is lagging: you steer too late", level.label()),
                    span(kpis[0]),
                    "lagging, like the rest of this level",
                )
                .with_help("Add a leading KPI that predicts these results while you can still act, and link it with a `chain`."),
            );
        }
        if level.kind == LevelKind::Company {
            let present: Vec<Perspective> = kpis
                .iter()
                .filter_map(|&i| m.kpi_info[i].perspective)
                .collect();
            let missing: Vec<&str> = Perspective::ALL
                .iter()
                .filter(|p| !present.contains(p))
                .map(|p| p.as_str())
                .collect();
            if !missing.is_empty() {
                diags.push(
                    Diagnostic::new(
                        &codes::PERSPECTIVE_GAP,
                        format!("the company level has no KPI for the {} perspective{}", join(&missing), if missing.len() == 1 { "" } else { "s" }),
                        span(kpis[0]),
                        "company level",
                    )
                    .with_help("A balanced scorecard looks at financial, customer, internal and learning results; add a company KPI with `perspective ...` for each one that is missing."),
                );
            }
        }
    }
    let stages: Vec<(Funnel, usize)> = m
        .kpi_info
        .iter()
        .enumerate()
        .filter_map(|(i, info)| info.funnel.map(|f| (f, i)))
        .collect();
    if let Some(&(_, first)) = stages.first() {
        let missing: Vec<&str> = Funnel::ALL
            .iter()
            .filter(|f| !stages.iter().any(|(s, _)| s == *f))
            .map(|f| f.as_str())
            .collect();
        if !missing.is_empty() {
            let k = &m.kpis[first];
            diags.push(
                Diagnostic::new(
                    &codes::FUNNEL_GAP,
                    format!("the AARRR funnel has no KPI for {}", join(&missing)),
                    k.attrs.funnel.as_ref().map_or(k.name.span, |f| f.span),
                    "the funnel starts here",
                )
                .with_help("The docs draw the funnel from acquisition to revenue; tag a KPI with `funnel STAGE` for each missing stage, or ignore this if the stage does not apply."),
            );
        }
    }
}

fn join(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
