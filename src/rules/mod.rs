//! The rule catalogue: the [`Rule`] trait, [`RuleInfo`], [`declare_rule!`] and what a rule may
//! look at ([`Context`]).
//!
//! One rule per file under a family folder: `tokens` (LD1xx), `markup` (LD2xx), `language`
//! (LD3xx), `revisions` (LD4xx), and `meta` (LD0xx, findings about the run itself). A rule does
//! no I/O and cannot fail: it reads the context and pushes findings.

pub mod language;
pub mod markup;
pub mod meta;
pub mod registry;
pub mod revisions;
pub(crate) mod support;
pub mod tokens;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::align::anchor_key;
use crate::analysis::Parsed;
use crate::data::RuleData;
use crate::diagnostic::{Diagnostic, FileSide, Severity};
use crate::markdown::View;
use crate::markdown::model::Block;
use crate::markdown::tokens::{ProseTokens, Token};

/// What `locdrift explain` prints and the registry lists.
#[derive(Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The version that added the rule.
    pub since: &'static str,
    /// The rule's documentation: its `///` lines, Markdown.
    pub docs: &'static str,
    pub file: &'static str,
    pub line: u32,
}

impl RuleInfo {
    /// The rule's documentation as Markdown: its `///` lines without the leading space.
    pub fn markdown(&self) -> String {
        let mut docs = String::new();
        for line in self.docs.lines() {
            docs.push_str(line.strip_prefix(' ').unwrap_or(line));
            docs.push('\n');
        }
        docs.trim_end().to_string()
    }

    /// The first sentence of the `## What it does` section, on one line. A sentence ends at a
    /// full stop followed by a space and a capital letter, so that `domainName. contoso` inside
    /// a sentence does not end it.
    pub fn summary(&self) -> String {
        let body = self
            .docs
            .split("## What it does")
            .nth(1)
            .unwrap_or(self.docs)
            .trim_start();
        let paragraph = body.split("\n\n").next().unwrap_or(body);
        let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        let end = paragraph
            .match_indices(". ")
            .map(|(index, _)| index)
            .find(|&index| {
                paragraph[index + 2..]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            })
            .map_or(paragraph.len(), |index| index + 1);
        paragraph[..end].to_string()
    }
}

/// Declares a rule: its doc comment, code, kebab-case name, default severity and the version
/// that added it. The `///` lines become [`RuleInfo::docs`], as in clippy's
/// `declare_clippy_lint!`, so the user documentation lives next to the check.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub struct $name:ident; code = $code:literal, name = $kebab:literal, severity = $severity:ident, since = $since:literal $(,)?) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const INFO: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
                code: $code,
                name: $kebab,
                severity: $crate::diagnostic::Severity::$severity,
                since: $since,
                docs: concat!($($doc, "\n"),*),
                file: file!(),
                line: line!(),
            };
        }
    };
}

/// A check.
pub trait Rule: Sync + Send {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// The text a translation is compared with.
#[derive(Clone, Copy)]
pub struct Reference<'a> {
    pub view: &'a View,
    /// The file the view's ranges belong to.
    pub file: FileSide,
    /// True when this is the current English source, false for a side-by-side file's embedded
    /// English.
    pub is_current_source: bool,
}

impl Reference<'_> {
    /// A label on a range of the reference view, in the file the view belongs to.
    pub fn label(
        &self,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> crate::diagnostic::Label {
        crate::diagnostic::Label::new(self.file, self.view.original(range), message)
    }
}

/// A source block, a target block, or both.
#[derive(Clone, Copy)]
pub struct BlockPair<'a> {
    pub source: Option<&'a Block>,
    pub target: Option<&'a Block>,
    pub source_index: Option<usize>,
    pub target_index: Option<usize>,
}

/// A block and the tokens of its prose (see [`ProseTokens`]).
pub type BlockTokens<'a> = (&'a Block, &'a [Token]);

/// What a rule sees of one check.
pub struct Context<'a> {
    /// The file checked.
    pub target: &'a Parsed,
    /// The current English source given with `--source`, if any.
    pub source: Option<&'a Parsed>,
    /// The English the target's blocks were aligned with: the current source if given, else the
    /// embedded English of a side-by-side file.
    pub reference: Option<Reference<'a>>,
    /// The alignment of `reference` blocks with `target.target` blocks.
    pub alignment: &'a [crate::align::Pair],
    /// The prose tokens of the target's blocks, shared with alignment.
    pub target_tokens: &'a ProseTokens<'a>,
    /// The prose tokens of the reference's blocks, shared with alignment.
    pub reference_tokens: Option<&'a ProseTokens<'a>>,
    /// The anchors and heading slugs of the target view, read by LD104 (the in-page links it
    /// leaves to LD202) and LD202 (lost anchors and broken in-page links).
    pub target_jump_targets: JumpTargets<'a>,
    /// The anchors and heading slugs of the reference view, for the same two rules.
    pub reference_jump_targets: Option<JumpTargets<'a>>,
    pub data: &'a RuleData,
    /// The target's locale (`zh-cn`), from front matter or its folder.
    pub locale: Option<String>,
    /// True when the checked file is itself an English source.
    pub is_source_file: bool,
    /// True when the run was given source files, so a translation without one is a finding.
    pub source_expected: bool,
    /// The English at hand-off, when `--source-repo` found the commit the translation records.
    pub handoff: Option<HandoffView<'a>>,
}

/// The ids a reader's browser can jump to in a view: its explicit anchors (`<a name>`,
/// `{#id}`) and its heading slugs. Each set is made when first asked for, once per view
/// whichever rules ask.
pub struct JumpTargets<'a> {
    view: &'a View,
    /// Each id as written, and whether it is an explicit anchor (rather than only a slug).
    ids: OnceCell<HashMap<&'a str, bool>>,
    /// The [`anchor_key`]s of the ids.
    keys: OnceCell<HashSet<Cow<'a, str>>>,
}

impl<'a> JumpTargets<'a> {
    pub fn new(view: &'a View) -> JumpTargets<'a> {
        JumpTargets {
            view,
            ids: OnceCell::new(),
            keys: OnceCell::new(),
        }
    }

    fn ids(&self) -> &HashMap<&'a str, bool> {
        self.ids.get_or_init(|| {
            let slugs = (self.view.blocks.iter())
                .filter_map(|block| Some((block.heading_slug.as_deref()?, false)));
            // Anchors last, so that an id that is both is known as an anchor.
            let anchors = (self.view.anchors()).map(|(_, anchor)| (anchor.name.as_str(), true));
            slugs.chain(anchors).collect()
        })
    }

    /// Whether the view has an explicit anchor named `name`, as written.
    pub fn has_anchor(&self, name: &str) -> bool {
        self.ids().get(name).copied().unwrap_or(false)
    }

    /// Whether `id` is an anchor or a heading slug of the view, as written.
    pub fn contains(&self, id: &str) -> bool {
        self.ids().contains_key(id)
    }

    /// Whether an anchor or heading slug of the view has the [`anchor_key`] of `fragment`.
    pub fn contains_key(&self, fragment: &str) -> bool {
        self.keys
            .get_or_init(|| self.ids().keys().map(|id| own_anchor_key(id)).collect())
            .contains(own_anchor_key(fragment).as_ref())
    }
}

/// [`anchor_key`], without a copy for a name that is its own key. The key only trims `_`,
/// turns `_` into `-` and lowers ASCII capitals, so a name without `_` or ASCII capitals is its
/// own key, and most names are.
fn own_anchor_key(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .any(|byte| byte == b'_' || byte.is_ascii_uppercase())
    {
        Cow::Owned(anchor_key(name))
    } else {
        Cow::Borrowed(name)
    }
}

/// The English a translation was made from, compared with the current source.
pub enum HandoffView<'a> {
    Found {
        /// The commit recorded in `ms.sourcegitcommit`.
        commit: &'a str,
        /// The English file at that commit.
        old: &'a Parsed,
        /// The English at hand-off compared with the current source.
        comparison: crate::revisions::Comparison,
        /// The blocks of the English at hand-off aligned with the translation's blocks.
        alignment: Vec<crate::align::Pair>,
    },
    Missing {
        commit: &'a str,
        reason: &'a str,
    },
}

impl<'a> Context<'a> {
    /// The aligned pairs.
    pub fn pairs(&self) -> impl Iterator<Item = BlockPair<'a>> + '_ {
        let reference = self.reference;
        let target = &self.target.target;
        self.alignment
            .iter()
            .map(move |&(source_index, target_index)| BlockPair {
                source: source_index.and_then(|index| reference.map(|r| &r.view.blocks[index])),
                target: target_index.map(|index| &target.blocks[index]),
                source_index,
                target_index,
            })
    }

    /// The aligned pairs that have both a source and a target block, for the rules that
    /// compare the two.
    pub fn matched_blocks(&self) -> impl Iterator<Item = (&'a Block, &'a Block)> + '_ {
        self.pairs()
            .filter_map(|pair| Some((pair.source?, pair.target?)))
    }

    /// The aligned pairs that have both a source and a target block, as
    /// [`Context::matched_blocks`], each block with the tokens of its prose.
    pub fn matched_blocks_and_tokens(
        &self,
    ) -> impl Iterator<Item = (BlockTokens<'a>, BlockTokens<'a>)> + '_ {
        let reference_tokens = self.reference_tokens;
        let target_tokens = self.target_tokens;
        self.pairs().filter_map(move |pair| {
            let source_tokens = reference_tokens?.of_block(pair.source_index?);
            let target_tokens = target_tokens.of_block(pair.target_index?);
            Some(((pair.source?, source_tokens), (pair.target?, target_tokens)))
        })
    }

    /// The target view's text.
    pub fn target_text(&self) -> &'a str {
        self.target.target.text()
    }

    /// A target-view range as a range of the checked file.
    pub fn target_original(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.target.target.original(range)
    }

    /// A reference-view range as a label in its file.
    pub fn source_label(
        &self,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Option<crate::diagnostic::Label> {
        Some(self.reference?.label(range, message))
    }

    /// Whether the target is in a CJK locale, whose script tells translated text apart.
    pub fn is_cjk(&self) -> bool {
        self.locale.as_deref().is_some_and(|locale| {
            let locale = locale.to_ascii_lowercase();
            locale.starts_with("zh") || locale.starts_with("ja") || locale.starts_with("ko")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A name is borrowed only when it is its own key.
        #[test]
        fn own_anchor_keys_are_anchor_keys(name in "[_a-zA-Z0-9éİK-]{0,12}") {
            proptest::prop_assert_eq!(own_anchor_key(&name).into_owned(), anchor_key(&name));
        }
    }
}
