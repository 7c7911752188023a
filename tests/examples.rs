//! The shipped examples and the sketch: no errors, deterministic outputs, and
//! snapshots of the webshop's spec and docs.

mod common;

use common::*;
use std::path::Path;

#[test]
fn every_example_model_passes_without_errors() {
    let mut models = 0;
    for entry in std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
    {
        if !entry.path().join("kpic.toml").is_file() {
            continue;
        }
        models += 1;
        let dir = entry
            .path()
            .strip_prefix(root())
            .expect("under root")
            .to_path_buf();
        let files = kpi_files(&dir);
        let (sources, analysis) = check_dated(&files);
        assert!(
            !analysis.has_errors(),
            "{}:\n{}",
            dir.display(),
            render(&analysis, &sources)
        );
    }
    assert!(models >= 3, "expected the webshop, company and saas models");
}

#[test]
fn the_webshop_spec_and_docs_are_stable() {
    let files = kpi_files(Path::new("examples/webshop"));
    let (sources, a) = check_dated(&files);
    let spec = kpic::emit::spec_json(&a, &sources, "Webshop");
    let (sources2, a2) = check_dated(&files);
    assert_eq!(
        spec,
        kpic::emit::spec_json(&a2, &sources2, "Webshop"),
        "the spec is not deterministic"
    );
    insta::assert_snapshot!("webshop_spec", spec);
    let docs = kpic::docs::markdown(
        &a,
        &sources,
        "Webshop",
        &kpic::lints::Limits::default(),
        kpic::docs::Lang::En,
    )
    .expect("renders");
    insta::assert_snapshot!("webshop_docs", docs[0].1);
    let docs = kpic::docs::markdown(
        &a,
        &sources,
        "Webshop",
        &kpic::lints::Limits::default(),
        kpic::docs::Lang::Nl,
    )
    .expect("renders");
    insta::assert_snapshot!("webshop_docs_nl", docs[0].1);
}

#[test]
fn the_spec_carries_units_bands_and_the_chain_graph() {
    let files = kpi_files(Path::new("examples/webshop"));
    let (sources, a) = check_dated(&files);
    let spec = kpic::emit::build_spec(&a, &sources, "Webshop");
    let kpis = spec["kpis"].as_array().expect("kpis");
    let lead_time = kpis
        .iter()
        .find(|k| k["name"] == "delivery_lead_time")
        .expect("lead time");
    assert_eq!(lead_time["unit"]["text"], "d");
    assert_eq!(lead_time["direction"], "lower");
    assert_eq!(lead_time["formula"]["unit"]["text"], "s");
    let factor = lead_time["formula"]["conversion_to_declared"]
        .as_f64()
        .expect("factor");
    assert!((factor - 1.0 / 86_400.0).abs() < 1e-12);
    let upper = &lead_time["bands"]["intervals"][1]["to"];
    assert_eq!(upper["value"], 3.0, "72 h is 3 d");
    assert_eq!(upper["closed"], true);
    let rpv = kpis
        .iter()
        .find(|k| k["name"] == "revenue_per_visitor")
        .expect("rpv");
    assert_eq!(rpv["unit"]["dimensions"]["EUR"], 1);
    assert_eq!(rpv["unit"]["dimensions"]["session"], -1);
    assert_eq!(spec["chain_graph"]["order"][0], "product_page_conversion");
    assert_eq!(
        spec["chain_graph"]["edges"].as_array().map(Vec::len),
        Some(3)
    );
}

/// Checks files as of the fixed test date.
fn check_dated(files: &[std::path::PathBuf]) -> (kpic::source::SourceMap, kpic::Analysis) {
    check(
        files,
        &kpic::Options {
            today: TODAY,
            ..Default::default()
        },
    )
}
