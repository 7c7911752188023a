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
            eprint!("{}", render_human(diags, sources, color));
            eprintln!("{}", summary_line(diags, sources.len()));
        }
        Format::Json => {
            for d in &shown {
                println!("{}", diagnostic_json(d, sources));
            }
            let s = Summary::of(diags);
            println!(
                "{}",
                json!({ "summary": { "errors": s.errors, "warnings": s.warnings, "notes": s.notes, "files": sources.len() } })
            );
        }
        Format::Github => {
            for d in &shown {
                let file = sources.get(d.primary.span.file);
                let start = file.line_col(d.primary.span.start);
                let end = file.line_col(d.primary.span.end);
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    _ => "notice",
                };
                let mut text = format!("{}: {}", d.code.code, d.message);
                if let Some(h) = &d.help {
                    text.push_str(&format!("\n{h}"));
                }
                println!(
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
            eprintln!("{}", summary_line(diags, sources.len()));
        }
    }
}

fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let label = |l: &kpic::diagnostics::Label| {
        let file = sources.get(l.span.file);
        let start = file.line_col(l.span.start);
        let end = file.line_col(l.span.end);
        json!({
            "file": file.name,
            "start": { "line": start.line, "column": start.column, "offset": l.span.start },
            "end": { "line": end.line, "column": end.column, "offset": l.span.end },
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
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub workflow commands: also `:` and `,` in properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
