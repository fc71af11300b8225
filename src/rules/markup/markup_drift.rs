use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

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
    /// ```md fr
    /// | **计划** | 每 6 小时，开始于 01:00 |
    /// ```
    ///
    /// Use instead:
    /// ```md fr
    /// | **计划** | 每 6 小时<br/>开始于 01:00 |
    /// ```
    ///
    /// ## Known limitations
    /// Counts are compared, not positions: a tag moved within its block is not reported, and
    /// one tag missing plus another added of the same name cancel out.
    pub struct MarkupDrift;
    code = "LD204", name = "markup-drift", severity = Warning, since = "0.1.0"
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>").expect("tag pattern is valid")
});
/// A UI name in brackets that stands for a bold one: `[設定]`, `「確認」`, `【保存】`.
static UI_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[[^\[\]\n]{1,40}\]|「[^「」\n]{1,40}」|【[^【】\n]{1,40}】|［[^［］\n]{1,40}］")
        .expect("bracket pattern is valid")
});

/// What a block's markup adds up to.
#[derive(Debug, Default)]
struct Markup {
    /// Opening and empty tags by name (`a href` for links), with their ranges.
    tags: BTreeMap<String, Vec<Range<usize>>>,
    bold: usize,
    italic: usize,
}

fn markup(block: &Block, text: &str) -> Markup {
    let mut markup = Markup {
        bold: block.strong.len(),
        italic: block.emphasis,
        ..Markup::default()
    };
    for range in &block.html_tags {
        let raw = &text[range.clone()];
        let Some(captures) = TAG.captures(raw) else {
            continue;
        };
        // Closing tags say nothing that their opening tag did not.
        if !captures[1].is_empty() {
            continue;
        }
        let name = captures[2].to_ascii_lowercase();
        let attributes = captures[3].to_ascii_lowercase();
        let key = match name.as_str() {
            "strong" | "b" => {
                markup.bold += 1;
                continue;
            }
            "em" | "i" => {
                markup.italic += 1;
                continue;
            }
            // Anchors are lost-anchor's (LD202); side-by-side spans are the format itself.
            "a" if !attributes.contains("href") => continue,
            "a" => "a href".to_string(),
            "span" if attributes.contains("data-ttu-id") || attributes.contains("sxs-lookup") => {
                continue;
            }
            _ => name,
        };
        let end = range.start + captures.get(0).map_or(raw.len(), |m| m.end());
        markup.tags.entry(key).or_default().push(range.start..end);
    }
    markup
}

/// How many UI names the block writes in brackets (outside links).
fn bracketed_names(block: &Block, text: &str) -> usize {
    block
        .text_runs
        .iter()
        .map(|run| UI_BRACKETS.find_iter(&text[run.clone()]).count())
        .sum()
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
        for pair in cx.pairs() {
            let (Some(source), Some(target)) = (pair.source, pair.target) else {
                continue;
            };
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
            let nested = |block: &Block| {
                block.strong.iter().enumerate().any(|(i, a)| {
                    block
                        .strong
                        .iter()
                        .enumerate()
                        .any(|(j, b)| i != j && a.start <= b.start && b.end <= a.end)
                })
            };
            if !target.literal_markers.is_empty()
                || !source.literal_markers.is_empty()
                || nested(target)
                || nested(source)
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
    use super::*;
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
