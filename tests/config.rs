//! `locdrift.toml` and `locdrift init` end to end, in tempdirs: discovery, layout, rule
//! selection, severity overrides, per-path ignores, rulebooks, and errors that name the file.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{describe, stderr, stdout, write};

fn locdrift(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .env_remove("NO_COLOR")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running locdrift")
}

const SOURCE: &str = "# Title\n\nConnect to sipdir.online.lync.com now.\n";
const DRIFTED: &str = "# 标题\n\n连接到 sipdir.online.microsoft.com。\n";
const CLEAN: &str = "# 标题\n\n连接到 sipdir.online.lync.com。\n";

/// A tempdir with `en-us/a.md`, `zh-cn/a.md` (host drift: a LD101 error, which takes the place
/// of the LD303 warning on the same characters),
/// `zh-cn/legacy/a.md` (the same) and `ja-jp/a.md` (clean).
fn project() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("locdrift-config")
        .tempdir()
        .unwrap();
    write(dir.path(), "en-us/a.md", SOURCE);
    write(dir.path(), "en-us/legacy/a.md", SOURCE);
    write(dir.path(), "zh-cn/a.md", DRIFTED);
    write(dir.path(), "zh-cn/legacy/a.md", DRIFTED);
    write(dir.path(), "ja-jp/a.md", CLEAN);
    dir
}

/// `check --format json` from `dir`: (path, code, severity) of each finding.
fn findings(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<(String, String, String)>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let output = locdrift(dir, &all);
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    let parsed: Vec<Value> = serde_json::from_str(&stdout(&output)).expect("JSON output");
    let found = parsed
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (output.status.code(), found)
}

fn triple(path: &str, code: &str, severity: &str) -> (String, String, String) {
    (path.into(), code.into(), severity.into())
}

#[test]
fn init_writes_a_starter_file_from_the_locale_folders_and_check_then_needs_no_arguments() {
    let dir = project();
    let output = locdrift(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        stdout(&output),
        "Wrote locdrift.toml: sources in `en-us`, translations in `ja-jp`, `zh-cn`. Run `locdrift check`.\n"
    );
    let written = std::fs::read_to_string(dir.path().join("locdrift.toml")).unwrap();
    insta::assert_snapshot!("starter", written);

    let (status, found) = findings(dir.path(), &[]);
    assert_eq!(status, Some(1));
    assert_eq!(
        found,
        [
            triple("zh-cn/a.md", "LD101", "error"),
            triple("zh-cn/legacy/a.md", "LD101", "error"),
        ]
    );

    // A second init refuses to overwrite, unless forced.
    std::fs::write(dir.path().join("locdrift.toml"), "# mine\n").unwrap();
    let again = locdrift(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2), "{}", describe(&again));
    assert!(stderr(&again).contains("`locdrift.toml` already exists; use `--force`"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("locdrift.toml")).unwrap(),
        "# mine\n"
    );
    let forced = locdrift(dir.path(), &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", describe(&forced));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("locdrift.toml")).unwrap(),
        written
    );
}

#[test]
fn init_without_locale_folders_writes_a_commented_layout() {
    let dir = tempfile::tempdir().unwrap();
    let output = locdrift(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let check = locdrift(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(2), "{}", describe(&check));
    assert!(
        stderr(&check).contains("no translations to check"),
        "{}",
        describe(&check)
    );
}

#[test]
fn the_file_is_found_from_a_subfolder_and_its_paths_are_relative_to_it() {
    let dir = project();
    write(
        dir.path(),
        "locdrift.toml",
        "source = \"en-us\"\ntranslations = [\"zh-cn\"]\n",
    );
    let (_, found) = findings(&dir.path().join("zh-cn/legacy"), &[]);
    assert_eq!(
        found,
        [
            triple("../../zh-cn/a.md", "LD101", "error"),
            triple("../../zh-cn/legacy/a.md", "LD101", "error"),
        ]
    );
}

#[test]
fn severity_overrides_and_off() {
    let dir = project();
    write(
        dir.path(),
        "locdrift.toml",
        "source = \"en-us\"\ntranslations = [\"zh-cn/a.md\"]\n\n[severity]\nhost-drift = \"warning\"\nLD3 = \"off\"\n",
    );
    let (status, found) = findings(dir.path(), &[]);
    assert_eq!(status, Some(0), "a warning does not fail the run");
    assert_eq!(found, [triple("zh-cn/a.md", "LD101", "warning")]);
    // --fail-on on the command line still applies.
    let (status, _) = findings(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(status, Some(1));
}

#[test]
fn per_path_ignores_apply_to_the_files_their_globs_match() {
    let dir = project();
    write(
        dir.path(),
        "locdrift.toml",
        "source = \"en-us\"\ntranslations = [\"zh-cn\"]\n\n[[per-path]]\npaths = [\"zh-cn/legacy/**\"]\nignore = [\"LD101\", \"stale-term\"]\n",
    );
    let (_, found) = findings(dir.path(), &[]);
    assert_eq!(found, [triple("zh-cn/a.md", "LD101", "error"),]);
}

#[test]
fn command_line_options_override_the_file() {
    let dir = project();
    write(
        dir.path(),
        "locdrift.toml",
        "source = \"en-us\"\ntranslations = [\"zh-cn\"]\nselect = [\"LD303\"]\nfail-on = \"never\"\n",
    );
    let (status, found) = findings(dir.path(), &[]);
    assert_eq!(status, Some(0), "fail-on = never");
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|(_, code, _)| code == "LD303"));
    // --select replaces the file's, paths replace `translations`, --fail-on replaces its own.
    let (status, found) = findings(
        dir.path(),
        &["--select", "LD1", "--fail-on", "error", "zh-cn/a.md"],
    );
    assert_eq!(status, Some(1));
    assert_eq!(found, [triple("zh-cn/a.md", "LD101", "error")]);
    // --no-config forgets it all: no source, so no host drift.
    let (_, found) = findings(dir.path(), &["--no-config", "zh-cn/a.md"]);
    assert!(
        found.iter().all(|(_, code, _)| code != "LD101"),
        "{found:?}"
    );
}

#[test]
fn exclude_skips_files_found_in_folders_but_not_files_named_on_their_own() {
    let dir = project();
    write(
        dir.path(),
        "locdrift.toml",
        "source = \"en-us\"\ntranslations = [\"zh-cn\"]\nexclude = [\"**/legacy/**\"]\n",
    );
    let (_, found) = findings(dir.path(), &[]);
    assert_eq!(found, [triple("zh-cn/a.md", "LD101", "error"),]);
    let (_, found) = findings(dir.path(), &["zh-cn/legacy/a.md"]);
    assert_eq!(found, [triple("zh-cn/legacy/a.md", "LD101", "error")]);
}

#[test]
fn a_pattern_finds_sources_and_translations_per_locale() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/en-us/articles/x/a.md", SOURCE);
    write(dir.path(), "docs/zh-cn/articles/x/a.md", DRIFTED);
    write(dir.path(), "docs/zh-cn/includes/b.md", DRIFTED);
    write(dir.path(), "docs/ja-jp/articles/x/a.md", CLEAN);
    write(
        dir.path(),
        "locdrift.toml",
        "pattern = \"docs/{locale}/articles/**/*.md\"\n",
    );
    let (_, found) = findings(dir.path(), &[]);
    assert_eq!(
        found,
        [triple("docs/zh-cn/articles/x/a.md", "LD101", "error"),]
    );
}

#[test]
fn an_explicit_config_file_and_extra_rulebooks_relative_to_it() {
    let dir = project();
    write(
        dir.path(),
        "conf/terms.toml",
        "locale = \"zh-cn\"\n\n[[stale-term]]\nterm = \"标题\"\nreplacement = \"新标题\"\nnote = \"renamed\"\n",
    );
    write(
        dir.path(),
        "conf/locdrift.toml",
        "source = \"../en-us\"\ntranslations = [\"../ja-jp\"]\nrulebooks = [\"terms.toml\"]\n",
    );
    let (_, found) = findings(
        dir.path(),
        &["--config", "conf/locdrift.toml", "zh-cn/a.md"],
    );
    assert!(
        found.contains(&triple("zh-cn/a.md", "LD303", "warning")),
        "{found:?}"
    );
    let output = locdrift(
        dir.path(),
        &["check", "--config", "conf/missing.toml", "zh-cn"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(stderr(&output).contains("`conf/missing.toml` not found"));
}

#[test]
fn errors_name_the_file_the_line_and_the_key() {
    let dir = project();
    for (text, needle) in [
        (
            "source = \"en-us\"\nslect = [\"LD1\"]\n",
            "invalid configuration file `locdrift.toml`: line 2, column 1: unknown field `slect`",
        ),
        (
            "ignore = [\"LD101\", \"LD999\"]\n",
            "invalid configuration file `locdrift.toml`: line 1, column 20: `LD999` names no rule",
        ),
        (
            "[severity]\nLD101 = \"loud\"\n",
            "invalid configuration file `locdrift.toml`: line 2, column 9: unknown variant `loud`",
        ),
        (
            "[[per-path]]\npaths = [\"zh-cn/**\"]\nignore = [\"LD101\"]\nignroe = []\n",
            "line 4, column 1: unknown field `ignroe`",
        ),
        ("pattern = \"docs/*.md\"\n", "has no `{locale}`"),
        (
            "source = [\n",
            "invalid configuration file `locdrift.toml`: line",
        ),
    ] {
        write(dir.path(), "locdrift.toml", text);
        let output = locdrift(dir.path(), &["check"]);
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert!(
            stderr(&output).contains(needle),
            "{text}\n{}",
            describe(&output)
        );
        assert!(!stderr(&output).contains("panicked"));
    }
}

/// The acceptance path on a copy of the seeds: a starter config, a severity override,
/// a suppression and `--fix`, end to end. Skipped when the seeds are absent.
#[test]
fn seeds_starter_config_override_suppression_and_fix() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        println!("skipping: {} not found", seeds.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (prefix, relative) in [
        ("002", "en-us/a.md"),
        ("000", "zh-cn/a.md"),
        ("001", "zh-cn/b.md"),
        ("003", "zh-tw/a.md"),
        ("004", "ja-jp/a.md"),
    ] {
        let seed = std::fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .unwrap();
        write(dir.path(), relative, std::fs::read_to_string(seed).unwrap());
    }
    let source_before = std::fs::read_to_string(dir.path().join("en-us/a.md")).unwrap();
    let init = locdrift(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", describe(&init));
    // The starter ends in its `[severity]` table: an override goes there.
    let config = dir.path().join("locdrift.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("LD401 = \"error\"\n");
    std::fs::write(&config, text).unwrap();

    let (_, before) = findings(dir.path(), &[]);
    let stale: Vec<_> = before.iter().filter(|(_, c, _)| c == "LD401").collect();
    assert!(!stale.is_empty());
    assert!(stale.iter().all(|(_, _, s)| s == "error"), "{stale:?}");

    // Silence the zh-TW host finding on its line.
    let output = locdrift(dir.path(), &["check", "--format", "json", "zh-tw"]);
    let parsed: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let host = parsed
        .iter()
        .find(|f| f["code"] == "LD101")
        .expect("the zh-TW seed has a host finding");
    let line = host["line"].as_u64().unwrap() as usize;
    let target = dir.path().join("zh-tw/a.md");
    let original = std::fs::read_to_string(&target).unwrap();
    let mut lines: Vec<&str> = original.split('\n').collect();
    lines.insert(line - 1, "<!-- locdrift-disable-next-line host-drift -->");
    std::fs::write(&target, lines.join("\n")).unwrap();
    let (_, after) = findings(dir.path(), &["zh-tw"]);
    assert!(
        after
            .iter()
            .all(|(_, code, _)| !["LD101", "LD002", "LD403", "LD402"].contains(&code.as_str())),
        "{after:?}"
    );

    // Fix: the escaped bold markers go, the suppression stays (it is used).
    let fix = locdrift(dir.path(), &["check", "--fix", "--color", "never"]);
    assert!(stdout(&fix).contains("Fixed "), "{}", describe(&fix));
    let fixed = std::fs::read_to_string(&target).unwrap();
    assert!(fixed.contains("<!-- locdrift-disable-next-line host-drift -->"));
    assert!(!fixed.contains("\\*\\*名稱"));
    let statistics = locdrift(
        dir.path(),
        &[
            "check",
            "--statistics",
            "--format",
            "json",
            "zh-tw",
            "ja-jp",
        ],
    );
    let counts: Vec<Value> = serde_json::from_str(&stdout(&statistics)).unwrap();
    assert!(
        counts.iter().all(|c| c["fixable"] == 0),
        "safe fixes remain: {counts:?}"
    );
    let source = std::fs::read_to_string(dir.path().join("en-us/a.md")).unwrap();
    assert_eq!(source, source_before, "the source was written");
}
