//! `eval`: how well fundstelle finds the passage a question was written for, next to plain
//! tantivy, on the XQuAD German dev set.
//!
//! Both systems index the same files into fresh scratch folders and answer every question
//! exactly as typed, top 10. The dev corpus alone is small and on-topic; the second corpus adds
//! the 10 MB tier of federal laws as distractors, which shows whether the ranking holds up when
//! most passages are off-topic text in the same language.
//!
//! ```text
//! cargo run --release -p fundstelle-bench --bin eval -- [--shared DIR] [--only dev|laws]
//!     [--misses N] [--json]
//! ```

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use fundstelle::index::{self, OpenIndex};
use fundstelle::indexer::{self, IndexConfig};
use fundstelle::search::{search, Matching};
use fundstelle_bench::baseline::{self, Baseline};
use fundstelle_bench::corpus::{self, Question, ScratchDir};
use serde_json::json;

/// Results per question, as a user would look at them.
const LIMIT: usize = 10;
/// The dev set's size per its README: any other count means a truncated or mismatched copy.
const EXPECTED_QUESTIONS: usize = 612;
/// The law tier added as distractors.
const DISTRACTOR_TIER: &str = "10mb";
/// Search errors shown per run; the count is in the table.
const ERRORS_SHOWN: usize = 3;

const USAGE: &str = "usage: eval [--shared DIR] [--only dev|laws] [--misses N] [--json]
  --shared DIR     the shared data folder (default: ../shared beside the workspace)
  --only dev|laws  evaluate on the dev corpus only, or only on dev + 10 MB of laws
  --misses N       print the first N questions fundstelle does not rank first, per corpus
  --json           print all figures as one JSON object on stdout (the report goes to stderr)";

/// Which corpus `--only` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Only {
    Dev,
    Laws,
}

#[derive(Debug)]
struct Options {
    shared: PathBuf,
    only: Option<Only>,
    misses: usize,
    json: bool,
}

/// Parses the flags; `Ok(None)` means help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>> {
    let mut options = Options {
        shared: corpus::default_shared_dir(),
        only: None,
        misses: 0,
        json: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--shared" => options.shared = PathBuf::from(value()?),
            "--only" => {
                options.only = Some(match value()?.as_str() {
                    "dev" => Only::Dev,
                    "laws" => Only::Laws,
                    other => bail!("--only takes dev or laws, not {other:?}"),
                })
            }
            "--misses" => {
                let n = value()?;
                options.misses = n
                    .parse()
                    .with_context(|| format!("--misses takes a number, not {n:?}"))?;
            }
            "--json" => options.json = true,
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(Some(options))
}

/// A set of files both systems index.
struct Corpus {
    name: String,
    files: Vec<PathBuf>,
}

/// The corpora `--only` asks for: dev alone, and dev plus the distractor laws.
fn corpora(options: &Options, shared: &Path, dev: &[PathBuf]) -> Result<Vec<Corpus>> {
    let mut corpora = Vec::new();
    if options.only != Some(Only::Laws) {
        corpora.push(Corpus {
            name: "dev".to_owned(),
            files: dev.to_vec(),
        });
    }
    if options.only != Some(Only::Dev) {
        let mut files = dev.to_vec();
        files.extend(corpus::tier_files(shared, DISTRACTOR_TIER)?);
        corpora.push(Corpus {
            name: format!("dev+laws{}", DISTRACTOR_TIER.trim_end_matches("mb")),
            files,
        });
    }
    Ok(corpora)
}

/// The systems compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum System {
    Fundstelle,
    /// fundstelle without compound splitting at indexing: what splitting costs and gains.
    FundstelleNoCompounds,
    Baseline,
}

impl System {
    const ALL: [System; 3] = [
        System::Fundstelle,
        System::FundstelleNoCompounds,
        System::Baseline,
    ];

    fn name(self) -> &'static str {
        match self {
            System::Fundstelle => "fundstelle",
            System::FundstelleNoCompounds => "fs-nosplit",
            System::Baseline => "baseline",
        }
    }

    /// Builds this system's index of `files` in the empty folder `dir`; returns the number of
    /// passages indexed.
    fn index(self, files: &[PathBuf], dir: &Path) -> Result<usize> {
        match self {
            System::Fundstelle | System::FundstelleNoCompounds => {
                let config = IndexConfig {
                    paths: files.to_vec(),
                    index_dir: dir.to_owned(),
                    split_compounds: self == System::Fundstelle,
                };
                Ok(indexer::run(&config)?.passages)
            }
            System::Baseline => baseline::build(files, dir),
        }
    }

    fn open(self, dir: &Path) -> Result<Engine> {
        Ok(match self {
            System::Fundstelle | System::FundstelleNoCompounds => {
                Engine::Fundstelle(index::open(dir, index::Reading::ManyQueries)?)
            }
            System::Baseline => Engine::Baseline(Baseline::open(dir)?),
        })
    }
}

/// An opened index of either system.
enum Engine {
    Fundstelle(OpenIndex),
    Baseline(Baseline),
}

impl Engine {
    /// The top passages for a question, reduced to what scoring needs.
    fn search(&self, question: &str) -> Result<Vec<Passage>> {
        Ok(match self {
            Engine::Fundstelle(index) => search(index, question, LIMIT, Matching::Stemmed)?
                .iter()
                .map(|hit| Passage::new(&hit.path, hit.line_start, hit.line_end))
                .collect(),
            Engine::Baseline(baseline) => baseline
                .search(question, LIMIT)?
                .iter()
                .map(|hit| Passage::new(&hit.path, hit.line_start, hit.line_end))
                .collect(),
        })
    }
}

/// A returned passage: file name (both systems store paths as given, so only the name
/// compares across systems and machines) and line range.
#[derive(Debug, Clone)]
struct Passage {
    file: String,
    line_start: u64,
    line_end: u64,
}

impl Passage {
    fn new(path: &str, line_start: u64, line_end: u64) -> Passage {
        let file = Path::new(path).file_name().map_or_else(
            || path.to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        Passage {
            file,
            line_start,
            line_end,
        }
    }

    /// The scoring rule of the dev set: same file, and the line range holds the gold line.
    fn answers(&self, question: &Question) -> bool {
        self.file == question.gold_file
            && (self.line_start..=self.line_end).contains(&question.gold_line)
    }
}

impl std::fmt::Display for Passage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}-{}", self.file, self.line_start, self.line_end)
    }
}

/// How a system answered one question.
#[derive(Debug)]
enum Answer {
    Failed(String),
    Ranked {
        /// 1-based rank of the first correct passage in the top [`LIMIT`].
        gold_rank: Option<usize>,
        /// What ranked first, if anything did.
        top: Option<Passage>,
    },
}

impl Answer {
    fn judge(question: &Question, result: Result<Vec<Passage>>) -> Answer {
        match result {
            Err(err) => Answer::Failed(format!("{err:#}")),
            Ok(passages) => Answer::Ranked {
                gold_rank: passages
                    .iter()
                    .position(|p| p.answers(question))
                    .map(|i| i + 1),
                top: passages.into_iter().next(),
            },
        }
    }

    fn gold_rank(&self) -> Option<usize> {
        match self {
            Answer::Ranked { gold_rank, .. } => *gold_rank,
            Answer::Failed(_) => None,
        }
    }
}

/// One system evaluated on one corpus.
struct Run {
    corpus: String,
    system: System,
    passages: usize,
    index_seconds: f64,
    search_seconds: f64,
    /// In the order of the questions.
    answers: Vec<Answer>,
}

/// The figures of a run. Recall and MRR are over all questions: a failed question counts
/// as a miss, not as absent.
struct Metrics {
    recall_1: f64,
    recall_5: f64,
    recall_10: f64,
    mrr_10: f64,
    no_hit: usize,
    errors: usize,
    queries_per_second: f64,
}

impl Run {
    fn metrics(&self) -> Metrics {
        let n = self.answers.len().max(1) as f64;
        let ranks: Vec<usize> = self.answers.iter().filter_map(Answer::gold_rank).collect();
        let recall = |k| ranks.iter().filter(|&&r| r <= k).count() as f64 / n;
        Metrics {
            recall_1: recall(1),
            recall_5: recall(5),
            recall_10: recall(10),
            mrr_10: ranks.iter().map(|&r| 1.0 / r as f64).sum::<f64>() / n,
            no_hit: self
                .answers
                .iter()
                .filter(|a| matches!(a, Answer::Ranked { top: None, .. }))
                .count(),
            errors: self
                .answers
                .iter()
                .filter(|a| matches!(a, Answer::Failed(_)))
                .count(),
            queries_per_second: self.answers.len() as f64 / self.search_seconds.max(f64::EPSILON),
        }
    }
}

/// Indexes `corpus` with `system` in a new folder under `scratch`, then asks every question.
fn evaluate(
    system: System,
    corpus: &Corpus,
    questions: &[Question],
    scratch: &Path,
) -> Result<Run> {
    let dir = scratch.join(format!("{}-{}", corpus.name, system.name()));
    eprintln!(
        "eval: {}: {}: indexing {} files",
        corpus.name,
        system.name(),
        corpus.files.len()
    );
    let started = Instant::now();
    let passages = system
        .index(&corpus.files, &dir)
        .with_context(|| format!("{} cannot index {}", system.name(), corpus.name))?;
    let index_seconds = started.elapsed().as_secs_f64();
    let engine = system.open(&dir)?;
    let started = Instant::now();
    let answers = questions
        .iter()
        .map(|q| Answer::judge(q, engine.search(&q.text)))
        .collect();
    Ok(Run {
        corpus: corpus.name.clone(),
        system,
        passages,
        index_seconds,
        search_seconds: started.elapsed().as_secs_f64(),
        answers,
    })
}

/// What the header says about the run, also recorded in the JSON.
struct Header {
    timestamp: String,
    parallelism: usize,
    shared: PathBuf,
    questions: usize,
}

fn write_header(out: &mut dyn Write, header: &Header) -> io::Result<()> {
    let build = if cfg!(debug_assertions) {
        "DEBUG build: speeds are not representative"
    } else {
        "release build"
    };
    writeln!(
        out,
        "fundstelle eval: xquad-de-dev, {} questions, top {LIMIT}, {build}",
        header.questions
    )?;
    writeln!(
        out,
        "{}, available_parallelism {}, shared data {}",
        header.timestamp,
        header.parallelism,
        header.shared.display()
    )
}

fn write_table(out: &mut dyn Write, runs: &[Run]) -> io::Result<()> {
    writeln!(
        out,
        "\n{:<12}{:<12}{:>9}{:>7}{:>7}{:>7}{:>8}{:>8}{:>8}{:>9}{:>8}",
        "corpus",
        "system",
        "passages",
        "R@1",
        "R@5",
        "R@10",
        "MRR@10",
        "no-hit",
        "errors",
        "index s",
        "q/s"
    )?;
    for run in runs {
        let m = run.metrics();
        writeln!(
            out,
            "{:<12}{:<12}{:>9}{:>7.3}{:>7.3}{:>7.3}{:>8.3}{:>8}{:>8}{:>9.2}{:>8.0}",
            run.corpus,
            run.system.name(),
            run.passages,
            m.recall_1,
            m.recall_5,
            m.recall_10,
            m.mrr_10,
            m.no_hit,
            m.errors,
            run.index_seconds,
            m.queries_per_second
        )?;
    }
    Ok(())
}

/// The first few search errors of each run, so a failing query can be reproduced.
fn write_errors(out: &mut dyn Write, runs: &[Run], questions: &[Question]) -> io::Result<()> {
    for run in runs {
        let failed = questions
            .iter()
            .zip(&run.answers)
            .filter_map(|(q, a)| match a {
                Answer::Failed(message) => Some((q, message)),
                Answer::Ranked { .. } => None,
            });
        for (question, message) in failed.take(ERRORS_SHOWN) {
            writeln!(
                out,
                "error: {} {}: {:?}: {message}",
                run.corpus,
                run.system.name(),
                question.text
            )?;
        }
    }
    Ok(())
}

/// The first `n` questions per corpus that fundstelle does not rank first: the question, where
/// the answer is, where fundstelle looked instead.
fn write_misses(
    out: &mut dyn Write,
    runs: &[Run],
    questions: &[Question],
    n: usize,
) -> io::Result<()> {
    for run in runs.iter().filter(|r| r.system == System::Fundstelle) {
        writeln!(out, "\nfundstelle misses on {} (first {n}):", run.corpus)?;
        let misses = questions
            .iter()
            .zip(&run.answers)
            .filter_map(|(q, a)| match a {
                Answer::Ranked { gold_rank, top } if *gold_rank != Some(1) => {
                    Some((q, gold_rank, top))
                }
                _ => None,
            });
        for (question, gold_rank, top) in misses.take(n) {
            let rank = gold_rank.map_or_else(|| format!(">{LIMIT}"), |r| r.to_string());
            let top = top
                .as_ref()
                .map_or_else(|| "no hit".to_owned(), Passage::to_string);
            writeln!(
                out,
                "  {}\n    gold {}:{} (rank {rank}), first {top}",
                question.text, question.gold_file, question.gold_line
            )?;
        }
    }
    Ok(())
}

/// All figures as one JSON object, for scripts.
fn to_json(header: &Header, runs: &[Run]) -> serde_json::Value {
    let runs: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let m = run.metrics();
            json!({
                "corpus": run.corpus,
                "system": run.system.name(),
                "passages": run.passages,
                "r_at_1": m.recall_1,
                "r_at_5": m.recall_5,
                "r_at_10": m.recall_10,
                "mrr_at_10": m.mrr_10,
                "no_hit": m.no_hit,
                "errors": m.errors,
                "index_seconds": run.index_seconds,
                "search_seconds": run.search_seconds,
                "queries_per_second": m.queries_per_second,
            })
        })
        .collect();
    json!({
        "timestamp": header.timestamp,
        "available_parallelism": header.parallelism,
        "release": !cfg!(debug_assertions),
        "questions": header.questions,
        "limit": LIMIT,
        "runs": runs,
    })
}

fn run(options: &Options) -> Result<()> {
    let shared = corpus::check_shared_dir(&options.shared)?;
    let set = corpus::xquad_dev(&shared)?;
    if set.questions.len() != EXPECTED_QUESTIONS {
        bail!(
            "xquad-de-dev has {} questions, expected {EXPECTED_QUESTIONS}: is {} a complete copy?",
            set.questions.len(),
            shared.display()
        );
    }
    let corpora = corpora(options, &shared, &set.corpus)?;
    let header = Header {
        timestamp: fundstelle_bench::utc_now(),
        parallelism: std::thread::available_parallelism().map_or(1, |n| n.get()),
        shared,
        questions: set.questions.len(),
    };
    // With --json, stdout carries only the JSON; the human report goes to stderr.
    let mut out: Box<dyn Write> = if options.json {
        Box::new(io::stderr())
    } else {
        Box::new(io::stdout())
    };
    write_header(&mut out, &header)?;
    out.flush()?;

    let scratch = ScratchDir::new("fundstelle-eval")?;
    let mut runs = Vec::new();
    for corpus in &corpora {
        for system in System::ALL {
            runs.push(evaluate(system, corpus, &set.questions, scratch.path())?);
        }
    }

    write_table(&mut out, &runs)?;
    write_errors(&mut out, &runs, &set.questions)?;
    if options.misses > 0 {
        write_misses(&mut out, &runs, &set.questions, options.misses)?;
    }
    out.flush()?;
    if options.json {
        println!("{}", to_json(&header, &runs));
    }
    Ok(())
}

fn main() -> ExitCode {
    fundstelle_bench::run_main("eval", USAGE, parse_args, run)
}
