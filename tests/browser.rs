//! The generated site in a real browser: headless Chromium opens the webshop
//! index and a KPI page from `file://`, the pages load without console
//! messages, key elements are in the rendered DOM, and screenshots are saved
//! under `target/browser/`.
//!
//! Chromium is the Debian package `chromium` (`.ci/run` installs it). Where
//! it is missing the test prints a visible SKIPPED line and passes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    // `KPIC_CHROMIUM` names another browser binary (or a missing one, to
    // see the skip).
    if let Some(p) = std::env::var_os("KPIC_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn skip(why: &str) {
    // Written to the real stderr, so the line shows even though the test
    // harness captures `eprintln!`.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    dir
}

/// Writes the webshop site into `target/browser/<lang>/docs/`.
fn generate(lang: &str) -> PathBuf {
    let dir = out_dir().join(lang);
    let _ = std::fs::remove_dir_all(&dir);
    let o = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["doc", "examples/webshop", "-o"])
        .arg(&dir)
        .args(["--lang", lang])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("KPIC_TODAY", "2026-12-03")
        .output()
        .expect("run kpic");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    dir.join("docs")
}

/// What one headless run printed: the DOM (stdout) and the log (stderr).
struct Run {
    dom: String,
    log: String,
}

fn run(browser: &Path, page: &Path, extra: &[String]) -> Run {
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!("file://{}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads so a full pipe never blocks the browser.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if start.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 120 s on {url}");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    Run {
        dom: out.join().unwrap_or_default(),
        log: err.join().unwrap_or_default(),
    }
}

/// Console messages and uncaught errors the page produced. Chromium logs
/// every console message (and every uncaught exception) as `CONSOLE`.
fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

fn dom(browser: &Path, page: &Path) -> String {
    let r = run(browser, page, &["--dump-dom".to_string()]);
    let console = console_messages(&r.log);
    assert!(
        console.is_empty(),
        "console messages on {}:\n{}",
        page.display(),
        console.join("\n")
    );
    assert!(
        r.dom.contains("</html>"),
        "no DOM for {}:\n{}",
        page.display(),
        r.log
    );
    r.dom
}

fn screenshot(browser: &Path, page: &Path, file: &Path) {
    let _ = std::fs::remove_file(file);
    run(
        browser,
        page,
        &[
            format!("--screenshot={}", file.display()),
            "--window-size=1280,1600".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    let bytes = std::fs::read(file).expect("a screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "not a PNG: {}",
        file.display()
    );
    assert!(bytes.len() > 10_000, "an empty screenshot?");
}

#[test]
fn the_console_check_sees_errors() {
    // A control: a page with a console error and an uncaught exception must
    // be caught, or the checks below would pass for the wrong reason.
    let Some(browser) = chromium() else {
        skip("chromium not available (install the Debian package `chromium`)");
        return;
    };
    let dir = out_dir().join("control");
    std::fs::create_dir_all(&dir).expect("dir");
    let page = dir.join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><script>console.error('boom'); missing();</script></body></html>",
    )
    .expect("write");
    let r = run(&browser, &page, &["--dump-dom".to_string()]);
    let console = console_messages(&r.log);
    assert!(
        console.iter().any(|l| l.contains("boom"))
            && console.iter().any(|l| l.contains("Uncaught")),
        "the control page's errors were not seen:\n{}",
        r.log
    );
}

#[test]
fn the_webshop_site_loads_in_chromium() {
    let Some(browser) = chromium() else {
        skip("chromium not available (install the Debian package `chromium`)");
        return;
    };
    let docs = generate("en");
    let index = docs.join("index.html");
    let html = dom(&browser, &index);
    for part in [
        "<html lang=\"en\">",
        "id=\"health\"",
        "class=\"scorecard\"",
        "<svg class=\"diagram\"",
        "href=\"kpi-revenue-per-visitor.html\"",
        "Revenue per visitor",
        "Health of the KPI set",
    ] {
        assert!(html.contains(part), "index DOM lacks {part}");
    }
    let kpi = docs.join("kpi-product-page-conversion.html");
    let html = dom(&browser, &kpi);
    for part in [
        "<svg class=\"gauge\"",
        "Product page conversion",
        "count(shop) / count(web where web.product_view)",
        "target 4%",
    ] {
        assert!(html.contains(part), "KPI DOM lacks {part}");
    }
    for page in [
        "chains.html",
        "objectives.html",
        "sources.html",
        "glossary.html",
    ] {
        dom(&browser, &docs.join(page));
    }
    screenshot(&browser, &index, &out_dir().join("webshop-index.png"));
    screenshot(&browser, &kpi, &out_dir().join("webshop-kpi.png"));
}

#[test]
fn the_dutch_site_loads_in_chromium() {
    let Some(browser) = chromium() else {
        skip("chromium not available (install the Debian package `chromium`)");
        return;
    };
    let docs = generate("nl");
    let html = dom(&browser, &docs.join("kpi-product-page-conversion.html"));
    for part in [
        "<html lang=\"nl\">",
        "3,5%",
        "groen",
        "oranje",
        "rood",
        "Streefwaarde",
    ] {
        assert!(html.contains(part), "Dutch KPI DOM lacks {part}");
    }
    screenshot(
        &browser,
        &docs.join("index.html"),
        &out_dir().join("webshop-index-nl.png"),
    );
}
