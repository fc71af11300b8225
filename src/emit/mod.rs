//! Output formats. Each emitter turns the reports of a run into bytes; only `json` derives
//! `Serialize`.

pub mod json;
pub mod text;

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileSide, Severity};
use crate::document::Document;

/// The findings of one checked file, with the files their labels point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub target: Arc<Document>,
    pub source: Option<Arc<Document>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// The document a label's side refers to.
    pub fn document(&self, side: FileSide) -> &Document {
        match side {
            FileSide::Target => &self.target,
            FileSide::Source => self.source.as_deref().unwrap_or(&self.target),
        }
    }
}

/// Counts by severity, for the closing summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files_with_findings: usize,
    pub files: usize,
}

impl Totals {
    pub fn of(reports: &[FileReport]) -> Totals {
        let mut totals = Totals::default();
        for report in reports {
            totals.add(report);
        }
        totals
    }

    /// Counts one more checked file.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        if !report.diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        for diagnostic in &report.diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// Adds the counts of another part of the run.
    pub fn merge(&mut self, other: Totals) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.files_with_findings += other.files_with_findings;
        self.files += other.files;
    }

    /// `3 errors, 5 warnings, 1 info in 4 files`, or `no findings in 4 files`.
    pub fn summary(&self) -> String {
        let plural = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        if self.infos > 0 {
            parts.push(format!("{} info", self.infos));
        }
        let files = plural(self.files, "file");
        if parts.is_empty() {
            format!("no findings in {files}")
        } else {
            format!(
                "{} in {} of {files}",
                parts.join(", "),
                self.files_with_findings
            )
        }
    }
}
