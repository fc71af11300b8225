//! Side-by-side segments and the whole file analysis: segments are in order and inside the
//! text, and views map back into the file.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use locdrift::analysis::Parsed;
use locdrift::document::Document;
use locdrift::markdown::sxs;

fuzz_target!(|text: &str| {
    if let Ok(segments) = sxs::parse(text) {
        let mut previous_end = 0;
        for segment in &segments {
            assert!(segment.open_tag.start >= previous_end);
            assert!(text.get(segment.open_tag.clone()).is_some());
            assert!(text.get(segment.target.clone()).is_some());
            assert!(text.get(segment.tail.clone()).is_some());
            if let Some(source) = &segment.source {
                assert!(text.get(source.clone()).is_some());
            }
            previous_end = segment.tail.end;
        }
    }
    let document = Arc::new(Document::new("fuzz.md", text));
    if let Ok(parsed) = Parsed::new(document.clone()) {
        for view in std::iter::once(&parsed.target).chain(parsed.embedded()) {
            for block in &view.blocks {
                assert!(view.text().get(block.range.clone()).is_some());
                let original = view.original(block.range.clone());
                assert!(document.text.get(original).is_some());
            }
        }
    }
});
