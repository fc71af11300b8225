//! The human format: rustc-style diagnostics rendered by codespan-reporting.
//!
//! Each finding is rendered from an excerpt of its files that holds only the lines its labels
//! touch; a long line (a one-line table, a side-by-side paragraph) is cut to a window around
//! its labels with `…` where text is left out, as rustc does. Line and column numbers stay
//! those of the file.

use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor::WriteColor};
use unicode_width::UnicodeWidthChar;

use super::FileReport;
use crate::diagnostic::{Applicability, FileSide, Severity};
use crate::document::Document;

/// Lines wider than this many columns are shown as a window around their labels. Columns are
/// those of a terminal, as codespan-reporting draws them: a CJK character takes two.
const LONG_LINE: usize = 160;
/// Columns shown before the first label on a long line.
const BEFORE_LABEL: usize = 40;
/// Columns shown from the first label on, at least (more if the labels reach further).
const FROM_LABEL: usize = 80;
/// Columns shown after the end of the last label.
const AFTER_LABEL: usize = 20;
/// The most columns of a long line shown.
const MAX_WINDOW: usize = 400;
/// The most columns of one label shown on a long line; a wider label is cut at the `…`.
const LONG_LABEL: usize = 100;

/// One line of an excerpt.
struct ExcerptLine {
    /// 0-based index of the line in its file.
    index: usize,
    /// The line in the excerpt's text, without its newline.
    range: Range<usize>,
    /// The bytes of the file's line that are shown.
    shown: Range<usize>,
    /// Where `shown` starts in the excerpt's text (after a leading `…`).
    content_start: usize,
}

/// The lines of one file that a finding's labels touch (and the lines right before and after
/// them, which the renderer may show), long ones cut to a window.
struct Excerpt<'d> {
    document: &'d Document,
    text: String,
    lines: Vec<ExcerptLine>,
}

/// The columns a character takes in a terminal, as codespan-reporting counts them (a tab as
/// its default tab width).
fn columns(character: char) -> usize {
    match character {
        '\t' => 4,
        _ => character.width().unwrap_or(0),
    }
}

/// `offset` moved back over at most `width` columns of characters (not before `floor`).
fn back(text: &str, offset: usize, width: usize, floor: usize) -> usize {
    let mut used = 0;
    for (at, character) in text[floor..offset].char_indices().rev() {
        used += columns(character);
        if used > width {
            return floor + at + character.len_utf8();
        }
    }
    floor
}

/// `offset` moved forward over at most `width` columns of characters (not after `ceiling`).
fn forward(text: &str, offset: usize, width: usize, ceiling: usize) -> usize {
    let mut used = 0;
    for (at, character) in text[offset..ceiling].char_indices() {
        used += columns(character);
        if used > width {
            return offset + at;
        }
    }
    ceiling
}

/// The part of a long line shown for labels whose parts on it are `parts`: from a little before
/// the first to a little after the last, at most `MAX_WINDOW` columns.
fn window(text: &str, line: &Range<usize>, parts: &[Range<usize>]) -> Range<usize> {
    let (first, last) = parts
        .iter()
        .fold((line.end, line.start), |(first, last), l| {
            (first.min(l.start), last.max(l.end))
        });
    let first = if first > last { line.start } else { first };
    let start = back(text, first, BEFORE_LABEL, line.start);
    let reach = forward(text, first, FROM_LABEL, line.end).max(last);
    let mut end =
        forward(text, reach, AFTER_LABEL, line.end).min(forward(text, start, MAX_WINDOW, line.end));
    if end < line.end {
        // No run of padding (a table's) before the `…`.
        end = start
            .max(last.min(end))
            .max(start + text[start..end].trim_end().len());
    }
    start..end
}

/// Whether a window of a line shows where a label starts (at its end: drawn after its last
/// character, as at the end of a line).
fn shows(window: &Range<usize>, label: &Range<usize>) -> bool {
    (window.start..=window.end).contains(&label.start)
}

impl<'d> Excerpt<'d> {
    fn new(document: &'d Document, labels: &[Range<usize>]) -> Excerpt<'d> {
        let text = document.text.as_str();
        let last_line = document.line_starts().len() - 1;
        let mut indices: Vec<usize> = labels
            .iter()
            .flat_map(|label| {
                let first = document.line_index(label.start).saturating_sub(1);
                let last = (document.line_index(label.end) + 1).min(last_line);
                first..=last
            })
            .collect();
        indices.sort_unstable();
        indices.dedup();
        let mut excerpt = Excerpt {
            document,
            text: String::new(),
            lines: Vec::with_capacity(indices.len()),
        };
        for index in indices {
            let line = document.line_range(index);
            let long = forward(text, line.start, LONG_LINE, line.end) < line.end;
            let shown = if long {
                // The labels' parts on this line, each cut to its first `LONG_LABEL` columns:
                // a label as wide as a side-by-side paragraph would otherwise fill the window.
                let parts: Vec<Range<usize>> = labels
                    .iter()
                    .filter(|l| l.start <= line.end && l.end >= line.start)
                    .map(|l| {
                        let start = l.start.max(line.start);
                        start..forward(text, start, LONG_LABEL, l.end.min(line.end))
                    })
                    .collect();
                let shown = window(text, &line, &parts);
                // Labels too far apart for one window: the first (the primary, when it is on
                // this line) decides, and the others are left out of the rendering.
                match parts.first() {
                    Some(first) if !shows(&shown, first) => window(text, &line, &parts[..1]),
                    _ => shown,
                }
            } else {
                line.clone()
            };
            let range_start = excerpt.text.len();
            if shown.start > line.start {
                excerpt.text.push('…');
            }
            let content_start = excerpt.text.len();
            excerpt.text.push_str(&text[shown.clone()]);
            if shown.end < line.end {
                excerpt.text.push('…');
            }
            excerpt.lines.push(ExcerptLine {
                index,
                range: range_start..excerpt.text.len(),
                shown,
                content_start,
            });
            excerpt.text.push('\n');
        }
        excerpt
    }

    /// Whether the excerpt shows where a label of the file starts.
    fn shows_label(&self, label: &Range<usize>) -> bool {
        self.line(self.document.line_index(label.start))
            .is_some_and(|line| shows(&line.shown, label))
    }

    /// The excerpt line that shows line `index` of the file.
    fn line(&self, index: usize) -> Option<&ExcerptLine> {
        self.lines
            .binary_search_by_key(&index, |line| line.index)
            .ok()
            .map(|at| &self.lines[at])
    }

    /// Where a byte offset of the file is in the excerpt; outside a window, at its edge.
    fn map(&self, offset: usize) -> usize {
        let Some(line) = self.line(self.document.line_index(offset)) else {
            return 0;
        };
        line.content_start + offset.clamp(line.shown.start, line.shown.end) - line.shown.start
    }

    /// The byte offset of the file that an excerpt offset shows.
    fn unmap(&self, offset: usize) -> usize {
        let at = self
            .lines
            .partition_point(|line| line.range.start <= offset)
            .saturating_sub(1);
        let line = &self.lines[at];
        let within = offset.clamp(line.content_start, line.content_start + line.shown.len());
        line.shown.start + within - line.content_start
    }
}

/// The excerpts of a finding's files, for codespan-reporting.
struct Excerpts<'d> {
    files: Vec<Excerpt<'d>>,
}

impl<'a> Files<'a> for Excerpts<'_> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(self.files[id].document.path.as_str())
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(self.files[id].text.as_str())
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let excerpt = &self.files[id];
        let at = excerpt
            .lines
            .partition_point(|line| line.range.start <= byte_index)
            .saturating_sub(1);
        Ok(excerpt.lines[at].index)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let excerpt = &self.files[id];
        let line = excerpt.line(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: excerpt.lines.last().map_or(0, |line| line.index),
        })?;
        Ok(line.range.start..line.range.end + 1)
    }

    fn column_number(
        &'a self,
        id: usize,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let excerpt = &self.files[id];
        Ok(excerpt
            .document
            .line_column(excerpt.unmap(byte_index))
            .column)
    }
}

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
    let config = Config::default();
    for diagnostic in &report.diagnostics {
        let all_labels = || std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
        // The file a label is in; a source label falls back to the target without a source.
        let side_of = |label: &crate::diagnostic::Label| match (label.file, &report.source) {
            (FileSide::Source, Some(_)) => FileSide::Source,
            _ => FileSide::Target,
        };
        // One excerpt per file the labels are in, in the order they first appear.
        let mut sides: Vec<FileSide> = Vec::new();
        for label in all_labels() {
            if !sides.contains(&side_of(label)) {
                sides.push(side_of(label));
            }
        }
        let id_of = |label: &crate::diagnostic::Label| {
            let side = side_of(label);
            sides.iter().position(|&s| s == side).unwrap_or(0)
        };
        let files = Excerpts {
            files: sides
                .iter()
                .map(|&side| {
                    let ranges: Vec<Range<usize>> = all_labels()
                        .filter(|label| side_of(label) == side)
                        .map(|label| label.range.clone())
                        .collect();
                    Excerpt::new(report.document(side), &ranges)
                })
                .collect(),
        };
        let excerpt_range = |label: &crate::diagnostic::Label| {
            let id = id_of(label);
            let excerpt = &files.files[id];
            (
                id,
                excerpt.map(label.range.start)..excerpt.map(label.range.end),
            )
        };
        let (id, range) = excerpt_range(&diagnostic.primary);
        let mut labels =
            vec![CsLabel::primary(id, range).with_message(diagnostic.primary.message.clone())];
        for label in &diagnostic.secondary {
            if !files.files[id_of(label)].shows_label(&label.range) {
                // On a long line, too far from the primary for one window.
                continue;
            }
            let (id, range) = excerpt_range(label);
            labels.push(CsLabel::secondary(id, range).with_message(label.message.clone()));
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use codespan_reporting::files::SimpleFiles;
    use codespan_reporting::term::termcolor::NoColor;

    use super::*;
    use crate::diagnostic::{Diagnostic, Label};
    use crate::rules::tokens::host_drift::HostDrift;

    fn rendered(report: &FileReport) -> String {
        let mut out = NoColor::new(Vec::new());
        render(report, &mut out).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    /// How findings were rendered before excerpts: from the whole files.
    fn rendered_whole(report: &FileReport) -> String {
        let mut files = SimpleFiles::new();
        let target = files.add(report.target.path.clone(), report.target.text.as_str());
        let source = report
            .source
            .as_ref()
            .map(|source| files.add(source.path.clone(), source.text.as_str()));
        let mut out = NoColor::new(Vec::new());
        for diagnostic in &report.diagnostics {
            let id = |side| match side {
                FileSide::Target => target,
                FileSide::Source => source.unwrap_or(target),
            };
            let mut labels = vec![
                CsLabel::primary(
                    id(diagnostic.primary.file),
                    diagnostic.primary.range.clone(),
                )
                .with_message(diagnostic.primary.message.clone()),
            ];
            labels.extend(diagnostic.secondary.iter().map(|label| {
                CsLabel::secondary(id(label.file), label.range.clone())
                    .with_message(label.message.clone())
            }));
            let notes = diagnostic
                .help
                .iter()
                .map(|h| format!("help: {h}"))
                .collect();
            let rendered = CsDiagnostic::new(severity(diagnostic.severity))
                .with_code(diagnostic.code)
                .with_message(&diagnostic.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(&mut out, &Config::default(), &files, &rendered).unwrap();
        }
        String::from_utf8(out.into_inner()).unwrap()
    }

    fn report(target: &str, source: &str, labels: &[(FileSide, &str, usize)]) -> FileReport {
        let label = |&(side, needle, nth): &(FileSide, &str, usize)| {
            let text = if side == FileSide::Target {
                target
            } else {
                source
            };
            let start = text.match_indices(needle).nth(nth).unwrap().0;
            Label::new(
                side,
                start..start + needle.len(),
                format!("`{needle}` here"),
            )
        };
        let mut diagnostic = Diagnostic::new(&HostDrift::INFO, "drift", label(&labels[0]))
            .with_help("write it as in the source");
        for secondary in &labels[1..] {
            diagnostic = diagnostic.with_secondary(label(secondary));
        }
        FileReport {
            target: Arc::new(Document::new("zh-cn/a.md", target)),
            source: Some(Arc::new(Document::new("en-us/a.md", source))),
            diagnostics: vec![diagnostic],
            diff: None,
        }
    }

    #[test]
    fn short_lines_render_as_from_the_whole_file() {
        let target =
            "# 标题\n\n连接到 sipdir.online.microsoft.com 的端口 443。\r\n第二行\n\n| a | b |\n";
        let source = "# Title\n\nConnect to sipdir.online.lync.com on port 443.\n";
        for labels in [
            &[(FileSide::Target, "sipdir.online.microsoft.com", 0)][..],
            &[
                (FileSide::Target, "sipdir.online.microsoft.com", 0),
                (FileSide::Source, "sipdir.online.lync.com", 0),
            ],
            &[
                (FileSide::Target, "443。\r\n第二行", 0),
                (FileSide::Target, "| a |", 0),
                (FileSide::Source, "# Title", 0),
            ],
            &[(FileSide::Target, "\n", 4)],
        ] {
            let report = report(target, source, labels);
            assert_eq!(rendered(&report), rendered_whole(&report), "{labels:?}");
        }
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_its_labels() {
        let filler = "网络配置。".repeat(2_000);
        let target =
            format!("# 标题\n\n{filler}连接到 sipdir.online.microsoft.com 的端口。{filler}\n");
        let source = format!("# Title\n\n{filler} sipdir.online.lync.com {filler}\n");
        let report = report(
            &target,
            &source,
            &[
                (FileSide::Target, "sipdir.online.microsoft.com", 0),
                (FileSide::Source, "sipdir.online.lync.com", 0),
            ],
        );
        let out = rendered(&report);
        assert!(out.len() < 2_000, "{out}");
        // The real line and column (characters, not bytes), and the label under its text.
        let column = filler.chars().count() + 5;
        assert!(
            out.contains(&format!("┌─ zh-cn/a.md:3:{column}\n")),
            "{out}"
        );
        assert!(out.contains(&format!("┌─ en-us/a.md:3:{}\n", filler.chars().count() + 2)));
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.iter().position(|l| l.starts_with("3 │ …")).unwrap();
        assert!(lines[shown].ends_with('…'), "{out}");
        let carets = lines[shown + 1];
        let caret = carets.find('^').unwrap();
        let under = |line: &str, at: usize| {
            // Display columns: every CJK character is two wide.
            let mut width = 0;
            for c in line.chars() {
                if width >= at {
                    return c;
                }
                width += if c > '\u{2e80}' { 2 } else { 1 };
            }
            ' '
        };
        let width_before = |line: &str, byte: usize| {
            line[..byte]
                .chars()
                .map(|c| if c > '\u{2e80}' { 2 } else { 1 })
                .sum::<usize>()
        };
        assert_eq!(
            under(lines[shown], width_before(carets, caret)),
            's',
            "{out}"
        );
        assert!(
            carets.ends_with("`sipdir.online.microsoft.com` here"),
            "{out}"
        );
    }

    /// The rendering of a finding whose primary label is at `first` and whose secondary is at
    /// `second`, both in `target`.
    fn rendered_first_and_second(target: &str) -> String {
        rendered(&report(
            target,
            "",
            &[
                (FileSide::Target, "first", 0),
                (FileSide::Target, "second", 0),
            ],
        ))
    }

    #[test]
    fn labels_far_apart_on_one_long_line_are_both_shown() {
        let filler = "x ".repeat(100);
        let target = format!("{filler}first {filler}second {filler}\n");
        let out = rendered_first_and_second(&target);
        assert!(out.contains("`first` here"), "{out}");
        assert!(out.contains("`second` here"), "{out}");
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert!(
            shown.contains(" first ") && shown.contains(" second "),
            "{out}"
        );
    }

    /// The widest line of a rendering, in terminal columns.
    fn widest(out: &str) -> usize {
        out.lines()
            .map(|line| line.chars().map(columns).sum::<usize>())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_cjk_line_is_long_by_its_columns_not_its_characters() {
        // 100 characters, 200 columns: wider than a terminal, though short in characters.
        let filler = "网络配置。".repeat(10);
        let target = format!("{filler}sipdir.online.microsoft.com{filler}\n");
        let report = report(
            &target,
            "",
            &[(FileSide::Target, "sipdir.online.microsoft.com", 0)],
        );
        let out = rendered(&report);
        assert!(out.contains("1 │ …"), "{out}");
        assert!(widest(&out) <= 160, "{out}");
    }

    #[test]
    fn a_label_as_wide_as_a_long_line_is_cut_at_the_window() {
        let paragraph = "没有这个名称的段落。".repeat(30);
        let target = format!("{paragraph}\n");
        let report = report(&target, "", &[(FileSide::Target, &paragraph, 0)]);
        let out = rendered(&report);
        // The line stops at a `…` and the carets with it, instead of running 600 columns.
        let shown = out.lines().find(|l| l.starts_with("1 │ 没有")).unwrap();
        assert!(shown.ends_with('…') && widest(shown) <= 140, "{out}");
        let carets = out.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(carets.matches('^').count(), 120, "{out}");
    }

    #[test]
    fn a_label_too_far_from_the_primary_for_one_window_is_left_out() {
        let filler = "x ".repeat(300);
        let target = format!("{filler}second {filler}first {filler}\n");
        let out = rendered_first_and_second(&target);
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert!(shown.contains(" first "), "{out}");
        assert!(out.contains("`first` here"), "{out}");
        // Not drawn at the edge of the window, where it would point at the wrong text.
        assert!(!out.contains("`second` here"), "{out}");
    }
}
