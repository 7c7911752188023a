//! Property tests of the unit algebra: normalisation is canonical, conversions
//! round-trip, and printing a unit then reading it back gives the same unit.

use kpic::source::{SourceFile, SourceMap};
use kpic::units::Unit;
use kpic::units::registry::Registry;
use proptest::prelude::*;

fn registry() -> Registry {
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "units.kpi",
        "unit order: count\nunit session: count\nunit piece: count\nunit point\n",
    ));
    let a = kpic::analyze(&map, &kpic::Options::default());
    let mut diags = Vec::new();
    Registry::build(&a.model, &mut diags)
}

const ATOMS: &[&str] = &["EUR", "USD", "order", "session", "piece", "point", "count"];
const TIMES: &[&str] = &["s", "min", "h", "d", "wk"];
const PERIODS: &[&str] = &["month", "quarter", "year"];

fn unit_of(reg: &Registry, text: &str) -> Unit {
    let e = kpic::syntax::parse_unit(text)
        .unwrap_or_else(|| panic!("`{text}` does not parse as a unit"));
    reg.try_unit(&e)
        .unwrap_or_else(|| panic!("`{text}` is not a known unit"))
}

/// A unit written as text: a few atoms with powers, at most one duration and
/// one period (so that it prints with named units), maybe a `%`.
fn unit_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(ATOMS), -2i32..=2), 1..4),
        prop::option::of((
            prop::sample::select(TIMES),
            prop::sample::select(&[-1i32, 1][..]),
        )),
        prop::option::of((
            prop::sample::select(PERIODS),
            prop::sample::select(&[-1i32, 1][..]),
        )),
        any::<bool>(),
    )
        .prop_map(|(atoms, time, period, percent)| {
            let mut factors: Vec<(String, i32)> =
                atoms.into_iter().map(|(a, p)| (a.to_string(), p)).collect();
            factors.extend(time.map(|(t, p)| (t.to_string(), p)));
            factors.extend(period.map(|(t, p)| (t.to_string(), p)));
            if percent {
                factors.insert(0, ("%".to_string(), 1));
            }
            let mut out = String::new();
            for (i, (name, power)) in factors.iter().filter(|(_, p)| *p != 0).enumerate() {
                if i > 0 {
                    out.push_str(if *power < 0 { " / " } else { " * " });
                } else if *power < 0 {
                    out.push_str("1 / ");
                }
                out.push_str(name);
                if power.abs() != 1 {
                    out.push_str(&format!("^{}", power.abs()));
                }
            }
            if out.is_empty() { "1".to_string() } else { out }
        })
}

fn same(a: &Unit, b: &Unit) -> bool {
    a.same_dims(b) && (a.factor - b.factor).abs() <= 1e-9 * a.factor.abs().max(b.factor.abs())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_times_b_over_b_is_a(a in unit_text(), b in unit_text()) {
        let reg = registry();
        let (ua, ub) = (unit_of(&reg, &a), unit_of(&reg, &b));
        prop_assert!(same(&ua.mul(&ub).div(&ub), &ua));
        prop_assert!(same(&ua.mul(&ub), &ub.mul(&ua)));
    }

    #[test]
    fn printing_then_reading_gives_the_same_unit(a in unit_text()) {
        let reg = registry();
        let u = unit_of(&reg, &a);
        let printed = u.to_string();
        let back = unit_of(&reg, &printed);
        prop_assert!(same(&u, &back), "{a} printed as {printed} reads back as {back:?}");
        prop_assert_eq!(back.to_string(), printed);
    }

    #[test]
    fn conversions_round_trip(value in -1e9f64..1e9, from in prop::sample::select(TIMES), to in prop::sample::select(TIMES)) {
        let reg = registry();
        let (f, t) = (unit_of(&reg, from), unit_of(&reg, to));
        let there = value * f.conversion_to(&t);
        let back = there * t.conversion_to(&f);
        prop_assert!((back - value).abs() <= 1e-9 * value.abs().max(1.0));
    }
}

#[test]
fn periods_never_convert_to_days() {
    let reg = registry();
    assert!(!unit_of(&reg, "month").same_dims(&unit_of(&reg, "d")));
    assert!(
        unit_of(&reg, "12 months".split(' ').nth(1).unwrap_or("months"))
            .same_dims(&unit_of(&reg, "year"))
    );
}

#[test]
fn counts_are_their_own_dimensions() {
    let reg = registry();
    let ratio = unit_of(&reg, "order / session");
    assert!(ratio.fits(&unit_of(&reg, "%")));
    assert!(!unit_of(&reg, "order").same_dims(&unit_of(&reg, "session")));
    assert!(!unit_of(&reg, "EUR / order").fits(&unit_of(&reg, "EUR / session")));
    assert!(!unit_of(&reg, "EUR / order").fits(&unit_of(&reg, "EUR")));
    assert!(!unit_of(&reg, "EUR / USD").fits(&unit_of(&reg, "1")));
    assert_eq!(unit_of(&reg, "€").to_string(), "EUR");
}
