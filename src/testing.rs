//! Strategies shared by the property tests.

use proptest::prelude::*;

/// Texts made of up to `max` pieces: mostly from `pieces` (the syntax a function under test
/// cares about), sometimes any character.
pub(crate) fn text_of(
    pieces: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|pieces| pieces.concat())
}

/// The findings of rule `code` when `target`, a zh-cn translation, is checked against `source`
/// with the default settings.
pub(crate) fn findings_of(
    code: &str,
    source: &str,
    target: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    findings_in("zh-cn", code, source, target)
}

/// [`findings_of`] for a translation into `locale`.
pub(crate) fn findings_in(
    locale: &str,
    code: &str,
    source: &str,
    target: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::analysis::Parsed;
    use crate::document::Document;
    use crate::engine::{CheckOptions, Settings, check};
    let parse = |path: &str, text: &str| {
        Parsed::new(std::sync::Arc::new(Document::new(path, text))).expect("parses")
    };
    let options = CheckOptions {
        locale: Some(locale.into()),
        source_expected: true,
        ..CheckOptions::default()
    };
    let (source, target) = (parse("en.md", source), parse("zh.md", target));
    check(&target, Some(&source), &Settings::default(), options)
        .into_iter()
        .filter(|d| d.code == code)
        .collect()
}
