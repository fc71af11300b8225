//! Output formats. Each emitter turns the reports of a run into bytes: `text` (human), `json`,
//! `sarif`, `github`, `junit` and `html`. What they need of the run (the working directory, the
//! `--fail-on` threshold) is passed in.
//!
//! Human, JSON and JSON Lines render each file's report on its own. The formats that describe
//! a whole run are [`RunWriter`]s: they render each file's part as its report arrives and keep
//! only that text (in a [`Spool`]) and counts, never the files, so a run of any size takes the
//! memory of the files in flight.

pub mod diff;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;
pub mod text;

use std::io::{self, Seek, Write};
use std::path::{Component, Path};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileSide, Severity};
use crate::document::Document;
use crate::rules::RuleInfo;

/// A format that describes a whole run, written file by file: [`RunWriter::add`] renders a
/// file's part as soon as its report arrives, and [`RunWriter::finish`] writes the whole output,
/// what depends on the whole run (totals, charts, the files not checked) around the parts.
pub trait RunWriter {
    /// Renders one checked file's part. Files come in the order of the output.
    fn add(&mut self, report: &FileReport) -> io::Result<()>;

    /// Writes the output of the run: every part added, and the files that were not checked.
    fn finish(self: Box<Self>, failures: &[Failure], out: &mut dyn Write) -> io::Result<()>;
}

/// Renders a whole run at once with a [`RunWriter`], for callers that hold the reports.
pub fn render_run(
    mut writer: Box<dyn RunWriter>,
    reports: &[FileReport],
    failures: &[Failure],
) -> String {
    let mut out = Vec::new();
    reports
        .iter()
        .try_for_each(|report| writer.add(report))
        .and_then(|()| writer.finish(failures, &mut out))
        .expect("rendering into memory does not fail");
    String::from_utf8(out).expect("the formats write UTF-8")
}

/// Text that a [`RunWriter`] has rendered and writes later: in memory up to a few megabytes,
/// then in an anonymous temporary file, which the system deletes when it is closed. The
/// findings of a large audit are hundreds of megabytes of SARIF or HTML.
pub struct Spool(tempfile::SpooledTempFile);

impl Spool {
    /// How much text stays in memory.
    const IN_MEMORY: usize = 8 << 20;

    pub fn new() -> Spool {
        Spool(tempfile::SpooledTempFile::new(Spool::IN_MEMORY))
    }

    /// Copies everything written so far to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.0.flush()?;
        self.0.rewind()?;
        io::copy(&mut self.0, out)?;
        Ok(())
    }
}

impl Default for Spool {
    fn default() -> Spool {
        Spool::new()
    }
}

impl Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A file that could not be checked (unreadable, not UTF-8, too large, a malformed
/// side-by-side file), or a folder the walk could not list. The run goes on and exits 2; the
/// formats that describe a whole run report these beside the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file, when the failure is about one.
    pub path: Option<String>,
    /// What went wrong, naming the file: `reading `a.md`: Permission denied (os error 13)`.
    pub message: String,
}

/// The findings of one checked file, with the files their labels point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub target: Arc<Document>,
    pub source: Option<Arc<Document>>,
    pub diagnostics: Vec<Diagnostic>,
    /// With `check --diff`, the unified diff of the file's fixes, printed when its turn comes.
    pub diff: Option<String>,
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

/// The paragraphs of a rule's `## What it does` section, each on one line.
pub fn what_it_does(info: &RuleInfo) -> String {
    let docs = info.markdown();
    let body = docs.split("## What it does").nth(1).unwrap_or(&docs);
    let section = body.split("\n## ").next().unwrap_or(body);
    section
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A rule's first sentence, on one line (see [`RuleInfo::summary`]).
pub fn rule_summary(info: &RuleInfo) -> String {
    info.summary()
}

/// The locale of a report's file: its front matter `ms.contentlocale`, else the nearest folder
/// named like a locale (`zh-cn`, `ja_JP`), lower-cased. `None` when neither names one.
pub fn locale_of(report: &FileReport) -> Option<String> {
    let from_front_matter = crate::markdown::frontmatter::parse(&report.target.text)
        .ok()
        .flatten()
        .and_then(|front_matter| {
            let value = front_matter
                .get("ms.contentlocale")?
                .value
                .trim()
                .to_string();
            (!value.is_empty()).then(|| value.to_ascii_lowercase())
        });
    from_front_matter.or_else(|| locale_from_path(Path::new(&report.target.path)))
}

/// The locale named by the nearest folder of a path (`zh-cn`, `ja_JP` as `ja-jp`).
pub fn locale_from_path(path: &Path) -> Option<String> {
    path.components().rev().skip(1).find_map(|component| {
        let name = component.as_os_str().to_str()?;
        let (language, region) = name.split_once(['-', '_'])?;
        let ok = language.len() == 2
            && language.chars().all(|c| c.is_ascii_alphabetic())
            && (2..=4).contains(&region.len())
            && region.chars().all(|c| c.is_ascii_alphanumeric());
        ok.then(|| name.to_ascii_lowercase().replace('_', "-"))
    })
}

/// Appends a finding's details as plain-text lines: each label in `labels` as
/// `{indent}{prefix}path:line:col: message`, then `{indent}note: …` and `{indent}help: …`.
pub(crate) fn append_details(
    out: &mut String,
    report: &FileReport,
    diagnostic: &Diagnostic,
    labels: &[crate::diagnostic::Label],
    working_dir: Option<&Path>,
    indent: &str,
    prefix: &str,
) {
    use std::fmt::Write as _;
    for label in labels {
        let document = report.document(label.file);
        let position = document.line_column(label.range.start);
        let _ = write!(
            out,
            "\n{indent}{prefix}{}:{}:{}",
            relative_path(&document.path, working_dir),
            position.line,
            position.column
        );
        if !label.message.is_empty() {
            let _ = write!(out, ": {}", label.message);
        }
    }
    for note in &diagnostic.notes {
        let _ = write!(out, "\n{indent}note: {note}");
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(out, "\n{indent}help: {help}");
    }
}

/// A file's path for CI annotations: relative to `cwd` when it lies below it, with `/`
/// separators and no `./` segments. A relative path is taken as relative to `cwd` already; an
/// absolute path outside `cwd` stays absolute.
pub fn relative_path(path: &str, cwd: Option<&Path>) -> String {
    let path = Path::new(path);
    let relative = match cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for component in relative.components() {
        match component {
            Component::RootDir => absolute = true,
            Component::Prefix(prefix) => parts.push(prefix.as_os_str().to_string_lossy().into()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|last| last != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_gives_back_what_was_written_past_its_memory() {
        let mut spool = Spool::new();
        let line: Vec<u8> = (0..=250u8).chain(*b"\n").collect();
        let lines = Spool::IN_MEMORY / line.len() + 2;
        for _ in 0..lines {
            spool.write_all(&line).unwrap();
        }
        let mut out = Vec::new();
        spool.copy_to(&mut out).unwrap();
        assert_eq!(out.len(), lines * line.len());
        assert!(out.chunks(line.len()).all(|chunk| chunk == line));
    }

    #[test]
    fn summaries_are_one_sentence_on_one_line() {
        use crate::rules::tokens::host_drift::HostDrift;
        let summary = rule_summary(&HostDrift::INFO);
        assert!(
            summary.starts_with("Reports a host name, URL host"),
            "{summary}"
        );
        assert!(summary.contains("(`domainName. contoso`)"), "{summary}");
        assert!(
            summary.ends_with("(`domainName.contoso.comto`)."),
            "{summary}"
        );
        assert!(!summary.contains('\n'));
        for rule in crate::engine::rules() {
            let summary = rule_summary(rule.info());
            assert!(!summary.is_empty() && !summary.contains('\n'), "{summary}");
        }
    }

    #[test]
    fn relative_paths() {
        let cwd = Path::new("/work/docs");
        assert_eq!(relative_path("zh-cn/a.md", Some(cwd)), "zh-cn/a.md");
        assert_eq!(relative_path("./zh-cn/./a.md", Some(cwd)), "zh-cn/a.md");
        assert_eq!(
            relative_path("/work/docs/zh-cn/a.md", Some(cwd)),
            "zh-cn/a.md"
        );
        assert_eq!(
            relative_path("/elsewhere/a.md", Some(cwd)),
            "/elsewhere/a.md"
        );
        assert_eq!(relative_path("../x/a.md", Some(cwd)), "../x/a.md");
        assert_eq!(relative_path("zh-cn/../ja-jp/a.md", None), "ja-jp/a.md");
    }

    #[test]
    fn locales_from_front_matter_then_folder() {
        let report = |path: &str, text: &str| FileReport {
            target: Arc::new(Document::new(path, text)),
            source: None,
            diagnostics: Vec::new(),
            diff: None,
        };
        let with_meta = report("docs/a.md", "---\nms.contentlocale: zh-TW\n---\n# x\n");
        assert_eq!(locale_of(&with_meta).as_deref(), Some("zh-tw"));
        let by_folder = report("docs/ja_JP/sub/a.md", "# x\n");
        assert_eq!(locale_of(&by_folder).as_deref(), Some("ja-jp"));
        assert_eq!(locale_of(&report("docs/a.md", "# x\n")), None);
    }
}
