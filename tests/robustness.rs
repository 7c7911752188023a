//! Hostile input gives diagnostics, never a crash; and a stable-Rust fuzzer
//! (proptest) over parse + check: random token soups in the language's
//! vocabulary and byte-level mutations of the examples.
//!
//! Invariants: no panic (in checking or rendering), every span lies inside its
//! file, and checking the same input twice gives the same diagnostics; the
//! fuzzers hold every invariant of `common/invariants.rs` (formatting too).

use proptest::prelude::*;

mod common;
use common::fuzz::{EXAMPLES_TO_MUTATE, TOKENS, cases, edits, mutate};
use common::invariants;
use kpic::diagnostics::render::{Color, render_human};
use kpic::source::{SourceFile, SourceMap};
use kpic::{Options, analyze};

/// Checks bytes as one file and holds the invariants that scale to the huge
/// inputs below (no panic, spans inside the file, determinism); returns the
/// codes. The fuzzers at the end hold every invariant (`invariants::check_bytes`,
/// which also formats and compares specs).
fn check_bytes(bytes: &[u8]) -> Vec<&'static str> {
    let mut map = SourceMap::new();
    map.add(SourceFile::from_bytes("input.kpi", bytes.to_vec()));
    let a = analyze(&map, &Options::default());
    for d in &a.diagnostics {
        invariants::assert_spans_valid(d, &map);
    }
    let again = analyze(&map, &Options::default());
    assert_eq!(
        a.diagnostics, again.diagnostics,
        "checking is not deterministic"
    );
    let _ = render_human(&a.diagnostics, &map, Color::Never);
    a.diagnostics.iter().map(|d| d.code.code).collect()
}

fn check_text(text: &str) -> Vec<&'static str> {
    check_bytes(text.as_bytes())
}

#[test]
fn hundred_thousand_nested_parentheses_hit_the_nesting_limit() {
    let text = format!(
        "metric m = {}1{}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert!(check_text(&text).contains(&"KPI004"));
    let nots = format!("metric m = count(x where {}x.y)\n", "not ".repeat(100_000));
    assert!(check_text(&nots).contains(&"KPI004"));
    let negs = format!("metric m = {}1\n", "-".repeat(100_000));
    assert!(check_text(&negs).contains(&"KPI004"));
}

#[test]
fn a_formula_with_a_hundred_thousand_terms_is_checked() {
    let text = format!("metric m = {}\n", vec!["1"; 100_000].join(" + "));
    let codes = check_text(&text);
    assert!(
        !codes
            .iter()
            .any(|c| c.starts_with("KPI0") || *c == "KPI901"),
        "{codes:?}"
    );
}

/// The printers recurse only as deep as a formula nests, and a long formula
/// is a flat list: the spec, the docs and `fmt` (which must give the same
/// spec again) take a 100,000-term formula and nesting at the limit.
#[test]
fn printers_take_a_hundred_thousand_terms_and_nesting_at_the_limit() {
    let terms = format!(
        "source s \"S\" {{\n  field a: EUR\n}}\nmetric m = {}\n",
        vec!["1 EUR"; 100_000].join(" + ")
    );
    let outcome = invariants::check_text(&terms);
    assert!(!outcome.errors, "{:?}", outcome.codes);
    assert!(outcome.formatted.is_some());
    let deep = format!(
        "source s \"S\" {{\n  field a: EUR\n}}\nmetric m = {}sum(s.a){}\nmetric n = count(s where {}s.a > 1 EUR{})\n",
        "(".repeat(kpic::syntax::MAX_NESTING - 1),
        ")".repeat(kpic::syntax::MAX_NESTING - 1),
        "not (".repeat(kpic::syntax::MAX_NESTING - 1),
        ")".repeat(kpic::syntax::MAX_NESTING - 1),
    );
    let outcome = invariants::check_text(&deep);
    assert!(!outcome.errors, "{:?}", outcome.codes);
}

#[test]
fn a_fifty_megabyte_file_and_a_one_megabyte_line() {
    let mut text = String::from("role r \"R\"\n");
    let line = format!("// {}\n", "x".repeat(1000));
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    text.push_str("kpi broken {\n");
    let codes = check_text(&text);
    assert!(codes.contains(&"KPI003"), "{codes:?}");
    let long = format!("role r \"{}\"\nrole r \"again\"\n", "é".repeat(500_000));
    assert!(check_text(&long).contains(&"KPI110"));
}

#[test]
fn binary_invalid_utf8_and_nul_bytes() {
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(check_bytes(&garbage).contains(&"KPI008"));
    let mut middle = b"unit a: count\nrole r \"R\"\n".to_vec();
    middle.extend_from_slice(&[0xff, 0xfe]);
    middle.extend_from_slice(b"\nrole s \"S\"\n");
    assert_eq!(check_bytes(&middle), ["KPI008"]);
    assert!(check_bytes(b"unit a: count\0\nrole r \"R\"\n").contains(&"KPI001"));
}

#[test]
fn empty_whitespace_and_comment_only_files() {
    assert_eq!(check_text(""), ["KPI009"]);
    assert_eq!(check_text("  \n\t\r\n   "), ["KPI009"]);
    assert_eq!(check_text("// only a comment"), ["KPI009"]);
}

#[test]
fn unclosed_string_and_block_at_the_end_of_the_file() {
    assert!(check_text("role r \"R").contains(&"KPI011"));
    assert!(check_text("kpi a \"A\" {\n  goal \"x\"").contains(&"KPI003"));
    assert!(check_text("kpi a \"A\" {\n  goal \"x").contains(&"KPI011"));
}

#[test]
fn mixed_line_ends_and_a_bom_before_an_error_on_line_one() {
    let codes = check_text("role r \"R\"\r\nrole r \"S\"\nrole q \"Q\"\r\n");
    assert!(codes.contains(&"KPI110"));
    let mut map = SourceMap::new();
    map.add(SourceFile::from_bytes(
        "bom.kpi",
        b"\xef\xbb\xbfkpi x {\n".to_vec(),
    ));
    let a = analyze(&map, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code.code == "KPI003")
        .expect("unclosed block");
    let lc = map.line_col(d.primary.span);
    assert_eq!(
        (lc.line, lc.column),
        (1, 7),
        "the BOM must not shift columns"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_crashes(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        let text = tokens.join(" ");
        invariants::check_text(&text);
    }

    #[test]
    fn mutated_examples_never_crash(
        which in 0..EXAMPLES_TO_MUTATE.len(),
        edits in edits(),
    ) {
        invariants::check_bytes(&mutate(EXAMPLES_TO_MUTATE[which], &edits));
    }
}
