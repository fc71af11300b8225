use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::align::anchor_key;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::Link;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports anchors and in-page links that a translation broke: an `<a name>` or `{#id}`
    /// anchor of the source that is missing or renamed in the translation
    /// (`toc323194094` → `__toc323194094`), an in-page link whose fragment matches no anchor of
    /// the translated document, and an in-page link that names another file than the source's
    /// (`cdd4801a-….md` for `troubleshooting-sign-in-errors-for-admins.md`).
    ///
    /// ## Why is this bad?
    /// Other articles and the page's own table of contents link to these anchors. Renamed, they
    /// land readers at the top of the page, or on a 404 for a file name that is not published.
    ///
    /// ## Example
    /// ```md en
    /// [Update DNS settings](article.md#update-dns-service)
    /// <a name="update-dns-service"> </a>
    /// ```
    /// ```md zh-cn
    /// [更新 DNS 设置](article.md#__update_dns_service)
    /// <a name="__update_dns_service"> </a>
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// [更新 DNS 设置](article.md#update-dns-service)
    /// <a name="update-dns-service"> </a>
    /// ```
    pub struct LostAnchor;
    code = "LD202", name = "lost-anchor", severity = Error, since = "0.1.0"
}

fn split_destination(destination: &str) -> (&str, Option<&str>) {
    match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

impl Rule for LostAnchor {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.is_source_file {
            return;
        }
        let target_view = &cx.target.target;
        let target_text = target_view.text();
        let target_jump_targets = &cx.target_jump_targets;
        let mut renamed_to_source: Vec<(String, String)> = Vec::new();

        if let (Some(reference), Some(reference_jump_targets)) =
            (cx.reference, &cx.reference_jump_targets)
        {
            let renamed_candidates = OnceCell::new();
            let (mut pairs_read, mut nearest_target) = (0, None);
            for (block_index, (_, anchor)) in
                reference
                    .view
                    .blocks
                    .iter()
                    .enumerate()
                    .flat_map(|(index, block)| {
                        block
                            .anchors
                            .iter()
                            .map(move |anchor| (index, (block, anchor)))
                    })
            {
                if target_jump_targets.has_anchor(&anchor.name) {
                    continue;
                }
                let source_label =
                    reference.label(anchor.range.clone(), "anchor in the English source");
                let renamed = renamed_candidates
                    .get_or_init(|| {
                        // The first anchor of the translation by key, among those the reference
                        // lacks (searching them for every missing anchor was quadratic).
                        let mut candidates = HashMap::new();
                        for (_, candidate) in target_view.anchors() {
                            if !reference_jump_targets.has_anchor(&candidate.name) {
                                candidates
                                    .entry(anchor_key(&candidate.name))
                                    .or_insert(candidate);
                            }
                        }
                        candidates
                    })
                    .get(&anchor_key(&anchor.name));
                if let Some(candidate) = renamed {
                    let range = target_view.original(candidate.range.clone());
                    renamed_to_source.push((candidate.name.clone(), anchor.name.clone()));
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            format!(
                                "anchor `{}` is renamed `{}` in the translation",
                                anchor.name, candidate.name
                            ),
                            Label::target(
                                range.clone(),
                                format!("the source's anchor is `{}`", anchor.name),
                            ),
                        )
                        .with_secondary(source_label)
                        .with_note("links from other articles use the source's anchor name")
                        .with_help(format!("name the anchor `{}`", anchor.name))
                        .with_fix(
                            range,
                            anchor.name.clone(),
                            Applicability::Safe,
                        ),
                    );
                    continue;
                }
                // Point at the translated block aligned with the source block, or the nearest
                // one before it.
                // Anchors come in block order, so the pairs before this block are read once.
                while let Some((source, target)) = cx.alignment.get(pairs_read)
                    && source.is_none_or(|s| s <= block_index)
                {
                    nearest_target = target.or(nearest_target);
                    pairs_read += 1;
                }
                let target_block = nearest_target.unwrap_or(0);
                let range = target_view
                    .blocks
                    .get(target_block)
                    .map(|b| target_view.original(b.range.clone()))
                    .unwrap_or(0..0);
                let first_line = cx.target.document.first_line_of(range.clone());
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!("anchor `{}` is missing from the translation", anchor.name),
                        Label::target(first_line, "expected near here"),
                    )
                    .with_secondary(source_label)
                    .with_help(format!(
                        "add `<a name=\"{}\"></a>` where the source has it",
                        anchor.name
                    )),
                );
            }
        }
        // The fixes above restore the source's names, so in-page links are judged against them.
        let target_targets = |id: &str| {
            target_jump_targets.contains(id) || renamed_to_source.iter().any(|(_, to)| to == id)
        };

        let own_names: HashSet<&str> = [
            Some(cx.target.document.path.as_str()),
            cx.source.map(|s| s.document.path.as_str()),
        ]
        .into_iter()
        .flatten()
        .map(file_name)
        .collect();
        let mut reported_links: HashSet<usize> = HashSet::new();

        // Pairwise: an in-page link of the source must stay an in-page link to the same place.
        if let (Some(reference), Some(reference_targets)) =
            (cx.reference, &cx.reference_jump_targets)
        {
            let reference_text = reference.view.text();
            for (source, target) in cx.matched_blocks() {
                let source_links: Vec<&Link> =
                    source.links.iter().filter(|l| !l.is_image).collect();
                let target_links: Vec<&Link> =
                    target.links.iter().filter(|l| !l.is_image).collect();
                if source_links.len() != target_links.len() {
                    continue;
                }
                for (source_link, target_link) in source_links.iter().zip(&target_links) {
                    let (source_path, Some(source_fragment)) =
                        split_destination(&source_link.destination)
                    else {
                        continue;
                    };
                    if !reference_targets.contains(source_fragment) {
                        continue;
                    }
                    let (target_path, target_fragment) =
                        split_destination(&target_link.destination);
                    if file_name(target_path) == file_name(source_path)
                        && target_fragment == Some(source_fragment)
                    {
                        continue;
                    }
                    let Some(dest_range) = target_link.destination_range.clone() else {
                        continue;
                    };
                    if file_name(target_path) == file_name(source_path)
                        && target_fragment.is_some_and(target_targets)
                        && !renamed_to_source
                            .iter()
                            .any(|(from, _)| Some(from.as_str()) == target_fragment)
                    {
                        continue;
                    }
                    reported_links.insert(dest_range.start);
                    let range = target_view.original(dest_range.clone());
                    let written = &target_text[dest_range];
                    let source_dest = source_link
                        .destination_range
                        .clone()
                        .map(|r| &reference_text[r])
                        .unwrap_or(source_link.destination.as_str());
                    let message = if file_name(target_path) != file_name(source_path) {
                        format!(
                            "in-page link points to `{}` instead of `{}`",
                            file_name(target_path),
                            file_name(source_path)
                        )
                    } else {
                        format!(
                            "in-page link fragment `#{}` differs from the source's `#{source_fragment}`",
                            target_fragment.unwrap_or("")
                        )
                    };
                    let applicability = if target_targets(source_fragment) {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    };
                    let mut diagnostic = Diagnostic::new(
                        &Self::INFO,
                        message,
                        Label::target(
                            range.clone(),
                            format!("the source links to `{source_dest}`"),
                        ),
                    )
                    .with_help(format!("link to `{source_dest}` as the source does"))
                    .with_fix(range, source_dest, applicability);
                    if let Some(label) = source_link
                        .destination_range
                        .clone()
                        .and_then(|r| cx.source_label(r, "link in the English source"))
                    {
                        diagnostic = diagnostic.with_secondary(label);
                    }
                    if written.is_empty() {
                        continue;
                    }
                    out.push(diagnostic);
                }
            }
        }

        // The file name the source uses for its own in-page links.
        let source_self_name: Option<String> = cx.reference.and_then(|reference| {
            let reference_targets = cx.reference_jump_targets.as_ref()?;
            reference
                .view
                .blocks
                .iter()
                .flat_map(|b| &b.links)
                .find_map(|link| {
                    let (path, fragment) = split_destination(&link.destination);
                    (!path.is_empty() && fragment.is_some_and(|f| reference_targets.contains(f)))
                        .then(|| file_name(path).to_string())
                })
        });
        let reference_links: HashSet<&str> = cx
            .reference
            .map(|r| {
                r.view
                    .blocks
                    .iter()
                    .flat_map(|b| &b.links)
                    .map(|l| l.destination.as_str())
                    .collect()
            })
            .unwrap_or_default();

        for block in &target_view.blocks {
            for link in block.links.iter().filter(|l| !l.is_image) {
                let (path, Some(fragment)) = split_destination(&link.destination) else {
                    continue;
                };
                let Some(dest_range) = link.destination_range.clone() else {
                    continue;
                };
                if fragment.is_empty() || reported_links.contains(&dest_range.start) {
                    continue;
                }
                let in_page = path.is_empty() || own_names.contains(file_name(path));
                // A link into this page under another file name: its fragment is one of the
                // page's own anchors, but the name is not the source's.
                if !in_page
                    && let Some(self_name) = &source_self_name
                    && file_name(path) != self_name.as_str()
                    && target_targets(fragment)
                {
                    let fixed_fragment = renamed_to_source
                        .iter()
                        .find(|(from, _)| from == fragment)
                        .map_or(fragment, |(_, to)| to.as_str());
                    let replacement = format!(
                        "{}{self_name}#{fixed_fragment}",
                        &path[..path.len() - file_name(path).len()]
                    );
                    let range = target_view.original(dest_range);
                    out.push(
                        Diagnostic::new(
                            &Self::INFO,
                            format!(
                                "in-page link points to `{}` instead of `{self_name}`",
                                file_name(path)
                            ),
                            Label::target(
                                range.clone(),
                                format!("the source's links into this page use `{self_name}`"),
                            ),
                        )
                        .with_help(format!("link to `{replacement}`"))
                        .with_fix(range, replacement, Applicability::Safe),
                    );
                    continue;
                }
                // Any in-page link whose fragment the translation does not define, unless the
                // source has the same broken link (then it is not drift).
                if !in_page
                    || target_targets(fragment)
                    || reference_links.contains(link.destination.as_str())
                {
                    continue;
                }
                let range = target_view.original(dest_range);
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!("link fragment `#{fragment}` matches no anchor in the translation"),
                        Label::target(range, "no such anchor"),
                    )
                    .with_help("link to an anchor that the translated page defines"),
                );
            }
        }
    }
}
