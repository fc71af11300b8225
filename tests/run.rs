//! End-to-end tests of how a run is carried out: the folder walk, `--jobs`, `--shard` and
//! `--max-file-size`. The output of a run must not depend on how it was carried out.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{describe, stderr, stdout, write};

fn locdrift(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("running locdrift")
}

/// A copy of the project corpus with each translation repeated under several names, so that a
/// run has enough files for threads and shards to matter.
fn tree() -> tempfile::TempDir {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let dir = tempfile::tempdir().unwrap();
    for locale in ["en-us", "ja-jp", "zh-cn", "zh-tw"] {
        for entry in std::fs::read_dir(corpus.join(locale)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read(&path).unwrap();
            if locale == "en-us" {
                write(dir.path(), &format!("en-us/{name}"), &text);
                continue;
            }
            write(dir.path(), &format!("{locale}/{name}"), &text);
            // The same translation in subfolders pairs with nothing of the same relative
            // path, so it is paired by `ms.assetid` or reported as missing its source.
            for copy in 0..6 {
                write(dir.path(), &format!("{locale}/copies-{copy}/{name}"), &text);
            }
        }
    }
    dir
}

const RUN: [&str; 6] = ["check", "--source", "en-us", "ja-jp", "zh-cn", "zh-tw"];

fn run_with(dir: &Path, format: &str, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = RUN.to_vec();
    args.extend(["--format", format]);
    args.extend(extra);
    locdrift(dir, &args)
}

#[test]
fn output_is_the_same_whatever_the_number_of_jobs() {
    let dir = tree();
    for format in ["human", "json", "jsonl"] {
        let one = run_with(dir.path(), format, &["--color", "always", "--jobs", "1"]);
        assert_eq!(one.status.code(), Some(1), "{}", describe(&one));
        assert!(stdout(&one).len() > 10_000, "{}", describe(&one));
        for jobs in ["2", "3", "16"] {
            let many = run_with(dir.path(), format, &["--color", "always", "--jobs", jobs]);
            assert_eq!(many.status.code(), one.status.code());
            assert_eq!(
                stdout(&many),
                stdout(&one),
                "--format {format} --jobs {jobs} differs from --jobs 1"
            );
            assert_eq!(stderr(&many), stderr(&one));
        }
    }
}

#[test]
fn findings_are_sorted_by_path() {
    let dir = tree();
    let output = run_with(dir.path(), "jsonl", &[]);
    let paths: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["path"].as_str().unwrap().to_string()
        })
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(paths.iter().any(|p| p.starts_with("zh-tw/copies-5/")));
}

/// Findings per file, from `--format jsonl`.
fn findings_by_file(output: &Output) -> BTreeMap<String, Vec<String>> {
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout(output).lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        by_file
            .entry(value["path"].as_str().unwrap().to_string())
            .or_default()
            .push(line.to_string());
    }
    by_file
}

#[test]
fn shards_split_the_run_and_their_union_is_the_whole_run() {
    let dir = tree();
    let whole = run_with(dir.path(), "jsonl", &[]);
    let whole_files = findings_by_file(&whole);
    let whole_summary = run_with(dir.path(), "human", &["--color", "never"]);
    let files_in = |output: &Output| -> usize {
        // `… in 12 of 54 files` or `no findings in 54 files`.
        let summary = stdout(output).lines().last().unwrap().to_string();
        let words: Vec<&str> = summary.split_whitespace().collect();
        words[words.len() - 2].parse().unwrap()
    };
    let total_files = files_in(&whole_summary);
    for count in [1, 2, 3, 7] {
        let mut union: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut files = 0;
        for index in 1..=count {
            let shard = format!("{index}/{count}");
            let part = run_with(dir.path(), "jsonl", &["--shard", &shard]);
            assert_eq!(part.status.code().map(|c| c <= 1), Some(true));
            for (file, findings) in findings_by_file(&part) {
                assert!(
                    union.insert(file.clone(), findings).is_none(),
                    "{file} is in two shards of {count}"
                );
            }
            let human = run_with(
                dir.path(),
                "human",
                &["--color", "never", "--shard", &shard],
            );
            files += files_in(&human);
        }
        assert_eq!(union, whole_files, "the {count} shards differ from the run");
        assert_eq!(
            files, total_files,
            "the {count} shards do not check every file"
        );
    }
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    let dir = tree();
    for shard in ["0/3", "4/3", "1/0", "x", "1/x"] {
        let output = run_with(dir.path(), "json", &["--shard", shard]);
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert!(stderr(&output).contains("--shard"), "{}", describe(&output));
    }
}

#[test]
fn a_file_over_the_size_limit_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("# 标题\n\n{}\n", "文字".repeat(1000));
    write(dir.path(), "zh-cn/big.md", &big);
    write(dir.path(), "zh-cn/small.md", "# 标题\n\n文字。\n");
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--max-file-size",
            "2K",
            "--color",
            "never",
            "zh-cn",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "error: `zh-cn/big.md` is 5.9 KiB ({} bytes), over the 2 KiB limit; skipped (raise it \
             with `--max-file-size`)\n",
            big.len()
        )
    );
    assert_eq!(stdout(&output), "no findings in 1 file\n");
    // Raised, the file is checked.
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--max-file-size",
            "1M",
            "--color",
            "never",
            "zh-cn",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), "no findings in 2 files\n");
}

#[test]
fn a_bad_size_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for size in ["0", "12X", "M"] {
        let output = locdrift(dir.path(), &["check", "--max-file-size", size, "."]);
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert!(stderr(&output).contains("--max-file-size"));
    }
}

#[test]
fn the_walk_skips_gitignored_and_hidden_files_but_not_files_named_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let drifted = "# 标题\n\n连接到 sipdir.online.microsoft.com 的端口 443。\n";
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nConnect to sipdir.online.lync.com on port 443.\n",
    );
    write(dir.path(), "zh-cn/a.md", drifted);
    write(dir.path(), "zh-cn/build/a.md", drifted);
    write(dir.path(), "zh-cn/.drafts/a.md", drifted);
    write(dir.path(), ".gitignore", "build/\n");
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "jsonl",
            "--source",
            "en-us/a.md",
            "zh-cn",
        ],
    );
    let files: Vec<String> = findings_by_file(&output).into_keys().collect();
    assert_eq!(files, ["zh-cn/a.md"], "{}", describe(&output));
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "jsonl",
            "--source",
            "en-us/a.md",
            "zh-cn/build/a.md",
        ],
    );
    let files: Vec<String> = findings_by_file(&output).into_keys().collect();
    assert_eq!(files, ["zh-cn/build/a.md"], "{}", describe(&output));
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = tree();
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--color",
            "never",
            "--source",
            "en-us",
            "zh-tw",
            "zh-tw/reset-mfa.md",
        ],
    );
    let once = locdrift(
        dir.path(),
        &["check", "--color", "never", "--source", "en-us", "zh-tw"],
    );
    assert_eq!(stdout(&output), stdout(&once), "{}", describe(&output));
}
