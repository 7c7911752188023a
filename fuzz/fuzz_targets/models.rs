//! libFuzzer over generated models: the input bytes are the choice stream of
//! the grammar-aware generator (`tests/common/models.rs`, one byte a choice),
//! so coverage guidance steers *valid* models. Each must check without errors
//! and hold every invariant of `tests/common/invariants.rs` (fmt idempotent,
//! comments kept, the same spec but for positions); one slightly broken
//! variant of it (a token dropped, duplicated or swapped) must hold the
//! invariants too.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;
#[path = "../../tests/common/models.rs"]
mod models;

use models::{Break, generate};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let choices: Vec<u32> = data.iter().map(|&b| u32::from(b)).collect();
    let model = generate(&choices);
    let outcome = invariants::check_text(&model.text);
    assert!(
        !outcome.errors,
        "a generated model has errors: {:?}\n{}",
        outcome.codes, model.text
    );
    let how = match data.first().map_or(0, |b| b % 4) {
        0 => Break::Drop,
        1 => Break::Duplicate,
        2 => Break::Swap,
        _ => Break::LoneCr,
    };
    let index = data.iter().fold(0usize, |h, &b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    invariants::check_text(&model.broken(how, index));
});
