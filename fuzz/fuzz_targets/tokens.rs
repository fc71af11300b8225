//! The token scanner: tokens are in order, inside the text, and normalize without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use locdrift::markdown::tokens;

fuzz_target!(|text: &str| {
    for token in tokens::scan(text) {
        let value = text
            .get(token.range.clone())
            .expect("token on char boundaries");
        let _ = tokens::normalize(token.kind, value);
        let _ = tokens::is_host(value);
    }
});
