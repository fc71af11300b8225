//! `locdrift completions SHELL` and `locdrift man`: generated from the clap definitions, so
//! they must name every subcommand and the flags of `check`.

use std::process::{Command, Output};

fn locdrift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .args(args)
        .output()
        .expect("running locdrift")
}

fn stdout_of(args: &[&str]) -> String {
    let output = locdrift(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "explain",
    "rules",
    "completions",
    "man",
    "diff",
    "init",
];
const CHECK_FLAGS: &[&str] = &[
    "--source",
    "--format",
    "--color",
    "--select",
    "--ignore",
    "--fail-on",
    "--locale",
];

#[test]
fn completions_for_every_shell_name_the_commands_and_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for name in SUBCOMMANDS {
            assert!(script.contains(name), "{shell} completion lacks `{name}`");
        }
        for flag in CHECK_FLAGS {
            // fish and elvish spell long flags without the dashes (`-l source`).
            let bare = flag.trim_start_matches('-');
            assert!(
                script.contains(flag) || script.contains(&format!("-l {bare}")),
                "{shell} completion lacks `{flag}`"
            );
        }
        // The values of `--format` are completed (elvish and PowerShell complete flags only).
        if shell == "elvish" || shell == "powershell" {
            continue;
        }
        for format in ["sarif", "github", "junit", "html"] {
            assert!(
                script.contains(format),
                "{shell} completion lacks `{format}`"
            );
        }
    }
}

#[test]
fn bash_completion_is_valid_bash() {
    let script = stdout_of(&["completions", "bash"]);
    let Ok(output) = Command::new("bash").args(["-n", "-c", &script]).output() else {
        eprintln!("skipped: no bash on this machine");
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let output = locdrift(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("tcsh"));
}

#[test]
fn main_man_page_lists_the_subcommands() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH locdrift 1"), "{page}");
    assert!(page.contains(".SH NAME"));
    assert!(page.contains(".SH SUBCOMMANDS"));
    for name in SUBCOMMANDS {
        assert!(
            page.contains(&format!("locdrift\\-{name}")),
            "man lacks `{name}`"
        );
    }
    assert!(page.contains("Exit status:"), "{page}");
}

#[test]
fn man_pages_render_without_groff_warnings() {
    use std::io::Write as _;
    use std::process::Stdio;
    for args in [&["man"][..], &["man", "check"][..]] {
        let page = stdout_of(args);
        let child = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            println!("skipped: no groff on this machine");
            return;
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn check_man_page_lists_its_flags() {
    let page = stdout_of(&["man", "check"]);
    assert!(page.contains(".TH locdrift-check 1"), "{page}");
    for flag in CHECK_FLAGS {
        let roff = flag.replace('-', "\\-");
        assert!(page.contains(&roff), "man check lacks `{flag}`");
    }
    assert!(page.contains("sarif"));
}

#[test]
fn man_of_an_unknown_command_fails() {
    let output = locdrift(&["man", "frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("frobnicate") && stderr.contains("check"),
        "{stderr}"
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::process::Stdio;
    for args in [&["completions", "zsh"][..], &["man"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_locdrift"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the program has written (as `| head` does when it
        // exits early): its writes then fail with a broken pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{args:?}: {stderr}"
        );
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn man_out_dir_that_is_a_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("man1");
    std::fs::write(&file, "").unwrap();
    let output = locdrift(&["man", "--out-dir", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a folder") && stderr.contains("man1"),
        "{stderr}"
    );
}

#[test]
fn man_out_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let listed = stdout_of(&["man", "--out-dir", out.to_str().unwrap()]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = SUBCOMMANDS
        .iter()
        .map(|name| format!("locdrift-{name}.1"))
        .collect();
    expected.push("locdrift.1".into());
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(listed.lines().count(), expected.len());
    let check = std::fs::read_to_string(out.join("locdrift-check.1")).unwrap();
    assert!(check.contains("\\-\\-format"));
}
