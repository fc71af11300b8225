//! The machine format, a public contract. `--format json` prints one array, `--format jsonl`
//! one object per line; each finding is exactly:
//!
//! ```json
//! {"code": "LD101", "rule": "host-drift", "severity": "error|warning|info",
//!  "message": "…", "path": "zh-cn/a.md", "line": 12, "column": 9,
//!  "end_line": 12, "end_column": 31,
//!  "source": {"path": "en-us/a.md", "line": 12, "column": 5} | null,
//!  "fix": {"replacement": "…", "applicability": "safe|unsafe",
//!          "line": 12, "column": 9, "end_line": 12, "end_column": 31} | null}
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode scalar values. `end_*` is exclusive.
//! `source` is the first secondary label (the English the translation disagrees with), which
//! for a side-by-side file may be in the same file. `fix` replaces the text of the finding's file
//! from its own `line`/`column` to its `end_line`/`end_column`, which are often the finding's
//! but not always: a link split by a space is reported whole and fixed by deleting the space.

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
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
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
        fix: diagnostic.fix.as_ref().map(|fix| {
            let start = document.line_column(fix.range.start);
            let end = document.line_column(fix.range.end);
            JsonFix {
                replacement: &fix.replacement,
                applicability: match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                },
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
            }
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
    write_array_elements(report, &mut out);
    out
}

/// Appends [`array_elements`] to `out`, so that a caller can reuse one buffer for every file.
pub fn write_array_elements(report: &FileReport, out: &mut Vec<u8>) {
    for (index, diagnostic) in report.diagnostics.iter().enumerate() {
        if index > 0 {
            out.extend_from_slice(b",\n");
        }
        write_element(&finding(report, diagnostic), out);
    }
}

/// Appends one finding as an element of the pretty-printed array: byte for byte what
/// `serde_json::to_writer_pretty` writes for it, indented one level. Written by hand because the
/// layout is fixed: serde's writer escapes every string a byte at a time (keys included) and
/// its output then had to be copied line by line to indent it, most of the JSON format's cost.
fn write_element(finding: &JsonFinding, out: &mut Vec<u8>) {
    // What comes before a key: the line break and indent of a finding's fields and of the
    // fields of its `source` and `fix` objects, after the opening brace or after a comma.
    const FIRST: &[u8] = b"\n    ";
    const NEXT: &[u8] = b",\n    ";
    const NESTED_FIRST: &[u8] = b"\n      ";
    const NESTED_NEXT: &[u8] = b",\n      ";
    out.extend_from_slice(b"  {");
    write_key(out, FIRST, "code");
    write_str(out, finding.code);
    for (key, value) in [
        ("rule", finding.rule),
        ("severity", finding.severity),
        ("message", finding.message),
        ("path", finding.path),
    ] {
        write_key(out, NEXT, key);
        write_str(out, value);
    }
    for (key, value) in [
        ("line", finding.line),
        ("column", finding.column),
        ("end_line", finding.end_line),
        ("end_column", finding.end_column),
    ] {
        write_key(out, NEXT, key);
        write_number(out, value);
    }
    write_key(out, NEXT, "source");
    match &finding.source {
        Some(source) => {
            out.push(b'{');
            write_key(out, NESTED_FIRST, "path");
            write_str(out, source.path);
            write_key(out, NESTED_NEXT, "line");
            write_number(out, source.line);
            write_key(out, NESTED_NEXT, "column");
            write_number(out, source.column);
            out.extend_from_slice(b"\n    }");
        }
        None => out.extend_from_slice(b"null"),
    }
    write_key(out, NEXT, "fix");
    match &finding.fix {
        Some(fix) => {
            out.push(b'{');
            write_key(out, NESTED_FIRST, "replacement");
            write_str(out, fix.replacement);
            write_key(out, NESTED_NEXT, "applicability");
            write_str(out, fix.applicability);
            for (key, value) in [
                ("line", fix.line),
                ("column", fix.column),
                ("end_line", fix.end_line),
                ("end_column", fix.end_column),
            ] {
                write_key(out, NESTED_NEXT, key);
                write_number(out, value);
            }
            out.extend_from_slice(b"\n    }");
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b"\n  }");
}

/// Appends `separator`, then `"key": ` (keys are plain ASCII names: nothing to escape).
fn write_key(out: &mut Vec<u8>, separator: &[u8], key: &str) {
    out.extend_from_slice(separator);
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// Appends `value` as a JSON string, escaped as serde_json escapes it.
fn write_str(out: &mut Vec<u8>, value: &str) {
    // serde_json escapes exactly the control characters, `"` and `\`. Most strings have none,
    // and this test, without an early exit, runs over whole words at a time.
    let plain = value.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.reserve(value.len() + 2);
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(out, value).expect("strings serialize");
    }
}

/// Appends `value` in decimal.
fn write_number(out: &mut Vec<u8>, mut value: usize) {
    let mut digits = [0; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// How elements were written before [`write_element`], kept as its oracle: serde_json's
    /// pretty output indented one level line by line (JSON strings escape their newlines, so
    /// every line break is structure).
    fn serde_element(finding: &JsonFinding) -> Vec<u8> {
        let pretty = serde_json::to_vec_pretty(finding).expect("findings serialize");
        let mut out = Vec::new();
        for (index, line) in pretty.split(|&b| b == b'\n').enumerate() {
            if index > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(b"  ");
            out.extend_from_slice(line);
        }
        out
    }

    /// Any text, and short texts full of what JSON escapes.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), r#"[a-z"\\\x00-\x1f\x7f网😀 /]{0,12}"#]
    }

    fn number() -> impl Strategy<Value = usize> {
        prop_oneof![0..200usize, any::<usize>()]
    }

    proptest! {
        #[test]
        fn elements_are_written_as_serde_json_writes_them(
            texts in proptest::collection::vec(text(), 8),
            numbers in proptest::collection::vec(number(), 10),
            has_source: bool,
            has_fix: bool,
        ) {
            let finding = JsonFinding {
                code: &texts[0],
                rule: &texts[1],
                severity: &texts[2],
                message: &texts[3],
                path: &texts[4],
                line: numbers[0],
                column: numbers[1],
                end_line: numbers[2],
                end_column: numbers[3],
                source: has_source.then(|| JsonSource {
                    path: &texts[5],
                    line: numbers[4],
                    column: numbers[5],
                }),
                fix: has_fix.then(|| JsonFix {
                    replacement: &texts[6],
                    applicability: &texts[7],
                    line: numbers[6],
                    column: numbers[7],
                    end_line: numbers[8],
                    end_column: numbers[9],
                }),
            };
            let mut written = Vec::new();
            write_element(&finding, &mut written);
            prop_assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(serde_element(&finding)).unwrap()
            );
        }
    }
}
