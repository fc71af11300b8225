//! `--statistics`: how many findings each rule made, as `ruff --statistics` prints them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::FileReport;
use crate::diagnostic::Diagnostic;

/// One rule's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// How many of them the fix mode in force (`--fix`, or `--fix --unsafe-fixes`) would fix.
    pub fixable: usize,
}

/// Counts per rule, gathered file by file (and mergeable, for files checked on several
/// threads).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    by_code: BTreeMap<&'static str, RuleCount>,
}

impl Tally {
    /// Counts one file's findings; `fixable` tells which the fix mode in force would fix.
    pub fn add(&mut self, report: &FileReport, fixable: impl Fn(&Diagnostic) -> bool) {
        for diagnostic in &report.diagnostics {
            let entry = self.by_code.entry(diagnostic.code).or_insert(RuleCount {
                code: diagnostic.code,
                name: diagnostic.rule,
                count: 0,
                fixable: 0,
            });
            entry.count += 1;
            if fixable(diagnostic) {
                entry.fixable += 1;
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        for (code, count) in other.by_code {
            let entry = self.by_code.entry(code).or_insert(RuleCount {
                count: 0,
                fixable: 0,
                ..count.clone()
            });
            entry.count += count.count;
            entry.fixable += count.fixable;
        }
    }

    /// The counts, most frequent first, then by code.
    pub fn counts(&self) -> Vec<RuleCount> {
        let mut counts: Vec<RuleCount> = self.by_code.values().cloned().collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        counts
    }
}

/// Counts per rule of a run, most frequent first, then by code.
pub fn count(reports: &[FileReport], fixable: impl Fn(&Diagnostic) -> bool) -> Vec<RuleCount> {
    let mut tally = Tally::default();
    for report in reports {
        tally.add(report, &fixable);
    }
    tally.counts()
}

/// The table: count, code, name and the fixable count, aligned; a closing total.
/// `command` names what fixes them (`--fix`).
pub fn to_text(counts: &[RuleCount], command: &str) -> String {
    let count_width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for count in counts {
        let fixable = match count.fixable {
            0 => String::new(),
            n if n == count.count => "  [*] all fixable".to_string(),
            n => format!("  [*] {n} fixable"),
        };
        let line = format!(
            "{:>count_width$}  {}  {:<name_width$}{fixable}",
            count.count, count.code, count.name
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let total: usize = counts.iter().map(|c| c.count).sum();
    let fixable: usize = counts.iter().map(|c| c.fixable).sum();
    out.push_str(&format!(
        "{total} finding{} from {} rule{}",
        if total == 1 { "" } else { "s" },
        counts.len(),
        if counts.len() == 1 { "" } else { "s" }
    ));
    if fixable > 0 {
        out.push_str(&format!(", {fixable} fixable with `{command}`"));
    }
    out.push('\n');
    out
}

/// The JSON form: an array of `{"code", "name", "count", "fixable"}`.
pub fn to_json(counts: &[RuleCount]) -> String {
    serde_json::to_string_pretty(counts).expect("counts serialize")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Applicability, Label};
    use crate::document::Document;
    use crate::rules::markup::escaped_emphasis::EscapedEmphasis;
    use crate::rules::tokens::host_drift::HostDrift;

    fn report(findings: &[(bool, bool)]) -> FileReport {
        let diagnostics = findings
            .iter()
            .map(|&(host, fixable)| {
                let info = if host {
                    &HostDrift::INFO
                } else {
                    &EscapedEmphasis::INFO
                };
                let diagnostic = Diagnostic::new(info, "m", Label::target(0..1, "l"));
                if fixable {
                    diagnostic.with_fix(0..1, "x", Applicability::Safe)
                } else {
                    diagnostic
                }
            })
            .collect();
        FileReport {
            target: Arc::new(Document::new("a.md", "abc")),
            source: None,
            diagnostics,
            diff: None,
        }
    }

    #[test]
    fn tallies_merge_to_the_count_of_all_files() {
        let a = report(&[(true, false), (false, true), (false, true)]);
        let b = report(&[(true, true), (false, false)]);
        let fixable = |d: &Diagnostic| d.fix.is_some();
        let (mut first, mut second) = (Tally::default(), Tally::default());
        first.add(&a, fixable);
        second.add(&b, fixable);
        first.merge(second);
        let all = count(&[a, b], fixable);
        assert_eq!(first.counts(), all);
        assert_eq!(
            all.iter()
                .map(|c| (c.code, c.count, c.fixable))
                .collect::<Vec<_>>(),
            [("LD201", 3, 2), ("LD101", 2, 1)]
        );
        assert_eq!(
            to_text(&all, "--fix"),
            "3  LD201  escaped-emphasis  [*] 2 fixable\n2  LD101  host-drift        [*] 1 fixable\n5 findings from 2 rules, 3 fixable with `--fix`\n"
        );
    }
}
