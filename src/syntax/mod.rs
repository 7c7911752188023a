//! Parsing: text to [`ast::File`]. The only module that sees pest.
//!
//! A file is split into top-level items (`chunk`). Each item is read by the
//! hand-written fast path (`fast`) when it is well formed, and otherwise
//! parsed by pest (`parser`) and lowered at once into the AST (`lower`); both
//! build nodes with `nodes`, so they give the same tree. Syntax errors come
//! from pest only and become diagnostics in people's words (`expected`);
//! parsing goes on with the next item. [`parse_all`] parses the items of a
//! whole model on two threads.

mod chunk;
mod errors;
mod expected;
mod fast;
mod lower;
mod nodes;
mod parser;

pub use chunk::MAX_NESTING;
pub use expected::{ATTRIBUTE_KEYWORDS, ITEM_KEYWORDS};

use crate::ast;
use crate::diagnostics::{Diagnostic, codes};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use parser::{KpiParser, Rule};
use pest::Parser;

/// Parses a unit as written after `unit` (e.g. `EUR / session`); `None` if it
/// is not a unit expression.
pub fn parse_unit(text: &str) -> Option<ast::UnitExpr> {
    let mut pairs = KpiParser::parse(Rule::unit_expr, text).ok()?;
    let pair = pairs.next()?;
    if pair.as_str().len() != text.len() {
        return None;
    }
    let mut diags = Vec::new();
    lower::Lowerer::new(FileId(0), 0, &mut diags).unit(pair)
}

/// Parses one file. Always returns a file (with the items that parsed) and the
/// diagnostics of the items that did not.
pub fn parse_file(id: FileId, file: &SourceFile) -> (ast::File, Vec<Diagnostic>) {
    let parsed = parse_file_with(id, file, Parsers::FastThenPest);
    (parsed.file, parsed.diagnostics)
}

/// Which parsers read the items of a file. For tests and measurements only:
/// both give the same result, which `tests/fast_parser.rs` checks.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsers {
    /// The fast path, and pest for each item it does not accept (`parse_file`).
    FastThenPest,
    /// pest (and `lower`) for every item: the reference.
    PestOnly,
}

/// A parsed file, with the items that pest parsed.
#[doc(hidden)]
#[derive(Debug)]
pub struct Parsed {
    pub file: ast::File,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each item that was parsed by pest (all of them with
    /// [`Parsers::PestOnly`]; with the fast path, those it left to pest).
    pub by_pest: Vec<Span>,
}

/// [`parse_file`] with a choice of parsers.
#[doc(hidden)]
pub fn parse_file_with(id: FileId, file: &SourceFile, parsers: Parsers) -> Parsed {
    let text = &*file.text;
    let mut out = Parsed::empty(id);
    let chunks = chunk::split(text);
    out.diagnostics.extend(empty_file(id, file, &chunks));
    out.file.items.reserve_exact(chunks.len());
    for c in &chunks {
        parse_chunk(id, text, c, parsers, &mut out);
    }
    out
}

/// Parses every file of a model, in the order of the map; a file that is not
/// UTF-8 is reported (KPI008) and not parsed. Items are independent, so the
/// items of all files are parsed on two threads, each taking about half of
/// the bytes; the result is the same as parsing file by file.
pub fn parse_all(sources: &SourceMap) -> (Vec<ast::File>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // Every item of every file, with the index of its file in `files`.
    let mut files = Vec::with_capacity(sources.len());
    let mut jobs: Vec<(usize, chunk::Chunk)> = Vec::new();
    for (id, file) in sources.iter() {
        if let Some(at) = file.invalid_utf8 {
            diags.push(not_utf8(id, file, at));
            continue;
        }
        let chunks = chunk::split(&file.text);
        let empty = empty_file(id, file, &chunks);
        jobs.extend(chunks.into_iter().map(|c| (files.len(), c)));
        files.push((id, file, empty));
    }
    let total: usize = jobs.iter().map(|(_, c)| c.end - c.start).sum();
    let mut half = 0;
    let middle = jobs
        .iter()
        .position(|(_, c)| {
            half += c.end - c.start;
            half > total / 2
        })
        .unwrap_or(jobs.len());
    let (first, second) = jobs.split_at(middle);
    let parse = |jobs: &[(usize, chunk::Chunk)]| {
        let mut parts: Vec<Parsed> = Vec::new();
        for (i, (f, c)) in jobs.iter().enumerate() {
            let (id, file, _) = &files[*f];
            let id = *id;
            if parts.last().is_none_or(|p| p.file.id != id) {
                let mut part = Parsed::empty(id);
                let items = jobs[i..].iter().take_while(|(g, _)| g == f).count();
                part.file.items.reserve_exact(items);
                parts.push(part);
            }
            if let Some(part) = parts.last_mut() {
                parse_chunk(id, &file.text, c, Parsers::FastThenPest, part);
            }
        }
        parts
    };
    let (a, b) = crate::parallel::both(|| parse(first), || parse(second));
    // Join the parts of each file (a file may be cut between the halves),
    // in order; files with no items still get their (empty) `File`.
    let mut parts = a.into_iter().chain(b).peekable();
    let mut out = Vec::with_capacity(files.len());
    for (id, _, empty) in files {
        diags.extend(empty);
        let mut file = ast::File {
            id,
            items: Vec::new(),
            broken: Vec::new(),
        };
        while let Some(part) = parts.next_if(|p| p.file.id == id) {
            if file.items.is_empty() {
                file.items = part.file.items;
            } else {
                file.items.reserve_exact(part.file.items.len());
                file.items.extend(part.file.items);
            }
            file.broken.extend(part.file.broken);
            diags.extend(part.diagnostics);
        }
        out.push(file);
    }
    (out, diags)
}

impl Parsed {
    fn empty(id: FileId) -> Parsed {
        Parsed {
            file: ast::File {
                id,
                items: Vec::new(),
                broken: Vec::new(),
            },
            diagnostics: Vec::new(),
            by_pest: Vec::new(),
        }
    }
}

/// KPI008 for a file that is not UTF-8 text (`at`: its first bad byte).
fn not_utf8(id: FileId, file: &SourceFile, at: usize) -> Diagnostic {
    let start = at.min(file.text.len());
    let end = file.clamp(at + 1).max(start);
    Diagnostic::new(
        &codes::NOT_UTF8,
        format!("`{}` is not UTF-8 text", file.name),
        Span::new(id, start, end),
        "this byte is not UTF-8",
    )
    .with_help(
        "Save the file as UTF-8 (every editor can); kpic reads .kpi files only as UTF-8 text.",
    )
}

/// KPI009 when a file declares nothing.
fn empty_file(id: FileId, file: &SourceFile, chunks: &[chunk::Chunk]) -> Option<Diagnostic> {
    let label = if file.text.trim().is_empty() {
        "the file is empty"
    } else {
        "the file holds only comments"
    };
    chunks.is_empty().then(|| {
        Diagnostic::new(
            &codes::EMPTY_FILE,
            format!("`{}` declares nothing", file.name),
            Span::new(id, 0, 0),
            label,
        )
        .with_help(
            "Add declarations such as `kpi`, `metric` or `source`, or remove the file from the model.",
        )
    })
}

/// Parses one item: with the fast path first when asked, else (or when the
/// fast path does not accept it) with pest, whose errors are reported.
fn parse_chunk(id: FileId, text: &str, c: &chunk::Chunk, parsers: Parsers, out: &mut Parsed) {
    if c.max_nesting > MAX_NESTING {
        out.diagnostics.push(
            Diagnostic::new(
                &codes::TOO_DEEP,
                format!("parentheses are nested {} deep; kpic accepts at most {MAX_NESTING}", c.max_nesting),
                Span::new(id, c.deepest_at, c.deepest_at + 1),
                "nested too deep here",
            )
            .with_help("Split the formula into metrics: give an inner part a name with `metric name = ...` and use that name."),
        );
        out.file.broken.extend(declared_name(id, text, c));
        return;
    }
    let source = &text[c.start..c.end];
    if parsers == Parsers::FastThenPest
        && let Some(item) = fast::parse_item(id, c.start, source)
    {
        out.file.items.push(item);
        return;
    }
    out.by_pest.push(Span::new(id, c.start, c.end));
    match KpiParser::parse(Rule::item_only, source) {
        Ok(pairs) => {
            let mut lowerer = lower::Lowerer::new(id, c.start, &mut out.diagnostics);
            for pair in pairs {
                if pair.as_rule() == Rule::EOI {
                    continue;
                }
                match lowerer.item(pair) {
                    Some(item) => out.file.items.push(item),
                    // Reported; references to its name are not reported again.
                    None => out.file.broken.extend(declared_name(id, text, c)),
                }
            }
        }
        Err(err) => {
            out.diagnostics
                .push(errors::syntax_error(id, text, c, &err));
            out.file.broken.extend(declared_name(id, text, c));
        }
    }
}

/// The name an item declares (`kpi NAME ...`), read without the grammar, for
/// an item that did not parse.
fn declared_name(id: FileId, text: &str, c: &chunk::Chunk) -> Option<ast::Name> {
    let item = &text[c.start..c.end];
    let mut words = item
        .split(|ch: char| ch.is_whitespace())
        .filter(|w| !w.is_empty());
    let keyword = words.next()?;
    if !ITEM_KEYWORDS.contains(&keyword) || keyword == "target" {
        return None;
    }
    let rest = item[keyword.len()..].trim_start();
    let name: String = rest
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
        .collect();
    if name.is_empty() {
        return None;
    }
    let start = c.start + item.len() - rest.len();
    Some(ast::Name {
        span: Span::new(id, start, start + name.len()),
        text: name.into(),
    })
}
