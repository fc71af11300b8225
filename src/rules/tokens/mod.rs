//! LD1xx: language-neutral tokens that a translation must carry over unchanged.
pub mod code_drift;
pub mod host_drift;
pub mod link_drift;
pub mod number_drift;
pub mod placeholder_drift;
