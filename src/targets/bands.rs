//! Bands on a number line: thresholds, colour order, direction.

use crate::ast::{BandOp, Bands, Colour};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::Direction;
use crate::units::Typing;
use serde::Serialize;

/// One end of a band: its value (in the KPI's unit) and whether it is included.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bound {
    pub value: f64,
    pub closed: bool,
}

/// A band as an interval; `None` ends are unbounded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub colour: &'static str,
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

impl Interval {
    pub fn contains(&self, v: f64) -> bool {
        let above = self
            .from
            .is_none_or(|b| if b.closed { v >= b.value } else { v > b.value });
        let below = self
            .to
            .is_none_or(|b| if b.closed { v <= b.value } else { v < b.value });
        above && below
    }
}

/// A checked band set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandSet {
    pub direction: Direction,
    pub intervals: Vec<Interval>,
}

impl BandSet {
    pub fn green(&self) -> Option<&Interval> {
        self.intervals.iter().find(|i| i.colour == "green")
    }

    /// The band a value falls in.
    pub fn colour_of(&self, v: f64) -> Option<&'static str> {
        self.intervals
            .iter()
            .find(|i| i.contains(v))
            .map(|i| i.colour)
    }
}

impl Serialize for Direction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn rank(c: Colour) -> u8 {
    match c {
        Colour::Red => 0,
        Colour::Amber => 1,
        Colour::Green => 2,
    }
}

/// Checks a band set; returns it when it is sound.
pub fn check_bands(
    kpi: &str,
    bands: &Bands,
    typing: &Typing,
    diags: &mut Vec<Diagnostic>,
) -> Option<BandSet> {
    let backwards = bands
        .steps
        .iter()
        .flat_map(|s| [&s.left, &s.right])
        .find(|op| matches!(op.value, BandOp::Gt | BandOp::Ge));
    if let Some(op) = backwards {
        diags.push(
            Diagnostic::new(&codes::BAND_OPERATOR, format!("bands are written from low to high, but this is `{}`", op.value.as_str()), op.span, "use `<` or `<=`")
                .with_help("Write every band on one number line from low to high: `red < 20% <= amber < 28% <= green`, or `green <= 2 d < amber <= 3 d < red` when lower is better."),
        );
        return None;
    }
    // Colours: rising to one green band, then falling.
    let colours: Vec<_> = std::iter::once(&bands.first)
        .chain(bands.steps.iter().map(|s| &s.colour))
        .collect();
    let greens = colours.iter().filter(|c| c.value == Colour::Green).count();
    let peak = colours.iter().position(|c| c.value == Colour::Green);
    let mut bad = None;
    if greens != 1 {
        bad = Some(if greens == 0 {
            0
        } else {
            colours
                .iter()
                .rposition(|c| c.value == Colour::Green)
                .unwrap_or(0)
        });
    } else if let Some(p) = peak {
        for i in 1..colours.len() {
            let rising = i <= p;
            let (a, b) = (rank(colours[i - 1].value), rank(colours[i].value));
            if (rising && a >= b) || (!rising && a <= b) {
                bad = Some(i);
                break;
            }
        }
    }
    if let Some(i) = bad {
        let order: Vec<&str> = colours.iter().map(|c| c.value.as_str()).collect();
        let message = if greens == 0 {
            "the bands have no green band".to_string()
        } else if greens > 1 {
            "the bands have more than one green band".to_string()
        } else {
            format!(
                "`{}` cannot follow `{}` in the bands",
                colours[i].value.as_str(),
                colours[i - 1].value.as_str()
            )
        };
        diags.push(
            Diagnostic::new(&codes::BAND_COLOURS, message, colours[i].span, format!("the colours read {}", order.join(", ")))
                .with_help("From low to high the colours read red, amber, green (higher is better), green, amber, red (lower is better), or red, amber, green, amber, red (a range). Amber may be left out."),
        );
        return None;
    }
    // Thresholds: normalised, strictly increasing, each in exactly one band.
    let mut values = Vec::with_capacity(bands.steps.len());
    for step in &bands.steps {
        values.push(typing.values.get(&step.threshold.span).copied());
    }
    let mut sound = true;
    for (i, step) in bands.steps.iter().enumerate() {
        let text = crate::ast::print::quantity_text(&step.threshold);
        match (step.left.value, step.right.value) {
            (BandOp::Le, BandOp::Le) => {
                diags.push(
                    Diagnostic::new(&codes::BAND_OVERLAP, format!("{text} belongs to both the {} and the {} band", colours[i].value.as_str(), colours[i + 1].value.as_str()), step.left.span.to(step.right.span), "`<=` on both sides")
                        .with_help(format!("Make one side `<`: `{} <= {text} < {}` puts {text} in {}, `{} < {text} <= {}` puts it in {}.", colours[i].value.as_str(), colours[i + 1].value.as_str(), colours[i].value.as_str(), colours[i].value.as_str(), colours[i + 1].value.as_str(), colours[i + 1].value.as_str())),
                );
                sound = false;
            }
            (BandOp::Lt, BandOp::Lt) => {
                diags.push(
                    Diagnostic::new(
                        &codes::BAND_GAP,
                        format!("{text} belongs to no band"),
                        step.left.span.to(step.right.span),
                        "`<` on both sides",
                    )
                    .with_help(format!(
                        "Make one side `<=` so that {text} has a colour, e.g. `{} < {text} <= {}`.",
                        colours[i].value.as_str(),
                        colours[i + 1].value.as_str()
                    )),
                );
                sound = false;
            }
            _ => {}
        }
        if i > 0
            && let (Some(prev), Some(cur)) = (values[i - 1], values[i])
            && cur <= prev
        {
            let prev_text = crate::ast::print::quantity_text(&bands.steps[i - 1].threshold);
            diags.push(
                        Diagnostic::new(&codes::BAND_ORDER, format!("band thresholds must increase from left to right, but {text} comes after {prev_text}"), step.threshold.span, format!("{text} is not above {prev_text}"))
                            .with_label(bands.steps[i - 1].threshold.span, "the threshold before it")
                            .with_help("Write the bands on one number line from low to high. If lower is better, start with green: `green <= 2 d < amber <= 3 d < red`."),
                    );
            sound = false;
        }
    }
    if !sound || values.iter().any(Option::is_none) {
        return None;
    }
    let direction = match peak {
        Some(p) if p == colours.len() - 1 => Direction::Higher,
        Some(0) => Direction::Lower,
        _ => Direction::Range,
    };
    let mut intervals = Vec::with_capacity(colours.len());
    for (j, c) in colours.iter().enumerate() {
        let from = (j > 0).then(|| Bound {
            value: values[j - 1].unwrap_or(0.0),
            closed: bands.steps[j - 1].right.value == BandOp::Le,
        });
        let to = (j < bands.steps.len()).then(|| Bound {
            value: values[j].unwrap_or(0.0),
            closed: bands.steps[j].left.value == BandOp::Le,
        });
        intervals.push(Interval {
            colour: c.value.as_str(),
            from,
            to,
        });
    }
    let _ = kpi;
    Some(BandSet {
        direction,
        intervals,
    })
}
