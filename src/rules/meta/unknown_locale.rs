use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a translation whose locale locdrift could not tell: its front matter has no
    /// `ms.contentlocale`, no `--locale` was given, and no folder of its path is named like a
    /// locale (`zh-cn`, `ja_JP`).
    ///
    /// ## Why is this bad?
    /// The locale decides what is checked. Without it, the rulebooks written for one locale
    /// (outdated names such as `Office 365 门户`, do-not-translate names, the locale segments
    /// links may use) are not applied, LD301 cannot tell a segment of a CJK translation left
    /// in English, and LD404 cannot tell a `title` left in English. The check still runs, but finds less, and
    /// nothing else would say so.
    ///
    /// ## Example
    /// ```text
    /// locdrift check --source article.en.md article.translated.md
    /// ```
    ///
    /// Use instead: `locdrift check --locale zh-cn …`, or add `ms.contentlocale: zh-cn` to the
    /// translation's front matter, or keep translations in folders named after their locale.
    pub struct UnknownLocale;
    code = "LD003", name = "unknown-locale", severity = Info, since = "0.1.0"
}

impl Rule for UnknownLocale {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.is_source_file || cx.locale.is_some() {
            return;
        }
        let document = &cx.target.document;
        let first_line = document.first_line_of(0..document.text.len());
        out.push(
            Diagnostic::new(
                &Self::INFO,
                "the locale of this translation is unknown: locale rulebooks are not applied",
                Label::target(first_line, "translation of unknown locale"),
            )
            .with_note(
                "no `ms.contentlocale` in the front matter, no `--locale`, and no folder in the \
                 path named like a locale (`zh-cn`)",
            )
            .with_note(
                "skipped without it: the locale's rulebook entries (outdated names, \
                 do-not-translate names, link locale segments), LD301's check of segments with no \
                 CJK text, and LD404's check of a `title` or `description` left in English",
            )
            .with_help(
                "give `--locale LOCALE`, or add `ms.contentlocale: LOCALE` to the front matter",
            ),
        );
    }
}
