//! locdrift: a translation quality-assurance linter for documentation.
//!
//! # Bird's-eye view
//! A check reads an English source article and a translation of it (plain translated
//! Markdown, or the side-by-side format that embeds the English next to each segment), aligns
//! their blocks, runs the rule catalogue on the alignment and reports findings as rustc-style
//! diagnostics or JSON.
//!
//! # Code map
//! - [`document`]: a file's text and its line index; the only place lines and columns are made.
//! - [`markdown`]: the only code that calls pulldown-cmark; front matter, side-by-side segments,
//!   tokens, and our block model.
//! - [`analysis`]: a file parsed once into everything rules ask of it.
//! - [`align`]: pairs source and target blocks; keeps the unmatched.
//! - [`rules`]: one rule per file, the registry, `declare_rule!`.
//! - [`engine`]: runs the selected rules on one check, sorts the findings.
//! - [`revisions`]: compares two revisions of an English text, block by block and word by word.
//! - [`config`]: the `locdrift.toml` schema and its validation (no I/O).
//! - [`suppress`]: inline `<!-- locdrift-disable … -->` comments and unused-suppression findings.
//! - [`fix`]: applies the findings' fixes to a text, re-checking until nothing more applies.
//! - [`emit`]: text and JSON output. `cli` (binary side) touches disk and terminal.
//!
//! # Invariants
//! - `markdown`, `align`, `rules` and `engine` do no I/O and cannot fail on any UTF-8 input,
//!   except that a side-by-side file with a span that never closes is a parse error.
//! - Rules see our model, never pulldown-cmark events.
//! - A position is a byte range into a file's text, on char boundaries; line and column exist
//!   only in output, and columns count Unicode scalar values.
//! - Output is deterministic: findings are sorted by file, position and code.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod align;
pub mod analysis;
pub mod cli;
pub mod config;
pub mod data;
pub mod diagnostic;
pub mod document;
pub mod emit;
pub mod engine;
pub mod error;
pub mod fingerprint;
pub mod fix;
pub mod markdown;
pub mod revisions;
pub mod rules;
pub mod suppress;
#[cfg(test)]
mod testing;
