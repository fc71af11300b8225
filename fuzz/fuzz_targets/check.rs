//! A whole check of arbitrary (source, translation) pairs: the input is split at its first NUL
//! byte. Every finding's labels and fixes lie on char boundaries of their file, and both output
//! formats render.
#![no_main]

use std::sync::Arc;

use codespan_reporting::term::termcolor::NoColor;
use libfuzzer_sys::fuzz_target;
use locdrift::analysis::Parsed;
use locdrift::diagnostic::FileSide;
use locdrift::document::Document;
use locdrift::emit::{FileReport, json, text};
use locdrift::engine::{self, CheckOptions, Settings};

fn parsed(path: &str, bytes: &[u8]) -> Option<Parsed> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    Parsed::new(Arc::new(Document::new(path, text))).ok()
}

fuzz_target!(|data: &[u8]| {
    let (source, target) = match data.iter().position(|&b| b == 0) {
        Some(split) => (Some(&data[..split]), &data[split + 1..]),
        None => (None, data),
    };
    let Some(target) = parsed("zh-cn/a.md", target) else {
        return;
    };
    let source = source.and_then(|bytes| parsed("en-us/a.md", bytes));
    let settings = Settings::default();
    let options = CheckOptions {
        locale: Some("zh-cn".into()),
        is_source_file: false,
        source_expected: true,
        ..Default::default()
    };
    let diagnostics = engine::check(&target, source.as_ref(), &settings, options);
    let report = FileReport {
        target: target.document.clone(),
        source: source.as_ref().map(|s| s.document.clone()),
        diagnostics,
        diff: None,
    };
    for diagnostic in &report.diagnostics {
        let primary = &diagnostic.primary;
        assert_eq!(primary.file, FileSide::Target);
        assert!(
            report.target.text.get(primary.range.clone()).is_some(),
            "{} primary {:?}",
            diagnostic.code,
            primary.range
        );
        for label in &diagnostic.secondary {
            assert!(
                report
                    .document(label.file)
                    .text
                    .get(label.range.clone())
                    .is_some(),
                "{} secondary {:?}",
                diagnostic.code,
                label.range
            );
        }
        if let Some(fix) = &diagnostic.fix {
            assert!(report.target.text.get(fix.range.clone()).is_some());
        }
    }
    let _ = json::to_array(std::slice::from_ref(&report));
    let mut out = NoColor::new(Vec::new());
    text::render(&report, &mut out).expect("rendering to memory");
});
