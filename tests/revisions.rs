//! Revisions end to end, on git repositories built in temporary folders: `check --source-repo`
//! (LD401 from the hand-off commit, LD405), `locdrift diff`, and the seeds' real history.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{commit, describe, git, init, locdrift, write};

fn findings(output: &Output) -> Vec<Value> {
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}", describe(output)));
    value.as_array().expect("an array").clone()
}

/// `(code, line, message)` of the findings with one of `codes`.
fn select(findings: &[Value], codes: &[&str]) -> Vec<(String, u64, String)> {
    findings
        .iter()
        .filter(|f| codes.contains(&f["code"].as_str().unwrap()))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const V1: &str = "---
title: Configure the gateway
ms.assetid: 6f1e2d3c-aaaa-4bbb-8ccc-000000000001
---

# Configure the gateway

<a name=\"setup\"></a>

## Set up the DNS records

Create a CNAME record that points to sipdir.online.microsoft.com.

Wait up to 72 hours for the record to propagate through the DNS.

* Open the admin center.
* Select **Domains**.

| Type | Value |
|---|---|
| SRV | sip.contoso.com |

## Retired section

This paragraph is removed in the next revision.
";

/// V1 with one host changed, one section removed, one paragraph added, one anchor renamed, and
/// formatting edits (re-wrapped paragraph, `-` bullets, table padding) that change no words.
const V2: &str = "---
title: Configure the gateway
ms.assetid: 6f1e2d3c-aaaa-4bbb-8ccc-000000000001
---

# Configure the gateway

<a name=\"dns-setup\"></a>

## Set up the DNS records

Create a CNAME record that points to sipdir.online.lync.com.

Wait up to 72 hours for the record
to propagate through the DNS.

- Open the admin center.
- Select **Domains**.

| Type | Value           |
| ---- | --------------- |
| SRV  | sip.contoso.com |

Contact support when the record does not resolve after that.
";

/// V2 with formatting edits only.
const V3: &str = "---
title: Configure the gateway
ms.assetid: 6f1e2d3c-aaaa-4bbb-8ccc-000000000001
---

# Configure the gateway

<a name=\"dns-setup\"></a>

## Set up the DNS records

Create a CNAME record that points to
sipdir.online.lync.com.

Wait up to 72 hours for the record to propagate through the DNS.

* Open the admin center.
* Select **Domains**.

| Type | Value |
|---|---|
| SRV | sip.contoso.com |

Contact support when the record does not
resolve after that.
";

/// A plain translation of V1; `COMMIT` is replaced by the hand-off commit.
const TRANSLATION: &str = "---
title: 配置网关
ms.assetid: 6f1e2d3c-aaaa-4bbb-8ccc-000000000001
ms.sourcegitcommit: COMMIT
ms.contentlocale: zh-cn
---

# 配置网关

<a name=\"setup\"></a>

## 设置 DNS 记录

创建指向 sipdir.online.microsoft.com 的 CNAME 记录。

最多等待 72 小时，让记录通过 DNS 传播。

* 打开管理中心。
* 选择 **域**。

| 类型 | 值 |
|---|---|
| SRV | sip.contoso.com |

## 已停用的部分

此段落在下一个修订中被删除。
";

/// A repository with V1 then V2 of `en-us/gateway.md`, and a translation of V1 recording V1's
/// commit. Returns the tempdir and V1's commit.
fn history() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    write(dir.path(), "en-us/gateway.md", V1);
    let v1 = commit(dir.path(), "English v1");
    write(dir.path(), "en-us/gateway.md", V2);
    write(
        dir.path(),
        "zh-cn/gateway.md",
        TRANSLATION.replace("COMMIT", &v1),
    );
    commit(dir.path(), "English v2, Chinese translation of v1");
    (dir, v1)
}

#[test]
fn source_repo_reports_blocks_whose_english_changed_since_hand_off() {
    let (dir, v1) = history();
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--source",
            "en-us",
            "--source-repo",
            ".",
            "zh-cn",
        ],
    );
    let findings = findings(&output);
    let short = &v1[..12];
    // Only the host changed in words; the re-wrapped paragraph, the bullets and the table
    // padding are formatting, and the removed and added blocks are LD403/LD402's.
    assert_eq!(
        select(&findings, &["LD401", "LD405"]),
        [(
            "LD401".to_string(),
            14,
            format!(
                "the English of this paragraph changed since hand-off commit `{short}`: `sipdir.online.microsoft.com` → `sipdir.online.lync.com`"
            )
        )],
        "{}",
        describe(&output)
    );
    let stale = findings.iter().find(|f| f["code"] == "LD401").unwrap();
    assert_eq!(stale["source"]["path"], "en-us/gateway.md");
    assert_eq!(stale["source"]["line"], 12);
    // Without --source-repo a plain translation has no hand-off English: no LD401.
    let output = locdrift(
        dir.path(),
        &["check", "--format", "json", "--source", "en-us", "zh-cn"],
    );
    assert!(select(&findings_of(&output), &["LD401"]).is_empty());
}

fn findings_of(output: &Output) -> Vec<Value> {
    findings(output)
}

#[test]
fn formatting_only_revisions_are_said_to_be_so() {
    let (dir, _) = history();
    let v2 = git(dir.path(), &["rev-parse", "HEAD"]);
    write(dir.path(), "en-us/gateway.md", V3);
    // The translation now records V2, and the English moved on to V3 in formatting only.
    let translation = TRANSLATION.replace("COMMIT", &v2);
    write(dir.path(), "zh-cn/gateway.md", &translation);
    commit(dir.path(), "English v3: formatting only");
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--source",
            "en-us",
            "--source-repo",
            ".",
            "zh-cn",
        ],
    );
    let findings = findings(&output);
    let revision_findings: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "LD401" || f["code"] == "LD405")
        .collect();
    assert_eq!(revision_findings.len(), 1, "{}", describe(&output));
    let note = revision_findings[0];
    assert_eq!(note["severity"], "info");
    assert_eq!(
        note["message"],
        format!(
            "the English changed since hand-off commit `{}` in formatting only; the translation is not stale",
            &v2[..12]
        )
    );
    assert_eq!(note["line"], 4, "points at ms.sourcegitcommit");
}

#[test]
fn an_unknown_hand_off_commit_is_one_finding() {
    let (dir, _) = history();
    let missing = "0123456789abcdef0123456789abcdef01234567";
    write(
        dir.path(),
        "zh-cn/gateway.md",
        TRANSLATION.replace("COMMIT", missing),
    );
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--source",
            "en-us",
            "--source-repo",
            ".",
            "zh-cn",
        ],
    );
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    assert_eq!(
        select(&findings(&output), &["LD401", "LD405"]),
        [(
            "LD405".to_string(),
            4,
            format!(
                "the English at hand-off commit `{missing}` cannot be read: `en-us/gateway.md`: the repository has no such commit"
            )
        )]
    );
}

#[test]
fn source_repo_outside_git_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "en-us/gateway.md", V1);
    write(
        dir.path(),
        "zh-cn/gateway.md",
        TRANSLATION.replace("COMMIT", "abc"),
    );
    let output = locdrift(
        dir.path(),
        &["check", "--source", "en-us", "--source-repo", ".", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not inside a git work tree"));
}

#[test]
fn diff_of_two_revisions_snapshot() {
    let (dir, _) = history();
    let output = locdrift(
        dir.path(),
        &[
            "diff",
            "--color",
            "never",
            "HEAD~1:en-us/gateway.md",
            "HEAD:en-us/gateway.md",
            "zh-cn/gateway.md",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn diff_json_lists_changes_and_translation_status() {
    let (dir, _) = history();
    let output = locdrift(
        dir.path(),
        &[
            "diff",
            "--format",
            "json",
            "HEAD~1:en-us/gateway.md",
            "en-us/gateway.md",
            "zh-cn/gateway.md",
        ],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["status"].as_str().unwrap(), b["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("changed", "paragraph"),
            ("removed", "heading"),
            ("removed", "paragraph"),
            ("added", "paragraph")
        ]
    );
    assert_eq!(report["anchors"][0]["change"], "renamed");
    assert_eq!(report["anchors"][0]["old"], "setup");
    assert_eq!(report["anchors"][0]["new"], "dns-setup");
    let translation = &report["translations"][0];
    assert_eq!(translation["format"], "plain");
    assert_eq!(translation["stale"].as_array().unwrap().len(), 1);
    assert_eq!(translation["stale"][0]["line"], 14);
    assert_eq!(
        translation["stale"][0]["changes"][0],
        serde_json::json!({"old": "sipdir.online.microsoft.com", "new": "sipdir.online.lync.com"})
    );
    let orphaned: Vec<u64> = translation["orphaned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(orphaned, [25, 27]);
    assert_eq!(translation["untranslated"].as_array().unwrap().len(), 1);
    assert_eq!(
        translation["untranslated"][0]["text"],
        "Contact support when the record does not resolve after that."
    );
}

#[test]
fn diff_of_formatting_only_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "v2.md", V2);
    let new = write(dir.path(), "v3.md", V3);
    let output = locdrift(
        dir.path(),
        &[
            "diff",
            "--format",
            "json",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["formatting_only"], true, "{}", describe(&output));
    assert_eq!(report["blocks"], serde_json::json!([]));
}

/// The seeds' real history: 000's embedded English is the old revision, 002 the new one.
#[test]
fn seed_history() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        println!("skipping the seed history test: ../shared/seeds not found");
        return;
    }
    let find = |prefix: &str| -> String {
        let path = std::fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    let (zh_cn, en_us) = (find("000_"), find("002_"));
    let embedded = locdrift::analysis::Parsed::new(std::sync::Arc::new(
        locdrift::document::Document::new("000", zh_cn.clone()),
    ))
    .unwrap()
    .embedded()
    .expect("000 is side-by-side")
    .text()
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    write(dir.path(), "en-us/article.md", &embedded);
    let old = commit(dir.path(), "the English 000 was translated from");
    write(dir.path(), "en-us/article.md", &en_us);
    write(dir.path(), "zh-cn/article.md", &zh_cn);
    commit(dir.path(), "the English of 002");

    let output = locdrift(
        dir.path(),
        &[
            "diff",
            "--format",
            "json",
            &format!("{old}:en-us/article.md"),
            "HEAD:en-us/article.md",
            "zh-cn/article.md",
        ],
    );
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", describe(&output)));
    // Exactly the blocks whose words changed: one `**` → `<strong>`, seven `http` → `https`,
    // the dropped `**NOTE**:` and the host.
    let changes: Vec<String> = report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!(b["status"], "changed", "{b}");
            b["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    format!(
                        "{} → {}",
                        c["old"].as_str().unwrap(),
                        c["new"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let https = "http → https".to_string();
    assert_eq!(
        changes,
        [
            "** → <strong>, ** → </strong>".to_string(),
            https.clone(),
            "**NOTE**: → ".to_string(),
            https.clone(),
            "sipdir.online.microsoft.com → sipdir.online.lync.com".to_string(),
            https.clone(),
            https.clone(),
            https.clone(),
            https.clone(),
            https,
        ]
    );
    let stale: Vec<&str> = report["translations"][0]["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment"].as_str().unwrap())
        .collect();
    assert_eq!(
        stale,
        [
            "d0b13-131",
            "d0b13-150",
            "d0b13-186",
            "d0b13-202",
            "d0b13-209",
            "d0b13-210",
            "d0b13-245",
            "d0b13-259",
            "d0b13-265",
            "d0b13-268"
        ]
    );
    let host = &report["translations"][0]["stale"][4];
    assert_eq!(
        host["diff"],
        "…Destination**: [-sipdir.online.microsoft.com-]{+sipdir.online.lync.com+}"
    );

    // The same history through `check --source-repo`: 000 records a commit that this
    // repository does not have, which is one LD405 finding; recording the right one gives the
    // segment-level LD401 findings.
    let output = locdrift(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--source",
            "en-us",
            "--source-repo",
            ".",
            "zh-cn",
        ],
    );
    let found = findings(&output);
    assert_eq!(select(&found, &["LD405"]).len(), 1, "{}", describe(&output));
    assert_eq!(select(&found, &["LD401"]).len(), 10);

    // A pull request that introduces one drift into 000, which has plenty already: the gate
    // reports that one finding and fails; the old findings stay silent.
    git(dir.path(), &["checkout", "-q", "-b", "pull-request"]);
    let drifted = zh_cn.replacen(
        "for example, **domainName.contoso.com**",
        "for example, **domainName.contoso.co**",
        1,
    );
    assert_ne!(drifted, zh_cn);
    write(dir.path(), "zh-cn/article.md", &drifted);
    commit(dir.path(), "a translation update with one drift");
    let output = locdrift(
        dir.path(),
        &[
            "check", "--format", "json", "--source", "en-us", "--base", "main", "zh-cn",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let line = 1 + drifted[..drifted.find("domainName.contoso.co**").unwrap()]
        .matches('\n')
        .count() as u64;
    assert_eq!(
        select(
            &findings(&output),
            &["LD101", "LD104", "LD202", "LD301", "LD401", "LD403"]
        ),
        [(
            "LD101".to_string(),
            line,
            "host name `domainName.contoso.co` differs from the source's `domainName.contoso.com`"
                .to_string()
        )],
        "{}",
        describe(&output)
    );
    assert_eq!(findings(&output).len(), 1, "{}", describe(&output));
}
