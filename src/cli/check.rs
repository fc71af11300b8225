//! `locdrift check`: resolves the configuration, finds the files, pairs translations with
//! sources, checks them in parallel and writes the findings in path order.
//!
//! Human, JSON and JSON Lines output stream: each file's findings are written as soon as the
//! files before it are done, and only the files in flight are held in memory. The formats that
//! describe a whole run (SARIF, JUnit, HTML, GitHub annotations) render each file's part as it
//! arrives and write the whole at the end (see [`RunWriter`]); `--statistics` counts.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context as _, Result};
use clap::ValueEnum as _;
use codespan_reporting::term::termcolor::Buffer;

use super::config::Resolved;
use super::fix::Fixer;
use super::gate::{Gate, Reader};
use super::git::Repo;
use super::handoff::Handoffs;
use super::progress::Progress;
use super::{CheckArgs, ColorChoice, FailOn, OutputFormat, runner, walk};
use crate::analysis::Parsed;
use crate::data::RuleData;
use crate::document::Document;
use crate::emit::github::GithubWriter;
use crate::emit::html::HtmlWriter;
use crate::emit::junit::JunitWriter;
use crate::emit::sarif::SarifWriter;
use crate::emit::{
    Failure, FileReport, RunWriter, Totals, json, locale_from_path, statistics, text,
};
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
    file.take(limit.saturating_add(1))
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
    // The memchr crate's search, not `<[u8]>::contains`: core's memchr reads a word at a
    // time, and over every byte of every file it cost a quarter of reading.
    if let Some(offset) = memchr::memchr(0, &bytes) {
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
fn parse(reader: &Reader, path: &Path, limit: u64) -> Result<Parsed> {
    let document = reader.read(path, limit)?;
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

/// The English sources of a run, found but not yet read: each check reads and parses the source
/// it needs, so a run holds only the files in flight, whatever the size of the tree.
struct Sources {
    /// Every source file, sorted.
    files: Vec<PathBuf>,
    /// Source files by path relative to their `--source` folder.
    by_relative: HashMap<PathBuf, PathBuf>,
    /// Source files by `ms.assetid`, read from their front matter when first needed.
    by_asset: OnceLock<HashMap<String, PathBuf>>,
    /// The only source, when it is a file: it pairs with every translation named as a file on
    /// the command line, whatever their names (`--source en.md zh.md ja.md`). Translations found
    /// in a folder pair by relative path or `ms.assetid` as with a folder of sources: forced on
    /// a folder, one article was compared with every other.
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

    /// The source a translation pairs with; `named` when the translation was named as a file.
    fn find(&self, relative: &Path, named: bool, target: &Parsed) -> Option<PathBuf> {
        self.single
            .clone()
            .filter(|_| named)
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
    /// A translation, with its path relative to the folder it was found in (or its file name),
    /// and whether it was named as a file rather than found in a folder.
    Target {
        file: PathBuf,
        relative: PathBuf,
        named: bool,
    },
}

impl Job {
    fn path(&self) -> &Path {
        match self {
            Job::Source(file) | Job::Target { file, .. } => file,
        }
    }
}

/// How each file's findings are rendered when output streams, decided once per run.
struct Render {
    format: OutputFormat,
    color: bool,
    /// The last file's rendering; JSON reuses its memory from file to file.
    buffer: Vec<u8>,
}

impl Render {
    fn bytes(&mut self, report: &FileReport) -> &[u8] {
        match self.format {
            OutputFormat::Json => {
                self.buffer.clear();
                json::write_array_elements(report, &mut self.buffer);
            }
            OutputFormat::Jsonl => self.buffer = json::lines(report),
            _ => {
                let mut buffer = if self.color {
                    Buffer::ansi()
                } else {
                    Buffer::no_color()
                };
                // Writing to memory cannot fail.
                let _ = text::render(report, &mut buffer);
                self.buffer = buffer.into_inner();
            }
        }
        &self.buffer
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

/// What every check of a run shares.
struct Run<'a> {
    args: &'a CheckArgs,
    resolved: &'a Resolved,
    settings: &'a Settings,
    sources: &'a Sources,
    handoffs: Option<&'a Handoffs>,
    fixer: &'a Fixer,
    limit: u64,
}

/// The files of a run: the sources, and every job (source or translation) in output order.
struct Plan {
    sources: Sources,
    jobs: Vec<Job>,
}

impl Plan {
    /// Walks the folders of a run. Files the configuration excludes, and files the gate leaves
    /// out (`--base`, `--staged`), get no job; errors of the walk are returned, and make the
    /// run fail.
    fn new(args: &CheckArgs, resolved: &Resolved, gate: &Gate) -> Result<(Plan, Vec<Failure>)> {
        let mut sources = Sources {
            files: Vec::new(),
            by_relative: HashMap::new(),
            by_asset: OnceLock::new(),
            single: None,
            limit: args.max_file_size,
        };
        let mut walk_errors = Vec::new();
        for source in &args.source {
            // A missing source ends the run: every translation's check depends on the set of
            // sources, and going on would report each one as having none (LD001).
            let walked = walk::walk(source).context("the English source")?;
            walk_errors.extend(walked.errors);
            let is_dir = source.is_dir();
            for file in walked.files {
                if !resolved.includes(source, &file) {
                    continue;
                }
                if is_dir {
                    let relative = file.strip_prefix(source).unwrap_or(&file).to_path_buf();
                    sources.by_relative.insert(relative, file.clone());
                } else {
                    if args.source.len() == 1 {
                        sources.single = Some(file.clone());
                    }
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
        // Sources by canonical path: a folder walk spells them its own way (`./en-us/a.md`).
        // Only a file whose name a source has is resolved, so a large walk makes no extra
        // system call per file.
        let source_set: HashSet<PathBuf> = sources
            .files
            .iter()
            .map(|file| file.canonicalize().unwrap_or_else(|_| file.clone()))
            .collect();
        let source_names: HashSet<&std::ffi::OsStr> = sources
            .files
            .iter()
            .filter_map(|file| file.file_name())
            .collect();
        let is_source = |file: &Path| {
            file.file_name()
                .is_some_and(|name| source_names.contains(name))
                && source_set.contains(&file.canonicalize().unwrap_or_else(|_| file.to_path_buf()))
        };

        let mut jobs: Vec<Job> = sources
            .files
            .iter()
            .filter(|file| gate.includes(file))
            .cloned()
            .map(Job::Source)
            .collect();
        let mut missing = Vec::new();
        for path in &args.paths {
            // A translation that cannot be found is one file's error, as an unreadable one is:
            // reported under its name in every format, while the others are still checked.
            let walked = match walk::walk(path) {
                Ok(walked) => walked,
                Err(error) => {
                    missing.push(Failure {
                        path: Some(path.display().to_string()),
                        message: format!("{error:#}"),
                    });
                    continue;
                }
            };
            walk_errors.extend(walked.errors);
            let is_dir = path.is_dir();
            for file in walked.files {
                if !resolved.includes(path, &file) || !gate.includes(&file) {
                    continue;
                }
                // A folder of translations may hold the sources; a file named as both is a
                // mistake, reported by its check.
                if is_dir && is_source(&file) {
                    continue;
                }
                let relative = if is_dir {
                    file.strip_prefix(path).unwrap_or(&file).to_path_buf()
                } else {
                    PathBuf::from(file.file_name().unwrap_or_default())
                };
                jobs.push(Job::Target {
                    file,
                    relative,
                    named: !is_dir,
                });
            }
        }
        // Output is sorted by the path as displayed; the sort is stable, so a source comes
        // before a translation of the same name.
        jobs.sort_by_cached_key(|job| job.path().display().to_string());
        // A file named twice (`zh-cn zh-cn/a.md`) is checked once.
        jobs.dedup_by(|a, b| {
            matches!(
                (&*a, &*b),
                (Job::Source(x), Job::Source(y)) | (Job::Target { file: x, .. }, Job::Target { file: y, .. })
                    if x == y
            )
        });
        if let Some(shard) = &args.shard {
            jobs = jobs
                .into_iter()
                .enumerate()
                .filter(|(position, _)| shard.contains(*position))
                .map(|(_, job)| job)
                .collect();
        }
        let failures = walk_errors
            .into_iter()
            .map(|message| Failure {
                path: None,
                message,
            })
            .chain(missing)
            .collect();
        Ok((Plan { sources, jobs }, failures))
    }
}

/// Runs `check` and writes its output. Errors about single files are printed to `errors` and
/// the run goes on.
pub fn run(args: &CheckArgs, stdout: &mut dyn Write, errors: &mut dyn Write) -> Result<Outcome> {
    let resolved = super::config::resolve(args)?;
    let args = &resolved.args;
    check_usage(args)?;
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
    let (plan, mut failures) = Plan::new(args, &resolved, &gate)?;
    for failure in &failures {
        writeln!(errors, "error: {}", failure.message)?;
    }
    let mut failed = !failures.is_empty();
    let mut fixer = Fixer::new(args);
    fixer.protect(&plan.sources.files);
    let handoffs = match &args.source_repo {
        Some(path) => Some(Handoffs::new(Repo::open(path)?)),
        None => None,
    };
    let threads = args
        .jobs
        .map_or_else(runner::default_jobs, |jobs| jobs as usize);

    // Under `--base`, the same files as they were at the base revision, unfixed.
    let mut filter = gate.filter(|reader, known| {
        let unfixed = Fixer::new(&CheckArgs {
            fix: false,
            diff: false,
            ..args.clone()
        });
        let old = Run {
            args,
            resolved: &resolved,
            settings: &settings,
            sources: &plan.sources,
            handoffs: handoffs.as_ref(),
            fixer: &unfixed,
            limit: args.max_file_size,
        };
        runner::ordered_map(
            &plan.jobs,
            threads,
            threads * 4,
            |job| guarded(job.path(), || check_job(job, &old, reader)).and_then(|r| r),
            |report| {
                // A file the revision did not have has no old findings.
                if let Ok(report) = report {
                    known(&report);
                }
                Ok::<(), anyhow::Error>(())
            },
        )
    })?;

    let reader = gate.reader();
    let context = Run {
        args,
        resolved: &resolved,
        settings: &settings,
        sources: &plan.sources,
        handoffs: handoffs.as_ref(),
        fixer: &fixer,
        limit: args.max_file_size,
    };
    let check_one = |job: &Job| -> Result<FileReport, Failure> {
        guarded(job.path(), || check_job(job, &context, &reader))
            .and_then(|report| report)
            .map_err(|error| Failure {
                path: Some(job.path().display().to_string()),
                message: format!("{error:#}"),
            })
    };
    let threshold = args.fail_on.unwrap_or(FailOn::Error).threshold();
    let fails = |report: &FileReport| {
        threshold
            .is_some_and(|threshold| report.diagnostics.iter().any(|d| d.severity >= threshold))
    };
    let streams = !args.statistics
        && !fixer.is_diff()
        && matches!(
            args.format,
            OutputFormat::Human | OutputFormat::Json | OutputFormat::Jsonl
        );
    let mut progress = Progress::new(plan.jobs.len());
    let mut findings = false;
    if streams {
        let mut render = Render {
            format: args.format,
            color: args.format == OutputFormat::Human && use_color(args.color),
            buffer: Vec::new(),
        };
        let mut totals = Totals::default();
        let mut array = json::ArrayWriter::default();
        let streamed =
            runner::ordered_map(&plan.jobs, threads, threads * 4, check_one, |checked| {
                progress.inc();
                progress.suspend(|| -> Result<()> {
                    match checked {
                        Ok(mut report) => {
                            filter.keep_new(&mut report);
                            totals.add(&report);
                            findings |= fails(&report);
                            let bytes = render.bytes(&report);
                            match args.format {
                                OutputFormat::Json => array.write(bytes, stdout)?,
                                _ => stdout.write_all(bytes)?,
                            }
                        }
                        Err(failure) => {
                            writeln!(errors, "error: {}", failure.message)?;
                            failed = true;
                        }
                    }
                    Ok(())
                })
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
            _ => {}
        }
        if fixer.is_on() {
            fixer.write_summary(args.format == OutputFormat::Human, stdout, errors)?;
            failed |= fixer.write_errors(errors)?;
        }
        stdout.flush()?;
    } else {
        // The formats that describe a whole run: each report is rendered or counted as it
        // arrives, and dropped.
        let mut tally = statistics::Tally::default();
        let mut writer = (!args.statistics && !fixer.is_diff())
            .then(|| run_writer(args, cwd().as_deref()))
            .flatten();
        let collected =
            runner::ordered_map(&plan.jobs, threads, threads * 4, check_one, |checked| {
                progress.inc();
                match checked {
                    Ok(mut report) => {
                        filter.keep_new(&mut report);
                        findings |= fails(&report);
                        if args.statistics {
                            tally.add(&report, |d| fixer.mode().allows(d));
                        }
                        if let Some(writer) = &mut writer {
                            writer.add(&report)?;
                        }
                        if let Some(diff) = &report.diff {
                            progress.suspend(|| stdout.write_all(diff.as_bytes()))?;
                        }
                    }
                    Err(failure) => {
                        progress.suspend(|| writeln!(errors, "error: {}", failure.message))?;
                        failures.push(failure);
                        failed = true;
                    }
                }
                Ok::<(), anyhow::Error>(())
            });
        progress.finish();
        collected?;
        filter.finish()?;
        if fixer.is_diff() {
            return fixer.finish_diff(stdout, errors, failed);
        }
        if args.statistics {
            let counts = tally.counts();
            match args.format {
                OutputFormat::Human => {
                    write!(stdout, "{}", statistics::to_text(&counts, fixer.command()))?
                }
                _ => writeln!(stdout, "{}", statistics::to_json(&counts))?,
            }
        } else if let Some(writer) = writer {
            writer.finish(&failures, stdout)?;
        }
        if fixer.is_on() {
            fixer.write_summary(args.format == OutputFormat::Human, stdout, errors)?;
            failed |= fixer.write_errors(errors)?;
        }
        stdout.flush()?;
        return Ok(outcome(failed, findings));
    }
    filter.finish()?;

    Ok(outcome(failed, findings))
}

/// Refuses options that would be silently ignored: a run that prints something else than asked
/// is worse than one that stops.
fn check_usage(args: &CheckArgs) -> Result<()> {
    let format = args
        .format
        .to_possible_value()
        .expect("every format has a name");
    let format = format.get_name();
    if args.diff && args.statistics {
        anyhow::bail!("`--diff` prints a diff, not statistics: give one or the other");
    }
    if args.diff && args.format != OutputFormat::Human {
        anyhow::bail!("`--diff` prints a unified diff, not `--format {format}`");
    }
    if args.statistics && !matches!(args.format, OutputFormat::Human | OutputFormat::Json) {
        anyhow::bail!(
            "`--statistics` prints a table or, with `--format json`, a JSON array, not `--format {format}`"
        );
    }
    if let Some(locale) = &args.locale {
        crate::config::check_locale(locale)
            .map_err(|message| anyhow::anyhow!("`--locale`: {message}"))?;
    }
    Ok(())
}

fn outcome(failed: bool, findings: bool) -> Outcome {
    if failed {
        Outcome::Errors
    } else if findings {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// Reads, parses and checks one file of a run, fixing it when asked.
fn check_job(job: &Job, run: &Run<'_>, reader: &Reader) -> Result<FileReport> {
    let (file, relative, named) = match job {
        Job::Source(file) => {
            let parsed = parse(reader, file, run.limit)?;
            let options = CheckOptions {
                locale: Some("en-us".into()),
                is_source_file: true,
                source_expected: false,
                handoff: None,
                ignore: run.resolved.ignores_for(file),
            };
            // English sources are never written: the run's translations are read against them
            // while it goes on, and the English belongs to its writers. Their findings carry no
            // fix, so that `--statistics`, the exported `fix` and `--fix` agree; the help
            // still says what to write.
            let mut diagnostics = engine::check(&parsed, None, run.settings, options);
            for diagnostic in &mut diagnostics {
                diagnostic.fix = None;
            }
            return Ok(FileReport {
                target: parsed.document.clone(),
                source: None,
                diagnostics,
                diff: None,
            });
        }
        Job::Target {
            file,
            relative,
            named,
        } => (file, relative, *named),
    };
    let parsed = parse(reader, file, run.limit)?;
    let source_path = run.sources.find(relative, named, &parsed);
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
    let source = source_path
        .as_ref()
        .and_then(|path| parse(reader, path, run.limit).ok());
    let locale = parsed
        .meta("ms.contentlocale")
        .map(str::to_ascii_lowercase)
        .or_else(|| run.args.locale.clone())
        .or_else(|| locale_from_path(file));
    let handoff = match (run.handoffs, &source_path) {
        (Some(handoffs), Some(source_path)) => handoffs.for_translation(&parsed, source_path),
        _ => None,
    };
    let options = CheckOptions {
        locale,
        is_source_file: false,
        source_expected: !run.args.source.is_empty(),
        handoff,
        ignore: run.resolved.ignores_for(file),
    };
    let diagnostics = engine::check(&parsed, source.as_ref(), run.settings, options.clone());
    let fixed = run.fixer.fix(
        file,
        &parsed,
        source.as_ref(),
        run.settings,
        &options,
        diagnostics,
    )?;
    Ok(FileReport {
        target: fixed.document,
        source: source.map(|s| s.document.clone()),
        diagnostics: fixed.diagnostics,
        diff: fixed.diff,
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

/// The writer of a format that describes a whole run; `None` for the formats that stream.
fn run_writer(args: &CheckArgs, cwd: Option<&Path>) -> Option<Box<dyn RunWriter>> {
    Some(match args.format {
        OutputFormat::Human | OutputFormat::Json | OutputFormat::Jsonl => return None,
        OutputFormat::Sarif => Box::new(SarifWriter::new(cwd)),
        OutputFormat::Github => Box::new(GithubWriter::new(cwd)),
        OutputFormat::Junit => Box::new(JunitWriter::new(
            args.fail_on.unwrap_or(FailOn::Error).threshold(),
            cwd,
        )),
        OutputFormat::Html => Box::new(HtmlWriter::new(cwd)),
    })
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn a_file_removed_after_the_walk_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "# 标题\n").unwrap();
        let job = Job::Target {
            file: file.clone(),
            relative: PathBuf::from("a.md"),
            named: true,
        };
        std::fs::remove_file(&file).unwrap();
        let Command::Check(args) =
            Cli::parse_from(["locdrift", "check", "--no-config", file.to_str().unwrap()]).command
        else {
            unreachable!("a check command")
        };
        let resolved = super::super::config::resolve(&args).unwrap();
        let sources = Sources {
            files: Vec::new(),
            by_relative: HashMap::new(),
            by_asset: OnceLock::new(),
            single: None,
            limit: 1 << 20,
        };
        let fixer = Fixer::new(&args);
        let run = Run {
            args: &args,
            resolved: &resolved,
            settings: &Settings::default(),
            sources: &sources,
            handoffs: None,
            fixer: &fixer,
            limit: 1 << 20,
        };
        let error = check_job(&job, &run, &Reader::Disk).unwrap_err();
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
