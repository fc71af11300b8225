//! Inline suppressions: Markdown comments that silence findings where they are intended.
//!
//! ```markdown
//! <!-- locdrift-disable-next-line LD101 -->
//! <!-- locdrift-disable LD301, untranslated -- product names stay in English -->
//! …
//! <!-- locdrift-enable LD301 -->
//! ```
//!
//! With no codes a comment covers every rule; codes, code prefixes (`LD3`) and names are
//! accepted, separated by commas or spaces; text after ` -- ` is a reason and ignored.
//! `disable-next-line` covers findings that start on the line after the comment; `disable`
//! covers findings that start after it, up to a matching `enable` or the end of the file, and
//! when it comes before any block (after the front matter), the whole file from its start, so
//! that findings about the front matter or the file itself can be silenced too.
//!
//! The comments are found in the parsed Markdown, in HTML blocks and inline HTML (so a comment
//! in a code block or a code span is text, not a directive). A suppression that silences nothing
//! is itself a finding, LD002, as ruff's RUF100 reports an unused `noqa`.

use std::ops::Range;

use crate::analysis::Parsed;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::engine::selector_matches;
use crate::rules::meta::unused_suppression::UnusedSuppression;
use crate::rules::{RuleInfo, registry};

const PREFIX: &str = "locdrift-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    DisableNextLine,
    Disable,
    Enable,
}

impl Directive {
    fn parse(word: &str) -> Option<Directive> {
        match word {
            "locdrift-disable-next-line" => Some(Directive::DisableNextLine),
            "locdrift-disable" => Some(Directive::Disable),
            "locdrift-enable" => Some(Directive::Enable),
            _ => None,
        }
    }
}

/// One `<!-- locdrift-… -->` comment.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The whole comment, `<!--` to `-->`, in the file.
    pub range: Range<usize>,
    /// `None` for a word starting with `locdrift-` that is no directive (a typo).
    pub directive: Option<Directive>,
    /// The directive word as written.
    pub word: String,
    /// The codes, prefixes or names, as written; empty means every rule.
    pub selectors: Vec<String>,
    /// The reason after ` -- `, as written.
    pub reason: Option<String>,
}

/// Reads `<!-- locdrift-… -->` at `range` of `text`, if the comment is one.
fn parse_comment(text: &str, range: Range<usize>) -> Option<Comment> {
    let inner = text[range.clone()]
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    if !inner.starts_with(PREFIX) {
        return None;
    }
    let (body, reason) = match inner.split_once(" -- ") {
        Some((body, reason)) => (body, Some(reason.trim().to_string())),
        None => (inner, None),
    };
    let mut words = body.split(|c: char| c.is_whitespace() || c == ',');
    let word = words.next()?.to_string();
    Some(Comment {
        range,
        directive: Directive::parse(&word),
        word,
        selectors: words
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect(),
        reason,
    })
}

/// The suppression comments of a file, in file order.
pub fn find(parsed: &Parsed) -> Vec<Comment> {
    let view = &parsed.target;
    let file_text = parsed.document.text.as_str();
    let mut comments: Vec<Comment> = view
        .comments
        .iter()
        .filter_map(|range| parse_comment(file_text, view.original(range.clone())))
        .collect();
    comments.sort_by_key(|c| c.range.start);
    comments.dedup_by_key(|c| c.range.start);
    comments
}

/// What one selector of a comment covers, and whether it silenced anything.
struct Scope {
    comment: usize,
    /// Index into the comment's selectors; `None` for a comment without codes.
    selector: Option<usize>,
    /// Findings starting in this range of the file are covered.
    range: Range<usize>,
    used: bool,
}

/// Applies the suppressions of `parsed` to `diagnostics`: removes the findings they cover and,
/// when `report_unused`, adds an LD002 finding for each suppression (or code in one) that
/// covered nothing. `enabled` tells whether a rule ran on this file: a code whose rule did not
/// run cannot be known to be unused, so it is not reported.
pub fn apply(
    parsed: &Parsed,
    diagnostics: &mut Vec<Diagnostic>,
    enabled: impl Fn(&RuleInfo) -> bool,
    report_unused: bool,
) {
    let comments = find(parsed);
    if comments.is_empty() {
        return;
    }
    let document = &parsed.document;
    let text = document.text.as_str();
    let first_block = parsed.target.blocks.first().map_or(text.len(), |block| {
        parsed.target.original(block.range.clone()).start
    });
    let mut scopes: Vec<Scope> = Vec::new();
    let mut unmatched_enables: Vec<usize> = Vec::new();
    // Open `disable` scopes, by index into `scopes`.
    let mut open: Vec<usize> = Vec::new();
    for (index, comment) in comments.iter().enumerate() {
        let selectors: Vec<Option<usize>> = if comment.selectors.is_empty() {
            vec![None]
        } else {
            (0..comment.selectors.len()).map(Some).collect()
        };
        match comment.directive {
            Some(Directive::DisableNextLine) => {
                let line = document.line_index(comment.range.end.saturating_sub(1)) + 1;
                if line < document.line_starts().len() {
                    let range = document.line_range(line);
                    for selector in selectors {
                        scopes.push(Scope {
                            comment: index,
                            selector,
                            range: range.clone(),
                            used: false,
                        });
                    }
                }
            }
            Some(Directive::Disable) => {
                // At the top, before any block, a region covers the whole file, front matter
                // and document-level findings included.
                let start = if comment.range.start < first_block {
                    0
                } else {
                    comment.range.end
                };
                for selector in selectors {
                    open.push(scopes.len());
                    scopes.push(Scope {
                        comment: index,
                        selector,
                        range: start..text.len(),
                        used: false,
                    });
                }
            }
            Some(Directive::Enable) => {
                let before = open.len();
                open.retain(|&scope| {
                    let scope_comment = &comments[scopes[scope].comment];
                    let closes = match scopes[scope].selector {
                        _ if comment.selectors.is_empty() => true,
                        None => false,
                        Some(selector) => {
                            let written = &scope_comment.selectors[selector];
                            comment
                                .selectors
                                .iter()
                                .any(|s| s.eq_ignore_ascii_case(written))
                        }
                    };
                    if closes {
                        scopes[scope].range.end = comment.range.start;
                    }
                    !closes
                });
                if open.len() == before {
                    unmatched_enables.push(index);
                }
            }
            None => {}
        }
    }

    diagnostics.retain(|diagnostic| {
        let Some(rule) = registry::find(diagnostic.code) else {
            return true;
        };
        let info = rule.info();
        if info.code == UnusedSuppression::INFO.code {
            return true;
        }
        let start = diagnostic.primary.range.start;
        let mut covered = false;
        for scope in &mut scopes {
            if start < scope.range.start || start > scope.range.end {
                continue;
            }
            let matches = match scope.selector {
                None => true,
                Some(selector) => {
                    selector_matches(&comments[scope.comment].selectors[selector], info)
                }
            };
            if matches {
                scope.used = true;
                covered = true;
            }
        }
        !covered
    });

    if !report_unused {
        return;
    }
    for (index, comment) in comments.iter().enumerate() {
        let written = &text[comment.range.clone()];
        if comment.directive.is_none() {
            diagnostics.push(
                Diagnostic::new(
                    &UnusedSuppression::INFO,
                    format!("`{}` is not a locdrift directive", comment.word),
                    Label::target(
                        comment.range.clone(),
                        "not understood, so it silences nothing",
                    ),
                )
                .with_help(
                    "write `locdrift-disable-next-line`, `locdrift-disable` or `locdrift-enable`",
                ),
            );
            continue;
        }
        if unmatched_enables.contains(&index) {
            diagnostics.push(
                Diagnostic::new(
                    &UnusedSuppression::INFO,
                    "`locdrift-enable` with no `locdrift-disable` open before it",
                    Label::target(comment.range.clone(), "enables nothing"),
                )
                .with_help("remove the comment")
                .with_fix(
                    removal(document, &comment.range),
                    "",
                    Applicability::Safe,
                ),
            );
            continue;
        }
        if comment.directive == Some(Directive::Enable) {
            continue;
        }
        let own: Vec<&Scope> = scopes.iter().filter(|s| s.comment == index).collect();
        if comment.selectors.is_empty() {
            if own.iter().all(|s| !s.used) {
                diagnostics.push(unused_comment(document, comment, written));
            }
            continue;
        }
        // Codes that silenced nothing: unknown ones, and those of rules that ran.
        let mut unknown = Vec::new();
        let mut unused = Vec::new();
        for (selector_index, selector) in comment.selectors.iter().enumerate() {
            let rules: Vec<&RuleInfo> = registry::RULES
                .iter()
                .map(|r| r.info())
                .filter(|info| selector_matches(selector, info))
                .collect();
            let used = own
                .iter()
                .any(|s| s.selector == Some(selector_index) && s.used);
            if rules.is_empty() {
                unknown.push(selector.as_str());
            } else if !used && rules.iter().any(|info| enabled(info)) {
                unused.push(selector.as_str());
            }
        }
        if unknown.is_empty() && unused.is_empty() {
            continue;
        }
        let dropped = unknown.len() + unused.len();
        if dropped == comment.selectors.len() && unknown.is_empty() {
            diagnostics.push(unused_comment(document, comment, written));
            continue;
        }
        let kept: Vec<&str> = comment
            .selectors
            .iter()
            .map(String::as_str)
            .filter(|s| !unknown.contains(s) && !unused.contains(s))
            .collect();
        let quoted = |codes: &[&str]| {
            codes
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let message = match (unknown.is_empty(), unused.is_empty()) {
            (false, true) => format!("suppression names no rule: {}", quoted(&unknown)),
            (true, false) => format!("unused suppression of {}", quoted(&unused)),
            _ => format!(
                "suppression names no rule: {}; unused suppression of {}",
                quoted(&unknown),
                quoted(&unused)
            ),
        };
        let mut diagnostic = Diagnostic::new(
            &UnusedSuppression::INFO,
            message,
            Label::target(comment.range.clone(), "silences nothing for these codes"),
        );
        diagnostic = if kept.is_empty() {
            diagnostic
                .with_help("remove the comment (`locdrift rules` lists the codes)")
                .with_fix(removal(document, &comment.range), "", Applicability::Safe)
        } else {
            let rewritten = rewrite(comment, &kept);
            diagnostic
                .with_help(format!("write `{rewritten}`"))
                .with_fix(comment.range.clone(), rewritten, Applicability::Safe)
        };
        diagnostics.push(diagnostic);
    }
}

/// LD002 for a comment that silenced nothing at all.
fn unused_comment(
    document: &crate::document::Document,
    comment: &Comment,
    written: &str,
) -> Diagnostic {
    let what = if comment.selectors.is_empty() {
        "unused suppression: no finding here to silence".to_string()
    } else {
        format!(
            "unused suppression: no {} finding here to silence",
            comment.selectors.join(", ")
        )
    };
    Diagnostic::new(
        &UnusedSuppression::INFO,
        what,
        Label::target(comment.range.clone(), "silences nothing"),
    )
    .with_note(format!("`{written}` may be left over from a fixed finding"))
    .with_help("remove the comment")
    .with_fix(removal(document, &comment.range), "", Applicability::Safe)
}

/// The comment written again with only `kept` codes.
fn rewrite(comment: &Comment, kept: &[&str]) -> String {
    let reason = comment
        .reason
        .as_ref()
        .map(|r| format!(" -- {r}"))
        .unwrap_or_default();
    format!("<!-- {} {}{reason} -->", comment.word, kept.join(", "))
}

/// What to delete to remove a comment: its whole line (with the line ending) when it stands
/// alone on it, else the comment and one space before it.
fn removal(document: &crate::document::Document, range: &Range<usize>) -> Range<usize> {
    let text = document.text.as_str();
    let line = document.line_index(range.start);
    let line_range = document.line_range(line);
    if text[line_range.start..range.start].trim().is_empty()
        && text[range.end..line_range.end].trim().is_empty()
        && document.line_index(range.end) == line
    {
        let next = document
            .line_starts()
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        return line_range.start..next;
    }
    if text[..range.start].ends_with(' ') {
        range.start - 1..range.end
    } else {
        range.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parsed(text: &str) -> Parsed {
        Parsed::new(Arc::new(crate::document::Document::new("a.md", text))).unwrap()
    }

    #[test]
    fn comments_are_found_in_html_not_in_code() {
        let text = "<!-- locdrift-disable LD301, host-drift -- names -->\n\nText <!-- locdrift-enable --> x.\n\n```\n<!-- locdrift-disable -->\n```\n\n`<!-- locdrift-disable -->`\n\n<!-- plain comment -->\n";
        let found = find(&parsed(text));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].directive, Some(Directive::Disable));
        assert_eq!(found[0].selectors, ["LD301", "host-drift"]);
        assert_eq!(found[0].reason.as_deref(), Some("names"));
        assert_eq!(found[1].directive, Some(Directive::Enable));
        assert_eq!(&text[found[1].range.clone()], "<!-- locdrift-enable -->");
    }

    #[test]
    fn removal_takes_the_whole_line_when_alone() {
        let text = "a\r\n<!-- locdrift-disable -->\r\nb <!-- locdrift-enable -->\n";
        let document = crate::document::Document::new("a.md", text);
        let first = text.find("<!--").unwrap();
        assert_eq!(removal(&document, &(first..first + 25)), 3..first + 25 + 2);
        let second = text.rfind("<!--").unwrap();
        assert_eq!(
            removal(&document, &(second..second + 24)),
            second - 1..second + 24
        );
    }
}
