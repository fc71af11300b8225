//! `--source-repo`: the English a translation was made from, read from git at the commit its
//! front matter records.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::analysis::Parsed;
use crate::cli::git::Repo;
use crate::document::Document;
use crate::revisions::Handoff;

/// Reads and caches the English at hand-off commits: translations in many locales record the
/// same commit of the same source.
pub struct Handoffs {
    repo: Repo,
    cache: Mutex<HashMap<(String, String), Arc<Handoff>>>,
}

impl Handoffs {
    pub fn new(repo: Repo) -> Handoffs {
        Handoffs {
            repo,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The hand-off English of a translation paired with `source`, or `None` when the
    /// translation records no commit.
    pub fn for_translation(&self, translation: &Parsed, source: &Path) -> Option<Arc<Handoff>> {
        let commit = translation.meta("ms.sourcegitcommit")?.trim().to_string();
        if commit.is_empty() {
            return None;
        }
        let relative = match self.repo.relative(source) {
            Ok(relative) => relative,
            Err(error) => {
                return Some(Arc::new(Handoff::Missing {
                    commit,
                    reason: format!("{error:#}"),
                }));
            }
        };
        let key = (commit.clone(), relative.clone());
        if let Some(found) = self.cache.lock().ok()?.get(&key) {
            return Some(found.clone());
        }
        let handoff = match self.repo.show(&commit, &relative) {
            Ok(text) => {
                let name = format!("{relative}@{}", &commit[..commit.len().min(12)]);
                match Parsed::new(Arc::new(Document::new(name, text))) {
                    Ok(old) => Handoff::Found {
                        commit,
                        old: Arc::new(old),
                    },
                    Err(error) => Handoff::Missing {
                        commit,
                        reason: format!("`{relative}` at that commit is malformed: {error}"),
                    },
                }
            }
            Err(error) => Handoff::Missing {
                commit,
                reason: format!("`{relative}`: {error}"),
            },
        };
        let handoff = Arc::new(handoff);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, handoff.clone());
        }
        Some(handoff)
    }
}
