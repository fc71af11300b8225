//! LD4xx: revisions: translations made from older English, and blocks with no counterpart.
pub mod extra_segment;
pub mod metadata_drift;
pub mod missing_segment;
pub mod stale_translation;
pub mod unknown_handoff;

use std::ops::Range;

use crate::align::Pair;

/// A run of consecutive unpaired blocks on one side, with the nearest paired block of the
/// other side before and after it.
pub(crate) struct Run {
    pub blocks: Range<usize>,
    pub previous_other: Option<usize>,
    pub next_other: Option<usize>,
}

/// Runs of source blocks (`source_side`) or target blocks with no partner.
pub(crate) fn runs(alignment: &[Pair], source_side: bool) -> Vec<Run> {
    let pick = |pair: &Pair| {
        if source_side {
            (pair.0, pair.1)
        } else {
            (pair.1, pair.0)
        }
    };
    let mut runs: Vec<Run> = Vec::new();
    let mut previous_other = None;
    let mut open: Option<Run> = None;
    for pair in alignment {
        let (mine, other) = pick(pair);
        match (mine, other) {
            (Some(index), None) => match &mut open {
                Some(run) => run.blocks.end = index + 1,
                None => {
                    open = Some(Run {
                        blocks: index..index + 1,
                        previous_other,
                        next_other: None,
                    })
                }
            },
            (_, Some(other_index)) => {
                if let Some(mut run) = open.take() {
                    run.next_other = Some(other_index);
                    runs.push(run);
                }
                previous_other = Some(other_index);
            }
            (None, None) => {}
        }
    }
    runs.extend(open);
    runs
}
