//! Front matter: any text parses or is reported unclosed, with ranges inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use locdrift::markdown::frontmatter;

fuzz_target!(|text: &str| {
    match frontmatter::parse(text) {
        Ok(Some(front_matter)) => {
            assert!(text.get(front_matter.range.clone()).is_some());
            assert!(front_matter.body_start <= text.len());
            for entry in &front_matter.entries {
                assert!(text.get(entry.key_range.clone()).is_some());
                assert!(text.get(entry.value_range.clone()).is_some());
                for (_, range) in &entry.items {
                    assert!(text.get(range.clone()).is_some());
                }
            }
        }
        Ok(None) => {}
        Err(range) => assert!(text.get(range).is_some()),
    }
});
