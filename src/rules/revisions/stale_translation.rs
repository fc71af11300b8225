use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a side-by-side segment whose embedded English differs from the current English
    /// source given with `--source`: the segment was translated from an older revision. The
    /// message shows what changed, word by word. Changes of white space or line wrapping alone
    /// do not make a segment stale, nor do anchors that the English dropped.
    ///
    /// ## Why is this bad?
    /// The translation says what the English used to say: an old host name, an `http` link, a
    /// portal that was renamed. Readers of the translation follow outdated instructions.
    ///
    /// ## Example
    /// ```md en
    /// - **Value/Destination**: sipdir.online.lync.com
    /// ```
    /// ```md fr
    /// - <span data-ttu-id="a-1">**值/目标**：sipdir.online.microsoft.com</span><span class="sxs-lookup"><span data-stu-id="a-1">**Value/Destination**: sipdir.online.microsoft.com</span></span>
    /// ```
    ///
    /// Use instead: translate the segment again from the current English, and update the
    /// embedded source with it.
    pub struct StaleTranslation;
    code = "LD401", name = "stale-translation", severity = Warning, since = "0.1.0"
}

static ANCHOR_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<a\s+(?:name|id)=["'][^"']*["']\s*>\s*</a>"#)
        .expect("anchor-tag pattern is valid")
});

/// Words and single punctuation characters, with their ranges; white space separates and
/// anchors are dropped.
pub fn word_tokens(text: &str, offset: usize) -> Vec<(String, Range<usize>)> {
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

/// A change: a range of old tokens replaced by a range of new tokens.
type Change = (Range<usize>, Range<usize>);

/// Joins tokens back into readable text: no space before punctuation.
fn join(tokens: &[(String, Range<usize>)], text: &str) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => text[first.1.start..last.1.end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

impl Rule for StaleTranslation {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (Some(reference), Some(embedded)) = (cx.reference, cx.target.embedded.as_ref()) else {
            return;
        };
        if !reference.is_current_source {
            return;
        }
        let source_text = reference.view.text();
        for pair in cx.pairs() {
            let (Some(source), Some(target_index)) = (pair.source, pair.target_index) else {
                continue;
            };
            let segments = &cx.target.block_segments[target_index];
            let Some(&first_segment) = segments.first() else {
                continue;
            };
            // The embedded block that holds the same segments: the English at hand-off.
            let Some(embedded_index) = cx
                .target
                .embedded_block_segments
                .iter()
                .position(|s| s.contains(&first_segment))
            else {
                continue;
            };
            let embedded_block = &embedded.blocks[embedded_index];
            let old_tokens = word_tokens(
                &embedded.text()[embedded_block.range.clone()],
                embedded_block.range.start,
            );
            let new_tokens = word_tokens(&source_text[source.range.clone()], source.range.start);
            let old_words: Vec<&str> = old_tokens.iter().map(|t| t.0.as_str()).collect();
            let new_words: Vec<&str> = new_tokens.iter().map(|t| t.0.as_str()).collect();
            if old_words == new_words {
                continue;
            }
            // Changes grouped by the segment whose English they touch.
            let mut changes: BTreeMap<usize, Vec<Change>> = BTreeMap::new();
            // Changes a word or two apart read as one: `Microsoft 365 admin center` →
            // `Office 365 Portal`, not two edits around `365`.
            let mut merged: Vec<Change> = Vec::new();
            for op in capture_diff_slices(Algorithm::Myers, &old_words, &new_words) {
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
            // Text outside the segments (link destinations, anchors, markup) is the same file
            // text in translation and embedded English; the link and anchor rules compare it
            // with the source directly, so a change there does not make a segment stale.
            let inside_segment = |token: &(String, Range<usize>)| {
                let original = embedded.original(token.1.clone());
                segments.iter().any(|&s| {
                    cx.target.segments[s]
                        .source
                        .as_ref()
                        .is_some_and(|r| r.start <= original.start && original.end <= r.end)
                })
            };
            merged.retain(|(old, _)| {
                if old.is_empty() {
                    let before = old.start.checked_sub(1).and_then(|i| old_tokens.get(i));
                    before
                        .into_iter()
                        .chain(old_tokens.get(old.start))
                        .any(inside_segment)
                } else {
                    old_tokens[old.clone()].iter().any(inside_segment)
                }
            });
            for (old, new) in merged {
                let anchor_token = old.start.min(old_tokens.len().saturating_sub(1));
                let Some(token) = old_tokens.get(anchor_token) else {
                    continue;
                };
                let original = embedded.original(token.1.clone()).start;
                let segment = segments
                    .iter()
                    .rev()
                    .copied()
                    .find(|&s| {
                        cx.target.segments[s]
                            .source
                            .as_ref()
                            .is_some_and(|r| r.start <= original)
                    })
                    .unwrap_or(first_segment);
                changes.entry(segment).or_default().push((old, new));
            }
            for (segment_index, ops) in changes {
                let segment = &cx.target.segments[segment_index];
                let mut summary = Vec::new();
                let mut diff_note = Vec::new();
                for (old, new) in &ops {
                    let old_text = join(&old_tokens[old.clone()], embedded.text());
                    let new_text = join(&new_tokens[new.clone()], source_text);
                    summary.push(match (old_text.is_empty(), new_text.is_empty()) {
                        (true, _) => format!("added `{new_text}`"),
                        (_, true) => format!("removed `{old_text}`"),
                        _ => format!("`{old_text}` → `{new_text}`"),
                    });
                    diff_note.push(match (old_text.is_empty(), new_text.is_empty()) {
                        (true, _) => format!("{{+{new_text}+}}"),
                        (_, true) => format!("[-{old_text}-]"),
                        _ => format!("[-{old_text}-]{{+{new_text}+}}"),
                    });
                }
                let shown = if summary.len() > 3 {
                    format!(
                        "{} and {} more changes",
                        summary[..3].join(", "),
                        summary.len() - 3
                    )
                } else {
                    summary.join(", ")
                };
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    format!(
                        "the English of segment `{}` differs from the current source: {shown}",
                        segment.id
                    ),
                    Label::target(
                        segment.target.clone(),
                        "translated from the English at hand-off",
                    ),
                );
                if let Some(range) = &segment.source {
                    let shown_range = if range.is_empty() {
                        segment.tail.clone()
                    } else {
                        range.clone()
                    };
                    diagnostic = diagnostic
                        .with_secondary(Label::target(shown_range, "English at hand-off"));
                }
                let changed: Vec<Range<usize>> = ops
                    .iter()
                    .filter(|(_, new)| !new.is_empty())
                    .map(|(_, new)| new_tokens[new.start].1.start..new_tokens[new.end - 1].1.end)
                    .collect();
                let current = match (changed.first(), changed.last()) {
                    (Some(first), Some(last)) => first.start..last.end,
                    _ => source.range.clone(),
                };
                diagnostic = diagnostic.with_secondary(reference.label(current, "current English"));
                out.push(
                    diagnostic
                        .with_note(format!("word diff: {}", diff_note.join(" ")))
                        .with_help("update the translation to the current English, then refresh the segment's embedded source"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word_tokens;

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
}
