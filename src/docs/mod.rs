//! Documentation for stakeholders, generated from a checked model.

mod markdown;

pub use markdown::markdown;
