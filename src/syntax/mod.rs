//! Parsing: text to [`ast::File`]. The only module that sees pest.
//!
//! A file is split into top-level items (`chunk`), each item is parsed by pest
//! (`parser`) and lowered at once into the AST (`lower`). Syntax errors become
//! diagnostics in people's words (`expected`); parsing goes on with the next item.

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
use crate::source::{FileId, SourceFile, Span};
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
    let mut by_pest = Vec::new();
    let mut diags = Vec::new();
    let mut items = Vec::new();
    let mut broken = Vec::new();
    let chunks = chunk::split(text);
    if chunks.is_empty() {
        diags.push(
            Diagnostic::new(
                &codes::EMPTY_FILE,
                format!("`{}` declares nothing", file.name),
                Span::new(id, 0, 0),
                if text.trim().is_empty() { "the file is empty" } else { "the file holds only comments" },
            )
            .with_help("Add declarations such as `kpi`, `metric` or `source`, or remove the file from the model."),
        );
    }
    for c in chunks {
        if c.max_nesting > MAX_NESTING {
            diags.push(
                Diagnostic::new(
                    &codes::TOO_DEEP,
                    format!("parentheses are nested {} deep; kpic accepts at most {MAX_NESTING}", c.max_nesting),
                    Span::new(id, c.deepest_at, c.deepest_at + 1),
                    "nested too deep here",
                )
                .with_help("Split the formula into metrics: give an inner part a name with `metric name = ...` and use that name."),
            );
            broken.extend(declared_name(id, text, &c));
            continue;
        }
        let source = &text[c.start..c.end];
        if parsers == Parsers::FastThenPest
            && let Some(item) = fast::parse_item(id, c.start, source)
        {
            items.push(item);
            continue;
        }
        by_pest.push(Span::new(id, c.start, c.end));
        match KpiParser::parse(Rule::item_only, source) {
            Ok(pairs) => {
                let mut lowerer = lower::Lowerer::new(id, c.start, &mut diags);
                for pair in pairs {
                    if pair.as_rule() == Rule::EOI {
                        continue;
                    }
                    if let Some(item) = lowerer.item(pair) {
                        items.push(item);
                    }
                }
            }
            Err(err) => {
                diags.push(errors::syntax_error(id, text, &c, &err));
                broken.extend(declared_name(id, text, &c));
            }
        }
    }
    Parsed {
        file: ast::File { id, items, broken },
        diagnostics: diags,
        by_pest,
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
        text: name,
    })
}
