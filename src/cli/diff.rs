//! `locdrift diff OLD NEW [TRANSLATION…]`: what changed between two revisions of an English
//! article, and for each translation made from the older one, which segments are now stale,
//! which are orphaned and which new blocks have no translation yet.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use codespan_reporting::term::termcolor::StandardStream;

use super::check::{Outcome, read_document};
use super::git::{self, Repo};
use super::{DiffArgs, DiffFormat, terminal_color};
use crate::analysis::Parsed;
use crate::document::Document;
use crate::emit::diff::{
    AnchorEntry, BlockEntry, DiffReport, LinkEntry, OrphanEntry, RevisionInfo, StaleEntry,
    TranslationEntry, UntranslatedEntry, WordEntry,
};
use crate::engine::align_with_english;
use crate::markdown::View;
use crate::revisions::{self, AnchorKind, Comparison, Status, WordChange};

/// Words of context around each change in an inline diff.
const CONTEXT: usize = 4;

/// A revision read and parsed.
struct Input {
    info: RevisionInfo,
    parsed: Parsed,
}

impl Input {
    /// The English of the revision: the file, or the English a side-by-side file embeds.
    fn english(&self) -> &View {
        self.parsed.embedded().unwrap_or(&self.parsed.target)
    }

    fn line(&self, range: std::ops::Range<usize>) -> usize {
        let original = self.english().original(range);
        self.parsed.document.line_column(original.start).line
    }
}

fn parse(document: Document) -> Result<Parsed> {
    let path = document.path.clone();
    Parsed::new(Arc::new(document))
        .map_err(|error| anyhow::anyhow!("`{path}`: malformed side-by-side file at {error}"))
}

fn read_input(spec: &OsStr, repo_dir: &Path) -> Result<Input> {
    let (document, revision, path) = match git::split_revision_path(spec) {
        Some((revision, path)) => {
            let repo = Repo::open(repo_dir)?;
            let relative = if path.starts_with("./") || path.starts_with("../") {
                repo.relative(Path::new(&path))?
            } else {
                path
            };
            let text = repo
                .show(&revision, &relative)
                .map_err(|error| anyhow::anyhow!("`{revision}:{relative}`: {error}"))?;
            (
                Document::new(format!("{revision}:{relative}"), text),
                Some(revision),
                relative,
            )
        }
        None => {
            let path = Path::new(spec);
            (
                read_document(path, u64::MAX)?,
                None,
                path.display().to_string(),
            )
        }
    };
    let parsed = parse(document)?;
    Ok(Input {
        info: RevisionInfo {
            path,
            revision,
            embedded: parsed.is_side_by_side(),
        },
        parsed,
    })
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(changes: &[WordChange]) -> Vec<WordEntry> {
    changes
        .iter()
        .map(|c| WordEntry {
            old: c.old_text.clone(),
            new: c.new_text.clone(),
        })
        .collect()
}

fn block_entries(old: &Input, new: &Input, comparison: &Comparison) -> Vec<BlockEntry> {
    let (old_view, new_view) = (old.english(), new.english());
    comparison
        .blocks
        .iter()
        .filter(|b| !matches!(b.status, Status::Unchanged | Status::Reformatted))
        .map(|change| {
            let old_block = change.old.map(|o| &old_view.blocks[o]);
            let new_block = change.new.map(|n| &new_view.blocks[n]);
            let (view, block) = match (old_block, new_block) {
                (_, Some(block)) => (new_view, block),
                (Some(block), None) => (old_view, block),
                (None, None) => unreachable!("a block change has a side"),
            };
            let diff = match new_block {
                Some(n) if change.status == Status::Changed => Some(revisions::inline_diff(
                    &revisions::block_tokens(new_view, n),
                    new_view.text(),
                    &change.words,
                    CONTEXT,
                )),
                _ => None,
            };
            BlockEntry {
                status: change.status.as_str(),
                kind: block.kind.noun(),
                old_line: old_block.map(|b| old.line(b.range.clone())),
                new_line: new_block.map(|b| new.line(b.range.clone())),
                text: collapse(&view.text()[block.range.clone()]),
                diff,
                changes: words(&change.words),
            }
        })
        .collect()
}

fn anchor_entries(old: &Input, new: &Input, comparison: &Comparison) -> Vec<AnchorEntry> {
    comparison
        .anchors
        .iter()
        .map(|anchor| AnchorEntry {
            change: match (&anchor.old, &anchor.new) {
                (Some(_), Some(_)) => "renamed",
                (Some(_), None) => "removed",
                _ => "added",
            },
            kind: match anchor.kind {
                AnchorKind::Explicit => "anchor",
                AnchorKind::Heading => "heading",
            },
            old: anchor.old.as_ref().map(|(name, _)| name.clone()),
            new: anchor.new.as_ref().map(|(name, _)| name.clone()),
            old_line: anchor
                .old
                .as_ref()
                .map(|(_, b)| old.line(old.english().blocks[*b].range.clone())),
            new_line: anchor
                .new
                .as_ref()
                .map(|(_, b)| new.line(new.english().blocks[*b].range.clone())),
        })
        .collect()
}

fn link_entries(old: &Input, new: &Input, comparison: &Comparison) -> Vec<LinkEntry> {
    comparison
        .links
        .iter()
        .map(|link| LinkEntry {
            change: match (&link.old, &link.new) {
                (Some(_), Some(_)) => "changed",
                (Some(_), None) => "removed",
                _ => "added",
            },
            old: link.old.clone(),
            new: link.new.clone(),
            old_line: old.line(old.english().blocks[link.old_block].range.clone()),
            new_line: new.line(new.english().blocks[link.new_block].range.clone()),
        })
        .collect()
}

/// What the change from `old` to `new` means for one translation.
fn translation_entry(
    path: &Path,
    old: &Input,
    new: &Input,
    comparison: &Comparison,
) -> Result<TranslationEntry> {
    let translation = parse(read_document(path, u64::MAX)?)?;
    let (old_view, new_view) = (old.english(), new.english());
    let document = &translation.document;
    let position = |range: std::ops::Range<usize>| {
        let original = translation.target.original(range);
        document.line_column(original.start)
    };
    let with_old = align_with_english(old_view, &translation);
    let with_new = align_with_english(new_view, &translation);
    let mut stale = Vec::new();
    if translation.is_side_by_side() {
        // The embedded English says what each segment was translated from.
        for &(n, t) in &with_new {
            let (Some(n), Some(t)) = (n, t) else { continue };
            let new_block = &new_view.blocks[n];
            let new_tokens = revisions::block_tokens(new_view, new_block);
            for change in revisions::segment_changes(&translation, t, new_view, new_block) {
                let segment = &translation.segments[change.segment];
                let at = document.line_column(segment.target.start);
                stale.push(StaleEntry {
                    segment: Some(segment.id.clone()),
                    line: at.line,
                    column: at.column,
                    new_line: new.line(change.new_range.clone()),
                    diff: revisions::inline_diff(
                        &new_tokens,
                        new_view.text(),
                        &change.changes,
                        CONTEXT,
                    ),
                    changes: words(&change.changes),
                });
            }
        }
    } else {
        for &(o, t) in &with_old {
            let (Some(o), Some(t)) = (o, t) else { continue };
            let Some(change) = comparison.of_old(o) else {
                continue;
            };
            let (Status::Changed, Some(n)) = (change.status, change.new) else {
                continue;
            };
            let new_block = &new_view.blocks[n];
            let at = position(translation.target.blocks[t].range.clone());
            stale.push(StaleEntry {
                segment: None,
                line: at.line,
                column: at.column,
                new_line: new.line(new_block.range.clone()),
                diff: revisions::inline_diff(
                    &revisions::block_tokens(new_view, new_block),
                    new_view.text(),
                    &change.words,
                    CONTEXT,
                ),
                changes: words(&change.words),
            });
        }
    }
    let mut orphaned = Vec::new();
    for &(o, t) in &with_old {
        let (Some(o), Some(t)) = (o, t) else { continue };
        if comparison
            .of_old(o)
            .is_some_and(|c| c.status == Status::Removed)
        {
            let old_block = &old_view.blocks[o];
            let at = position(translation.target.blocks[t].range.clone());
            orphaned.push(OrphanEntry {
                line: at.line,
                column: at.column,
                old_line: old.line(old_block.range.clone()),
                text: collapse(&old_view.text()[old_block.range.clone()]),
            });
        }
    }
    // A plain translation of the old revision cannot hold a block that only the new one has;
    // a side-by-side file made from a newer English can, and its embedded English tells.
    let translated: Vec<bool> = {
        let mut translated = vec![false; new_view.blocks.len()];
        if translation.is_side_by_side() {
            for &(n, t) in &with_new {
                if let (Some(n), Some(_)) = (n, t) {
                    translated[n] = true;
                }
            }
        }
        translated
    };
    let untranslated = comparison
        .blocks
        .iter()
        .filter(|b| b.status == Status::Added)
        .filter_map(|b| b.new)
        .filter(|&n| !translated[n])
        .map(|n| {
            let block = &new_view.blocks[n];
            UntranslatedEntry {
                new_line: new.line(block.range.clone()),
                kind: block.kind.noun(),
                text: collapse(&new_view.text()[block.range.clone()]),
            }
        })
        .collect();
    Ok(TranslationEntry {
        path: path.display().to_string(),
        format: if translation.is_side_by_side() {
            "side-by-side"
        } else {
            "plain"
        },
        stale,
        orphaned,
        untranslated,
    })
}

/// Builds the report of two revisions and the given translations.
fn report(args: &DiffArgs) -> Result<DiffReport> {
    let old = read_input(&args.old, &args.repo).context("reading the old revision")?;
    let new = read_input(&args.new, &args.repo).context("reading the new revision")?;
    let comparison = revisions::compare(old.english(), new.english());
    let mut summary = std::collections::BTreeMap::new();
    for (status, count) in comparison.counts() {
        summary.insert(status.as_str(), count);
    }
    let translations = args
        .translations
        .iter()
        .map(|path| translation_entry(path, &old, &new, &comparison))
        .collect::<Result<Vec<_>>>()?;
    Ok(DiffReport {
        summary,
        formatting_only: comparison.is_formatting_only()
            && old.english().text() != new.english().text(),
        blocks: block_entries(&old, &new, &comparison),
        anchors: anchor_entries(&old, &new, &comparison),
        links: link_entries(&old, &new, &comparison),
        translations,
        old: old.info,
        new: new.info,
    })
}

/// Runs `locdrift diff`. Exit status 0 when the report was written, whatever it says.
pub fn run(args: &DiffArgs, stdout: &mut dyn Write) -> Result<Outcome> {
    let report = report(args)?;
    match args.format {
        DiffFormat::Json => writeln!(stdout, "{}", crate::emit::diff::to_json(&report))?,
        DiffFormat::Human => {
            let stream = StandardStream::stdout(terminal_color(args.color));
            let mut lock = stream.lock();
            crate::emit::diff::render(&report, &mut lock)?;
            lock.flush()?;
        }
    }
    stdout.flush()?;
    Ok(Outcome::Clean)
}
