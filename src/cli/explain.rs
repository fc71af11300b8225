//! `locdrift explain CODE` and `locdrift rules`.

use std::io::Write;

use anyhow::{Result, bail};

use super::ExplainFormat;
use crate::engine;
use crate::rules::registry;

/// Prints a rule's documentation.
pub fn explain(rule: &str, format: ExplainFormat, out: &mut dyn Write) -> Result<()> {
    let Some(rule) = registry::find(rule) else {
        bail!("unknown rule `{rule}`; `locdrift rules` lists them");
    };
    let info = rule.info();
    match format {
        ExplainFormat::Text => {
            writeln!(out, "# {} ({})", info.name, info.code)?;
            writeln!(out)?;
            writeln!(out, "Status: stable, since {}", info.since)?;
            writeln!(out, "Default severity: {}", info.severity.as_str())?;
            writeln!(out)?;
            writeln!(out, "{}", info.markdown())?;
        }
        ExplainFormat::Json => {
            let value = serde_json::json!({
                "code": info.code,
                "name": info.name,
                "severity": info.severity.as_str(),
                "since": info.since,
                "summary": info.summary(),
                "docs": info.markdown(),
                "file": info.file,
                "line": info.line,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
    }
    Ok(())
}

/// Prints the table of rules.
pub fn list(out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{:<6}  {:<20}  {:<8}  summary",
        "code", "name", "severity"
    )?;
    for rule in engine::rules() {
        let info = rule.info();
        writeln!(
            out,
            "{:<6}  {:<20}  {:<8}  {}",
            info.code,
            info.name,
            info.severity.as_str(),
            info.summary()
        )?;
    }
    Ok(())
}
