//! The on-disk index: its schema, and opening it safely.
//!
//! One tantivy document per passage. The text is indexed twice: stemmed, with compound parts
//! (`text`, the main field, with positions for phrases, stored for display) and as exact
//! forms (`exact`, not stored), so that exact lookups are possible and an exact-form match can
//! rank above a stem-only match.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, META_LOCK,
};
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument};

use crate::analysis::{self, TermCache, ANALYZER_VERSION, EXACT_ANALYZER, STEM_ANALYZER};

/// Size of the blocks tantivy compresses stored passages in (its default is 16 KiB). Showing a
/// hit decompresses its whole block: with 12 KiB a search process at 100 MB is 3 % faster
/// (2.43 → 2.34 ms p50, timed alternately over five queries) for an index 2 % larger (149 →
/// 152 MB). 8 KiB, measured again in the fifteenth session: three-word queries per process
/// were no faster (8 KiB 2.57 and 2.50 ms p50, 12 KiB 2.55 and 2.54 ms, in two runs of 10
/// alternating rounds of 20, both indexes copied fresh), and the 100 MB index grows 3 %, to
/// 1.40 times the plain-tantivy baseline's (the 1 MB one to 1.38; the benchmark allows 1.50).
const STORE_BLOCK_BYTES: usize = 12 * 1024;

/// Bumped whenever the schema changes; like [`ANALYZER_VERSION`] it is recorded with every
/// commit so that an index from another version is refused instead of giving wrong results.
pub const SCHEMA_VERSION: u32 = 3;

/// Tokens of `file_start` for a file none of whose passages holds its title terms, or whose
/// title passage is too far from its start to say so; lengths up to this are stored exactly.
const NO_TITLE_PASSAGE: usize = 40;

/// The text of `file_start` for a file whose title terms are with its passage
/// `title_passage` (counted from 0; `None` if no passage holds them).
pub fn file_start_marker(title_passage: Option<usize>) -> String {
    let tokens = title_passage
        .map_or(NO_TITLE_PASSAGE, |passage| passage + 1)
        .min(NO_TITLE_PASSAGE);
    vec!["s"; tokens].join(" ")
}

/// From the length of a file's first passage in `file_start`, how many passages after it
/// the one with the file's title terms is (`None` if unknown: see [`file_start_marker`]).
pub fn title_passage_offset(file_start_length: u32) -> Option<u32> {
    (1..NO_TITLE_PASSAGE as u32)
        .contains(&file_start_length)
        .then(|| file_start_length - 1)
}

/// The fields of a passage document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Source path as given when indexing (raw term: used to replace a file's passages).
    pub path: Field,
    pub ordinal: Field,
    pub line_start: Field,
    pub line_end: Field,
    /// The document's title as shown with every passage (stored, not indexed).
    pub title: Field,
    /// The document's title, stemmed, indexed with the file's first passage only: a title
    /// match then costs one posting per file, not one per passage; the re-ranker credits it
    /// to every passage from the stored title.
    pub title_terms: Field,
    /// Marks a file's first passage, with as many tokens as one more than the passages before
    /// the one holding `title_terms` (see [`file_start_marker`]). A file's passages go to
    /// tantivy as one batch (one per 10,000 passages of a longer file, each marked, the later
    /// ones with the title unknown), and a batch is one run of documents in a segment, so
    /// that the re-ranker finds any passage's title terms from the lengths tantivy keeps for
    /// this field, a byte per passage, before reading the passage (see
    /// `search::candidate_evidence`).
    pub file_start: Field,
    /// The passage text, stemmed, with positions for phrases; stored for display.
    pub text: Field,
    /// The passage text as exact (lowercased) forms, without positions (phrases match on
    /// stems and check exact forms); not stored.
    pub exact: Field,
}

impl Fields {
    fn from_schema(schema: &Schema) -> Result<Fields> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("index has no field {name:?}"))
        };
        Ok(Fields {
            path: get("path")?,
            ordinal: get("ordinal")?,
            line_start: get("line_start")?,
            line_end: get("line_end")?,
            title: get("title")?,
            title_terms: get("title_terms")?,
            file_start: get("file_start")?,
            text: get("text")?,
            exact: get("exact")?,
        })
    }
}

fn analyzed(analyzer: &str, record: IndexRecordOption) -> TextFieldIndexing {
    TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(record)
}

/// The schema of a fundstelle index.
pub fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("path", STRING | STORED);
    builder.add_u64_field("ordinal", STORED);
    builder.add_u64_field("line_start", STORED);
    builder.add_u64_field("line_end", STORED);
    builder.add_text_field("title", STORED);
    builder.add_text_field(
        "title_terms",
        TextOptions::default()
            .set_indexing_options(analyzed(STEM_ANALYZER, IndexRecordOption::WithFreqs)),
    );
    builder.add_text_field(
        "file_start",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::Basic),
        ),
    );
    builder.add_text_field(
        "text",
        TextOptions::default()
            .set_indexing_options(analyzed(
                STEM_ANALYZER,
                IndexRecordOption::WithFreqsAndPositions,
            ))
            .set_stored(),
    );
    builder.add_text_field(
        "exact",
        TextOptions::default()
            .set_indexing_options(analyzed(EXACT_ANALYZER, IndexRecordOption::WithFreqs)),
    );
    builder.build()
}

/// A stored text field of a retrieved document ("" if absent).
pub fn stored_text(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// A stored number field of a retrieved document (0 if absent).
pub fn stored_u64(doc: &TantivyDocument, field: Field) -> u64 {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .unwrap_or_default()
}

/// What every commit records about the code that wrote it (tantivy's commit payload, written
/// atomically with the commit itself).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stamp {
    pub schema: u32,
    pub analyzer: u32,
    /// Whether compound parts were indexed (they are but to measure what they gain, see
    /// `IndexConfig::split_compounds`): the re-ranker's score bounds count on them. A stamp
    /// written before it was recorded reads as having them, as every index the command line
    /// builds has.
    #[serde(default = "compound_parts_by_default")]
    pub compound_parts: bool,
}

fn compound_parts_by_default() -> bool {
    true
}

impl Stamp {
    /// The stamp this version writes, for an index with or without compound parts.
    pub fn current(compound_parts: bool) -> Stamp {
        Stamp {
            schema: SCHEMA_VERSION,
            analyzer: ANALYZER_VERSION,
            compound_parts,
        }
    }

    /// Whether this version can search the index: its schema and analyzer are this one's.
    pub fn is_searchable(&self) -> bool {
        self.schema == SCHEMA_VERSION && self.analyzer == ANALYZER_VERSION
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("a stamp always serializes")
    }
}

/// Whether `dir` holds a tantivy index (a committed `meta.json`).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Whether the tantivy index in `dir` holds any committed segment (whatever its version).
pub fn has_segments(dir: &Path) -> bool {
    Index::open_in_dir(dir)
        .and_then(|index| index.searchable_segment_metas())
        .is_ok_and(|metas| !metas.is_empty())
}

/// An index opened for searching: a point-in-time view that a concurrent `index` run
/// cannot change under our feet.
pub struct OpenIndex {
    pub fields: Fields,
    pub searcher: Searcher,
    /// Stems and compound splits already worked out, kept across the queries of a batch.
    pub terms: RefCell<TermCache>,
    /// Whether compound parts were indexed (see [`Stamp::compound_parts`]).
    pub compound_parts: bool,
}

/// How many queries an opened index will answer, which decides whether it keeps the blocks of
/// stored passages it decompresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// One query (a search process's usual life): every block is decompressed into fresh
    /// memory, each page of it a page fault, only to be kept for queries that never come.
    /// Not keeping them makes a search process at 100 MB 2 % faster for a word and 6 % for
    /// three words, whose re-ranker reads up to 80 passages (timed alternately, 450 and 300
    /// processes); a block read twice is decompressed twice, which costs less.
    OneQuery,
    /// Many queries (`--batch`): the last blocks read are kept, as tantivy does by default,
    /// since a later query often shows the same passages again.
    ManyQueries,
}

/// Blocks of stored passages an index keeps decompressed when it answers many queries:
/// tantivy's default.
const CACHED_STORE_BLOCKS: usize = 100;

/// Opens the index in `dir`, checking that it was written by this version of fundstelle.
pub fn open(dir: &Path, reading: Reading) -> Result<OpenIndex> {
    if !exists(dir) {
        refuse_a_file(dir)?;
        if dir.exists() {
            bail!(
                "no index in {} (build one with `fundstelle index PATH --index {}`)",
                dir.display(),
                dir.display()
            );
        }
        bail!(
            "index folder {} does not exist (build it with `fundstelle index PATH --index {}`)",
            dir.display(),
            dir.display()
        );
    }
    let (index, stamp) = open_checked(dir)?;
    let fields = Fields::from_schema(&index.schema())?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .doc_store_cache_num_blocks(match reading {
            Reading::OneQuery => 0,
            Reading::ManyQueries => CACHED_STORE_BLOCKS,
        })
        .try_into()
        .map_err(|err| match err {
            // tantivy takes a lock file to read too, and this user may neither create it nor
            // (see `IndexDirectory`) open one that is there.
            tantivy::TantivyError::LockFailure(LockError::IoError(io), _) => {
                anyhow::anyhow!("cannot read index {}: {io}", dir.display())
            }
            err => anyhow::Error::new(err).context(format!("cannot read index {}", dir.display())),
        })?;
    Ok(OpenIndex {
        searcher: reader.searcher(),
        fields,
        terms: RefCell::new(TermCache::default()),
        compound_parts: stamp.compound_parts,
    })
}

/// Whether fundstelle (of any version) has committed to the index in `dir`. Only then does a
/// manifest beside it describe what the index holds: an index created afresh next to an old
/// manifest (its `meta.json` deleted by hand) holds none of the files that manifest lists.
pub fn was_committed(dir: &Path) -> bool {
    stamp(dir).is_some()
}

/// The stamp of the last commit in `dir` (tantivy's commit payload in `meta.json`), if it has
/// one (none: no index, another program's, or one that fundstelle created but never committed
/// to). Reads one small file, so the indexer can ask on every run without opening the index.
pub fn stamp(dir: &Path) -> Option<Stamp> {
    #[derive(Deserialize)]
    struct Meta {
        payload: Option<String>,
    }
    let bytes = std::fs::read(dir.join("meta.json")).ok()?;
    let meta: Meta = serde_json::from_slice(&bytes).ok()?;
    serde_json::from_str(meta.payload.as_deref()?).ok()
}

/// Whether this version can search the index in `dir` (see [`Stamp::is_searchable`]).
pub fn is_searchable(dir: &Path) -> bool {
    stamp(dir).is_some_and(|stamp| stamp.is_searchable())
}

/// Whether the index in `dir` is fundstelle's, of whatever version: its last commit carries a
/// stamp, or it is a tantivy index with fundstelle's fields that never got its first commit.
/// Only such an index may be rebuilt: a `meta.json` of anyone else's is not to be replaced.
pub fn is_ours(dir: &Path) -> bool {
    stamp(dir).is_some()
        || Index::open_in_dir(dir).is_ok_and(|index| {
            let schema = index.schema();
            schema.get_field("path").is_ok()
                && schema.get_field("text").is_ok()
                && index
                    .searchable_segment_metas()
                    .is_ok_and(|metas| metas.is_empty())
        })
}

/// Opens the tantivy index in `dir`, with the stamp of its last commit, refusing an index
/// whose schema or analyzer differs from this build's. Searching analyses queries itself, so
/// the analyzers are registered only for writing (see [`open_or_create`]): opening stays
/// cheap.
pub fn open_checked(dir: &Path) -> Result<(Index, Stamp)> {
    let index = match IndexDirectory::open(dir).and_then(Index::open) {
        Ok(index) => index,
        Err(err) => {
            refuse_unreadable(dir)?;
            return Err(err).with_context(|| {
                format!(
                    "cannot open index {} (rebuild it with `fundstelle index`)",
                    dir.display()
                )
            });
        }
    };
    let stamp = match stamp(dir) {
        Some(stamp) if stamp.is_searchable() => stamp,
        stamp => {
            // A new index has its meta.json before its first commit: while that first build
            // runs (or after it was interrupted) the index is empty, not of another version.
            let empty = index
                .searchable_segment_metas()
                .is_ok_and(|metas| metas.is_empty());
            if stamp.is_none() && empty {
                bail!(
                    "index {} holds nothing yet: its first `fundstelle index` run is still going, or was interrupted (run it again)",
                    dir.display()
                );
            }
            bail!(
                "index {} was built by another version of fundstelle; rebuild it with `fundstelle index PATH --index {}`",
                dir.display(),
                dir.display()
            );
        }
    };
    if index.schema() != schema() {
        bail!(
            "index {} has another schema; rebuild it with `fundstelle index PATH --index {}`",
            dir.display(),
            dir.display()
        );
    }
    Ok((index, stamp))
}

/// tantivy's memory-mapped directory, with two changes.
///
/// The lock that a reader takes while it opens the segments, so that a writer's clean-up
/// deletes none of their files meanwhile: tantivy opens that lock's file for writing, which a
/// user who may only read the index (a shared index, a read-only mount) cannot do. Such a
/// user takes the lock shared, through a read-only handle: it still waits for a writer, whose
/// lock is exclusive.
///
/// And index files are written in large pieces (see [`WRITE_CHUNK_BYTES`]).
#[derive(Clone, Debug)]
struct IndexDirectory {
    mmap: MmapDirectory,
    dir: PathBuf,
}

impl IndexDirectory {
    fn open(dir: &Path) -> tantivy::Result<IndexDirectory> {
        Ok(IndexDirectory {
            mmap: MmapDirectory::open(dir)?,
            dir: dir.to_owned(),
        })
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.mmap.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        // tantivy's own buffer in front (its directory layers replace the outermost one), ours
        // behind it.
        let file = self
            .mmap
            .open_write(path)?
            .into_inner()
            .map_err(|err| OpenWriteError::wrap_io_error(err.into_error(), path.to_owned()))?;
        Ok(BufWriter::new(Box::new(BufWriter::with_capacity(
            WRITE_CHUNK_BYTES,
            file,
        ))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(callback)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.mmap.acquire_lock(lock) {
            Err(LockError::IoError(err))
                if lock.filepath == META_LOCK.filepath
                    && matches!(
                        err.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                    ) =>
            {
                let file = File::open(self.dir.join(&lock.filepath))
                    .map_err(|_| LockError::IoError(err))?;
                file.lock_shared().map_err(LockError::wrap_io_error)?;
                // Closing the file releases the lock.
                Ok(DirectoryLock::from(Box::new(file)))
            }
            other => other,
        }
    }
}

/// How much of an index file is written at once. tantivy writes through an 8 KiB buffer, and
/// the kernel's page cache keeps what a write brings in in folios that grow with the write
/// (Linux 6 on ext4 here); a search maps the files, and the larger the folios, the cheaper
/// its page faults. The same 100 MB index, built in 8 KiB writes and in 1 MiB ones, per
/// process (10 alternating rounds of 20 queries, twice): three-word queries 2.64 and 2.58 →
/// 2.46 and 2.47 ms p50, rare words 1.70 and 1.68 → 1.62 and 1.64 ms. Copied with `dd`, a
/// three-word query's process takes 386 page faults with `bs=8k`, 330 with `bs=256k` and 311
/// with `bs=1M`. A segment's writer holds a few files open at once, so this costs some MB of
/// memory while indexing.
const WRITE_CHUNK_BYTES: usize = 1 << 20;

/// An index whose own small files this user may not read (another user's, made before they
/// were shared; see the indexer): said so, since no rebuild would help.
pub fn refuse_unreadable(dir: &Path) -> Result<()> {
    for name in ["meta.json", ".managed.json"] {
        if let Err(io) = File::open(dir.join(name)) {
            if io.kind() == io::ErrorKind::PermissionDenied {
                bail!("cannot read index {}: {io}", dir.display());
            }
        }
    }
    Ok(())
}

/// An index folder named where a file is: said so, for reading and writing alike.
pub fn refuse_a_file(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file, not an index folder", dir.display());
    }
    Ok(())
}

/// Opens the index in `dir` for writing, creating it (and the folder) if needed.
pub fn open_or_create(dir: &Path, split_compounds: bool) -> Result<(Index, Fields)> {
    let index = if exists(dir) {
        open_checked(dir)?.0
    } else {
        refuse_a_file(dir)?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create index folder {}", dir.display()))?;
        let settings = IndexSettings {
            docstore_blocksize: STORE_BLOCK_BYTES,
            ..IndexSettings::default()
        };
        // An index that another run made meanwhile is refused, not written into unchecked.
        IndexDirectory::open(dir)
            .and_then(|directory| {
                if Index::exists(&directory)? {
                    return Err(tantivy::TantivyError::IndexAlreadyExists);
                }
                Index::create(directory, schema(), settings)
            })
            .with_context(|| format!("cannot create index in {}", dir.display()))?
    };
    analysis::register(&index, split_compounds);
    let fields = Fields::from_schema(&index.schema())?;
    Ok((index, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_start_tells_where_its_title_terms_are() {
        let length = |title_passage| {
            let marker = file_start_marker(title_passage);
            marker.split(' ').count() as u32
        };
        for passage in [0, 1, 3, 38] {
            assert_eq!(
                title_passage_offset(length(Some(passage))),
                Some(passage as u32)
            );
        }
        assert_eq!(title_passage_offset(length(None)), None);
        assert_eq!(title_passage_offset(length(Some(1_000))), None);
        // A passage without the marker is no file's first.
        assert_eq!(title_passage_offset(0), None);
    }

    #[test]
    fn a_file_written_in_large_pieces_is_written_whole() {
        let dir = tempfile::TempDir::new().unwrap();
        let directory = IndexDirectory::open(dir.path()).unwrap();
        // More than one piece, and not a whole number of them.
        let data: Vec<u8> = (0..WRITE_CHUNK_BYTES * 2 + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        let path = Path::new("some.file");
        let mut writer = directory.open_write(path).unwrap();
        for piece in data.chunks(1000) {
            io::Write::write_all(&mut writer, piece).unwrap();
        }
        tantivy::directory::TerminatingWrite::terminate(writer).unwrap();
        assert_eq!(std::fs::read(dir.path().join(path)).unwrap(), data);
    }

    #[test]
    fn an_index_before_its_first_commit_is_not_called_another_version() {
        let dir = tempfile::TempDir::new().unwrap();
        open_or_create(dir.path(), true).unwrap();
        let err = open(dir.path(), Reading::OneQuery).err().unwrap();
        let message = format!("{err:#}");
        assert!(message.contains("holds nothing yet"), "{message}");
        assert!(!message.contains("another version"), "{message}");
    }
}
