//! Reporting only what is new: `--base REV` (the pull-request gate), `--staged` (the pre-commit
//! hook), and `--baseline`/`--write-baseline` (adopting locdrift in a folder with old drift).
//!
//! A run under `--base` checks the files that changed since the revision, then checks the same
//! files as they were at the revision, and drops every finding whose fingerprint the old run
//! also had (see [`crate::fingerprint`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::check::read_document;
use super::git::{Repo, ShowError};
use crate::document::Document;
use crate::emit::FileReport;
use crate::fingerprint::{Baseline, Known};

/// Where a run reads file contents from.
pub enum Reader {
    /// The work tree.
    Disk,
    /// The git index (staged content); files git does not track are read from disk.
    Index(Repo),
    /// A git revision.
    Revision(Repo, String),
}

fn document_of(path: &Path, text: String) -> Result<Document> {
    if let Some(offset) = text.find('\0') {
        bail!(
            "`{}` is a binary file (NUL byte at offset {offset}), not Markdown",
            path.display()
        );
    }
    Ok(Document::new(path.display().to_string(), text))
}

impl Reader {
    /// The text of a file, shown under the path given; at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Document> {
        let document = match self {
            Reader::Disk => return read_document(path, limit),
            Reader::Index(repo) => {
                let relative = repo.relative(path)?;
                match repo.show("", &relative) {
                    Ok(text) => document_of(path, text)?,
                    Err(ShowError::NoSuchPath) => return read_document(path, limit),
                    Err(error) => bail!("`{}` in the index: {error}", path.display()),
                }
            }
            Reader::Revision(repo, revision) => {
                let relative = repo.relative(path)?;
                let text = repo
                    .show(revision, &relative)
                    .map_err(|error| anyhow::anyhow!("`{relative}` at `{revision}`: {error}"))?;
                document_of(path, text)?
            }
        };
        if document.text.len() as u64 > limit {
            bail!(
                "`{}` is {} bytes, over the {limit}-byte limit; skipped (raise it with `--max-file-size`)",
                path.display(),
                document.text.len()
            );
        }
        Ok(document)
    }
}

enum Mode {
    All,
    Base {
        repo: Repo,
        revision: String,
        changed: HashSet<String>,
    },
    Staged {
        repo: Repo,
        staged: HashSet<String>,
    },
}

/// What a run reports: every finding, or only new ones.
pub struct Gate {
    mode: Mode,
    baseline: Option<(PathBuf, Baseline)>,
    write_baseline: Option<PathBuf>,
}

impl Gate {
    pub fn new(args: &super::CheckArgs) -> Result<Gate> {
        let mode = if let Some(revision) = &args.base {
            let repo = Repo::open(Path::new("."))?;
            let changed = repo.changed_since(revision)?.into_iter().collect();
            Mode::Base {
                repo,
                revision: revision.clone(),
                changed,
            }
        } else if args.staged {
            let repo = Repo::open(Path::new("."))?;
            let staged = repo.staged()?.into_iter().collect();
            Mode::Staged { repo, staged }
        } else {
            Mode::All
        };
        let baseline = match &args.baseline {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading baseline `{}`", path.display()))?;
                let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
                    anyhow::anyhow!(
                        "`{}` is not a locdrift baseline: {error} (write one with `--write-baseline`)",
                        path.display()
                    )
                })?;
                if baseline.version != 1 {
                    bail!(
                        "`{}` is a baseline of version {}; this locdrift reads version 1",
                        path.display(),
                        baseline.version
                    );
                }
                Some((path.clone(), baseline))
            }
            None => None,
        };
        Ok(Gate {
            mode,
            baseline,
            write_baseline: args.write_baseline.clone(),
        })
    }

    /// Where the checked contents come from.
    pub fn reader(&self) -> Reader {
        match &self.mode {
            Mode::Staged { repo, .. } => Reader::Index(repo.clone()),
            _ => Reader::Disk,
        }
    }

    /// Whether a file is checked: under `--base`, files changed since the revision; under
    /// `--staged`, staged files.
    pub fn includes(&self, path: &Path) -> bool {
        let (repo, set) = match &self.mode {
            Mode::All => return true,
            Mode::Base { repo, changed, .. } => (repo, changed),
            Mode::Staged { repo, staged } => (repo, staged),
        };
        repo.relative(path)
            .is_ok_and(|relative| set.contains(&relative))
    }

    /// What filters the reports of the run: the findings that the same files had at the base
    /// revision (`old_run` checks them as they were) and those the baseline records are
    /// dropped; the baseline to write records every finding.
    pub fn filter(
        &self,
        old_run: impl FnOnce(&Reader, &mut dyn FnMut(&FileReport)) -> Result<()>,
    ) -> Result<Filter> {
        let base = match &self.mode {
            Mode::Base { repo, revision, .. } => {
                // Files that did not exist at the revision, or that it cannot read, have no old
                // findings: everything in them is new. Only the findings' fingerprints are
                // kept, not the files.
                let mut known = Known::default();
                old_run(
                    &Reader::Revision(repo.clone(), revision.clone()),
                    &mut |report| known.add_report(report, &report.target.path),
                )?;
                Some(known)
            }
            _ => None,
        };
        Ok(Filter {
            base,
            baseline: self.baseline.as_ref().map(|(_, baseline)| baseline.known()),
            record: self.write_baseline.clone().map(|path| {
                (
                    path,
                    Baseline {
                        version: 1,
                        findings: Vec::new(),
                    },
                )
            }),
        })
    }
}

/// Drops known findings from each report of a run, and records the baseline to write.
pub struct Filter {
    base: Option<Known>,
    baseline: Option<Known>,
    record: Option<(PathBuf, Baseline)>,
}

impl Filter {
    /// Records the report's findings if a baseline is written, then drops the known ones.
    pub fn keep_new(&mut self, report: &mut FileReport) {
        let path = report.target.path.clone();
        if let Some((_, baseline)) = &mut self.record {
            baseline.findings.extend(
                Baseline::of(std::slice::from_ref(report), |r| r.target.path.clone()).findings,
            );
        }
        for known in [&mut self.base, &mut self.baseline].into_iter().flatten() {
            known.retain_new(report, &path);
        }
    }

    /// Writes the baseline, if asked; once.
    pub fn finish(&mut self) -> Result<()> {
        if let Some((path, baseline)) = self.record.take() {
            let json = serde_json::to_string_pretty(&baseline).expect("a baseline serializes");
            std::fs::write(&path, json + "\n")
                .with_context(|| format!("writing baseline `{}`", path.display()))?;
        }
        Ok(())
    }
}
