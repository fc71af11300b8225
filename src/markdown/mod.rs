//! The only code that configures and calls pulldown-cmark.
//!
//! [`parse_blocks`] walks the parser's offset iterator once and turns it into our model
//! ([`model::Block`]): leaf blocks with their containers and the inline atoms that rules
//! compare. [`View`] ties a parsed text to the file it came from, since a side-by-side file is
//! parsed twice, once per projection.

pub mod frontmatter;
pub mod model;
pub mod sxs;
pub mod tokens;

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{BlockQuoteKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use model::{Anchor, AtomBuffer, Block, BlockKind, Containers, Link, LiteralMarker};
pub use sxs::Projection;

/// The parser options, owned here so that every caller parses the same dialect. Smart
/// punctuation stays off: it would rewrite the quotes and dashes that rules compare.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_GFM
        | Options::ENABLE_FOOTNOTES
}

static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<a\s[^>]*?\b(?:name|id)\s*=\s*["']([^"']*)["']"#)
        .expect("anchor pattern is valid")
});
static HEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{#([^\s}]+)").expect("heading-id pattern is valid"));

fn alert_name(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "NOTE",
        BlockQuoteKind::Tip => "TIP",
        BlockQuoteKind::Important => "IMPORTANT",
        BlockQuoteKind::Warning => "WARNING",
        BlockQuoteKind::Caution => "CAUTION",
    }
}

/// A parsed text and the way back to its file.
#[derive(Debug, Clone)]
pub struct View {
    pub projection: Projection,
    pub blocks: Vec<Block>,
    /// Every HTML comment, `<!--` to `-->`, in HTML blocks and inline HTML (not in code).
    pub comments: Vec<Range<usize>>,
}

impl View {
    pub fn new(projection: Projection) -> View {
        let (blocks, comments) = parse_blocks_and_comments(&projection.text);
        View {
            projection,
            blocks,
            comments,
        }
    }

    /// The parsed text.
    pub fn text(&self) -> &str {
        &self.projection.text
    }

    /// A range of the parsed text as a range of the file.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        self.projection.range_to_original(range)
    }

    /// Every anchor the text defines: explicit `<a name>`/`{#id}` anchors.
    pub fn anchors(&self) -> impl Iterator<Item = (&Block, &Anchor)> {
        self.blocks
            .iter()
            .flat_map(|block| block.anchors.iter().map(move |anchor| (block, anchor)))
    }
}

struct Walker<'t> {
    text: &'t str,
    /// Whether only the ranges of the blocks are wanted (see [`parse_block_ranges`]): then
    /// no atom is collected and `blocks` stays empty.
    ranges_only: bool,
    blocks: Vec<Block>,
    /// The ranges of the blocks, when only they are wanted.
    ranges: Vec<Range<usize>>,
    /// The atoms of the closed blocks and of the open leaf (at the end of each buffer), shared
    /// by the blocks at the end of the walk.
    buffers: Buffers,
    containers: Containers,
    alert_stack: Vec<Option<&'static str>>,
    open: Option<OpenLeaf>,
    table: Option<(usize, usize, usize, bool)>,
    tables_seen: usize,
    strong_starts: Vec<usize>,
    link_stack: Vec<(usize, bool, bool, String)>,
    in_metadata: bool,
    comments: Vec<Range<usize>>,
    /// The first `*` of the text at or after `stars_from` (the text's length when there is
    /// none): most text runs hold no star, and knowing where the next one is spares them a
    /// search each (a memchr call cost more than the rest of a short run's work).
    next_star: usize,
    stars_from: usize,
}

/// The leaf being walked, which becomes a [`Block`] when it closes. (A `Block` is large, and
/// making it only then saves moving it around.)
struct OpenLeaf {
    kind: BlockKind,
    containers: Containers,
    range: Range<usize>,
    emphasis: usize,
    /// Whether it holds text, code, HTML or a link yet: its first one sets the range.
    has_content: bool,
    /// Whether it was opened implicitly (inline content in a tight list item).
    implicit: bool,
    /// Whether it is a heading with an id of its own (`{#id}`), which DocFX uses instead of
    /// generating one from its text.
    has_id: bool,
    /// Where its atoms start in the buffers: they run from there to the end.
    atoms: AtomStarts,
}

impl OpenLeaf {
    fn new(
        kind: BlockKind,
        containers: Containers,
        start: usize,
        implicit: bool,
        atoms: AtomStarts,
    ) -> OpenLeaf {
        OpenLeaf {
            kind,
            containers,
            range: start..start,
            emphasis: 0,
            has_content: false,
            implicit,
            has_id: false,
            atoms,
        }
    }
}

/// Where the atoms of the open leaf start in each of the [`Buffers`]. Leaves do not nest, so a
/// leaf's atoms are always the last ones of each buffer, and go to its block where they are.
#[derive(Clone, Copy)]
struct AtomStarts {
    text_runs: usize,
    code_spans: usize,
    links: usize,
    html_tags: usize,
    anchors: usize,
    strong: usize,
    literal_markers: usize,
}

/// The atoms of every block, one buffer per kind.
struct Buffers {
    text_runs: AtomBuffer<Range<usize>>,
    code_spans: AtomBuffer<Range<usize>>,
    links: AtomBuffer<Link>,
    html_tags: AtomBuffer<Range<usize>>,
    anchors: AtomBuffer<Anchor>,
    strong: AtomBuffer<Range<usize>>,
    literal_markers: AtomBuffer<LiteralMarker>,
}

impl Buffers {
    fn new() -> Buffers {
        Buffers {
            text_runs: AtomBuffer::new(),
            code_spans: AtomBuffer::new(),
            links: AtomBuffer::new(),
            html_tags: AtomBuffer::new(),
            anchors: AtomBuffer::new(),
            strong: AtomBuffer::new(),
            literal_markers: AtomBuffer::new(),
        }
    }

    /// Where the atoms of a leaf opened now start.
    fn starts(&self) -> AtomStarts {
        AtomStarts {
            text_runs: self.text_runs.len(),
            code_spans: self.code_spans.len(),
            links: self.links.len(),
            html_tags: self.html_tags.len(),
            anchors: self.anchors.len(),
            strong: self.strong.len(),
            literal_markers: self.literal_markers.len(),
        }
    }

    /// Drops the atoms of a leaf that is not a block.
    fn truncate(&mut self, starts: &AtomStarts) {
        self.text_runs.truncate(starts.text_runs);
        self.code_spans.truncate(starts.code_spans);
        self.links.truncate(starts.links);
        self.html_tags.truncate(starts.html_tags);
        self.anchors.truncate(starts.anchors);
        self.strong.truncate(starts.strong);
        self.literal_markers.truncate(starts.literal_markers);
    }

    /// Gives a closed leaf's block the places of its atoms.
    fn close(&self, block: &mut Block, starts: &AtomStarts) {
        block.text_runs = self.text_runs.close(starts.text_runs);
        block.code_spans = self.code_spans.close(starts.code_spans);
        block.links = self.links.close(starts.links);
        block.html_tags = self.html_tags.close(starts.html_tags);
        block.anchors = self.anchors.close(starts.anchors);
        block.strong = self.strong.close(starts.strong);
        block.literal_markers = self.literal_markers.close(starts.literal_markers);
    }

    /// Gives the blocks their atoms.
    fn share(self, blocks: &mut [Block]) {
        self.text_runs
            .share(blocks.iter_mut().map(|block| &mut block.text_runs));
        self.code_spans
            .share(blocks.iter_mut().map(|block| &mut block.code_spans));
        self.links
            .share(blocks.iter_mut().map(|block| &mut block.links));
        self.html_tags
            .share(blocks.iter_mut().map(|block| &mut block.html_tags));
        self.anchors
            .share(blocks.iter_mut().map(|block| &mut block.anchors));
        self.strong
            .share(blocks.iter_mut().map(|block| &mut block.strong));
        self.literal_markers
            .share(blocks.iter_mut().map(|block| &mut block.literal_markers));
    }
}

/// Parses a Markdown text into leaf blocks. Any text parses; there is no error.
pub fn parse_blocks(text: &str) -> Vec<Block> {
    parse_blocks_and_comments(text).0
}

/// The HTML comments, `<!--` to `-->`, in `text[range]`.
pub fn comments_in(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut cursor = range.start;
    while let Some(open) = text[cursor..range.end].find("<!--") {
        let start = cursor + open;
        let Some(close) = text[start + 4..range.end].find("-->") else {
            break;
        };
        let end = start + 4 + close + 3;
        found.push(start..end);
        cursor = end;
    }
    found
}

/// About the most leaf blocks a text can have: each takes a line of its own, but for table
/// cells, which pipes separate. (A block per 64 bytes was too few for tables, and growing the
/// vector then cost more than this count.)
fn most_blocks(text: &str) -> usize {
    // Counted in bytes per chunk short enough for a byte never to overflow, which the compiler
    // turns into vector instructions (counting into a `usize` byte by byte cost 1.2
    // instructions per byte).
    let counted: usize = (text.as_bytes().chunks(255))
        .map(|chunk| {
            let count: u8 = chunk
                .iter()
                .map(|&b| u8::from(b == b'\n' || b == b'|'))
                .sum();
            usize::from(count)
        })
        .sum();
    counted + 1
}

/// Parses a Markdown text into leaf blocks and its HTML comments. An HTML block that holds only
/// comments is not a block: it is invisible to readers, so alignment must not see it.
pub fn parse_blocks_and_comments(text: &str) -> (Vec<Block>, Vec<Range<usize>>) {
    // Growing a vector of blocks by doubling cost more than the rest of closing the blocks
    // (its larger sizes are mapped and unmapped). The estimate is capped, and the spare
    // capacity given back at the end.
    let capacity = most_blocks(text).min(1 << 16);
    let mut walker = Walker::new(text, false, Vec::with_capacity(capacity));
    walker.walk();
    let mut blocks = walker.blocks;
    blocks.shrink_to_fit();
    walker.buffers.share(&mut blocks);
    (blocks, walker.comments)
}

/// The range of each block of [`parse_blocks`], and nothing else: what comparing the words of
/// blocks needs, without the cost of collecting their inline atoms.
pub fn parse_block_ranges(text: &str) -> Vec<Range<usize>> {
    let mut walker = Walker::new(text, true, Vec::new());
    walker.walk();
    walker.ranges
}

impl<'t> Walker<'t> {
    fn new(text: &'t str, ranges_only: bool, blocks: Vec<Block>) -> Walker<'t> {
        Walker {
            text,
            ranges_only,
            blocks,
            ranges: Vec::new(),
            buffers: Buffers::new(),
            containers: Containers::default(),
            alert_stack: Vec::new(),
            open: None,
            table: None,
            tables_seen: 0,
            strong_starts: Vec::new(),
            link_stack: Vec::new(),
            in_metadata: false,
            comments: Vec::new(),
            next_star: text.len(),
            // Past any offset: the first question searches.
            stars_from: usize::MAX,
        }
    }

    fn walk(&mut self) {
        for (event, range) in Parser::new_ext(self.text, options()).into_offset_iter() {
            self.event(event, range);
        }
        self.close_leaf();
    }
}

impl Walker<'_> {
    fn open_leaf(&mut self, kind: BlockKind, start: usize, implicit: bool) {
        self.close_leaf();
        self.open = Some(OpenLeaf::new(
            kind,
            self.containers.clone(),
            start,
            implicit,
            self.buffers.starts(),
        ));
    }

    fn close_leaf(&mut self) {
        let Some(leaf) = self.open.take() else {
            return;
        };
        if leaf.kind == BlockKind::Html {
            let text = self.text;
            let comments = comments_in(text, leaf.range.clone());
            let mut cursor = leaf.range.start;
            let mut only_comments = !comments.is_empty();
            for comment in &comments {
                only_comments &= text[cursor..comment.start].trim().is_empty();
                cursor = comment.end;
            }
            only_comments &= text[cursor..leaf.range.end].trim().is_empty();
            self.comments.extend(comments);
            if only_comments {
                self.buffers.truncate(&leaf.atoms);
                return;
            }
        }
        if self.ranges_only {
            self.ranges.push(leaf.range);
            return;
        }
        let mut block = Block::new(leaf.kind, leaf.containers, leaf.range.start);
        block.range = leaf.range;
        block.emphasis = leaf.emphasis;
        let buffers = &self.buffers;
        if let BlockKind::Heading(_) = block.kind
            && !leaf.has_id
        {
            let text = self.text;
            let runs = (buffers.text_runs.since(leaf.atoms.text_runs).iter())
                .map(|run| &text[run.clone()]);
            let codes = (buffers.code_spans.since(leaf.atoms.code_spans).iter())
                .map(|code| text[code.clone()].trim_matches('`'));
            block.heading_slug = Some(model::slug_of(runs.chain(codes)));
        }
        buffers.close(&mut block, &leaf.atoms);
        self.blocks.push(block);
    }

    fn close_implicit_leaf(&mut self) {
        if self.open.as_ref().is_some_and(|leaf| leaf.implicit) {
            self.close_leaf();
        }
    }

    /// The open leaf and the buffers its atoms go to, opening an implicit paragraph for inline
    /// content outside any leaf.
    fn leaf(&mut self, start: usize) -> (&mut OpenLeaf, &mut Buffers) {
        let containers = &self.containers;
        let buffers = &mut self.buffers;
        let leaf = self.open.get_or_insert_with(|| {
            OpenLeaf::new(
                BlockKind::Paragraph,
                containers.clone(),
                start,
                true,
                buffers.starts(),
            )
        });
        (leaf, buffers)
    }

    /// Marks the open leaf as holding content (text, code, HTML or a link), and gives it and
    /// the buffers of its atoms unless only ranges are wanted.
    fn content_atoms(&mut self, start: usize) -> Option<(&OpenLeaf, &mut Buffers)> {
        let ranges_only = self.ranges_only;
        let (leaf, buffers) = self.leaf(start);
        leaf.has_content = true;
        (!ranges_only).then_some((&*leaf, buffers))
    }

    /// A link's destination, as the model keeps it (not kept when only ranges are wanted).
    fn destination(&self, destination: pulldown_cmark::CowStr<'_>) -> String {
        if self.ranges_only {
            String::new()
        } else {
            destination.into_string()
        }
    }

    /// The first `*` at or after `offset`, or the text's length. Text events come in the order
    /// of the text, so each star is searched for about once.
    fn next_star(&mut self, offset: usize) -> usize {
        if offset < self.stars_from || self.next_star < offset {
            let rest = &self.text.as_bytes()[offset..];
            self.next_star = memchr::memchr(b'*', rest).map_or(self.text.len(), |at| offset + at);
            self.stars_from = offset;
        }
        self.next_star
    }

    fn extend(&mut self, range: &Range<usize>) {
        let (leaf, _) = self.leaf(range.start);
        if leaf.range.is_empty() && !leaf.has_content {
            leaf.range = range.clone();
        } else {
            leaf.range.start = leaf.range.start.min(range.start);
            leaf.range.end = leaf.range.end.max(range.end);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        // The front matter is not Markdown to check: everything inside it is skipped (its
        // start is handled in `start`).
        if self.in_metadata {
            if let Event::End(TagEnd::MetadataBlock(_)) = event {
                self.in_metadata = false;
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(_) => {
                self.extend(&range);
                let has_star = !self.ranges_only && self.next_star(range.start) < range.end;
                let text = self.text;
                let Some((leaf, atoms)) = self.content_atoms(range.start) else {
                    return;
                };
                // pulldown-cmark splits text at escapes and entities; a run is re-joined when
                // only the backslashes of escapes stand between two pieces.
                match atoms.text_runs.last_since(leaf.atoms.text_runs) {
                    Some(last)
                        if last.end <= range.start
                            && text[last.end..range.start].bytes().all(|b| b == b'\\') =>
                    {
                        last.end = range.end
                    }
                    _ => atoms.text_runs.push(range.clone()),
                }
                if has_star {
                    let markers_start = leaf.atoms.literal_markers;
                    record_literal_markers(text, &range, &mut atoms.literal_markers, markers_start);
                }
            }
            Event::Code(_) => {
                self.extend(&range);
                if let Some((_, atoms)) = self.content_atoms(range.start) {
                    atoms.code_spans.push(range);
                }
            }
            Event::InlineHtml(html) | Event::Html(html) => {
                if (self.open.as_ref()).is_some_and(|leaf| leaf.kind == BlockKind::Html) {
                    // Comments of an HTML block are found when it closes, since one may
                    // span several `Html` events.
                } else if html.starts_with("<!--") {
                    self.comments.extend(comments_in(self.text, range.clone()));
                }
                self.extend(&range);
                let Some((_, atoms)) = self.content_atoms(range.start) else {
                    return;
                };
                atoms.html_tags.push(range.clone());
                for name in anchor_names(&html) {
                    let start = range.start + name.start;
                    atoms.anchors.push(Anchor {
                        name: html[name.clone()].to_string(),
                        range: start..start + name.len(),
                    });
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.open.is_some() {
                    self.extend(&range);
                }
            }
            Event::InlineMath(_) | Event::DisplayMath(_) | Event::FootnoteReference(_) => {
                self.extend(&range);
            }
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                // A paragraph inside a table cell or an open leaf cannot happen; treat it as a
                // new leaf either way.
                self.open_leaf(BlockKind::Paragraph, range.start, false);
            }
            Tag::Heading { level, id, .. } => {
                self.open_leaf(BlockKind::Heading(level as u8), range.start, false);
                if id.is_some()
                    && !self.ranges_only
                    && let Some(captures) = HEADING_ID.captures(&self.text[range.clone()])
                {
                    let name = captures.get(1).expect("group 1 always takes part");
                    let start = range.start + name.start();
                    let (leaf, buffers) = self.leaf(range.start);
                    leaf.has_id = true;
                    buffers.anchors.push(Anchor {
                        name: name.as_str().to_string(),
                        range: start..start + name.len(),
                    });
                }
            }
            Tag::CodeBlock(_) => {
                self.open_leaf(BlockKind::CodeBlock, range.start, false);
                self.leaf(range.start).0.range = range.clone();
            }
            Tag::HtmlBlock => {
                self.open_leaf(BlockKind::Html, range.start, false);
            }
            Tag::BlockQuote(kind) => {
                self.close_implicit_leaf();
                self.containers.quote_depth = self.containers.quote_depth.saturating_add(1);
                self.alert_stack.push(self.containers.alert);
                if let Some(kind) = kind {
                    self.containers.alert = Some(alert_name(kind));
                }
            }
            Tag::List(_) => {
                self.close_implicit_leaf();
                self.containers.list_depth = self.containers.list_depth.saturating_add(1);
            }
            Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {
                self.close_implicit_leaf();
            }
            Tag::MetadataBlock(_) => {
                self.close_implicit_leaf();
                self.in_metadata = true;
            }
            Tag::Table(_) => {
                self.close_implicit_leaf();
                self.table = Some((self.tables_seen, 0, 0, false));
                self.tables_seen += 1;
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.3 = true;
                    table.2 = 0;
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.1 += 1;
                    table.2 = 0;
                    table.3 = false;
                }
            }
            Tag::TableCell => {
                let (table, row, column, header) = self.table.unwrap_or((0, 0, 0, false));
                self.open_leaf(
                    BlockKind::TableCell {
                        table,
                        row,
                        column,
                        header,
                    },
                    range.start,
                    false,
                );
                if let Some(table) = &mut self.table {
                    table.2 += 1;
                }
            }
            Tag::Strong => {
                self.extend(&(range.start..range.start));
                self.strong_starts.push(range.start);
            }
            Tag::Emphasis => {
                self.extend(&(range.start..range.start));
                self.leaf(range.start).0.emphasis += 1;
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.extend(&(range.start..range.start));
                let autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
                let destination = self.destination(dest_url);
                self.link_stack
                    .push((range.start, false, autolink, destination));
            }
            Tag::Image { dest_url, .. } => {
                self.extend(&(range.start..range.start));
                let destination = self.destination(dest_url);
                self.link_stack
                    .push((range.start, true, false, destination));
            }
            Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {
                self.extend(&(range.start..range.start));
            }
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell => self.close_leaf(),
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                if let Some(leaf) = &mut self.open {
                    leaf.range = leaf.range.start.min(range.start)..range.end;
                }
                self.close_leaf();
            }
            TagEnd::BlockQuote(_) => {
                self.close_implicit_leaf();
                self.containers.quote_depth = self.containers.quote_depth.saturating_sub(1);
                self.containers.alert = self.alert_stack.pop().flatten();
            }
            TagEnd::List(_) => {
                self.close_implicit_leaf();
                self.containers.list_depth = self.containers.list_depth.saturating_sub(1);
            }
            TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {
                self.close_implicit_leaf();
            }
            TagEnd::Table => self.table = None,
            TagEnd::Strong => {
                let start = self.strong_starts.pop().unwrap_or(range.start);
                self.extend(&range);
                if !self.ranges_only {
                    self.leaf(start).1.strong.push(start..range.end);
                }
            }
            TagEnd::Link | TagEnd::Image => {
                let Some((start, is_image, is_autolink, destination)) = self.link_stack.pop()
                else {
                    return;
                };
                self.extend(&range);
                let text = self.text;
                let Some((_, atoms)) = self.content_atoms(start) else {
                    return;
                };
                let whole = start..range.end;
                let destination_range = find_destination(text, &whole, is_autolink);
                atoms.links.push(Link {
                    range: whole,
                    destination,
                    destination_range,
                    is_image,
                    is_autolink,
                });
            }
            TagEnd::Emphasis | TagEnd::Strikethrough | TagEnd::Superscript | TagEnd::Subscript => {
                self.extend(&range)
            }
            TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionList
            | TagEnd::MetadataBlock(_) => {}
        }
    }
}

/// The names that `<a name="…">`/`<a id="…">` tags of `html` define: exactly what the
/// captures of [`ANCHOR`] give, read by hand for ASCII tags (the regex's captures cost more than
/// the rest of the walk on side-by-side files, whose headings each hold one) and by the regex
/// otherwise, where Unicode white space, word boundaries and case folding come into play.
fn anchor_names(html: &str) -> Vec<Range<usize>> {
    if !html.is_ascii() {
        return ANCHOR
            .captures_iter(html)
            .map(|captures| captures.get(1).expect("group 1 always takes part").range())
            .collect();
    }
    let bytes = html.as_bytes();
    // White space as the regex's Unicode `\s` has it in ASCII (which includes `\x0B`).
    let space = |b: u8| char::from(b).is_whitespace();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let skip_space = |mut at: usize| {
        while at < bytes.len() && space(bytes[at]) {
            at += 1;
        }
        at
    };
    let mut names = Vec::new();
    let mut cursor = 0;
    'tags: while let Some(open) = bytes[cursor..].iter().position(|&b| b == b'<') {
        let open = cursor + open;
        cursor = open + 1;
        if !(bytes
            .get(open + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            && bytes.get(open + 2).is_some_and(|&b| space(b)))
        {
            continue;
        }
        // `[^>]*?\b(?:name|id)`: the first attribute-like word before the tag's `>` that goes
        // on with `\s*=\s*`, a quote, a value without quotes, and a quote.
        let mut at = open + 3;
        while at < bytes.len() && bytes[at] != b'>' {
            let keyword = [&b"name"[..], b"id"].into_iter().find(|keyword| {
                bytes[at..]
                    .get(..keyword.len())
                    .is_some_and(|found| found.eq_ignore_ascii_case(keyword))
            });
            if let Some(keyword) = keyword.filter(|_| !word(bytes[at - 1])) {
                let equals = skip_space(at + keyword.len());
                if bytes.get(equals) == Some(&b'=') {
                    let quote = skip_space(equals + 1);
                    if matches!(bytes.get(quote), Some(b'"' | b'\'')) {
                        let value = quote + 1;
                        if let Some(length) =
                            bytes[value..].iter().position(|&b| b == b'"' || b == b'\'')
                        {
                            names.push(value..value + length);
                            cursor = value + length + 1;
                            continue 'tags;
                        }
                    }
                }
            }
            at += 1;
        }
    }
    names
}

/// Finds where an inline link writes its destination: after the last `](`, up to white space
/// or the closing parenthesis. Reference links have no inline destination.
fn find_destination(text: &str, link: &Range<usize>, autolink: bool) -> Option<Range<usize>> {
    let raw = &text[link.clone()];
    if autolink {
        let inner = raw.strip_prefix('<')?.strip_suffix('>')?;
        return Some(link.start + 1..link.start + 1 + inner.len());
    }
    // A byte search: a substring searcher costs more to build than links are long.
    let open = raw.as_bytes().windows(2).rposition(|pair| pair == b"](")? + 2;
    let rest = &raw[open..];
    let rest_trimmed = rest.trim_start();
    let lead = rest.len() - rest_trimmed.len();
    let (start, length) = if let Some(angle) = rest_trimmed.strip_prefix('<') {
        (open + lead + 1, angle.find('>')?)
    } else {
        let end = rest_trimmed
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(rest_trimmed.len());
        (open + lead, end)
    };
    Some(link.start + start..link.start + start + length)
}

/// Records `*` runs that stayed text: an unrendered emphasis delimiter, escaped (`\*\*`) or
/// not. pulldown-cmark gives an escaped star the range of the star alone, so the backslash is
/// looked up in the text before it.
/// `markers_start` is where the open leaf's markers start in `markers`: only they can be
/// extended.
fn record_literal_markers(
    text: &str,
    range: &Range<usize>,
    markers: &mut AtomBuffer<LiteralMarker>,
    markers_start: usize,
) {
    let bytes = text.as_bytes();
    let mut index = range.start;
    while index < range.end {
        match memchr::memchr(b'*', &bytes[index..range.end]) {
            Some(offset) => index += offset,
            None => break,
        }
        let escaped = index > 0 && bytes[index - 1] == b'\\';
        let start = if escaped { index - 1 } else { index };
        let mut end = index + 1;
        loop {
            if escaped && bytes.get(end) == Some(&b'\\') && bytes.get(end + 1) == Some(&b'*') {
                end += 2;
            } else if !escaped && end < range.end && bytes[end] == b'*' {
                end += 1;
            } else {
                break;
            }
        }
        match markers.last_since(markers_start) {
            Some(last) if last.escaped == escaped && last.range.end >= start => {
                last.range.end = last.range.end.max(end)
            }
            _ => markers.push(LiteralMarker {
                range: start..end,
                escaped,
            }),
        }
        index = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_blocks_with_containers() {
        let text = "---\ntitle: x\n---\n# Title\n\n> [!NOTE]\n> Note **text**.\n\n- item `code` and [link](a.md#x)\n\n|**A**|B|\n|-|-|\n|1|2|\n";
        let blocks = parse_blocks(text);
        let kinds: Vec<_> = blocks.iter().map(|b| b.kind.clone()).collect();
        assert_eq!(kinds[0], BlockKind::Heading(1));
        assert_eq!(blocks[1].containers.alert, Some("NOTE"));
        assert_eq!(blocks[1].strong.len(), 1);
        assert_eq!(blocks[2].containers.list_depth, 1);
        assert_eq!(&text[blocks[2].code_spans[0].clone()], "`code`");
        assert_eq!(
            &text[blocks[2].links[0].destination_range.clone().unwrap()],
            "a.md#x"
        );
        assert!(matches!(
            blocks[3].kind,
            BlockKind::TableCell {
                header: true,
                column: 0,
                ..
            }
        ));
        assert!(matches!(
            blocks[6].kind,
            BlockKind::TableCell {
                row: 1,
                column: 1,
                ..
            }
        ));
        assert_eq!(blocks[0].heading_slug.as_deref(), Some("title"));
    }

    #[test]
    fn escaped_and_unrendered_markers_are_recorded() {
        let blocks = parse_blocks("\\*\\*名稱 \\*\\* and ** x **\n");
        let markers: Vec<_> = blocks[0]
            .literal_markers
            .iter()
            .map(|m| m.escaped)
            .collect();
        assert_eq!(markers, [true, true, false, false]);
        assert!(blocks[0].strong.is_empty());
    }

    /// Anchor names as the regex captures them.
    fn anchor_names_oracle(html: &str) -> Vec<Range<usize>> {
        ANCHOR
            .captures_iter(html)
            .map(|captures| captures.get(1).unwrap().range())
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn block_ranges_are_those_of_the_blocks(
            text in "(# |## x \\{#id\\}|- |1\\. |> |> \\[!NOTE\\]\n|\\|a\\|b\\|\n\\|-\\|-\\|\n|```\n|    |<!-- c -->|<div>|</div>|<a name=\"x\"></a>|\\*\\*|\\*|_|`|\\[t\\]\\(u\\)|!\\[i\\]\\(j\\)|<https://x\\.y>|\\\\\\*|&amp;|\n|\n\n|  |text|名|---\n|\\[\\^1\\]|\\[x\\]: y\n){0,40}"
        ) {
            let ranges: Vec<_> = parse_blocks(&text).into_iter().map(|block| block.range).collect();
            proptest::prop_assert_eq!(parse_block_ranges(&text), ranges);
        }

        #[test]
        fn anchor_names_are_the_patterns_captures(
            html in "(<a|<A|<p|[ \t\n\x0B]|name|NaMe|id|ID|data-|_|x|=|\"|'|>|<|\u{3000}|名){0,24}"
        ) {
            proptest::prop_assert_eq!(anchor_names(&html), anchor_names_oracle(&html));
        }
    }

    #[test]
    fn anchor_names_of_typical_tags() {
        for html in [
            "<a name=\"x\">",
            "<A\tid='x'>",
            "x <a\u{3000}name=\"y\">",
            "<p><a id=\"z\"></a><a name = 'w'>",
            "<a title=\"id=5\" name=\"t\">",
            "<a data-id=\"d\">",
            "<a name=\"x>y\">",
            "<span data-ttu-id=\"1\">",
            "<abbr id=\"x\">",
            "<a>",
            "</a>",
            "<a href=\"#x\">",
        ] {
            assert_eq!(anchor_names(html), anchor_names_oracle(html), "{html}");
        }
        assert_eq!(
            anchor_names("<a data-id=\"d\">"),
            vec![Range { start: 12, end: 13 }]
        );
    }

    #[test]
    fn anchors_in_inline_html() {
        let text = "## Title\n<a name=\"toc1\"> </a>\n";
        let blocks = parse_blocks(text);
        assert_eq!(blocks[1].anchors[0].name, "toc1");
        assert_eq!(&text[blocks[1].anchors[0].range.clone()], "toc1");
    }
}
