//! The few git questions locdrift asks, answered by the `git` program on the PATH: file
//! contents at a revision, files changed since a revision, and staged files.
//!
//! Revisions given by users are checked before they reach `git`, so that a value such as
//! `--output=x` can never be read as an option.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// A git work tree.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top-level folder of the work tree, canonical.
    pub root: PathBuf,
}

/// Why a file could not be read at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShowError {
    /// The repository has no such commit (or ref).
    UnknownRevision,
    /// The commit exists but has no file at that path.
    NoSuchPath,
    /// The file is not UTF-8 text.
    NotText,
    /// git failed otherwise.
    Other(String),
}

impl std::fmt::Display for ShowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShowError::UnknownRevision => f.write_str("the repository has no such commit"),
            ShowError::NoSuchPath => f.write_str("the file does not exist at that commit"),
            ShowError::NotText => f.write_str("the file at that commit is not UTF-8 text"),
            ShowError::Other(message) => f.write_str(message),
        }
    }
}

/// Refuses revisions that git could mistake for options or that are not revision syntax.
pub fn validate_revision(revision: &str) -> Result<()> {
    let valid = !revision.is_empty()
        && !revision.starts_with('-')
        && revision
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/~^@{}-+".contains(c));
    if !valid {
        bail!("`{revision}` is not a git revision");
    }
    Ok(())
}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    command
}

fn run(mut command: Command) -> Result<std::process::Output> {
    command.output().map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!("`git` is not on the PATH; it is needed to read revisions")
        } else {
            anyhow::Error::new(error).context("running `git`")
        }
    })
}

/// Splits NUL-separated `git … -z` output into paths.
fn nul_paths(bytes: &[u8]) -> Vec<PathBuf> {
    bytes
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .collect()
}

impl Repo {
    /// The work tree that holds `path` (a folder or a file in it).
    pub fn open(path: &Path) -> Result<Repo> {
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let mut command = git(&dir);
        command.args(["rev-parse", "--show-toplevel"]);
        let output = run(command)?;
        if !output.status.success() {
            bail!("`{}` is not inside a git work tree", path.display());
        }
        let root = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let root = PathBuf::from(root)
            .canonicalize()
            .with_context(|| format!("reading `{}`", path.display()))?;
        Ok(Repo { root })
    }

    /// A path (absolute or relative to the current folder) relative to the work tree's root,
    /// with `/` separators as git writes them.
    pub fn relative(&self, path: &Path) -> Result<String> {
        let absolute = if path.exists() {
            path.canonicalize()
                .with_context(|| format!("reading `{}`", path.display()))?
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            let parent = parent.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            parent
                .canonicalize()
                .with_context(|| format!("reading `{}`", parent.display()))?
                .join(path.file_name().unwrap_or_default())
        };
        let relative = absolute.strip_prefix(&self.root).map_err(|_| {
            anyhow::anyhow!(
                "`{}` is not inside the git work tree `{}`",
                path.display(),
                self.root.display()
            )
        })?;
        Ok(relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"))
    }

    /// Whether the repository has this commit.
    pub fn has_commit(&self, revision: &str) -> bool {
        if validate_revision(revision).is_err() {
            return false;
        }
        let mut command = git(&self.root);
        command.args(["cat-file", "-e", &format!("{revision}^{{commit}}")]);
        run(command).is_ok_and(|output| output.status.success())
    }

    /// The text of a file (path relative to the root) at a revision; an empty revision reads
    /// the index (the staged content).
    pub fn show(&self, revision: &str, relative: &str) -> Result<String, ShowError> {
        if !revision.is_empty() {
            validate_revision(revision).map_err(|e| ShowError::Other(e.to_string()))?;
            if !self.has_commit(revision) {
                return Err(ShowError::UnknownRevision);
            }
        }
        let mut command = git(&self.root);
        command
            .args(["cat-file", "blob"])
            .arg(format!("{revision}:{relative}"));
        let output = run(command).map_err(|e| ShowError::Other(format!("{e:#}")))?;
        if !output.status.success() {
            return Err(ShowError::NoSuchPath);
        }
        String::from_utf8(output.stdout).map_err(|_| ShowError::NotText)
    }

    /// Files that differ between `revision` and the work tree (committed or not), and files
    /// not yet tracked; paths relative to the root.
    pub fn changed_since(&self, revision: &str) -> Result<Vec<String>> {
        validate_revision(revision)?;
        if !self.has_commit(revision) {
            bail!(
                "the repository `{}` has no revision `{revision}`",
                self.root.display()
            );
        }
        let mut command = git(&self.root);
        command.args(["diff", "--name-only", "-z", "--no-renames", revision, "--"]);
        let mut files = self.paths(command)?;
        let mut command = git(&self.root);
        command.args(["ls-files", "-z", "--others", "--exclude-standard"]);
        files.extend(self.paths(command)?);
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// Files added, copied, modified or renamed in the index; paths relative to the root.
    pub fn staged(&self) -> Result<Vec<String>> {
        let mut command = git(&self.root);
        command.args([
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
        ]);
        self.paths(command)
    }

    fn paths(&self, command: Command) -> Result<Vec<String>> {
        let output = run(command)?;
        if !output.status.success() {
            bail!(
                "git failed in `{}`: {}",
                self.root.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(nul_paths(&output.stdout)
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect())
    }
}

/// `REV:path`, as git writes a file at a revision. A path that exists on disk is a file even if
/// it holds a colon.
pub fn split_revision_path(spec: &OsStr) -> Option<(String, String)> {
    if Path::new(spec).exists() {
        return None;
    }
    let spec = spec.to_str()?;
    let (revision, path) = spec.split_once(':')?;
    (!revision.is_empty() && !path.is_empty() && validate_revision(revision).is_ok())
        .then(|| (revision.to_string(), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_that_look_like_options_are_refused() {
        assert!(validate_revision("HEAD~1").is_ok());
        assert!(validate_revision("origin/main").is_ok());
        assert!(validate_revision("a0d3e7a177fcd0667ab0d7d0e904f4053b09a92d").is_ok());
        assert!(validate_revision("--output=/tmp/x").is_err());
        assert!(validate_revision("HEAD;rm").is_err());
        assert!(validate_revision("").is_err());
    }

    #[test]
    fn revision_paths() {
        assert_eq!(
            split_revision_path(OsStr::new("HEAD~2:docs/a.md")),
            Some(("HEAD~2".into(), "docs/a.md".into()))
        );
        assert_eq!(split_revision_path(OsStr::new("docs/a.md")), None);
    }
}
