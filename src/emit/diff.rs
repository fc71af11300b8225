//! The report of `locdrift diff`: what changed between two revisions of an English article and
//! what that means for its translations. Built by `cli::diff`; written here as text or JSON.

use std::collections::BTreeMap;

use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use serde::Serialize;

/// One revision of the English.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionInfo {
    /// The file, as given (`docs/a.md`, or `a.md` read at `revision`).
    pub path: String,
    /// The git revision it was read at, if any.
    pub revision: Option<String>,
    /// True when the English is the embedded source of a side-by-side file.
    pub embedded: bool,
}

impl RevisionInfo {
    fn label(&self) -> String {
        let mut label = match &self.revision {
            Some(revision) => format!("{revision}:{}", self.path),
            None => self.path.clone(),
        };
        if self.embedded {
            label.push_str(" (embedded English)");
        }
        label
    }
}

/// One word-level change.
#[derive(Debug, Clone, Serialize)]
pub struct WordEntry {
    pub old: String,
    pub new: String,
}

/// A block that is not unchanged.
#[derive(Debug, Clone, Serialize)]
pub struct BlockEntry {
    pub status: &'static str,
    pub kind: &'static str,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    /// The block's text, white space collapsed (the new text unless removed).
    pub text: String,
    /// The inline word diff of a changed block.
    pub diff: Option<String>,
    pub changes: Vec<WordEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnchorEntry {
    /// `renamed`, `removed` or `added`.
    pub change: &'static str,
    /// `anchor` (`<a name>`, `{#id}`) or `heading` (the id made from a heading's text).
    pub kind: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkEntry {
    /// `changed`, `removed` or `added`.
    pub change: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    pub old_line: usize,
    pub new_line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaleEntry {
    /// The side-by-side segment id, for side-by-side translations.
    pub segment: Option<String>,
    pub line: usize,
    pub column: usize,
    pub new_line: usize,
    pub changes: Vec<WordEntry>,
    pub diff: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrphanEntry {
    pub line: usize,
    pub column: usize,
    pub old_line: usize,
    /// The removed English.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UntranslatedEntry {
    pub new_line: usize,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranslationEntry {
    pub path: String,
    /// `side-by-side` or `plain`.
    pub format: &'static str,
    pub stale: Vec<StaleEntry>,
    pub orphaned: Vec<OrphanEntry>,
    pub untranslated: Vec<UntranslatedEntry>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub old: RevisionInfo,
    pub new: RevisionInfo,
    /// Blocks with words, by status.
    pub summary: BTreeMap<&'static str, usize>,
    /// True when the revisions differ in formatting only: no translation became stale.
    pub formatting_only: bool,
    pub blocks: Vec<BlockEntry>,
    pub anchors: Vec<AnchorEntry>,
    pub links: Vec<LinkEntry>,
    pub translations: Vec<TranslationEntry>,
}

/// The report as one JSON object.
pub fn to_json(report: &DiffReport) -> String {
    serde_json::to_string_pretty(report).expect("the diff report serializes")
}

fn colored(
    out: &mut dyn WriteColor,
    color: Option<Color>,
    bold: bool,
    text: &str,
) -> std::io::Result<()> {
    out.set_color(ColorSpec::new().set_fg(color).set_bold(bold))?;
    write!(out, "{text}")?;
    out.reset()
}

/// Writes `[-old-]` in red and `{+new+}` in green.
fn write_marked(out: &mut dyn WriteColor, text: &str) -> std::io::Result<()> {
    let mut rest = text;
    while !rest.is_empty() {
        let next = [rest.find("[-"), rest.find("{+")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        write!(out, "{}", &rest[..next])?;
        rest = &rest[next..];
        if let Some(after) = rest.strip_prefix("[-") {
            let end = after.find("-]").map_or(after.len(), |e| e + 2);
            colored(out, Some(Color::Red), false, &rest[..end + 2])?;
            rest = &rest[end + 2..];
        } else if let Some(after) = rest.strip_prefix("{+") {
            let end = after.find("+}").map_or(after.len(), |e| e + 2);
            colored(out, Some(Color::Green), false, &rest[..end + 2])?;
            rest = &rest[end + 2..];
        }
    }
    Ok(())
}

fn line_ref(side: &str, line: Option<usize>) -> String {
    line.map_or_else(String::new, |line| format!("{side}:{line}"))
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// Shortens a text for one line of output.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let clipped: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{clipped}…")
}

/// Writes the report for people.
pub fn render(report: &DiffReport, out: &mut dyn WriteColor) -> std::io::Result<()> {
    colored(
        out,
        None,
        true,
        &format!("{} → {}", report.old.label(), report.new.label()),
    )?;
    writeln!(out)?;
    let total: usize = report.summary.values().sum();
    let counts: Vec<String> = report
        .summary
        .iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect();
    writeln!(out, "  {}: {}", plural(total, "block"), counts.join(", "))?;
    if report.formatting_only {
        writeln!(
            out,
            "  the revisions differ in formatting only: no translation became stale"
        )?;
    }
    if !report.blocks.is_empty() {
        writeln!(out)?;
    }
    for block in &report.blocks {
        let color = match block.status {
            "added" => Some(Color::Green),
            "removed" => Some(Color::Red),
            "changed" => Some(Color::Yellow),
            _ => Some(Color::Cyan),
        };
        colored(out, color, true, &format!("{:<11}", block.status))?;
        let lines = match (block.old_line, block.new_line) {
            (Some(old), Some(new)) => format!("old:{old} → new:{new}"),
            (old, new) => format!("{}{}", line_ref("old", old), line_ref("new", new)),
        };
        writeln!(out, " {} {lines}", block.kind)?;
        write!(out, "    ")?;
        match &block.diff {
            Some(diff) => write_marked(out, diff)?,
            None => write!(out, "{}", clip(&block.text, 160))?,
        }
        writeln!(out)?;
    }
    if !report.anchors.is_empty() {
        writeln!(out)?;
        colored(out, None, true, "anchors")?;
        writeln!(out)?;
        for anchor in &report.anchors {
            let what = match (&anchor.old, &anchor.new) {
                (Some(old), Some(new)) => format!("`{old}` → `{new}`"),
                (Some(old), None) => format!("`{old}`"),
                (None, Some(new)) => format!("`{new}`"),
                (None, None) => String::new(),
            };
            let lines = [
                line_ref("old", anchor.old_line),
                line_ref("new", anchor.new_line),
            ]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" → ");
            writeln!(
                out,
                "  {:<8} {:<7} {what}  {lines}",
                anchor.change, anchor.kind
            )?;
        }
    }
    if !report.links.is_empty() {
        writeln!(out)?;
        colored(out, None, true, "links")?;
        writeln!(out)?;
        for link in &report.links {
            let what = match (&link.old, &link.new) {
                (Some(old), Some(new)) => format!("`{old}` → `{new}`"),
                (Some(old), None) => format!("`{old}`"),
                (None, Some(new)) => format!("`{new}`"),
                (None, None) => String::new(),
            };
            writeln!(out, "  {:<8} {what}  new:{}", link.change, link.new_line)?;
        }
    }
    for translation in &report.translations {
        writeln!(out)?;
        colored(
            out,
            None,
            true,
            &format!("{} ({})", translation.path, translation.format),
        )?;
        writeln!(out)?;
        for stale in &translation.stale {
            colored(out, Some(Color::Yellow), false, "  stale        ")?;
            let segment = stale
                .segment
                .as_ref()
                .map_or_else(String::new, |id| format!(" segment {id}"));
            write!(
                out,
                "{}:{}:{}{segment}  ",
                translation.path, stale.line, stale.column
            )?;
            write_marked(out, &stale.diff)?;
            writeln!(out)?;
        }
        for orphan in &translation.orphaned {
            colored(out, Some(Color::Red), false, "  orphaned     ")?;
            writeln!(
                out,
                "{}:{}:{}  its English (old:{}) was removed: {}",
                translation.path,
                orphan.line,
                orphan.column,
                orphan.old_line,
                clip(&orphan.text, 100)
            )?;
        }
        for missing in &translation.untranslated {
            colored(out, Some(Color::Cyan), false, "  untranslated ")?;
            writeln!(
                out,
                "new:{} {} has no translation yet: {}",
                missing.new_line,
                missing.kind,
                clip(&missing.text, 100)
            )?;
        }
        writeln!(
            out,
            "  {}, {}, {}",
            plural(translation.stale.len(), "stale segment"),
            plural(translation.orphaned.len(), "orphaned segment"),
            plural(translation.untranslated.len(), "untranslated block")
        )?;
    }
    Ok(())
}
