//! Property tests of fixing: on translations drifted in the ways the fixable rules know
//! (escaped or spaced bold markers, renamed anchors, changed host names), a fix pass changes the
//! text only inside the ranges of the fixes it reports, and fixing until stable is idempotent:
//! a second run finds nothing more to fix. And a `locdrift-disable` comment put anywhere
//! between blocks silences exactly the findings after it, without changing those before it.

use std::sync::Arc;

use locdrift::analysis::Parsed;
use locdrift::document::Document;
use locdrift::engine::{self, CheckOptions, Settings};
use locdrift::fix::{self, FixMode};
use proptest::prelude::*;

fn options() -> CheckOptions {
    CheckOptions {
        locale: Some("zh-cn".into()),
        source_expected: true,
        ..Default::default()
    }
}

fn parse(path: &str, text: &str) -> Parsed {
    Parsed::new(Arc::new(Document::new(path, text))).expect("plain Markdown parses")
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,8}",
        "[\u{4e00}-\u{4e80}]{1,5}",
        "[\u{30a1}-\u{30fa}]{1,5}",
        Just("443".to_string()),
    ]
}

/// An English piece and its translation, drifted or not.
fn piece() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        4 => (word(), word()).prop_map(|(e, t)| (e, t)),
        1 => (word(), word(), 0..5usize).prop_map(|(e, t, how)| {
            let source = format!("**{e}**");
            let target = match how {
                0 => format!("\\*\\*{t}\\*\\*"),
                1 => format!("\\*\\*{t} \\*\\*"),
                2 => format!("** {t} **"),
                3 => format!("****{t}****"),
                _ => format!("**{t}**"),
            };
            (source, target)
        }),
        1 => (word(), proptest::bool::ANY).prop_map(|(w, drift)| {
            let host = if drift { "sipdir.online.microsoft.com" } else { "sipdir.online.lync.com" };
            (format!("{w} sipdir.online.lync.com"), format!("{w} {host}"))
        }),
        1 => (word(), proptest::bool::ANY).prop_map(|(w, drift)| {
            let anchor = if drift { "__intro" } else { "intro" };
            (format!("[{w}](#intro)"), format!("[{w}](#{anchor})"))
        }),
    ]
}

fn line() -> impl Strategy<Value = (String, String)> {
    proptest::collection::vec(piece(), 1..6).prop_map(|pieces| {
        let (source, target): (Vec<String>, Vec<String>) = pieces.into_iter().unzip();
        (source.join(" "), target.join(" "))
    })
}

/// A source and a translation with the same block structure, CRLF or LF line endings.
fn pair() -> impl Strategy<Value = (String, String)> {
    (
        proptest::collection::vec((0..3usize, line()), 1..6),
        proptest::bool::ANY,
        proptest::bool::ANY,
    )
        .prop_map(|(blocks, crlf, renamed_anchor)| {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut source = Vec::new();
            let mut target = Vec::new();
            for (kind, (s, t)) in blocks {
                let prefix = ["", "## ", "- "][kind];
                source.push(format!("{prefix}{s}"));
                target.push(format!("{prefix}{t}"));
            }
            let anchor = if renamed_anchor { "__intro" } else { "intro" };
            source.push("<a name=\"intro\"> </a>".to_string());
            target.push(format!("<a name=\"{anchor}\"> </a>"));
            let join = |blocks: Vec<String>| blocks.join(&format!("{newline}{newline}")) + newline;
            (join(source), join(target))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_fix_pass_changes_only_the_reported_ranges((source, target) in pair(), unsafe_fixes in proptest::bool::ANY) {
        let mode = if unsafe_fixes { FixMode::Unsafe } else { FixMode::Safe };
        let source = parse("en-us/a.md", &source);
        let parsed = parse("zh-cn/a.md", &target);
        let settings = Settings::default();
        let diagnostics = engine::check(&parsed, Some(&source), &settings, options());
        let applied = fix::apply(&target, &diagnostics, mode);
        // Every edit is a reported finding's fix, allowed in this mode.
        for edit in &applied.edits {
            prop_assert!(diagnostics.iter().any(|d| mode.allows(d)
                && d.fix.as_ref().is_some_and(|f| f.range == *edit)));
        }
        // Outside the edits, the text is the same byte for byte, in order.
        let mut cursor = 0;
        let mut rest = applied.text.as_str();
        for edit in &applied.edits {
            let kept = &target[cursor..edit.start];
            prop_assert!(rest.starts_with(kept), "text before {:?} changed", edit);
            rest = &rest[kept.len()..];
            let replacement = diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .find(|f| f.range == *edit)
                .map(|f| f.replacement.as_str())
                .unwrap_or_default();
            prop_assert!(rest.starts_with(replacement));
            rest = &rest[replacement.len()..];
            cursor = edit.end;
        }
        prop_assert_eq!(rest, &target[cursor..]);
        // Line endings survive: every `\n` of a CRLF file is still preceded by `\r`.
        if target.contains("\r\n") {
            prop_assert_eq!(applied.text.matches('\n').count(), applied.text.matches("\r\n").count());
        }
    }

    #[test]
    fn fixing_is_idempotent((source, target) in pair(), unsafe_fixes in proptest::bool::ANY) {
        let mode = if unsafe_fixes { FixMode::Unsafe } else { FixMode::Safe };
        let source = parse("en-us/a.md", &source);
        let parsed = parse("zh-cn/a.md", &target);
        let settings = Settings::default();
        let diagnostics = engine::check(&parsed, Some(&source), &settings, options());
        let first = fix::fix_file(&parsed, Some(&source), &settings, &options(), diagnostics, mode)
            .expect("plain Markdown parses");
        let again = engine::check(&first.parsed, Some(&source), &settings, options());
        let second = fix::fix_file(&first.parsed, Some(&source), &settings, &options(), again, mode)
            .expect("plain Markdown parses");
        prop_assert!(!second.changed, "second run changed\n{}\ninto\n{}", first.parsed.document.text, second.parsed.document.text);
        prop_assert_eq!(second.fixed, 0);
    }
}

/// The generator's drifts are ones the rules fix, so the properties above are not vacuous.
#[test]
fn the_generated_drifts_are_fixable() {
    let source = parse(
        "en-us/a.md",
        "## **Name** sipdir.online.lync.com [a](#intro)\n\n<a name=\"intro\"> </a>\n",
    );
    let target = "## \\*\\*名称 \\*\\* sipdir.online.microsoft.com [甲](#__intro)\n\n<a name=\"__intro\"> </a>\n";
    let parsed = parse("zh-cn/a.md", target);
    let settings = Settings::default();
    let diagnostics = engine::check(&parsed, Some(&source), &settings, options());
    let fixed = fix::fix_file(
        &parsed,
        Some(&source),
        &settings,
        &options(),
        diagnostics,
        FixMode::Unsafe,
    )
    .unwrap();
    assert_eq!(
        fixed.parsed.document.text,
        "## **名称** sipdir.online.lync.com [甲](#intro)\n\n<a name=\"intro\"> </a>\n"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A `locdrift-disable` comment silences every finding that starts after it, wherever it is
    /// put between blocks, and never adds one except LD002 when it silenced nothing.
    #[test]
    fn a_disable_comment_silences_everything_after_it((source, target) in pair(), at in 0..8usize) {
        let newline = if target.contains("\r\n") { "\r\n" } else { "\n" };
        let separator = format!("{newline}{newline}");
        let blocks: Vec<&str> = target.split(separator.as_str()).collect();
        let at = at.min(blocks.len());
        let comment = "<!-- locdrift-disable -->";
        let mut with_comment: Vec<&str> = blocks.clone();
        with_comment.insert(at, comment);
        let text = with_comment.join(separator.as_str());
        let comment_end = text.find(comment).unwrap() + comment.len();

        let source = parse("en-us/a.md", &source);
        let settings = Settings::default();
        let plain = engine::check(&parse("zh-cn/a.md", &target), Some(&source), &settings, options());
        let silenced = engine::check(&parse("zh-cn/a.md", &text), Some(&source), &settings, options());
        for diagnostic in &silenced {
            prop_assert!(
                diagnostic.code == "LD002" || diagnostic.primary.range.start < comment_end,
                "{} after the comment in\n{}", diagnostic.code, text
            );
        }
        let before: Vec<&str> = silenced.iter().filter(|d| d.code != "LD002").map(|d| d.code).collect();
        let expected: Vec<&str> = plain
            .iter()
            .filter(|d| d.primary.range.start < text.find(comment).unwrap())
            .map(|d| d.code)
            .collect();
        prop_assert_eq!(&before, &expected);
        let unused = silenced.iter().any(|d| d.code == "LD002");
        let had_after = plain.len() > expected.len();
        prop_assert_eq!(unused, !had_after);
    }
}
