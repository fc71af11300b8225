use std::cell::OnceCell;
use std::collections::HashSet;
use std::ops::Range;

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Label};
use crate::markdown::model::Block;
use crate::markdown::tokens::{self, Token, TokenKind};
use crate::rules::support::{
    Pool, examine_only, is_prose, key_hash, source_block_label, target_block_label,
};
use crate::rules::tokens::placeholder_drift::compared_ranges;
use crate::rules::{Context, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a number of the source that is missing or changed in the aligned block of the
    /// translation: a Knowledge Base article number, a version, a port, a count such as
    /// "72 hours".
    ///
    /// Locale conventions are not drift: full-width digits (`７２`), `1,000` written `1.000`,
    /// `1000`, `１，０００` or `1 000`, leading zeros (`07/14/2021` as `2021/7/14`), a date
    /// reordered (`January 5, 2024` as `2024年1月5日`), and a number written in Chinese or
    /// Japanese numerals (`两个小时`, `三日`). Numbers inside code, link destinations, host names, versions glued to a word
    /// (`x64`, `1st`), ranges (`3-5`) and list numbering are not compared here: code belongs to
    /// `code-drift` (LD103), destinations to `link-drift` (LD104), hosts to `host-drift` (LD101),
    /// placeholders (`{1}`, `%1`, `{{ step2 }}`, include paths) to `placeholder-drift` (LD105).
    ///
    /// ## Why is this bad?
    /// A reader who is told to wait 24 hours instead of 48, to open port 433 instead of 443, or
    /// to read the wrong Knowledge Base article follows the translation, not the source, and
    /// nothing on the page tells them it is wrong.
    ///
    /// ## Example
    /// ```md en
    /// License changes can take up to 48 hours to apply.
    /// ```
    /// ```md ja-jp
    /// ライセンスの変更が反映されるまで、最大 24 時間かかることがあります。
    /// ```
    ///
    /// Use instead:
    /// ```md ja-jp
    /// ライセンスの変更が反映されるまで、最大 48 時間かかることがあります。
    /// ```
    ///
    /// ## Known limitations
    /// Numbers the source spells out (`two minutes`) are not compared. A number that moved to a
    /// block that alignment did not pair with its source, or that the translated block still
    /// contains anywhere (in code or a link, say), is not reported as missing.
    pub struct NumberDrift;
    code = "LD102", name = "number-drift", severity = Warning, since = "0.1.0"
}

/// A number in a block's prose, with the values it may stand for.
#[derive(Debug, Clone)]
struct Number {
    range: Range<usize>,
    /// The value as the English source would write it, `,` grouping removed.
    keys: Vec<String>,
}

/// Strips leading zeros of an integer part: `07` is `7`, `0` stays `0`.
fn trim_zeros(integer: &str) -> &str {
    let trimmed = integer.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

/// Whether every group after the first separator has three digits: `1,000,000`.
fn is_grouped(text: &str, separator: char) -> bool {
    let mut groups = text.split(separator);
    let first = groups.next().unwrap_or("");
    !first.is_empty()
        && first.len() <= 3
        && groups.clone().count() > 0
        && groups.all(|g| g.len() == 3)
}

/// The canonical form of a number in English notation: `,` groups thousands, `.` separates
/// decimals and version parts.
fn english_key(number: &str) -> String {
    let ungrouped =
        if number.contains(',') && is_grouped(number.split('.').next().unwrap_or(""), ',') {
            number.replace(',', "")
        } else {
            number.to_string()
        };
    match ungrouped.split_once('.') {
        Some((integer, rest)) => format!("{}.{rest}", trim_zeros(integer)),
        None => trim_zeros(&ungrouped).to_string(),
    }
}

/// The values a translated number may stand for: English notation, or `.` grouping and `,`
/// decimals as in much of Europe.
fn target_keys(number: &str) -> Vec<String> {
    let mut keys = vec![english_key(number)];
    let integer = number.split(',').next().unwrap_or("");
    if number.contains('.') && is_grouped(integer, '.') {
        let swapped = number.replace('.', "").replace(',', ".");
        keys.push(english_key(&swapped));
    } else if !number.contains('.') && number.matches(',').count() == 1 {
        keys.push(english_key(&number.replace(',', ".")));
    }
    keys
}

/// The numbers in a block's prose (text runs: no code, no destinations, no list markers),
/// out of the block's prose tokens.
fn numbers(block: &Block, text: &str, prose_tokens: &[Token], target: bool) -> Vec<Number> {
    let mut found = Vec::new();
    // `{1}`, `%1`, `{{ step2 }}`: a placeholder's digits are placeholder-drift's (LD105), which
    // reports a changed placeholder once; made only for a block with numbers.
    let placeholders = OnceCell::new();
    for (run, run_tokens) in tokens::tokens_by_run(block, prose_tokens) {
        let run_text = &text[run.clone()];
        for token in run_tokens {
            if token.kind != TokenKind::Number {
                continue;
            }
            if placeholders
                .get_or_init(|| compared_ranges(block, text))
                .iter()
                .any(|p: &Range<usize>| p.start <= token.range.start && token.range.end <= p.end)
            {
                continue;
            }
            let token_range = token.range.start - run.start..token.range.end - run.start;
            let before = &run_text[..token_range.start];
            // `&#160;`: an entity, not a number.
            if before.ends_with("&#") || before.ends_with("&#x") || before.ends_with('#') {
                continue;
            }
            let after = run_text[token_range.end..].chars().next();
            // `3-5`, `2/3`: ranges and fractions are written many ways.
            if before.ends_with(['/', '–', '~', '～'])
                || matches!(after, Some('/' | '–' | '~' | '～'))
            {
                continue;
            }
            let written = tokens::normalize(TokenKind::Number, &run_text[token_range]);
            let keys = if target {
                target_keys(&written)
            } else {
                vec![english_key(&written)]
            };
            found.push(Number {
                range: token.range.clone(),
                keys,
            });
        }
    }
    found
}

fn cjk_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' | '兩' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn cjk_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' | '萬' => 10_000,
        _ => return None,
    })
}

/// Reads a run of Chinese/Japanese numerals: `七十二` is 72, `两` is 2, `一〇二四` is 1024.
/// Returns `None` for a run it cannot read exactly.
fn cjk_value(numerals: &str) -> Option<u64> {
    let chars: Vec<char> = numerals.chars().collect();
    if chars.iter().all(|&c| cjk_digit(c).is_some()) {
        // Positional: 一〇二四.
        return chars.iter().try_fold(0u64, |acc, &c| {
            acc.checked_mul(10)?.checked_add(cjk_digit(c)?)
        });
    }
    let mut total = 0u64;
    let mut section = 0u64;
    let mut digit: Option<u64> = None;
    for c in chars {
        if let Some(d) = cjk_digit(c) {
            if digit.is_some_and(|previous| previous != 0) {
                return None;
            }
            digit = Some(d);
        } else if let Some(unit) = cjk_unit(c) {
            if unit == 10_000 {
                section += digit.take().unwrap_or(0);
                total += section.max(1) * unit;
                section = 0;
            } else {
                section += digit.take().unwrap_or(1) * unit;
            }
        } else {
            return None;
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

/// The values written in CJK numerals anywhere in a block's prose.
fn cjk_numbers(block: &Block, text: &str) -> HashSet<String> {
    let mut values = HashSet::new();
    for run in &block.text_runs {
        let mut current = String::new();
        for c in text[run.clone()].chars().chain(std::iter::once(' ')) {
            if cjk_digit(c).is_some() || cjk_unit(c).is_some() {
                current.push(c);
            } else if !current.is_empty() {
                if let Some(value) = cjk_value(&current) {
                    values.insert(value.to_string());
                }
                current.clear();
            }
        }
    }
    values
}

/// Whether `digits` appears in `haystack` with no digit right before or after it, also once
/// the separators between digits are dropped (`１，０２４` and `1 024` hold `1024`).
fn contains_number(haystack: &str, digits: &str) -> bool {
    let haystack = tokens::normalize(TokenKind::Number, haystack);
    let found = |haystack: &str, digits: &str| {
        haystack.match_indices(digits).any(|(index, _)| {
            let before = haystack[..index].chars().next_back();
            let after = haystack[index + digits.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        })
    };
    found(&haystack, digits) || found(&squeeze(&haystack), &squeeze(digits))
}

/// Drops the group separators between two digits: `,`, `.`, `，`, `．` and spaces.
fn squeeze(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut squeezed = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        let separator = matches!(c, ',' | '.' | '，' | '．' | ' ' | '\u{a0}' | '\u{202f}');
        let between_digits = index > 0
            && chars[index - 1].is_ascii_digit()
            && chars.get(index + 1).is_some_and(|n| n.is_ascii_digit());
        if !(separator && between_digits) {
            squeezed.push(c);
        }
    }
    squeezed
}

impl Rule for NumberDrift {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(reference) = cx.reference else {
            return;
        };
        if cx.is_source_file {
            return;
        }
        let source_text = reference.view.text();
        let target_text = cx.target_text();
        for ((source, source_tokens), (target, target_tokens)) in cx.matched_blocks_and_tokens() {
            if !is_prose(source) || !is_prose(target) {
                continue;
            }
            let source_numbers = numbers(source, source_text, source_tokens, false);
            if source_numbers.is_empty() {
                continue;
            }
            let mut pool = Pool::new(
                numbers(target, target_text, target_tokens, true),
                |t, keys| {
                    keys.extend(t.keys.iter().map(key_hash));
                },
            );
            let mut cjk = cjk_numbers(target, target_text);
            let mut unmatched = Vec::new();
            for number in source_numbers {
                let key = &number.keys[0];
                if pool
                    .take(|keys| keys.push(key_hash(key)), |t| t.keys.contains(key))
                    .is_none()
                    && !cjk.remove(key)
                {
                    unmatched.push(number);
                }
            }
            if unmatched.is_empty() {
                continue;
            }
            let target_numbers = pool.into_remaining();
            let raw_target = &target_text[target.range.clone()];
            // One number missing and one number that the source does not have: changed. Among
            // several new numbers (a date's month, say), one of the same length as the missing
            // one is its altered form (`5012710` for `5012170`).
            let altered = match (unmatched.as_slice(), target_numbers.as_slice()) {
                ([_], [only]) => Some(only),
                ([number], candidates) => {
                    let length = number.keys[0].len();
                    let mut same = candidates.iter().filter(|t| t.keys[0].len() == length);
                    match (same.next(), same.next()) {
                        (Some(one), None) if length >= 2 => Some(one),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(altered) = altered {
                let number = &unmatched[0];
                let written = &source_text[number.range.clone()];
                let found = &target_text[altered.range.clone()];
                let range = cx.target_original(altered.range.clone());
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    format!("number `{found}` differs from the source's `{written}`"),
                    Label::target(range.clone(), format!("the source has `{written}`")),
                )
                .with_help(format!("write `{written}` as in the source"))
                .with_fix(range, written, Applicability::Unsafe);
                if let Some(label) =
                    cx.source_label(number.range.clone(), "number in the English source")
                {
                    diagnostic = diagnostic.with_secondary(label);
                }
                out.push(diagnostic);
                continue;
            }
            if let Some(summary) = examine_only(
                cx,
                &Self::INFO,
                (source, target),
                &mut unmatched,
                "numbers",
                false,
            ) {
                out.push(summary);
            }
            for number in unmatched {
                let written = &source_text[number.range.clone()];
                if contains_number(raw_target, &number.keys[0])
                    || contains_number(raw_target, written)
                {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    &Self::INFO,
                    format!("number `{written}` is missing from the translation"),
                    target_block_label(
                        cx,
                        target,
                        format!("no `{written}` in this {}", target.kind.noun()),
                    ),
                )
                .with_help(format!("keep `{written}` in the translation"));
                if let Some(label) =
                    cx.source_label(number.range.clone(), "number in the English source")
                {
                    diagnostic = diagnostic.with_secondary(label);
                } else if let Some(label) = source_block_label(cx, source, "the English source") {
                    diagnostic = diagnostic.with_secondary(label);
                }
                out.push(diagnostic);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_notations_have_the_english_key() {
        assert_eq!(english_key("1,000"), "1000");
        assert_eq!(english_key("07"), "7");
        assert_eq!(english_key("2.4.1"), "2.4.1");
        assert!(target_keys("1.000").contains(&"1000".to_string()));
        assert!(target_keys("1,5").contains(&"1.5".to_string()));
        assert!(target_keys("1.000.000,5").contains(&"1000000.5".to_string()));
        // `1,000` in a target is a thousand (English grouping), not one point zero.
        assert_eq!(target_keys("1,000")[0], "1000");
    }

    #[test]
    fn cjk_numerals() {
        assert_eq!(cjk_value("七十二"), Some(72));
        assert_eq!(cjk_value("两"), Some(2));
        assert_eq!(cjk_value("十"), Some(10));
        assert_eq!(cjk_value("一〇二四"), Some(1024));
        assert_eq!(cjk_value("三百零五"), Some(305));
        assert_eq!(cjk_value("一万二千"), Some(12_000));
        assert_eq!(cjk_value("二三十"), None);
    }

    // See: the audit's `{0} von {2}` for `{0} of {1}`, reported by LD105 and LD102.
    #[test]
    fn numbers_inside_placeholders_are_not_compared() {
        let source = "Copied {0} of {1} files, %1 and %2, {{ step2 }}, in 3 hours.\n";
        let target = "已复制 {0}/{2} 个文件，%1 和 %3，{{ step3 }}，用时 3 小时。\n";
        let findings = crate::testing::findings_of("LD102", source, target);
        assert!(findings.is_empty(), "{findings:?}");
        // The prose number next to them still is.
        let target = "已复制 {0}/{2} 个文件，%1 和 %3，{{ step3 }}，用时 4 小时。\n";
        let findings = crate::testing::findings_of("LD102", source, target);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["number `4` differs from the source's `3`"]);
    }

    #[test]
    fn digit_bounded_search() {
        assert!(contains_number("kbid=816042", "816042"));
        assert!(!contains_number("28160421", "816042"));
        assert!(contains_number("ポート ４４３", "443"));
        assert!(contains_number("１，０２４ MB", "1024"));
        assert!(contains_number("1\u{202f}024 Mo", "1024"));
    }
}
