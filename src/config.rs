//! `locdrift.toml`: the project's settings, so that `locdrift check` needs no arguments.
//!
//! ```toml
//! source = "en-us"                    # the English sources: a folder (or a file)
//! translations = ["zh-cn", "ja-jp"]   # folders or files to check
//! # or, for a layout like docs/<locale>/articles/…:
//! # pattern = "docs/{locale}/articles/**/*.md"
//! # source-locale = "en-us"           # the default
//! # locales = ["zh-cn", "ja-jp"]      # default: every locale folder found
//! select = ["ALL"]
//! ignore = ["LD302"]
//! exclude = ["**/includes/**"]
//! rulebooks = ["terms/contoso.toml"]
//! fail-on = "error"
//!
//! [severity]
//! LD301 = "error"
//! machine-translation = "off"
//!
//! [[per-path]]
//! paths = ["zh-cn/legacy/**"]
//! ignore = ["LD301"]
//! ```
//!
//! Every key is optional; unknown keys are errors. Paths are relative to the file. This module
//! reads the text only; finding the file and resolving paths is the command line's job.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::engine::selector_matches;
use crate::rules::registry;

/// The file name looked for.
pub const FILE_NAME: &str = "locdrift.toml";

/// The parsed file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// The English sources: a folder whose files pair with translations of the same relative
    /// path, or one file.
    pub source: Option<String>,
    /// Translations to check: folders or files.
    pub translations: Option<Vec<String>>,
    /// A path pattern with `{locale}`: the folder before it holds one folder per locale, the
    /// glob after it selects the files in each.
    pub pattern: Option<String>,
    /// The locale folder of the sources, with `pattern`. Default `en-us`.
    pub source_locale: Option<String>,
    /// The locale folders to check, with `pattern`. Default: every folder there named like a
    /// locale, less the source locale.
    pub locales: Option<Vec<String>>,
    /// Files never read, sources or translations: globs relative to the config file.
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Rules to run: codes, code prefixes or names (`ALL`). Default: all.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules not to run.
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Extra rulebooks (TOML).
    pub rulebooks: Option<Vec<String>>,
    /// The lowest severity that fails the run: `error`, `warning`, `info` or `never`.
    pub fail_on: Option<FailOnLevel>,
    /// The translations' locale when neither front matter nor folder names it.
    pub locale: Option<String>,
    /// Severity overrides by rule code, prefix or name; `off` turns a rule off.
    pub severity: Option<BTreeMap<Spanned<String>, Level>>,
    /// Rules ignored in some files.
    pub per_path: Option<Vec<PerPath>>,
}

/// `[[per-path]]`: rules ignored in the files its globs match (relative to the config file).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PerPath {
    pub paths: Vec<Spanned<String>>,
    pub ignore: Vec<Spanned<String>>,
}

/// A severity override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// `fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOnLevel {
    Error,
    Warning,
    Info,
    Never,
}

/// A configuration error, with the line and column it is at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn error_at(text: &str, span: Option<Range<usize>>, message: impl Into<String>) -> ConfigError {
    let offset = span.map_or(0, |s| s.start).min(text.len());
    let before = &text[..crate::document::floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    ConfigError {
        line,
        column,
        message: message.into(),
    }
}

/// Checks a rule selector (a code, a code prefix, a name or `ALL`) wherever it comes from: this
/// file, `--select` and `--ignore`. A selector that names no rule is a mistake, not a way to
/// select nothing: a misspelt `--select` in a CI workflow would otherwise turn the gate off.
pub fn check_rule_selector(selector: &str) -> Result<(), String> {
    let known = registry::RULES
        .iter()
        .any(|rule| selector_matches(selector, rule.info()));
    if known {
        Ok(())
    } else {
        Err(format!(
            "`{selector}` names no rule (`locdrift rules` lists them)"
        ))
    }
}

/// Checks that a locale is a well-formed tag (`zh-cn`, `ja`, `zh-Hant-TW`, `pt_BR`): a language
/// of two or three letters, then subtags of letters and digits. A locale with no rulebook is
/// fine; `zh cn` is a typo that would silence LD003 and apply no rulebook.
pub fn check_locale(locale: &str) -> Result<(), String> {
    let mut subtags = locale.split(['-', '_']);
    let language = subtags.next().unwrap_or_default();
    let well_formed = (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "`{locale}` is not a locale tag (such as `zh-cn` or `ja-jp`)"
        ))
    }
}

fn check_selector(text: &str, selector: &Spanned<String>) -> Result<(), ConfigError> {
    check_rule_selector(selector.get_ref())
        .map_err(|message| error_at(text, Some(selector.span()), message))
}

impl Config {
    /// Parses and validates a configuration file's text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|error| {
            error_at(text, error.span(), error.message().trim_end().to_string())
        })?;
        let selectors = config
            .select
            .iter()
            .chain(&config.ignore)
            .flatten()
            .chain(config.per_path.iter().flatten().flat_map(|p| &p.ignore))
            .chain(config.severity.iter().flat_map(|s| s.keys()));
        for selector in selectors {
            check_selector(text, selector)?;
        }
        for per_path in config.per_path.iter().flatten() {
            if per_path.paths.is_empty() {
                return Err(error_at(text, None, "a `[[per-path]]` has no `paths`"));
            }
        }
        let globs = config
            .per_path
            .iter()
            .flatten()
            .flat_map(|p| &p.paths)
            .chain(config.exclude.iter().flatten());
        for glob in globs {
            if let Err(error) = globset::Glob::new(glob.get_ref()) {
                return Err(error_at(
                    text,
                    Some(glob.span()),
                    format!("`{}` is not a valid glob: {}", glob.get_ref(), error.kind()),
                ));
            }
        }
        if let Some(pattern) = &config.pattern {
            if !pattern.contains("{locale}") {
                return Err(error_at(
                    text,
                    None,
                    format!("`pattern = \"{pattern}\"` has no `{{locale}}`"),
                ));
            }
            if config.source.is_some() || config.translations.is_some() {
                return Err(error_at(
                    text,
                    None,
                    "`pattern` replaces `source` and `translations`: give one or the other",
                ));
            }
        }
        Ok(config)
    }

    /// The severity overrides as (code, severity or off), in file order of their keys. A
    /// prefix or `ALL` applies to every rule it matches; a later, more specific key wins because
    /// keys are applied from the least to the most specific.
    pub fn severity_overrides(&self) -> Vec<(&'static str, Option<Severity>)> {
        let mut keys: Vec<(&Spanned<String>, &Level)> = self.severity.iter().flatten().collect();
        // `ALL` first, then prefixes by length, then full codes and names.
        keys.sort_by_key(|(key, _)| {
            let key = key.get_ref();
            if key.eq_ignore_ascii_case("ALL") {
                0
            } else if registry::find(key).is_some() {
                usize::MAX
            } else {
                key.len()
            }
        });
        let mut overrides: BTreeMap<&'static str, Option<Severity>> = BTreeMap::new();
        for (key, level) in keys {
            for rule in registry::RULES {
                if selector_matches(key.get_ref(), rule.info()) {
                    overrides.insert(rule.info().code, level.severity());
                }
            }
        }
        overrides.into_iter().collect()
    }
}

/// The starter file `locdrift init` writes. `source` and `translations` are filled in when the
/// folder holds locale folders; the rest is commented out with the defaults.
pub fn starter(source: Option<&str>, translations: &[String]) -> String {
    let layout = match source {
        Some(source) if !translations.is_empty() => {
            let list = translations
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "# The English sources: a folder whose files pair with translations of the same\n\
                 # relative path (or the same `ms.assetid`).\n\
                 source = \"{source}\"\n\
                 # The translations to check: folders or files.\n\
                 translations = [{list}]\n"
            )
        }
        _ => "# The English sources: a folder whose files pair with translations of the same\n\
              # relative path (or the same `ms.assetid`).\n\
              # source = \"en-us\"\n\
              # The translations to check: folders or files.\n\
              # translations = [\"zh-cn\", \"ja-jp\"]\n"
            .to_string(),
    };
    format!(
        "# locdrift configuration. Paths are relative to this file; command-line options override\n\
         # what is set here. `locdrift rules` lists the rule codes and names.\n\
         \n\
         {layout}\
         \n\
         # Or, for a layout like docs/<locale>/articles/…, instead of the two keys above:\n\
         # pattern = \"docs/{{locale}}/articles/**/*.md\"\n\
         # source-locale = \"en-us\"\n\
         # locales = [\"zh-cn\", \"ja-jp\"]   # default: every locale folder found\n\
         \n\
         # Rules to run and to skip: codes (LD101), code prefixes (LD1) or names (host-drift).\n\
         # select = [\"ALL\"]\n\
         # ignore = [\"LD302\"]\n\
         \n\
         # Files never checked, sources or translations (globs relative to this file).\n\
         # exclude = [\"**/includes/**\"]\n\
         \n\
         # Extra rulebooks of terms (TOML), as with `--rules`.\n\
         # rulebooks = [\"rules/terms.toml\"]\n\
         \n\
         # The lowest severity that makes the exit status 1: error, warning, info or never.\n\
         # fail-on = \"error\"\n\
         \n\
         # Severity overrides: error, warning, info, or off.\n\
         [severity]\n\
         # LD301 = \"error\"\n\
         # machine-translation = \"off\"\n\
         \n\
         # Rules ignored in some files (globs relative to this file).\n\
         # [[per-path]]\n\
         # paths = [\"zh-cn/legacy/**\"]\n\
         # ignore = [\"LD301\"]\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses() {
        let config = Config::parse(
            "source = \"en-us\"\ntranslations = [\"zh-cn\"]\nselect = [\"LD1\", \"untranslated\"]\nignore = [\"LD302\"]\nrulebooks = [\"a.toml\"]\nexclude = [\"**/x.md\"]\nfail-on = \"warning\"\nlocale = \"zh-cn\"\n[severity]\nLD3 = \"info\"\nLD301 = \"error\"\nmachine-translation = \"off\"\n[[per-path]]\npaths = [\"zh-cn/legacy/**\"]\nignore = [\"LD301\"]\n",
        )
        .unwrap();
        assert_eq!(config.fail_on, Some(FailOnLevel::Warning));
        let overrides = config.severity_overrides();
        assert!(overrides.contains(&("LD301", Some(Severity::Error))));
        assert!(overrides.contains(&("LD302", None)));
        assert!(overrides.contains(&("LD303", Some(Severity::Info))));
    }

    #[test]
    fn unknown_keys_and_rules_name_their_line() {
        let error = Config::parse("source = \"en-us\"\nslect = [\"LD1\"]\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 1));
        assert!(error.message.contains("unknown field `slect`"), "{error}");
        let error = Config::parse("ignore = [\"LD101\",\n  \"LD999\"]\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        assert!(error.message.contains("`LD999` names no rule"), "{error}");
        let error = Config::parse("[severity]\nLD101 = \"loud\"\n").unwrap_err();
        assert_eq!(error.line, 2);
    }

    #[test]
    fn locales_must_be_well_formed_tags() {
        for good in ["zh-cn", "ja", "xx", "zh-Hant-TW", "pt_BR", "es-419"] {
            assert_eq!(check_locale(good), Ok(()), "{good}");
        }
        for bad in ["zh cn", "", "z", "zh-", "chinese", "zh-cn.", "-cn"] {
            assert!(check_locale(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_starter_file_parses() {
        Config::parse(&starter(None, &[])).unwrap();
        let config = Config::parse(&starter(Some("en-us"), &["zh-cn".into()])).unwrap();
        assert_eq!(config.source.as_deref(), Some("en-us"));
    }
}
