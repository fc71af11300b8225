//! The command line: clap types and the subcommands. This is the only module that touches
//! disk and terminal.

pub mod check;
pub mod explain;
pub mod progress;
pub mod runner;
pub mod walk;

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

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Translations to check: files, or folders searched for `*.md`.
    #[arg(required = true)]
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
    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The translations' locale (`zh-cn`), when neither front matter nor folder names it.
    #[arg(long)]
    pub locale: Option<String>,
    /// Files checked at once; defaults to the number of cores.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Check only shard I of N (1-based): the files of the run, sorted by path, are dealt out
    /// in turn to N shards, so N CI jobs with `--shard 1/N` … `--shard N/N` check every file
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
