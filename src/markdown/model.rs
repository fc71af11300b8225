//! Our model of a Markdown document: leaf blocks and the inline atoms that rules compare.
//!
//! Rules see only these types, never pulldown-cmark events, so a parser upgrade touches
//! `markdown/mod.rs` alone. Every range is a byte range into the text the block was parsed from
//! (a [`View`](super::View)'s projected text).

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// The kind of a leaf block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    TableCell {
        table: usize,
        row: usize,
        column: usize,
        header: bool,
    },
    CodeBlock,
    Html,
}

impl BlockKind {
    /// The noun used in messages.
    pub fn noun(&self) -> &'static str {
        match self {
            BlockKind::Heading(_) => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::TableCell { .. } => "table cell",
            BlockKind::CodeBlock => "code block",
            BlockKind::Html => "HTML block",
        }
    }
}

/// The containers a leaf block sits in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Containers {
    pub list_depth: u8,
    pub quote_depth: u8,
    /// The DocFX/GFM alert kind (`NOTE`, `IMPORTANT`, …) of the innermost alert.
    pub alert: Option<&'static str>,
}

/// A link or image.
#[derive(Debug, Clone)]
pub struct Link {
    /// The whole link, `[text](dest)`.
    pub range: Range<usize>,
    pub destination: String,
    /// Where the destination is written, when it could be found in the raw text.
    pub destination_range: Option<Range<usize>>,
    pub is_image: bool,
    pub is_autolink: bool,
}

/// An `<a name="…">`/`<a id="…">` anchor or a `{#id}` heading attribute.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub name: String,
    /// The range of the name itself.
    pub range: Range<usize>,
}

/// Literal `*` or `_` runs that the parser left as text: emphasis that does not render.
#[derive(Debug, Clone)]
pub struct LiteralMarker {
    pub range: Range<usize>,
    /// True for `\*`, the escaped form.
    pub escaped: bool,
}

/// The inline atoms of one kind of a block: its part of a buffer that all the blocks of a
/// parsed text share. Most blocks hold no atom or one of a kind; a `Vec` per kind and block was
/// an allocation and a free for each, which cost more than walking the parser's events.
/// Invariant: `buffer` is `None` exactly when `range` is empty, once the walk has shared it.
#[derive(Clone)]
pub struct Atoms<T> {
    /// The buffer as the walk filled it: an `Arc<[T]>` would copy it once more, and a thin
    /// pointer keeps `Block` (seven of these) smaller.
    buffer: Option<Arc<Vec<T>>>,
    range: Range<usize>,
}

impl<T> Atoms<T> {
    pub fn as_slice(&self) -> &[T] {
        match &self.buffer {
            Some(buffer) => &buffer[self.range.clone()],
            None => &[],
        }
    }
}

impl<T> Default for Atoms<T> {
    fn default() -> Self {
        Atoms {
            buffer: None,
            range: 0..0,
        }
    }
}

impl<T> Deref for Atoms<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T> IntoIterator for &'a Atoms<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Atoms<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// The atoms of one kind of every block of a text, collected block after block during the
/// walk and shared by the blocks at its end. The atoms of the block being collected are those
/// from the start it was opened at ([`AtomBuffer::len`] then) to the end.
pub(crate) struct AtomBuffer<T> {
    all: Vec<T>,
}

impl<T> AtomBuffer<T> {
    pub(crate) fn new() -> Self {
        AtomBuffer { all: Vec::new() }
    }

    /// How many atoms the buffer holds: where the next block's atoms start.
    pub(crate) fn len(&self) -> usize {
        self.all.len()
    }

    pub(crate) fn push(&mut self, atom: T) {
        self.all.push(atom);
    }

    /// The atoms from `start` on: those of the block being collected.
    pub(crate) fn since(&self, start: usize) -> &[T] {
        &self.all[start..]
    }

    /// The last atom of the block being collected, if it has one.
    pub(crate) fn last_since(&mut self, start: usize) -> Option<&mut T> {
        self.all[start..].last_mut()
    }

    /// Drops the atoms of a block that turned out not to be one.
    pub(crate) fn truncate(&mut self, start: usize) {
        self.all.truncate(start);
    }

    /// The place of the atoms from `start` on, which reads as empty until
    /// [`AtomBuffer::share`].
    pub(crate) fn close(&self, start: usize) -> Atoms<T> {
        Atoms {
            buffer: None,
            range: start..self.all.len(),
        }
    }

    /// Moves a block's atoms to the end of the buffer and returns their place, as
    /// [`AtomBuffer::close`].
    pub(crate) fn append(&mut self, atoms: &mut Vec<T>) -> Atoms<T> {
        let start = self.all.len();
        self.all.append(atoms);
        self.close(start)
    }

    /// Gives each place that [`AtomBuffer::close`] returned, and holds atoms, the buffer.
    pub(crate) fn share<'a>(self, places: impl Iterator<Item = &'a mut Atoms<T>>)
    where
        T: 'a,
    {
        if self.all.is_empty() {
            return;
        }
        let all = Arc::new(self.all);
        for place in places.filter(|place| !place.range.is_empty()) {
            place.buffer = Some(Arc::clone(&all));
        }
    }
}

/// A leaf block. Invariant: every inner range lies inside `range`, except `range` itself may be
/// narrower than the block's markup (it covers the content, not the `## ` or `| `).
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub containers: Containers,
    /// The content: from the first to the last inline element (the whole block for code/HTML).
    pub range: Range<usize>,
    /// Text runs (adjacent `Text` events merged), without code and link destinations.
    pub text_runs: Atoms<Range<usize>>,
    /// Inline code spans, the backticks included.
    pub code_spans: Atoms<Range<usize>>,
    pub links: Atoms<Link>,
    /// Inline HTML tags.
    pub html_tags: Atoms<Range<usize>>,
    pub anchors: Atoms<Anchor>,
    /// Rendered `**strong**` ranges.
    pub strong: Atoms<Range<usize>>,
    /// Rendered `*emphasis*` count.
    pub emphasis: usize,
    pub literal_markers: Atoms<LiteralMarker>,
    /// For a heading, its text as DocFX turns it into an id.
    pub heading_slug: Option<String>,
}

impl Block {
    pub(crate) fn new(kind: BlockKind, containers: Containers, start: usize) -> Block {
        Block {
            kind,
            containers,
            range: start..start,
            text_runs: Atoms::default(),
            code_spans: Atoms::default(),
            links: Atoms::default(),
            html_tags: Atoms::default(),
            anchors: Atoms::default(),
            strong: Atoms::default(),
            emphasis: 0,
            literal_markers: Atoms::default(),
            heading_slug: None,
        }
    }

    /// The block's prose: its text runs joined by single spaces.
    pub fn prose(&self, text: &str) -> String {
        let mut prose = String::new();
        for run in &self.text_runs {
            if !prose.is_empty() {
                prose.push(' ');
            }
            prose.push_str(&text[run.clone()]);
        }
        prose
    }
}

/// DocFX's heading id: lower case, letters, digits and hyphens, spaces to hyphens.
pub fn slug(heading: &str) -> String {
    slug_of([heading])
}

/// The slug of a heading given in pieces (its text runs and code), as [`slug`] of their
/// concatenation, without making the concatenation. A hyphen is never written first nor left
/// last, which is what trimming the text and then the hyphens came to.
pub(crate) fn slug_of<'a>(pieces: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let length = pieces.clone().into_iter().map(str::len).sum();
    let mut slug = String::with_capacity(length);
    for character in pieces.into_iter().flat_map(str::chars) {
        if character.is_ascii() {
            // The common case, without Unicode's tables.
            if character.is_ascii_alphanumeric() {
                slug.push(character.to_ascii_lowercase());
            } else if (character == ' ' || character == '-')
                && !slug.is_empty()
                && !slug.ends_with('-')
            {
                slug.push('-');
            }
        } else if is_caseless_letter(character) {
            // CJK and kana headings, without the Unicode tables' searches.
            slug.push(character);
        } else if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        }
    }
    if slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Letters of the scripts of CJK headings that are alphanumeric and their own lower case:
/// CJK ideographs (extension A and the unified block), hiragana, katakana and Hangul syllables.
/// A test checks every one of them against the Unicode tables.
fn is_caseless_letter(character: char) -> bool {
    matches!(
        character,
        '\u{3041}'..='\u{3096}'
            | '\u{30A1}'..='\u{30FA}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7A3}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slug as first written, char by char through Unicode's tables.
    fn slug_oracle(heading: &str) -> String {
        let mut slug = String::new();
        for character in heading.trim().chars() {
            if character.is_alphanumeric() {
                slug.extend(character.to_lowercase());
            } else if (character == ' ' || character == '-') && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.trim_matches('-').to_string()
    }

    proptest::proptest! {
        #[test]
        fn slug_matches_the_unicode_definition(heading in "[ a-zA-Z0-9_\\-.:İıΣσ重設使用者Ⅻ①\u{300}\u{3000}]{0,40}") {
            proptest::prop_assert_eq!(slug(&heading), slug_oracle(&heading));
        }

        #[test]
        fn slug_of_pieces_is_the_slug_of_their_concatenation(
            pieces in proptest::collection::vec("[ a-zA-Z0-9_\\-.:İΣ重設\u{3000}\t]{0,8}", 0..5)
        ) {
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(slug_of(pieces.iter().copied()), slug_oracle(&pieces.concat()));
        }
    }

    #[test]
    fn caseless_letters_are_alphanumeric_and_their_own_lower_case() {
        for character in ('\0'..=char::MAX).filter(|&c| is_caseless_letter(c)) {
            assert!(character.is_alphanumeric(), "{character:?}");
            assert!(character.to_lowercase().eq([character]), "{character:?}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug(" Reset MFA -- for İstanbul "),
            "reset-mfa-for-i\u{307}stanbul"
        );
        assert_eq!(slug("重設 使用者"), "重設-使用者");
    }
}
