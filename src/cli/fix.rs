//! `check --fix`, `--unsafe-fixes` and `--diff`: fixes each translation in memory (see
//! [`crate::fix`]), then writes it back byte for byte (byte order mark kept, line endings
//! untouched since fixes only replace the ranges they name), atomically and with the file's
//! permissions, or prints the change as a unified diff.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use similar::TextDiff;

use super::CheckArgs;
use super::check::Outcome;
use crate::analysis::Parsed;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::engine::{CheckOptions, Settings};
use crate::fix::{self, FixMode};

const BOM: &[u8] = "\u{feff}".as_bytes();

/// What `--fix`/`--diff` did to one file.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub fixed: usize,
    /// Findings fixed by (code, rule name).
    pub by_rule: std::collections::BTreeMap<(&'static str, &'static str), usize>,
    /// Fixable findings left unfixed.
    pub unapplied: usize,
}

/// A translation after [`Fixer::fix`]: the document and findings to report, and with `--diff`
/// the unified diff of its fixes, which the run prints when the file's turn comes (so that no
/// run holds every diff until its end).
pub struct Fixed {
    pub document: Arc<Document>,
    pub diagnostics: Vec<Diagnostic>,
    pub diff: Option<String>,
}

/// Fixing for one run: off, writing, or printing diffs.
#[derive(Debug, Default)]
pub struct Fixer {
    mode: Option<FixMode>,
    /// What `--statistics` counts as fixable when not fixing.
    default_mode: FixMode,
    dry_run: bool,
    /// The sources of the run, canonicalized: never written, even when also given as a
    /// translation.
    protected: std::collections::HashSet<PathBuf>,
    /// What each changed file got; a mutex so that files can be fixed on several threads.
    outcomes: Mutex<Vec<FileOutcome>>,
    /// Files that could not be fixed, with why.
    errors: Mutex<Vec<String>>,
    /// Files fixed or diffed so far, canonical.
    seen: Mutex<std::collections::HashSet<PathBuf>>,
}

impl Fixer {
    pub fn new(args: &CheckArgs) -> Fixer {
        let on = args.fix || args.diff;
        Fixer {
            mode: on.then_some(if args.unsafe_fixes {
                FixMode::Unsafe
            } else {
                FixMode::Safe
            }),
            default_mode: if args.unsafe_fixes {
                FixMode::Unsafe
            } else {
                FixMode::Safe
            },
            dry_run: args.diff,
            protected: Default::default(),
            outcomes: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            seen: Mutex::default(),
        }
    }

    /// Marks files that must never be written: the English sources.
    pub fn protect<'a>(&mut self, files: impl IntoIterator<Item = &'a PathBuf>) {
        if self.mode.is_some() {
            self.protected
                .extend(files.into_iter().filter_map(|f| f.canonicalize().ok()));
        }
    }

    pub fn is_on(&self) -> bool {
        self.mode.is_some()
    }

    pub fn is_diff(&self) -> bool {
        self.dry_run
    }

    /// The fixes that count as fixable: safe ones, or all with `--unsafe-fixes`.
    pub fn mode(&self) -> FixMode {
        self.mode.unwrap_or(self.default_mode)
    }

    /// The options that apply the fixes [`Fixer::mode`] allows.
    pub fn command(&self) -> &'static str {
        match self.mode() {
            FixMode::Safe => "--fix",
            FixMode::Unsafe => "--fix --unsafe-fixes",
        }
    }

    /// Ends a `--diff` run, whose diffs are on stdout already: the count on stderr; exit 1 if a
    /// file would change.
    pub fn finish_diff(
        &self,
        stdout: &mut dyn Write,
        errors: &mut dyn Write,
        failed: bool,
    ) -> Result<Outcome> {
        stdout.flush()?;
        write!(errors, "{}\n{}", self.summary(), self.details())?;
        let failed = self.write_errors(errors)? || failed;
        Ok(if failed {
            Outcome::Errors
        } else if self.outcomes().is_empty() {
            Outcome::Clean
        } else {
            Outcome::Findings
        })
    }

    /// After a `--fix` run's output: what was fixed, on stdout after human output, on stderr
    /// after machine output so that it stays parseable.
    pub fn write_summary(
        &self,
        human: bool,
        stdout: &mut dyn Write,
        errors: &mut dyn Write,
    ) -> std::io::Result<()> {
        let report = format!("{}\n{}", self.summary(), self.details());
        if human {
            write!(stdout, "{report}")?;
        } else {
            write!(errors, "{report}")?;
        }
        Ok(())
    }

    /// Fixes one translation and writes it (or, with `--diff`, returns its diff). Returns the
    /// document and the findings to report: the input's when fixing is off or nothing applied,
    /// else the fixed file's. A file that cannot be fixed or written is left as it was, with its
    /// findings; the error is kept for [`Fixer::write_errors`].
    pub fn fix(
        &self,
        path: &Path,
        parsed: &Parsed,
        source: Option<&Parsed>,
        settings: &Settings,
        options: &CheckOptions,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Fixed> {
        let unchanged = |diagnostics| Fixed {
            document: parsed.document.clone(),
            diagnostics,
            diff: None,
        };
        let Some(mode) = self.mode else {
            return Ok(unchanged(diagnostics));
        };
        if path
            .canonicalize()
            .is_ok_and(|path| self.protected.contains(&path))
        {
            return Ok(unchanged(diagnostics));
        }
        let original = diagnostics.clone();
        let result = match fix::fix_file(parsed, source, settings, options, diagnostics, mode) {
            Ok(result) => result,
            Err(error) => {
                lock(&self.errors).push(format!(
                    "`{}`: not fixed, since the fixes would leave a malformed side-by-side file ({error})",
                    path.display()
                ));
                return Ok(unchanged(original));
            }
        };
        if !result.changed {
            return Ok(Fixed {
                document: result.parsed.document,
                diagnostics: result.remaining,
                diff: None,
            });
        }
        let new_text = &result.parsed.document.text;
        // A file named twice (`zh-cn zh-cn/a.md`) is diffed and counted once.
        let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !lock(&self.seen).insert(key) {
            return Ok(Fixed {
                document: result.parsed.document,
                diagnostics: result.remaining,
                diff: None,
            });
        }
        let diff = if self.dry_run {
            Some(unified_diff(path, &parsed.document.text, new_text))
        } else {
            if let Err(error) = write_fixed(path, &parsed.document, new_text) {
                // The file is as it was: report its findings as they are, and the error.
                lock(&self.errors).push(format!("{error:#}"));
                return Ok(unchanged(original));
            }
            None
        };
        lock(&self.outcomes).push(FileOutcome {
            path: path.to_path_buf(),
            fixed: result.fixed,
            by_rule: result.by_rule,
            unapplied: result.unapplied,
        });
        Ok(Fixed {
            document: result.parsed.document,
            diagnostics: result.remaining,
            diff,
        })
    }

    /// Prints the files that could not be fixed; true if there were any (exit status 2).
    pub fn write_errors(&self, errors: &mut dyn Write) -> std::io::Result<bool> {
        let list = lock(&self.errors);
        for error in list.iter() {
            writeln!(errors, "error: {error}")?;
        }
        Ok(!list.is_empty())
    }

    /// The number of findings fixed and of files changed.
    pub fn totals(&self) -> (usize, usize) {
        let outcomes = lock(&self.outcomes);
        (outcomes.iter().map(|o| o.fixed).sum(), outcomes.len())
    }

    /// `Fixed 3 findings in 2 files.` (or `Would fix` with `--diff`), with the fixes left out
    /// because they overlapped another.
    pub fn summary(&self) -> String {
        let (fixed, files) = self.totals();
        let plural = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        let verb = if self.dry_run { "Would fix" } else { "Fixed" };
        let mut line = if fixed == 0 {
            format!("{verb} no findings.")
        } else {
            format!(
                "{verb} {} in {}.",
                plural(fixed, "finding"),
                plural(files, "file")
            )
        };
        let unapplied: usize = lock(&self.outcomes).iter().map(|o| o.unapplied).sum();
        if unapplied > 0 {
            line.push_str(&format!(
                " {} not applied, since {} overlapped other edits in every pass; fix {} by hand.",
                plural(unapplied, "fix"),
                if unapplied == 1 { "it" } else { "they" },
                if unapplied == 1 { "it" } else { "them" }
            ));
        }
        line
    }

    /// One line per file changed, in path order: `  zh-tw/a.md: 21 × LD201 escaped-emphasis`.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for outcome in self.outcomes() {
            let rules: Vec<String> = outcome
                .by_rule
                .iter()
                .map(|((code, name), count)| format!("{count} × {code} {name}"))
                .collect();
            out.push_str(&format!(
                "  {}: {}\n",
                outcome.path.display(),
                rules.join(", ")
            ));
        }
        out
    }
}

impl Fixer {
    /// What each changed file got, in path order.
    pub fn outcomes(&self) -> Vec<FileOutcome> {
        let mut outcomes = lock(&self.outcomes).clone();
        outcomes.sort_by(|a, b| a.path.cmp(&b.path));
        outcomes
    }
}

/// Locks a mutex, taking the data of one poisoned by a panic (a panic in a check is reported
/// per file and must not lose the other files' outcomes).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A unified diff of one file, `--- a/PATH` / `+++ b/PATH`, three lines of context.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    // `a//tmp/x.md` would read as an empty folder name.
    let name = name.trim_start_matches('/');
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Writes the fixed text over `path`: the original's byte order mark (if any) and then the
/// text, to a temporary file in the same folder that is given the original's permissions and
/// renamed over it, so that a reader never sees half a file. Refuses if the file changed since
/// it was read.
pub fn write_fixed(path: &Path, original: &Document, new_text: &str) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    let (bom, body) = match bytes.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => (&[][..], &bytes[..]),
    };
    if body != original.text.as_bytes() {
        anyhow::bail!(
            "`{}` changed while it was being checked; not fixed",
            path.display()
        );
    }
    let target =
        std::fs::canonicalize(path).with_context(|| format!("resolving `{}`", path.display()))?;
    let folder = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)
        .with_context(|| format!("reading `{}`", path.display()))?
        .permissions();
    if permissions.readonly() {
        anyhow::bail!("`{}` is read-only; not fixed", path.display());
    }
    let mut temporary = tempfile::Builder::new()
        .prefix(".locdrift-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .with_context(|| format!("creating a temporary file in `{}`", folder.display()))?;
    temporary
        .write_all(bom)
        .and_then(|()| temporary.write_all(new_text.as_bytes()))
        .and_then(|()| temporary.as_file().sync_all())
        .with_context(|| format!("writing a temporary file in `{}`", folder.display()))?;
    std::fs::set_permissions(temporary.path(), permissions)
        .with_context(|| format!("setting the permissions of `{}`", path.display()))?;
    temporary
        .persist(&target)
        .map_err(|error| error.error)
        .with_context(|| format!("replacing `{}`", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files may be checked, and so fixed, on several threads at once.
    #[test]
    fn a_fixer_is_shared_between_threads() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Fixer>();
    }

    #[test]
    fn diff_headers_name_the_file() {
        let diff = unified_diff(Path::new("/tmp/zh-cn/a.md"), "a\nb\n", "a\nc\n");
        assert!(diff.starts_with("--- a/tmp/zh-cn/a.md\n+++ b/tmp/zh-cn/a.md\n@@ -1,2 +1,2 @@\n"));
    }
}
