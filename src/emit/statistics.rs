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

/// Counts per rule, most frequent first, then by code.
pub fn count(reports: &[FileReport], fixable: impl Fn(&Diagnostic) -> bool) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = by_code.entry(diagnostic.code).or_insert(RuleCount {
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
    let mut counts: Vec<RuleCount> = by_code.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
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
