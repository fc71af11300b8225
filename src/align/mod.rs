//! Pairs the blocks of a source (English) text with the blocks of a target (translated) text.
//!
//! Words differ between languages, so the alignment leans on what translation leaves alone:
//! block kind and level, containers, table position, URLs, numbers, code, anchors, Latin product
//! names, and in side-by-side files the segment ids and the embedded English. A global
//! alignment (Needleman–Wunsch with no gap cost) maximises the summed pair scores; a pair whose
//! evidence says "these are different blocks" scores below zero and is never made, so a block
//! with no partner is reported rather than matched by position alone.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Range;

use crate::markdown::model::{Block, BlockKind};
use crate::markdown::tokens;

/// What alignment knows of a block.
#[derive(Debug, Clone, Default)]
pub struct Features {
    class: u8,
    level: u8,
    table_cell: Option<(usize, usize)>,
    containers: (u8, u8, Option<&'static str>),
    /// Hashes of language-neutral tokens: URLs, hosts, numbers, code, link targets, anchors.
    hard: Vec<u64>,
    /// Hashes of Latin words (lower case, three letters or more).
    words: Vec<u64>,
    /// Hashes of English words, when the block's English is known (English text, or the
    /// embedded source of a side-by-side block).
    english: Vec<u64>,
    /// Hashes of side-by-side segment ids.
    segments: Vec<u64>,
    empty: bool,
}

fn hash(value: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn sorted(mut values: Vec<u64>) -> Vec<u64> {
    values.sort_unstable();
    values.dedup();
    values
}

/// Pushes the hash of every Latin word of `text` (three ASCII letters or digits or more, one
/// of them a letter) onto `hashes`: FNV-1a of the word's lower case, without making the
/// lower-cased string (words are short, and only equality between the two sides of one
/// alignment matters). Bytes, not chars: every byte of a non-ASCII char is a separator, as the
/// char is, so the words are the same and CJK text is not decoded.
fn push_latin_word_hashes(text: &str, hashes: &mut Vec<u64>) {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    let (mut hash, mut length, mut has_letter) = (OFFSET, 0, false);
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() {
            hash = (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
            length += 1;
            has_letter |= byte.is_ascii_alphabetic();
        } else {
            if length >= 3 && has_letter {
                hashes.push(hash);
            }
            (hash, length, has_letter) = (OFFSET, 0, false);
        }
    }
    if length >= 3 && has_letter {
        hashes.push(hash);
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
    let trimmed = name.trim_matches('_');
    let trimmed = match trimmed.rsplit_once('_') {
        Some((head, tail)) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => head,
        _ => trimmed,
    };
    trimmed.replace('_', "-").to_ascii_lowercase()
}

/// What a link contributes to alignment: the anchor of an in-page link (its file name and
/// decorations are what translations break, LD202's business), otherwise the destination
/// without its scheme (`http` → `https` is LD401's business).
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
    // A locale segment (`/en-us/` → `/zh-cn/`) is what localization rewrites; LD104 judges it.
    rest.split('/')
        .map(|part| {
            if is_locale_segment(part) {
                "{locale}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a path segment is a locale such as `en-us` or `zh-Hant-TW`.
pub fn is_locale_segment(part: &str) -> bool {
    let pieces: Vec<&str> = part.split('-').collect();
    (2..=3).contains(&pieces.len())
        && pieces[0].len() == 2
        && pieces[0].chars().all(|c| c.is_ascii_lowercase())
        && pieces[1..]
            .iter()
            .all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
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
    /// Features of a block of `text`.
    pub fn of(block: &Block, text: &str, english: English, segment_ids: &[&str]) -> Features {
        let prose = block.prose(text);
        let mut hard = Vec::new();
        for token in tokens::scan(&prose) {
            hard.push(hash(&tokens::normalize(token.kind, &prose[token.range])));
        }
        for code in &block.code_spans {
            hard.push(hash(text[code.clone()].trim_matches('`').trim()));
        }
        for link in &block.links {
            hard.push(hash(&link_key(&link.destination)));
        }
        for anchor in &block.anchors {
            hard.push(hash(&anchor_key(&anchor.name)));
        }
        if block.kind == BlockKind::CodeBlock {
            hard.push(hash(text[block.range.clone()].trim()));
        }
        let mut words = Vec::new();
        push_latin_word_hashes(&prose, &mut words);
        // An English block's English is its prose, whose words were just hashed: they are
        // copied rather than hashed a second time.
        let english = match english {
            English::Unknown => Vec::new(),
            English::Prose => sorted(words.clone()),
            English::Embedded(pieces) => {
                let mut english = Vec::new();
                for piece in pieces {
                    push_latin_word_hashes(piece, &mut english);
                }
                sorted(english)
            }
        };
        // Latin words of code and link destinations survive translation as well as prose
        // names do; with them a block whose only code span or link drifted still aligns, and
        // the drift is reported by the rule that owns it rather than as a missing block.
        for code in &block.code_spans {
            push_latin_word_hashes(&text[code.clone()], &mut words);
        }
        for link in &block.links {
            if !link.destination.contains('#') {
                push_latin_word_hashes(&link.destination, &mut words);
            }
        }
        let (class, level, table_cell) = match block.kind {
            BlockKind::Heading(level) => (1, level, None),
            BlockKind::Paragraph => (2, 0, None),
            BlockKind::TableCell { row, column, .. } => (2, 0, Some((row, column))),
            BlockKind::CodeBlock => (3, 0, None),
            BlockKind::Html => (4, 0, None),
        };
        Features {
            class,
            level,
            table_cell,
            containers: (
                block.containers.list_depth,
                block.containers.quote_depth,
                block.containers.alert,
            ),
            empty: text[block.range.clone()].trim().is_empty() && block.anchors.is_empty(),
            hard: sorted(hard),
            words: sorted(words),
            english,
            segments: sorted(segment_ids.iter().map(|id| hash(id)).collect()),
        }
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
fn overlap(shared: u32, left: usize, right: usize) -> f32 {
    if shared == 0 || left == 0 || right == 0 {
        return 0.0;
    }
    2.0 * shared as f32 / (left + right) as f32
}

/// Sørensen–Dice overlap of two sorted sets, 0 when either is empty.
pub(crate) fn dice(left: &[u64], right: &[u64]) -> f32 {
    overlap(shared_count(left, right), left.len(), right.len())
}

/// How many hashes two blocks share, set by set: all that [`score`] needs of the sets besides
/// their sizes. (A set holds at most one hash per three bytes of its block, so `u32` is room
/// enough for any file that fits in memory.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Shared {
    hard: u32,
    words: u32,
    english: u32,
    segments: u32,
}

impl Shared {
    fn between(source: &Features, target: &Features) -> Shared {
        Shared {
            hard: shared_count(&source.hard, &target.hard),
            words: shared_count(&source.words, &target.words),
            english: shared_count(&source.english, &target.english),
            segments: shared_count(&source.segments, &target.segments),
        }
    }
}

/// How well two blocks match; `None` when they must not be paired.
pub fn score(source: &Features, target: &Features) -> Option<f32> {
    score_shared(source, target, Shared::between(source, target))
}

/// [`score`], given what the two blocks' sets share.
fn score_shared(source: &Features, target: &Features, shared: Shared) -> Option<f32> {
    let mut score = match (source.class, target.class) {
        (a, b) if a == b => 1.0,
        (2, 4) | (4, 2) => 0.4,
        _ => return None,
    };
    // Side-by-side blocks that share no segment are different blocks.
    let segments = overlap(
        shared.segments,
        source.segments.len(),
        target.segments.len(),
    );
    let both_segmented = !source.segments.is_empty() && !target.segments.is_empty();
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
    let hard = overlap(shared.hard, source.hard.len(), target.hard.len());
    if !source.hard.is_empty() && !target.hard.is_empty() && hard == 0.0 {
        score -= 1.0;
    } else if source.hard.is_empty() != target.hard.is_empty() {
        score -= 0.5;
    }
    score += 3.0 * hard;
    score += 1.5 * overlap(shared.words, source.words.len(), target.words.len());
    if !source.english.is_empty() && !target.english.is_empty() {
        let english = overlap(shared.english, source.english.len(), target.english.len());
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

/// [`score_shared`], minus infinity for a pair that must not be made: adding the rest of a path
/// to it gives minus infinity, as taking the pair must.
fn score_or_minus_infinity(source: &Features, target: &Features, shared: Shared) -> f32 {
    score_shared(source, target, shared).unwrap_or(f32::NEG_INFINITY)
}

/// The score of `source` against `target`, which share no hash, and so of any block of
/// `source_shape` against any block of `target`'s shape, kept in `cached` unless the two are the
/// same table cell.
#[cold]
fn shape_miss(
    source: &Features,
    target: &Features,
    source_shape: usize,
    cached: &mut (usize, f32),
) -> f32 {
    let score = score_or_minus_infinity(source, target, Shared::default());
    if source.table_cell.is_none() || target.table_cell != source.table_cell {
        *cached = (source_shape, score);
    }
    score
}

/// What a block's score against another block depends on when the two share no hash: its
/// features but the contents of the sets and the position of a table cell (which only counts
/// when both blocks are the same cell, and then the score is computed pair by pair). Documents
/// have few shapes, so most of the pairs of the band get their score from a small per-row cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Shape {
    class: u8,
    level: u8,
    table_cell: bool,
    containers: (u8, u8, Option<&'static str>),
    empty: bool,
    has_hard: bool,
    has_english: bool,
    has_segments: bool,
}

impl Shape {
    fn of(block: &Features) -> Shape {
        Shape {
            class: block.class,
            level: block.level,
            table_cell: block.table_cell.is_some(),
            containers: block.containers,
            empty: block.empty,
            has_hard: !block.hard.is_empty(),
            has_english: !block.english.is_empty(),
            has_segments: !block.segments.is_empty(),
        }
    }
}

/// The shapes of a document's blocks, numbered from 0.
struct Shapes {
    of_block: Vec<usize>,
    count: usize,
}

impl Shapes {
    fn of(blocks: &[Features]) -> Shapes {
        let mut numbers: HashMap<Shape, usize> = HashMap::new();
        // Neighbouring blocks often have the same shape: the last one is tried first.
        let mut last: Option<(Shape, usize)> = None;
        let of_block = blocks
            .iter()
            .map(|block| {
                let shape = Shape::of(block);
                if let Some((last_shape, number)) = last
                    && last_shape == shape
                {
                    return number;
                }
                let next = numbers.len();
                let number = *numbers.entry(shape).or_insert(next);
                last = Some((shape, number));
                number
            })
            .collect();
        Shapes {
            of_block,
            count: numbers.len(),
        }
    }
}

/// The larger of two numbers, neither of which is NaN (`f32::max` also looks for NaN).
fn max(left: f32, right: f32) -> f32 {
    if left >= right { left } else { right }
}

/// A hasher for keys that are already hashes: it only spreads their bits over the table.
#[derive(Default)]
struct HashOfHash(u64);

impl Hasher for HashOfHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(self.0 ^ u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (value ^ (value >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// For one kind of set, the target blocks that hold each hash, in increasing order: with it a
/// source block finds the target blocks it shares hashes with without comparing the sets of
/// all the others.
struct Postings {
    /// The number of each hash's list.
    lists: HashMap<u64, usize, BuildHasherDefault<HashOfHash>>,
    /// List `l` is `blocks[ends[l - 1]..ends[l]]` (from 0 for the first).
    blocks: Vec<usize>,
    ends: Vec<usize>,
    /// Per list, where its blocks from the last asked column on start (see [`Postings::holders`]).
    cursors: Vec<usize>,
}

impl Postings {
    fn new<'a>(sets: impl Iterator<Item = &'a [u64]> + Clone) -> Postings {
        let mut lists: HashMap<u64, usize, BuildHasherDefault<HashOfHash>> = HashMap::default();
        let mut lengths: Vec<usize> = Vec::new();
        let mut list_of_value = Vec::new();
        for set in sets.clone() {
            for &value in set {
                let list = *lists.entry(value).or_insert(lengths.len());
                if list == lengths.len() {
                    lengths.push(0);
                }
                lengths[list] += 1;
                list_of_value.push(list);
            }
        }
        let ends: Vec<usize> = lengths
            .iter()
            .scan(0, |end, length| {
                *end += length;
                Some(*end)
            })
            .collect();
        // Filled block by block, so that each list comes out in order.
        let mut blocks = vec![0; list_of_value.len()];
        let mut free: Vec<usize> = ends
            .iter()
            .zip(&lengths)
            .map(|(end, length)| end - length)
            .collect();
        let values = sets
            .enumerate()
            .flat_map(|(block, set)| set.iter().map(move |_| block));
        for (block, &list) in values.zip(&list_of_value) {
            blocks[free[list]] = block;
            free[list] += 1;
        }
        Postings {
            lists,
            blocks,
            cursors: ends.clone(),
            ends,
        }
    }

    /// Calls `found` with the offset in `columns` of each target block of `columns` that holds
    /// a value of `set`, once per value it holds. `columns.start` must not increase from one call to the next (the band
    /// is walked from its last row up), so that each list is skipped through once in all.
    fn holders(&mut self, set: &[u64], columns: &Range<usize>, mut found: impl FnMut(usize)) {
        if self.lists.is_empty() {
            return;
        }
        for value in set {
            let Some(&list) = self.lists.get(value) else {
                continue;
            };
            let first = if list == 0 { 0 } else { self.ends[list - 1] };
            let mut cursor = self.cursors[list];
            while cursor > first && self.blocks[cursor - 1] >= columns.start {
                cursor -= 1;
            }
            self.cursors[list] = cursor;
            for &block in &self.blocks[cursor..self.ends[list]] {
                if block >= columns.end {
                    break;
                }
                found(block - columns.start);
            }
        }
    }
}

/// The pair scores of one row of the band at a time: what a source block scores against the
/// target blocks of its columns.
///
/// Most pairs share no hash, and the score of such a pair depends only on the two blocks'
/// [`Shape`]s: it is computed once and reused while the source shape stays the same. The pairs
/// that share a hash are found through [`Postings`], without comparing the source block with
/// every target block, and scored one by one.
struct RowScorer<'a> {
    source: &'a [Features],
    target: &'a [Features],
    /// Postings of the target blocks' hard, word, English and segment sets.
    postings: [Postings; 4],
    /// The shape number of each source block, and of each target block (numbered apart).
    source_shapes: Vec<usize>,
    target_shapes: Vec<usize>,
    /// Per target shape: the source shape it was last scored against, and the score.
    shape_scores: Vec<(usize, f32)>,
    /// The target blocks of the current row that share a hash with its source block, by
    /// offset in its columns.
    hits: Vec<usize>,
    /// What the current row's source block shares with each target block of its columns, by
    /// offset; all zero between rows.
    shared: Vec<Shared>,
    scores: Vec<f32>,
}

impl<'a> RowScorer<'a> {
    fn new(source: &'a [Features], target: &'a [Features]) -> RowScorer<'a> {
        let target_shapes = Shapes::of(target);
        RowScorer {
            source,
            target,
            postings: [
                Postings::new(target.iter().map(|t| t.hard.as_slice())),
                Postings::new(target.iter().map(|t| t.words.as_slice())),
                Postings::new(target.iter().map(|t| t.english.as_slice())),
                Postings::new(target.iter().map(|t| t.segments.as_slice())),
            ],
            source_shapes: Shapes::of(source).of_block,
            shape_scores: vec![(usize::MAX, f32::NEG_INFINITY); target_shapes.count],
            target_shapes: target_shapes.of_block,
            hits: Vec::new(),
            shared: Vec::new(),
            scores: Vec::new(),
        }
    }

    /// The scores of source block `i` against the target blocks of `columns`: [`score`], or
    /// minus infinity for a pair that must not be made. `columns.start` must not increase from
    /// one call to the next (see [`Postings::holders`]).
    fn row(&mut self, i: usize, columns: Range<usize>) -> &[f32] {
        let source = &self.source[i];
        let source_shape = self.source_shapes[i];
        let shape_scores = &mut self.shape_scores;
        self.scores.clear();
        self.scores.extend(
            self.target_shapes[columns.clone()]
                .iter()
                .zip(&self.target[columns.clone()])
                .map(|(&target_shape, target)| match shape_scores[target_shape] {
                    (scored_against, score) if scored_against == source_shape => score,
                    _ => shape_miss(
                        source,
                        target,
                        source_shape,
                        &mut shape_scores[target_shape],
                    ),
                }),
        );
        // The pairs that share a hash, or are the same table cell (worth more than shapes
        // tell), are scored one by one.
        let (shared, hits) = (&mut self.shared, &mut self.hits);
        shared.resize(shared.len().max(columns.len()), Shared::default());
        hits.clear();
        let mut hit = |k: usize, counter: fn(&mut Shared) -> &mut u32| {
            if shared[k] == Shared::default() {
                hits.push(k);
            }
            *counter(&mut shared[k]) += 1;
        };
        let [hard, words, english, segments] = &mut self.postings;
        hard.holders(&source.hard, &columns, |k| hit(k, |s| &mut s.hard));
        words.holders(&source.words, &columns, |k| hit(k, |s| &mut s.words));
        english.holders(&source.english, &columns, |k| hit(k, |s| &mut s.english));
        segments.holders(&source.segments, &columns, |k| hit(k, |s| &mut s.segments));
        if source.table_cell.is_some() {
            let targets = self.target[columns.clone()].iter().enumerate();
            for (k, target) in targets {
                if target.table_cell == source.table_cell && shared[k] == Shared::default() {
                    hits.push(k);
                }
            }
        }
        for &k in hits.iter() {
            let target = &self.target[columns.start + k];
            self.scores[k] = score_or_minus_infinity(source, target, shared[k]);
            shared[k] = Shared::default();
        }
        &self.scores
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
    /// Index of the first cell of each row in the flat arrays.
    start: Vec<usize>,
}

impl Band {
    fn new(n: usize, m: usize) -> Band {
        let full = n.saturating_mul(m) <= FULL_CELLS;
        // Widened by the difference in length, so that a path whose extra blocks are all on one
        // side (only insertions, or only deletions) always fits.
        let width = HALF_WIDTH + n.abs_diff(m);
        let (mut lo, mut hi, mut start) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n + 1),
        );
        let mut cells = 0;
        for i in 0..n {
            let (low, high) = if full {
                (0, m)
            } else {
                let center = i * m / n;
                (center.saturating_sub(width), (center + width + 1).min(m))
            };
            lo.push(low);
            hi.push(high);
            start.push(cells);
            cells += high - low;
        }
        start.push(cells);
        Band { m, lo, hi, start }
    }

    /// Fills `below` with the best totals of row `i + 1` for the columns of row `i` and one
    /// more: what [`Band::best`] gives for `(i + 1, lo[i]..=hi[i])`.
    fn row_below(&self, best: &[f32], i: usize, below: &mut Vec<f32>) {
        let columns = self.lo[i]..self.hi[i] + 1;
        below.clear();
        if i + 1 == self.lo.len() {
            below.resize(columns.len(), 0.0);
            return;
        }
        below.resize(columns.len(), f32::NEG_INFINITY);
        let (lo, hi) = (self.lo[i + 1], self.hi[i + 1]);
        let (from, to) = (lo.max(columns.start), hi.min(columns.end));
        if from < to {
            below[from - columns.start..to - columns.start]
                .copy_from_slice(&best[self.start[i + 1] + from - lo..self.start[i + 1] + to - lo]);
        }
        if columns.end - 1 == self.m {
            below[columns.len() - 1] = 0.0;
        }
    }

    fn cells(&self) -> usize {
        self.start.last().copied().unwrap_or(0)
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
/// The alignment is exact up to [`FULL_CELLS`] block pairs; longer documents are aligned within
/// a band around the diagonal (see [`HALF_WIDTH`]), so time and memory grow linearly with the
/// document instead of with its square.
pub fn align(source: &[Features], target: &[Features]) -> Vec<Pair> {
    let (n, m) = (source.len(), target.len());
    let band = Band::new(n, m);
    let mut scorer = RowScorer::new(source, target);
    // best: the best total for source[i..] and target[j..], row by row as `Band` lays them out.
    let mut best = vec![0f32; band.cells()];
    // The best totals of the row below, from the row's first column to one past its last, so
    // that `below[k + 1]` is the diagonal.
    let mut below: Vec<f32> = Vec::new();
    for i in (0..n).rev() {
        let columns = band.lo[i]..band.hi[i];
        let scores = scorer.row(i, columns.clone());
        band.row_below(&best, i, &mut below);
        let mut right = band.best(&best, i, columns.end);
        let row = &mut best[band.start[i]..band.start[i + 1]];
        // best(i, j) = max(best(i + 1, j), best(i, j + 1), score + best(i + 1, j + 1)): what
        // does not depend on best(i, j + 1) first, in a loop without a carried dependency that
        // the compiler can vectorize, then the running maximum from the right.
        for ((best, &score), below) in row.iter_mut().zip(scores).zip(below.windows(2)) {
            *best = max(below[0], score + below[1]);
        }
        for best in row.iter_mut().rev() {
            right = max(*best, right);
            *best = right;
        }
    }
    let mut pairs = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = band.best(&best, i, j);
        let take = match band.index(i, j) {
            Some(_) => score(&source[i], &target[j]).unwrap_or(f32::NEG_INFINITY),
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
        Features {
            class: 2,
            hard: vec![id],
            ..Features::default()
        }
    }

    fn check(source: &[u64], target: &[u64]) {
        let source_features: Vec<Features> = source.iter().copied().map(block).collect();
        let target_features: Vec<Features> = target.iter().copied().map(block).collect();
        let pairs = align(&source_features, &target_features);
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

        pub fn score(source: &Features, target: &Features) -> Option<f32> {
            let mut score = match (source.class, target.class) {
                (a, b) if a == b => 1.0,
                (2, 4) | (4, 2) => 0.4,
                _ => return None,
            };
            let segments = dice(&source.segments, &target.segments);
            let both_segmented = !source.segments.is_empty() && !target.segments.is_empty();
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
            let hard = dice(&source.hard, &target.hard);
            if !source.hard.is_empty() && !target.hard.is_empty() && hard == 0.0 {
                score -= 1.0;
            } else if source.hard.is_empty() != target.hard.is_empty() {
                score -= 0.5;
            }
            score += 3.0 * hard;
            score += 1.5 * dice(&source.words, &target.words);
            if !source.english.is_empty() && !target.english.is_empty() {
                let english = dice(&source.english, &target.english);
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
        proptest::collection::vec(0..range, 0..=length).prop_map(sorted)
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
        (kind, containers, proptest::bool::weighted(0.05), sets).prop_map(
            |((class, level, table_cell), containers, empty, (hard, words, english, segments))| {
                Features {
                    class,
                    level,
                    table_cell,
                    containers,
                    empty,
                    hard,
                    words,
                    english,
                    segments,
                }
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
                    if !english {
                        block.english.clear();
                    }
                    if !segments {
                        block.segments.clear();
                    }
                }
                blocks
            })
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
        #[test]
        fn short_documents_align_as_the_reference_does(
            source in document(0..40),
            target in document(0..40),
        ) {
            let pairs = align(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }

        #[test]
        fn scores_are_the_reference_scores(source in features(), target in features()) {
            proptest::prop_assert_eq!(score(&source, &target), reference::score(&source, &target));
        }

        #[test]
        fn a_document_aligned_with_itself_pairs_every_block_with_itself(
            blocks in document(0..60),
        ) {
            let pairs = align(&blocks, &blocks);
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
            let pairs = align(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }

        #[test]
        fn long_unrelated_documents_align_as_the_reference_does(
            source in document(200..300),
            target in document(200..300),
        ) {
            let pairs = align(&source, &target);
            assert_well_formed(&pairs, source.len(), target.len());
            proptest::prop_assert_eq!(pairs, reference::align(&source, &target));
        }
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
