//! Language-neutral tokens inside prose: the words a translation must carry over unchanged.
//!
//! Tokens are found with small anchored regexes over text runs that the Markdown parser has
//! already separated from code, link destinations and HTML, never over whole documents. CJK
//! text has no spaces, so a token's edges are checked by hand: the character before and after
//! must not continue an ASCII name (`\b` would treat `例如domain.com` as one word).

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::markdown::View;
use crate::markdown::model::Block;

/// What a token is. The order is the priority when two candidates overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    Url,
    Email,
    Path,
    FileName,
    Host,
    Number,
}

impl TokenKind {
    /// The noun used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            TokenKind::Url => "URL",
            TokenKind::Email => "e-mail address",
            TokenKind::Path => "path",
            TokenKind::FileName => "file name",
            TokenKind::Host => "host name",
            TokenKind::Number => "number",
        }
    }
}

/// A token and its byte range in the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: Range<usize>,
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:https?|ftp)://[^\s<>"'`\]\[(){}|\\^，。、；：（）「」『』【】《》！？]+"#,
    )
    .expect("URL pattern is valid")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("e-mail pattern is valid")
});
/// The path pattern, anchored: tried only where a path can start (see [`paths`]).
static PATH_HERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z]:\\{1,2}|HKEY_[A-Z_]+|HK(?:LM|CU)\b)(?:\\{0,2}[A-Za-z0-9_.$%{}-]+)*")
        .expect("path pattern is valid")
});

/// The file-name extensions that start with `letter`, in the order that the alternation
/// `exe|msc|…|ya?ml|…|html?|…|csproj|cs|…|sln` of the file-name pattern tries them, optional
/// letters expanded greedy first (`yaml` before `yml`). The first that matches wins, so an
/// extension comes before every extension that is a prefix of it: were `cs` tried first,
/// `a.csproj` would read as `a.cs` followed by a letter, which is no file name.
fn extensions_starting_with(letter: u8) -> &'static [&'static str] {
    match letter {
        b'b' => &["bat"],
        b'c' => &[
            "cmd", "css", "config", "cer", "crt", "cab", "csv", "csproj", "cs",
        ],
        b'd' => &["dll", "docx", "doc"],
        b'e' => &["exe"],
        b'g' => &["gif"],
        b'h' => &["html", "htm"],
        b'i' => &["ini", "inf", "iso", "ics"],
        b'j' => &["json", "jpeg", "jpg"],
        b'l' => &["log"],
        b'm' => &["msc", "msi", "msp", "md"],
        b'o' => &["ost"],
        b'p' => &[
            "ps1", "psm1", "psd1", "py", "pem", "pfx", "png", "pdf", "pptx", "ppt", "pst",
        ],
        b'r' => &["reg"],
        b's' => &["sys", "sh", "svg", "sln"],
        b't' => &["toml", "txt"],
        b'v' => &["vbs", "vhdx", "vhd"],
        b'x' => &["xml", "xlsx", "xls", "xaml"],
        b'y' => &["yaml", "yml"],
        b'z' => &["zip"],
        _ => &[],
    }
}

/// Top-level domains that make a two-label name a host (`contoso.com`). Names of three or more
/// labels are hosts whatever they end with (`domainName.contoso.comto` is a mangled host).
const TOP_LEVEL_DOMAINS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "io", "co", "us", "uk", "de", "fr", "jp",
    "cn", "tw", "kr", "in", "info", "biz", "me", "dev", "app", "cloud", "ms", "ai", "local",
    "corp", "internal", "online", "site", "tech", "eu", "ru", "br", "au", "ca", "nl", "es", "it",
    "ch", "se", "no", "fi", "dk", "pl", "test", "example", "lan", "onion", "xyz",
];

fn continues_name(character: Option<char>) -> bool {
    character
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '/' | '\\'))
}

/// Bytes that a pattern needs: a text without any of a pattern's bytes cannot hold a match,
/// and one pass over the text finds which are there.
const DOT: u8 = 1;
const COLON: u8 = 1 << 1;
const AT: u8 = 1 << 2;
/// The `H` of `HKEY_`, `HKLM` and `HKCU`.
const CAPITAL_H: u8 = 1 << 3;
/// An ASCII digit, or `0xEF`, the first byte of the full-width digits (and of other
/// full-width forms).
const DIGIT: u8 = 1 << 4;

static NEEDED_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'.' as usize] = DOT;
    table[b':' as usize] = COLON;
    table[b'@' as usize] = AT;
    table[b'H' as usize] = CAPITAL_H;
    table[0xEF] = DIGIT;
    let mut digit = b'0';
    while digit <= b'9' {
        table[digit as usize] = DIGIT;
        digit += 1;
    }
    table
};

/// The bits of [`NEEDED_BYTES`] that `text` has.
fn needed_bytes(text: &str) -> u8 {
    text.bytes()
        .fold(0, |needed, b| needed | NEEDED_BYTES[usize::from(b)])
}

/// Whether [`scan`] may find a number in `text`: it has a digit. Cheaper than a scan, for
/// callers that want numbers only.
pub fn may_hold_number(text: &str) -> bool {
    needed_bytes(text) & DIGIT != 0
}

/// Whether [`scan`] may find a token other than a number in `text`: URLs, e-mail addresses,
/// paths, file names and host names each need a `.`, `:`, `@` or `H`.
pub fn may_hold_name(text: &str) -> bool {
    needed_bytes(text) & (DOT | COLON | AT | CAPITAL_H) != 0
}

/// Finds the tokens of `text`, ranges relative to `text`, sorted and without overlaps.
pub fn scan(text: &str) -> Vec<Token> {
    let mut found = Vec::new();
    scan_into(text, 0, &mut found);
    found
}

/// Appends the tokens of `text` to `found`, as [`scan`] finds them but with `offset` added to
/// their ranges. Most text runs hold no token or one: a vector of their own, and the copy into
/// the block's, cost as much as finding them.
fn scan_into(text: &str, offset: usize, found: &mut Vec<Token>) {
    let base = found.len();
    // Text runs are short (40 bytes on average), so one pass that tells which patterns can
    // match saves more than any pattern's own search: most runs need none or one of them.
    let needed = needed_bytes(text);
    let char_before = |start: usize| text[..start].chars().next_back();
    let char_after = |end: usize| text[end..].chars().next();
    // URLs, e-mail addresses and paths need `://`, `@`, or `:\` or `HK`, which most prose
    // lacks: their regexes run only when it is there. File names, hosts and numbers are in
    // most runs, so they are matched by hand.
    if needed & COLON != 0 {
        add(found, base, offset, TokenKind::Url, urls(text));
    }
    if needed & AT != 0 {
        let emails = EMAIL
            .find_iter(text)
            .filter(|m| !continues_name(char_before(m.start())))
            .map(|m| m.range());
        add(found, base, offset, TokenKind::Email, emails);
    }
    // A backslash alone starts no path, and Markdown escapes (`\*`) are common: the path
    // regex, slow on CJK text (its `\b` is Unicode-aware), runs only after `:\` or `HK`.
    let may_be_path = (needed & COLON != 0 && holds(text, ":\\"))
        || (needed & CAPITAL_H != 0 && holds(text, "HK"));
    if may_be_path {
        let paths = paths(text).filter_map(|path| {
            let end = path.start + text[path.clone()].trim_end_matches(['.', '\\']).len();
            let glued = char_before(path.start).is_some_and(|c| c.is_ascii_alphanumeric());
            (!glued && end - path.start > 4).then_some(path.start..end)
        });
        add(found, base, offset, TokenKind::Path, paths);
    }
    if needed & DOT != 0 {
        let file_names = FileNames::new(text).filter(|range| {
            !continues_name(char_before(range.start))
                && !char_after(range.end).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        add(found, base, offset, TokenKind::FileName, file_names);
        let hosts = Hosts::new(text).filter(|range| {
            let after = char_after(range.end);
            !continues_name(char_before(range.start))
                && after != Some('@')
                && after != Some('_')
                && is_host(&text[range.clone()])
        });
        add(found, base, offset, TokenKind::Host, hosts);
    }
    if needed & DIGIT != 0 {
        let glued =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
        let numbers = Numbers::new(text)
            .filter(|range| !glued(char_before(range.start)) && !glued(char_after(range.end)));
        add(found, base, offset, TokenKind::Number, numbers);
    }
}

/// Whether `text` holds `needle`: a memchr for the needle's first byte, then a comparison where
/// it is. In a text run or a block that is cheaper than `str::contains`, whose two-way searcher
/// costs more to set up than the search.
pub(crate) fn holds(text: &str, needle: &str) -> bool {
    let (bytes, needle) = (text.as_bytes(), needle.as_bytes());
    memchr::memchr_iter(needle[0], bytes).any(|index| bytes[index..].starts_with(needle))
}

/// Pushes the tokens of a block's prose onto `tokens`: those of each text run, ranges in
/// `text`, run after run. They are the tokens of the block's prose as [`Block::prose`] joins
/// it (with the ranges moved): no token holds a space, and a space next to a token's edge
/// counts as the end of the text does.
pub fn push_prose_tokens(block: &Block, text: &str, tokens: &mut Vec<Token>) {
    for run in &block.text_runs {
        scan_into(&text[run.clone()], run.start, tokens);
    }
}

/// The text runs of a block, each with its tokens out of the block's [`push_prose_tokens`].
pub fn tokens_by_run<'a>(
    block: &'a Block,
    tokens: &'a [Token],
) -> impl Iterator<Item = (Range<usize>, &'a [Token])> + 'a {
    let mut rest = tokens;
    block.text_runs.iter().map(move |run| {
        // The tokens come run after run, each inside its run, and runs do not overlap.
        let count = rest
            .iter()
            .take_while(|token| run.start <= token.range.start && token.range.end <= run.end)
            .count();
        let (of_run, after) = rest.split_at(count);
        rest = after;
        (run.clone(), of_run)
    })
}

/// The prose tokens of every block of a parsed text, found on first need and then shared:
/// alignment hashes them and host-drift (LD101) and number-drift (LD102) compare them, and
/// scanning the same prose once for each of them cost as much again as the scan.
#[derive(Debug)]
pub struct ProseTokens<'a> {
    view: &'a View,
    found: OnceCell<FoundTokens>,
}

/// Every block's tokens, one block after the other.
#[derive(Debug)]
struct FoundTokens {
    tokens: Vec<Token>,
    /// Where each block's tokens end in `tokens`; each starts where the one before ends.
    ends: Vec<usize>,
}

impl<'a> ProseTokens<'a> {
    /// The tokens of the blocks of `view`, to be found when first asked for.
    pub fn new(view: &'a View) -> ProseTokens<'a> {
        ProseTokens {
            view,
            found: OnceCell::new(),
        }
    }

    /// The tokens of block `index`'s prose, as [`push_prose_tokens`] finds them.
    pub fn of_block(&self, index: usize) -> &[Token] {
        let found = self.found.get_or_init(|| {
            let mut tokens = Vec::new();
            let ends = self
                .view
                .blocks
                .iter()
                .map(|block| {
                    push_prose_tokens(block, self.view.text(), &mut tokens);
                    tokens.len()
                })
                .collect();
            FoundTokens { tokens, ends }
        });
        let start = index.checked_sub(1).map_or(0, |before| found.ends[before]);
        &found.tokens[start..found.ends[index]]
    }
}

/// The URLs of `text`: what [`scan`] finds of kind [`TokenKind::Url`], for callers that need
/// nothing else (URLs go first, so no other token takes their place).
pub fn urls(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let may_have_urls = holds(text, "://");
    URL.find_iter(if may_have_urls { text } else { "" })
        .map(|m| m.start()..m.start() + trim_url(m.as_str()).len())
        .filter(|range| !range.is_empty())
}

/// The matches of the path pattern
/// `(?:[A-Za-z]:\\{1,2}|HKEY_[A-Z_]+|HK(?:LM|CU)\b)(?:\\{0,2}[A-Za-z0-9_.$%{}-]+)*`, leftmost first,
/// as a regex search through the text finds them. A match starts at a drive letter before
/// `:\` or at `HK`, and nothing before its start decides it, so the pattern is tried, anchored,
/// only there: its Unicode-aware `\b` makes a search through CJK text slow.
fn paths(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut position = 0;
    std::iter::from_fn(move || {
        while position < bytes.len() {
            let start = position;
            position += 1;
            let rest = &bytes[start..];
            let may_start = rest.starts_with(b"HK")
                || (rest[0].is_ascii_alphabetic() && rest[1..].starts_with(b":\\"));
            if let Some(found) = may_start.then(|| PATH_HERE.find(&text[start..])).flatten() {
                position = start + found.end();
                return Some(start..position);
            }
        }
        None
    })
}

/// Adds the candidates of one kind, moved by `offset`, to the tokens of the kinds before it
/// (`found[base..]`, which win overlaps), keeping those sorted. The candidates are sorted and do
/// not overlap one another, so one pass settles the overlaps and one merge the order: linear
/// even for a 50 MB line of tokens.
fn add(
    found: &mut Vec<Token>,
    base: usize,
    offset: usize,
    kind: TokenKind,
    candidates: impl Iterator<Item = Range<usize>>,
) {
    let earlier_end = found.len();
    let mut earlier = base;
    for range in candidates.filter(|range| !range.is_empty()) {
        let range = offset + range.start..offset + range.end;
        // Earlier tokens that end before this candidate starts cannot overlap it or any later
        // candidate.
        while earlier < earlier_end && found[earlier].range.end <= range.start {
            earlier += 1;
        }
        let overlaps = earlier < earlier_end && found[earlier].range.start < range.end;
        if !overlaps {
            found.push(Token { kind, range });
        }
    }
    // The earlier tokens and the added ones are two sorted runs: the stable sort finds them
    // and merges them in one pass (and sorts a few tokens in place, without allocating).
    if base < earlier_end && earlier_end < found.len() {
        found[base..].sort_by_key(|token| token.range.start);
    }
}

/// The byte length of the name character (`[A-Za-z0-9_.-]`, case-insensitive) that ends at
/// `bytes[end]`. Case-insensitive matching admits the two non-ASCII characters that Unicode case
/// folding joins to ASCII letters, `ſ` (U+017F, long s) and `K` (U+212A, Kelvin sign): the
/// file-name pattern was a case-insensitive regex, and they still count, so that findings do
/// not change. A lead byte is never a continuation byte, so looking back from any character
/// boundary finds whole characters.
fn name_char_before(bytes: &[u8], end: usize) -> Option<usize> {
    match &bytes[..end] {
        [.., b] if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') => Some(1),
        [.., 0xC5, 0xBF] => Some(2),
        [.., 0xE2, 0x84, 0xAA] => Some(3),
        _ => None,
    }
}

/// The byte length of the name character that starts at `bytes[start]` (see
/// [`name_char_before`]).
fn name_char_at(bytes: &[u8], start: usize) -> Option<usize> {
    match &bytes[start..] {
        [b, ..] if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') => Some(1),
        [0xC5, 0xBF, ..] => Some(2),
        [0xE2, 0x84, 0xAA, ..] => Some(3),
        _ => None,
    }
}

/// The ASCII letter or digit that the character at the start of `bytes` equals ignoring case,
/// with Unicode's simple case folding (`ſ` is an `s`, `K` a `k`), and the character's length.
fn folded(bytes: &[u8]) -> Option<(u8, usize)> {
    match bytes {
        [b, ..] if b.is_ascii_alphanumeric() => Some((b.to_ascii_lowercase(), 1)),
        [0xC5, 0xBF, ..] => Some((b's', 2)),
        [0xE2, 0x84, 0xAA, ..] => Some((b'k', 3)),
        _ => None,
    }
}

/// The byte length of the first file-name extension that `bytes` starts with.
fn extension_len(bytes: &[u8]) -> Option<usize> {
    let (first, _) = folded(bytes)?;
    extensions_starting_with(first)
        .iter()
        .find_map(|extension| {
            extension.bytes().try_fold(0, |len, expected| {
                let (letter, char_len) = folded(&bytes[len..])?;
                (letter == expected).then_some(len + char_len)
            })
        })
}

/// The offset of the first dot in `bytes`.
fn next_dot(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'.', bytes)
}

/// The matches of the file-name pattern
/// `(?i)[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:exe|…)`, leftmost first, as a regex finds them.
///
/// In a maximal run of name characters, the greedy `*` reaches the last dot that an extension
/// follows, and the match starts at the run's first character that is not a dot. A run thus
/// holds at most one match. Only runs with a dot and an extension after it can match, so the
/// search goes from dot to dot.
struct FileNames<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> FileNames<'a> {
    fn new(text: &'a str) -> Self {
        FileNames { text, position: 0 }
    }
}

impl Iterator for FileNames<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        while let Some(offset) = next_dot(&bytes[self.position..]) {
            let dot = self.position + offset;
            if extension_len(&bytes[dot + 1..]).is_none() {
                self.position = dot + 1;
                continue;
            }
            // The run ends before the previous run's end, which is no name character.
            let mut run_start = dot;
            while let Some(len) = name_char_before(bytes, run_start) {
                run_start -= len;
            }
            let mut run_end = dot + 1;
            while let Some(len) = name_char_at(bytes, run_end) {
                run_end += len;
            }
            self.position = run_end;
            let run = &bytes[run_start..run_end];
            let Some(start) = run.iter().position(|&b| b != b'.') else {
                continue;
            };
            let last_dot = run
                .iter()
                .enumerate()
                .rev()
                .filter(|&(dot, &b)| b == b'.' && dot > start)
                .find_map(|(dot, _)| Some((dot, extension_len(&run[dot + 1..])?)));
            if let Some((dot, extension)) = last_dot {
                return Some(run_start + start..run_start + dot + 1 + extension);
            }
        }
        None
    }
}

/// The matches of the host pattern `[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.…)+` (labels
/// of letters, digits and inner hyphens joined by dots), leftmost first, as a regex finds
/// them: each label as long as it can be, as many labels as follow.
///
/// A match starts with a label that ends on a letter or digit right before a dot and another
/// label, so the search goes from dot to dot and looks back for the first label.
struct Hosts<'a> {
    text: &'a str,
    position: usize,
    /// The end of the last match: a regex does not look back before it.
    last_end: usize,
}

impl<'a> Hosts<'a> {
    fn new(text: &'a str) -> Self {
        Hosts {
            text,
            position: 0,
            last_end: 0,
        }
    }

    /// Whether a dot is at `index` and a letter or digit after it.
    fn dot_then_label(&self, index: usize) -> bool {
        let bytes = self.text.as_bytes();
        bytes.get(index) == Some(&b'.')
            && bytes.get(index + 1).is_some_and(u8::is_ascii_alphanumeric)
    }
}

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

impl Iterator for Hosts<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        while let Some(offset) = next_dot(&bytes[self.position..]) {
            let dot = self.position + offset;
            self.position = dot + 1;
            let ends_label = dot > self.last_end && bytes[dot - 1].is_ascii_alphanumeric();
            if !ends_label || !self.dot_then_label(dot) {
                continue;
            }
            // The first label: back over letters, digits and hyphens, then forward over the
            // hyphens a label cannot start with.
            let mut start = dot - 1;
            while start > self.last_end && is_label_byte(bytes[start - 1]) {
                start -= 1;
            }
            while bytes[start] == b'-' {
                start += 1;
            }
            let mut end = dot;
            while self.dot_then_label(end) {
                let run_end = end
                    + 1
                    + bytes[end + 1..]
                        .iter()
                        .take_while(|&&b| is_label_byte(b))
                        .count();
                // The label gives back trailing hyphens; a hyphen then ends the name.
                end = run_end
                    - bytes[end + 1..run_end]
                        .iter()
                        .rev()
                        .take_while(|&&b| b == b'-')
                        .count();
            }
            self.position = end;
            self.last_end = end;
            return Some(start..end);
        }
        None
    }
}

/// The matches of the number pattern `[0-9０-９]+(?:[.,][0-9０-９]+)*`, leftmost first:
/// digits, and more groups of digits after single `.` or `,` separators.
struct Numbers<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Numbers<'a> {
    fn new(text: &'a str) -> Self {
        Numbers {
            bytes: text.as_bytes(),
            position: 0,
        }
    }

    /// The byte length of the digit (ASCII or full-width, U+FF10–U+FF19) at `index`.
    fn digit(&self, index: usize) -> Option<usize> {
        match self.bytes.get(index..)? {
            [b, ..] if b.is_ascii_digit() => Some(1),
            [0xEF, 0xBC, 0x90..=0x99, ..] => Some(3),
            _ => None,
        }
    }

    /// The end of the run of digits from `index`.
    fn digits_end(&self, mut index: usize) -> usize {
        while let Some(len) = self.digit(index) {
            index += len;
        }
        index
    }
}

impl Iterator for Numbers<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.bytes;
        // Most bytes are neither a digit nor the first byte of a full-width one.
        while let Some(offset) = bytes[self.position..]
            .iter()
            .position(|&b| NEEDED_BYTES[usize::from(b)] & DIGIT != 0)
        {
            let start = self.position + offset;
            if self.digit(start).is_none() {
                self.position = start + 1;
                continue;
            }
            let mut end = self.digits_end(start);
            while matches!(bytes.get(end), Some(b'.' | b',')) && self.digit(end + 1).is_some() {
                end = self.digits_end(end + 1);
            }
            self.position = end;
            return Some(start..end);
        }
        None
    }
}

/// Whether a dotted name is a host name rather than a version, an abbreviation or a sentence
/// glued at a full stop.
pub fn is_host(name: &str) -> bool {
    // Bytes rather than characters: every test is about ASCII, which no byte of another
    // character passes.
    let labels = || name.as_bytes().split(|&b| b == b'.');
    let last = labels().next_back().unwrap_or_default();
    if !last.iter().all(u8::is_ascii_alphabetic) || last.len() < 2 {
        return false;
    }
    if labels().all(|label| label.iter().all(u8::is_ascii_digit)) {
        return false;
    }
    if labels().nth(2).is_some() {
        // `Ask.Click.OK`: three capitalised words glued at full stops are prose, not a host.
        return labels().any(|label| !label.iter().any(u8::is_ascii_uppercase));
    }
    TOP_LEVEL_DOMAINS
        .iter()
        .any(|domain| domain.as_bytes() == last)
}

/// Drops punctuation that ends a sentence rather than the URL.
fn trim_url(url: &str) -> &str {
    let mut end = url.len();
    while end > 0 {
        let last = url[..end].chars().next_back().expect("non-empty");
        if matches!(
            last,
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_' | '\'' | '"'
        ) {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    &url[..end]
}

/// Normalises a token for comparison: hosts and e-mail addresses ignore case, `&amp;` equals
/// `&`, full-width digits equal ASCII ones, and doubled backslashes (Markdown escapes) equal
/// single ones.
pub fn normalize(kind: TokenKind, text: &str) -> String {
    match kind {
        TokenKind::Host | TokenKind::Email => text.to_ascii_lowercase(),
        TokenKind::Url => text.replace("&amp;", "&"),
        TokenKind::Path => text.replace("\\\\", "\\").to_ascii_lowercase(),
        TokenKind::FileName => text.to_ascii_lowercase(),
        TokenKind::Number => text
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect(),
    }
}

/// The scanner as it was before it was written by hand: six regexes and an ordered map. The
/// property tests check that [`scan`] gives exactly what this gives.
#[cfg(test)]
mod oracle {
    use std::collections::BTreeMap;
    use std::ops::Range;
    use std::sync::LazyLock;

    use regex::Regex;

    use super::{EMAIL, Token, TokenKind, URL, continues_name, is_host, trim_url};

    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:[A-Za-z]:\\{1,2}|HKEY_[A-Z_]+|HK(?:LM|CU)\b)(?:\\{0,2}[A-Za-z0-9_.$%{}-]+)*",
        )
        .expect("path pattern is valid")
    });

    static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:exe|msc|msi|msp|dll|sys|json|xml|ya?ml|toml|md|txt|ps1|psm1|psd1|cmd|bat|sh|py|html?|css|config|cer|crt|pem|pfx|zip|cab|log|csv|ini|inf|reg|csproj|cs|vbs|png|jpe?g|gif|svg|pdf|docx?|xlsx?|pptx?|ost|pst|vhdx?|iso|ics|xaml|sln)",
        )
        .expect("file-name pattern is valid")
    });
    static HOST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+",
        )
        .expect("host pattern is valid")
    });
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[0-9０-９]+(?:[.,][0-9０-９]+)*").expect("number pattern is valid")
    });

    /// Finds the tokens of `text`, ranges relative to `text`, sorted and without overlaps.
    pub fn scan(text: &str) -> Vec<Token> {
        // Tokens found so far by start, with their ends and kinds. They never overlap, so the one
        // that starts last before a range ends is the only one that can overlap it.
        let mut found: BTreeMap<usize, (usize, TokenKind)> = BTreeMap::new();
        let push = |kind: TokenKind,
                    range: Range<usize>,
                    found: &mut BTreeMap<usize, (usize, TokenKind)>| {
            if range.is_empty()
                || found
                    .range(..range.end)
                    .next_back()
                    .is_some_and(|(_, &(end, _))| end > range.start)
            {
                return;
            }
            found.insert(range.start, (range.end, kind));
        };
        // Each pattern needs a character that most prose lacks; looking for it first is much
        // cheaper than running the pattern.
        let has_dot = text.contains('.');
        for m in URL.find_iter(if text.contains("://") { text } else { "" }) {
            let trimmed = trim_url(m.as_str());
            push(
                TokenKind::Url,
                m.start()..m.start() + trimmed.len(),
                &mut found,
            );
        }
        for m in EMAIL.find_iter(if text.contains('@') { text } else { "" }) {
            let before = text[..m.start()].chars().next_back();
            if !continues_name(before) {
                push(TokenKind::Email, m.range(), &mut found);
            }
        }
        let may_be_path = text.contains('\\') || text.contains("HK");
        for m in PATH.find_iter(if may_be_path { text } else { "" }) {
            let before = text[..m.start()].chars().next_back();
            let end = m.start() + m.as_str().trim_end_matches(['.', '\\']).len();
            if !before.is_some_and(|c| c.is_ascii_alphanumeric()) && end - m.start() > 4 {
                push(TokenKind::Path, m.start()..end, &mut found);
            }
        }
        for m in FILE_NAME.find_iter(if has_dot { text } else { "" }) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if !continues_name(before)
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                push(TokenKind::FileName, m.range(), &mut found);
            }
        }
        for m in HOST.find_iter(if has_dot { text } else { "" }) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if continues_name(before) || after == Some('@') || after == Some('_') {
                continue;
            }
            if is_host(m.as_str()) {
                push(TokenKind::Host, m.range(), &mut found);
            }
        }
        let has_digit = text
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
        for m in NUMBER.find_iter(if has_digit { text } else { "" }) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let glued = |c: Option<char>| {
                c.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
            };
            if !glued(before) && !glued(after) {
                push(TokenKind::Number, m.range(), &mut found);
            }
        }
        found
            .into_iter()
            .map(|(start, (end, kind))| Token {
                kind,
                range: start..end,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        scan(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.range]))
            .collect()
    }

    #[test]
    fn finds_hosts_inside_cjk_text() {
        assert_eq!(
            kinds("例如domainName.contoso.com，请联系bobk@contoso.com。"),
            [
                (TokenKind::Host, "domainName.contoso.com"),
                (TokenKind::Email, "bobk@contoso.com")
            ]
        );
    }

    #[test]
    fn files_paths_urls_numbers() {
        assert_eq!(
            kinds(
                "运行 msoidsvc.exe 和 certmgr.msc，见 https://go.microsoft.com/fwlink/?linkid=3052&amp;kbid=816042。"
            ),
            [
                (TokenKind::FileName, "msoidsvc.exe"),
                (TokenKind::FileName, "certmgr.msc"),
                (
                    TokenKind::Url,
                    "https://go.microsoft.com/fwlink/?linkid=3052&amp;kbid=816042"
                ),
            ]
        );
        assert_eq!(
            kinds(r"HKEY_LOCAL_MACHINE\\Software\\Policies 需要 72 个小时"),
            [
                (TokenKind::Path, r"HKEY_LOCAL_MACHINE\\Software\\Policies"),
                (TokenKind::Number, "72")
            ]
        );
    }

    #[test]
    fn names_glued_at_dots_and_hyphens() {
        assert_eq!(
            kinds("see a-.b.com, x.y-.z and 1.2.,3 or ab.csproj and setup.exe.txt"),
            [
                (TokenKind::Host, "b.com"),
                (TokenKind::Number, "1.2"),
                (TokenKind::Number, "3"),
                (TokenKind::FileName, "ab.csproj"),
                (TokenKind::FileName, "setup.exe.txt"),
            ]
        );
        // An extension is tried before the shorter ones it starts with.
        assert_eq!(
            kinds("build App.csproj, not App.cs"),
            [
                (TokenKind::FileName, "App.csproj"),
                (TokenKind::FileName, "App.cs")
            ]
        );
        // Case-insensitive matching folds `ſ` (long s) to `s`, as the file-name regex did.
        assert_eq!(kinds("run a.ſh"), [(TokenKind::FileName, "a.ſh")]);
    }

    #[test]
    fn prose_is_not_a_host() {
        assert!(kinds("e.g. this, Node.js and ASP.NET.").is_empty());
        assert!(!is_host("1.2.3"));
        assert!(is_host("domainName.contoso.comto"));
    }

    /// Pieces of text where the patterns match, almost match, and meet: scheme and path
    /// prefixes, extensions, top-level domains, separators, the characters that case folding
    /// joins to ASCII letters (`ſ`, `K`), full-width digits, CJK punctuation.
    fn piece() -> impl Strategy<Value = String> {
        const FRAGMENTS: &[&str] = &[
            "http://",
            "HTTPS://",
            "ftp://",
            "httpſ://",
            "HKEY_LOCAL_MACHINE",
            "HKLM",
            "HKCU",
            "C:\\",
            "\\\\",
            "contoso.com",
            "go.microsoft.com",
            ".com",
            ".co",
            ".exe",
            ".JSON",
            ".yml",
            ".yaml",
            ".htm",
            ".html",
            ".cs",
            ".csproj",
            ".psm1",
            ".ſys",
            "Ka.md",
            "1.2.3",
            "1,000",
            "０.９",
            "&amp;",
            "&#160;",
            "bob@",
            "@contoso.com",
            "x-",
            "-x",
            "..",
            ".-",
            "例如",
            "。",
            "，",
            "（",
            "」",
            "e.g.",
            "Node.js",
            "ASP.NET",
        ];
        const CHARACTERS: &[char] = &[
            'a', 'Z', 'k', 's', 'x', '0', '7', '.', ',', '-', '_', '@', '/', '\\', ':', ' ', '%',
            '+', '$', '{', '}', '\'', '"', '*', '?', '!', 'ſ', 'K', 'é', '０', '９', '例', '\n',
        ];
        prop_oneof![
            3 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
            3 => proptest::sample::select(CHARACTERS).prop_map(String::from),
            2 => "[a-zA-Z0-9.-]{1,8}",
            1 => any::<char>().prop_map(String::from),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 0..32).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        // `PROPTEST_CASES` raises the count for a longer run.
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(4096),
            ..ProptestConfig::default()
        })]

        #[test]
        fn hand_written_scanner_equals_the_regexes(text in text()) {
            prop_assert_eq!(scan(&text), oracle::scan(&text));
        }

        #[test]
        fn hand_written_scanner_equals_the_regexes_on_any_text(text in any::<String>()) {
            prop_assert_eq!(scan(&text), oracle::scan(&text));
        }

        #[test]
        fn texts_without_the_needed_bytes_hold_no_such_tokens(text in text()) {
            let tokens = scan(&text);
            if !may_hold_number(&text) {
                prop_assert!(tokens.iter().all(|t| t.kind != TokenKind::Number));
            }
            if !may_hold_name(&text) {
                prop_assert!(tokens.iter().all(|t| t.kind == TokenKind::Number));
            }
        }

        /// Alignment hashed the tokens of a block's prose, its runs joined by spaces; it now
        /// reads those of each run, found once for it and the rules.
        #[test]
        fn tokens_of_runs_are_those_of_the_runs_joined_by_spaces(
            runs in proptest::collection::vec(text(), 0..4)
        ) {
            let mut by_run = Vec::new();
            let mut start = 0;
            for run in &runs {
                by_run.extend(scan(run).into_iter().map(|token| Token {
                    kind: token.kind,
                    range: start + token.range.start..start + token.range.end,
                }));
                start += run.len() + 1;
            }
            prop_assert_eq!(by_run, scan(&runs.join(" ")));
        }

        #[test]
        fn urls_are_the_url_tokens(text in text()) {
            let from_scan: Vec<Range<usize>> = scan(&text)
                .into_iter()
                .filter(|token| token.kind == TokenKind::Url)
                .map(|token| token.range)
                .collect();
            prop_assert_eq!(urls(&text).collect::<Vec<_>>(), from_scan);
        }
    }
}
