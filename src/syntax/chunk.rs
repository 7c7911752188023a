//! Splits a file into top-level items before parsing.
//!
//! Each item is then parsed on its own, so a syntax error in one item does not
//! hide the errors in the others, and parsing stays linear in the file size.
//! An item starts at a top-level keyword at the start of a line outside any
//! block; a declaration keyword in the first column also starts a new item when
//! the previous block was never closed, so one missing `}` costs one error.
//! The scan also measures bracket nesting, so that a formula nested deeper than
//! [`MAX_NESTING`] is refused before the recursive parser sees it.

/// The deepest nesting of parentheses kpic accepts in one item.
pub const MAX_NESTING: usize = 64;

/// Keywords that start a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "unit",
    "role",
    "source",
    "metric",
    "kpi",
    "target",
    "objective",
    "signal",
    "chain",
];

/// Keywords that start a new item in the first column even inside an unclosed
/// block (`unit` and `target` are also attributes, so they do not).
const RESYNC_KEYWORDS: &[&str] = &[
    "role",
    "source",
    "metric",
    "kpi",
    "objective",
    "signal",
    "chain",
];

/// One top-level item's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The deepest parenthesis nesting, and where it was reached.
    pub max_nesting: usize,
    pub deepest_at: usize,
    /// The `{` still open at the end of the item, if any.
    pub unclosed_brace: Option<usize>,
}

/// Splits `text` into items. Comments and blank lines before the first item
/// and after the last token of an item belong to no item, so the parser only
/// ever sees code.
pub fn split(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut current: Option<Chunk> = None;
    let mut braces: Vec<usize> = Vec::new();
    let mut parens = 0usize;
    let mut at_line_start = true;
    let mut column = 0usize;
    let mut significant = false;
    // The end of the last token seen: where the current item's code ends.
    let mut code_end = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' | b'\r' if b == b'\n' || bytes.get(i + 1) != Some(&b'\n') => {
                at_line_start = true;
                column = 0;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                column += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // A comment ends at the line end, a lone `\r` included (as in the grammar).
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        if at_line_start && (b.is_ascii_alphabetic() || b == b'_') {
            let word_end = i + bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let word = &text[i..word_end];
            let starts_item = ITEM_KEYWORDS.contains(&word)
                && (braces.is_empty() || (column == 0 && RESYNC_KEYWORDS.contains(&word)));
            if starts_item {
                if let Some(mut c) = current.take() {
                    c.end = code_end.max(c.start);
                    c.unclosed_brace = braces.last().copied();
                    chunks.push(c);
                } else if significant {
                    chunks.push(Chunk {
                        start: 0,
                        end: code_end,
                        max_nesting: 0,
                        deepest_at: 0,
                        unclosed_brace: None,
                    });
                }
                braces.clear();
                parens = 0;
                current = Some(Chunk {
                    start: i,
                    end: text.len(),
                    max_nesting: 0,
                    deepest_at: i,
                    unclosed_brace: None,
                });
            }
        }
        at_line_start = false;
        significant = true;
        match b {
            b'"' => {
                // A string runs to its closing quote or the end of the line.
                // An unclosed string ends at the line end; its line is then
                // scanned as code, so a `{` typed after a missing quote counts.
                let open = i;
                i += 1;
                column += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' && bytes[i] != b'\r'
                {
                    if bytes[i] == b'\\'
                        && i + 1 < bytes.len()
                        && bytes[i + 1] != b'\n'
                        && bytes[i + 1] != b'\r'
                    {
                        i += 1;
                    }
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                } else {
                    i = open + 1;
                }
                code_end = i;
                continue;
            }
            b'{' => braces.push(i),
            b'}' => {
                braces.pop();
            }
            b'(' => {
                parens += 1;
                if let Some(c) = current.as_mut()
                    && parens > c.max_nesting
                {
                    c.max_nesting = parens;
                    c.deepest_at = i;
                }
            }
            b')' => parens = parens.saturating_sub(1),
            _ => {}
        }
        i += 1;
        column += 1;
        code_end = i;
    }
    match current {
        Some(mut c) => {
            c.end = code_end.max(c.start);
            c.unclosed_brace = braces.last().copied();
            chunks.push(c);
        }
        None if significant => chunks.push(Chunk {
            start: 0,
            end: code_end,
            max_nesting: 0,
            deepest_at: 0,
            unclosed_brace: None,
        }),
        None => {}
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<&str> {
        split(text)
            .iter()
            .map(|c| text[c.start..c.end].split_whitespace().next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn splits_at_top_level_keywords_only() {
        let text = "unit order: count\nkpi a \"A\" {\n  unit %\n  target 4%\n}\ntarget a 5%\n";
        assert_eq!(starts(text), ["unit", "kpi", "target"]);
    }

    #[test]
    fn an_unclosed_block_ends_at_the_next_declaration_in_column_one() {
        let text = "kpi a {\n  goal \"x\"\nkpi b {\n}\n";
        let chunks = split(text);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].unclosed_brace, Some(6));
        assert_eq!(chunks[1].unclosed_brace, None);
    }

    #[test]
    fn strings_and_comments_hide_braces_and_keywords() {
        let text = "kpi a {\n  notes \"{ kpi\" // }\n}\nmetric m = 1\n";
        assert_eq!(starts(text), ["kpi", "metric"]);
    }

    #[test]
    fn leading_comments_belong_to_no_item_and_garbage_is_kept() {
        assert_eq!(split("// only a comment\n"), vec![]);
        assert_eq!(split("hello\n").len(), 1);
    }

    #[test]
    fn measures_parenthesis_nesting() {
        let chunks = split("metric m = ((((1))))\n");
        assert_eq!(chunks[0].max_nesting, 4);
    }
}
