//! The command line: clap types and the subcommands. This is the only module that touches
//! disk and terminal.

pub mod check;
pub mod config;
pub mod diff;
pub mod explain;
pub mod fix;
pub mod gate;
pub mod generate;
pub mod git;
pub mod handoff;
pub mod progress;
pub mod runner;
pub mod walk;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The end of `--help` and of the manual page.
const AFTER_LONG_HELP: &str = "\
Exit status:
  0  no finding at or above --fail-on (default: error)
  1  findings at or above --fail-on
  2  a usage error, or a file that could not be read or parsed

Environment:
  NO_COLOR  when set and not empty, --color auto prints no colour

`locdrift explain CODE` documents a rule; `locdrift rules` lists them.";

/// A translation quality-assurance linter for documentation.
#[derive(Debug, Parser)]
#[command(
    name = "locdrift",
    version,
    about,
    propagate_version = true,
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check translations against their English source.
    Check(Box<CheckArgs>),
    /// Print the documentation of a rule, by code (`LD101`) or name (`host-drift`).
    Explain {
        /// A rule code or name.
        rule: String,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// List every rule.
    Rules,
    /// Print a shell completion script for `locdrift`.
    ///
    /// For example `locdrift completions bash > ~/.local/share/bash-completion/completions/locdrift`,
    /// `locdrift completions zsh > ~/.zfunc/_locdrift`, or
    /// `locdrift completions fish > ~/.config/fish/completions/locdrift.fish`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), or write one page per command to a folder.
    ///
    /// `locdrift man | man -l -` shows the main page, `locdrift man check | man -l -` the page of
    /// `check`; `locdrift man --out-dir share/man/man1` writes `locdrift.1`, `locdrift-check.1`
    /// and the others.
    Man {
        /// The subcommand whose page to print (`check`); the main page without it.
        command: Option<String>,
        /// Write `locdrift.1` and a page per subcommand into this folder instead of printing.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out_dir: Option<PathBuf>,
    },
    /// Write a commented starter `locdrift.toml` in the current folder.
    Init {
        /// Overwrite an existing `locdrift.toml`.
        #[arg(long)]
        force: bool,
    },
    /// Compare two revisions of an English article, and what they mean for its translations.
    Diff(DiffArgs),
}

/// `locdrift diff OLD NEW [TRANSLATION…]`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The older English: a file, `REV:path` in a git repository, or a side-by-side
    /// translation (its embedded English).
    pub old: std::ffi::OsString,
    /// The newer English: a file, `REV:path`, or a side-by-side translation.
    pub new: std::ffi::OsString,
    /// Translations made from the older English: which segments are now stale, orphaned or
    /// missing.
    pub translations: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// When to use colour. `NO_COLOR` in the environment turns `auto` off.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The git work tree that `REV:path` revisions are read from (default: the current folder).
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub repo: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable text with word diffs.
    Human,
    /// One JSON object.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// rustc-style diagnostics.
    Human,
    /// One JSON array of findings.
    Json,
    /// One JSON object per finding, per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the changed files.
    Github,
    /// JUnit XML: a test suite per locale, a test case per file, a failure per finding.
    Junit,
    /// One self-contained HTML page for audits: totals, charts and every finding.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The colour choice for standard output: `auto` is off when `NO_COLOR` is set or standard
/// output is not a terminal.
pub fn terminal_color(choice: ColorChoice) -> codespan_reporting::term::termcolor::ColorChoice {
    use codespan_reporting::term::termcolor::ColorChoice as TermColor;
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => TermColor::Always,
        ColorChoice::Never => TermColor::Never,
        ColorChoice::Auto
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                || !std::io::stdout().is_terminal() =>
        {
            TermColor::Never
        }
        ColorChoice::Auto => TermColor::Auto,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The lowest severity that fails a run, `None` for `never`.
    pub fn threshold(self) -> Option<crate::diagnostic::Severity> {
        use crate::diagnostic::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Translations to check: files, or folders searched for `*.md`. Default: the
    /// `translations` (or `pattern`) of `locdrift.toml`.
    pub paths: Vec<PathBuf>,
    /// The English source: a folder whose files pair with translations of the same relative
    /// path (or the same `ms.assetid`), or a file, which pairs by file name (or `ms.assetid`);
    /// a single source file pairs with every translation named as a file. May be repeated.
    #[arg(long, short = 's')]
    pub source: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// When to use colour. `NO_COLOR` in the environment turns `auto` off.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Extra rulebook (TOML). May be repeated.
    #[arg(long = "rules", value_name = "FILE")]
    pub rulebooks: Vec<PathBuf>,
    /// Only these rules: codes (`LD101`), code prefixes (`LD1`) or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_rule_selector)]
    pub select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_rule_selector)]
    pub ignore: Vec<String>,
    /// The lowest severity that makes the exit status 1 [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The translations' locale (`zh-cn`), when neither front matter nor folder names it.
    #[arg(long)]
    pub locale: Option<String>,
    /// A git work tree of the English sources: each translation is also compared with the
    /// English at the commit its `ms.sourcegitcommit` records (LD401, LD405).
    #[arg(long, value_name = "PATH")]
    pub source_repo: Option<PathBuf>,
    /// Apply the safe fixes, write the files changed, and report what remains.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix` or `--diff`, apply the unsafe fixes too (review the result).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 if there are any.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print how many findings each rule made (and how many are fixable) instead of the
    /// findings.
    #[arg(long)]
    pub statistics: bool,
    /// Check only the files that changed since this git revision (committed or not), and
    /// report only the findings that are new since it: the pull-request gate.
    #[arg(long, value_name = "REV", conflicts_with = "staged")]
    pub base: Option<String>,
    /// Check the staged content of the staged files (for a pre-commit hook). Fixes are not
    /// written then: the work tree may hold other changes than the index.
    #[arg(long, conflicts_with = "fix")]
    pub staged: bool,
    /// Report only the findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in a baseline file (they are still reported).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The configuration file [default: the nearest `locdrift.toml` in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every `locdrift.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Files checked at once; defaults to the number of cores.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Check only shard I of N (1-based): the files of the run, sorted by path, are dealt out
    /// in turn to N shards, so N CI jobs with `--shard 1/N` to `--shard N/N` check every file
    /// exactly once.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Files larger than this are reported and skipped: bytes, or with a unit (`512K`, `16M`,
    /// `1G`; powers of 1024).
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// One of N parts of a run, 0-based inside, `I/N` with 1 ≤ I ≤ N outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the `position`-th file of the run, in sorted order, belongs to this shard.
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

/// Parses one rule selector of `--select` or `--ignore`, checked as `locdrift.toml` checks its
/// own: `--select "LD101, LD201"` means what it says, and a misspelt code is a usage error.
pub fn parse_rule_selector(text: &str) -> Result<String, String> {
    let selector = text.trim();
    crate::config::check_rule_selector(selector)?;
    Ok(selector.to_string())
}

/// Parses `I/N` with 1 ≤ I ≤ N.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (such as 1/4), found `{text}`"))?;
    let index: usize = index
        .trim()
        .parse()
        .map_err(|_| format!("`{index}` is not a shard number"))?;
    let count: usize = count
        .trim()
        .parse()
        .map_err(|_| format!("`{count}` is not a shard count"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!(
            "shard {index}/{count} does not exist: shards are numbered 1/N to N/N"
        ));
    }
    Ok(Shard {
        index: index - 1,
        count,
    })
}

/// Parses a byte count with an optional binary unit: `1048576`, `512K`, `16M`, `16MiB`, `1G`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (such as 16M)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{unit}` is not a size unit (use K, M or G)")),
    };
    number
        .checked_mul(1 << shift)
        .filter(|&size| size > 0)
        .ok_or_else(|| format!("`{text}` is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn rule_selectors_are_trimmed_and_must_name_a_rule() {
        assert_eq!(parse_rule_selector(" LD201 "), Ok("LD201".to_string()));
        assert_eq!(parse_rule_selector("ld1"), Ok("ld1".to_string()));
        assert_eq!(
            parse_rule_selector("Host-Drift"),
            Ok("Host-Drift".to_string())
        );
        for wrong in ["foo", "LD9", "", " ", "L"] {
            let error = parse_rule_selector(wrong).unwrap_err();
            assert!(error.contains("names no rule"), "{wrong:?}: {error}");
        }
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("1/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(parse_shard("4/4"), Ok(Shard { index: 3, count: 4 }));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("2").is_err());
        let shards: Vec<Shard> = (1..=3)
            .map(|i| parse_shard(&format!("{i}/3")).unwrap())
            .collect();
        for position in 0..100 {
            assert_eq!(shards.iter().filter(|s| s.contains(position)).count(), 1);
        }
    }
}
