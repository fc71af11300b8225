//! The Markdown block model: every range of every block lies on char boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use locdrift::markdown::parse_blocks;

fuzz_target!(|text: &str| {
    for block in parse_blocks(text) {
        let inside = |range: &std::ops::Range<usize>| text.get(range.clone()).is_some();
        assert!(inside(&block.range));
        assert!(block.text_runs.iter().all(inside));
        assert!(block.code_spans.iter().all(inside));
        assert!(block.html_tags.iter().all(inside));
        assert!(block.strong.iter().all(inside));
        let _ = block.prose(text);
    }
});
