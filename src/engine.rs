//! Runs the selected rules on one check and orders what they find.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::align::{self, English, FeatureBuilder, Features};
use crate::analysis::Parsed;
use crate::data::RuleData;
use crate::diagnostic::{Diagnostic, FileSide, Severity};
use crate::markdown::View;
use crate::markdown::tokens::ProseTokens;
use crate::revisions::{self, Handoff};
use crate::rules::meta::unused_suppression::UnusedSuppression;
use crate::rules::{Context, HandoffView, JumpTargets, Reference, Rule, RuleInfo, registry};
use crate::suppress;

/// What a run checks and with which data.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data: RuleData,
    /// Codes, code prefixes or names; empty selects every rule.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severities that replace a rule's default, by code.
    pub severity: BTreeMap<&'static str, Severity>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            data: RuleData::built_in(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
        }
    }
}

/// Whether a selector (`LD101`, `LD1`, `host-drift`, `ALL`) names a rule.
pub fn selector_matches(selector: &str, info: &RuleInfo) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || selector.eq_ignore_ascii_case(info.name)
        || (selector.len() >= 2 && info.code.starts_with(&selector.to_ascii_uppercase()))
}

impl Settings {
    pub fn is_enabled(&self, info: &RuleInfo) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| selector_matches(s, info));
        selected && !self.ignore.iter().any(|s| selector_matches(s, info))
    }
}

/// Block features of the target view, with the embedded English of side-by-side blocks.
fn target_features(target: &Parsed, tokens: &ProseTokens, with_english: bool) -> Vec<Features> {
    let view = &target.target;
    // Reused from block to block: most blocks have one segment or none.
    let (mut ids, mut english): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut builder = FeatureBuilder::default();
    view.blocks
        .iter()
        .zip(&target.block_segments)
        .enumerate()
        .map(|(index, (block, segments))| {
            ids.clear();
            ids.extend(segments.iter().map(|&s| target.segments[s].id.as_str()));
            english.clear();
            if with_english {
                english.extend(segments.iter().filter_map(|&s| target.segment_source(s)));
            }
            builder.features_with_tokens(
                block,
                view.text(),
                tokens.of_block(index),
                English::Embedded(&english),
                &ids,
            )
        })
        .collect()
}

/// How one file is checked.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The target's locale (`zh-cn`).
    pub locale: Option<String>,
    /// The file is an English source checked on its own.
    pub is_source_file: bool,
    /// The run was given sources, so a translation without one is reported.
    pub source_expected: bool,
    /// The English the translation was made from, read from the source repository.
    pub handoff: Option<std::sync::Arc<Handoff>>,
    /// Rules not run on this file (codes, prefixes or names), on top of the settings' own.
    pub ignore: Vec<String>,
}

impl CheckOptions {
    /// Whether a rule runs on this file.
    pub fn is_enabled(&self, settings: &Settings, info: &RuleInfo) -> bool {
        settings.is_enabled(info) && !self.ignore.iter().any(|s| selector_matches(s, info))
    }
}

/// The source features used for alignment: the English blocks with their prose.
fn english_features(view: &View, tokens: &ProseTokens) -> Vec<Features> {
    let mut builder = FeatureBuilder::default();
    view.blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            builder.features_with_tokens(
                block,
                view.text(),
                tokens.of_block(index),
                English::Prose,
                &[],
            )
        })
        .collect()
}

/// Aligns the blocks of an English text with those of a translation.
pub fn align_with_english(english: &View, target: &Parsed) -> Vec<align::Pair> {
    align_with_english_tokens(
        english,
        &ProseTokens::new(english),
        target,
        &ProseTokens::new(&target.target),
    )
}

/// [`align_with_english`] with the prose tokens of both texts, which the rules read too.
fn align_with_english_tokens(
    english: &View,
    english_tokens: &ProseTokens,
    target: &Parsed,
    target_tokens: &ProseTokens,
) -> Vec<align::Pair> {
    align::align(
        &english_features(english, english_tokens),
        &target_features(target, target_tokens, true),
    )
}

/// Aligns the blocks of a side-by-side file with those of the English it embeds, which are
/// known by their segment ids rather than their words.
fn align_with_embedded_english(
    target: &Parsed,
    embedded: &View,
    embedded_tokens: &ProseTokens,
    target_tokens: &ProseTokens,
) -> Vec<align::Pair> {
    let mut ids: Vec<&str> = Vec::new();
    let mut builder = FeatureBuilder::default();
    let embedded_features: Vec<Features> = embedded
        .blocks
        .iter()
        .zip(target.embedded_block_segments())
        .enumerate()
        .map(|(index, (block, segments))| {
            ids.clear();
            ids.extend(segments.iter().map(|&s| target.segments[s].id.as_str()));
            builder.features_with_tokens(
                block,
                embedded.text(),
                embedded_tokens.of_block(index),
                English::Unknown,
                &ids,
            )
        })
        .collect();
    align::align(
        &embedded_features,
        &target_features(target, target_tokens, false),
    )
}

/// Checks `target` (against `source` when given) and returns its findings, sorted by position
/// and code. `is_source_file` marks an English source checked on its own.
pub fn check(
    target: &Parsed,
    source: Option<&Parsed>,
    settings: &Settings,
    options: CheckOptions,
) -> Vec<Diagnostic> {
    // Alignment and the token rules read the same prose tokens of each view.
    let target_tokens = ProseTokens::new(&target.target);
    let reference = match source {
        Some(source) => Some(Reference {
            view: &source.target,
            file: FileSide::Source,
            is_current_source: true,
        }),
        None => target.embedded().map(|embedded| Reference {
            view: embedded,
            file: FileSide::Target,
            is_current_source: false,
        }),
    };
    let reference_tokens = reference.map(|reference| ProseTokens::new(reference.view));
    let alignment = match reference.zip(reference_tokens.as_ref()) {
        Some((reference, tokens)) if reference.is_current_source => {
            align_with_english_tokens(reference.view, tokens, target, &target_tokens)
        }
        Some((embedded, tokens)) => {
            align_with_embedded_english(target, embedded.view, tokens, &target_tokens)
        }
        None => Vec::new(),
    };
    let handoff = options
        .handoff
        .as_deref()
        .map(|handoff| match (handoff, source) {
            (Handoff::Found { commit, old }, Some(source)) => HandoffView::Found {
                commit,
                old,
                comparison: revisions::compare(&old.target, &source.target),
                alignment: align_with_english_tokens(
                    &old.target,
                    &ProseTokens::new(&old.target),
                    target,
                    &target_tokens,
                ),
            },
            (Handoff::Found { commit, .. }, None) => HandoffView::Missing {
                commit,
                reason: "no current source to compare it with",
            },
            (Handoff::Missing { commit, reason }, _) => HandoffView::Missing { commit, reason },
        });
    let enabled = |info: &RuleInfo| options.is_enabled(settings, info);
    let report_unused = enabled(&UnusedSuppression::INFO);
    let cx = Context {
        target,
        source,
        reference,
        alignment: &alignment,
        target_tokens: &target_tokens,
        reference_tokens: reference_tokens.as_ref(),
        target_jump_targets: JumpTargets::new(&target.target),
        reference_jump_targets: reference.map(|reference| JumpTargets::new(reference.view)),
        data: &settings.data,
        locale: options.locale.clone(),
        is_source_file: options.is_source_file,
        source_expected: options.source_expected,
        handoff,
    };
    let mut diagnostics = Vec::new();
    for rule in registry::RULES {
        if enabled(rule.info()) {
            rule.check(&cx, &mut diagnostics);
        }
    }
    suppress::apply(target, &mut diagnostics, enabled, report_unused);
    for diagnostic in &mut diagnostics {
        if let Some(&severity) = settings.severity.get(diagnostic.code) {
            diagnostic.severity = severity;
        }
    }
    sort_and_dedup(&mut diagnostics);
    drop_superseded(&mut diagnostics);
    diagnostics
}

/// Pairs of rules that can report the same characters for one problem: `(weaker, stronger)`.
/// A host name that the source changed and that the rulebook lists as outdated is one
/// problem; LD101 compares it with the source and carries the fix, so LD303 gives way and
/// only lends it the rulebook's note.
const SUPERSEDED: &[(&str, &str)] = &[("LD303", "LD101")];

/// Drops each finding of a weaker rule whose characters a stronger rule reports too, and adds
/// its notes to the stronger finding. Runs after suppressions, so a suppressed stronger finding
/// does not hide the weaker one.
fn drop_superseded(diagnostics: &mut Vec<Diagnostic>) {
    for &(weaker, stronger) in SUPERSEDED {
        let stronger_at: HashMap<(FileSide, Range<usize>), usize> = (diagnostics.iter())
            .enumerate()
            .filter(|(_, d)| d.code == stronger)
            .map(|(index, d)| ((d.primary.file, d.primary.range.clone()), index))
            .collect();
        if stronger_at.is_empty() {
            continue;
        }
        let mut dropped = vec![false; diagnostics.len()];
        for index in 0..diagnostics.len() {
            let candidate = &diagnostics[index];
            if candidate.code != weaker {
                continue;
            }
            let key = (candidate.primary.file, candidate.primary.range.clone());
            let Some(&keeper) = stronger_at.get(&key) else {
                continue;
            };
            dropped[index] = true;
            for note in std::mem::take(&mut diagnostics[index].notes) {
                if !diagnostics[keeper].notes.contains(&note) {
                    diagnostics[keeper].notes.push(note);
                }
            }
        }
        let mut flags = dropped.into_iter();
        diagnostics.retain(|_| !flags.next().unwrap_or(false));
    }
}

/// Sorts by (start, code) and drops exact repeats, so output is stable whatever order the rules
/// ran in.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (
            a.primary.range.start,
            a.code,
            a.primary.range.end,
            &a.message,
        )
            .cmp(&(
                b.primary.range.start,
                b.code,
                b.primary.range.end,
                &b.message,
            ))
    });
    diagnostics.dedup_by(|a, b| {
        a.code == b.code && a.primary.range == b.primary.range && a.message == b.message
    });
}

/// Every rule, for `locdrift rules` and `explain`.
pub fn rules() -> impl Iterator<Item = &'static dyn Rule> {
    registry::RULES.iter().copied()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::document::Document;

    fn parse(text: &str) -> Parsed {
        Parsed::new(Arc::new(Document::new("a.md", text))).unwrap()
    }

    fn codes_and_notes(settings: &Settings) -> Vec<(&'static str, Vec<String>)> {
        let source = parse("- Value: sipdir.online.lync.com\n");
        let target = parse("- 值：sipdir.online.microsoft.com\n");
        let options = CheckOptions {
            locale: Some("zh-cn".into()),
            source_expected: true,
            ..CheckOptions::default()
        };
        check(&target, Some(&source), settings, options)
            .into_iter()
            .filter(|d| matches!(d.code, "LD101" | "LD303"))
            .map(|d| (d.code, d.notes))
            .collect()
    }

    #[test]
    fn a_stale_term_that_host_drift_reports_is_reported_once() {
        let findings = codes_and_notes(&Settings::default());
        assert_eq!(findings.len(), 1, "{findings:?}");
        let (code, notes) = &findings[0];
        assert_eq!(*code, "LD101");
        // The rulebook's note comes along.
        assert!(
            notes.iter().any(|n| n.contains("sipdir.online.lync.com")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_stale_term_stays_when_host_drift_is_off() {
        let settings = Settings {
            ignore: vec!["LD101".into()],
            ..Settings::default()
        };
        let codes: Vec<_> = codes_and_notes(&settings)
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        assert_eq!(codes, ["LD303"]);
    }
}
