//! LD3xx: language rules (untranslated text, machine translation, stale terms). They read the
//! rulebooks under `rules/`.
pub mod machine_translation;
pub mod no_loc_violation;
pub mod stale_term;
pub mod untranslated;
