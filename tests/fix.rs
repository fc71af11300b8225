//! `check --fix`, `--unsafe-fixes` and `--diff` end to end, on tempdir copies: what is written
//! byte for byte, what is never written, and what is reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{describe, stderr, stdout, write};

fn locdrift() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_locdrift"));
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    locdrift()
        .current_dir(dir)
        .args(["check", "--color", "never", "--no-config"])
        .args(args)
        .output()
        .expect("running locdrift")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The corpus's translation folders (every locale folder but `en-us`), sorted.
fn locales() -> Vec<String> {
    let mut locales: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap().to_str().unwrap().to_string())
        .filter(|name| name != "en-us")
        .collect();
    locales.sort();
    locales
}

/// Copies the corpus's locale folders into a tempdir.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for locale in std::iter::once("en-us".to_string()).chain(locales()) {
        for entry in std::fs::read_dir(corpus().join(&locale)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap();
            write(
                dir.path(),
                &format!("{locale}/{name}"),
                std::fs::read(&path).unwrap(),
            );
        }
    }
    dir
}

/// Every file below `dir`, by relative path, with its bytes.
fn snapshot_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A file line of the fix report: its path and (count, `CODE name`) per rule.
type FileLine = (String, Vec<(usize, String)>);

/// The fix report: `Fixed N findings in M files.` (or `Would fix …`) and one line per file,
/// `  PATH: 2 × LD101 host-drift, 1 × LD201 escaped-emphasis`. Returns N and, per file, the
/// counts; checks that they add up.
fn parse_report(report: &str, verb: &str) -> (usize, Vec<FileLine>) {
    let mut lines = report.lines();
    let head = lines.next().expect("a summary line");
    let rest = head
        .strip_prefix(verb)
        .unwrap_or_else(|| panic!("{head:?} does not start with {verb:?}"));
    let words: Vec<&str> = rest.split_whitespace().collect();
    let fixed: usize = words[0].parse().expect("a count");
    let files: usize = words[3].parse().expect("a file count");
    let mut per_file = Vec::new();
    for line in lines {
        let line = line.strip_prefix("  ").expect("an indented file line");
        let (path, rules) = line.split_once(": ").expect("PATH: rules");
        let rules: Vec<(usize, String)> = rules
            .split(", ")
            .map(|rule| {
                let (count, code) = rule.split_once(" × ").expect("N × CODE name");
                (count.parse().unwrap(), code.to_string())
            })
            .collect();
        per_file.push((path.to_string(), rules));
    }
    assert_eq!(per_file.len(), files, "{report}");
    let sum: usize = per_file
        .iter()
        .flat_map(|(_, rules)| rules.iter().map(|(count, _)| count))
        .sum();
    assert_eq!(sum, fixed, "{report}");
    (fixed, per_file)
}

#[test]
fn diff_prints_the_fixes_without_writing() {
    let dir = corpus_copy();
    let before = snapshot_files(dir.path());
    let locales = locales();
    let mut args = vec!["--diff", "--source", "en-us"];
    args.extend(locales.iter().map(String::as_str));
    let output = run(dir.path(), &args);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(snapshot_files(dir.path()), before, "--diff wrote a file");
    let (fixed, per_file) = parse_report(&stderr(&output), "Would fix ");
    assert!(fixed > 0);
    let diffed: Vec<String> = stdout(&output)
        .lines()
        .filter_map(|line| line.strip_prefix("+++ b/"))
        .map(str::to_string)
        .collect();
    let reported: Vec<String> = per_file.iter().map(|(path, _)| path.clone()).collect();
    assert_eq!(diffed, reported);
    // The corpus's escaped markers and renamed anchors are among them.
    let codes: Vec<&str> = per_file
        .iter()
        .flat_map(|(_, rules)| rules.iter().map(|(_, code)| code.as_str()))
        .collect();
    assert!(codes.contains(&"LD201 escaped-emphasis"), "{codes:?}");
    assert!(codes.contains(&"LD202 lost-anchor"), "{codes:?}");
    insta::assert_snapshot!("corpus_diff", stdout(&output));
}

#[test]
fn fix_writes_the_diffed_files_only_and_a_second_run_finds_nothing_to_fix() {
    let dir = corpus_copy();
    let before = snapshot_files(dir.path());
    let locales = locales();
    let mut diff_args = vec!["--diff", "--source", "en-us"];
    diff_args.extend(locales.iter().map(String::as_str));
    let diff = run(dir.path(), &diff_args);
    let (would_fix, would_change) = parse_report(&stderr(&diff), "Would fix ");

    let mut args = vec!["--fix", "--source", "en-us"];
    args.extend(locales.iter().map(String::as_str));
    let output = run(dir.path(), &args);
    let out = stdout(&output);
    let report = &out[out.find("\nFixed ").expect("a fix report") + 1..];
    let (fixed, changed_files) = parse_report(report, "Fixed ");
    assert_eq!((fixed, &changed_files), (would_fix, &would_change));
    // What remains is reported, and still fails the run.
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(!out.contains("(fixable)"), "safe fixes remain:\n{out}");
    assert!(
        out.contains("[LD201]"),
        "the unsafe fixes should remain:\n{out}"
    );

    let after = snapshot_files(dir.path());
    let changed: Vec<&str> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path.as_str())
        .collect();
    let reported: Vec<&str> = changed_files
        .iter()
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(changed, reported);
    assert_eq!(
        after.len(),
        before.len(),
        "a temporary file was left behind"
    );

    let again = run(dir.path(), &args);
    assert!(
        stdout(&again).ends_with("Fixed no findings.\n"),
        "{}",
        describe(&again)
    );
    assert_eq!(snapshot_files(dir.path()), after);
    let diff = run(dir.path(), &diff_args);
    assert_eq!(diff.status.code(), Some(0), "{}", describe(&diff));
    assert_eq!(stdout(&diff), "");
}

/// The byte offset of a 1-based line and column (in Unicode scalar values) of `text`.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let column = column as usize - 1;
    text[start..]
        .char_indices()
        .nth(column)
        .map_or(text.len(), |(at, _)| start + at)
}

#[test]
fn json_fixes_applied_at_their_own_positions_give_what_fix_writes() {
    // A consumer of `--format json` (an editor, a review bot) applies each safe fix at its
    // `fix` position, not at the finding's: they differ (a split link is reported whole and
    // fixed by deleting its space).
    let by_json = corpus_copy();
    let by_fix = corpus_copy();
    let locales = locales();
    let mut args = vec!["--format", "json", "--source", "en-us"];
    args.extend(locales.iter().map(String::as_str));
    let output = run(by_json.path(), &args);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let mut edits: BTreeMap<String, Vec<(usize, usize, String)>> = BTreeMap::new();
    let mut differs = 0;
    for finding in &findings {
        let fix = &finding["fix"];
        if fix["applicability"] != "safe" {
            continue;
        }
        let path = finding["path"].as_str().unwrap().to_string();
        let text = std::fs::read_to_string(by_json.path().join(&path)).unwrap();
        let at = |line: &str, column: &str| {
            offset(
                &text,
                fix[line].as_u64().unwrap(),
                fix[column].as_u64().unwrap(),
            )
        };
        let (start, end) = (at("line", "column"), at("end_line", "end_column"));
        differs += usize::from(
            (
                fix["line"].clone(),
                fix["column"].clone(),
                fix["end_column"].clone(),
            ) != (
                finding["line"].clone(),
                finding["column"].clone(),
                finding["end_column"].clone(),
            ),
        );
        let replacement = fix["replacement"].as_str().unwrap().to_string();
        edits
            .entry(path)
            .or_default()
            .push((start, end, replacement));
    }
    assert!(
        differs > 0,
        "no fix whose position differs from its finding's"
    );
    for (path, mut edits) in edits {
        let file = by_json.path().join(&path);
        let mut text = std::fs::read_to_string(&file).unwrap();
        edits.sort();
        edits.dedup();
        // From the end, so that earlier positions stay valid; the corpus's safe fixes do not
        // overlap (`--fix` would leave one for a second pass).
        for window in edits.windows(2) {
            assert!(
                window[0].1 <= window[1].0,
                "{path}: overlapping fixes {window:?}"
            );
        }
        for (start, end, replacement) in edits.iter().rev() {
            text.replace_range(start..end, replacement);
        }
        std::fs::write(&file, text).unwrap();
    }
    let mut fix_args = vec!["--fix", "--source", "en-us"];
    fix_args.extend(locales.iter().map(String::as_str));
    run(by_fix.path(), &fix_args);
    assert_eq!(
        snapshot_files(by_json.path()),
        snapshot_files(by_fix.path())
    );
}

#[test]
fn fixed_text_is_the_original_with_only_the_reported_edits() {
    let dir = corpus_copy();
    let original = std::fs::read_to_string(dir.path().join("zh-tw/reset-mfa.md")).unwrap();
    let output = run(
        dir.path(),
        &[
            "--fix",
            "--select",
            "LD201",
            "--source",
            "en-us/reset-mfa.md",
            "zh-tw/reset-mfa.md",
        ],
    );
    assert!(
        stdout(&output).ends_with(
            "Fixed 4 findings in 1 file.\n  zh-tw/reset-mfa.md: 4 × LD201 escaped-emphasis\n"
        ),
        "{}",
        describe(&output)
    );
    let expected = original
        .replace(">** 已停用 **<", ">**已停用**<")
        .replace("[確定]\\*\\*\\*\\*。", "[確定]。")
        .replace(">****應用程式****<", ">**應用程式**<")
        .replace("在 \\*\\*名稱 \\*\\* 方塊", "在 **名稱** 方塊");
    assert_ne!(expected, original);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("zh-tw/reset-mfa.md")).unwrap(),
        expected
    );
}

const SOURCE: &str = "# Title\r\n\r\nClick **Name** and then **OK**.\r\n";
const ESCAPED: &str = "# 标题\r\n\r\n单击 \\*\\*名称\\*\\*，然后单击 **确定**。\r\n";
const UNESCAPED: &str = "# 标题\r\n\r\n单击 **名称**，然后单击 **确定**。\r\n";

#[test]
fn fix_keeps_a_byte_order_mark_and_crlf_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    let bom = "\u{feff}";
    let target = write(dir.path(), "zh-cn/a.md", format!("{bom}{ESCAPED}"));
    let output = run(dir.path(), &["--fix", "--source", "en-us", "zh-cn"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stdout(&output).contains("Fixed 1 finding in 1 file."),
        "{}",
        describe(&output)
    );
    assert_eq!(
        std::fs::read(&target).unwrap(),
        format!("{bom}{UNESCAPED}").into_bytes()
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    let target = write(dir.path(), "zh-cn/a.md", ESCAPED);
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output = run(dir.path(), &["--fix", "--source", "en-us", "zh-cn"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), UNESCAPED);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn a_read_only_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    let target = write(dir.path(), "zh-cn/a.md", ESCAPED);
    let mut permissions = std::fs::metadata(&target).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&target, permissions).unwrap();
    let output = run(dir.path(), &["--fix", "--source", "en-us", "zh-cn"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        stderr(&output).contains("zh-cn/a.md` is read-only; not fixed"),
        "{}",
        describe(&output)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), ESCAPED);
    assert_eq!(
        std::fs::read_dir(dir.path().join("zh-cn")).unwrap().count(),
        1
    );
}

#[test]
fn a_source_file_is_never_written_even_when_also_given_as_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let source = write(dir.path(), "en-us/a.md", ESCAPED.replace("标题", "Title"));
    let before = std::fs::read(&source).unwrap();
    let output = run(dir.path(), &["--fix", "--source", "en-us/a.md", "."]);
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(std::fs::read(&source).unwrap(), before);
}

#[test]
fn unsafe_fixes_apply_only_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "en-us/a.md",
        "# Title\n\nThe user has a license in the Microsoft 365 admin center.\n",
    );
    let target = write(
        dir.path(),
        "zh-cn/a.md",
        "# 标题\n\n已在 Office 365 门户中为用户分配许可证。\n",
    );
    let safe = run(dir.path(), &["--fix", "--source", "en-us", "zh-cn"]);
    assert!(
        stdout(&safe).contains("Fixed no findings."),
        "{}",
        describe(&safe)
    );
    assert!(stdout(&safe).contains("[LD303]"), "{}", describe(&safe));
    let statistics = run(
        dir.path(),
        &[
            "--statistics",
            "--unsafe-fixes",
            "--source",
            "en-us",
            "zh-cn",
        ],
    );
    assert!(
        stdout(&statistics).contains("fixable with `--fix --unsafe-fixes`"),
        "{}",
        describe(&statistics)
    );
    let fixed = run(
        dir.path(),
        &["--fix", "--unsafe-fixes", "--source", "en-us", "zh-cn"],
    );
    assert_eq!(fixed.status.code(), Some(0), "{}", describe(&fixed));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "# 标题\n\n已在 Microsoft 365 管理中心中为用户分配许可证。\n"
    );
}

#[test]
fn a_file_named_twice_is_diffed_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", ESCAPED);
    let output = run(
        dir.path(),
        &["--diff", "--source", "en-us", "zh-cn", "./zh-cn/a.md"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(
        stdout(&output).matches("+++ ").count(),
        1,
        "{}",
        describe(&output)
    );
    assert!(stderr(&output).starts_with("Would fix 1 finding in 1 file.\n"));
}

#[test]
fn with_json_output_the_fix_report_goes_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", ESCAPED);
    let output = run(
        dir.path(),
        &["--fix", "--format", "json", "--source", "en-us", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let remaining: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&output)).expect("stdout is only JSON");
    assert!(remaining.is_empty(), "{remaining:?}");
    assert_eq!(
        stderr(&output),
        "Fixed 1 finding in 1 file.\n  zh-cn/a.md: 1 × LD201 escaped-emphasis\n"
    );
}

#[test]
fn fix_and_diff_cannot_be_combined() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "zh-cn/a.md", ESCAPED);
    let output = run(dir.path(), &["--fix", "--diff", "zh-cn"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
}

/// The acceptance test of the issue: on a copy of the seeds, `--fix` repairs the escaped bold
/// markers of the zh-TW and ja-JP side-by-side files, and nothing else changes.
#[test]
fn seeds_fix_changes_only_escaped_bold_markers() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        println!("skipping: {} not found", seeds.display());
        return;
    }
    let find = |prefix: &str| {
        std::fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let copies = [
        ("002", "en-us/a.md"),
        ("000", "zh-cn/a.md"),
        ("001", "zh-cn/b.md"),
        ("003", "zh-tw/a.md"),
        ("004", "ja-jp/a.md"),
    ];
    for (prefix, relative) in copies {
        write(dir.path(), relative, std::fs::read(find(prefix)).unwrap());
    }
    let before = snapshot_files(dir.path());
    let output = run(
        dir.path(),
        &[
            "--fix",
            "--source",
            "en-us/a.md",
            "zh-tw/a.md",
            "ja-jp/a.md",
        ],
    );
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    let after = snapshot_files(dir.path());
    for (path, bytes) in &after {
        let old = &before[path];
        if !["zh-tw/a.md", "ja-jp/a.md"].contains(&path.as_str()) {
            assert_eq!(bytes, old, "{path} changed");
            continue;
        }
        let old = std::str::from_utf8(old).unwrap();
        let new = std::str::from_utf8(bytes).unwrap();
        assert!(
            new.matches("\\*").count() < old.matches("\\*").count(),
            "{path}: no escaped marker fixed"
        );
        let diff = similar::TextDiff::from_chars(old, new);
        for change in diff.iter_all_changes() {
            let allowed: &[char] = match change.tag() {
                similar::ChangeTag::Equal => continue,
                similar::ChangeTag::Delete => &['\\', '*', ' '],
                similar::ChangeTag::Insert => &['*', ' '],
            };
            assert!(
                change.value().chars().all(|c| allowed.contains(&c)),
                "{path}: {:?} {:?} is not a marker repair",
                change.tag(),
                change.value()
            );
        }
    }
}
