//! `--format html`: one self-contained page for batch audits. Inline CSS, no scripts, no
//! fonts, images or styles fetched from anywhere, so the file can be attached to a CI run or
//! mailed and opened offline.
//!
//! The page has: the totals; findings per locale and per rule as bar charts (stacked by
//! severity, drawn with CSS); the files with the most findings; and every finding of every
//! file, with the line it points at (the span highlighted, the line shortened around it), the
//! English it is compared with, notes, help and fix. Files are collapsible `<details>`
//! elements, open by default. Every piece of text from the checked files is HTML-escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{
    Failure, FileReport, RunWriter, Spool, Totals, locale_of, relative_path, render_run,
    rule_summary,
};
use crate::diagnostic::{Applicability, Diagnostic, Label, Severity};
use crate::document::{Document, ceil_char_boundary, floor_char_boundary};
use crate::rules::registry;

/// How many characters of a line a snippet shows on either side of the span.
const CONTEXT_CHARS: usize = 60;
/// How many characters of the span itself a snippet shows.
const SPAN_CHARS: usize = 240;
/// How many files the "most findings" table lists.
const WORST_FILES: usize = 10;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a message and shows its `backticked` parts as code, as a terminal user reads them.
fn message_html(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    // An odd number of backticks: not code spans, show the text as it is.
    if parts.len().is_multiple_of(2) {
        return escape(text);
    }
    let mut html = String::new();
    for (index, part) in parts.iter().enumerate() {
        if index % 2 == 1 {
            let _ = write!(html, "<code>{}</code>", escape(part));
        } else {
            html.push_str(&escape(part));
        }
    }
    html
}

/// A note, with a word diff (`[-old-]{+new+}`) shown as struck-out and inserted text.
fn note_html(note: &str) -> String {
    let Some(diff) = note.strip_prefix("word diff: ") else {
        return message_html(note);
    };
    let mut html = String::from("word diff: <span class=\"mono\">");
    let mut rest = diff;
    while !rest.is_empty() {
        let next = [("[-", "-]", "del"), ("{+", "+}", "ins")]
            .into_iter()
            .filter_map(|(open, close, tag)| {
                let start = rest.find(open)?;
                let end = rest[start + 2..].find(close)? + start + 2;
                Some((start, end, close.len(), tag))
            })
            .min_by_key(|&(start, ..)| start);
        let Some((start, end, close_len, tag)) = next else {
            html.push_str(&escape(rest));
            break;
        };
        html.push_str(&escape(&rest[..start]));
        let _ = write!(html, "<{tag}>{}</{tag}>", escape(&rest[start + 2..end]));
        rest = &rest[end + close_len..];
    }
    html.push_str("</span>");
    html
}

/// Counts by severity.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }

    fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for diagnostic in diagnostics {
            counts.add(diagnostic.severity);
        }
        counts
    }

    /// `2 errors, 1 warning`, or `no findings`.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if self.errors > 0 {
            parts.push(plural(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        if self.infos > 0 {
            parts.push(format!("{} info", self.infos));
        }
        if parts.is_empty() {
            "no findings".into()
        } else {
            parts.join(", ")
        }
    }
}

const STYLE: &str = r#"
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1f2328; --muted: #59636e; --border: #d8dee4;
  --error: #cf222e; --warning: #bf8700; --info: #0969da; --mark: #ffebe9; --mark-border: #cf222e;
  --source-mark: #ddf4ff; --source-border: #0969da; --code-bg: #f6f8fa; --track: #eef1f4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #9198a1; --border: #30363d;
    --error: #f85149; --warning: #d29922; --info: #4493f8; --mark: #5a1e1e; --mark-border: #f85149;
    --source-mark: #0c2d6b; --source-border: #4493f8; --code-bg: #0d1117; --track: #21262d;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text); line-height: 1.5; font-size: 15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
    "PingFang SC", "Hiragino Sans", "Microsoft YaHei", "Yu Gothic", sans-serif;
}
main { max-width: 1200px; margin: 0 auto; padding: 24px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 19px; margin: 32px 0 12px; }
code, pre, .mono {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC",
    monospace;
  font-size: 13px;
}
a { color: var(--info); text-decoration: none; }
.message code, .notes code { background: var(--code-bg); border: 1px solid var(--border);
  border-radius: 4px; padding: 0 4px; }
a:hover { text-decoration: underline; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
  margin-top: 20px; }
.tile { background: var(--panel); border: 1px solid var(--border); border-radius: 8px;
  padding: 12px 16px; }
.tile .n { font-size: 28px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .l { color: var(--muted); font-size: 13px; }
.tile.error .n { color: var(--error); } .tile.warning .n { color: var(--warning); }
.tile.info .n { color: var(--info); } .tile.zero .n { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 8px;
  padding: 16px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px;
  margin-top: 16px; align-items: start; }
.charts h2 { margin-top: 0; }
.chart { display: grid; grid-template-columns: minmax(120px, max-content) 1fr 3.5em; gap: 6px 12px;
  align-items: center; }
.chart .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.chart .label small { color: var(--muted); }
.chart .count { text-align: right; font-variant-numeric: tabular-nums; }
.track { background: var(--track); border-radius: 4px; height: 14px; overflow: hidden; }
.bar { display: flex; height: 100%; border-radius: 4px; overflow: hidden; }
.bar span { display: block; height: 100%; }
.bar .error, .legend .error::before { background: var(--error); }
.bar .warning, .legend .warning::before { background: var(--warning); }
.bar .info, .legend .info::before { background: var(--info); }
.legend { display: flex; gap: 16px; color: var(--muted); font-size: 13px; margin-top: 12px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px;
  border-radius: 2px; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; background: var(--panel);
  border: 1px solid var(--border); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--border); }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: none; }
td.e { color: var(--error); } td.w { color: var(--warning); } td.i { color: var(--info); }
details.file { background: var(--panel); border: 1px solid var(--border); border-radius: 8px;
  margin-bottom: 16px; }
details.file > summary { cursor: pointer; padding: 12px 16px; display: flex; flex-wrap: wrap;
  gap: 4px 12px; align-items: baseline; border-bottom: 1px solid var(--border); }
details.file:not([open]) > summary { border-bottom: none; }
details.file > summary .path { font-weight: 600; }
details.file > summary .meta { color: var(--muted); font-size: 13px; }
.finding { padding: 12px 16px; border-bottom: 1px solid var(--border); }
.finding:last-child { border-bottom: none; }
.finding .head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.badge { font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; color: #fff;
  text-transform: uppercase; letter-spacing: .02em; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); }
.code { font-weight: 600; }
.message { flex-basis: 100%; }
.loc { color: var(--muted); font-size: 13px; }
.snippet { margin: 8px 0 0; background: var(--code-bg); border: 1px solid var(--border);
  border-radius: 6px; padding: 6px 0; overflow-x: auto; }
.snippet .line { display: grid; grid-template-columns: 4.5em 1fr; }
.snippet .ln { color: var(--muted); text-align: right; padding-right: 12px; user-select: none; }
.snippet .text { white-space: pre-wrap; overflow-wrap: anywhere; padding-right: 12px; }
.snippet .caption { color: var(--muted); font-size: 12px; padding: 0 12px 4px; }
.snippet .caption .what { font-style: italic; }
mark { background: var(--mark); color: inherit; border-bottom: 2px solid var(--mark-border);
  border-radius: 2px; }
.source mark { background: var(--source-mark); border-bottom-color: var(--source-border); }
mark.empty { display: inline-block; width: 0; height: 1.2em; vertical-align: text-bottom;
  border-left: 2px solid var(--mark-border); border-bottom: none; }
.cut { color: var(--muted); }
.notes { margin: 8px 0 0; padding-left: 20px; font-size: 14px; }
.notes li { margin: 2px 0; }
.notes .kind { font-weight: 600; }
del { background: var(--mark); text-decoration: line-through; }
ins { background: #dafbe1; text-decoration: none; }
del + ins { margin-left: 6px; }
@media (prefers-color-scheme: dark) { ins { background: #033a16; } }
.clean { color: var(--muted); margin-top: 32px; }
.clean > summary { cursor: pointer; }
.clean ul { columns: 2 320px; margin: 8px 0 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 13px; }
"#;

/// A stacked bar of a count, scaled to `max`.
fn bar(counts: Counts, max: usize) -> String {
    let total = counts.total();
    let width = if max == 0 {
        0.0
    } else {
        total as f64 * 100.0 / max as f64
    };
    let mut segments = String::new();
    for (count, class) in [
        (counts.errors, "error"),
        (counts.warnings, "warning"),
        (counts.infos, "info"),
    ] {
        if count > 0 {
            let _ = write!(
                segments,
                "<span class=\"{class}\" style=\"flex: {count} 0 0\"></span>"
            );
        }
    }
    format!(
        "<div class=\"track\" title=\"{}\"><div class=\"bar\" style=\"width: {width:.1}%\">{segments}</div></div>",
        escape(&counts.describe())
    )
}

fn legend() -> &'static str {
    "<div class=\"legend\"><span class=\"error\">error</span><span class=\"warning\">warning</span>\
     <span class=\"info\">info</span></div>"
}

/// Collapses every run of three or more spaces or tabs into two spaces.
fn squeeze_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for c in text.chars() {
        if c == ' ' || c == '\t' {
            run += 1;
            if run <= 2 {
                out.push(' ');
            }
        } else {
            run = 0;
            out.push(c);
        }
    }
    out
}

/// The part of `range` on its first line, and the line around it cut to a readable width.
fn snippet(document: &Document, range: Range<usize>, caption: &str, class: &str) -> String {
    let text = &document.text;
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let end = ceil_char_boundary(text, range.end.max(start));
    let line_index = document.line_index(start);
    let line = document.line_range(line_index);
    let mark_end = end.min(line.end).max(start);

    let before = &text[line.start..start.min(line.end).max(line.start)];
    let marked = &text[start.min(mark_end)..mark_end];
    let after = &text[mark_end..line.end.max(mark_end)];

    // Side-by-side files pad lines with long runs of spaces; in the context around a span they
    // would only push the text out of view.
    let (before, after) = (squeeze_spaces(before), squeeze_spaces(after));
    let (before, after) = (before.as_str(), after.as_str());
    let before_chars = before.chars().count();
    let (before, cut_before) = if before_chars > CONTEXT_CHARS {
        let skip = before_chars - CONTEXT_CHARS;
        (before.chars().skip(skip).collect::<String>(), true)
    } else {
        (before.to_string(), false)
    };
    let (marked, cut_marked) = if marked.chars().count() > SPAN_CHARS {
        (marked.chars().take(SPAN_CHARS).collect::<String>(), true)
    } else {
        (marked.to_string(), false)
    };
    let (after, cut_after) = if after.chars().count() > CONTEXT_CHARS {
        (after.chars().take(CONTEXT_CHARS).collect::<String>(), true)
    } else {
        (after.to_string(), false)
    };
    let more_lines = if end > line.end {
        document.line_index(end.saturating_sub(1).max(start)) - line_index
    } else {
        0
    };

    let mut html = format!("<div class=\"snippet {class}\">");
    if !caption.is_empty() {
        let _ = write!(html, "<div class=\"caption\">{caption}</div>");
    }
    let _ = write!(
        html,
        "<div class=\"line\"><span class=\"ln mono\">{}</span><span class=\"text mono\">",
        line_index + 1
    );
    if cut_before {
        html.push_str("<span class=\"cut\">…</span>");
    }
    html.push_str(&escape(&before));
    if marked.is_empty() {
        html.push_str("<mark class=\"empty\"></mark>");
    } else {
        let _ = write!(html, "<mark>{}</mark>", escape(&marked));
    }
    if cut_marked {
        html.push_str("<span class=\"cut\">…</span>");
    }
    html.push_str(&escape(&after));
    if cut_after {
        html.push_str("<span class=\"cut\">…</span>");
    }
    if more_lines > 0 {
        let _ = write!(
            html,
            " <span class=\"cut\">(+{more_lines} more line{})</span>",
            if more_lines == 1 { "" } else { "s" }
        );
    }
    html.push_str("</span></div></div>");
    html
}

fn label_caption(document: &Document, label: &Label, working_dir: Option<&Path>) -> String {
    let position = document.line_column(label.range.start);
    let mut caption = format!(
        "<span class=\"mono\">{}:{}:{}</span>",
        escape(&relative_path(&document.path, working_dir)),
        position.line,
        position.column
    );
    if !label.message.is_empty() {
        let _ = write!(
            caption,
            " — <span class=\"what\">{}</span>",
            message_html(&label.message)
        );
    }
    caption
}

fn finding(
    out: &mut String,
    report: &FileReport,
    diagnostic: &Diagnostic,
    working_dir: Option<&Path>,
) {
    let severity = diagnostic.severity.as_str();
    let summary = registry::find(diagnostic.code)
        .map(|rule| rule_summary(rule.info()))
        .unwrap_or_default();
    let document = report.document(diagnostic.primary.file);
    let _ = writeln!(
        out,
        "<div class=\"finding\"><div class=\"head\"><span class=\"badge {severity}\">{severity}</span>\
         <span class=\"code mono\" title=\"{}\">{} {}</span><span class=\"message\">{}</span></div>",
        escape(&summary),
        escape(diagnostic.code),
        escape(diagnostic.rule),
        message_html(&diagnostic.message)
    );
    let caption = label_caption(document, &diagnostic.primary, working_dir);
    out.push_str(&snippet(
        document,
        diagnostic.primary.range.clone(),
        &caption,
        "target",
    ));
    out.push('\n');
    for label in &diagnostic.secondary {
        let document = report.document(label.file);
        let caption = label_caption(document, label, working_dir);
        out.push_str(&snippet(document, label.range.clone(), &caption, "source"));
        out.push('\n');
    }
    let mut notes = String::new();
    for note in &diagnostic.notes {
        let _ = write!(
            notes,
            "<li><span class=\"kind\">note:</span> {}</li>",
            note_html(note)
        );
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(
            notes,
            "<li><span class=\"kind\">help:</span> {}</li>",
            message_html(help)
        );
    }
    if let Some(fix) = &diagnostic.fix {
        let applicability = match fix.applicability {
            Applicability::Safe => "safe fix",
            Applicability::Unsafe => "unsafe fix",
        };
        let replaced = report
            .target
            .text
            .get(fix.range.clone())
            .unwrap_or_default();
        let _ = write!(
            notes,
            "<li><span class=\"kind\">{applicability}:</span> replace <code>{}</code> with <code>{}</code></li>",
            escape(replaced),
            escape(&fix.replacement)
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "<ul class=\"notes\">{notes}</ul>");
    }
    out.push_str("</div>\n");
}

/// The report page of a run. Paths are shown relative to `working_dir`.
/// What the page says of a checked file outside its findings.
struct FileSummary {
    path: String,
    locale: String,
    counts: Counts,
}

/// The page of a run, written file by file: each file's findings are rendered as its report
/// arrives; the totals, charts and tables that come before them are written at the end, from
/// counts and file names.
pub struct HtmlWriter {
    working_dir: Option<PathBuf>,
    totals: Totals,
    files: Vec<FileSummary>,
    /// Per rule code: counts and name.
    by_rule: BTreeMap<&'static str, (Counts, &'static str)>,
    /// The `<details>` of the files with findings, in order.
    findings: Spool,
}

impl HtmlWriter {
    pub fn new(working_dir: Option<&Path>) -> HtmlWriter {
        HtmlWriter {
            working_dir: working_dir.map(Path::to_path_buf),
            totals: Totals::default(),
            files: Vec::new(),
            by_rule: BTreeMap::new(),
            findings: Spool::new(),
        }
    }
}

impl RunWriter for HtmlWriter {
    fn add(&mut self, report: &FileReport) -> io::Result<()> {
        let working_dir = self.working_dir.as_deref();
        let index = self.files.len();
        let summary = FileSummary {
            path: relative_path(&report.target.path, working_dir),
            locale: locale_of(report).unwrap_or_else(|| "unknown".into()),
            counts: Counts::of(&report.diagnostics),
        };
        self.totals.add(report);
        for diagnostic in &report.diagnostics {
            self.by_rule
                .entry(diagnostic.code)
                .or_insert((Counts::default(), diagnostic.rule))
                .0
                .add(diagnostic.severity);
        }
        if !report.diagnostics.is_empty() {
            let source = report
                .source
                .as_ref()
                .map(|source| {
                    format!(
                        " · English: <span class=\"mono\">{}</span>",
                        escape(&relative_path(&source.path, working_dir))
                    )
                })
                .unwrap_or_default();
            let mut out = String::new();
            let _ = writeln!(
                out,
                "<details class=\"file\" id=\"file-{index}\" open><summary><span class=\"path mono\">{}</span>\
                 <span class=\"meta\">{}{source} · {}</span></summary>",
                escape(&summary.path),
                escape(&summary.locale),
                escape(&summary.counts.describe())
            );
            for diagnostic in &report.diagnostics {
                finding(&mut out, report, diagnostic, working_dir);
            }
            out.push_str("</details>\n");
            self.findings.write_all(out.as_bytes())?;
        }
        self.files.push(summary);
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        failures: &[Failure],
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let head = self.head(failures);
        out.write_all(head.as_bytes())?;
        if self.totals.errors + self.totals.warnings + self.totals.infos > 0 {
            out.write_all(b"<h2>Findings</h2>\n")?;
            self.findings.copy_to(out)?;
        }
        out.write_all(self.tail().as_bytes())
    }
}

impl HtmlWriter {
    /// Everything before the findings: totals, files not checked, charts, the worst files.
    fn head(&self, failures: &[Failure]) -> String {
        let (totals, working_dir) = (&self.totals, self.working_dir.as_deref());
        let version = env!("CARGO_PKG_VERSION");
        // Per locale: counts, files, files with findings.
        let mut by_locale: BTreeMap<&str, (Counts, usize, usize)> = BTreeMap::new();
        for file in &self.files {
            let entry = by_locale.entry(file.locale.as_str()).or_default();
            entry.1 += 1;
            if file.counts.total() > 0 {
                entry.2 += 1;
            }
            entry.0.merge(file.counts);
        }
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"locdrift {version}\">\n\
             <title>locdrift report — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            escape(&totals.summary())
        );
        let _ = writeln!(
            out,
            "<header><h1>Translation drift report</h1><p>{}{}</p></header>",
            escape(&totals.summary()),
            match failures.len() {
                0 => String::new(),
                1 => "; 1 file could not be checked".to_string(),
                n => format!("; {n} files could not be checked"),
            }
        );
        let tile = |count: usize, label: &str, class: &str| {
            // A zero is not alarming: it is drawn muted whatever its severity.
            let class = match (count, class) {
                (0, _) => " zero",
                (_, "") => "",
                (_, class) => &format!(" {class}"),
            };
            format!(
                "<div class=\"tile{class}\"><div class=\"n\">{count}</div><div class=\"l\">{label}</div></div>"
            )
        };
        let _ = writeln!(
            out,
            "<section class=\"tiles\">{}{}{}{}{}</section>",
            tile(totals.files, "files checked", ""),
            tile(totals.files_with_findings, "files with findings", ""),
            tile(totals.errors, "errors", "error"),
            tile(totals.warnings, "warnings", "warning"),
            tile(totals.infos, "info", "info"),
        );

        // Files that could not be checked come before any finding: the report is incomplete.
        if !failures.is_empty() {
            let _ = write!(
                out,
                "<h2>Not checked ({})</h2>\n<table class=\"failures\"><thead><tr><th>file</th><th>reason</th></tr></thead><tbody>\n",
                failures.len()
            );
            for failure in failures {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"mono\">{}</td><td class=\"e\">{}</td></tr>",
                    escape(
                        &failure
                            .path
                            .as_deref()
                            .map(|path| relative_path(path, working_dir))
                            .unwrap_or_default()
                    ),
                    escape(&failure.message)
                );
            }
            out.push_str("</tbody></table>\n");
        }

        if totals.errors + totals.warnings + totals.infos > 0 {
            out.push_str("<section class=\"charts\">\n<div class=\"panel\"><h2>Findings by locale</h2><div class=\"chart\">");
            let max = by_locale.values().map(|v| v.0.total()).max().unwrap_or(0);
            for (locale, (counts, files, with_findings)) in &by_locale {
                let _ = write!(
                    out,
                    "<div class=\"label\">{} <small>{with_findings}/{files} files</small></div>{}<div class=\"count\">{}</div>",
                    escape(locale),
                    bar(*counts, max),
                    counts.total()
                );
            }
            out.push_str("</div>");
            out.push_str(legend());
            out.push_str(
                "</div>\n<div class=\"panel\"><h2>Findings by rule</h2><div class=\"chart\">",
            );
            let mut rules: Vec<(&str, &(Counts, &str))> = self
                .by_rule
                .iter()
                .map(|(code, value)| (*code, value))
                .collect();
            rules.sort_by(|a, b| b.1.0.total().cmp(&a.1.0.total()).then(a.0.cmp(b.0)));
            let max = rules.first().map_or(0, |rule| rule.1.0.total());
            for (code, (counts, name)) in rules {
                let summary = registry::find(code)
                    .map(|rule| rule_summary(rule.info()))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<div class=\"label\" title=\"{}\"><span class=\"mono\">{}</span> <small>{}</small></div>{}<div class=\"count\">{}</div>",
                    escape(&summary),
                    escape(code),
                    escape(name),
                    bar(*counts, max),
                    counts.total()
                );
            }
            out.push_str("</div>");
            out.push_str(legend());
            out.push_str("</div>\n</section>\n");

            // The files with the most findings, errors first.
            let mut worst: Vec<(usize, Counts)> = self
                .files
                .iter()
                .enumerate()
                .map(|(index, file)| (index, file.counts))
                .filter(|(_, counts)| counts.total() > 0)
                .collect();
            worst.sort_by(|a, b| {
                (b.1.errors, b.1.warnings, b.1.infos)
                    .cmp(&(a.1.errors, a.1.warnings, a.1.infos))
                    .then(a.0.cmp(&b.0))
            });
            let shown = worst.len().min(WORST_FILES);
            let _ = write!(
                out,
                "<h2>{}</h2>\n<table><thead><tr><th>file</th><th>locale</th><th class=\"num\">errors</th>\
                 <th class=\"num\">warnings</th><th class=\"num\">info</th><th style=\"width: 30%\"></th></tr></thead><tbody>\n",
                if worst.len() > WORST_FILES {
                    format!("The {WORST_FILES} files with the most findings")
                } else {
                    "Files with findings".to_string()
                }
            );
            let max = worst.first().map_or(0, |(_, counts)| counts.total());
            for (index, counts) in worst.iter().take(shown) {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"mono\"><a href=\"#file-{index}\">{}</a></td><td>{}</td>\
                     <td class=\"num e\">{}</td><td class=\"num w\">{}</td><td class=\"num i\">{}</td><td>{}</td></tr>",
                    escape(&self.files[*index].path),
                    escape(&self.files[*index].locale),
                    counts.errors,
                    counts.warnings,
                    counts.infos,
                    bar(*counts, max)
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out
    }

    /// Everything after the findings: the files without findings, the footer.
    fn tail(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        let mut out = String::new();
        let clean: Vec<&FileSummary> = self
            .files
            .iter()
            .filter(|file| file.counts.total() == 0)
            .collect();
        if !clean.is_empty() {
            let _ = write!(
                out,
                "<details class=\"clean\"{}><summary><h2 style=\"display: inline\">Files without findings ({})</h2></summary><ul>",
                // Open when there is nothing else to read.
                if self.totals.files_with_findings == 0 {
                    " open"
                } else {
                    ""
                },
                clean.len()
            );
            for file in clean {
                let _ = write!(
                    out,
                    "<li><span class=\"mono\">{}</span> <small>{}</small></li>",
                    escape(&file.path),
                    escape(&file.locale)
                );
            }
            out.push_str("</ul></details>\n");
        }
        let _ = write!(
            out,
            "<footer>Made by locdrift {version}. <code>locdrift explain CODE</code> explains a rule.</footer>\n\
             </main>\n</body>\n</html>\n"
        );
        out
    }
}

/// The page of a run. Paths are made relative to `working_dir`.
pub fn render(reports: &[FileReport], failures: &[Failure], working_dir: Option<&Path>) -> String {
    render_run(Box::new(HtmlWriter::new(working_dir)), reports, failures)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::rules::tokens::host_drift::HostDrift;

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            message_html("host `<a>` differs from `b`"),
            "host <code>&lt;a&gt;</code> differs from <code>b</code>"
        );
        assert_eq!(message_html("one ` tick"), "one ` tick");
    }

    #[test]
    fn word_diffs_are_struck_out_and_inserted() {
        assert_eq!(
            note_html("word diff: a [-Office 365-]{+Microsoft <365>+} b"),
            "word diff: <span class=\"mono\">a <del>Office 365</del><ins>Microsoft &lt;365&gt;</ins> b</span>"
        );
        assert_eq!(note_html("plain `x`"), "plain <code>x</code>");
    }

    proptest::proptest! {
        /// Escaped text has no markup characters left, and unescapes to itself.
        #[test]
        fn escaping_round_trips(text in "[\\PC&<>\"';#]{0,40}") {
            let escaped = escape(&text);
            proptest::prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
            let unescaped = escaped
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            proptest::prop_assert_eq!(unescaped, text);
        }

        /// A snippet of any span in any text is well-nested: one `<mark>`, balanced spans.
        #[test]
        fn snippets_are_well_nested(
            text in "[a-z网络 <>&\n]{0,60}",
            a in 0usize..80,
            b in 0usize..80,
        ) {
            let document = Document::new("a.md", text.clone());
            let (start, end) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
            let html = snippet(&document, start..end, "", "t");
            proptest::prop_assert_eq!(html.matches("<mark").count(), 1);
            proptest::prop_assert_eq!(html.matches("<span").count(), html.matches("</span>").count());
            proptest::prop_assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>&\"'</script>"),
            "&lt;script&gt;&amp;&quot;&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn snippet_highlights_the_span_in_cjk_text() {
        let document = Document::new("a.md", "# 标题\n\n连接到 <x.example.com> 的端口\n");
        let start = document.text.find("<x").unwrap();
        let html = snippet(
            &document,
            start..start + "<x.example.com>".len(),
            "",
            "target",
        );
        assert!(
            html.contains("连接到 <mark>&lt;x.example.com&gt;</mark> 的端口"),
            "{html}"
        );
        assert!(html.contains("<span class=\"ln mono\">3</span>"), "{html}");
    }

    #[test]
    fn snippet_cuts_long_lines_around_the_span() {
        let line = format!("{}目标{}", "长".repeat(100), "尾".repeat(100));
        let document = Document::new("a.md", line.clone());
        let start = line.find("目标").unwrap();
        let html = snippet(&document, start..start + "目标".len(), "", "target");
        assert!(html.contains(&format!(
            "<span class=\"cut\">…</span>{}<mark>目标</mark>{}<span class=\"cut\">…</span>",
            "长".repeat(CONTEXT_CHARS),
            "尾".repeat(CONTEXT_CHARS)
        )));
    }

    #[test]
    fn context_spaces_are_squeezed_but_not_the_span() {
        let document = Document::new("a.md", "a      <b>x    y</b>      c\n");
        let start = document.text.find("x").unwrap();
        let html = snippet(&document, start..start + "x    y".len(), "", "t");
        assert!(
            html.contains("a  &lt;b&gt;<mark>x    y</mark>&lt;/b&gt;  c"),
            "{html}"
        );
    }

    #[test]
    fn empty_and_multi_line_spans() {
        let document = Document::new("a.md", "one\ntwo\nthree\n");
        assert!(snippet(&document, 1..1, "", "t").contains("o<mark class=\"empty\"></mark>ne"));
        let html = snippet(&document, 1..10, "", "t");
        assert!(html.contains("o<mark>ne</mark> <span class=\"cut\">(+2 more lines)</span>"));
    }

    #[test]
    fn page_escapes_file_text_and_counts() {
        let text = "# x\n\n<b>a.example.com</b>\n";
        let document = Document::new("zh-cn/a.md", text);
        let start = text.find("a.example").unwrap();
        let diagnostic = Diagnostic::new(
            &HostDrift::INFO,
            "host `<b>` changed",
            Label::target(start..start + 13, "here"),
        );
        let report = FileReport {
            target: Arc::new(document),
            source: None,
            diagnostics: vec![diagnostic],
            diff: None,
        };
        let page = render(&[report], &[], None);
        assert!(page.contains("host <code>&lt;b&gt;</code> changed"));
        assert!(!page.contains("<b>"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(page.contains("zh-cn <small>1/1 files</small>"));
    }
}
