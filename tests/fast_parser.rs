//! The fast path in front of pest gives exactly what pest + lowering give:
//! the same items (every span, name, string, number and unit), the same broken
//! names and the same diagnostics, on the examples, every fixture, generated
//! models and fuzzed inputs (token soups, mutated examples and item-shaped
//! soups with random spacing). And it reads every item of the examples and of
//! generated models itself, so the speed cannot silently go away.

mod common;
#[path = "../benches/model_gen.rs"]
mod model_gen;

use common::fuzz::{TOKENS, edits, mutate};
use common::{kpi_files, root};
use kpic::source::{FileId, SourceFile};
use kpic::syntax::{Parsed, Parsers, parse_file_with};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

/// Parses `bytes` both ways, asserts the results are the same, and returns
/// the fast path's result.
fn assert_same(name: &str, bytes: &[u8]) -> Parsed {
    let file = SourceFile::from_bytes(name, bytes.to_vec());
    let fast = parse_file_with(FileId(3), &file, Parsers::FastThenPest);
    let pest = parse_file_with(FileId(3), &file, Parsers::PestOnly);
    let text = String::from_utf8_lossy(bytes);
    for (f, p) in fast.file.items.iter().zip(&pest.file.items) {
        let (f, p) = (format!("{f:#?}"), format!("{p:#?}"));
        assert!(
            f == p,
            "{name}: the fast path reads an item differently\n--- input\n{text}\n--- fast\n{f}\n--- pest\n{p}"
        );
    }
    assert_eq!(
        fast.file.items.len(),
        pest.file.items.len(),
        "{name}: a different number of items\n{text}"
    );
    assert_eq!(
        format!("{:?}", (&fast.file.broken, &fast.diagnostics)),
        format!("{:?}", (&pest.file.broken, &pest.diagnostics)),
        "{name}: different broken names or diagnostics\n{text}"
    );
    assert!(pest.by_pest.len() >= fast.by_pest.len());
    fast
}

/// The text of each item the fast path left to pest.
fn left_to_pest(parsed: &Parsed, text: &str) -> Vec<String> {
    parsed
        .by_pest
        .iter()
        .map(|s| text[s.start()..s.end()].to_string())
        .collect()
}

/// How many items the fast path read.
fn read_by_the_fast_path(parsed: &Parsed) -> usize {
    let by_pest = |at: usize| {
        parsed
            .by_pest
            .iter()
            .any(|s| s.start() <= at && at < s.end())
    };
    parsed
        .file
        .items
        .iter()
        .filter(|item| !by_pest(item.name().span.start()))
        .count()
}

fn examples() -> Vec<std::path::PathBuf> {
    let mut files = kpi_files(Path::new("examples"));
    files.extend(kpi_files(Path::new("tests/fixtures/valid")));
    files
}

#[test]
fn every_example_and_fixture_parses_alike() {
    let mut files = kpi_files(Path::new("tests/fixtures"));
    files.extend(kpi_files(Path::new("examples")));
    assert!(files.len() > 80, "{} files", files.len());
    for f in files {
        let bytes = std::fs::read(root().join(&f)).expect("read");
        assert_same(&f.display().to_string(), &bytes);
    }
}

#[test]
fn the_fast_path_reads_every_item_of_the_examples() {
    for f in examples() {
        let bytes = std::fs::read(root().join(&f)).expect("read");
        let parsed = assert_same(&f.display().to_string(), &bytes);
        let text = String::from_utf8_lossy(&bytes);
        assert!(!parsed.file.items.is_empty());
        assert_eq!(
            left_to_pest(&parsed, &text),
            Vec::<String>::new(),
            "{}: items left to pest",
            f.display()
        );
    }
}

#[test]
fn generated_models_parse_alike_and_entirely_on_the_fast_path() {
    let mut models = model_gen::model(200, 3);
    models.push(("chain.kpi".into(), model_gen::long_chain(60)));
    for (name, text) in &models {
        let parsed = assert_same(name, text.as_bytes());
        assert_eq!(left_to_pest(&parsed, text), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn a_ten_thousand_kpi_model_is_read_entirely_on_the_fast_path() {
    for (name, text) in model_gen::model(10_000, 1) {
        let file = SourceFile::new(name.clone(), text);
        let parsed = parse_file_with(FileId(0), &file, Parsers::FastThenPest);
        assert!(parsed.diagnostics.is_empty(), "{name}");
        assert!(parsed.file.items.len() > 10_000);
        assert!(parsed.by_pest.is_empty(), "{name}: {:?}", parsed.by_pest);
    }
}

/// Items the fast path must read itself, each checked against pest.
const READ_FAST: &[&str] = &[
    "kpi a { unit\n EUR / h }",
    // spacing: none, tabs, CRLF, comments between any two tokens
    "kpi a\"A\"{goal\"g\"formula count(s)unit %target 30%by 2027-01-01}",
    "kpi a {\r\n\tgoal \"g\"\r\n\tunit\tEUR / session\r\n}",
    "kpi a // c\n \"A\" // c\n { // c\n goal // c\n \"g\" // c\n formula // c\n a // c\n + // c\n b // c\n }",
    "metric m =\n  a\n  + b\n  * c",
    "metric m = a +b-c*d/e",
    "metric m = a//c\n",
    "role r \"R\"\r",
    // keywords as names where the grammar allows them, and near-keywords
    "metric unitX = notes + nota + andy + or_ + as1 + where_ + truely",
    "kpi a { owner backup }",
    "chain c { kpi -> metric -> unit }",
    "metric m = and(x) + where.x + or.y",
    "metric m = count(where (x))",
    "metric m = count(s where (s.a))",
    "metric m = count(where x)",
    "metric m = f()",
    "metric m = f ( a , b where c )",
    "metric m = sum // c\n (x)",
    // prefixes, casts, precedence
    "metric m = not not a or - - b and not c = d",
    "metric m = -a * -b - -c",
    "metric m = not(x)",
    "metric m = x as EUR / order * 2",
    "metric m = x as % * 100",
    "metric m = x as\n  EUR / 1",
    "metric m = x as m ^ -2 + 1",
    "metric m = a = b or c != d and e < f or g <= h and i > j or k >= l",
    "metric m = (a + (b * (c - d))) / -(e)",
    "metric m = true and false or x",
    // literals: units, `_`, decimals, a unit on the same line only
    "metric m = 30 d + 1.5 EUR + 3.5% + 1_000 + 5 notes + 2 1 + 7 €+ 8$",
    "metric m = x * 30\n  + d",
    "metric m = 1_.5 + 1__ + 12.0",
    "metric m = 2027-12-31",
    "metric m = 5EUR + 5e3",
    // strings: escapes, non-ASCII, `//` inside
    "kpi a \"é \\\"q\\\" \\\\ \\n \\t \\é // no comment\" { notes \"ü\" }",
    // quantities, units, dates
    "target a 2.60 EUR/session by 2028-02-29",
    "target a -5 EUR * h ^ 2 / m^-1 by 2028-12-31",
    "target a 30 %",
    "target a 30 by 2027-01-01",
    "target a 30 EUR // c\n by 2027-01-01",
    "unit kEUR = 1000 EUR",
    "unit x = -1 EUR",
    "unit order:count",
    "unit point",
    "unit p = 3 1",
    "kpi a { unit m^2 * s ^ -1 / EUR }",
    "kpi a { unit EUR // c\n }",
    "kpi a { trend 12 months }",
    "kpi a { target 4% by 2027-06-30owner r }",
    // every attribute
    "kpi a { north_star goal \"g\" definition \"d\" formula x unit % type t kind k level company perspective p funnel f owner o backup b frequency w target 1 bands red < 1 <= green on red r \"t\" within 5 d on amber r \"t\" segment by s.a, s.b segment by s.c notes \"n\" trend 1 months direction lower allow missing-backup, KPI512, a-1 rows order }",
    "source s \"S\" { owner o rows order field a: EUR \"A\" field b:timestamp field c: EUR/h }",
    "objective o \"O\" { owner o key_result k from 42% to 47% by 2027-12-31 key_result k from -1 to 2 }",
    "signal s { owner o notes \"n\" }",
    "kpi a { bands green <= 2 d < amber <= 72 h < red }",
    "kpi a { bands red<-5<=amber<5 %<=green }",
    "kpi a { level department \"Sales\" }",
    "chain c \"C\" {\n  a -> b\n  c\n  -> d e\n}",
    "chain c {}",
];

/// Items the fast path must leave to pest (an error, or something `lower` reports).
const LEFT_TO_PEST: &[&str] = &[
    // chained comparisons: an error, which `lower` reports
    "metric m = a = b != c < d <= e > f >= g",
    "metric m = count(s where s.a > 0 EUR < 100 EUR)",
    "kpi a { unit EUR /\n }",
    "target a 30\n%",
    "metric m = 3,5",
    "metric m = f(1,5)",
    "metric m = 1.000,5",
    "target a 3,5% by 2027-01-01",
    "target a 5 by 2027-02-30",
    "target a 5 by 2027-13-01",
    "kpi a { goal \"a\" goal \"b\" }",
    "kpi a { formula a formula b }",
    "metric m = 100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "kpi a { unit d^99999999999 }",
    "kpi a { unit EUR / d^-2147483648 }",
    "metric m = a +",
    "metric m = a + )",
    "metric m = where",
    "metric m = f(a,)",
    "metric m = - > a",
    "metric m = a -> b",
    "metric m = a.b.c",
    "metric m = x as 5",
    "metric m = x as EUR as d",
    "kpi a { unit EUR\n / h }",
    "target a - 5",
    "target a 5 by 27-01-01",
    "target a 30% by",
    "kpi a { bands red }",
    "kpi a { bands red < 20 amber }",
    "kpi a { on red r \"t\" within }",
    "kpi a { segment by s }",
    "kpi a { allow a- }",
    "kpi a { notes \"unterminated }",
    "kpi a { notes \"line\nbreak\" }",
    "kpi a { notes \"cr\rbreak\" }",
    "kpi a { notes \"escaped line end\\\n\" }",
    "kpi a { bogus x }",
    "kpi a { goal \"g\"",
    "kpié a {}",
    "hello",
    "kpi a {} trailing",
    "chain c { a -> }",
    "unit x = ",
    "role r \"R\" \"again\"",
    "metric m = \u{a0}x",
];

#[test]
fn tricky_items_parse_alike_and_on_the_expected_path() {
    let mut wrong = Vec::new();
    for text in READ_FAST {
        let parsed = assert_same("read_fast.kpi", text.as_bytes());
        if !(parsed.by_pest.is_empty() && parsed.diagnostics.is_empty()) {
            wrong.push(format!(
                "the fast path should read this itself:\n{text}\n{:?}",
                parsed.diagnostics
            ));
        }
    }
    for text in LEFT_TO_PEST {
        let parsed = assert_same("left_to_pest.kpi", text.as_bytes());
        if parsed.by_pest.is_empty() {
            wrong.push(format!("the fast path should leave this to pest:\n{text}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn too_many_prefixes_are_left_to_pest() {
    for prefix in ["not ", "-", "- "] {
        let ok = format!("metric m = {}x", prefix.repeat(64));
        let parsed = assert_same("prefixes.kpi", ok.as_bytes());
        assert!(parsed.by_pest.is_empty(), "{ok}");
        let deep = format!("metric m = {}x", prefix.repeat(65));
        let parsed = assert_same("prefixes.kpi", deep.as_bytes());
        assert_eq!(parsed.by_pest.len(), 1, "{deep}");
    }
    let nested = format!("metric m = {}1{}", "(".repeat(64), ")".repeat(64));
    assert!(
        assert_same("nested.kpi", nested.as_bytes())
            .by_pest
            .is_empty()
    );
    let long = format!("metric m = {}", vec!["1"; 20_000].join(" + "));
    assert!(assert_same("long.kpi", long.as_bytes()).by_pest.is_empty());
}

// ---- fuzzing -------------------------------------------------------------------

/// Whole attributes and item heads, as tokens: joined with random spacing they
/// make items that are mostly valid, so the fast path is exercised, and often
/// subtly not (a unit on the next line, no space at all), so it is tested
/// where it must give up.
const PIECES: &[&[&str]] = &[
    &["kpi", "k", "\"K\"", "{"],
    &["kpi", "k", "{"],
    &["metric", "m", "="],
    &["metric", "m", "\"M\"", "{"],
    &["source", "s", "{"],
    &["objective", "o", "\"O\"", "{"],
    &["signal", "sig", "{"],
    &["}"],
    &["}"],
    &["target", "k", "30", "%", "by", "2027-12-31"],
    &["target", "k", "-", "2.5", "EUR", "/", "h", "^", "2"],
    &["unit", "order", ":", "count"],
    &["unit", "kEUR", "=", "1_000", "EUR"],
    &["unit", "point"],
    &["role", "r", "\"R \\\" é\""],
    &["chain", "c", "{", "a", "->", "b", "->", "c", "}"],
    &["goal", "\"g // no comment\""],
    &["definition", "\"tab\\there\""],
    &["notes", "\"n\""],
    &["formula"],
    &["formula"],
    &["unit", "EUR", "/", "session"],
    &["unit", "m", "^", "-", "2", "*", "s"],
    &["unit", "%"],
    &["type", "operational"],
    &["kind", "leading"],
    &["level", "department", "\"D\""],
    &["level", "company"],
    &["perspective", "customer"],
    &["funnel", "revenue"],
    &["owner", "r"],
    &["backup", "b"],
    &["frequency", "weekly"],
    &["direction", "lower"],
    &["rows", "order"],
    &["target", "4", "%", "by", "2027-06-30"],
    &["target", "2.40", "EUR", "/", "session"],
    &[
        "bands", "red", "<", "20", "%", "<=", "amber", "<", "28", "%", "<=", "green",
    ],
    &[
        "bands", "green", "<=", "2", "d", "<", "amber", "<=", "72", "h", "<", "red",
    ],
    &["on", "red", "r", "\"acts\"", "within", "5", "d"],
    &["on", "amber", "r", "\"x\""],
    &["segment", "by", "s.a", ",", "s.b"],
    &["allow", "missing-backup", ",", "KPI512"],
    &["field", "x", ":", "EUR", "\"d\""],
    &["field", "t", ":", "timestamp"],
    &[
        "key_result",
        "k",
        "from",
        "42",
        "%",
        "to",
        "47",
        "%",
        "by",
        "2027-12-31",
    ],
    &["north_star"],
    &["trend", "12", "months"],
];

/// Operands and operators of formulas.
const FORMULA: &[&str] = &[
    "a",
    "b",
    "s.a",
    "s.b",
    "1",
    "2.5",
    "1_000",
    "3,5",
    "30",
    "d",
    "EUR",
    "%",
    "notes",
    "true",
    "\"t\"",
    "(",
    "(",
    ")",
    ")",
    "sum(",
    "count(",
    "previous(",
    ",",
    "where",
    "and",
    "or",
    "not",
    "-",
    "-",
    "+",
    "*",
    "/",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "as",
    "->",
    "^",
    "2027-12-31",
];

/// What stands between two tokens: mostly a space.
const GAPS: &[&str] = &[
    " ", " ", " ", " ", " ", "", "\t", "\n", "\r\n", " // c\n", "\n\n  ",
];

fn item_soup() -> impl Strategy<Value = String> {
    let piece = (
        0..PIECES.len() + 8,
        prop::collection::vec(0..FORMULA.len(), 1..10),
        prop::collection::vec(0..GAPS.len(), 16),
    );
    prop::collection::vec(piece, 1..24).prop_map(|pieces| {
        let mut text = String::new();
        for (which, formula, gaps) in pieces {
            let tokens: Vec<&str> = match PIECES.get(which) {
                Some(p) => p.to_vec(),
                None => formula.iter().map(|&i| FORMULA[i]).collect(),
            };
            for (i, t) in tokens.iter().enumerate() {
                text.push_str(t);
                text.push_str(GAPS[gaps[i % gaps.len()]]);
            }
            text.push('\n');
        }
        text
    })
}

/// Runs `cases` inputs of `strategy` through [`assert_same`]; returns how many
/// items the fast path read.
fn run<S: Strategy>(cases: u32, strategy: S, to_bytes: impl Fn(&S::Value) -> Vec<u8>) -> usize {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let read_fast = std::cell::Cell::new(0);
    runner
        .run(&strategy, |value| {
            let bytes = to_bytes(&value);
            let parsed = assert_same("fuzz.kpi", &bytes);
            read_fast.set(read_fast.get() + read_by_the_fast_path(&parsed));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    read_fast.get()
}

#[test]
fn item_soups_parse_alike() {
    let read = run(3000, item_soup(), |t| t.as_bytes().to_vec());
    assert!(read > 500, "only {read} items read by the fast path");
}

#[test]
fn mutated_examples_parse_alike() {
    let files: Vec<String> = examples().iter().map(|f| f.display().to_string()).collect();
    let read = run(1500, (0..files.len(), edits()), |(which, edits)| {
        mutate(&files[*which], edits)
    });
    assert!(read > 10_000, "only {read} items read by the fast path");
}

#[test]
fn token_soups_parse_alike() {
    let strategy = prop::collection::vec(prop::sample::select(TOKENS), 0..120);
    run(1500, strategy, |tokens| tokens.join(" ").into_bytes());
}

/// `parse_all` parses the items of all files on two threads, cutting the
/// work in the middle of a file; the result must be what parsing each file
/// on its own gives, including files that do not parse, are empty or are not
/// UTF-8, and the diagnostics in the same order.
#[test]
fn parsing_on_two_threads_gives_what_parsing_file_by_file_gives() {
    use kpic::source::SourceMap;
    let mut map = SourceMap::new();
    let mut model = model_gen::model(300, 5);
    model.insert(2, ("empty.kpi".into(), "// nothing here\n".into()));
    model.push((
        "broken.kpi".into(),
        "kpi a {\n  goal\n}\nrole r \"R\"\nmetric m = (1 +\n".into(),
    ));
    for (name, text) in &model {
        map.add(SourceFile::new(name.clone(), text.clone()));
    }
    map.add(SourceFile::from_bytes(
        "binary.kpi",
        b"role r \"\xff\"\n".to_vec(),
    ));
    map.add(SourceFile::new("one.kpi", "role only \"One\"\n"));
    map.add(SourceFile::new("last.kpi", "  \n"));
    let (files, diags) = kpic::syntax::parse_all(&map);

    let mut expected_files = Vec::new();
    let mut expected_diags = Vec::new();
    for (id, file) in map.iter() {
        if file.invalid_utf8.is_some() {
            continue;
        }
        let (f, d) = kpic::syntax::parse_file(id, file);
        expected_files.push(f);
        expected_diags.extend(d);
    }
    assert_eq!(files.len(), expected_files.len());
    for (a, b) in files.iter().zip(&expected_files) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "file {:?}", a.id);
    }
    let codes: Vec<_> = diags.iter().map(|d| d.code.code).collect();
    assert!(codes.contains(&"KPI008"), "{codes:?}");
    let without_utf8: Vec<_> = diags
        .iter()
        .filter(|d| d.code.code != "KPI008")
        .cloned()
        .collect();
    assert_eq!(without_utf8, expected_diags);
}
