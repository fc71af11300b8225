use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression comment that silences nothing: a
    /// `<!-- locdrift-disable-next-line … -->` with no finding on the next line, a
    /// `<!-- locdrift-disable … -->` region without a finding of its codes, a code in one that
    /// names no rule, a `locdrift-enable` with no region open, or a `locdrift-` comment that is
    /// no directive at all (a typo).
    ///
    /// Codes of rules that did not run (not selected, or ignored for the file) are not reported,
    /// since whether they would silence something cannot be known.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the finding it was written for: after the translation is fixed it
    /// stays, silently hiding the next real problem on that line. A misspelt directive or code
    /// silences nothing while looking as if it did.
    ///
    /// ## Example
    /// ```md en
    /// Connect to sipdir.online.lync.com.
    /// ```
    /// ```md zh-cn
    /// <!-- locdrift-disable-next-line LD101 -->
    /// 连接到 sipdir.online.lync.com。
    /// ```
    ///
    /// Use instead: delete the comment (`locdrift check --fix` does), or keep only the codes
    /// that still silence a finding.
    /// ```md zh-cn
    /// 连接到 sipdir.online.lync.com。
    /// ```
    pub struct UnusedSuppression;
    code = "LD002", name = "unused-suppression", severity = Warning, since = "0.1.0"
}

impl Rule for UnusedSuppression {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    /// Nothing to do here: whether a suppression was used is known only after every other rule
    /// ran, so the engine reports these findings (see `crate::suppress::apply`).
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}
