//! `--format sarif`: one SARIF 2.1.0 log with one run, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! - `tool.driver.rules` lists every rule of the catalogue (not only those that fired), so a
//!   result's `ruleIndex` is the rule's place in `locdrift rules`. Each rule carries its
//!   `explain` text as `help` (Markdown and text) and its default severity as
//!   `defaultConfiguration.level` (`error`, `warning`, `note` for info).
//! - A result's `level` is the finding's severity, which configuration may have changed.
//! - `locations[0]` is the span in the checked file; `relatedLocations` are its secondary
//!   labels (the English it disagrees with, in the `--source` file or, for a side-by-side file,
//!   in the file itself).
//! - Paths are URIs relative to the working directory (so run locdrift from the repository
//!   root for code scanning), percent-encoded; a file outside the working directory gets an
//!   absolute `file://` URI.
//! - Columns count Unicode code points, like every locdrift column, and the run says so with
//!   `columnKind: unicodeCodePoints` (SARIF's default, and GitHub's assumption, is UTF-16 code
//!   units). `endColumn` is exclusive, as SARIF defines it.
//! - `partialFingerprints["locdrift/v1"]` hashes the rule, the path and the text the finding
//!   points at (with an occurrence number for repeats), not the line, so a finding keeps its
//!   identity when lines are added above it.
//! - A finding with a fix carries it in `fixes`, with `properties.applicability` `safe` or
//!   `unsafe`.
//! - `invocations[0]` says whether every file could be checked (`executionSuccessful`); each
//!   file that could not (unreadable, not UTF-8, too large, a malformed side-by-side file) is a
//!   `toolExecutionNotifications` entry of level `error` with the file as its location, so a
//!   CI run that exits 2 shows why in the SARIF viewer too.

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{
    Failure, FileReport, RunWriter, Spool, relative_path, render_run, rule_summary, what_it_does,
};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::document::Document;
use crate::engine;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The project's address: `package.repository` or `homepage` of Cargo.toml, else its crates.io
/// page.
fn information_uri() -> &'static str {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
        .unwrap_or("https://crates.io/crates/locdrift")
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<FileLocation>,
}

/// A location that is a whole file, without a region.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileLocation {
    physical_location: FileOnly,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOnly {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: MarkdownText,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct MarkdownText {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    since: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

/// SARIF's name for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The rule family a code belongs to, as a tag.
fn family(code: &str) -> &'static str {
    match code.as_bytes().get(2) {
        Some(b'0') => "meta",
        Some(b'1') => "tokens",
        Some(b'2') => "markup",
        Some(b'3') => "language",
        Some(b'4') => "revisions",
        _ => "other",
    }
}

fn descriptor(info: &'static crate::rules::RuleInfo) -> ReportingDescriptor {
    let docs = info.markdown();
    let markdown = format!("# {} ({})\n\n{docs}", info.name, info.code);
    ReportingDescriptor {
        id: info.code,
        name: info.name,
        short_description: Text {
            text: rule_summary(info),
        },
        full_description: Text {
            text: what_it_does(info),
        },
        help: MarkdownText {
            text: markdown.clone(),
            markdown,
        },
        default_configuration: Configuration {
            level: level(info.severity),
        },
        properties: RuleProperties {
            tags: vec!["translation", family(info.code)],
            since: info.since,
        },
    }
}

/// A path as a URI reference: relative paths percent-encoded, others as `file://` URIs.
pub fn path_uri(path: &str, working_dir: Option<&Path>) -> String {
    let relative = relative_path(path, working_dir);
    let encoded = percent_encode(&relative.replace('\\', "/"));
    if relative.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn region(document: &Document, range: Range<usize>, snippet: bool) -> Region {
    let start = document.line_column(range.start);
    let end = document.line_column(range.end);
    // Labels lie on char boundaries; a range that did not would lose its snippet, not panic.
    let text = document.text.get(range).unwrap_or_default();
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
        snippet: (snippet && !text.is_empty()).then(|| Text {
            text: text.to_string(),
        }),
    }
}

fn result(
    report: &FileReport,
    diagnostic: &Diagnostic,
    rule_index: Option<usize>,
    working_dir: Option<&Path>,
    occurrences: &mut HashMap<u64, usize>,
) -> SarifResult {
    let document = report.document(diagnostic.primary.file);
    let uri = path_uri(&document.path, working_dir);
    let primary_range = diagnostic.primary.range.clone();
    let message = |text: &str| (!text.is_empty()).then(|| Text { text: text.into() });
    let location = Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri.clone() },
            region: region(document, primary_range.clone(), true),
        },
        message: message(&diagnostic.primary.message),
    };
    let related_locations = diagnostic
        .secondary
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let document = report.document(label.file);
            Location {
                id: Some(index + 1),
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: path_uri(&document.path, working_dir),
                    },
                    region: region(document, label.range.clone(), true),
                },
                message: message(&label.message),
            }
        })
        .collect();

    let identity = crate::fingerprint::identity_text(&document.text, diagnostic);
    let key = crate::fingerprint::fnv1a(&[diagnostic.code, &uri, &identity]);
    let occurrence = occurrences.entry(key).or_insert(0);
    *occurrence += 1;
    let fingerprint = format!("{key:016x}:{occurrence}");

    let fixes = diagnostic
        .fix
        .iter()
        .map(|fix| SarifFix {
            description: Text {
                text: diagnostic
                    .help
                    .clone()
                    .unwrap_or_else(|| format!("Replace with `{}`", fix.replacement)),
            },
            artifact_changes: vec![ArtifactChange {
                artifact_location: ArtifactLocation { uri: uri.clone() },
                replacements: vec![Replacement {
                    deleted_region: region(document, fix.range.clone(), false),
                    inserted_content: Text {
                        text: fix.replacement.clone(),
                    },
                }],
            }],
            properties: FixProperties {
                applicability: match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                },
            },
        })
        .collect();

    let mut text = diagnostic.message.clone();
    for note in &diagnostic.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    SarifResult {
        rule_id: diagnostic.code,
        rule_index,
        level: level(diagnostic.severity),
        message: Text { text },
        locations: vec![location],
        related_locations,
        partial_fingerprints: HashMap::from([("locdrift/v1", fingerprint)]),
        fixes,
    }
}

/// How deep a result sits in the pretty-printed log (`runs[0].results[n]`), in spaces.
const RESULT_INDENT: &str = "        ";

/// The SARIF log of a run, pretty-printed, written file by file: each file's results are
/// rendered as its report arrives, and the log around them (the rules, the files not checked)
/// at the end. Paths are made relative to `working_dir`.
pub struct SarifWriter {
    working_dir: Option<PathBuf>,
    /// Each rule code's index in `tool.driver.rules`.
    index_of: HashMap<&'static str, usize>,
    /// The results so far, pretty-printed at their depth in the log, comma-separated.
    results: Spool,
    any: bool,
}

impl SarifWriter {
    pub fn new(working_dir: Option<&Path>) -> SarifWriter {
        SarifWriter {
            working_dir: working_dir.map(Path::to_path_buf),
            index_of: engine::rules()
                .enumerate()
                .map(|(index, rule)| (rule.info().code, index))
                .collect(),
            results: Spool::new(),
            any: false,
        }
    }
}

impl RunWriter for SarifWriter {
    fn add(&mut self, report: &FileReport) -> io::Result<()> {
        let mut occurrences = HashMap::new();
        for diagnostic in &report.diagnostics {
            // A finding of a code the catalogue does not list (none today) is still reported,
            // without a rule index.
            let result = result(
                report,
                diagnostic,
                self.index_of.get(diagnostic.code).copied(),
                self.working_dir.as_deref(),
                &mut occurrences,
            );
            let text = serde_json::to_string_pretty(&result).expect("a SARIF result serializes");
            self.results
                .write_all(if self.any { b",\n" } else { b"\n" })?;
            self.any = true;
            // A JSON text has no line break inside a string, so every line is indented.
            for (index, line) in text.lines().enumerate() {
                if index > 0 {
                    self.results.write_all(b"\n")?;
                }
                self.results.write_all(RESULT_INDENT.as_bytes())?;
                self.results.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        failures: &[Failure],
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let working_dir = self.working_dir.as_deref();
        let notifications = failures
            .iter()
            .map(|failure| Notification {
                level: "error",
                message: Text {
                    text: failure.message.clone(),
                },
                locations: failure
                    .path
                    .iter()
                    .map(|path| FileLocation {
                        physical_location: FileOnly {
                            artifact_location: ArtifactLocation {
                                uri: path_uri(path, working_dir),
                            },
                        },
                    })
                    .collect(),
            })
            .collect();
        let version = env!("CARGO_PKG_VERSION");
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "locdrift",
                        version,
                        semantic_version: version,
                        information_uri: information_uri(),
                        rules: engine::rules()
                            .map(|rule| descriptor(rule.info()))
                            .collect(),
                    },
                },
                invocations: vec![Invocation {
                    execution_successful: failures.is_empty(),
                    tool_execution_notifications: notifications,
                }],
                column_kind: "unicodeCodePoints",
                results: Vec::new(),
            }],
        };
        // The log with no results, and the results spliced into its empty array.
        let log = serde_json::to_string_pretty(&log).expect("SARIF serializes");
        let empty = "\"results\": []";
        let at = log.rfind(empty).expect("the log has a results array") + empty.len() - 1;
        out.write_all(&log.as_bytes()[..at])?;
        if self.any {
            self.results.copy_to(out)?;
            write!(out, "\n{}", &RESULT_INDENT[2..])?;
        }
        out.write_all(&log.as_bytes()[at..])?;
        out.write_all(b"\n")
    }
}

/// The SARIF log of a run, pretty-printed, and a line break. Paths are made relative to
/// `working_dir`.
pub fn render(reports: &[FileReport], failures: &[Failure], working_dir: Option<&Path>) -> String {
    render_run(Box::new(SarifWriter::new(working_dir)), reports, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        let cwd = Path::new("/repo");
        assert_eq!(path_uri("zh-cn/a b.md", Some(cwd)), "zh-cn/a%20b.md");
        assert_eq!(
            path_uri("/repo/zh-cn/网络.md", Some(cwd)),
            "zh-cn/%E7%BD%91%E7%BB%9C.md"
        );
        assert_eq!(path_uri("/tmp/x:y.md", Some(cwd)), "file:///tmp/x%3Ay.md");
    }

    #[test]
    fn fingerprint_hash_is_stable() {
        // FNV-1a of known input: a change here would re-open every finding in code scanning.
        use crate::fingerprint::fnv1a;
        assert_eq!(fnv1a(&["a"]), fnv1a(&["a"]));
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(format!("{:016x}", fnv1a(&["LD101"])), "768bd809f81101d8");
    }
}
