//! Finding the Markdown files of a run: a file given by name is itself; a folder is walked with
//! the `ignore` crate, so `.gitignore`, `.ignore` and hidden files are skipped as `git` and `rg`
//! skip them, and symbolic links are followed with loops detected and reported.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// The files below one path, sorted, and what could not be walked.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    /// One message per folder or link that could not be read, naming it.
    pub errors: Vec<String>,
}

/// Whether a file name is Markdown (`.md` or `.markdown`, any case).
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Markdown files below a folder, sorted by path; a file given by name is returned whatever its
/// extension. A path that does not exist is an error; a folder that cannot be read inside the
/// walk is reported in [`Walked::errors`] and the walk goes on.
pub fn walk(path: &Path) -> Result<Walked> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("reading `{}`", path.display()))?;
    if !metadata.is_dir() {
        return Ok(Walked {
            files: vec![path.to_path_buf()],
            errors: Vec::new(),
        });
    }
    let mut walked = Walked::default();
    let walker = ignore::WalkBuilder::new(path)
        .follow_links(true)
        // `.gitignore` applies whether or not the folder is inside a git checkout: a docs folder
        // copied out of one should be checked the same way.
        .require_git(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_markdown(entry.path()) {
                    walked.files.push(entry.into_path());
                }
            }
            Err(error) => walked.errors.push(describe(&error)),
        }
    }
    walked.files.sort();
    Ok(walked)
}

/// A walk error as one line that names the path and the problem.
fn describe(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err)
        }
        ignore::Error::Loop { ancestor, child } => format!(
            "`{}` is a symbolic link loop (it leads back to `{}`); not followed",
            child.display(),
            ancestor.display()
        ),
        ignore::Error::WithPath { path, err } => match err.as_ref() {
            ignore::Error::Io(io) => format!("reading `{}`: {io}", path.display()),
            other => format!("`{}`: {}", path.display(), describe(other)),
        },
        ignore::Error::Partial(errors) => {
            errors.iter().map(describe).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, relative: &str) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "# x\n").unwrap();
    }

    fn names(walked: &Walked, root: &Path) -> Vec<String> {
        walked
            .files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn walks_markdown_sorted_and_respects_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "b/z.md",
            "a/y.MARKDOWN",
            "a/x.md",
            "a/notes.txt",
            "build/out.md",
            ".hidden/h.md",
            "a/skip-me.md",
        ] {
            touch(root, file);
        }
        std::fs::write(root.join(".gitignore"), "build/\nskip-*.md\n").unwrap();
        let walked = walk(root).unwrap();
        assert_eq!(names(&walked, root), ["a/x.md", "a/y.MARKDOWN", "b/z.md"]);
        assert!(walked.errors.is_empty(), "{:?}", walked.errors);
    }

    #[test]
    fn a_file_given_by_name_is_itself_whatever_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "notes.txt");
        let walked = walk(&dir.path().join("notes.txt")).unwrap();
        assert_eq!(walked.files, [dir.path().join("notes.txt")]);
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let error = walk(Path::new("/nonexistent/locdrift")).unwrap_err();
        assert!(format!("{error:#}").contains("`/nonexistent/locdrift`"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_reported_once_and_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "a/x.md");
        std::os::unix::fs::symlink(root.join("a"), root.join("a/again")).unwrap();
        let walked = walk(root).unwrap();
        assert_eq!(names(&walked, root), ["a/x.md"]);
        assert_eq!(walked.errors.len(), 1, "{:?}", walked.errors);
        assert!(
            walked.errors[0].contains("a/again") && walked.errors[0].contains("loop"),
            "{}",
            walked.errors[0]
        );
    }
}
