//! Property tests of the library: a document checked against itself has no drift, and no input
//! makes parsing or checking panic or report a range outside the text.

use std::sync::Arc;

use locdrift::analysis::Parsed;
use locdrift::diagnostic::{Diagnostic, FileSide};
use locdrift::document::Document;
use locdrift::engine::{self, CheckOptions, Settings};
use proptest::prelude::*;

/// Codes that compare a translation with its source: none may fire on identical files.
const PAIR_CODES: [&str; 11] = [
    "LD101", "LD102", "LD103", "LD104", "LD105", "LD201", "LD202", "LD204", "LD401", "LD402",
    "LD403",
];

fn options() -> CheckOptions {
    CheckOptions {
        locale: Some("en-us".into()),
        ..Default::default()
    }
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,10}",
        "[\u{4e00}-\u{4e80}]{1,6}",                  // CJK ideographs
        "[\u{3041}-\u{3096}\u{30a1}-\u{30fa}]{1,6}", // kana
        "[\u{0621}-\u{064a}]{1,6}",                  // Arabic (RTL)
        "[\u{05d0}-\u{05ea}]{1,6}",                  // Hebrew (RTL)
        Just("😀".to_string()),
        Just("👩‍💻".to_string()),
        Just("🇯🇵".to_string()),
        Just("sipdir.online.lync.com".to_string()),
        Just("https://contoso.com/a".to_string()),
        Just("user@contoso.com".to_string()),
        Just("C:\\Windows\\System32".to_string()),
        Just("443".to_string()),
        Just("，".to_string()),
        Just("。".to_string()),
    ]
}

/// Anchor names: fragment links only use these, and every document defines them all (a link
/// that is broken in the source is covered by `a_dangling_link_shared_with_the_source_is_not_drift`).
const ANCHORS: [&str; 4] = ["intro", "set-up", "toc323194094", "faq_1"];

fn anchor() -> impl Strategy<Value = String> {
    proptest::sample::select(&ANCHORS[..]).prop_map(str::to_string)
}

fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => word(),
        1 => word().prop_map(|w| format!("**{w}**")),
        1 => (word(), anchor()).prop_map(|(w, f)| format!("[{w}](#{f})")),
        1 => (word(), "[a-z]{1,8}").prop_map(|(w, f)| format!("[{w}](other-{f}.md)")),
        1 => (word(), "[a-z]{1,8}").prop_map(|(w, h)| format!("[{w}](https://{h}.contoso.com/)")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => prop_oneof![
            Just("1,024".to_string()),
            Just("2.4.1".to_string()),
            Just("<br/>".to_string()),
            Just("<kbd>Ctrl</kbd>".to_string()),
            Just("<strong>Save</strong>".to_string()),
            Just("{0}".to_string()),
            Just("%s".to_string()),
            Just("{{ product }}".to_string()),
            Just("***ServerName***".to_string()),
            Just("<xref:Contoso.Backup>".to_string()),
            Just("<https://status.contoso.com/a>".to_string()),
            Just("![alt](media/a.png)".to_string()),
            Just("[!INCLUDE[x](includes/a.md)]".to_string()),
        ],
    ]
}

fn line() -> impl Strategy<Value = String> {
    proptest::collection::vec(inline(), 1..8).prop_map(|words| words.join(" "))
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => line(),
        1 => (1..=3usize, line()).prop_map(|(n, l)| format!("{} {l}", "#".repeat(n))),
        1 => (1..=3usize, line(), "[a-z][a-z0-9-]{0,12}")
            .prop_map(|(n, l, a)| format!("{} <a name=\"{a}\"></a>{l}", "#".repeat(n))),
        1 => prop_oneof![anchor(), "[a-z][a-z0-9_-]{0,12}".prop_map(String::from)]
            .prop_map(|a| format!("<a name=\"{a}\"> </a>")),
        1 => proptest::collection::vec(line(), 1..4)
            .prop_map(|items| items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")),
        1 => line().prop_map(|l| format!("> {l}")),
        1 => (line(), line()).prop_map(|(a, b)| format!("| {a} | {b} |\n|---|---|\n| {b} | {a} |")),
        1 => (line(), line()).prop_map(|(a, b)| format!("```bash\nrun {a} # {b}\n```")),
    ]
}

fn document() -> impl Strategy<Value = String> {
    proptest::collection::vec(block(), 1..10).prop_map(|blocks| {
        let anchors: Vec<String> = ANCHORS
            .iter()
            .map(|a| format!("<a name=\"{a}\"> </a>"))
            .collect();
        blocks.join("\n\n") + "\n\n" + &anchors.join("\n\n") + "\n"
    })
}

/// Text with many Markdown and side-by-side metacharacters, and arbitrary Unicode.
fn arbitrary_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => any::<String>(),
        1 => Just("<span data-ttu-id=\"a-1\">".to_string()),
        1 => Just("</span>".to_string()),
        1 => Just("<span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">".to_string()),
        1 => Just("</span></span>".to_string()),
        1 => Just("---\n".to_string()),
        1 => Just("ms.translationtype: MT\n".to_string()),
        1 => Just("**".to_string()),
        1 => Just("\\*\\*".to_string()),
        1 => Just("<a name=\"x\"></a>".to_string()),
        1 => Just("[a](#b)".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\u{feff}".to_string()),
        1 => Just("# ".to_string()),
        1 => Just("| a | b |\n|---|---|\n".to_string()),
        1 => Just("```\n".to_string()),
        1 => Just("sipdir.online.lync.com".to_string()),
        1 => Just("中文😀עברית".to_string()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn parse(text: &str) -> Result<Parsed, locdrift::analysis::ParseError> {
    Parsed::new(Arc::new(Document::new("a.md", text)))
}

/// Every range of a diagnostic lies inside its file's text, on char boundaries, start <= end.
fn check_ranges(
    diagnostics: &[Diagnostic],
    target: &str,
    source: Option<&str>,
) -> Result<(), TestCaseError> {
    for diagnostic in diagnostics {
        let primary = &diagnostic.primary;
        prop_assert_eq!(
            primary.file,
            FileSide::Target,
            "primary not in target: {:?}",
            diagnostic
        );
        let mut labels = vec![primary];
        labels.extend(&diagnostic.secondary);
        for label in labels {
            let text = match label.file {
                FileSide::Target => target,
                FileSide::Source => source.unwrap_or(""),
            };
            let range = &label.range;
            prop_assert!(range.start <= range.end, "inverted range: {:?}", diagnostic);
            prop_assert!(
                range.end <= text.len(),
                "range past the end ({}): {:?}",
                text.len(),
                diagnostic
            );
            prop_assert!(
                text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
                "range not on char boundaries: {:?}",
                diagnostic
            );
        }
        if let Some(fix) = &diagnostic.fix {
            prop_assert!(
                fix.range.start <= fix.range.end && fix.range.end <= target.len(),
                "{:?}",
                diagnostic
            );
            prop_assert!(
                target.is_char_boundary(fix.range.start) && target.is_char_boundary(fix.range.end),
                "fix range not on char boundaries: {:?}",
                diagnostic
            );
        }
    }
    Ok(())
}

/// A broken in-page link that the source has too is not something the translation broke.
#[test]
fn a_dangling_link_shared_with_the_source_is_not_drift() {
    let text = "# Title\n\n- [A](#missing)\n";
    let parsed = parse(text).unwrap();
    let diagnostics = engine::check(&parsed, Some(&parsed), &Settings::default(), options());
    let drift: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| PAIR_CODES.contains(&d.code))
        .collect();
    assert!(drift.is_empty(), "{drift:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_document_checked_against_itself_has_no_drift(text in document()) {
        let parsed = parse(&text).expect("plain Markdown always parses");
        let diagnostics = engine::check(&parsed, Some(&parsed), &Settings::default(), options());
        let drift: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| PAIR_CODES.contains(&d.code))
            .collect();
        prop_assert!(drift.is_empty(), "self-check reported drift in\n{}\n{:#?}", text, drift);
        check_ranges(&diagnostics, &parsed.document.text, Some(&parsed.document.text))?;
    }

    #[test]
    fn arbitrary_text_never_panics_and_ranges_stay_inside(text in arbitrary_text()) {
        let Ok(parsed) = parse(&text) else { return Ok(()) };
        let document = parsed.document.text.clone();
        // On its own, as a source file.
        let alone = engine::check(
            &parsed,
            None,
            &Settings::default(),
            CheckOptions { locale: Some("en-us".into()), is_source_file: true, source_expected: false, ..Default::default() },
        );
        check_ranges(&alone, &document, None)?;
        // As a translation of itself, and of a fixed English source.
        let itself = engine::check(&parsed, Some(&parsed), &Settings::default(), options());
        check_ranges(&itself, &document, Some(&document))?;
        let english = "# Title\n\nConnect to sipdir.online.lync.com and read **the guide**.\n\n<a name=\"x\"></a>\n";
        let source = parse(english).unwrap();
        let zh = engine::check(
            &parsed,
            Some(&source),
            &Settings::default(),
            CheckOptions { locale: Some("zh-cn".into()), is_source_file: false, source_expected: true, ..Default::default() },
        );
        check_ranges(&zh, &document, Some(english))?;
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        if let Ok(parsed) = parse(&text) {
            let diagnostics = engine::check(&parsed, Some(&parsed), &Settings::default(), options());
            check_ranges(&diagnostics, &parsed.document.text, Some(&parsed.document.text))?;
        }
    }
}

/// A well-formed side-by-side document: each block's text is a run of segments with unique ids,
/// block syntax outside the spans. Returns the document and the English it embeds, as a plain
/// Markdown source with the same blocks.
fn side_by_side() -> impl Strategy<Value = (String, String)> {
    let segment = (line(), line());
    let block = (
        prop_oneof![Just(""), Just("# "), Just("## "), Just("- "), Just("> ")],
        proptest::collection::vec(segment, 1..4),
    );
    proptest::collection::vec(block, 1..12).prop_map(|blocks| {
        let mut id = 103;
        let mut document = Vec::new();
        let mut english = Vec::new();
        for (prefix, segments) in blocks {
            let mut translated = String::from(prefix);
            let mut source = String::from(prefix);
            for (index, (target, text)) in segments.iter().enumerate() {
                if index > 0 {
                    translated.push(' ');
                    source.push(' ');
                }
                translated.push_str(&format!(
                    "<span data-ttu-id=\"ab12c-{id}\">{target}</span><span class=\"sxs-lookup\"><span data-stu-id=\"ab12c-{id}\">{text}</span></span>"
                ));
                source.push_str(text);
                id += 1;
            }
            document.push(translated);
            english.push(source);
        }
        (document.join("\n\n") + "\n", english.join("\n\n") + "\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every finding on a well-formed side-by-side file, alone or against the English it
    /// embeds, lies inside its file and on char boundaries.
    #[test]
    fn side_by_side_findings_stay_inside_the_file((text, english) in side_by_side()) {
        let parsed = parse(&text).expect("a well-formed side-by-side file parses");
        prop_assert!(!parsed.segments.is_empty());
        let zh = CheckOptions { locale: Some("zh-cn".into()), is_source_file: false, source_expected: true, ..Default::default() };
        let alone = engine::check(&parsed, None, &Settings::default(), zh.clone());
        check_ranges(&alone, &text, None)?;
        let source = parse(&english).unwrap();
        let paired = engine::check(&parsed, Some(&source), &Settings::default(), zh);
        check_ranges(&paired, &text, Some(&english))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Long documents are aligned in a band: a long document checked against itself still has
    /// no drift, and its findings stay inside the file.
    #[test]
    fn a_long_document_checked_against_itself_has_no_drift(
        blocks in proptest::collection::vec(block(), 250..400)
    ) {
        let anchors: Vec<String> = ANCHORS.iter().map(|a| format!("<a name=\"{a}\"> </a>")).collect();
        let text = blocks.join("\n\n") + "\n\n" + &anchors.join("\n\n") + "\n";
        let parsed = parse(&text).unwrap();
        let diagnostics = engine::check(&parsed, Some(&parsed), &Settings::default(), options());
        let drift: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| PAIR_CODES.contains(&d.code))
            .collect();
        prop_assert!(drift.is_empty(), "self-check reported drift: {:#?}", drift);
        check_ranges(&diagnostics, &text, Some(&text))?;
    }
}
