//! Rulebooks: the data behind the language rules (renamed terms, retired hosts, terms that must
//! not be translated), as TOML. The built-in books under `rules/` are embedded in the binary;
//! users add their own with `--rules FILE`.
//!
//! ```toml
//! locale = "zh-cn"          # or "*" for every locale, "en" for English sources
//!
//! [[stale-term]]
//! term = "Office 365 门户"
//! replacement = "Microsoft 365 管理中心"
//! note = "the Office 365 portal was renamed Microsoft 365 admin center in 2020"
//!
//! [do-not-translate]
//! terms = ["Skype for Business"]
//!
//! [[localized-name]]       # the official name of a do-not-translate term in this locale
//! term = "Skype for Business"
//! name = "商務用 Skype"
//!
//! [links]
//! # Locale segments that a translation may rewrite (or drop, `to = ""`) in links (LD104).
//! locale-rewrites = [{ from = "en-us", to = "zh-cn" }]
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::error::Error;

/// The rulebooks that ship with locdrift, by file name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("rules/hosts.toml", include_str!("../rules/hosts.toml")),
    ("rules/en.toml", include_str!("../rules/en.toml")),
    ("rules/zh-cn.toml", include_str!("../rules/zh-cn.toml")),
    ("rules/zh-tw.toml", include_str!("../rules/zh-tw.toml")),
    ("rules/ja-jp.toml", include_str!("../rules/ja-jp.toml")),
    ("rules/de-de.toml", include_str!("../rules/de-de.toml")),
    ("rules/fr-fr.toml", include_str!("../rules/fr-fr.toml")),
    (
        "rules/do-not-translate.toml",
        include_str!("../rules/do-not-translate.toml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Book {
    locale: String,
    #[serde(default)]
    stale_term: Vec<BookTerm>,
    #[serde(default)]
    do_not_translate: Option<DoNotTranslate>,
    #[serde(default)]
    links: Option<Links>,
    #[serde(default)]
    localized_name: Vec<BookLocalizedName>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookLocalizedName {
    term: String,
    name: String,
}

/// The official name of a do-not-translate term in one locale: Microsoft calls Skype for
/// Business `商務用 Skype` in Traditional Chinese. LD304 accepts it for the term.
#[derive(Debug, Clone)]
pub struct LocalizedName {
    pub locale: String,
    pub term: String,
    pub name: String,
}

impl LocalizedName {
    pub fn applies_to(&self, locale: Option<&str>) -> bool {
        applies(&self.locale, locale)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Links {
    #[serde(default)]
    locale_rewrites: Vec<BookRewrite>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookRewrite {
    from: String,
    to: String,
}

/// A locale segment that translations of `locale` may rewrite in link destinations:
/// `/en-us/` → `/zh-cn/`, or drop when `to` is empty.
#[derive(Debug, Clone)]
pub struct LocaleRewrite {
    /// A locale (`zh-cn`), a language (`zh`), or `*`.
    pub locale: String,
    pub from: String,
    pub to: String,
    pub book: String,
}

impl LocaleRewrite {
    /// Whether the rewrite applies to a file of this locale.
    pub fn applies_to(&self, locale: Option<&str>) -> bool {
        applies(&self.locale, locale)
    }
}

fn applies(book_locale: &str, locale: Option<&str>) -> bool {
    if book_locale == "*" {
        return true;
    }
    let Some(locale) = locale else { return false };
    let locale = locale.to_ascii_lowercase();
    locale == book_locale || locale.split(['-', '_']).next() == Some(book_locale)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct BookTerm {
    term: String,
    replacement: String,
    note: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DoNotTranslate {
    terms: Vec<String>,
}

/// A renamed or retired term and what replaces it.
#[derive(Debug, Clone)]
pub struct StaleTerm {
    /// A locale (`zh-cn`), a language (`en`), or `*`.
    pub locale: String,
    pub term: String,
    pub replacement: String,
    pub note: Option<String>,
    pub case_sensitive: bool,
    /// The rulebook it came from, for messages.
    pub book: String,
}

impl StaleTerm {
    /// Whether the term applies to a file of this locale (`None`: unknown, only `*` terms).
    pub fn applies_to(&self, locale: Option<&str>) -> bool {
        applies(&self.locale, locale)
    }
}

/// All rulebook data of a run.
#[derive(Debug, Clone, Default)]
pub struct RuleData {
    pub stale_terms: Vec<StaleTerm>,
    pub do_not_translate: Vec<String>,
    pub locale_rewrites: Vec<LocaleRewrite>,
    pub localized_names: Vec<LocalizedName>,
}

impl RuleData {
    /// The built-in rulebooks.
    pub fn built_in() -> RuleData {
        let mut data = RuleData::default();
        for (name, text) in BUILT_IN {
            data.add(name, text)
                .expect("built-in rulebooks are valid (tested)");
        }
        data
    }

    /// Adds a rulebook's entries.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let book: Book = toml::from_str(text).map_err(|error| Error::Rulebook {
            path: Path::new(name).to_path_buf(),
            message: error.to_string().trim_end().to_string(),
        })?;
        let locale = book.locale.to_ascii_lowercase();
        for term in book.stale_term {
            if term.term.trim().is_empty() {
                return Err(Error::Rulebook {
                    path: Path::new(name).to_path_buf(),
                    message: "a `stale-term` has an empty `term`".into(),
                });
            }
            self.stale_terms.push(StaleTerm {
                locale: locale.clone(),
                term: term.term,
                replacement: term.replacement,
                note: term.note,
                case_sensitive: term.case_sensitive,
                book: name.to_string(),
            });
        }
        if let Some(list) = book.do_not_translate {
            self.do_not_translate.extend(list.terms);
        }
        for entry in book.localized_name {
            if entry.term.trim().is_empty() || entry.name.trim().is_empty() {
                return Err(Error::Rulebook {
                    path: Path::new(name).to_path_buf(),
                    message: "a `localized-name` has an empty `term` or `name`".into(),
                });
            }
            self.localized_names.push(LocalizedName {
                locale: locale.clone(),
                term: entry.term,
                name: entry.name,
            });
        }
        for rewrite in book
            .links
            .map(|links| links.locale_rewrites)
            .unwrap_or_default()
        {
            if rewrite.from.trim().is_empty() {
                return Err(Error::Rulebook {
                    path: Path::new(name).to_path_buf(),
                    message: "a `links.locale-rewrites` entry has an empty `from`".into(),
                });
            }
            self.locale_rewrites.push(LocaleRewrite {
                locale: locale.clone(),
                from: rewrite.from.to_ascii_lowercase(),
                to: rewrite.to.to_ascii_lowercase(),
                book: name.to_string(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_books_load() {
        let data = RuleData::built_in();
        assert!(data.stale_terms.iter().any(|t| t.term == "Office 365 门户"));
        assert!(
            data.stale_terms
                .iter()
                .any(|t| t.term == "sipdir.online.microsoft.com")
        );
    }

    #[test]
    fn locale_rewrites_load_per_locale() {
        let data = RuleData::built_in();
        let zh_cn: Vec<_> = data
            .locale_rewrites
            .iter()
            .filter(|r| r.applies_to(Some("zh-CN")))
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(zh_cn, [("en-us", "zh-cn"), ("en-us", "")]);
        let error = RuleData::default()
            .add(
                "x.toml",
                "locale = \"fr\"\n[links]\nlocale-rewrites = [{ from = \"en-us\" }]\n",
            )
            .unwrap_err();
        assert!(error.to_string().contains("x.toml"), "{error}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let error = RuleData::default()
            .add("x.toml", "locale = \"en\"\nterms = 1\n")
            .unwrap_err();
        assert!(error.to_string().contains("x.toml"), "{error}");
    }
}
