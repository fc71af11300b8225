use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a document that is machine-translated: its front matter says
    /// `ms.translationtype: MT`, or its text carries a machine-translation disclaimer.
    ///
    /// ## Why is this bad?
    /// Machine-translated articles drift more and are reviewed less. Knowing which files are
    /// machine output tells a localization team where human review is owed, and explains the
    /// untranslated segments and broken markup that usually come with them.
    ///
    /// ## Example
    /// ```md zh-cn
    /// ---
    /// ms.translationtype: MT
    /// ---
    /// 连接到 sipdir.online.lync.com。
    /// ```
    ///
    /// Use instead: have the article translated or post-edited by a person, then set
    /// `ms.translationtype: HT`.
    /// ```md zh-cn
    /// ---
    /// ms.translationtype: HT
    /// ---
    /// 连接到 sipdir.online.lync.com。
    /// ```
    pub struct MachineTranslation;
    code = "LD302", name = "machine-translation", severity = Info, since = "0.1.0"
}

static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(本文是由机器翻译的|机器翻译免责声明|本文已經過機器翻譯|機器翻譯免責聲明|この記事は機械翻訳|機械翻訳の免責事項|this article (?:was|has been|is) machine[- ]translated|machine translation disclaimer)")
        .expect("disclaimer pattern is valid")
});

impl Rule for MachineTranslation {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.is_source_file {
            return;
        }
        let text = &cx.target.document.text;
        let disclaimer = DISCLAIMER
            .find(cx.target_text())
            .map(|m| cx.target_original(m.range()));
        let entry = cx
            .target
            .front_matter
            .as_ref()
            .and_then(|front| front.get("ms.translationtype"))
            .filter(|entry| entry.value.trim().eq_ignore_ascii_case("MT"));
        let diagnostic = match (entry, disclaimer) {
            (Some(entry), disclaimer) => {
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    "the document is machine-translated",
                    Label::target(entry.value_range.clone(), "`ms.translationtype: MT`"),
                );
                if let Some(range) = disclaimer {
                    diagnostic = diagnostic
                        .with_secondary(Label::target(range, "machine-translation disclaimer"));
                }
                diagnostic
            }
            (None, Some(range)) => Diagnostic::new(
                &Self::INFO,
                "the document is machine-translated",
                Label::target(range.clone(), "machine-translation disclaimer"),
            )
            .with_note(format!("disclaimer text: `{}`", &text[range])),
            (None, None) => return,
        };
        out.push(diagnostic.with_help(
            "have the machine translation reviewed by a translator before relying on it",
        ));
    }
}
