use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::revisions::runs;
use crate::rules::support::reference_document;
use crate::rules::{Context, Reference, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports source blocks that have no counterpart in the translation: a section, a
    /// paragraph or a table row that alignment could not pair with any translated block.
    /// Consecutive blocks are reported together, as one section; a bare anchor among them is
    /// `lost-anchor`'s finding (LD202) and is not counted. A translation with no text at
    /// all (an empty file, or front matter alone, as a failed export leaves it) is reported
    /// once, at its end.
    ///
    /// ## Why is this bad?
    /// Readers of the translation miss content that readers of the English get: a dropped
    /// "Related topics" section, a step, a warning.
    ///
    /// ## Example
    /// ```md en
    /// Import mail from a PST file with the [import tool](import-tool.md).
    ///
    /// ## Related topics
    /// [Set up the service](set-up.md)
    /// ```
    /// ```md zh-cn
    /// 使用[导入工具](import-tool.md)从 PST 文件导入邮件。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 使用[导入工具](import-tool.md)从 PST 文件导入邮件。
    ///
    /// ## 相关主题
    /// [设置服务](set-up.md)
    /// ```
    ///
    /// ## Known limitations
    /// A translated block that shares no language-neutral token with its source and sits where
    /// the structure differs can be reported as missing (and the translated text as extra).
    pub struct MissingSegment;
    code = "LD402", name = "missing-segment", severity = Warning, since = "0.1.0"
}

/// A translation with no text at all (an empty file, or front matter alone, as a failed
/// export or machine-translation pass leaves it), against a source that has some: one finding
/// at the end of the file, since no translated block can say where the text is missing.
fn empty_translation(cx: &Context<'_>, reference: Reference<'_>, out: &mut Vec<Diagnostic>) {
    let blocks = &reference.view.blocks;
    let (Some(first), Some((file, source_document))) = (blocks.first(), reference_document(cx))
    else {
        return;
    };
    let document = &cx.target.document;
    let end = document.text.trim_end().len();
    let (range, label) = if end == 0 {
        (0..0, "the file is empty")
    } else {
        (
            document.line_range(document.line_index(end - 1)),
            "nothing follows this line",
        )
    };
    let what = match blocks.len() {
        1 => format!("the source's {} has", first.kind.noun()),
        n => format!("the source's {n} blocks have"),
    };
    let source_range = source_document.first_line_of(reference.view.original(first.range.clone()));
    out.push(
        Diagnostic::new(
            &MissingSegment::INFO,
            format!("the translation has no text: {what} no translation"),
            Label::target(range, label),
        )
        .with_secondary(Label::new(
            file,
            source_range,
            "the source's text starts here",
        ))
        .with_help("translate the source, or check that the file was written completely"),
    );
}

impl Rule for MissingSegment {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        let target_view = &cx.target.target;
        if target_view.blocks.is_empty() {
            empty_translation(cx, reference, out);
            return;
        }
        // Cells of a table that lost or gained columns are `structure-drift`'s finding.
        let reshaped: Vec<usize> = crate::rules::markup::structure_drift::reshaped_tables(cx)
            .into_iter()
            .map(|(source_table, _)| source_table)
            .collect();
        // A bare anchor is LD202's finding (`anchor … is missing`), not a gap in the text, so it
        // is neither counted nor shown as part of one.
        let is_bare_anchor = |block: &crate::markdown::model::Block| {
            !block.anchors.is_empty() && block.prose(reference.view.text()).trim().is_empty()
        };
        for run in runs(cx.alignment, true) {
            let blocks = &reference.view.blocks[run.blocks.clone()];
            if blocks.iter().all(|block| {
                matches!(block.kind, crate::markdown::model::BlockKind::TableCell { table, .. } if reshaped.contains(&table))
            }) {
                continue;
            }
            let (Some(first), Some(last)) = (
                blocks.iter().find(|block| !is_bare_anchor(block)),
                blocks.iter().rfind(|block| !is_bare_anchor(block)),
            ) else {
                continue;
            };
            let count = blocks.iter().filter(|block| !is_bare_anchor(block)).count();
            let source_range = reference.view.original(first.range.start..last.range.end);
            let what = match &first.kind {
                crate::markdown::model::BlockKind::Heading(_) => {
                    let title = first.prose(reference.view.text());
                    format!("section `{}`", title.trim())
                }
                kind if count == 1 => format!("a {}", kind.noun()),
                _ => format!("{count} blocks"),
            };
            // The translated block that follows the gap, or the last one before it.
            let anchor_block = run
                .next_other
                .or(run.previous_other)
                .and_then(|index| target_view.blocks.get(index));
            let Some(anchor_block) = anchor_block else {
                continue;
            };
            let range = target_view.original(anchor_block.range.clone());
            let first_line = cx.target.document.first_line_of(range.clone());
            let where_ = if run.next_other.is_some() {
                "missing before this"
            } else {
                "missing after this"
            };
            let verb = if count > 1
                && !matches!(first.kind, crate::markdown::model::BlockKind::Heading(_))
            {
                "have"
            } else {
                "has"
            };
            let message = format!("{what} of the source {verb} no translation");
            out.push(
                Diagnostic::new(&Self::INFO, message, Label::target(first_line, where_))
                    .with_secondary(Label::new(reference.file, source_range, "not in the translation"))
                    .with_help("translate the missing text, or check that the translation follows the current source"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::findings_of;

    /// The message and the translation's labelled text of the one LD402 finding.
    fn reported(source: &str, target: &str) -> (String, String) {
        let findings = findings_of("LD402", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        (
            finding.message.clone(),
            target[finding.primary.range.clone()].to_string(),
        )
    }

    #[test]
    fn a_translation_without_text_is_reported_once() {
        let source = "---\ntitle: Set up\n---\n\n## Related topics\n\n[Set up](set-up.md)\n";
        let message = "the translation has no text: the source's 2 blocks have no translation";
        assert_eq!(reported(source, ""), (message.to_string(), String::new()));
        // Front matter alone: the label is on its last line.
        assert_eq!(
            reported(source, "---\ntitle: 设置\n---\n\n\n"),
            (message.to_string(), "---".to_string())
        );
        assert_eq!(
            reported("Only this.\n", " \n").0,
            "the translation has no text: the source's paragraph has no translation"
        );
        // Nothing to translate, nothing missing.
        assert!(findings_of("LD402", "---\ntitle: x\n---\n", "").is_empty());
    }

    #[test]
    fn a_dropped_section_is_missing_even_when_it_links_where_the_text_does() {
        // The translation keeps the intro, which holds every Latin word of it, and drops the
        // section whose one link goes to the same page.
        let source = "Import mail from a PST file. See [Set up the service](set-up.md) first.\n\n\
                      ## Related topics\n\n[Set up the service](set-up.md)\n";
        let target = "从 PST 文件导入邮件。请先参阅[设置服务](set-up.md)。\n";
        let findings = findings_of("LD402", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].message,
            "section `Related topics` of the source has no translation"
        );
        let secondary = &findings[0].secondary[0].range;
        assert_eq!(
            &source[secondary.start..secondary.start + 14],
            "Related topics"
        );
    }

    /// The source of the anchor tests: a section whose anchor stands alone before its text.
    const ANCHORED_SECTION: &str = "## Update the MX record\n\n<a name=\"update-mx\"> </a>\n\n\
        Change the records of your domain as shown in the following table.\n\n\
        Do not delete the existing record for `autodiscover.fabrikam.net`.\n";

    #[test]
    fn a_dropped_paragraph_is_missing_whatever_happened_to_the_anchor_before_it() {
        let message = "a paragraph of the source has no translation".to_string();
        let paragraph = "Change the records of your domain as shown in the following table.";
        let rest = "请勿删除 `autodiscover.fabrikam.net` 的现有记录。\n";
        for anchor in ["update-mx", "gengxin", "更新-mx"] {
            // A renamed anchor was the only hard value of its block, and the paragraph, which
            // has none, paired with it.
            let target = format!("## 更新 MX 记录\n\n<a name=\"{anchor}\"> </a>\n\n{rest}");
            let findings = findings_of("LD402", ANCHORED_SECTION, &target);
            assert_eq!(findings.len(), 1, "{anchor}: {findings:?}");
            assert_eq!(findings[0].message, message, "{anchor}");
            assert_eq!(
                &ANCHORED_SECTION[findings[0].secondary[0].range.clone()],
                paragraph
            );
        }
        // A deleted anchor is LD202's finding, and the paragraph is the one block missing.
        let target = format!("## 更新 MX 记录\n\n{rest}");
        let findings = findings_of("LD402", ANCHORED_SECTION, &target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].message, message);
        assert_eq!(
            &ANCHORED_SECTION[findings[0].secondary[0].range.clone()],
            paragraph
        );
    }
}
