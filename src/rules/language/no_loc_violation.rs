use std::cell::OnceCell;
use std::ops::Range;

use crate::align::link_key_hash;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::markdown::frontmatter::FrontMatter;
use crate::markdown::model::{Block, Link};
use crate::rules::support::{is_prose, target_block_label, terms_matcher};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a term that must not be translated, present in a source block but absent from
    /// the aligned block of the translation. The terms are the article's front matter `no-loc`
    /// list (`no-loc: [Azure, "Microsoft 365"]`, or a YAML block list, as Microsoft Docs
    /// articles carry it; the source's and the translation's) and the `do-not-translate` lists
    /// of the rulebooks (`rules/do-not-translate.toml`, or a book passed with `--rules`).
    ///
    /// A locale's official name for a term (`商務用 Skype` for Skype for Business in zh-tw,
    /// from `[[localized-name]]` in the locale's rulebook) is not a violation. Neither is a
    /// term that the translation lacks because it follows an older English text (its embedded
    /// English lacks the term too: `stale-translation`, LD401) or writes an outdated name that
    /// `stale-term` (LD303) reports.
    ///
    /// Case and white space are not compared. A term inside a longer one of the lists
    /// ("Skype for Business" in "Skype for Business Online") is reported once, as the longer
    /// term. A term that is part of a renamed name the translation already updated (the
    /// "Office 365" of "Office 365 Portal", written "Microsoft 365 管理中心") is left to
    /// `stale-term` (LD303).
    ///
    /// The finding points at the shorter name the translation wrote ("Skype for Business" for
    /// "Skype for Business Online"); when the source has the term in a link's text, at the text
    /// of the translation's link to the same place; otherwise at the block.
    ///
    /// ## Why is this bad?
    /// Product and feature names are trademarks and UI strings: readers search for them, and
    /// the screens they describe show them in English. A translated name matches nothing.
    ///
    /// ## Example
    /// ```md en
    /// ---
    /// no-loc: [Contoso Backup, Contoso Vault]
    /// ---
    /// Contoso Backup copies the files of a server to Contoso Vault.
    /// ```
    /// ```md zh-cn
    /// ---
    /// no-loc: [Contoso Backup, Contoso Vault]
    /// ---
    /// Contoso Backup 将服务器的文件复制到 Contoso 保管库。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// ---
    /// no-loc: [Contoso Backup, Contoso Vault]
    /// ---
    /// Contoso Backup 将服务器的文件复制到 Contoso Vault。
    /// ```
    ///
    /// ## Known limitations
    /// Only presence is compared: a block that names the term twice in English and once in the
    /// translation is not reported. A term that alignment paired with the wrong block is
    /// reported against it.
    pub struct NoLocViolation;
    code = "LD304", name = "no-loc-violation", severity = Warning, since = "0.1.0"
}

/// The `no-loc` terms of a front matter block: a flow list or a block list.
fn no_loc_terms(front_matter: Option<&FrontMatter>) -> Vec<String> {
    let Some(entry) = front_matter.and_then(|f| f.get("no-loc")) else {
        return Vec::new();
    };
    let mut terms: Vec<String> = entry.items.iter().map(|(item, _)| item.clone()).collect();
    terms.extend(
        entry
            .value
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(|s| s.trim().trim_matches(['"', '\'']).trim().to_string())
            .filter(|s| !s.is_empty()),
    );
    terms
}

/// Lower case with white space runs (also no-break spaces) as one space.
fn fold(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where `term` occurs in `text` as a whole name: not glued to other ASCII letters or digits.
fn occurrences(text: &str, term: &str) -> Vec<Range<usize>> {
    text.match_indices(term)
        .filter(|(index, _)| {
            let before = text[..*index].chars().next_back();
            let after = text[index + term.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
        .map(|(index, _)| index..index + term.len())
        .collect()
}

/// The bracketed text of `link`, `[…]`, when it is written that way.
fn link_text(link: &Link, text: &str) -> Option<Range<usize>> {
    let raw = &text[link.range.clone()];
    if link.is_autolink || !raw.starts_with('[') {
        return None;
    }
    let end = link
        .destination_range
        .as_ref()
        .map_or(link.range.end, |d| d.start);
    let close = text[link.range.start..end].rfind(']')?;
    Some(link.range.start..link.range.start + close + 1)
}

/// When the source writes the term inside the text of a link, the text of the translation's
/// link to the same place (the one link of the block whose destination has the alignment's
/// link key: scheme, `&amp;` and locale segments aside): where a reader looks for the name, and
/// a narrower label than the whole block.
fn partner_link_text(
    source: &Block,
    target: &Block,
    term_start: usize,
    target_text: &str,
) -> Option<Range<usize>> {
    let link = source
        .links
        .iter()
        .find(|link| link.range.contains(&term_start))?;
    let key = link_key_hash(&link.destination);
    let mut same = target.links.iter().filter(|other| {
        other.is_image == link.is_image && link_key_hash(&other.destination) == key
    });
    let partner = same.next()?;
    if same.next().is_some() {
        return None;
    }
    link_text(partner, target_text)
}

impl Rule for NoLocViolation {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        if cx.is_source_file
            || cx
                .locale
                .as_deref()
                .is_some_and(|l| l.to_ascii_lowercase().starts_with("en"))
        {
            return;
        }
        let article_terms: Vec<String> =
            no_loc_terms(cx.source.and_then(|s| s.front_matter.as_ref()))
                .into_iter()
                .chain(no_loc_terms(cx.target.front_matter.as_ref()))
                .collect();
        let mut terms: Vec<(String, bool)> = article_terms
            .iter()
            .map(|t| (t.clone(), true))
            .chain(cx.data.do_not_translate.iter().map(|t| (t.clone(), false)))
            .filter(|(t, _)| !t.trim().is_empty())
            .collect();
        // Longest first, so that a term inside a longer one is reported as the longer one.
        terms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        terms.dedup_by(|a, b| a.0 == b.0);
        if terms.is_empty() {
            return;
        }
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        let locale = cx.locale.as_deref();
        // Most blocks hold none of the terms: one search for all of them per text run tells
        // which terms to look at (a search per term and run was a tenth of the whole run). It
        // reports every occurrence, overlapping ones too, so a term it does not report has
        // none. It cannot fail for lists of this size; if it did, every term is looked at.
        let matcher = terms_matcher(
            &terms
                .iter()
                .map(|(term, _)| term.as_str())
                .collect::<Vec<_>>(),
        );
        let mut present = vec![matcher.is_none(); terms.len()];
        let shortest_term = matcher
            .as_ref()
            .map_or(0, |matcher| matcher.min_pattern_len());
        for pair in cx.pairs() {
            let (Some(source), Some(target)) = (pair.source, pair.target) else {
                continue;
            };
            if !is_prose(source) || !is_prose(target) {
                continue;
            }
            if let Some(matcher) = &matcher {
                // Most blocks hold no term, and `is_match` settles them for less than an
                // overlapping search of each run (which also sets up a state per run); the
                // overlapping search then runs only where there is something to report.
                // A run shorter than the shortest term holds none, and most runs are the
                // short text between two inline elements: skipping them saves a search each.
                if !source.text_runs.iter().any(|run| {
                    run.len() >= shortest_term && matcher.is_match(&source_text[run.clone()])
                }) {
                    continue;
                }
                present.fill(false);
                for run in &source.text_runs {
                    for found in matcher.find_overlapping_iter(&source_text[run.clone()]) {
                        present[found.pattern().as_usize()] = true;
                    }
                }
                if !present.contains(&true) {
                    continue;
                }
            }
            // Folded only when a term of the source is looked for.
            let folded_target = OnceCell::new();
            let target_folded = || {
                folded_target
                    .get_or_init(|| fold(&target_text[target.range.clone()]))
                    .as_str()
            };
            // Occurrences of the terms already looked for, by start, with the furthest end so
            // far: an occurrence inside one of them is part of a longer term.
            let mut taken: Vec<Range<usize>> = Vec::new();
            let mut reach: Vec<usize> = Vec::new();
            for ((term, from_article), _) in terms.iter().zip(&present).filter(|(_, p)| **p) {
                let found: Vec<Range<usize>> = source
                    .text_runs
                    .iter()
                    .flat_map(|run| {
                        occurrences(&source_text[run.clone()], term)
                            .into_iter()
                            .map(move |r| run.start + r.start..run.start + r.end)
                    })
                    .filter(|r| {
                        let before = taken.partition_point(|t| t.start <= r.start);
                        before == 0 || reach[before - 1] < r.end
                    })
                    .collect();
                let Some(first) = found.first().cloned() else {
                    continue;
                };
                taken.extend(found);
                taken.sort_by_key(|t| t.start);
                reach.clear();
                reach.extend(taken.iter().scan(0, |furthest, t| {
                    *furthest = t.end.max(*furthest);
                    Some(*furthest)
                }));
                if target_folded().contains(&fold(term)) {
                    continue;
                }
                // The locale's official name: "商務用 Skype Online" for "Skype for Business
                // Online" in zh-tw.
                let localized = cx.data.localized_names.iter().any(|name| {
                    name.applies_to(locale)
                        && term.contains(name.term.as_str())
                        && target_folded()
                            .contains(&fold(&term.replace(name.term.as_str(), &name.name)))
                });
                if localized {
                    continue;
                }
                // A target that follows an older English, or an outdated name, is
                // stale-translation's (LD401) and stale-term's (LD303) business.
                let embedded_lacks_term = pair.target_index.is_some_and(|index| {
                    let segments = cx
                        .target
                        .block_segments
                        .get(index)
                        .map_or(&[][..], |s| &s[..]);
                    !segments.is_empty()
                        && segments.iter().all(|&segment| {
                            cx.target
                                .segment_source(segment)
                                .is_none_or(|english| !fold(english).contains(&fold(term)))
                        })
                });
                let stale_name = cx.data.stale_terms.iter().any(|stale| {
                    stale.applies_to(locale)
                        && stale.replacement.contains(term.as_str())
                        && target_folded().contains(&fold(&stale.term))
                });
                if embedded_lacks_term || stale_name {
                    continue;
                }
                // "Office 365 Portal" renamed "Microsoft 365 admin center": the translation that
                // follows the rename dropped "Office 365" rightly (stale-term's business).
                let renamed = cx.data.stale_terms.iter().any(|stale| {
                    (stale.applies_to(locale) || stale.applies_to(Some("en")))
                        && stale.term.contains(term.as_str())
                        && (target_folded().contains(&fold(&stale.replacement))
                            || terms.iter().any(|(other, _)| {
                                other != term
                                    && stale.replacement.contains(other.as_str())
                                    && target_folded().contains(&fold(other))
                            }))
                });
                if renamed {
                    continue;
                }
                // A shorter name of the lists that the translation kept ("Skype for Business",
                // or its official localized form, for "Skype for Business Online").
                let partial = terms
                    .iter()
                    .filter(|(other, _)| other.len() < term.len() && term.contains(other.as_str()))
                    .flat_map(|(other, _)| {
                        std::iter::once(other.clone()).chain(
                            cx.data
                                .localized_names
                                .iter()
                                .filter(|n| n.applies_to(locale) && other.contains(n.term.as_str()))
                                .map(|n| other.replace(n.term.as_str(), &n.name)),
                        )
                    })
                    .find(|short| target_folded().contains(&fold(short)));
                let official = cx
                    .data
                    .localized_names
                    .iter()
                    .find(|n| n.applies_to(locale) && term.contains(n.term.as_str()))
                    .map(|n| term.replace(n.term.as_str(), &n.name));
                let origin = if *from_article {
                    "the article's `no-loc` list"
                } else {
                    "the do-not-translate rulebook"
                };
                // Point at the shorter name the translation wrote, when it is there verbatim;
                // otherwise at the block.
                let short_range = partial.as_ref().and_then(|short| {
                    let text = &cx.target_text()[target.range.clone()];
                    text.find(short.as_str())
                        .map(|i| target.range.start + i..target.range.start + i + short.len())
                });
                let primary = match (&short_range, &partial) {
                    (Some(range), Some(short)) => Label::target(
                        cx.target_original(range.clone()),
                        format!("`{short}` where the source has `{term}`"),
                    ),
                    _ => match partner_link_text(source, target, first.start, target_text) {
                        Some(text) => Label::target(
                            cx.target_original(text),
                            format!("no `{term}` in this link text"),
                        ),
                        None => target_block_label(
                            cx,
                            target,
                            format!("no `{term}` in this {}", target.kind.noun()),
                        ),
                    },
                };
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    format!(
                        "`{term}` must not be translated, but the translation does not have it"
                    ),
                    primary,
                )
                .with_secondary(reference.label(first, format!("`{term}` in the English source")))
                .with_note(format!("`{term}` is in {origin}"))
                .with_help(match official.as_deref() {
                    Some(official) => format!(
                        "write `{term}` as the source does, or the official name `{official}`"
                    ),
                    None => format!("write `{term}` in English, as the source does"),
                });
                if let Some(short) = partial {
                    diagnostic =
                        diagnostic.with_note(format!("the translation has only `{short}`"));
                }
                out.push(diagnostic);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::frontmatter;

    #[test]
    fn flow_and_block_lists() {
        let flow = frontmatter::parse("---\nno-loc: [Contoso Backup, \"Contoso Vault\"]\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            no_loc_terms(Some(&flow)),
            ["Contoso Backup", "Contoso Vault"]
        );
        let block = frontmatter::parse("---\nno-loc:\n- Azure\n- \"Microsoft 365\"\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(no_loc_terms(Some(&block)), ["Azure", "Microsoft 365"]);
    }

    /// The primary label of the one LD304 finding: the text it covers and its message.
    fn primary(source: &str, target: &str) -> (String, String) {
        let findings = crate::testing::findings_of("LD304", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let label = &findings[0].primary;
        (
            target[label.range.clone()].to_string(),
            label.message.clone(),
        )
    }

    #[test]
    fn a_term_of_a_link_text_points_at_the_translated_link_text() {
        // The machine translation took the name apart; the link lost its `s` too (LD104's).
        let source = "For more information, see KB 2566790, [Troubleshooting Skype for Business \
                      Online DNS configuration issues](https://go.microsoft.com/fwlink/?linkid=1).\n";
        let target = "有关详细信息，请参阅 KB 2566790、[业务 Online DNS 配置问题疑难解答 Skype]\
                      (http://go.microsoft.com/fwlink/?linkid=1)。\n";
        assert_eq!(
            primary(source, target),
            (
                "[业务 Online DNS 配置问题疑难解答 Skype]".to_string(),
                "no `Skype for Business Online` in this link text".to_string()
            )
        );
        // Two links to that place: which one is meant is not known, so the block.
        let doubled = target.replace(
            "。",
            "，[另一个](https://go.microsoft.com/fwlink/?linkid=1)。",
        );
        let (covered, message) = primary(source, &doubled);
        assert!(covered.starts_with("有关详细信息"), "{covered}");
        assert_eq!(message, "no `Skype for Business Online` in this paragraph");
    }

    #[test]
    fn whole_names_only() {
        let found = occurrences("Azure and AzureAD", "Azure");
        assert_eq!((found.len(), found[0].start, found[0].end), (1, 0, 5));
        assert_eq!(occurrences("使用Azure。", "Azure").len(), 1);
        assert_eq!(fold("Microsoft\u{a0}365"), "microsoft 365");
    }
}
