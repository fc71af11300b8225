//! The bad-input matrix: every kind of broken or hostile input has one exact expected outcome,
//! either findings or exit status 2 with an error line that names the file and the problem.
//! Never a panic, a hang or a changed input file. Each case runs next to a good file, to show
//! that the run goes on.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{describe, stderr, write};

const SOURCE: &str = "# Title\n\nConnect to sipdir.online.lync.com on port 443.\n";
const GOOD: &str = "# 标题\n\n连接到 sipdir.online.lync.com 的端口 443。\n";

fn locdrift(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("running locdrift")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A tree with `en-us/` sources, a good `zh-cn/good.md` and the bad file as `zh-cn/bad.md`
/// (paired with `en-us/bad.md` = SOURCE).
fn tree(bad: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/good.md", SOURCE);
    write(dir.path(), "en-us/bad.md", SOURCE);
    write(dir.path(), "zh-cn/good.md", GOOD);
    write(dir.path(), "zh-cn/bad.md", bad);
    dir
}

/// Checks the tree; the bad file must fail with exactly `error` on stderr (one line), the run
/// must go on to the good file, and no file may change.
fn assert_rejected(bad: &[u8], error: &str) {
    let dir = tree(bad);
    let output = locdrift(
        dir.path(),
        &["check", "--color", "never", "--source", "en-us", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(stderr(&output), format!("error: {error}\n"));
    // Both sources and the good translation were checked.
    assert_eq!(
        stdout(&output),
        "no findings in 3 files\n",
        "{}",
        describe(&output)
    );
    assert_eq!(std::fs::read(dir.path().join("zh-cn/bad.md")).unwrap(), bad);
}

/// JSON findings of checking `zh-cn/bad.md` against its source.
fn findings(dir: &Path, extra: &[&str]) -> (Output, Vec<Value>) {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--source",
        "en-us/bad.md",
        "zh-cn/bad.md",
    ];
    args.extend(extra);
    let output = locdrift(dir, &args);
    let findings: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", describe(&output)));
    (output, findings.as_array().unwrap().clone())
}

#[test]
fn invalid_utf8_is_rejected_with_the_offset() {
    let mut bad = GOOD.as_bytes().to_vec();
    bad.insert(9, 0xC3);
    bad.insert(10, 0x28);
    assert_rejected(
        &bad,
        "`zh-cn/bad.md` is not valid UTF-8 (invalid byte at offset 9)",
    );
}

#[test]
fn utf16_is_rejected_with_a_way_to_convert_it() {
    for bom in [[0xFF, 0xFE], [0xFE, 0xFF]] {
        let mut bad = bom.to_vec();
        for unit in GOOD.encode_utf16() {
            let bytes = if bom[0] == 0xFF {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bad.extend(bytes);
        }
        assert_rejected(
            &bad,
            "`zh-cn/bad.md` is UTF-16 text; locdrift reads UTF-8 (convert it with `iconv -f \
             UTF-16 -t UTF-8`)",
        );
    }
}

#[test]
fn nul_bytes_are_rejected_as_binary() {
    let mut bad = GOOD.as_bytes().to_vec();
    bad.insert(4, 0);
    assert_rejected(
        &bad,
        "`zh-cn/bad.md` is a binary file (NUL byte at offset 4), not Markdown",
    );
}

/// A translation whose host drifted on its first line, for position checks.
const DRIFT_ON_LINE_1: &str = "连接到 sipdir.online.microsoft.com 的端口 443。\n";
const SOURCE_LINE_1: &str = "Connect to sipdir.online.lync.com on port 443.\n";

fn host_drift(findings: &[Value]) -> &Value {
    findings
        .iter()
        .find(|f| f["code"] == "LD101")
        .unwrap_or_else(|| panic!("no LD101 in {findings:#?}"))
}

#[test]
fn a_utf8_bom_is_ignored_and_columns_do_not_count_it() {
    let dir = tree(format!("\u{feff}{DRIFT_ON_LINE_1}").as_bytes());
    write(dir.path(), "en-us/bad.md", SOURCE_LINE_1);
    let (output, findings) = findings(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let finding = host_drift(&findings);
    // `连接到 ` is four scalar values: the host starts at column 5, without the BOM.
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&Value::from(1), &Value::from(5))
    );
    assert_eq!(
        finding["end_column"],
        Value::from(5 + "sipdir.online.microsoft.com".len())
    );
}

#[test]
fn crlf_line_endings_keep_lines_and_columns_right() {
    let translation = format!("# 标题\r\n\r\n{}", DRIFT_ON_LINE_1.replace('\n', "\r\n"));
    let dir = tree(translation.as_bytes());
    write(
        dir.path(),
        "en-us/bad.md",
        format!("# Title\r\n\r\n{}", SOURCE_LINE_1.replace('\n', "\r\n")),
    );
    let (output, findings) = findings(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let finding = host_drift(&findings);
    assert_eq!(finding["line"], Value::from(3));
    assert_eq!(finding["column"], Value::from(5));
    assert_eq!(finding["end_line"], Value::from(3));
    assert_eq!(
        finding["end_column"],
        Value::from(5 + "sipdir.online.microsoft.com".len())
    );
    assert_eq!(finding["source"]["line"], Value::from(3));
    assert_eq!(finding["source"]["column"], Value::from(12));
    // The human form shows the line without its `\r`.
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--color",
            "never",
            "--source",
            "en-us/bad.md",
            "zh-cn/bad.md",
        ],
    );
    assert!(!stdout(&output).contains('\r'), "{}", describe(&output));
    assert!(stdout(&output).contains("zh-cn/bad.md:3:5"));
}

#[test]
fn a_50_mb_single_line_is_skipped_by_default_and_checked_when_allowed() {
    let unit = "连接到 sipdir.online.lync.com 的端口 443。";
    let line = unit.repeat(50 * 1024 * 1024 / unit.len());
    let bad = format!("# 标题\n\n{line}\n");
    let size = bad.len();
    assert!(size > 50 * 1000 * 1000);
    assert_rejected(
        bad.as_bytes(),
        &format!(
            "`zh-cn/bad.md` is 50.0 MiB ({size} bytes), over the 16 MiB limit; skipped (raise it \
             with `--max-file-size`)"
        ),
    );
    // Allowed, it is checked (in linear time: this used to hang) and is clean.
    let dir = tree(bad.as_bytes());
    let (output, findings) = findings(dir.path(), &["--max-file-size", "64M"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(findings, Vec::<Value>::new());
}

#[test]
fn ten_thousand_nested_block_quotes_are_checked() {
    let nested = format!(
        "{}连接到 sipdir.online.microsoft.com。\n",
        "> ".repeat(10_000)
    );
    let dir = tree(nested.as_bytes());
    write(
        dir.path(),
        "en-us/bad.md",
        format!(
            "{}Connect to sipdir.online.lync.com.\n",
            "> ".repeat(10_000)
        ),
    );
    let (output, findings) = findings(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let finding = host_drift(&findings);
    assert_eq!(finding["line"], Value::from(1));
    assert_eq!(finding["column"], Value::from(20_000 + 5));
}

#[test]
fn an_unclosed_span_is_rejected_with_its_line() {
    let bad = "# 标题\n\n<span data-ttu-id=\"a1\">连接。<span class=\"sxs-lookup\"><span data-stu-id=\"a1\">Connect.</span></span>\n";
    assert_rejected(
        bad.as_bytes(),
        "`zh-cn/bad.md`: malformed side-by-side file at line 3: `<span data-ttu-id=\"a1\">` \
         is never closed",
    );
}

#[test]
fn a_lookup_for_another_segment_is_rejected() {
    let bad = "# 标题\n\n<span data-ttu-id=\"a1\">连接。</span><span class=\"sxs-lookup\"><span data-stu-id=\"b2\">Connect.</span></span>\n";
    assert_rejected(
        bad.as_bytes(),
        "`zh-cn/bad.md`: malformed side-by-side file at line 3: the lookup of segment `a1` is \
         marked `data-stu-id=\"b2\"`",
    );
}

#[test]
fn a_lookup_that_is_never_closed_is_rejected() {
    let bad = "# 标题\n\n<span data-ttu-id=\"a1\">连接。</span><span class=\"sxs-lookup\"><span data-stu-id=\"a1\">Connect.</span>\n";
    assert_rejected(
        bad.as_bytes(),
        "`zh-cn/bad.md`: malformed side-by-side file at line 3: the `sxs-lookup` span of \
         segment `a1` is never closed",
    );
}

#[test]
fn a_duplicate_segment_id_is_rejected_naming_both_lines() {
    let segment = "<span data-ttu-id=\"a1\">连接。</span><span class=\"sxs-lookup\"><span data-stu-id=\"a1\">Connect.</span></span>";
    let bad = format!("# 标题\n\n{segment}\n\n{segment}\n");
    assert_rejected(
        bad.as_bytes(),
        "`zh-cn/bad.md`: malformed side-by-side file at line 5: segment id `a1` is used twice \
         (first on line 3)",
    );
}

#[test]
fn front_matter_that_never_closes_is_rejected() {
    let bad = "---\ntitle: 标题\nms.assetid: 1234\n\n# 标题\n\n连接。\n";
    assert_rejected(
        bad.as_bytes(),
        "`zh-cn/bad.md`: the front matter opened on line 1 never closes (no `---` line after it)",
    );
}

#[test]
fn a_leading_thematic_break_is_not_front_matter() {
    let dir = tree("---\n\n# 标题\n\n连接到 sipdir.online.lync.com 的端口 443。\n".as_bytes());
    let (output, findings) = findings(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(findings, Vec::<Value>::new());
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_is_reported_once_and_the_rest_is_checked() {
    let dir = tree(GOOD.as_bytes());
    std::os::unix::fs::symlink(".", dir.path().join("zh-cn/self")).unwrap();
    let output = locdrift(
        dir.path(),
        &["check", "--color", "never", "--source", "en-us", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(
        stderr(&output),
        "error: `zh-cn/self` is a symbolic link loop (it leads back to `zh-cn`); not followed\n"
    );
    // Two sources and the two translations, each once.
    assert_eq!(stdout(&output), "no findings in 4 files\n");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(GOOD.as_bytes());
    let bad = dir.path().join("zh-cn/bad.md");
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&bad).is_ok() {
        println!("skipping: running as root, a file without read permission is still readable");
        return;
    }
    let output = locdrift(
        dir.path(),
        &["check", "--color", "never", "--source", "en-us", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(
        stderr(&output),
        "error: reading `zh-cn/bad.md`: Permission denied (os error 13)\n"
    );
    assert_eq!(stdout(&output), "no findings in 3 files\n");
}

#[test]
fn a_file_that_disappears_is_reported() {
    // The CLI cannot be raced reliably; a dangling symbolic link is a file the walk lists and
    // the read cannot open, which is what a file deleted mid-run looks like. The per-file path
    // (listed, then gone) is covered by `cli::check::tests::a_file_removed_after_the_walk_…`.
    let dir = tree(GOOD.as_bytes());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("gone.md", dir.path().join("zh-cn/dangling.md")).unwrap();
        let output = locdrift(
            dir.path(),
            &["check", "--color", "never", "--source", "en-us", "zh-cn"],
        );
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert!(
            stderr(&output).contains("zh-cn/dangling.md")
                && stderr(&output).contains("No such file or directory"),
            "{}",
            describe(&output)
        );
        assert!(!stderr(&output).contains("panicked"));
    }
}

#[test]
fn source_and_translation_the_same_file_is_rejected() {
    let dir = tree(GOOD.as_bytes());
    for source in ["zh-cn/good.md", "./zh-cn/good.md"] {
        let output = locdrift(
            dir.path(),
            &[
                "check",
                "--color",
                "never",
                "--source",
                source,
                "zh-cn/good.md",
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert_eq!(
            stderr(&output),
            "error: `zh-cn/good.md` is given as both source and translation\n"
        );
    }
}

/// Half a megabyte of `unit` on one line, and how many times it is repeated.
fn long_line(unit: &str) -> (String, usize) {
    let count = 512 * 1024 / unit.len();
    (unit.repeat(count), count)
}

/// Checks one-paragraph-per-unit files: the source repeats each `(source, target)` unit over
/// a long line, the translation repeats its unit as many times, with Chinese text first.
fn check_long_blocks(units: &[(&str, &str)]) -> (Output, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let (mut source, mut target) = ("# Title\n".to_string(), "# 标题\n".to_string());
    for (source_unit, target_unit) in units {
        let (line, count) = long_line(source_unit);
        source += &format!("\nSee {line}\n");
        target += &format!("\n参见 {}\n", target_unit.repeat(count));
    }
    write(dir.path(), "en-us/bad.md", source);
    write(dir.path(), "zh-cn/bad.md", target);
    findings(dir.path(), &[])
}

fn with_code<'a>(findings: &'a [Value], code: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

// Blocks with thousands of values: pairing them by scanning and removing, searching the
// block once per value, or re-parsing it once per finding made these take minutes to hours
// (half a megabyte of `**a**` escaped: well over an hour). Each must now finish.

#[test]
fn thousands_of_equal_values_in_one_block_are_paired() {
    let (output, findings) = check_long_blocks(&[
        ("http://a ", "http://a "),
        ("bob@contoso.com ", "bob@contoso.com "),
        ("12 ", "12 "),
        ("`a` ", "`a` "),
        ("{0} ", "{0} "),
        ("[a](https://contoso.com/a) ", "[a](https://contoso.com/a) "),
        ("*a **b** c* ", "*a **b** c* "),
        ("](", "]("),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(findings, Vec::<Value>::new());
}

/// The findings of `code` are `examined` one by one and a summary of the rest, which together
/// account for all `count` unmatched values.
fn assert_summarised(findings: &[Value], code: &str, count: usize, summary: &str) {
    let of_code = with_code(findings, code);
    let summaries: Vec<&&Value> = of_code
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains(" more "))
        .collect();
    assert_eq!(summaries.len(), 1, "{code}: {of_code:#?}");
    let message = summaries[0]["message"].as_str().unwrap();
    let number = |text: &str| -> usize { text.parse().unwrap_or_else(|_| panic!("{message}")) };
    let rest = number(message.split(' ').next().unwrap());
    let examined = number(
        message
            .rsplit_once("(only the first ")
            .and_then(|(_, tail)| tail.strip_suffix(" are examined one by one)"))
            .unwrap_or(""),
    );
    assert_eq!(
        message,
        format!(
            "{rest} more {summary} of the source are not matched in this paragraph (only the \
             first {examined} are examined one by one)"
        )
    );
    assert!((10..=100).contains(&examined), "{message}");
    assert_eq!(of_code.len(), examined + 1, "{code}");
    assert_eq!(examined + rest, count, "{code}");
}

#[test]
fn thousands_of_changed_values_in_one_block_are_summarised() {
    let hosts = ("sipdir.online.lync.com ", "sipdir.online.microsoft.com ");
    let code = ("`Get-CsUser -Identity a` ", "`Get-CsUser -Identity b` ");
    let links = (
        "[a](https://contoso.com/en-us/a?x=1) ",
        "[a](https://contoso.com/en-us/b?x=1) ",
    );
    let (output, findings) = check_long_blocks(&[hosts, code, links]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let hosts_count = long_line(hosts.0).1;
    assert_summarised(
        &findings,
        "LD101",
        hosts_count,
        "host names, addresses, paths and file names",
    );
    assert_summarised(&findings, "LD103", long_line(code.0).1, "code spans");
    assert_summarised(&findings, "LD104", long_line(links.0).1, "links and images");
}

#[test]
fn thousands_of_broken_bold_pairs_are_all_reported() {
    let (output, findings) = check_long_blocks(&[("**a** ", "\\*\\*a\\*\\* ")]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let bold = with_code(&findings, "LD201");
    assert_eq!(bold.len(), long_line("**a** ").1);
    // Repairs are tried (each re-parses the block) until the file's budget is spent.
    assert_eq!(bold[0]["fix"]["applicability"], "safe", "{:#}", bold[0]);
    let last = bold.last().unwrap();
    assert_eq!(last["fix"], Value::Null, "{last:#}");
}

#[test]
fn thousands_of_renamed_anchors_are_each_reported() {
    let dir = tempfile::tempdir().unwrap();
    let count = 20_000;
    let anchors = |prefix: &str| {
        (0..count)
            .map(|i| format!("<a name=\"{prefix}toc{i}\"></a>"))
            .collect::<String>()
    };
    write(
        dir.path(),
        "en-us/bad.md",
        format!("# Title\n\nSee {}\n", anchors("")),
    );
    write(
        dir.path(),
        "zh-cn/bad.md",
        format!("# 标题\n\n参见 {}\n", anchors("__")),
    );
    let (output, findings) = findings(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let renamed = with_code(&findings, "LD202");
    assert_eq!(renamed.len(), count);
    assert_eq!(
        renamed[count - 1]["message"],
        format!(
            "anchor `toc{}` is renamed `__toc{}` in the translation",
            count - 1,
            count - 1
        )
    );
}
