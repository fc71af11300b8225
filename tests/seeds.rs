//! The real-world seeds in `../shared/seeds` (one article in English and three locales), checked
//! end to end. Expected lines and columns are computed by searching the seed text for the quoted
//! text, never hard-coded.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const SOURCE: &str = "en-us/a.md";
const ZH_CN_SXS: &str = "zh-cn/a.md"; // 000
const ZH_CN_MT: &str = "zh-cn/b.md"; // 001
const ZH_TW: &str = "zh-tw/a.md"; // 003
const JA_JP: &str = "ja-jp/a.md"; // 004

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

struct Seeds {
    dir: tempfile::TempDir,
}

impl Seeds {
    /// Copies the seeds into a tempdir, or `None` when the seeds are not there.
    fn load() -> Option<Seeds> {
        let seeds = seeds_dir();
        if !seeds.is_dir() {
            println!("skipping seed tests: ../shared/seeds not found");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let find = |prefix: &str| -> PathBuf {
            std::fs::read_dir(&seeds)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".txt"))
                })
                .unwrap_or_else(|| panic!("seed {prefix}_*.txt not found in {}", seeds.display()))
        };
        for (prefix, relative) in [
            ("002_", SOURCE),
            ("000_", ZH_CN_SXS),
            ("001_", ZH_CN_MT),
            ("003_", ZH_TW),
            ("004_", JA_JP),
        ] {
            let target = dir.path().join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(find(prefix), &target).unwrap();
        }
        Some(Seeds { dir })
    }

    fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(relative)).unwrap()
    }

    /// `check --source en-us/a.md <translation> --format json`, as parsed findings.
    fn check(&self, translation: &str) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_locdrift"))
            .current_dir(self.dir.path())
            .args(["check", "--source", SOURCE, translation, "--format", "json"])
            .output()
            .expect("running locdrift");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "check {translation} exited {:?}\n{stderr}",
            output.status.code()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        let findings: Vec<Value> = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
        Run {
            translation: translation.to_string(),
            findings,
        }
    }
}

struct Run {
    translation: String,
    findings: Vec<Value>,
}

impl Run {
    fn dump(&self) -> String {
        self.findings
            .iter()
            .map(|f| {
                format!(
                    "  {} {}:{}:{} {}",
                    f["code"].as_str().unwrap_or("?"),
                    f["path"].as_str().unwrap_or("?"),
                    f["line"],
                    f["column"],
                    f["message"].as_str().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn matching(&self, path: &str, code: &str, needles: &[&str]) -> std::vec::IntoIter<&Value> {
        self.findings
            .iter()
            .filter(|f| {
                f["path"] == path
                    && f["code"] == code
                    && needles
                        .iter()
                        .all(|n| f["message"].as_str().unwrap_or("").contains(n))
            })
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// A finding of `code` in `path` whose message contains every needle, on `line`.
    fn expect(&self, path: &str, code: &str, needles: &[&str], line: usize) -> &Value {
        let candidates: Vec<&Value> = self.matching(path, code, needles).collect();
        candidates
            .iter()
            .find(|f| f["line"] == line)
            .copied()
            .unwrap_or_else(|| {
                panic!(
                    "checking {}: expected {code} in {path} on line {line} with message containing {needles:?}; \
                     candidates on lines {:?}; all findings:\n{}",
                    self.translation,
                    candidates.iter().map(|f| f["line"].clone()).collect::<Vec<_>>(),
                    self.dump()
                )
            })
    }

    fn expect_none(&self, path: &str, code: &str, predicate: impl Fn(&Value) -> bool, what: &str) {
        let bad: Vec<&Value> = self
            .findings
            .iter()
            .filter(|f| f["path"] == path && f["code"] == code && predicate(f))
            .collect();
        assert!(
            bad.is_empty(),
            "checking {}: unexpected {code} {what}: {bad:#?}\nall findings:\n{}",
            self.translation,
            self.dump()
        );
    }
}

/// 1-based lines holding `needle`.
fn lines_of(text: &str, needle: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
        .collect()
}

/// The one 1-based line that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let lines = lines_of(text, needle);
    assert_eq!(
        lines.len(),
        1,
        "{needle:?} is expected once in the seed, found on lines {lines:?}"
    );
    lines[0]
}

/// The 1-based column (in chars) of the first `needle` on 1-based `line`.
fn column_of(text: &str, line: usize, needle: &str) -> usize {
    let line_text = text.lines().nth(line - 1).unwrap();
    let byte = line_text.find(needle).unwrap();
    line_text[..byte].chars().count() + 1
}

/// `expect`, and the finding starts at the first occurrence of `at` on its line.
fn expect_at(run: &Run, text: &str, code: &str, needles: &[&str], at: &str) {
    let path = run.translation.clone();
    let line = line_of(text, at);
    let finding = run.expect(&path, code, needles, line);
    assert_eq!(
        finding["column"].as_u64().unwrap() as usize,
        column_of(text, line, at),
        "column of {code} for {at:?}: {finding}"
    );
}

// ---------------------------------------------------------------------------------------------
// LD101 host-drift

#[test]
fn ld101_host_drift_in_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    expect_at(
        &run,
        &text,
        "LD101",
        &["sipdir.online.microsoft.com", "sipdir.online.lync.com"],
        "sipdir.online.microsoft.com",
    );
    expect_at(
        &run,
        &text,
        "LD101",
        &["domainName.contoso.comto"],
        "domainName.contoso.comto",
    );
}

#[test]
fn ld101_host_drift_in_000() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_SXS);
    let text = seeds.text(ZH_CN_SXS);
    expect_at(
        &run,
        &text,
        "LD101",
        &["sipdir.online.microsoft.com", "sipdir.online.lync.com"],
        "sipdir.online.microsoft.com",
    );
}

#[test]
fn ld101_host_split_in_003() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_TW);
    let text = seeds.text(ZH_TW);
    expect_at(
        &run,
        &text,
        "LD101",
        &["domainName. contoso"],
        "domainName. contoso",
    );
}

// ---------------------------------------------------------------------------------------------
// LD201 escaped-emphasis

#[test]
fn ld201_escaped_bold_in_003() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_TW);
    let text = seeds.text(ZH_TW);
    expect_at(
        &run,
        &text,
        "LD201",
        &[r"\*\*TrustModelData \*\*"],
        r"\*\*TrustModelData \*\*",
    );
}

#[test]
fn ld201_escaped_bold_in_004() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(JA_JP);
    let text = seeds.text(JA_JP);
    expect_at(
        &run,
        &text,
        "LD201",
        &[r"\*\*S-1-5-21- \*\*"],
        r"\*\*S-1-5-21- \*\*",
    );
}

#[test]
fn ld201_quadrupled_bold_in_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    expect_at(
        &run,
        &text,
        "LD201",
        &["****应用程序****"],
        "****应用程序****",
    );
}

// ---------------------------------------------------------------------------------------------
// LD202 lost-anchor

#[test]
fn ld202_renamed_anchors_in_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    for (old, new) in [
        ("toc323194094", "__toc323194094"),
        (
            "update-security-credentials",
            "__update_security_credentials_1",
        ),
    ] {
        let line = line_of(&text, &format!("name=\"{new}\""));
        run.expect(
            ZH_CN_MT,
            "LD202",
            &[&format!("`{old}`"), &format!("`{new}`")],
            line,
        );
    }
}

#[test]
fn ld202_links_to_asset_id_file_in_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    let link = "](cdd4801a-2fe1-4aab-bbb6-db5f95f972d1.md";
    let lines = lines_of(&text, link);
    assert!(lines.len() >= 10, "{lines:?}");
    let missing: Vec<usize> = lines
        .iter()
        .copied()
        .filter(|&line| {
            !run.matching(
                ZH_CN_MT,
                "LD202",
                &["cdd4801a-2fe1-4aab-bbb6-db5f95f972d1.md"],
            )
            .any(|f| f["line"] == line)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "links to cdd4801a-….md with no LD202 on lines {missing:?} (of {lines:?}):\n{}\nall findings:\n{}",
        missing
            .iter()
            .map(|&l| format!("  {l}: {}", text.lines().nth(l - 1).unwrap()))
            .collect::<Vec<_>>()
            .join("\n"),
        run.dump()
    );
}

// ---------------------------------------------------------------------------------------------
// LD303 stale-term

#[test]
fn ld303_stale_portal_name_in_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    expect_at(
        &run,
        &text,
        "LD303",
        &["Office 365 门户"],
        "Office 365 门户",
    );
}

#[test]
fn ld303_stale_portal_name_in_the_source() {
    let Some(seeds) = Seeds::load() else { return };
    let source = seeds.text(SOURCE);
    let line = line_of(&source, "Office 365 Portal");
    for translation in [ZH_CN_SXS, ZH_CN_MT, ZH_TW, JA_JP] {
        let run = seeds.check(translation);
        let finding = run.expect(SOURCE, "LD303", &["Office 365 Portal"], line);
        assert_eq!(
            finding["column"].as_u64().unwrap() as usize,
            column_of(&source, line, "Office 365 Portal"),
            "{finding}"
        );
        // The source is checked once per run, not once per translation.
        assert_eq!(
            run.matching(SOURCE, "LD303", &["Office 365 Portal"])
                .count(),
            1,
            "{}",
            run.dump()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// LD301 untranslated

#[test]
fn ld301_one_summary_for_000() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_SXS);
    let all: Vec<&Value> = run.matching(ZH_CN_SXS, "LD301", &[]).collect();
    assert_eq!(
        all.len(),
        1,
        "expected one LD301 summary in 000:\n{}",
        run.dump()
    );
    assert!(
        all[0]["message"].as_str().unwrap().contains('%'),
        "{}",
        all[0]
    );
}

#[test]
fn ld301_untranslated_labels_in_004() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(JA_JP);
    let text = seeds.text(JA_JP);
    for label in ["**Application**", "**Key**"] {
        let line = line_of(&text, label);
        let finding = run.expect(JA_JP, "LD301", &[label], line);
        // The finding points at the translation (the first occurrence), not the embedded English.
        assert_eq!(
            finding["column"].as_u64().unwrap() as usize,
            column_of(&text, line, label),
            "{finding}"
        );
    }
}

#[test]
fn ld301_not_for_identifiers_in_003() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_TW);
    let text = seeds.text(ZH_TW);
    let mut lines = lines_of(&text, "DisableEx");
    lines.extend(lines_of(&text, "**msoidsvc**"));
    lines.extend(lines_of(&text, ">Disable<"));
    assert!(!lines.is_empty());
    run.expect_none(
        ZH_TW,
        "LD301",
        |f| {
            let message = f["message"].as_str().unwrap_or("");
            lines.iter().any(|&l| f["line"] == l)
                || message.contains("Disable")
                || message.contains("msoidsvc")
        },
        "for Disable/DisableEx/**msoidsvc**",
    );
}

// ---------------------------------------------------------------------------------------------
// LD302 machine-translation

#[test]
fn ld302_machine_translation_in_000_and_001() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_SXS);
    let text = seeds.text(ZH_CN_SXS);
    run.expect(
        ZH_CN_SXS,
        "LD302",
        &[],
        line_of(&text, "ms.translationtype: MT"),
    );

    let run = seeds.check(ZH_CN_MT);
    assert_eq!(
        run.matching(ZH_CN_MT, "LD302", &[]).count(),
        1,
        "expected one LD302 in 001:\n{}",
        run.dump()
    );
}

#[test]
fn ld302_not_for_human_translations() {
    let Some(seeds) = Seeds::load() else { return };
    for translation in [ZH_TW, JA_JP] {
        let run = seeds.check(translation);
        run.expect_none(translation, "LD302", |_| true, "in a HT translation");
    }
}

// ---------------------------------------------------------------------------------------------
// LD401 stale-translation

#[test]
fn ld401_older_english_in_000() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_CN_SXS);
    let text = seeds.text(ZH_CN_SXS);
    run.expect(
        ZH_CN_SXS,
        "LD401",
        &["`sipdir.online.microsoft.com` → `sipdir.online.lync.com`"],
        line_of(&text, "sipdir.online.microsoft.com"),
    );
    let http_lines = lines_of(&text, "http://");
    assert!(!http_lines.is_empty());
    for line in http_lines {
        run.expect(ZH_CN_SXS, "LD401", &["`http` → `https`"], line);
    }
}

#[test]
fn ld401_newer_english_in_003_and_004() {
    let Some(seeds) = Seeds::load() else { return };
    for translation in [ZH_TW, JA_JP] {
        let run = seeds.check(translation);
        let text = seeds.text(translation);
        let line = line_of(&text, "Microsoft 365 admin center");
        let found = run
            .matching(translation, "LD401", &[])
            .filter(|f| f["line"] == line)
            .any(|f| {
                let message = f["message"].as_str().unwrap_or("");
                message.contains("Microsoft 365 admin center")
                    || message.contains("Office 365 Portal")
            });
        assert!(
            found,
            "checking {translation}: expected LD401 on line {line} mentioning \
             \"Microsoft 365 admin center\" or \"Office 365 Portal\"; all findings:\n{}",
            run.dump()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 4 rules: LD102–LD105, LD204, LD304

/// The rules of issue 4 report only what the seeds really have: the `http` links of 000 and
/// 001, the wiki link 001 added, the NOTE alert written as a bold label, and the product names
/// that 001 and 003 translate. Nothing else, in particular not in the full-width punctuation,
/// the `[網路]` UI brackets or the dates of the CJK translations.
#[test]
fn issue_4_rules_report_only_true_drift_on_the_seeds() {
    let Some(seeds) = Seeds::load() else { return };
    let new_codes = ["LD102", "LD103", "LD104", "LD105", "LD204", "LD304"];
    let mut counts = Vec::new();
    for translation in [ZH_CN_SXS, ZH_CN_MT, ZH_TW, JA_JP] {
        let run = seeds.check(translation);
        for code in new_codes {
            counts.push((
                translation,
                code,
                run.matching(translation, code, &[]).count(),
            ));
        }
    }
    let count = |translation: &str, code: &str| {
        counts
            .iter()
            .find(|(t, c, _)| *t == translation && *c == code)
            .map_or(0, |(_, _, n)| *n)
    };
    for translation in [ZH_CN_SXS, ZH_CN_MT, ZH_TW, JA_JP] {
        for code in ["LD102", "LD103", "LD105"] {
            assert_eq!(
                count(translation, code),
                0,
                "{code} in {translation}: {counts:?}"
            );
        }
    }
    assert_eq!(count(ZH_TW, "LD104"), 0, "{counts:?}");
    assert_eq!(count(JA_JP, "LD104"), 0, "{counts:?}");
    assert_eq!(count(ZH_TW, "LD204"), 0, "{counts:?}");
    assert_eq!(count(JA_JP, "LD204"), 0, "{counts:?}");
    assert_eq!(count(JA_JP, "LD304"), 0, "{counts:?}");
    assert_eq!(count(ZH_CN_SXS, "LD304"), 0, "{counts:?}");
}

#[test]
fn ld104_http_links_in_000_and_001() {
    let Some(seeds) = Seeds::load() else { return };
    for translation in [ZH_CN_SXS, ZH_CN_MT] {
        let run = seeds.check(translation);
        let text = seeds.text(translation);
        let findings: Vec<&Value> = run
            .matching(
                translation,
                "LD104",
                &["uses `http` where the source uses `https`"],
            )
            .collect();
        assert!(!findings.is_empty(), "{}", run.dump());
        for finding in findings {
            assert_eq!(finding["severity"], "warning", "{finding}");
            let line = finding["line"].as_u64().unwrap() as usize;
            let column = finding["column"].as_u64().unwrap() as usize;
            let line_text = text.lines().nth(line - 1).unwrap();
            let at: String = line_text.chars().skip(column - 1).take(7).collect();
            assert_eq!(at, "http://", "{translation}:{line}:{column}: {finding}");
        }
    }
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    run.expect(
        ZH_CN_MT,
        "LD104",
        &["adds a link", "linkid=231156"],
        line_of(&text, "linkid=231156"),
    );
}

#[test]
fn ld104_dropped_locale_segment_is_an_allowed_rewrite() {
    let Some(seeds) = Seeds::load() else { return };
    for translation in [ZH_TW, JA_JP] {
        let text = seeds.text(translation);
        assert!(text.contains("technet.microsoft.com/library/hh967642.aspx"));
        let run = seeds.check(translation);
        run.expect_none(translation, "LD104", |_| true, "for `/en-us/` dropped");
    }
}

#[test]
fn ld203_note_alert_as_bold_label_in_000_and_001() {
    let Some(seeds) = Seeds::load() else { return };
    for (translation, label) in [(ZH_CN_SXS, "**NOTE**"), (ZH_CN_MT, "**注意**")] {
        let run = seeds.check(translation);
        let text = seeds.text(translation);
        let line = line_of(&text, "Forefront Threat Management Gateway (TMG) 2010");
        let finding = run.expect(translation, "LD203", &["`[!NOTE]` alert", label], line);
        assert_eq!(
            finding["column"].as_u64().unwrap() as usize,
            column_of(&text, line, label),
            "{finding}"
        );
    }
}

#[test]
fn ld304_official_zh_tw_name_is_not_a_violation() {
    let Some(seeds) = Seeds::load() else { return };
    let run = seeds.check(ZH_TW);
    // 商務用 Skype is Microsoft's zh-TW name of Skype for Business; only the places where the
    // translation drops "Online" remain, with a note saying what it kept.
    for finding in run.matching(ZH_TW, "LD304", &[]) {
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("`Skype for Business Online`"),
            "{finding}"
        );
    }
    let run = seeds.check(ZH_CN_MT);
    let text = seeds.text(ZH_CN_MT);
    run.expect(
        ZH_CN_MT,
        "LD304",
        &["Skype for Business Online"],
        line_of(&text, "联机Skype for Business"),
    );
}
