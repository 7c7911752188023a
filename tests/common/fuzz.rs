//! Inputs for the fuzzers (proptest): tokens of the language for token soups,
//! byte-level mutations of example files, and choice streams for the model
//! generator (`models.rs`).

use proptest::prelude::*;
use proptest::sample::Index;

/// Tokens of the language, to build inputs that get deep into the parser.
pub const TOKENS: &[&str] = &[
    "unit",
    "role",
    "source",
    "metric",
    "kpi",
    "target",
    "objective",
    "signal",
    "chain",
    "goal",
    "formula",
    "owner",
    "backup",
    "bands",
    "red",
    "amber",
    "green",
    "on",
    "within",
    "by",
    "where",
    "and",
    "or",
    "not",
    "as",
    "field",
    "rows",
    "key_result",
    "from",
    "to",
    "segment",
    "level",
    "company",
    "department",
    "kind",
    "leading",
    "lagging",
    "frequency",
    "monthly",
    "north_star",
    "allow",
    "sum",
    "count",
    "avg",
    "previous",
    "x",
    "y",
    "crm",
    "crm.x",
    "EUR",
    "%",
    "d",
    "h",
    "count",
    "lead",
    "1",
    "2.5",
    "3,5",
    "1_000",
    "2027-12-31",
    "2027-02-30",
    "\"t\"",
    "\"",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    "->",
    "<",
    "<=",
    ">",
    "+",
    "-",
    "*",
    "/",
    "^",
    "\n",
    "\r\n",
    "\t",
    " ",
    "//c\n",
    "\u{feff}",
    "é",
];

/// Files whose mutations the robustness fuzzer checks.
pub const EXAMPLES_TO_MUTATE: &[&str] = &[
    "examples/webshop/kpis.kpi",
    "tests/fixtures/valid/language-sketch.kpi",
    "examples/company/finance.kpi",
];

/// One byte-level edit: where, which byte, and insert (0), remove (1) or replace (2).
pub type Edit = (Index, u8, u8);

/// One to seven edits.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..8)
}

/// The bytes of `file` (relative to the crate root) with `edits` applied.
pub fn mutate(file: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = std::fs::read(super::root().join(file)).expect("read example");
    for (at, byte, op) in edits {
        let i = at.index(bytes.len().max(1)).min(bytes.len());
        match op {
            0 => bytes.insert(i, *byte),
            1 if i < bytes.len() => {
                bytes.remove(i);
            }
            _ if i < bytes.len() => bytes[i] = *byte,
            _ => {}
        }
    }
    bytes
}

/// The number of cases of a proptest fuzzer: `PROPTEST_CASES` when set (as
/// `.ci/fuzz` does when libFuzzer is not available), else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A stream of choices for `models::generate`: longer streams give bigger
/// models, and shrinking gives smaller ones.
pub fn choices() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..3000)
}
