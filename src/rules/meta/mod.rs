//! LD0xx: findings about the check itself rather than the text.
pub mod missing_source;
pub mod unknown_locale;
pub mod unused_suppression;
