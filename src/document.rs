//! A file as locdrift reads it: its display path, its text, and a line index.
//!
//! Every position in locdrift is a byte range into [`Document::text`]; lines and columns are made
//! here, and only when a finding is printed. Columns count Unicode scalar values, so a CJK
//! character is one column however wide the terminal draws it.

use std::ops::Range;

/// A UTF-8 text file. Invariant: `line_starts[0] == 0` and every entry is the byte offset just
/// after a `\n` (or 0), in increasing order.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as the user gave it (or as the walk found it), for display.
    pub path: String,
    /// The whole file, byte for byte, less a leading UTF-8 byte order mark.
    pub text: String,
    line_starts: Vec<usize>,
    /// The number of characters before every [`MARK_EVERY`]th byte, made on the first column
    /// asked for on a long line: counting from the line's start for every finding was
    /// quadratic on a one-line file with thousands of findings.
    char_marks: std::sync::OnceLock<Vec<usize>>,
}

/// The spacing of [`Document`]'s character-count marks, in bytes.
const MARK_EVERY: usize = 4096;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl Document {
    /// Makes a document from text already decoded. A leading byte order mark is dropped, since
    /// editors hide it and it would shift every column of the first line.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Document {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(&text));
        Document {
            path: path.into(),
            text,
            line_starts,
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// The byte offsets at which lines start.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// 0-based index of the line that holds `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(index) => index,
            Err(next) => next - 1,
        }
    }

    /// The byte range of 0-based line `index`, without its line terminator.
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let trimmed = line
            .strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(line);
        start..start + trimmed.len()
    }

    /// The part of `range` on its first line, so that a label on a whole block underlines one
    /// line rather than every line of it.
    pub fn first_line_of(&self, range: Range<usize>) -> Range<usize> {
        // From the line index, not by searching the range for `\n`: many labels on one long
        // block made that quadratic.
        let line_end = self
            .line_starts
            .get(self.line_index(range.start) + 1)
            .map_or(self.text.len(), |next| next - 1);
        range.start..range.end.min(line_end).max(range.start)
    }

    /// The line and column of a byte offset. An offset inside a multi-byte character is moved
    /// back to the character's start; an offset past the end is clamped.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        let chars = if offset - start <= 2 * MARK_EVERY {
            self.text[start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        LineColumn {
            line: index + 1,
            column: chars + 1,
        }
    }

    /// The number of characters in `text[..offset]`, for any byte offset (a character counts
    /// where its first byte is).
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(bytes.len() / MARK_EVERY + 2);
            let mut count = 0;
            marks.push(0);
            for chunk in bytes.chunks(MARK_EVERY) {
                count += char_starts(chunk);
                marks.push(count);
            }
            marks
        });
        let mark = offset / MARK_EVERY;
        marks[mark] + char_starts(&bytes[mark * MARK_EVERY..offset])
    }

    /// The byte offset of a 1-based line and column, the inverse of [`Document::line_column`].
    pub fn offset(&self, position: LineColumn) -> Option<usize> {
        let start = *self.line_starts.get(position.line.checked_sub(1)?)?;
        let range = self.line_range(position.line - 1);
        let mut column = 1;
        for (index, _) in self.text[start..].char_indices() {
            if column == position.column {
                return Some(start + index);
            }
            if start + index >= range.end {
                return None;
            }
            column += 1;
        }
        (column == position.column).then_some(self.text.len())
    }
}

/// The number of bytes that start a character (are not UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    // memchr's iterator: `match_indices('\n')` costs a searcher step per line on top of the
    // search, and documentation lines are short.
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1)
}

/// The largest char boundary not after `index` (stable stand-in for `str::floor_char_boundary`).
pub fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The smallest char boundary not before `index`.
pub fn ceil_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values() {
        let document = Document::new("a.md", "ab\n网络 x\r\nz");
        assert_eq!(document.line_column(0), LineColumn { line: 1, column: 1 });
        let x = document.text.find('x').unwrap();
        assert_eq!(document.line_column(x), LineColumn { line: 2, column: 4 });
        assert_eq!(document.offset(LineColumn { line: 2, column: 4 }), Some(x));
        assert_eq!(document.line_range(1), 3..3 + "网络 x".len());
    }

    #[test]
    fn columns_on_long_lines_count_scalar_values() {
        // Long enough for the marks; characters of 1 to 4 bytes straddle the mark boundaries.
        let line = "a网é😀".repeat(3_000);
        let text = format!("x\n{line}\n{line}");
        let document = Document::new("a.md", text.as_str());
        for (offset, _) in text.char_indices().step_by(7).chain([(text.len(), ' ')]) {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = LineColumn {
                line: text[..offset].matches('\n').count() + 1,
                column: text[start..offset].chars().count() + 1,
            };
            assert_eq!(document.line_column(offset), expected, "at {offset}");
        }
    }

    #[test]
    fn the_first_line_of_a_range_ends_at_its_first_newline() {
        let text = "ab\ncd\r\nef\n\ngh";
        let document = Document::new("a.md", text);
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let expected = text[start..end]
                    .find('\n')
                    .map_or(end, |index| start + index);
                assert_eq!(document.first_line_of(start..end), start..expected);
            }
        }
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let document = Document::new("a.md", "\u{feff}# x");
        assert_eq!(document.text, "# x");
    }
}
