//! A file read once into everything the rules ask of it: front matter, side-by-side segments,
//! and the parsed views.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::document::Document;
use crate::markdown::frontmatter::{self, FrontMatter};
use crate::markdown::model::{AtomBuffer, Atoms, BlockKind};
use crate::markdown::sxs::{self, Projection, Segment, Side};
use crate::markdown::{self, View};

/// A parsed file. Invariant: `block_segments.len() == target.blocks.len()`, and the segment
/// indices in it are in increasing order.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub document: Arc<Document>,
    pub front_matter: Option<FrontMatter>,
    /// The opening `---` of a front matter block that never closes.
    pub unclosed_front_matter: Option<Range<usize>>,
    /// Side-by-side segments, empty for plain Markdown.
    pub segments: Vec<Segment>,
    /// The text readers see: the file itself, or for side-by-side the translations.
    pub target: View,
    /// For each block of `target`, the segments it holds.
    pub block_segments: Vec<Atoms<usize>>,
    /// The English embedded in a side-by-side file, parsed when first asked for: only the
    /// alignment of a file checked without a source and `diff` read it, and it is a second
    /// parse of the whole file.
    embedded: OnceLock<Embedded>,
    /// The block ranges of the embedded English, parsed when first asked for (LD401 and
    /// `diff` compare words, which needs no more).
    embedded_ranges: OnceLock<EmbeddedRanges>,
}

/// The parsed English projection of a side-by-side file.
#[derive(Debug, Clone)]
struct Embedded {
    view: View,
    /// For each block of `view`, the segments it holds.
    block_segments: Vec<Atoms<usize>>,
}

/// The blocks of the English embedded in a side-by-side file as far as comparing their words
/// needs them: the ranges that [`Parsed::embedded`]'s blocks have, without their inline atoms.
#[derive(Debug, Clone)]
pub struct EmbeddedRanges {
    pub projection: Projection,
    /// The range of each block in the projected text.
    pub blocks: Vec<Range<usize>>,
    /// For each block, the segments it holds.
    pub block_segments: Vec<Atoms<usize>>,
}

impl EmbeddedRanges {
    /// The projected text.
    pub fn text(&self) -> &str {
        &self.projection.text
    }

    /// A range of the projected text as a range of the file.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        self.projection.range_to_original(range)
    }
}

/// A side-by-side file whose spans cannot be split.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub offset: usize,
    pub message: String,
}

impl Parsed {
    /// Reads a document. Plain Markdown always parses; a side-by-side file with a span that
    /// never closes is an error, since nothing after it could be told apart.
    pub fn new(document: Arc<Document>) -> Result<Parsed, ParseError> {
        let text = document.text.as_str();
        let (front_matter, unclosed_front_matter) = match frontmatter::parse(text) {
            Ok(front_matter) => (front_matter, None),
            Err(range) => (None, Some(range)),
        };
        let segments = if sxs::is_side_by_side(text) {
            sxs::parse(text).map_err(|error| ParseError {
                line: document.line_column(error.offset).line,
                offset: error.offset,
                message: error.message,
            })?
        } else {
            Vec::new()
        };
        let target = if segments.is_empty() {
            View::new(Projection::identity(text))
        } else {
            View::new(Projection::of_segments(text, &segments, Side::Target))
        };
        let block_segments = map_segments(
            &target.projection,
            target.blocks.iter().map(|block| block.range.clone()),
            &segments,
            |segment| Some(segment.target.clone()),
        );
        Ok(Parsed {
            document,
            front_matter,
            unclosed_front_matter,
            segments,
            target,
            block_segments,
            embedded: OnceLock::new(),
            embedded_ranges: OnceLock::new(),
        })
    }

    pub fn is_side_by_side(&self) -> bool {
        !self.segments.is_empty()
    }

    /// The English embedded in a side-by-side file (`None` for plain Markdown), parsed on the
    /// first call.
    pub fn embedded(&self) -> Option<&View> {
        self.embedded_parsed().map(|embedded| &embedded.view)
    }

    /// For each block of [`Parsed::embedded`], the segments it holds (empty for plain
    /// Markdown).
    pub fn embedded_block_segments(&self) -> &[Atoms<usize>] {
        self.embedded_parsed()
            .map_or(&[], |embedded| &embedded.block_segments)
    }

    fn embedded_parsed(&self) -> Option<&Embedded> {
        if !self.is_side_by_side() {
            return None;
        }
        Some(self.embedded.get_or_init(|| {
            let text = self.document.text.as_str();
            let view = View::new(Projection::of_segments(
                text,
                &self.segments,
                Side::EmbeddedSource,
            ));
            let block_segments = map_segments(
                &view.projection,
                view.blocks.iter().map(|block| block.range.clone()),
                &self.segments,
                |segment| segment.source.clone(),
            );
            Embedded {
                view,
                block_segments,
            }
        }))
    }

    /// The block ranges of the English embedded in a side-by-side file (`None` for plain
    /// Markdown), parsed on the first call unless [`Parsed::embedded`] was made already.
    pub fn embedded_ranges(&self) -> Option<&EmbeddedRanges> {
        if !self.is_side_by_side() {
            return None;
        }
        Some(self.embedded_ranges.get_or_init(|| {
            if let Some(embedded) = self.embedded.get() {
                return EmbeddedRanges {
                    projection: embedded.view.projection.clone(),
                    blocks: (embedded.view.blocks.iter())
                        .map(|block| block.range.clone())
                        .collect(),
                    block_segments: embedded.block_segments.clone(),
                };
            }
            let text = self.document.text.as_str();
            let projection = Projection::of_segments(text, &self.segments, Side::EmbeddedSource);
            // The translation's blocks, moved, when no segment can change the structure;
            // otherwise a second parse.
            let blocks = self
                .derived_embedded_blocks()
                .unwrap_or_else(|| markdown::parse_block_ranges(&projection.text));
            let block_segments = map_segments(
                &projection,
                blocks.iter().cloned(),
                &self.segments,
                |segment| segment.source.clone(),
            );
            EmbeddedRanges {
                projection,
                blocks,
                block_segments,
            }
        }))
    }

    /// The block ranges of the embedded English worked out from the translation's blocks, or
    /// `None` when a segment might change the structure (see [`sxs::embedded_block_ranges`]).
    fn derived_embedded_blocks(&self) -> Option<Vec<Range<usize>>> {
        sxs::embedded_block_ranges(
            &self.document.text,
            &self.segments,
            &self.target.projection,
            (self.target.blocks.iter()).map(|block| {
                let opaque = matches!(block.kind, BlockKind::CodeBlock | BlockKind::Html);
                (block.range.clone(), opaque)
            }),
        )
    }

    /// A front matter value.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.front_matter
            .as_ref()?
            .get(key)
            .map(|entry| entry.value.as_str())
    }

    /// The embedded English of a segment.
    pub fn segment_source(&self, index: usize) -> Option<&str> {
        let range = self.segments.get(index)?.source.clone()?;
        Some(&self.document.text[range])
    }

    /// The translation of a segment.
    pub fn segment_target(&self, index: usize) -> &str {
        &self.document.text[self.segments[index].target.clone()]
    }
}

/// For each block (given by its range in the projected text), the segments it holds.
fn map_segments(
    projection: &Projection,
    blocks: impl ExactSizeIterator<Item = Range<usize>>,
    segments: &[Segment],
    range_of: impl Fn(&Segment) -> Option<Range<usize>>,
) -> Vec<Atoms<usize>> {
    if segments.is_empty() {
        // Plain Markdown: no block holds a segment, and none needs mapping back to the file.
        return vec![Atoms::default(); blocks.len()];
    }
    // The segments of all the blocks in one buffer: a vector per block was an allocation and
    // a free for nearly every block of a side-by-side file.
    let mut buffer = AtomBuffer::new();
    let mut held = Vec::new();
    let mut mapper = projection.mapper();
    // Blocks and segments are both in file order: the first segment that can overlap a block
    // is looked for from that of the block before (by a search, were a block out of order).
    let mut first = 0;
    let mut block_segments: Vec<Atoms<usize>> = blocks
        .map(|block| {
            let original = mapper.range_to_original(block);
            if first > 0 && segments[first - 1].tail.end > original.start {
                first = segments.partition_point(|segment| segment.tail.end <= original.start);
            }
            while segments
                .get(first)
                .is_some_and(|segment| segment.tail.end <= original.start)
            {
                first += 1;
            }
            let indices = segments[first..]
                .iter()
                .enumerate()
                .take_while(|(_, segment)| {
                    segment.open_tag.start < original.end.max(original.start + 1)
                })
                .filter(|(_, segment)| {
                    range_of(segment).is_some_and(|range| {
                        range.start < original.end
                            && original.start < range.end.max(range.start + 1)
                    })
                })
                .map(|(offset, _)| first + offset);
            held.extend(indices);
            buffer.append(&mut held)
        })
        .collect();
    buffer.share(block_segments.iter_mut());
    block_segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The file and whether its embedded English's blocks were derived; panics when derived
    /// ranges differ from parsed ones.
    fn derived_matches_parse(text: &str) -> bool {
        let parsed = Parsed::new(Arc::new(Document::new("x.md", text))).expect("spans close");
        if !parsed.is_side_by_side() {
            return false;
        }
        let Some(derived) = parsed.derived_embedded_blocks() else {
            return false;
        };
        let projection = Projection::of_segments(text, &parsed.segments, Side::EmbeddedSource);
        let blocks = markdown::parse_block_ranges(&projection.text);
        assert_eq!(derived, blocks, "{text:?}\nEnglish: {:?}", projection.text);
        true
    }

    fn segment(id: usize, target: &str, source: Option<&str>) -> String {
        let lookup = match source {
            Some(source) => format!("<span data-stu-id=\"{id}\">{source}</span>"),
            None => String::new(),
        };
        format!(
            "<span data-ttu-id=\"{id}\">{target}</span><span class=\"sxs-lookup\">{lookup}</span>"
        )
    }

    #[test]
    fn typical_file_is_derived() {
        let text = [
            "# <a name=\"t\"></a>".to_string() + &segment(1, "标题", Some("Title")),
            String::new(),
            segment(2, "**注意**：一个。", Some("**Note**: one."))
                + " "
                + &segment(3, "二。", Some("Two `x`.")),
            String::new(),
            "- [".to_string() + &segment(4, "链接", Some("A link")) + "](a.md#x)",
            "   - ".to_string() + &segment(5, "**粗体**", Some("**Bold** text")),
            String::new(),
            "| ".to_string()
                + &segment(6, "名称", Some("Name"))
                + " | "
                + &segment(7, "值", Some("Value"))
                + " |",
            "| - | - |".to_string(),
            "| ".to_string()
                + &segment(8, "`a`", Some("`a`"))
                + " | "
                + &segment(9, "443", Some("443"))
                + " |",
            String::new(),
            "> [!NOTE]".to_string(),
            "> ".to_string() + &segment(10, "一条说明。", Some("A note.")),
            String::new(),
        ]
        .join("\n");
        assert!(derived_matches_parse(&text));
    }

    #[test]
    fn structural_segments_are_parsed() {
        for (target, source) in [
            ("一", "# One"),
            ("一", "- one"),
            ("一", "1. one"),
            ("一", "a | b"),
            ("一", "one\ntwo"),
            ("一", "one #"),
            ("一", " one"),
            ("一", "---"),
        ] {
            let text = segment(1, target, Some(source)) + "\n";
            assert!(!derived_matches_parse(&text), "{source:?}");
        }
    }

    /// Skeleton that opens a line: containers, block starts, and traps.
    const PREFIXES: &[&str] = &[
        "",
        "",
        "",
        "# ",
        "## <a name=\"x\"></a>",
        "#",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "2) ",
        "   - ",
        "    ",
        "> ",
        "> > ",
        "> - ",
        "> [!NOTE]\n> ",
        "| ",
        "|",
        "[",
        "- [",
        "[^1]: ",
        "[x]: ",
        "```",
        "```\n",
        "~~~ ",
        "<div>",
        "<!-- ",
        "<a name=\"y\"></a>",
        "---\n",
        "\t",
        "1. **",
        "`",
        "{",
        "\\",
        "&",
        "![",
        "<",
        "- [ ] ",
        "| a | b |\n| - | - |\n| ",
        "1",
        "-",
        "*",
        "[x]: /u \"",
        "<pre>",
        "<?",
        "<![CDATA[",
        "Setext\n",
        "text ",
    ];
    /// Skeleton between two segments or after the last one.
    const PIECES: &[&str] = &[
        "", " ", " ", "**", "`", "](u)", " | ", " <br/> ", "[", "]", ": ", " {#id}", " #", "  ",
        "\\", "-->", "</div>", "*", "_", "<a>", ":", "]: /u", "\"", "}", "?>", "]]>", "</pre>",
        "~~~", "```", "[^1]", " 1. ", "\t",
    ];
    /// What ends a line.
    const ENDS: &[&str] = &[
        "\n",
        "\n",
        "\n\n",
        "\n===\n",
        "\n---\n",
        "\n| - | - |\n",
        "\n```\n",
        "\n\n    ",
        "\r\n",
        "\n-->\n",
    ];

    /// Segment text: mostly a word at each end (then only what is between can refuse the
    /// file, and most files take the derived path), or characters that matter to block
    /// structure at either end, or anywhere.
    fn side() -> impl Strategy<Value = String> {
        let word = "(名|x|word|1|@|`@`|\\*\\*x\\*\\*|`c`)";
        let middle =
            "([ \t@/#>\\-+*_=`~<\\[\\]!^:&;.)0-9\"'\\\\]|<br/>|&amp;|-->|\\?>|\\]\\]>|</pre>){0,4}";
        let nasty = "(名|word|x|[ #>\\-+*_=`~<|\\[\\]!^:{}\\\\\n\r\t1.)&;\u{a0}]|-->|\\?>|\\]\\]>|</pre>|```|\\]:){0,6}";
        let pattern =
            |pattern: String| proptest::string::string_regex(&pattern).expect("pattern is valid");
        prop_oneof![
            5 => pattern(format!("{word}{middle}{word}")),
            2 => pattern(format!("{middle}{word}")),
            2 => pattern(format!("{word}{middle}")),
            1 => pattern(nasty.to_string()),
        ]
    }

    /// A line: the index of its prefix, its segments (translation, English, the index of the
    /// skeleton after), and the index of its end.
    type Line = (usize, Vec<(String, Option<String>, usize)>, usize);

    fn line() -> impl Strategy<Value = Line> {
        (
            0..PREFIXES.len(),
            proptest::collection::vec(
                (
                    side(),
                    proptest::option::weighted(0.95, side()),
                    0..PIECES.len(),
                ),
                0..3,
            ),
            0..ENDS.len(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn derived_ranges_are_parsed_ones(lines in proptest::collection::vec(line(), 1..7)) {
            let mut text = String::new();
            let mut id = 0;
            for (prefix, segments, end) in &lines {
                text.push_str(PREFIXES[*prefix]);
                for (target, source, piece) in segments {
                    id += 1;
                    text.push_str(&segment(id, target, source.as_deref()));
                    text.push_str(PIECES[*piece]);
                }
                text.push_str(ENDS[*end]);
            }
            derived_matches_parse(&text);
        }
    }
}
