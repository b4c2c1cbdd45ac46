//! `bench`: how fast fundstelle indexes and answers, next to plain tantivy (the `baseline`
//! binary of this crate) and ripgrep, on the 1 MB, 10 MB and 100 MB tiers of German federal
//! laws (`shared/corpora/`), with the issue's targets marked ok or MISS.
//!
//! ```text
//! cargo run --release -p fundstelle-bench --bin bench -- [--shared DIR] [--tiers 1,10,100]
//!     [--queries N] [--rounds N] [--no-rg] [--json]
//! ```
//!
//! How it runs, and why:
//! - It times the release binaries as separate processes, because that is what a user waits
//!   for: start-up and opening the index are part of every query. So it first runs
//!   `cargo build --release` for `fundstelle` and `baseline` (a no-op when they are up to
//!   date); it refuses to run as a debug build, whose in-process figures would be meaningless.
//! - It times copies of the two binaries (in `target/bench-bin`), as `cargo install` leaves a
//!   program and as `rg` is timed, not the files the linker just wrote: the same bytes as the
//!   linker left them started slower here, 0.33 ms for fundstelle and 0.21 ms for the
//!   baseline per rare-word process (p50, 10 alternating rounds of 20 words at 100 MB), with
//!   10–20 more page faults each, and no installed program runs so.
//! - ripgrep is the "no index at all" yardstick. If `rg` is not on `PATH`, it is installed once
//!   with `cargo install ripgrep --locked --root target/tools`; `--no-rg` skips it.
//! - Linux only: peak memory comes from `wait4`'s resource usage of each indexing process.
//! - Everything else is built in fresh scratch folders that are removed afterwards (the
//!   copies in `target/bench-bin` stay, and are overwritten by the next run); the corpus is
//!   only read, never copied. All three tiers take 2–5 minutes on two cores (plus, on a fresh
//!   clone, the release build and the one-time ripgrep install, about 1.5 minutes each).
//!
//! Per tier it reports indexing (wall time, MB/s, peak RSS, index size), fundstelle's
//! incremental updates, and query latency (p50/p95) for five query classes drawn from the
//! tier's own text with a fixed seed: per process for all three systems, in process through
//! the libraries, and a whole `--batch` run divided by its queries as a cross-check.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use fundstelle::indexer;
use fundstelle::search::{search, Matching};
use fundstelle_bench::baseline::Baseline;
use fundstelle_bench::corpus::{self, ScratchDir};
use serde::Serialize;

/// Results per query, as a user would look at them.
const LIMIT: usize = 10;
/// Seed of the query draw: every run measures the same queries on the same tier.
const SEED: u64 = 0x5EED_F0DE_57E1_1E00;
/// Passages a word must occur in to count as rare, medium or common.
const RARE_DF: std::ops::RangeInclusive<u32> = 1..=3;
const MEDIUM_DF: std::ops::RangeInclusive<u32> = 50..=500;
/// Common words are drawn from this many most frequent non-stop-words of at least
/// `COMMON_MIN_CHARS` characters.
const COMMON_POOL: usize = 200;
const COMMON_MIN_CHARS: usize = 6;
/// Words of a multi-word OR query.
const OR_WORDS: usize = 3;
/// Indexing runs per system and tier: one run of a few seconds swings by a third on this
/// shared machine, so the median of three is reported.
const INDEX_ROUNDS: usize = 3;
/// Shortest word drawn for a query, in characters.
const QUERY_WORD_MIN_CHARS: usize = 4;
/// The small file added and changed to time incremental updates, in two versions of
/// different length (so a change shows in the size even within one mtime tick).
const EXTRA_FILE: &str = "zusatz.txt";
const EXTRA_V1: &str = "Zusatzbestimmung\n\nDiese Datei prüft das schrittweise Aktualisieren.\n";
const EXTRA_V2: &str =
    "Zusatzbestimmung\n\nDiese Datei prüft das schrittweise Aktualisieren des Index.\n";

const USAGE: &str =
    "usage: bench [--shared DIR] [--tiers 1,10,100] [--queries N] [--rounds N] [--no-rg] [--json]
  --shared DIR    the shared data folder (default: ../shared beside the workspace)
  --tiers LIST    which tiers to run, in MB, comma-separated (default: 1,10,100)
  --queries N     queries per class (default: 20)
  --rounds N      times each query is timed per system (default: 3)
  --no-rg         skip ripgrep (and its installation)
  --json          print all figures as one JSON object on stdout (the report goes to stderr)";

#[derive(Debug)]
struct Options {
    shared: PathBuf,
    tiers: Vec<u32>,
    queries: usize,
    rounds: usize,
    rg: bool,
    json: bool,
}

fn main() -> ExitCode {
    fundstelle_bench::run_main("bench", USAGE, parse_args, run)
}

/// Parses the flags; `Ok(None)` means help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>> {
    let mut options = Options {
        shared: corpus::default_shared_dir(),
        tiers: vec![1, 10, 100],
        queries: 20,
        rounds: 3,
        rg: true,
        json: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--shared" => options.shared = PathBuf::from(value()?),
            "--tiers" => options.tiers = parse_tiers(&value()?)?,
            "--queries" => options.queries = parse_count("--queries", &value()?)?,
            "--rounds" => options.rounds = parse_count("--rounds", &value()?)?,
            "--no-rg" => options.rg = false,
            "--json" => options.json = true,
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(Some(options))
}

fn parse_tiers(list: &str) -> Result<Vec<u32>> {
    list.split(',')
        .map(|tier| match tier.trim() {
            "1" => Ok(1),
            "10" => Ok(10),
            "100" => Ok(100),
            other => bail!("--tiers takes 1, 10 and 100, not {other:?}"),
        })
        .collect()
}

fn parse_count(flag: &str, text: &str) -> Result<usize> {
    match text.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("{flag} takes a positive number, not {text:?}"),
    }
}

/// The whole run, in the order it is printed: machine, then each tier as soon as it is
/// measured, then the targets.
fn run(options: &Options) -> Result<()> {
    if cfg!(debug_assertions) {
        bail!("build the benchmark in release mode: cargo run --release -p fundstelle-bench --bin bench");
    }
    let shared = corpus::check_shared_dir(&options.shared)?;
    let tools = Tools::prepare(options.rg)?;
    let machine = Machine::describe(&tools);
    // With --json the figures own stdout; the readable report goes beside the progress notes.
    let mut out: Box<dyn Write> = if options.json {
        Box::new(io::stderr())
    } else {
        Box::new(io::stdout())
    };
    print_machine(&mut out, &machine, options, &shared)?;
    let mut tiers = Vec::new();
    for &megabytes in &options.tiers {
        let tier = measure_tier(&tools, &shared, megabytes, options)?;
        print_tier(&mut out, &tier)?;
        tiers.push(tier);
    }
    let targets = check_targets(&tiers);
    print_targets(&mut out, &targets)?;
    out.flush()?;
    if options.json {
        let report = Report {
            machine,
            queries_per_class: options.queries,
            rounds: options.rounds,
            seed: SEED,
            tiers,
            targets,
        };
        serde_json::to_writer_pretty(io::stdout().lock(), &report)?;
        println!();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The programs under test.

/// Paths of the programs the benchmark runs.
struct Tools {
    fundstelle: PathBuf,
    baseline: PathBuf,
    rg: Option<PathBuf>,
}

impl Tools {
    /// Builds the release binaries, copies them into `target/bench-bin` to be timed there (see
    /// the module's notes), and finds (or installs) ripgrep.
    fn prepare(with_rg: bool) -> Result<Tools> {
        let exe = std::env::current_exe().context("cannot locate the bench executable")?;
        let bin_dir = exe.parent().context("bench executable has no folder")?;
        build_release_binaries()?;
        // The target folder is the parent of the profile folder (target/release).
        let target_dir = bin_dir.parent().unwrap_or(bin_dir);
        let installed = target_dir.join("bench-bin");
        fs::create_dir_all(&installed)
            .with_context(|| format!("cannot create {}", installed.display()))?;
        let fundstelle = installed_copy(bin_dir, &installed, "fundstelle")?;
        let baseline = installed_copy(bin_dir, &installed, "baseline")?;
        let rg = if with_rg {
            Some(ripgrep(target_dir)?)
        } else {
            None
        };
        Ok(Tools {
            fundstelle,
            baseline,
            rg,
        })
    }
}

/// A copy of the binary `name` built in `bin_dir`, put in `installed` to be timed there (see
/// the module's notes). Copied beside and renamed into place, as `cargo install` does: a copy
/// another run is still executing is replaced, not rewritten under it ("text file busy").
fn installed_copy(bin_dir: &Path, installed: &Path, name: &str) -> Result<PathBuf> {
    let built = bin_dir.join(name);
    if !built.is_file() {
        bail!(
            "{} was not built (is the bench running from target/release?)",
            built.display()
        );
    }
    let partial = installed.join(format!(".{name}.{}", std::process::id()));
    fs::copy(&built, &partial)
        .with_context(|| format!("cannot copy {} to {}", built.display(), partial.display()))?;
    let copy = installed.join(name);
    fs::rename(&partial, &copy)
        .with_context(|| format!("cannot move {} to {}", partial.display(), copy.display()))?;
    Ok(copy)
}

/// The workspace root: the parent of this crate.
fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// `cargo build --release` of the two binaries under test: `cargo run --bin bench` builds
/// only the bench itself, and a stale `fundstelle` would measure old code.
fn build_release_binaries() -> Result<()> {
    let status = cargo()
        .arg("build")
        .arg("--release")
        .arg("--manifest-path")
        .arg(workspace_root().join("Cargo.toml"))
        .args(["-p", "fundstelle", "--bin", "fundstelle"])
        .args(["-p", "fundstelle-bench", "--bin", "baseline"])
        // Cargo's messages are progress, not figures: keep stdout for the report.
        .stdout(io::stderr())
        .status()
        .context("cannot run cargo to build the binaries under test")?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    Ok(())
}

/// The cargo that runs the bench (`cargo run` says which), else the one on `PATH`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// `rg` from `PATH`, else from `target/tools`, installing it there first if needed.
fn ripgrep(target_dir: &Path) -> Result<PathBuf> {
    if Command::new("rg").arg("--version").output().is_ok() {
        return Ok(PathBuf::from("rg"));
    }
    let root = target_dir.join("tools");
    let rg = root.join("bin").join("rg");
    if rg.is_file() {
        return Ok(rg);
    }
    eprintln!(
        "note: ripgrep (rg) is not on PATH; installing it into {} with `cargo install ripgrep` (once; --no-rg skips rg)",
        root.display()
    );
    let status = cargo()
        .args(["install", "ripgrep", "--locked", "--root"])
        .arg(&root)
        .stdout(io::stderr())
        .status()
        .context("cannot run cargo install ripgrep")?;
    if !status.success() || !rg.is_file() {
        bail!("cargo install ripgrep failed ({status}); install rg or pass --no-rg");
    }
    Ok(rg)
}

// ---------------------------------------------------------------------------------------------
// The machine and the code measured.

#[derive(Debug, Serialize)]
struct Machine {
    date: String,
    cpus: usize,
    cpu: String,
    /// Runnable tasks averaged over the minute before the run: other work on the machine
    /// makes every figure noisier.
    load_average: String,
    commit: String,
    ripgrep: Option<String>,
}

impl Machine {
    fn describe(tools: &Tools) -> Machine {
        let git = |args: &[&str]| {
            first_line(
                Command::new("git")
                    .arg("-C")
                    .arg(workspace_root())
                    .args(args),
            )
        };
        let unknown = || "unknown".to_owned();
        let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(unknown);
        let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some();
        Machine {
            date: fundstelle_bench::utc_now(),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu: cpu_model().unwrap_or_else(unknown),
            load_average: fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|load| load.split_whitespace().next().map(str::to_owned))
                .unwrap_or_else(unknown),
            commit: if dirty {
                format!("{commit} (with uncommitted changes)")
            } else {
                commit
            },
            ripgrep: tools
                .rg
                .as_ref()
                .and_then(|rg| first_line(Command::new(rg).arg("--version"))),
        }
    }
}

/// The first line a command prints, if it runs, succeeds and prints anything.
fn first_line(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    (output.status.success() && !line.is_empty()).then(|| line.to_owned())
}

fn cpu_model() -> Option<String> {
    let info = fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
}

// ---------------------------------------------------------------------------------------------
// Drawing queries from a tier's text.

/// A small deterministic generator (SplitMix64): the same seed draws the same queries on
/// every machine, without a dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is far below what a benchmark notices.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Up to `n` distinct items, in draw order (a partial Fisher–Yates shuffle).
    fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let n = n.min(pool.len());
        for i in 0..n {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(n);
        pool
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Class {
    Rare,
    Medium,
    Common,
    Phrase,
    Or,
}

impl Class {
    const ALL: [Class; 5] = [
        Class::Rare,
        Class::Medium,
        Class::Common,
        Class::Phrase,
        Class::Or,
    ];

    fn label(self) -> &'static str {
        match self {
            Class::Rare => "rare word",
            Class::Medium => "medium word",
            Class::Common => "common word",
            Class::Phrase => "phrase",
            Class::Or => "3 words OR",
        }
    }

    /// The issue sets latency targets against the baseline for words and phrases only.
    fn has_baseline_target(self) -> bool {
        self != Class::Or
    }
}

/// One query, as typed into fundstelle and the baseline (both read `"a b"` as a phrase and
/// `a b c` as any of the words), and as the equivalent ripgrep arguments.
#[derive(Debug, Clone)]
struct Query {
    text: String,
    rg: Vec<String>,
}

impl Query {
    fn word(word: &str) -> Query {
        Query {
            text: word.to_owned(),
            rg: ["-i", "-w", "-e", word].map(String::from).to_vec(),
        }
    }

    fn phrase(phrase: &str) -> Query {
        Query {
            text: format!("\"{phrase}\""),
            rg: ["-i", "-F", "-e", phrase].map(String::from).to_vec(),
        }
    }

    fn any_of(words: &[&str]) -> Query {
        let mut rg = vec!["-i".to_owned(), "-w".to_owned()];
        for word in words {
            rg.extend(["-e".to_owned(), (*word).to_owned()]);
        }
        Query {
            text: words.join(" "),
            rg,
        }
    }
}

/// The words a query may be drawn from: letters only, at least four of them.
fn is_query_word(token: &str) -> bool {
    token.chars().count() >= QUERY_WORD_MIN_CHARS && token.chars().all(char::is_alphabetic)
}

fn is_stop_word(word: &str) -> bool {
    fundstelle::query::is_stop_word(&word.to_lowercase())
}

/// Paragraphs (blocks between blank lines) of a tier and, for every lowercased query word,
/// the number of paragraphs containing it: paragraphs are what both indexes call documents.
struct Vocabulary<'t> {
    paragraphs: Vec<&'t str>,
    df: HashMap<String, u32>,
}

impl<'t> Vocabulary<'t> {
    fn of(texts: &'t [String]) -> Vocabulary<'t> {
        let mut paragraphs = Vec::new();
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut seen = HashSet::new();
        for paragraph in texts
            .iter()
            .flat_map(|text| text.split("\n\n"))
            .filter(|p| !p.trim().is_empty())
        {
            paragraphs.push(paragraph);
            seen.clear();
            for token in paragraph.split(|c: char| !c.is_alphanumeric()) {
                if is_query_word(token) {
                    let word = token.to_lowercase();
                    if !seen.contains(&word) {
                        *df.entry(word.clone()).or_default() += 1;
                        seen.insert(word);
                    }
                }
            }
        }
        Vocabulary { paragraphs, df }
    }

    /// Non-stop-words whose paragraph count is in `range`, sorted (so the draw is
    /// reproducible whatever the hash map's order).
    fn words_with_df(&self, range: &std::ops::RangeInclusive<u32>) -> Vec<&str> {
        let mut words: Vec<&str> = self
            .df
            .iter()
            .filter(|(word, df)| range.contains(df) && !is_stop_word(word))
            .map(|(word, _)| word.as_str())
            .collect();
        words.sort_unstable();
        words
    }

    /// The most frequent non-stop-words of at least `COMMON_MIN_CHARS` characters.
    fn common_words(&self) -> Vec<&str> {
        let mut words: Vec<(&str, u32)> = self
            .df
            .iter()
            .filter(|(word, _)| word.chars().count() >= COMMON_MIN_CHARS && !is_stop_word(word))
            .map(|(word, df)| (word.as_str(), *df))
            .collect();
        words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        words
            .into_iter()
            .take(COMMON_POOL)
            .map(|(w, _)| w)
            .collect()
    }

    /// Two words standing side by side, separated by one space, from random paragraphs (so
    /// that `rg -F` finds the same text), at least one of them not a stop word.
    fn phrases(&self, rng: &mut SplitMix64, n: usize) -> Vec<String> {
        let mut phrases: Vec<String> = Vec::new();
        // Most paragraphs have a pair; the bound only stops a pathological corpus.
        for _ in 0..n * 1000 {
            if phrases.len() == n || self.paragraphs.is_empty() {
                break;
            }
            let paragraph = self.paragraphs[rng.below(self.paragraphs.len())];
            let pairs = adjacent_word_pairs(paragraph);
            if pairs.is_empty() {
                continue;
            }
            let (a, b) = pairs[rng.below(pairs.len())];
            let phrase = format!("{} {}", a.to_lowercase(), b.to_lowercase());
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
        phrases
    }
}

fn adjacent_word_pairs(paragraph: &str) -> Vec<(&str, &str)> {
    let tokens: Vec<&str> = paragraph.split(' ').collect();
    tokens
        .windows(2)
        .filter(|pair| pair.iter().all(|t| is_query_word(t)))
        .filter(|pair| !pair.iter().all(|t| is_stop_word(t)))
        .map(|pair| (pair[0], pair[1]))
        .collect()
}

/// The queries of one class.
#[derive(Debug)]
struct QuerySet {
    class: Class,
    queries: Vec<Query>,
}

/// Draws `n` queries per class from the tier's text.
fn draw_queries(vocabulary: &Vocabulary, n: usize) -> Vec<QuerySet> {
    let mut rng = SplitMix64(SEED);
    let medium = vocabulary.words_with_df(&MEDIUM_DF);
    Class::ALL
        .into_iter()
        .map(|class| {
            let queries = match class {
                Class::Rare => words(&mut rng, &vocabulary.words_with_df(&RARE_DF), n),
                Class::Medium => words(&mut rng, &medium, n),
                Class::Common => words(&mut rng, &vocabulary.common_words(), n),
                Class::Phrase => vocabulary
                    .phrases(&mut rng, n)
                    .iter()
                    .map(|p| Query::phrase(p))
                    .collect(),
                Class::Or => rng
                    .sample(&medium, n * OR_WORDS)
                    .chunks_exact(OR_WORDS)
                    .map(Query::any_of)
                    .collect(),
            };
            QuerySet { class, queries }
        })
        .filter(|set| !set.queries.is_empty())
        .collect()
}

fn words(rng: &mut SplitMix64, pool: &[&str], n: usize) -> Vec<Query> {
    rng.sample(pool, n).into_iter().map(Query::word).collect()
}

// ---------------------------------------------------------------------------------------------
// Running and timing processes.

/// What a finished child process used.
struct Usage {
    seconds: f64,
    peak_rss_bytes: u64,
}

/// Runs `command` to completion (stdout discarded, stderr kept for the error message) and
/// returns its wall time and peak resident memory, from `wait4` on exactly this child.
fn run_with_usage(label: &str, command: &mut Command) -> Result<Usage> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {label}"))?;
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr)?;
    }
    let (status, usage) = wait4(child.id()).with_context(|| format!("cannot wait for {label}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("{label} failed ({status}): {}", stderr.trim());
    }
    // ru_maxrss is in KiB on Linux.
    let peak_rss_bytes = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
    Ok(Usage {
        seconds,
        peak_rss_bytes,
    })
}

/// Reaps child `pid`, with its resource usage (which `std::process::Child::wait` drops).
fn wait4(pid: u32) -> io::Result<(ExitStatus, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
    let mut status = 0;
    // SAFETY: `rusage` is plain integers, for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the types wait4 expects.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((ExitStatus::from_raw(status), usage));
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Wall time of a search process whose output is read through a pipe. A pipe, not
/// /dev/null: ripgrep notices /dev/null and stops at the first match.
fn time_search(label: &str, command: &mut Command) -> Result<f64> {
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {label}"))?;
    let seconds = started.elapsed().as_secs_f64();
    // 0 = found, 1 = nothing found, for all three programs.
    if !matches!(output.status.code(), Some(0 | 1)) {
        bail!(
            "{label} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(seconds)
}

/// Fails early, with a clear message, if the tier's paths would not fit on a command line.
fn check_command_line(files: &[PathBuf]) -> Result<()> {
    // Each argument costs its bytes, a NUL and a pointer.
    let needed: usize = files
        .iter()
        .map(|f| f.as_os_str().len() + 1 + std::mem::size_of::<usize>())
        .sum();
    // SAFETY: sysconf only reads a system limit.
    let limit = unsafe { libc::sysconf(libc::_SC_ARG_MAX) };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    // Half the limit leaves room for the environment and the other arguments.
    if needed > limit / 2 {
        bail!(
            "{} file paths need {needed} bytes of command line, more than half of ARG_MAX ({limit})",
            files.len()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Measuring a tier.

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
struct Latency {
    p50_ms: f64,
    p95_ms: f64,
}

impl Latency {
    fn of(mut seconds: Vec<f64>) -> Latency {
        seconds.sort_by(f64::total_cmp);
        Latency {
            p50_ms: percentile(&seconds, 50) * 1e3,
            p95_ms: percentile(&seconds, 95) * 1e3,
        }
    }
}

/// Nearest-rank percentile of sorted, non-empty samples.
fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// A figure for fundstelle and the same figure for the baseline.
#[derive(Debug, Clone, Copy, Serialize)]
struct Pair<T> {
    fundstelle: T,
    baseline: T,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct IndexFigures {
    seconds: f64,
    mb_per_s: f64,
    peak_rss_mb: f64,
    size_mb: f64,
}

/// Wall seconds of `fundstelle index` runs on an existing index.
#[derive(Debug, Serialize)]
struct Incremental {
    nothing_changed_s: f64,
    one_file_added_s: f64,
    one_file_changed_s: f64,
}

#[derive(Debug, Serialize)]
struct ClassReport {
    class: Class,
    queries: Vec<String>,
    per_process: Pair<Latency>,
    rg: Option<Latency>,
    in_process: Pair<Latency>,
    batch_ms_per_query: Pair<f64>,
}

#[derive(Debug, Serialize)]
struct TierReport {
    megabytes: u32,
    files: usize,
    bytes: u64,
    paragraphs: usize,
    indexing: Pair<IndexFigures>,
    incremental: Incremental,
    classes: Vec<ClassReport>,
}

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    queries_per_class: usize,
    rounds: usize,
    seed: u64,
    tiers: Vec<TierReport>,
    targets: Vec<Check>,
}

/// The files of a tier: the 1 MB and 10 MB lists, or the whole folder for 100 MB.
fn tier_files(shared: &Path, megabytes: u32) -> Result<Vec<PathBuf>> {
    if megabytes == 100 {
        corpus::text_files(&corpus::laws_dir(shared))
    } else {
        corpus::tier_files(shared, &format!("{megabytes}mb"))
    }
}

/// The programs under test and what they work on, for one tier.
struct Bench<'a> {
    tools: &'a Tools,
    files: &'a [PathBuf],
    bytes: u64,
    scratch: ScratchDir,
    fundstelle_index: PathBuf,
    baseline_index: PathBuf,
    rounds: usize,
}

/// The systems answering queries per process.
#[derive(Debug, Clone, Copy)]
enum System {
    Fundstelle,
    Baseline,
    Ripgrep,
}

fn measure_tier(
    tools: &Tools,
    shared: &Path,
    megabytes: u32,
    options: &Options,
) -> Result<TierReport> {
    let tier = format!("{megabytes} MB");
    let files = tier_files(shared, megabytes)?;
    check_command_line(&files)?;
    eprintln!("[{tier}] reading {} files and drawing queries", files.len());
    // Reading every file also puts the tier in the page cache before anything is timed.
    let texts = files
        .iter()
        .map(|f| fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display())))
        .collect::<Result<Vec<String>>>()?;
    let bytes = texts.iter().map(|t| t.len() as u64).sum();
    let vocabulary = Vocabulary::of(&texts);
    let paragraphs = vocabulary.paragraphs.len();
    let sets = draw_queries(&vocabulary, options.queries);
    // The tier's text is not needed any more: free it before the indexers run beside us.
    drop(vocabulary);
    drop(texts);

    let scratch = ScratchDir::new("fundstelle-bench")?;
    let bench = Bench {
        tools,
        files: &files,
        bytes,
        fundstelle_index: scratch.path().join("fundstelle-index"),
        baseline_index: scratch.path().join("baseline-index"),
        scratch,
        rounds: options.rounds,
    };
    eprintln!("[{tier}] indexing");
    let indexing = bench.index()?;
    eprintln!("[{tier}] timing queries");
    let classes = bench.queries(&sets)?;
    eprintln!("[{tier}] timing incremental updates");
    let incremental = bench.incremental()?;
    Ok(TierReport {
        megabytes,
        files: files.len(),
        bytes,
        paragraphs,
        indexing,
        incremental,
        classes,
    })
}

impl Bench<'_> {
    fn fundstelle_index_command(&self) -> Command {
        let mut command = Command::new(&self.tools.fundstelle);
        command
            .arg("index")
            .args(self.files)
            .arg("--index")
            .arg(&self.fundstelle_index);
        command
    }

    /// Indexing figures of both systems: each builds its index [`INDEX_ROUNDS`] times from
    /// scratch, taking turns at going first, and the run of median wall time is reported.
    fn index(&self) -> Result<Pair<IndexFigures>> {
        let mut baseline = Command::new(&self.tools.baseline);
        baseline
            .arg("index")
            .arg("--index")
            .arg(&self.baseline_index)
            .args(self.files);
        let mut indexers = [
            (
                "fundstelle index",
                self.fundstelle_index_command(),
                &self.fundstelle_index,
                Vec::new(),
            ),
            ("baseline index", baseline, &self.baseline_index, Vec::new()),
        ];
        for round in 0..INDEX_ROUNDS {
            for turn in 0..indexers.len() {
                let (label, command, dir, runs) = &mut indexers[(round + turn) % 2];
                if dir.exists() {
                    fs::remove_dir_all(&dir)
                        .with_context(|| format!("cannot remove {}", dir.display()))?;
                }
                runs.push(self.index_figures(label, command, dir)?);
            }
        }
        let [(_, _, _, fundstelle), (_, _, _, baseline)] = indexers;
        let median = |mut runs: Vec<IndexFigures>| {
            runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
            runs[runs.len() / 2]
        };
        Ok(Pair {
            fundstelle: median(fundstelle),
            baseline: median(baseline),
        })
    }

    fn index_figures(
        &self,
        label: &str,
        command: &mut Command,
        dir: &Path,
    ) -> Result<IndexFigures> {
        let usage = run_with_usage(label, command)?;
        Ok(IndexFigures {
            seconds: usage.seconds,
            mb_per_s: self.bytes as f64 / 1e6 / usage.seconds,
            peak_rss_mb: usage.peak_rss_bytes as f64 / 1e6,
            size_mb: indexer::folder_size(dir) as f64 / 1e6,
        })
    }

    /// Re-indexing with nothing changed, then with one small extra file added, then changed.
    fn incremental(&self) -> Result<Incremental> {
        let label = "fundstelle index (incremental)";
        let nothing_changed_s =
            run_with_usage(label, &mut self.fundstelle_index_command())?.seconds;
        let extra = self.scratch.path().join(EXTRA_FILE);
        let with_extra = || -> Result<f64> {
            let mut command = self.fundstelle_index_command();
            command.arg(&extra);
            Ok(run_with_usage(label, &mut command)?.seconds)
        };
        fs::write(&extra, EXTRA_V1)?;
        let one_file_added_s = with_extra()?;
        fs::write(&extra, EXTRA_V2)?;
        let one_file_changed_s = with_extra()?;
        Ok(Incremental {
            nothing_changed_s,
            one_file_added_s,
            one_file_changed_s,
        })
    }

    fn search_command(&self, system: System, query: &Query) -> Command {
        match system {
            System::Fundstelle => {
                let mut command = self.fundstelle_search();
                command.arg(&query.text);
                command
            }
            System::Baseline => {
                let mut command = self.baseline_search();
                command.arg(&query.text);
                command
            }
            System::Ripgrep => {
                let rg = self.tools.rg.as_deref().unwrap_or(Path::new("rg"));
                let mut command = Command::new(rg);
                command
                    .arg("--no-config")
                    .args(&query.rg)
                    .arg("--")
                    .args(self.files);
                command
            }
        }
    }

    fn fundstelle_search(&self) -> Command {
        let mut command = Command::new(&self.tools.fundstelle);
        command
            .arg("search")
            .arg("--index")
            .arg(&self.fundstelle_index)
            .args(["--limit", &LIMIT.to_string(), "--json"]);
        command
    }

    fn baseline_search(&self) -> Command {
        let mut command = Command::new(&self.tools.baseline);
        command
            .arg("search")
            .arg("--index")
            .arg(&self.baseline_index)
            .args(["--limit", &LIMIT.to_string()]);
        command
    }

    fn systems(&self) -> Vec<System> {
        let mut systems = vec![System::Fundstelle, System::Baseline];
        if self.tools.rg.is_some() {
            systems.push(System::Ripgrep);
        }
        systems
    }

    fn queries(&self, sets: &[QuerySet]) -> Result<Vec<ClassReport>> {
        let systems = self.systems();
        // One untimed run per system first, so that no system pays for a cold page cache.
        if let Some(query) = sets.first().and_then(|set| set.queries.first()) {
            for &system in &systems {
                time_search(
                    &format!("{system:?}"),
                    &mut self.search_command(system, query),
                )?;
            }
        }
        let fundstelle = fundstelle::index::open(
            &self.fundstelle_index,
            fundstelle::index::Reading::ManyQueries,
        )?;
        let baseline = Baseline::open(&self.baseline_index)?;
        sets.iter()
            .map(|set| {
                let per_process = self.per_process(&systems, &set.queries)?;
                let in_process = Pair {
                    fundstelle: self.in_process(&set.queries, |q| {
                        Ok(search(&fundstelle, q, LIMIT, Matching::Stemmed)?.len())
                    })?,
                    baseline: self
                        .in_process(&set.queries, |q| Ok(baseline.search(q, LIMIT)?.len()))?,
                };
                Ok(ClassReport {
                    class: set.class,
                    queries: set.queries.iter().map(|q| q.text.clone()).collect(),
                    per_process: Pair {
                        fundstelle: per_process[0],
                        baseline: per_process[1],
                    },
                    rg: per_process.get(2).copied(),
                    in_process,
                    batch_ms_per_query: self.batch(set)?,
                })
            })
            .collect()
    }

    /// Per-process latency of each system, in the order of `systems`. The systems take turns
    /// query by query, so a slow phase of the machine hits them alike, with `rg` last and
    /// fundstelle and the baseline first by turns, so that each query has each of them right
    /// after `rg` in some round: the process that follows `rg`, which has just streamed the
    /// whole tier through the CPU caches, took about 0.3 ms longer at 100 MB whichever system
    /// it was (timed by hand), and an earlier fixed order put fundstelle there every time.
    fn per_process(&self, systems: &[System], queries: &[Query]) -> Result<Vec<Latency>> {
        let mut samples = vec![Vec::new(); systems.len()];
        for round in 0..self.rounds {
            for (number, query) in queries.iter().enumerate() {
                let mut order: Vec<usize> = (0..systems.len()).collect();
                if (round + number) % 2 == 1 {
                    order.swap(0, 1);
                }
                for i in order {
                    let system = systems[i];
                    let label = format!("{system:?} search {:?}", query.text);
                    samples[i].push(time_search(
                        &label,
                        &mut self.search_command(system, query),
                    )?);
                }
            }
        }
        Ok(samples.into_iter().map(Latency::of).collect())
    }

    /// In-process latency of `search` on an already open index: one untimed pass (the first
    /// touch of an mmapped index is the OS's cost, which the per-process figures include),
    /// then `rounds` timed passes.
    fn in_process(
        &self,
        queries: &[Query],
        mut search: impl FnMut(&str) -> Result<usize>,
    ) -> Result<Latency> {
        for query in queries {
            search(&query.text)?;
        }
        let mut samples = Vec::with_capacity(queries.len() * self.rounds);
        for _ in 0..self.rounds {
            for query in queries {
                let started = Instant::now();
                std::hint::black_box(search(&query.text)?);
                samples.push(started.elapsed().as_secs_f64());
            }
        }
        Ok(Latency::of(samples))
    }

    /// Milliseconds per query of a whole `--batch` process over the class's queries (the
    /// median of `rounds` runs): start-up shared by all queries.
    fn batch(&self, set: &QuerySet) -> Result<Pair<f64>> {
        let file = self
            .scratch
            .path()
            .join(format!("queries-{:?}.txt", set.class));
        let lines: String = set
            .queries
            .iter()
            .map(|q| format!("{}\n", q.text))
            .collect();
        fs::write(&file, lines)?;
        let run = |mut command: Command, label: &str| -> Result<f64> {
            command.arg("--batch").arg(&file);
            let mut runs = (0..self.rounds)
                .map(|_| time_search(label, &mut command))
                .collect::<Result<Vec<f64>>>()?;
            runs.sort_by(f64::total_cmp);
            Ok(percentile(&runs, 50) * 1e3 / set.queries.len() as f64)
        };
        Ok(Pair {
            fundstelle: run(self.fundstelle_search(), "fundstelle search --batch")?,
            baseline: run(self.baseline_search(), "baseline search --batch")?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Targets.

/// One target of the issue, checked on one tier.
#[derive(Debug, Serialize)]
struct Check {
    megabytes: u32,
    what: String,
    value: f64,
    unit: &'static str,
    /// `<=` or `>=`.
    relation: &'static str,
    limit: f64,
    ok: bool,
}

fn at_most(megabytes: u32, what: String, value: f64, limit: f64, unit: &'static str) -> Check {
    Check {
        megabytes,
        what,
        value,
        unit,
        relation: "<=",
        limit,
        ok: value <= limit,
    }
}

fn at_least(megabytes: u32, what: String, value: f64, limit: f64, unit: &'static str) -> Check {
    Check {
        megabytes,
        what,
        value,
        unit,
        relation: ">=",
        limit,
        ok: value >= limit,
    }
}

/// The issue's targets, for the tiers that were run.
fn check_targets(tiers: &[TierReport]) -> Vec<Check> {
    let mut checks = Vec::new();
    for tier in tiers {
        let mb = tier.megabytes;
        let index = &tier.indexing;
        if mb == 100 {
            checks.push(at_most(
                mb,
                "indexing wall time, fundstelle/baseline".into(),
                index.fundstelle.seconds / index.baseline.seconds,
                1.5,
                "x",
            ));
            checks.push(at_least(
                mb,
                "indexing throughput".into(),
                index.fundstelle.mb_per_s,
                25.0,
                " MB/s",
            ));
            checks.push(at_most(
                mb,
                "indexing peak RSS".into(),
                index.fundstelle.peak_rss_mb,
                1000.0,
                " MB",
            ));
            checks.push(at_most(
                mb,
                "re-index, nothing changed".into(),
                tier.incremental.nothing_changed_s,
                0.5,
                " s",
            ));
            checks.push(at_most(
                mb,
                "re-index, one small file changed".into(),
                tier.incremental.one_file_changed_s,
                1.0,
                " s",
            ));
        }
        checks.push(at_most(
            mb,
            "index size, fundstelle/baseline".into(),
            index.fundstelle.size_mb / index.baseline.size_mb,
            1.5,
            "x",
        ));
        for class in &tier.classes {
            checks.extend(class_checks(mb, class));
        }
    }
    checks
}

fn class_checks(mb: u32, class: &ClassReport) -> Vec<Check> {
    let mut checks = Vec::new();
    let label = class.class.label();
    let (ours, theirs) = (class.per_process.fundstelle, class.per_process.baseline);
    if class.class.has_baseline_target() {
        checks.push(at_most(
            mb,
            format!("{label}: per-process p50, fundstelle/baseline"),
            ours.p50_ms / theirs.p50_ms,
            1.3,
            "x",
        ));
        checks.push(at_most(
            mb,
            format!("{label}: per-process p95, fundstelle/baseline"),
            ours.p95_ms / theirs.p95_ms,
            2.0,
            "x",
        ));
    }
    if mb == 100 {
        checks.push(at_most(
            mb,
            format!("{label}: in-process p95"),
            class.in_process.fundstelle.p95_ms,
            1.0,
            " ms",
        ));
    }
    let rg_speedup = match mb {
        100 => Some(15.0),
        1 => Some(5.0),
        _ => None,
    };
    if let (Some(limit), Some(rg)) = (rg_speedup, class.rg) {
        checks.push(at_least(
            mb,
            format!("{label}: per-process p50, rg/fundstelle"),
            rg.p50_ms / ours.p50_ms,
            limit,
            "x",
        ));
    }
    checks
}

// ---------------------------------------------------------------------------------------------
// The readable report.

/// A number with about three significant digits, as wide as a table column needs.
fn num(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn pair(a: f64, b: f64) -> String {
    format!("{} / {}", num(a), num(b))
}

fn print_machine(
    out: &mut dyn Write,
    machine: &Machine,
    options: &Options,
    shared: &Path,
) -> io::Result<()> {
    writeln!(out, "fundstelle speed benchmark")?;
    writeln!(out, "date     {}", machine.date)?;
    writeln!(
        out,
        "machine  {} CPUs, {}; load average {} at the start",
        machine.cpus, machine.cpu, machine.load_average
    )?;
    writeln!(out, "commit   {}", machine.commit)?;
    writeln!(out, "corpus   {}", corpus::laws_dir(shared).display())?;
    writeln!(
        out,
        "queries  {} per class, drawn with seed {SEED:#x}; each timed {} times per system",
        options.queries, options.rounds
    )?;
    if let Some(rg) = &machine.ripgrep {
        writeln!(out, "rg       {rg}")?;
    }
    Ok(())
}

fn print_tier(out: &mut dyn Write, tier: &TierReport) -> io::Result<()> {
    writeln!(
        out,
        "\n== {} MB tier: {} files, {:.2} MB, {} paragraphs ==",
        tier.megabytes,
        tier.files,
        tier.bytes as f64 / 1e6,
        tier.paragraphs
    )?;
    print_indexing(out, tier)?;
    print_per_process(out, &tier.classes)?;
    print_in_process(out, &tier.classes)
}

fn print_indexing(out: &mut dyn Write, tier: &TierReport) -> io::Result<()> {
    let (f, b) = (&tier.indexing.fundstelle, &tier.indexing.baseline);
    writeln!(
        out,
        "\n{:<22}{:>12}{:>12}{:>9}",
        "indexing", "fundstelle", "baseline", "ratio"
    )?;
    for (label, ours, theirs) in [
        ("wall time (s)", f.seconds, b.seconds),
        ("throughput (MB/s)", f.mb_per_s, b.mb_per_s),
        ("peak RSS (MB)", f.peak_rss_mb, b.peak_rss_mb),
        ("index size (MB)", f.size_mb, b.size_mb),
    ] {
        writeln!(
            out,
            "  {label:<20}{:>12}{:>12}{:>9}",
            num(ours),
            num(theirs),
            num(ours / theirs)
        )?;
    }
    let inc = &tier.incremental;
    writeln!(out, "\nre-indexing (fundstelle, s)")?;
    writeln!(
        out,
        "  {:<20}{:>12}",
        "nothing changed",
        num(inc.nothing_changed_s)
    )?;
    writeln!(
        out,
        "  {:<20}{:>12}",
        "one file added",
        num(inc.one_file_added_s)
    )?;
    writeln!(
        out,
        "  {:<20}{:>12}",
        "one file changed",
        num(inc.one_file_changed_s)
    )
}

fn print_per_process(out: &mut dyn Write, classes: &[ClassReport]) -> io::Result<()> {
    writeln!(
        out,
        "\n{:<20}{:>18}{:>18}{:>14}{:>18}{:>10}",
        "per process, ms",
        "fundstelle p50/95",
        "baseline p50/95",
        "ratio",
        "rg p50/95",
        "rg/fs p50"
    )?;
    for class in classes {
        let (f, b) = (class.per_process.fundstelle, class.per_process.baseline);
        let (rg, speedup) = class.rg.map_or(("-".to_owned(), "-".to_owned()), |rg| {
            (pair(rg.p50_ms, rg.p95_ms), num(rg.p50_ms / f.p50_ms))
        });
        writeln!(
            out,
            "  {:<18}{:>18}{:>18}{:>14}{:>18}{:>10}",
            format!("{} ({})", class.class.label(), class.queries.len()),
            pair(f.p50_ms, f.p95_ms),
            pair(b.p50_ms, b.p95_ms),
            pair(f.p50_ms / b.p50_ms, f.p95_ms / b.p95_ms),
            rg,
            speedup
        )?;
    }
    Ok(())
}

fn print_in_process(out: &mut dyn Write, classes: &[ClassReport]) -> io::Result<()> {
    writeln!(
        out,
        "\n{:<20}{:>18}{:>18}{:>14}{:>18}",
        "in process, ms", "fundstelle p50/95", "baseline p50/95", "ratio", "--batch ms/query"
    )?;
    for class in classes {
        let (f, b) = (class.in_process.fundstelle, class.in_process.baseline);
        let batch = class.batch_ms_per_query;
        writeln!(
            out,
            "  {:<18}{:>18}{:>18}{:>14}{:>18}",
            class.class.label(),
            pair(f.p50_ms, f.p95_ms),
            pair(b.p50_ms, b.p95_ms),
            pair(f.p50_ms / b.p50_ms, f.p95_ms / b.p95_ms),
            pair(batch.fundstelle, batch.baseline),
        )?;
    }
    Ok(())
}

fn print_targets(out: &mut dyn Write, checks: &[Check]) -> io::Result<()> {
    let missed = checks.iter().filter(|c| !c.ok).count();
    writeln!(
        out,
        "\ntargets ({} of {} met)",
        checks.len() - missed,
        checks.len()
    )?;
    for check in checks {
        writeln!(
            out,
            "  {:<5}{:>4} MB  {:<52}{:>10} {} {}{}",
            if check.ok { "ok" } else { "MISS" },
            check.megabytes,
            check.what,
            // Two decimals: 14.97 must not print as the 15.0 it misses.
            format!("{:.2}{}", check.value, check.unit),
            check.relation,
            num(check.limit),
            check.unit
        )?;
    }
    Ok(())
}
