//! Snapshots of `check` on every translation of the project corpus, in human and JSON form.
//!
//! Each translation `corpus/<locale>/<path>` is checked against `corpus/en-us/<path>`. A
//! translation with no English file of the same path (an orphan) is checked against the whole
//! `corpus/en-us` folder, so that the missing source is reported as it would be in a real run.
//! Commands run from the crate root with relative paths, so the paths in the output are stable.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test corpus` and review the diff.

use std::path::Path;
use std::process::Command;

fn check(translation: &Path, format: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = translation
        .strip_prefix(root.join("corpus"))
        .expect("translation under corpus/");
    let mut components = relative.components();
    let locale = components
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(locale, "en-us");
    let within_locale = components.as_path();
    let source_file = Path::new("corpus/en-us").join(within_locale);
    let source = if root.join(&source_file).is_file() {
        source_file
    } else {
        Path::new("corpus/en-us").to_path_buf()
    };
    let target = Path::new("corpus").join(relative);
    let output = Command::new(env!("CARGO_BIN_EXE_locdrift"))
        .current_dir(root)
        .env_remove("NO_COLOR")
        .arg("check")
        .arg("--source")
        .arg(&source)
        .arg(&target)
        .args(format)
        .output()
        .expect("running locdrift");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "check {} exited {:?}:\n{stderr}",
        target.display(),
        output.status.code()
    );
    let mut snapshot = format!(
        "$ locdrift check --source {} {} {}\nexit: {}\n",
        source.display(),
        target.display(),
        format.join(" "),
        output.status.code().unwrap()
    );
    if !stderr.is_empty() {
        snapshot.push_str("--- stderr ---\n");
        snapshot.push_str(&stderr);
        snapshot.push_str("--- stdout ---\n");
    }
    snapshot.push_str(&stdout);
    snapshot
}

fn is_translation(path: &Path) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    path.strip_prefix(&root)
        .ok()
        .and_then(|r| r.components().next())
        .is_some_and(|locale| locale.as_os_str() != "en-us")
}

#[test]
fn corpus_human() {
    insta::glob!("../corpus", "*/**/*.md", |path| {
        if !is_translation(path) {
            return;
        }
        insta::assert_snapshot!("human", check(path, &["--color", "never"]));
    });
}

#[test]
fn corpus_json() {
    insta::glob!("../corpus", "*/**/*.md", |path| {
        if !is_translation(path) {
            return;
        }
        let output = check(path, &["--format", "json"]);
        // The JSON part must parse whatever the snapshot says.
        let json = output.split_once("\n[").map(|(_, rest)| format!("[{rest}"));
        let json = json.expect("a JSON array on stdout");
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        insta::assert_snapshot!("json", output);
    });
}
