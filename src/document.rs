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
}

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
        let end = self.text[range.clone()]
            .find('\n')
            .map_or(range.end, |index| range.start + index);
        range.start..end
    }

    /// The line and column of a byte offset. An offset inside a multi-byte character is moved
    /// back to the character's start; an offset past the end is clamped.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        LineColumn {
            line: index + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
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
    fn byte_order_mark_is_dropped() {
        let document = Document::new("a.md", "\u{feff}# x");
        assert_eq!(document.text, "# x");
    }
}
