use std::collections::BTreeMap;
use std::ops::Range;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::markdown::model::Block;
use crate::rules::support::{is_prose, source_block_label, target_block_label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports an aligned block whose HTML tags (`<br/>`, `<kbd>`, `<a href>`, `<sup>`, …),
    /// bold or italic count differs from the source's.
    ///
    /// `<strong>`/`<b>` count as bold and `<em>`/`<i>` as italic, so `**Save**` for
    /// `<strong>Save</strong>` is not drift. `<br>`, `<br/>` and `<br />` are one tag. UI names
    /// that a translation writes in brackets instead of bold, as Microsoft's Chinese and
    /// Japanese style guides ask (`[設定]` for `**Settings**`, also `「…」` and `【…】`), make up
    /// for missing bold, and italics may be dropped in Chinese, Japanese and Korean, which do
    /// not use them.
    ///
    /// An alert of the source (`> [!NOTE]`) that the translation writes as a plain paragraph or
    /// with a bold label (`**注意**：`) is `structure-drift`'s (LD203), and its bold label is
    /// not counted here.
    ///
    /// Other rules own parts of the markup: anchors (`<a name>`) are `lost-anchor`'s (LD202);
    /// a block with escaped or unrendered bold markers (`\*\*`, `** x **`) is left to
    /// `escaped-emphasis` (LD201), and so is one with quadrupled markers; an emphasised placeholder (`***ServerName***`) is
    /// `placeholder-drift`'s (LD105) when its name changed.
    ///
    /// ## Why is this bad?
    /// A dropped `<br/>` runs two lines of a table cell together, a dropped `<kbd>` no longer
    /// shows a key as a key, and a lost bold hides the UI name the reader looks for.
    ///
    /// ## Example
    /// ```md en
    /// | **Schedule** | Every 6 hours<br/>Starts at 01:00 |
    /// ```
    /// ```md zh-cn
    /// | **计划** | 每 6 小时，开始于 01:00 |
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// | **计划** | 每 6 小时<br/>开始于 01:00 |
    /// ```
    ///
    /// ## Known limitations
    /// Counts are compared, not positions: a tag moved within its block is not reported, and
    /// one tag missing plus another added of the same name cancel out.
    pub struct MarkupDrift;
    code = "LD204", name = "markup-drift", severity = Warning, since = "0.1.0"
}

/// The brackets that write a UI name standing for a bold one: `[設定]`, `「確認」`, `【保存】`,
/// `［保存］`.
const UI_BRACKETS: [(char, char); 4] = [('[', ']'), ('「', '」'), ('【', '】'), ('［', '］')];

/// The most characters a bracketed UI name has.
const UI_NAME_MAX_CHARS: usize = 40;

/// How many bracketed UI names a text has: an opening bracket, 1 to [`UI_NAME_MAX_CHARS`]
/// characters that are neither of its brackets nor a line break, and its closing bracket;
/// searched from the end of each name found. The same, match for match, as the regex
/// `\[[^\[\]\n]{1,40}\]|「[^「」\n]{1,40}」|…` that it replaced (a UI name is in most blocks of
/// a CJK translation, and the regex's bounded repetition of a class was costly).
fn count_ui_names(text: &str) -> usize {
    let mut count = 0;
    let mut rest = text;
    while let Some(open_at) = rest.find(UI_BRACKETS.map(|(open, _)| open)) {
        let open = rest[open_at..].chars().next().expect("a bracket was found");
        let close = UI_BRACKETS
            .iter()
            .find_map(|&(o, c)| (o == open).then_some(c))
            .expect("the bracket is an opening one");
        rest = &rest[open_at + open.len_utf8()..];
        let name_len = rest
            .char_indices()
            .take(UI_NAME_MAX_CHARS + 1)
            .find(|&(_, c)| c == open || c == close || c == '\n')
            .filter(|&(at, c)| c == close && at > 0)
            .map(|(at, _)| at);
        if let Some(name_len) = name_len {
            count += 1;
            rest = &rest[name_len + close.len_utf8()..];
        }
    }
    count
}

/// What a block's markup adds up to.
#[derive(Debug, Default)]
struct Markup {
    /// Opening and empty tags by name (`a href` for links), with their ranges.
    tags: BTreeMap<String, Vec<Range<usize>>>,
    bold: usize,
    italic: usize,
}

/// An HTML tag's parts, as `<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>` reads them at the
/// start of the text.
#[derive(Debug, PartialEq, Eq)]
struct Tag<'a> {
    closing: bool,
    name: &'a str,
    attributes: &'a str,
    /// The end of the tag, after its `>`.
    end: usize,
}

/// Reads the tag at the start of `raw` (most blocks of side-by-side files are full of
/// `<span>` tags, so this is done by hand rather than with a regex).
fn parse_tag(raw: &str) -> Option<Tag<'_>> {
    let after_open = raw.strip_prefix('<')?.trim_start();
    let (closing, after_slash) = match after_open.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, after_open),
    };
    if !after_slash.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = after_slash
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .unwrap_or(after_slash.len());
    let (name, rest) = after_slash.split_at(name_len);
    let attributes_len = rest.find('>')?;
    Some(Tag {
        closing,
        name,
        attributes: &rest[..attributes_len],
        end: raw.len() - rest.len() + attributes_len + 1,
    })
}

/// Whether `haystack` contains `needle` (lower-case ASCII) in any ASCII case.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

fn markup(block: &Block, text: &str) -> Markup {
    let mut markup = Markup {
        bold: block.strong.len(),
        italic: block.emphasis,
        ..Markup::default()
    };
    for range in &block.html_tags {
        let Some(tag) = parse_tag(&text[range.clone()]) else {
            continue;
        };
        // Closing tags say nothing that their opening tag did not.
        if tag.closing {
            continue;
        }
        let is = |name: &str| tag.name.eq_ignore_ascii_case(name);
        let has = |attribute: &str| contains_ignoring_case(tag.attributes, attribute);
        let key = if is("strong") || is("b") {
            markup.bold += 1;
            continue;
        } else if is("em") || is("i") {
            markup.italic += 1;
            continue;
        } else if is("a") {
            // Anchors are lost-anchor's (LD202).
            if !has("href") {
                continue;
            }
            "a href".to_string()
        } else if is("span") && (has("data-ttu-id") || has("sxs-lookup")) {
            // Side-by-side spans are the format itself.
            continue;
        } else {
            tag.name.to_ascii_lowercase()
        };
        markup
            .tags
            .entry(key)
            .or_default()
            .push(range.start..range.start + tag.end);
    }
    markup
}

/// How many UI names the block writes in brackets (outside links).
fn bracketed_names(block: &Block, text: &str) -> usize {
    block
        .text_runs
        .iter()
        .map(|run| &text[run.clone()])
        // Each pattern starts with an opening bracket, which most runs lack.
        .filter(|run| run.contains(['[', '「', '【', '［']))
        .map(count_ui_names)
        .sum()
}

/// Whether one range lies inside another (bold inside bold). Sorted by start, longest first,
/// a range lies inside an earlier one exactly when one of those ends at or after it does.
fn has_nested(ranges: &[Range<usize>]) -> bool {
    if ranges.len() < 2 {
        return false;
    }
    let mut sorted: Vec<(usize, std::cmp::Reverse<usize>)> = ranges
        .iter()
        .map(|r| (r.start, std::cmp::Reverse(r.end)))
        .collect();
    sorted.sort_unstable();
    let mut furthest_end = None;
    for (_, std::cmp::Reverse(end)) in sorted {
        if furthest_end.is_some_and(|furthest| furthest >= end) {
            return true;
        }
        furthest_end = Some(furthest_end.map_or(end, |furthest: usize| furthest.max(end)));
    }
    false
}

/// `2 `<kbd>` tags`, `1 bold span`.
fn count(what: &str, noun: &str, n: usize) -> String {
    let plural = if n == 1 { "" } else { "s" };
    match n {
        0 => format!("no {what} {noun}s"),
        n => format!("{n} {what} {noun}{plural}"),
    }
}

/// The message for a count that differs: `the source has 1 `<br/>` tag, the translation none`.
fn counted(what: &str, noun: &str, source: usize, target: usize) -> String {
    let target = match target {
        0 => "none".to_string(),
        n => n.to_string(),
    };
    format!(
        "the source has {}, the translation {target}",
        count(what, noun, source)
    )
}

fn display(key: &str) -> String {
    match key {
        "a href" => "<a href>".to_string(),
        "br" => "<br/>".to_string(),
        other => format!("<{other}>"),
    }
}

impl Rule for MarkupDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        if cx.is_source_file {
            return;
        }
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        let cjk = cx.is_cjk();
        for (source, target) in cx.matched_blocks() {
            if !is_prose(source) || !is_prose(target) {
                continue;
            }
            let source_markup = markup(source, source_text);
            let target_markup = markup(target, target_text);
            let mut keys: Vec<&String> = source_markup
                .tags
                .keys()
                .chain(target_markup.tags.keys())
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let source_tags = source_markup.tags.get(key).map_or(&[][..], |v| &v[..]);
                let target_tags = target_markup.tags.get(key).map_or(&[][..], |v| &v[..]);
                if source_tags.len() == target_tags.len() {
                    continue;
                }
                let tag = display(key);
                let (message, primary) = if target_tags.len() < source_tags.len() {
                    (
                        counted(
                            &format!("`{tag}`"),
                            "tag",
                            source_tags.len(),
                            target_tags.len(),
                        ),
                        target_block_label(
                            cx,
                            target,
                            format!(
                                "{} `{tag}` missing in this {}",
                                source_tags.len() - target_tags.len(),
                                target.kind.noun()
                            ),
                        ),
                    )
                } else {
                    let extra = target_tags[source_tags.len()].clone();
                    (
                        counted(
                            &format!("`{tag}`"),
                            "tag",
                            source_tags.len(),
                            target_tags.len(),
                        ),
                        Label::target(cx.target_original(extra), "not in the source"),
                    )
                };
                let mut diagnostic = Diagnostic::new(&Self::INFO, message, primary)
                    .with_help(format!("use the source's `{tag}` tags"));
                if let Some(first) = source_tags.first() {
                    diagnostic = diagnostic.with_secondary(
                        reference.label(first.clone(), format!("`{tag}` in the English source")),
                    );
                } else if let Some(label) =
                    source_block_label(cx, source, format!("no `{tag}` in the English source"))
                {
                    diagnostic = diagnostic.with_secondary(label);
                }
                out.push(diagnostic);
            }
            // An alert written as a bold label is `structure-drift`'s (LD203); its bold is not
            // counted here.
            if let Some(kind) = source.containers.alert
                && target.containers.alert != Some(kind)
            {
                continue;
            }
            // Unrendered or quadrupled markers make the counts meaningless; escaped-emphasis
            // (LD201) reports them.
            if !target.literal_markers.is_empty()
                || !source.literal_markers.is_empty()
                || has_nested(&target.strong)
                || has_nested(&source.strong)
            {
                continue;
            }
            let bold_deficit = source_markup.bold.saturating_sub(target_markup.bold);
            let bold_covered =
                bold_deficit == 0 || bracketed_names(target, target_text) >= bold_deficit;
            if source_markup.bold != target_markup.bold
                && (target_markup.bold > source_markup.bold || !bold_covered)
            {
                out.push(self.count_finding(
                    cx,
                    source,
                    target,
                    "bold",
                    source_markup.bold,
                    target_markup.bold,
                ));
            }
            let italic_dropped_in_cjk = cjk && target_markup.italic < source_markup.italic;
            if source_markup.italic != target_markup.italic && !italic_dropped_in_cjk {
                out.push(self.count_finding(
                    cx,
                    source,
                    target,
                    "italic",
                    source_markup.italic,
                    target_markup.italic,
                ));
            }
        }
    }
}

impl MarkupDrift {
    fn count_finding(
        &self,
        cx: &Context<'_>,
        source: &Block,
        target: &Block,
        what: &str,
        source_count: usize,
        target_count: usize,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(
            &Self::INFO,
            counted(what, "span", source_count, target_count),
            target_block_label(
                cx,
                target,
                format!("{target_count} {what} in this {}", target.kind.noun()),
            ),
        )
        .with_help(format!("mark the same text {what} as the source does"));
        if let Some(label) = source_block_label(
            cx,
            source,
            format!("{source_count} {what} in the English source"),
        ) {
            diagnostic = diagnostic.with_secondary(label);
        }
        diagnostic
    }
}

#[cfg(test)]
mod tests {
    proptest! {
        #[test]
        fn nesting_is_found_as_the_pairwise_check_did(
            ranges in proptest::collection::vec((0usize..40, 0usize..10), 0..12)
        ) {
            let ranges: Vec<Range<usize>> = ranges.into_iter().map(|(s, l)| s..s + l).collect();
            let pairwise = ranges.iter().enumerate().any(|(i, a)| {
                ranges
                    .iter()
                    .enumerate()
                    .any(|(j, b)| i != j && a.start <= b.start && b.end <= a.end)
            });
            prop_assert_eq!(has_nested(&ranges), pairwise);
        }
    }

    use std::sync::LazyLock;

    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    /// The pattern that `count_ui_names` finds, the oracle of its property test.
    static UI_NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\[[^\[\]\n]{1,40}\]|「[^「」\n]{1,40}」|【[^【】\n]{1,40}】|［[^［］\n]{1,40}］",
        )
        .expect("bracket pattern is valid")
    });

    proptest! {
        #[test]
        fn ui_names_are_counted_as_the_regex_did(
            text in crate::testing::text_of(&["[", "]", "「", "」", "【", "】", "［", "］", "\n", "a", "設定", "abcdefghij"], 40)
        ) {
            prop_assert_eq!(count_ui_names(&text), UI_NAME.find_iter(&text).count());
        }
    }

    /// The pattern that `parse_tag` reads, the oracle of its property test.
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>").expect("tag pattern is valid")
    });

    fn parse_tag_with_regex(raw: &str) -> Option<Tag<'_>> {
        let captures = TAG.captures(raw)?;
        Some(Tag {
            closing: !captures[1].is_empty(),
            name: captures.get(2).expect("group 2 takes part").as_str(),
            attributes: captures.get(3).expect("group 3 takes part").as_str(),
            end: captures.get(0).expect("group 0 takes part").end(),
        })
    }

    proptest! {
        #[test]
        fn tags_are_read_as_the_regex_did(raw in r"<[ \t\n\u{a0}\u{3000}/]{0,3}[a-zA-Z0-9\-_ ]{0,6}[^>]{0,8}>?[^<]{0,4}") {
            prop_assert_eq!(parse_tag(&raw), parse_tag_with_regex(&raw));
        }

        #[test]
        fn any_text_is_read_as_the_regex_did(raw in any::<String>()) {
            prop_assert_eq!(parse_tag(&raw), parse_tag_with_regex(&raw));
        }
    }

    #[test]
    fn attributes_in_any_case() {
        assert!(contains_ignoring_case(" HREF=\"x\"", "href"));
        assert!(!contains_ignoring_case(" hre", "href"));
    }
    use crate::markdown::parse_blocks;

    #[test]
    fn html_bold_counts_as_bold() {
        let english = "Select <strong>Run now</strong> or press <kbd>Ctrl</kbd>.<br/>\n";
        let translated = "选择 **立即运行** 或按 <kbd>Ctrl</kbd>。<br />\n";
        let a = markup(&parse_blocks(english)[0], english);
        let b = markup(&parse_blocks(translated)[0], translated);
        assert_eq!((a.bold, b.bold), (1, 1));
        assert_eq!(
            a.tags.keys().collect::<Vec<_>>(),
            b.tags.keys().collect::<Vec<_>>()
        );
        assert_eq!(a.tags["br"].len(), 1);
    }

    #[test]
    fn count_messages_read_source_first() {
        assert_eq!(
            counted("`<br/>`", "tag", 1, 0),
            "the source has 1 `<br/>` tag, the translation none"
        );
        assert_eq!(
            counted("bold", "span", 2, 3),
            "the source has 2 bold spans, the translation 3"
        );
        assert_eq!(
            counted("`<kbd>`", "tag", 0, 2),
            "the source has no `<kbd>` tags, the translation 2"
        );
    }

    #[test]
    fn anchors_are_not_counted() {
        let text = "<a name=\"x\"></a> and <a href=\"y\">y</a>\n";
        let m = markup(&parse_blocks(text)[0], text);
        assert_eq!(m.tags.keys().collect::<Vec<_>>(), ["a href"]);
    }
}
