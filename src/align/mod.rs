//! Pairs the blocks of a source (English) text with the blocks of a target (translated) text.
//!
//! Words differ between languages, so the alignment leans on what translation leaves alone:
//! block kind and level, containers, table position, URLs, numbers, code, anchors, Latin product
//! names, and in side-by-side files the segment ids and the embedded English. A global
//! alignment (Needleman–Wunsch with no gap cost) maximises the summed pair scores; a pair whose
//! evidence says "these are different blocks" scores below zero and is never made, so a block
//! with no partner is reported rather than matched by position alone.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

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

impl Features {
    /// Features of a block of `text`; `english` is the block's English when it is known.
    pub fn of(block: &Block, text: &str, english: Option<&str>, segment_ids: &[&str]) -> Features {
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
        // Latin words of code and link destinations survive translation as well as prose
        // names do; with them a block whose only code span or link drifted still aligns, and
        // the drift is reported by the rule that owns it rather than as a missing block.
        let mut words: Vec<u64> = latin_words(&prose).map(|word| hash(&word)).collect();
        for code in &block.code_spans {
            words.extend(latin_words(&text[code.clone()]).map(|word| hash(&word)));
        }
        for link in &block.links {
            if !link.destination.contains('#') {
                words.extend(latin_words(&link.destination).map(|word| hash(&word)));
            }
        }
        let english = english
            .map(|english| latin_words(english).map(|word| hash(&word)).collect())
            .unwrap_or_default();
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
            english: sorted(english),
            segments: sorted(segment_ids.iter().map(|id| hash(id)).collect()),
        }
    }
}

/// Sørensen–Dice overlap of two sorted sets, 0 when either is empty.
pub(crate) fn dice(left: &[u64], right: &[u64]) -> f32 {
    if left.is_empty() || right.is_empty() {
        return 0.0;
    }
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
    2.0 * shared as f32 / (left.len() + right.len()) as f32
}

/// How well two blocks match; `None` when they must not be paired.
pub fn score(source: &Features, target: &Features) -> Option<f32> {
    let mut score = match (source.class, target.class) {
        (a, b) if a == b => 1.0,
        (2, 4) | (4, 2) => 0.4,
        _ => return None,
    };
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
    let segments = dice(&source.segments, &target.segments);
    if !source.segments.is_empty() && !target.segments.is_empty() {
        if segments == 0.0 {
            return None;
        }
        score += 6.0 * segments;
    }
    (score > 0.25).then_some(score)
}

/// One row of an alignment: a source block, a target block, or both.
pub type Pair = (Option<usize>, Option<usize>);

/// Aligns two block sequences. The result is monotonic in both indices and lists every block
/// of each side exactly once.
pub fn align(source: &[Features], target: &[Features]) -> Vec<Pair> {
    let (n, m) = (source.len(), target.len());
    // best[i][j]: best total for source[i..] and target[j..]; row-major in one vector.
    let width = m + 1;
    let mut best = vec![0f32; (n + 1) * width];
    let mut pair_score = vec![f32::NEG_INFINITY; n * m.max(1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[(i + 1) * width + j].max(best[i * width + j + 1]);
            let take = match score(&source[i], &target[j]) {
                Some(score) => {
                    pair_score[i * m + j] = score;
                    score + best[(i + 1) * width + j + 1]
                }
                None => f32::NEG_INFINITY,
            };
            best[i * width + j] = skip.max(take);
        }
    }
    let mut pairs = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = best[i * width + j];
        let take = pair_score[i * m + j];
        if take.is_finite() && (take + best[(i + 1) * width + j + 1] - here).abs() < 1e-4 {
            pairs.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if (best[(i + 1) * width + j] - here).abs() < 1e-4 {
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
