//! Applying the fixes that findings carry: pure text edits, no I/O.
//!
//! A fix replaces one byte range of the checked file's text. [`apply`] takes the fixes of one
//! pass, keeps those that do not overlap an edit already kept (in order of position), and
//! rewrites the text once. [`fix_file`] repeats check → apply until nothing more applies, as
//! ruff does, since one fix can make another finding appear or go away. Writing the result back
//! (byte order mark, permissions, atomic rename) is the command line's job.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use crate::analysis::{ParseError, Parsed};
use crate::diagnostic::{Applicability, Diagnostic, FileSide};
use crate::document::Document;
use crate::engine::{self, CheckOptions, Settings};

/// Which fixes may be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixMode {
    /// Safe fixes only (`--fix`).
    #[default]
    Safe,
    /// Safe and unsafe fixes (`--fix --unsafe-fixes`).
    Unsafe,
}

impl FixMode {
    /// Whether a finding's fix may be applied in this mode.
    pub fn allows(self, diagnostic: &Diagnostic) -> bool {
        match &diagnostic.fix {
            None => false,
            Some(fix) => {
                diagnostic.primary.file == FileSide::Target
                    && (fix.applicability == Applicability::Safe || self == FixMode::Unsafe)
            }
        }
    }
}

/// A fix that was not applied because it overlaps one that was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub code: &'static str,
    /// The range the fix would have replaced, in the text before the pass.
    pub range: Range<usize>,
}

/// The result of one pass of edits.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub text: String,
    /// The number of findings fixed (two findings with the same edit count twice).
    pub fixed: usize,
    /// The findings fixed, as (code, rule name), in order of position.
    pub fixed_rules: Vec<(&'static str, &'static str)>,
    /// The ranges replaced, in the text before the pass, sorted and disjoint.
    pub edits: Vec<Range<usize>>,
    pub conflicts: Vec<Conflict>,
}

/// Applies the fixes of `diagnostics` that `mode` allows to `text`. Edits are taken in order of
/// position; an edit that overlaps one already taken is left for a later pass and reported as a
/// conflict (two insertions at the same offset overlap too, since their order would be a
/// guess). Identical edits from several findings are applied once. Fix ranges that are out of
/// bounds or not on char boundaries are skipped as conflicts: they are a rule's bug and must not
/// corrupt the file.
pub fn apply(text: &str, diagnostics: &[Diagnostic], mode: FixMode) -> Applied {
    let mut fixes: Vec<(&Diagnostic, Range<usize>, &str)> = diagnostics
        .iter()
        .filter(|d| mode.allows(d))
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            Some((d, fix.range.clone(), fix.replacement.as_str()))
        })
        .collect();
    fixes.sort_by(|a, b| {
        (a.1.start, a.1.end, a.2, a.0.code).cmp(&(b.1.start, b.1.end, b.2, b.0.code))
    });
    let mut applied = Applied::default();
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut last: Option<(Range<usize>, &str)> = None;
    for (diagnostic, range, replacement) in fixes {
        let valid = range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end);
        if let Some((last_range, last_replacement)) = &last
            && *last_range == range
            && *last_replacement == replacement
        {
            applied.fixed += 1;
            applied.fixed_rules.push((diagnostic.code, diagnostic.rule));
            continue;
        }
        let overlaps = last.as_ref().is_some_and(|(last_range, _)| {
            range.start < last_range.end || (range.start == last_range.start)
        });
        if !valid || overlaps || (range.is_empty() && replacement.is_empty()) {
            applied.conflicts.push(Conflict {
                code: diagnostic.code,
                range,
            });
            continue;
        }
        out.push_str(&text[cursor..range.start]);
        out.push_str(replacement);
        cursor = range.end;
        applied.fixed += 1;
        applied.fixed_rules.push((diagnostic.code, diagnostic.rule));
        applied.edits.push(range.clone());
        last = Some((range, replacement));
    }
    out.push_str(&text[cursor..]);
    applied.text = out;
    applied
}

/// What fixing one file came to.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// The file as parsed after the last pass (the input itself when nothing applied).
    pub parsed: Parsed,
    /// The findings that remain, checked on the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// Findings fixed over all passes.
    pub fixed: usize,
    /// Findings fixed over all passes, by (code, rule name).
    pub by_rule: BTreeMap<(&'static str, &'static str), usize>,
    /// Findings that remain with a fix this mode allows: their edits overlapped others in
    /// every pass, or the passes ran out.
    pub unapplied: usize,
    /// True when the text changed.
    pub changed: bool,
}

/// The most passes `fix_file` makes; a rule whose fix keeps making new fixes stops here.
pub const MAX_PASSES: usize = 10;

/// Fixes `target` in memory: check, apply, re-parse and re-check until no fix applies or
/// [`MAX_PASSES`] is reached. `diagnostics` are the findings of the first check. Fails only
/// if a fix leaves a side-by-side file that no longer parses, in which case nothing must be
/// written.
pub fn fix_file(
    target: &Parsed,
    source: Option<&Parsed>,
    settings: &Settings,
    options: &CheckOptions,
    diagnostics: Vec<Diagnostic>,
    mode: FixMode,
) -> Result<FileFix, ParseError> {
    let mut parsed = target.clone();
    let mut remaining = diagnostics;
    let mut fixed = 0;
    let mut by_rule = BTreeMap::new();
    let mut changed = false;
    for _ in 0..MAX_PASSES {
        let applied = apply(&parsed.document.text, &remaining, mode);
        if applied.edits.is_empty() || applied.text == parsed.document.text {
            break;
        }
        fixed += applied.fixed;
        for rule in applied.fixed_rules {
            *by_rule.entry(rule).or_insert(0) += 1;
        }
        changed = true;
        let document = Document::new(parsed.document.path.clone(), applied.text);
        parsed = Parsed::new(Arc::new(document))?;
        remaining = engine::check(&parsed, source, settings, options.clone());
    }
    let unapplied = remaining.iter().filter(|d| mode.allows(d)).count();
    Ok(FileFix {
        parsed,
        remaining,
        fixed,
        by_rule,
        unapplied,
        changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::rules::markup::escaped_emphasis::EscapedEmphasis;

    fn finding(range: Range<usize>, replacement: &str, applicability: Applicability) -> Diagnostic {
        Diagnostic::new(
            &EscapedEmphasis::INFO,
            "m",
            Label::target(range.clone(), "l"),
        )
        .with_fix(range, replacement, applicability)
    }

    #[test]
    fn applies_disjoint_edits_and_skips_overlaps() {
        let text = "abcdef";
        let findings = [
            finding(0..2, "X", Applicability::Safe),
            finding(1..3, "Y", Applicability::Safe),
            finding(4..5, "", Applicability::Safe),
            finding(5..6, "Z", Applicability::Unsafe),
        ];
        let applied = apply(text, &findings, FixMode::Safe);
        assert_eq!(applied.text, "Xcdf");
        assert_eq!(applied.fixed, 2);
        assert_eq!(applied.conflicts.len(), 1);
        assert_eq!(applied.edits, [0..2, 4..5]);
        let applied = apply(text, &findings, FixMode::Unsafe);
        assert_eq!(applied.text, "XcdZ");
    }

    #[test]
    fn identical_edits_apply_once_and_bad_ranges_are_skipped() {
        let text = "名稱 x";
        let findings = [
            finding(0..3, "A", Applicability::Safe),
            finding(0..3, "A", Applicability::Safe),
            finding(4..5, "B", Applicability::Safe),
            finding(7..99, "C", Applicability::Safe),
        ];
        let applied = apply(text, &findings, FixMode::Safe);
        assert_eq!(applied.text, "A稱 x");
        assert_eq!(applied.fixed, 2);
        assert_eq!(applied.conflicts.len(), 2);
    }
}
