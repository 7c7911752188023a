//! The dimension algebra: a unit is a scale factor times a product of base
//! dimensions with integer powers. Normalised on construction (sorted bases,
//! no zero powers), so equal units compare equal and print the same.

use std::collections::BTreeMap;
use std::fmt;

/// A base dimension. Each currency and each declared counting or base unit is
/// its own dimension; durations share `Time` (in seconds); calendar periods
/// share `Period` (in months) and never convert to days.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Base {
    Currency(String),
    Custom(String),
    Count(String),
    Time,
    Period,
}

impl Base {
    fn name(&self) -> &str {
        match self {
            Base::Currency(n) | Base::Custom(n) | Base::Count(n) => n,
            Base::Time => "s",
            Base::Period => "month",
        }
    }
}

/// A unit: `factor` converts a value in this unit to the base units
/// (`%` is 0.01, `h` is 3600 s, `quarter` is 3 months).
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub factor: f64,
    dims: Vec<(Base, i32)>,
}

/// Named durations, largest first, for printing.
pub const DURATIONS: &[(&str, f64)] = &[
    ("wk", 604_800.0),
    ("d", 86_400.0),
    ("h", 3_600.0),
    ("min", 60.0),
    ("s", 1.0),
];
/// Named calendar periods, largest first, in months.
pub const PERIODS: &[(&str, f64)] = &[("year", 12.0), ("quarter", 3.0), ("month", 1.0)];

impl Unit {
    /// The dimensionless unit `1`.
    pub fn one() -> Unit {
        Unit {
            factor: 1.0,
            dims: Vec::new(),
        }
    }

    /// `%`: dimensionless, scaled by 0.01.
    pub fn percent() -> Unit {
        Unit {
            factor: 0.01,
            dims: Vec::new(),
        }
    }

    pub fn base(base: Base, factor: f64) -> Unit {
        Unit {
            factor,
            dims: vec![(base, 1)],
        }
    }

    pub fn dims(&self) -> &[(Base, i32)] {
        &self.dims
    }

    fn from_map(factor: f64, map: BTreeMap<Base, i32>) -> Unit {
        Unit {
            factor,
            dims: map.into_iter().filter(|(_, p)| *p != 0).collect(),
        }
    }

    pub fn mul(&self, other: &Unit) -> Unit {
        let mut map: BTreeMap<Base, i32> = self.dims.iter().cloned().collect();
        for (b, p) in &other.dims {
            *map.entry(b.clone()).or_insert(0) += p;
        }
        Unit::from_map(self.factor * other.factor, map)
    }

    pub fn div(&self, other: &Unit) -> Unit {
        self.mul(&other.powi(-1))
    }

    pub fn powi(&self, n: i32) -> Unit {
        let map = self.dims.iter().map(|(b, p)| (b.clone(), p * n)).collect();
        Unit::from_map(self.factor.powi(n), map)
    }

    /// Same dimensions: values convert by a factor.
    pub fn same_dims(&self, other: &Unit) -> bool {
        self.dims == other.dims
    }

    pub fn is_dimensionless(&self) -> bool {
        self.dims.is_empty()
    }

    /// A ratio of counts (`order / session`): counting units whose powers add up
    /// to zero. Such a ratio may be declared as `%` or `1`.
    pub fn is_count_ratio(&self) -> bool {
        !self.dims.is_empty()
            && self.dims.iter().all(|(b, _)| matches!(b, Base::Count(_)))
            && self.dims.iter().map(|(_, p)| p).sum::<i32>() == 0
    }

    pub fn is_duration(&self) -> bool {
        self.dims == [(Base::Time, 1)]
    }

    pub fn is_period(&self) -> bool {
        self.dims == [(Base::Period, 1)]
    }

    pub fn is_currency(&self) -> bool {
        self.dims.len() == 1 && matches!(self.dims[0], (Base::Currency(_), 1))
    }

    pub fn is_count(&self) -> bool {
        self.dims.len() == 1 && matches!(self.dims[0], (Base::Count(_), 1))
    }

    /// Whether a value in `self` may be stated in `declared`: same dimensions,
    /// or a ratio of counts declared as a plain ratio.
    pub fn fits(&self, declared: &Unit) -> bool {
        self.same_dims(declared) || (self.is_count_ratio() && declared.is_dimensionless())
    }

    /// The factor that turns a value in `self` into a value in `to`.
    pub fn conversion_to(&self, to: &Unit) -> f64 {
        self.factor / to.factor
    }

    /// A value in this unit as people read it: `28%`, `2.4 EUR / session`, `3`.
    pub fn format_value(&self, v: f64) -> String {
        let n = format_number(v);
        let text = self.to_string();
        match text.as_str() {
            "%" => format!("{n}%"),
            "1" => n,
            _ => format!("{n} {text}"),
        }
    }

    /// The powers of each base dimension, by name, for the JSON spec.
    pub fn dimension_vector(&self) -> BTreeMap<String, i32> {
        self.dims
            .iter()
            .map(|(b, p)| (b.name().to_string(), *p))
            .collect()
    }
}

/// A number without floating-point noise: `0.1 + 0.2` prints as `0.3`.
pub fn format_number(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    if rounded == 0.0 {
        "0".to_string()
    } else {
        format!("{rounded}")
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Names for the time and period dimensions (powers `tp`, `pp`) that explain
/// the factor, leaving 1 or 0.01 (a `%`) when possible; the residual factor.
fn pick(tp: i32, pp: i32, factor: f64) -> (&'static str, &'static str, f64) {
    let times: &[(&str, f64)] = if tp == 0 { &[("s", 1.0)] } else { DURATIONS };
    let periods: &[(&str, f64)] = if pp == 0 { &[("month", 1.0)] } else { PERIODS };
    for &(t, tf) in times {
        for &(p, pf) in periods {
            let rest = factor / (tf.powi(tp) * pf.powi(pp));
            if close(rest, 1.0) || close(rest, 0.01) {
                return (t, p, rest);
            }
        }
    }
    ("s", "month", factor)
}

impl fmt::Display for Unit {
    /// Canonical text: `EUR / session`, `min / piece`, `%`, `1`, `EUR * d`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let power_of = |base: &Base| {
            self.dims
                .iter()
                .find(|(b, _)| b == base)
                .map_or(0, |(_, p)| *p)
        };
        let (time, period, residual) =
            pick(power_of(&Base::Time), power_of(&Base::Period), self.factor);
        let mut num: Vec<String> = Vec::new();
        let mut den: Vec<String> = Vec::new();
        for (b, p) in &self.dims {
            let name = match b {
                Base::Time => time.to_string(),
                Base::Period => period.to_string(),
                other => other.name().to_string(),
            };
            let power = p.abs();
            let text = if power == 1 {
                name
            } else {
                format!("{name}^{power}")
            };
            if *p > 0 {
                num.push(text)
            } else {
                den.push(text)
            }
        }
        if close(residual, 0.01) {
            num.insert(0, "%".to_string());
        } else if !close(residual, 1.0) {
            num.insert(0, format!("{residual}"));
        }
        if num.is_empty() {
            num.push("1".to_string());
        }
        write!(f, "{}", num.join(" * "))?;
        for d in den {
            write!(f, " / {d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Unit {
        Unit::base(Base::Currency("EUR".into()), 1.0)
    }
    fn session() -> Unit {
        Unit::base(Base::Count("session".into()), 1.0)
    }
    fn minute() -> Unit {
        Unit::base(Base::Time, 60.0)
    }

    #[test]
    fn prints_canonically() {
        assert_eq!(eur().div(&session()).to_string(), "EUR / session");
        assert_eq!(
            minute()
                .div(&Unit::base(Base::Count("piece".into()), 1.0))
                .to_string(),
            "min / piece"
        );
        assert_eq!(Unit::percent().to_string(), "%");
        assert_eq!(Unit::one().to_string(), "1");
        assert_eq!(Unit::base(Base::Time, 86_400.0).to_string(), "d");
        assert_eq!(Unit::base(Base::Period, 12.0).to_string(), "year");
    }

    #[test]
    fn a_times_b_over_b_is_a() {
        let a = eur().div(&session());
        assert_eq!(a.mul(&minute()).div(&minute()), a);
    }

    #[test]
    fn counts_of_different_things_form_a_ratio() {
        let order = Unit::base(Base::Count("order".into()), 1.0);
        assert!(order.div(&session()).is_count_ratio());
        assert!(order.div(&session()).fits(&Unit::percent()));
        assert!(!eur().div(&order).fits(&eur().div(&session())));
        assert!(!eur().div(&order).fits(&eur()));
    }

    #[test]
    fn hours_convert_to_days() {
        let h = Unit::base(Base::Time, 3600.0);
        let d = Unit::base(Base::Time, 86_400.0);
        assert!(close(h.conversion_to(&d) * 72.0, 3.0));
    }
}
