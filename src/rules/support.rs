//! Small helpers shared by the pairwise rules (LD102–LD105, LD204, LD304): labels on whole
//! blocks, code-span contents, and which blocks are prose.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::diagnostic::{FileSide, Label};
use crate::markdown::model::Block;
use crate::rules::Context;

/// A label on the first line of a target block (a whole table or paragraph is too wide).
pub(crate) fn target_block_label(
    cx: &Context<'_>,
    block: &Block,
    message: impl Into<String>,
) -> Label {
    let range = cx.target_original(block.range.clone());
    Label::place(cx.target.document.first_line_of(range), message)
}

/// A label on the first line of a reference block, in the file the reference belongs to.
pub(crate) fn source_block_label(
    cx: &Context<'_>,
    block: &Block,
    message: impl Into<String>,
) -> Option<Label> {
    let (file, document) = reference_document(cx)?;
    let range = cx.reference?.view.original(block.range.clone());
    Some(Label::new(file, document.first_line_of(range), message))
}

/// The file the reference view belongs to: the English source, or a side-by-side target that
/// embeds its English.
pub(crate) fn reference_document<'a>(
    cx: &Context<'a>,
) -> Option<(FileSide, &'a crate::document::Document)> {
    let reference = cx.reference?;
    let document = match reference.file {
        FileSide::Source => &cx.source?.document,
        FileSide::Target => &cx.target.document,
    };
    Some((reference.file, document))
}

/// Whether a block is prose that pairwise token rules compare (not code, not raw HTML).
pub(crate) fn is_prose(block: &Block) -> bool {
    !matches!(
        block.kind,
        crate::markdown::model::BlockKind::CodeBlock | crate::markdown::model::BlockKind::Html
    )
}
/// The contents of a code span, without its backticks and the one space CommonMark strips.
pub(crate) fn code_content(text: &str, span: &Range<usize>) -> Range<usize> {
    let raw = &text[span.clone()];
    let ticks = raw.len() - raw.trim_start_matches('`').len();
    let closing = raw.len() - raw.trim_end_matches('`').len();
    if ticks + closing > raw.len() {
        return span.start..span.start;
    }
    let mut start = span.start + ticks;
    let mut end = span.end - closing;
    let inner = &text[start..end];
    if inner.len() >= 2
        && inner.starts_with(' ')
        && inner.ends_with(' ')
        && !inner.trim().is_empty()
    {
        start += 1;
        end -= 1;
    }
    start..end
}

/// How many unmatched values of one block a pairwise rule examines one by one (looking for
/// the altered value, a split or a move), in a block of up to [`FULL_EXAMINATION`] bytes. Each
/// examination costs a pass over the block's values or text; past this many the block is not a
/// translation of its source in any useful sense, and the rest are reported in one summary
/// finding instead of taking time quadratic in the block's size.
const MAX_EXAMINED: usize = 100;
/// Above this size a block gets proportionally fewer examinations, down to [`MIN_EXAMINED`].
const FULL_EXAMINATION: usize = 64 << 10;
const MIN_EXAMINED: usize = 10;

/// How many unmatched values of `target` are examined one by one.
fn examination_limit(target: &Block) -> usize {
    let size = target.range.len().max(1);
    if size <= FULL_EXAMINATION {
        MAX_EXAMINED
    } else {
        (MAX_EXAMINED * FULL_EXAMINATION / size).max(MIN_EXAMINED)
    }
}

/// Keeps the unmatched values of a block pair that are examined one by one, and returns the
/// summary finding for the others, if any: `nouns` of the source not matched in the
/// translation, or (`added`) of the translation not in the source.
pub(crate) fn examine_only<T>(
    cx: &Context<'_>,
    info: &'static crate::rules::RuleInfo,
    (source, target): (&Block, &Block),
    unmatched: &mut Vec<T>,
    nouns: &str,
    added: bool,
) -> Option<crate::diagnostic::Diagnostic> {
    let limit = examination_limit(target);
    if unmatched.len() <= limit {
        return None;
    }
    let count = unmatched.len() - limit;
    unmatched.truncate(limit);
    let block = target.kind.noun();
    let message = if added {
        format!(
            "{count} more {nouns} of this {block} are not in the source (only the first {limit} \
             are examined one by one)"
        )
    } else {
        format!(
            "{count} more {nouns} of the source are not matched in this {block} (only the first \
             {limit} are examined one by one)"
        )
    };
    let mut diagnostic = crate::diagnostic::Diagnostic::new(
        info,
        message,
        target_block_label(cx, target, "too many to examine one by one"),
    )
    .with_help("fix the findings above and check again");
    if let Some(label) = source_block_label(cx, source, "the English source") {
        diagnostic = diagnostic.with_secondary(label);
    }
    Some(diagnostic)
}

/// How many distinct term lists [`terms_matcher`] keeps automata for. Nearly every file of a
/// run has the rulebooks' list alone, or with the few `no-loc` terms its docs set shares; when
/// files bring more lists than this, the cache starts over, so the common list is built again
/// once and memory stays bounded.
const TERMS_MATCHERS_KEPT: usize = 64;

/// Automata by term list.
type TermsMatchers = Mutex<HashMap<Vec<String>, Option<Arc<AhoCorasick>>>>;

/// An automaton that finds every occurrence of every term, overlapping ones too, with pattern
/// numbers in the order of `terms`; `None` only if it cannot be built, which does not happen
/// for lists of this size.
///
/// Built once per distinct list and run, not once per file (a build costs about as much as
/// searching a 10 KB file), so it can be the DFA, which searches several times faster than
/// the NFA whose only merit was a cheaper build.
pub(crate) fn terms_matcher(terms: &[&str]) -> Option<Arc<AhoCorasick>> {
    static CACHE: OnceLock<TermsMatchers> = OnceLock::new();
    terms_matcher_in(CACHE.get_or_init(TermsMatchers::default), terms)
}

fn terms_matcher_in(cache: &TermsMatchers, terms: &[&str]) -> Option<Arc<AhoCorasick>> {
    let key: Vec<String> = terms.iter().map(|term| term.to_string()).collect();
    if let Some(matcher) = cache.lock().ok().and_then(|cache| cache.get(&key).cloned()) {
        return matcher;
    }
    let matcher = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(terms)
        .ok()
        .map(Arc::new);
    if let Ok(mut cache) = cache.lock() {
        if cache.len() >= TERMS_MATCHERS_KEPT {
            cache.clear();
        }
        cache.insert(key, matcher.clone());
    }
    matcher
}

/// The hash of a matching key, for [`Pool`].
pub(crate) fn key_hash(key: impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// A block's target values, taken one at a time by the source values they match: the first
/// value not yet taken, in the order of the block, that satisfies the rule's predicate.
///
/// Small pools scan, as `iter().position()` + `remove()` did. Large ones (a table cell or
/// paragraph with thousands of values) index the values by the hash of a key that the
/// predicate implies (two values that match have equal keys), so pairing a block stays linear
/// where the scan and the removals were quadratic. The result is the same either way, except
/// that a large pool tries at most [`POOL_SCAN_LIMIT`] values of a key that the predicate
/// rejects (only the link rule's predicate rejects values of the right key).
pub(crate) struct Pool<T> {
    items: Vec<Option<T>>,
    /// Positions of the values by key hash, in order; `None` for a small pool.
    queues: Option<std::collections::HashMap<u64, std::collections::VecDeque<usize>>>,
    /// The source value's key hashes, reused from search to search.
    hashes: Vec<u64>,
}

/// Below this many values a pool scans.
const POOL_INDEX_FROM: usize = 32;
/// In a large pool, how many values of one key are tried against the predicate before giving
/// up.
const POOL_SCAN_LIMIT: usize = 64;

impl<T> Pool<T> {
    /// A pool of `items`; `keys` gives the hashes of the keys a value can be matched by.
    pub(crate) fn new(items: Vec<T>, mut keys: impl FnMut(&T, &mut Vec<u64>)) -> Pool<T> {
        let queues = (items.len() >= POOL_INDEX_FROM).then(|| {
            let mut queues: std::collections::HashMap<u64, std::collections::VecDeque<usize>> =
                std::collections::HashMap::new();
            let mut hashes = Vec::new();
            for (index, item) in items.iter().enumerate() {
                hashes.clear();
                keys(item, &mut hashes);
                hashes.sort_unstable();
                hashes.dedup();
                for &hash in &hashes {
                    queues.entry(hash).or_default().push_back(index);
                }
            }
            queues
        });
        Pool {
            items: items.into_iter().map(Some).collect(),
            queues,
            hashes: Vec::new(),
        }
    }

    /// Takes the first value that satisfies `matches`, among those whose keys hash to one of
    /// those `keys` gives (the source value's keys; asked for only by a large pool).
    pub(crate) fn take(
        &mut self,
        keys: impl FnOnce(&mut Vec<u64>),
        matches: impl FnMut(&T) -> bool,
    ) -> Option<T> {
        let index = self.position(keys, matches)?;
        self.items[index].take()
    }

    /// The first value that satisfies `matches`, as [`Pool::take`] would take it, left in.
    pub(crate) fn find(
        &mut self,
        keys: impl FnOnce(&mut Vec<u64>),
        matches: impl FnMut(&T) -> bool,
    ) -> Option<&T> {
        let index = self.position(keys, matches)?;
        self.items[index].as_ref()
    }

    fn position(
        &mut self,
        keys: impl FnOnce(&mut Vec<u64>),
        mut matches: impl FnMut(&T) -> bool,
    ) -> Option<usize> {
        let Some(queues) = &mut self.queues else {
            return self
                .items
                .iter()
                .position(|item| item.as_ref().is_some_and(&mut matches));
        };
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.clear();
        keys(&mut hashes);
        let mut best: Option<usize> = None;
        for hash in &hashes {
            let Some(queue) = queues.get_mut(hash) else {
                continue;
            };
            // Up to the first match, or the limit of live values tried; taken values met on the
            // way are dropped from the queue, so that each is stepped over once.
            let (mut scanned, mut live, mut taken) = (0, 0, 0);
            let mut found = None;
            for &i in queue.iter() {
                scanned += 1;
                let Some(item) = &self.items[i] else {
                    taken += 1;
                    continue;
                };
                if matches(item) {
                    found = Some(i);
                    break;
                }
                live += 1;
                if live == POOL_SCAN_LIMIT {
                    break;
                }
            }
            if taken > 0 {
                let kept: Vec<usize> = queue
                    .drain(..scanned)
                    .filter(|&i| self.items[i].is_some())
                    .collect();
                for i in kept.into_iter().rev() {
                    queue.push_front(i);
                }
            }
            if let Some(i) = found {
                best = Some(best.map_or(i, |b| b.min(i)));
            }
        }
        self.hashes = hashes;
        best
    }

    /// The values left, in order.
    pub(crate) fn into_remaining(self) -> Vec<T> {
        self.items.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_term_list_is_built_once_and_finds_overlapping_terms() {
        let cache = TermsMatchers::default();
        let terms = [
            "Skype for Business Online",
            "Skype for Business",
            "Business",
        ];
        let first = terms_matcher_in(&cache, &terms).expect("builds");
        let again = terms_matcher_in(&cache, &terms).expect("builds");
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second call reuses the automaton"
        );
        let mut found: Vec<usize> = first
            .find_overlapping_iter("Skype for Business Online")
            .map(|found| found.pattern().as_usize())
            .collect();
        found.sort_unstable();
        assert_eq!(found, [0, 1, 2]);
        // Another order is another list: pattern numbers follow the order given.
        let reversed = terms_matcher_in(&cache, &["Business", "Skype for Business"]).unwrap();
        assert!(!Arc::ptr_eq(&first, &reversed));
    }

    #[test]
    fn the_term_cache_starts_over_when_full() {
        let cache = TermsMatchers::default();
        for index in 0..TERMS_MATCHERS_KEPT * 2 + 1 {
            terms_matcher_in(&cache, &[&format!("term {index}")]).expect("builds");
            assert!(cache.lock().unwrap().len() <= TERMS_MATCHERS_KEPT);
        }
        let last = terms_matcher_in(&cache, &[&format!("term {}", TERMS_MATCHERS_KEPT * 2)]);
        assert_eq!(cache.lock().unwrap().len(), 1);
        assert!(last.is_some());
    }

    /// The old pairing: scan, remove.
    fn scan_pairing(
        sources: &[u8],
        mut targets: Vec<(usize, u8)>,
    ) -> (Vec<Option<usize>>, Vec<usize>) {
        let taken = sources
            .iter()
            .map(|s| {
                targets
                    .iter()
                    .position(|t| t.1 % 7 == s % 7 && t.1 != s.wrapping_add(100))
                    .map(|i| targets.remove(i).0)
            })
            .collect();
        (taken, targets.into_iter().map(|t| t.0).collect())
    }

    fn pool_pairing(sources: &[u8], targets: Vec<(usize, u8)>) -> (Vec<Option<usize>>, Vec<usize>) {
        // The key (value mod 7) is implied by the predicate; the predicate rejects some values
        // of the right key too.
        let mut pool = Pool::new(targets, |t, keys| keys.push(key_hash(t.1 % 7)));
        let taken = sources
            .iter()
            .map(|s| {
                pool.take(
                    |keys| keys.push(key_hash(s % 7)),
                    |t| t.1 % 7 == s % 7 && t.1 != s.wrapping_add(100),
                )
                .map(|t| t.0)
            })
            .collect();
        let remaining = pool.into_remaining().into_iter().map(|t| t.0).collect();
        (taken, remaining)
    }

    proptest! {
        #[test]
        fn a_pool_pairs_as_the_scan_did(
            sources in proptest::collection::vec(any::<u8>(), 0..200),
            targets in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let targets: Vec<(usize, u8)> = targets.into_iter().enumerate().collect();
            prop_assert_eq!(
                pool_pairing(&sources, targets.clone()),
                scan_pairing(&sources, targets)
            );
        }
    }

    #[test]
    fn pairing_a_large_block_is_linear() {
        // 200,000 equal values: the scan-and-remove pairing moved 20 G elements.
        let targets: Vec<u32> = vec![7; 200_000];
        let mut pool = Pool::new(targets, |t, keys| keys.push(key_hash(t)));
        for _ in 0..200_000 {
            assert_eq!(
                pool.take(|keys| keys.push(key_hash(7u32)), |&t| t == 7),
                Some(7)
            );
        }
        assert_eq!(
            pool.take(|keys| keys.push(key_hash(7u32)), |&t| t == 7),
            None
        );
        assert!(pool.into_remaining().is_empty());
    }

    #[test]
    fn values_the_predicate_rejects_do_not_make_pairing_quadratic() {
        // One value of the key that the predicate always rejects, first: the values taken after
        // it used to be stepped over again by every later search.
        let mut targets: Vec<u32> = vec![0];
        targets.extend(std::iter::repeat_n(7, 200_000));
        let mut pool = Pool::new(targets, |_, keys| keys.push(key_hash("key")));
        for _ in 0..200_000 {
            assert_eq!(
                pool.take(|keys| keys.push(key_hash("key")), |&t| t == 7),
                Some(7)
            );
        }
        assert_eq!(pool.into_remaining(), vec![0]);
    }
}
