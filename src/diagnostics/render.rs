//! Human-readable rendering through miette's graphical report handler.

use super::{Diagnostic, Label, Severity, Summary};
use crate::source::{FileId, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceSpan, SpanContents,
};
use std::fmt;

/// Whether to use colour in human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

/// Renders diagnostics as text, each followed by a blank line.
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, color: Color) -> String {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .tab_width(4);
    let mut out = String::new();
    for diag in diags.iter().filter(|d| d.severity != Severity::Allow) {
        let diag = &shown(diag);
        if has_long_line(diag, sources) {
            out.push_str(&render_compact(diag, sources));
            out.push('\n');
            continue;
        }
        let report = Report::build(diag, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail; keep the plain message if it does.
            out.push_str(&diag.message);
        }
        out.push('\n');
    }
    out
}

/// A diagnostic whose words are safe to print: messages quote the model's
/// own text, which may hold control characters (an escape sequence would
/// be run by the terminal) or invisible direction overrides.
fn shown(diag: &Diagnostic) -> Diagnostic {
    let mut d = diag.clone();
    let clean = |s: &mut String| {
        if let std::borrow::Cow::Owned(o) = for_terminal(s) {
            *s = o;
        }
    };
    clean(&mut d.message);
    clean(&mut d.primary.message);
    for l in &mut d.secondary {
        clean(&mut l.message);
    }
    if let Some(h) = &mut d.help {
        clean(h);
    }
    for n in &mut d.notes {
        clean(n);
    }
    d
}

/// `text` with every control character (but line ends and tabs) and every
/// invisible direction override written as a visible `\u{...}` escape.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Lines longer than this are not shown as source excerpts (a 1 MB line would
/// flood the terminal, and miette cannot draw labels that far right).
const MAX_EXCERPT_LINE: usize = 400;

fn has_long_line(diag: &Diagnostic, sources: &SourceMap) -> bool {
    std::iter::once(&diag.primary)
        .chain(&diag.secondary)
        .any(|l| {
            let file = sources.get(l.span.file);
            let first = file.line_col(l.span.start()).line - 1;
            let last = file.line_col(l.span.end().max(l.span.start())).line - 1;
            file.lines_range(first, last).len() > MAX_EXCERPT_LINE
        })
}

/// A diagnostic without source excerpts: positions and labels as text.
fn render_compact(diag: &Diagnostic, sources: &SourceMap) -> String {
    let at = |l: &Label| {
        let file = sources.get(l.span.file);
        let lc = file.line_col(l.span.start());
        format!("{}:{}:{}", file.name, lc.line, lc.column)
    };
    let mut out = format!(
        "  {}[{}]: {}\n",
        diag.severity.as_str(),
        diag.code.code,
        diag.message
    );
    out.push_str(&format!("   --> {}\n", at(&diag.primary)));
    for l in std::iter::once(&diag.primary).chain(&diag.secondary) {
        if !l.message.is_empty() {
            out.push_str(&format!("    = {}: {}\n", at(l), l.message));
        }
    }
    if let Some(h) = &diag.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    for n in &diag.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}

/// The closing summary line of `kpic check`.
pub fn summary_line(diags: &[Diagnostic], files: usize) -> String {
    Summary::of(diags).sentence(files)
}

/// Labels further than this many lines from the primary label are shown as
/// a separate excerpt, so miette never prints the lines between them.
const NEAR_LINES: usize = 12;

/// The lines of a file around some labels: miette reads only this window, so
/// rendering a diagnostic costs the size of its excerpt, not of its file.
struct Window {
    name: String,
    text: String,
    /// 0-based line number of the window's first line in the file.
    first_line: usize,
    /// Byte offset of the window in the file.
    start: usize,
}

impl Window {
    fn around(sources: &SourceMap, file: FileId, labels: &[&Label]) -> Window {
        let f = sources.get(file);
        let lo = labels
            .iter()
            .map(|l| label_range(l, sources).0)
            .min()
            .unwrap_or(0);
        let hi = labels
            .iter()
            .map(|l| label_range(l, sources).1)
            .max()
            .unwrap_or(0);
        let first = (f.line_col(lo).line - 1).saturating_sub(2);
        let last = f.line_col(hi).line + 1;
        let range = f.lines_range(first, last);
        Window {
            name: f.name.clone(),
            text: printable(&f.text[range.clone()]),
            first_line: first,
            start: range.start,
        }
    }

    fn label(&self, label: &Label, sources: &SourceMap, primary: bool) -> LabeledSpan {
        let (start, end) = label_range(label, sources);
        let start = start.saturating_sub(self.start).min(self.text.len());
        let end = end
            .saturating_sub(self.start)
            .min(self.text.len())
            .max(start);
        let text = Some(label.message.clone()).filter(|m| !m.is_empty());
        if primary {
            LabeledSpan::new_primary_with_span(text, (start, end - start))
        } else {
            LabeledSpan::new_with_span(text, (start, end - start))
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // miette counts the column in bytes; people (and every other output
        // of kpic) count characters: `é` is one column.
        let at = span.offset().min(self.text.len());
        let column = self.text.get(..at).map_or(inner.column(), |before| {
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            line.chars().filter(|&c| c != '\r').count()
        });
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// A diagnostic prepared for miette: labels near the primary one are shown in
/// place; labels far away or in other files become related reports.
struct Report {
    header: String,
    severity: Severity,
    help: Option<String>,
    source: Window,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn build(diag: &Diagnostic, sources: &SourceMap) -> Report {
        let file = diag.primary.span.file;
        let f = sources.get(file);
        let primary_line = f.line_col(diag.primary.span.start()).line;
        let near = |l: &Label| {
            l.span.file == file
                && f.line_col(l.span.start()).line.abs_diff(primary_line) <= NEAR_LINES
        };
        let mut here: Vec<&Label> = vec![&diag.primary];
        let mut related = Vec::new();
        for label in &diag.secondary {
            if near(label) {
                here.push(label);
            } else {
                let window = Window::around(sources, label.span.file, &[label]);
                related.push(Report {
                    header: label.message.clone(),
                    severity: Severity::Note,
                    help: None,
                    labels: vec![window.label(label, sources, true)],
                    source: window,
                    related: Vec::new(),
                });
            }
        }
        let window = Window::around(sources, file, &here);
        let labels = here
            .iter()
            .enumerate()
            .map(|(i, l)| window.label(l, sources, i == 0))
            .collect();
        let mut help = diag.help.clone();
        for note in &diag.notes {
            let text = format!("note: {note}");
            help = Some(match help {
                Some(h) => format!("{h}\n{text}"),
                None => text,
            });
        }
        Report {
            header: format!(
                "{}[{}]: {}",
                diag.severity.as_str(),
                diag.code.code,
                diag.message
            ),
            severity: diag.severity,
            help,
            source: window,
            labels,
            related,
        }
    }
}

/// A label's byte range; a point at the very end of the file moves onto the
/// last character, which miette can draw.
fn label_range(label: &Label, sources: &SourceMap) -> (usize, usize) {
    let file = sources.get(label.span.file);
    let mut start = file.clamp(label.span.start());
    let end = file.clamp(label.span.end().max(start));
    if start == end && end == file.text.len() && end > 0 {
        start = file.clamp(end - 1);
        while start > 0 && file.text[start..].starts_with(['\n', '\r']) {
            start = file.clamp(start - 1);
        }
        let len = file.text[start..].chars().next().map_or(0, char::len_utf8);
        return (start, start + len);
    }
    (start, end)
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note | Severity::Allow => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// Source text safe to print in a terminal, byte for byte the same length (so
/// offsets stay valid): a lone `\r` becomes a line end, other control
/// characters (escape sequences, NUL) and invisible direction overrides
/// become `?`, `¿` or `\u{FFFD}`.
fn printable(text: &str) -> String {
    let bytes = text.as_bytes();
    text.char_indices()
        .map(|(i, c)| match c {
            '\r' if bytes.get(i + 1) != Some(&b'\n') => '\n',
            '\n' | '\r' | '\t' => c,
            // Replaced by a mark of the same length in bytes, so that label
            // offsets into the excerpt stay right.
            c if c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
            {
                match c.len_utf8() {
                    1 => '?',
                    2 => '¿',
                    _ => '\u{FFFD}',
                }
            }
            c => c,
        })
        .collect()
}
