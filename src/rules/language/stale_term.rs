use std::ops::Range;

use memchr::memmem::Finder;

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports product names, portal names and host names that were renamed or retired, from
    /// the rulebooks under `rules/` (per locale, each with its replacement) and any added with
    /// `--rules FILE`. English sources are checked too. A host name that LD101 (host-drift)
    /// reports on the same characters, because the source has a different one, is left to
    /// LD101, which compares with the source and carries the fix; the rulebook's note is added
    /// to it.
    ///
    /// ## Why is this bad?
    /// A renamed portal sends readers looking for a page that no longer exists under that
    /// name, and a retired host name breaks the configuration a reader copies from the article.
    ///
    /// ## Example
    /// ```md en
    /// Reinstall Skype for Business Online from the Office 365 Portal.
    /// ```
    /// ```md zh-cn
    /// 从 Office 365 门户重新安装 Skype for Business Online。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 从 Microsoft 365 管理中心重新安装 Skype for Business Online。
    /// ```
    ///
    /// ## Options
    /// `--rules FILE` adds a rulebook: `locale = "zh-cn"` and `[[stale-term]]` tables with
    /// `term`, `replacement` and an optional `note` and `case-sensitive`.
    pub struct StaleTermRule;
    code = "LD303", name = "stale-term", severity = Warning, since = "0.1.0"
}

/// Finds `needle` in `haystack`, ignoring ASCII case unless asked not to, at positions where an
/// ASCII term does not continue a longer word.
#[cfg(test)]
fn find_all(haystack: &str, needle: &str, case_sensitive: bool) -> Vec<usize> {
    if case_sensitive {
        find_words(haystack, &Finder::new(needle))
    } else {
        let needle = needle.to_ascii_lowercase();
        find_words(&haystack.to_ascii_lowercase(), &Finder::new(&needle))
    }
}

/// Finds the finder's pattern in `hay` at positions where an ASCII term does not continue a
/// longer word. For a search that ignores case, both come lower-cased. The finder is made
/// once per term: a new substring searcher for every run was half of the rule's work.
fn find_words(hay: &str, finder: &Finder<'_>) -> Vec<usize> {
    let pattern = finder.needle();
    // A character is an ASCII letter or digit exactly when its only byte is one.
    let starts_alphanumeric = pattern.first().is_some_and(u8::is_ascii_alphanumeric);
    let ends_alphanumeric = pattern.last().is_some_and(u8::is_ascii_alphanumeric);
    let mut found = Vec::new();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut cursor = 0;
    while let Some(index) = finder.find(&hay.as_bytes()[cursor..]) {
        let start = cursor + index;
        let end = start + pattern.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let edge_ok = !(starts_alphanumeric && word(before))
            && !(ends_alphanumeric
                && (word(after)
                    || (after == Some('.')
                        && hay[end + 1..].starts_with(|c: char| c.is_ascii_alphanumeric()))));
        if edge_ok {
            found.push(start);
        }
        cursor = end;
    }
    found
}

impl Rule for StaleTermRule {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let view = &cx.target.target;
        let text = view.text();
        let locale = if cx.is_source_file {
            Some("en")
        } else {
            cx.locale.as_deref()
        };
        let terms: Vec<_> = cx
            .data
            .stale_terms
            .iter()
            .filter(|term| term.locale == "en" || term.applies_to(locale))
            .collect();
        if terms.is_empty() {
            return;
        }
        // A term found in no run is not in the text at all; looking through the whole text once
        // per term is much cheaper than once per term and run.
        // ASCII lower-casing keeps every byte where it is, so a run of `lower` is the run
        // lower-cased: each run is searched without a lower-cased copy of its own.
        let lower = text.to_ascii_lowercase();
        let terms: Vec<_> = terms
            .into_iter()
            .map(|term| {
                let pattern = if term.case_sensitive {
                    term.term.clone()
                } else {
                    term.term.to_ascii_lowercase()
                };
                (term, pattern)
            })
            .filter(|(term, pattern)| {
                let hay = if term.case_sensitive { text } else { &lower };
                hay.contains(pattern.as_str())
            })
            .collect();
        // A locale's own entry for a name says more (its replacement is the localized name)
        // than the English entry that matches the same words in its text: it goes first, and a
        // match overlapping one already reported in the run is not reported again.
        let mut terms = terms;
        terms.sort_by_key(|(term, _)| term.locale == "en");
        let finders: Vec<Finder<'_>> = terms
            .iter()
            .map(|(_, pattern)| Finder::new(pattern))
            .collect();
        if terms.is_empty() {
            return;
        }
        for block in &view.blocks {
            for run in &block.text_runs {
                let mut reported: Vec<Range<usize>> = Vec::new();
                for ((term, _), finder) in terms.iter().zip(&finders) {
                    let hay = if term.case_sensitive { text } else { &lower };
                    for start in find_words(&hay[run.clone()], finder) {
                        let found = start..start + term.term.len();
                        if reported
                            .iter()
                            .any(|r| r.start < found.end && found.start < r.end)
                        {
                            continue;
                        }
                        reported.push(found);
                        let range = cx.target_original(
                            run.start + start..run.start + start + term.term.len(),
                        );
                        let found = &cx.target.document.text[range.clone()];
                        let mut diagnostic = Diagnostic::new(
                            &Self::INFO,
                            format!("`{found}` is an outdated name, now `{}`", term.replacement),
                            Label::target(range.clone(), "outdated name"),
                        )
                        .with_help(format!("write `{}`", term.replacement))
                        .with_fix(
                            range,
                            term.replacement.clone(),
                            Applicability::Unsafe,
                        );
                        if let Some(note) = &term.note {
                            diagnostic = diagnostic.with_note(note.clone());
                        }
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_all;

    #[test]
    fn german_names_are_found_however_hyphenated() {
        let source = "Sign in to the Microsoft 365 admin center.\n";
        for name in [
            "Office 365-Portal",
            "Office-365-Portal",
            "Office 365 Portal",
        ] {
            let target = format!("Melden Sie sich beim {name} an.\n");
            let findings = crate::testing::findings_in("de-de", "LD303", source, &target);
            assert_eq!(findings.len(), 1, "{target}: {findings:?}");
            assert_eq!(&target[findings[0].primary.range.clone()], name);
        }
    }

    #[test]
    fn french_names_are_found_with_either_apostrophe() {
        let source = "Sign in to the Microsoft 365 admin center.\n";
        for (target, replacement) in [
            (
                "Connectez-vous au Centre d’administration Office 365.\n",
                "Centre d’administration Microsoft 365",
            ),
            (
                "Connectez-vous au Centre d'administration Office 365.\n",
                "Centre d'administration Microsoft 365",
            ),
        ] {
            let findings = crate::testing::findings_in("fr-fr", "LD303", source, target);
            assert_eq!(findings.len(), 1, "{target}: {findings:?}");
            let fix = findings[0].fix.as_ref().expect("a fix");
            assert_eq!(fix.replacement, replacement);
            // The outdated name is LD303's; LD304 does not also miss `Microsoft 365`.
            assert!(crate::testing::findings_in("fr-fr", "LD304", source, target).is_empty());
        }
    }

    #[test]
    fn ascii_terms_match_whole_words_only() {
        assert_eq!(
            find_all("the Office 365 portal.", "Office 365 Portal", false),
            [4]
        );
        assert!(find_all("MyOffice 365 Portals", "Office 365 Portal", false).is_empty());
        assert_eq!(
            find_all("从 Office 365 门户安装", "Office 365 门户", false).len(),
            1
        );
        assert!(
            find_all(
                "sipdir.online.microsoft.com.cn",
                "sipdir.online.microsoft.com",
                false
            )
            .is_empty()
        );
    }
}
