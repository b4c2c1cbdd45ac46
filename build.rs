//! Compiles the bundled lexicon (`data/lexicon-de.tsv`) into an FST map, so that the binary
//! can use it straight from its own bytes: no start-up work that grows with the lexicon; and
//! links the binary so that starting it costs as little as possible.

use std::env;
use std::fs;
use std::path::PathBuf;

// `link_without_pie`, shared with the benchmark's build script so that the baseline is
// linked the same way.
include!("link.rs");

fn main() {
    compile_lexicon();
    link_without_pie("bins");
}

fn compile_lexicon() {
    let source = "data/lexicon-de.tsv";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("data/lexicon-de.tsv is part of the repository");
    let mut entries: Vec<(&str, u64)> = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let word = fields.next()?;
            let count: u64 = fields.next()?.parse().ok()?;
            let noun: u64 = fields.next()?.parse().ok()?;
            // Value layout: count in the high bits, noun flag in bit 0 (see src/compound.rs).
            Some((word, (count << 1) | (noun & 1)))
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries.dedup_by(|a, b| a.0 == b.0);
    let map = fst::Map::from_iter(entries).expect("sorted, unique keys");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lexicon.fst");
    fs::write(out, map.as_fst().as_bytes()).expect("OUT_DIR is writable");
}
