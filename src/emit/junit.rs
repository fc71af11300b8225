//! `--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure
//! Pipelines, CircleCI).
//!
//! One `<testsuite>` per locale (`zh-cn`; files whose locale is unknown go to `unknown`), one
//! `<testcase>` per checked file, and one `<failure>` per finding at or above the `--fail-on`
//! severity; `tests` and `failures` count files. Findings below that severity are listed in the
//! test case's `<system-out>`, so the file passes but the findings are still there to read. A
//! file that could not be checked (unreadable, not UTF-8, too large, malformed) is a test case
//! with an `<error>`, counted in `errors`; a folder the walk could not list is one too, named
//! after the message, in the `unknown` suite. There are no timestamps or durations: the output
//! of a run depends only on its input.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::{
    Failure, FileReport, RunWriter, Spool, append_details, locale_from_path, locale_of,
    relative_path, render_run,
};
use crate::diagnostic::{Diagnostic, Severity};

/// Escapes text for XML element content. Characters XML 1.0 does not allow at all (most C0
/// controls, U+FFFE, U+FFFF) are written as `\u{…}` so the document stays well-formed, and
/// `\r` as `&#13;`, which a parser would otherwise turn into `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an XML attribute value: as [`escape`], and tabs and line breaks as
/// character references, which attribute-value normalisation would turn into spaces.
pub fn escape_attribute(text: &str) -> String {
    escape(text).replace('\t', "&#9;").replace('\n', "&#10;")
}

/// One finding as plain text: `path:line:col: severity[CODE rule]: message`, then its source
/// location, notes and help.
fn describe(report: &FileReport, diagnostic: &Diagnostic, working_dir: Option<&Path>) -> String {
    let document = report.document(diagnostic.primary.file);
    let start = document.line_column(diagnostic.primary.range.start);
    let mut text = format!(
        "{}:{}:{}: {}[{} {}]: {}",
        relative_path(&document.path, working_dir),
        start.line,
        start.column,
        diagnostic.severity.as_str(),
        diagnostic.code,
        diagnostic.rule,
        diagnostic.message
    );
    append_details(
        &mut text,
        report,
        diagnostic,
        &diagnostic.secondary,
        working_dir,
        "  ",
        "source: ",
    );
    text
}

/// One locale's test cases so far.
#[derive(Default)]
struct Suite {
    /// Checked files.
    files: usize,
    /// Checked files with a finding at or above the threshold.
    failed_files: usize,
    /// Their `<testcase>` elements.
    cases: Spool,
}

/// The JUnit report of a run, written file by file: one suite per locale, each file's test
/// case rendered as its report arrives.
pub struct JunitWriter {
    /// The lowest severity that fails a test case; `None` (`--fail-on never`) fails none.
    fail_on: Option<Severity>,
    working_dir: Option<PathBuf>,
    suites: BTreeMap<String, Suite>,
}

impl JunitWriter {
    pub fn new(fail_on: Option<Severity>, working_dir: Option<&Path>) -> JunitWriter {
        JunitWriter {
            fail_on,
            working_dir: working_dir.map(Path::to_path_buf),
            suites: BTreeMap::new(),
        }
    }

    fn fails(&self, severity: Severity) -> bool {
        self.fail_on.is_some_and(|threshold| severity >= threshold)
    }

    /// A file's `<testcase>` element.
    fn case(&self, report: &FileReport, locale: &str) -> String {
        let working_dir = self.working_dir.as_deref();
        let mut out = String::new();
        let path = relative_path(&report.target.path, working_dir);
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"locdrift.{}\" file=\"{}\"",
            escape_attribute(&path),
            escape_attribute(locale),
            escape_attribute(&path)
        );
        if report.diagnostics.is_empty() {
            out.push_str("/>\n");
            return out;
        }
        out.push_str(">\n");
        let mut below = Vec::new();
        for diagnostic in &report.diagnostics {
            if !self.fails(diagnostic.severity) {
                below.push(describe(report, diagnostic, working_dir));
                continue;
            }
            let document = report.document(diagnostic.primary.file);
            let start = document.line_column(diagnostic.primary.range.start);
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape_attribute(&format!(
                    "line {}, column {}: {}",
                    start.line, start.column, diagnostic.message
                )),
                escape_attribute(&format!("{} {}", diagnostic.code, diagnostic.rule)),
                escape(&describe(report, diagnostic, working_dir))
            );
        }
        if !below.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&below.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
        out
    }
}

impl RunWriter for JunitWriter {
    fn add(&mut self, report: &FileReport) -> io::Result<()> {
        let locale = locale_of(report).unwrap_or_else(|| "unknown".into());
        let case = self.case(report, &locale);
        let failed = report.diagnostics.iter().any(|d| self.fails(d.severity));
        let suite = self.suites.entry(locale).or_default();
        suite.files += 1;
        suite.failed_files += usize::from(failed);
        suite.cases.write_all(case.as_bytes())
    }

    fn finish(
        mut self: Box<Self>,
        failures: &[Failure],
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let mut not_checked: BTreeMap<String, Vec<&Failure>> = BTreeMap::new();
        for failure in failures {
            let locale = failure
                .path
                .as_deref()
                .and_then(|path| locale_from_path(Path::new(path)))
                .unwrap_or_else(|| "unknown".into());
            self.suites.entry(locale.clone()).or_default();
            not_checked.entry(locale).or_default().push(failure);
        }
        let files: usize = self.suites.values().map(|suite| suite.files).sum();
        let failed_files: usize = self.suites.values().map(|suite| suite.failed_files).sum();
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        writeln!(
            out,
            "<testsuites name=\"locdrift\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            files + failures.len(),
            failed_files,
            failures.len()
        )?;
        for (locale, suite) in &mut self.suites {
            let failures = not_checked.remove(locale.as_str()).unwrap_or_default();
            writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">",
                escape_attribute(locale),
                suite.files + failures.len(),
                suite.failed_files,
                failures.len()
            )?;
            for failure in failures {
                let name = failure.path.as_deref().map_or_else(
                    || failure.message.clone(),
                    |path| relative_path(path, self.working_dir.as_deref()),
                );
                write!(
                    out,
                    "    <testcase name=\"{}\" classname=\"locdrift.{}\"",
                    escape_attribute(&name),
                    escape_attribute(locale),
                )?;
                if failure.path.is_some() {
                    write!(out, " file=\"{}\"", escape_attribute(&name))?;
                }
                writeln!(
                    out,
                    ">\n      <error message=\"{}\" type=\"not checked\"/>\n    </testcase>",
                    escape_attribute(&failure.message)
                )?;
            }
            suite.cases.copy_to(out)?;
            out.write_all(b"  </testsuite>\n")?;
        }
        out.write_all(b"</testsuites>\n")
    }
}

/// The JUnit report of a run. `fail_on` is the lowest severity that fails a test case; `None`
/// (`--fail-on never`) fails none.
pub fn render(
    reports: &[FileReport],
    failures: &[Failure],
    fail_on: Option<Severity>,
    working_dir: Option<&Path>,
) -> String {
    render_run(
        Box::new(JunitWriter::new(fail_on, working_dir)),
        reports,
        failures,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `<a v="ATTRIBUTE">CONTENT</a>` with quick-xml; returns the attribute value and
    /// the text content as an XML reader sees them.
    fn parse(attribute: &str, content: &str) -> (String, String) {
        use quick_xml::events::Event;
        let xml = format!("<a v=\"{attribute}\">{content}</a>");
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut value, mut text) = (String::new(), String::new());
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Start(element) => {
                    let attribute = element.attributes().next().unwrap().unwrap();
                    value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned();
                }
                Event::Text(part) => text.push_str(&part.xml10_content()),
                Event::GeneralRef(reference) => {
                    if let Some(c) = reference.resolve_char_ref().unwrap() {
                        text.push(c);
                    } else {
                        let name = reference.xml10_content();
                        text.push_str(match name.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("undefined entity {other}"),
                        });
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        (value, text)
    }

    proptest::proptest! {
        /// Any text without forbidden control characters survives escaping, in an attribute
        /// and in content, exactly.
        #[test]
        fn escaping_round_trips(text in "[\\PC\t\n\r&<>\"'\u{3000}-\u{9fff}]{0,40}") {
            let (value, content) = parse(&escape_attribute(&text), &escape(&text));
            proptest::prop_assert_eq!(&value, &text);
            proptest::prop_assert_eq!(&content, &text);
        }
    }

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b\u{b}c\td"), "a\\u{1}b\\u{b}c\td");
        assert_eq!(escape("网络"), "网络");
        assert_eq!(escape("a\r\nb"), "a&#13;\nb");
        assert_eq!(escape_attribute("a\r\n\tb"), "a&#13;&#10;&#9;b");
    }
}
