//! `check --statistics`: the counts per rule instead of the findings.

use std::io::Write;

use super::OutputFormat;
use super::fix::Fixer;
use crate::emit::FileReport;
use crate::emit::statistics;

/// Writes the counts per rule, as a table or (for the JSON formats) a JSON array. "Fixable"
/// counts the fixes `fixer`'s mode would apply.
pub fn write(
    reports: &[FileReport],
    fixer: &Fixer,
    format: OutputFormat,
    stdout: &mut dyn Write,
) -> std::io::Result<()> {
    let counts = statistics::count(reports, |d| fixer.mode().allows(d));
    match format {
        OutputFormat::Human => write!(stdout, "{}", statistics::to_text(&counts, fixer.command())),
        _ => writeln!(stdout, "{}", statistics::to_json(&counts)),
    }
}
