//! Reporting only new findings: `check --base REV` on a pull-request branch, `--staged` for a
//! pre-commit hook, and `--write-baseline`/`--baseline`; on git repositories built in temporary
//! folders.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{commit, describe, git, locdrift, write};

/// `(code, path, line)` of every finding.
fn findings(output: &Output) -> Vec<(String, String, u64)> {
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}", describe(output)));
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const SOURCE: &str = "# Configure the gateway

Point the record at sipdir.online.lync.com and use port 443.

Send a test message to admin@fabrikam.net.

Read the [setup guide](https://learn.contoso.com/gateway/setup).

Run `Set-GatewayConfig -Enabled $true` on the server.

## Verify

Check the headers for mail.contoso.com.
";

/// A translation with three drifts already: a changed host, a changed e-mail address and an
/// escaped bold pair.
const TRANSLATION: &str = "# 配置网关

将记录指向 sipdir.online.microsoft.com 并使用端口 443。

向 admin@fabrikam.com 发送测试邮件。

阅读[设置指南](https://learn.contoso.com/gateway/setup)。

在服务器上运行 `Set-GatewayConfig -Enabled $true`。

## 验证

\\*\\*检查\\*\\* mail.contoso.com 的邮件头。
";

/// The repository of a translation team: main has the source, the drifted translation and a
/// second drifted file; returns the tempdir.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "en-us/gateway.md", SOURCE);
    write(dir.path(), "en-us/other.md", SOURCE);
    write(dir.path(), "zh-cn/gateway.md", TRANSLATION);
    write(dir.path(), "zh-cn/other.md", TRANSLATION);
    commit(dir.path(), "existing drift");
    dir
}

const CHECK: &[&str] = &["check", "--format", "json", "--source", "en-us"];

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = CHECK.to_vec();
    args.extend(extra);
    args.push("zh-cn");
    locdrift(dir, &args)
}

#[test]
fn base_reports_only_the_drift_a_pull_request_introduces() {
    let dir = repository();
    let all = check(dir.path(), &[]);
    let existing: Vec<_> = findings(&all)
        .into_iter()
        .filter(|f| f.1 == "zh-cn/gateway.md")
        .collect();
    // The changed host (LD101, which takes the place of LD303 on the same characters) and the
    // changed e-mail address (LD101).
    assert_eq!(existing.len(), 2, "{}", describe(&all));

    git(dir.path(), &["checkout", "-q", "-b", "pull-request"]);
    // The pull request adds a paragraph at the top (every old finding moves down two lines)
    // and changes one host.
    let changed = TRANSLATION.replace(
        "# 配置网关\n",
        "# 配置网关\n\n开始之前，请联系 support@contoso.org。\n",
    );
    let changed = changed.replace("mail.contoso.com 的邮件头", "mail.contoso.net 的邮件头");
    write(dir.path(), "zh-cn/gateway.md", &changed);
    commit(dir.path(), "translation update with one new drift");

    let gated = check(dir.path(), &["--base", "main"]);
    assert_eq!(gated.status.code(), Some(1), "{}", describe(&gated));
    let new = findings(&gated);
    // The added paragraph is new text with no source (LD403), and the changed host is the new
    // drift (LD101).
    assert_eq!(
        new,
        [
            ("LD403".to_string(), "zh-cn/gateway.md".to_string(), 3),
            ("LD101".to_string(), "zh-cn/gateway.md".to_string(), 15),
        ],
        "{}",
        describe(&gated)
    );
    assert!(
        new.iter()
            .any(|f| f == &("LD101".to_string(), "zh-cn/gateway.md".to_string(), 15)),
        "the new drift is reported: {}",
        describe(&gated)
    );
    assert!(
        new.iter().all(|f| f.1 == "zh-cn/gateway.md"),
        "unchanged files stay silent: {}",
        describe(&gated)
    );
    // The old findings moved two lines down and are not reported again.
    for (code, _, line) in &existing {
        assert!(
            !new.iter().any(|f| &f.0 == code && f.2 == line + 2),
            "old finding {code} reported again: {}",
            describe(&gated)
        );
    }
}

#[test]
fn base_with_exactly_one_new_drift_reports_exactly_it() {
    let dir = repository();
    git(dir.path(), &["checkout", "-q", "-b", "pull-request"]);
    // Lines shift (two blank lines are added above) and one host drifts.
    let changed = TRANSLATION
        .replace("# 配置网关\n", "# 配置网关\n\n\n")
        .replace("mail.contoso.com 的邮件头", "mail.contoso.net 的邮件头");
    write(dir.path(), "zh-cn/gateway.md", &changed);
    commit(dir.path(), "one new drift");
    let gated = check(dir.path(), &["--base", "main"]);
    assert_eq!(
        findings(&gated),
        [("LD101".to_string(), "zh-cn/gateway.md".to_string(), 15)],
        "{}",
        describe(&gated)
    );
    assert_eq!(gated.status.code(), Some(1));

    // A pull request that only moves lines introduces nothing: exit 0.
    let shifted = TRANSLATION.replace("# 配置网关\n", "# 配置网关\n\n\n");
    write(dir.path(), "zh-cn/gateway.md", &shifted);
    let gated = check(dir.path(), &["--base", "main"]);
    assert_eq!(findings(&gated), [], "{}", describe(&gated));
    assert_eq!(gated.status.code(), Some(0));
}

#[test]
fn editing_a_block_that_lacks_a_value_does_not_make_its_old_finding_new() {
    // The translation lacks the source's port: LD102 points at the line where it belongs.
    let dir = repository();
    let lacking = TRANSLATION.replace("并使用端口 443。", "并使用默认端口。");
    write(dir.path(), "zh-cn/gateway.md", &lacking);
    commit(dir.path(), "a translation without the port");
    let all = check(dir.path(), &[]);
    assert!(
        findings(&all).contains(&("LD102".to_string(), "zh-cn/gateway.md".to_string(), 3)),
        "{}",
        describe(&all)
    );

    git(dir.path(), &["checkout", "-q", "-b", "pull-request"]);
    // A translator rewords the same paragraph and still leaves the port out.
    write(
        dir.path(),
        "zh-cn/gateway.md",
        lacking.replace("将记录指向", "请将该记录指向"),
    );
    commit(dir.path(), "reworded");
    let gated = check(dir.path(), &["--base", "main"]);
    assert_eq!(findings(&gated), [], "{}", describe(&gated));
    assert_eq!(gated.status.code(), Some(0), "{}", describe(&gated));
}

#[test]
fn base_that_does_not_exist_is_a_usage_error() {
    let dir = repository();
    let output = check(dir.path(), &["--base", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no revision `no-such-branch`"));
    let output = check(dir.path(), &["--base", "--output=x"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
}

#[test]
fn staged_checks_the_staged_content_of_staged_files() {
    let dir = repository();
    // Staged: one new drift. Work tree (not staged) afterwards: the drift fixed. The hook
    // checks what will be committed.
    let drifted = TRANSLATION.replace("mail.contoso.com 的邮件头", "mail.contoso.net 的邮件头");
    write(dir.path(), "zh-cn/gateway.md", &drifted);
    git(dir.path(), &["add", "zh-cn/gateway.md"]);
    write(dir.path(), "zh-cn/gateway.md", TRANSLATION);
    let staged = check(dir.path(), &["--staged"]);
    let found = findings(&staged);
    assert!(
        found.iter().all(|f| f.1 == "zh-cn/gateway.md"),
        "only staged files are checked: {}",
        describe(&staged)
    );
    assert!(
        found.contains(&("LD101".to_string(), "zh-cn/gateway.md".to_string(), 13)),
        "the staged drift is found: {}",
        describe(&staged)
    );
    // Nothing staged: nothing checked.
    git(dir.path(), &["reset", "-q"]);
    let staged = check(dir.path(), &["--staged"]);
    assert_eq!(findings(&staged), [], "{}", describe(&staged));
    assert_eq!(staged.status.code(), Some(0));
}

#[test]
fn baseline_records_today_and_reports_only_new_findings() {
    let dir = repository();
    let recorded = check(dir.path(), &["--write-baseline", "locdrift-baseline.json"]);
    let today = findings(&recorded);
    assert!(!today.is_empty());
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("locdrift-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), today.len());

    let quiet = check(dir.path(), &["--baseline", "locdrift-baseline.json"]);
    assert_eq!(findings(&quiet), [], "{}", describe(&quiet));
    assert_eq!(quiet.status.code(), Some(0));

    let drifted = TRANSLATION
        .replace("# 配置网关\n", "# 配置网关\n\n\n")
        .replace("mail.contoso.com 的邮件头", "mail.contoso.net 的邮件头");
    write(dir.path(), "zh-cn/other.md", &drifted);
    let new = check(dir.path(), &["--baseline", "locdrift-baseline.json"]);
    assert_eq!(
        findings(&new),
        [("LD101".to_string(), "zh-cn/other.md".to_string(), 15)],
        "{}",
        describe(&new)
    );

    write(dir.path(), "bad.json", "{\"version\": 1}");
    let bad = check(dir.path(), &["--baseline", "bad.json"]);
    assert_eq!(bad.status.code(), Some(2), "{}", describe(&bad));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`bad.json` is not a locdrift baseline"));
}
