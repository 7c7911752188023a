//! Comments, recovered from the text: the AST has none, so the formatter scans
//! the source for `//` outside strings and puts each comment back next to the
//! line it belongs to.

/// One `//` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `//`.
    pub start: usize,
    /// Byte offset of the end of its line (before any `\r\n`).
    pub end: usize,
    /// The comment from `//`, without trailing spaces.
    pub text: String,
    /// Whether only spaces precede it on its line.
    pub own_line: bool,
}

/// Every comment of a text, in order. Strings (which close at the end of their
/// line) hide `//`.
pub fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut code_on_line = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // A line ends at `\n`, `\r\n` or a lone `\r`, as in the grammar.
            b'\n' => {
                code_on_line = false;
                i += 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                code_on_line = false;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < bytes.len() && !is_line_end(bytes[i]) {
                    i += 1;
                }
                let line = text.get(start..i).unwrap_or("").trim_end();
                out.push(Comment {
                    start,
                    end: start + line.len(),
                    text: line.to_string(),
                    own_line: !code_on_line,
                });
            }
            b'"' => {
                code_on_line = true;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && !is_line_end(bytes[i]) {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() && !is_line_end(bytes[i + 1]) {
                        i += 1;
                    }
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
            }
            _ => {
                code_on_line = true;
                i += 1;
            }
        }
    }
    out
}

/// Whether a byte ends a line: `\n`, or `\r` (alone or before `\n`). Comments
/// and strings end there, as the grammar's `NEWLINE` ends them.
pub fn is_line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Whether a stretch of text between two pieces of code holds a blank line.
pub fn has_blank_line(between: &str) -> bool {
    let pieces: Vec<&str> = between.split('\n').collect();
    pieces.len() > 2
        && pieces[1..pieces.len() - 1]
            .iter()
            .any(|p| p.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_hide_comment_markers() {
        let c = scan("notes \"a // b\" // real\n// own\n");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].text, "// real");
        assert!(!c[0].own_line);
        assert!(c[1].own_line);
    }

    #[test]
    fn blank_lines() {
        assert!(has_blank_line("\n\n"));
        assert!(has_blank_line("  \n  \t\n  "));
        assert!(!has_blank_line("\n  "));
        assert!(!has_blank_line(""));
    }
}
