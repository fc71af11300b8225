//! Reporting only what is new: `--base REV` (the pull-request gate), `--staged` (the pre-commit
//! hook), and `--baseline`/`--write-baseline` (adopting locdrift in a folder with old drift).
//!
//! A run under `--base` checks the files that changed since the revision, then checks the same
//! files as they were at the revision, and drops every finding whose fingerprint the old run
//! also had (see [`crate::fingerprint`]).

use std::collections::HashSet;
use std::io::Write;
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
    /// The text of a file, shown under the path given.
    pub fn read(&self, path: &Path) -> Result<Document> {
        match self {
            Reader::Disk => read_document(path),
            Reader::Index(repo) => {
                let relative = repo.relative(path)?;
                match repo.show("", &relative) {
                    Ok(text) => document_of(path, text),
                    Err(ShowError::NoSuchPath) => read_document(path),
                    Err(error) => bail!("`{}` in the index: {error}", path.display()),
                }
            }
            Reader::Revision(repo, revision) => {
                let relative = repo.relative(path)?;
                let text = repo
                    .show(revision, &relative)
                    .map_err(|error| anyhow::anyhow!("`{relative}` at `{revision}`: {error}"))?;
                document_of(path, text)
            }
        }
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

    /// Records the baseline if asked, then drops the findings that are not new: those the
    /// same files had at the base revision (`old_run` checks them as they were) and those the
    /// baseline records.
    pub fn keep_new(
        &self,
        reports: &mut [FileReport],
        old_run: impl FnOnce(&Reader, &mut dyn Write) -> Result<Vec<FileReport>>,
    ) -> Result<()> {
        if let Some(path) = &self.write_baseline {
            let baseline = Baseline::of(reports, |report| report.target.path.clone());
            let json = serde_json::to_string_pretty(&baseline).expect("a baseline serializes");
            std::fs::write(path, json + "\n")
                .with_context(|| format!("writing baseline `{}`", path.display()))?;
        }
        if let Mode::Base { repo, revision, .. } = &self.mode {
            // Files that did not exist at the revision, or that it cannot read, have no old
            // findings: everything in them is new.
            let old = old_run(
                &Reader::Revision(repo.clone(), revision.clone()),
                &mut std::io::sink(),
            )?;
            let mut known = Known::default();
            for report in &old {
                known.add_report(report, &report.target.path);
            }
            for report in reports.iter_mut() {
                let path = report.target.path.clone();
                known.retain_new(report, &path);
            }
        }
        if let Some((_, baseline)) = &self.baseline {
            let mut known = baseline.known();
            for report in reports.iter_mut() {
                let path = report.target.path.clone();
                known.retain_new(report, &path);
            }
        }
        Ok(())
    }
}
