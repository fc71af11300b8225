use std::cell::OnceCell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::align::is_locale_segment;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label, Severity};
use crate::markdown::model::{Block, Link};
use crate::rules::support::{
    Pool, examine_only, is_prose, key_hash, source_block_label, target_block_label,
};
use crate::rules::tokens::placeholder_drift::{Placeholder, is_xref, placeholders};
use crate::rules::{Context, JumpTargets, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports link and image targets of the source that are changed, missing or added in the
    /// aligned block of the translation: `https` turned into `http`, a locale segment such as
    /// `/en-us/` dropped, added or rewritten to a locale the rulebooks do not allow, a changed
    /// path or query. It also reports link syntax that machine translation breaks: a space
    /// between `]` and `(` (`[text] (url)`, which renders as plain text; safe fix: remove the
    /// space) and autolinks mangled into `<https:></https:>`.
    ///
    /// Which locale rewrites are allowed is rulebook data: the built-in books let `zh-cn`,
    /// `zh-tw` and `ja-jp` translations point `/en-us/` links at their own locale or drop the
    /// segment (`to = ""`, so that the site serves the reader's locale, as Microsoft's
    /// localization does), and a book passed with `--rules` can allow more:
    ///
    /// ```toml
    /// locale = "fr-fr"
    /// [links]
    /// locale-rewrites = [{ from = "en-us", to = "fr-fr" }, { from = "en-us", to = "" }]
    /// ```
    ///
    /// Other rules own parts of a link: the host of an absolute URL is `host-drift`'s (LD101),
    /// in-page links and fragments are `lost-anchor`'s (LD202), and `xref:` links and the links
    /// inside `[!INCLUDE[…](…)]` are `placeholder-drift`'s (LD105). A changed scheme and an
    /// added link are warnings; the rest are errors. A fix changes only what its finding names:
    /// the fix of a changed scheme keeps an allowed `/zh-cn/`, that of a locale segment keeps
    /// the scheme.
    ///
    /// ## Why is this bad?
    /// A changed link sends readers to the wrong page, to a 404, or to a page in a language the
    /// team did not choose; a split link is not a link at all.
    ///
    /// ## Example
    /// ```md en
    /// See [Read the job history](https://learn.contoso.com/en-us/backup/history).
    /// ```
    /// ```md zh-cn
    /// 请参阅[阅读作业历史记录] (http://learn.contoso.com/backup/history)。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 请参阅[阅读作业历史记录](https://learn.contoso.com/en-us/backup/history)。
    /// ```
    ///
    /// ## Known limitations
    /// URLs written as plain text (not links) are compared by host only, by LD101. Links of a
    /// block are paired in order once identical ones are set aside, so two links that swapped
    /// places and changed at once are reported against each other.
    pub struct LinkDrift;
    code = "LD104", name = "link-drift", severity = Error, since = "0.1.0"
}

/// `[text] (destination)`: a link that a space between `]` and `(` turned into text.
static SPLIT_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([^\[\]\n]+)\](\s+)\(([^()\s]+)\)").expect("split-link pattern is valid")
});
/// Autolink pieces that are not links: `<https:>`, `</https:>`, `<https: //x>`.
static MANGLED_AUTOLINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:https?|ftp|mailto):[^<>\n]*>").expect("autolink pattern is valid")
});

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// What the link rules other than this one own: in-page links (LD202), `xref:` links and the
/// links of includes (LD105).
struct Owned<'a, 'view> {
    own_names: HashSet<&'a str>,
    targets: &'a JumpTargets<'view>,
}

impl Owned<'_, '_> {
    /// `placeholders` are those of the link's block.
    fn is_other_rules(&self, link: &Link, placeholders: &[Placeholder]) -> bool {
        let destination = link.destination.trim();
        if is_xref(destination) {
            return true;
        }
        // Placeholders are in order and do not overlap: only the last to start at or before
        // the link can hold it.
        let before = placeholders.partition_point(|p| p.range.start <= link.range.start);
        if before > 0 && link.range.end <= placeholders[before - 1].range.end {
            return true;
        }
        let Some((path, fragment)) = destination.split_once('#') else {
            return destination.is_empty();
        };
        path.is_empty()
            || self.own_names.contains(file_name(path))
            || (!path.contains("://") && self.targets.contains_key(fragment))
    }
}

/// The placeholders of a block with links, which own the links inside them; a block without
/// links needs none.
fn links_placeholders(block: &Block, text: &str) -> Vec<Placeholder> {
    if block.links.is_empty() {
        Vec::new()
    } else {
        placeholders(block, text)
    }
}

fn normalize(destination: &str) -> String {
    destination.trim().replace("&amp;", "&")
}

/// A destination's scheme, host and the rest.
fn parts(destination: &str) -> (Option<&str>, Option<String>, &str) {
    match destination.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            (
                Some(scheme),
                Some(rest[..end].to_ascii_lowercase()),
                &rest[end..],
            )
        }
        None => (None, None, destination),
    }
}

/// The locale segments of a path, with their positions among the path's segments.
fn locale_segments(path: &str) -> Vec<(usize, String)> {
    path.split(['/', '?', '#'])
        .enumerate()
        .filter(|(_, part)| is_locale_segment(&part.to_ascii_lowercase()))
        .map(|(index, part)| (index, part.to_ascii_lowercase()))
        .collect()
}

/// A path with its locale segments removed.
fn without_locale(path: &str) -> String {
    path.split('/')
        .filter(|part| !is_locale_segment(&part.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join("/")
}

/// The keys of a target link for pairing: the kind of link, which pairing keeps, and what two
/// destinations that [`classify`] finds the same, only allowed to differ or differing in scheme
/// share: the path without its locale segments and the host (a link without one pairs with any
/// host); once with the host, once with any host.
fn pairing_keys(is_image: bool, destination: &str) -> [u64; 2] {
    let (_, host, rest) = parts(destination);
    let path = without_locale(rest);
    [
        key_hash((is_image, &path, Some(host))),
        key_hash((is_image, &path, None::<Option<String>>)),
    ]
}

/// The keys a source link looks its partner up by, among [`pairing_keys`]: its own host and
/// none, or (without a host) any.
fn partner_keys(is_image: bool, destination: &str, keys: &mut Vec<u64>) {
    let (_, host, rest) = parts(destination);
    let path = without_locale(rest);
    match host {
        Some(host) => keys.extend([
            key_hash((is_image, &path, Some(Some(host)))),
            key_hash((is_image, &path, Some(None::<String>))),
        ]),
        None => keys.push(key_hash((is_image, &path, None::<Option<String>>))),
    }
}

/// How a target destination differs from the source's.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    Same,
    /// Only allowed locale rewrites.
    Allowed,
    Host,
    Scheme {
        from: String,
        to: String,
    },
    LocaleDropped(String),
    LocaleAdded(String),
    LocaleChanged {
        from: String,
        to: String,
    },
    Other,
}

fn classify(source: &str, target: &str, allowed: &[(String, String)]) -> Change {
    if source == target {
        return Change::Same;
    }
    let (source_scheme, source_host, source_rest) = parts(source);
    let (target_scheme, target_host, target_rest) = parts(target);
    if source_host.is_some() && target_host.is_some() && source_host != target_host {
        return Change::Host;
    }
    if without_locale(source_rest) != without_locale(target_rest) {
        return Change::Other;
    }
    let source_locales = locale_segments(source_rest);
    let target_locales = locale_segments(target_rest);
    if source_locales != target_locales
        && let Some(change) = locale_change(&source_locales, &target_locales, allowed)
    {
        return change;
    }
    // The locale segments are the same or only allowed rewrites of the source's: a changed
    // scheme is then the one change, and its fix must keep the allowed rewrite.
    if let (Some(from), Some(to)) = (source_scheme, target_scheme)
        && !from.eq_ignore_ascii_case(to)
    {
        return Change::Scheme {
            from: from.to_string(),
            to: to.to_string(),
        };
    }
    Change::Allowed
}

/// The change of locale segments that the rulebooks do not allow, if any, between two paths
/// that are the same without them.
fn locale_change(
    source_locales: &[(usize, String)],
    target_locales: &[(usize, String)],
    allowed: &[(String, String)],
) -> Option<Change> {
    let is_allowed =
        |from: &str, to: &str| from == to || allowed.iter().any(|(f, t)| f == from && t == to);
    if source_locales.len() == target_locales.len() {
        let (from, to) = source_locales
            .iter()
            .zip(target_locales)
            .find(|(s, t)| !is_allowed(&s.1, &t.1))?;
        return Some(Change::LocaleChanged {
            from: from.1.clone(),
            to: to.1.clone(),
        });
    }
    if target_locales.len() < source_locales.len() {
        let dropped = source_locales
            .iter()
            .find(|s| !target_locales.iter().any(|t| t.1 == s.1));
        let dropped = dropped.map_or_else(String::new, |d| d.1.clone());
        // `to = ""`: the locale may drop the segment, so the site picks the reader's locale.
        return (!is_allowed(&dropped, "")).then_some(Change::LocaleDropped(dropped));
    }
    let added = target_locales
        .iter()
        .find(|t| !source_locales.iter().any(|s| s.1 == t.1));
    Some(Change::LocaleAdded(
        added.map_or_else(String::new, |a| a.1.clone()),
    ))
}

/// The target destination as written with only the reported change undone, so that a fix
/// keeps what the finding does not name (an allowed `/zh-cn/` when the scheme is reported, the
/// scheme when a locale segment is). `None` when the change cannot be undone alone.
fn undo_change(change: &Change, source_written: &str, target_written: &str) -> Option<String> {
    let (_, _, source_rest) = parts(source_written);
    let (_, _, target_rest) = parts(target_written);
    let target_head = &target_written[..target_written.len() - target_rest.len()];
    let is_segment = |part: &str, locale: &str| {
        part.eq_ignore_ascii_case(locale) && is_locale_segment(&part.to_ascii_lowercase())
    };
    let source_parts: Vec<&str> = source_rest.split('/').collect();
    let mut target_parts: Vec<&str> = target_rest.split('/').collect();
    match change {
        Change::Scheme { .. } => {
            let (source_scheme, _) = source_written.split_once("://")?;
            let (_, target_after) = target_written.split_once("://")?;
            return Some(format!("{}://{target_after}", source_scheme.trim_start()));
        }
        Change::LocaleChanged { from, to } => {
            // The paths are the same without their locale segments, which have the same
            // count: the segments line up.
            if source_parts.len() != target_parts.len() {
                return None;
            }
            let index = (0..source_parts.len())
                .find(|&i| is_segment(source_parts[i], from) && is_segment(target_parts[i], to))?;
            target_parts[index] = source_parts[index];
        }
        Change::LocaleDropped(locale) => {
            // Walk both paths: the first source segment that is the dropped locale where the
            // target has something else is where it goes back.
            let index = source_parts
                .iter()
                .zip(&target_parts)
                .position(|(s, t)| is_segment(s, locale) && !is_segment(t, locale));
            let index = index.or_else(|| {
                (source_parts.len() == target_parts.len() + 1
                    && is_segment(source_parts[target_parts.len()], locale))
                .then_some(target_parts.len())
            })?;
            target_parts.insert(index, source_parts[index]);
        }
        Change::LocaleAdded(locale) => {
            let index = target_parts.iter().position(|t| is_segment(t, locale))?;
            target_parts.remove(index);
        }
        Change::Same | Change::Allowed | Change::Host | Change::Other => return None,
    }
    Some(format!("{target_head}{}", target_parts.join("/")))
}

impl Rule for LinkDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (Some(reference), Some(reference_jump_targets)) =
            (cx.reference, cx.reference_jump_targets.as_ref())
        else {
            return;
        };
        if cx.is_source_file {
            return;
        }
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        let allowed: Vec<(String, String)> = cx
            .data
            .locale_rewrites
            .iter()
            .filter(|r| r.applies_to(cx.locale.as_deref()))
            .map(|r| (r.from.clone(), r.to.clone()))
            .collect();
        let own_names: HashSet<&str> = [
            Some(cx.target.document.path.as_str()),
            cx.source.map(|s| s.document.path.as_str()),
        ]
        .into_iter()
        .flatten()
        .map(file_name)
        .collect();
        let source_owned = Owned {
            own_names: own_names.clone(),
            targets: reference_jump_targets,
        };
        let target_owned = Owned {
            own_names,
            targets: &cx.target_jump_targets,
        };
        // Both made on first need: most blocks miss no link and add none.
        let whole_target = OnceCell::new();
        let whole_source = OnceCell::new();
        for (source, target) in cx.matched_blocks() {
            if !is_prose(source) || !is_prose(target) {
                continue;
            }
            let source_placeholders = links_placeholders(source, source_text);
            let source_links: Vec<&Link> = source
                .links
                .iter()
                .filter(|l| !source_owned.is_other_rules(l, &source_placeholders))
                .collect();
            // Broken syntax first: the links it hides are not also missing.
            let mut repaired: Vec<String> = Vec::new();
            self.split_links(cx, target, &source_links, &allowed, &mut repaired, out);
            self.mangled_autolinks(cx, target, &source_links, &mut repaired, out);
            let target_placeholders = links_placeholders(target, target_text);
            let target_links: Vec<&Link> = target
                .links
                .iter()
                .filter(|l| !target_owned.is_other_rules(l, &target_placeholders))
                .filter(|l| {
                    !(l.is_autolink
                        && !l.destination.contains("//")
                        && !l.destination.contains('@'))
                })
                .collect();
            // Most blocks have no link on either side, and nothing to pair then: a link is
            // repaired only for the source link it stands for.
            if source_links.is_empty() && target_links.is_empty() {
                continue;
            }
            let mut repaired = Pool::new(repaired, |r, keys| keys.push(key_hash(r)));
            let mut pool = Pool::new(target_links, |t, keys| {
                keys.extend(pairing_keys(t.is_image, &normalize(&t.destination)));
            });
            let mut unmatched: Vec<&Link> = Vec::new();
            for link in source_links {
                let destination = normalize(&link.destination);
                if repaired
                    .take(
                        |keys| keys.push(key_hash(&destination)),
                        |r| *r == destination,
                    )
                    .is_some()
                {
                    continue;
                }
                let found = pool.take(
                    |keys| partner_keys(link.is_image, &destination, keys),
                    |t| {
                        t.is_image == link.is_image
                            && matches!(
                                classify(&destination, &normalize(&t.destination), &allowed),
                                Change::Same | Change::Allowed
                            )
                    },
                );
                if found.is_none() {
                    unmatched.push(link);
                }
            }
            let mut remaining = pool.into_remaining();
            let summary = examine_only(
                cx,
                &Self::INFO,
                (source, target),
                &mut unmatched,
                "links and images",
                false,
            );
            // The links left in the translation are then mostly the changed forms of those not
            // examined; the summary stands for them too.
            let summarised = summary.is_some();
            out.extend(summary);
            for link in unmatched {
                let destination = normalize(&link.destination);
                let source_label = link
                    .destination_range
                    .clone()
                    .map(|r| reference.label(r, "link in the English source"))
                    .or_else(|| source_block_label(cx, source, "the English source"));
                let partner = remaining
                    .iter()
                    .position(|t| t.is_image == link.is_image)
                    .map(|index| remaining.remove(index));
                let Some(partner) = partner else {
                    if whole_target
                        .get_or_init(|| normalize(target_text))
                        .contains(&destination)
                    {
                        continue;
                    }
                    let noun = if link.is_image { "image" } else { "link" };
                    let mut diagnostic = Diagnostic::new(
                        &Self::INFO,
                        format!("{noun} to `{destination}` is missing from the translation"),
                        target_block_label(
                            cx,
                            target,
                            format!(
                                "no {noun} to `{destination}` in this {}",
                                target.kind.noun()
                            ),
                        ),
                    )
                    .with_help(format!("keep the {noun} and its target as in the source"));
                    if let Some(label) = source_label {
                        diagnostic = diagnostic.with_secondary(label);
                    }
                    out.push(diagnostic);
                    continue;
                };
                let found = normalize(&partner.destination);
                let change = classify(&destination, &found, &allowed);
                let noun = if link.is_image {
                    "image target"
                } else {
                    "link target"
                };
                let (message, help, severity, applicability) = match &change {
                    Change::Same | Change::Allowed | Change::Host => continue,
                    Change::Scheme { from, to } => (
                        format!("{noun} uses `{to}` where the source uses `{from}`"),
                        format!("use `{from}` as the source does"),
                        Severity::Warning,
                        Applicability::Safe,
                    ),
                    Change::LocaleDropped(locale) => (
                        format!("{noun} drops the locale segment `/{locale}/` of the source"),
                        format!("keep `/{locale}/` as the source does"),
                        Severity::Error,
                        Applicability::Safe,
                    ),
                    Change::LocaleAdded(locale) => (
                        format!("{noun} adds the locale segment `/{locale}/`"),
                        format!("remove `/{locale}/`, which the source does not have"),
                        Severity::Error,
                        Applicability::Safe,
                    ),
                    Change::LocaleChanged { from, to } => (
                        format!(
                            "{noun} rewrites `/{from}/` to `/{to}/`, which the rulebooks do not allow for this locale"
                        ),
                        format!("write `/{from}/` as the source does"),
                        Severity::Error,
                        Applicability::Unsafe,
                    ),
                    Change::Other => (
                        format!("{noun} `{found}` differs from the source's `{destination}`"),
                        format!("link to `{destination}` as the source does"),
                        Severity::Error,
                        Applicability::Unsafe,
                    ),
                };
                let range = partner
                    .destination_range
                    .clone()
                    .unwrap_or_else(|| partner.range.clone());
                let range = cx.target_original(range);
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    message,
                    Label::target(
                        range.clone(),
                        format!("the source links to `{destination}`"),
                    ),
                )
                .with_help(help);
                diagnostic.severity = severity;
                if matches!(change, Change::LocaleChanged { .. }) {
                    diagnostic = diagnostic.with_note(
                        "allowed locale rewrites are listed under `[links] locale-rewrites` in the rulebooks",
                    );
                }
                if let Some(target_range) = partner.destination_range.clone() {
                    // The destinations as written (`&amp;` stays `&amp;`).
                    let source_written = link
                        .destination_range
                        .clone()
                        .map_or_else(|| link.destination.clone(), |r| source_text[r].to_string());
                    let target_written = &target_text[target_range];
                    // A fix changes only what the message names; a destination that differs
                    // in other ways is replaced whole, as its message says.
                    let replacement = if change == Change::Other {
                        Some(source_written)
                    } else {
                        undo_change(&change, &source_written, target_written)
                    };
                    if let Some(replacement) = replacement {
                        diagnostic = diagnostic.with_fix(range, replacement, applicability);
                    }
                }
                if let Some(label) = source_label {
                    diagnostic = diagnostic.with_secondary(label);
                }
                out.push(diagnostic);
            }
            if summarised {
                continue;
            }
            if let Some(mut summary) = examine_only(
                cx,
                &Self::INFO,
                (source, target),
                &mut remaining,
                "links and images",
                true,
            ) {
                // As each added link is.
                summary.severity = Severity::Warning;
                out.push(summary);
            }
            for added in remaining {
                let destination = normalize(&added.destination);
                // A translation may link a term the source only names; a link to a page the
                // source links elsewhere is not news.
                if whole_source
                    .get_or_init(|| normalize(source_text))
                    .contains(&destination)
                {
                    continue;
                }
                let range = added
                    .destination_range
                    .clone()
                    .unwrap_or_else(|| added.range.clone());
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    format!("the translation adds a link to `{destination}`"),
                    Label::target(cx.target_original(range), "not in the source"),
                )
                .with_help(
                    "link only to what the source links to, or add the link to the English first",
                );
                diagnostic.severity = Severity::Warning;
                if let Some(label) =
                    source_block_label(cx, source, "the source block has no such link")
                {
                    diagnostic = diagnostic.with_secondary(label);
                }
                out.push(diagnostic);
            }
        }
    }
}

impl LinkDrift {
    /// `[text] (url)`: reported with a safe fix when the source block links to that target.
    fn split_links(
        &self,
        cx: &Context<'_>,
        target: &Block,
        source_links: &[&Link],
        allowed: &[(String, String)],
        repaired: &mut Vec<String>,
        out: &mut Vec<Diagnostic>,
    ) {
        // A split link is reported with the source link it stands for, so only a block whose
        // source has links can have one.
        if source_links.is_empty() {
            return;
        }
        let target_text = cx.target_text();
        // By path and host, which the changes accepted below keep, whatever the kind of link.
        let mut by_path = Pool::new(source_links.to_vec(), |link, keys| {
            keys.extend(pairing_keys(false, &normalize(&link.destination)));
        });
        for run in &target.text_runs {
            let run_text = &target_text[run.clone()];
            // Most runs have no `]`, which the pattern needs.
            if !run_text.contains(']') {
                continue;
            }
            for captures in SPLIT_LINK.captures_iter(run_text) {
                let whole = captures.get(0).expect("group 0 always takes part");
                let space = captures.get(2).expect("group 2 always takes part");
                let destination = normalize(&captures[3]);
                let Some(source_link) = by_path.find(
                    |keys| partner_keys(false, &destination, keys),
                    |l| {
                        matches!(
                            classify(&normalize(&l.destination), &destination, allowed),
                            Change::Same | Change::Allowed | Change::Scheme { .. }
                        )
                    },
                ) else {
                    continue;
                };
                repaired.push(normalize(&source_link.destination));
                let range = cx.target_original(run.start + whole.start()..run.start + whole.end());
                let secondary = cx
                    .source_label(source_link.range.clone(), "the link in the English source")
                    .unwrap_or_else(|| Label::target(range.clone(), ""));
                let space = cx.target_original(run.start + space.start()..run.start + space.end());
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        "link is broken by a space between `]` and `(`; it renders as text",
                        Label::target(range, "not a link"),
                    )
                    .with_help("remove the space between `]` and `(`")
                    .with_fix(space, "", Applicability::Safe)
                    .with_secondary(secondary),
                );
            }
        }
    }

    /// `<https:></https:>`: an autolink that machine translation took for an HTML tag.
    fn mangled_autolinks(
        &self,
        cx: &Context<'_>,
        target: &Block,
        source_links: &[&Link],
        repaired: &mut Vec<String>,
        out: &mut Vec<Diagnostic>,
    ) {
        let target_text = cx.target_text();
        let start = target.range.start;
        let raw = &target_text[target.range.clone()];
        let valid: Vec<Range<usize>> = target
            .links
            .iter()
            .filter(|l| {
                l.is_autolink && (l.destination.contains("//") || l.destination.contains('@'))
            })
            .map(|l| l.range.clone())
            .collect();
        let mut clusters: Vec<Range<usize>> = Vec::new();
        // The pattern needs `<` and `:`; most blocks lack one of them.
        let may_have_autolinks = raw.contains('<') && raw.contains(':');
        for m in MANGLED_AUTOLINK.find_iter(if may_have_autolinks { raw } else { "" }) {
            let range = start + m.start()..start + m.end();
            if valid
                .iter()
                .any(|v| v.start <= range.start && range.end <= v.end)
            {
                continue;
            }
            match clusters.last_mut() {
                Some(last) if target_text[last.end..range.start].trim().is_empty() => {
                    last.end = range.end
                }
                _ => clusters.push(range),
            }
        }
        let mut source_autolinks = source_links.iter().filter(|l| l.is_autolink);
        for cluster in clusters {
            let source_link = source_autolinks.next();
            // The URL's remainder often follows the mangled tags: `<https:></https:>//host/path`,
            // and is part of what was mangled.
            let rest = source_link.map_or("", |link| {
                link.destination
                    .split_once(':')
                    .map_or("", |(_, rest)| rest)
            });
            let with_rest = (!rest.is_empty() && target_text[cluster.end..].starts_with(rest))
                .then(|| cluster.start..cluster.end + rest.len());
            let mangled = with_rest.clone().unwrap_or_else(|| cluster.clone());
            let found = &target_text[mangled.clone()];
            let mut diagnostic = Diagnostic::new(
                &Self::INFO,
                format!("autolink is mangled into `{found}`"),
                Label::target(cx.target_original(mangled.clone()), "not a link"),
            );
            match source_link {
                Some(link) => {
                    repaired.push(normalize(&link.destination));
                    let url = &link.destination;
                    diagnostic = diagnostic
                        .with_help(format!("write `<{url}>` as in the source"))
                        .with_secondary(
                            cx.source_label(
                                link.range.clone(),
                                "the autolink in the English source",
                            )
                            .unwrap_or_else(|| {
                                Label::target(cx.target_original(mangled.clone()), "")
                            }),
                        );
                    // Safe when the whole URL is there to rebuild; otherwise the source's URL
                    // replaces the tags and whatever the translation wrote after them stays.
                    let applicability = if with_rest.is_some() {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    };
                    diagnostic = diagnostic.with_fix(
                        cx.target_original(mangled),
                        format!("<{url}>"),
                        applicability,
                    );
                }
                None => {
                    diagnostic =
                        diagnostic.with_help("write the URL as an autolink, `<https://…>`");
                }
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<(String, String)> {
        vec![("en-us".to_string(), "zh-cn".to_string())]
    }

    #[test]
    fn classifies_changes() {
        let a = allowed();
        let source = "https://learn.contoso.com/en-us/backup/history";
        assert_eq!(classify(source, source, &a), Change::Same);
        assert_eq!(
            classify(source, "https://learn.contoso.com/zh-cn/backup/history", &a),
            Change::Allowed
        );
        assert_eq!(
            classify(source, "https://learn.contoso.com/zh-tw/backup/history", &a),
            Change::LocaleChanged {
                from: "en-us".into(),
                to: "zh-tw".into()
            }
        );
        assert_eq!(
            classify(source, "https://learn.contoso.com/backup/history", &a),
            Change::LocaleDropped("en-us".into())
        );
        assert_eq!(
            classify(source, "http://learn.contoso.com/en-us/backup/history", &a),
            Change::Scheme {
                from: "https".into(),
                to: "http".into()
            }
        );
        assert_eq!(
            classify(source, "https://other.contoso.com/en-us/backup/history", &a),
            Change::Host
        );
        assert_eq!(
            classify(source, "https://learn.contoso.com/en-us/backup/restore", &a),
            Change::Other
        );
        let may_drop = vec![("en-us".to_string(), String::new())];
        assert_eq!(
            classify(
                source,
                "https://learn.contoso.com/backup/history",
                &may_drop
            ),
            Change::Allowed
        );
        assert_eq!(
            classify("restore-files.md", "zh-cn/restore-files.md", &a),
            Change::LocaleAdded("zh-cn".into())
        );
        // An allowed drop with a changed scheme is a changed scheme, not a dropped segment.
        assert_eq!(
            classify(source, "http://learn.contoso.com/backup/history", &may_drop),
            Change::Scheme {
                from: "https".into(),
                to: "http".into()
            }
        );
    }

    /// The fix of each kind of finding, for `target` in a zh-cn translation of `source`.
    fn fix_of(source: &str, target: &str) -> (String, String) {
        let findings = crate::testing::findings_of(
            "LD104",
            &format!("See [the page]({source}).\n"),
            &format!("请参阅[页面]({target})。\n"),
        );
        let [finding] = &findings[..] else {
            panic!("one finding expected: {findings:?}");
        };
        let fix = finding.fix.as_ref().expect("the finding has a fix");
        (finding.message.clone(), fix.replacement.clone())
    }

    // See: the audit's `/zh-cn/` switched back to `/en-us/` by `--fix`.
    #[test]
    fn fixes_change_only_what_the_message_names() {
        let source = "https://learn.contoso.com/en-us/backup/download";
        let cases = [
            // The scheme, keeping the allowed `/zh-cn/` (or the allowed dropped segment).
            (
                "http://learn.contoso.com/zh-cn/backup/download",
                "link target uses `http` where the source uses `https`",
                "https://learn.contoso.com/zh-cn/backup/download",
            ),
            (
                "http://learn.contoso.com/backup/download",
                "link target uses `http` where the source uses `https`",
                "https://learn.contoso.com/backup/download",
            ),
            // The locale segment, keeping the changed scheme, which a later run reports.
            (
                "http://learn.contoso.com/zh-tw/backup/download",
                "link target rewrites `/en-us/` to `/zh-tw/`, which the rulebooks do not allow for this locale",
                "http://learn.contoso.com/en-us/backup/download",
            ),
        ];
        for (target, message, replacement) in cases {
            assert_eq!(
                fix_of(source, target),
                (message.to_string(), replacement.to_string()),
                "{target}"
            );
        }
        assert_eq!(
            fix_of(
                "https://learn.contoso.com/backup/download",
                "http://learn.contoso.com/fr-fr/backup/download"
            ),
            (
                "link target adds the locale segment `/fr-fr/`".to_string(),
                "http://learn.contoso.com/backup/download".to_string()
            )
        );
        // A locale that may not drop the segment gets it back where the source has it.
        assert_eq!(
            fix_of(
                "http://learn.contoso.com/docs/en-gb/backup",
                "https://learn.contoso.com/docs/backup"
            ),
            (
                "link target drops the locale segment `/en-gb/` of the source".to_string(),
                "https://learn.contoso.com/docs/en-gb/backup".to_string()
            )
        );
    }

    #[test]
    fn a_mangled_autolink_is_reported_and_fixed_with_its_address() {
        let source = "Open <https://status.contoso.com/backups> now.\n";
        let target = "打开 <https:></https:>//status.contoso.com/backups 仪表板。\n";
        let findings = crate::testing::findings_of("LD104", source, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let mangled = "<https:></https:>//status.contoso.com/backups";
        assert_eq!(&target[findings[0].primary.range.clone()], mangled);
        let fix = findings[0].fix.as_ref().unwrap();
        assert_eq!(&target[fix.range.clone()], mangled);
        assert_eq!(fix.replacement, "<https://status.contoso.com/backups>");
        assert_eq!(fix.applicability, Applicability::Safe);
    }
}
