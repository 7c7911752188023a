//! The long explanation of each code, from `docs/diagnostics/KPIxxx.md`.

include!(concat!(env!("OUT_DIR"), "/explanations.rs"));

/// The explanation of a code, if written.
pub fn explanation(code: &str) -> Option<&'static str> {
    EXPLANATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| *text)
}
