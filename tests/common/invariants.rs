//! The invariants every fuzzer holds kpic to, in one place: the proptest
//! fuzzers (`tests/robustness.rs`, `tests/fuzz_models.rs`), the regression
//! fixtures of `tests/fixtures/fuzz/` and the libFuzzer target in `fuzz/`
//! (which includes this file by path, so it uses nothing but `kpic` and
//! `serde_json`).
//!
//! For any bytes, as one file:
//! - checking, rendering and (for a model without errors) writing the spec and
//!   the documentation never panic;
//! - every span of every diagnostic lies inside its file, on character
//!   boundaries;
//! - checking is deterministic: the same diagnostics and the same spec twice;
//! - the fast path in front of pest reads the file exactly as pest does (the
//!   same items, broken names and diagnostics; see `tests/fast_parser.rs`).
//!
//! When the file has no syntax errors, `fmt` must format it, and then:
//! - formatting the result again changes nothing (idempotence);
//! - every comment is kept, in order;
//! - the result checks with the same diagnostic codes, and its spec equals the
//!   original's but for positions.
#![allow(dead_code)]

use kpic::ast::Date;
use kpic::diagnostics::render::{Color, render_human};
use kpic::diagnostics::{Diagnostic, Severity, spans_are_valid};
use kpic::source::{FileId, SourceFile, SourceMap};
use kpic::syntax::{Parsers, parse_file_with};
use kpic::{Analysis, Options, analyze};
use serde_json::Value;

/// The name the fuzzed file is checked under.
pub const FILE_NAME: &str = "fuzz.kpi";

/// What holding the invariants found out about one input.
#[derive(Debug)]
pub struct Outcome {
    /// The codes of all diagnostics (allowed ones too), in order.
    pub codes: Vec<&'static str>,
    /// Whether any error is reported.
    pub errors: bool,
    /// Whether any syntax error (KPI0xx) is reported.
    pub syntax_errors: bool,
    /// The formatted text, when the file has no syntax errors.
    pub formatted: Option<String>,
}

/// A fixed "today", so that past-deadline notes do not change with the clock.
pub fn options() -> Options {
    Options {
        today: Date {
            year: 2026,
            month: 12,
            day: 3,
        },
        ..Options::default()
    }
}

/// Checks `bytes` as one file and asserts every invariant (panics otherwise).
pub fn check_bytes(bytes: &[u8]) -> Outcome {
    check_file(SourceFile::from_bytes(FILE_NAME, bytes.to_vec()))
}

/// Checks `text` as one file and asserts every invariant (panics otherwise).
pub fn check_text(text: &str) -> Outcome {
    check_file(SourceFile::new(FILE_NAME, text))
}

fn check_file(file: SourceFile) -> Outcome {
    let options = options();
    let mut map = SourceMap::new();
    map.add(file.clone());
    let analysis = analyze(&map, &options);
    for d in &analysis.diagnostics {
        assert_spans_valid(d, &map);
    }
    let again = analyze(&map, &options);
    assert!(
        analysis.diagnostics == again.diagnostics,
        "checking is not deterministic:\n{:#?}\n---\n{:#?}",
        analysis.diagnostics,
        again.diagnostics
    );
    assert_parsers_agree(&file);
    let _ = render_human(&analysis.diagnostics, &map, Color::Never);
    let _ = render_human(&analysis.diagnostics, &map, Color::Always);
    let errors = analysis.has_errors();
    if !errors {
        render_outputs(&analysis, &again, &map, &options);
    }
    let syntax_errors = analysis.diagnostics.iter().any(is_syntax_error);
    let formatted = match kpic::fmt::format_source(&file) {
        Ok(once) => {
            assert_formatting_keeps_meaning(&file, &once, &analysis, &options);
            Some(once)
        }
        Err(refused) => {
            assert!(
                syntax_errors,
                "fmt refuses a file without syntax errors: {:?}",
                messages(&refused)
            );
            None
        }
    };
    if !syntax_errors {
        assert!(
            formatted.is_some(),
            "a file without syntax errors is not formatted"
        );
    }
    Outcome {
        codes: analysis.diagnostics.iter().map(|d| d.code.code).collect(),
        errors,
        syntax_errors,
        formatted,
    }
}

/// The spec (twice: the same bytes) and the documentation of a model without errors.
fn render_outputs(analysis: &Analysis, again: &Analysis, map: &SourceMap, options: &Options) {
    let spec = kpic::emit::spec_json(analysis, map, "model");
    assert!(
        spec == kpic::emit::spec_json(again, map, "model"),
        "the spec is not deterministic"
    );
    let limits = &options.lints.limits;
    kpic::docs::html(analysis, map, "model", limits, kpic::docs::Lang::En).expect("html docs");
    kpic::docs::markdown(analysis, map, "model", limits, kpic::docs::Lang::Nl)
        .expect("markdown docs");
}

fn assert_formatting_keeps_meaning(
    file: &SourceFile,
    once: &str,
    analysis: &Analysis,
    options: &Options,
) {
    let formatted = SourceFile::new(file.name.clone(), once);
    let twice = match kpic::fmt::format_source(&formatted) {
        Ok(t) => t,
        Err(d) => panic!(
            "the formatted text does not format again: {:?}\n--- formatted\n{once}",
            messages(&d)
        ),
    };
    assert!(
        once == twice,
        "formatting is not idempotent\n--- once\n{once}\n--- twice\n{twice}"
    );
    assert_eq!(
        comments(&file.text),
        comments(once),
        "formatting loses or moves comments\n--- formatted\n{once}"
    );
    let mut after = SourceMap::new();
    after.add(formatted);
    let reformatted = analyze(&after, options);
    for d in &reformatted.diagnostics {
        assert_spans_valid(d, &after);
    }
    assert_eq!(
        sorted_codes(analysis),
        sorted_codes(&reformatted),
        "formatting changes the diagnostics\n--- formatted\n{once}"
    );
    let mut before = SourceMap::new();
    before.add(file.clone());
    assert!(
        spec_without_locations(analysis, &before) == spec_without_locations(&reformatted, &after),
        "formatting changes the spec\n--- formatted\n{once}"
    );
}

/// The fast path and pest give the same items, broken names and diagnostics.
/// (Files over 256 KB are left to `tests/fast_parser.rs`: printing two syntax
/// trees that big takes seconds in a debug build.)
pub fn assert_parsers_agree(file: &SourceFile) {
    if file.text.len() > 256 * 1024 {
        return;
    }
    let fast = parse_file_with(FileId(0), file, Parsers::FastThenPest);
    let pest = parse_file_with(FileId(0), file, Parsers::PestOnly);
    let seen =
        |p: &kpic::syntax::Parsed| format!("{:?}", (&p.file.items, &p.file.broken, &p.diagnostics));
    if seen(&fast) != seen(&pest) {
        panic!(
            "the fast path reads the file differently from pest\n--- fast\n{:#?}\n--- pest\n{:#?}",
            (&fast.file.items, &fast.file.broken, &fast.diagnostics),
            (&pest.file.items, &pest.file.broken, &pest.diagnostics)
        );
    }
}

/// Every comment, in order, as the formatter keeps them (trailing spaces dropped).
pub fn comments(text: &str) -> Vec<String> {
    kpic::fmt::comments::scan(text)
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// The spec of a checked model without positions: what formatting must keep.
pub fn spec_without_locations(analysis: &Analysis, sources: &SourceMap) -> Value {
    let mut spec = kpic::emit::build_spec(analysis, sources, "model");
    strip_locations(&mut spec);
    spec
}

/// Removes every `location` from a spec.
pub fn strip_locations(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("location");
            map.values_mut().for_each(strip_locations);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_locations),
        _ => {}
    }
}

/// Every span of `d` lies inside its file and on character boundaries.
pub fn assert_spans_valid(d: &Diagnostic, map: &SourceMap) {
    assert!(spans_are_valid(d, map), "span outside its file: {d:#?}");
    for label in std::iter::once(&d.primary).chain(&d.secondary) {
        let text = &map.get(label.span.file).text;
        assert!(
            text.is_char_boundary(label.span.start()) && text.is_char_boundary(label.span.end()),
            "span inside a character: {d:#?}"
        );
    }
}

pub fn is_syntax_error(d: &Diagnostic) -> bool {
    d.is_error() && d.code.code.starts_with("KPI0")
}

fn sorted_codes(a: &Analysis) -> Vec<(&'static str, Severity)> {
    let mut codes: Vec<_> = a
        .diagnostics
        .iter()
        .map(|d| (d.code.code, d.severity))
        .collect();
    codes.sort_by(|x, y| x.0.cmp(y.0).then(x.1.as_str().cmp(y.1.as_str())));
    codes
}

fn messages(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.message.as_str()).collect()
}
