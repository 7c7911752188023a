//! Targets, bands and key results: the checks that make each KPI's goal values
//! sound (issue: targets must be green, dated, and move the right way).

mod bands;

pub use bands::{BandSet, Bound, Interval, check_bands};

use crate::ast::{Date, Spanned, print::quantity_text};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Direction, Model};
use crate::source::Span;
use crate::units::Typing;

/// What the target checks found, per KPI.
#[derive(Debug, Default)]
pub struct Goals {
    pub bands: Vec<Option<BandSet>>,
    /// The direction from the bands, or the declared one when there are no bands.
    pub directions: Vec<Option<Direction>>,
}

pub fn check_targets(
    m: &Model,
    typing: &Typing,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> Goals {
    let mut goals = Goals::default();
    for (i, k) in m.kpis.iter().enumerate() {
        let set = k
            .attrs
            .bands
            .as_ref()
            .and_then(|b| check_bands(&k.name.text, b, typing, diags));
        let declared = m.kpi_info.get(i).and_then(|info| info.direction);
        if let (Some(set), Some((d, span))) = (&set, declared)
            && set.direction != d
        {
            diags.push(
                    Diagnostic::new(
                        &codes::DIRECTION_MISMATCH,
                        format!("`{}` says {} is better, but its bands say {}", k.name.text, describe(d), describe(set.direction)),
                        span,
                        format!("declared: {}", describe(d)),
                    )
                    .with_label(k.attrs.bands.as_ref().map_or(span, |b| b.span), format!("the bands put green where {} is better", describe(set.direction)))
                    .with_help("Correct the `direction`, or turn the bands around; green belongs at the better end."),
                );
        }
        goals.directions.push(
            set.as_ref()
                .map(|s| s.direction)
                .or(declared.map(|(d, _)| d)),
        );
        if let Some(target) = &k.attrs.target {
            deadline(&target.deadline, target.value.span, "target", today, diags);
            if let (Some(set), Some(v)) = (&set, typing.values.get(&target.value.span))
                && let Some(colour) = set.colour_of(*v).filter(|c| *c != "green")
            {
                let bands_span = k.attrs.bands.as_ref().map_or(k.name.span, |b| b.span);
                diags.push(
                        Diagnostic::new(
                            &codes::TARGET_OUTSIDE_GREEN,
                            format!("the target of `{}` lies in the {colour} band, not in green", k.name.text),
                            target.value.span,
                            format!("{} is {colour}", quantity_text(&target.value)),
                        )
                        .with_label(bands_span, format!("green is {}", green_text(set, typing.kpis[i].unit())))
                        .with_help("A target is a value you want to reach, so it must be green: move the target into the green band, or move the thresholds."),
                    );
            }
        }
        goals.bands.push(set);
    }
    for t in &m.targets {
        let Some(i) = m.kpi(&t.kpi.text) else {
            continue;
        };
        deadline(&t.goal.deadline, t.goal.value.span, "target", today, diags);
        if let (Some(set), Some(v)) = (&goals.bands[i], typing.values.get(&t.goal.value.span))
            && let Some(colour) = set.colour_of(*v).filter(|c| *c != "green")
        {
            let k = &m.kpis[i];
            diags.push(
                    Diagnostic::new(
                        &codes::MILESTONE_OUTSIDE_GREEN,
                        format!("this target for `{}` lies in the {colour} band", k.name.text),
                        t.goal.value.span,
                        format!("{} is {colour}", quantity_text(&t.goal.value)),
                    )
                    .with_label(k.attrs.bands.as_ref().map_or(k.name.span, |b| b.span), format!("green is {}", green_text(set, typing.kpis[i].unit())))
                    .with_help("An interim milestone may be amber; if this is the final target, move it into the green band."),
                );
        }
    }
    for o in &m.objectives {
        for kr in &o.attrs.key_results {
            let Some(i) = m.kpi(&kr.kpi.text) else {
                continue;
            };
            deadline(&kr.deadline, kr.span, "key result", today, diags);
            let (Some(from), Some(to)) = (
                typing.values.get(&kr.from.span),
                typing.values.get(&kr.to.span),
            ) else {
                continue;
            };
            let wrong = match goals.directions[i] {
                Some(Direction::Higher) => to < from,
                Some(Direction::Lower) => to > from,
                _ => false,
            };
            if wrong {
                let d = goals.directions[i].map_or("", |d| describe(d));
                diags.push(
                    Diagnostic::new(
                        &codes::KEY_RESULT_WRONG_WAY,
                        format!("this key result moves `{}` the wrong way: {d} is better", kr.kpi.text),
                        kr.from.span.to(kr.to.span),
                        format!("from {} to {}", quantity_text(&kr.from), quantity_text(&kr.to)),
                    )
                    .with_help("Swap `from` and `to` if they are reversed, or check the KPI's bands and direction."),
                );
            }
        }
    }
    goals
}

fn describe(d: Direction) -> &'static str {
    match d {
        Direction::Higher => "higher",
        Direction::Lower => "lower",
        Direction::Range => "a value inside the range",
    }
}

fn green_text(set: &BandSet, unit: Option<&crate::units::Unit>) -> String {
    let Some(g) = set.green() else {
        return "missing".into();
    };
    let num = |v: f64| {
        unit.map_or_else(
            || crate::units::dim::format_number(v),
            |u| u.format_value(v),
        )
    };
    match (g.from, g.to) {
        (Some(a), Some(b)) => format!("from {} to {}", num(a.value), num(b.value)),
        (Some(a), None) => format!(
            "{} {}",
            if a.closed { "at least" } else { "above" },
            num(a.value)
        ),
        (None, Some(b)) => format!(
            "{} {}",
            if b.closed { "at most" } else { "below" },
            num(b.value)
        ),
        (None, None) => "everything".into(),
    }
}

fn deadline(
    deadline: &Option<Spanned<Date>>,
    value: Span,
    what: &str,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) {
    match deadline {
        None => diags.push(
            Diagnostic::new(&codes::MISSING_DEADLINE, format!("this {what} has no deadline"), value, "by when?")
                .with_help("A target is time-bound: add `by YYYY-MM-DD`, e.g. `by 2027-12-31`."),
        ),
        Some(d) if d.value.is_valid() && d.value < today => diags.push(
            Diagnostic::new(&codes::PAST_DEADLINE, format!("the deadline {} has passed", d.value), d.span, format!("today is {today}"))
                .with_help("Record whether the target was met in `notes` and set a new target with a future deadline."),
        ),
        Some(_) => {}
    }
}
