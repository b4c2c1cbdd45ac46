//! Derives fundstelle's German word lexicon (`data/lexicon-de.tsv`) from the German federal
//! laws in `shared/corpora/gesetze` (official works, not protected by copyright, § 5 UrhG;
//! source repository released under the Unlicense).
//!
//! For each lowercased word form of three or more letters it records how often it occurs and
//! how often it is capitalised in mid-sentence — the mark of a German noun. The compound
//! splitter uses this to accept only nouns as compound heads, so "Mitarbeiterinnen" is not cut
//! into "Mitarbeiter" + "innen".
//!
//! Usage: `cargo run --release -p fundstelle-bench --bin lexicon [-- --shared DIR] > data/lexicon-de.tsv`

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use fundstelle::analysis::words;
use fundstelle::decode::decode;
use fundstelle_bench::corpus;

/// Forms seen fewer times than this are left out: typos and OCR debris.
const MIN_COUNT: u32 = 3;
/// A form is a noun when at least this share of its occurrences is capitalised mid-sentence.
const NOUN_SHARE: f64 = 0.5;

#[derive(Default)]
struct Counts {
    total: u32,
    capitalised_mid_sentence: u32,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut shared = corpus::default_shared_dir();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--shared" => shared = PathBuf::from(args.next().context("--shared needs a folder")?),
            other => anyhow::bail!("unknown argument {other:?}"),
        }
    }
    let folder = corpus::laws_dir(&shared);
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    files.sort();

    let mut counts: HashMap<String, Counts> = HashMap::new();
    for file in &files {
        let bytes = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let Ok(decoded) = decode(&bytes) else {
            continue;
        };
        for line in decoded.text.lines() {
            count_line(line, &mut counts);
        }
    }

    let mut rows: Vec<(&String, &Counts)> = counts
        .iter()
        .filter(|(_, c)| c.total >= MIN_COUNT)
        .collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (word, c) in rows {
        let noun = f64::from(c.capitalised_mid_sentence) >= NOUN_SHARE * f64::from(c.total);
        writeln!(out, "{word}\t{}\t{}", c.total, u8::from(noun))?;
    }
    out.flush()?;
    Ok(())
}

/// Counts the purely alphabetic words of one line; a word directly after sentence-final
/// punctuation, a list label's ')' or at the start of the line is capitalised by position,
/// not because it is a noun.
fn count_line(line: &str, counts: &mut HashMap<String, Counts>) {
    let mut sentence_start = true;
    let mut last_end = 0;
    for word in words(line) {
        // Parts of a hyphenated word start inside it: no gap before them.
        if word.start >= last_end
            && line[last_end..word.start].contains(['.', '!', '?', ':', ';', ')'])
        {
            sentence_start = true;
        }
        last_end = last_end.max(word.end);
        if word.is_hyphen_compound {
            continue;
        }
        let original = &line[word.start..word.end];
        if original.chars().count() >= 3 && original.chars().all(char::is_alphabetic) {
            let entry = counts.entry(word.exact.clone()).or_default();
            entry.total += 1;
            if !sentence_start && original.starts_with(char::is_uppercase) {
                entry.capitalised_mid_sentence += 1;
            }
        }
        sentence_start = false;
    }
}
