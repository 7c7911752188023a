//! The North Star Metric: at most one, a lagging company-level KPI.

use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Kind, LevelKind, Model};

pub fn check_north_star(m: &Model, diags: &mut Vec<Diagnostic>) {
    let stars: Vec<usize> = (0..m.kpis.len())
        .filter(|&i| m.kpis[i].attrs.north_star.is_some())
        .collect();
    let Some((&first, rest)) = stars.split_first() else {
        return;
    };
    let first_span = m.kpis[first]
        .attrs
        .north_star
        .unwrap_or(m.kpis[first].name.span);
    for &i in rest {
        let k = &m.kpis[i];
        diags.push(
            Diagnostic::new(&codes::MULTIPLE_NORTH_STARS, format!("`{}` is a second north star", k.name.text), k.attrs.north_star.unwrap_or(k.name.span), "another north star")
                .with_label(first_span, format!("`{}` is already the north star", m.kpis[first].name.text))
                .with_help("A model has one north star metric: the single KPI the whole product steers on. Remove `north_star` from all but one KPI."),
        );
    }
    for &i in &stars {
        let k = &m.kpis[i];
        let info = &m.kpi_info[i];
        let company = info
            .level
            .as_ref()
            .is_some_and(|l| l.kind == LevelKind::Company);
        let lagging = info.kind == Some(Kind::Lagging);
        if !company || !lagging {
            let problem = match (company, lagging) {
                (false, false) => "is neither at company level nor lagging",
                (false, true) => "is not at company level",
                _ => "is not lagging",
            };
            diags.push(
                Diagnostic::new(&codes::NORTH_STAR_PLACEMENT, format!("north star `{}` {problem}", k.name.text), k.attrs.north_star.unwrap_or(k.name.span), "north star")
                    .with_help("The north star sums up the value the whole company delivers: give it `level company` and `kind lagging`, and let leading KPIs predict it."),
            );
        }
    }
}
