use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::{Block, BlockKind};
use crate::markdown::tokens::{self, TokenKind};
use crate::rules::support::{
    Pool, code_content, examine_only, key_hash, source_block_label, target_block_label,
};
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports inline code and fenced code blocks of the source that are changed, missing or
    /// stripped of their backticks in the aligned block of the translation.
    ///
    /// Code comments may be translated: in a fenced block whose language is known, comments
    /// (`#` in shell, PowerShell, Python and YAML; `//` and `/* */` in C-like languages and
    /// JSON; `REM` and `::` in batch files; `--` in SQL; `<!-- -->` in XML and HTML) are
    /// dropped before the code is compared, and in a block with no language, whole-line `#`
    /// and `//` comments are. A placeholder in angle brackets (`<name>`) may be translated too.
    /// White space is not compared.
    ///
    /// A code span whose only change is a host name, URL, e-mail address, file name or path is
    /// left to `host-drift` (LD101), which names the value.
    ///
    /// ## Why is this bad?
    /// Readers copy code into a terminal or a configuration file. A translated keyword, a
    /// changed option or a lost backtick makes a command that does not run, or text that no
    /// longer shows as code.
    ///
    /// ## Example
    /// ```md en
    /// Run `backupctl schedule --every 6h`.
    /// ```
    /// ```md zh-cn
    /// 运行 `backupctl 计划 --every 6h`。
    /// ```
    ///
    /// Use instead:
    /// ```md zh-cn
    /// 运行 `backupctl schedule --every 6h`。
    /// ```
    ///
    /// ## Known limitations
    /// String literals are compared as code: a message string translated inside a code block is
    /// reported. Code that moved to a block that alignment did not pair with its source is not
    /// reported as missing when the translation has it elsewhere.
    pub struct CodeDrift;
    code = "LD103", name = "code-drift", severity = Error, since = "0.1.0"
}

/// `<name>`, `<区域>`: a placeholder that a translation may localize. Tags with attributes
/// (`<add key="x">`) are code and stay compared.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<[^<>="'/\s][^<>="'/]{0,40}>"#).expect("placeholder pattern is valid")
});

/// Code as compared: white space collapsed, placeholders blanked.
fn normalize(code: &str) -> String {
    let collapsed = code.split_whitespace().collect::<Vec<_>>().join(" ");
    PLACEHOLDER.replace_all(&collapsed, "<>").into_owned()
}

/// Code with the values that host-drift (LD101) owns blanked.
fn without_values(code: &str) -> String {
    let mut masked = String::new();
    let mut last = 0;
    for token in tokens::scan(code) {
        if token.kind == TokenKind::Number {
            continue;
        }
        masked.push_str(&code[last..token.range.start]);
        masked.push('\u{1}');
        last = token.range.end;
    }
    masked.push_str(&code[last..]);
    normalize(&masked)
}

/// How a language writes comments.
struct CommentStyle {
    /// Markers that comment out the rest of a line, when at the start of the line or after
    /// white space.
    line: &'static [&'static str],
    block: &'static [(&'static str, &'static str)],
    /// Only whole-line comments (for a block with no language, and batch files).
    whole_line_only: bool,
}

fn comment_style(language: &str) -> CommentStyle {
    let hash: &[&str] = &["#"];
    match language {
        "bash"
        | "sh"
        | "shell"
        | "zsh"
        | "console"
        | "azurecli"
        | "azurecli-interactive"
        | "python"
        | "py"
        | "yaml"
        | "yml"
        | "toml"
        | "ruby"
        | "rb"
        | "perl"
        | "r"
        | "dockerfile"
        | "makefile"
        | "conf"
        | "nginx"
        | "ini" => CommentStyle {
            line: if language == "ini" { &["#", ";"] } else { hash },
            block: &[],
            whole_line_only: false,
        },
        "powershell"
        | "ps"
        | "ps1"
        | "pwsh"
        | "azurepowershell"
        | "azurepowershell-interactive" => CommentStyle {
            line: hash,
            block: &[("<#", "#>")],
            whole_line_only: false,
        },
        "c" | "cpp" | "c++" | "csharp" | "cs" | "c#" | "java" | "javascript" | "js" | "jsx"
        | "typescript" | "ts" | "tsx" | "go" | "rust" | "rs" | "kotlin" | "swift" | "scala"
        | "dart" | "json" | "jsonc" | "kusto" | "fsharp" | "php" | "css" | "scss" | "less" => {
            CommentStyle {
                line: &["//"],
                block: &[("/*", "*/")],
                whole_line_only: false,
            }
        }
        "cmd" | "bat" | "batch" | "dos" => CommentStyle {
            line: &["REM ", "rem ", "@REM ", "@rem ", "::"],
            block: &[],
            whole_line_only: true,
        },
        "sql" | "tsql" | "plsql" | "lua" | "haskell" | "hs" => CommentStyle {
            line: &["--"],
            block: &[("/*", "*/")],
            whole_line_only: false,
        },
        "xml" | "html" | "xaml" | "svg" | "markdown" | "md" | "csproj" | "config" | "aspx" => {
            CommentStyle {
                line: &[],
                block: &[("<!--", "-->")],
                whole_line_only: false,
            }
        }
        _ => CommentStyle {
            line: &["#", "//"],
            block: &[],
            whole_line_only: true,
        },
    }
}

/// One line of code with its comments removed, and where the line is in the view text.
#[derive(Debug)]
struct CodeLine {
    range: Range<usize>,
    code: String,
}

/// The lines of a fenced block's content (its text runs, so list indentation and `> ` are not
/// part of them), comments removed, blank lines dropped.
fn code_lines(block: &Block, text: &str, style: &CommentStyle) -> Vec<CodeLine> {
    let mut lines = Vec::new();
    let mut open_block: Option<&'static str> = None;
    for run in &block.text_runs {
        let mut offset = run.start;
        for line in text[run.clone()].split_inclusive('\n') {
            let range = offset..offset + line.trim_end_matches(['\n', '\r']).len();
            offset += line.len();
            let code = strip_comments(&text[range.clone()], style, &mut open_block);
            let code = normalize(&code);
            if !code.is_empty() {
                lines.push(CodeLine { range, code });
            }
        }
    }
    lines
}

/// Removes the comments of one line; `open_block` carries a block comment across lines.
fn strip_comments(
    line: &str,
    style: &CommentStyle,
    open_block: &mut Option<&'static str>,
) -> String {
    if style.whole_line_only {
        let trimmed = line.trim_start();
        return if style.line.iter().any(|marker| trimmed.starts_with(marker)) {
            String::new()
        } else {
            line.to_string()
        };
    }
    let mut kept = String::new();
    let mut quote: Option<char> = None;
    let mut index = 0;
    while index < line.len() {
        let rest = &line[index..];
        if let Some(end) = *open_block {
            match rest.find(end) {
                Some(at) => {
                    index += at + end.len();
                    *open_block = None;
                    kept.push(' ');
                    continue;
                }
                None => break,
            }
        }
        let c = rest.chars().next().expect("index is below the length");
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            kept.push(c);
            index += c.len_utf8();
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
            kept.push(c);
            index += 1;
            continue;
        }
        if let Some((start, end)) = style
            .block
            .iter()
            .find(|(start, _)| rest.starts_with(start))
        {
            index += start.len();
            *open_block = Some(end);
            continue;
        }
        let at_word_start = line[..index]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        if at_word_start && style.line.iter().any(|marker| rest.starts_with(marker)) {
            break;
        }
        kept.push(c);
        index += c.len_utf8();
    }
    kept
}

/// The info string's language, lower case: ```` ```PowerShell {.line-numbers} ```` is
/// `powershell`. Empty for an indented block.
fn fence_language(block: &Block, text: &str) -> String {
    let raw = &text[block.range.clone()];
    let first = raw.lines().next().unwrap_or("");
    let first = first.trim_start_matches([' ', '>', '\t']);
    let info = first
        .strip_prefix("```")
        .or_else(|| first.strip_prefix("~~~"))
        .unwrap_or("");
    info.trim_start_matches(['`', '~'])
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl CodeDrift {
    /// `whole_target` is the normalized text of the whole translation, made once per file and
    /// only if a block needs it (making it per block was quadratic in the file's length).
    fn inline(
        &self,
        cx: &Context<'_>,
        source: &Block,
        target: &Block,
        whole_target: &OnceCell<String>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(reference) = cx.reference else {
            return;
        };
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        if source.code_spans.is_empty() {
            return;
        }
        // Each target span with its normalized contents, made once.
        let target_spans: Vec<(Range<usize>, Range<usize>, String)> = target
            .code_spans
            .iter()
            .map(|span| {
                let inner = code_content(target_text, span);
                let key = normalize(&target_text[inner.clone()]);
                (span.clone(), inner, key)
            })
            .collect();
        let mut pool = Pool::new(target_spans, |(_, _, key), keys| keys.push(key_hash(key)));
        let mut unmatched = Vec::new();
        for span in &source.code_spans {
            let content = code_content(source_text, span);
            let key = normalize(&source_text[content.clone()]);
            if key.is_empty() {
                continue;
            }
            if pool
                .take(
                    |keys| keys.push(key_hash(&key)),
                    |(_, _, found)| *found == key,
                )
                .is_none()
            {
                unmatched.push((span.clone(), content));
            }
        }
        let mut target_spans: Vec<(Range<usize>, Range<usize>)> = pool
            .into_remaining()
            .into_iter()
            .map(|(span, inner, _)| (span, inner))
            .collect();
        let lone = unmatched.len() == 1 && target_spans.len() == 1;
        if let Some(summary) = examine_only(
            cx,
            &Self::INFO,
            (source, target),
            &mut unmatched,
            "code spans",
            false,
        ) {
            out.push(summary);
        }
        for (span, content) in unmatched {
            let written = &source_text[content.clone()];
            let source_label = reference.label(span.clone(), "code in the English source");
            // The changed span: the only one left, or one that keeps most of the source's words.
            let candidate = target_spans
                .iter()
                .enumerate()
                .map(|(index, (_, inner))| {
                    (index, similarity(written, &target_text[inner.clone()]))
                })
                .filter(|(_, similarity)| lone || *similarity >= 0.5)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((index, _)) = candidate {
                let (target_span, inner) = target_spans.remove(index);
                let found = &target_text[inner];
                if without_values(found) == without_values(written) {
                    // Only a host, URL, file name or path changed: host-drift reports it.
                    continue;
                }
                let range = cx.target_original(target_span);
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!("inline code `{found}` differs from the source's `{written}`"),
                        Label::target(range.clone(), format!("the source has `{written}`")),
                    )
                    .with_secondary(source_label)
                    .with_help("write the code as in the source; only comments and `<placeholders>` may be translated")
                    .with_fix(range, source_text[span.clone()].to_string(), Applicability::Unsafe),
                );
                continue;
            }
            // The code written as plain text: its backticks were lost.
            let bare = target.text_runs.iter().find_map(|run| {
                find_word(&target_text[run.clone()], written)
                    .map(|at| run.start + at..run.start + at + written.len())
            });
            if let Some(bare) = bare {
                let range = cx.target_original(bare);
                out.push(
                    Diagnostic::new(
                        &Self::INFO,
                        format!("`{written}` is not formatted as code in the translation"),
                        Label::target(range.clone(), "the source writes this as inline code"),
                    )
                    .with_secondary(source_label)
                    .with_help("put the backticks back")
                    .with_fix(
                        range,
                        source_text[span.clone()].to_string(),
                        Applicability::Safe,
                    ),
                );
                continue;
            }
            if whole_target
                .get_or_init(|| normalize(cx.target_text()))
                .contains(&normalize(written))
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &Self::INFO,
                    format!("inline code `{written}` is missing from the translation"),
                    target_block_label(
                        cx,
                        target,
                        format!("no `{written}` in this {}", target.kind.noun()),
                    ),
                )
                .with_secondary(source_label)
                .with_help(format!("keep `{written}` verbatim in the translation")),
            );
        }
    }

    fn fenced(&self, cx: &Context<'_>, source: &Block, target: &Block, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        // Most code blocks are copied as they are. Lines come from the text runs alone, so
        // runs the same as the source's give the same lines, and no finding.
        if source.text_runs.len() == target.text_runs.len()
            && source
                .text_runs
                .iter()
                .zip(&target.text_runs)
                .all(|(s, t)| source_text[s.clone()] == target_text[t.clone()])
        {
            return;
        }
        let language = fence_language(source, source_text);
        let style = comment_style(&language);
        let source_lines = code_lines(source, source_text, &style);
        let target_lines = code_lines(target, target_text, &style);
        let differing: Vec<usize> = (0..source_lines.len().max(target_lines.len()))
            .filter(|&i| {
                source_lines.get(i).map(|l| &l.code) != target_lines.get(i).map(|l| &l.code)
            })
            .collect();
        let Some(&first) = differing.first() else {
            return;
        };
        let what = if language.is_empty() {
            "code block".to_string()
        } else {
            format!("`{language}` code block")
        };
        let (message, primary) = match (source_lines.get(first), target_lines.get(first)) {
            (Some(s), Some(t)) => {
                let (word, found, expected) = first_difference(&s.code, &t.code);
                let line = &target_text[t.range.clone()];
                let range = word_range(line, word)
                    .map(|r| t.range.start + r.start..t.range.start + r.end)
                    .unwrap_or_else(|| t.range.clone());
                let message = match (found, expected) {
                    (Some(found), Some(expected)) => {
                        format!(
                            "{what} differs from the source: `{found}` where the source has `{expected}`"
                        )
                    }
                    (Some(found), None) => format!("{what} adds `{found}` to a line of the source"),
                    (None, Some(expected)) => {
                        format!("{what} drops `{expected}` from a line of the source")
                    }
                    (None, None) => format!("{what} differs from the source"),
                };
                (
                    message,
                    Label::target(
                        cx.target_original(range),
                        format!("the source's line is `{}`", s.code),
                    ),
                )
            }
            (Some(s), None) => (
                format!("{what} lacks a line of the source: `{}`", s.code),
                target_block_label(cx, target, "a line of the source is missing"),
            ),
            (None, Some(t)) => (
                format!("{what} has a line that the source does not: `{}`", t.code),
                Label::target(cx.target_original(t.range.clone()), "not in the source"),
            ),
            (None, None) => return,
        };
        let mut diagnostic = Diagnostic::new(&Self::INFO, message, primary)
            .with_help("copy the code from the source; translate only its comments");
        if let Some(line) = source_lines.get(first) {
            diagnostic =
                diagnostic.with_secondary(reference.label(line.range.clone(), "the source's line"));
        } else if let Some(label) = source_block_label(cx, source, "the source's code block") {
            diagnostic = diagnostic.with_secondary(label);
        }
        if differing.len() > 1 {
            diagnostic = diagnostic.with_note(format!(
                "{} lines of code differ in all (comments and white space are not compared)",
                differing.len()
            ));
        }
        out.push(diagnostic);
    }
}

/// The first word where two normalized lines differ: its index, the target's word and the
/// source's word (either may be past the end).
fn first_difference(source: &str, target: &str) -> (usize, Option<String>, Option<String>) {
    let source_words: Vec<&str> = source.split(' ').collect();
    let target_words: Vec<&str> = target.split(' ').collect();
    let index = source_words
        .iter()
        .zip(&target_words)
        .take_while(|(a, b)| a == b)
        .count();
    (
        index,
        target_words.get(index).map(|w| w.to_string()),
        source_words.get(index).map(|w| w.to_string()),
    )
}

/// The range of the `index`-th white-space separated word of a line.
fn word_range(line: &str, index: usize) -> Option<Range<usize>> {
    let mut words = line.split_whitespace();
    let word = words.nth(index)?;
    let start = word.as_ptr() as usize - line.as_ptr() as usize;
    Some(start..start + word.len())
}

/// Where `code` occurs in `text` not glued to ASCII letters or digits (`on` is not in
/// `Contoso`).
fn find_word(text: &str, code: &str) -> Option<usize> {
    if code.trim().is_empty() {
        return None;
    }
    text.match_indices(code).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + code.len()..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        !glued(before) && !glued(after)
    })
}

/// The share of the source's words that the candidate keeps.
fn similarity(source: &str, candidate: &str) -> f32 {
    let words: Vec<&str> = source.split_whitespace().collect();
    if words.is_empty() {
        return 0.0;
    }
    // A multiset of the candidate's words: removing from a list was quadratic in long spans.
    let mut pool: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for word in candidate.split_whitespace() {
        *pool.entry(word).or_default() += 1;
    }
    let mut kept = 0;
    for word in &words {
        if let Some(count) = pool.get_mut(word).filter(|count| **count > 0) {
            *count -= 1;
            kept += 1;
        }
    }
    kept as f32 / words.len() as f32
}

impl Rule for CodeDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.reference.is_none() || cx.is_source_file {
            return;
        }
        let whole_target = OnceCell::new();
        for (source, target) in cx.matched_blocks() {
            match (&source.kind, &target.kind) {
                (BlockKind::CodeBlock, BlockKind::CodeBlock) => {
                    self.fenced(cx, source, target, out)
                }
                (BlockKind::CodeBlock, _) | (_, BlockKind::CodeBlock) => {}
                _ => self.inline(cx, source, target, &whole_target, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(code: &str, language: &str) -> Vec<String> {
        let style = comment_style(language);
        let mut open = None;
        code.lines()
            .map(|line| normalize(&strip_comments(line, &style, &mut open)))
            .filter(|line| !line.is_empty())
            .collect()
    }

    #[test]
    fn comments_by_language() {
        assert_eq!(
            stripped("# 备份\nbackupctl run --path \"D:\\#1\"  # 保留\n", "bash"),
            ["backupctl run --path \"D:\\#1\""]
        );
        assert_eq!(
            stripped(
                "var url = \"https://x\"; // 注释\n/* 多行\n注释 */ run();\n",
                "csharp"
            ),
            ["var url = \"https://x\";", "run();"]
        );
        assert_eq!(stripped("REM 注释\necho on\n", "cmd"), ["echo on"]);
        assert_eq!(
            stripped("<!-- 注释 -->\n<add key=\"a\" />\n", "xml"),
            ["<add key=\"a\" />"]
        );
        assert_eq!(stripped("SELECT 1 -- 注释\n", "sql"), ["SELECT 1"]);
        assert_eq!(
            stripped("<# 注释 #>\nGet-Item # x\n", "powershell"),
            ["Get-Item"]
        );
        // No language: only whole-line comments.
        assert_eq!(stripped("# 注释\nrun # keep\n", ""), ["run # keep"]);
    }

    #[test]
    fn bare_code_is_a_whole_word() {
        assert_eq!(
            find_word("请运行 backupctl run。", "backupctl run"),
            Some(10)
        );
        assert_eq!(find_word("Contoso 已开启", "on"), None);
        assert_eq!(find_word("值为 1。", "1"), Some(7));
    }

    #[test]
    fn placeholders_may_be_translated() {
        assert_eq!(
            normalize("--region <区域>"),
            normalize("--region  <region>")
        );
        assert_ne!(normalize("<add key=\"a\">"), normalize("<add key=\"b\">"));
    }
}
