//! The CI and report formats (`sarif`, `github`, `junit`, `html`) over corpus files: snapshots
//! with the version redacted, plus what each consumer needs of them — the SARIF 2.1.0 schema
//! (vendored in `tests/data`), well-formed XML, an HTML page that fetches nothing.
//!
//! Commands run from the crate root with relative paths, so paths in the output are stable.
//! Regenerate with `INSTA_UPDATE=always cargo test --test formats` and review the diff.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A few corpus files: side-by-side with many rules, plain with drift, an orphan, a clean one.
const CASES: &[(&str, &str)] = &[
    ("corpus/en-us/reset-mfa.md", "corpus/zh-tw/reset-mfa.md"),
    (
        "corpus/en-us/configure-mail-gateway.md",
        "corpus/ja-jp/configure-mail-gateway.md",
    ),
    ("corpus/en-us", "corpus/zh-cn/legacy-sip-gateway.md"),
    (
        "corpus/en-us/cli-quickstart.md",
        "corpus/zh-cn/cli-quickstart.md",
    ),
];

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `locdrift check` from the crate root; returns stdout, checking the exit status.
fn check(args: &[&str]) -> String {
    check_in(root(), args)
}

/// Runs `locdrift check` in `dir`; returns stdout, checking the exit status.
fn check_in(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .arg("check")
        .args(args)
        .output()
        .expect("running locdrift");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "check {args:?} exited {:?}:\n{stderr}",
        output.status.code()
    );
    assert!(stderr.is_empty(), "{stderr}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

fn case_name(target: &str) -> String {
    target.trim_start_matches("corpus/").replace('/', "__")
}

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("the vendored SARIF schema");
    // The schema's `run.language` pattern has a stray `]` (`…-[a-zA-Z]{2}]?$`), a literal in
    // ECMA-262's web-compatibility grammar that the draft-07 meta-schema check of
    // `format: regex` rejects. Escaping it keeps its meaning; the file on disk stays as
    // published.
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(stray), "the vendored schema changed");
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

/// Checks the SARIF log of a run beyond the schema: rule indexes, locations inside files, the
/// column kind, and fingerprints unique within the run.
fn assert_consistent_sarif(log: &Value) {
    assert_consistent_sarif_in(root(), log);
}

fn assert_consistent_sarif_in(dir: &Path, log: &Value) {
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut fingerprints = std::collections::HashSet::new();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(dir.join(uri).is_file(), "{uri} is not a file");
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64() >= region["startLine"].as_u64());
        let fingerprint = result["partialFingerprints"]["locdrift/v1"]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "{fingerprint}"
        );
    }
}

/// The log with the tool version redacted.
fn redact_sarif(mut log: Value) -> Value {
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], VERSION);
    driver["version"] = "[VERSION]".into();
    driver["semanticVersion"] = "[VERSION]".into();
    log
}

#[test]
fn sarif_validates_and_snapshots() {
    let validator = sarif_schema();
    for (source, target) in CASES {
        let output = check(&["--source", source, target, "--format", "sarif"]);
        let log: Value = serde_json::from_str(&output).expect("SARIF is JSON");
        assert_valid_sarif(&validator, &log);
        assert_consistent_sarif(&log);
        let mut log = redact_sarif(log);
        // The rules are the same in every run: one is snapshot below. A rule index depends on
        // the catalogue (checked above), not on the file.
        for result in log["runs"][0]["results"].as_array_mut().unwrap() {
            result.as_object_mut().unwrap().remove("ruleIndex");
        }
        let results = serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap();
        insta::assert_snapshot!(
            format!("sarif_results@{}", case_name(target)),
            format!("$ locdrift check --source {source} {target} --format sarif\n{results}")
        );
    }
}

#[test]
fn sarif_of_the_whole_corpus_validates() {
    let validator = sarif_schema();
    let output = check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_str(&output).unwrap();
    assert_valid_sarif(&validator, &log);
    assert_consistent_sarif(&log);
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    // Every rule of the catalogue is described, in `locdrift rules` order.
    let listed = Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .arg("rules")
        .output()
        .unwrap();
    let listed: Vec<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|line| line.starts_with("LD"))
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(rules, listed);
    // The results agree with the JSON format, finding for finding.
    let json: Value = serde_json::from_str(&check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "json",
    ]))
    .unwrap();
    let json = json.as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json.len());
    for (result, finding) in results.iter().zip(json) {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(result["ruleId"], finding["code"]);
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        assert_eq!(region["endLine"], finding["end_line"]);
        assert_eq!(region["endColumn"], finding["end_column"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            finding["path"]
        );
    }
}

#[test]
fn absolute_paths_below_the_working_directory_become_relative() {
    let source = root().join("corpus/en-us/reset-mfa.md");
    let target = root().join("corpus/zh-tw/reset-mfa.md");
    let (source, target) = (source.to_str().unwrap(), target.to_str().unwrap());
    let log: Value =
        serde_json::from_str(&check(&["--source", source, target, "--format", "sarif"])).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        for location in result["locations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(result["relatedLocations"].as_array().into_iter().flatten())
        {
            let uri = location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.starts_with("corpus/"), "{uri}");
        }
    }
    let github = check(&["--source", source, target, "--format", "github"]);
    assert!(
        github.lines().all(|line| line.contains(" file=corpus/")),
        "{github}"
    );
    let junit = check(&["--source", source, target, "--format", "junit"]);
    assert!(
        junit.contains("file=\"corpus/zh-tw/reset-mfa.md\""),
        "{junit}"
    );
}

#[test]
fn sarif_run_snapshot() {
    let output = check(&[
        "--source",
        "corpus/en-us/cli-quickstart.md",
        "corpus/zh-cn/cli-quickstart.md",
        "--format",
        "sarif",
    ]);
    let log = redact_sarif(serde_json::from_str(&output).unwrap());
    let mut run = log["runs"][0].clone();
    // One rule stands for all, so that adding a rule elsewhere does not change this snapshot;
    // `sarif_of_the_whole_corpus_validates` checks that every rule is listed.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap().clone();
    run["tool"]["driver"]["rules"] = Value::Array(
        rules
            .into_iter()
            .filter(|rule| rule["id"] == "LD101")
            .collect(),
    );
    insta::assert_snapshot!(
        "sarif_run_with_one_rule",
        serde_json::to_string_pretty(&serde_json::json!({
            "$schema": log["$schema"],
            "version": log["version"],
            "runs": [run],
        }))
        .unwrap()
    );
}

#[test]
fn sarif_schema_rejects_broken_logs() {
    // The validation above must be able to fail: a log with a result that has no message, or a
    // region with line 0, is not SARIF.
    let validator = sarif_schema();
    let output = check(&[
        "--source",
        "corpus/en-us/reset-mfa.md",
        "corpus/zh-tw/reset-mfa.md",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_str(&output).unwrap();
    let mut no_message = log.clone();
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&no_message));
    let mut line_zero = log.clone();
    line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&line_zero));
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = "info".into();
    assert!(!validator.is_valid(&bad_level));
    // Formats are checked too: a path with a raw space is not a URI reference.
    let mut raw_space = log;
    raw_space["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "zh-tw/reset mfa.md".into();
    assert!(!validator.is_valid(&raw_space));
}

#[test]
fn github_snapshots() {
    for (source, target) in CASES {
        let output = check(&["--source", source, target, "--format", "github"]);
        for line in output.lines() {
            assert!(
                line.starts_with("::error file=")
                    || line.starts_with("::warning file=")
                    || line.starts_with("::notice file="),
                "{line}"
            );
            let (properties, _message) = line[2..].split_once("::").expect("two `::`");
            for property in properties.split_once(' ').unwrap().1.split(',') {
                let (key, _) = property.split_once('=').expect("key=value");
                assert!(
                    ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                    "{line}"
                );
            }
        }
        insta::assert_snapshot!(
            format!("github@{}", case_name(target)),
            format!("$ locdrift check --source {source} {target} --format github\n{output}")
        );
    }
}

/// Parses XML with quick-xml, checking that it is well-formed (every element closed, in
/// order, attributes well-formed and unescapable), and returns the element names in order.
fn well_formed_elements(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            event @ (Event::Start(_) | Event::Empty(_)) => {
                let (element, empty) = match &event {
                    Event::Start(element) => (element, false),
                    Event::Empty(element) => (element, true),
                    _ => unreachable!(),
                };
                let name = element.name().as_ref().to_string();
                for attribute in element.attributes() {
                    let attribute = attribute.expect("well-formed attribute");
                    attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value unescapes");
                }
                names.push(name.clone());
                if !empty {
                    stack.push(name);
                }
            }
            Event::End(element) => {
                let name = element.name().as_ref().to_string();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
            }
            Event::Text(text) => {
                // No control characters XML 1.0 forbids.
                let content = text.xml10_content();
                assert!(
                    !content
                        .chars()
                        .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')),
                    "{content:?}"
                );
            }
            Event::GeneralRef(reference) => {
                if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .expect("a valid character reference");
                } else {
                    let name = reference.xml10_content();
                    assert!(
                        ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_ref()),
                        "undefined entity `&{name};`"
                    );
                }
            }
            Event::Eof => {
                assert!(stack.is_empty(), "unclosed elements: {stack:?}");
                break;
            }
            _ => {}
        }
    }
    names
}

#[test]
fn junit_is_well_formed_and_snapshots() {
    for (source, target) in CASES {
        let output = check(&["--source", source, target, "--format", "junit"]);
        well_formed_elements(&output);
        insta::assert_snapshot!(
            format!("junit@{}", case_name(target)),
            format!("$ locdrift check --source {source} {target} --format junit\n{output}")
        );
    }
}

#[test]
fn junit_of_the_whole_corpus_has_a_suite_per_locale() {
    let output = check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "junit",
        "--fail-on",
        "warning",
    ]);
    let names = well_formed_elements(&output);
    let suites = output
        .lines()
        .filter(|line| line.trim_start().starts_with("<testsuite "))
        .map(|line| line.split('"').nth(1).unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(suites, ["en-us", "ja-jp", "zh-cn", "zh-tw"]);
    let files: usize = ["en-us", "zh-cn", "zh-tw", "ja-jp"]
        .iter()
        .map(|locale| {
            std::fs::read_dir(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("corpus")
                    .join(locale),
            )
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "md")
            })
            .count()
        })
        .sum();
    assert_eq!(names.iter().filter(|n| *n == "testcase").count(), files);
    let json: Value = serde_json::from_str(&check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "json",
    ]))
    .unwrap();
    let failing = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["severity"] != "info")
        .count();
    assert_eq!(names.iter().filter(|n| *n == "failure").count(), failing);
}

fn redact_html(html: &str) -> String {
    let redacted = html.replace(&format!("locdrift {VERSION}"), "locdrift [VERSION]");
    assert_ne!(redacted, html, "the version appears in the page");
    redacted
}

/// What makes a page self-contained: no scripts, no external stylesheets, images or fonts.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
    ] {
        assert!(!lower.contains(needle), "the page contains `{needle}`");
    }
    assert!(lower.starts_with("<!doctype html>"));
    assert!(lower.contains("<meta charset=\"utf-8\">"));
}

#[test]
fn html_snapshot_of_a_small_case() {
    let output = check(&[
        "--source",
        "corpus/en-us/reset-mfa.md",
        "corpus/zh-tw/reset-mfa.md",
        "--format",
        "html",
    ]);
    assert_self_contained(&output);
    // CJK text reaches the page unescaped but whole, and file markup is escaped.
    assert!(output.contains("<mark>"));
    insta::assert_snapshot!("html@zh-tw__reset-mfa.md", redact_html(&output));
}

#[test]
fn html_of_the_whole_corpus() {
    let output = check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "html",
    ]);
    assert_self_contained(&output);
    // Every finding of the run is on the page, once.
    let json: Value = serde_json::from_str(&check(&[
        "--source",
        "corpus/en-us",
        "corpus/zh-cn",
        "corpus/zh-tw",
        "corpus/ja-jp",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        output.matches("<div class=\"finding\">").count(),
        json.as_array().unwrap().len()
    );
    for locale in ["en-us", "ja-jp", "zh-cn", "zh-tw"] {
        assert!(
            output.contains(&format!("<div class=\"label\">{locale} ")),
            "{locale}"
        );
    }
    // The three clean translations are listed as such.
    for clean in [
        "corpus/zh-tw/configure-mail-gateway.md",
        "corpus/zh-cn/cli-quickstart.md",
        "corpus/ja-jp/cli-quickstart.md",
    ] {
        assert!(output.contains(&format!("<li><span class=\"mono\">{clean}</span>")));
    }
}

/// The real seeds (`../shared/seeds`, when present) in every CI format: the SARIF validates,
/// the JUnit is well-formed, the page is self-contained and shows every finding.
#[test]
fn seeds_in_every_format() {
    let seeds = root().join("../shared/seeds");
    if !seeds.is_dir() {
        println!("skipping: ../shared/seeds not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (prefix, relative) in [
        ("002_", "en-us/a.md"),
        ("000_", "zh-cn/a.md"),
        ("001_", "zh-cn/b.md"),
        ("003_", "zh-tw/a.md"),
        ("004_", "ja-jp/a.md"),
    ] {
        let seed = std::fs::read_dir(&seeds)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                let name = path.file_name().unwrap().to_string_lossy();
                name.starts_with(prefix) && name.ends_with(".txt")
            })
            .unwrap_or_else(|| panic!("seed {prefix}*.txt"));
        let target = dir.path().join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(seed, target).unwrap();
    }
    let args = ["--source", "en-us", "zh-cn", "zh-tw", "ja-jp", "--format"];
    let json: Value =
        serde_json::from_str(&check_in(dir.path(), &[&args[..], &["json"]].concat())).unwrap();
    let findings = json.as_array().unwrap().len();
    assert!(findings > 0);

    let log: Value =
        serde_json::from_str(&check_in(dir.path(), &[&args[..], &["sarif"]].concat())).unwrap();
    assert_valid_sarif(&sarif_schema(), &log);
    assert_consistent_sarif_in(dir.path(), &log);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );

    let junit = check_in(dir.path(), &[&args[..], &["junit"]].concat());
    well_formed_elements(&junit);

    let github = check_in(dir.path(), &[&args[..], &["github"]].concat());
    assert_eq!(github.lines().count(), findings);

    let html = check_in(dir.path(), &[&args[..], &["html"]].concat());
    assert_self_contained(&html);
    assert_eq!(html.matches("<div class=\"finding\">").count(), findings);
}

/// A run where one file cannot be checked: every format that describes a whole run says so,
/// and the run exits 2.
#[test]
fn files_that_cannot_be_checked_are_reported_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let english = std::fs::read(root().join("corpus/en-us/reset-mfa.md")).unwrap();
    let translation = std::fs::read(root().join("corpus/zh-tw/reset-mfa.md")).unwrap();
    let write = |relative: &str, contents: &[u8]| {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    };
    write("en-us/reset-mfa.md", &english);
    write("zh-tw/reset-mfa.md", &translation);
    write("zh-tw/broken.md", b"# T\n\nbad \xff byte\n");
    let run = |format: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_locdrift"))
            .current_dir(dir.path())
            .args(["check", "--source", "en-us", "zh-tw", "--format", format])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.contains("zh-tw/broken.md") && stderr.contains("UTF-8"),
            "{stderr}"
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let log: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_valid_sarif(&sarif_schema(), &log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 1, "{notifications:?}");
    assert_eq!(notifications[0]["level"], "error");
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "zh-tw/broken.md"
    );
    assert!(
        notifications[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    // The file that could be checked still has its findings.
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());

    let junit = run("junit");
    let names = well_formed_elements(&junit);
    assert_eq!(names.iter().filter(|n| *n == "error").count(), 1);
    assert!(
        junit.contains("<testsuites name=\"locdrift\" tests=\"3\""),
        "{junit}"
    );
    assert!(junit.contains("errors=\"1\">"), "{junit}");
    assert!(
        junit.contains("<testcase name=\"zh-tw/broken.md\" classname=\"locdrift.zh-tw\""),
        "{junit}"
    );

    let github = run("github");
    let first = github.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=zh-tw/broken.md,title=locdrift%3A file not checked::`zh-tw/broken.md` is not valid UTF-8"
        ),
        "{first}"
    );

    let html = run("html");
    assert_self_contained(&html);
    assert!(html.contains("<h2>Not checked (1)</h2>"), "{html}");
    assert!(html.contains("; 1 file could not be checked</p>"));
    assert!(html.contains("zh-tw/broken.md"));

    // A clean run says it succeeded.
    std::fs::remove_file(dir.path().join("zh-tw/broken.md")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .current_dir(dir.path())
        .args(["check", "--source", "en-us", "zh-tw", "--format", "sarif"])
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("toolExecutionNotifications").is_none());
}
