//! Between kpic's byte spans and the protocol's UTF-16 positions, between
//! file URIs and paths, and from kpic diagnostics to protocol diagnostics.

use super::workspace::Snapshot;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};
use lsp_types::{DiagnosticSeverity, NumberOrString, Position, Range};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub fn position(file: &SourceFile, offset: usize) -> Position {
    let (line, col) = file.utf16_position(offset);
    Position::new(line as u32, col as u32)
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(
        position(file, span.start()),
        position(file, span.end().max(span.start())),
    )
}

pub fn offset(file: &SourceFile, p: Position) -> usize {
    file.offset_of_utf16(p.line as usize, p.character as usize)
}

/// The range of a whole text, for edits that replace it.
pub fn whole(file: &SourceFile) -> Range {
    Range::new(Position::new(0, 0), position(file, file.text.len()))
}

/// The path of a `file:` URI (percent-decoded), if it is one.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///c:/x` on Windows, `file:///x` elsewhere; a host is not supported.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    if cfg!(windows) && decoded.get(2..3) == Some(":") {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

/// A `file:` URI for an absolute path.
pub fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn severity(s: Severity) -> Option<DiagnosticSeverity> {
    match s {
        Severity::Error => Some(DiagnosticSeverity::ERROR),
        Severity::Warning => Some(DiagnosticSeverity::WARNING),
        Severity::Note => Some(DiagnosticSeverity::INFORMATION),
        Severity::Allow => None,
    }
}

/// A kpic diagnostic as the protocol shows it; secondary labels become related
/// information. `None` for a silenced diagnostic.
pub fn diagnostic(d: &Diagnostic, snap: &Snapshot) -> Option<Value> {
    let severity = severity(d.severity)?;
    let range = snap.range(d.primary.span)?;
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    let related: Vec<Value> = std::iter::once(&d.primary)
        .filter(|l| !l.message.is_empty())
        .chain(&d.secondary)
        .filter_map(|l| {
            let (uri, range) = snap.location(l.span)?;
            Some(json!({ "location": { "uri": uri, "range": range }, "message": l.message }))
        })
        .collect();
    let mut out = json!({
        "range": range,
        "severity": severity,
        "code": NumberOrString::String(d.code.code.to_string()),
        "source": "kpic",
        "message": message,
    });
    if !related.is_empty() {
        out["relatedInformation"] = Value::Array(related);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/é.kpi");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///tmp/a%20b/%C3%A9.kpi");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
        assert_eq!(uri_to_path("untitled:1"), None);
    }
}
