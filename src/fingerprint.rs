//! Fingerprints of findings, so that a run can report only what is new: new since a baseline
//! file, or new since a git revision (a pull request's base).
//!
//! A fingerprint is made of the rule, the file and the text the finding points at (its message
//! when it points at where something missing belongs), never of lines or columns, so it
//! survives text added above it. Identical findings in one file (the same rule on the same text
//! twice) are told apart by their order: the second occurrence is new when the old run had
//! only one.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::emit::FileReport;

/// FNV-1a, 64 bits, over parts separated by `0xff`: small, and stable across platforms and
/// Rust versions, unlike `std`'s hasher. SARIF's `partialFingerprints` use it too.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The path as fingerprints know it: `/` separators, no leading `./`.
pub fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

/// What a finding is known by: the text it points at, or its message when its label marks
/// where something missing belongs ([`Label::place`](crate::diagnostic::Label::place)): the
/// block around a missing value is not the finding, and editing it must not make the finding
/// new. White space collapsed.
/// `text` is the checked file's.
pub fn identity_text(text: &str, diagnostic: &Diagnostic) -> String {
    let identity = if diagnostic.primary.marks_place {
        diagnostic.message.as_str()
    } else {
        text.get(diagnostic.primary.range.clone())
            .unwrap_or_default()
    };
    identity.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of each finding of a report, in order, for the report's file shown as
/// `path`.
pub fn of_report(report: &FileReport, path: &str) -> Vec<u64> {
    let path = normalize_path(path);
    let mut seen: HashMap<u64, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let text = identity_text(&report.target.text, diagnostic);
            let base = fnv1a(&[diagnostic.code, &path, &text]);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            fnv1a(&[&base.to_string(), &occurrence.to_string()])
        })
        .collect()
}

/// Findings recorded by `--write-baseline`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format version, 1.
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding. `code`, `path` and `text` are there for people reading the file;
/// matching uses the fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub code: String,
    pub path: String,
    pub text: String,
}

impl Baseline {
    /// The baseline of a run's reports; `path_of` gives each report's path as recorded.
    pub fn of(reports: &[FileReport], path_of: impl Fn(&FileReport) -> String) -> Baseline {
        let mut findings = Vec::new();
        for report in reports {
            let path = normalize_path(&path_of(report));
            for (diagnostic, fingerprint) in report.diagnostics.iter().zip(of_report(report, &path))
            {
                let text: String = identity_text(&report.target.text, diagnostic)
                    .chars()
                    .take(80)
                    .collect();
                findings.push(BaselineEntry {
                    fingerprint: format!("{fingerprint:016x}"),
                    code: diagnostic.code.to_string(),
                    path: path.clone(),
                    text,
                });
            }
        }
        Baseline {
            version: 1,
            findings,
        }
    }

    /// The recorded fingerprints, with how often each was recorded.
    pub fn known(&self) -> Known {
        let mut known = Known::default();
        for entry in &self.findings {
            if let Ok(fingerprint) = u64::from_str_radix(&entry.fingerprint, 16) {
                known.insert(fingerprint);
            }
        }
        known
    }
}

/// A multiset of fingerprints of known (old) findings.
#[derive(Debug, Clone, Default)]
pub struct Known {
    counts: HashMap<u64, usize>,
}

impl Known {
    pub fn insert(&mut self, fingerprint: u64) {
        *self.counts.entry(fingerprint).or_insert(0) += 1;
    }

    /// Adds every finding of a report, its file shown as `path`.
    pub fn add_report(&mut self, report: &FileReport, path: &str) {
        for fingerprint in of_report(report, path) {
            self.insert(fingerprint);
        }
    }

    /// Drops the findings of a report that are known; returns how many were dropped.
    pub fn retain_new(&mut self, report: &mut FileReport, path: &str) -> usize {
        let fingerprints = of_report(report, path);
        let mut index = 0;
        let before = report.diagnostics.len();
        report.diagnostics.retain(|_| {
            let fingerprint = fingerprints[index];
            index += 1;
            match self.counts.get_mut(&fingerprint) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            }
        });
        before - report.diagnostics.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::document::Document;
    use crate::rules::RuleInfo;

    static INFO: RuleInfo = RuleInfo {
        code: "LD101",
        name: "host-drift",
        severity: Severity::Error,
        since: "0.1.0",
        docs: "",
        file: "",
        line: 0,
    };

    fn report(text: &str, needles: &[&str]) -> FileReport {
        let diagnostics = needles
            .iter()
            .flat_map(|needle| text.match_indices(needle).map(|(i, m)| i..i + m.len()))
            .map(|range| Diagnostic::new(&INFO, "m", Label::target(range, "l")))
            .collect();
        FileReport {
            target: Arc::new(Document::new("zh-cn/a.md", text.to_string())),
            source: None,
            diagnostics,
            diff: None,
        }
    }

    #[test]
    fn fingerprints_survive_line_shifts_and_count_repeats() {
        let old = report("a\nbad.example.com\n", &["bad.example.com"]);
        let mut new = report(
            "new line\n\na\nbad.example.com\nand again bad.example.com\n",
            &["bad.example.com"],
        );
        let mut known = Known::default();
        known.add_report(&old, "zh-cn/a.md");
        assert_eq!(known.retain_new(&mut new, "./zh-cn/a.md"), 1);
        assert_eq!(new.diagnostics.len(), 1, "the second occurrence is new");
    }

    #[test]
    fn fingerprints_depend_on_path_and_rule() {
        let a = report("x bad.example.com", &["bad.example.com"]);
        assert_ne!(of_report(&a, "zh-cn/a.md"), of_report(&a, "zh-tw/a.md"));
        let baseline = Baseline::of(std::slice::from_ref(&a), |_| "zh-cn/a.md".into());
        let json = serde_json::to_string(&baseline).unwrap();
        let back: Baseline = serde_json::from_str(&json).unwrap();
        assert_eq!(back, baseline);
        assert_eq!(back.findings[0].text, "bad.example.com");
    }
}
