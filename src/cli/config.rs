//! Finding `locdrift.toml`, merging it with the command line, and `locdrift init`.
//!
//! The file is looked for in the current folder and then in each parent (or given with
//! `--config`; `--no-config` skips it). Its paths are relative to its folder. Command-line
//! options win: paths, `--source`, `--select`, `--locale` and `--fail-on` replace the file's;
//! `--ignore` and `--rules` add to it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::{CheckArgs, FailOn};
use crate::config::{Config, FILE_NAME, FailOnLevel};
use crate::diagnostic::Severity;

/// The command line with the configuration file folded in, and what only the file can say.
#[derive(Debug)]
pub struct Resolved {
    pub args: CheckArgs,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Severity overrides by code (rules turned `off` are in `args.ignore`).
    pub severity: BTreeMap<&'static str, Severity>,
    /// The config file's folder, canonical, for `per-path` globs.
    root: Option<PathBuf>,
    per_path: Vec<(GlobSet, Vec<String>)>,
    /// Folders from `pattern`, whose files must also match the glob after `{locale}`.
    include: Option<(Vec<PathBuf>, GlobSet)>,
    /// `exclude`: files found in folders that are skipped.
    exclude: Option<GlobSet>,
}

fn glob_set(globs: &[&str]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(GlobBuilder::new(glob).literal_separator(true).build()?);
    }
    Ok(builder.build()?)
}

/// `path` relative to `base`, both absolute, with `..` where needed.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..base.len() {
        relative.push("..");
    }
    for component in &path[common..] {
        relative.push(component);
    }
    relative
}

/// Whether a folder name looks like a locale (`zh-cn`, `ja-JP`, `zh_Hant`).
fn is_locale_name(name: &str) -> bool {
    let Some((language, region)) = name.split_once(['-', '_']) else {
        return false;
    };
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && (2..=4).contains(&region.len())
        && region.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Locale folders directly in `dir`, sorted.
fn locale_folders(dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .with_context(|| format!("reading folder `{}`", dir.display()))?;
    for entry in entries.flatten() {
        if entry.path().is_dir()
            && let Some(name) = entry.file_name().to_str()
            && is_locale_name(name)
        {
            found.push(name.to_string());
        }
    }
    found.sort();
    Ok(found)
}

/// The configuration file to use: `--config`, or the nearest `locdrift.toml` above the current
/// folder, as a path usable from the current folder.
fn locate(args: &CheckArgs) -> Result<Option<PathBuf>> {
    if args.no_config {
        return Ok(None);
    }
    if let Some(path) = &args.config {
        if !path.is_file() {
            anyhow::bail!("configuration file `{}` not found", path.display());
        }
        return Ok(Some(path.clone()));
    }
    let cwd = std::env::current_dir().context("reading the current folder")?;
    for dir in cwd.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(relative_to(&candidate, &cwd)));
        }
    }
    Ok(None)
}

/// Reads the configuration (if any) and merges it into the command line.
pub fn resolve(args: &CheckArgs) -> Result<Resolved> {
    let mut resolved = Resolved {
        args: args.clone(),
        path: None,
        severity: BTreeMap::new(),
        root: None,
        per_path: Vec::new(),
        include: None,
        exclude: None,
    };
    let Some(path) = locate(args)? else {
        return Ok(resolved);
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading configuration file `{}`", path.display()))?;
    let config = Config::parse(&text).map_err(|error| {
        anyhow::anyhow!("invalid configuration file `{}`: {error}", path.display())
    })?;
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let rebase = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() || base.as_os_str().is_empty() || base == Path::new(".") {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let out = &mut resolved.args;

    // Where the files are.
    let mut layout_sources = config.source.as_deref().map(|s| vec![rebase(s)]);
    let mut layout_paths: Option<Vec<PathBuf>> = config
        .translations
        .as_ref()
        .map(|t| t.iter().map(|p| rebase(p)).collect());
    if let Some(pattern) = &config.pattern {
        let (before, after) = pattern
            .split_once("{locale}")
            .expect("checked when parsing");
        let folder = rebase(before.trim_end_matches('/'));
        let source_locale = config.source_locale.as_deref().unwrap_or("en-us");
        let locales = match &config.locales {
            Some(locales) => locales.clone(),
            None => locale_folders(&folder)?
                .into_iter()
                .filter(|l| !l.eq_ignore_ascii_case(source_locale))
                .collect(),
        };
        let source = folder.join(source_locale);
        let paths: Vec<PathBuf> = locales.iter().map(|l| folder.join(l)).collect();
        let glob = after.trim_start_matches('/');
        if !glob.is_empty() {
            let set =
                glob_set(&[glob]).with_context(|| format!("`pattern` in `{}`", path.display()))?;
            let mut roots = paths.clone();
            roots.push(source.clone());
            resolved.include = Some((roots, set));
        }
        layout_sources = Some(vec![source]);
        layout_paths = Some(paths);
    }
    if out.paths.is_empty() {
        out.paths = layout_paths.unwrap_or_default();
    } else {
        // Paths given on the command line are not filtered by the pattern.
        resolved.include = None;
    }
    if out.source.is_empty() {
        out.source = layout_sources.unwrap_or_default();
    }

    // What runs.
    let mut rulebooks: Vec<PathBuf> = config
        .rulebooks
        .iter()
        .flatten()
        .map(|b| rebase(b))
        .collect();
    rulebooks.append(&mut out.rulebooks);
    out.rulebooks = rulebooks;
    if out.select.is_empty() {
        out.select = config
            .select
            .iter()
            .flatten()
            .map(|s| s.get_ref().clone())
            .collect();
    }
    let mut ignore: Vec<String> = config
        .ignore
        .iter()
        .flatten()
        .map(|s| s.get_ref().clone())
        .collect();
    for (code, severity) in config.severity_overrides() {
        match severity {
            Some(severity) => {
                resolved.severity.insert(code, severity);
            }
            None => ignore.push(code.to_string()),
        }
    }
    ignore.append(&mut out.ignore);
    out.ignore = ignore;
    if out.fail_on.is_none() {
        out.fail_on = config.fail_on.map(|level| match level {
            FailOnLevel::Error => FailOn::Error,
            FailOnLevel::Warning => FailOn::Warning,
            FailOnLevel::Info => FailOn::Info,
            FailOnLevel::Never => FailOn::Never,
        });
    }
    if out.locale.is_none() {
        out.locale = config.locale.clone();
    }

    for per_path in config.per_path.iter().flatten() {
        let globs: Vec<&str> = per_path
            .paths
            .iter()
            .map(|g| g.get_ref().as_str())
            .collect();
        let set =
            glob_set(&globs).with_context(|| format!("`per-path` in `{}`", path.display()))?;
        let ignore = per_path
            .ignore
            .iter()
            .map(|s| s.get_ref().clone())
            .collect();
        resolved.per_path.push((set, ignore));
    }
    if let Some(exclude) = &config.exclude {
        let globs: Vec<&str> = exclude.iter().map(|g| g.get_ref().as_str()).collect();
        resolved.exclude =
            Some(glob_set(&globs).with_context(|| format!("`exclude` in `{}`", path.display()))?);
    }
    if !resolved.per_path.is_empty() || resolved.exclude.is_some() {
        let folder = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &base
        };
        resolved.root = folder.canonicalize().ok();
    }
    resolved.path = Some(path);
    Ok(resolved)
}

impl Resolved {
    /// The rules `[[per-path]]` ignores in `file`.
    pub fn ignores_for(&self, file: &Path) -> Vec<String> {
        if self.per_path.is_empty() {
            return Vec::new();
        }
        let Some(relative) = self.config_relative(file) else {
            return Vec::new();
        };
        self.per_path
            .iter()
            .filter(|(set, _)| set.is_match(&relative))
            .flat_map(|(_, ignore)| ignore.iter().cloned())
            .collect()
    }

    /// Whether `file`, found below the folder `root` given as a path, is one to check: with a
    /// `pattern`, files of its folders must match the glob after `{locale}`.
    /// `exclude` skips files found in folders; a file named on its own is always read.
    pub fn includes(&self, root: &Path, file: &Path) -> bool {
        if root != file
            && let Some(exclude) = &self.exclude
            && self
                .config_relative(file)
                .is_some_and(|relative| exclude.is_match(relative))
        {
            return false;
        }
        let Some((roots, set)) = &self.include else {
            return true;
        };
        if !roots.iter().any(|r| r == root) {
            return true;
        }
        file.strip_prefix(root)
            .is_ok_and(|relative| set.is_match(relative))
    }

    /// A file's path relative to the config file's folder, if it is below it.
    fn config_relative(&self, file: &Path) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        let canonical = file.canonicalize().ok()?;
        canonical.strip_prefix(root).ok().map(Path::to_path_buf)
    }
}

/// `locdrift init`: writes a commented `locdrift.toml` in the current folder, filled in with
/// the locale folders found there.
pub fn init(force: bool, out: &mut dyn Write) -> Result<()> {
    let path = Path::new(FILE_NAME);
    if path.exists() && !force {
        anyhow::bail!("`{FILE_NAME}` already exists; use `--force` to overwrite it");
    }
    let locales = locale_folders(Path::new("."))?;
    let source = locales
        .iter()
        .find(|l| l.eq_ignore_ascii_case("en-us"))
        .cloned();
    let translations: Vec<String> = locales
        .iter()
        .filter(|l| Some(*l) != source.as_ref())
        .cloned()
        .collect();
    let text = crate::config::starter(source.as_deref(), &translations);
    std::fs::write(path, text).with_context(|| format!("writing `{FILE_NAME}`"))?;
    match source {
        Some(source) if !translations.is_empty() => writeln!(
            out,
            "Wrote {FILE_NAME}: sources in `{source}`, translations in {}. Run `locdrift check`.",
            translations
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )?,
        _ => writeln!(
            out,
            "Wrote {FILE_NAME}; set `source` and `translations` in it (no `en-us` folder with locale folders beside it was found here)."
        )?,
    }
    Ok(())
}
