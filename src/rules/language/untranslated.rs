use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::markdown::model::{Block, BlockKind};
use crate::markdown::parse_blocks;
use crate::markdown::tokens;
use crate::rules::support::terms_matcher;
use crate::rules::tokens::placeholder_drift::{
    compared_ranges, may_hold_placeholder, placeholders,
};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports text left in the source language: a side-by-side segment whose translation
    /// equals its English, a paragraph of a plain translation that equals its source, or, in a
    /// CJK locale, a segment with several English words and no CJK text at all. Segments made
    /// only of code, anchors, numbers, URLs, host and file names, placeholders
    /// (`[!INCLUDE[…](…)]`, `<xref:…>`, `{0}`, `***ServerName***`), or names that are not
    /// translated (the `do-not-translate` rulebook and the front matter `no-loc` list) do not
    /// count, and English next to a placeholder is quoted without it. A
    /// single word counts only in a heading or a table header, where it is a label; elsewhere
    /// it is usually a value such as a registry setting. In a translation written in
    /// the Latin alphabet (nine letters in ten), a label needs two words too: there `Version`,
    /// `Description`, German `Name` or French `Type` are usually the right translation.
    ///
    /// When half or more of a document's segments are untranslated, one finding with the ratio
    /// replaces the per-segment ones, so a machine-translation gap reads as one problem.
    ///
    /// ## Why is this bad?
    /// Readers of the translated page meet English in the middle of it, and the gap is easy to
    /// miss in review because the file "has content".
    ///
    /// ## Example
    /// ```md en
    /// |**Application**|**Key**|**Value**|
    /// |---|---|---|
    /// |Contoso Backup|`BackupInterval`|6h|
    /// ```
    /// ```md ja-jp
    /// |**Application**|**Key**|**値**|
    /// |---|---|---|
    /// |Contoso Backup|`BackupInterval`|6h|
    /// ```
    ///
    /// Use instead:
    /// ```md ja-jp
    /// |**アプリケーション**|**キー**|**値**|
    /// |---|---|---|
    /// |Contoso Backup|`BackupInterval`|6h|
    /// ```
    pub struct Untranslated;
    code = "LD301", name = "untranslated", severity = Warning, since = "0.1.0"
}

/// Half or more of the segments untranslated, and at least this many, makes one summary.
const SUMMARY_MIN_SEGMENTS: usize = 5;

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF))
}

/// The position of the next `byte` at or after a position, remembered: when a later search
/// starts before the byte found last, or when there was none to the end, the answer stands.
/// Without it, a line of many `<` and no `>` would be searched to its end once per `<`.
struct NextByte {
    byte: u8,
    /// The last search: where it started and what it found.
    last: Option<(usize, Option<usize>)>,
}

impl NextByte {
    fn new(byte: u8) -> NextByte {
        NextByte { byte, last: None }
    }

    fn from(&mut self, bytes: &[u8], start: usize) -> Option<usize> {
        match self.last {
            Some((from, found)) if from <= start && found.is_none_or(|at| at >= start) => found,
            _ => {
                let found = bytes[start.min(bytes.len())..]
                    .iter()
                    .position(|&b| b == self.byte)
                    .map(|offset| start + offset);
                self.last = Some((start, found));
                found
            }
        }
    }
}

/// `text` with its markup replaced by single spaces: HTML tags (`<…>`), code spans, link
/// destinations (`](…)`) and the characters `*_\[]()|>#`. The same, match for match, as the
/// regex ``(?s)<[^>]*>|`[^`]*`|\]\([^)]*\)|[*_\\\[\]()|>#]`` replacing each match, which it
/// replaced: tried at each position in that order, a `<` or a backtick that nothing closes
/// stays text, and a `](` that no `)` closes is a lone `]`.
fn without_markup(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut closing_angle = NextByte::new(b'>');
    let mut closing_backtick = NextByte::new(b'`');
    let mut closing_parenthesis = NextByte::new(b')');
    let mut stripped = String::with_capacity(text.len());
    let mut copied = 0;
    let mut index = 0;
    while index < bytes.len() {
        let markup_end = match bytes[index] {
            b'<' => closing_angle.from(bytes, index + 1).map(|at| at + 1),
            b'`' => closing_backtick.from(bytes, index + 1).map(|at| at + 1),
            b']' if bytes.get(index + 1) == Some(&b'(') => closing_parenthesis
                .from(bytes, index + 2)
                .map_or(Some(index + 1), |at| Some(at + 1)),
            b'*' | b'_' | b'\\' | b'[' | b']' | b'(' | b')' | b'|' | b'>' | b'#' => Some(index + 1),
            _ => None,
        };
        match markup_end {
            Some(end) => {
                stripped.push_str(&text[copied..index]);
                stripped.push(' ');
                copied = end;
                index = end;
            }
            None => index += 1,
        }
    }
    stripped.push_str(&text[copied..]);
    stripped
}

/// The names that stay in English, longest first, so that "Skype for Business Online" goes
/// before "Skype for Business", and one automaton that finds any of them.
struct Names {
    names: Vec<String>,
    /// Finds every occurrence of every name, overlapping ones too. `None` only if it could not
    /// be built, which does not happen for lists of this size: each name is then searched for.
    matcher: Option<Arc<AhoCorasick>>,
}

impl Names {
    fn new(mut names: Vec<String>) -> Names {
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let matcher = terms_matcher(&names.iter().map(String::as_str).collect::<Vec<_>>());
        Names { names, matcher }
    }

    /// Replaces each name, longest first, by a space, as many times as `text` has it. A name
    /// that a replacement made (or unmade) counts as if each name were searched for in turn.
    fn remove_from(&self, mut text: String) -> String {
        let Some(matcher) = &self.matcher else {
            for name in &self.names {
                if !name.is_empty() && text.contains(name.as_str()) {
                    text = text.replace(name.as_str(), " ");
                }
            }
            return text;
        };
        // Most texts hold no name at all.
        if !matcher.is_match(&text) {
            return text;
        }
        let present = |text: &str| {
            let mut present = vec![false; self.names.len()];
            for found in matcher.find_overlapping_iter(text) {
                present[found.pattern().as_usize()] = true;
            }
            present
        };
        let mut found = present(&text);
        for (index, name) in self.names.iter().enumerate() {
            if !name.is_empty() && found[index] {
                text = text.replace(name.as_str(), " ");
                found = present(&text);
            }
        }
        text
    }
}

/// The English words of a text that a translator would translate, as ranges of the text
/// left once markup, code, tokens and do-not-translate names are removed: one allocation for
/// all the words rather than one per word.
struct Words {
    text: String,
    words: Vec<Range<usize>>,
}

impl Words {
    fn len(&self) -> usize {
        self.words.len()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|word| &self.text[word.clone()])
    }
}

/// The English words of a text that a translator would translate: markup, code, tokens and
/// do-not-translate names removed.
fn translatable_words(text: &str, names: &Names) -> Words {
    // Stripping only ever turns text into spaces, so a text without a lower-case ASCII letter
    // has no word (see `push_word`): numbers, CJK text, `**2.**`.
    if !text.bytes().any(|byte| byte.is_ascii_lowercase()) {
        return Words {
            text: String::new(),
            words: Vec::new(),
        };
    }
    let markup_free = without_markup(text);
    // Each token becomes one space, in one pass (replacing in place would move the rest of
    // the text once per token).
    let mut stripped = String::with_capacity(markup_free.len());
    let mut cursor = 0;
    for token in tokens::scan(&markup_free) {
        stripped.push_str(&markup_free[cursor..token.range.start]);
        stripped.push(' ');
        cursor = token.range.end;
    }
    stripped.push_str(&markup_free[cursor..]);
    let text = names.remove_from(stripped);
    // Words are runs of ASCII letters and apostrophes; every other character, and so every
    // byte of a non-ASCII one, separates them.
    let mut words = Vec::new();
    let mut start = 0;
    for (index, &byte) in text.as_bytes().iter().enumerate() {
        if !byte.is_ascii_alphabetic() && byte != b'\'' {
            push_word(&text, start..index, &mut words);
            start = index + 1;
        }
    }
    push_word(&text, start..text.len(), &mut words);
    Words { text, words }
}

/// Keeps a word of two letters or more with a lower-case one: `IT` or `x` is no sentence.
fn push_word(text: &str, word: Range<usize>, words: &mut Vec<Range<usize>>) {
    if word.len() >= 2
        && text.as_bytes()[word.clone()]
            .iter()
            .any(u8::is_ascii_lowercase)
    {
        words.push(word);
    }
}

/// Whether a text with these translatable words is something a translator translates. In a
/// heading or a table header a single word is a label; elsewhere a single word is usually a
/// value (`Disable`), and a short run of capitalised words is a product name (`Contoso
/// Authenticator`). A translation written in the Latin alphabet, as English is, often spells a
/// label as the English does (`Version`, `Description`, German `Name`, French `Type`), so
/// there a label needs two words too: one word left as it was is no evidence of English.
fn is_translatable(words: &Words, kind: &BlockKind, script: Script) -> bool {
    let is_label = matches!(
        kind,
        BlockKind::Heading(_) | BlockKind::TableCell { header: true, .. }
    );
    if is_label {
        return words.len() > usize::from(script == Script::Latin);
    }
    let is_name = words.len() <= 3
        && words
            .iter()
            .all(|word| word.starts_with(|c: char| c.is_ascii_uppercase()));
    words.len() >= 2 && !is_name
}

/// How a translation is written, as far as telling English in it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// A CJK locale: a segment with English words and no CJK text is English.
    Cjk,
    /// The Latin alphabet, as English: a word may be spelt as the English one.
    Latin,
    /// Another alphabet (Cyrillic, Greek, Arabic…): an English word stands out.
    Other,
}

/// Whether a letter is of the Latin alphabet: ASCII, its accented forms and the extended
/// Latin blocks (`é`, `ß`, `ł`, `ș`, `ỹ`).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic() && matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF))
}

/// Whether a translation is written in the Latin alphabet: nine in ten of its letters or more
/// are Latin. The text says so where a locale may be missing or unknown. A Greek `µ` in a
/// German page does not change the answer, and English names, hosts and code do not make a
/// Russian or Chinese page Latin: a CJK character is a syllable or a word, so a Chinese page
/// full of English terms still has far more than one letter in ten of its own script.
fn is_written_in_latin(text: &str) -> bool {
    let (latin, other) =
        text.chars()
            .filter(|c| c.is_alphabetic())
            .fold((0usize, 0usize), |(latin, other), c| {
                if is_latin_letter(c) {
                    (latin + 1, other)
                } else {
                    (latin, other + 1)
                }
            });
    latin > 0 && other * 10 <= latin
}

/// The characters of a text's words (as `split_whitespace` finds them) with one space between
/// words: two texts have the same words exactly when these are the same. Compared lazily, two
/// texts are told apart at their first difference, where comparing `split_whitespace` words
/// first scans each word whole (in CJK text, often the whole segment).
fn words_spaced(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    let mut after_word = false;
    let mut space_pending = false;
    chars
        .flat_map(move |c| {
            if c.is_whitespace() {
                space_pending = after_word;
                return [None, None];
            }
            after_word = true;
            [std::mem::take(&mut space_pending).then_some(' '), Some(c)]
        })
        .flatten()
}

/// Whether two texts are the same but for white space. Most texts compared are the same
/// outright (a segment left as it was), which one comparison of their bytes settles.
fn same_but_spacing(a: &str, b: &str) -> bool {
    a == b || words_spaced(a.chars()).eq(words_spaced(b.chars()))
}

/// [`same_but_spacing`] of two blocks' [`Block::prose`], without making it: the prose joins
/// the text runs with spaces, so its words are those of the runs in turn.
fn same_runs_but_spacing((a, a_text): (&Block, &str), (b, b_text): (&Block, &str)) -> bool {
    fn chars<'a>(block: &'a Block, text: &'a str) -> impl Iterator<Item = char> {
        block
            .text_runs
            .iter()
            .flat_map(move |run| std::iter::once(' ').chain(text[run.clone()].chars()))
    }
    let same_runs = a.text_runs.len() == b.text_runs.len()
        && a.text_runs
            .iter()
            .zip(&b.text_runs)
            .all(|(a_run, b_run)| a_text[a_run.clone()] == b_text[b_run.clone()]);
    same_runs || words_spaced(chars(a, a_text)).eq(words_spaced(chars(b, b_text)))
}

/// A block's prose (see [`Block::prose`]) without its placeholders: includes, cross
/// references, `{0}`, `***Placeholder***`. A placeholder is a token the translation keeps
/// verbatim (placeholder-drift checks it), not prose; but the text runs keep pieces of it, an
/// include `[!INCLUDE[label](path)]` leaving `[!INCLUDE`, its label and `]`, which read as
/// English words. A triple-colon extension stays: its `alt-text` is translated.
fn prose_without_placeholders(block: &Block, text: &str) -> String {
    let mut placeholders: Vec<Range<usize>> = placeholders(block, text)
        .into_iter()
        .map(|placeholder| placeholder.range)
        .filter(|range| !text[range.clone()].starts_with(":::"))
        .collect();
    // They come kind by kind; the runs are cut in order.
    placeholders.sort_by_key(|range| range.start);
    if placeholders.is_empty() {
        return block.prose(text);
    }
    let mut prose = String::new();
    for run in &block.text_runs {
        // The pieces of the run between placeholders, each placeholder a space.
        let mut start = run.start;
        let mut pieces = Vec::new();
        for placeholder in &placeholders {
            if placeholder.end <= start || placeholder.start >= run.end {
                continue;
            }
            pieces.push(&text[start..placeholder.start.max(start)]);
            start = placeholder.end.min(run.end);
        }
        pieces.push(&text[start..run.end]);
        let run_text = pieces.join(" ");
        if run_text.trim().is_empty() {
            continue;
        }
        if !prose.is_empty() {
            prose.push(' ');
        }
        prose.push_str(&run_text);
    }
    prose
}

/// A side-by-side segment's text without its placeholders, each one a space: what
/// [`prose_without_placeholders`] is to a block. A segment is inline Markdown cut out of its
/// block, so it is parsed on its own to find them as placeholder-drift does (code spans and
/// link destinations are no placeholders). A triple-colon extension stays, as there, and so
/// do bold italics that read as words (`***Back up your data first***`): only an identifier
/// such as `***ServerName***` is a placeholder.
fn segment_without_placeholders(text: &str) -> Cow<'_, str> {
    // Most segments of a Latin-script translation have words and no placeholder: they are not
    // parsed again.
    if !may_hold_placeholder(text) {
        return Cow::Borrowed(text);
    }
    let mut placeholders: Vec<Range<usize>> = parse_blocks(text)
        .iter()
        .flat_map(|block| compared_ranges(block, text))
        .filter(|range| !text[range.clone()].starts_with(":::"))
        .collect();
    if placeholders.is_empty() {
        return Cow::Borrowed(text);
    }
    placeholders.sort_by_key(|range| range.start);
    let mut stripped = String::with_capacity(text.len());
    let mut copied = 0;
    for range in placeholders {
        stripped.push_str(&text[copied..range.start.max(copied)]);
        stripped.push(' ');
        copied = copied.max(range.end);
    }
    stripped.push_str(&text[copied..]);
    Cow::Owned(stripped)
}

/// The translatable words of a side-by-side segment (see [`translatable_words`]), its
/// placeholders left out: an include kept as in the source leaves `backup-prerequisites`,
/// which reads as two English words.
fn segment_words(text: &str, names: &Names) -> Words {
    // Most segments cannot hold a placeholder, and are read once.
    if !may_hold_placeholder(text) {
        return translatable_words(text, names);
    }
    let words = translatable_words(text, names);
    // Leaving placeholders out only removes words: a segment without any (numbers, CJK text)
    // is spared a parse.
    if words.words.is_empty() {
        return words;
    }
    translatable_words(&segment_without_placeholders(text), names)
}

struct Finding {
    range: std::ops::Range<usize>,
    source_range: Option<std::ops::Range<usize>>,
    label: String,
    text: String,
}

/// Whether the English of a text is something a translator translates: the costly question
/// (markup, tokens and names are stripped to get its words). A text that is not untranslated
/// is no finding whatever the answer, so the finders ask it only of the few that are, and of
/// the others only as far as deciding on a summary needs.
fn is_candidate(source: &str, kind: &BlockKind, names: &Names, script: Script) -> bool {
    is_translatable(&translatable_words(source, names), kind, script)
}

/// [`is_candidate`] of a side-by-side segment's embedded English, placeholders left out.
fn is_segment_candidate(source: &str, kind: &BlockKind, names: &Names, script: Script) -> bool {
    is_translatable(&segment_words(source, names), kind, script)
}

/// How many texts are candidates, when the findings call for one summary: at least
/// [`SUMMARY_MIN_SEGMENTS`] of them, and half or more of the candidates. Counting stops as soon
/// as there are too many candidates for that.
fn summary_candidates<T>(findings: usize, candidates: impl Iterator<Item = T>) -> Option<usize> {
    if findings < SUMMARY_MIN_SEGMENTS {
        return None;
    }
    let counted = candidates.take(findings * 2 + 1).count();
    (counted <= findings * 2).then_some(counted)
}

/// The untranslated segments of a side-by-side file, and the number of translatable segments
/// when a summary replaces the findings (see [`summary_candidates`]).
fn side_by_side_findings(
    cx: &Context<'_>,
    names: &Names,
    script: Script,
) -> (Vec<Finding>, Option<usize>) {
    // Every segment with embedded English: (segment, its block's kind, the English).
    let segments = || {
        cx.target
            .block_segments
            .iter()
            .enumerate()
            .flat_map(move |(block_index, segments)| {
                let kind = &cx.target.target.blocks[block_index].kind;
                segments.iter().filter_map(move |&segment| {
                    Some((segment, kind, cx.target.segment_source(segment)?))
                })
            })
    };
    let mut findings = Vec::new();
    // The answers of `is_candidate` already known, by position in `segments()`: the summary
    // asks again of the same segments.
    let mut known = Vec::new();
    for (segment_index, kind, source) in segments() {
        let target = cx.target.segment_target(segment_index);
        let untranslated = same_but_spacing(source, target)
            || (script == Script::Cjk
                && !has_cjk(target)
                && segment_words(target, names).len() >= 2);
        let candidate = untranslated.then(|| is_segment_candidate(source, kind, names, script));
        known.push(candidate);
        if candidate == Some(true) {
            let segment = &cx.target.segments[segment_index];
            findings.push(Finding {
                range: segment.target.clone(),
                source_range: segment.source.clone(),
                label: format!("segment `{}` is still in English", segment.id),
                text: segment_without_placeholders(target).into_owned(),
            });
        }
    }
    let candidates = summary_candidates(
        findings.len(),
        segments().zip(known).filter(|((_, kind, source), known)| {
            known.unwrap_or_else(|| is_segment_candidate(source, kind, names, script))
        }),
    );
    (findings, candidates)
}

/// The untranslated blocks of a plain translation aligned with its source, and the number of
/// translatable blocks when a summary replaces the findings (see [`summary_candidates`]).
fn plain_findings(
    cx: &Context<'_>,
    names: &Names,
    script: Script,
) -> (Vec<Finding>, Option<usize>) {
    let source_text = cx.reference.map(|r| r.view.text()).unwrap_or_default();
    // Every aligned pair of prose blocks.
    let pairs = || {
        cx.pairs().filter_map(|pair| {
            let (Some(source), Some(target)) = (pair.source, pair.target) else {
                return None;
            };
            (!matches!(target.kind, BlockKind::CodeBlock | BlockKind::Html))
                .then_some((source, target))
        })
    };
    let mut findings = Vec::new();
    let mut known = Vec::new();
    for (source, target) in pairs() {
        let untranslated = same_runs_but_spacing((source, source_text), (target, cx.target_text()))
            || (script == Script::Cjk
                && !target
                    .text_runs
                    .iter()
                    .any(|run| has_cjk(&cx.target_text()[run.clone()]))
                && translatable_words(
                    &prose_without_placeholders(target, cx.target_text()),
                    names,
                )
                .len()
                    >= 3);
        let candidate = untranslated.then(|| {
            is_candidate(
                &prose_without_placeholders(source, source_text),
                &target.kind,
                names,
                script,
            )
        });
        known.push(candidate);
        if candidate == Some(true) {
            findings.push(Finding {
                range: cx.target_original(target.range.clone()),
                source_range: cx.reference.map(|r| r.view.original(source.range.clone())),
                label: format!("this {} is still in English", target.kind.noun()),
                text: prose_without_placeholders(target, cx.target_text()),
            });
        }
    }
    let candidates = summary_candidates(
        findings.len(),
        pairs().zip(known).filter(|((source, target), known)| {
            known.unwrap_or_else(|| {
                is_candidate(
                    &prose_without_placeholders(source, source_text),
                    &target.kind,
                    names,
                    script,
                )
            })
        }),
    );
    (findings, candidates)
}

impl Rule for Untranslated {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.is_source_file
            || cx
                .locale
                .as_deref()
                .is_some_and(|l| l.to_ascii_lowercase().starts_with("en"))
        {
            return;
        }
        let mut names = cx.data.do_not_translate.clone();
        if let Some(entry) = cx
            .target
            .front_matter
            .as_ref()
            .and_then(|f| f.get("no-loc"))
        {
            names.extend(entry.items.iter().map(|(item, _)| item.clone()));
            names.extend(
                entry
                    .value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
                    .filter(|s| !s.is_empty()),
            );
        }
        let names = Names::new(names);
        let script = if cx.is_cjk() {
            Script::Cjk
        } else if is_written_in_latin(cx.target_text()) {
            Script::Latin
        } else {
            Script::Other
        };
        let (findings, candidates) = if cx.target.is_side_by_side() {
            side_by_side_findings(cx, &names, script)
        } else if cx.reference.is_some() {
            plain_findings(cx, &names, script)
        } else {
            (Vec::new(), None)
        };
        if findings.is_empty() {
            return;
        }
        let source_file = cx
            .reference
            .map(|r| r.file)
            .unwrap_or(crate::diagnostic::FileSide::Target);
        let source_file = if cx.target.is_side_by_side() {
            crate::diagnostic::FileSide::Target
        } else {
            source_file
        };
        if let Some(candidates) = candidates {
            let percent = findings.len() * 100 / candidates.max(1);
            let unit = if cx.target.is_side_by_side() {
                "segments"
            } else {
                "blocks"
            };
            let first = &findings[0];
            let mut diagnostic = Diagnostic::new(
                &Self::INFO,
                format!(
                    "{} of {} translatable {unit} ({percent}%) are still in English",
                    findings.len(),
                    candidates
                ),
                Label::target(first.range.clone(), "first untranslated text"),
            );
            for finding in findings.iter().skip(1).take(2) {
                diagnostic = diagnostic
                    .with_secondary(Label::target(finding.range.clone(), "also untranslated"));
            }
            out.push(
                diagnostic
                    .with_note("one finding for the whole document: the gap is a missing translation pass, not a few slips")
                    .with_help("send the document for translation (or post-editing of the machine translation)"),
            );
            return;
        }
        for finding in findings {
            // A placeholder left out leaves spaces on both sides of it.
            let text = finding
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let shown: String = text.chars().take(60).collect();
            let ellipsis = if text.chars().count() > 60 { "…" } else { "" };
            let mut diagnostic = Diagnostic::new(
                &Self::INFO,
                format!("text is not translated: `{}{ellipsis}`", shown.trim()),
                Label::target(finding.range, finding.label),
            );
            if let Some(range) = finding.source_range {
                diagnostic =
                    diagnostic.with_secondary(Label::new(source_file, range, "English source"));
            }
            out.push(diagnostic.with_help("translate it, or add the name to a `do-not-translate` rulebook if it must stay in English"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    /// The markup pattern that `without_markup` replaces, the oracle of its property test.
    static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<[^>]*>|`[^`]*`|\]\([^)]*\)|[*_\\\[\]()|>#]")
            .expect("markup pattern is valid")
    });

    /// Removing names one after the other, each searched for in turn: what `remove_from`
    /// must give.
    fn remove_in_turn(names: &Names, mut text: String) -> String {
        for name in &names.names {
            if !name.is_empty() && text.contains(name.as_str()) {
                text = text.replace(name.as_str(), " ");
            }
        }
        text
    }

    fn text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "<", ">", "<br/>", "`", "``", "](", ")", "(", "]", "[", "*", "_", "\\", "|", "#", " ",
            "\n", "a", "Word", "例", "Skype", " for ", "Business", "Online", "ab", "b a",
        ];
        crate::testing::text_of(PIECES, 32)
    }

    proptest! {
        #[test]
        fn same_but_spacing_compares_whitespace_words(a in text(), b in text()) {
            let words_equal = a.split_whitespace().eq(b.split_whitespace());
            prop_assert_eq!(same_but_spacing(&a, &b), words_equal);
            // A text against itself re-spaced, which random pairs seldom give.
            let respaced = a.split_whitespace().collect::<Vec<_>>().join(" \u{3000}\n");
            prop_assert!(same_but_spacing(&a, &respaced));
        }

        #[test]
        fn markup_is_removed_as_the_regex_did(text in text()) {
            prop_assert_eq!(without_markup(&text), MARKUP.replace_all(&text, " "));
        }

        #[test]
        fn names_are_removed_as_if_searched_in_turn(
            text in text(),
            names in proptest::collection::vec(text(), 0..5),
        ) {
            let names = Names::new(names);
            prop_assert_eq!(names.remove_from(text.clone()), remove_in_turn(&names, text));
        }
    }

    #[test]
    fn a_summary_needs_five_findings_and_half_the_candidates() {
        assert_eq!(summary_candidates(4, 0..4), None);
        assert_eq!(summary_candidates(5, 0..10), Some(10));
        assert_eq!(summary_candidates(5, 0..11), None);
        assert_eq!(summary_candidates(5, 0..usize::MAX), None);
        assert_eq!(summary_candidates(6, 0..6), Some(6));
    }

    /// The texts that LD301 reports when `target`, a translation into `locale`, is checked
    /// against `source`.
    fn untranslated_in(locale: &str, source: &str, target: &str) -> Vec<String> {
        crate::testing::findings_in(locale, "LD301", source, target)
            .into_iter()
            .map(|finding| finding.message)
            .collect()
    }

    const LABELS_SOURCE: &str = "# Contoso Sync overview\n\n## Introduction\n\nThis article describes the sync client.\n\n| Name | Description | Version |\n|:---|:---|:---|\n| Agent | The sync agent | 3.2 |\n\n## Related topics\n\nYou can change the options of the client at any time.\n";

    #[test]
    fn a_label_spelt_as_the_english_in_a_latin_alphabet_is_no_finding() {
        let french = "# Vue d’ensemble de Contoso Sync\n\n## Introduction\n\nCet article décrit le client de synchronisation.\n\n| Nom | Description | Version |\n|:---|:---|:---|\n| Agent | L’agent de synchronisation | 3,2 |\n\n## Related topics\n\nVous pouvez modifier les options du client à tout moment.\n";
        // The one-word labels are French too; the two-word heading is English left behind.
        assert_eq!(
            untranslated_in("fr-fr", LABELS_SOURCE, french),
            ["text is not translated: `Related topics`"]
        );
        // The alphabet, not the locale, decides: the same without a locale that says French.
        assert_eq!(
            untranslated_in("xx-xx", LABELS_SOURCE, french),
            ["text is not translated: `Related topics`"]
        );
    }

    #[test]
    fn a_label_left_in_english_in_another_script_is_a_finding() {
        let chinese = "# Contoso Sync 概述\n\n## Introduction\n\n本文介绍同步客户端。\n\n| 名称 | Description | 版本 |\n|:---|:---|:---|\n| 代理 | 同步代理 | 3.2 |\n\n## 相关主题\n\n你可以随时更改客户端的选项。\n";
        assert_eq!(
            untranslated_in("zh-cn", LABELS_SOURCE, chinese),
            [
                "text is not translated: `Introduction`",
                "text is not translated: `Description`"
            ]
        );
        let russian = "# Обзор Contoso Sync\n\n## Introduction\n\nВ этой статье описан клиент синхронизации.\n\n| Имя | Description | Версия |\n|:---|:---|:---|\n| Агент | Агент синхронизации | 3.2 |\n\n## Связанные статьи\n\nВы можете изменить параметры клиента в любое время.\n";
        assert_eq!(
            untranslated_in("ru-ru", LABELS_SOURCE, russian),
            [
                "text is not translated: `Introduction`",
                "text is not translated: `Description`"
            ]
        );
    }

    #[test]
    fn an_include_kept_as_in_the_source_is_no_finding() {
        for include in [
            "[!INCLUDE[backup-prerequisites](includes/backup-prerequisites.md)]",
            "[!INCLUDE [beta-disclaimer](../includes/beta-disclaimer.md)]",
        ] {
            let source = format!("# Schedule backups\n\n{include}\n");
            let target = format!("# 计划备份\n\n{include}\n");
            assert_eq!(
                untranslated_in("zh-cn", &source, &target),
                [] as [String; 0]
            );
        }
        // English around an include is still English, quoted without the include's pieces.
        let source = "[!INCLUDE[backup-prerequisites](inc/a.md)] Back up the server every day.\n";
        assert_eq!(
            untranslated_in("zh-cn", source, source),
            ["text is not translated: `Back up the server every day.`"]
        );
    }

    /// A side-by-side translation of `segments`, pairs of (translation, English), one
    /// paragraph each, and the English source it embeds.
    fn side_by_side(segments: &[(&str, &str)]) -> (String, String) {
        let mut source = String::new();
        let mut target = String::new();
        for (index, (translation, english)) in segments.iter().enumerate() {
            source.push_str(&format!("{english}\n\n"));
            target.push_str(&format!(
                "<span data-ttu-id=\"a-{index}\">{translation}</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-{index}\">{english}</span></span>\n\n"
            ));
        }
        (source, target)
    }

    #[test]
    fn a_segment_of_placeholders_kept_as_in_the_source_is_no_finding() {
        for placeholder in [
            "[!INCLUDE[backup-prerequisites](includes/backup-prerequisites.md)]",
            "[!INCLUDE [beta-disclaimer](../includes/beta-disclaimer.md)]",
            "<xref:Contoso.Backup.Scheduler>",
            "{0}",
            "***ServerName***",
            "[!INCLUDE[a](inc/a.md)] [!INCLUDE[backup-prerequisites](inc/b.md)]",
        ] {
            let (source, target) = side_by_side(&[
                ("计划备份。", "Schedule backups."),
                (placeholder, placeholder),
            ]);
            assert_eq!(
                untranslated_in("zh-cn", &source, &target),
                [] as [String; 0],
                "{placeholder}"
            );
        }
    }

    #[test]
    fn english_next_to_a_placeholder_in_a_segment_is_quoted_without_it() {
        let segments = [
            "[!INCLUDE[backup-prerequisites](inc/a.md)] Back up the server every day.",
            "Replace {0} with the name of the backup server.",
            // Bold italics that read as words are emphasis, not a placeholder.
            "***Back up your data first***",
        ];
        let (source, target) = side_by_side(&segments.map(|segment| (segment, segment)));
        assert_eq!(
            untranslated_in("zh-cn", &source, &target),
            [
                "text is not translated: `Back up the server every day.`",
                "text is not translated: `Replace with the name of the backup server.`",
                "text is not translated: `***Back up your data first***`",
            ]
        );
    }

    #[test]
    fn tokens_kept_verbatim_do_not_make_a_segment_english() {
        let (source, mut target) = side_by_side(&[
            ("计划备份。", "Schedule backups."),
            (
                "https://contoso.com/backup/schedule-settings",
                "https://contoso.com/backup/schedule-settings",
            ),
            (
                "`Set-BackupSchedule -Interval Daily`",
                "`Set-BackupSchedule -Interval Daily`",
            ),
            ("Contoso Backup Agent", "Contoso Backup Agent"),
            ("3.2.1", "3.2.1"),
            (
                "C:\\Program Files\\Contoso\\backup-agent.exe",
                "C:\\Program Files\\Contoso\\backup-agent.exe",
            ),
        ]);
        target.insert_str(0, "---\nno-loc: [Contoso Backup Agent]\n---\n");
        assert_eq!(
            untranslated_in("zh-cn", &source, &target),
            [] as [String; 0]
        );
    }

    #[test]
    fn the_alphabet_is_that_of_nine_letters_in_ten() {
        assert!(is_written_in_latin(
            "Größe des Übersichtsfensters, Ærø, ł, ș"
        ));
        assert!(is_written_in_latin("Die Zeit in µs (Mikrosekunden)"));
        assert!(!is_written_in_latin("Обзор Contoso Sync и его параметров"));
        assert!(!is_written_in_latin("Contoso Sync 的概述和选项"));
        assert!(!is_written_in_latin("3.2 | 42"));
    }

    #[test]
    fn a_replaced_name_can_make_another() {
        // "Longname" goes first; its space joins "o" and "b" into the shorter name "o b".
        let names = Names::new(vec!["o b".to_string(), "Longname".to_string()]);
        assert_eq!(names.remove_from("foLongnamebar".to_string()), "f ar");
    }

    #[test]
    fn words_exclude_markup_tokens_and_names() {
        let names = Names::new(vec!["Skype for Business".to_string()]);
        let words = |text: &str| -> Vec<String> {
            translatable_words(text, &names)
                .iter()
                .map(str::to_string)
                .collect()
        };
        assert!(words("**msoidsvc.exe** <br/> 0").is_empty());
        assert_eq!(words("**Application**"), ["Application"]);
        assert!(words("Skype for Business").is_empty());
        assert_eq!(words("it's the x IT-team's"), ["it's", "the", "team's"]);
        assert_eq!(
            translatable_words("[Update DNS settings](a.md#x)", &names).len(),
            2
        );
    }
}
