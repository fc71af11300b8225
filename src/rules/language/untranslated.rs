use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::markdown::model::BlockKind;
use crate::markdown::tokens;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports text left in the source language: a side-by-side segment whose translation
    /// equals its English, a paragraph of a plain translation that equals its source, or, in a
    /// CJK locale, a segment with several English words and no CJK text at all. Segments made
    /// only of code, anchors, numbers, URLs, host and file names, or names that are not
    /// translated (the `do-not-translate` rulebook and the front matter `no-loc` list) do not
    /// count. A single word counts only in a heading or a table header, where it is a label;
    /// elsewhere it is usually a value such as a registry setting.
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
    /// ```
    /// ```md fr
    /// |**Application**|**Key**|**値**|
    /// ```
    ///
    /// Use instead:
    /// ```md fr
    /// |**アプリケーション**|**キー**|**値**|
    /// ```
    pub struct Untranslated;
    code = "LD301", name = "untranslated", severity = Warning, since = "0.1.0"
}

/// Half or more of the segments untranslated, and at least this many, makes one summary.
const SUMMARY_MIN_SEGMENTS: usize = 5;

static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<[^>]*>|`[^`]*`|\]\([^)]*\)|[*_\\\[\]()|>#]").expect("markup pattern is valid")
});

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF))
}

/// The English words of a text that a translator would translate: markup, code, tokens and
/// do-not-translate names removed.
fn translatable_words(text: &str, names: &[String]) -> Vec<String> {
    let markup_free = MARKUP.replace_all(text, " ");
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
    for name in names {
        if !name.is_empty() && stripped.contains(name.as_str()) {
            stripped = stripped.replace(name.as_str(), " ");
        }
    }
    stripped
        .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
        .filter(|word| word.len() >= 2 && word.chars().any(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect()
}

/// Whether a text with these translatable words is something a translator translates. In a
/// heading or a table header a single word is a label; elsewhere a single word is usually a
/// value (`Disable`), and a short run of capitalised words is a product name (`Contoso
/// Authenticator`).
fn is_translatable(words: &[String], kind: &BlockKind) -> bool {
    let is_label = matches!(
        kind,
        BlockKind::Heading(_) | BlockKind::TableCell { header: true, .. }
    );
    if is_label {
        return !words.is_empty();
    }
    let is_name = words.len() <= 3
        && words
            .iter()
            .all(|word| word.starts_with(|c: char| c.is_ascii_uppercase()));
    words.len() >= 2 && !is_name
}

fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Finding {
    range: std::ops::Range<usize>,
    source_range: Option<std::ops::Range<usize>>,
    label: String,
    text: String,
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
        // Longest first, so "Skype for Business Online" goes before "Skype for Business".
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let cjk = cx.is_cjk();
        let mut findings = Vec::new();
        let mut candidates = 0usize;
        if cx.target.is_side_by_side() {
            for (block_index, segments) in cx.target.block_segments.iter().enumerate() {
                let kind = &cx.target.target.blocks[block_index].kind;
                for &segment_index in segments {
                    let Some(source) = cx.target.segment_source(segment_index) else {
                        continue;
                    };
                    let target = cx.target.segment_target(segment_index);
                    let words = translatable_words(source, &names);
                    if !is_translatable(&words, kind) {
                        continue;
                    }
                    candidates += 1;
                    let target_words = translatable_words(target, &names);
                    let untranslated = normalized(source) == normalized(target)
                        || (cjk && !has_cjk(target) && target_words.len() >= 2);
                    if untranslated {
                        let segment = &cx.target.segments[segment_index];
                        findings.push(Finding {
                            range: segment.target.clone(),
                            source_range: segment.source.clone(),
                            label: format!("segment `{}` is still in English", segment.id),
                            text: target.to_string(),
                        });
                    }
                }
            }
        } else if cx.reference.is_some() {
            let source_text = cx.reference.map(|r| r.view.text()).unwrap_or_default();
            for pair in cx.pairs() {
                let (Some(source), Some(target)) = (pair.source, pair.target) else {
                    continue;
                };
                if matches!(target.kind, BlockKind::CodeBlock | BlockKind::Html) {
                    continue;
                }
                let source_prose = source.prose(source_text);
                let words = translatable_words(&source_prose, &names);
                if !is_translatable(&words, &target.kind) {
                    continue;
                }
                candidates += 1;
                let target_prose = target.prose(cx.target_text());
                let target_words = translatable_words(&target_prose, &names);
                let untranslated = normalized(&source_prose) == normalized(&target_prose)
                    || (cjk && !has_cjk(&target_prose) && target_words.len() >= 3);
                if untranslated {
                    findings.push(Finding {
                        range: cx.target_original(target.range.clone()),
                        source_range: cx.reference.map(|r| r.view.original(source.range.clone())),
                        label: format!("this {} is still in English", target.kind.noun()),
                        text: target_prose,
                    });
                }
            }
        }
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
        if findings.len() >= SUMMARY_MIN_SEGMENTS && findings.len() * 2 >= candidates {
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
            let shown: String = finding.text.chars().take(60).collect();
            let ellipsis = if finding.text.chars().count() > 60 {
                "…"
            } else {
                ""
            };
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
    use super::*;

    #[test]
    fn words_exclude_markup_tokens_and_names() {
        let names = vec!["Skype for Business".to_string()];
        assert!(translatable_words("**msoidsvc.exe** <br/> 0", &names).is_empty());
        assert_eq!(
            translatable_words("**Application**", &names),
            ["Application"]
        );
        assert!(translatable_words("Skype for Business", &names).is_empty());
        assert_eq!(
            translatable_words("[Update DNS settings](a.md#x)", &names).len(),
            2
        );
    }
}
