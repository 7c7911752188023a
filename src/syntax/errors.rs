//! Turns a pest error into a diagnostic a person can act on.

use super::chunk::Chunk;
use super::expected::{self, ATTRIBUTE_KEYWORDS, ITEM_KEYWORDS};
use super::parser::Rule;
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// The diagnostic for a syntax error in one item.
pub fn syntax_error(file: FileId, text: &str, chunk: &Chunk, err: &Error<Rule>) -> Diagnostic {
    let rel = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let pos = (chunk.start + rel).min(chunk.end);
    if let Some(d) = unusual_character(file, text, chunk) {
        return d;
    }
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let item_text = &text[chunk.start..chunk.end];
    let item_kind = item_text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    let at_end = text[pos..chunk.end].trim().is_empty() || only_comments(&text[pos..chunk.end]);

    if positives.contains(&Rule::string_end) {
        let line_end = text[pos..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| pos + i);
        let open = text[..pos].rfind('"').unwrap_or(pos);
        return Diagnostic::new(
            &codes::UNTERMINATED_STRING,
            "this text is not closed before the end of the line",
            Span::new(file, open, line_end),
            "the closing `\"` is missing",
        )
        .with_help("Add a `\"` at the end of the text. A text must fit on one line; write `\\\"` for a quote inside it.");
    }

    if let Some(open) = chunk.unclosed_brace.filter(|_| at_end) {
        let end = trimmed_end(text, chunk);
        return Diagnostic::new(
            &codes::UNCLOSED_BLOCK,
            format!("this `{item_kind}` block is never closed"),
            Span::new(file, open, open + 1),
            "this `{` has no matching `}`",
        )
        .with_label(
            Span::new(file, end, end),
            "the block should be closed by here",
        )
        .with_help("Add a `}` on its own line after the block's last attribute.");
    }

    let found = token_at(text, pos, chunk.end);
    let previous = token_before(text, chunk.start, pos);
    let phrases = expected::expected_phrases(&positives);
    let mut message = format!("expected {}", expected::join_or(&phrases));
    if let Some(prev) = &previous {
        message.push_str(&format!(" after `{prev}`"));
    }
    let (span, label) = match found.filter(|_| !at_end) {
        Some((start, end)) => (
            Span::new(file, start, end),
            format!("found `{}`", &text[start..end]),
        ),
        None => (
            Span::new(file, trimmed_end(text, chunk), trimmed_end(text, chunk)),
            if only_comments(&text[chunk.end..]) {
                "the file ends here"
            } else {
                "the declaration ends here"
            }
            .to_string(),
        ),
    };
    let mut diag = Diagnostic::new(&codes::SYNTAX, message, span, label);
    if let Some((start, end)) = found.filter(|_| !at_end) {
        let word = &text[start..end];
        let is_word = word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        // A block line that starts with an unknown word: the first-letter dispatch
        // of `attribute` may have tried only a few keywords, or none.
        let in_block = matches!(
            item_kind,
            "kpi" | "source" | "metric" | "objective" | "signal"
        );
        let wants_attribute = positives.iter().any(|r| expected::is_attribute_start(*r))
            || (in_block && positives.contains(&Rule::block_close));
        let wants_item = positives
            .iter()
            .any(|r| matches!(r, Rule::kw_kpi | Rule::kw_metric | Rule::EOI));
        let suffixed = previous.as_deref().filter(|p| {
            p.starts_with(|c: char| c.is_ascii_digit())
                && p.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '_')
                    .chars()
                    .all(|c| "kKmMbB".contains(c))
                && p.ends_with(|c: char| "kKmMbB".contains(c))
        });
        if let Some(number) = suffixed {
            diag.message = format!("`{number}`: kpic has no magnitude suffixes");
            diag = diag.with_help("Write the whole number with `_` between groups of digits (`1_500_000 EUR`), or declare a unit such as `unit kEUR = 1000 EUR` and write `1500 kEUR`.");
        } else if is_word && wants_item {
            diag.message = format!("`{word}` does not start a declaration");
            diag.primary.message = "expected a declaration here".to_string();
            diag = diag.with_help(suggest::did_you_mean(word, ITEM_KEYWORDS.iter().copied()).unwrap_or_else(|| {
                "A declaration starts with `unit`, `role`, `source`, `metric`, `kpi`, `target`, `objective`, `signal` or `chain`.".to_string()
            }));
        } else if is_word && wants_attribute {
            diag.message = format!("`{word}` is not an attribute kpic knows");
            diag.primary.message = "unknown attribute".to_string();
            diag = diag.with_help(
                suggest::did_you_mean(word, ATTRIBUTE_KEYWORDS.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "A `{item_kind}` block holds attributes such as `goal`, `formula`, `unit`, `owner`, `target` and `bands`; see docs/language.md."
                    )
                }),
            );
        } else if word == ">" || word == ">=" {
            diag = diag.with_help("Bands read from low to high on one number line: write `red < 20% <= amber < 28% <= green`, or `green <= 2 d < amber <= 3 d < red` when lower is better.");
        }
    }
    diag
}

fn only_comments(rest: &str) -> bool {
    rest.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with("//")
    })
}

/// The end of the item's last significant text (before trailing blank lines and comments).
fn trimmed_end(text: &str, chunk: &Chunk) -> usize {
    let mut end = chunk.start;
    for (i, line) in
        text[chunk.start..chunk.end]
            .split_inclusive('\n')
            .scan(chunk.start, |at, l| {
                let start = *at;
                *at += l.len();
                Some((start, l))
            })
    {
        let code = line.split("//").next().unwrap_or("");
        if !code.trim().is_empty() {
            end = i + code.trim_end().len();
        }
    }
    end
}

/// The token starting at `pos`: a word, a number, or one symbol.
fn token_at(text: &str, pos: usize, limit: usize) -> Option<(usize, usize)> {
    let rest = &text[pos..limit];
    let first = rest.chars().next()?;
    if first.is_whitespace() {
        return None;
    }
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len())
    } else {
        let two = rest.get(..2).unwrap_or("");
        if ["<=", ">=", "!=", "->"].contains(&two) {
            2
        } else {
            first.len_utf8()
        }
    };
    Some((pos, pos + len.min(40)))
}

/// The token just before `pos` (skipping spaces), shortened for messages.
fn token_before(text: &str, start: usize, pos: usize) -> Option<String> {
    let before = text[start..pos].trim_end();
    let last = before.chars().last()?;
    let token: String = if last.is_alphanumeric() || last == '_' || last == '%' || last == '.' {
        let from = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '%'))
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        before[from..].to_string()
    } else if last == '"' {
        "\"…\"".to_string()
    } else {
        last.to_string()
    };
    let mut short: String = token.chars().take(30).collect();
    if short.len() < token.len() {
        short.push('…');
    }
    Some(short)
}

/// Characters that look like a space or like nothing at all, which text
/// pasted from a word processor, a web page or a chat often brings along.
fn unusual_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' | '\u{202F}' => "a non-breaking space",
        '\u{2000}'..='\u{200A}' | '\u{205F}' | '\u{3000}' | '\u{1680}' => "a typographic space",
        '\u{200B}' => "a zero-width space",
        '\u{200C}' | '\u{200D}' | '\u{2060}' => "an invisible joiner",
        '\u{FEFF}' => "an invisible byte-order mark",
        '\u{2028}' | '\u{2029}' | '\u{0085}' => "a Unicode line separator",
        '\u{000B}' | '\u{000C}' => "a form feed or vertical tab",
        '\u{00AD}' => "an invisible soft hyphen",
        _ => return None,
    })
}

/// An item that does not parse and holds such a character outside strings
/// and comments: that character is the likely cause, so it is named and
/// pointed at (the parser would stop somewhere after it).
fn unusual_character(file: FileId, text: &str, chunk: &Chunk) -> Option<Diagnostic> {
    let item = &text[chunk.start..chunk.end];
    let mut in_string = false;
    let mut chars = item.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => in_string = !in_string,
            '\\' if in_string => {
                chars.next();
            }
            '\n' | '\r' => in_string = false,
            '/' if !in_string && chars.peek().is_some_and(|&(_, n)| n == '/') => {
                while chars.next_if(|&(_, n)| n != '\n' && n != '\r').is_some() {}
            }
            c if !in_string => {
                if let Some(name) = unusual_name(c) {
                    let at = chunk.start + i;
                    return Some(
                        Diagnostic::new(
                            &codes::SYNTAX,
                            format!("{name} (U+{:04X}) where kpic reads only plain spaces", c as u32),
                            Span::new(file, at, at + c.len_utf8()),
                            "this looks like a space or like nothing, but is not a plain space",
                        )
                        .with_help("Delete it, and type a plain space if one belongs here. Such characters often come along with text pasted from a word processor, a web page or a chat."),
                    );
                }
            }
            _ => {}
        }
    }
    None
}
