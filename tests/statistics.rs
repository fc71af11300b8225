//! `check --statistics`: counts per rule, in text and JSON, agreeing with the findings.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::stdout;

fn run(args: &[&str]) -> Output {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .env_remove("NO_COLOR")
        .current_dir(corpus)
        .args([
            "check",
            "--color",
            "never",
            "--no-config",
            "--source",
            "en-us",
        ])
        .args(["zh-cn", "zh-tw", "ja-jp"])
        .args(args)
        .output()
        .expect("running locdrift")
}

#[test]
fn statistics_of_the_corpus() {
    let output = run(&["--statistics"]);
    assert_eq!(output.status.code(), Some(1), "errors still fail the run");
    insta::assert_snapshot!("corpus_statistics", stdout(&output));
}

#[test]
fn json_statistics_agree_with_the_findings() {
    let findings: Vec<Value> = serde_json::from_str(&stdout(&run(&["--format", "json"]))).unwrap();
    let counts: Vec<Value> =
        serde_json::from_str(&stdout(&run(&["--format", "json", "--statistics"]))).unwrap();
    let total: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, findings.len());
    for count in &counts {
        let code = count["code"].as_str().unwrap();
        let of_rule: Vec<&Value> = findings.iter().filter(|f| f["code"] == code).collect();
        assert_eq!(
            count["count"].as_u64().unwrap() as usize,
            of_rule.len(),
            "{code}"
        );
        assert_eq!(count["name"], of_rule[0]["rule"]);
        let safe = of_rule
            .iter()
            .filter(|f| f["fix"]["applicability"] == "safe")
            .count();
        assert_eq!(count["fixable"].as_u64().unwrap() as usize, safe, "{code}");
    }
    // With --unsafe-fixes, every fix counts.
    let counts: Vec<Value> = serde_json::from_str(&stdout(&run(&[
        "--format",
        "json",
        "--statistics",
        "--unsafe-fixes",
    ])))
    .unwrap();
    let fixable: u64 = counts.iter().map(|c| c["fixable"].as_u64().unwrap()).sum();
    let with_fix = findings.iter().filter(|f| !f["fix"].is_null()).count();
    assert_eq!(fixable as usize, with_fix);
}
