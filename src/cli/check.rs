//! `locdrift check`: finds the files, pairs translations with sources, runs the engine on each
//! and prints the findings.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context as _, Result};
use codespan_reporting::term::termcolor::Buffer;

use super::progress::Progress;
use super::{CheckArgs, ColorChoice, FailOn, OutputFormat, runner, walk};
use crate::analysis::Parsed;
use crate::data::RuleData;
use crate::diagnostic::Severity;
use crate::document::Document;
use crate::emit::{FileReport, Totals, json, text};
use crate::engine::{self, CheckOptions, Settings};
use crate::markdown::frontmatter;

/// What a run ended with, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
    Errors,
}

/// Reads a file as a document: UTF-8 text, no NUL bytes, at most `limit` bytes.
pub fn read_document(path: &Path, limit: u64) -> Result<Document> {
    let file =
        std::fs::File::open(path).with_context(|| format!("reading `{}`", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("reading `{}`", path.display()))?
        .len();
    if size > limit {
        anyhow::bail!("{}", too_large(path, size, limit));
    }
    // A file that grows while it is read is still held to the limit.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading `{}`", path.display()))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!("{}", too_large(path, bytes.len() as u64, limit));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        anyhow::bail!(
            "`{}` is UTF-16 text; locdrift reads UTF-8 (convert it with `iconv -f UTF-16 -t UTF-8`)",
            path.display()
        );
    }
    // `contains` on bytes is a memchr; the offset is only looked for when there is one.
    if bytes.contains(&0)
        && let Some(offset) = bytes.iter().position(|&b| b == 0)
    {
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

fn too_large(path: &Path, size: u64, limit: u64) -> String {
    format!(
        "`{}` is {} ({size} bytes), over the {} limit; skipped (raise it with `--max-file-size`)",
        path.display(),
        human_size(size),
        human_size(limit)
    )
}

/// `16 MiB`, `1.5 KiB`, `300 B`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Reads and parses a file. A side-by-side file whose spans cannot be split, and front matter
/// that never closes (everything after it would be read as metadata by DocFX, as Markdown by
/// us), are errors that name the line.
fn parse(path: &Path, limit: u64) -> Result<Parsed> {
    let document = read_document(path, limit)?;
    let parsed = Parsed::new(Arc::new(document)).map_err(|error| {
        anyhow::anyhow!(
            "`{}`: malformed side-by-side file at {error}",
            path.display()
        )
    })?;
    // A first line `---` followed by prose is a thematic break; followed by `key: value`, it
    // was meant to open front matter.
    let meant_as_front_matter = |range: &std::ops::Range<usize>| {
        let next_line = parsed.document.text[range.end..]
            .trim_start_matches(['\r', '\n'])
            .lines()
            .next()
            .unwrap_or_default();
        next_line.split_once(':').is_some_and(|(key, rest)| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                && (rest.is_empty() || rest.starts_with([' ', '\t']))
        })
    };
    if let Some(range) = parsed
        .unclosed_front_matter
        .as_ref()
        .filter(|range| meant_as_front_matter(range))
    {
        anyhow::bail!(
            "`{}`: the front matter opened on line {} never closes (no `---` line after it)",
            path.display(),
            parsed.document.line_column(range.start).line
        );
    }
    Ok(parsed)
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

/// The English sources of a run, found but not yet read: each check reads and parses the source
/// it needs, so a run holds only the files in flight, whatever the size of the tree.
struct Sources {
    /// Every source file, sorted.
    files: Vec<PathBuf>,
    /// Source files by path relative to their `--source` folder.
    by_relative: HashMap<PathBuf, PathBuf>,
    /// Source files by `ms.assetid`, read from their front matter when first needed.
    by_asset: OnceLock<HashMap<String, PathBuf>>,
    /// A single source file given directly pairs with every translation.
    single: Option<PathBuf>,
    limit: u64,
}

impl Sources {
    fn by_asset(&self) -> &HashMap<String, PathBuf> {
        self.by_asset.get_or_init(|| {
            let mut by_asset = HashMap::new();
            for file in &self.files {
                // A source that cannot be read is reported by its own check.
                let Ok(document) = read_document(file, self.limit) else {
                    continue;
                };
                if let Ok(Some(front_matter)) = frontmatter::parse(&document.text)
                    && let Some(entry) = front_matter.get("ms.assetid")
                {
                    by_asset
                        .entry(entry.value.to_ascii_lowercase())
                        .or_insert_with(|| file.clone());
                }
            }
            by_asset
        })
    }

    /// The source a translation pairs with.
    fn find(&self, relative: &Path, target: &Parsed) -> Option<PathBuf> {
        self.single
            .clone()
            .or_else(|| self.by_relative.get(relative).cloned())
            .or_else(|| {
                let asset = target.meta("ms.assetid")?;
                self.by_asset().get(&asset.to_ascii_lowercase()).cloned()
            })
    }
}

/// One file of a run.
#[derive(Debug)]
enum Job {
    /// An English source, checked on its own for the rules that apply to English text.
    Source(PathBuf),
    /// A translation, with its path relative to the folder it was found in (or its file name).
    Target { file: PathBuf, relative: PathBuf },
}

impl Job {
    fn path(&self) -> &Path {
        match self {
            Job::Source(file) | Job::Target { file, .. } => file,
        }
    }
}

/// What checking one file gave: its output, ready to write, and what it counts for.
#[derive(Debug, Default)]
struct Checked {
    output: Vec<u8>,
    error: Option<String>,
    totals: Totals,
    /// A finding at or above `--fail-on`.
    fails: bool,
}

/// How each file's findings are rendered, decided once per run.
struct Render {
    format: OutputFormat,
    color: bool,
    threshold: Option<Severity>,
}

impl Render {
    fn report(&self, report: &FileReport) -> Checked {
        let mut totals = Totals::default();
        totals.add(report);
        let output = match self.format {
            OutputFormat::Human => {
                let mut buffer = if self.color {
                    Buffer::ansi()
                } else {
                    Buffer::no_color()
                };
                // Writing to memory cannot fail.
                let _ = text::render(report, &mut buffer);
                buffer.into_inner()
            }
            OutputFormat::Json => json::array_elements(report).into_bytes(),
            OutputFormat::Jsonl => json::lines(report).into_bytes(),
        };
        Checked {
            output,
            error: None,
            totals,
            fails: self.threshold.is_some_and(|threshold| {
                report.diagnostics.iter().any(|d| d.severity >= threshold)
            }),
        }
    }
}

/// Whether human output gets colour, as termcolor's `auto` would decide for a terminal.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_some_and(|term| term != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Runs `check` and writes its output. Errors about single files are printed to `errors` and
/// the run goes on.
pub fn run(args: &CheckArgs, stdout: &mut dyn Write, errors: &mut dyn Write) -> Result<Outcome> {
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
    };
    let limit = args.max_file_size;
    let mut failed = false;

    let mut sources = Sources {
        files: Vec::new(),
        by_relative: HashMap::new(),
        by_asset: OnceLock::new(),
        single: None,
        limit,
    };
    let mut walk_errors = Vec::new();
    for source in &args.source {
        let walked = walk::walk(source)?;
        walk_errors.extend(walked.errors);
        let is_dir = source.is_dir();
        for file in walked.files {
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
            sources.files.push(file);
        }
    }
    sources.files.sort();
    sources.files.dedup();
    let source_set: HashSet<&PathBuf> = sources.files.iter().collect();

    let mut jobs: Vec<Job> = sources.files.iter().cloned().map(Job::Source).collect();
    for path in &args.paths {
        let walked = walk::walk(path)?;
        walk_errors.extend(walked.errors);
        let is_dir = path.is_dir();
        for file in walked.files {
            if source_set.contains(&file) {
                // A folder of translations may hold the sources; a file named as both is a
                // mistake, reported by its check.
                if is_dir {
                    continue;
                }
            }
            let relative = if is_dir {
                file.strip_prefix(path).unwrap_or(&file).to_path_buf()
            } else {
                PathBuf::from(file.file_name().unwrap_or_default())
            };
            jobs.push(Job::Target { file, relative });
        }
    }
    // Output is sorted by the path as displayed; the sort is stable, so a source comes before
    // a translation of the same name.
    jobs.sort_by_cached_key(|job| job.path().display().to_string());
    // A file named twice (`zh-cn zh-cn/a.md`) is checked once.
    jobs.dedup_by(|a, b| {
        matches!(
            (&*a, &*b),
            (Job::Source(x), Job::Source(y)) | (Job::Target { file: x, .. }, Job::Target { file: y, .. })
                if x == y
        )
    });
    if let Some(shard) = args.shard {
        jobs = jobs
            .into_iter()
            .enumerate()
            .filter(|(position, _)| shard.contains(*position))
            .map(|(_, job)| job)
            .collect();
    }
    for error in walk_errors {
        writeln!(errors, "error: {error}")?;
        failed = true;
    }

    let render = Render {
        format: args.format,
        color: args.format == OutputFormat::Human && use_color(args.color),
        threshold: match args.fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        },
    };
    let check_one = |job: &Job| -> Checked {
        let result = guarded(job.path(), || {
            check_job(job, &sources, &settings, args, limit).map(|report| render.report(&report))
        })
        .and_then(|checked| checked);
        result.unwrap_or_else(|error| Checked {
            error: Some(format!("{error:#}")),
            ..Checked::default()
        })
    };

    let threads = args
        .jobs
        .map_or_else(runner::default_jobs, |jobs| jobs as usize);
    let mut progress = Progress::new(jobs.len());
    let mut totals = Totals::default();
    let mut fails = false;
    let mut array = json::ArrayWriter::default();
    let streamed = runner::ordered_map(&jobs, threads, threads * 4, check_one, |checked| {
        progress.inc();
        progress.suspend(|| -> Result<()> {
            if let Some(error) = &checked.error {
                writeln!(errors, "error: {error}")?;
                failed = true;
            }
            match args.format {
                OutputFormat::Json => array.write(&checked.output, stdout)?,
                _ => stdout.write_all(&checked.output)?,
            }
            Ok(())
        })?;
        totals.merge(checked.totals);
        fails |= checked.fails;
        Ok::<(), anyhow::Error>(())
    });
    // Cleared even when writing failed (a closed pipe), so the terminal is left clean.
    progress.finish();
    streamed?;

    match args.format {
        OutputFormat::Human => writeln!(stdout, "{}", totals.summary())?,
        OutputFormat::Json => {
            array.finish(stdout)?;
            writeln!(stdout)?;
        }
        OutputFormat::Jsonl => {}
    }
    stdout.flush()?;

    Ok(if failed {
        Outcome::Errors
    } else if fails {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Whether two paths name the same file (`a.md` and `./a.md`, or a link and its target).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

/// Reads, parses and checks one file of a run.
fn check_job(
    job: &Job,
    sources: &Sources,
    settings: &Settings,
    args: &CheckArgs,
    limit: u64,
) -> Result<FileReport> {
    let (file, relative) = match job {
        Job::Source(file) => {
            let parsed = parse(file, limit)?;
            let options = CheckOptions {
                locale: Some("en-us".into()),
                is_source_file: true,
                source_expected: false,
            };
            let diagnostics = engine::check(&parsed, None, settings, options);
            return Ok(FileReport {
                target: parsed.document.clone(),
                source: None,
                diagnostics,
            });
        }
        Job::Target { file, relative } => (file, relative),
    };
    let parsed = parse(file, limit)?;
    let source_path = sources.find(relative, &parsed);
    if source_path
        .as_deref()
        .is_some_and(|source| same_file(source, file))
    {
        anyhow::bail!(
            "`{}` is given as both source and translation",
            file.display()
        );
    }
    // A source that cannot be read or parsed is reported by its own check; here the
    // translation is checked as if it had none.
    let source = source_path.and_then(|path| parse(&path, limit).ok());
    let locale = parsed
        .meta("ms.contentlocale")
        .map(str::to_ascii_lowercase)
        .or_else(|| args.locale.clone())
        .or_else(|| locale_from_path(file));
    let options = CheckOptions {
        locale,
        is_source_file: false,
        source_expected: !args.source.is_empty(),
    };
    let diagnostics = engine::check(&parsed, source.as_ref(), settings, options);
    Ok(FileReport {
        target: parsed.document.clone(),
        source: source.map(|s| s.document.clone()),
        diagnostics,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_removed_after_the_walk_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "# 标题\n").unwrap();
        let job = Job::Target {
            file: file.clone(),
            relative: PathBuf::from("a.md"),
        };
        std::fs::remove_file(&file).unwrap();
        let sources = Sources {
            files: Vec::new(),
            by_relative: HashMap::new(),
            by_asset: OnceLock::new(),
            single: None,
            limit: 1 << 20,
        };
        let args = CheckArgs {
            paths: vec![file.clone()],
            source: Vec::new(),
            format: OutputFormat::Json,
            color: ColorChoice::Never,
            rulebooks: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: FailOn::Error,
            locale: None,
            jobs: None,
            shard: None,
            max_file_size: 1 << 20,
        };
        let error = check_job(&job, &sources, &Settings::default(), &args, 1 << 20).unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            format!(
                "reading `{}`: No such file or directory (os error 2)",
                file.display()
            )
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(300), "300 B");
        assert_eq!(human_size(16 << 20), "16 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
