use crate::declare_rule;
use crate::diagnostic::{Diagnostic, FileSide, Label, Severity};
use crate::revisions;
use crate::rules::{Context, HandoffView, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a side-by-side segment whose embedded English differs from the current English
    /// source given with `--source`: the segment was translated from an older revision. The
    /// message shows what changed, word by word. Changes of white space or line wrapping alone
    /// do not make a segment stale, nor do anchors that the English dropped.
    ///
    /// With `--source-repo`, plain translations are checked too: the English file is read at the
    /// commit that the translation's `ms.sourcegitcommit` records, compared block by block with
    /// the current source, and each translated block whose English changed since is reported
    /// with the word diff. When the English changed only in formatting (re-wrapped lines, white
    /// space, `*` or `-` bullets, table padding) one note says so, and nothing is stale.
    ///
    /// ## Why is this bad?
    /// The translation says what the English used to say: an old host name, an `http` link, a
    /// portal that was renamed. Readers of the translation follow outdated instructions.
    ///
    /// ## Example
    /// ```md en
    /// - **Value/Destination**: sipdir.online.lync.com
    /// ```
    /// ```md zh-cn
    /// - <span data-ttu-id="a-1">**值/目标**：sipdir.online.microsoft.com</span><span class="sxs-lookup"><span data-stu-id="a-1">**Value/Destination**: sipdir.online.microsoft.com</span></span>
    /// ```
    ///
    /// Use instead: translate the segment again from the current English, and update the
    /// embedded source with it.
    /// ```md zh-cn
    /// - <span data-ttu-id="a-1">**值/目标**：sipdir.online.lync.com</span><span class="sxs-lookup"><span data-stu-id="a-1">**Value/Destination**: sipdir.online.lync.com</span></span>
    /// ```
    pub struct StaleTranslation;
    code = "LD401", name = "stale-translation", severity = Warning, since = "0.1.0"
}

impl Rule for StaleTranslation {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(handoff) = &cx.handoff {
            check_handoff(cx, handoff, out);
        }
        let Some(reference) = cx.reference else {
            return;
        };
        if !reference.is_current_source || !cx.target.is_side_by_side() {
            return;
        }
        let embedded_blocks = revisions::EmbeddedBlocks::new(cx.target);
        for pair in cx.pairs() {
            let (Some(source), Some(target_index)) = (pair.source, pair.target_index) else {
                continue;
            };
            for change in revisions::segment_changes_with(
                cx.target,
                &embedded_blocks,
                target_index,
                reference.view,
                source,
            ) {
                let segment = &cx.target.segments[change.segment];
                let message = format!(
                    "the English of segment `{}` differs from the current source: {}",
                    segment.id,
                    revisions::summarize(&change.changes)
                );
                // The changed words of the embedded English are the evidence, and a few
                // columns wide; the translated segment and its whole lookup can fill a
                // side-by-side line.
                let diagnostic = match change.old_range {
                    Some(range) => Diagnostic::new(
                        &StaleTranslation::INFO,
                        message,
                        Label::target(range, "translated from this English"),
                    ),
                    None => whole_segment(segment, message),
                };
                out.push(
                    diagnostic
                        .with_secondary(reference.label(change.new_range, "current English"))
                        .with_note(format!("word diff: {}", revisions::marked(&change.changes)))
                        .with_help(HELP_SEGMENT),
                );
            }
        }
    }
}

/// A stale segment whose changed words could not be placed in its embedded English: the
/// translated segment, and its embedded English beside it.
fn whole_segment(segment: &crate::markdown::sxs::Segment, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &StaleTranslation::INFO,
        message,
        Label::target(
            segment.target.clone(),
            "translated from the English at hand-off",
        ),
    );
    match &segment.source {
        Some(range) => {
            let shown_range = if range.is_empty() {
                segment.tail.clone()
            } else {
                range.clone()
            };
            diagnostic.with_secondary(Label::target(shown_range, "English at hand-off"))
        }
        None => diagnostic,
    }
}

const HELP_SEGMENT: &str =
    "update the translation to the current English, then refresh the segment's embedded source";

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// With `--source-repo`: the English at the commit the translation records, compared with the
/// current source. Plain translations are reported block by block; side-by-side ones carry
/// their English and are compared segment by segment above.
fn check_handoff(cx: &Context<'_>, handoff: &HandoffView<'_>, out: &mut Vec<Diagnostic>) {
    let HandoffView::Found {
        commit,
        old,
        comparison,
        alignment,
    } = handoff
    else {
        return;
    };
    let Some(source) = cx.source else {
        return;
    };
    let commit_label = cx
        .target
        .front_matter
        .as_ref()
        .and_then(|fm| fm.get("ms.sourcegitcommit"))
        .map(|entry| entry.value_range.clone());
    if comparison.is_formatting_only() {
        if old.document.text != source.document.text
            && let Some(range) = commit_label
        {
            let reformatted = comparison
                .blocks
                .iter()
                .filter(|b| b.status == revisions::Status::Reformatted)
                .count();
            let mut diagnostic = Diagnostic::new(
                &StaleTranslation::INFO,
                format!(
                    "the English changed since hand-off commit `{}` in formatting only; the translation is not stale",
                    short(commit)
                ),
                Label::target(range, "English at hand-off"),
            )
            .with_note(format!(
                "{reformatted} blocks were re-wrapped or re-formatted; no words changed"
            ));
            diagnostic.severity = Severity::Info;
            out.push(diagnostic);
        }
        return;
    }
    if cx.target.is_side_by_side() {
        return;
    }
    let view = &source.target;
    for &(old_index, target_index) in alignment {
        let (Some(old_index), Some(target_index)) = (old_index, target_index) else {
            continue;
        };
        let Some(change) = comparison.of_old(old_index) else {
            continue;
        };
        let Some(new_index) = change.new else {
            continue;
        };
        if change.status != revisions::Status::Changed || change.words.is_empty() {
            continue;
        }
        let target_block = &cx.target.target.blocks[target_index];
        let new_block = &view.blocks[new_index];
        let range = cx.target_original(target_block.range.clone());
        let current = revisions::changed_range(view, new_block, &change.words);
        out.push(
            Diagnostic::new(
                &StaleTranslation::INFO,
                format!(
                    "the English of this {} changed since hand-off commit `{}`: {}",
                    target_block.kind.noun(),
                    short(commit),
                    revisions::summarize(&change.words)
                ),
                Label::target(
                    cx.target.document.first_line_of(range),
                    "translated from the English at hand-off",
                ),
            )
            .with_secondary(Label::new(
                FileSide::Source,
                view.original(current),
                "current English",
            ))
            .with_note(format!("word diff: {}", revisions::marked(&change.words)))
            .with_help("update the translation to the current English"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::FileSide;
    use crate::testing::findings_of;

    fn segment(translated: &str, english: &str) -> String {
        format!(
            "<span data-ttu-id=\"a-1\">{translated}</span><span class=\"sxs-lookup\">\
             <span data-stu-id=\"a-1\">{english}</span></span>\n"
        )
    }

    /// The text of the labels of the one LD401 finding, in the translation and in the source.
    fn pointed(source: &str, target: &str) -> Vec<String> {
        let findings = findings_of("LD401", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        std::iter::once(&finding.primary)
            .chain(&finding.secondary)
            .map(|label| match label.file {
                FileSide::Target => format!("target: {}", &target[label.range.clone()]),
                _ => format!("source: {}", &source[label.range.clone()]),
            })
            .collect()
    }

    #[test]
    fn points_at_the_changed_words_of_the_embedded_english() {
        let source = "Sign in to the Microsoft 365 admin center now.\n";
        let target = segment(
            "现在登录 Office 365 门户。",
            "Sign in to the Office 365 Portal now.",
        );
        assert_eq!(
            pointed(source, &target),
            [
                "target: Office 365 Portal",
                "source: Microsoft 365 admin center"
            ]
        );
    }

    #[test]
    fn added_words_point_at_the_words_around_where_they_go() {
        let source = "Restart the sync client today.\n";
        let target = segment("今天重新启动客户端。", "Restart the client today.");
        assert_eq!(
            pointed(source, &target),
            ["target: the client", "source: sync"]
        );
    }

    #[test]
    fn removed_words_point_at_the_words_around_where_they_were() {
        let source = "Restart the client today.\n";
        let target = segment("今天重新启动同步客户端。", "Restart the sync client today.");
        assert_eq!(
            pointed(source, &target),
            ["target: sync", "source: the client"]
        );
    }
}
