//! Generates a large locale tree from `corpus/` for `bench/run.sh`:
//!
//! ```text
//! cargo run --release --example gen_tree -- OUT_DIR [MEGABYTES]
//! ```
//!
//! `OUT_DIR/en-us/dNN/<article>-<i>.md` are English sources and `OUT_DIR/<locale>/dNN/…` their
//! translations (plain and side-by-side, as the corpus has them), for six locales: a locale's
//! folder gets the corpus's translation in that locale where there is one, and one in another
//! locale otherwise (the corpus does not translate every article into every locale). Each file is
//! a corpus article whose body is repeated between 1 and 40 times, so sizes run from a few KB to
//! a few hundred KB like real documentation; side-by-side segment ids are renumbered in every
//! repetition so they stay unique. The output is deterministic. The corpus's own orphan
//! translations (no English source) are kept, so LD001 is exercised too.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const LOCALES: [&str; 6] = ["zh-cn", "zh-tw", "ja-jp", "ko-kr", "de-de", "fr-fr"];

/// Splits a file into its front matter (with the closing `---` line) and body.
fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        let split = 4 + end + 5;
        return (&text[..split], &text[split..]);
    }
    ("", text)
}

/// The article repeated `times` times, with side-by-side ids made unique per repetition.
fn grow(text: &str, times: usize) -> String {
    let (front, body) = split_front_matter(text);
    let mut out = String::with_capacity(text.len() * times);
    out.push_str(front);
    for repetition in 0..times {
        if repetition == 0 {
            out.push_str(body);
        } else {
            let prefix = format!("r{repetition}");
            out.push('\n');
            out.push_str(
                &body
                    .replace("data-ttu-id=\"", &format!("data-ttu-id=\"{prefix}"))
                    .replace("data-stu-id=\"", &format!("data-stu-id=\"{prefix}")),
            );
        }
    }
    out
}

/// A small deterministic generator (xorshift), so the tree is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn write(path: &Path, text: &str) -> std::io::Result<u64> {
    fs::create_dir_all(path.parent().expect("a file has a folder"))?;
    fs::write(path, text)?;
    Ok(text.len() as u64)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: gen_tree OUT_DIR [MEGABYTES]"));
    let megabytes: u64 = args.next().map_or(500, |m| m.parse().expect("MEGABYTES"));
    let budget = megabytes << 20;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");

    // Article name → English text, and → the translations the corpus has of it, by locale.
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    let mut translations: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for entry in fs::read_dir(&corpus)? {
        let locale = entry?.path();
        if !locale.is_dir() {
            continue;
        }
        let locale_name = locale
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let is_source = locale_name == "en-us";
        for file in fs::read_dir(&locale)? {
            let file = file?.path();
            let name = file.file_stem().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&file)?;
            if is_source {
                sources.insert(name, text);
            } else {
                translations
                    .entry(name)
                    .or_default()
                    .push((locale_name.clone(), text));
            }
        }
    }
    for texts in translations.values_mut() {
        texts.sort();
    }
    let articles: Vec<&String> = translations.keys().collect();

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut written = 0u64;
    let mut files = 0u64;
    let mut index = 0usize;
    while written < budget {
        let article = articles[index % articles.len()];
        let folder = format!("d{:02}", (index / articles.len()) % 50);
        let times = 1 + (rng.next() % 40) as usize;
        let name = format!("{folder}/{article}-{index}.md");
        if let Some(source) = sources.get(article.as_str()) {
            written += write(&out.join("en-us").join(&name), &grow(source, times))?;
            files += 1;
        }
        let available = &translations[article];
        for (number, locale) in LOCALES.iter().enumerate() {
            // The locale's own translation when the corpus has one; otherwise another
            // locale's, rotating, so that every folder is full.
            let text = match available.iter().find(|(l, _)| l == locale) {
                Some((_, text)) => text,
                None => &available[(index + number) % available.len()].1,
            };
            written += write(&out.join(locale).join(&name), &grow(text, times))?;
            files += 1;
        }
        index += 1;
    }
    println!("{files} files, {written} bytes in {}", out.display());
    Ok(())
}
