//! Language-neutral tokens inside prose: the words a translation must carry over unchanged.
//!
//! Tokens are found with small anchored regexes over text runs that the Markdown parser has
//! already separated from code, link destinations and HTML, never over whole documents. CJK
//! text has no spaces, so a token's edges are checked by hand: the character before and after
//! must not continue an ASCII name (`\b` would treat `例如domain.com` as one word).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

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
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[A-Za-z]:\\{1,2}|HKEY_[A-Z_]+|HK(?:LM|CU)\b)(?:\\{0,2}[A-Za-z0-9_.$%{}-]+)*")
        .expect("path pattern is valid")
});
static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:exe|msc|msi|msp|dll|sys|json|xml|ya?ml|toml|md|txt|ps1|psm1|psd1|cmd|bat|sh|py|html?|css|config|cer|crt|pem|pfx|zip|cab|log|csv|ini|inf|reg|cs|vbs|png|jpe?g|gif|svg|pdf|docx?|xlsx?|pptx?|ost|pst|vhdx?|iso|ics|xaml|csproj|sln)",
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

/// Finds the tokens of `text`, ranges relative to `text`, sorted and without overlaps.
pub fn scan(text: &str) -> Vec<Token> {
    // Tokens found so far by start, with their ends and kinds. They never overlap, so the one
    // that starts last before a range ends is the only one that can overlap it.
    let mut found: BTreeMap<usize, (usize, TokenKind)> = BTreeMap::new();
    let push =
        |kind: TokenKind, range: Range<usize>, found: &mut BTreeMap<usize, (usize, TokenKind)>| {
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
        if !continues_name(before) && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
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
        let glued =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
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

/// Whether a dotted name is a host name rather than a version, an abbreviation or a sentence
/// glued at a full stop.
pub fn is_host(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let Some(last) = labels.last() else {
        return false;
    };
    if !last.chars().all(|c| c.is_ascii_alphabetic()) || last.len() < 2 {
        return false;
    }
    if labels
        .iter()
        .all(|label| label.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    if labels.len() >= 3 {
        // `Ask.Click.OK`: three capitalised words glued at full stops are prose, not a host.
        return labels
            .iter()
            .any(|label| label.chars().all(|c| !c.is_ascii_uppercase()));
    }
    TOP_LEVEL_DOMAINS.contains(last)
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

#[cfg(test)]
mod tests {
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
    fn prose_is_not_a_host() {
        assert!(kinds("e.g. this, Node.js and ASP.NET.").is_empty());
        assert!(!is_host("1.2.3"));
        assert!(is_host("domainName.contoso.comto"));
    }
}
