use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::{Context, HandoffView, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// With `--source-repo`, reports a translation whose front matter records a source commit
    /// (`ms.sourcegitcommit`) that the English repository does not have, or at which the English
    /// file does not exist. Staleness against the hand-off revision cannot be checked for it.
    ///
    /// ## Why is this bad?
    /// The recorded commit is how a docs team knows which English a translation was made from.
    /// A commit that is missing usually means the repository given is a shallow clone, the
    /// wrong repository, or a history that was rewritten; a file missing at that commit means
    /// the article was renamed or moved since.
    ///
    /// ## Example
    /// ```md zh-cn
    /// ---
    /// ms.sourcegitcommit: 0123456789abcdef0123456789abcdef01234567
    /// ---
    /// ```
    ///
    /// Use instead: fetch the full history (`git fetch --unshallow`), point `--source-repo` at the
    /// repository the translation came from, or record the commit of the English the file was
    /// translated from.
    pub struct UnknownHandoff;
    code = "LD405", name = "unknown-handoff", severity = Warning, since = "0.1.0"
}

impl Rule for UnknownHandoff {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(HandoffView::Missing { commit, reason }) = &cx.handoff else {
            return;
        };
        let document = &cx.target.document;
        let range = cx
            .target
            .front_matter
            .as_ref()
            .and_then(|fm| fm.get("ms.sourcegitcommit"))
            .map(|entry| entry.value_range.clone())
            .unwrap_or_else(|| document.first_line_of(0..document.text.len()));
        out.push(
            Diagnostic::new(
                &Self::INFO,
                format!("the English at hand-off commit `{commit}` cannot be read: {reason}"),
                Label::target(range, "recorded source commit"),
            )
            .with_note("staleness since hand-off is not checked for this file")
            .with_help(
                "fetch the full history of the source repository, or correct `ms.sourcegitcommit`",
            ),
        );
    }
}
