use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::Block;
use crate::markdown::tokens::holds;
use crate::rules::support::{Pool, examine_only, is_prose, key_hash, target_block_label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports DocFX and templating tokens of the source that are missing, changed or mangled
    /// in the aligned block of the translation: cross references (`<xref:Contoso.Backup>`,
    /// `[text](xref:…)`), includes (`[!INCLUDE[…](…)]`, also written `[!INCLUDE […](…)]`),
    /// triple-colon extensions
    /// (`:::image type="content" source="…":::`), template variables (`{{ product }}`), format
    /// placeholders (`{0}`, `%s`, `%1`, `%USERPROFILE%`) and emphasised placeholders
    /// (`***ServerName***`).
    ///
    /// What a translation may change is left alone: the `alt-text` and `title` of a
    /// triple-colon extension, the label inside `[!INCLUDE[label](…)]`, the order of
    /// placeholders in a sentence, an emphasised placeholder localized inside angle brackets
    /// (`***<ユーザー名>***`), or one whose name survived with other emphasis (that is
    /// `markup-drift`'s, LD204). Tokens inside code are `code-drift`'s (LD103). The links
    /// inside cross references and includes are this rule's, not `link-drift`'s (LD104).
    ///
    /// ## Why is this bad?
    /// The build resolves these tokens: a translated `{{ agent-version }}` or a
    /// `[！INCLUDE…]` with a full-width `！` is printed as is, and a changed `xref` uid is a
    /// broken link. Readers see template syntax instead of content.
    ///
    /// ## Example
    /// ```md en
    /// The current agent is version {{ agent-version }}. Replace ***ServerName***.
    /// ```
    /// ```md zh-cn
    /// 当前代理版本为 {{ 代理版本 }}。替换 ***服务器名称***。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 当前代理版本为 {{ agent-version }}。替换 ***ServerName***。
    /// ```
    ///
    /// ## Known limitations
    /// Placeholders inside link destinations other than `xref:` links and include paths are
    /// not compared (`link-drift` compares the destination whole). A placeholder that moved to
    /// a block that alignment did not pair with its source is not reported when the
    /// translation has it elsewhere. Emphasised text counts as a placeholder only when it reads
    /// as an identifier (`***ServerName***`, `***user_name***`, `***<name>***`); a lone word such
    /// as `***Note***` is emphasis, which `markup-drift` (LD204) counts.
    pub struct PlaceholderDrift;
    code = "LD105", name = "placeholder-drift", severity = Error, since = "0.1.0"
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Xref,
    Include,
    Extension,
    Template,
    Format,
    Emphasised,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Xref => "cross reference",
            Kind::Include => "include",
            Kind::Extension => "triple-colon extension",
            Kind::Template => "template variable",
            Kind::Format => "format placeholder",
            Kind::Emphasised => "placeholder",
        }
    }
}

/// A token, its comparison key, and whether it is written as the build expects.
#[derive(Debug, Clone)]
pub(crate) struct Placeholder {
    kind: Kind,
    key: String,
    pub(crate) range: Range<usize>,
    well_formed: bool,
}

static XREF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"xref:[^\s>)\]]+").expect("xref pattern is valid"));
/// Lenient, so that a mangled include (`[！INCLUDE [x] (y)]`) is still recognised.
static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[\s*[!！]\s*include\s*\[([^\]]*)\]\s*[(（]\s*([^)）\s]*)\s*[)）]\s*\]")
        .expect("include pattern is valid")
});
/// An include as DocFX resolves it: `[!INCLUDE[label](path)]`, also with a space before the
/// label (`[!INCLUDE [label](path)]`, the form Microsoft Learn articles use), in any case.
static WELL_FORMED_INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)\[!include[ \t]*\[[^\]]*\]\([^)]*\)\]$")
        .expect("well-formed include pattern is valid")
});
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r":::\s*([a-z][a-z-]*)((?:[^:]|:[^:]|::[^:])*?):::")
        .expect("extension pattern is valid")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([a-zA-Z][\w-]*)\s*=\s*"([^"]*)""#).expect("attribute pattern is valid")
});
static TEMPLATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{([^{}\n]*)\}\}").expect("template pattern is valid"));
static FORMAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\{[0-9]+(?:,-?[0-9]+)?(?::[^{}\n]*)?\}|%[0-9]+\$?[sd]?|%[sdif]|%[A-Za-z_][A-Za-z0-9_]*%",
    )
    .expect("format pattern is valid")
});
static EMPHASISED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\*\*\*([^*\s][^*\n]*?)\*\*\*").expect("emphasised pattern is valid")
});

/// Attributes of an extension that a translation may change.
const TRANSLATABLE_ATTRIBUTES: &[&str] = &["alt-text", "title", "caption", "tooltip"];

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a link destination is a cross reference, `xref:` in any case.
pub(crate) fn is_xref(destination: &str) -> bool {
    destination
        .get(..5)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("xref:"))
}

/// Which placeholder patterns a text may hold: each needs a character that most prose lacks,
/// and looking for those first is much cheaper than running the patterns.
#[derive(Clone, Copy)]
struct Candidates {
    include: bool,
    extension: bool,
    xref: bool,
    template: bool,
    format: bool,
    emphasised: bool,
}

impl Candidates {
    fn of(text: &str) -> Candidates {
        let has = |byte: u8| memchr::memchr(byte, text.as_bytes()).is_some();
        let colon = has(b':');
        let brace = has(b'{');
        Candidates {
            include: has(b'[') && (has(b'!') || text.contains('！')),
            extension: colon && holds(text, ":::"),
            xref: colon && holds(text, "xref:"),
            template: brace && holds(text, "{{"),
            format: brace || has(b'%'),
            emphasised: holds(text, "***"),
        }
    }

    fn any(self) -> bool {
        self.include
            || self.extension
            || self.xref
            || self.template
            || self.format
            || self.emphasised
    }
}

/// The placeholders of a block, in order, ranges in the view text. Code spans are skipped.
/// Whether `text` may hold a placeholder: a cheap test that most prose fails.
pub(crate) fn may_hold_placeholder(text: &str) -> bool {
    Candidates::of(text).any()
}

pub(crate) fn placeholders(block: &Block, text: &str) -> Vec<Placeholder> {
    let start = block.range.start;
    // Masking only blanks text, so a pattern that cannot match the block's text cannot match
    // once it is masked: most blocks stop here.
    let candidates = Candidates::of(&text[block.range.clone()]);
    if !candidates.any() {
        return Vec::new();
    }
    let mut masked = text[block.range.clone()].as_bytes().to_vec();
    // Code is code-drift's and link destinations link-drift's (`%20` in a URL is no
    // placeholder), except `xref:` destinations, which are this rule's.
    let destinations = block.links.iter().filter_map(|link| {
        let range = link.destination_range.clone()?;
        (!is_xref(link.destination.trim())).then_some(range)
    });
    let urls: Vec<Range<usize>> = block
        .text_runs
        .iter()
        .flat_map(|run| {
            crate::markdown::tokens::urls(&text[run.clone()])
                .map(move |url| run.start + url.start..run.start + url.end)
        })
        .collect();
    let blank = |masked: &mut Vec<u8>, range: Range<usize>| {
        if range.start >= start && range.end <= block.range.end {
            for byte in &mut masked[range.start - start..range.end - start] {
                *byte = b' ';
            }
        }
    };
    for range in block.code_spans.iter().cloned() {
        blank(&mut masked, range);
    }
    // An include's path is a link destination that this rule owns: includes are read before
    // destinations are blanked.
    let without_code = String::from_utf8(masked.clone()).unwrap_or_default();
    for range in destinations.chain(urls) {
        blank(&mut masked, range);
    }
    // Only whole ranges (on character boundaries) became ASCII spaces, so the texts are still
    // UTF-8 at the same offsets.
    let masked = String::from_utf8(masked).unwrap_or_default();
    let mut found: Vec<Placeholder> = Vec::new();
    // The bytes of the placeholders found so far: a match that shares one with them is part of
    // an earlier kind's (no pattern matches an empty text). Checking the list of placeholders
    // instead was quadratic in a block that holds thousands.
    let mut taken = vec![false; masked.len()];
    let mut push =
        |found: &mut Vec<Placeholder>, kind, key: String, range: Range<usize>, well_formed| {
            if taken[range.clone()].iter().any(|&t| t) {
                return;
            }
            taken[range.clone()].fill(true);
            found.push(Placeholder {
                kind,
                key,
                range: start + range.start..start + range.end,
                well_formed,
            });
        };
    for m in INCLUDE.captures_iter(if candidates.include {
        &without_code
    } else {
        ""
    }) {
        let whole = m.get(0).expect("group 0 always takes part");
        let path = m.get(2).map_or("", |p| p.as_str());
        push(
            &mut found,
            Kind::Include,
            path.to_string(),
            whole.range(),
            WELL_FORMED_INCLUDE.is_match(whole.as_str()),
        );
    }
    for m in EXTENSION.captures_iter(if candidates.extension { &masked } else { "" }) {
        let whole = m.get(0).expect("group 0 always takes part");
        let name = m.get(1).map_or("", |n| n.as_str());
        let mut attributes: Vec<String> = ATTRIBUTE
            .captures_iter(m.get(2).map_or("", |a| a.as_str()))
            .filter(|a| !TRANSLATABLE_ATTRIBUTES.contains(&&a[1].to_ascii_lowercase()[..]))
            .map(|a| format!("{}=\"{}\"", &a[1], &a[2]))
            .collect();
        attributes.sort();
        push(
            &mut found,
            Kind::Extension,
            format!(":::{name} {}:::", attributes.join(" ")),
            whole.range(),
            true,
        );
    }
    for m in XREF.find_iter(if candidates.xref { &masked } else { "" }) {
        push(
            &mut found,
            Kind::Xref,
            m.as_str().to_string(),
            m.range(),
            true,
        );
    }
    for m in TEMPLATE.captures_iter(if candidates.template { &masked } else { "" }) {
        let whole = m.get(0).expect("group 0 always takes part");
        push(
            &mut found,
            Kind::Template,
            collapse(&m[1]),
            whole.range(),
            true,
        );
    }
    for m in FORMAT.find_iter(if candidates.format { &masked } else { "" }) {
        // `{0}` inside a template variable was taken by it already.
        push(
            &mut found,
            Kind::Format,
            m.as_str().to_string(),
            m.range(),
            true,
        );
    }
    for m in EMPHASISED.captures_iter(if candidates.emphasised { &masked } else { "" }) {
        let whole = m.get(0).expect("group 0 always takes part");
        push(
            &mut found,
            Kind::Emphasised,
            m[1].trim().to_string(),
            whole.range(),
            true,
        );
    }
    found.sort_by_key(|p| p.range.start);
    found
}

/// The ranges of the tokens this rule compares in a block (an emphasised text only when it
/// reads as a placeholder name): what is inside them is not prose for the other rules.
pub(crate) fn compared_ranges(block: &Block, text: &str) -> Vec<Range<usize>> {
    placeholders(block, text)
        .into_iter()
        .filter(|p| p.kind != Kind::Emphasised || is_placeholder_name(&p.key))
        .map(|p| p.range)
        .collect()
}

/// Whether a target token stands for a source token. An emphasised placeholder may be
/// localized when the translation marks it as one with angle brackets (`***<ユーザー名>***`
/// for `***UserName***`), as Microsoft's style guides for Japanese and Chinese do.
fn matches(source: &Placeholder, target: &Placeholder) -> bool {
    source.kind == target.kind
        && (source.key == target.key
            || (source.kind == Kind::Emphasised && is_angle_placeholder(target)))
}

/// An emphasised `<name>` of a translation, which stands for any emphasised placeholder.
fn is_angle_placeholder(target: &Placeholder) -> bool {
    target.kind == Kind::Emphasised
        && target.key.starts_with(['<', '＜'])
        && target.key.ends_with(['>', '＞'])
}

/// The pool key of every [`is_angle_placeholder`].
const ANGLE_PLACEHOLDER: &str = "\0<angle placeholder>";

/// Whether `word` appears in `text` not glued to other ASCII letters or digits.
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(index, _)| {
        let before = text[..index].chars().next_back();
        let after = text[index + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Whether a source's emphasised text is a placeholder name (`ServerName`, `user_name`,
/// `<name>`), not an emphasised word that a translation must translate (`***Note***`).
fn is_placeholder_name(key: &str) -> bool {
    let identifier = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '<' | '>'));
    let camel_case = key.chars().skip(1).any(|c| c.is_ascii_uppercase())
        && key.chars().any(|c| c.is_ascii_lowercase());
    let marked = key
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '_' | '-' | '.' | '<'));
    identifier && (camel_case || marked)
}

impl Rule for PlaceholderDrift {
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
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        // Needed only for a source placeholder that the aligned block lacks.
        let all_target = OnceCell::new();
        let all_target = || -> &[Placeholder] {
            all_target.get_or_init(|| {
                cx.target
                    .target
                    .blocks
                    .iter()
                    .filter(|b| is_prose(b))
                    .flat_map(|b| placeholders(b, target_text))
                    .collect::<Vec<_>>()
            })
        };
        for (source, target) in cx.matched_blocks() {
            if !is_prose(source) || !is_prose(target) {
                continue;
            }
            let source_tokens: Vec<Placeholder> = placeholders(source, source_text)
                .into_iter()
                .filter(|p| p.kind != Kind::Emphasised || is_placeholder_name(&p.key))
                .collect();
            if source_tokens.is_empty() {
                continue;
            }
            let mut pool = Pool::new(placeholders(target, target_text), |t, keys| {
                keys.push(key_hash((t.kind, &t.key)));
                if is_angle_placeholder(t) {
                    keys.push(key_hash(ANGLE_PLACEHOLDER));
                }
            });
            let mut unmatched = Vec::new();
            for token in source_tokens {
                let keys = |keys: &mut Vec<u64>| {
                    keys.push(key_hash((token.kind, &token.key)));
                    if token.kind == Kind::Emphasised {
                        keys.push(key_hash(ANGLE_PLACEHOLDER));
                    }
                };
                match pool.take(keys, |t| matches(&token, t)) {
                    Some(found) => {
                        if !found.well_formed {
                            self.report_changed(cx, &token, &found, out);
                        }
                    }
                    None => unmatched.push(token),
                }
            }
            let mut target_tokens = pool.into_remaining();
            if let Some(summary) = examine_only(
                cx,
                &Self::INFO,
                (source, target),
                &mut unmatched,
                "placeholders",
                false,
            ) {
                out.push(summary);
            }
            let raw_target = &target_text[target.range.clone()];
            for token in unmatched {
                // The placeholder's name is still there with other emphasis (`*UserName*`):
                // the emphasis is markup-drift's (LD204), the name survived.
                if token.kind == Kind::Emphasised && contains_word(raw_target, &token.key) {
                    continue;
                }
                let same_kind: Vec<usize> = target_tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.kind == token.kind)
                    .map(|(index, _)| index)
                    .collect();
                if let [index] = same_kind[..] {
                    let found = target_tokens.remove(index);
                    self.report_changed(cx, &token, &found, out);
                    continue;
                }
                // Moved to another block that alignment paired differently: not drift.
                if all_target()
                    .iter()
                    .any(|t| t.kind == token.kind && t.key == token.key)
                {
                    continue;
                }
                let written = &source_text[token.range.clone()];
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!(
                            "{} `{written}` is missing from the translation",
                            token.kind.noun()
                        ),
                        target_block_label(
                            cx,
                            target,
                            format!("no `{written}` in this {}", target.kind.noun()),
                        ),
                    )
                    .with_secondary(reference.label(
                        token.range.clone(),
                        format!("{} in the English source", token.kind.noun()),
                    ))
                    .with_help(format!("keep `{written}` verbatim in the translation")),
                );
            }
        }
    }
}

impl PlaceholderDrift {
    fn report_changed(
        &self,
        cx: &Context<'_>,
        token: &Placeholder,
        found: &Placeholder,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(reference) = cx.reference else {
            return;
        };
        let written = &reference.view.text()[token.range.clone()];
        let found_text = &cx.target_text()[found.range.clone()];
        let range = cx.target_original(found.range.clone());
        let message = if token.key == found.key {
            format!(
                "{} `{found_text}` is mangled; the build will not resolve it",
                token.kind.noun()
            )
        } else {
            format!(
                "{} `{found_text}` differs from the source's `{written}`",
                token.kind.noun()
            )
        };
        let mut diagnostic = Diagnostic::new(
            &Self::INFO,
            message,
            Label::target(range.clone(), format!("the source has `{written}`")),
        )
        .with_secondary(reference.label(
            token.range.clone(),
            format!("{} in the English source", token.kind.noun()),
        ));
        // An extension's alt text may be translated: rewriting the whole token would undo it.
        if token.kind == Kind::Extension {
            diagnostic = diagnostic.with_help("keep the extension's name and attributes as in the source; translate only `alt-text`");
        } else if token.kind == Kind::Include {
            // An include's label may be translated: the fix keeps the translation's.
            let replacement = with_label_of(written, found_text);
            diagnostic = diagnostic
                .with_help(format!(
                    "write the include as the source does: `{replacement}`"
                ))
                .with_fix(range, replacement, Applicability::Safe);
        } else {
            diagnostic = diagnostic
                .with_help(format!("write `{written}` as in the source"))
                .with_fix(range, written, Applicability::Safe);
        }
        out.push(diagnostic);
    }
}

/// The source's include with the label of the translation's: `[!INCLUDE [标签](a.md)]` for
/// `[!INCLUDE [label](a.md)]` and `[！INCLUDE [标签] (b.md)]`.
fn with_label_of(source_include: &str, target_include: &str) -> String {
    let label = |include: &str| INCLUDE.captures(include)?.get(1).map(|m| m.range());
    match (label(source_include), label(target_include)) {
        (Some(source_label), Some(target_label)) => format!(
            "{}{}{}",
            &source_include[..source_label.start],
            &target_include[target_label],
            &source_include[source_label.end..]
        ),
        _ => source_include.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse_blocks;

    fn keys(text: &str) -> Vec<(Kind, String, bool)> {
        parse_blocks(text)
            .iter()
            .flat_map(|b| placeholders(b, text))
            .map(|p| (p.kind, p.key, p.well_formed))
            .collect()
    }

    #[test]
    fn finds_docfx_and_template_tokens() {
        let found = keys(
            "See <xref:A.B> and [!INCLUDE[x](inc/a.md)]. Copied {0} of {1}, %s, %USERPROFILE%, {{ v }}, ***ServerName***, `{2}`.\n",
        );
        let kinds: Vec<Kind> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            kinds,
            [
                Kind::Xref,
                Kind::Include,
                Kind::Format,
                Kind::Format,
                Kind::Format,
                Kind::Format,
                Kind::Template,
                Kind::Emphasised
            ]
        );
        assert_eq!(found[1].1, "inc/a.md");
    }

    #[test]
    fn cross_references_in_any_case() {
        for destination in ["xref:A.B", "XRef:a", "xref:"] {
            assert!(is_xref(destination), "{destination}");
        }
        for destination in ["xref", "xre", "", "xréf:a", " xref:a", "https://a/xref:b"] {
            assert!(!is_xref(destination), "{destination}");
        }
    }

    #[test]
    fn placeholder_names() {
        for name in ["ServerName", "user_name", "<name>", "host-1", "UserName"] {
            assert!(is_placeholder_name(name), "{name}");
        }
        for word in ["Note", "IMPORTANT", "important", "Run now"] {
            assert!(!is_placeholder_name(word), "{word}");
        }
    }

    #[test]
    fn mangled_include_and_translated_alt_text() {
        let found = keys("[！INCLUDE [标签] (inc/a.md)]\n");
        assert_eq!(found, [(Kind::Include, "inc/a.md".to_string(), false)]);
        let english = keys(":::image type=\"content\" source=\"a.png\" alt-text=\"The icon\":::\n");
        let translated = keys(":::image type=\"content\" source=\"a.png\" alt-text=\"图标\":::\n");
        assert_eq!(english, translated);
    }

    // See: the audit's `[!INCLUDE [title](path)]` reported as mangled.
    #[test]
    fn includes_with_or_without_a_space_before_the_label_are_well_formed() {
        for include in [
            "[!INCLUDE[x](inc/a.md)]",
            "[!INCLUDE [x](inc/a.md)]",
            "[!include [标签](inc/a.md)]",
        ] {
            let found = keys(&format!("{include}\n"));
            assert_eq!(
                found,
                [(Kind::Include, "inc/a.md".to_string(), true)],
                "{include}"
            );
        }
        for include in [
            "[！INCLUDE [x](inc/a.md)]",
            "[! INCLUDE [x](inc/a.md)]",
            "[!INCLUDE [x] (inc/a.md)]",
            "[!INCLUDE [x]（inc/a.md）]",
            "[!INCLUDE [x](inc/a.md) ]",
        ] {
            let found = keys(&format!("{include}\n"));
            assert_eq!(
                found,
                [(Kind::Include, "inc/a.md".to_string(), false)],
                "{include}"
            );
        }
    }

    #[test]
    fn an_include_fix_keeps_the_translated_label() {
        let source = "[!INCLUDE [beta-disclaimer](../includes/beta.md)]\n";
        for target in [
            "[!INCLUDE [beta-disclaimer](../includes/beta.md)]\n",
            "[!INCLUDE [测试版免责声明](../includes/beta.md)]\n",
            "[!INCLUDE[测试版免责声明](../includes/beta.md)]\n",
        ] {
            let findings = crate::testing::findings_of("LD105", source, target);
            assert!(findings.is_empty(), "{target}: {findings:?}");
        }
        let findings = crate::testing::findings_of(
            "LD105",
            source,
            "[！INCLUDE [测试版免责声明] (../includes/beta.md)]\n",
        );
        let [finding] = &findings[..] else {
            panic!("one finding expected: {findings:?}");
        };
        assert_eq!(
            finding.fix.as_ref().map(|f| f.replacement.as_str()),
            Some("[!INCLUDE [测试版免责声明](../includes/beta.md)]")
        );
    }

    #[test]
    fn percentages_and_url_escapes_are_not_placeholders() {
        assert!(keys("Between 50% and 60% of users.\n").is_empty());
        assert!(
            keys("See [my page](https://a.com/my%20page) or https://a.com/%7B0%7D.\n").is_empty()
        );
        let xref = keys("See [the API](xref:Contoso.Api).\n");
        assert_eq!(xref.len(), 1);
    }
}
