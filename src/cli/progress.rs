//! A progress bar on stderr for long runs: drawn only when stderr is a terminal and the run has
//! lasted long enough to be worth one, never otherwise (so logs and pipes stay clean).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its bar appears.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    /// Whether the bar may ever be drawn.
    enabled: bool,
    shown: bool,
}

impl Progress {
    /// A bar for `total` files, drawn on stderr if it is a terminal.
    pub fn new(total: usize) -> Progress {
        Progress::with_terminal(total, std::io::stderr().is_terminal())
    }

    fn with_terminal(total: usize, terminal: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar} {eta}")
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            enabled: terminal,
            shown: false,
        }
    }

    /// One more file done.
    pub fn inc(&mut self) {
        self.bar.inc(1);
        if self.enabled && !self.shown && self.started.elapsed() >= DELAY {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Runs `write` with the bar cleared, so that output does not interleave with it.
    pub fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        if self.shown {
            self.bar.suspend(write)
        } else {
            write()
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if self.shown {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown_when_stderr_is_not_a_terminal() {
        let mut progress = Progress::with_terminal(3, false);
        progress.started -= DELAY * 2;
        progress.inc();
        assert!(!progress.shown);
    }

    #[test]
    fn shown_on_a_terminal_only_once_the_run_is_long() {
        let mut progress = Progress::with_terminal(3, true);
        progress.inc();
        assert!(!progress.shown);
        progress.started -= DELAY * 2;
        progress.inc();
        assert!(progress.shown);
        // The draw target is real stderr; hide it again so the test prints nothing.
        progress.bar.set_draw_target(ProgressDrawTarget::hidden());
    }
}
