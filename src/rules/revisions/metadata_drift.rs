use crate::declare_rule;
use crate::diagnostic::{Diagnostic, FileSide, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Compares the translation's front matter with the current English source's:
    /// - an `ms.assetid` that differs from the source's (the two files are then different
    ///   articles to the publishing pipeline);
    /// - keys of the source, with a value, that the translation lacks (one finding listing
    ///   them);
    /// - a `title` or `description` left in English: equal to the source's in a translation
    ///   whose locale is not English.
    ///
    /// Keys that localization adds (`ms.contentlocale`, `ms.translationtype`,
    /// `ms.sourcegitcommit`, …) are never reported, and keys with an empty value in the source
    /// (`ms.reviewer:`) are not required.
    ///
    /// ## Why is this bad?
    /// Docs sites pair a translation with its article by `ms.assetid`, filter and route pages
    /// by `ms.service` or `ms.topic`, and show `title` and `description` in search results: an
    /// English description under a Chinese page is what readers see first.
    ///
    /// ## Example
    /// ```md en
    /// ---
    /// title: Configure the gateway
    /// description: Route inbound mail through a gateway.
    /// ms.service: mail
    /// ---
    /// ```
    /// ```md zh-cn
    /// ---
    /// title: 配置网关
    /// description: Route inbound mail through a gateway.
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// ---
    /// title: 配置网关
    /// description: 通过网关路由入站邮件。
    /// ms.service: mail
    /// ---
    /// ```
    pub struct MetadataDrift;
    code = "LD404", name = "metadata-drift", severity = Warning, since = "0.1.0"
}

/// Values compared as written, quotes and surrounding blanks aside.
fn normalized(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Rule for MetadataDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(source) = cx.source else {
            return;
        };
        if cx.is_source_file {
            return;
        }
        let Some(source_meta) = &source.front_matter else {
            return;
        };
        let document = &cx.target.document;
        let Some(target_meta) = &cx.target.front_matter else {
            let keys: Vec<&str> = source_meta
                .entries
                .iter()
                .filter(|e| !e.value.trim().is_empty() || !e.items.is_empty())
                .map(|e| e.key.as_str())
                .collect();
            if !keys.is_empty() {
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!(
                            "the translation has no front matter; the source's has {}",
                            keys.join(", ")
                        ),
                        Label::target(
                            document.first_line_of(0..document.text.len()),
                            "no front matter",
                        ),
                    )
                    .with_secondary(Label::new(
                        FileSide::Source,
                        source_meta.range.start..source_meta.range.start + 3,
                        "front matter of the English source",
                    ))
                    .with_help(
                        "copy the source's front matter and translate its title and description",
                    ),
                );
            }
            return;
        };
        if let (Some(from), Some(to)) =
            (source_meta.get("ms.assetid"), target_meta.get("ms.assetid"))
            && !from.value.trim().eq_ignore_ascii_case(to.value.trim())
        {
            out.push(
                Diagnostic::new(
                    &Self::INFO,
                    format!(
                        "`ms.assetid` is `{}` where the source's is `{}`",
                        to.value.trim(),
                        from.value.trim()
                    ),
                    Label::target(to.value_range.clone(), "differs from the source"),
                )
                .with_secondary(Label::new(
                    FileSide::Source,
                    from.value_range.clone(),
                    "asset id of the English source",
                ))
                .with_help(format!("write `ms.assetid: {}`", from.value.trim()))
                .with_fix(
                    to.value_range.clone(),
                    from.value.trim(),
                    crate::diagnostic::Applicability::Unsafe,
                ),
            );
        }
        let missing: Vec<&crate::markdown::frontmatter::Entry> = source_meta
            .entries
            .iter()
            .filter(|e| !e.value.trim().is_empty() || !e.items.is_empty())
            .filter(|e| target_meta.get(&e.key).is_none())
            .collect();
        if let Some(first) = missing.first() {
            let keys: Vec<String> = missing.iter().map(|e| format!("`{}`", e.key)).collect();
            let opening = target_meta.range.start..target_meta.range.start + 3;
            out.push(
                Diagnostic::new(
                    &Self::INFO,
                    format!(
                        "front matter lacks {} of the source: {}",
                        if missing.len() == 1 { "a key" } else { "keys" },
                        keys.join(", ")
                    ),
                    Label::target(opening, "front matter of the translation"),
                )
                .with_secondary(Label::new(
                    FileSide::Source,
                    first.key_range.start..first.value_range.end.max(first.key_range.end),
                    "in the English source",
                ))
                .with_help("copy the missing keys and their values from the source"),
            );
        }
        let english = cx
            .locale
            .as_deref()
            .is_none_or(|locale| locale.to_ascii_lowercase().starts_with("en"));
        if english {
            return;
        }
        for key in ["title", "description"] {
            let (Some(from), Some(to)) = (source_meta.get(key), target_meta.get(key)) else {
                continue;
            };
            let value = normalized(&to.value);
            if value.is_empty()
                || value != normalized(&from.value)
                || !value.chars().any(|c| c.is_ascii_alphabetic())
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &Self::INFO,
                    format!("`{key}` is not translated"),
                    Label::target(to.value_range.clone(), "same as the English source"),
                )
                .with_secondary(Label::new(
                    FileSide::Source,
                    from.value_range.clone(),
                    format!("`{key}` of the English source"),
                ))
                .with_help(format!(
                    "translate the {key}; search results and link previews show it"
                )),
            );
        }
    }
}
