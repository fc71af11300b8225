use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::revisions::runs;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports translated blocks that have no counterpart in the source: text a translator or
    /// a machine-translation pass added, such as a disclaimer, an extra sentence or a link.
    /// Consecutive blocks are reported together.
    ///
    /// ## Why is this bad?
    /// Added text is not reviewed against any source; it can contradict the English or link
    /// readers to pages that the English does not endorse.
    ///
    /// ## Example
    /// ```md en
    /// Update your DNS settings.
    /// ```
    /// ```md zh-cn
    /// 更新 DNS 设置。
    ///
    /// 另请参阅 [Wiki 文章](https://example.com/wiki)。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 更新 DNS 设置。
    /// ```
    pub struct ExtraSegment;
    code = "LD403", name = "extra-segment", severity = Warning, since = "0.1.0"
}

impl Rule for ExtraSegment {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.reference.is_none() {
            return;
        }
        let target_view = &cx.target.target;
        for run in runs(cx.alignment, false) {
            let first = &target_view.blocks[run.blocks.start];
            let last = &target_view.blocks[run.blocks.end - 1];
            let range = target_view.original(first.range.start..last.range.end);
            if cx.target.document.text[range.clone()].trim().is_empty() {
                continue;
            }
            // A run of bare anchors is LD202's finding (a renamed or extra anchor), not text.
            if target_view.blocks[run.blocks.clone()].iter().all(|block| {
                !block.anchors.is_empty() && block.prose(target_view.text()).trim().is_empty()
            }) {
                continue;
            }
            let what = if run.blocks.len() == 1 {
                format!("this {}", first.kind.noun())
            } else {
                format!("these {} blocks", run.blocks.len())
            };
            let mut diagnostic = Diagnostic::new(
                &Self::INFO,
                format!(
                    "{what} of the translation {} no counterpart in the source",
                    if run.blocks.len() == 1 { "has" } else { "have" }
                ),
                Label::target(range, "not in the source"),
            );
            if let (Some(reference), Some(index)) = (cx.reference, run.previous_other)
                && let Some(block) = reference.view.blocks.get(index)
            {
                diagnostic = diagnostic.with_secondary(
                    reference.label(block.range.clone(), "the source block before it"),
                );
            }
            out.push(
                diagnostic
                    .with_help("remove the added text, or add it to the English source first"),
            );
        }
    }
}
