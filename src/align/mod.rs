//! Pairs the blocks of a source (English) text with the blocks of a target (translated) text.
//!
//! Words differ between languages, so the alignment leans on what translation leaves alone:
//! block kind and level, containers, table position, URLs, numbers, code, anchors, Latin product
//! names, and in side-by-side files the segment ids and the embedded English. A global
//! alignment (Needleman–Wunsch with no gap cost) maximises the summed pair scores; a pair whose
//! evidence says "these are different blocks" scores below zero and is never made, so a block
//! with no partner is reported rather than matched by position alone. The one exception is a
//! single block on each side between two pairs, vetoed only by one changed language-neutral
//! value (see [`align`]): that change is the drift the rules report.
//!
//! The alignment is computed without scoring most pairs of blocks: a pair that shares no hash
//! scores as its two blocks' shapes do, which most of the time says "never", and the pairs
//! that share one are found through postings of the target blocks ([`RowScorer`]). A row of
//! totals is then the row below raised by the row's few pairs ([`Band::fill_row`]). It is the
//! same alignment, to the bit, as scoring every pair of the band; the tests keep that
//! straightforward version to compare with.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use crate::markdown::model::{Block, BlockKind};
use crate::markdown::tokens::{self, Token, TokenKind};

/// What alignment knows of a block.
#[derive(Debug, Clone, Default)]
pub struct Features {
    class: u8,
    level: u8,
    table_cell: Option<(usize, usize)>,
    containers: (u8, u8, Option<&'static str>),
    /// The block's four sets of hashes ([`Features::hard`], [`Features::words`],
    /// [`Features::english`], [`Features::segments`]), each sorted and without repeats, one
    /// after the other: one allocation per block rather than one per set, as a document has
    /// thousands of blocks and most of them two or three sets.
    sets: Box<[u64]>,
    /// Where each set ends in `sets`; each starts where the one before ends.
    ends: [usize; 4],
    empty: bool,
    /// The block is anchors and nothing else (`<a name="update-mx"> </a>`): markup with no
    /// text, which a translated paragraph is not.
    anchor_only: bool,
}

impl Features {
    /// Hashes of language-neutral tokens: URLs, hosts, numbers, code, link targets, anchors.
    fn hard(&self) -> &[u64] {
        &self.sets[..self.ends[0]]
    }

    /// Hashes of Latin words (lower case, three letters or more).
    fn words(&self) -> &[u64] {
        &self.sets[self.ends[0]..self.ends[1]]
    }

    /// Hashes of English words, when the block's English is known (English text, or the
    /// embedded source of a side-by-side block).
    fn english(&self) -> &[u64] {
        &self.sets[self.ends[1]..self.ends[2]]
    }

    /// Hashes of side-by-side segment ids.
    fn segments(&self) -> &[u64] {
        &self.sets[self.ends[2]..self.ends[3]]
    }

    /// Stores the four sets (hard, words, English, segments), each sorted and without repeats.
    fn set_sets(&mut self, sets: [&[u64]; 4]) {
        let mut joined = Vec::with_capacity(sets.iter().map(|set| set.len()).sum());
        for (end, set) in self.ends.iter_mut().zip(sets) {
            joined.extend_from_slice(set);
            *end = joined.len();
        }
        self.sets = joined.into_boxed_slice();
    }
}

/// FNV-1a of a string: alignment only compares hashes of the two sides of one run, so any
/// well-mixed 64-bit hash does, and this one costs a multiply per byte (SipHash cost four
/// times as much on these short tokens).
fn hash(value: &str) -> u64 {
    hash_bytes(value.bytes())
}

/// [`hash`] of a string given byte by byte, for a normalised form that need not be made.
fn hash_bytes(bytes: impl Iterator<Item = u8>) -> u64 {
    hash_more(FNV_OFFSET, bytes)
}

/// `hash`, the [`hash_bytes`] of some bytes, extended by `bytes`.
fn hash_more(hash: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(hash, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    })
}

/// The 64-bit FNV-1a offset basis and prime.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// [`hash`] of a token's [`tokens::normalize`]d form, which is made only when it is more than
/// the text in ASCII lower case (or unchanged): nearly every token holds no `&amp;`, no `\\`
/// and no full-width digit, and most blocks have tokens.
fn normalized_hash(kind: TokenKind, text: &str) -> u64 {
    match kind {
        TokenKind::Host | TokenKind::Email | TokenKind::FileName => {
            hash_bytes(text.bytes().map(|byte| byte.to_ascii_lowercase()))
        }
        TokenKind::Url if !text.contains("&amp;") => hash(text),
        TokenKind::Path if !text.contains("\\\\") => {
            hash_bytes(text.bytes().map(|byte| byte.to_ascii_lowercase()))
        }
        TokenKind::Number if text.is_ascii() => hash(text),
        _ => hash(&tokens::normalize(kind, text)),
    }
}

/// Sorts `values` and removes repeats.
fn make_set(values: &mut Vec<u64>) {
    values.sort_unstable();
    values.dedup();
}

/// For each byte, its lower case if it is an ASCII letter or digit (what Latin words are made
/// of), else 0. Every byte of a non-ASCII char is 0, as the char is not a letter or digit here,
/// so words can be found in bytes, without decoding CJK text.
static WORD_BYTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        if (byte as u8).is_ascii_alphanumeric() {
            table[byte] = (byte as u8).to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

/// Pushes the hash of every Latin word of `text` (three ASCII letters or digits or more, one
/// of them a letter) onto `hashes`: FNV-1a of the word's lower case, without making the
/// lower-cased string (words are short, and only equality between the two sides of one
/// alignment matters).
fn push_latin_word_hashes(text: &str, hashes: &mut Vec<u64>) {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // The text is walked as a shrinking slice rather than by index, so that no byte costs a
    // bounds check (only a word or a skipped run does, once): this loop reads every byte of
    // every block, twice for side-by-side files.
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        if WORD_BYTE[usize::from(byte)] == 0 {
            rest = after;
            if byte >= 0x80 {
                // Translated prose is mostly runs of non-ASCII chars, every byte of which has
                // its high bit set and none of which is in a word: a run is skipped eight bytes
                // at a time rather than looked up byte by byte.
                while let Some((chunk, after_chunk)) = rest.split_first_chunk::<8>() {
                    let ascii = !u64::from_le_bytes(*chunk) & HIGH_BITS;
                    if ascii == 0 {
                        rest = after_chunk;
                    } else {
                        // The first ASCII byte of the chunk, once per run.
                        rest = &rest[(ascii.trailing_zeros() / 8) as usize..];
                        break;
                    }
                }
            }
            continue;
        }
        // One pass over the word finds its end and hashes it.
        let (mut hash, mut seen, mut length) = (FNV_OFFSET, 0, 0);
        for &byte in rest {
            let lower = WORD_BYTE[usize::from(byte)];
            if lower == 0 {
                break;
            }
            hash = (hash ^ u64::from(lower)).wrapping_mul(FNV_PRIME);
            seen |= lower;
            length += 1;
        }
        rest = &rest[length..];
        // Lower-case letters (0x61..=0x7a) have bit 6 set, digits (0x30..=0x39) do not.
        if length >= 3 && seen & 0x40 != 0 {
            hashes.push(hash);
        }
    }
}

/// Latin words of three letters or more, lower-cased.
pub fn latin_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.len() >= 3 && word.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|word| word.to_ascii_lowercase())
}

/// An anchor name with the decorations that localization pipelines add removed, so that
/// `__toc323194094` and `toc323194094` align (the rule that reports the rename is LD202).
pub fn anchor_key(name: &str) -> String {
    String::from_utf8(anchor_key_bytes(name).collect())
        .expect("only ASCII bytes are changed, into ASCII bytes")
}

/// The bytes of [`anchor_key`]: the name without its decorations, `_` as `-`, ASCII letters
/// in lower case. A byte of a non-ASCII character is left as it is, so they are UTF-8.
fn anchor_key_bytes(name: &str) -> impl Iterator<Item = u8> + '_ {
    let trimmed = name.trim_matches('_');
    let trimmed = match trimmed.rsplit_once('_') {
        Some((head, tail)) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => head,
        _ => trimmed,
    };
    trimmed.bytes().map(|byte| match byte {
        b'_' => b'-',
        byte => byte.to_ascii_lowercase(),
    })
}

/// The hash of what a link contributes to alignment: the anchor of an in-page link (its file
/// name and decorations are what translations break, LD202's business), otherwise the
/// destination without its scheme (`http` → `https` is LD401's business). The key is hashed
/// piece by piece rather than made, as most blocks have links.
pub(crate) fn link_key_hash(destination: &str) -> u64 {
    if let Some((_, fragment)) = destination.split_once('#')
        && !fragment.is_empty()
    {
        return hash_bytes(std::iter::once(b'#').chain(anchor_key_bytes(fragment)));
    }
    let destination = if destination.contains("&amp;") {
        Cow::Owned(destination.replace("&amp;", "&"))
    } else {
        Cow::Borrowed(destination)
    };
    let rest = match destination.split_once("://") {
        Some((_, rest)) => rest,
        None => &destination,
    };
    // A locale segment (`/en-us/` → `/zh-cn/`) is what localization rewrites; LD104 judges it.
    let mut hash = FNV_OFFSET;
    for (index, part) in rest.split('/').enumerate() {
        let separator: &[u8] = if index == 0 { b"" } else { b"/" };
        let part = if is_locale_segment(part) {
            "{locale}"
        } else {
            part
        };
        hash = hash_more(hash, separator.iter().chain(part.as_bytes()).copied());
    }
    hash
}

/// Whether a path segment is a locale such as `en-us` or `zh-Hant-TW`: a two-letter lower-case
/// language, then one or two subtags of two to four letters.
pub fn is_locale_segment(part: &str) -> bool {
    let mut pieces = part.split('-');
    let language = pieces.next().unwrap_or_default();
    if language.len() != 2 || !language.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return false;
    }
    let mut subtags = 0;
    for piece in pieces {
        subtags += 1;
        if subtags > 2
            || !(2..=4).contains(&piece.len())
            || !piece.bytes().all(|byte| byte.is_ascii_alphabetic())
        {
            return false;
        }
    }
    subtags > 0
}

/// What a block's English is, for [`Features::of`].
#[derive(Debug, Clone, Copy)]
pub enum English<'a> {
    /// Not known: a block of a plain translation.
    Unknown,
    /// The block is English: its own prose.
    Prose,
    /// The embedded English of a side-by-side block, one piece per segment (read as if joined
    /// by spaces).
    Embedded(&'a [&'a str]),
}

impl Features {
    /// Features of a block of `text` (see [`FeatureBuilder`] for many blocks).
    pub fn of(block: &Block, text: &str, english: English, segment_ids: &[&str]) -> Features {
        FeatureBuilder::default().features(block, text, english, segment_ids)
    }
}

/// Makes the [`Features`] of block after block, reusing its buffers from one block to the next
/// (a document has thousands of blocks, most of them short).
#[derive(Debug, Default)]
pub struct FeatureBuilder {
    tokens: Vec<Token>,
    hard: Vec<u64>,
    words: Vec<u64>,
    english: Vec<u64>,
    segments: Vec<u64>,
}

impl FeatureBuilder {
    /// Features of a block of `text`.
    pub fn features(
        &mut self,
        block: &Block,
        text: &str,
        english: English,
        segment_ids: &[&str],
    ) -> Features {
        let mut tokens = std::mem::take(&mut self.tokens);
        tokens.clear();
        tokens::push_prose_tokens(block, text, &mut tokens);
        let features = self.features_with_tokens(block, text, &tokens, english, segment_ids);
        self.tokens = tokens;
        features
    }

    /// Features of a block of `text` whose prose has `prose_tokens` (as
    /// [`tokens::push_prose_tokens`] finds them), for callers that have them already.
    pub fn features_with_tokens(
        &mut self,
        block: &Block,
        text: &str,
        prose_tokens: &[Token],
        english: English,
        segment_ids: &[&str],
    ) -> Features {
        let hard = &mut self.hard;
        hard.clear();
        for token in prose_tokens {
            hard.push(normalized_hash(token.kind, &text[token.range.clone()]));
        }
        for code in &block.code_spans {
            hard.push(hash(text[code.clone()].trim_matches('`').trim()));
        }
        for link in &block.links {
            hard.push(link_key_hash(&link.destination));
        }
        for anchor in &block.anchors {
            hard.push(hash_bytes(anchor_key_bytes(&anchor.name)));
        }
        if block.kind == BlockKind::CodeBlock {
            hard.push(hash(text[block.range.clone()].trim()));
        }
        let words = &mut self.words;
        words.clear();
        // The words of the block's prose, as `Block::prose` joins its runs with spaces.
        for run in &block.text_runs {
            push_latin_word_hashes(&text[run.clone()], words);
        }
        // An English block's English is its prose, whose words were just hashed.
        self.english.clear();
        match english {
            English::Unknown => {}
            English::Prose => {
                make_set(words);
                self.english.extend_from_slice(words);
            }
            English::Embedded(pieces) => {
                for piece in pieces {
                    push_latin_word_hashes(piece, &mut self.english);
                }
                make_set(&mut self.english);
            }
        }
        // Latin words of code and link destinations survive translation as well as prose
        // names do; with them a block whose only code span or link drifted still aligns, and
        // the drift is reported by the rule that owns it rather than as a missing block.
        for code in &block.code_spans {
            push_latin_word_hashes(&text[code.clone()], words);
        }
        for link in &block.links {
            if !link.destination.contains('#') {
                push_latin_word_hashes(&link.destination, words);
            }
        }
        let (class, level, table_cell) = match block.kind {
            BlockKind::Heading(level) => (1, level, None),
            BlockKind::Paragraph => (2, 0, None),
            BlockKind::TableCell { row, column, .. } => (2, 0, Some((row, column))),
            BlockKind::CodeBlock => (3, 0, None),
            BlockKind::Html => (4, 0, None),
        };
        make_set(hard);
        make_set(words);
        self.segments.clear();
        self.segments.extend(segment_ids.iter().map(|id| hash(id)));
        make_set(&mut self.segments);
        let mut features = Features {
            class,
            level,
            table_cell,
            containers: (
                block.containers.list_depth,
                block.containers.quote_depth,
                block.containers.alert,
            ),
            empty: text[block.range.clone()].trim().is_empty() && block.anchors.is_empty(),
            anchor_only: !block.anchors.is_empty()
                && (block.text_runs.iter()).all(|run| text[run.clone()].trim().is_empty()),
            ..Features::default()
        };
        features.set_sets([hard, words, &self.english, &self.segments]);
        features
    }
}

/// The number of values two sorted sets share.
fn shared_count(left: &[u64], right: &[u64]) -> u32 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        match left[i].cmp(&right[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Sørensen–Dice overlap of two sets of `left` and `right` values that share `shared`, 0 when
/// either is empty.
fn overlap(shared: u32, left: u32, right: u32) -> f32 {
    if shared == 0 || left == 0 || right == 0 {
        return 0.0;
    }
    // The sum as a signed integer: converting it to `f32` gives the same value as from an
    // unsigned one, in one instruction instead of the branchy sequence x86-64 needs for `u64`.
    2.0 * shared as f32 / (i64::from(left) + i64::from(right)) as f32
}

/// How far a source block's and a target block's Latin words agree, given that `shared` of
/// the source's `source` words and of the target's `target` words are the same: the mean of
/// their Sørensen–Dice overlap and of the share of the target's words that the source holds.
///
/// A translation keeps few of its source's Latin words (names, commands, link targets) and
/// translates the rest. Dice alone therefore prefers, for a translated paragraph, a short
/// source block that shares one of its names (a "Related topics" link to the same page) over
/// the long paragraph that holds every Latin word of it. The target's share counts those
/// words: for one target block it ranks the source blocks by how many of them they hold.
fn word_overlap(shared: u32, source: u32, target: u32) -> f32 {
    if shared == 0 || source == 0 || target == 0 {
        return 0.0;
    }
    0.5 * (overlap(shared, source, target) + shared as f32 / target as f32)
}

/// Sørensen–Dice overlap of two sorted sets, 0 when either is empty.
pub(crate) fn dice(left: &[u64], right: &[u64]) -> f32 {
    overlap(shared_count(left, right), set_len(left), set_len(right))
}

/// The size of a set as [`SetCounts`] hold it. (A set holds at most one hash per three bytes
/// of its block, so `u32` is room enough for any file that fits in memory.)
fn set_len(set: &[u64]) -> u32 {
    u32::try_from(set.len()).expect("a set holds at most one hash per three bytes of its block")
}

/// A count for each of a block's four sets: their sizes, or how many hashes two blocks share
/// set by set, which with the sizes is all that [`score`] needs of the sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct SetCounts {
    hard: u32,
    words: u32,
    english: u32,
    segments: u32,
}

impl SetCounts {
    /// Whether every count is 0 (nothing is shared).
    fn is_none(self) -> bool {
        self.hard | self.words | self.english | self.segments == 0
    }

    fn sizes(block: &Features) -> SetCounts {
        SetCounts {
            hard: set_len(block.hard()),
            words: set_len(block.words()),
            english: set_len(block.english()),
            segments: set_len(block.segments()),
        }
    }

    fn shared(source: &Features, target: &Features) -> SetCounts {
        SetCounts {
            hard: shared_count(source.hard(), target.hard()),
            words: shared_count(source.words(), target.words()),
            english: shared_count(source.english(), target.english()),
            segments: shared_count(source.segments(), target.segments()),
        }
    }
}

/// How well two blocks match; `None` when they must not be paired.
pub fn score(source: &Features, target: &Features) -> Option<f32> {
    let pair = ShapePair::of(source, target, same_cell(source, target))?;
    pair.score(
        SetCounts::sizes(source),
        SetCounts::sizes(target),
        SetCounts::shared(source, target),
    )
}

/// Whether two blocks are table cells at the same row and column (of different tables).
fn same_cell(source: &Features, target: &Features) -> bool {
    source.table_cell.is_some() && source.table_cell == target.table_cell
}

/// The group of blocks a block can pair with: blocks of the same class, and paragraphs with
/// HTML blocks (see [`ShapePair::of`]).
fn class_group(block: &Features) -> u8 {
    if block.class == 4 { 2 } else { block.class }
}

/// What a pair's [`score`] owes to the two blocks' [`Shape`]s and to whether they are the same
/// table cell: everything but what their sets share. Computed once per pair of shapes, it
/// leaves little to do per pair of blocks.
#[derive(Debug, Clone, Copy)]
struct ShapePair {
    /// The score before the sets are compared.
    start: f32,
    /// `start` with the penalty for hard sets that share nothing (or of which one is empty).
    disjoint_hard: f32,
    both_english: bool,
    both_segmented: bool,
    /// The score of a pair that shares no hash; minus infinity for `None`.
    alone: f32,
}

impl ShapePair {
    /// Pairs of blocks of kinds that never pair.
    const NEVER: ShapePair = ShapePair {
        start: f32::NEG_INFINITY,
        disjoint_hard: f32::NEG_INFINITY,
        both_english: false,
        both_segmented: false,
        alone: f32::NEG_INFINITY,
    };

    /// `None` for blocks of kinds that never pair.
    fn of(source: &Features, target: &Features, same_cell: bool) -> Option<ShapePair> {
        let mut start = match (source.class, target.class) {
            (a, b) if a == b => 1.0,
            (2, 4) | (4, 2) => 0.4,
            _ => return None,
        };
        if source.class == 1 && source.level != target.level {
            start -= 0.4;
        }
        match (source.table_cell.is_some(), target.table_cell.is_some()) {
            (true, true) if same_cell => start += 0.3,
            (true, true) | (false, false) => {}
            _ => start -= 0.5,
        }
        if source.containers != target.containers {
            start -= 0.4;
        }
        if source.empty != target.empty {
            start -= 0.8;
        }
        // An anchor's block holds no text, so a paragraph is not its translation: the anchor
        // is the only hard value of its block, and a paragraph that has none paired with it
        // when the anchor was renamed, leaving the paragraph it translates unreported.
        if source.anchor_only != target.anchor_only {
            start -= 0.8;
        }
        let disjoint_hard = match (source.hard().is_empty(), target.hard().is_empty()) {
            (false, false) => start - 1.0,
            (true, true) => start,
            _ => start - 0.5,
        };
        let mut pair = ShapePair {
            start,
            disjoint_hard,
            both_english: !source.english().is_empty() && !target.english().is_empty(),
            both_segmented: !source.segments().is_empty() && !target.segments().is_empty(),
            alone: f32::NEG_INFINITY,
        };
        pair.alone = pair
            .score(
                SetCounts::sizes(source),
                SetCounts::sizes(target),
                SetCounts::default(),
            )
            .unwrap_or(f32::NEG_INFINITY);
        Some(pair)
    }

    /// The [`score`] of two blocks of this pair of shapes, of sets of `source` and `target`
    /// sizes, that share `shared`.
    fn score(&self, source: SetCounts, target: SetCounts, shared: SetCounts) -> Option<f32> {
        // Side-by-side blocks that share no segment are different blocks.
        if self.both_segmented && shared.segments == 0 {
            return None;
        }
        // The sets' overlaps are added in a fixed order, and adding an overlap of 0 changes
        // nothing, so a set that shares nothing is skipped.
        let mut score = if shared.hard == 0 {
            self.disjoint_hard
        } else {
            self.start + 3.0 * overlap(shared.hard, source.hard, target.hard)
        };
        if shared.words > 0 {
            score += 1.5 * word_overlap(shared.words, source.words, target.words);
        }
        if self.both_english {
            let english = overlap(shared.english, source.english, target.english);
            score += 4.0 * english;
            if english < 0.2 {
                score -= 1.0;
            }
        }
        if self.both_segmented {
            score += 6.0 * overlap(shared.segments, source.segments, target.segments);
        }
        (score > 0.25).then_some(score)
    }
}

/// What a block's score against another block depends on when the two share no hash and are
/// not the same table cell: its features but the contents of its sets. Documents have few
/// shapes, and most pairs of blocks share no hash, so most pairs are scored once per pair of
/// shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    class: u8,
    level: u8,
    table_cell: bool,
    containers: (u8, u8, Option<&'static str>),
    empty: bool,
    anchor_only: bool,
    has_hard: bool,
    has_english: bool,
    has_segments: bool,
}

impl Hash for Shape {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // All but the alert in one word, to hash once.
        let flags = [
            self.table_cell,
            self.empty,
            self.anchor_only,
            self.has_hard,
            self.has_english,
            self.has_segments,
        ];
        let bits = flags
            .iter()
            .fold(0, |bits, &flag| bits << 1 | u64::from(flag));
        let (lists, quotes, alert) = self.containers;
        state.write_u64(
            u64::from(self.class)
                | u64::from(self.level) << 8
                | u64::from(lists) << 16
                | u64::from(quotes) << 24
                | bits << 32,
        );
        alert.hash(state);
    }
}

impl Shape {
    fn of(block: &Features) -> Shape {
        Shape {
            class: block.class,
            level: block.level,
            table_cell: block.table_cell.is_some(),
            containers: block.containers,
            empty: block.empty,
            anchor_only: block.anchor_only,
            has_hard: !block.hard().is_empty(),
            has_english: !block.english().is_empty(),
            has_segments: !block.segments().is_empty(),
        }
    }
}

/// The shapes of a document's blocks, numbered from 0 in order of appearance.
struct Shapes {
    of_block: Vec<usize>,
    /// The first block of each shape.
    example: Vec<usize>,
}

impl Shapes {
    fn of(blocks: &[Features]) -> Shapes {
        let mut numbers: HashMap<Shape, usize, FoldState> = HashMap::default();
        let mut example = Vec::new();
        let of_block = blocks
            .iter()
            .enumerate()
            .map(|(index, block)| {
                *numbers.entry(Shape::of(block)).or_insert_with(|| {
                    example.push(index);
                    example.len() - 1
                })
            })
            .collect();
        Shapes { of_block, example }
    }
}

/// The [`ShapePair`]s met so far, by source and target shape number: a table when the
/// documents have few shapes, as they do, else a map (nested lists and quotes can give a
/// document as many shapes as blocks).
enum ShapePairs {
    Table {
        targets: usize,
        pairs: Vec<Option<ShapePair>>,
    },
    Map(HashMap<(usize, usize), ShapePair, FoldState>),
}

impl ShapePairs {
    /// The most pairs of shapes kept in a table (about a megabyte).
    const MAX_TABLE: usize = 1 << 16;

    fn new(sources: usize, targets: usize) -> ShapePairs {
        match sources.checked_mul(targets) {
            Some(size) if size <= ShapePairs::MAX_TABLE => ShapePairs::Table {
                targets,
                pairs: vec![None; size],
            },
            _ => ShapePairs::Map(HashMap::default()),
        }
    }

    fn get(&mut self, source: usize, target: usize, of: impl FnOnce() -> ShapePair) -> ShapePair {
        match self {
            ShapePairs::Table { targets, pairs } => {
                *pairs[source * *targets + target].get_or_insert_with(of)
            }
            ShapePairs::Map(pairs) => *pairs.entry((source, target)).or_insert_with(of),
        }
    }
}

/// A hasher for keys made of integers (hashes, block and shape numbers): a folded multiply,
/// much cheaper than SipHash, with a seed drawn once per process so that which keys collide in
/// a table cannot be told from a document.
#[derive(Clone, Copy)]
pub(crate) struct FoldHasher(u64);

impl Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, value: u64) {
        const MULTIPLIER: u128 = 0x9e37_79b9_7f4a_7c15;
        let product = u128::from(self.0 ^ value) * MULTIPLIER;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

/// Builds [`FoldHasher`]s seeded once per process.
#[derive(Clone, Copy)]
pub(crate) struct FoldState(u64);

impl Default for FoldState {
    fn default() -> FoldState {
        static SEED: OnceLock<u64> = OnceLock::new();
        FoldState(*SEED.get_or_init(|| RandomState::new().hash_one(0u64)))
    }
}

impl BuildHasher for FoldState {
    type Hasher = FoldHasher;

    fn build_hasher(&self) -> FoldHasher {
        FoldHasher(self.0)
    }
}

/// A key of [`Postings`] with the group of the blocks that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GroupKey {
    group: u8,
    key: u64,
}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // One word to hash: keys are hashes already, and a collision costs a probe, never a
        // wrong match (keys are compared whole).
        state.write_u64(self.key ^ u64::from(self.group).rotate_right(8));
    }
}

/// Lists of target blocks, each in increasing order, read for one range of columns after
/// another.
struct BlockLists {
    /// List `l` is `blocks[ends[l - 1]..ends[l]]` (from 0 for the first).
    blocks: Vec<usize>,
    ends: Vec<usize>,
    /// Per list, where its blocks of the last asked columns start and end (see
    /// [`BlockLists::in_columns`]).
    cursors: Vec<Range<usize>>,
}

impl BlockLists {
    /// The lists of `lists` numbers, given the list of each (block, list) entry in the order
    /// of the blocks.
    fn new(lists: usize, entries: impl Iterator<Item = (usize, usize)> + Clone) -> BlockLists {
        let mut lengths = vec![0; lists];
        for (_, list) in entries.clone() {
            lengths[list] += 1;
        }
        BlockLists::with_lengths(&lengths, entries)
    }

    /// [`BlockLists::new`] given the length of each list, for a caller that counted them.
    fn with_lengths(
        lengths: &[usize],
        entries: impl Iterator<Item = (usize, usize)>,
    ) -> BlockLists {
        let ends: Vec<usize> = lengths
            .iter()
            .scan(0, |end, length| {
                *end += length;
                Some(*end)
            })
            .collect();
        // Filled block by block, so that each list comes out in order.
        let mut blocks = vec![0; ends.last().copied().unwrap_or(0)];
        let mut free: Vec<usize> = ends
            .iter()
            .zip(lengths)
            .map(|(end, length)| end - length)
            .collect();
        for (block, list) in entries {
            blocks[free[list]] = block;
            free[list] += 1;
        }
        BlockLists {
            blocks,
            cursors: ends.iter().map(|&end| end..end).collect(),
            ends,
        }
    }

    /// The blocks of list `list` in `columns`. Neither bound of `columns` may increase from one
    /// call to the next (the band is walked from its last row up), so that each list is walked
    /// through once in all.
    fn in_columns(&mut self, list: usize, columns: &Range<usize>) -> &[usize] {
        let first = if list == 0 { 0 } else { self.ends[list - 1] };
        let cursor = &mut self.cursors[list];
        while cursor.end > first && self.blocks[cursor.end - 1] >= columns.end {
            cursor.end -= 1;
        }
        cursor.start = cursor.start.min(cursor.end);
        while cursor.start > first && self.blocks[cursor.start - 1] >= columns.start {
            cursor.start -= 1;
        }
        &self.blocks[cursor.clone()]
    }
}

/// For one kind of key (the hashes of one kind of set, or table positions), the target blocks
/// that hold each key: with it a source block finds the target blocks that share a key with it
/// without looking at the others. Keys are kept apart by group of blocks, so that a source
/// block looks only at the target blocks it can pair with.
struct Postings {
    /// The number of each (group, key)'s list.
    lists: HashMap<GroupKey, usize, FoldState>,
    blocks: BlockLists,
}

impl Postings {
    /// The postings of the keys of each block, with the block's group.
    fn new<'a>(keys: impl Iterator<Item = (u8, &'a [u64])> + Clone) -> Postings {
        let entries = keys.clone().map(|(_, block_keys)| block_keys.len()).sum();
        // Sized for the worst case, every key distinct, so that it never grows.
        let mut lists: HashMap<GroupKey, usize, FoldState> =
            HashMap::with_capacity_and_hasher(entries, FoldState::default());
        let mut list_of_key = Vec::with_capacity(entries);
        // The lists' lengths are counted as the keys are numbered, rather than in a pass of
        // their own over every entry.
        let mut lengths = Vec::new();
        for (group, block_keys) in keys.clone() {
            for &key in block_keys {
                let next = lists.len();
                let list = *lists.entry(GroupKey { group, key }).or_insert(next);
                if list == next {
                    lengths.push(0);
                }
                lengths[list] += 1;
                list_of_key.push(list);
            }
        }
        let entries = keys
            .enumerate()
            .flat_map(|(block, (_, keys))| keys.iter().map(move |_| block))
            .zip(list_of_key.iter().copied());
        Postings {
            blocks: BlockLists::with_lengths(&lengths, entries),
            lists,
        }
    }

    /// Calls `found` with the target blocks of `group` in `columns` that hold each of `keys`
    /// (see [`BlockLists::in_columns`]).
    fn holders(
        &mut self,
        group: u8,
        keys: &[u64],
        columns: &Range<usize>,
        mut found: impl FnMut(&[usize]),
    ) {
        if self.lists.is_empty() {
            return;
        }
        for &key in keys {
            if let Some(&list) = self.lists.get(&GroupKey { group, key }) {
                found(self.blocks.in_columns(list, columns));
            }
        }
    }
}

/// The shapes of the target blocks of a range of columns, kept as the range moves left.
struct ShapeWindow {
    columns: Range<usize>,
    /// Per shape, its blocks in `columns`.
    count: Vec<usize>,
    /// The shapes with blocks in `columns`, and where each shape is in that list.
    present: Vec<usize>,
    position: Vec<usize>,
}

impl ShapeWindow {
    fn new(shapes: usize, m: usize) -> ShapeWindow {
        ShapeWindow {
            columns: m..m,
            count: vec![0; shapes],
            present: Vec::new(),
            position: vec![0; shapes],
        }
    }

    /// Moves to `columns`, whose bounds are at most the current ones.
    fn move_to(&mut self, columns: &Range<usize>, shape_of: &[usize]) {
        for &shape in &shape_of[columns.end.max(self.columns.start)..self.columns.end] {
            self.count[shape] -= 1;
            if self.count[shape] == 0 {
                let last = *self.present.last().expect("a counted shape is present");
                self.present.swap_remove(self.position[shape]);
                self.position[last] = self.position[shape];
            }
        }
        for &shape in &shape_of[columns.start..self.columns.start.min(columns.end)] {
            if self.count[shape] == 0 {
                self.position[shape] = self.present.len();
                self.present.push(shape);
            }
            self.count[shape] += 1;
        }
        self.columns = columns.clone();
    }
}

/// The key of a table cell's position in [`Postings`]. Two positions may have one key (rows or
/// columns past 2^32): a block it wrongly marks is scored all the same, correctly.
fn cell_key(block: &Features) -> Option<u64> {
    block
        .table_cell
        .map(|(row, column)| (row as u64) << 32 ^ column as u64)
}

/// Sets bit `offset` of `marked`.
fn mark(marked: &mut [u64], offset: usize) {
    marked[offset / 64] |= 1 << (offset % 64);
}

/// Counts, with `counter`, the values of `set` that the target blocks of `columns` hold (by
/// `postings` of their sets of that kind), and marks those blocks.
fn count_shared(
    postings: &mut Postings,
    group: u8,
    set: &[u64],
    columns: &Range<usize>,
    marked: &mut [u64],
    shared: &mut [SetCounts],
    counter: impl Fn(&mut SetCounts) -> &mut u32,
) {
    postings.holders(group, set, columns, |blocks| {
        for &j in blocks {
            let offset = j - columns.start;
            mark(marked, offset);
            *counter(&mut shared[offset]) += 1;
        }
    });
}

/// The pairs of one row of the band that can be taken, one row at a time: the target blocks of
/// the row's columns that the row's source block can pair with, and the scores of the pairs.
///
/// A pair that shares no hash and is not the same table cell scores as its two blocks' shapes
/// do: most shapes of a document do not pair without a shared hash (an English paragraph with
/// a side-by-side one whose English differs, a heading with a paragraph), and the blocks of
/// those that do are found through postings of the target blocks by shape. The pairs that
/// share a hash are found through postings of the target blocks by hash, and scored one by
/// one. No other pair of the row is looked at.
struct RowScorer<'a> {
    source: &'a [Features],
    target: &'a [Features],
    /// Postings of the target blocks' hard, word, English and segment sets.
    postings: [Postings; 4],
    source_shapes: Shapes,
    target_shapes: Shapes,
    /// The target blocks of each shape, by shape number, and the table cells by position.
    shape_blocks: BlockLists,
    cell_postings: Postings,
    window: ShapeWindow,
    shape_pairs: ShapePairs,
    /// The same for blocks that are the same cell of two tables, whose pairs are scored from
    /// what they share (their `alone` is not read).
    same_cell_shape_pairs: ShapePairs,
    /// Per target shape, its [`ShapePair`] with the current row's source shape.
    row_shape_pairs: Vec<ShapePair>,
    /// The sizes of each target block's sets, side by side for the scoring loop.
    target_sizes: Vec<SetCounts>,
    /// What the current row's source block shares with each target block of its columns, by
    /// offset in the columns; all zero between rows.
    shared: Vec<SetCounts>,
    /// One bit per offset in the columns: the pairs to score, none between rows.
    marked: Vec<u64>,
    /// The pairs that can be taken, by offset in the columns from the right, with their scores.
    pairs: Vec<(usize, f32)>,
}

impl<'a> RowScorer<'a> {
    fn new(source: &'a [Features], target: &'a [Features]) -> RowScorer<'a> {
        let (source_shapes, target_shapes) = (Shapes::of(source), Shapes::of(target));
        let target_shape_count = target_shapes.example.len();
        let cell_keys: Vec<Option<u64>> = target.iter().map(cell_key).collect();
        RowScorer {
            source,
            target,
            postings: [
                Postings::new(target.iter().map(|t| (class_group(t), t.hard()))),
                Postings::new(target.iter().map(|t| (class_group(t), t.words()))),
                Postings::new(target.iter().map(|t| (class_group(t), t.english()))),
                Postings::new(target.iter().map(|t| (class_group(t), t.segments()))),
            ],
            cell_postings: Postings::new(cell_keys.iter().map(|key| (0, key.as_slice()))),
            shape_blocks: BlockLists::new(
                target_shape_count,
                target_shapes.of_block.iter().copied().enumerate(),
            ),
            window: ShapeWindow::new(target_shape_count, target.len()),
            shape_pairs: ShapePairs::new(source_shapes.example.len(), target_shape_count),
            same_cell_shape_pairs: ShapePairs::new(source_shapes.example.len(), target_shape_count),
            row_shape_pairs: vec![ShapePair::NEVER; target_shape_count],
            target_sizes: target.iter().map(SetCounts::sizes).collect(),
            source_shapes,
            target_shapes,
            shared: Vec::new(),
            marked: Vec::new(),
            pairs: Vec::new(),
        }
    }

    /// The pairs of source block `i` with the target blocks of `columns` that can be taken
    /// (whose [`score`] is not `None`), as (offset in `columns`, score), from the right.
    /// Neither bound of `columns` may increase from one call to the next (see
    /// [`BlockLists::in_columns`]).
    fn row(&mut self, i: usize, columns: Range<usize>) -> &[(usize, f32)] {
        let source = &self.source[i];
        let width = columns.len();
        self.marked
            .resize(self.marked.len().max(width.div_ceil(64)), 0);
        self.shared
            .resize(self.shared.len().max(width), SetCounts::default());
        let marked = &mut self.marked[..width.div_ceil(64)];
        // Pairs of shapes that pair without sharing a hash.
        self.window.move_to(&columns, &self.target_shapes.of_block);
        let source_shape = self.source_shapes.of_block[i];
        let source_example = &self.source[self.source_shapes.example[source_shape]];
        for &target_shape in &self.window.present {
            let pair = self.shape_pairs.get(source_shape, target_shape, || {
                let target_example = &self.target[self.target_shapes.example[target_shape]];
                ShapePair::of(source_example, target_example, false).unwrap_or(ShapePair::NEVER)
            });
            self.row_shape_pairs[target_shape] = pair;
            if pair.alone.is_finite() {
                for &j in self.shape_blocks.in_columns(target_shape, &columns) {
                    mark(marked, j - columns.start);
                }
            }
        }
        // Pairs that share a hash.
        let (postings, shared) = (&mut self.postings, &mut self.shared[..width]);
        let [hard, words, english, segments] = postings;
        let group = class_group(source);
        let mut count =
            |postings: &mut Postings, set: &[u64], counter: fn(&mut SetCounts) -> &mut u32| {
                count_shared(postings, group, set, &columns, marked, shared, counter);
            };
        count(hard, source.hard(), |shared| &mut shared.hard);
        count(words, source.words(), |shared| &mut shared.words);
        count(english, source.english(), |shared| &mut shared.english);
        count(segments, source.segments(), |shared| &mut shared.segments);
        // The same cell of another table.
        if let Some(key) = cell_key(source) {
            self.cell_postings.holders(0, &[key], &columns, |blocks| {
                for &j in blocks {
                    mark(marked, j - columns.start);
                }
            });
        }
        self.pairs.clear();
        let table_cell = source.table_cell.is_some();
        let source_sizes = SetCounts::sizes(source);
        let shapes = &self.target_shapes.of_block[columns.clone()];
        let sizes = &self.target_sizes[columns.clone()];
        for word_index in (0..width.div_ceil(64)).rev() {
            let mut word = std::mem::take(&mut self.marked[word_index]);
            while word != 0 {
                let bit = 63 - word.leading_zeros() as usize;
                word &= !(1 << bit);
                let offset = word_index * 64 + bit;
                let shared = std::mem::take(&mut self.shared[offset]);
                let target_shape = shapes[offset];
                let pair = &self.row_shape_pairs[target_shape];
                let score = if table_cell && same_cell(source, &self.target[columns.start + offset])
                {
                    // What a pair owes to its shapes does not depend on which blocks have them,
                    // so same-cell pairs too are worked out once per pair of shapes.
                    let pair = self
                        .same_cell_shape_pairs
                        .get(source_shape, target_shape, || {
                            let target_example =
                                &self.target[self.target_shapes.example[target_shape]];
                            ShapePair::of(source_example, target_example, true)
                                .unwrap_or(ShapePair::NEVER)
                        });
                    if pair.start.is_finite() {
                        pair.score(source_sizes, sizes[offset], shared)
                    } else {
                        None
                    }
                } else if shared.is_none() {
                    Some(pair.alone)
                } else if pair.start.is_finite() {
                    pair.score(source_sizes, sizes[offset], shared)
                } else {
                    None
                };
                if let Some(score) = score.filter(|score| score.is_finite()) {
                    self.pairs.push((offset, score));
                }
            }
        }
        &self.pairs
    }
}

/// One row of an alignment: a source block, a target block, or both.
pub type Pair = (Option<usize>, Option<usize>);

/// Up to this many block pairs, every source block is compared with every target block.
pub const FULL_CELLS: usize = 40_000;
/// Beyond [`FULL_CELLS`], a source block is compared only with target blocks at most this far,
/// plus the difference in length, from its proportional position (block `i` of `n` against
/// blocks near `i * m / n`).
pub const HALF_WIDTH: usize = 100;

/// The cells of the alignment matrix that are computed: for row `i`, columns `lo[i]..hi[i]`.
/// Both bounds are non-decreasing, row 0 starts at column 0, and consecutive rows overlap, so
/// every computed cell has a path of computed cells to the last row or column.
struct Band {
    m: usize,
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Index of the first cell of each row in the flat arrays, where rows are laid out from
    /// the last up.
    start: Vec<usize>,
    cells: usize,
}

impl Band {
    fn new(n: usize, m: usize) -> Band {
        let full = n.saturating_mul(m) <= FULL_CELLS;
        // Widened by the difference in length, so that a path whose extra blocks are all on one
        // side (only insertions, or only deletions) always fits.
        let width = HALF_WIDTH + n.abs_diff(m);
        let (lo, hi): (Vec<usize>, Vec<usize>) = (0..n)
            .map(|i| {
                if full {
                    (0, m)
                } else {
                    let center = i * m / n;
                    (center.saturating_sub(width), (center + width + 1).min(m))
                }
            })
            .unzip();
        // Rows are laid out from the last up, the order in which they are computed.
        let mut start = vec![0; n];
        let mut cells = 0;
        for i in (0..n).rev() {
            start[i] = cells;
            cells += hi[i] - lo[i];
        }
        Band {
            m,
            lo,
            hi,
            start,
            cells,
        }
    }

    /// Appends row `i` to `best`, which holds the rows below it, given the pairs of the row
    /// that can be taken, as (offset in the row, score), from the right.
    ///
    /// best(i, j) = max(best(i + 1, j), best(i, j + 1), score(i, j) + best(i + 1, j + 1)). In
    /// the band, the row below never increases from left to right, and beyond it are minus
    /// infinity (outside the band) or 0 (past the last column), both below any value in it.
    /// Without pairs the row is therefore the row below, its first value repeated over the
    /// columns left of it; each pair then raises the row from its column leftwards, as far as
    /// the row is below the pair's total. The values are the maxima the recurrence takes, so
    /// they are the same floating-point numbers.
    fn fill_row(&self, best: &mut Vec<f32>, i: usize, pairs: &[(usize, f32)]) {
        debug_assert_eq!(
            best.len(),
            self.start[i],
            "rows are filled from the last up"
        );
        let (lo, hi) = (self.lo[i], self.hi[i]);
        let below = (i + 1 < self.lo.len()).then(|| {
            let (below_lo, below_start) = (self.lo[i + 1], self.start[i + 1]);
            let left = below_lo - lo;
            if left > 0 {
                best.resize(best.len() + left, best[below_start]);
            }
            best.extend_from_within(below_start..below_start + hi - below_lo);
            (
                below_lo,
                below_start..below_start + self.hi[i + 1] - below_lo,
            )
        });
        if below.is_none() {
            best.resize(best.len() + hi - lo, 0.0);
        }
        let (rows_below, row) = best.split_at_mut(self.start[i]);
        for &(offset, score) in pairs {
            // best(i + 1, j + 1).
            let column = lo + offset + 1;
            let diagonal = match &below {
                None => 0.0,
                Some(_) if column == self.m => 0.0,
                Some((below_lo, below)) => column
                    .checked_sub(*below_lo)
                    .and_then(|index| rows_below[below.clone()].get(index))
                    .copied()
                    .unwrap_or(f32::NEG_INFINITY),
            };
            let take = score + diagonal;
            if row[offset] >= take {
                continue;
            }
            // The cells below `take` are a run that ends at `offset`: eight at a time, in a loop
            // the compiler vectorizes.
            for cells in row[..=offset].rchunks_mut(8) {
                let run_ends_here = cells[0] >= take;
                for cell in cells.iter_mut() {
                    *cell = if *cell < take { take } else { *cell };
                }
                if run_ends_here {
                    break;
                }
            }
        }
    }

    fn cells(&self) -> usize {
        self.cells
    }

    /// The flat index of cell `(i, j)`, if it is computed.
    fn index(&self, i: usize, j: usize) -> Option<usize> {
        (i < self.lo.len() && j >= self.lo[i] && j < self.hi[i])
            .then(|| self.start[i] + j - self.lo[i])
    }

    /// The best total from `(i, j)`: 0 past the last row or column (the rest is skipped),
    /// minus infinity outside the band.
    fn best(&self, best: &[f32], i: usize, j: usize) -> f32 {
        if i == self.lo.len() || j == self.m {
            return 0.0;
        }
        self.index(i, j)
            .map_or(f32::NEG_INFINITY, |index| best[index])
    }
}

/// Aligns two block sequences. The result is monotonic in both indices and lists every block
/// of each side exactly once.
///
/// The alignment is the [`global_alignment`] of the two sequences, in which a block left alone
/// between two pairs on each side is paired with the other when only its hard values veto it
/// (see [`pair_lone_blocks`]).
pub fn align(source: &[Features], target: &[Features]) -> Vec<Pair> {
    pair_lone_blocks(global_alignment(source, target), source, target)
}

/// Pairs, in an alignment, a source block and a target block that are the only blocks left
/// alone between two pairs (or a pair and an end of the documents), when their score is too
/// low only because their hard values differ and one side has a single one.
///
/// One changed number, URL or name is the drift the rules report, and a paragraph whose only
/// language-neutral value it was shares no hard value with its translation: the scores call
/// them different blocks, and the paragraph would be reported missing (LD402) and its
/// translation extra (LD403) instead of the changed value. Between two pairs, one block on
/// each side is the same block far more often than a paragraph dropped and another put in its
/// place, so there the veto is lifted; with more blocks on either side, which goes with which
/// is not known, and they stay alone. Blocks that cannot pair whatever they hold (a heading
/// and a paragraph, side-by-side blocks that share no segment) stay alone too.
fn pair_lone_blocks(pairs: Vec<Pair>, source: &[Features], target: &[Features]) -> Vec<Pair> {
    let is_pair = |pair: &Pair| pair.0.is_some() && pair.1.is_some();
    let mut paired = Vec::with_capacity(pairs.len());
    let mut index = 0;
    while index < pairs.len() {
        let bounded =
            (index == 0 || is_pair(&pairs[index - 1])) && pairs.get(index + 2).is_none_or(is_pair);
        let lone = match (pairs[index], pairs.get(index + 1)) {
            ((Some(i), None), Some(&(None, Some(j))))
            | ((None, Some(j)), Some(&(Some(i), None))) => Some((i, j)),
            _ => None,
        };
        match lone {
            Some((i, j)) if bounded && pairs_without_hard_veto(&source[i], &target[j]) => {
                paired.push((Some(i), Some(j)));
                index += 2;
            }
            _ => {
                paired.push(pairs[index]);
                index += 1;
            }
        }
    }
    paired
}

/// Whether two blocks would pair if hard values that all differ weighed as little as a side
/// without any, in a pair where one side has a single hard value.
fn pairs_without_hard_veto(source: &Features, target: &Features) -> bool {
    if source.hard().len() != 1 && target.hard().len() != 1 {
        return false;
    }
    let Some(pair) = ShapePair::of(source, target, same_cell(source, target)) else {
        return false;
    };
    let lifted = ShapePair {
        disjoint_hard: pair.disjoint_hard.max(pair.start - 0.5),
        ..pair
    };
    lifted
        .score(
            SetCounts::sizes(source),
            SetCounts::sizes(target),
            SetCounts::shared(source, target),
        )
        .is_some()
}

/// The alignment with the highest summed score: exact up to [`FULL_CELLS`] block pairs; longer
/// documents are aligned within a band around the diagonal (see [`HALF_WIDTH`]), so time and
/// memory grow linearly with the document instead of with its square.
fn global_alignment(source: &[Features], target: &[Features]) -> Vec<Pair> {
    let (n, m) = (source.len(), target.len());
    let band = Band::new(n, m);
    let mut scorer = RowScorer::new(source, target);
    // best: the best total for source[i..] and target[j..], row by row as `Band` lays them out.
    let mut best = Vec::with_capacity(band.cells());
    // The pairs that can be taken, row after row from the last up, and where each row's start:
    // the way back reads its pairs' scores here rather than scoring them again (which merges
    // the two blocks' sets, long for English words).
    // Sized for every cell up front: growing it copied what it held into fresh pages, and the
    // page faults cost more than the scoring it saves; capacity never written is never touched.
    let mut taken = Vec::with_capacity(band.cells());
    let mut taken_start = vec![0; n];
    for i in (0..n).rev() {
        let pairs = scorer.row(i, band.lo[i]..band.hi[i]);
        band.fill_row(&mut best, i, pairs);
        taken_start[i] = taken.len();
        taken.extend_from_slice(pairs);
    }
    let taken_in_row = |i: usize| {
        let end = if i == 0 {
            taken.len()
        } else {
            taken_start[i - 1]
        };
        &taken[taken_start[i]..end]
    };
    let mut pairs = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = band.best(&best, i, j);
        // A row's pairs are ordered by offset from the right.
        let take = match band.index(i, j) {
            Some(_) => {
                let row = taken_in_row(i);
                row.binary_search_by(|&(offset, _)| (j - band.lo[i]).cmp(&offset))
                    .map_or(f32::NEG_INFINITY, |found| row[found].1)
            }
            None => f32::NEG_INFINITY,
        };
        if take.is_finite() && (take + band.best(&best, i + 1, j + 1) - here).abs() < 1e-4 {
            pairs.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if (band.best(&best, i + 1, j) - here).abs() < 1e-4 {
            pairs.push((Some(i), None));
            i += 1;
        } else {
            pairs.push((None, Some(j)));
            j += 1;
        }
    }
    pairs.extend((i..n).map(|i| (Some(i), None)));
    pairs.extend((j..m).map(|j| (None, Some(j))));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    /// A paragraph identified by one language-neutral token.
    fn block(id: u64) -> Features {
        let mut block = Features {
            class: 2,
            ..Features::default()
        };
        block.set_sets([&[id], &[], &[], &[]]);
        block
    }

    fn check(source: &[u64], target: &[u64]) {
        let source_features: Vec<Features> = source.iter().copied().map(block).collect();
        let target_features: Vec<Features> = target.iter().copied().map(block).collect();
        let pairs = global_alignment(&source_features, &target_features);
        // Every block once, in order on both sides.
        let lefts: Vec<usize> = pairs.iter().filter_map(|p| p.0).collect();
        let rights: Vec<usize> = pairs.iter().filter_map(|p| p.1).collect();
        assert_eq!(lefts, (0..source.len()).collect::<Vec<_>>());
        assert_eq!(rights, (0..target.len()).collect::<Vec<_>>());
        // Blocks with the same token pair, and only they.
        for pair in pairs {
            match pair {
                (Some(i), Some(j)) => assert_eq!(source[i], target[j], "{i} paired with {j}"),
                (Some(i), None) => assert!(!target.contains(&source[i]), "{i} left alone"),
                (None, Some(j)) => assert!(!source.contains(&target[j]), "{j} left alone"),
                (None, None) => unreachable!(),
            }
        }
    }

    /// The alignment as it was computed before it was made fast: every pair of the band scored
    /// by merging the sorted sets, and the full matrix of totals. The fast [`align`] must give
    /// exactly its result, ties included.
    mod reference {
        use super::super::{Band, Features, Pair};

        fn dice(left: &[u64], right: &[u64]) -> f32 {
            if left.is_empty() || right.is_empty() {
                return 0.0;
            }
            let shared = left
                .iter()
                .filter(|value| right.binary_search(value).is_ok())
                .count();
            2.0 * shared as f32 / (left.len() + right.len()) as f32
        }

        /// The mean of Dice and of the share of the target's words that the source holds.
        fn word_overlap(source: &[u64], target: &[u64]) -> f32 {
            let shared = source
                .iter()
                .filter(|value| target.binary_search(value).is_ok())
                .count();
            if shared == 0 {
                return 0.0;
            }
            let dice = 2.0 * shared as f32 / (source.len() + target.len()) as f32;
            0.5 * (dice + shared as f32 / target.len() as f32)
        }

        pub fn score(source: &Features, target: &Features) -> Option<f32> {
            let mut score = match (source.class, target.class) {
                (a, b) if a == b => 1.0,
                (2, 4) | (4, 2) => 0.4,
                _ => return None,
            };
            let segments = dice(source.segments(), target.segments());
            let both_segmented = !source.segments().is_empty() && !target.segments().is_empty();
            if both_segmented && segments == 0.0 {
                return None;
            }
            if source.class == 1 && source.level != target.level {
                score -= 0.4;
            }
            match (source.table_cell, target.table_cell) {
                (Some(a), Some(b)) if a == b => score += 0.3,
                (Some(_), Some(_)) => {}
                (None, None) => {}
                _ => score -= 0.5,
            }
            if source.containers != target.containers {
                score -= 0.4;
            }
            if source.empty != target.empty {
                score -= 0.8;
            }
            if source.anchor_only != target.anchor_only {
                score -= 0.8;
            }
            let hard = dice(source.hard(), target.hard());
            if !source.hard().is_empty() && !target.hard().is_empty() && hard == 0.0 {
                score -= 1.0;
            } else if source.hard().is_empty() != target.hard().is_empty() {
                score -= 0.5;
            }
            score += 3.0 * hard;
            score += 1.5 * word_overlap(source.words(), target.words());
            if !source.english().is_empty() && !target.english().is_empty() {
                let english = dice(source.english(), target.english());
                score += 4.0 * english;
                if english < 0.2 {
                    score -= 1.0;
                }
            }
            if both_segmented {
                score += 6.0 * segments;
            }
            (score > 0.25).then_some(score)
        }

        pub fn align(source: &[Features], target: &[Features]) -> Vec<Pair> {
            let (n, m) = (source.len(), target.len());
            let band = Band::new(n, m);
            let mut best = vec![0f32; band.cells()];
            let mut pair_score = vec![f32::NEG_INFINITY; band.cells()];
            for i in (0..n).rev() {
                for j in (band.lo[i]..band.hi[i]).rev() {
                    let skip = band.best(&best, i + 1, j).max(band.best(&best, i, j + 1));
                    let index = band.start[i] + j - band.lo[i];
                    let take = match score(&source[i], &target[j]) {
                        Some(score) => {
                            pair_score[index] = score;
                            score + band.best(&best, i + 1, j + 1)
                        }
                        None => f32::NEG_INFINITY,
                    };
                    best[index] = skip.max(take);
                }
            }
            let mut pairs = Vec::with_capacity(n.max(m));
            let (mut i, mut j) = (0, 0);
            while i < n && j < m {
                let here = band.best(&best, i, j);
                let take = band
                    .index(i, j)
                    .map_or(f32::NEG_INFINITY, |index| pair_score[index]);
                if take.is_finite() && (take + band.best(&best, i + 1, j + 1) - here).abs() < 1e-4 {
                    pairs.push((Some(i), Some(j)));
                    i += 1;
                    j += 1;
                } else if (band.best(&best, i + 1, j) - here).abs() < 1e-4 {
                    pairs.push((Some(i), None));
                    i += 1;
                } else {
                    pairs.push((None, Some(j)));
                    j += 1;
                }
            }
            pairs.extend((i..n).map(|i| (Some(i), None)));
            pairs.extend((j..m).map(|j| (None, Some(j))));
            pairs
        }
    }

    /// A set of hashes from a small range, so that blocks often share some.
    fn set(range: u64, length: usize) -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(0..range, 0..=length).prop_map(|mut set| {
            make_set(&mut set);
            set
        })
    }

    /// Features of every kind, with few distinct values so that pairs of blocks often share
    /// shapes, table cells and hashes.
    fn features() -> impl Strategy<Value = Features> {
        let kind = (
            1u8..=4,
            1u8..=3,
            proptest::option::weighted(0.4, (0usize..3, 0usize..2)),
        );
        let containers = (
            0u8..2,
            0u8..2,
            proptest::option::weighted(0.1, proptest::sample::select(vec!["NOTE", "TIP"])),
        );
        let sets = (set(8, 3), set(24, 5), set(24, 8), set(40, 2));
        let emptiness = (
            proptest::bool::weighted(0.05),
            proptest::bool::weighted(0.1),
        );
        (kind, containers, emptiness, sets).prop_map(
            |(
                (class, level, table_cell),
                containers,
                (empty, anchor_only),
                (hard, words, english, segments),
            )| {
                let mut block = Features {
                    class,
                    level,
                    table_cell,
                    containers,
                    empty,
                    anchor_only: anchor_only && !empty,
                    ..Features::default()
                };
                block.set_sets([&hard, &words, &english, &segments]);
                block
            },
        )
    }

    /// A document, with English or side-by-side sets on every block or on none (as a document
    /// has them), so that both the sparse and the dense cases of alignment come up.
    fn document(length: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Features>> {
        (
            proptest::collection::vec(features(), length),
            proptest::bool::ANY,
            proptest::bool::ANY,
        )
            .prop_map(|(mut blocks, english, segments)| {
                for block in &mut blocks {
                    let kept =
                        |keep: bool, set: &[u64]| if keep { set.to_vec() } else { Vec::new() };
                    let sets = [
                        block.hard().to_vec(),
                        block.words().to_vec(),
                        kept(english, block.english()),
                        kept(segments, block.segments()),
                    ];
                    block.set_sets([&sets[0], &sets[1], &sets[2], &sets[3]]);
                }
                blocks
            })
    }

    /// The link key as it was made before it was hashed piece by piece.
    fn link_key(destination: &str) -> String {
        if let Some((_, fragment)) = destination.split_once('#')
            && !fragment.is_empty()
        {
            return format!("#{}", anchor_key(fragment));
        }
        let destination = destination.replace("&amp;", "&");
        let rest = match destination.split_once("://") {
            Some((_, rest)) => rest,
            None => destination.as_str(),
        };
        rest.split('/')
            .map(|part| {
                if is_locale_segment_oracle(part) {
                    "{locale}"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// [`is_locale_segment`] as it was first written, with the pieces collected.
    fn is_locale_segment_oracle(part: &str) -> bool {
        let pieces: Vec<&str> = part.split('-').collect();
        (2..=3).contains(&pieces.len())
            && pieces[0].len() == 2
            && pieces[0].chars().all(|c| c.is_ascii_lowercase())
            && pieces[1..]
                .iter()
                .all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
    }

    proptest::proptest! {
        #[test]
        fn link_key_hashes_are_hashes_of_the_keys(
            destination in "(https?://|#|/|&amp;|amp;|&|en|-|[a-zA-Z]{1,5}|[0-9]|_|中|:){0,14}",
        ) {
            proptest::prop_assert_eq!(link_key_hash(&destination), hash(&link_key(&destination)));
        }

        #[test]
        fn locale_segments_are_found_as_with_collected_pieces(
            part in "([a-z]{2}|[a-zA-Z]{1,5}|-|é|中|1){0,5}",
        ) {
            proptest::prop_assert_eq!(is_locale_segment(&part), is_locale_segment_oracle(&part));
        }
    }

    proptest::proptest! {
        #[test]
        fn normalized_hashes_are_hashes_of_the_normalized_tokens(
            kind in proptest::sample::select(vec![
                TokenKind::Url,
                TokenKind::Email,
                TokenKind::Path,
                TokenKind::FileName,
                TokenKind::Host,
                TokenKind::Number,
            ]),
            text in r"(&amp;|&|amp;|\\\\|\\|[a-zA-Z]{1,3}|[0-9]|０|９|中|É|/|\.){0,10}",
        ) {
            proptest::prop_assert_eq!(
                normalized_hash(kind, &text),
                hash(&tokens::normalize(kind, &text))
            );
        }
    }

    /// Every block once, in order on both sides.
    fn assert_well_formed(pairs: &[Pair], n: usize, m: usize) {
        let lefts: Vec<usize> = pairs.iter().filter_map(|p| p.0).collect();
        let rights: Vec<usize> = pairs.iter().filter_map(|p| p.1).collect();
        assert_eq!(lefts, (0..n).collect::<Vec<_>>());
        assert_eq!(rights, (0..m).collect::<Vec<_>>());
        assert!(pairs.iter().all(|pair| *pair != (None, None)));
    }

    proptest::proptest! {
        /// The key is made byte by byte (and hashed so, without making it); it was made with
        /// two string replacements.
        #[test]
        fn anchor_keys_are_made_as_with_string_replacements(name in "[_a-zA-Z0-9éİK-]{0,12}") {
            let trimmed = name.trim_matches('_');
            let trimmed = match trimmed.rsplit_once('_') {
                Some((head, tail)) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => head,
                _ => trimmed,
            };
            let replaced = trimmed.replace('_', "-").to_ascii_lowercase();
            proptest::prop_assert_eq!(hash_bytes(anchor_key_bytes(&name)), hash(&replaced));
            proptest::prop_assert_eq!(anchor_key(&name), replaced);
        }

        #[test]
        fn short_documents_align_as_the_reference_does(
            source in document(0..40),
            target in document(0..40),
        ) {
            let pairs = global_alignment(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }

        /// Latin words are found in bytes as they were in chars, and a side-by-side block's
        /// English read segment by segment gives the words of the segments joined by spaces.
        #[test]
        fn latin_word_hashes_are_those_of_the_words(
            pieces in proptest::collection::vec(
                "([a-zA-Z0-9 ,.()_é-]{0,6}[中文한국어。]{0,12}){0,4}",
                0..4,
            ),
        ) {
            let fnv = |word: String| {
                word.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
                })
            };
            let joined = pieces.join(" ");
            let expected: Vec<u64> = latin_words(&joined).map(fnv).collect();
            let mut hashes = Vec::new();
            push_latin_word_hashes(&joined, &mut hashes);
            proptest::prop_assert_eq!(&hashes, &expected);
            let mut by_piece = Vec::new();
            for piece in &pieces {
                push_latin_word_hashes(piece, &mut by_piece);
            }
            proptest::prop_assert_eq!(by_piece, expected);
        }

        #[test]
        fn scores_are_the_reference_scores(source in features(), target in features()) {
            proptest::prop_assert_eq!(score(&source, &target), reference::score(&source, &target));
        }

        #[test]
        fn a_document_aligned_with_itself_pairs_every_block_with_itself(
            blocks in document(0..60),
        ) {
            let pairs = global_alignment(&blocks, &blocks);
            let diagonal: Vec<Pair> = (0..blocks.len()).map(|i| (Some(i), Some(i))).collect();
            proptest::prop_assert_eq!(pairs, diagonal);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 24,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Long enough to be aligned in a band, with a run of blocks missing from the target
        /// and some extra ones, so that the path leaves the diagonal.
        #[test]
        fn long_documents_align_as_the_reference_does(
            source in document(200..320),
            extra in document(0..30),
            cut in 0usize..200,
            missing in 0usize..60,
        ) {
            let mut target = source.clone();
            target.drain(cut..(cut + missing).min(target.len()));
            let at = (cut * 7) % target.len().max(1);
            target.splice(at..at, extra);
            proptest::prop_assume!(source.len() * target.len() > FULL_CELLS);
            let pairs = global_alignment(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }

        /// Documents with so many shapes that their pairs are kept in a map, not a table.
        #[test]
        fn documents_of_many_shapes_align_as_the_reference_does(
            source in document(260..300),
            target in document(260..300),
        ) {
            // Nested lists and quotes of every depth.
            let nest = |mut blocks: Vec<Features>| {
                for (index, block) in blocks.iter_mut().enumerate() {
                    block.containers = ((index % 16) as u8, (index / 16) as u8, None);
                }
                blocks
            };
            let (source, target) = (nest(source), nest(target));
            let shapes = |blocks: &[Features]| Shapes::of(blocks).example.len();
            proptest::prop_assert!(matches!(
                ShapePairs::new(shapes(&source), shapes(&target)),
                ShapePairs::Map(_)
            ));
            let pairs = global_alignment(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }

        #[test]
        fn a_long_document_aligned_with_itself_pairs_every_block_with_itself(
            blocks in document(200..300),
        ) {
            let pairs = global_alignment(&blocks, &blocks);
            let diagonal: Vec<Pair> = (0..blocks.len()).map(|i| (Some(i), Some(i))).collect();
            proptest::prop_assert_eq!(pairs, diagonal);
        }

        #[test]
        fn long_unrelated_documents_align_as_the_reference_does(
            source in document(200..300),
            target in document(200..300),
        ) {
            let pairs = global_alignment(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }
    }

    /// `block`s with their hard values: a paragraph with several values.
    fn block_of(values: &[u64]) -> Features {
        let mut block = block(0);
        let mut values = values.to_vec();
        make_set(&mut values);
        block.set_sets([&values, &[], &[], &[]]);
        block
    }

    #[test]
    fn a_lone_block_with_one_changed_value_is_paired_between_pairs() {
        // A paragraph whose one number the translation changed, between two pairs: the scores
        // veto the pair (its hard values all differ), the gap pairs it.
        let source: Vec<Features> = [1, 2, 3].map(block).into();
        let target: Vec<Features> = [1, 9, 3].map(block).into();
        assert_eq!(
            global_alignment(&source, &target),
            [
                (Some(0), Some(0)),
                (Some(1), None),
                (None, Some(1)),
                (Some(2), Some(2))
            ]
        );
        let paired = [(Some(0), Some(0)), (Some(1), Some(1)), (Some(2), Some(2))];
        assert_eq!(align(&source, &target), paired);
        // At the ends of the documents too: a document of one paragraph.
        assert_eq!(align(&[block(2)], &[block(9)]), [(Some(0), Some(0))]);
        assert_eq!(
            align(&source[1..], &target[1..]),
            [(Some(0), Some(0)), (Some(1), Some(1))]
        );
    }

    #[test]
    fn lone_blocks_stay_alone_when_pairing_them_is_a_guess() {
        let alone = |source: &[Features], target: &[Features]| {
            align(source, target)
                .iter()
                .filter(|pair| pair.0.is_none() || pair.1.is_none())
                .count()
        };
        // Two blocks on each side between the pairs: which goes with which is not known.
        let source: Vec<Features> = [1, 2, 3, 4].map(block).into();
        let target: Vec<Features> = [1, 8, 9, 4].map(block).into();
        assert_eq!(alone(&source, &target), 4);
        // Several hard values on each side, none shared: a different block.
        let source = [block(1), block_of(&[2, 3]), block(4)];
        let target = [block(1), block_of(&[8, 9]), block(4)];
        assert_eq!(alone(&source, &target), 2);
        // A heading and a paragraph never pair.
        let mut heading = block(9);
        heading.class = 1;
        let target = [block(1), heading, block(4)];
        assert_eq!(alone(&[block(1), block(2), block(4)], &target), 2);
        // Side-by-side blocks that share no segment are different blocks.
        let segmented = |value: u64, segment: u64| {
            let mut block = block(value);
            block.set_sets([&[value], &[], &[], &[segment]]);
            block
        };
        let source = [segmented(1, 1), segmented(2, 2), segmented(4, 4)];
        let target = [segmented(1, 1), segmented(9, 3), segmented(4, 4)];
        assert_eq!(alone(&source, &target), 2);
    }

    #[test]
    fn small_documents_are_aligned_exactly() {
        let source: Vec<u64> = (0..300).collect();
        let mut target: Vec<u64> = source.iter().copied().filter(|&i| i % 7 != 3).collect();
        target.insert(100, 10_000);
        check(&source, &target);
    }

    #[test]
    fn long_documents_are_aligned_in_a_band_with_gaps_and_insertions() {
        let n = 3000;
        assert!(n * n > FULL_CELLS);
        let source: Vec<u64> = (0..n as u64).collect();
        // A missing run of 150 blocks, scattered missing blocks, and 120 extra blocks at the
        // end: the path strays from the diagonal but stays inside the band.
        let mut target: Vec<u64> = source
            .iter()
            .copied()
            .filter(|&i| !(1000..1150).contains(&i) && i % 97 != 5)
            .collect();
        target.extend(50_000..50_120);
        check(&source, &target);
    }

    #[test]
    fn very_different_lengths_still_align() {
        let source: Vec<u64> = (0..20).map(|i| i * 100).collect();
        let target: Vec<u64> = (0..30_000).collect();
        check(&source, &target);
    }
}
