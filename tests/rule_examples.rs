//! Every rule's documented `## Example` holds: run through the real binary, the translation shown
//! under "Example" gets a finding of the rule, and the one under "Use instead:" gets none. The
//! examples are read from `locdrift explain CODE --format json`, the text users read, so the
//! documentation cannot drift from what the rules do.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{describe, locdrift, stdout, write};
use locdrift::rules::registry::RULES;

/// Rules whose example is not a source and translation pair that `check` can run, and why.
const NOT_RUNNABLE: &[(&str, &str)] = &[
    (
        "LD001",
        "the example is a folder layout: a translation whose English source file does not exist",
    ),
    (
        "LD003",
        "the example is a command line: a file whose locale no folder or front matter names",
    ),
    (
        "LD405",
        "needs `--source-repo` and a git repository that lacks the recorded commit",
    ),
];

/// Rules whose example does not hold because the rule (or the alignment it reads) is wrong, and
/// why. The test asserts that they still fail, so that a fix of the rule removes them from here.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Rules that judge other rules' findings, and the rules their example needs to run as well.
const ALSO_SELECT: &[(&str, &str)] = &[("LD002", "LD101")];

/// The fenced blocks of a rule's `## Example` section.
#[derive(Debug, Default)]
struct Example {
    /// The English source (`md en`), if the example has one.
    source: Option<String>,
    /// The translation the rule reports: its locale tag and text.
    reported: Option<(String, String)>,
    /// The corrected translation under "Use instead:".
    corrected: Option<(String, String)>,
}

/// Reads the `md …` fences of the `## Example` section of a rule's documentation. A fence's info
/// string is `md` and a locale tag; `en` is the source.
fn example(docs: &str) -> Example {
    let mut example = Example::default();
    let mut in_section = false;
    let mut after_use_instead = false;
    let mut fence: Option<(String, String)> = None;
    for line in docs.lines() {
        if let Some((info, body)) = &mut fence {
            if line == "```" {
                let (info, body) = (std::mem::take(info), std::mem::take(body));
                fence = None;
                let Some(locale) = info.strip_prefix("md ") else {
                    continue;
                };
                if locale == "en" {
                    example.source = Some(body);
                } else if after_use_instead {
                    example.corrected = Some((locale.to_string(), body));
                } else {
                    example.reported = Some((locale.to_string(), body));
                }
            } else {
                body.push_str(line);
                body.push('\n');
            }
        } else if line.starts_with("## ") {
            if in_section {
                break;
            }
            in_section = line == "## Example";
        } else if in_section {
            if let Some(info) = line.strip_prefix("```") {
                fence = Some((info.to_string(), String::new()));
            } else if line.starts_with("Use instead") {
                after_use_instead = true;
            }
        }
    }
    example
}

/// The rule's documentation as `locdrift explain CODE --format json` prints it.
fn docs(dir: &Path, code: &str) -> String {
    let output = locdrift(dir, &["explain", code, "--format", "json"]);
    assert!(output.status.success(), "{}", describe(&output));
    let explained: Value = serde_json::from_str(&stdout(&output)).expect("explain prints JSON");
    explained["docs"]
        .as_str()
        .expect("explain JSON has docs")
        .to_string()
}

/// Checks `translation` (written to `<locale>/article.md`, against `en-us/article.md` when the
/// example has a source) with only `code` selected, and returns the codes of the findings in the
/// translation (sources are checked too, and the English of an example may well be reported).
fn finding_codes(code: &str, source: Option<&str>, locale: &str, translation: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let translation_path = format!("{locale}/article.md");
    write(dir.path(), &translation_path, translation);
    let mut select = code.to_string();
    if let Some((_, also)) = ALSO_SELECT.iter().find(|(rule, _)| *rule == code) {
        select = format!("{select},{also}");
    }
    let mut args = vec![
        "check",
        "--no-config",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend(["--select", &select]);
    if let Some(source) = source {
        write(dir.path(), "en-us/article.md", source);
        args.extend(["--source", "en-us"]);
    }
    args.push(&translation_path);
    let output = locdrift(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let findings: Vec<Value> = serde_json::from_str(&stdout(&output)).expect("check prints JSON");
    findings
        .iter()
        .filter(|finding| finding["path"] == translation_path.as_str())
        .map(|finding| finding["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_rule_example_fires_and_its_correction_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut known_failures_that_hold = Vec::new();
    for rule in RULES {
        let code = rule.info().code;
        if NOT_RUNNABLE.iter().any(|(skipped, _)| *skipped == code) {
            continue;
        }
        let example = example(&docs(dir.path(), code));
        let (Some((reported_locale, reported)), Some((corrected_locale, corrected))) =
            (&example.reported, &example.corrected)
        else {
            failures.push(format!(
                "{code}: the example has no translation before and after \"Use instead:\": {example:?}"
            ));
            continue;
        };
        let source = example.source.as_deref();
        let mut problems = Vec::new();
        let before = finding_codes(code, source, reported_locale, reported);
        if !before.iter().any(|found| found == code) {
            problems.push(format!(
                "{code}: the example translation gets no {code} finding (found {before:?})"
            ));
        }
        let after = finding_codes(code, source, corrected_locale, corrected);
        if after.iter().any(|found| found == code) {
            problems.push(format!(
                "{code}: the \"Use instead\" translation still gets a {code} finding"
            ));
        }
        if KNOWN_FAILURES.iter().any(|(known, _)| *known == code) {
            if problems.is_empty() {
                known_failures_that_hold.push(code);
            }
        } else {
            failures.extend(problems);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        known_failures_that_hold.is_empty(),
        "the examples of {known_failures_that_hold:?} hold now: remove them from KNOWN_FAILURES"
    );
}

/// The lists of exceptions name registered rules only, so that it shrinks with the catalogue.
#[test]
fn not_runnable_rules_exist() {
    for (code, _) in NOT_RUNNABLE.iter().chain(KNOWN_FAILURES).chain(ALSO_SELECT) {
        assert!(
            RULES.iter().any(|rule| rule.info().code == *code),
            "{code} is not a registered rule"
        );
    }
}

#[test]
fn example_reads_the_source_and_both_translations() {
    let docs = "## What it does\nx\n\n## Example\n```md en\nRun it.\n```\n```md zh-cn\n运行。\n```\n\nUse instead:\n```md zh-tw\n執行 it。\n```\n\n## Known limitations\n```md en\nnot this\n```\n";
    let example = example(docs);
    assert_eq!(example.source.as_deref(), Some("Run it.\n"));
    assert_eq!(
        example.reported,
        Some(("zh-cn".to_string(), "运行。\n".to_string()))
    );
    assert_eq!(
        example.corrected,
        Some(("zh-tw".to_string(), "執行 it。\n".to_string()))
    );
}
