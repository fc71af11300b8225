//! Side-by-side segments and the whole file analysis: segments are in order and inside the
//! text, views map back into the file, and the embedded English's block ranges derived from
//! the translation's parse are those of parsing it.
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
        // The embedded English's block ranges, derived from the translation's parse when no
        // segment can change the structure, must be those of parsing it: asked for before the
        // full parse, which they would otherwise be copied from.
        let ranges = parsed.embedded_ranges().map(|ranges| ranges.blocks.clone());
        let parsed_ranges = parsed.embedded().map(|view| {
            view.blocks
                .iter()
                .map(|block| block.range.clone())
                .collect::<Vec<_>>()
        });
        assert_eq!(ranges, parsed_ranges);
        for view in std::iter::once(&parsed.target).chain(parsed.embedded()) {
            for block in &view.blocks {
                assert!(view.text().get(block.range.clone()).is_some());
                let original = view.original(block.range.clone());
                assert!(document.text.get(original).is_some());
            }
        }
    }
});
