use std::cell::OnceCell;
use std::ops::Range;

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::Block;
use crate::markdown::tokens::{self, Token, TokenKind};
use crate::rules::support::{Pool, examine_only, key_hash};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a host name, URL host, e-mail address, file name or Windows path of the source
    /// that is missing or altered in the aligned block of the translation: a different host
    /// (`sipdir.online.microsoft.com` for `sipdir.online.lync.com`), a host split by a space
    /// (`domainName. contoso`) or glued to the next word (`domainName.contoso.comto`).
    ///
    /// Link destinations are left to the link rules, except the host of an absolute URL, which
    /// this rule owns (`link-drift`, LD104, reports the rest of a changed URL). Values inside
    /// inline code are compared here too; fenced code blocks are compared whole by `code-drift`
    /// (LD103).
    ///
    /// ## Why is this bad?
    /// Readers copy these values into DNS records, browsers and consoles. A translated,
    /// mangled or outdated value does not work, and nothing on the page says so.
    ///
    /// ## Example
    /// ```md en
    /// - **Value/Destination**: sipdir.online.lync.com
    /// ```
    /// ```md zh-cn
    /// - **值/目标**：sipdir.online.microsoft.com
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// - **值/目标**：sipdir.online.lync.com
    /// ```
    ///
    /// ## Known limitations
    /// A value that moved to a block that alignment did not pair with its source is reported as
    /// missing only when it appears nowhere else in the translation.
    pub struct HostDrift;
    code = "LD101", name = "host-drift", severity = Error, since = "0.1.0"
}

/// A token to compare, with its comparison class and key.
#[derive(Debug, Clone)]
struct Value {
    kind: TokenKind,
    key: String,
    /// Range in the view text.
    range: Range<usize>,
}

/// Hosts of URLs compare with bare hosts: a URL's host is what drifts. `prose_tokens` are the
/// block's.
fn values(block: &Block, text: &str, prose_tokens: &[Token]) -> Vec<Value> {
    let mut values = Vec::new();
    // Fenced code is compared whole by code-drift (LD103).
    if block.kind == crate::markdown::model::BlockKind::CodeBlock {
        return values;
    }
    // Code spans hold host names too (`sipdir.online.lync.com`); their backticks are skipped.
    // code-drift (LD103) leaves a code span whose only change is such a value to this rule.
    let mut code_tokens = Vec::new();
    for code in &block.code_spans {
        let raw = &text[code.clone()];
        let inner = raw.trim_start_matches('`');
        let start = code.start + (raw.len() - inner.len());
        let content = &inner[..inner.trim_end_matches('`').len()];
        // Numbers are number-drift's (LD102): a span that can hold nothing else is skipped.
        if tokens::may_hold_name(content) {
            code_tokens.extend(tokens::scan(content).into_iter().map(|token| Token {
                kind: token.kind,
                range: start + token.range.start..start + token.range.end,
            }));
        }
    }
    for token in prose_tokens.iter().chain(&code_tokens) {
        let range = token.range.clone();
        match token.kind {
            TokenKind::Number => {}
            TokenKind::Url => {
                if let Some(host) = url_host(&text[range.clone()], range.start) {
                    values.push(host);
                }
            }
            kind => values.push(Value {
                kind,
                key: tokens::normalize(kind, &text[range.clone()]),
                range,
            }),
        }
    }
    for link in &block.links {
        if let Some(dest) = &link.destination_range
            && let Some(host) = url_host(&text[dest.clone()], dest.start)
        {
            values.push(host);
        }
    }
    values
}

fn url_host(url: &str, offset: usize) -> Option<Value> {
    let after_scheme = url.find("://")? + 3;
    let rest = &url[after_scheme..];
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host);
    let start = offset + after_scheme + (rest[..end].len() - host.len());
    (!host.is_empty()).then(|| Value {
        kind: TokenKind::Host,
        key: host.to_ascii_lowercase(),
        range: start..start + host.len(),
    })
}

fn class(kind: TokenKind) -> u8 {
    match kind {
        TokenKind::Host | TokenKind::Url => 0,
        TokenKind::Email => 1,
        TokenKind::Path => 2,
        TokenKind::FileName => 3,
        TokenKind::Number => 4,
    }
}

/// Similarity of two values: the share of the longer one covered by their common prefix and
/// suffix. `sipdir.online.microsoft.com` and `sipdir.online.lync.com` share `sipdir.online.`
/// and `.com`.
fn similarity(a: &str, b: &str) -> f32 {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let shared = (prefix + suffix).min(a.len().min(b.len()));
    shared as f32 / a.len().max(b.len()) as f32
}

/// Looks for a source value that a translation split with spaces: `domainName. contoso`.
fn find_split(value: &str, text: &str) -> Option<Range<usize>> {
    let labels: Vec<&str> = value.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return None;
    }
    let first = labels[0];
    let lower = text.to_ascii_lowercase();
    let mut cursor = 0;
    while let Some(index) = lower[cursor..].find(&first.to_ascii_lowercase()) {
        let start = cursor + index;
        let mut end = start + first.len();
        let mut matched = 1;
        for label in &labels[1..] {
            let rest = &lower[end..];
            let trimmed = rest.trim_start_matches(' ');
            let Some(after_dot) = trimmed.strip_prefix('.') else {
                break;
            };
            let after_space = after_dot.trim_start_matches(' ');
            let label = label.to_ascii_lowercase();
            if after_space.starts_with(&label) {
                end += (rest.len() - after_space.len()) + label.len();
                matched += 1;
            } else {
                break;
            }
        }
        let candidate = &text[start..end];
        if matched >= 2 && candidate.contains(' ') {
            return Some(start..end);
        }
        cursor = start + first.len();
    }
    None
}

/// Looks for a source value glued to the next word: `setup.exeto`. The tokenizer does not see
/// such a value (a file name must end where the word ends), so it is searched for verbatim.
/// Returns the range of the whole glued word.
fn find_glued(value: &str, text: &str) -> Option<Range<usize>> {
    if value.is_empty() || !value.is_ascii() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let needle = value.to_ascii_lowercase();
    let mut cursor = 0;
    while let Some(index) = lower[cursor..].find(&needle) {
        let start = cursor + index;
        let end = start + needle.len();
        let before = text[..start].chars().next_back();
        let glued_end = end
            + text[end..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(text.len() - end);
        let continues_before =
            before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !continues_before && glued_end > end {
            return Some(start..glued_end);
        }
        cursor = end;
    }
    None
}

impl Rule for HostDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        // Made on first need: most values are matched in their aligned block.
        let whole_target = OnceCell::new();
        let whole_target = || whole_target.get_or_init(|| target_text.to_ascii_lowercase());
        for ((source, source_tokens), (target, target_tokens)) in cx.matched_blocks_and_tokens() {
            let source_values = values(source, source_text, source_tokens);
            if source_values.is_empty() {
                continue;
            }
            let key = |value: &Value| key_hash((class(value.kind), &value.key));
            let mut pool = Pool::new(values(target, target_text, target_tokens), |t, keys| {
                keys.push(key(t))
            });
            let mut unmatched = Vec::new();
            for value in source_values {
                if pool
                    .take(
                        |keys| keys.push(key(&value)),
                        |t| class(t.kind) == class(value.kind) && t.key == value.key,
                    )
                    .is_none()
                {
                    unmatched.push(value);
                }
            }
            let mut target_values = pool.into_remaining();
            if let Some(summary) = examine_only(
                cx,
                &Self::INFO,
                (source, target),
                &mut unmatched,
                "host names, addresses, paths and file names",
                false,
            ) {
                out.push(summary);
            }
            for value in unmatched {
                let written = &source_text[value.range.clone()];
                let source_label = reference.label(
                    value.range.clone(),
                    format!("{} in the English source", value.kind.noun()),
                );
                let comparable: Vec<(usize, f32)> = target_values
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| {
                        class(t.kind) == class(value.kind)
                            || (class(value.kind) == 0 && t.kind == TokenKind::FileName)
                    })
                    .map(|(index, t)| (index, similarity(&t.key, &value.key)))
                    .collect();
                // A lone unmatched value of the same kind in the aligned block is the altered
                // one however little it resembles the source's (`syncsvc.contoso.com` for
                // `sync.contoso.net`); among several, resemblance decides.
                // A value split by a space (`autodiscover. fabrikam.net`) leaves a fragment that
                // looks like a lone altered value; the split is the truer finding.
                let split = target.text_runs.iter().find_map(|run| {
                    find_split(written, &target_text[run.clone()])
                        .map(|r| run.start + r.start..run.start + r.end)
                });
                let only_one = comparable.len() == 1 && split.is_none();
                let candidate = comparable
                    .into_iter()
                    .filter(|(_, similarity)| only_one || *similarity >= 0.5)
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((index, _)) = candidate {
                    let altered = target_values.remove(index);
                    let found = &target_text[altered.range.clone()];
                    // Glued: the source value followed by more of a word (`contoso.comto`).
                    // A value cut short (`domainName.contoso.co`) or one more label or path
                    // part (`fabrikam.net.cn`, `setup.exe.config`) is a different value.
                    let glued = found.to_ascii_lowercase().starts_with(&value.key)
                        && found[value.key.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric);
                    let range = cx.target_original(altered.range.clone());
                    let message = if glued {
                        format!(
                            "{} `{written}` is glued to other text: `{found}`",
                            value.kind.noun()
                        )
                    } else {
                        format!(
                            "{} `{found}` differs from the source's `{written}`",
                            value.kind.noun()
                        )
                    };
                    let applicability = if glued {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    };
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            message,
                            Label::target(range.clone(), format!("the source has `{written}`")),
                        )
                        .with_secondary(source_label)
                        .with_help(format!("write `{written}` as in the source"))
                        .with_fix(range, written, applicability),
                    );
                    continue;
                }
                let glued = target.text_runs.iter().find_map(|run| {
                    find_glued(written, &target_text[run.clone()])
                        .map(|r| run.start + r.start..run.start + r.end)
                });
                if let Some(glued) = glued {
                    let found = &target_text[glued.clone()];
                    let range = cx.target_original(glued);
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            format!(
                                "{} `{written}` is glued to other text: `{found}`",
                                value.kind.noun()
                            ),
                            Label::target(range.clone(), format!("the source has `{written}`")),
                        )
                        .with_secondary(source_label)
                        .with_help(format!(
                            "separate `{written}` from the word that follows it"
                        ))
                        .with_fix(range, written, Applicability::Unsafe),
                    );
                    continue;
                }
                if let Some(split) = split {
                    let found = &target_text[split.clone()];
                    let range = cx.target_original(split);
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            format!(
                                "{} `{written}` is broken up in the translation: `{found}`",
                                value.kind.noun()
                            ),
                            Label::target(range.clone(), "split by a space"),
                        )
                        .with_secondary(source_label)
                        .with_help(format!("write `{written}` as in the source"))
                        .with_fix(range, written, Applicability::Unsafe),
                    );
                    continue;
                }
                // Alignment is not perfect: a value written anywhere else in the translation
                // moved rather than drifted.
                if whole_target().contains(&value.key)
                    || whole_target().contains(&written.to_ascii_lowercase())
                {
                    continue;
                }
                let range = cx.target_original(target.range.clone());
                let first_line = cx.target.document.first_line_of(range.clone());
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!(
                            "{} `{written}` is missing from the translation",
                            value.kind.noun()
                        ),
                        Label::place(first_line, format!("no `{written}` here")),
                    )
                    .with_secondary(source_label)
                    .with_help(format!("keep `{written}` verbatim in the translation")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_hosts_are_found() {
        let text = "例如 domainName. contoso) 附加";
        let range = find_split("domainName.contoso.com", text).unwrap();
        assert_eq!(&text[range], "domainName. contoso");
        assert!(find_split("domainName.contoso.com", "domainName.contoso.com").is_none());
    }

    #[test]
    fn glued_values_are_found() {
        let text = "下载最新的 setup.exe，然后运行 setup.exeto 重新安装";
        let range = find_glued("setup.exe", text).unwrap();
        assert_eq!(&text[range], "setup.exeto");
        assert!(find_glued("setup.exe", "运行 setup.exe 和 mysetup.exe").is_none());
    }

    #[test]
    fn project_files_are_file_names() {
        let findings = crate::testing::findings_of(
            "LD101",
            "Edit Contoso.App.csproj and App.csproj.\n",
            "编辑 Contoso.Apps.csproj 和 Apps.csproj。\n",
        );
        let messages: Vec<&str> = findings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "file name `Contoso.Apps.csproj` differs from the source's `Contoso.App.csproj`",
                "file name `Apps.csproj` differs from the source's `App.csproj`",
            ]
        );
    }

    #[test]
    fn one_more_label_is_another_value_and_more_of_a_word_is_glued() {
        let findings = crate::testing::findings_of(
            "LD101",
            "Write to postmaster@fabrikam.net or open contoso.com.\n",
            "写信至 postmaster@fabrikam.net.cn 或打开 contoso.comto。\n",
        );
        let messages: Vec<&str> = findings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "e-mail address `postmaster@fabrikam.net.cn` differs from the source's `postmaster@fabrikam.net`",
                "host name `contoso.com` is glued to other text: `contoso.comto`",
            ]
        );
    }

    #[test]
    fn similar_hosts() {
        assert!(similarity("sipdir.online.microsoft.com", "sipdir.online.lync.com") >= 0.5);
        assert!(similarity("bobk@contoso.com", "sipdir.online.lync.com") < 0.5);
    }
}
