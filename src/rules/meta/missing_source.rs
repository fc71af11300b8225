use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a translation for which no English source was found: no file with the same
    /// relative path under the `--source` folder, and none with the same `ms.assetid`.
    ///
    /// ## Why is this bad?
    /// A translation without its source cannot be checked for drift, and is often an article
    /// that was deleted or renamed in English and still published in other languages.
    ///
    /// ## Example
    /// ```text
    /// locdrift check --source en-us/ zh-cn/
    /// zh-cn/old-article.md   (en-us/old-article.md does not exist)
    /// ```
    ///
    /// Use instead: rename the translation after its English source, give it the source's
    /// `ms.assetid`, or delete it if the English article was retired.
    pub struct MissingSource;
    code = "LD001", name = "missing-source", severity = Warning, since = "0.1.0"
}

impl Rule for MissingSource {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.source_expected || cx.source.is_some() || cx.is_source_file {
            return;
        }
        let document = &cx.target.document;
        let first_line = document.first_line_of(0..document.text.len());
        let mut diagnostic = Diagnostic::new(
            &Self::INFO,
            "no English source found for this translation",
            Label::target(first_line, "translation with no source"),
        );
        diagnostic = match cx.target.meta("ms.assetid") {
            Some(asset) => diagnostic.with_note(format!(
                "no source file has the same relative path or `ms.assetid: {asset}`"
            )),
            None => diagnostic.with_note(
                "no source file has the same relative path, and this file has no `ms.assetid`",
            ),
        };
        out.push(diagnostic.with_help("pass the English file with `--source`, or delete the translation if its article was retired"));
    }
}
