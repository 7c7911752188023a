//! Unit names: the built-in ones and those the model declares.

use super::dim::{Base, DURATIONS, PERIODS, Unit};
use crate::ast::{self, UnitDef, UnitExpr};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::model::Model;
use rustc_hash::FxHashMap as HashMap;

/// ISO 4217 currency codes, sorted (looked up by binary search).
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

/// Long names of durations and periods, singular and plural.
const ALIASES: &[(&str, &str)] = &[
    ("sec", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("minute", "min"),
    ("minutes", "min"),
    ("hour", "h"),
    ("hours", "h"),
    ("day", "d"),
    ("days", "d"),
    ("week", "wk"),
    ("weeks", "wk"),
    ("months", "month"),
    ("quarters", "quarter"),
    ("years", "year"),
];

/// What a field holds when it is not a number with a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Bool,
    Date,
    Timestamp,
    Id,
}

impl FieldKind {
    pub fn parse(name: &str) -> Option<FieldKind> {
        Some(match name {
            "text" => FieldKind::Text,
            "bool" => FieldKind::Bool,
            "date" => FieldKind::Date,
            "timestamp" => FieldKind::Timestamp,
            "id" => FieldKind::Id,
            _ => return None,
        })
    }
}

/// All unit names of one model.
#[derive(Debug, Default)]
pub struct Registry {
    declared: HashMap<String, Unit>,
    /// Unit declarations that did not parse: their names are not reported.
    broken: rustc_hash::FxHashSet<crate::ast::Str>,
}

/// A unit name that could not be read (already reported).
#[derive(Debug)]
pub struct Reported;

pub fn builtin(name: &str) -> Option<Unit> {
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name, |(_, c)| c);
    if let Some(&(_, f)) = DURATIONS.iter().find(|(n, _)| *n == name) {
        return Some(Unit::base(Base::Time, f));
    }
    if let Some(&(_, f)) = PERIODS.iter().find(|(n, _)| *n == name) {
        return Some(Unit::base(Base::Period, f));
    }
    Some(match name {
        "%" => Unit::percent(),
        "1" => Unit::one(),
        "count" => Unit::base(Base::Count("count".into()), 1.0),
        "€" => Unit::base(Base::Currency("EUR".into()), 1.0),
        code if code.len() == 3 && CURRENCIES.binary_search(&code).is_ok() => {
            Unit::base(Base::Currency(code.to_string()), 1.0)
        }
        _ => return None,
    })
}

impl Registry {
    /// Reads the model's unit declarations.
    pub fn build(m: &Model, diags: &mut Vec<Diagnostic>) -> Registry {
        let mut reg = Registry {
            broken: m.broken.clone(),
            ..Registry::default()
        };
        let mut aliases: Vec<&ast::UnitDecl> = Vec::new();
        for u in &m.units {
            let name = &u.name.text;
            if builtin(name).is_some() || FieldKind::parse(name).is_some() {
                diags.push(
                    Diagnostic::new(
                        &codes::INVALID_UNIT_DECLARATION,
                        format!("`{name}` is built in and cannot be declared again"),
                        u.name.span,
                        "already a built-in unit",
                    )
                    .with_help(format!(
                        "Use `{name}` without declaring it, or choose another name."
                    )),
                );
                continue;
            }
            match &u.def {
                UnitDef::Base => {
                    reg.declared.insert(name.to_string(), Unit::base(Base::Custom(name.to_string()), 1.0));
                }
                UnitDef::Kind(kind) if kind.text == "count" => {
                    reg.declared.insert(name.to_string(), Unit::base(Base::Count(name.to_string()), 1.0));
                }
                UnitDef::Kind(kind) => diags.push(
                    Diagnostic::new(
                        &codes::INVALID_UNIT_DECLARATION,
                        format!("`{}` is not a kind of unit", kind.text),
                        kind.span,
                        "expected `count`",
                    )
                    .with_help(format!(
                        "Write `unit {name}: count` for a unit that counts things, `unit {name}` for a new base unit, or `unit {name} = 1000 EUR` for a multiple of another unit."
                    )),
                ),
                UnitDef::Alias(_) => aliases.push(u),
            }
        }
        // Aliases may build on each other: each is worked out after the
        // aliases it is defined through (depth first, with an explicit stack,
        // so a long chain declared in any order costs its length).
        let index: HashMap<&str, usize> = aliases
            .iter()
            .enumerate()
            .rev()
            .map(|(i, u)| (u.name.text.as_str(), i))
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            Open,
            Done,
        }
        let mut state = vec![State::New; aliases.len()];
        for first in 0..aliases.len() {
            let mut stack = vec![first];
            while let Some(&i) = stack.last() {
                let u = aliases[i];
                let UnitDef::Alias(q) = &u.def else {
                    state[i] = State::Done;
                    stack.pop();
                    continue;
                };
                match state[i] {
                    State::New => {
                        state[i] = State::Open;
                        let deps = q.unit.iter().flat_map(|e| &e.factors);
                        for f in deps {
                            if let Some(&d) = index.get(f.name.text.as_str())
                                && state[d] == State::New
                            {
                                stack.push(d);
                            }
                        }
                    }
                    State::Open => {
                        state[i] = State::Done;
                        stack.pop();
                        let base = match &q.unit {
                            Some(e) => reg.try_unit(e),
                            None => Some(Unit::one()),
                        };
                        let Some(base) = base else {
                            // Uses of it are not reported again as unknown.
                            reg.broken.insert(u.name.text.clone());
                            diags.push(
                                Diagnostic::new(
                                    &codes::INVALID_UNIT_DECLARATION,
                                    format!("unit `{}` cannot be worked out", u.name.text),
                                    u.span,
                                    "defined through an unknown unit or through itself",
                                )
                                .with_help("Define it as a number times built-in or declared units, e.g. `unit kEUR = 1000 EUR`."),
                            );
                            continue;
                        };
                        let scaled = base.scale(q.value);
                        if q.value.is_nan() {
                            reg.broken.insert(u.name.text.clone());
                            continue; // the number was reported already
                        }
                        if !(q.value > 0.0 && scaled.factor.is_finite() && scaled.factor > 0.0) {
                            reg.broken.insert(u.name.text.clone());
                            let why = if q.value <= 0.0 {
                                "a unit is a positive amount of another unit"
                            } else {
                                "too large (or too small) to compute with"
                            };
                            diags.push(
                                Diagnostic::new(
                                    &codes::INVALID_UNIT_DECLARATION,
                                    format!("unit `{}` cannot be `{}`", u.name.text, crate::ast::print::quantity_text(q)),
                                    q.span,
                                    why,
                                )
                                .with_help("A multiple says how much of another unit one of it is, e.g. `unit kEUR = 1000 EUR`: a number above zero that, times the other unit, stays a number kpic can compute with."),
                            );
                            continue;
                        }
                        reg.declared.insert(u.name.text.to_string(), scaled);
                    }
                    State::Done => {
                        stack.pop();
                    }
                }
            }
        }
        reg
    }

    fn atom(&self, name: &str) -> Option<Unit> {
        builtin(name).or_else(|| self.declared.get(name).cloned())
    }

    /// The unit of a unit expression, or `None` if a name is unknown (silent).
    pub fn try_unit(&self, e: &UnitExpr) -> Option<Unit> {
        let mut u = Unit::one();
        for f in &e.factors {
            u = u.mul(&self.atom(&f.name.text)?.powi(f.power));
        }
        Some(u)
    }

    /// The unit of a unit expression; unknown names are reported.
    pub fn unit(&self, e: &UnitExpr, diags: &mut Vec<Diagnostic>) -> Result<Unit, Reported> {
        let mut u = Unit::one();
        let mut ok = true;
        for f in &e.factors {
            match self.atom(&f.name.text) {
                Some(a) => u = u.mul(&a.powi(f.power)),
                None => {
                    if !self.broken.contains(&f.name.text) {
                        diags.push(self.unknown(&f.name));
                    }
                    ok = false;
                }
            }
        }
        if ok { Ok(u) } else { Err(Reported) }
    }

    /// The unit of a counting unit named by `rows`.
    pub fn rows_unit(&self, name: &ast::Name, diags: &mut Vec<Diagnostic>) -> Option<Unit> {
        match self.atom(&name.text) {
            Some(u) if u.is_count() => Some(u),
            Some(u) => {
                diags.push(
                    Diagnostic::new(
                        &codes::INVALID_UNIT_DECLARATION,
                        format!("`rows` must name a counting unit, but `{}` is {u}", name.text),
                        name.span,
                        "not a counting unit",
                    )
                    .with_help("Declare what one row is, e.g. `unit order: count`, and write `rows order`."),
                );
                None
            }
            None => {
                diags.push(self.unknown(name));
                None
            }
        }
    }

    pub fn unknown(&self, name: &ast::Name) -> Diagnostic {
        let text = &name.text;
        let mut candidates: Vec<&str> = self.declared.keys().map(String::as_str).collect();
        candidates.sort_unstable();
        let upper = text.to_uppercase();
        let help = if builtin(&upper).is_some() && upper != *text {
            format!("Units are case-sensitive: did you mean `{upper}`?")
        } else if text == "$" {
            "`$` is ambiguous: write the currency code, e.g. `USD`, `CAD` or `AUD`.".to_string()
        } else if text.len() > 1
            && text.starts_with(['e', 'E'])
            && text[1..].bytes().all(|b| b.is_ascii_digit())
        {
            "kpic has no exponent notation: write the whole number with `_` between groups of digits (`10_000_000_000`).".to_string()
        } else if matches!(text.as_str(), "k" | "K" | "M" | "m" | "bn" | "B") {
            "kpic has no magnitude suffixes: write the whole number with `_` between groups (`1_500_000 EUR`), or declare a unit such as `unit kEUR = 1000 EUR`.".to_string()
        } else if let Some(d) = suggest::did_you_mean(
            text,
            candidates
                .iter()
                .copied()
                .chain(["count", "min", "month", "quarter", "year", "EUR", "USD"]),
        ) {
            d
        } else {
            format!(
                "Declare it with `unit {text}: count` if it counts things, or `unit {text}` for a new base unit. Built in are currency codes (EUR, USD, ...), %, 1, count, s, min, h, d, wk, month, quarter and year."
            )
        };
        Diagnostic::new(
            &codes::UNKNOWN_UNIT,
            format!("unknown unit `{text}`"),
            name.span,
            "not a built-in or declared unit",
        )
        .with_help(help)
    }
}

impl Unit {
    /// The same dimensions with the factor multiplied by `by`.
    pub fn scale(&self, by: f64) -> Unit {
        let mut u = self.clone();
        u.factor *= by;
        u
    }
}
