//! End-to-end tests of the `locdrift` binary: exit statuses, the JSON contract, columns, bad
//! input, `explain` and `rules`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{describe, stderr, stdout, write};

const SOURCE: &str =
    "# Title\n\nConnect to sipdir.online.lync.com on port 443 and read the guide.\n";
const CLEAN: &str = "# 标题\n\n连接到 sipdir.online.lync.com 的端口 443 并阅读指南。\n";
const DRIFTED: &str = "# 标题\n\n连接到 sipdir.online.microsoft.com 的端口 443 并阅读指南。\n";

fn locdrift() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_locdrift"));
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    locdrift()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running locdrift")
}

/// Bad input: exit status 2, a message that names the offending file, and no panic.
fn assert_fails_naming(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", describe(output));
    assert!(stderr(output).contains(needle), "{}", describe(output));
    assert!(!stderr(output).contains("panicked"), "{}", describe(output));
}

/// A tempdir with `en-us/a.md` (SOURCE), `zh-cn/clean.md` and `zh-cn/drift.md`.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/clean.md", CLEAN);
    write(dir.path(), "zh-cn/drift.md", DRIFTED);
    dir
}

fn findings_json(dir: &Path, args: &[&str]) -> (Output, Vec<Value>) {
    let output = run(dir, args);
    let parsed: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", describe(&output)));
    let array = parsed
        .as_array()
        .unwrap_or_else(|| panic!("not an array:\n{}", describe(&output)))
        .clone();
    (output, array)
}

// ---------------------------------------------------------------------------------------------
// Exit statuses

#[test]
fn clean_pair_exits_0() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/clean.md",
            "--color",
            "never",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        !stderr(&output).contains("panicked"),
        "{}",
        describe(&output)
    );
}

#[test]
fn host_drift_exits_1() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/drift.md",
            "--color",
            "never",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let out = stdout(&output);
    assert!(out.contains("error[LD101]"), "{}", describe(&output));
    assert!(
        out.contains("sipdir.online.microsoft.com"),
        "{}",
        describe(&output)
    );
}

#[test]
fn missing_file_exits_2() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &["check", "--source", "en-us/a.md", "zh-cn/does-not-exist.md"],
    );
    assert_fails_naming(&output, "does-not-exist.md");
}

/// A host written in inline code is still a host readers copy; the rule's documentation does
/// not exempt code spans.
#[test]
fn host_drift_inside_inline_code_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nConnect to `sipdir.online.lync.com` on port 443.\n",
    );
    write(
        dir.path(),
        "zh-cn/a.md",
        "# 标题\n\n连接到 `sipdir.online.lync.org` 的端口 443。\n",
    );
    let output = run(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/a.md",
            "--color",
            "never",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(stdout(&output).contains("LD101"), "{}", describe(&output));
}

/// The codes of the findings of a JSON run, sorted and deduplicated.
fn codes(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A misspelt `--select` or `--ignore` in a CI workflow must not turn the gate off: it is a
/// usage error, as the same value in `locdrift.toml` is.
#[test]
fn a_rule_selector_that_names_no_rule_exits_2() {
    let dir = fixture();
    for (option, value) in [
        ("--select", "foo"),
        ("--select", "LD9"),
        ("--select", ""),
        ("--select", "LD101,"),
        ("--ignore", "foo"),
        ("--ignore", "LD101,nope"),
    ] {
        let output = run(
            dir.path(),
            &["check", "--source", "en-us", "zh-cn", option, value],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{option} {value:?}: {}",
            describe(&output)
        );
        assert!(
            stderr(&output).contains("names no rule"),
            "{option} {value:?}: {}",
            describe(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{option} {value:?}: {}",
            describe(&output)
        );
    }
}

/// Spaces around the commas are the user's layout, and names ignore case as codes do.
#[test]
fn rule_selectors_are_trimmed_and_names_ignore_case() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", DRIFTED);
    write(dir.path(), "zh-cn/orphan.md", CLEAN);
    let check = |select: &str| {
        findings_json(
            dir.path(),
            &[
                "check", "--source", "en-us", "zh-cn", "--format", "json", "--select", select,
            ],
        )
    };
    let (output, findings) = check("LD101, LD001");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    // `a.md` has a host drift; `orphan.md` has no source of its name (LD001).
    assert_eq!(
        codes(&findings),
        BTreeSet::from(["LD001".into(), "LD101".into()])
    );
    let (output, findings) = check("HOST-DRIFT");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(codes(&findings), BTreeSet::from(["LD101".into()]));
}

/// One source file named beside a folder of translations pairs by name, as a folder of sources
/// does: forcing it on every translation compared each with an unrelated article.
#[test]
fn source_files_pair_by_name_unless_the_translation_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(
        dir.path(),
        "en-us/b.md",
        "# Other\n\nSee the gateway at mail.contoso.com.\n",
    );
    write(dir.path(), "zh-cn/a.md", CLEAN);
    write(
        dir.path(),
        "zh-cn/b.md",
        "# 其他\n\n请参阅 mail.contoso.com 上的网关。\n",
    );
    write(dir.path(), "zh-cn/c.md", CLEAN);
    let by_file = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--select", "LD0,LD1,LD4"];
        all.extend(args);
        let (output, findings) = findings_json(dir.path(), &all);
        let mut by_file: Vec<(String, String)> = findings
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().into(),
                    f["code"].as_str().unwrap().into(),
                )
            })
            .collect();
        by_file.sort();
        (output, by_file)
    };
    let pair = |path: &str, code: &str| (path.to_string(), code.to_string());
    // One source file, a folder: `b.md` and `c.md` have no source of their name.
    let (output, findings) = by_file(&["--source", "en-us/a.md", "zh-cn"]);
    assert_eq!(
        findings,
        [pair("zh-cn/b.md", "LD001"), pair("zh-cn/c.md", "LD001")],
        "{}",
        describe(&output)
    );
    // Two source files: each translation pairs with the one of its name.
    let (output, findings) =
        by_file(&["--source", "en-us/a.md", "--source", "en-us/b.md", "zh-cn"]);
    assert_eq!(
        findings,
        [pair("zh-cn/c.md", "LD001")],
        "{}",
        describe(&output)
    );
    // One source file and translation files: the pairs named, whatever the names.
    let (output, findings) = by_file(&["--source", "en-us/a.md", "zh-cn/c.md", "zh-cn/a.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(findings, [], "{}", describe(&output));
}

/// English sources are never written, so their findings carry no fix: the JSON, the
/// statistics and `--diff` agree that nothing there is fixable.
#[test]
fn findings_in_a_source_are_not_fixable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nOpen the Office 365 Portal to start.\n",
    );
    write(
        dir.path(),
        "zh-cn/a.md",
        "# 标题\n\n打开 Microsoft 365 系统管理中心以开始。\n",
    );
    let base = ["check", "--source", "en-us", "zh-cn", "--select", "LD303"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> { [&base[..], extra].concat() };
    let (output, findings) = findings_json(dir.path(), &with(&["--format", "json"]));
    assert_eq!(findings.len(), 1, "{}", describe(&output));
    assert_eq!(findings[0]["path"], "en-us/a.md", "{}", describe(&output));
    assert_eq!(findings[0]["fix"], Value::Null, "{}", describe(&output));
    let (output, counts) = findings_json(
        dir.path(),
        &with(&["--format", "json", "--statistics", "--unsafe-fixes"]),
    );
    assert_eq!(counts[0]["fixable"], 0, "{}", describe(&output));
    let output = run(dir.path(), &with(&["--diff", "--unsafe-fixes"]));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(stdout(&output).is_empty(), "{}", describe(&output));
}

/// Options that would be silently ignored are usage errors, before any file is read.
#[test]
fn meaningless_combinations_and_malformed_locales_exit_2() {
    let dir = fixture();
    let cases: [&[&str]; 6] = [
        &["--statistics", "--format", "sarif"],
        &["--statistics", "--format", "jsonl"],
        &["--diff", "--format", "json"],
        &["--diff", "--statistics"],
        &["--locale", "zh cn"],
        &["--locale", ""],
    ];
    for extra in cases {
        let args = [&["check", "--source", "en-us", "zh-cn"][..], extra].concat();
        let output = run(dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{extra:?}: {}",
            describe(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{extra:?}: {}",
            describe(&output)
        );
    }
    // A well-formed locale with no rulebook is fine.
    let output = run(
        dir.path(),
        &["check", "--source", "en-us", "zh-cn", "--locale", "xx"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

// ---------------------------------------------------------------------------------------------
// JSON contract

const KEYS: [&str; 11] = [
    "code",
    "rule",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "source",
    "fix",
];

fn assert_finding_shape(finding: &Value) {
    let object = finding
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {finding}"));
    let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = KEYS.into_iter().collect();
    assert_eq!(keys, expected, "finding keys: {finding}");
    for key in ["code", "rule", "severity", "message", "path"] {
        assert!(object[key].is_string(), "{key} is not a string: {finding}");
    }
    assert!(
        ["error", "warning", "info"].contains(&object["severity"].as_str().unwrap()),
        "{finding}"
    );
    for key in ["line", "column", "end_line", "end_column"] {
        let n = object[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} is not a number: {finding}"));
        assert!(n >= 1, "{key} is not 1-based: {finding}");
    }
    let start = (object["line"].as_u64(), object["column"].as_u64());
    let end = (object["end_line"].as_u64(), object["end_column"].as_u64());
    assert!(start <= end, "end before start: {finding}");
    match &object["source"] {
        Value::Null => {}
        Value::Object(source) => {
            let keys: BTreeSet<&str> = source.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from(["path", "line", "column"]),
                "{finding}"
            );
            assert!(source["path"].is_string(), "{finding}");
            assert!(source["line"].as_u64().is_some_and(|n| n >= 1), "{finding}");
            assert!(
                source["column"].as_u64().is_some_and(|n| n >= 1),
                "{finding}"
            );
        }
        other => panic!("source is neither null nor an object: {other}"),
    }
    match &object["fix"] {
        Value::Null => {}
        Value::Object(fix) => {
            let keys: BTreeSet<&str> = fix.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "replacement",
                    "applicability",
                    "line",
                    "column",
                    "end_line",
                    "end_column"
                ]),
                "{finding}"
            );
            for key in ["line", "column", "end_line", "end_column"] {
                assert!(fix[key].as_u64().is_some_and(|n| n >= 1), "{finding}");
            }
            assert!(fix["replacement"].is_string(), "{finding}");
            assert!(
                ["safe", "unsafe"].contains(&fix["applicability"].as_str().unwrap_or("")),
                "{finding}"
            );
        }
        other => panic!("fix is neither null nor an object: {other}"),
    }
}

#[test]
fn json_findings_have_exactly_the_documented_keys() {
    let dir = fixture();
    let (output, findings) = findings_json(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/drift.md",
            "zh-cn/clean.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(!findings.is_empty(), "{}", describe(&output));
    for finding in &findings {
        assert_finding_shape(finding);
    }
    let drift = findings
        .iter()
        .find(|f| f["code"] == "LD101")
        .unwrap_or_else(|| panic!("no LD101:\n{}", describe(&output)));
    assert_eq!(drift["rule"], "host-drift");
    assert_eq!(drift["severity"], "error");
    assert_eq!(drift["path"], "zh-cn/drift.md");
    assert_eq!(drift["line"], 3);
    assert_eq!(drift["column"], 5);
    assert_eq!(drift["end_line"], 3);
    assert_eq!(
        drift["end_column"],
        5 + "sipdir.online.microsoft.com".chars().count() as u64
    );
    assert_eq!(drift["source"]["path"], "en-us/a.md");
    assert_eq!(drift["source"]["line"], 3);
    assert_eq!(drift["source"]["column"], 12);
}

#[test]
fn json_of_a_clean_pair_is_an_empty_array() {
    let dir = fixture();
    let (output, findings) = findings_json(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/clean.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(findings.is_empty(), "{}", describe(&output));
}

#[test]
fn jsonl_is_one_object_per_line_and_matches_json() {
    let dir = fixture();
    let args = [
        "check",
        "--source",
        "en-us/a.md",
        "zh-cn/drift.md",
        "zh-cn/clean.md",
    ];
    let (_, array) = findings_json(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let output = run(dir.path(), &[&args[..], &["--format", "jsonl"]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty(), "{}", describe(&output));
    let mut objects = Vec::new();
    for line in &lines {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line is not JSON ({e}): {line:?}\n{}", describe(&output)));
        assert!(value.is_object(), "{line}");
        assert_finding_shape(&value);
        objects.push(value);
    }
    assert_eq!(objects, array, "jsonl and json disagree");
}

// ---------------------------------------------------------------------------------------------
// Columns count Unicode scalar values

#[test]
fn columns_count_scalar_values_after_cjk() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    // 8 CJK characters, a space, then the drifted host: it starts at column 10 (but at byte 25).
    let line = "请连接到下列服务器 sipdir.online.microsoft.com 的端口 443 并阅读指南。";
    write(dir.path(), "zh-cn/a.md", format!("# 标题\n\n{line}\n"));
    let prefix = "请连接到下列服务器 ";
    let expected_column = prefix.chars().count() as u64 + 1;
    assert_eq!(expected_column, 11);
    let (output, findings) = findings_json(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/a.md",
            "--format",
            "json",
        ],
    );
    let drift = findings
        .iter()
        .find(|f| f["code"] == "LD101")
        .unwrap_or_else(|| panic!("no LD101:\n{}", describe(&output)));
    assert_eq!(drift["line"], 3, "{drift}");
    assert_eq!(drift["column"], expected_column, "{drift}");
    assert_eq!(
        drift["end_column"],
        expected_column + "sipdir.online.microsoft.com".chars().count() as u64,
        "{drift}"
    );
}

#[test]
fn columns_count_scalar_values_with_host_glued_to_cjk() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(
        dir.path(),
        "zh-cn/a.md",
        "# 标题\n\n连接到sipdir.online.microsoft.com的端口 443 并阅读指南。\n",
    );
    let (output, findings) = findings_json(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/a.md",
            "--format",
            "json",
        ],
    );
    let drift = findings
        .iter()
        .find(|f| f["code"] == "LD101")
        .unwrap_or_else(|| panic!("no LD101:\n{}", describe(&output)));
    assert_eq!(drift["line"], 3, "{drift}");
    assert_eq!(drift["column"], 4, "{drift}");
    assert_eq!(drift["end_column"], 4 + 27, "{drift}");
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 2, the path on stderr, no panic, the run goes on.

fn assert_bad_input(relative: &str, contents: &[u8]) {
    let dir = fixture();
    write(dir.path(), relative, contents);
    let output = run(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            relative,
            "zh-cn/drift.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "{relative}: {}",
        describe(&output)
    );
    let err = stderr(&output);
    assert!(
        err.contains(relative),
        "stderr does not name {relative}: {}",
        describe(&output)
    );
    assert!(!err.contains("panicked"), "{}", describe(&output));
    assert!(!err.contains("internal error"), "{}", describe(&output));
    // The run continued: the other file was still checked.
    let findings: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", describe(&output)));
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "zh-cn/drift.md" && f["code"] == "LD101"),
        "the run did not go on after {relative}: {}",
        describe(&output)
    );
}

#[test]
fn not_utf8_exits_2() {
    assert_bad_input(
        "zh-cn/latin1.md",
        b"# Caf\xe9\n\nConnect to sipdir.online.lync.com.\n",
    );
}

#[test]
fn binary_with_nul_exits_2() {
    assert_bad_input(
        "zh-cn/binary.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    );
}

#[test]
fn utf16_exits_2() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "# 标题\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    assert_bad_input("zh-cn/utf16.md", &bytes);
}

#[test]
fn unclosed_side_by_side_span_exits_2() {
    let text = "# <span data-ttu-id=\"x-1\">标题</span><span class=\"sxs-lookup\"><span data-stu-id=\"x-1\">Title</span></span>\n\n\
                <span data-ttu-id=\"x-2\">连接到 sipdir.online.lync.com。<span class=\"sxs-lookup\"><span data-stu-id=\"x-2\">Connect to sipdir.online.lync.com.</span></span>\n\n\
                <span data-ttu-id=\"x-1\">未闭合\n";
    assert_bad_input("zh-cn/sxs.md", text.as_bytes());
}

#[test]
fn unclosed_span_only_exits_2() {
    let text = "# Title\n\n<span data-ttu-id=\"x-1\">标题 <span class=\"sxs-lookup\">\n";
    assert_bad_input("zh-cn/sxs-open.md", text.as_bytes());
}

#[test]
fn missing_translation_among_others_exits_2_and_goes_on() {
    assert_bad_input_missing("zh-cn/nowhere.md");
}

fn assert_bad_input_missing(relative: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", DRIFTED);
    let (output, findings) = findings_json(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us",
            relative,
            "zh-cn/a.md",
            "--format",
            "json",
        ],
    );
    assert_fails_naming(&output, relative);
    assert_eq!(codes(&findings), BTreeSet::from(["LD101".into()]));
}

/// A path that does not exist is reported like a file that cannot be read: under its name in
/// the formats that describe a whole run, while the other files are still checked.
#[test]
fn a_missing_translation_is_a_sarif_notification_beside_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", DRIFTED);
    let output = run(
        dir.path(),
        &[
            "check", "--source", "en-us", "zh-cn", "nope.md", "--format", "sarif",
        ],
    );
    assert_fails_naming(&output, "nope.md");
    let sarif: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("stdout is not SARIF ({e}):\n{}", describe(&output)));
    let run = &sarif["runs"][0];
    assert_eq!(
        run["results"][0]["ruleId"],
        "LD101",
        "{}",
        describe(&output)
    );
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "nope.md",
        "{}",
        describe(&output)
    );
}

/// A missing source, unlike a missing translation, ends the run before any check: every
/// translation would otherwise be reported as having no source.
#[test]
fn missing_source_exits_2() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &["check", "--source", "en-us/missing.md", "zh-cn/clean.md"],
    );
    assert_fails_naming(&output, "en-us/missing.md");
    assert!(
        stderr(&output).contains("the English source"),
        "{}",
        describe(&output)
    );
    assert!(stdout(&output).is_empty(), "{}", describe(&output));
}

#[test]
fn bad_source_exits_2() {
    let dir = fixture();
    write(dir.path(), "en-us/bad.md", b"# Title\xff\n");
    let output = run(
        dir.path(),
        &["check", "--source", "en-us/bad.md", "zh-cn/clean.md"],
    );
    assert_fails_naming(&output, "en-us/bad.md");
}

// ---------------------------------------------------------------------------------------------
// Where the locale comes from (LD003 when nothing says it)

/// The codes found when `translation` (the outdated portal name) is checked at `path`.
fn codes_for_translation_at(path: &str, translation: &str, extra: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en/a.md",
        "# Title\n\nOpen the Microsoft 365 admin center.\n",
    );
    write(dir.path(), path, translation);
    let mut args = vec!["check", "--source", "en/a.md", path, "--format", "json"];
    args.extend(extra);
    let (output, findings) = findings_json(dir.path(), &args);
    assert!(
        !stderr(&output).contains("panicked"),
        "{}",
        describe(&output)
    );
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

const PORTAL: &str = "# 标题\n\n打开 Office 365 门户。\n";

#[test]
fn a_translation_of_unknown_locale_says_so_and_skips_the_locale_rulebooks() {
    let codes = codes_for_translation_at("translated/a.md", PORTAL, &[]);
    assert!(codes.contains(&"LD003".to_string()), "{codes:?}");
    // The zh-cn rulebook's outdated name is not looked for.
    assert!(!codes.contains(&"LD303".to_string()), "{codes:?}");
}

#[test]
fn the_locale_from_the_option_the_front_matter_or_the_folder_applies_its_rulebooks() {
    let with_meta = format!("---\nms.contentlocale: zh-cn\n---\n{PORTAL}");
    for codes in [
        codes_for_translation_at("translated/a.md", PORTAL, &["--locale", "zh-cn"]),
        codes_for_translation_at("translated/a.md", &with_meta, &[]),
        codes_for_translation_at("zh-cn/a.md", PORTAL, &[]),
    ] {
        assert!(!codes.contains(&"LD003".to_string()), "{codes:?}");
        assert!(codes.contains(&"LD303".to_string()), "{codes:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// explain and rules

#[test]
fn explain_ld101() {
    let output = locdrift().args(["explain", "LD101"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stdout(&output).contains("# host-drift (LD101)"),
        "{}",
        describe(&output)
    );
}

#[test]
fn explain_by_name() {
    let output = locdrift().args(["explain", "host-drift"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stdout(&output).contains("# host-drift (LD101)"),
        "{}",
        describe(&output)
    );
}

#[test]
fn explain_unknown_exits_2() {
    let output = locdrift().args(["explain", "nope"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        !stderr(&output).contains("panicked"),
        "{}",
        describe(&output)
    );
}

#[test]
fn rules_lists_every_code() {
    let output = locdrift().arg("rules").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let out = stdout(&output);
    let codes: Vec<&str> = locdrift::engine::rules().map(|r| r.info().code).collect();
    assert!(codes.len() >= 10, "{codes:?}");
    for code in [
        "LD001", "LD002", "LD101", "LD201", "LD202", "LD301", "LD302", "LD303", "LD401", "LD402",
        "LD403",
    ] {
        assert!(codes.contains(&code), "{code} is not registered: {codes:?}");
    }
    for code in &codes {
        assert!(out.contains(code), "`rules` does not list {code}:\n{out}");
        let explain = locdrift().args(["explain", code]).output().unwrap();
        assert_eq!(
            explain.status.code(),
            Some(0),
            "explain {code}: {}",
            describe(&explain)
        );
        assert!(
            stdout(&explain).contains(&format!("({code})")),
            "{}",
            describe(&explain)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rulebook data of the issue-4 rules

/// A French translation that points `/en-us/` links at `/fr-fr/` is link drift until a rulebook
/// allows the rewrite; a rulebook with a broken `[links]` table is a usage error naming it.
#[test]
fn locale_rewrites_come_from_rulebooks() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nSee [the guide](https://learn.contoso.com/en-us/guide) for details.\n",
    );
    write(
        dir.path(),
        "it-it/a.md",
        "# Titolo\n\nVedere [la guida](https://learn.contoso.com/it-it/guide) per i dettagli.\n",
    );
    let args = [
        "check",
        "--source",
        "en-us/a.md",
        "it-it/a.md",
        "--color",
        "never",
    ];
    let output = run(dir.path(), &args);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        stdout(&output).contains("rewrites `/en-us/` to `/it-it/`"),
        "{}",
        describe(&output)
    );

    write(
        dir.path(),
        "it.toml",
        "locale = \"it\"\n[links]\nlocale-rewrites = [{ from = \"en-us\", to = \"it-it\" }]\n",
    );
    let mut with_book = args.to_vec();
    with_book.extend(["--rules", "it.toml"]);
    let output = run(dir.path(), &with_book);
    assert!(!stdout(&output).contains("LD104"), "{}", describe(&output));

    write(
        dir.path(),
        "broken.toml",
        "locale = \"it\"\n[links]\nlocale-rewrites = [{ to = \"it-it\" }]\n",
    );
    let mut with_broken = args.to_vec();
    with_broken.extend(["--rules", "broken.toml"]);
    assert_fails_naming(&run(dir.path(), &with_broken), "broken.toml");
}

/// `[text] (url)`: the safe fix removes exactly the space between `]` and `(`.
#[test]
fn split_link_fix_removes_the_space() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nRead [the history](https://learn.contoso.com/history) first.\n",
    );
    let translated = "# 标题\n\n先阅读[历史记录] (https://learn.contoso.com/history)。\n";
    write(dir.path(), "zh-cn/a.md", translated);
    let output = run(
        dir.path(),
        &[
            "check",
            "--source",
            "en-us/a.md",
            "zh-cn/a.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let split = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "LD104")
        .unwrap_or_else(|| panic!("no LD104: {}", describe(&output)));
    assert_eq!(split["fix"]["replacement"], "", "{split}");
    assert_eq!(split["fix"]["applicability"], "safe", "{split}");
    assert_eq!(split["line"], 3, "{split}");
    // Column of `[历史记录]`: characters, not bytes.
    assert_eq!(split["column"], 4, "{split}");
}
