//! Source files, byte spans and line/column positions.
//!
//! Every position in kpic is a byte [`Span`] into one [`SourceFile`]. Line and
//! column numbers are computed here and only here, so CRLF line ends, a UTF-8
//! byte-order mark, tabs and non-ASCII text are handled in one place:
//! - a leading BOM is removed when the file is loaded (editors do not count it);
//! - lines end at `\n`; a `\r` before it is not part of the line;
//! - columns count characters (a tab is one column, `é` is one column), from 1.

use std::ops::Range;
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file.
///
/// Offsets are stored as `u32` (a file is at most [`MAX_FILE_SIZE`] bytes),
/// which keeps a span at 12 bytes: every name and node of the syntax tree
/// carries one, so this halves their share of a model's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    start: u32,
    end: u32,
}

/// The largest file kpic reads: byte offsets must fit in a [`Span`].
pub const MAX_FILE_SIZE: usize = u32::MAX as usize;

/// An offset as stored in a span (files are at most [`MAX_FILE_SIZE`] bytes,
/// so this never saturates for a position inside a file).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: offset(start),
            end: offset(end),
        }
    }

    /// The first byte.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// One past the last byte.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One loaded `.kpi` file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or as found under a directory).
    pub name: String,
    /// The text, without a leading byte-order mark. An `Arc<String>`, so that
    /// loading a file never copies its text and a clone is cheap.
    pub text: Arc<String>,
    /// Whether the file on disk started with a UTF-8 byte-order mark.
    pub had_bom: bool,
    /// Byte offset of the first byte that is not UTF-8, when the file on disk
    /// was not valid text (`text` then holds a lossy copy).
    pub invalid_utf8: Option<usize>,
    /// Byte offset of the first character of every line (as in a [`Span`]).
    line_starts: Vec<u32>,
    /// The number of characters before every [`MARK`]th byte, made when the
    /// first position is asked for: a column is then found by counting at
    /// most `MARK` bytes, however long its line (thousands of diagnostics on
    /// one long line took quadratic time).
    char_marks: std::sync::OnceLock<Vec<u32>>,
}

/// The distance in bytes between two [`SourceFile::char_marks`].
const MARK: usize = 1024;

/// The characters in `bytes` (UTF-8): the bytes that do not continue one.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl SourceFile {
    /// Builds a source file from text; a leading BOM is removed.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text = text.into();
        let had_bom = text.starts_with('\u{feff}');
        if had_bom {
            text.drain(..'\u{feff}'.len_utf8());
        }
        // A line ends at `\n`, or at a `\r` not followed by `\n` (old Mac files).
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(1 + bytes.iter().filter(|&&b| b == b'\n').count());
        line_starts.push(0);
        line_starts.extend(bytes.iter().enumerate().filter_map(|(i, &b)| {
            let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            ends.then_some(offset(i + 1))
        }));
        SourceFile {
            name: name.into(),
            text: Arc::new(text),
            had_bom,
            invalid_utf8: None,
            line_starts,
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// The number of characters before byte `offset` (a character boundary).
    pub fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let marks = self.char_marks.get_or_init(|| {
            // One mark at the start of every block, and one at the end (so
            // the end of a file of a whole number of blocks has its mark).
            let mut marks = Vec::with_capacity(bytes.len() / MARK + 2);
            let mut chars = 0;
            marks.push(0);
            for block in bytes.chunks(MARK) {
                chars += chars_in(block);
                marks.push(self::offset(chars));
            }
            marks
        });
        let mark = offset / MARK;
        let before = marks.get(mark).map_or(0, |&c| c as usize);
        before + chars_in(&bytes[mark * MARK..offset])
    }

    /// Builds a source file from bytes as read from disk. Invalid UTF-8 is
    /// recorded (and replaced in `text`) instead of failing.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => SourceFile::new(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let mut f = SourceFile::new(name, lossy);
                let bom = if f.had_bom { 3 } else { 0 };
                f.invalid_utf8 = Some(at.saturating_sub(bom));
                f
            }
        }
    }

    /// The 1-based line and character column of a byte offset.
    /// Offsets past the end are clamped to the end of the file.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = match self.line_starts.binary_search(&self::offset(offset)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_start(line);
        // A `\r` is never inside a line, only before the `\n` that ends it.
        let cr = usize::from(offset > start && self.text.as_bytes()[offset - 1] == b'\r');
        let column = self.chars_before(offset) - self.chars_before(start) - cr + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The UTF-16 column of a byte offset (0-based), as the language server protocol counts.
    pub fn utf16_position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let lc = self.line_col(offset);
        let start = self.line_start(lc.line - 1);
        let col = self.text[start..offset].encode_utf16().count();
        (lc.line - 1, col)
    }

    /// The byte offset of a 0-based line and UTF-16 column (clamped to the line).
    pub fn offset_of_utf16(&self, line: usize, col: usize) -> usize {
        if line >= self.line_starts.len() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(line);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// Byte offset of the end of a 0-based line, before any `\r\n`.
    fn line_end(&self, line: usize) -> usize {
        let end = self
            .line_starts
            .get(line + 1)
            .map(|&s| s as usize - 1)
            .unwrap_or(self.text.len());
        let start = self.line_start(line);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The byte range of 0-based lines `first..=last` (clamped), line ends included.
    pub fn lines_range(&self, first: usize, last: usize) -> Range<usize> {
        let last = last.min(self.line_starts.len() - 1);
        let first = first.min(last);
        let end = self
            .line_starts
            .get(last + 1)
            .map_or(self.text.len(), |&s| s as usize);
        self.line_start(first)..end
    }

    /// The byte offset of the start of a 0-based line that exists.
    fn line_start(&self, line: usize) -> usize {
        self.line_starts[line] as usize
    }

    /// Number of lines (a file without a final newline still counts its last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Clamps an offset to the text and to a character boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// All files of one model.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let file = self.get(span.file);
        let start = file.clamp(span.start());
        let end = file.clamp(span.end().max(start));
        &file.text[start..end]
    }

    /// Line and column of the start of a span.
    pub fn line_col(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_columns_ignore_carriage_returns() {
        let f = SourceFile::new("a.kpi", "ab\r\ncd\r\n");
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 3 });
    }

    #[test]
    fn bom_is_removed_and_positions_start_after_it() {
        let f = SourceFile::new("a.kpi", "\u{feff}unit x");
        assert!(f.had_bom);
        assert_eq!(&*f.text, "unit x");
        assert_eq!(f.line_col(5), LineCol { line: 1, column: 6 });
    }

    #[test]
    fn non_ascii_counts_characters() {
        let f = SourceFile::new("a.kpi", "\"é→\" x");
        assert_eq!(f.line_col(f.text.find('x').unwrap_or(0)).column, 6);
        assert_eq!(f.utf16_position(f.text.len()), (0, 6));
        assert_eq!(f.offset_of_utf16(0, 5), f.text.find('x').unwrap_or(0));
    }

    #[test]
    fn columns_on_long_lines_match_counting_characters() {
        // Long enough to cross many marks, with characters of 1 to 4 bytes
        // (some across a mark), CRLF and a lone CR.
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["a", "é", "→", "🚀"][i % 4]);
            if i % 700 == 699 {
                text.push_str(["\r\n", "\n", "\r"][i % 3]);
            }
        }
        let f = SourceFile::new("a.kpi", text.clone());
        let (mut column, mut chars) = (1, 0);
        for (at, c) in text.char_indices() {
            assert_eq!(f.line_col(at).column, column, "at byte {at}");
            assert_eq!(f.chars_before(at), chars, "at byte {at}");
            chars += 1;
            match c {
                '\n' => column = 1,
                '\r' if !text[at + 1..].starts_with('\n') => column = 1,
                '\r' => {}
                _ => column += 1,
            }
        }
    }

    #[test]
    fn the_end_of_a_file_of_whole_blocks_has_its_column() {
        // Found by the fuzzer: a file of exactly 32 KB.
        for len in [MARK, 2 * MARK, 32 * MARK] {
            let mut text = "é".repeat((len - 2) / 2);
            text.push_str("\ny");
            assert_eq!(text.len(), len);
            let f = SourceFile::new("a.kpi", text);
            assert_eq!(f.line_col(len), LineCol { line: 2, column: 2 });
            assert_eq!(f.line_col(len - 2).column, (len - 2) / 2 + 1);
            assert_eq!(f.chars_before(len), (len - 2) / 2 + 2);
        }
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let f = SourceFile::new("a.kpi", "x");
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 2 });
    }
}
