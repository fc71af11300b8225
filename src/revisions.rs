//! Revisions of an English article: what changed between two of them, block by block and word
//! by word, and what that means for a translation made from the older one.
//!
//! A block's identity is its words: white space, line wrapping, list bullets and table padding
//! lie outside the words (or outside the block's content range), so an edit of formatting alone
//! leaves every block equal and makes no translation stale. Blocks that only carry anchors have
//! no words and are compared through the anchor list instead.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::align::dice;
use crate::analysis::Parsed;
use crate::markdown::View;
use crate::markdown::model::{Block, BlockKind};

static ANCHOR_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<a\s+(?:name|id)=["'][^"']*["']\s*>\s*</a>"#)
        .expect("anchor-tag pattern is valid")
});

/// A word or a single punctuation character, and its byte range.
pub type WordToken = (String, Range<usize>);

/// Whether `text` has a `<a` or `<A`, with which every match of [`ANCHOR_TAG`] begins: most
/// texts that have a `<` have other tags (`<br/>`, `<kbd>`), and running the regex over them
/// found nothing.
fn may_hold_anchor(text: &str) -> bool {
    memchr::memchr_iter(b'<', text.as_bytes())
        .any(|at| matches!(text.as_bytes().get(at + 1), Some(b'a' | b'A')))
}

/// `text` with its anchor tags (`<a name="…"></a>`) turned into spaces of the same length, so
/// that offsets stay. Borrowed when there is no tag: most texts have no `<a` at all.
fn without_anchors(text: &str) -> Cow<'_, str> {
    if !may_hold_anchor(text) {
        return Cow::Borrowed(text);
    }
    let tags: Vec<Range<usize>> = if text.is_ascii() {
        ascii_anchor_tags(text)
    } else {
        ANCHOR_TAG.find_iter(text).map(|m| m.range()).collect()
    };
    if tags.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut masked = String::with_capacity(text.len());
    let mut cursor = 0;
    for tag in tags {
        masked.push_str(&text[cursor..tag.start]);
        masked.extend(std::iter::repeat_n(' ', tag.len()));
        cursor = tag.end;
    }
    masked.push_str(&text[cursor..]);
    Cow::Owned(masked)
}

/// The matches of [`ANCHOR_TAG`] in an ASCII text, read by hand: the regex cost more than the
/// rest of comparing the words of the blocks that hold anchors (headings of side-by-side
/// files). In ASCII, the pattern's Unicode `\s` is `[\t\n\x0B\x0C\r ]` and its case folding
/// ASCII's; each `<` starts at most one match, since every repetition stops at a byte that
/// what follows cannot begin with, so the leftmost matches are found `<` by `<`.
fn ascii_anchor_tags(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let space = |at: usize| {
        matches!(
            bytes.get(at),
            Some(b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
        )
    };
    let skip_space = |mut at: usize| {
        while space(at) {
            at += 1;
        }
        at
    };
    let literal = |at: usize, literal: &[u8]| {
        bytes
            .get(at..at + literal.len())
            .is_some_and(|found| found.eq_ignore_ascii_case(literal))
    };
    let quote = |at: usize| matches!(bytes.get(at), Some(b'"' | b'\''));
    // `<a\s+(?:name|id)=["'][^"']*["']\s*>\s*</a>` at `open`, and where it ends.
    let tag_at = |open: usize| -> Option<usize> {
        if !literal(open, b"<a") || !space(open + 2) {
            return None;
        }
        let mut at = skip_space(open + 2);
        at += [&b"name"[..], b"id"]
            .into_iter()
            .find(|keyword| literal(at, keyword))?
            .len();
        if bytes.get(at) != Some(&b'=') || !quote(at + 1) {
            return None;
        }
        at += 2;
        while bytes.get(at).is_some_and(|&b| b != b'"' && b != b'\'') {
            at += 1;
        }
        if !quote(at) {
            return None;
        }
        at = skip_space(at + 1);
        if bytes.get(at) != Some(&b'>') {
            return None;
        }
        at = skip_space(at + 1);
        literal(at, b"</a>").then_some(at + 4)
    };
    let mut tags = Vec::new();
    let mut cursor = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[cursor..]) {
        let open = cursor + open;
        match tag_at(open) {
            Some(end) => {
                tags.push(open..end);
                cursor = end;
            }
            None => cursor = open + 1,
        }
    }
    tags
}

/// The character at byte `at` of `text` and its length: ASCII is read as the byte itself, so
/// that the mostly-ASCII English pays for no UTF-8 decoding.
fn character_at(text: &str, at: usize) -> Option<(char, usize)> {
    match *text.as_bytes().get(at)? {
        byte if byte.is_ascii() => Some((char::from(byte), 1)),
        _ => text[at..]
            .chars()
            .next()
            .map(|character| (character, character.len_utf8())),
    }
}

/// The ranges of the word tokens of a text whose anchors are masked, shifted by `offset`: its
/// words and single punctuation characters in order. White space separates, and dots and
/// hyphens inside a word keep it whole, so a host name changes as one word. A token's word is
/// the unmasked text's own bytes at its range too, since no token holds the spaces of a masked
/// anchor: callers need no `String` per word.
fn word_ranges(text: &str, offset: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut at = 0;
    while let Some((character, width)) = character_at(text, at) {
        let index = at;
        at += width;
        if character.is_alphanumeric() || character == '_' {
            word_start.get_or_insert(index);
            continue;
        }
        if word_start.is_some()
            && matches!(character, '.' | '-')
            && character_at(text, at).is_some_and(|(next, _)| next.is_alphanumeric())
        {
            continue;
        }
        if let Some(start) = word_start.take() {
            ranges.push(offset + start..offset + index);
        }
        if !character.is_whitespace() {
            ranges.push(offset + index..offset + at);
        }
    }
    if let Some(start) = word_start {
        ranges.push(offset + start..offset + text.len());
    }
    ranges
}

/// Words and single punctuation characters of `text`, ranges shifted by `offset`; white space
/// separates and anchors are dropped.
pub fn word_tokens(text: &str, offset: usize) -> Vec<WordToken> {
    word_ranges(&without_anchors(text), offset)
        .into_iter()
        .map(|range| {
            (
                text[range.start - offset..range.end - offset].to_string(),
                range,
            )
        })
        .collect()
}

/// The ranges of the word tokens of a text.
type TokenRanges = Vec<Range<usize>>;

/// The word tokens of two texts as ranges shifted by their offsets, or `None` when the texts
/// have the same words.
fn changed_word_ranges(
    (old, old_offset): (&str, usize),
    (new, new_offset): (&str, usize),
) -> Option<(TokenRanges, TokenRanges)> {
    let (old, new) = (without_anchors(old), without_anchors(new));
    if equal_but_white_space(&old, &new) {
        return None;
    }
    let (old_ranges, new_ranges) = (word_ranges(&old, old_offset), word_ranges(&new, new_offset));
    let same = old_ranges.len() == new_ranges.len()
        && (old_ranges.iter().zip(&new_ranges)).all(|(old_range, new_range)| {
            old[old_range.start - old_offset..old_range.end - old_offset]
                == new[new_range.start - new_offset..new_range.end - new_offset]
        });
    (!same).then_some((old_ranges, new_ranges))
}

/// Whether two texts are equal once leading and trailing ASCII white space is dropped and each
/// run of it inside is taken as one. Such texts have the same word tokens: [`word_ranges`] treats
/// every white space character alike (it ends a word and is no token), a run as one, and asks
/// of the character after a `.` or `-` only whether it is alphanumeric, which white space never
/// is. Most aligned blocks whose text differs differ so (re-wrapped lines, masked anchors), and
/// this byte loop costs much less than making their tokens; other texts go to the tokens.
fn equal_but_white_space(old: &str, new: &str) -> bool {
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let skip = |text: &[u8], mut at: usize| {
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    let (mut old_at, mut new_at) = (skip(old, 0), skip(new, 0));
    loop {
        match (old.get(old_at), new.get(new_at)) {
            (Some(old_byte), Some(new_byte))
                if old_byte == new_byte && !old_byte.is_ascii_whitespace() =>
            {
                old_at += 1;
                new_at += 1;
            }
            _ => {
                // White space on either side, a difference or an end: past the white space,
                // both texts must end, or go on with the same byte after a run on both sides
                // or on neither.
                let (old_next, new_next) = (skip(old, old_at), skip(new, new_at));
                match (old.get(old_next), new.get(new_next)) {
                    (None, None) => return true,
                    (Some(old_byte), Some(new_byte))
                        if old_byte == new_byte && (old_next > old_at) == (new_next > new_at) =>
                    {
                        old_at = old_next + 1;
                        new_at = new_next + 1;
                    }
                    _ => return false,
                }
            }
        }
    }
}

/// The word tokens of a block of `view`.
pub fn block_tokens(view: &View, block: &Block) -> Vec<WordToken> {
    word_tokens(&view.text()[block.range.clone()], block.range.start)
}

/// One edit of a word diff: old tokens replaced by new tokens (either side may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordChange {
    /// Token indices in the old block.
    pub old: Range<usize>,
    /// Token indices in the new block.
    pub new: Range<usize>,
    pub old_text: String,
    pub new_text: String,
}

impl WordChange {
    /// `` `a` → `b` ``, `` added `b` `` or `` removed `a` ``.
    pub fn summary(&self) -> String {
        match (self.old_text.is_empty(), self.new_text.is_empty()) {
            (true, _) => format!("added `{}`", self.new_text),
            (_, true) => format!("removed `{}`", self.old_text),
            _ => format!("`{}` → `{}`", self.old_text, self.new_text),
        }
    }

    /// `[-a-]{+b+}`, as `git diff --word-diff` writes it.
    pub fn marked(&self) -> String {
        let mut marked = String::new();
        if !self.old_text.is_empty() {
            marked.push_str(&format!("[-{}-]", self.old_text));
        }
        if !self.new_text.is_empty() {
            marked.push_str(&format!("{{+{}+}}", self.new_text));
        }
        marked
    }
}

/// The first three changes and how many more.
pub fn summarize(changes: &[WordChange]) -> String {
    let shown: Vec<String> = changes.iter().take(3).map(WordChange::summary).collect();
    if changes.len() > 3 {
        format!(
            "{} and {} more changes",
            shown.join(", "),
            changes.len() - 3
        )
    } else {
        shown.join(", ")
    }
}

/// The word diff of every change, for a note.
pub fn marked(changes: &[WordChange]) -> String {
    changes
        .iter()
        .map(WordChange::marked)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Joins tokens back into readable text: the text they span, white space collapsed. The
/// tokens are `indices`, and `range_of` gives the range of a token in `text`.
fn join(indices: Range<usize>, range_of: impl Fn(usize) -> Range<usize>, text: &str) -> String {
    if indices.is_empty() {
        return String::new();
    }
    text[range_of(indices.start).start..range_of(indices.end - 1).end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The word diff of two token lists. Changes a word or two apart read as one:
/// `Microsoft 365 admin center` → `Office 365 Portal`, not two edits around `365`.
pub fn word_changes(
    old_tokens: &[WordToken],
    old_text: &str,
    new_tokens: &[WordToken],
    new_text: &str,
) -> Vec<WordChange> {
    let old_words: Vec<&str> = old_tokens.iter().map(|t| t.0.as_str()).collect();
    let new_words: Vec<&str> = new_tokens.iter().map(|t| t.0.as_str()).collect();
    changes_of_words(
        (&old_words, |index| old_tokens[index].1.clone(), old_text),
        (&new_words, |index| new_tokens[index].1.clone(), new_text),
    )
}

/// [`word_changes`] of token ranges into `old_text` and `new_text`, whose words are the texts'
/// own bytes there (as [`word_ranges`] makes them): no `String` per word.
fn word_changes_of_ranges(
    old_ranges: &[Range<usize>],
    old_text: &str,
    new_ranges: &[Range<usize>],
    new_text: &str,
) -> Vec<WordChange> {
    fn words<'t>(ranges: &[Range<usize>], text: &'t str) -> Vec<&'t str> {
        ranges.iter().map(|range| &text[range.clone()]).collect()
    }
    changes_of_words(
        (
            &words(old_ranges, old_text),
            |index| old_ranges[index].clone(),
            old_text,
        ),
        (
            &words(new_ranges, new_text),
            |index| new_ranges[index].clone(),
            new_text,
        ),
    )
}

/// The word diff of two sides, each given as its words, the range of each word in its text,
/// and that text.
fn changes_of_words(
    (old_words, old_range, old_text): (&[&str], impl Fn(usize) -> Range<usize>, &str),
    (new_words, new_range, new_text): (&[&str], impl Fn(usize) -> Range<usize>, &str),
) -> Vec<WordChange> {
    if old_words == new_words {
        return Vec::new();
    }
    let mut merged: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old_words, new_words) {
        let (old, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        match merged.last_mut() {
            Some(last) if old.start <= last.0.end + 2 && new.start <= last.1.end + 2 => {
                last.0.end = old.end;
                last.1.end = new.end;
            }
            _ => merged.push((old, new)),
        }
    }
    merged
        .into_iter()
        .map(|(old, new)| WordChange {
            old_text: join(old.clone(), &old_range, old_text),
            new_text: join(new.clone(), &new_range, new_text),
            old,
            new,
        })
        .collect()
}

/// What happened to a block between two revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Same words, same text.
    Unchanged,
    /// Same words; white space, wrapping or block kind changed.
    Reformatted,
    /// Words changed.
    Changed,
    /// Same words at another place.
    Moved,
    /// Only in the new revision.
    Added,
    /// Only in the old revision.
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Reformatted => "reformatted",
            Status::Changed => "changed",
            Status::Moved => "moved",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

/// A block of either revision and what happened to it.
#[derive(Debug, Clone)]
pub struct BlockChange {
    pub status: Status,
    pub old: Option<usize>,
    pub new: Option<usize>,
    /// The word diff of a changed block.
    pub words: Vec<WordChange>,
}

/// What happened to an anchor (an `<a name>`/`{#id}` anchor or a heading's generated id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorChange {
    pub kind: AnchorKind,
    /// Name and block of the old revision's anchor.
    pub old: Option<(String, usize)>,
    /// Name and block of the new revision's anchor.
    pub new: Option<(String, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    /// `<a name="…">` or `{#…}`.
    Explicit,
    /// The id DocFX makes of a heading's text.
    Heading,
}

/// A link whose destination differs between the two revisions of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkChange {
    pub old_block: usize,
    pub new_block: usize,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Two revisions compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Every block with words, in reading order of the new revision (removed blocks where they
    /// stood).
    pub blocks: Vec<BlockChange>,
    /// For each old block, its entry in `blocks` (`None` for blocks without words).
    pub old_entry: Vec<Option<usize>>,
    /// For each new block, its entry in `blocks`.
    pub new_entry: Vec<Option<usize>>,
    pub anchors: Vec<AnchorChange>,
    pub links: Vec<LinkChange>,
}

impl Comparison {
    /// The change of an old block.
    pub fn of_old(&self, old: usize) -> Option<&BlockChange> {
        self.old_entry
            .get(old)
            .copied()
            .flatten()
            .map(|i| &self.blocks[i])
    }

    /// The change of a new block.
    pub fn of_new(&self, new: usize) -> Option<&BlockChange> {
        self.new_entry
            .get(new)
            .copied()
            .flatten()
            .map(|i| &self.blocks[i])
    }

    /// Counts by status.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut counts = BTreeMap::new();
        for block in &self.blocks {
            *counts.entry(block.status).or_insert(0) += 1;
        }
        counts
    }

    /// True when no block's words changed, moved, appeared or disappeared, and no anchor or
    /// link changed: a translation of the old revision is a translation of the new one.
    pub fn is_formatting_only(&self) -> bool {
        self.anchors.is_empty()
            && self.links.is_empty()
            && self
                .blocks
                .iter()
                .all(|b| matches!(b.status, Status::Unchanged | Status::Reformatted))
    }
}

/// Sorted, deduplicated hashes of a token list, for a cheap similarity.
fn token_set(tokens: &[WordToken]) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut set: Vec<u64> = tokens
        .iter()
        .filter(|t| t.0.chars().any(char::is_alphanumeric))
        .map(|t| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            t.0.to_lowercase().hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn kind_class(kind: &BlockKind) -> u8 {
    match kind {
        BlockKind::Heading(_) => 0,
        BlockKind::Paragraph | BlockKind::TableCell { .. } | BlockKind::Html => 1,
        BlockKind::CodeBlock => 2,
    }
}

/// Pairs the old and new blocks of a changed region: a monotone matching that maximises the
/// summed similarity, pairs below `0.4` never made.
fn pair_region(
    old: &[usize],
    new: &[usize],
    similarity: impl Fn(usize, usize) -> Option<f32>,
) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    // Very large rewritten regions pair by position of equal-looking blocks only; the quadratic
    // matching would cost more than the diff is worth.
    if n * m > 250_000 {
        return Vec::new();
    }
    let width = m + 1;
    let mut best = vec![0f32; (n + 1) * width];
    let mut score = vec![f32::NEG_INFINITY; n * m];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[(i + 1) * width + j].max(best[i * width + j + 1]);
            let take = match similarity(old[i], new[j]) {
                Some(s) if s >= 0.4 => {
                    score[i * m + j] = s;
                    s + best[(i + 1) * width + j + 1]
                }
                _ => f32::NEG_INFINITY,
            };
            best[i * width + j] = skip.max(take);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = best[i * width + j];
        let take = score[i * m + j];
        if take.is_finite() && (take + best[(i + 1) * width + j + 1] - here).abs() < 1e-4 {
            pairs.push((old[i], new[j]));
            i += 1;
            j += 1;
        } else if (best[(i + 1) * width + j] - here).abs() < 1e-4 {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Compares two revisions of an English text.
pub fn compare(old: &View, new: &View) -> Comparison {
    let old_tokens: Vec<Vec<WordToken>> = old.blocks.iter().map(|b| block_tokens(old, b)).collect();
    let new_tokens: Vec<Vec<WordToken>> = new.blocks.iter().map(|b| block_tokens(new, b)).collect();
    let key = |tokens: &[WordToken]| -> String {
        tokens
            .iter()
            .map(|t| t.0.as_str())
            .collect::<Vec<_>>()
            .join("\u{1f}")
    };
    let old_with_words: Vec<usize> = (0..old.blocks.len())
        .filter(|&i| !old_tokens[i].is_empty())
        .collect();
    let new_with_words: Vec<usize> = (0..new.blocks.len())
        .filter(|&i| !new_tokens[i].is_empty())
        .collect();
    let old_keys: Vec<String> = old_with_words
        .iter()
        .map(|&i| key(&old_tokens[i]))
        .collect();
    let new_keys: Vec<String> = new_with_words
        .iter()
        .map(|&i| key(&new_tokens[i]))
        .collect();
    let old_sets: Vec<Vec<u64>> = old_tokens.iter().map(|t| token_set(t)).collect();
    let new_sets: Vec<Vec<u64>> = new_tokens.iter().map(|t| token_set(t)).collect();

    let mut blocks: Vec<BlockChange> = Vec::new();
    let equal = |o: usize, n: usize| -> Status {
        let same_text =
            old.text()[old.blocks[o].range.clone()] == new.text()[new.blocks[n].range.clone()];
        let same_kind = old.blocks[o].kind == new.blocks[n].kind
            && old.blocks[o].containers == new.blocks[n].containers;
        if same_text && same_kind {
            Status::Unchanged
        } else {
            Status::Reformatted
        }
    };
    let changed = |o: usize, n: usize| BlockChange {
        status: Status::Changed,
        old: Some(o),
        new: Some(n),
        words: word_changes(&old_tokens[o], old.text(), &new_tokens[n], new.text()),
    };
    let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
    let mut region_old: Vec<usize> = Vec::new();
    let mut region_new: Vec<usize> = Vec::new();
    let flush = |region_old: &mut Vec<usize>,
                 region_new: &mut Vec<usize>,
                 blocks: &mut Vec<BlockChange>| {
        let pairs = pair_region(region_old, region_new, |o, n| {
            (kind_class(&old.blocks[o].kind) == kind_class(&new.blocks[n].kind))
                .then(|| dice(&old_sets[o], &new_sets[n]))
        });
        let (mut i, mut j) = (0, 0);
        for (o, n) in pairs
            .into_iter()
            .chain(std::iter::once((usize::MAX, usize::MAX)))
        {
            while i < region_old.len() && region_old[i] != o {
                blocks.push(BlockChange {
                    status: Status::Removed,
                    old: Some(region_old[i]),
                    new: None,
                    words: Vec::new(),
                });
                i += 1;
            }
            while j < region_new.len() && region_new[j] != n {
                blocks.push(BlockChange {
                    status: Status::Added,
                    old: None,
                    new: Some(region_new[j]),
                    words: Vec::new(),
                });
                j += 1;
            }
            if o != usize::MAX {
                blocks.push(changed(o, n));
                i += 1;
                j += 1;
            }
        }
        region_old.clear();
        region_new.clear();
    };
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                flush(&mut region_old, &mut region_new, &mut blocks);
                for k in 0..len {
                    let (o, n) = (old_with_words[old_index + k], new_with_words[new_index + k]);
                    blocks.push(BlockChange {
                        status: equal(o, n),
                        old: Some(o),
                        new: Some(n),
                        words: Vec::new(),
                    });
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => region_old.extend(&old_with_words[old_index..old_index + old_len]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => region_new.extend(&new_with_words[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                region_old.extend(&old_with_words[old_index..old_index + old_len]);
                region_new.extend(&new_with_words[new_index..new_index + new_len]);
            }
        }
    }
    flush(&mut region_old, &mut region_new, &mut blocks);

    // A removed block whose words reappear as an added block elsewhere moved.
    let mut added_by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (entry, block) in blocks.iter().enumerate() {
        if block.status == Status::Added
            && let Some(n) = block.new
        {
            added_by_key
                .entry(key(&new_tokens[n]))
                .or_default()
                .push(entry);
        }
    }
    let mut moved_from: HashMap<usize, usize> = HashMap::new();
    let mut dropped: Vec<usize> = Vec::new();
    for (entry, block) in blocks.iter().enumerate() {
        if block.status == Status::Removed
            && let Some(o) = block.old
            && let Some(candidates) = added_by_key.get_mut(&key(&old_tokens[o]))
            && !candidates.is_empty()
        {
            let added = candidates.remove(0);
            moved_from.insert(added, o);
            dropped.push(entry);
        }
    }
    for (&entry, &o) in &moved_from {
        blocks[entry].status = Status::Moved;
        blocks[entry].old = Some(o);
    }
    let mut index = 0;
    blocks.retain(|_| {
        let keep = !dropped.contains(&index);
        index += 1;
        keep
    });

    let mut old_entry = vec![None; old.blocks.len()];
    let mut new_entry = vec![None; new.blocks.len()];
    for (entry, block) in blocks.iter().enumerate() {
        if let Some(o) = block.old {
            old_entry[o] = Some(entry);
        }
        if let Some(n) = block.new {
            new_entry[n] = Some(entry);
        }
    }
    let mut comparison = Comparison {
        blocks,
        old_entry,
        new_entry,
        anchors: Vec::new(),
        links: Vec::new(),
    };
    comparison.anchors = compare_anchors(old, new, &comparison);
    comparison.links = compare_links(old, new, &comparison);
    comparison
}

/// Anchors of a view: explicit ones and heading ids, with their blocks.
fn anchors_of(view: &View) -> Vec<(AnchorKind, String, usize)> {
    let mut anchors = Vec::new();
    for (index, block) in view.blocks.iter().enumerate() {
        for anchor in &block.anchors {
            anchors.push((AnchorKind::Explicit, anchor.name.clone(), index));
        }
        if let Some(slug) = &block.heading_slug
            && !slug.is_empty()
        {
            anchors.push((AnchorKind::Heading, slug.clone(), index));
        }
    }
    anchors
}

/// The new block that an old block became, through the comparison; an anchor-only block (no
/// words) follows the block after it.
fn partner(comparison: &Comparison, old: usize) -> Option<usize> {
    comparison.of_old(old).and_then(|change| change.new)
}

fn compare_anchors(old: &View, new: &View, comparison: &Comparison) -> Vec<AnchorChange> {
    let old_anchors = anchors_of(old);
    let new_anchors = anchors_of(new);
    // A link to `#name` finds an explicit anchor and a heading's id alike: an anchor whose name
    // the other revision still has, of either kind, was neither removed nor added (a
    // side-by-side file's `<a name>` in a heading is the id the English heading generates).
    let in_new = |name: &str| {
        new_anchors
            .iter()
            .any(|(_, n, _)| n.eq_ignore_ascii_case(name))
    };
    let in_old = |name: &str| {
        old_anchors
            .iter()
            .any(|(_, n, _)| n.eq_ignore_ascii_case(name))
    };
    let mut added: Vec<(AnchorKind, String, usize)> = new_anchors
        .iter()
        .filter(|(_, name, _)| !in_old(name))
        .cloned()
        .collect();
    let mut changes = Vec::new();
    for (kind, name, block) in &old_anchors {
        if in_new(name) {
            continue;
        }
        // Renamed when the block it sat in (or, for an anchor-only block, the next block with
        // words) now holds a new anchor of the same kind, or an anchor-only block right beside
        // it does: `## <a name="x"></a>Title` often becomes `<a name="y"></a>` + `## Title`.
        let home = partner(comparison, *block)
            .or_else(|| (*block + 1..old.blocks.len()).find_map(|b| partner(comparison, b)));
        let is_near = |b: usize| {
            home.is_some_and(|n| {
                b == n
                    || (b + 2 >= n
                        && b <= n + 2
                        && comparison.new_entry.get(b).is_some_and(Option::is_none))
            })
        };
        let renamed = added
            .iter()
            .position(|(k, _, b)| *k == *kind && is_near(*b));
        match renamed {
            Some(position) => {
                let (_, new_name, new_block) = added.remove(position);
                changes.push(AnchorChange {
                    kind: *kind,
                    old: Some((name.clone(), *block)),
                    new: Some((new_name, new_block)),
                });
            }
            None => changes.push(AnchorChange {
                kind: *kind,
                old: Some((name.clone(), *block)),
                new: None,
            }),
        }
    }
    for (kind, name, block) in added {
        changes.push(AnchorChange {
            kind,
            old: None,
            new: Some((name, block)),
        });
    }
    changes
}

fn normalized_destination(destination: &str) -> String {
    destination.replace("&amp;", "&")
}

fn compare_links(old: &View, new: &View, comparison: &Comparison) -> Vec<LinkChange> {
    let mut changes = Vec::new();
    for block in &comparison.blocks {
        let (Some(o), Some(n)) = (block.old, block.new) else {
            continue;
        };
        let old_links: Vec<String> = old.blocks[o]
            .links
            .iter()
            .map(|l| normalized_destination(&l.destination))
            .collect();
        let new_links: Vec<String> = new.blocks[n]
            .links
            .iter()
            .map(|l| normalized_destination(&l.destination))
            .collect();
        if old_links == new_links {
            continue;
        }
        for op in capture_diff_slices(Algorithm::Myers, &old_links, &new_links) {
            match op {
                DiffOp::Equal { .. } => {}
                DiffOp::Delete {
                    old_index, old_len, ..
                } => {
                    for link in &old_links[old_index..old_index + old_len] {
                        changes.push(LinkChange {
                            old_block: o,
                            new_block: n,
                            old: Some(link.clone()),
                            new: None,
                        });
                    }
                }
                DiffOp::Insert {
                    new_index, new_len, ..
                } => {
                    for link in &new_links[new_index..new_index + new_len] {
                        changes.push(LinkChange {
                            old_block: o,
                            new_block: n,
                            old: None,
                            new: Some(link.clone()),
                        });
                    }
                }
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    for k in 0..old_len.max(new_len) {
                        changes.push(LinkChange {
                            old_block: o,
                            new_block: n,
                            old: (k < old_len).then(|| old_links[old_index + k].clone()),
                            new: (k < new_len).then(|| new_links[new_index + k].clone()),
                        });
                    }
                }
            }
        }
    }
    changes
}

/// The changes of one side-by-side segment: the word diff of its embedded English against a
/// newer English block.
#[derive(Debug, Clone)]
pub struct SegmentChange {
    /// Index into [`Parsed::segments`].
    pub segment: usize,
    pub changes: Vec<WordChange>,
    /// Byte range in the file of the segment's embedded English words that changed (for words
    /// only added, the words on either side of where they go), when they lie inside the
    /// segment's embedded English.
    pub old_range: Option<Range<usize>>,
    /// Byte range in the new view's text of the changed words (for words only removed, the
    /// words on either side of where they were; the block when it has none).
    pub new_range: Range<usize>,
}

/// Where the embedded English of each segment of a side-by-side file is: the first block of
/// the embedded view that holds it. Made once per file, so that comparing each block does not
/// search all the blocks again.
pub struct EmbeddedBlocks {
    first_block: Vec<Option<usize>>,
}

impl EmbeddedBlocks {
    pub fn new(target: &Parsed) -> EmbeddedBlocks {
        let mut first_block = vec![None; target.segments.len()];
        let block_segments = target
            .embedded_ranges()
            .map_or(&[][..], |embedded| &embedded.block_segments);
        for (block, segments) in block_segments.iter().enumerate() {
            for &segment in segments {
                if let Some(slot) = first_block.get_mut(segment) {
                    slot.get_or_insert(block);
                }
            }
        }
        EmbeddedBlocks { first_block }
    }

    fn of_segment(&self, segment: usize) -> Option<usize> {
        self.first_block.get(segment).copied().flatten()
    }
}

/// Compares the embedded English of a side-by-side target block with a newer English block and
/// groups the word changes by the segment they touch. Changes outside every segment (a link
/// destination after it, markup around it) are the same file text in both views and are left
/// to the link and anchor rules.
pub fn segment_changes(
    target: &Parsed,
    target_block: usize,
    new_view: &View,
    new_block: &Block,
) -> Vec<SegmentChange> {
    segment_changes_with(
        target,
        &EmbeddedBlocks::new(target),
        target_block,
        new_view,
        new_block,
    )
}

/// [`segment_changes`], with the embedded blocks of `target` looked up once for all its blocks.
pub fn segment_changes_with(
    target: &Parsed,
    embedded_blocks: &EmbeddedBlocks,
    target_block: usize,
    new_view: &View,
    new_block: &Block,
) -> Vec<SegmentChange> {
    let Some(embedded) = target.embedded_ranges() else {
        return Vec::new();
    };
    let segments = &target.block_segments[target_block];
    let Some(&first_segment) = segments.first() else {
        return Vec::new();
    };
    let Some(embedded_index) = embedded_blocks.of_segment(first_segment) else {
        return Vec::new();
    };
    // Most segments were translated from the current English: the same words, most often
    // the same text. Only a block whose words differ needs the word diff.
    let old_range = embedded.blocks[embedded_index].clone();
    let old_text = &embedded.text()[old_range.clone()];
    let new_text = &new_view.text()[new_block.range.clone()];
    if old_text == new_text {
        return Vec::new();
    }
    let Some((old_tokens, new_tokens)) = changed_word_ranges(
        (old_text, old_range.start),
        (new_text, new_block.range.start),
    ) else {
        return Vec::new();
    };
    let mut changes =
        word_changes_of_ranges(&old_tokens, embedded.text(), &new_tokens, new_view.text());
    let inside_segment = |token: &Range<usize>| {
        let original = embedded.original(token.clone());
        segments.iter().any(|&s| {
            target.segments[s]
                .source
                .as_ref()
                .is_some_and(|r| r.start <= original.start && original.end <= r.end)
        })
    };
    changes.retain(|change| {
        if change.old.is_empty() {
            let before = change
                .old
                .start
                .checked_sub(1)
                .and_then(|i| old_tokens.get(i));
            before
                .into_iter()
                .chain(old_tokens.get(change.old.start))
                .any(inside_segment)
        } else {
            old_tokens[change.old.clone()].iter().any(inside_segment)
        }
    });
    let mut grouped: BTreeMap<usize, Vec<WordChange>> = BTreeMap::new();
    for change in changes {
        let anchor_token = change.old.start.min(old_tokens.len().saturating_sub(1));
        let Some(token) = old_tokens.get(anchor_token) else {
            continue;
        };
        let original = embedded.original(token.clone()).start;
        let segment = segments
            .iter()
            .rev()
            .copied()
            .find(|&s| {
                target.segments[s]
                    .source
                    .as_ref()
                    .is_some_and(|r| r.start <= original)
            })
            .unwrap_or(first_segment);
        grouped.entry(segment).or_default().push(change);
    }
    grouped
        .into_iter()
        .map(|(segment, changes)| {
            let embedded_english = target.segments[segment].source.clone().unwrap_or_default();
            let in_segment = |range: &Range<usize>| {
                embedded_english.start <= range.start && range.end <= embedded_english.end
            };
            let old_range = touched_range(
                &changes,
                |c| &c.old,
                &old_tokens,
                |token| in_segment(&embedded.original(token.clone())),
            )
            .map(|range| embedded.original(range))
            .filter(in_segment);
            let new_range = touched_range(&changes, |c| &c.new, &new_tokens, |_| true)
                .unwrap_or_else(|| new_block.range.clone());
            SegmentChange {
                segment,
                changes,
                old_range,
                new_range,
            }
        })
        .collect()
}

/// The range from the first to the last word that `changes` touch on one side (`side` gives a
/// change's words there, as indexes into `tokens`), among the words that `keep`: the changed
/// words, or for a change with no word on this side, the words on either side of where it
/// happened.
fn touched_range(
    changes: &[WordChange],
    side: impl Fn(&WordChange) -> &Range<usize>,
    tokens: &[Range<usize>],
    keep: impl Fn(&Range<usize>) -> bool,
) -> Option<Range<usize>> {
    changes
        .iter()
        .flat_map(|change| {
            let words = side(change);
            let words = if words.is_empty() {
                words.start.saturating_sub(1)..(words.start + 1).min(tokens.len())
            } else {
                words.clone()
            };
            tokens.get(words).unwrap_or_default()
        })
        .filter(|token| keep(token))
        .fold(None, |range: Option<Range<usize>>, token| {
            Some(range.map_or(token.clone(), |range| {
                range.start.min(token.start)..range.end.max(token.end)
            }))
        })
}

/// The changed words of a new block, as one range of the new view's text.
pub fn changed_range(new_view: &View, new_block: &Block, changes: &[WordChange]) -> Range<usize> {
    let tokens = block_tokens(new_view, new_block);
    let changed: Vec<Range<usize>> = changes
        .iter()
        .filter(|c| !c.new.is_empty() && c.new.end <= tokens.len())
        .map(|c| tokens[c.new.start].1.start..tokens[c.new.end - 1].1.end)
        .collect();
    match (changed.first(), changed.last()) {
        (Some(first), Some(last)) => first.start..last.end,
        _ => new_block.range.clone(),
    }
}

/// A word diff inline, with `context` unchanged tokens around each change and `…` where
/// tokens are left out: `The host is [-a.com-]{+b.com+} today.`
pub fn inline_diff(
    new_tokens: &[WordToken],
    new_text: &str,
    changes: &[WordChange],
    context: usize,
) -> String {
    // Whether white space separates new token `index - 1` from new token `index`.
    let gap = |index: usize| -> &'static str {
        if index == 0 || index >= new_tokens.len() {
            return "";
        }
        let between = &new_text[new_tokens[index - 1].1.end..new_tokens[index].1.start];
        if between.chars().any(char::is_whitespace) {
            " "
        } else {
            ""
        }
    };
    let span = |range: Range<usize>| -> String {
        if range.is_empty() {
            return String::new();
        }
        new_text[new_tokens[range.start].1.start..new_tokens[range.end - 1].1.end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    let mut cursor = 0;
    for (number, change) in changes.iter().enumerate() {
        let start = change.new.start.max(cursor);
        let before = start.saturating_sub(context).max(cursor);
        if before > cursor || (number == 0 && before > 0) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push('…');
            out.push_str(gap(before));
        } else if number > 0 {
            out.push_str(gap(before));
        }
        out.push_str(&span(before..start));
        out.push_str(gap(start));
        out.push_str(&change.marked());
        cursor = change.new.end.max(start);
        let next = changes
            .get(number + 1)
            .map_or(new_tokens.len(), |c| c.new.start);
        let after = (cursor + context).min(next).min(new_tokens.len());
        if after > cursor {
            out.push_str(gap(cursor));
            out.push_str(&span(cursor..after));
        }
        cursor = after;
    }
    if cursor < new_tokens.len() {
        out.push_str(" …");
    }
    out.trim().to_string()
}

/// The English a translation was made from, as recorded in its front matter
/// (`ms.sourcegitcommit`) and read from the source repository.
#[derive(Debug, Clone)]
pub enum Handoff {
    /// The English file at the recorded commit.
    Found {
        commit: String,
        old: std::sync::Arc<Parsed>,
    },
    /// The commit, or the file at it, could not be read.
    Missing { commit: String, reason: String },
}

impl Handoff {
    pub fn commit(&self) -> &str {
        match self {
            Handoff::Found { commit, .. } | Handoff::Missing { commit, .. } => commit,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::markdown::Projection;

    fn view(text: &str) -> View {
        View::new(Projection::identity(text))
    }

    fn statuses(comparison: &Comparison) -> Vec<&'static str> {
        comparison
            .blocks
            .iter()
            .map(|b| b.status.as_str())
            .collect()
    }

    #[test]
    fn white_space_and_anchors_do_not_count() {
        let a: Vec<String> = word_tokens("See  the\n<a name=\"x\"></a>docs.", 0)
            .into_iter()
            .map(|t| t.0)
            .collect();
        let b: Vec<String> = word_tokens("See the docs.", 0)
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(a, b);
        let urls: Vec<String> = word_tokens("http://a.com", 0)
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(urls, ["http", ":", "/", "/", "a.com"]);
    }

    /// The tokenizer as it was before it stopped allocating, as the oracle of the properties.
    fn word_tokens_before(text: &str, offset: usize) -> Vec<WordToken> {
        let mut masked = text.to_string();
        for m in ANCHOR_TAG.find_iter(text) {
            masked.replace_range(m.range(), &" ".repeat(m.len()));
        }
        let mut tokens = Vec::new();
        let mut word_start: Option<usize> = None;
        for (index, character) in masked.char_indices() {
            if character.is_alphanumeric() || character == '_' {
                if word_start.is_none() {
                    word_start = Some(index);
                }
                continue;
            }
            // Dots and hyphens inside a word keep it whole, so a host name changes as one word.
            if word_start.is_some()
                && matches!(character, '.' | '-')
                && masked[index + 1..].starts_with(|c: char| c.is_alphanumeric())
            {
                continue;
            }
            if let Some(start) = word_start.take() {
                tokens.push((
                    masked[start..index].to_string(),
                    offset + start..offset + index,
                ));
            }
            if !character.is_whitespace() {
                let end = index + character.len_utf8();
                tokens.push((masked[index..end].to_string(), offset + index..offset + end));
            }
        }
        if let Some(start) = word_start {
            tokens.push((
                masked[start..].to_string(),
                offset + start..offset + masked.len(),
            ));
        }
        tokens
    }

    /// Text with words, hosts, anchors, punctuation, CJK and white space of several kinds.
    fn text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "a",
            "Word",
            "x_1",
            ".",
            "-",
            "a.b",
            "co-op",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{a0}",
            ",",
            "。",
            "例",
            "é",
            "\u{301}",
            "<a name=\"x\"></a>",
            "<A id='y' ></a>",
            "<a name=\"z\">",
            "<b>",
            "http://a.com",
            "1.2",
            "--",
            "..",
            "_",
        ];
        crate::testing::text_of(PIECES, 24)
    }

    /// Text around anchor tags, well-formed or nearly, in both cases and quotes.
    fn anchor_text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "<a",
            "<A",
            "</a>",
            "</A>",
            "<",
            ">",
            " ",
            "\t",
            "\n",
            "\x0B",
            "\x0C",
            "\r",
            "name",
            "NAME",
            "id",
            "Id",
            "nam",
            "=",
            "\"",
            "'",
            "x",
            "a",
            "<a name=\"x\">",
            "<a id='y'>",
            "</a",
            "<a name=\"z\"></a>",
        ];
        crate::testing::text_of(PIECES, 24)
    }

    proptest! {
        #[test]
        fn ascii_anchor_tags_are_the_regex_matches(text in anchor_text()) {
            let text: String = text.chars().filter(char::is_ascii).collect();
            let matches: Vec<Range<usize>> =
                ANCHOR_TAG.find_iter(&text).map(|m| m.range()).collect();
            prop_assert_eq!(ascii_anchor_tags(&text), matches);
        }

        #[test]
        fn word_tokens_are_as_before(text in text(), offset in 0usize..100) {
            prop_assert_eq!(word_tokens(&text, offset), word_tokens_before(&text, offset));
        }

        #[test]
        fn changed_word_ranges_compares_the_word_tokens(old in text(), new in text()) {
            let words = |text: &str| -> Vec<String> {
                word_tokens(text, 0).into_iter().map(|t| t.0).collect()
            };
            let ranges = |text: &str, offset: usize| -> Vec<Range<usize>> {
                word_tokens(text, offset).into_iter().map(|t| t.1).collect()
            };
            let same_words = |old: &str, new: &str| {
                let changed = changed_word_ranges((old, 3), (new, 5));
                if let Some((old_ranges, new_ranges)) = &changed {
                    assert_eq!((old_ranges, new_ranges), (&ranges(old, 3), &ranges(new, 5)));
                }
                changed.is_none()
            };
            prop_assert_eq!(same_words(&old, &new), words(&old) == words(&new));
            // Mostly the same words: re-wrapped, or with an anchor dropped.
            let padded = format!(" \n{}\t ", old.replace(' ', "\t  "));
            for rewritten in [old.replace(' ', "\n "), old.replace("<a", "<b"), old.replace('.', ""), padded] {
                prop_assert_eq!(same_words(&old, &rewritten), words(&old) == words(&rewritten));
            }
        }
    }

    #[test]
    fn formatting_only_edits_change_nothing() {
        let old = view(
            "# Title\n\n* one item\n* two\n\n| a | b |\n|---|---|\n| x | y |\n\nA long\nwrapped line.\n",
        );
        let new = view(
            "# Title\n\n- one item\n- two\n\n| a   | b |\n| --- | - |\n| x   | y |\n\nA long wrapped line.\n",
        );
        let comparison = compare(&old, &new);
        assert!(
            comparison.is_formatting_only(),
            "{:?}",
            statuses(&comparison)
        );
        assert!(statuses(&comparison).contains(&"reformatted"));
    }

    #[test]
    fn changes_additions_removals_and_moves() {
        let old = view(
            "# Title\n\nFirst paragraph stays.\n\nThe host is sipdir.online.microsoft.com today.\n\nThis goes away entirely.\n\nA paragraph that moves later.\n\nLast words.\n",
        );
        let new = view(
            "# Title\n\nFirst paragraph stays.\n\nThe host is sipdir.online.lync.com today.\n\nLast words.\n\nA paragraph that moves later.\n\nA brand new closing note.\n",
        );
        let comparison = compare(&old, &new);
        let changed: Vec<_> = comparison
            .blocks
            .iter()
            .filter(|b| b.status != Status::Unchanged)
            .map(|b| {
                (
                    b.status,
                    b.words.iter().map(WordChange::summary).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                (
                    Status::Changed,
                    vec!["`sipdir.online.microsoft.com` → `sipdir.online.lync.com`".to_string()]
                ),
                (Status::Removed, vec![]),
                (Status::Moved, vec![]),
                (Status::Added, vec![]),
            ]
        );
        assert!(!comparison.is_formatting_only());
    }

    #[test]
    fn inline_diffs_keep_context() {
        let old_text = "Set the value to sipdir.online.microsoft.com, then restart every client in the whole organization.";
        let new_text = "Set the value to sipdir.online.lync.com, then restart every client in the whole organization.";
        let old = word_tokens(old_text, 0);
        let new = word_tokens(new_text, 0);
        let changes = word_changes(&old, old_text, &new, new_text);
        assert_eq!(
            inline_diff(&new, new_text, &changes, 3),
            "… the value to [-sipdir.online.microsoft.com-]{+sipdir.online.lync.com+}, then restart …"
        );
    }

    #[test]
    fn anchors_renamed_and_links_changed() {
        let old = view(
            "## Setup {#setup}\n\nSee [the guide](http://contoso.com/guide) and <a name=\"old-name\"></a>more.\n",
        );
        let new = view(
            "## Setup {#install}\n\nSee [the guide](https://contoso.com/guide) and <a name=\"new-name\"></a>more.\n",
        );
        let comparison = compare(&old, &new);
        let renamed: Vec<(String, String)> = comparison
            .anchors
            .iter()
            .filter_map(|a| Some((a.old.clone()?.0, a.new.clone()?.0)))
            .collect();
        assert!(
            renamed.contains(&("setup".into(), "install".into())),
            "{renamed:?}"
        );
        assert!(
            renamed.contains(&("old-name".into(), "new-name".into())),
            "{renamed:?}"
        );
        assert_eq!(
            comparison.links,
            [LinkChange {
                old_block: 1,
                new_block: 1,
                old: Some("http://contoso.com/guide".into()),
                new: Some("https://contoso.com/guide".into()),
            }]
        );
    }

    #[test]
    fn an_explicit_anchor_named_as_the_new_heading_id_is_not_removed() {
        // A side-by-side heading carries the id of its English heading as an `<a name>`.
        let old = view("## <a name=\"set-up\"></a>Set up\n\n<a name=\"setup\"></a>Text.\n");
        let new = view("## Set up\n\nText.\n");
        let changes: Vec<(Option<String>, Option<String>)> = compare(&old, &new)
            .anchors
            .iter()
            .map(|a| (a.old.clone().map(|o| o.0), a.new.clone().map(|n| n.0)))
            .collect();
        // `#set-up` still finds the heading; `#setup` finds nothing any more.
        assert_eq!(changes, [(Some("setup".into()), None)]);
    }
}
