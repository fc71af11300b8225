//! Findings: what a rule reports, where, and how to fix it.
//!
//! A finding is a value, not an error. Its positions are byte ranges into one of the two files
//! of a check (the translation, or the English source given with `--source`); lines and
//! columns are made only by the emitters.

use std::ops::Range;

/// How serious a finding is. Ordered, so that `--fail-on` can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which file of a check a label points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileSide {
    /// The file being checked (for a side-by-side file, its embedded English too).
    Target,
    /// The current English source given with `--source`.
    Source,
}

/// A span with a short message. Invariant: `range` lies on char boundaries of its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: FileSide,
    pub range: Range<usize>,
    pub message: String,
    /// The label shows where something absent belongs (the line of a block that lacks the
    /// source's value), so its text is not what the finding is about: see [`Label::place`].
    pub marks_place: bool,
}

impl Label {
    pub fn target(range: Range<usize>, message: impl Into<String>) -> Label {
        Label::new(FileSide::Target, range, message)
    }

    pub fn new(file: FileSide, range: Range<usize>, message: impl Into<String>) -> Label {
        Label {
            file,
            range,
            message: message.into(),
            marks_place: false,
        }
    }

    /// A label in the checked file on where something missing belongs. A finding is known
    /// from one run to the next (baselines, `--base`) by the text its label points at, unless
    /// the label marks a place: then by its message, which names what is missing, so that an
    /// edit elsewhere in the block does not make an old finding new.
    pub fn place(range: Range<usize>, message: impl Into<String>) -> Label {
        Label {
            marks_place: true,
            ..Label::target(range, message)
        }
    }
}

/// Whether a fix can be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// A replacement of one range of the checked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub range: Range<usize>,
    pub replacement: String,
    pub applicability: Applicability,
}

/// One finding. `primary` is always in the checked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` with its default severity.
    pub fn new(
        rule: &crate::rules::RuleInfo,
        message: impl Into<String>,
        primary: Label,
    ) -> Diagnostic {
        Diagnostic {
            code: rule.code,
            rule: rule.name,
            severity: rule.severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_secondary(mut self, label: Label) -> Diagnostic {
        self.secondary.push(label);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(
        mut self,
        range: Range<usize>,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Diagnostic {
        self.fix = Some(Fix {
            range,
            replacement: replacement.into(),
            applicability,
        });
        self
    }
}
