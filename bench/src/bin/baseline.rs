//! `baseline`: the plain-tantivy baseline as a command, so that the speed benchmark times it
//! per process exactly like `fundstelle` (start-up, opening the index and printing included).
//!
//! ```text
//! baseline index --index DIR FILE...
//! baseline search --index DIR [--limit N] [--batch FILE] QUERY...
//! ```
//!
//! `index` builds a fresh index (DIR must not hold one yet). `search` prints one
//! `path:first-last` line range per hit, best first, for the query or for every non-blank line
//! of the batch file. Exit status as grep's and fundstelle's: 0 found, 1 nothing found, 2 error.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use fundstelle_bench::baseline::{self, Baseline};

const USAGE: &str = "usage: baseline index --index DIR FILE...
       baseline search --index DIR [--limit N] [--batch FILE] QUERY...";

/// Passages per query when `--limit` is not given: fundstelle's default.
const DEFAULT_LIMIT: usize = 10;

#[derive(Debug)]
enum Command {
    Index {
        index: PathBuf,
        files: Vec<PathBuf>,
    },
    Search {
        index: PathBuf,
        limit: usize,
        queries: Queries,
    },
}

#[derive(Debug)]
enum Queries {
    Single(String),
    Batch(PathBuf),
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("baseline: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Parses the command line. Only `--`-prefixed words are flags, so that a query may start
/// with `-` (tantivy's exclusion).
fn parse(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let command = args.next().with_context(|| USAGE.to_owned())?;
    let mut index = None;
    let mut limit = DEFAULT_LIMIT;
    let mut batch = None;
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--index" => index = Some(PathBuf::from(value()?)),
            "--limit" if command == "search" => {
                let n = value()?;
                limit = n
                    .parse()
                    .with_context(|| format!("--limit takes a number, not {n:?}"))?;
            }
            "--batch" if command == "search" => batch = Some(PathBuf::from(value()?)),
            flag if flag.starts_with("--") => bail!("unknown flag {flag}\n{USAGE}"),
            _ => positional.push(arg),
        }
    }
    let index = index.with_context(|| format!("--index DIR is required\n{USAGE}"))?;
    match (command.as_str(), batch) {
        ("index", _) if positional.is_empty() => bail!("no files to index\n{USAGE}"),
        ("index", _) => Ok(Command::Index {
            index,
            files: positional.into_iter().map(PathBuf::from).collect(),
        }),
        ("search", Some(_)) if !positional.is_empty() => {
            bail!("give either --batch FILE or a query, not both")
        }
        ("search", Some(file)) => Ok(Command::Search {
            index,
            limit,
            queries: Queries::Batch(file),
        }),
        ("search", None) if positional.is_empty() => bail!("no query\n{USAGE}"),
        ("search", None) => Ok(Command::Search {
            index,
            limit,
            queries: Queries::Single(positional.join(" ")),
        }),
        (other, _) => bail!("unknown command {other:?}\n{USAGE}"),
    }
}

/// Runs the command; `Ok(false)` when a search found nothing.
fn run(command: Command) -> Result<bool> {
    match command {
        Command::Index { index, files } => {
            let passages = baseline::build(&files, &index)?;
            eprintln!(
                "baseline: {}: {passages} passages from {} files",
                index.display(),
                files.len()
            );
            Ok(true)
        }
        Command::Search {
            index,
            limit,
            queries,
        } => {
            let baseline = Baseline::open(&index)?;
            let queries = match queries {
                Queries::Single(query) => vec![query],
                Queries::Batch(file) => fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?
                    .lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(str::to_owned)
                    .collect(),
            };
            search(&baseline, &queries, limit)
        }
    }
}

/// Prints the hits of every query; whether any query found something.
fn search(baseline: &Baseline, queries: &[String], limit: usize) -> Result<bool> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut found = false;
    for query in queries {
        for hit in baseline.search(query, limit)? {
            found = true;
            writeln!(out, "{}:{}-{}", hit.path, hit.line_start, hit.line_end)?;
        }
    }
    out.flush()?;
    Ok(found)
}
