//! The `locdrift` binary: parses arguments, runs the command, maps the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use locdrift::cli::{self, Cli, Command, check::Outcome};

fn main() -> ExitCode {
    // Panics are caught per file and reported as "internal error … please report" (exit 2);
    // the default hook would print Rust's own message on top of ours. RUST_BACKTRACE keeps it
    // for debugging.
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Command::Check(args) => cli::check::run(args, &mut out, &mut err),
        Command::Explain { rule, format } => {
            cli::explain::explain(rule, *format, &mut out).map(|()| Outcome::Clean)
        }
        Command::Rules => cli::explain::list(&mut out).map(|()| Outcome::Clean),
        Command::Diff(args) => cli::diff::run(args, &mut out),
        Command::Completions { shell } => {
            cli::generate::completions(*shell, &mut out).map(|()| Outcome::Clean)
        }
        Command::Man { command, out_dir } => match out_dir {
            Some(dir) => cli::generate::man_to_dir(dir, &mut out),
            None => cli::generate::man(command.as_deref(), &mut out),
        }
        .map(|()| Outcome::Clean),
        Command::Init { force } => cli::config::init(*force, &mut out).map(|()| Outcome::Clean),
    }));
    let result = run.unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "internal error; please report this as a bug"
        ))
    });
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Errors) => ExitCode::from(2),
        Err(error) => {
            // A closed pipe (`locdrift check … | head`) is not an error.
            if error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(err, "error: {error:#}");
            ExitCode::from(2)
        }
    }
}
