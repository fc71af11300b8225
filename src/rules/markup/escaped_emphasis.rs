use std::cell::Cell;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::Block;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports bold markers that a translation broke where the source has rendered bold:
    /// markers escaped into literal `\*\*`, escaped empty pairs left beside a localized UI
    /// label (`[網路]\*\*\*\*`), quadrupled markers (`****应用程序****`), markers with a space
    /// on the inside (`\*\*名稱 \*\*`, `** x **`), and bold that would not render because CJK
    /// punctuation stands next to a marker. Whether bold renders is decided by the CommonMark
    /// parser, not by a pattern.
    ///
    /// ## Why is this bad?
    /// Readers see asterisks instead of bold UI labels, which looks broken and hides which
    /// words are the labels to click.
    ///
    /// ## Example
    /// ```md en
    /// This dialog box appears if the server is not listed in the **TrustModelData** registry key.
    /// ```
    /// ```md zh-tw
    /// 如果伺服器尚未列在 \*\*TrustModelData \*\* 登錄機碼中，就會顯示這個對話方塊。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-tw
    /// 如果伺服器尚未列在 **TrustModelData** 登錄機碼中，就會顯示這個對話方塊。
    /// ```
    ///
    /// ## Fix safety
    /// The fix is safe when the repaired markers are checked to render as bold. A pair that
    /// punctuation keeps from rendering (`单击**“保存”**。`) gets an unsafe fix when a space
    /// beside a marker makes it render: CJK text has no spaces, so the space changes how the
    /// sentence looks. When no space does, there is no fix: where the punctuation belongs is
    /// the translator's call.
    pub struct EscapedEmphasis;
    code = "LD201", name = "escaped-emphasis", severity = Error, since = "0.1.0"
}

/// Counts the `**strong**` spans a Markdown snippet renders.
fn strong_count(markdown: &str) -> usize {
    Parser::new_ext(markdown, crate::markdown::options())
        .filter(|event| matches!(event, Event::Start(Tag::Strong)))
        .count()
}

/// How many bytes of Markdown one file may re-parse to try repairs. Each try parses the whole
/// block twice, so a block with thousands of broken pairs took time quadratic in its size;
/// past the budget, the findings give advice without a fix.
const REPAIR_BUDGET: usize = 16 << 20;

/// Whether replacing `whole` with `replacement` makes the block render more bold; `None` when
/// the file's repair budget is spent.
fn renders_more(
    text: &str,
    block: &Block,
    whole: &Range<usize>,
    replacement: &str,
    budget: &Cell<usize>,
) -> Option<bool> {
    let span = block.range.start.min(whole.start)..block.range.end.max(whole.end);
    let cost = 2 * span.len() + replacement.len();
    budget.set(budget.get().checked_sub(cost)?);
    let fixed = format!(
        "{}{}{}",
        &text[span.start..whole.start],
        replacement,
        &text[whole.end..span.end]
    );
    Some(strong_count(&fixed) > strong_count(&text[span]))
}

/// Attaches the repair of a broken pair: `**inner**` when that renders (safe); otherwise the
/// same with a space beside a marker, which CommonMark needs where a marker touches
/// punctuation and a letter (unsafe: it changes the spacing of the sentence); otherwise advice.
fn with_repair(
    diagnostic: Diagnostic,
    text: &str,
    block: &Block,
    whole: &Range<usize>,
    inner: &str,
    original: Range<usize>,
    budget: &Cell<usize>,
) -> Diagnostic {
    let inner = inner.trim();
    let plain = format!("**{inner}**");
    let unverified = || {
        format!(
            "write `{plain}` (no fix offered: this file has too many broken pairs to try each repair)"
        )
    };
    let Some(renders) = renders_more(text, block, whole, &plain, budget) else {
        return diagnostic.with_help(unverified());
    };
    if renders {
        return diagnostic.with_help(format!("write `{plain}`")).with_fix(
            original,
            plain,
            Applicability::Safe,
        );
    }
    for (spaced, side) in [
        (format!("{plain} "), "after it"),
        (format!(" {plain}"), "before it"),
        (format!(" {plain} "), "either side"),
    ] {
        let Some(renders) = renders_more(text, block, whole, &spaced, budget) else {
            return diagnostic.with_help(unverified());
        };
        if renders {
            return diagnostic
                .with_help(format!(
                    "write `{plain}` with a space {side}: a marker between punctuation and a letter does not render"
                ))
                .with_fix(original, spaced, Applicability::Unsafe);
        }
    }
    diagnostic.with_help(format!(
        "write `{plain}` and move punctuation next to the markers outside them, so that it renders"
    ))
}

/// Why a literal pair of `**` does not render, for the message.
fn reason(text: &str, open: &Range<usize>, close: &Range<usize>) -> &'static str {
    let inner = &text[open.end..close.start];
    if inner.starts_with(char::is_whitespace) || inner.ends_with(char::is_whitespace) {
        return "a space inside the markers keeps the bold from rendering";
    }
    "punctuation next to a marker keeps the bold from rendering (CommonMark flanking rules)"
}

impl Rule for EscapedEmphasis {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = cx.target_text();
        let budget = Cell::new(REPAIR_BUDGET);
        for pair in cx.pairs() {
            let Some(target) = pair.target else { continue };
            let source_strong = pair.source.map(|s| s.strong.as_slice()).unwrap_or_default();
            if pair.source.is_some() && source_strong.is_empty() {
                continue;
            }
            let source_label = |index: usize| {
                let range = source_strong.get(index.min(source_strong.len().saturating_sub(1)))?;
                cx.source_label(range.clone(), "bold in the English source")
            };
            check_block(cx, target, text, &source_label, &budget, out);
        }
        if cx.reference.is_none() && !cx.is_source_file {
            for block in &cx.target.target.blocks {
                check_block(cx, block, text, &|_| None, &budget, out);
            }
        }
    }
}

fn push(out: &mut Vec<Diagnostic>, diagnostic: Diagnostic, source: Option<Label>) {
    out.push(match source {
        Some(label) => diagnostic.with_secondary(label),
        None => diagnostic,
    });
}

fn check_block(
    cx: &Context<'_>,
    block: &Block,
    text: &str,
    source_label: &dyn Fn(usize) -> Option<Label>,
    budget: &Cell<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let block_text = &text[block.range.clone()];
    // Escaped markers: an empty pair is removed, the others pair up in order.
    let escaped: Vec<&Range<usize>> = block
        .literal_markers
        .iter()
        .filter(|m| m.escaped)
        .map(|m| &m.range)
        .collect();
    let mut open: Option<&Range<usize>> = None;
    let mut ordinal = 0;
    for range in escaped {
        let stars = text[range.clone()].matches('*').count();
        if stars == 4 {
            let original = cx.target_original(range.clone());
            push(
                out,
                Diagnostic::new(
                    &EscapedEmphasis::INFO,
                    "escaped empty bold markers `\\*\\*\\*\\*` show as literal asterisks",
                    Label::target(original.clone(), "renders as `****`"),
                )
                .with_note("the bold label was replaced but its markers were left behind, escaped")
                .with_help("remove the stray markers")
                .with_fix(original, "", Applicability::Safe),
                source_label(ordinal),
            );
            ordinal += 1;
            continue;
        }
        if stars != 2 {
            continue;
        }
        let Some(opening) = open.take() else {
            open = Some(range);
            continue;
        };
        if opening.end > range.start {
            continue;
        }
        let inner = &text[opening.end..range.start];
        let whole = opening.start..range.end;
        let original = cx.target_original(whole.clone());
        let spaced = inner != inner.trim();
        let message = if spaced {
            format!(
                "bold markers are escaped as `\\*\\*` and have a space inside: `{}`",
                &text[whole.clone()]
            )
        } else {
            format!(
                "bold markers are escaped as `\\*\\*`: `{}`",
                &text[whole.clone()]
            )
        };
        let diagnostic = Diagnostic::new(
            &EscapedEmphasis::INFO,
            message,
            Label::target(original.clone(), "shows literal asterisks"),
        );
        push(
            out,
            with_repair(diagnostic, text, block, &whole, inner, original, budget),
            source_label(ordinal),
        );
        ordinal += 1;
    }
    if let Some(range) = open {
        let original = cx.target_original(range.clone());
        push(
            out,
            Diagnostic::new(
                &EscapedEmphasis::INFO,
                "an escaped bold marker `\\*\\*` has no partner",
                Label::target(original, "shows literal asterisks"),
            )
            .with_help("restore the bold markers around the label, unescaped"),
            source_label(ordinal),
        );
    }
    // Quadrupled markers render as nested bold but are machine-translation debris.
    let bytes = block_text.as_bytes();
    let mut index = 0;
    while let Some(found) = block_text[index..].find("****") {
        let start = index + found;
        let mut end = start;
        while end < bytes.len() && bytes[end] == b'*' {
            end += 1;
        }
        let escaped_before = start > 0 && bytes[start - 1] == b'\\';
        if !escaped_before
            && end - start == 4
            && let Some(close_rel) = block_text[end..].find("****")
        {
            let close = end + close_rel;
            let inner = &block_text[end..close];
            if !inner.is_empty() && !inner.contains('\n') && !inner.contains('*') {
                let whole = block.range.start + start..block.range.start + close + 4;
                let original = cx.target_original(whole.clone());
                let replacement = format!("**{}**", inner.trim());
                push(
                    out,
                    Diagnostic::new(
                        &EscapedEmphasis::INFO,
                        format!("quadrupled bold markers: `{}`", &text[whole.clone()]),
                        Label::target(original.clone(), "doubled markers"),
                    )
                    .with_help(format!("write `{replacement}`"))
                    .with_fix(original, replacement, Applicability::Safe),
                    source_label(0),
                );
                index = close + 4;
                continue;
            }
        }
        index = end;
    }
    // Unescaped `**` left as text: the parser saw them and declined to render them.
    let literal: Vec<&Range<usize>> = block
        .literal_markers
        .iter()
        .filter(|m| !m.escaped && text[m.range.clone()].len() == 2)
        .map(|m| &m.range)
        .collect();
    for chunk in literal.chunks(2) {
        let [opening, closing] = chunk else { break };
        if opening.end > closing.start {
            continue;
        }
        let whole = opening.start..closing.end;
        let inner = &text[opening.end..closing.start];
        let original = cx.target_original(whole.clone());
        let why = reason(text, opening, closing);
        let diagnostic = Diagnostic::new(
            &EscapedEmphasis::INFO,
            format!("bold does not render: `{}`", &text[whole.clone()]),
            Label::target(original.clone(), why),
        );
        push(
            out,
            with_repair(diagnostic, text, block, &whole, inner, original, budget),
            source_label(0),
        );
    }
}
