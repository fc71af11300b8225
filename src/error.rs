//! The library's errors: only failures a caller acts on. Findings are not errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rulebook that is not valid TOML or does not follow the schema.
    #[error("rulebook `{path}`: {message}")]
    Rulebook { path: PathBuf, message: String },
}
