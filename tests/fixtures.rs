//! Every invalid fixture triggers exactly the one diagnostic its header names;
//! its rendering is pinned by a snapshot. Every code has a fixture and an
//! explanation.

mod common;

use common::*;
use kpic::diagnostics::codes;
use kpic::diagnostics::explain::explanation;
use std::collections::BTreeMap;
use std::path::Path;

fn invalid_fixtures() -> Vec<(std::path::PathBuf, String)> {
    kpi_files(Path::new("tests/fixtures"))
        .into_iter()
        // valid/ has no errors; fuzz/ holds the fuzzers' regression inputs
        // (tests/fuzz_models.rs), which expect nothing in particular.
        .filter(|p| !p.starts_with("tests/fixtures/valid") && !p.starts_with("tests/fixtures/fuzz"))
        .map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(root().join(&p)).expect("read"))
                .into_owned();
            let code = expected_code(&text)
                .unwrap_or_else(|| panic!("{} has no `// expect: KPIxxx` header", p.display()));
            (p, code)
        })
        .collect()
}

#[test]
fn each_invalid_fixture_triggers_exactly_its_diagnostic() {
    let mut failures = Vec::new();
    for (path, code) in invalid_fixtures() {
        let (sources, analysis) = check(std::slice::from_ref(&path), &options(Some(&code)));
        let shown = shown(&analysis);
        let codes: Vec<&str> = shown.iter().map(|d| d.code.code).collect();
        if codes != [code.as_str()] {
            failures.push(format!(
                "{}: expected [{code}], got {codes:?}\n{}",
                path.display(),
                render(&analysis, &sources)
            ));
            continue;
        }
        let name = path
            .strip_prefix("tests/fixtures")
            .expect("fixture")
            .with_extension("")
            .display()
            .to_string()
            .replace('/', "__");
        insta::assert_snapshot!(name, render(&analysis, &sources));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_fixture_and_an_explanation() {
    let mut fixtures: BTreeMap<String, usize> = BTreeMap::new();
    for (_, code) in invalid_fixtures() {
        *fixtures.entry(code).or_default() += 1;
    }
    let mut missing = Vec::new();
    for c in codes::ALL {
        // An internal error cannot be triggered on purpose: it marks a bug.
        if c.code != "KPI901" && !fixtures.contains_key(c.code) {
            missing.push(format!("{} ({}) has no fixture", c.code, c.slug));
        }
        match explanation(c.code) {
            None => missing.push(format!(
                "{} ({}) has no docs/diagnostics/{}.md",
                c.code, c.slug, c.code
            )),
            Some(text) if !text.starts_with(&format!("# {}: {}", c.code, c.slug)) => {
                missing.push(format!(
                    "docs/diagnostics/{}.md does not start with `# {}: {}`",
                    c.code, c.code, c.slug
                ));
            }
            Some(_) => {}
        }
    }
    for code in fixtures.keys() {
        if codes::lookup(code).is_none() {
            missing.push(format!("a fixture expects {code}, which is not a code"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn valid_fixtures_and_the_sketch_have_no_errors() {
    for path in kpi_files(Path::new("tests/fixtures/valid")) {
        let (sources, analysis) = check(std::slice::from_ref(&path), &options(None));
        assert!(
            !analysis.has_errors(),
            "{}:\n{}",
            path.display(),
            render(&analysis, &sources)
        );
    }
}
