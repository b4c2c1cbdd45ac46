//! The shared measurement data and how to read it: where the `shared/` folder is, the size
//! tiers of the German federal laws, the XQuAD German dev set, and scratch folders for the
//! indexes built from them.
//!
//! Every tool resolves the same files the same way, so that the evaluation and the speed
//! benchmark measure the same work and their figures can be quoted side by side.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};

/// Where the law files named by the tier lists are.
const LAWS_DIR: &str = "corpora/gesetze";
/// Where the tier lists (`<tier>.list`) are.
const TIERS_DIR: &str = "corpora/tiers";
/// The XQuAD German dev set.
const XQUAD_DEV_DIR: &str = "eval/xquad-de-dev";

/// The `shared/` folder beside the workspace root. It is not part of the repository: CI puts
/// a copy of it next to a fresh clone, so only this relative location holds everywhere.
pub fn default_shared_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared"))
}

/// Checks that `shared` holds the measurement data and returns its canonical path (for
/// reports), with an error that says what is missing and how to point elsewhere.
pub fn check_shared_dir(shared: &Path) -> Result<PathBuf> {
    for needed in [LAWS_DIR, TIERS_DIR, XQUAD_DEV_DIR] {
        if !shared.join(needed).is_dir() {
            bail!(
                "shared data not found: {} has no {needed}/ (pass --shared DIR to point at the shared folder)",
                shared.display()
            );
        }
    }
    fs::canonicalize(shared).with_context(|| format!("cannot resolve {}", shared.display()))
}

/// The folder of the German federal laws, the corpus of every measurement.
pub fn laws_dir(shared: &Path) -> PathBuf {
    shared.join(LAWS_DIR)
}

/// The law files of a size tier (`1mb`, `10mb`): `corpora/tiers/<tier>.list` names files of
/// `corpora/gesetze/`, one file name per line. Fails if the list names a missing file, since
/// a silently smaller tier would make runs incomparable.
pub fn tier_files(shared: &Path, tier: &str) -> Result<Vec<PathBuf>> {
    let list = shared.join(TIERS_DIR).join(format!("{tier}.list"));
    let text =
        fs::read_to_string(&list).with_context(|| format!("cannot read {}", list.display()))?;
    let laws = laws_dir(shared);
    let files: Vec<PathBuf> = text
        .lines()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| laws.join(name))
        .collect();
    if let Some(missing) = files.iter().find(|file| !file.is_file()) {
        bail!(
            "{} names a missing file: {}",
            list.display(),
            missing.display()
        );
    }
    Ok(files)
}

/// One question of an evaluation set with the passage it was written for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub qid: String,
    /// The question as a user would type it.
    pub text: String,
    /// File name (not path) of the gold document.
    pub gold_file: String,
    /// 1-based line of the gold paragraph in that file.
    pub gold_line: u64,
}

/// An evaluation set: the documents to index and the questions about them.
#[derive(Debug, Clone)]
pub struct EvalSet {
    /// The corpus files, sorted by name.
    pub corpus: Vec<PathBuf>,
    /// The questions, in the order of `questions.tsv`.
    pub questions: Vec<Question>,
}

/// Reads the XQuAD German dev set (`questions.tsv`, `qrels.tsv`, `corpus/*.txt`), checking
/// that questions and gold passages pair up one to one, in corpus files that exist.
pub fn xquad_dev(shared: &Path) -> Result<EvalSet> {
    let dir = shared.join(XQUAD_DEV_DIR);
    let corpus = text_files(&dir.join("corpus"))?;
    let mut gold = HashMap::new();
    for (at, [qid, file, line]) in tsv(&dir.join("qrels.tsv"))? {
        let line: u64 = line
            .parse()
            .with_context(|| format!("{at}: bad line number {line:?}"))?;
        if !corpus.iter().any(|f| f.file_name() == Some(file.as_ref())) {
            bail!("{at}: gold file {file} is not in the corpus");
        }
        if gold.contains_key(&qid) {
            bail!("{at}: question {qid} has a second gold passage");
        }
        gold.insert(qid, (file, line));
    }
    let questions = tsv(&dir.join("questions.tsv"))?
        .into_iter()
        .map(|(at, [qid, text])| {
            let (gold_file, gold_line) = gold
                .remove(&qid)
                .with_context(|| format!("{at}: question {qid} has no gold passage"))?;
            Ok(Question {
                qid,
                text,
                gold_file,
                gold_line,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(qid) = gold.keys().next() {
        bail!("qrels.tsv has a gold passage for {qid}, which questions.tsv does not ask");
    }
    Ok(EvalSet { corpus, questions })
}

/// The non-blank lines of a tab-separated file, each with its location (`file:line`, for
/// messages) and exactly `N` fields.
fn tsv<const N: usize>(path: &Path) -> Result<Vec<(String, [String; N])>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let at = format!("{}:{}", path.display(), i + 1);
            let fields: [String; N] = line
                .split('\t')
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .try_into()
                .map_err(|_| anyhow!("{at}: expected {N} tab-separated fields"))?;
            Ok((at, fields))
        })
        .collect()
}

/// The `.txt` files directly in `dir`, sorted by name so that every run indexes them in the
/// same order.
pub fn text_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        if path.is_file() && path.extension().is_some_and(|e| e == "txt") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A fresh folder under the system's temp folder for indexes built during a run; removed
/// with everything in it when dropped, so runs leave nothing behind (also on error).
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// Creates `<temp>/<prefix>-<pid>-<nanoseconds>`: unique per process and per call.
    pub fn new(prefix: &str) -> Result<ScratchDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(ScratchDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(err) = fs::remove_dir_all(&self.0) {
            eprintln!("warning: cannot remove {}: {err}", self.0.display());
        }
    }
}
