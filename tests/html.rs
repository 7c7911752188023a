//! The HTML documentation site: snapshots of the webshop pages, escaping of
//! user text, determinism, both languages, offline use and working links.

mod common;

use common::*;
use kpic::docs::{Lang, html, markdown};
use kpic::lints::Limits;
use kpic::source::{SourceFile, SourceMap};
use std::path::Path;

fn webshop() -> (SourceMap, kpic::Analysis) {
    check(
        &kpi_files(Path::new("examples/webshop")),
        &kpic::Options {
            today: TODAY,
            ..Default::default()
        },
    )
}

fn site(lang: Lang) -> Vec<(String, String)> {
    let (sources, a) = webshop();
    html(&a, &sources, "Webshop", &Limits::default(), lang).expect("renders")
}

fn page<'a>(pages: &'a [(String, String)], name: &str) -> &'a str {
    &pages
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no page {name}"))
        .1
}

#[test]
fn the_webshop_index_and_a_kpi_page_are_stable() {
    let pages = site(Lang::En);
    insta::assert_snapshot!("webshop_index_html", page(&pages, "index.html"));
    insta::assert_snapshot!(
        "webshop_kpi_html",
        page(&pages, "kpi-product-page-conversion.html")
    );
}

#[test]
fn the_dutch_index_is_stable() {
    let pages = site(Lang::Nl);
    insta::assert_snapshot!("webshop_index_html_nl", page(&pages, "index.html"));
}

#[test]
fn same_model_same_bytes() {
    assert_eq!(site(Lang::En), site(Lang::En));
    assert_eq!(site(Lang::Nl), site(Lang::Nl));
    let (s1, a1) = webshop();
    let (s2, a2) = webshop();
    assert_eq!(
        markdown(&a1, &s1, "Webshop", &Limits::default(), Lang::Nl).expect("md"),
        markdown(&a2, &s2, "Webshop", &Limits::default(), Lang::Nl).expect("md"),
    );
}

#[test]
fn the_site_has_an_index_a_page_per_kpi_and_the_other_pages() {
    let (sources, a) = webshop();
    let pages = html(&a, &sources, "Webshop", &Limits::default(), Lang::En).expect("renders");
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "index.html",
        "chains.html",
        "objectives.html",
        "sources.html",
        "glossary.html",
    ] {
        assert!(names.contains(&name), "{name} missing: {names:?}");
    }
    assert_eq!(
        names.iter().filter(|n| n.starts_with("kpi-")).count(),
        a.model.kpis.len()
    );
    let index = page(&pages, "index.html");
    for part in [
        "id=\"health\"",
        "Scorecards by level",
        "By Balanced Scorecard perspective",
        "By AARRR stage",
        "By owner",
        "class=\"diagram\"",
        "steers too late",
        "too few",
        "KPI509",
    ] {
        assert!(index.contains(part), "index lacks {part}");
    }
    let kpi = page(&pages, "kpi-delivery-lead-time.html");
    for part in [
        "class=\"gauge\"",
        "lower is better",
        "target 2 d",
        "avg(shop.delivered_at - shop.placed_at)",
        "a point in time",
        "Webshop orders",
        "Data team",
        "Logistics planner",
        "31 March 2027",
        "escalates to the carrier",
        "within 2 d",
    ] {
        assert!(kpi.contains(part), "KPI page lacks {part}");
    }
    let glossary = page(&pages, "glossary.html");
    for term in ["Metric", "KPI", "Target", "OKR", "Signal"] {
        assert!(glossary.contains(term), "glossary lacks {term}");
    }
    let objectives = page(&pages, "objectives.html");
    assert!(objectives.contains("Gross margin from 42% to 47% in 12 months"));
    assert!(objectives.contains("NPS comments"));
}

#[test]
fn dutch_uses_dutch_words_numbers_and_dates() {
    let pages = site(Lang::Nl);
    let kpi = page(&pages, "kpi-product-page-conversion.html");
    assert!(kpi.contains("<html lang=\"nl\">"));
    for part in [
        "3,5%",
        "groen",
        "oranje",
        "rood",
        "Doel",
        "Eigenaar",
        "Streefwaarde",
        "30 juni 2027",
        "wekelijks",
        "hoger is beter",
    ] {
        assert!(kpi.contains(part), "Dutch KPI page lacks {part}");
    }
    // User text is shown as written, not translated.
    assert!(kpi.contains("Visitors who look at a product decide to buy it"));
    assert!(!kpi.contains("3.5%"));
    let (sources, a) = webshop();
    let md = markdown(&a, &sources, "Webshop", &Limits::default(), Lang::Nl).expect("md");
    assert!(md[0].1.contains("groen vanaf 3,5%"), "{}", md[0].1);
}

#[test]
fn user_text_is_escaped_everywhere() {
    let mut sources = SourceMap::new();
    for f in kpi_files(Path::new("examples/webshop")) {
        let text = std::fs::read_to_string(root().join(&f)).expect("read");
        let text = text
            .replace(
                "\"Product page conversion\"",
                "\"<script>alert(1)</script>\"",
            )
            .replace("\"Head of E-commerce\"", "\"<img src=x onerror=alert(2)>\"");
        sources.add(SourceFile::new(f.display().to_string(), text));
    }
    let a = kpic::analyze(
        &sources,
        &kpic::Options {
            today: TODAY,
            ..Default::default()
        },
    );
    assert!(!a.has_errors());
    let pages = html(&a, &sources, "<b>Shop</b>", &Limits::default(), Lang::En).expect("renders");
    for (name, text) in &pages {
        assert!(!text.contains("<script"), "{name} has a script element");
        assert!(!text.contains("<img"), "{name} has an img element");
        assert!(!text.contains("<b>Shop"), "{name} has unescaped model name");
    }
    let index = page(&pages, "index.html");
    assert!(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let kpi = page(&pages, "kpi-product-page-conversion.html");
    assert!(kpi.contains("<h1 id=\"kpi-product-page-conversion\">&lt;script&gt;"));
    let md = markdown(&a, &sources, "<b>Shop</b>", &Limits::default(), Lang::En).expect("md");
    assert!(!md[0].1.contains("<script"));
    assert!(md[0].1.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

/// Attribute values of `attr="..."` in a page.
fn attribute_values<'a>(text: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn the_site_works_offline_and_every_link_resolves() {
    for lang in [Lang::En, Lang::Nl] {
        let pages = site(lang);
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for (name, text) in &pages {
            let without_ns = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!without_ns.contains("http://"), "{name} links out");
            assert!(!without_ns.contains("https://"), "{name} links out");
            assert!(!text.contains("<script"), "{name} has a script");
            assert!(!text.contains("<link"), "{name} loads a stylesheet");
            assert!(!text.contains("@import") && !text.contains("url("));
            assert!(
                attribute_values(text, "src").is_empty(),
                "{name} loads a resource"
            );
            for href in attribute_values(text, "href") {
                let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
                let target = if file.is_empty() { name.as_str() } else { file };
                assert!(names.contains(&target), "{name}: broken link {href}");
                if !fragment.is_empty() {
                    let page = page(&pages, target);
                    assert!(
                        page.contains(&format!("id=\"{fragment}\"")),
                        "{name}: no anchor {href}"
                    );
                }
            }
        }
    }
}

#[test]
fn gauges_are_to_scale_and_mark_the_target() {
    let pages = site(Lang::En);
    let kpi = page(&pages, "kpi-product-page-conversion.html");
    let start = kpi.find("<svg class=\"gauge\"").expect("a gauge");
    let svg = &kpi[start..start + kpi[start..].find("</svg>").expect("end")];
    // red < 2.5% <= amber < 3.5% <= green, target 4%: the amber band is as
    // wide as the distance from 3.5% to 4.5%, and the target sits halfway
    // between 3.5% and 4.5%.
    let widths: Vec<f64> = attribute_values(svg, "width")
        .iter()
        .skip(1)
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(widths.len(), 3, "{svg}");
    let xs: Vec<f64> = attribute_values(svg, "x")
        .iter()
        .filter_map(|x| x.parse().ok())
        .collect();
    let (red, amber) = (widths[0], widths[1]);
    assert!(red > 0.0 && amber > 0.0);
    let amber_start = xs[0] + red;
    let green_start = amber_start + amber;
    let x1: Vec<f64> = attribute_values(svg, "x1")
        .iter()
        .filter_map(|x| x.parse().ok())
        .collect();
    let target_x = *x1.last().expect("target line");
    let per_point = amber; // one percentage point
    assert!(
        ((target_x - green_start) - per_point / 2.0).abs() < 1.0,
        "target at {target_x}, green from {green_start}, 1 pt = {per_point}"
    );
    assert!(svg.contains("target 4%") && svg.contains("higher is better"));
}

#[test]
fn every_example_renders_in_both_languages_and_formats() {
    for model in ["examples/webshop", "examples/company", "examples/saas"] {
        let (sources, a) = check(
            &kpi_files(Path::new(model)),
            &kpic::Options {
                today: TODAY,
                ..Default::default()
            },
        );
        for lang in [Lang::En, Lang::Nl] {
            let pages = html(&a, &sources, model, &Limits::default(), lang).expect("html");
            assert!(pages.len() > 5, "{model}");
            let md = markdown(&a, &sources, model, &Limits::default(), lang).expect("md");
            assert!(md[0].1.contains("```mermaid"), "{model}");
        }
    }
}

#[test]
fn a_broken_model_still_renders_without_panicking() {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "broken.kpi",
        "kpi a \"A\" {\n  formula b\n  bands green < 3 <= red\n  target 5% by 2020-01-01\n}\nkpi b \"B\" {\n  formula a\n}\nchain c { a -> b -> a }\n",
    ));
    let a = kpic::analyze(&sources, &kpic::Options::default());
    for lang in [Lang::En, Lang::Nl] {
        html(&a, &sources, "x", &Limits::default(), lang).expect("html");
        markdown(&a, &sources, "x", &Limits::default(), lang).expect("md");
    }
}

#[test]
fn a_model_without_chains_objectives_or_signals_renders() {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "one.kpi",
        "kpi x \"X\" {\n  goal \"g\"\n  formula 1\n  unit %\n  bands red < 1 <= green\n}\n",
    ));
    let a = kpic::analyze(&sources, &kpic::Options::default());
    for lang in [Lang::En, Lang::Nl] {
        let pages = html(&a, &sources, "x", &Limits::default(), lang).expect("html");
        let chains = page(&pages, "chains.html");
        assert!(
            chains.contains(lang_text(
                lang,
                "The model has no chains.",
                "Het model heeft geen ketens."
            )),
            "{chains}"
        );
        let md = markdown(&a, &sources, "x", &Limits::default(), lang).expect("md");
        assert!(!md[0].1.contains("```mermaid"));
    }
}

fn lang_text(lang: Lang, en: &'static str, nl: &'static str) -> &'static str {
    if lang == Lang::En { en } else { nl }
}
