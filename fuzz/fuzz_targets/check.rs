//! libFuzzer over parse + check + render (+ fmt): arbitrary bytes as one
//! `.kpi` file, held to the invariants of `tests/common/invariants.rs` (no
//! panic, spans inside their file, deterministic checking; for a file without
//! syntax errors, `fmt` idempotent, comments kept, same diagnostics and the
//! same spec but for positions).
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::check_bytes(data);
});
