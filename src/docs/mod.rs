//! Documentation for stakeholders, generated from a checked model.

mod describe;
mod markdown;

pub use markdown::markdown;
