//! The formatter: a snapshot of the sketch, idempotence and meaning kept over
//! every example and valid fixture, comments kept in place, and `kpic fmt` on
//! the command line.

mod common;

use common::invariants::{self, comments};
use common::*;
use kpic::fmt::format_source;
use kpic::source::{SourceFile, SourceMap};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn format_text(name: &str, text: &str) -> String {
    match format_source(&SourceFile::new(name, text)) {
        Ok(t) => t,
        Err(d) => panic!(
            "{name} does not format: {:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(root().join(path)).expect("read source")
}

/// Every example file and every valid fixture.
fn corpus() -> Vec<PathBuf> {
    let mut files = kpi_files(Path::new("examples"));
    files.extend(kpi_files(Path::new("tests/fixtures/valid")));
    assert!(files.len() > 20);
    files
}

#[test]
fn formats_the_sketch() {
    let text = read(Path::new("tests/fixtures/valid/language-sketch.kpi"));
    insta::assert_snapshot!("sketch", format_text("sketch.kpi", &text));
}

#[test]
fn formatting_is_idempotent_over_every_example_and_fixture() {
    for f in corpus() {
        let once = format_text(&f.display().to_string(), &read(&f));
        let twice = format_text(&f.display().to_string(), &once);
        assert_eq!(
            once,
            twice,
            "{} is not formatted the same way twice",
            f.display()
        );
    }
}

#[test]
fn every_comment_is_kept_in_order() {
    for f in corpus() {
        let text = read(&f);
        let formatted = format_text(&f.display().to_string(), &text);
        assert_eq!(comments(&text), comments(&formatted), "{}", f.display());
    }
}

#[test]
fn comments_stay_in_place() {
    let text = "\
// file header

unit order: count   // trailing on a one-liner
role cfo \"CFO\"
source shop \"Shop\" { // after the brace
  // before owner
  owner cfo
  rows order
  field revenue: EUR // the amount
  // before the brace
}
kpi aov \"Average order value\" {
  goal \"Bigger baskets\"
  formula sum(shop.revenue) /  // inside a formula
    count(shop)
  unit EUR / order
}
// at the end
";
    let expected = "\
// file header

unit order: count  // trailing on a one-liner
role cfo \"CFO\"

source shop \"Shop\" {  // after the brace
  // before owner
  owner cfo
  rows  order
  field revenue: EUR  // the amount
  // before the brace
}

kpi aov \"Average order value\" {
  goal    \"Bigger baskets\"
  // inside a formula
  formula sum(shop.revenue) / count(shop)
  unit    EUR / order
}
// at the end
";
    assert_eq!(format_text("c.kpi", text), expected);
    assert_eq!(format_text("c.kpi", expected), expected);
}

#[test]
fn a_cast_followed_by_a_product_keeps_its_line_break() {
    let text = "metric m = sum(s.a) as EUR\n  / count(s)\n";
    let out = format_text("m.kpi", text);
    assert_eq!(out, "metric m = sum(s.a) as EUR\n    / count(s)\n");
    assert_eq!(format_text("m.kpi", &out), out);
}

#[test]
fn strings_keep_their_escapes_and_grouped_one_liners_stay_together() {
    let text = "role a \"A \\\"quoted\\\"\"\nrole bb \"B\"\n\n\n\nrole c\n";
    assert_eq!(
        format_text("r.kpi", text),
        "role a  \"A \\\"quoted\\\"\"\nrole bb \"B\"\n\nrole c\n"
    );
}

#[test]
fn crlf_is_kept_and_a_bom_is_dropped() {
    let out = format_text("w.kpi", "\u{feff}role a \"A\"\r\nrole b \"B\"\r\n");
    assert_eq!(out, "role a \"A\"\r\nrole b \"B\"\r\n");
    assert_eq!(format_text("u.kpi", "role a \"A\""), "role a \"A\"\n");
}

#[test]
fn a_file_with_syntax_errors_is_refused() {
    let errors =
        format_source(&SourceFile::new("bad.kpi", "kpi a {\n  goal\n}\n")).expect_err("refused");
    assert!(
        errors
            .iter()
            .all(|d| d.is_error() && d.code.code.starts_with("KPI0")),
        "{errors:?}"
    );
}

/// The spec without positions.
fn spec_without_locations(sources: &SourceMap) -> Value {
    let analysis = kpic::analyze(sources, &options(None));
    invariants::spec_without_locations(&analysis, sources)
}

#[test]
fn formatting_never_changes_the_meaning() {
    let mut models: Vec<Vec<PathBuf>> = Vec::new();
    for entry in std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
    {
        let dir = entry
            .path()
            .strip_prefix(root())
            .expect("under root")
            .to_path_buf();
        if entry.path().is_dir() {
            models.push(kpi_files(&dir));
        }
    }
    models.extend(
        kpi_files(Path::new("tests/fixtures/valid"))
            .into_iter()
            .map(|f| vec![f]),
    );
    assert!(models.len() >= 6);
    for files in models {
        let before = load(&files);
        let mut after = SourceMap::new();
        for (_, f) in before.iter() {
            after.add(SourceFile::new(
                f.name.clone(),
                format_text(&f.name, &f.text),
            ));
        }
        assert_eq!(
            spec_without_locations(&before),
            spec_without_locations(&after),
            "{files:?}"
        );
    }
}

// ---- the command line ------------------------------------------------------------

fn kpic(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kpic");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fmt_check_lists_files_that_would_change_and_fmt_writes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = dir.path().join("messy.kpi");
    let tidy = dir.path().join("tidy.kpi");
    std::fs::write(&messy, "role   cfo    \"CFO\"\n").expect("write");
    std::fs::write(&tidy, "role cfo2 \"CFO\"\n").expect("write");
    let d = dir.path().to_str().expect("utf-8 path");
    let (code, stdout, _) = kpic(&["fmt", "--check", d]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("messy.kpi") && !stdout.contains("tidy.kpi"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "role   cfo    \"CFO\"\n"
    );
    let (code, _, _) = kpic(&["fmt", d]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "role cfo \"CFO\"\n"
    );
    let (code, stdout, _) = kpic(&["fmt", "--check", d]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn fmt_refuses_a_file_with_syntax_errors_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.kpi");
    let text = "kpi a \"A\" {\n  goal\n}\n";
    std::fs::write(&bad, text).expect("write");
    let (code, _, stderr) = kpic(&["fmt", bad.to_str().expect("utf-8 path")]);
    assert_eq!(code, 1);
    assert!(stderr.contains("KPI0"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&bad).expect("read"), text);
}

#[test]
fn never_panics_and_is_idempotent_whenever_it_formats() {
    let mut texts: Vec<(String, String)> = kpi_files(Path::new("tests/fixtures"))
        .into_iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read_to_string(root().join(&f)).unwrap_or_default(),
            )
        })
        .collect();
    for garbage in [
        "",
        "\n\n",
        "// only\n",
        "kpi",
        "}}}",
        "metric m = ((1))",
        "role a \"x\" // \"\nrole b",
        "\u{feff}\r\n// c\r\n",
    ] {
        texts.push((format!("{garbage:?}"), garbage.to_string()));
    }
    for (name, text) in texts {
        if let Ok(once) = format_source(&SourceFile::new(name.clone(), text.as_str())) {
            let twice = format_text(&name, &once);
            assert_eq!(once, twice, "{name}");
            assert_eq!(comments(&text), comments(&once), "{name}");
        }
    }
}
