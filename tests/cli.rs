//! The real `kpic` binary: exit codes, output formats, lint levels, atomic writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kpic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("KPIC_TODAY", "2026-12-03")
        .output()
        .expect("run kpic")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpic-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(dir)
                        .expect("under")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_clean_model_exits_0_with_a_summary() {
    let o = kpic(&["check", "examples/company"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("0 errors, 0 warnings in"), "{}", text(&o));
}

#[test]
fn errors_in_the_model_exit_1_and_name_the_code() {
    let o = kpic(&[
        "check",
        "tests/fixtures/units/KPI201-incompatible-units.kpi",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(t.contains("error[KPI201]: cannot add EUR and lead"), "{t}");
    assert!(!t.contains('\u{1b}'), "colour codes with NO_COLOR set");
}

#[test]
fn a_missing_path_is_a_usage_error_that_names_it() {
    let o = kpic(&["check", "no/such/file.kpi"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("`no/such/file.kpi`: no such file or directory"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_directory_without_kpi_files_is_a_usage_error() {
    let dir = tmp("empty-dir");
    let o = kpic(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("contains no .kpi files"));
}

#[test]
fn empty_binary_and_not_utf8_files_get_a_clear_word() {
    let dir = tmp("hostile");
    std::fs::write(dir.join("empty.kpi"), "").expect("write");
    std::fs::write(dir.join("binary.kpi"), [0u8, 159, 146, 150, 0, 1, 2]).expect("write");
    let o = kpic(&["check", dir.to_str().expect("utf8")]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("KPI008") && t.contains("is not UTF-8 text"),
        "{t}"
    );
    assert!(
        t.contains("KPI009") && t.contains("declares nothing"),
        "{t}"
    );
    assert!(!t.contains("panicked"));
}

#[test]
fn build_writes_spec_and_docs_deterministically_and_leaves_no_temp_files() {
    let a = tmp("build-a");
    let b = tmp("build-b");
    for dir in [&a, &b] {
        let o = kpic(&[
            "build",
            "examples/webshop",
            "-o",
            dir.to_str().expect("utf8"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let files = files_under(&a);
    for f in [
        "spec.json",
        "docs/index.md",
        "docs/index.html",
        "docs/chains.html",
        "docs/objectives.html",
        "docs/sources.html",
        "docs/glossary.html",
        "docs/kpi-revenue-per-visitor.html",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
    }
    assert_eq!(files.len(), 7 + 7, "{files:?}");
    assert_eq!(files, files_under(&b));
    for f in &files {
        assert_eq!(
            std::fs::read(a.join(f)).expect("read"),
            std::fs::read(b.join(f)).expect("read"),
            "{f} differs between runs"
        );
    }
    let spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("spec.json")).expect("read"))
            .expect("valid JSON");
    assert_eq!(spec["spec_version"], "1.0");
    assert_eq!(spec["kpis"].as_array().map(Vec::len), Some(7));
}

#[test]
fn build_writes_nothing_when_the_model_has_errors() {
    let dir = tmp("build-errors");
    let out = dir.join("out");
    let o = kpic(&[
        "build",
        "tests/fixtures/units/KPI201-incompatible-units.kpi",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "output written for a model with errors");
    // A previous good output stays as it was.
    let o = kpic(&[
        "build",
        "examples/webshop",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let before = std::fs::read(out.join("spec.json")).expect("read");
    let o = kpic(&[
        "build",
        "tests/fixtures/units/KPI201-incompatible-units.kpi",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(out.join("spec.json")).expect("read"), before);
}

#[test]
fn build_into_a_file_is_a_usage_error() {
    let dir = tmp("build-file");
    let file = dir.join("taken");
    std::fs::write(&file, "x").expect("write");
    let o = kpic(&[
        "build",
        "examples/webshop",
        "-o",
        file.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
}

#[test]
fn doc_writes_docs_only() {
    let dir = tmp("doc");
    let o = kpic(&["doc", "examples/saas", "-o", dir.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let files = files_under(&dir);
    assert!(files.contains(&"docs/index.html".to_string()), "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("docs/") && f.ends_with(".html"))
    );
    let md = tmp("doc-md");
    let o = kpic(&[
        "doc",
        "examples/saas",
        "-o",
        md.to_str().expect("utf8"),
        "--format",
        "md",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(files_under(&md), ["docs/index.md"]);
}

#[test]
fn doc_lang_nl_writes_dutch() {
    let dir = tmp("doc-nl");
    let o = kpic(&[
        "doc",
        "examples/webshop",
        "-o",
        dir.to_str().expect("utf8"),
        "--lang",
        "nl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let page =
        std::fs::read_to_string(dir.join("docs/kpi-product-page-conversion.html")).expect("read");
    assert!(page.contains("<html lang=\"nl\">"));
    assert!(page.contains("3,5%") && page.contains("Streefwaarde"));
    let o = kpic(&["doc", "examples/webshop", "-o", "x", "--lang", "de"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn explain_prints_the_explanation_and_lists_every_code() {
    let o = kpic(&["explain", "KPI201"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# KPI201: incompatible-units"));
    let o = kpic(&["explain", "missing-backup"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# KPI506: missing-backup"));
    let o = kpic(&["explain", "--list"]);
    let list = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(list.lines().count(), kpic::diagnostics::codes::ALL.len());
    assert!(list.contains("KPI506  missing-backup"));
    let o = kpic(&["explain", "KPI999"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_format_prints_one_object_per_diagnostic_and_a_summary() {
    let o = kpic(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/units/KPI201-incompatible-units.kpi",
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let first = lines
        .iter()
        .find(|l| l["code"] == "KPI201")
        .expect("KPI201 reported");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["start"]["line"], 20);
    assert_eq!(first["start"]["column"], 36);
    assert!(first["labels"].as_array().is_some_and(|l| l.len() >= 2));
    let summary = &lines[lines.len() - 1]["summary"];
    assert_eq!(summary["errors"], 1);
}

#[test]
fn github_format_prints_workflow_commands() {
    let o = kpic(&[
        "check",
        "--format",
        "github",
        "tests/fixtures/names/KPI101-unknown-role.kpi",
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.contains("title=KPI101"))
        .expect("KPI101 reported");
    assert!(line.starts_with("::error file=tests/fixtures/names/KPI101-unknown-role.kpi,line=24,col=14,endLine=24,endColumn=27,"), "{line}");
}

#[test]
fn lint_levels_from_flags() {
    let f = "tests/fixtures/lints/KPI506-missing-backup.kpi";
    let o = kpic(&["check", f]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).contains("warning[KPI506]"));
    let o = kpic(&["check", "-A", "missing-backup", f]);
    assert!(!text(&o).contains("[KPI506]"), "{}", text(&o));
    let o = kpic(&["check", "-D", "KPI506", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("error[KPI506]"));
    let o = kpic(&["check", "-D", "warnings", f]);
    assert_eq!(o.status.code(), Some(1));
    let o = kpic(&["check", "-A", "missing-bakup", f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("did you mean `missing-backup`"),
        "{}",
        text(&o)
    );
    let o = kpic(&["check", "-A", "KPI201", f]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lint_levels_from_kpic_toml_and_inline_allow() {
    let dir = tmp("toml");
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/lints/KPI506-missing-backup.kpi"),
    )
    .expect("read");
    std::fs::write(dir.join("model.kpi"), &source).expect("write");
    std::fs::write(dir.join("kpic.toml"), "[model]\nname = \"T\"\n[lints]\nmissing-backup = \"deny\"\n[limits]\ndepartment = [1, 3]\n").expect("write");
    let o = kpic(&["check", dir.to_str().expect("utf8")]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("error[KPI506]"), "{t}");
    assert!(!t.contains("KPI509"), "limits from kpic.toml not used: {t}");
    let inline = source.replace(
        "  frequency  monthly",
        "  frequency  monthly\n  allow      missing-backup",
    );
    std::fs::write(dir.join("model.kpi"), inline).expect("write");
    let o = kpic(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("[KPI506]"));
    std::fs::write(dir.join("kpic.toml"), "[lints]\nmissing-bakup = \"deny\"\n").expect("write");
    let o = kpic(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("unknown lint `missing-bakup`"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_directory_of_models_checks_each_model_on_its_own() {
    let o = kpic(&["check", "examples"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).matches(" in ").filter(|_| true).count() >= 3);
}

#[test]
fn sarif_format_is_a_valid_sarif_2_1_0_log() {
    let o = kpic(&[
        "check",
        "--format",
        "sarif",
        "tests/fixtures/units/KPI201-incompatible-units.kpi",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), kpic::diagnostics::codes::ALL.len());
    let results = run["results"].as_array().expect("results");
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "KPI201")
        .expect("KPI201");
    // Structural rules of the SARIF 2.1.0 schema that code-scanning tools rely on.
    assert_eq!(r["level"], "error");
    let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "KPI201");
    assert!(
        r["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("cannot add EUR and lead"))
    );
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 20);
    assert_eq!(region["startColumn"], 36);
    assert!(region["endColumn"].as_u64() > region["startColumn"].as_u64());
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/units/KPI201-incompatible-units.kpi"
    );
    for rel in r["relatedLocations"].as_array().expect("related") {
        assert!(rel["id"].is_u64() && rel["physicalLocation"]["region"]["startLine"].is_u64());
    }
    for result in results {
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap_or("")));
    }
}

#[test]
fn a_build_that_fails_half_way_leaves_the_previous_output_intact() {
    let dir = tmp("half-way");
    let out = dir.join("out");
    let o = kpic(&[
        "build",
        "examples/webshop",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = files_under(&out);
    let spec = std::fs::read(out.join("spec.json")).expect("read");
    // Something in the way of one output file: the run must fail before it
    // replaces any file.
    let victim = out.join("docs").join(
        before
            .iter()
            .find(|f| f.starts_with("docs/"))
            .expect("a docs file")
            .trim_start_matches("docs/"),
    );
    std::fs::remove_file(&victim).expect("remove");
    std::fs::create_dir_all(victim.join("in-the-way")).expect("dir");
    let o = kpic(&["build", "examples/saas", "-o", out.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        std::fs::read(out.join("spec.json")).expect("read"),
        spec,
        "spec.json was replaced by a failed run"
    );
    assert!(
        !files_under(&out).iter().any(|f| f.contains(".kpic-")),
        "temporary files left: {:?}",
        files_under(&out)
    );
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

/// Makes `dir` impossible to write to, for this test's process and its
/// children: read-only permissions, and where those do not bind (the tests
/// run as root in CI) the immutable attribute. Returns how, or `None` when
/// neither works here.
fn make_unwritable(dir: &Path) -> Option<&'static str> {
    use std::os::unix::fs::PermissionsExt;
    let writable = || {
        let probe = dir.join(".probe");
        let ok = std::fs::write(&probe, b"x").is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
    if !writable() {
        return Some("read-only permissions");
    }
    let immutable = Command::new("chattr").arg("+i").arg(dir).status();
    if immutable.is_ok_and(|s| s.success()) && !writable() {
        return Some("the immutable attribute");
    }
    None
}

/// Undoes [`make_unwritable`].
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = Command::new("chattr").arg("-i").arg(dir).status();
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

#[test]
fn a_build_into_a_directory_made_read_only_half_way_changes_nothing() {
    let dir = tmp("read-only");
    let out = dir.join("out");
    let out_s = out.to_str().expect("utf8");
    let o = kpic(&["build", "examples/webshop", "-o", out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = contents(&out);
    // spec.json is staged first, in `out`; then the run reaches `out/docs`,
    // which it can no longer write to: it fails half-way.
    let docs = out.join("docs");
    let Some(how) = make_unwritable(&docs) else {
        make_writable(&docs);
        panic!(
            "cannot make a directory read-only on this machine (neither chmod nor chattr +i binds)"
        );
    };
    let o = kpic(&["build", "examples/saas", "-o", out_s]);
    make_writable(&docs);
    assert_eq!(o.status.code(), Some(2), "{how}: {}", text(&o));
    assert!(text(&o).contains("cannot write"), "{}", text(&o));
    let after = contents(&out);
    assert!(
        before == after,
        "{how}: a failed build changed the previous output (or left temporary files): {:?}",
        files_under(&out)
    );
}

#[test]
fn a_build_of_more_pages_than_open_files_allowed_succeeds() {
    // Pages are staged one by one and closed; none stays open until the end.
    let dir = tmp("many-pages");
    let model = dir.join("model");
    std::fs::create_dir_all(&model).expect("dir");
    let mut text_of_model = String::from("unit order: count\nrole boss \"Boss\"\n");
    text_of_model.push_str(
        "source orders \"Orders\" {\n  owner boss\n  rows order\n  field amount: EUR\n}\n",
    );
    for i in 0..150 {
        text_of_model.push_str(&format!(
            "kpi k{i} \"KPI {i}\" {{\n  goal \"Grow\"\n  formula sum(orders.amount)\n  unit EUR\n  owner boss\n  frequency weekly\n}}\n"
        ));
    }
    std::fs::write(model.join("model.kpi"), text_of_model).expect("write");
    let out = dir.join("out");
    let o = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" build \"$1\" -o \"$2\"")
        .arg(env!("CARGO_BIN_EXE_kpic"))
        .arg(&model)
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kpic under ulimit");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let pages = files_under(&out.join("docs"))
        .iter()
        .filter(|f| f.starts_with("kpi-"))
        .count();
    assert_eq!(pages, 150);
}

#[test]
fn fmt_into_an_unwritable_directory_fails_and_keeps_the_file_whole() {
    let dir = tmp("fmt-read-only");
    let file = dir.join("messy.kpi");
    let messy = "role   boss    \"Boss\"\nkpi a \"A\" {\ngoal \"g\"\n   owner boss\n}\n";
    std::fs::write(&file, messy).expect("write");
    let Some(how) = make_unwritable(&dir) else {
        make_writable(&dir);
        panic!("cannot make a directory read-only on this machine");
    };
    let o = kpic(&["fmt", file.to_str().expect("utf8")]);
    make_writable(&dir);
    assert_eq!(o.status.code(), Some(2), "{how}: {}", text(&o));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        messy,
        "{how}: the file was changed"
    );
    assert_eq!(files_under(&dir), ["messy.kpi"], "temporary files left");
    // And where it can write, it formats.
    let o = kpic(&["fmt", file.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_ne!(std::fs::read_to_string(&file).expect("read"), messy);
}

#[test]
fn positions_count_characters_in_every_format() {
    let dir = tmp("columns");
    let file = dir.join("rocket.kpi");
    std::fs::write(&file, "role r \"🚀🚀\"\textra\n").expect("write");
    let path = file.to_str().expect("utf8");
    let human = kpic(&["check", path]);
    assert!(
        text(&human).contains("rocket.kpi:1:13]"),
        "{}",
        text(&human)
    );
    let json = kpic(&["check", "--format", "json", path]);
    assert!(text(&json).contains("\"column\":13"), "{}", text(&json));
    let sarif = kpic(&["check", "--format", "sarif", path]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 13, "{region}");
    assert_eq!(region["charOffset"], 12, "code points, not bytes: {region}");
    assert_eq!(region["charLength"], 5, "{region}");
}

#[test]
fn fmt_keeps_links_and_refuses_what_it_cannot_replace_whole() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp("fmt-links");
    let messy = "role   boss    \"Boss\"\n";
    // A symbolic link is formatted where it leads and stays a link.
    let real = dir.join("real.kpi");
    std::fs::write(&real, messy).expect("write");
    let link = dir.join("link.kpi");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let o = kpic(&["fmt", link.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).expect("read"),
        "role boss \"Boss\"\n"
    );
    // A read-only file and a file with other hard links are left as they are.
    let read_only = dir.join("read-only.kpi");
    std::fs::write(&read_only, messy).expect("write");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let hard = dir.join("hard.kpi");
    std::fs::write(&hard, messy).expect("write");
    std::fs::hard_link(&hard, dir.join("hard-too.kpi")).expect("hard link");
    for (file, why) in [(&read_only, "read-only"), (&hard, "hard links")] {
        let o = kpic(&["fmt", file.to_str().expect("utf8")]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(why), "{}", text(&o));
        assert_eq!(std::fs::read_to_string(file).expect("read"), messy);
    }
    // `--check` only reads, so it may look at them.
    let o = kpic(&["fmt", "--check", read_only.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let _ = std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o644));
}

#[test]
fn two_models_that_would_write_to_one_directory_are_refused() {
    let dir = tmp("collide");
    for team in ["sales", "marketing"] {
        let model = dir.join(team).join("emea");
        std::fs::create_dir_all(&model).expect("dir");
        for f in files_under(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/saas")
                .as_path(),
        ) {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("examples/saas")
                    .join(&f),
                model.join(&f),
            )
            .expect("copy");
        }
        std::fs::write(model.join("kpic.toml"), "").expect("kpic.toml");
    }
    let out = dir.join("out");
    let o = kpic(&[
        "build",
        dir.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("would both write to `emea/`"),
        "{}",
        text(&o)
    );
    assert!(
        !out.exists(),
        "something was written: {:?}",
        files_under(&out)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_not_a_clean_run() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    for format in ["json", "sarif"] {
        let o = Command::new(env!("CARGO_BIN_EXE_kpic"))
            .args(["check", "--format", format, "examples/webshop"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(full())
            .output()
            .expect("run kpic");
        assert_eq!(o.status.code(), Some(2), "{format}: {}", text(&o));
        assert!(
            text(&o).contains("could not write the output"),
            "{}",
            text(&o)
        );
    }
    // Human diagnostics go to stderr.
    let status = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["check", "examples/webshop"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(full())
        .status()
        .expect("run kpic");
    assert_eq!(status.code(), Some(2));
    // A reader that stops early (`| head`) is not an error.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args([
            "check",
            "--format",
            "json",
            "examples/company",
            "examples/saas",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run kpic");
    drop(child.stdout.take());
    assert_eq!(child.wait().expect("wait").code(), Some(0));
}

#[test]
fn the_next_build_removes_what_a_killed_build_left_behind() {
    let dir = tmp("leftovers");
    let out = dir.join("out");
    let out_s = out.to_str().expect("utf8");
    let o = kpic(&["build", "examples/webshop", "-o", out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // What a run killed while staging leaves: temporary files, never a
    // half-written output (those are renamed into place only at the end).
    for d in [out.clone(), out.join("docs")] {
        std::fs::write(d.join(".kpic-AbC123.tmp"), "half a page").expect("write");
    }
    std::fs::write(out.join("docs").join("notes.txt"), "mine").expect("write");
    let o = kpic(&["build", "examples/webshop", "-o", out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let files = files_under(&out);
    assert!(!files.iter().any(|f| f.contains(".kpic-")), "{files:?}");
    assert!(
        files.contains(&"docs/notes.txt".to_string()),
        "other files are kept: {files:?}"
    );
}

#[test]
fn control_characters_from_the_model_never_reach_the_terminal_raw() {
    let dir = tmp("escape");
    let file = dir.join("evil.kpi");
    std::fs::write(
        &file,
        "unit lead: count\nrole r \"x\"\nsource s {\n  owner r\n  rows lead\n}\nkpi k \"K\" {\n  goal \"g\"\n  formula count(s)\n  unit lead\n  kind lagging\n  level department \"\u{1b}]0;pwned\u{7}\u{1b}[31mEVIL\u{202e}\"\n  owner r\n  backup r\n  frequency monthly\n}\n",
    )
    .expect("write");
    let path = file.to_str().expect("utf8");
    for format in ["human", "github"] {
        let o = kpic(&["check", "--color", "never", "--format", format, path]);
        let all = text(&o);
        assert!(all.contains("KPI509"), "{format}: {all}");
        assert!(
            !all.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{format}: a raw control character: {all:?}"
        );
        assert!(
            all.contains("\\u{1b}]0;pwned"),
            "{format}: shown escaped: {all}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_and_a_bad_kpic_today_is_said() {
    let dir = tmp("device");
    let link = dir.join("zero.kpi");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    let o = kpic(&["check", link.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("a device, not a file"), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["check", "examples/webshop"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("KPIC_TODAY", "2027-02-30")
        .output()
        .expect("run kpic");
    assert!(
        text(&o).contains("KPIC_TODAY=`2027-02-30` is not a date"),
        "{}",
        text(&o)
    );
}
