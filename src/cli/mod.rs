//! The command line: clap types and the subcommands. This is the only module that touches
//! disk and terminal.

pub mod check;
pub mod config;
pub mod explain;
pub mod fix;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// A translation quality-assurance linter for documentation.
#[derive(Debug, Parser)]
#[command(name = "locdrift", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check translations against their English source.
    Check(CheckArgs),
    /// Print the documentation of a rule, by code (`LD101`) or name (`host-drift`).
    Explain {
        /// A rule code or name.
        rule: String,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// List every rule.
    Rules,
    /// Write a commented starter `locdrift.toml` in the current folder.
    Init {
        /// Overwrite an existing `locdrift.toml`.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// rustc-style diagnostics.
    Human,
    /// One JSON array of findings.
    Json,
    /// One JSON object per finding, per line.
    Jsonl,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Translations to check: files, or folders searched for `*.md`. Default: the
    /// `translations` (or `pattern`) of `locdrift.toml`.
    pub paths: Vec<PathBuf>,
    /// The English source: a file, or a folder whose files pair with translations of the same
    /// relative path (or the same `ms.assetid`). May be repeated.
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
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The lowest severity that makes the exit status 1 [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The translations' locale (`zh-cn`), when neither front matter nor folder names it.
    #[arg(long)]
    pub locale: Option<String>,
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
    /// The configuration file [default: the nearest `locdrift.toml` in this folder or above].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every `locdrift.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}
