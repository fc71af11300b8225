//! The human format: rustc-style diagnostics rendered by codespan-reporting.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor::WriteColor};

use super::FileReport;
use crate::diagnostic::{Applicability, FileSide, Severity};

fn severity(severity: Severity) -> CsSeverity {
    match severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// Renders one file's findings.
pub fn render(report: &FileReport, writer: &mut dyn WriteColor) -> std::io::Result<()> {
    if report.diagnostics.is_empty() {
        return Ok(());
    }
    let mut files = SimpleFiles::new();
    let target = files.add(report.target.path.clone(), report.target.text.as_str());
    let source = report
        .source
        .as_ref()
        .map(|source| files.add(source.path.clone(), source.text.as_str()));
    let file_id = |side: FileSide| match side {
        FileSide::Target => target,
        FileSide::Source => source.unwrap_or(target),
    };
    let config = Config::default();
    for diagnostic in &report.diagnostics {
        let mut labels = vec![
            CsLabel::primary(
                file_id(diagnostic.primary.file),
                diagnostic.primary.range.clone(),
            )
            .with_message(diagnostic.primary.message.clone()),
        ];
        for label in &diagnostic.secondary {
            labels.push(
                CsLabel::secondary(file_id(label.file), label.range.clone())
                    .with_message(label.message.clone()),
            );
        }
        let mut notes: Vec<String> = diagnostic
            .notes
            .iter()
            .map(|note| format!("note: {note}"))
            .collect();
        if let Some(help) = &diagnostic.help {
            let suffix = match &diagnostic.fix {
                Some(fix) if fix.applicability == Applicability::Safe => " (fixable)",
                _ => "",
            };
            notes.push(format!("help: {help}{suffix}"));
        }
        let rendered = CsDiagnostic::new(severity(diagnostic.severity))
            .with_code(diagnostic.code)
            .with_message(&diagnostic.message)
            .with_labels(labels)
            .with_notes(notes);
        term::emit_to_write_style(writer, &config, &files, &rendered)
            .map_err(|error| std::io::Error::other(error.to_string()))?;
    }
    Ok(())
}
