//! Printing diagnostics in the chosen format.

use super::args::Format;
use kpic::diagnostics::render::{Color, render_human, summary_line};
use kpic::diagnostics::{Diagnostic, Severity, Summary};
use kpic::source::SourceMap;
use serde_json::json;

pub fn print(format: Format, diags: &[Diagnostic], sources: &SourceMap, color: Color) {
    let shown: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity != Severity::Allow)
        .collect();
    match format {
        Format::Human => {
            err!("{}", render_human(diags, sources, color));
            errln!("{}", summary_line(diags, sources.len()));
        }
        Format::Json => {
            for d in &shown {
                outln!("{}", diagnostic_json(d, sources));
            }
            let s = Summary::of(diags);
            outln!(
                "{}",
                json!({ "summary": { "errors": s.errors, "warnings": s.warnings, "notes": s.notes, "files": sources.len() } })
            );
        }
        Format::Sarif => {}
        Format::Github => {
            for d in &shown {
                let file = sources.get(d.primary.span.file);
                let start = file.line_col(d.primary.span.start());
                let end = file.line_col(d.primary.span.end());
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    _ => "notice",
                };
                let mut text = format!("{}: {}", d.code.code, d.message);
                if let Some(h) = &d.help {
                    text.push_str(&format!("\n{h}"));
                }
                outln!(
                    "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    escape_property(&file.name),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    escape_property(&format!("{} {}", d.code.code, d.code.slug)),
                    escape_data(&text)
                );
            }
            errln!("{}", summary_line(diags, sources.len()));
        }
    }
}

fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let label = |l: &kpic::diagnostics::Label| {
        let file = sources.get(l.span.file);
        let start = file.line_col(l.span.start());
        let end = file.line_col(l.span.end());
        json!({
            "file": file.name,
            "start": { "line": start.line, "column": start.column, "offset": l.span.start() },
            "end": { "line": end.line, "column": end.column, "offset": l.span.end() },
            "message": l.message,
        })
    };
    let primary = label(&d.primary);
    json!({
        "code": d.code.code,
        "slug": d.code.slug,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": primary["file"],
        "start": primary["start"],
        "end": primary["end"],
        "labels": std::iter::once(&d.primary).chain(&d.secondary).map(label).collect::<Vec<_>>(),
        "help": d.help,
        "notes": d.notes,
    })
}

/// GitHub workflow commands: `%`, CR and LF in the message.
fn escape_data(s: &str) -> String {
    kpic::diagnostics::render::for_terminal(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub workflow commands: also `:` and `,` in properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A SARIF 2.1.0 log with one run per model.
pub fn sarif(models: &[(&[Diagnostic], &SourceMap)]) -> String {
    use kpic::diagnostics::codes::ALL;
    let rules: Vec<serde_json::Value> = ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.slug,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": format!("{}. Run `kpic explain {}` for the explanation.", c.summary, c.code) },
                "defaultConfiguration": { "level": sarif_level(c.default) },
            })
        })
        .collect();
    let location = |l: &kpic::diagnostics::Label, sources: &SourceMap| {
        let file = sources.get(l.span.file);
        let start = file.line_col(l.span.start());
        let end = file.line_col(l.span.end());
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": file.name.replace('\\', "/") },
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                    // Counted in characters, as `columnKind` says.
                    "charOffset": file.chars_before(l.span.start()),
                    "charLength": file.chars_before(l.span.end()) - file.chars_before(l.span.start()),
                },
            },
            "message": { "text": if l.message.is_empty() { "here".to_string() } else { l.message.clone() } },
        })
    };
    let runs: Vec<serde_json::Value> = models
        .iter()
        .map(|(diags, sources)| {
            let results: Vec<serde_json::Value> = diags
                .iter()
                .filter(|d| d.severity != Severity::Allow)
                .map(|d| {
                    let mut text = d.message.clone();
                    if let Some(h) = &d.help {
                        text.push_str(&format!(". {h}"));
                    }
                    json!({
                        "ruleId": d.code.code,
                        "ruleIndex": ALL.iter().position(|c| c.code == d.code.code),
                        "level": sarif_level(d.severity),
                        "message": { "text": text },
                        "locations": [location(&d.primary, sources)],
                        "relatedLocations": d.secondary.iter().enumerate().map(|(i, l)| {
                            let mut loc = location(l, sources);
                            loc["id"] = json!(i);
                            loc
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "tool": { "driver": {
                    "name": "kpic",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/kpic",
                    "rules": rules,
                } },
                "columnKind": "unicodeCodePoints",
                "results": results,
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note | Severity::Allow => "note",
    }
}
