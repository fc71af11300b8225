use std::collections::BTreeMap;
use std::ops::Range;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::document::Document;
use crate::markdown::model::{Block, BlockKind};
use crate::rules::support::{reference_document, target_block_label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a translation whose document structure differs from the source's in aligned
    /// blocks: a heading of another level (`##` for `###`), a list item that is no longer in a
    /// list (or sits at another nesting depth), a block quote that lost its `>`, an alert
    /// (`> [!NOTE]`) written as a plain paragraph, with a bold label (`**注意**：`) or as
    /// another kind of alert, and a table with another number of rows or columns.
    ///
    /// Other rules own the rest of the structure: blocks with no counterpart are
    /// `missing-segment` (LD402) and `extra-segment` (LD403); a changed anchor is
    /// `lost-anchor` (LD202).
    ///
    /// ## Why is this bad?
    /// Headings build the page's table of contents and its anchors; a heading one level off
    /// moves a section under the wrong parent. A list item turned into a paragraph breaks a
    /// numbered procedure, and a table with a missing column shifts every value under the
    /// wrong header.
    ///
    /// ## Example
    /// ```md en
    /// ### Update DNS settings
    ///
    /// 1. Sign in to the DNS host.
    /// ```
    /// ```md zh-cn
    /// ## 更新 DNS 设置
    ///
    /// 登录到 DNS 主机。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// ### 更新 DNS 设置
    ///
    /// 1. 登录到 DNS 主机。
    /// ```
    ///
    /// ## Known limitations
    /// Only aligned blocks are compared: a heading that became a paragraph does not align with
    /// it and shows up as a missing and an extra block instead.
    pub struct StructureDrift;
    code = "LD203", name = "structure-drift", severity = Warning, since = "0.1.0"
}

/// Rows and columns of each table of a view, by table index, with its first cell.
fn tables(blocks: &[Block]) -> BTreeMap<usize, (usize, usize, usize)> {
    let mut tables: BTreeMap<usize, (usize, usize, usize)> = BTreeMap::new();
    for (index, block) in blocks.iter().enumerate() {
        if let BlockKind::TableCell {
            table, row, column, ..
        } = block.kind
        {
            let entry = tables.entry(table).or_insert((0, 0, index));
            entry.0 = entry.0.max(row + 1);
            entry.1 = entry.1.max(column + 1);
        }
    }
    tables
}

/// Source tables whose aligned translated table has another shape, as
/// `(source table, target table)` indices; `missing-segment` leaves their cells to this rule.
pub(crate) fn reshaped_tables(cx: &Context<'_>) -> Vec<(usize, usize)> {
    let Some(reference) = cx.reference else {
        return Vec::new();
    };
    let mut votes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for pair in cx.pairs() {
        if let (
            Some(Block {
                kind: BlockKind::TableCell { table: from, .. },
                ..
            }),
            Some(Block {
                kind: BlockKind::TableCell { table: to, .. },
                ..
            }),
        ) = (pair.source, pair.target)
        {
            *votes.entry((*from, *to)).or_insert(0) += 1;
        }
    }
    let mut paired: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (&(from, to), &count) in &votes {
        let best = paired.entry(from).or_insert((to, 0));
        if count > best.1 {
            *best = (to, count);
        }
    }
    let source_tables = tables(&reference.view.blocks);
    let target_tables = tables(&cx.target.target.blocks);
    paired
        .into_iter()
        .filter(|(from, (to, _))| {
            let (Some(a), Some(b)) = (source_tables.get(from), target_tables.get(to)) else {
                return false;
            };
            (a.0, a.1) != (b.0, b.1)
        })
        .map(|(from, (to, _))| (from, to))
        .collect()
}

/// A `> [!NOTE]` alert that the translation turned into a plain or bold-labelled paragraph.
fn lost_alert(cx: &Context<'_>, source: &Block, target: &Block, kind: &str) -> Diagnostic {
    let target_text = cx.target_text();
    let label = target.strong.first().filter(|strong| {
        target_text[target.range.start..strong.start]
            .trim()
            .is_empty()
    });
    let (message, primary) = match (target.containers.alert, label) {
        (Some(other), _) => {
            let range = cx.target_original(target.range.clone());
            let message = format!("the source has `[!{kind}]`");
            (
                format!(
                    "the source's `[!{kind}]` alert is a `[!{other}]` alert in the translation"
                ),
                match marker_range(&cx.target.document, range, other) {
                    Some(marker) => Label::target(marker, message),
                    None => target_block_label(cx, target, message),
                },
            )
        }
        (None, Some(strong)) => (
            format!(
                "the source's `[!{kind}]` alert is a bold label `{}` in the translation",
                &target_text[strong.clone()]
            ),
            Label::target(
                cx.target_original(strong.clone()),
                format!("the source has a `> [!{kind}]` alert"),
            ),
        ),
        (None, None) => (
            format!("the source's `[!{kind}]` alert is a plain paragraph in the translation"),
            target_block_label(cx, target, format!("the source has a `> [!{kind}]` alert")),
        ),
    };
    let mut diagnostic = Diagnostic::new(&StructureDrift::INFO, message, primary).with_help(
        format!("write the paragraph as a `> [!{kind}]` alert, as the source does"),
    );
    if let Some(label) = alert_marker_label(
        cx,
        source,
        kind,
        format!("`[!{kind}]` alert in the English source"),
    ) {
        diagnostic = diagnostic.with_secondary(label);
    }
    diagnostic
}

/// A label on the source's `[!KIND]` marker, which is no text of the alert's paragraphs: it is
/// looked for from the line before the paragraph to the paragraph's start, and the label falls
/// back to the paragraph's first line when it is not there (a later paragraph of the alert).
fn alert_marker_label(
    cx: &Context<'_>,
    block: &Block,
    kind: &str,
    message: String,
) -> Option<Label> {
    let (file, document) = reference_document(cx)?;
    let range = cx.reference?.view.original(block.range.clone());
    Some(Label::new(
        file,
        marker_range(document, range.clone(), kind)
            .unwrap_or_else(|| document.first_line_of(range)),
        message,
    ))
}

/// Where the `[!KIND]` marker of the alert whose paragraph is at `paragraph` is: from the line
/// before the paragraph to its start (none for a later paragraph of the alert).
fn marker_range(document: &Document, paragraph: Range<usize>, kind: &str) -> Option<Range<usize>> {
    let from = (document.line_range(document.line_index(paragraph.start).saturating_sub(1))).start;
    let marker = format!("[!{kind}]");
    document.text[from..paragraph.start]
        .to_ascii_uppercase()
        .rfind(&marker)
        .map(|at| from + at..from + at + marker.len())
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

impl Rule for StructureDrift {
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
        let first_line = |block: &Block| {
            let range = cx.target_original(block.range.clone());
            cx.target.document.first_line_of(range)
        };
        for (source, target) in cx.matched_blocks() {
            match (&source.kind, &target.kind) {
                (BlockKind::Heading(from), BlockKind::Heading(to)) if from != to => {
                    let hashes = |level: u8| "#".repeat(usize::from(level));
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            format!(
                                "heading level {to} (`{}`) where the source has level {from} (`{}`)",
                                hashes(*to),
                                hashes(*from)
                            ),
                            Label::target(first_line(target), format!("level {to}")),
                        )
                        .with_secondary(reference.label(
                            source.range.clone(),
                            format!("level {from} in the English source"),
                        ))
                        .with_help(format!(
                            "write the heading with `{}` as in the source",
                            hashes(*from)
                        )),
                    );
                }
                _ if source.containers.alert.is_some()
                    && target.containers.alert != source.containers.alert =>
                {
                    let kind = source.containers.alert.unwrap_or_default();
                    out.push(lost_alert(cx, source, target, kind));
                }
                (BlockKind::Paragraph, BlockKind::Paragraph) => {
                    let (from, to) = (&source.containers, &target.containers);
                    if from.list_depth != to.list_depth {
                        let message = match (from.list_depth, to.list_depth) {
                            (_, 0) => {
                                "this list item of the source is not in a list in the translation"
                                    .to_string()
                            }
                            (0, _) => {
                                "this paragraph of the source is a list item in the translation"
                                    .to_string()
                            }
                            (a, b) => format!(
                                "list item nested {} deep where the source nests it {} deep",
                                plural(usize::from(b), "level"),
                                plural(usize::from(a), "level")
                            ),
                        };
                        out.push(
                            Diagnostic::new(
                                &Self::INFO,
                                message,
                                Label::target(first_line(target), "list structure differs"),
                            )
                            .with_secondary(
                                reference.label(source.range.clone(), "in the English source"),
                            )
                            .with_help("keep the source's list markers and indentation"),
                        );
                    } else if from.quote_depth != to.quote_depth
                        && from.alert.is_none()
                        && to.alert.is_none()
                    {
                        let message = if to.quote_depth < from.quote_depth {
                            "this block quote of the source is not quoted in the translation"
                        } else {
                            "this paragraph is quoted in the translation but not in the source"
                        };
                        out.push(
                            Diagnostic::new(
                                &Self::INFO,
                                message,
                                Label::target(first_line(target), "block quote differs"),
                            )
                            .with_secondary(
                                reference.label(source.range.clone(), "in the English source"),
                            )
                            .with_help("keep the source's `>` markers"),
                        );
                    }
                }
                _ => {}
            }
        }
        let source_tables = tables(&reference.view.blocks);
        let target_tables = tables(&cx.target.target.blocks);
        for (from, to) in reshaped_tables(cx) {
            let (
                Some(&(rows, columns, source_cell)),
                Some(&(target_rows, target_columns, target_cell)),
            ) = (source_tables.get(&from), target_tables.get(&to))
            else {
                continue;
            };
            let target_block = &cx.target.target.blocks[target_cell];
            let source_block = &reference.view.blocks[source_cell];
            out.push(
                Diagnostic::new(
                    &Self::INFO,
                    format!(
                        "table has {} and {} where the source has {} and {}",
                        plural(target_rows, "row"),
                        plural(target_columns, "column"),
                        plural(rows, "row"),
                        plural(columns, "column")
                    ),
                    Label::target(first_line(target_block), "this table"),
                )
                .with_secondary(reference.label(source_block.range.clone(), "the table in the English source"))
                .with_help("give the table the source's rows and columns; translate the cells, not the layout"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::FileSide;
    use crate::testing::findings_of;

    #[test]
    fn a_lost_alert_points_at_the_marker_of_the_source() {
        let source = "# Title\n\n> [!NOTE]\n> Restart the client after the update.\n";
        let target = "# 标题\n\n**注意**：更新后重新启动客户端。\n";
        let findings = findings_of("LD203", source, target);
        let lost: Vec<_> = findings.iter().collect();
        assert_eq!(lost.len(), 1, "{findings:?}");
        assert_eq!(&target[lost[0].primary.range.clone()], "**注意**");
        let marker = &lost[0].secondary[0];
        assert_eq!(marker.file, FileSide::Source);
        assert_eq!(&source[marker.range.clone()], "[!NOTE]");
    }

    #[test]
    fn another_kind_of_alert_points_at_its_marker() {
        let source = "# Title\n\n> [!NOTE]\n> Restart the client after the update.\n";
        let target = "# Titre\n\n> [!important]\n> Redémarrez le client après la mise à jour.\n";
        let findings = findings_of("LD203", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(&target[findings[0].primary.range.clone()], "[!important]");
        assert_eq!(&source[findings[0].secondary[0].range.clone()], "[!NOTE]");
    }
}
