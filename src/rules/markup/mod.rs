//! LD2xx: Markdown markup that a translation broke: emphasis, anchors, structure.
pub mod escaped_emphasis;
pub mod lost_anchor;
pub mod markup_drift;
pub mod structure_drift;
