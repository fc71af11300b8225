//! `cargo bench`: the stages of a check on the project corpus — parsing, alignment, the rules —
//! and a whole check, each over every (source, translation) pair of `corpus/`, reported in
//! bytes per second of translated Markdown.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use locdrift::align::{self, English, FeatureBuilder, Features};
use locdrift::analysis::Parsed;
use locdrift::document::Document;
use locdrift::engine::{self, CheckOptions, Settings};
use std::hint::black_box;

/// (source text, translation text, locale) for every translation with a source.
fn pairs() -> Vec<(String, String, String)> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut pairs = Vec::new();
    for locale in ["ja-jp", "zh-cn", "zh-tw"] {
        let mut files: Vec<_> = std::fs::read_dir(corpus.join(locale))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let source = corpus.join("en-us").join(file.file_name().unwrap());
            if let Ok(source) = std::fs::read_to_string(source) {
                pairs.push((
                    source,
                    std::fs::read_to_string(&file).unwrap(),
                    locale.into(),
                ));
            }
        }
    }
    pairs
}

fn parsed(path: &str, text: &str) -> Parsed {
    Parsed::new(Arc::new(Document::new(path, text))).unwrap()
}

/// Block features as alignment sees them (without side-by-side segment ids), made as the
/// engine makes them, with one builder for the document.
fn features(parsed: &Parsed) -> Vec<Features> {
    let view = &parsed.target;
    let mut builder = FeatureBuilder::default();
    view.blocks
        .iter()
        .map(|block| builder.features(block, view.text(), English::Prose, &[]))
        .collect()
}

fn bench(c: &mut Criterion) {
    let pairs = pairs();
    let bytes: u64 = pairs.iter().map(|(_, t, _)| t.len() as u64).sum();
    let parsed_pairs: Vec<(Parsed, Parsed, String)> = pairs
        .iter()
        .map(|(s, t, l)| (parsed("en-us/a.md", s), parsed("xx/a.md", t), l.clone()))
        .collect();
    let settings = Settings::default();

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (_, translation, _) in &pairs {
                black_box(parsed("xx/a.md", translation));
            }
        })
    });
    let feature_pairs: Vec<(Vec<Features>, Vec<Features>)> = parsed_pairs
        .iter()
        .map(|(s, t, _)| (features(s), features(t)))
        .collect();
    group.bench_function("features", |b| {
        b.iter(|| {
            for (source, target, _) in &parsed_pairs {
                black_box((features(source), features(target)));
            }
        })
    });
    group.bench_function("align", |b| {
        b.iter(|| {
            for (source, target) in &feature_pairs {
                black_box(align::align(source, target));
            }
        })
    });
    group.bench_function("align+rules", |b| {
        b.iter(|| {
            for (source, target, locale) in &parsed_pairs {
                let options = CheckOptions {
                    locale: Some(locale.clone()),
                    is_source_file: false,
                    source_expected: true,
                    ..Default::default()
                };
                black_box(engine::check(target, Some(source), &settings, options));
            }
        })
    });
    group.bench_function("parse+check", |b| {
        b.iter(|| {
            for (source, translation, locale) in &pairs {
                let source = parsed("en-us/a.md", source);
                let target = parsed("xx/a.md", translation);
                let options = CheckOptions {
                    locale: Some(locale.clone()),
                    is_source_file: false,
                    source_expected: true,
                    ..Default::default()
                };
                black_box(engine::check(&target, Some(&source), &settings, options));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
