//! The one ordered list of rules. Codes are never reused: a removed rule stays here, marked.

use super::Rule;
use super::{language, markup, meta, revisions, tokens};

pub static RULES: &[&dyn Rule] = &[
    &meta::missing_source::MissingSource,
    &meta::unused_suppression::UnusedSuppression,
    &meta::unknown_locale::UnknownLocale,
    &tokens::host_drift::HostDrift,
    &tokens::number_drift::NumberDrift,
    &tokens::code_drift::CodeDrift,
    &tokens::link_drift::LinkDrift,
    &tokens::placeholder_drift::PlaceholderDrift,
    &markup::escaped_emphasis::EscapedEmphasis,
    &markup::lost_anchor::LostAnchor,
    &markup::structure_drift::StructureDrift,
    &markup::markup_drift::MarkupDrift,
    &language::untranslated::Untranslated,
    &language::machine_translation::MachineTranslation,
    &language::stale_term::StaleTermRule,
    &language::no_loc_violation::NoLocViolation,
    &revisions::stale_translation::StaleTranslation,
    &revisions::missing_segment::MissingSegment,
    &revisions::extra_segment::ExtraSegment,
    &revisions::metadata_drift::MetadataDrift,
    &revisions::unknown_handoff::UnknownHandoff,
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| {
        let info = rule.info();
        info.code.eq_ignore_ascii_case(code_or_name) || info.name.eq_ignore_ascii_case(code_or_name)
    })
}
