use std::collections::{HashMap, HashSet};

use crate::align::anchor_key;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::View;
use crate::markdown::model::{Anchor, Link};
use crate::rules::{Context, JumpTargets, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports anchors and in-page links that a translation broke: an `<a name>` or `{#id}`
    /// anchor of the source that is missing or renamed in the translation, an in-page link
    /// whose fragment matches no anchor of the translated document, and an in-page link that names another file than the source's
    /// (`cdd4801a-….md` for `troubleshooting-sign-in-errors-for-admins.md`).
    ///
    /// An anchor is renamed when the translation has it with decorations
    /// (`toc323194094` → `__toc323194094`), or when an anchor the source lacks stands in its
    /// place (`update-mx` → `更新-mx`): in the block aligned with the source's, or among the
    /// blocks left unpaired between the same two aligned pairs, as many as the source lost
    /// there, paired in order. Otherwise it is missing.
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
    ///
    /// ## Fix safety
    /// Restoring a renamed anchor's name is safe when the names differ only by decorations, or
    /// when the renamed anchor is the one unknown anchor of the block aligned with the source's
    /// (alignment paired the blocks on their text, or as the one block between two pairs). It
    /// is unsafe when the anchors are paired by order only: several in one place, or in blocks
    /// that alignment left unpaired, where content was dropped or added. A link of the
    /// translation to the translated name is reported with a fix to the source's name.
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

/// For each of the source's `lost` anchors (block index and anchor, in block order), the
/// translated anchor it was renamed to, if any, and how safely the name can be restored.
///
/// A rename is recognised by the names' [`anchor_key`] anywhere in the translation
/// (`__update_mx` for `update-mx`), or by place: an anchor of the translation that the source
/// lacks, in the block aligned with the source's block or among the blocks left alone between
/// the same two aligned pairs (`更新-mx` for `update-mx`). A place is only read when it holds
/// as many lost anchors as unknown ones, which are then paired in order.
fn renamed_anchors<'a>(
    cx: &Context<'a>,
    reference: &View,
    reference_jump_targets: &JumpTargets<'_>,
    lost: &[(usize, &Anchor)],
) -> Vec<Option<(&'a Anchor, Applicability)>> {
    let target_view = &cx.target.target;
    let is_unknown = |anchor: &Anchor| !reference_jump_targets.has_anchor(&anchor.name);
    // The first unknown anchor of the translation by key.
    let mut by_key: HashMap<String, &'a Anchor> = HashMap::new();
    for (_, candidate) in target_view.anchors() {
        if is_unknown(candidate) {
            by_key
                .entry(anchor_key(&candidate.name))
                .or_insert(candidate);
        }
    }
    let mut renames: Vec<Option<(&'a Anchor, Applicability)>> = lost
        .iter()
        .map(|(_, anchor)| {
            let candidate = by_key.get(&anchor_key(&anchor.name))?;
            Some((*candidate, Applicability::Safe))
        })
        .collect();
    let claimed: HashSet<usize> = (renames.iter().flatten())
        .map(|(candidate, _)| candidate.range.start)
        .collect();

    // Places: an aligned pair of blocks, or the blocks left alone between two pairs (a run of
    // the alignment without a pair), as source and target block indices.
    let mut places: Vec<(Vec<usize>, Vec<usize>, bool)> = Vec::new();
    let mut source_place = vec![usize::MAX; reference.blocks.len()];
    for &(source, target) in cx.alignment {
        let aligned = source.is_some() && target.is_some();
        if aligned
            || places
                .last()
                .is_none_or(|(_, _, last_aligned)| *last_aligned)
        {
            places.push((Vec::new(), Vec::new(), aligned));
        }
        let place = places.len() - 1;
        let (sources, targets, _) = &mut places[place];
        if let Some(source) = source {
            sources.push(source);
            source_place[source] = place;
        }
        targets.extend(target);
    }
    let mut lost_by_place: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, &(block, _)) in lost.iter().enumerate() {
        if renames[index].is_none()
            && let Some(&place) = source_place.get(block)
            && place != usize::MAX
        {
            lost_by_place.entry(place).or_default().push(index);
        }
    }
    for (place, lost_here) in lost_by_place {
        let (_, targets, aligned) = &places[place];
        let unknown_here: Vec<&'a Anchor> = targets
            .iter()
            .flat_map(|&target| target_view.blocks[target].anchors.iter())
            .filter(|anchor| is_unknown(anchor) && !claimed.contains(&anchor.range.start))
            .collect();
        if unknown_here.len() != lost_here.len() {
            continue;
        }
        // One anchor in the block that alignment paired with the source's, on the blocks'
        // text or as the one block between two pairs, is the source's anchor under another
        // name. Several, or anchors among blocks that alignment could not pair, are paired by
        // order only, which a person should confirm.
        let applicability = if *aligned && lost_here.len() == 1 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        for (index, candidate) in lost_here.into_iter().zip(unknown_here) {
            renames[index] = Some((candidate, applicability));
        }
    }
    renames
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
            // The source's anchors that the translation lacks, in block order.
            let lost: Vec<(usize, &Anchor)> = (reference.view.blocks.iter().enumerate())
                .flat_map(|(index, block)| block.anchors.iter().map(move |anchor| (index, anchor)))
                .filter(|(_, anchor)| !target_jump_targets.has_anchor(&anchor.name))
                .collect();
            let renames = if lost.is_empty() {
                Vec::new()
            } else {
                renamed_anchors(cx, reference.view, reference_jump_targets, &lost)
            };
            let (mut pairs_read, mut nearest_target) = (0, None);
            for (&(block_index, anchor), renamed) in lost.iter().zip(&renames) {
                let source_label =
                    reference.label(anchor.range.clone(), "anchor in the English source");
                if let Some((candidate, applicability)) = renamed {
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
                            *applicability,
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

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::testing::findings_of;

    const SOURCE: &str = "## Update the MX record\n\n<a name=\"update-mx\"> </a>\n\n\
        Change the records of your domain as shown in the following table.\n\n\
        Do not delete the existing record for `autodiscover.fabrikam.net`.\n";
    const REST: &str = "请勿删除 `autodiscover.fabrikam.net` 的现有记录。\n";

    /// The message of the one LD202 finding, the target text its fix replaces and the fix's
    /// applicability (`None` without a fix).
    fn reported(target: &str) -> (String, Option<(String, Applicability)>) {
        let findings = findings_of("LD202", SOURCE, target);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let fix = (findings[0].fix.as_ref())
            .map(|fix| (target[fix.range.clone()].to_string(), fix.applicability));
        (findings[0].message.clone(), fix)
    }

    #[test]
    fn an_anchor_in_the_place_of_the_sources_is_renamed() {
        for name in ["更新-mx", "gengxin"] {
            let target = format!(
                "## 更新 MX 记录\n\n<a name=\"{name}\"> </a>\n\n按下表所示更改域的记录。\n\n{REST}"
            );
            // The anchor's block is aligned with the source's, and they are one each.
            assert_eq!(
                reported(&target),
                (
                    format!("anchor `update-mx` is renamed `{name}` in the translation"),
                    Some((name.to_string(), Applicability::Safe))
                )
            );
            // The paragraph after it dropped: the anchor's block is left alone with it, so the
            // pairing is by place only.
            let target = format!("## 更新 MX 记录\n\n<a name=\"{name}\"> </a>\n\n{REST}");
            assert_eq!(
                reported(&target),
                (
                    format!("anchor `update-mx` is renamed `{name}` in the translation"),
                    Some((name.to_string(), Applicability::Unsafe))
                )
            );
        }
    }

    #[test]
    fn an_anchor_is_missing_when_nothing_stands_in_its_place() {
        let target = format!("## 更新 MX 记录\n\n按下表所示更改域的记录。\n\n{REST}");
        assert_eq!(
            reported(&target),
            (
                "anchor `update-mx` is missing from the translation".to_string(),
                None
            )
        );
        // Two unknown anchors for one lost: which is the source's is not known.
        let target = format!(
            "## 更新 MX 记录\n\n<a name=\"a1\"> </a> <a name=\"a2\"> </a>\n\n按下表所示更改域的记录。\n\n{REST}"
        );
        assert_eq!(
            reported(&target),
            (
                "anchor `update-mx` is missing from the translation".to_string(),
                None
            )
        );
    }
}
