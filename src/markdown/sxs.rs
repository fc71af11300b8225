//! The side-by-side ("sxs") localization format.
//!
//! Each translated segment is written as
//! `<span data-ttu-id="ID">TRANSLATION</span><span class="sxs-lookup"><span data-stu-id="ID">SOURCE</span></span>`
//! while the Markdown syntax around it (heading marks, list markers, table pipes, link brackets,
//! anchors) stays outside the spans. Two projections of such a file are plain Markdown again: the
//! *target* projection keeps the translations, the *embedded source* projection keeps the
//! English. Both are parsed like any other Markdown; [`Projection::to_original`] maps their
//! positions back to the file.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::align::FoldState;

/// One translated segment. Invariant: all ranges are byte ranges into the file text, in order
/// `open_tag < target < lookup`, and `source` lies inside `lookup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    /// The `<span data-ttu-id="ID">` tag.
    pub open_tag: Range<usize>,
    /// The translation between the tags.
    pub target: Range<usize>,
    /// From the `</span>` that closes the translation to the end of the lookup, or just the
    /// closing tag when the segment has no lookup.
    pub tail: Range<usize>,
    /// The embedded English, when the segment has a lookup.
    pub source: Option<Range<usize>>,
}

/// A malformed side-by-side file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SxsError {
    pub offset: usize,
    pub message: String,
}

const TARGET_OPEN: &str = "<span data-ttu-id=\"";
const LOOKUP_OPEN: &str = "<span class=\"sxs-lookup\">";
const SOURCE_OPEN: &str = "<span data-stu-id=\"";
const SPAN_CLOSE: &str = "</span>";

static TARGET_OPEN_FINDER: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new(TARGET_OPEN.as_bytes()));
static LOOKUP_OPEN_FINDER: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new(LOOKUP_OPEN.as_bytes()));

/// Whether the text is in the side-by-side format.
pub fn is_side_by_side(text: &str) -> bool {
    TARGET_OPEN_FINDER.find(text.as_bytes()).is_some()
        && LOOKUP_OPEN_FINDER.find(text.as_bytes()).is_some()
}

/// Finds every segment. Fails on a span that never closes, since then the rest of the file
/// cannot be split into translation and source.
pub fn parse(text: &str) -> Result<Vec<Segment>, SxsError> {
    let bytes = text.as_bytes();
    // Counted first (a fast search) so that neither the segments nor the map of ids grow,
    // copying and rehashing, segment after segment.
    let opening_tags = TARGET_OPEN_FINDER.find_iter(bytes).count();
    let mut segments = Vec::with_capacity(opening_tags);
    // Where each id was first seen: an id used twice makes segments ambiguous.
    let mut ids: HashMap<&str, usize, FoldState> =
        HashMap::with_capacity_and_hasher(opening_tags, FoldState::default());
    let mut cursor = 0;
    while let Some(found) = TARGET_OPEN_FINDER.find(&bytes[cursor..]) {
        let open_start = cursor + found;
        let id_start = open_start + TARGET_OPEN.len();
        let Some(id_len) = memchr::memchr(b'"', &bytes[id_start..]) else {
            return Err(SxsError {
                offset: open_start,
                message: "`<span data-ttu-id=` has no closing quote".into(),
            });
        };
        let id = &text[id_start..id_start + id_len];
        if let Some(&first) = ids.get(id) {
            return Err(SxsError {
                offset: open_start,
                message: format!(
                    "segment id `{id}` is used twice (first on line {})",
                    line_of(text, first)
                ),
            });
        }
        ids.insert(id, open_start);
        let Some(tag_end) = memchr::memchr(b'>', &bytes[id_start + id_len..]) else {
            return Err(SxsError {
                offset: open_start,
                message: format!("the tag `<span data-ttu-id=\"{id}\"` never ends"),
            });
        };
        let content_start = id_start + id_len + tag_end + 1;
        let close = matching_close(text, content_start).ok_or_else(|| SxsError {
            offset: open_start,
            message: format!("`<span data-ttu-id=\"{id}\">` is never closed"),
        })?;
        let mut tail_end = close + SPAN_CLOSE.len();
        let mut source = None;
        if text[tail_end..].starts_with(LOOKUP_OPEN) {
            let inner = tail_end + LOOKUP_OPEN.len();
            if text[inner..].starts_with(SOURCE_OPEN) {
                let source_id_start = inner + SOURCE_OPEN.len();
                let source_id = memchr::memchr(b'"', &bytes[source_id_start..])
                    .map(|length| &text[source_id_start..source_id_start + length]);
                if source_id.is_some_and(|source_id| source_id != id) {
                    return Err(SxsError {
                        offset: inner,
                        message: format!(
                            "the lookup of segment `{id}` is marked `data-stu-id=\"{}\"`",
                            source_id.unwrap_or_default()
                        ),
                    });
                }
                let source_tag_end = memchr::memchr(b'>', &bytes[source_id_start..])
                    .map(|index| source_id_start + index + 1)
                    .ok_or_else(|| SxsError {
                        offset: inner,
                        message: format!("the lookup tag of segment `{id}` never ends"),
                    })?;
                let source_close =
                    matching_close(text, source_tag_end).ok_or_else(|| SxsError {
                        offset: inner,
                        message: format!(
                            "the lookup `<span data-stu-id>` of segment `{id}` is never closed"
                        ),
                    })?;
                let lookup_close_start = source_close + SPAN_CLOSE.len();
                if !text[lookup_close_start..].starts_with(SPAN_CLOSE) {
                    return Err(SxsError {
                        offset: tail_end,
                        message: format!("the `sxs-lookup` span of segment `{id}` is never closed"),
                    });
                }
                source = Some(source_tag_end..source_close);
                tail_end = lookup_close_start + SPAN_CLOSE.len();
            } else {
                let lookup_close = matching_close(text, inner).ok_or_else(|| SxsError {
                    offset: tail_end,
                    message: format!("the `sxs-lookup` span of segment `{id}` is never closed"),
                })?;
                tail_end = lookup_close + SPAN_CLOSE.len();
            }
        }
        segments.push(Segment {
            id: id.to_string(),
            open_tag: open_start..content_start,
            target: content_start..close,
            tail: close..tail_end,
            source,
        });
        cursor = tail_end;
    }
    Ok(segments)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The offset of the `</span>` that closes a span whose content starts at `start`, counting
/// nested spans: the tags are read in order at each `<`, one pass over the content.
fn matching_close(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    for at in memchr::memchr_iter(b'<', &bytes[start..]) {
        let at = start + at;
        let rest = &bytes[at..];
        if rest.starts_with(SPAN_CLOSE.as_bytes()) {
            if depth == 0 {
                return Some(at);
            }
            depth -= 1;
        } else if rest.starts_with(b"<span") {
            depth += 1;
        }
    }
    None
}

/// A text made of pieces of a file. Invariant: `pieces` are in increasing order of both their
/// projected and original offsets, and cover `text` exactly.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    pub text: String,
    /// `(projected start, original range)` for each copied piece.
    pieces: Vec<(usize, Range<usize>)>,
}

/// Which side of each segment a projection keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Target,
    EmbeddedSource,
}

impl Projection {
    /// The whole text, unchanged.
    pub fn identity(text: &str) -> Projection {
        Projection {
            text: text.to_string(),
            pieces: vec![(0, 0..text.len())],
        }
    }

    /// The file with each segment replaced by its translation or its embedded source.
    pub fn of_segments(text: &str, segments: &[Segment], side: Side) -> Projection {
        let kept = |segment: &Segment| match side {
            Side::Target => Some(segment.target.clone()),
            Side::EmbeddedSource => segment.source.clone(),
        };
        // Sized first: growing the text and the pieces by doubling copied them again.
        let dropped: usize = (segments.iter())
            .map(|segment| {
                let kept_length = kept(segment).map_or(0, |range| range.len());
                segment.tail.end - segment.open_tag.start - kept_length
            })
            .sum();
        let mut projection = Projection {
            text: String::with_capacity(text.len() - dropped),
            pieces: Vec::with_capacity(2 * segments.len() + 1),
        };
        let mut cursor = 0;
        for segment in segments {
            projection.copy(text, cursor..segment.open_tag.start);
            if let Some(range) = kept(segment) {
                projection.copy(text, range);
            }
            cursor = segment.tail.end;
        }
        projection.copy(text, cursor..text.len());
        projection
    }

    fn copy(&mut self, text: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), range.clone()));
        self.text.push_str(&text[range]);
    }

    /// The original offset of a projected offset. An offset at a piece boundary maps to the
    /// start of the later piece, except at the very end.
    pub fn to_original(&self, offset: usize) -> usize {
        if self.pieces.is_empty() {
            return 0;
        }
        let index = match self.pieces.binary_search_by(|piece| piece.0.cmp(&offset)) {
            Ok(index) => index,
            Err(0) => 0,
            Err(next) => next - 1,
        };
        self.in_piece(index, offset)
    }

    /// The original offset of a projected offset that piece `index` holds.
    fn in_piece(&self, index: usize, offset: usize) -> usize {
        let (projected_start, original) = &self.pieces[index];
        (original.start + (offset - projected_start)).min(original.end)
    }

    /// A mapper of ranges that come in increasing order, as the blocks of a text do.
    pub fn mapper(&self) -> Mapper<'_> {
        Mapper {
            projection: self,
            piece: 0,
        }
    }

    /// The original range of a projected range: its end maps to the end of the piece holding the
    /// last byte, so that a range never swallows text the projection dropped after it.
    pub fn range_to_original(&self, range: Range<usize>) -> Range<usize> {
        original_range(range, |offset| self.to_original(offset))
    }
}

/// A projected range in the file, given how to map one offset: the start maps as it is, the end
/// through the last byte of the range (see [`Projection::range_to_original`]).
fn original_range(
    range: Range<usize>,
    mut to_original: impl FnMut(usize) -> usize,
) -> Range<usize> {
    let start = to_original(range.start);
    if range.is_empty() {
        return start..start;
    }
    let end = to_original(range.end - 1) + 1;
    start..end.max(start)
}

/// [`Projection::range_to_original`] for ranges in increasing order: the piece that holds an
/// offset is looked for from the last one found, not by a binary search each time. (A range
/// out of order is still mapped right, by the search.)
pub struct Mapper<'p> {
    projection: &'p Projection,
    /// The piece of the last offset mapped.
    piece: usize,
}

impl Mapper<'_> {
    /// As [`Projection::to_original`].
    fn original(&mut self, offset: usize) -> usize {
        let pieces = &self.projection.pieces;
        if pieces.is_empty() {
            return 0;
        }
        if pieces[self.piece].0 > offset {
            return self.projection.to_original(offset);
        }
        // The last piece that starts at or before the offset, as the binary search finds it.
        while pieces
            .get(self.piece + 1)
            .is_some_and(|next| next.0 <= offset)
        {
            self.piece += 1;
        }
        self.projection.in_piece(self.piece, offset)
    }

    /// As [`Projection::range_to_original`].
    pub fn range_to_original(&mut self, range: Range<usize>) -> Range<usize> {
        original_range(range, |offset| self.original(offset))
    }
}

/// The block ranges of the embedded-source projection, worked out from those of the target
/// projection (each block's range and whether it is opaque: code or HTML, whose lines are not
/// Markdown), or `None` when a segment might give the English a block structure of its own.
///
/// Both projections share everything outside the segments, and block structure depends on a
/// segment's text only through what [`segments_are_inert`] rules out, and through being inside
/// a code block, an HTML block or a link reference definition, ruled out here. When no segment
/// does any of this on either side, the English has the translation's blocks, each boundary
/// moved by the change in length of the segments before it: this spares a second parse of
/// nearly every side-by-side file. (The property test `derived_ranges_are_parsed_ones` holds
/// this against the parse.)
pub fn embedded_block_ranges(
    text: &str,
    segments: &[Segment],
    target: &Projection,
    target_blocks: impl ExactSizeIterator<Item = (Range<usize>, bool)>,
) -> Option<Vec<Range<usize>>> {
    if !segments_are_inert(text, segments) {
        return None;
    }
    // Each segment's range in the target projection: the file, less what was dropped before.
    let mut dropped = 0;
    let placed: Vec<Range<usize>> = (segments.iter())
        .map(|segment| {
            let start = segment.open_tag.start - dropped;
            dropped += segment.tail.end - segment.open_tag.start - segment.target.len();
            start..start + segment.target.len()
        })
        .collect();
    let mut shifter = Shifter {
        segments,
        placed: &placed,
        passed: 0,
        target_before: 0,
        source_before: 0,
        last: 0,
    };
    let mut ranges = Vec::with_capacity(target_blocks.len());
    // The first segment not yet found inside a block.
    let mut next = 0;
    for (range, opaque) in target_blocks {
        // A paragraph that opens with `[` and holds `]:` may be link reference definitions in
        // one projection and not the other (a label or title made invalid by a segment).
        let block_text = &target.text[range.clone()];
        if block_text.starts_with('[') && block_text.contains("]:") {
            return None;
        }
        // Every segment must lie inside a Markdown block: one outside any block is in front
        // matter, a comment or a link reference definition, whose extent its text may change.
        if placed
            .get(next)
            .is_some_and(|segment| segment.start < range.start)
        {
            return None;
        }
        while placed
            .get(next)
            .is_some_and(|segment| segment.end <= range.end)
        {
            if opaque {
                return None;
            }
            next += 1;
        }
        if placed
            .get(next)
            .is_some_and(|segment| segment.start < range.end)
        {
            return None;
        }
        ranges.push(shifter.shift(range.start)?..shifter.shift(range.end)?);
    }
    (next == placed.len()).then_some(ranges)
}

/// Moves offsets of the target projection, in increasing order, to the embedded-source one.
struct Shifter<'s> {
    segments: &'s [Segment],
    /// Each segment's range in the target projection.
    placed: &'s [Range<usize>],
    /// The segments that end at or before the last offset moved, and their lengths on each
    /// side.
    passed: usize,
    target_before: usize,
    source_before: usize,
    last: usize,
}

impl Shifter<'_> {
    /// The offset in the embedded source, or `None` for one strictly inside a segment (its
    /// place in the English is unknown) or out of order.
    fn shift(&mut self, offset: usize) -> Option<usize> {
        if offset < self.last {
            return None;
        }
        self.last = offset;
        while let Some(placed) = self
            .placed
            .get(self.passed)
            .filter(|placed| placed.end <= offset)
        {
            let segment = &self.segments[self.passed];
            self.target_before += placed.len();
            self.source_before += segment.source.as_ref().map_or(0, |source| source.len());
            self.passed += 1;
        }
        if self
            .placed
            .get(self.passed)
            .is_some_and(|placed| placed.start < offset)
        {
            return None;
        }
        Some(offset - self.target_before + self.source_before)
    }
}

/// What the skeleton of a line holds before a segment.
#[derive(Default)]
struct LineSoFar {
    /// Whether the segment may open the line's content: nothing but indentation and container
    /// markers (`>`, list markers, a footnote label) before it, as far as a cheap look can
    /// tell.
    may_open_content: bool,
    /// Whether a `{` came before: the segment may then be inside heading attributes.
    has_brace: bool,
    /// Whether a code fence came before: a backtick in the segment could make it an info
    /// string that a backtick fence does not accept.
    has_fence: bool,
    /// Whether a `<`, a backtick, a tilde or `[!` came before.
    has_opener: bool,
}

impl LineSoFar {
    /// Notes what a piece of the line's skeleton holds, in one pass (the pieces are short,
    /// and a substring search costs more to set up than this loop).
    fn update(&mut self, skeleton: &str) {
        let bytes = skeleton.as_bytes();
        for (at, &b) in bytes.iter().enumerate() {
            match b {
                b'{' => self.has_brace = true,
                b'<' => self.has_opener = true,
                b'`' | b'~' => {
                    self.has_opener = true;
                    self.has_fence |= bytes[at..].starts_with(&[b; 3]);
                }
                b'[' if bytes.get(at + 1) == Some(&b'!') => self.has_opener = true,
                _ => {}
            }
        }
    }
}

/// Whether no segment's text, translation or English, can change the block structure of its
/// projection, as far as each text on its own and the skeleton around it tell:
/// - no newline and no `|` (table cells) in it, no braces (heading attributes);
/// - not blank, and holding a character with no part in a line of markers only (so its line
///   is no thematic break, setext underline, table delimiter row, fence, closing `#`s, list
///   or quote marker alone, alert or HTML tag);
/// - white space at an end only where no block can start or end: inside a line, between
///   characters that belong to the same block (such white space is never trimmed);
/// - not ending with `\` (an escape of what follows), `#` (a closing sequence) or `]` (a `]:`
///   label end), not starting with `\`, `!`, `^` or `:` (escapes, alerts, footnotes, `]:`), no
///   `]:` in it;
/// - when it may open a line's content, not starting like a block: `#`, `>`, `<`, `[`, `|`,
///   `=`, `.`, `)`, `~`, three backticks, a list marker (`*`, `-`, `+` then white space) or a
///   number ending an ordered-list marker.
///
/// A segment is refused too in a line whose skeleton opened a code fence or a brace before
/// it, after `\`, after `[` with one character (a task marker), and when it may open the
/// content after a `<`, a backtick, a tilde or `[!`, which it could complete into an HTML
/// block, a fence or an alert.
fn segments_are_inert(text: &str, segments: &[Segment]) -> bool {
    let bytes = text.as_bytes();
    // Newlines, table pipes, braces and `]` are common in the skeleton (every line ends with
    // a newline) and rare in segments: a search of the whole file finds them all, and each is
    // looked up in the segments. Looking at each byte of each segment cost about five
    // instructions a byte, and a search per segment text more to set up than the ~50-byte
    // texts took.
    if refused_in_a_segment(
        segments,
        memchr::memchr3_iter(b'\n', b'\r', b'|', bytes),
        |_, _| true,
    ) || refused_in_a_segment(
        segments,
        memchr::memchr3_iter(b'{', b'}', b']', bytes),
        // A `]:` ends a link label.
        |offset, side| {
            bytes[offset] != b']' || (side.contains(&(offset + 1)) && bytes[offset + 1] == b':')
        },
    ) {
        return false;
    }
    let mut gap_start = 0;
    let mut line = LineSoFar::default();
    for (index, segment) in segments.iter().enumerate() {
        let gap = &text[gap_start..segment.open_tag.start];
        match memchr::memrchr(b'\n', gap.as_bytes()) {
            // A segment came before on this line: its text opened the line's content.
            None if index > 0 => {
                line.may_open_content = false;
                line.update(gap);
            }
            newline => {
                let prefix = &gap[newline.map_or(0, |newline| newline + 1)..];
                line = LineSoFar {
                    may_open_content: prefix.bytes().all(|b| {
                        b.is_ascii_punctuation() || b.is_ascii_whitespace() || b.is_ascii_digit()
                    }) || prefix.contains("]:"),
                    ..LineSoFar::default()
                };
                line.update(prefix);
            }
        }
        if line.has_brace || line.has_fence || gap.ends_with('\\') {
            return false;
        }
        if line.may_open_content && line.has_opener {
            return false;
        }
        let Some(source) = &segment.source else {
            return false;
        };
        // White space at the start is inside the block when a character of the line's
        // content comes right before (a cell starts after `|`); at the end, when one that
        // cannot take part in trimming or a closing sequence comes right after.
        let space_before = !line.may_open_content
            && gap
                .bytes()
                .next_back()
                .is_some_and(|b| !b.is_ascii_whitespace() && b != b'|');
        let space_after = bytes.get(segment.tail.end).is_some_and(|&b| {
            b.is_ascii_alphanumeric()
                || b >= 0x80
                || matches!(
                    b,
                    b']' | b')'
                        | b'*'
                        | b'_'
                        | b'`'
                        | b','
                        | b'.'
                        | b';'
                        | b':'
                        | b'!'
                        | b'?'
                        | b'"'
                        | b'\''
                )
        });
        let context = Context {
            may_open_content: line.may_open_content,
            after_bracket: gap.ends_with('['),
            space_before,
            space_after,
        };
        for side in [&text[segment.target.clone()], &text[source.clone()]] {
            if !context.accepts(side) {
                return false;
            }
        }
        gap_start = segment.tail.end;
    }
    true
}

/// Whether any of the offsets, in increasing order, lies in the translation or the embedded
/// English of a segment, and `refuses` it (given the offset and the range of that text).
fn refused_in_a_segment(
    segments: &[Segment],
    mut offsets: impl Iterator<Item = usize>,
    refuses: impl Fn(usize, &Range<usize>) -> bool,
) -> bool {
    // The first segment that ends after the last offset looked up.
    let mut next = 0;
    offsets.any(|offset| {
        while segments
            .get(next)
            .is_some_and(|segment| segment.tail.end <= offset)
        {
            next += 1;
        }
        segments.get(next).is_some_and(|segment| {
            [Some(&segment.target), segment.source.as_ref()]
                .into_iter()
                .flatten()
                .any(|side| side.contains(&offset) && refuses(offset, side))
        })
    })
}

/// Where a segment stands, as [`segments_are_inert`] asks of each of its sides (the bytes that
/// break lines, tables and headings, and `]:`, are looked for before, in the whole file).
struct Context {
    may_open_content: bool,
    /// Whether the skeleton right before is `[`.
    after_bracket: bool,
    /// Whether white space may start or end the segment.
    space_before: bool,
    space_after: bool,
}

impl Context {
    fn accepts(&self, side: &str) -> bool {
        // The characters with a part in lines of markers only: thematic breaks, setext
        // underlines, table delimiter rows, fences, closing `#`s, list and quote markers,
        // alerts, HTML tags.
        let marker = |c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '\\' | '*'
                        | '-'
                        | '_'
                        | '='
                        | '|'
                        | ':'
                        | '`'
                        | '~'
                        | '#'
                        | '+'
                        | '.'
                        | ')'
                        | '>'
                        | '<'
                        | '['
                        | ']'
                        | '!'
                        | '^'
                        | '/'
                )
        };
        let (Some(first), Some(last)) = (side.chars().next(), side.chars().next_back()) else {
            return false;
        };
        // The first two characters after white space at the start, and the last before white
        // space at the end, each decoded once: most sides have no such white space.
        let (first, second) = if first.is_whitespace() {
            if !self.space_before {
                return false;
            }
            let mut chars = side.trim_start_matches(char::is_whitespace).chars();
            let Some(first) = chars.next() else {
                return false;
            };
            (first, chars.next())
        } else {
            (first, side[first.len_utf8()..].chars().next())
        };
        let last = if last.is_whitespace() {
            if !self.space_after {
                return false;
            }
            let Some(last) = side
                .trim_end_matches(char::is_whitespace)
                .chars()
                .next_back()
            else {
                return false;
            };
            last
        } else {
            last
        };
        if matches!(first, '\\' | '!' | '^' | ':')
            || matches!(last, '\\' | '#' | ']')
            || side.chars().all(marker)
        {
            return false;
        }
        if self.after_bracket && second.is_none_or(|second| second == ']') {
            return false;
        }
        if !self.may_open_content {
            return true;
        }
        match first {
            '#' | '>' | '<' | '[' | '|' | '=' | '.' | ')' | '~' => false,
            '`' => !side.starts_with("```"),
            '*' | '-' | '+' => second.is_some_and(|second| !second.is_whitespace()),
            '0'..='9' => {
                let after_digits = side.trim_start_matches(|c: char| c.is_ascii_digit());
                !(after_digits.is_empty() || after_digits.starts_with(['.', ')']))
            }
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "1. <span data-ttu-id=\"a-1\">单击 **网络**。</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">Click **Networking**.</span></span>\n";

    #[test]
    fn splits_a_segment() {
        let segments = parse(LINE).unwrap();
        assert_eq!(segments.len(), 1);
        assert_eq!(&LINE[segments[0].target.clone()], "单击 **网络**。");
        assert_eq!(
            &LINE[segments[0].source.clone().unwrap()],
            "Click **Networking**."
        );
    }

    #[test]
    fn projections_map_back() {
        let segments = parse(LINE).unwrap();
        let target = Projection::of_segments(LINE, &segments, Side::Target);
        assert_eq!(target.text, "1. 单击 **网络**。\n");
        let source = Projection::of_segments(LINE, &segments, Side::EmbeddedSource);
        assert_eq!(source.text, "1. Click **Networking**.\n");
        let at = source.text.find("Click").unwrap();
        assert_eq!(&LINE[source.range_to_original(at..at + 5)], "Click");
        let newline = target.text.len() - 1;
        assert_eq!(target.to_original(newline), LINE.len() - 1);
    }

    #[test]
    fn unclosed_span_is_an_error() {
        let error = parse("<span data-ttu-id=\"x-1\">abc").unwrap_err();
        assert!(error.message.contains("never closed"), "{error:?}");
    }

    /// `matching_close` as first written: the next `</span>`, and any `<span` before it, found
    /// by two substring searches per step.
    fn matching_close_oracle(text: &str, start: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut cursor = start;
        loop {
            let next_close = text[cursor..].find(SPAN_CLOSE)? + cursor;
            let next_open = text[cursor..next_close]
                .find("<span")
                .map(|index| cursor + index);
            match next_open {
                Some(open) => {
                    depth += 1;
                    cursor = open + "<span".len();
                }
                None if depth == 0 => return Some(next_close),
                None => {
                    depth -= 1;
                    cursor = next_close + SPAN_CLOSE.len();
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn matching_close_is_the_two_search_walk(
            text in "(<span|</span>|<span>|</span|<spa|<|>|/|x|名| ){0,30}",
            start in 0usize..40,
        ) {
            let start = crate::document::floor_char_boundary(&text, start);
            proptest::prop_assert_eq!(
                matching_close(&text, start),
                matching_close_oracle(&text, start)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn mapper_maps_as_the_projection(
            pieces in proptest::collection::vec((0usize..4, 0usize..6), 0..8),
            ranges in proptest::collection::vec((0usize..40, 0usize..5), 0..12),
        ) {
            // Pieces of a made-up file: a gap of dropped text, then a copied piece.
            let mut projection = Projection::default();
            let mut original = 0;
            for (gap, length) in pieces {
                original += gap;
                if length > 0 {
                    projection.pieces.push((projection.text.len(), original..original + length));
                    projection.text.push_str(&"x".repeat(length));
                }
                original += length;
            }
            let mut mapper = projection.mapper();
            for (start, length) in ranges {
                let range = start..start + length;
                proptest::prop_assert_eq!(
                    mapper.range_to_original(range.clone()),
                    projection.range_to_original(range)
                );
            }
        }
    }

    #[test]
    fn nested_spans_are_counted() {
        let text = "<span data-ttu-id=\"x\">a <span>b</span></span><span class=\"sxs-lookup\"><span data-stu-id=\"x\">A</span></span>";
        let segments = parse(text).unwrap();
        assert_eq!(&text[segments[0].target.clone()], "a <span>b</span>");
    }
}
