//! Inline suppressions end to end: `<!-- locdrift-disable-next-line … -->`,
//! `<!-- locdrift-disable … -->` … `<!-- locdrift-enable … -->`, and LD002 for the unused ones.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{describe, stdout};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .env_remove("NO_COLOR")
        .current_dir(dir)
        .args(["check", "--color", "never", "--no-config"])
        .args(args)
        .output()
        .expect("running locdrift")
}

const SOURCE: &str = "# Title\n\nConnect to sipdir.online.lync.com now.\n\nThe user has a license in the Microsoft 365 admin center.\n\nClick **Name**.\n";
const DRIFTED: &str = "# 标题\n\n连接到 sipdir.online.microsoft.com。\n\n已在 Office 365 门户中为用户分配许可证。\n\n单击 \\*\\*名称\\*\\*。\n";

fn setup(target: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("en-us")).unwrap();
    std::fs::create_dir_all(dir.path().join("zh-cn")).unwrap();
    std::fs::write(dir.path().join("en-us/a.md"), SOURCE).unwrap();
    std::fs::write(dir.path().join("zh-cn/a.md"), target).unwrap();
    dir
}

fn codes(dir: &Path) -> Vec<String> {
    let output = run(
        dir,
        &["--format", "json", "--source", "en-us", "zh-cn/a.md"],
    );
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    findings
        .iter()
        .map(|f| format!("{}:{}", f["code"].as_str().unwrap(), f["line"]))
        .collect()
}

#[test]
fn without_comments_every_drift_is_reported() {
    let dir = setup(DRIFTED);
    assert_eq!(codes(dir.path()), ["LD101:3", "LD303:5", "LD201:7"]);
}

#[test]
fn a_suppressed_host_drift_leaves_the_stale_term_on_the_same_host() {
    // LD303 gives way to LD101 on the same characters only when LD101 is reported.
    let target = DRIFTED.replace(
        "连接到",
        "<!-- locdrift-disable-next-line host-drift -->\n连接到",
    );
    let dir = setup(&target);
    assert_eq!(codes(dir.path()), ["LD303:4", "LD303:6", "LD201:8"]);
}

#[test]
fn comments_silence_what_they_name_and_are_invisible_to_alignment() {
    let target = "# 标题\n\n<!-- locdrift-disable-next-line host-drift, stale-term -->\n连接到 sipdir.online.microsoft.com。\n\n<!-- locdrift-disable LD3 -- the portal name stays until the UI is translated -->\n已在 Office 365 门户中为用户分配许可证。\n<!-- locdrift-enable LD3 -->\n\n单击 \\*\\*名称\\*\\*。<!-- locdrift-disable-next-line -->\n";
    let dir = setup(target);
    // No LD403 for the comment blocks, and only the escaped markers remain (the last comment
    // is on the line of the finding, so it covers the line after it: nothing).
    assert_eq!(codes(dir.path()), ["LD201:10", "LD002:10"]);
}

#[test]
fn a_region_ends_at_its_enable_and_codes_are_matched_per_rule() {
    let target = "<!-- locdrift-disable LD201 -->\n# 标题\n\n连接到 sipdir.online.microsoft.com。\n\n已在 Office 365 门户中为用户分配许可证。\n<!-- locdrift-enable LD201 -->\n\n单击 \\*\\*名称\\*\\*。\n";
    let dir = setup(target);
    // LD201 is after the region: the region silenced nothing, so it is reported.
    assert_eq!(
        codes(dir.path()),
        ["LD002:1", "LD101:4", "LD303:6", "LD201:9"]
    );
}

#[test]
fn an_unclosed_disable_runs_to_the_end_and_no_codes_means_every_rule() {
    let target = format!("<!-- locdrift-disable -->\n{DRIFTED}");
    let dir = setup(&target);
    assert_eq!(codes(dir.path()), Vec::<String>::new());
}

#[test]
fn codes_of_rules_that_did_not_run_are_not_reported_as_unused() {
    let target = "# 标题\n\n<!-- locdrift-disable-next-line LD101 -->\n连接到 sipdir.online.microsoft.com。\n";
    let dir = setup(target);
    let output = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--select",
            "LD002,LD201",
            "--source",
            "en-us",
            "zh-cn/a.md",
        ],
    );
    assert_eq!(stdout(&output).trim(), "[]", "{}", describe(&output));
}

#[test]
fn unused_and_mistyped_suppressions_are_reported_and_fixed() {
    let target = "# 标题\n\n<!-- locdrift-disable-next-line LD101, LD999, LD201 -->\n连接到 sipdir.online.microsoft.com。\n\n<!-- locdrift-disable-next-line -->\n已在 Office 365 门户中为用户分配许可证。\n\n单击 **名称**。 <!-- locdrift-disabel LD1 -->\n<!-- locdrift-enable -->\n";
    let dir = setup(target);
    let output = run(dir.path(), &["--source", "en-us", "zh-cn/a.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    insta::assert_snapshot!("unused_suppressions", stdout(&output));

    let fixed = run(dir.path(), &["--fix", "--source", "en-us", "zh-cn/a.md"]);
    assert!(
        stdout(&fixed).contains("Fixed 2 findings in 1 file."),
        "{}",
        describe(&fixed)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("zh-cn/a.md")).unwrap(),
        "# 标题\n\n<!-- locdrift-disable-next-line LD101 -->\n连接到 sipdir.online.microsoft.com。\n\n<!-- locdrift-disable-next-line -->\n已在 Office 365 门户中为用户分配许可证。\n\n单击 **名称**。 <!-- locdrift-disabel LD1 -->\n"
    );
}

#[test]
fn a_comment_in_code_is_not_a_directive() {
    let target =
        "# 标题\n\n```\n<!-- locdrift-disable -->\n```\n\n连接到 sipdir.online.microsoft.com。\n";
    let dir = setup(target);
    assert!(codes(dir.path()).contains(&"LD101:7".to_string()));
}

#[test]
fn a_disable_at_the_top_covers_the_front_matter_and_the_whole_file() {
    let front = "---\ntitle: 标题\nms.translationtype: MT\n---\n";
    let dir = setup(&format!("{front}{DRIFTED}"));
    let all = codes(dir.path());
    assert!(all.contains(&"LD302:3".to_string()), "{all:?}");
    std::fs::write(
        dir.path().join("zh-cn/a.md"),
        format!("{front}<!-- locdrift-disable machine-translation -->\n{DRIFTED}"),
    )
    .unwrap();
    let silenced = codes(dir.path());
    assert!(
        !silenced
            .iter()
            .any(|c| c.starts_with("LD302") || c.starts_with("LD002")),
        "{silenced:?}"
    );
    assert_eq!(silenced.len(), all.len() - 1, "{silenced:?}");
    // After a block, it covers only what follows.
    std::fs::write(
        dir.path().join("zh-cn/a.md"),
        format!("{front}# 标题\n\n<!-- locdrift-disable machine-translation -->\n"),
    )
    .unwrap();
    let later = codes(dir.path());
    assert!(later.contains(&"LD302:3".to_string()), "{later:?}");
    assert!(later.iter().any(|c| c.starts_with("LD002")), "{later:?}");
}
