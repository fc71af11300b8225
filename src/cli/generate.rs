//! `locdrift completions SHELL` and `locdrift man`: shell completions and manual pages made
//! from the clap definitions, so they never disagree with `--help`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::CommandFactory;

use super::Cli;

/// Writes the completion script of `shell` for the `locdrift` command.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    // clap_complete panics when its writer fails; a closed pipe (`… | head`) must not.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "locdrift", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// The clap command of `locdrift` or of one of its subcommands (`check`), named as its manual
/// page is (`locdrift-check`).
fn page_command(subcommand: Option<&str>) -> Result<clap::Command> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(name) = subcommand else {
        return Ok(command);
    };
    let Some(found) = command.find_subcommand(name).cloned() else {
        let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
        bail!(
            "no manual page for `{name}`; the commands are {}",
            names.join(", ")
        );
    };
    // Build names each subcommand's page `locdrift-check`, as `generate_to` does.
    Ok(found)
}

/// Writes the manual page of `locdrift`, or of one subcommand, as roff.
pub fn man(subcommand: Option<&str>, out: &mut dyn Write) -> Result<()> {
    let command = page_command(subcommand)?;
    clap_mangen::Man::new(command).render(out)?;
    Ok(())
}

/// Writes `locdrift.1` and one page per subcommand into `dir`, creating it if needed, and
/// lists the files written on `out`.
pub fn man_to_dir(dir: &Path, out: &mut dyn Write) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` exists and is not a folder", dir.display());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the folder `{}`", dir.display()))?;
    let command = page_command(None)?;
    let mut pages = vec![command.clone()];
    pages.extend(
        command
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .cloned(),
    );
    for page in pages {
        let path = clap_mangen::Man::new(page)
            .generate_to(dir)
            .with_context(|| format!("writing a manual page into `{}`", dir.display()))?;
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}
