//! Machine-readable outputs: the JSON spec of a checked model.

pub mod spec;
mod tree;

pub use spec::{SPEC_VERSION, build_spec, spec_json, write_spec};
pub use tree::expr_tree;
