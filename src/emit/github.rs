//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the file in the pull request:
//!
//! ```text
//! ::error file=zh-cn/a.md,line=12,col=9,endLine=12,endColumn=31,title=LD101 host-drift::message
//! ```
//!
//! Errors are `::error`, warnings `::warning`, infos `::notice`. A file that could not be
//! checked (unreadable, not UTF-8, too large, malformed) comes first, as an `::error` on the
//! file titled `locdrift: file not checked`. `file` is relative to the
//! working directory (run from the repository root). Columns count Unicode code points and
//! `endColumn` is exclusive, as in every locdrift output; `col` and `endColumn` are left out
//! when a finding spans lines, since GitHub only honours them on one line. The message is the
//! finding's message, then the source location and the help on lines of their own.
//!
//! Escaping follows the runner's rules: in the message `%`, `\r` and `\n` become `%25`, `%0D`
//! and `%0A`; in properties `:` and `,` also become `%3A` and `%2C`.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::{Failure, FileReport, RunWriter, Spool, append_details, relative_path, render_run};
use crate::diagnostic::{Diagnostic, Severity};

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The workflow command of one finding, without the newline.
pub fn annotation(
    report: &FileReport,
    diagnostic: &Diagnostic,
    working_dir: Option<&Path>,
) -> String {
    let document = report.document(diagnostic.primary.file);
    let start = document.line_column(diagnostic.primary.range.start);
    let end = document.line_column(diagnostic.primary.range.end);
    let mut properties = format!(
        "file={},line={}",
        escape_property(&relative_path(&document.path, working_dir)),
        start.line
    );
    if start.line == end.line {
        let _ = write!(
            properties,
            ",col={},endLine={},endColumn={}",
            start.column, end.line, end.column
        );
    } else {
        let _ = write!(properties, ",endLine={}", end.line);
    }
    let _ = write!(
        properties,
        ",title={}",
        escape_property(&format!("{} {}", diagnostic.code, diagnostic.rule))
    );

    let mut message = diagnostic.message.clone();
    // The first label only: the annotation shows where the English is, not every label.
    let first = &diagnostic.secondary[..diagnostic.secondary.len().min(1)];
    append_details(&mut message, report, diagnostic, first, working_dir, "", "");
    format!(
        "::{} {properties}::{}",
        command(diagnostic.severity),
        escape_data(&message)
    )
}

/// Every finding of a run, one command per line; the files that could not be checked first.
pub struct GithubWriter {
    working_dir: Option<PathBuf>,
    annotations: Spool,
}

impl GithubWriter {
    pub fn new(working_dir: Option<&Path>) -> GithubWriter {
        GithubWriter {
            working_dir: working_dir.map(Path::to_path_buf),
            annotations: Spool::new(),
        }
    }
}

impl RunWriter for GithubWriter {
    fn add(&mut self, report: &FileReport) -> io::Result<()> {
        for diagnostic in &report.diagnostics {
            let line = annotation(report, diagnostic, self.working_dir.as_deref());
            writeln!(self.annotations, "{line}")?;
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        failures: &[Failure],
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        // A file that could not be checked is an error annotation on the file itself, first:
        // the runner shows only the first few annotations of a step.
        for failure in failures {
            out.write_all(b"::error ")?;
            if let Some(path) = &failure.path {
                let path = relative_path(path, self.working_dir.as_deref());
                write!(out, "file={},", escape_property(&path))?;
            }
            writeln!(
                out,
                "title={}::{}",
                escape_property("locdrift: file not checked"),
                escape_data(&failure.message)
            )?;
        }
        self.annotations.copy_to(out)
    }
}

/// Every finding of a run, one command per line.
pub fn render(reports: &[FileReport], failures: &[Failure], working_dir: Option<&Path>) -> String {
    render_run(Box::new(GithubWriter::new(working_dir)), reports, failures)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{FileSide, Label};
    use crate::document::Document;
    use crate::rules::tokens::host_drift::HostDrift;

    /// The runner's unescaping, as `actions/runner` does it: `%0D`, `%0A`, `%3A`, `%2C`, then
    /// `%25` last.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    proptest::proptest! {
        #[test]
        fn escaping_round_trips(text in "[\\PC\r\n%:,A0D]{0,40}") {
            let property = escape_property(&text);
            proptest::prop_assert!(!property.contains(['\r', '\n', ':', ',']));
            proptest::prop_assert_eq!(unescape(&property), text.clone());
            let data = escape_data(&text);
            proptest::prop_assert!(!data.contains(['\r', '\n']));
            proptest::prop_assert_eq!(unescape(&data), text);
        }
    }

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        // `%` first: an escape sequence already in the text stays literal.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn annotation_escapes_path_title_and_message() {
        let target = Document::new("zh-cn/a,b:c.md", "# 标题\n\n连接 x.example.com 100%\n");
        let source = Document::new("en-us/a.md", "# Title\n\nConnect y.example.com\n");
        let start = target.text.find('x').unwrap();
        let diagnostic = Diagnostic::new(
            &HostDrift::INFO,
            "host `y.example.com` changed:\nnow `x.example.com` (100%)",
            Label::target(start..start + "x.example.com".len(), "here"),
        )
        .with_secondary(Label::new(FileSide::Source, 17..30, "source, here"))
        .with_help("restore it");
        let report = FileReport {
            target: Arc::new(target),
            source: Some(Arc::new(source)),
            diagnostics: vec![diagnostic],
            diff: None,
        };
        let line = annotation(&report, &report.diagnostics[0], None);
        assert_eq!(
            line,
            "::error file=zh-cn/a%2Cb%3Ac.md,line=3,col=4,endLine=3,endColumn=17,\
             title=LD101 host-drift::host `y.example.com` changed:%0Anow `x.example.com` \
             (100%25)%0Aen-us/a.md:3:9: source, here%0Ahelp: restore it"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn multi_line_spans_have_no_columns() {
        let target = Document::new("a.md", "one\ntwo\n");
        let diagnostic = Diagnostic::new(&HostDrift::INFO, "m", Label::target(1..6, ""));
        let report = FileReport {
            target: Arc::new(target),
            source: None,
            diagnostics: vec![diagnostic],
            diff: None,
        };
        assert_eq!(
            annotation(&report, &report.diagnostics[0], None),
            "::error file=a.md,line=1,endLine=2,title=LD101 host-drift::m"
        );
    }
}
