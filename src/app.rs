//! The commands as a user sees them, on plain configuration values (the CLI's flags are
//! turned into these by the binary, so nothing here knows about clap).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::analysis::{words, TermCache};
use crate::index::{self, Reading};
use crate::indexer::{self, IndexBusy, IndexConfig, Summary};
use crate::output::{shortened, stderr_line, write_answer, Answer, Format};
use crate::query::is_stop_word;
use crate::search::{search, words_left_out, Matching, MAX_QUERY_WORDS};

/// The documents and index folder used when none are named.
pub const DEFAULT_DOCUMENTS: &str = "seeds";
pub const DEFAULT_INDEX: &str = "index";

/// Where queries come from.
#[derive(Debug, Clone)]
pub enum Queries {
    /// One query from the command line.
    Single(String),
    /// One query per line of a file (`-` for standard input).
    Batch(PathBuf),
}

/// What `fundstelle search` is asked to do.
#[derive(Debug, Clone)]
pub struct SearchConfig {
    pub queries: Queries,
    pub index_dir: PathBuf,
    /// With the default index, `search` keeps it in step with these documents first
    /// (building it on first use).
    pub auto_index: Option<PathBuf>,
    pub limit: usize,
    pub format: Format,
    pub matching: Matching,
}

/// How a command ended, as grep reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// At least one hit (exit 0).
    Found,
    /// No hit (exit 1).
    NothingFound,
    /// Some query failed, reported on stdout/stderr already (exit 2).
    Failed,
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Found => 0,
            Outcome::NothingFound => 1,
            Outcome::Failed => 2,
        }
    }
}

/// `fundstelle index`: build or update, then report on stderr.
pub fn run_index(config: &IndexConfig) -> Result<Summary> {
    if config.paths == [Path::new(DEFAULT_DOCUMENTS)] && !Path::new(DEFAULT_DOCUMENTS).exists() {
        // Said alike whether `seeds` was named or taken by default: clap cannot tell them apart.
        bail!(
            "{DEFAULT_DOCUMENTS}: no such file or folder (the folder indexed when none is \
             named; name the files or folders to index)"
        );
    }
    let summary = indexer::run(config)?;
    stderr_line(format_args!("{}: {summary}", config.index_dir.display()));
    Ok(summary)
}

/// Brings the default index up to date with its documents, saying on stderr what it did.
fn refresh_default_index(documents: &Path, index_dir: &Path) -> Result<()> {
    let first_use = !index::exists(index_dir);
    if !documents.exists() {
        // Nothing to build from: searching an existing index still works.
        if first_use {
            bail!(
                "no index in {}/ and no {}/ folder here to build it from (index your documents \
                 with `fundstelle index FOLDER`, or search from the folder that holds {}/)",
                index_dir.display(),
                documents.display(),
                documents.display()
            );
        }
        return Ok(());
    }
    if first_use {
        stderr_line(format_args!(
            "building {} from {} (first use)",
            index_dir.display(),
            documents.display()
        ));
    }
    let config = IndexConfig {
        paths: vec![documents.to_owned()],
        index_dir: index_dir.to_owned(),
        split_compounds: true,
    };
    let mut said_waiting = false;
    loop {
        match indexer::run(&config) {
            Ok(summary) if summary.touched() => {
                stderr_line(format_args!("updated {}: {summary}", index_dir.display()));
                return Ok(());
            }
            Ok(_) => return Ok(()),
            Err(err) if err.is::<IndexBusy>() => {
                // Another process is updating it: search the last committed state meanwhile,
                // if this version can search it.
                if index::is_searchable(index_dir) {
                    stderr_line(format_args!(
                        "{} is being updated by another process; searching it as it is",
                        index_dir.display()
                    ));
                    return Ok(());
                }
                // Its first build (or a rebuild for this version) is under way: nothing to
                // search until it commits, so wait for it, then update as usual.
                if !said_waiting {
                    stderr_line(format_args!(
                        "waiting for another fundstelle process to finish writing {}",
                        index_dir.display()
                    ));
                    said_waiting = true;
                }
                indexer::wait_for_writer(index_dir);
            }
            // An index this version can search is still worth searching when it cannot be
            // brought up to date (a folder this user may only read).
            Err(err) if index::is_searchable(index_dir) => {
                stderr_line(format_args!(
                    "warning: {err:#}; searching {} as it is",
                    index_dir.display()
                ));
                return Ok(());
            }
            Err(err) => return Err(err),
        }
    }
}

/// `fundstelle search`: answer every query, print in the chosen format. Meant to run once per
/// process: the opened index is left for the process's exit to release.
pub fn run_search(config: &SearchConfig) -> Result<Outcome> {
    if let Some(documents) = &config.auto_index {
        refresh_default_index(documents, &config.index_dir)?;
    }
    let reading = match config.queries {
        Queries::Single(_) => Reading::OneQuery,
        Queries::Batch(_) => Reading::ManyQueries,
    };
    let index = index::open(&config.index_dir, reading)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut found = false;
    let mut failed = false;
    let mut answer = |query: &str, batch: bool| -> Result<()> {
        let left_out = words_left_out(query);
        if left_out > 0 {
            let which = if batch {
                format!("query {:?}: ", shortened(query, 40))
            } else {
                String::new()
            };
            stderr_line(format_args!(
                "warning: {which}only the first {MAX_QUERY_WORDS} words of a query are searched; \
                 {left_out} more were left out"
            ));
        }
        let result =
            search(&index, query, config.limit, config.matching).map_err(|e| format!("{e:#}"));
        let failure = result.as_ref().err().cloned();
        match &result {
            Ok(hits) => found |= !hits.is_empty(),
            Err(message) => {
                failed = true;
                if batch {
                    stderr_line(format_args!("error: query {query:?}: {message}"));
                }
            }
        }
        // JSON answers every query, a failed one too (with "error"); a single query's failure
        // is then also the command's error, one line on stderr.
        if batch || config.format == Format::Json || failure.is_none() {
            write_answer(&mut out, config.format, &Answer { query, result }, batch)
                .context("cannot write the results")?;
        }
        // Whoever feeds queries one by one (a pipe) gets each answer as soon as it is ready.
        out.flush().context("cannot write the results")?;
        match failure {
            Some(message) if !batch => bail!("{message}"),
            _ => Ok(()),
        }
    };
    match &config.queries {
        Queries::Single(query) => answer(query, false)?,
        Queries::Batch(source) => {
            let reader: Box<dyn BufRead> = if source.as_os_str() == "-" {
                Box::new(BufReader::new(io::stdin()))
            } else {
                Box::new(BufReader::new(File::open(source).with_context(|| {
                    format!("cannot open query file {}", source.display())
                })?))
            };
            for_each_line(reader, source, |line| {
                // Blank lines separate nothing and ask nothing: skipped.
                if line.trim().is_empty() {
                    return Ok(());
                }
                answer(line, true)
            })?;
        }
    }
    out.flush().context("cannot write the results")?;
    drop(out);
    // The process ends right after this: the OS takes the index's memory maps back at exit
    // faster than unmapping them one by one (60 µs of a 2.4 ms search process at 100 MB,
    // timed alternately).
    std::mem::forget(index);
    Ok(if failed {
        Outcome::Failed
    } else if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// Calls `f` for each line (without its line ending, and the first without the byte order
/// mark that Windows editors write). A line that is not UTF-8 is read as Windows-1252, as
/// documents are: a query file saved by an older Windows editor ("Geb\xfchr") asks what its
/// author typed ("Gebühr"), and no line fails the whole batch.
fn for_each_line(
    mut reader: impl BufRead,
    source: &Path,
    mut f: impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    let mut buffer = Vec::new();
    let mut first = true;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer).with_context(|| {
            let name = if source.as_os_str() == "-" {
                "standard input".into()
            } else {
                source.display().to_string()
            };
            format!("cannot read queries from {name}")
        })? == 0
        {
            return Ok(());
        }
        let line = match std::str::from_utf8(&buffer) {
            Ok(line) => std::borrow::Cow::Borrowed(line),
            Err(_) => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&buffer)
                    .0
            }
        };
        let mut line = line.trim_end_matches(['\n', '\r']);
        if std::mem::take(&mut first) {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        f(line)?;
    }
}

/// One analysed word, as `fundstelle analyze` shows it.
#[derive(Debug, serde::Serialize)]
struct AnalyzedWord<'a> {
    position: usize,
    start: usize,
    end: usize,
    word: &'a str,
    exact: &'a str,
    stem: String,
    parts: Vec<String>,
    /// Dropped from free-text queries (kept in phrases).
    stop_word: bool,
    /// A hyphenated word whose parts follow as words of their own.
    hyphenated: bool,
}

/// `fundstelle analyze`: what the analyzer makes of a text — the terms that index and query
/// see — so a user can tell why something matches or does not.
pub fn run_analyze(text: &str, json: bool) -> Result<Outcome> {
    let mut terms = TermCache::default();
    let words = words(text);
    let rows: Vec<AnalyzedWord> = words
        .iter()
        .map(|w| AnalyzedWord {
            position: w.position,
            start: w.start,
            end: w.end,
            word: &text[w.start..w.end],
            exact: &w.exact,
            stem: terms.stem(&w.exact),
            parts: terms.part_stems(w),
            stop_word: is_stop_word(&w.exact),
            hyphenated: w.is_hyphen_compound,
        })
        .collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if json {
        serde_json::to_writer(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        let width = |f: fn(&AnalyzedWord) -> usize, title: &str| {
            rows.iter()
                .map(f)
                .max()
                .unwrap_or(0)
                .max(title.chars().count())
        };
        let word_width = width(|r| r.word.chars().count(), "word");
        let exact_width = width(|r| r.exact.chars().count(), "exact");
        let stem_width = width(|r| r.stem.chars().count(), "stem");
        writeln!(
            out,
            "{:>3}  {:<word_width$}  {:<exact_width$}  {:<stem_width$}  compound part stems / notes",
            "pos", "word", "exact", "stem"
        )?;
        for row in &rows {
            let mut notes = row.parts.join(" + ");
            if row.hyphenated {
                notes.push_str("(hyphenated: also indexed part by part)");
            }
            if row.stop_word {
                notes.push_str("(stop word in free-text queries)");
            }
            let line = format!(
                "{:>3}  {:<word_width$}  {:<exact_width$}  {:<stem_width$}  {notes}",
                row.position, row.word, row.exact, row.stem,
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    out.flush()?;
    Ok(if rows.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}
