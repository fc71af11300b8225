//! The human format: rustc-style diagnostics rendered by codespan-reporting.
//!
//! Each finding is rendered from an excerpt of its files that holds only the lines its labels
//! touch; a long line (a one-line table, a side-by-side paragraph) is cut to the text around
//! its labels with `…` where text is left out, as rustc does: one window, or several pieces when
//! labels are far apart (a translated segment and the English it embeds), so that every label is
//! drawn and the line fits a terminal. Line and column numbers stay those of the file.

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

/// Lines wider than this many columns are shown in pieces around their labels. Columns are
/// those of a terminal, as codespan-reporting draws them: a CJK character takes two.
const LONG_LINE: usize = 160;
/// Columns shown before the first label on a long line.
const BEFORE_LABEL: usize = 40;
/// Columns shown from the first label on, at least (more if the labels reach further).
const FROM_LABEL: usize = 80;
/// Columns shown after the end of the last label.
const AFTER_LABEL: usize = 20;
/// The most columns of a long line shown in one piece.
const MAX_WINDOW: usize = 400;
/// The most columns of one label shown on a long line; a wider label is cut at the `…`.
const LONG_LABEL: usize = 100;
/// The fewest columns of context shown either side of each piece of a line shown in several.
const CONTEXT: usize = 10;
/// Labels less than this many columns apart are shown in one piece with the text between them:
/// a `…` standing for a few characters would save nothing and hide what separates them.
const JOIN: usize = 2 * CONTEXT + 10;
/// The fewest columns of a label shown when a line is shown in several pieces.
const MIN_LABEL: usize = 10;
/// The most columns a cut moves to fall between two words rather than inside one.
const SNAP: usize = 12;

/// A stretch of a file's line that an excerpt shows.
struct Piece {
    /// The bytes of the file shown.
    shown: Range<usize>,
    /// Where `shown` starts in the excerpt's text.
    start: usize,
}

impl Piece {
    /// Whether the piece shows where a label starts (at its end: drawn after its last
    /// character, as at the end of a line).
    fn shows(&self, label: &Range<usize>) -> bool {
        (self.shown.start..=self.shown.end).contains(&label.start)
    }
}

/// One line of an excerpt.
struct ExcerptLine {
    /// 0-based index of the line in its file.
    index: usize,
    /// The line in the excerpt's text, without its newline.
    range: Range<usize>,
    /// What the excerpt shows of the file's line, in order and never empty: the whole line, or
    /// for a long line the text around its labels, with a `…` for each stretch left out.
    pieces: Vec<Piece>,
}

impl ExcerptLine {
    /// The piece that shows a byte offset of the file's line, or the last piece before it (the
    /// first piece for an offset before them all).
    fn piece_of_offset(&self, offset: usize) -> &Piece {
        let at = self
            .pieces
            .partition_point(|piece| piece.shown.start <= offset);
        &self.pieces[at.saturating_sub(1)]
    }

    /// The piece that holds an offset of the excerpt's text, or the last piece before it.
    fn piece_of_excerpt_offset(&self, offset: usize) -> &Piece {
        let at = self.pieces.partition_point(|piece| piece.start <= offset);
        &self.pieces[at.saturating_sub(1)]
    }
}

/// The lines of one file that a finding's labels touch (and the lines right before and after
/// them, which the renderer may show), long ones cut to pieces around their labels.
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

/// The columns a text takes in a terminal.
fn width(text: &str) -> usize {
    text.chars().map(columns).sum()
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

/// Whether a character is part of a word a cut should not split: a letter or digit one column
/// wide. Between two wide (CJK) characters any cut is a clean one.
fn is_word_character(character: char) -> bool {
    (character.is_alphanumeric() || character == '_') && columns(character) == 1
}

/// Whether the character at byte `at` belongs to a word: a word character, or an apostrophe or
/// hyphen between two (`user's`, `sign-in`).
fn in_word(text: &str, at: usize) -> bool {
    let mut after = text[at..].chars();
    match after.next() {
        Some(character) if is_word_character(character) => true,
        Some('\'' | '’' | '-') => {
            after.next().is_some_and(is_word_character)
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(is_word_character)
        }
        _ => false,
    }
}

/// Whether `offset` splits a word.
fn inside_word(text: &str, offset: usize) -> bool {
    let before = text[..offset].char_indices().next_back();
    before.is_some_and(|(at, _)| in_word(text, at)) && in_word(text, offset)
}

/// The start of a piece that `start` would begin inside a word: after that word and the white
/// space that follows it, when that is less than `SNAP` columns on and not past `ceiling`.
/// Shown after a `…`, the piece then begins with a whole word (`…admin center`, not
/// `…min center`).
fn snap_start(text: &str, start: usize, ceiling: usize) -> usize {
    if !inside_word(text, start) {
        return start;
    }
    let mut used = 0;
    for (at, character) in text[start..ceiling].char_indices() {
        if !in_word(text, start + at) {
            return ceiling - text[start + at..ceiling].trim_start().len();
        }
        used += columns(character);
        if used > SNAP {
            break;
        }
    }
    start
}

/// The end of a piece that `end` would cut inside a word: before that word (and the white
/// space and opening brackets before it), when that is less than `SNAP` columns back and not
/// before `floor` (`Office 365…`, not `Office 36…`); else after it, when that is less than
/// `SNAP` columns on and not past `ceiling` (`organization's…`, not `organization'…`).
fn snap_end(text: &str, end: usize, floor: usize, ceiling: usize) -> usize {
    if !inside_word(text, end) || end <= floor {
        return end;
    }
    let mut used = 0;
    for (at, character) in text[floor..end].char_indices().rev() {
        if !in_word(text, floor + at) {
            // Nor an opening bracket or quote left before the `…` (`see […`).
            let end = floor + at + character.len_utf8();
            let kept = text[floor..end].trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '[' | '(' | '<' | '{' | '"' | '\'' | '“' | '‘')
            });
            return floor + kept.len();
        }
        used += columns(character);
        if used > SNAP {
            break;
        }
    }
    // The word is too long to leave out: shown to its end when that is near.
    let mut used = 0;
    for (at, character) in text[end..ceiling].char_indices() {
        if !in_word(text, end + at) {
            return end + at;
        }
        used += columns(character);
        if used > SNAP {
            return end;
        }
    }
    if in_word(text, ceiling) { end } else { ceiling }
}

/// `end` moved back over the white space before it, not before `floor`: no run of padding (a
/// table's) before a `…`.
fn trim_end(text: &str, floor: usize, end: usize) -> usize {
    floor + text[floor..end].trim_end().len()
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
    let start = snap_start(text, back(text, first, BEFORE_LABEL, line.start), first);
    let reach = forward(text, first, FROM_LABEL, line.end).max(last);
    let mut end =
        forward(text, reach, AFTER_LABEL, line.end).min(forward(text, start, MAX_WINDOW, line.end));
    if end < line.end {
        let floor = last.min(end);
        end = trim_end(text, start, snap_end(text, end, floor, line.end)).max(floor);
    }
    start..end
}

/// Labels' parts on a line that are shown together, with the text between them.
struct Run {
    start: usize,
    end: usize,
    /// Where the last label of the run starts: a cut never hides it.
    last_start: usize,
}

/// The most columns each of runs `widths` wide may take so that together they take at most
/// `budget`: the widest are cut first, to the same width.
fn fair_share(widths: &[usize], budget: usize) -> usize {
    let mut sorted = widths.to_vec();
    sorted.sort_unstable();
    let mut left = budget;
    for (at, &width) in sorted.iter().enumerate() {
        let share = left / (sorted.len() - at);
        if width > share {
            return share;
        }
        left -= width;
    }
    usize::MAX
}

/// The stretches of a long line shown for labels whose parts on it are `parts` (the primary
/// label's first, when it is on the line).
///
/// Labels that overlap or are less than `JOIN` columns apart form a run, shown in one piece. A
/// single run is shown in one window (`window`). Several runs are shown each in its own piece,
/// `…` between them, so that labels far apart (a translated segment and the English it embeds)
/// are all drawn and the line stays about `LONG_LINE` columns wide: the runs share what
/// `CONTEXT` columns either side of each leave, the widest cut first (to at most `LONG_LABEL`,
/// at least `MIN_LABEL` of their last label), and the columns left over are context, evenly
/// either side of each piece (before only, when its run is cut). A `…` always stands for more
/// than `CONTEXT` columns.
fn pieces(text: &str, line: &Range<usize>, parts: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = parts.to_vec();
    sorted.sort_by_key(|part| (part.start, part.end));
    let mut runs: Vec<Run> = Vec::new();
    for part in sorted {
        match runs.last_mut() {
            Some(run) if part.start <= forward(text, run.end, JOIN, line.end) => {
                run.end = run.end.max(part.end);
                run.last_start = part.start;
            }
            _ => runs.push(Run {
                start: part.start,
                end: part.end,
                last_start: part.start,
            }),
        }
    }
    if runs.len() <= 1 {
        // Each label cut to its first `LONG_LABEL` columns: a label as wide as a side-by-side
        // paragraph would otherwise fill the window.
        let cut: Vec<Range<usize>> = parts
            .iter()
            .map(|part| part.start..forward(text, part.start, LONG_LABEL, part.end))
            .collect();
        let shown = window(text, line, &cut);
        // A label nested far inside a long one does not fit: the first (the primary, when it is
        // on this line) decides, and the others are left out of the rendering.
        return match cut.first() {
            Some(first) if !(shown.start..=shown.end).contains(&first.start) => {
                vec![window(text, line, &cut[..1])]
            }
            _ => vec![shown],
        };
    }
    // Measured no further than the line's budget: a wider run is cut all the same, and a label
    // as long as a 50 MB line is not walked to its end for every finding on it.
    let widths: Vec<usize> = runs
        .iter()
        .map(|run| width(&text[run.start..forward(text, run.start, LONG_LINE + 1, run.end)]))
        .collect();
    let share = fair_share(&widths, LONG_LINE.saturating_sub(2 * CONTEXT * runs.len()))
        .clamp(MIN_LABEL, LONG_LABEL);
    let cuts: Vec<Range<usize>> = runs
        .iter()
        .map(|run| {
            let least = forward(text, run.last_start, MIN_LABEL, run.end);
            let end = forward(text, run.start, share, run.end).max(least);
            run.start..snap_end(text, end, least, run.end)
        })
        .collect();
    // A cut run ends at its `…`: context after it would only be more of its label.
    let context_sides = runs.len()
        + runs
            .iter()
            .zip(&cuts)
            .filter(|(run, cut)| cut.end == run.end)
            .count();
    let labels_width: usize = cuts.iter().map(|cut| width(&text[cut.clone()])).sum();
    let context =
        (LONG_LINE.saturating_sub(labels_width) / context_sides).clamp(CONTEXT, BEFORE_LABEL);
    let mut shown: Vec<Range<usize>> = Vec::with_capacity(cuts.len());
    for (run, cut) in runs.iter().zip(cuts) {
        let mut start = snap_start(text, back(text, cut.start, context, line.start), cut.start);
        let mut end = if cut.end < run.end {
            cut.end
        } else {
            snap_end(
                text,
                forward(text, cut.end, context, line.end),
                cut.end,
                line.end,
            )
        };
        // A `…` stands for more than `CONTEXT` columns, or the text is shown instead.
        if back(text, start, CONTEXT, line.start) == line.start {
            start = line.start;
        }
        if forward(text, end, CONTEXT, line.end) == line.end {
            end = line.end;
        } else {
            end = trim_end(text, cut.end, end);
        }
        match shown.last_mut() {
            Some(previous) if start <= forward(text, previous.end, CONTEXT, line.end) => {
                previous.end = end;
            }
            _ => shown.push(start..end),
        }
    }
    shown
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
                let parts: Vec<Range<usize>> = labels
                    .iter()
                    .filter(|l| l.start <= line.end && l.end >= line.start)
                    .map(|l| l.start.max(line.start)..l.end.min(line.end))
                    .collect();
                pieces(text, &line, &parts)
            } else {
                vec![line.clone()]
            };
            let range_start = excerpt.text.len();
            let mut pieces = Vec::with_capacity(shown.len());
            let mut shown_up_to = line.start;
            for stretch in shown {
                if stretch.start > shown_up_to {
                    excerpt.text.push('…');
                }
                shown_up_to = stretch.end;
                pieces.push(Piece {
                    start: excerpt.text.len(),
                    shown: stretch.clone(),
                });
                excerpt.text.push_str(&text[stretch]);
            }
            if shown_up_to < line.end {
                excerpt.text.push('…');
            }
            excerpt.lines.push(ExcerptLine {
                index,
                range: range_start..excerpt.text.len(),
                pieces,
            });
            excerpt.text.push('\n');
        }
        excerpt
    }

    /// Whether the excerpt shows where a label of the file starts.
    fn shows_label(&self, label: &Range<usize>) -> bool {
        self.line(self.document.line_index(label.start))
            .is_some_and(|line| line.pieces.iter().any(|piece| piece.shows(label)))
    }

    /// The excerpt line that shows line `index` of the file.
    fn line(&self, index: usize) -> Option<&ExcerptLine> {
        self.lines
            .binary_search_by_key(&index, |line| line.index)
            .ok()
            .map(|at| &self.lines[at])
    }

    /// Where a byte offset of the file is in the excerpt; where it is left out, at the end of
    /// the piece before (a cut label's carets stop at the `…`).
    fn map(&self, offset: usize) -> usize {
        let Some(line) = self.line(self.document.line_index(offset)) else {
            return 0;
        };
        let piece = line.piece_of_offset(offset);
        piece.start + offset.clamp(piece.shown.start, piece.shown.end) - piece.shown.start
    }

    /// The byte offset of the file that an excerpt offset shows.
    fn unmap(&self, offset: usize) -> usize {
        let at = self
            .lines
            .partition_point(|line| line.range.start <= offset)
            .saturating_sub(1);
        let piece = self.lines[at].piece_of_excerpt_offset(offset);
        let within = offset.clamp(piece.start, piece.start + piece.shown.len());
        piece.shown.start + within - piece.start
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
        let shown = out.lines().find(|l| l.starts_with("3 │ …")).unwrap();
        assert!(shown.ends_with('…'), "{out}");
        assert_eq!(
            marked(&out, "3 │", '^'),
            ["sipdir.online.microsoft.com"],
            "{out}"
        );
        assert!(
            out.contains("^ `sipdir.online.microsoft.com` here"),
            "{out}"
        );
    }

    #[test]
    fn a_long_line_is_cut_between_words() {
        a_long_line_is_cut_between("the portal keeps every setting of the service in one place ");
    }

    #[test]
    fn a_cut_too_far_into_a_long_word_to_leave_it_out_shows_it_to_its_end() {
        let text = "see the internationalisation settings";
        let word = text.find("internationalisation").unwrap();
        // 15 letters in: too far back to cut before the word, 5 letters from its end.
        let end = snap_end(text, word + 15, 0, text.len());
        assert_eq!(&text[..end], "see the internationalisation");
        // Not past the ceiling: a cut that cannot fall between words stays where it was.
        assert_eq!(snap_end(text, word + 15, 0, word + 17), word + 15);
        // 3 letters in: cut before the word, as before.
        assert_eq!(&text[..snap_end(text, word + 3, 0, text.len())], "see the");
    }

    /// Checks that a line made of `words` and a host name between them is shown in whole words.
    fn a_long_line_is_cut_between(words: &str) {
        let filler = words.repeat(800 / words.len());
        let target = format!("{filler}Open sipdir.online.microsoft.com now. {filler}\n");
        let source = format!("{filler}Open sipdir.online.lync.com now. {filler}\n");
        let report = report(
            &target,
            &source,
            &[(FileSide::Target, "sipdir.online.microsoft.com", 0)],
        );
        let out = rendered(&report);
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        let text = &shown["1 │ …".len()..shown.len() - '…'.len_utf8()];
        // Whole words either side: every word shown is one of the line's.
        let whole = |word: &str| target.split([' ', '\n']).any(|w| w == word);
        for word in text.split(' ') {
            assert!(whole(word), "`{word}` is a piece of a word: {out}");
        }
        assert_eq!(
            marked(&out, "1 │", '^'),
            ["sipdir.online.microsoft.com"],
            "{out}"
        );
    }

    /// The text drawn above each run of `mark` (`^` or `-`) under the line of the rendering
    /// that starts with `gutter` (`"3 │"`), matched by terminal columns as a reader's eye does.
    fn marked(out: &str, gutter: &str, mark: char) -> Vec<String> {
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|line| line.starts_with(gutter))
            .unwrap_or_else(|| panic!("no line `{gutter}` in {out}"));
        let mut cells: Vec<Option<char>> = Vec::new();
        for character in lines[at].chars() {
            cells.push(Some(character));
            // The second column of a wide character.
            cells.extend((1..columns(character)).map(|_| None));
        }
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut column = 0;
        for character in lines[at + 1].chars() {
            if character == mark {
                match runs.last_mut() {
                    Some(run) if run.end == column => run.end += 1,
                    _ => runs.push(column..column + 1),
                }
            }
            column += columns(character);
        }
        runs.into_iter()
            .map(|run| {
                cells[run.start.min(cells.len())..run.end.min(cells.len())]
                    .iter()
                    .flatten()
                    .collect()
            })
            .collect()
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
    fn labels_too_far_apart_for_one_window_are_drawn_in_pieces() {
        // Before pieces, `second` was left out of the rendering: a window wide enough for both
        // would have been 600 columns.
        let filler = "x ".repeat(300);
        let target = format!("{filler}second {filler}first {filler}\n");
        let out = rendered_first_and_second(&target);
        assert!(out.contains("┌─ zh-cn/a.md:1:1208\n"), "{out}");
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert_eq!(shown.matches('…').count(), 3, "{out}");
        assert!(widest(shown) <= LONG_LINE + 10, "{out}");
        assert_eq!(marked(&out, "1 │", '^'), ["first"], "{out}");
        assert_eq!(marked(&out, "1 │", '-'), ["second"], "{out}");
        assert!(
            out.contains("`first` here") && out.contains("`second` here"),
            "{out}"
        );
    }

    #[test]
    fn a_label_nested_far_inside_a_long_one_is_left_out() {
        // Labels that overlap are never split by a `…`, so one starting 600 columns into
        // another does not fit the window: the primary decides.
        let filler = "x ".repeat(300);
        let long = format!("first {filler}second");
        let target = format!("{filler}{long} {filler}\n");
        let out = rendered(&report(
            &target,
            "",
            &[
                (FileSide::Target, &long, 0),
                (FileSide::Target, "second", 0),
            ],
        ));
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert!(shown.contains(" first "), "{out}");
        // Not drawn at the edge of the window, where it would point at the wrong text.
        assert!(!out.contains("`second` here"), "{out}");
    }

    #[test]
    fn a_side_by_side_segment_and_its_english_are_both_drawn_in_a_terminal() {
        let segment = "It can take up to 60 minutes for all sessions to end.";
        let target = format!(
            "- <span data-ttu-id=\"b81f3-151\">{segment}</span><span class=\"sxs-lookup\">\
             <span data-stu-id=\"b81f3-151\">{segment}</span></span> \
             <span data-ttu-id=\"b81f3-152\">重設後，請使用者重新登入。</span>\n"
        );
        let source = format!("# Title\n\n{}Last words.\n", "Some English. ".repeat(20));
        let out = rendered(&report(
            &target,
            &source,
            &[
                (FileSide::Target, segment, 0),
                (FileSide::Target, segment, 1),
                (FileSide::Source, "Last words.", 0),
                (FileSide::Source, "Some English.", 3),
            ],
        ));
        // Both copies drawn, each under its own text, and the real columns in the headers (the
        // English file's is that of its leftmost label).
        let shown = out.lines().find(|l| l.starts_with("1 │ ")).unwrap();
        assert!(
            shown.contains('…') && widest(shown) <= LONG_LINE + 10,
            "{out}"
        );
        assert_eq!(marked(&out, "1 │", '^'), [segment], "{out}");
        assert_eq!(marked(&out, "1 │", '-'), [segment], "{out}");
        assert!(out.contains("┌─ zh-cn/a.md:1:33\n"), "{out}");
        assert!(out.contains("┌─ en-us/a.md:3:43\n"), "{out}");
        assert_eq!(
            marked(&out, "3 │", '-'),
            ["Some English.", "Last words."],
            "{out}"
        );
    }

    #[test]
    fn cjk_labels_far_apart_are_drawn_within_a_terminal_by_their_columns() {
        // 600 columns of CJK between the labels, 1,200 in all.
        let filler = "网络配置。".repeat(60);
        let target = format!("{filler}第一个标签{filler}第二个标签{filler}\n");
        let out = rendered(&report(
            &target,
            "",
            &[
                (FileSide::Target, "第一个标签", 0),
                (FileSide::Target, "第二个标签", 0),
            ],
        ));
        assert!(out.contains("┌─ zh-cn/a.md:1:301\n"), "{out}");
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert_eq!(shown.matches('…').count(), 3, "{out}");
        assert!(widest(shown) <= LONG_LINE + 10, "{out}");
        // Cut between characters, never in the middle of one's two columns.
        assert!(
            (LONG_LINE - 10..=LONG_LINE + 10).contains(&widest(shown)),
            "{out}"
        );
        assert_eq!(marked(&out, "1 │", '^'), ["第一个标签"], "{out}");
        assert_eq!(marked(&out, "1 │", '-'), ["第二个标签"], "{out}");
    }

    #[test]
    fn three_labels_far_apart_are_all_drawn() {
        let filler = "x ".repeat(150);
        let target = format!("{filler}first {filler}second {filler}third {filler}\n");
        let out = rendered(&report(
            &target,
            "",
            &[
                (FileSide::Target, "second", 0),
                (FileSide::Target, "first", 0),
                (FileSide::Target, "third", 0),
            ],
        ));
        // The primary is the middle one: the header is its column, not the first piece's.
        assert!(out.contains("┌─ zh-cn/a.md:1:607\n"), "{out}");
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert_eq!(shown.matches('…').count(), 4, "{out}");
        assert!(widest(shown) <= LONG_LINE + 10, "{out}");
        assert_eq!(marked(&out, "1 │", '^'), ["second"], "{out}");
        assert_eq!(marked(&out, "1 │", '-'), ["first", "third"], "{out}");
    }

    #[test]
    fn overlapping_and_adjacent_labels_are_never_split_by_an_ellipsis() {
        let filler = "x ".repeat(150);
        let target = format!("{filler}firstsecond third {filler}fourth {filler}\n");
        let out = rendered(&report(
            &target,
            "",
            &[
                (FileSide::Target, "first", 0),
                // Adjacent to `first`, and overlapped by `second third`.
                (FileSide::Target, "second", 0),
                (FileSide::Target, "second third", 0),
                (FileSide::Target, "fourth", 0),
            ],
        ));
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert!(shown.contains(" firstsecond third "), "{out}");
        assert_eq!(shown.matches('…').count(), 3, "{out}");
        assert_eq!(marked(&out, "1 │", '^'), ["first"], "{out}");
        for label in ["second", "second third", "fourth"] {
            assert!(out.contains(&format!("`{label}` here")), "{out}");
        }
    }

    #[test]
    fn a_cut_label_stops_at_its_ellipsis() {
        // Two labels of 300 columns far apart: each is cut to its share of the terminal, and
        // no `…` stands for a few characters only.
        let first = format!("first {}", "y ".repeat(150));
        let second = format!("second {}", "z ".repeat(150));
        let filler = "x ".repeat(150);
        let target = format!("{filler}{first}{filler}{second}{filler}\n");
        let out = rendered(&report(
            &target,
            "",
            &[
                (FileSide::Target, &first, 0),
                (FileSide::Target, &second, 0),
            ],
        ));
        let shown = out.lines().find(|l| l.starts_with("1 │ …")).unwrap();
        assert!(widest(shown) <= LONG_LINE + 10, "{out}");
        let carets = marked(&out, "1 │", '^');
        let dashes = marked(&out, "1 │", '-');
        assert!(
            carets[0].starts_with("first y y") && first.starts_with(&carets[0]),
            "{out}"
        );
        assert!(
            dashes[0].starts_with("second z z") && second.starts_with(&dashes[0]),
            "{out}"
        );
        // The carets end right before the `…` that stands for the rest of the label.
        let after = shown.split(carets[0].as_str()).nth(1).unwrap();
        assert!(after.starts_with('…'), "{out}");
    }
}
