//! Small helpers shared by the pairwise rules (LD102–LD105, LD204, LD304): labels on whole
//! blocks, code-span contents, and which blocks are prose.

use std::ops::Range;

use crate::diagnostic::{FileSide, Label};
use crate::markdown::model::Block;
use crate::rules::Context;

/// A label on the first line of a target block (a whole table or paragraph is too wide).
pub(crate) fn target_block_label(
    cx: &Context<'_>,
    block: &Block,
    message: impl Into<String>,
) -> Label {
    let range = cx.target_original(block.range.clone());
    Label::target(cx.target.document.first_line_of(range), message)
}

/// A label on the first line of a reference block, in the file the reference belongs to.
pub(crate) fn source_block_label(
    cx: &Context<'_>,
    block: &Block,
    message: impl Into<String>,
) -> Option<Label> {
    let reference = cx.reference?;
    let range = reference.view.original(block.range.clone());
    let document = match reference.file {
        FileSide::Source => &cx.source?.document,
        FileSide::Target => &cx.target.document,
    };
    Some(Label::new(
        reference.file,
        document.first_line_of(range),
        message,
    ))
}

/// Whether a block is prose that pairwise token rules compare (not code, not raw HTML).
pub(crate) fn is_prose(block: &Block) -> bool {
    !matches!(
        block.kind,
        crate::markdown::model::BlockKind::CodeBlock | crate::markdown::model::BlockKind::Html
    )
}
/// The contents of a code span, without its backticks and the one space CommonMark strips.
pub(crate) fn code_content(text: &str, span: &Range<usize>) -> Range<usize> {
    let raw = &text[span.clone()];
    let ticks = raw.len() - raw.trim_start_matches('`').len();
    let closing = raw.len() - raw.trim_end_matches('`').len();
    if ticks + closing > raw.len() {
        return span.start..span.start;
    }
    let mut start = span.start + ticks;
    let mut end = span.end - closing;
    let inner = &text[start..end];
    if inner.len() >= 2
        && inner.starts_with(' ')
        && inner.ends_with(' ')
        && !inner.trim().is_empty()
    {
        start += 1;
        end -= 1;
    }
    start..end
}
