//! One diagnostic type for every phase, and its renderers.
//!
//! Phases build [`Diagnostic`]s with data (spans, names); words are chosen where
//! the diagnostic is built, rendering only lays them out.

pub mod codes;
pub mod explain;
pub mod render;
pub mod suggest;

use crate::source::{SourceMap, Span};
pub use codes::Code;
use serde::Serialize;

/// How serious a diagnostic is. `Allow` means silenced by configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Allow,
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Allow => "allow",
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short text saying what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A problem found in a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    /// Lower case, no final period, names the problem.
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    /// A full sentence saying what to do.
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(
        code: &'static Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.default,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help text, or extends the existing one.
    pub fn with_optional_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code, and removes exact repeats,
/// so that the same input always gives the same output.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (
            a.primary.span.file,
            a.primary.span.start(),
            a.code.code,
            &a.message,
        )
            .cmp(&(
                b.primary.span.file,
                b.primary.span.start(),
                b.code.code,
                &b.message,
            ))
    });
    diags.dedup();
}

/// Counts of diagnostics by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
                Severity::Allow => {}
            }
        }
        s
    }

    /// `2 errors, 5 warnings in 3 files`.
    pub fn sentence(&self, files: usize) -> String {
        fn plural(n: usize, word: &str) -> String {
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        }
        let mut parts = vec![
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
        ];
        if self.notes > 0 {
            parts.push(plural(self.notes, "note"));
        }
        format!("{} in {}", parts.join(", "), plural(files, "file"))
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Checks that every span of a diagnostic lies inside its file (an invariant the
/// fuzz tests hold every phase to).
pub fn spans_are_valid(diag: &Diagnostic, sources: &SourceMap) -> bool {
    std::iter::once(&diag.primary)
        .chain(&diag.secondary)
        .all(|l| {
            (l.span.file.0 as usize) < sources.len()
                && l.span.start() <= l.span.end()
                && l.span.end() <= sources.get(l.span.file).text.len()
        })
}
