//! Front matter: the YAML block between the first two `---` lines of a file.
//!
//! Docs front matter is flat `key: value` lines with the odd list (`- item`) under a key. We read
//! the top-level keys and their scalar values with spans; nested YAML is kept as raw text of the
//! key's value. This is not a YAML parser and does not need to be one: rules only ask for
//! `ms.assetid`, `ms.translationtype`, `title`, `no-loc` and the like.

use std::ops::Range;

/// The front matter block. Invariant: `range` covers both `---` lines; every entry lies inside it.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub range: Range<usize>,
    /// The range just after the closing `---` line, where the body starts.
    pub body_start: usize,
    pub entries: Vec<Entry>,
}

/// One top-level `key: value` pair.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    /// The value with surrounding quotes removed. For a key whose value is an indented block or
    /// a list, the items, each stripped of its `- ` marker.
    pub value: String,
    pub value_range: Range<usize>,
    pub items: Vec<(String, Range<usize>)>,
}

impl FrontMatter {
    /// The first entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.key == key)
    }
}

/// Reads the front matter at the start of `text`, if there is a closed one.
///
/// A block that opens but never closes is not front matter (CommonMark then sees a thematic
/// break); the caller is told through `Err` with the opening range so it can report it.
pub fn parse(text: &str) -> Result<Option<FrontMatter>, Range<usize>> {
    let first_line_end = text.find('\n').map_or(text.len(), |index| index + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(None);
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut offset = first_line_end;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |index| offset + index + 1);
        let line = &text[offset..line_end];
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_end() == "---" || content.trim_end() == "..." {
            return Ok(Some(FrontMatter {
                range: 0..offset + content.len(),
                body_start: line_end,
                entries,
            }));
        }
        let indented = content.starts_with([' ', '\t']);
        let trimmed = content.trim_start();
        if trimmed.starts_with("- ") || trimmed == "-" || indented {
            if let Some(entry) = entries.last_mut() {
                let item_start = offset + (content.len() - trimmed.len());
                let item = trimmed.strip_prefix('-').unwrap_or(trimmed).trim();
                let item_offset = item_start + trimmed.find(item).unwrap_or(0);
                if !item.is_empty() {
                    entry.items.push((
                        unquote(item).to_string(),
                        item_offset..item_offset + item.len(),
                    ));
                }
            }
        } else if let Some(colon) = find_key_colon(content) {
            let key = content[..colon].trim();
            let raw_value = content[colon + 1..].trim();
            let value_start = offset
                + colon
                + 1
                + (content[colon + 1..].len() - content[colon + 1..].trim_start().len());
            entries.push(Entry {
                key: key.to_string(),
                key_range: offset..offset + key.len(),
                value: unquote(raw_value).to_string(),
                value_range: value_start..value_start + raw_value.len(),
                items: Vec::new(),
            });
        }
        offset = line_end;
    }
    Err(0..first_line_end.min(text.len()))
}

/// The colon that ends a key: the first `: ` or a colon at the end of the line.
fn find_key_colon(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    let rest = &line[colon + 1..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(colon)
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_values_and_items() {
        let text =
            "---\ntitle: \"Hello\"\nno-loc:\n- Teams\n- Skype\nms.assetid: abc\n---\n# Body\n";
        let front = parse(text).unwrap().unwrap();
        assert_eq!(front.get("title").unwrap().value, "Hello");
        assert_eq!(
            &text[front.get("ms.assetid").unwrap().value_range.clone()],
            "abc"
        );
        let items: Vec<_> = front
            .get("no-loc")
            .unwrap()
            .items
            .iter()
            .map(|i| i.0.as_str())
            .collect();
        assert_eq!(items, ["Teams", "Skype"]);
        assert_eq!(&text[front.body_start..], "# Body\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(parse("---\ntitle: x\n").is_err());
        assert!(parse("# no front matter\n").unwrap().is_none());
    }
}
