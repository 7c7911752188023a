pub fn markdown(_a: &crate::Analysis, _s: &crate::source::SourceMap, _n: &str) -> Vec<(String, String)> { Vec::new() }
