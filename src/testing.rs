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
