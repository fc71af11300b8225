//! `locdrift check`: finds the files, pairs translations with sources, runs the engine on each
//! and prints the findings.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use codespan_reporting::term::termcolor::StandardStream;

use super::config::Resolved;
use super::fix::Fixer;
use super::gate::{Gate, Reader};
use super::git::Repo;
use super::handoff::Handoffs;
use super::{CheckArgs, FailOn, OutputFormat};
use crate::analysis::Parsed;
use crate::data::RuleData;
use crate::diagnostic::Severity;
use crate::document::Document;
use crate::emit::{FileReport, Totals, github, html, json, junit, sarif, statistics, text};
use crate::engine::{self, CheckOptions, Settings};

/// What a run ended with, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
    Errors,
}

/// Reads a file as a document: UTF-8 text, no NUL bytes.
pub fn read_document(path: &Path) -> Result<Document> {
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        anyhow::bail!(
            "`{}` is UTF-16 text; locdrift reads UTF-8 (convert it with `iconv -f UTF-16 -t UTF-8`)",
            path.display()
        );
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        anyhow::bail!(
            "`{}` is a binary file (NUL byte at offset {offset}), not Markdown",
            path.display()
        );
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "`{}` is not valid UTF-8 (invalid byte at offset {offset})",
            path.display()
        )
    })?;
    Ok(Document::new(path.display().to_string(), text))
}

fn parse(reader: &Reader, path: &Path) -> Result<Parsed> {
    let document = reader.read(path)?;
    Parsed::new(Arc::new(document)).map_err(|error| {
        anyhow::anyhow!(
            "`{}`: malformed side-by-side file at {error}",
            path.display()
        )
    })
}

/// Markdown files below a folder, sorted; a file is itself.
fn collect(path: &Path) -> Result<Vec<PathBuf>> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("reading `{}`", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    let mut seen = std::collections::HashSet::new();
    while let Some(dir) = stack.pop() {
        // A symlink loop would revisit a folder; its canonical path tells.
        if let Ok(canonical) = dir.canonicalize()
            && !seen.insert(canonical)
        {
            continue;
        }
        let entries = std::fs::read_dir(&dir)
            .with_context(|| format!("reading folder `{}`", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("reading folder `{}`", dir.display()))?;
            let entry_path = entry.path();
            if entry_path.is_dir() {
                stack.push(entry_path);
            } else if entry_path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
            {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A locale named by a path component (`zh-cn`, `ja-jp`).
fn locale_from_path(path: &Path) -> Option<String> {
    path.components().rev().skip(1).find_map(|component| {
        let name = component.as_os_str().to_str()?;
        let (language, region) = name.split_once(['-', '_'])?;
        let ok = language.len() == 2
            && language.chars().all(|c| c.is_ascii_alphabetic())
            && (2..=4).contains(&region.len())
            && region.chars().all(|c| c.is_ascii_alphanumeric());
        ok.then(|| name.to_ascii_lowercase())
    })
}

struct Sources {
    /// Source files by path relative to their `--source` folder.
    by_relative: HashMap<PathBuf, PathBuf>,
    by_asset: HashMap<String, PathBuf>,
    /// A single source file given directly pairs with every translation.
    single: Option<PathBuf>,
    parsed: BTreeMap<PathBuf, Result<Arc<Parsed>, String>>,
}

/// Runs `check` and writes its output. Errors about single files are printed to `errors` and
/// the run goes on.
pub fn run(args: &CheckArgs, stdout: &mut dyn Write, errors: &mut dyn Write) -> Result<Outcome> {
    let resolved = super::config::resolve(args)?;
    let args = &resolved.args;
    if args.paths.is_empty() {
        anyhow::bail!(
            "no translations to check: give files or folders, or set `translations` (or `pattern`) in `locdrift.toml` (`locdrift init` writes one)"
        );
    }
    let mut data = RuleData::built_in();
    for book in &args.rulebooks {
        let text = std::fs::read_to_string(book)
            .with_context(|| format!("reading rulebook `{}`", book.display()))?;
        data.add(&book.display().to_string(), &text)?;
    }
    let settings = Settings {
        data,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        severity: resolved.severity.clone(),
    };
    let gate = Gate::new(args)?;
    let mut fixer = Fixer::new(args);
    let (mut reports, failed) = compute(
        args,
        &resolved,
        &settings,
        &gate.reader(),
        &|path| gate.includes(path),
        &mut fixer,
        errors,
    )?;
    gate.keep_new(&mut reports, |reader, errors| {
        let mut no_fixes = Fixer::new(&CheckArgs {
            fix: false,
            diff: false,
            ..args.clone()
        });
        compute(
            args,
            &resolved,
            &settings,
            reader,
            &|path| gate.includes(path),
            &mut no_fixes,
            errors,
        )
        .map(|(reports, _)| reports)
    })?;

    if fixer.is_diff() {
        return fixer.finish_diff(stdout, errors, failed);
    }
    let failed = output(args, &reports, &mut fixer, stdout, errors)? || failed;

    let threshold = match args.fail_on.unwrap_or(FailOn::Error) {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let findings = threshold.is_some_and(|threshold| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= threshold)
    });
    Ok(if failed {
        Outcome::Errors
    } else if findings {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The reports of the files a run checks, sorted by path, and whether a file could not be
/// checked. `reader` gives each file's text; `include` says which files are checked (every
/// source is still read, for pairing).
fn compute(
    args: &CheckArgs,
    resolved: &Resolved,
    settings: &Settings,
    reader: &Reader,
    include: &dyn Fn(&Path) -> bool,
    fixer: &mut Fixer,
    errors: &mut dyn Write,
) -> Result<(Vec<FileReport>, bool)> {
    let handoffs = match &args.source_repo {
        Some(path) => Some(Handoffs::new(Repo::open(path)?)),
        None => None,
    };
    let mut failed = false;
    let mut report_error = |errors: &mut dyn Write, error: anyhow::Error| {
        let _ = writeln!(errors, "error: {error:#}");
        failed = true;
    };

    let mut sources = Sources {
        by_relative: HashMap::new(),
        by_asset: HashMap::new(),
        single: None,
        parsed: BTreeMap::new(),
    };
    let mut source_files = Vec::new();
    for source in &args.source {
        let files = collect(source)?;
        let is_dir = source.is_dir();
        for file in files {
            if !resolved.includes(source, &file) {
                continue;
            }
            if is_dir {
                let relative = file.strip_prefix(source).unwrap_or(&file).to_path_buf();
                sources.by_relative.insert(relative, file.clone());
            } else if args.source.len() == 1 {
                sources.single = Some(file.clone());
            } else {
                sources.by_relative.insert(
                    PathBuf::from(file.file_name().unwrap_or_default()),
                    file.clone(),
                );
            }
            source_files.push(file);
        }
    }
    for file in &source_files {
        let parsed = parse(reader, file).map(Arc::new);
        if let Ok(parsed) = &parsed
            && let Some(asset) = parsed.meta("ms.assetid")
        {
            sources
                .by_asset
                .entry(asset.to_ascii_lowercase())
                .or_insert_with(|| file.clone());
        }
        sources
            .parsed
            .insert(file.clone(), parsed.map_err(|e| format!("{e:#}")));
    }

    fixer.protect(&source_files);
    let mut targets: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in &args.paths {
        for file in collect(path)? {
            if !resolved.includes(path, &file) {
                continue;
            }
            let relative = if path.is_dir() {
                file.strip_prefix(path).unwrap_or(&file).to_path_buf()
            } else {
                PathBuf::from(file.file_name().unwrap_or_default())
            };
            if sources.parsed.contains_key(&file) || !include(&file) {
                continue;
            }
            targets.push((file, relative));
        }
    }

    let mut reports: Vec<FileReport> = Vec::new();
    // Sources are checked on their own once, for the rules that apply to English text.
    for (path, parsed) in &sources.parsed {
        if !include(path) {
            continue;
        }
        match parsed {
            Ok(parsed) => {
                let options = CheckOptions {
                    locale: Some("en-us".into()),
                    is_source_file: true,
                    source_expected: false,
                    handoff: None,
                    ignore: resolved.ignores_for(path),
                };
                match guarded(path, || engine::check(parsed, None, settings, options)) {
                    Ok(diagnostics) => reports.push(FileReport {
                        target: parsed.document.clone(),
                        source: None,
                        diagnostics,
                    }),
                    Err(error) => report_error(errors, error),
                }
            }
            Err(message) => report_error(errors, anyhow::anyhow!("{message}")),
        }
    }
    for (file, relative) in &targets {
        let parsed = match parse(reader, file) {
            Ok(parsed) => parsed,
            Err(error) => {
                report_error(errors, error);
                continue;
            }
        };
        let source_path = sources
            .single
            .clone()
            .or_else(|| sources.by_relative.get(relative).cloned())
            .or_else(|| {
                parsed
                    .meta("ms.assetid")
                    .and_then(|asset| sources.by_asset.get(&asset.to_ascii_lowercase()).cloned())
            });
        if source_path.as_deref() == Some(file.as_path()) {
            report_error(
                errors,
                anyhow::anyhow!(
                    "`{}` is given as both source and translation",
                    file.display()
                ),
            );
            continue;
        }
        let source = source_path
            .as_ref()
            .and_then(|p| sources.parsed.get(p))
            .and_then(|r| r.as_ref().ok())
            .cloned();
        let locale = parsed
            .meta("ms.contentlocale")
            .map(str::to_ascii_lowercase)
            .or_else(|| args.locale.clone())
            .or_else(|| locale_from_path(file));
        let handoff = match (&handoffs, &source_path) {
            (Some(handoffs), Some(source_path)) => handoffs.for_translation(&parsed, source_path),
            _ => None,
        };
        let options = CheckOptions {
            locale,
            is_source_file: false,
            source_expected: !args.source.is_empty(),
            handoff,
            ignore: resolved.ignores_for(file),
        };
        let checked = guarded(file, || {
            let diagnostics = engine::check(&parsed, source.as_deref(), settings, options.clone());
            fixer.fix(
                file,
                &parsed,
                source.as_deref(),
                settings,
                &options,
                diagnostics,
            )
        });
        match checked.and_then(|result| result) {
            Ok((document, diagnostics)) => reports.push(FileReport {
                target: document,
                source: source.map(|s| s.document.clone()),
                diagnostics,
            }),
            Err(error) => report_error(errors, error),
        }
    }
    reports.sort_by(|a, b| a.target.path.cmp(&b.target.path));
    Ok((reports, failed))
}

/// Writes the reports in the chosen format, then what `--fix` did; true when a fixed file
/// could not be written.
fn output(
    args: &CheckArgs,
    reports: &[FileReport],
    fixer: &mut Fixer,
    stdout: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<bool> {
    let mut failed = false;
    let reports = reports.to_vec();
    if args.statistics {
        let counts = statistics::count(&reports, |d| fixer.mode().allows(d));
        match args.format {
            OutputFormat::Human => {
                write!(stdout, "{}", statistics::to_text(&counts, fixer.command()))?
            }
            _ => writeln!(stdout, "{}", statistics::to_json(&counts))?,
        }
    } else {
        let cwd = cwd();
        match args.format {
            OutputFormat::Human => {
                let stream = StandardStream::stdout(super::terminal_color(args.color));
                let mut lock = stream.lock();
                for report in &reports {
                    text::render(report, &mut lock)?;
                }
                drop(lock);
                writeln!(stdout, "{}", Totals::of(&reports).summary())?;
            }
            OutputFormat::Json => writeln!(stdout, "{}", json::to_array(&reports))?,
            OutputFormat::Jsonl => write!(stdout, "{}", json::to_lines(&reports))?,
            OutputFormat::Sarif => writeln!(stdout, "{}", sarif::render(&reports, cwd.as_deref()))?,
            OutputFormat::Github => write!(stdout, "{}", github::render(&reports, cwd.as_deref()))?,
            OutputFormat::Junit => write!(
                stdout,
                "{}",
                junit::render(
                    &reports,
                    args.fail_on.unwrap_or(FailOn::Error).threshold(),
                    cwd.as_deref(),
                )
            )?,
            OutputFormat::Html => write!(stdout, "{}", html::render(&reports, cwd.as_deref()))?,
        }
    }
    if fixer.is_on() {
        fixer.write_summary(args.format == OutputFormat::Human, stdout, errors)?;
        failed |= fixer.write_errors(errors)?;
    }
    stdout.flush()?;
    Ok(failed)
}

/// The working directory, which CI formats make paths relative to.
fn cwd() -> Option<PathBuf> {
    std::env::current_dir().ok()
}

/// Runs a check, turning a panic into an error that names the file.
fn guarded<T>(path: &Path, check: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(check)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // A slicing panic quotes the text it sliced, which can be the whole file.
        let message: String = message
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect();
        anyhow::anyhow!(
            "internal error while checking `{}`: {message}; please report this as a bug",
            path.display()
        )
    })
}
