//! The machine format, a public contract. `--format json` prints one array, `--format jsonl`
//! one object per line; each finding is exactly:
//!
//! ```json
//! {"code": "LD101", "rule": "host-drift", "severity": "error|warning|info",
//!  "message": "…", "path": "zh-cn/a.md", "line": 12, "column": 9,
//!  "end_line": 12, "end_column": 31,
//!  "source": {"path": "en-us/a.md", "line": 12, "column": 5} | null,
//!  "fix": {"replacement": "…", "applicability": "safe|unsafe"} | null}
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode scalar values. `end_*` is exclusive.
//! `source` is the first secondary label (the English the translation disagrees with), which
//! for a side-by-side file may be in the same file. `fix` replaces the primary file's text from
//! the fix's own range, which is the primary range unless the finding says otherwise.

use serde::Serialize;

use super::FileReport;
use crate::diagnostic::{Applicability, Diagnostic};

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub rule: &'a str,
    pub severity: &'a str,
    pub message: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub source: Option<JsonSource<'a>>,
    pub fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
pub struct JsonSource<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub struct JsonFix<'a> {
    pub replacement: &'a str,
    pub applicability: &'a str,
}

/// The wire form of one finding.
pub fn finding<'a>(report: &'a FileReport, diagnostic: &'a Diagnostic) -> JsonFinding<'a> {
    let document = report.document(diagnostic.primary.file);
    let start = document.line_column(diagnostic.primary.range.start);
    let end = document.line_column(diagnostic.primary.range.end);
    let source = diagnostic.secondary.first().map(|label| {
        let document = report.document(label.file);
        let position = document.line_column(label.range.start);
        JsonSource {
            path: document.path.as_str(),
            line: position.line,
            column: position.column,
        }
    });
    JsonFinding {
        code: diagnostic.code,
        rule: diagnostic.rule,
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        path: document.path.as_str(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        source,
        fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
            replacement: &fix.replacement,
            applicability: match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            },
        }),
    }
}

/// All findings of a run as one JSON array.
pub fn to_array(reports: &[FileReport]) -> String {
    let mut out = ArrayWriter::default();
    let mut bytes = Vec::new();
    for report in reports {
        out.write(&array_elements(report), &mut bytes)
            .expect("writing to memory");
    }
    out.finish(&mut bytes).expect("writing to memory");
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// The findings of one file as elements of the pretty-printed array of [`to_array`], separated
/// by `,\n` and without the brackets; empty when the file has none.
pub fn array_elements(report: &FileReport) -> Vec<u8> {
    let mut out = Vec::new();
    // One buffer for every finding of the file: a new string per finding and the growth of
    // the output were a tenth of the JSON format's cost.
    let mut pretty = Vec::new();
    for diagnostic in &report.diagnostics {
        if !out.is_empty() {
            out.extend_from_slice(b",\n");
        }
        pretty.clear();
        serde_json::to_writer_pretty(&mut pretty, &finding(report, diagnostic))
            .expect("findings serialize");
        out.reserve(pretty.len() + 64);
        // An element of a pretty array is the pretty element indented one level. JSON strings
        // escape their newlines, so every line break here is structure.
        for (index, line) in pretty.split(|&b| b == b'\n').enumerate() {
            if index > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(b"  ");
            out.extend_from_slice(line);
        }
    }
    out
}

/// Writes the JSON array of a run file by file, as `serde_json::to_string_pretty` would write
/// the whole array (without a final newline).
#[derive(Debug, Default)]
pub struct ArrayWriter {
    started: bool,
}

impl ArrayWriter {
    /// Writes elements made by [`array_elements`].
    pub fn write(&mut self, elements: &[u8], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if elements.is_empty() {
            return Ok(());
        }
        out.write_all(if self.started { b",\n" } else { b"[\n" })?;
        self.started = true;
        out.write_all(elements)
    }

    /// Closes the array.
    pub fn finish(self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.started { b"\n]" } else { b"[]" })
    }
}

/// All findings of a run, one JSON object per line.
pub fn to_lines(reports: &[FileReport]) -> String {
    let bytes: Vec<u8> = reports.iter().flat_map(lines).collect();
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// The findings of one file, one JSON object per line.
pub fn lines(report: &FileReport) -> Vec<u8> {
    let mut out = Vec::new();
    for diagnostic in &report.diagnostics {
        serde_json::to_writer(&mut out, &finding(report, diagnostic)).expect("findings serialize");
        out.push(b'\n');
    }
    out
}
