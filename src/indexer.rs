//! Building and updating an index from files: find documents, decide what changed since the
//! last run, and replace exactly those documents' passages in one atomic commit.
//!
//! Safety: tantivy's commit writes new segments, then atomically replaces `meta.json`; an
//! interrupted run leaves the previous commit searchable. The manifest (what was indexed, by
//! size, mtime and content hash) is written after the commit. If a run dies between the two,
//! the stale manifest only makes the next run re-index a few files: every update deletes a
//! path's passages before adding them again, so re-doing it is harmless.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Instant, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::indexer::NoMergePolicy;
use tantivy::indexer::UserOperation;
use tantivy::schema::document::Document;
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::decode::decode;
use crate::index::{self, file_start_marker, Stamp};
use crate::passage::{split_document, split_markdown};

/// What `fundstelle index` is asked to do.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    /// Files or folders to index (folders recursively: `.txt` and `.md` files).
    pub paths: Vec<PathBuf>,
    /// The index folder.
    pub index_dir: PathBuf,
    /// Index the parts of compound nouns (always on for users; the evaluation turns it off
    /// to measure what splitting costs and gains — searching such an index still works,
    /// its compounds are just not found by their parts).
    pub split_compounds: bool,
}

/// Memory budget of tantivy's writer, shared by its threads: bounded whatever the corpus size.
pub const WRITER_MEMORY_BYTES: usize = 256 * 1024 * 1024;
/// Most indexing threads: past four, more threads mostly add segments to merge.
pub const MAX_WRITER_THREADS: usize = 4;
const MANIFEST_FILE: &str = "fundstelle-manifest.json";
const WRITER_PID_FILE: &str = "fundstelle-writer.pid";
/// Files are read whole (decoding and hashing need all of it); a larger one is more likely a
/// log or a disk image than a document, and would take its size in memory.
const MAX_FILE_BYTES: u64 = 1 << 30;

/// One indexed file as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileEntry {
    size: u64,
    mtime_ns: u128,
    hash: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    files: BTreeMap<String, FileEntry>,
    /// The folder the keys are relative to (see [`KeyBase`]), relative to the index folder
    /// (absolute where it cannot be: another drive), so that a project moved with its index
    /// still finds it; absent in manifests written before it was recorded, whose keys are
    /// taken as relative to the current folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    root: Option<PathBuf>,
    /// The same folder, absolute, so that an index moved away from its project finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    absolute_root: Option<PathBuf>,
}

impl Manifest {
    /// The manifest in `index_dir`, if `committed` (fundstelle has committed to the index
    /// there): one without an index beside it (its meta.json deleted by hand), or beside an
    /// index that was created afresh and never committed to, describes nothing indexed.
    fn load(index_dir: &Path, committed: bool) -> Manifest {
        if !committed {
            return Manifest::default();
        }
        // A missing or unreadable manifest only costs a full re-read of the files.
        fs::read(index_dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn save(&self, index_dir: &Path) -> Result<()> {
        let tmp = index_dir.join(format!("{MANIFEST_FILE}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(&serde_json::to_vec(self).map_err(std::io::Error::other)?)?;
            file.sync_all()?;
            fs::rename(&tmp, index_dir.join(MANIFEST_FILE))
        };
        write().with_context(|| format!("cannot write manifest in {}", index_dir.display()))
    }
}

/// Counts reported at the end of a run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub passages: usize,
    pub bytes: u64,
    pub seconds: f64,
    /// Size of the index folder after the run, when it wrote to it.
    pub index_bytes: Option<u64>,
}

impl Summary {
    /// Whether this run changed what the index holds.
    pub fn touched(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} changed, {} removed, {} unchanged, {} skipped; {} passage{} from {} in {:.2} s",
            self.added,
            self.changed,
            self.removed,
            self.unchanged,
            self.skipped,
            self.passages,
            if self.passages == 1 { "" } else { "s" },
            human_bytes(self.bytes),
            self.seconds
        )?;
        if self.bytes >= 1_000_000 && self.seconds > 0.0 {
            write!(f, " ({:.1} MB/s)", self.bytes as f64 / 1e6 / self.seconds)?;
        }
        if let Some(size) = self.index_bytes {
            write!(f, "; index {}", human_bytes(size))?;
        }
        Ok(())
    }
}

/// Total size of the files directly in `dir` (an index folder has no subfolders).
pub fn folder_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// "2.3 kB", "99.9 MB": sizes as people read them.
fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// A progress bar on stderr for runs longer than a moment: files, MB, passages, rate, ETA.
/// indicatif draws nothing when stderr is not a terminal.
struct Progress {
    bar: indicatif::ProgressBar,
    files: usize,
}

impl Progress {
    fn new(total_bytes: u64, files: usize) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total_bytes),
            indicatif::ProgressDrawTarget::stderr_with_hz(4),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:16} {decimal_bytes:>9} {msg} {decimal_bytes_per_sec}, ETA {eta}",
            )
            .expect("a valid template"),
        );
        Progress { bar, files }
    }

    /// Before reading file number `file` (from 1), of `bytes` bytes, with `passages` indexed.
    fn file(&self, file: usize, bytes: u64, passages: usize) {
        self.bar.inc(bytes);
        self.bar
            .set_message(format!("{file}/{} files, {passages} passages,", self.files));
    }

    /// Prints a warning above the bar: without clearing it first, the warning would be
    /// written onto the bar's line and the bar left standing above it.
    fn warn(&self, message: impl std::fmt::Display) {
        self.bar.suspend(|| warn(message));
    }

    /// Every file is read: what is left is writing the index out (and, for a new index,
    /// merging it), a few seconds at 100 MB that should not look like a hang.
    fn writing(&self) {
        self.bar
            .set_message(format!("{} files read; writing the index,", self.files));
        // Nothing else moves the bar now: redraw it on a timer, so that the message shows.
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(250));
    }
}

/// The bar is cleared however the run ends, so that an error is never printed after a bar
/// left standing.
impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Another process holds the index's writer lock.
#[derive(Debug, thiserror::Error)]
#[error(
    "another fundstelle process{} is writing to {}; wait for it to finish",
    .pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default(),
    .dir.display()
)]
pub struct IndexBusy {
    pub dir: PathBuf,
    /// The process holding the lock, as it recorded itself.
    pub pid: Option<u32>,
}

impl IndexBusy {
    fn of(dir: &Path) -> IndexBusy {
        let pid = fs::read_to_string(dir.join(WRITER_PID_FILE))
            .ok()
            .and_then(|text| text.trim().parse().ok());
        IndexBusy {
            dir: dir.to_owned(),
            pid,
        }
    }
}

/// Why the writer lock of the index in `dir` could not be taken: another process holds it
/// ([`IndexBusy`], which a search waits for), or the lock file cannot be written at all.
fn lock_error(err: LockError, dir: &Path) -> anyhow::Error {
    match err {
        LockError::LockBusy => IndexBusy::of(dir).into(),
        LockError::IoError(io) => {
            anyhow::anyhow!("cannot lock {} for writing: {io}", dir.display())
        }
    }
}

/// Waits until no process holds the writer lock of the index in `dir`, or until the index
/// there is of this version (committed by the process holding the lock, which may still be
/// merging): cheap checks at growing intervals, as cargo waits for a lock. The lock is the
/// operating system's and goes with its process, so the wait ends.
pub fn wait_for_writer(dir: &Path) {
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        if index::is_searchable(dir) {
            return;
        }
        // The lock, if taken here, is released at once: the caller runs the indexer again,
        // which also reports why the lock could not be taken if no process holds it (a
        // folder this user may not write to).
        match MmapDirectory::open(dir).map(|directory| directory.acquire_lock(&INDEX_WRITER_LOCK)) {
            Ok(Err(LockError::LockBusy)) => {}
            _ => return,
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(200));
    }
}

/// Records this process as the holder of `dir`'s writer lock, so that a run finding the lock
/// taken can say who holds it. Best effort: the lock itself is what protects the index, and a
/// file left by a dead process is only read while a live one holds the lock.
fn record_writer(dir: &Path) {
    let _ = fs::write(dir.join(WRITER_PID_FILE), std::process::id().to_string());
}

/// A document file found on disk, with the path under which it is stored in the index.
struct Found {
    key: String,
    path: PathBuf,
}

/// Warnings go to stderr as one line each, prefixed like every fundstelle message.
fn warn(message: impl std::fmt::Display) {
    crate::output::stderr_line(format_args!("warning: {message}"));
}

/// The path under which a file is stored, one key for every spelling of a file: relative
/// to the current folder when inside it ("./akten/../akten/a.txt", and the absolute path as
/// the system or the shell's `$PWD` spells it, are "akten/a.txt"), absolute outside it ("../x"
/// is stored as the absolute path it names), cleaned of "." and "..", with '/' separators
/// (public for the benchmark's baseline, which must report hits under the same paths).
/// Cleaning is lexical, as the path was named: "x/.." is dropped without asking whether x is
/// a symbolic link.
pub fn key_of(path: &Path) -> String {
    let cleaned = clean(path);
    // Only a path leaving the current folder or an absolute one needs to know where that is:
    // the documents of `seeds/`, refreshed before every default search, do not.
    let absolute = if cleaned.starts_with("..") {
        current_folders()
            .first()
            .map_or(cleaned.clone(), |current| clean(&current.join(&cleaned)))
    } else {
        cleaned
    };
    let relative = absolute.is_absolute().then(|| {
        current_folders()
            .iter()
            .find_map(|folder| absolute.strip_prefix(folder).ok())
    });
    key_text(relative.flatten().unwrap_or(&absolute))
}

/// A cleaned path as a key: with '/' separators on every platform.
fn key_text(path: &Path) -> String {
    path.to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

/// The folder an index's relative keys are relative to: the one `index` ran in when the index
/// was built. A run from another folder names its files relative to that one too, so that a
/// file keeps its key, and `index .` there covers that folder's files only (keys relative to
/// each run's own folder made it count another folder's files as removed).
enum KeyBase {
    /// The current folder (the usual case, and an index built before roots were recorded).
    Current,
    /// Another folder than the current one, absolute.
    Folder(PathBuf),
}

impl KeyBase {
    /// The base of the index in `index_dir` with the `manifest`, for a run in the current
    /// folder. Its root is recorded twice: relative to the index, which holds when the
    /// project moved with its index, and absolute, which holds when the index moved alone.
    /// Either one that is the current folder makes it the base; otherwise the first one that
    /// holds a file of the manifest, then the first that exists. Recorded folders that are
    /// all gone leave the current folder as the base.
    fn of(manifest: &Manifest, index_dir: &Path) -> KeyBase {
        // The usual case, decided without asking where the current folder is (a default
        // search asks on every run): the index in `index/`, its root "..", is here.
        let here_by_name = manifest.root.as_deref().is_some_and(|root| {
            root.is_relative() && clean(&index_dir.join(root)).as_os_str().is_empty()
        });
        if here_by_name {
            return KeyBase::Current;
        }
        let roots: Vec<PathBuf> = [
            manifest
                .root
                .as_deref()
                .map(|root| clean(&absolute(index_dir).join(root))),
            manifest.absolute_root.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if roots.is_empty() {
            return KeyBase::Current;
        }
        if roots.iter().any(|root| current_folders().contains(root)) {
            return KeyBase::Current;
        }
        let some_key = manifest
            .files
            .keys()
            .find(|key| Path::new(key.as_str()).is_relative());
        let holds_keys = |root: &&PathBuf| some_key.is_some_and(|key| root.join(key).exists());
        roots
            .iter()
            .find(holds_keys)
            .or_else(|| roots.iter().find(|root| root.is_dir()))
            .map_or(KeyBase::Current, |root| KeyBase::Folder(root.clone()))
    }

    /// Records this base's folder in `manifest`, the manifest of the index in `index_dir`:
    /// relative to the index folder where it can be, and absolute.
    fn record(&self, manifest: &mut Manifest, index_dir: &Path) {
        let root = match self {
            KeyBase::Current => current_folders().first(),
            KeyBase::Folder(root) => Some(root),
        };
        manifest.root = root.map(|root| {
            pathdiff::diff_paths(root, absolute(index_dir)).unwrap_or_else(|| root.clone())
        });
        manifest.absolute_root = root.cloned();
    }

    /// The key of `path` (named as from the current folder): see [`key_of`].
    fn key(&self, path: &Path) -> String {
        let KeyBase::Folder(root) = self else {
            return key_of(path);
        };
        let absolute = absolute(path);
        key_text(absolute.strip_prefix(root).unwrap_or(&absolute))
    }

    /// Where the file of `key` is, named as from the current folder.
    fn path(&self, key: &str) -> PathBuf {
        match self {
            KeyBase::Folder(root) => root.join(key),
            KeyBase::Current => PathBuf::from(key),
        }
    }
}

/// The current folder as the system spells it, and as the shell's `$PWD` does if that names
/// the same folder (through a symbolic link); a program that starts fundstelle elsewhere
/// leaves `$PWD` behind, so it is checked. Worked out once per process.
fn current_folders() -> &'static [PathBuf] {
    static FOLDERS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    FOLDERS.get_or_init(|| {
        let Ok(current) = std::env::current_dir() else {
            return Vec::new();
        };
        let shell = std::env::var_os("PWD")
            .map(PathBuf::from)
            .filter(|shell| {
                shell.is_absolute() && fs::canonicalize(shell).ok().as_ref() == Some(&current)
            })
            .map(|shell| clean(&shell));
        let current = clean(&current);
        std::iter::once(current.clone())
            .chain(shell.filter(|shell| *shell != current))
            .collect()
    })
}

/// `path` named from the root, as from the current folder, without "." and "x/.." parts.
fn absolute(path: &Path) -> PathBuf {
    match current_folders().first() {
        Some(current) => clean(&current.join(path)),
        None => clean(path),
    }
}

/// `path` without "." components, and without "x/.." pairs.
fn clean(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir) => {}
                _ => parts.push(part),
            },
            _ => parts.push(part),
        }
    }
    parts.iter().collect()
}

fn is_document(path: &Path) -> bool {
    has_extension(path, "txt") || is_markdown(path)
}

fn is_markdown(path: &Path) -> bool {
    has_extension(path, "md")
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// What one named path covers: indexed files under it that are gone count as removed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    File(String),
    /// Keys under this folder prefix (ending in '/'); empty for the current folder, whose
    /// files are stored without a leading "./".
    Folder(String),
}

impl Scope {
    fn covers(&self, key: &str) -> bool {
        match self {
            Scope::File(file) => key == file,
            Scope::Folder(prefix) if prefix.is_empty() => {
                !key.starts_with('/') && !key.starts_with("../")
            }
            Scope::Folder(prefix) => key.starts_with(prefix.as_str()),
        }
    }
}

/// Lists the documents under `paths`, with the scopes whose vanished files count as removed,
/// and whether a path went through a symbolic link.
/// A named file is taken whatever its extension; folders yield `.txt`/`.md` files. A named
/// path that is gone is an error, unless `indexed` holds files under it: they are removed.
fn find_documents(
    paths: &[PathBuf],
    indexed: &Manifest,
    base: &KeyBase,
    skipped: &mut usize,
) -> Result<(Vec<Found>, Vec<Scope>, bool)> {
    let mut found = Vec::new();
    let mut scopes = Vec::new();
    // Whether a path of this run goes through a symbolic link: only then can two of them lead
    // to one file (see `index_each_file_once`).
    let mut links = false;
    for root in paths {
        // A root that is a link, under one, or named with a trailing slash through one.
        links |= fs::canonicalize(root).is_ok_and(|real| real != absolute(root));
        let key = base.key(root);
        let folder = Scope::Folder(match key.as_str() {
            "." | "" => String::new(),
            p if p.ends_with('/') => key.clone(),
            _ => format!("{key}/"),
        });
        let meta = match fs::metadata(root) {
            Ok(meta) => meta,
            Err(err) => {
                let scope = [Scope::File(key.clone()), folder]
                    .into_iter()
                    .find(|scope| indexed.files.keys().any(|known| scope.covers(known)));
                match scope {
                    _ if err.kind() != std::io::ErrorKind::NotFound => {
                        return Err(err).with_context(|| format!("cannot read {}", root.display()))
                    }
                    Some(scope) => {
                        scopes.push(scope);
                        continue;
                    }
                    None => match broken_link_target(root) {
                        Some(target) => bail!(
                            "{}: broken symbolic link: {} does not exist",
                            root.display(),
                            target.display()
                        ),
                        None => bail!("{}: no such file or folder", root.display()),
                    },
                }
            }
        };
        // A FIFO or a device named on the command line: reading it could wait forever.
        if !meta.is_file() && !meta.is_dir() {
            bail!("{}: not a regular file or folder", root.display());
        }
        if meta.is_file() {
            scopes.push(Scope::File(key.clone()));
            found.push(Found {
                key,
                path: root.clone(),
            });
            continue;
        }
        scopes.push(folder);
        for entry in walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
        {
            links |= entry.as_ref().is_ok_and(|entry| entry.path_is_symlink());
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_document(entry.path()) => {
                    found.push(Found {
                        key: base.key(entry.path()),
                        path: entry.into_path(),
                    });
                }
                // A document's name on something that is no file (a FIFO, a device).
                Ok(entry) if !entry.file_type().is_dir() && is_document(entry.path()) => {
                    *skipped += 1;
                    warn(format_args!(
                        "{}: skipped (not a regular file)",
                        entry.path().display()
                    ));
                }
                Ok(_) => {}
                Err(err) => {
                    *skipped += 1;
                    let path = err
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    warn(format_args!(
                        "{path}: skipped ({})",
                        walk_error_reason(&err)
                    ));
                }
            }
        }
    }
    // Overlapping paths ("docs docs/a.txt") name some files twice: index each once. Two files
    // whose names are not UTF-8 can read the same ("a\u{FFFD}.txt"): the second is skipped
    // and named, not lost in silence.
    let mut paths_by_key: BTreeMap<String, PathBuf> = BTreeMap::new();
    found.retain(|doc| match paths_by_key.get(&doc.key) {
        None => {
            paths_by_key.insert(doc.key.clone(), doc.path.clone());
            true
        }
        Some(first) => {
            if fs::canonicalize(first).ok() != fs::canonicalize(&doc.path).ok() {
                *skipped += 1;
                warn(format_args!(
                    "{}: skipped (its name is not valid UTF-8; with the invalid bytes replaced \
                     it reads the same as another file's)",
                    doc.path.display(),
                ));
            }
            false
        }
    });
    // A file named on its own earlier, whatever its extension, is no document a folder's walk
    // finds: it is kept up to date while it is there ("index notiz.log", then "index .").
    let walked: BTreeSet<&str> = found.iter().map(|doc| doc.key.as_str()).collect();
    let named_before: Vec<Found> = indexed
        .files
        .keys()
        .filter(|key| !is_document(Path::new(key.as_str())) && !walked.contains(key.as_str()))
        .filter(|key| scopes.iter().any(|scope| scope.covers(key)))
        .map(|key| Found {
            key: key.clone(),
            path: base.path(key),
        })
        .filter(|doc| doc.path.is_file())
        .collect();
    found.extend(named_before);
    Ok((found, scopes, links))
}

/// Keeps one path to each file where several lead to it (a symbolic link beside its target,
/// a linked folder, a folder named twice through a link), so that a search does not show
/// every passage twice: the path through the fewest links, the first of those. Nothing is
/// lost, so nothing is reported. A file is known by its device and inode, which the walk's
/// own `stat` of a followed link does not hand over: one more `stat` per file, so this runs
/// only where a link was followed (or a rebuild put back files of earlier runs). Hard links
/// are one file too.
fn index_each_file_once(found: &mut Vec<Found>) {
    let identities: Vec<Option<FileIdentity>> = found
        .iter()
        .map(|doc| {
            fs::metadata(&doc.path)
                .ok()
                .map(|meta| identity(&doc.path, &meta))
        })
        .collect();
    let mut kept: HashMap<&FileIdentity, usize> = HashMap::new();
    for (i, id) in identities.iter().enumerate() {
        let Some(id) = id else {
            continue;
        };
        match kept.get(id) {
            Some(&first)
                if links_on_the_way(&found[first].path) <= links_on_the_way(&found[i].path) => {}
            _ => {
                kept.insert(id, i);
            }
        }
    }
    let keep: Vec<bool> = identities
        .iter()
        .enumerate()
        .map(|(i, id)| id.as_ref().is_none_or(|id| kept[id] == i))
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
}

/// What tells two paths to one file apart from two files.
#[cfg(unix)]
type FileIdentity = (u64, u64);

#[cfg(unix)]
fn identity(_: &Path, meta: &fs::Metadata) -> FileIdentity {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
type FileIdentity = PathBuf;

#[cfg(not(unix))]
fn identity(path: &Path, _: &fs::Metadata) -> FileIdentity {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// How many of the folders on `path`, from the root, and the file itself, are symbolic links.
fn links_on_the_way(path: &Path) -> usize {
    absolute(path)
        .ancestors()
        .filter(|step| !step.as_os_str().is_empty())
        .filter(|step| fs::symlink_metadata(step).is_ok_and(|meta| meta.file_type().is_symlink()))
        .count()
}

fn walk_error_reason(err: &walkdir::Error) -> String {
    let broken_link = err
        .io_error()
        .filter(|io| io.kind() == std::io::ErrorKind::NotFound)
        .and(err.path())
        .and_then(broken_link_target);
    if err.loop_ancestor().is_some() {
        "symbolic link loop".to_owned()
    } else if let Some(target) = broken_link {
        format!("broken symbolic link: {} does not exist", target.display())
    } else if let Some(io) = err.io_error() {
        io.to_string()
    } else {
        err.to_string()
    }
}

/// Where `path` points, if it is a symbolic link whose target does not exist: "No such file
/// or directory" alone would leave the user looking for a file that is right there.
fn broken_link_target(path: &Path) -> Option<PathBuf> {
    let link = fs::symlink_metadata(path).ok()?;
    (link.file_type().is_symlink() && fs::metadata(path).is_err())
        .then(|| fs::read_link(path).ok())
        .flatten()
}

fn mtime_ns(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Builds or updates the index in `config.index_dir` from `config.paths`.
///
/// Files whose size and mtime match the manifest are not read; files whose content hash
/// matches are not re-indexed. Files that vanished from a named folder are removed.
pub fn run(config: &IndexConfig) -> Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();
    // meta.json is read once here: a search of the default index runs this every time.
    let stamp = index::stamp(&config.index_dir);
    // What this run's commit records, and what an index needs to be updated, not rebuilt.
    let current = Stamp::current(config.split_compounds);
    if stamp.is_none() {
        // Before the walk, whose warnings would come first.
        index::refuse_a_file(&config.index_dir)?;
        // A meta.json this user may not read is no other program's: the index is another
        // user's.
        index::refuse_unreadable(&config.index_dir)?;
    }
    let previous = Manifest::load(&config.index_dir, stamp.is_some());
    let base = KeyBase::of(&previous, &config.index_dir);
    let (mut found, scopes, links) =
        find_documents(&config.paths, &previous, &base, &mut summary.skipped)?;

    let rebuild = index::exists(&config.index_dir) && stamp != Some(current);
    // A rebuild replaces what the folder's meta.json describes: never another program's file.
    if rebuild && !index::is_ours(&config.index_dir) {
        bail!(
            "{} holds a meta.json that is not a fundstelle index; choose another --index folder",
            config.index_dir.display()
        );
    }
    let old = if rebuild {
        // The rebuilt index must hold everything the old one did, not only what this run
        // names: the old manifest's files that still exist are indexed again too.
        let mut named: BTreeSet<String> = found.iter().map(|doc| doc.key.clone()).collect();
        let mut lost = Vec::new();
        for key in previous.files.into_keys() {
            if named.contains(&key) {
                continue;
            }
            // Under its cleaned key: an index from before keys were cleaned may hold a file
            // twice, under two spellings.
            let path = base.path(&key);
            let key = base.key(&path);
            if path.is_file() {
                if named.insert(key.clone()) {
                    found.push(Found { path, key });
                }
            } else if scopes.iter().any(|scope| scope.covers(&key)) {
                // Gone from a file or folder this run names: removed, as in any other run.
                summary.removed += 1;
            } else {
                lost.push(key);
            }
        }
        // Deleted since, or named relative to another folder than this run's: either way
        // the rebuilt index will not hold them, and the user must hear of it.
        if let Some(example) = lost.first() {
            summary.skipped += lost.len();
            warn(format_args!(
                "{} file(s) of the old index not found from here (such as {example}); \
                 the rebuilt index leaves them out",
                lost.len()
            ));
        }
        Manifest::default()
    } else {
        previous
    };
    // After the rebuild's additions, which may add a path to a file this run found by another.
    if links || rebuild {
        index_each_file_once(&mut found);
    }

    // Decide what changed before taking the writer lock: a run with nothing to do is a
    // handful of stat calls.
    let mut todo = Vec::new();
    let seen: BTreeSet<&str> = found.iter().map(|f| f.key.as_str()).collect();
    for doc in &found {
        let meta = match fs::metadata(&doc.path) {
            Ok(meta) => meta,
            Err(err) => {
                summary.skipped += 1;
                warn(format_args!("{}: skipped ({err})", doc.path.display()));
                continue;
            }
        };
        let entry = old.files.get(&doc.key);
        if entry.is_some_and(|e| e.size == meta.len() && e.mtime_ns == mtime_ns(&meta)) {
            summary.unchanged += 1;
            continue;
        }
        todo.push((doc, meta, entry.is_some()));
    }
    let removed: Vec<String> = old
        .files
        .keys()
        .filter(|key| !seen.contains(key.as_str()))
        .filter(|key| scopes.iter().any(|scope| scope.covers(key)))
        .cloned()
        .collect();
    // An empty folder is an error, unless it held documents before: then they are removed.
    if found.is_empty() && removed.is_empty() && summary.removed == 0 {
        let names: Vec<String> = config
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        bail!("no documents (.txt or .md files) in {}", names.join(", "));
    }
    if todo.is_empty() && removed.is_empty() && index::exists(&config.index_dir) && !rebuild {
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }

    // A rebuild holds the old index's writer lock while it builds the new one in a folder of
    // its own, so two rebuilds never share it.
    let (target, rebuild_lock) = if rebuild {
        let lock = MmapDirectory::open(&config.index_dir)
            .map_err(anyhow::Error::new)
            .and_then(|dir| {
                dir.acquire_lock(&INDEX_WRITER_LOCK)
                    .map_err(|err| lock_error(err, &config.index_dir))
            })?;
        // The version was read before the lock: a run that held it may have rebuilt the index
        // for this version since, and then this run is an update like any other.
        if index::stamp(&config.index_dir) == Some(current) {
            drop(lock);
            return run(config);
        }
        record_writer(&config.index_dir);
        // An index that never got its first commit (a run interrupted while creating it)
        // is simply built again; only one with content was written by another version.
        if index::has_segments(&config.index_dir) {
            warn(format_args!(
                "{} was built by another version of fundstelle; rebuilding it",
                config.index_dir.display()
            ));
        }
        (rebuild_dir(&config.index_dir)?, Some(lock))
    } else {
        (config.index_dir.clone(), None)
    };
    let (index, fields) = index::open_or_create(&target, config.split_compounds)?;
    let mut writer: IndexWriter<Queued> = index
        .writer_with_num_threads(writer_threads(), WRITER_MEMORY_BYTES)
        .map_err(|err| match err {
            tantivy::TantivyError::LockFailure(err, _) => lock_error(err, &target),
            err => anyhow::Error::new(err)
                .context(format!("cannot write to {}", config.index_dir.display())),
        })?;
    record_writer(&target);
    // An index without segments holds nothing to replace: its files need no delete by path
    // first. Decided under the writer lock, so that a run creating the index at the same
    // moment cannot commit passages this run would then add a second time.
    let fresh = rebuild
        || index
            .searchable_segment_metas()
            .is_ok_and(|metas| metas.is_empty());
    if fresh {
        // The new index is merged into one segment at the end (see `merge_into_one`); a merge
        // tantivy started on its own meanwhile would take segments from under that one.
        writer.set_merge_policy(Box::new(NoMergePolicy));
    }
    // Read again under the lock: another run may have changed it since it was read above.
    let mut manifest = Manifest::load(&target, index::was_committed(&target));
    base.record(&mut manifest, &config.index_dir);

    for key in &removed {
        writer.delete_term(Term::from_field_text(fields.path, key));
        manifest.files.remove(key);
        summary.removed += 1;
    }
    let queue = Queue::new(&fields);
    let progress = Progress::new(todo.iter().map(|(_, meta, _)| meta.len()).sum(), todo.len());
    for (number, (doc, meta, known)) in todo.into_iter().enumerate() {
        progress.file(number + 1, meta.len(), summary.passages);
        // A file skipped now must not keep the passages of what it was before: they are no
        // longer its text. The warning says so, as they vanish from the searches.
        let mut skip = |reason: &dyn std::fmt::Display| {
            summary.skipped += 1;
            let dropped = if known {
                "; the passages indexed from it before are dropped"
            } else {
                ""
            };
            progress.warn(format_args!(
                "{}: skipped ({reason}){dropped}",
                doc.path.display()
            ));
            if known {
                writer.delete_term(Term::from_field_text(fields.path, &doc.key));
                manifest.files.remove(&doc.key);
            }
        };
        if meta.len() > MAX_FILE_BYTES {
            skip(&format_args!("larger than {} GiB", MAX_FILE_BYTES >> 30));
            continue;
        }
        let bytes = match fs::read(&doc.path) {
            Ok(bytes) => bytes,
            Err(err) => {
                skip(&err);
                continue;
            }
        };
        let entry = FileEntry {
            size: bytes.len() as u64,
            mtime_ns: mtime_ns(&meta),
            hash: hash(&bytes),
        };
        if known
            && old
                .files
                .get(&doc.key)
                .is_some_and(|e| e.hash == entry.hash)
        {
            // Touched but not changed: remember the new mtime, index nothing.
            manifest.files.insert(doc.key.clone(), entry);
            summary.unchanged += 1;
            continue;
        }
        let text = match decode(&bytes) {
            Ok(decoded) => decoded.text,
            Err(err) => {
                skip(&err);
                continue;
            }
        };
        let split = if is_markdown(&doc.path) {
            split_markdown(&text)
        } else {
            split_document(&text)
        };
        if split.passages.is_empty() {
            progress.warn(format_args!("{}: no text to index", doc.path.display()));
        }
        // A file's passages go as one batch (a very long file's as several), which tantivy
        // puts into one segment, in order (see `Fields::file_start`).
        let mut batch = Vec::with_capacity(split.passages.len().min(MAX_QUEUED_PASSAGES) + 1);
        if !fresh {
            batch.push(UserOperation::Delete(Term::from_field_text(
                fields.path,
                &doc.key,
            )));
        }
        let title_passage =
            (split.title_passages < split.passages.len()).then_some(split.title_passages);
        // The title's heading lines are passages too, so that a phrase, a required word or an
        // exact form that stands only in the title is found; the title's terms go once more
        // with the first passage after them, for the boost that every passage of the document
        // gets from its title (dev + laws MRR@10 0.902 → 0.900 against leaving them out).
        for (i, passage) in split.passages.iter().enumerate() {
            let mut document = TantivyDocument::default();
            if i == 0 {
                document.add_text(fields.file_start, file_start_marker(title_passage));
            } else if i.is_multiple_of(MAX_QUEUED_PASSAGES) {
                // A batch of its own, perhaps in another segment, whose title is not known
                // from its start.
                writer
                    .run(std::mem::take(&mut batch))
                    .context("indexing failed")?;
                document.add_text(fields.file_start, file_start_marker(None));
            }
            if i == split.title_passages {
                document.add_text(fields.title_terms, &split.title);
            }
            document.add_text(fields.path, &doc.key);
            document.add_u64(fields.ordinal, u64::from(passage.ordinal));
            document.add_u64(fields.line_start, u64::from(passage.line_start));
            document.add_u64(fields.line_end, u64::from(passage.line_end));
            document.add_text(fields.title, &split.title);
            document.add_text(fields.text, &passage.text);
            document.add_text(fields.exact, &passage.text);
            queue.wait_for_room(&writer)?;
            batch.push(UserOperation::Add(queue.enqueue(document)));
        }
        writer.run(batch).context("indexing failed")?;
        summary.passages += split.passages.len();
        summary.bytes += entry.size;
        manifest.files.insert(doc.key.clone(), entry);
        if known {
            summary.changed += 1;
        } else {
            summary.added += 1;
        }
    }

    progress.writing();
    let mut commit = writer.prepare_commit().context("indexing failed")?;
    commit.set_payload(&current.to_payload());
    commit
        .commit()
        .with_context(|| format!("cannot commit index {}", target.display()))?;
    // Saved while the writer (and so the lock) is still held.
    manifest.save(&target)?;
    share_or_warn(&target);
    if fresh {
        // Everything is committed already: a merge that fails leaves the index as it is,
        // in as many segments as it was written.
        if let Err(err) = merge_into_one(&mut writer) {
            progress.warn(format_args!("{err:#}; the index stays in several segments"));
        }
    }
    writer
        .wait_merging_threads()
        .context("merging index segments failed")?;
    // Again, for the merge's meta.json.
    share_or_warn(&target);
    drop(progress);
    if rebuild_lock.is_some() {
        swap_in(&target, &config.index_dir)?;
    } else {
        // A rebuild cut short after its switch leaves its folder; this run holds the writer
        // lock every rebuild takes, so none is using it.
        if let Err(err) = clear_rebuild_dir(&target) {
            warn(format_args!("{err:#}"));
        }
    }
    summary.index_bytes = Some(folder_size(&config.index_dir));
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Gives tantivy's own small files (`meta.json`, `.managed.json`) the mode of the index's
/// other files (its segments, its manifest). tantivy writes them as temporary files it
/// renames, which are private to their owner, while the other files get the usual mode:
/// whoever may read the segments (the users of a shared index) could not open the index.
#[cfg(unix)]
fn share_small_files(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // The manifest is there after every commit, segments or none, and made as they are.
    let mode = fs::metadata(dir.join(MANIFEST_FILE))?.permissions().mode() & 0o777;
    for name in ["meta.json", ".managed.json"] {
        let path = dir.join(name);
        if path.is_file() {
            fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn share_small_files(_: &Path) -> std::io::Result<()> {
    Ok(())
}

fn share_or_warn(dir: &Path) {
    if let Err(err) = share_small_files(dir) {
        warn(format_args!(
            "{}: cannot make the index readable as its other files are: {err}",
            dir.display()
        ));
    }
}

/// Passages built for tantivy and not yet taken by an indexing thread, at most (the batch
/// being built counts too): tantivy's queue holds up to 10,000 batches, and as each file is
/// one batch, a reader faster than the indexing threads would otherwise queue the whole
/// corpus (1.2 GB at 100 MB, against 0.4 GB with this bound). Also the most passages of one
/// batch: a file of more goes as several.
const MAX_QUEUED_PASSAGES: usize = 10_000;

/// Counts the passages waiting in tantivy's queue (see [`MAX_QUEUED_PASSAGES`]).
struct Queue {
    waiting: Arc<AtomicUsize>,
    /// A delete that deletes nothing (no path is empty), to ask a writer whether it works.
    nothing: Term,
}

impl Queue {
    fn new(fields: &index::Fields) -> Queue {
        Queue {
            waiting: Arc::default(),
            nothing: Term::from_field_text(fields.path, ""),
        }
    }

    /// `document`, counted until an indexing thread is done with it.
    fn enqueue(&self, document: TantivyDocument) -> Queued {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Queued {
            document,
            waiting: Arc::clone(&self.waiting),
        }
    }

    /// Waits while the queue is full; the indexing threads, busy with it, need no hurry.
    /// If they died (a full disk), nothing leaves the queue: every second of waiting asks
    /// `writer` whether it still works, with an operation that changes nothing.
    fn wait_for_room(&self, writer: &IndexWriter<Queued>) -> Result<()> {
        let mut waited = 0u32;
        while self.waiting.load(Ordering::Relaxed) >= MAX_QUEUED_PASSAGES {
            std::thread::sleep(std::time::Duration::from_millis(1));
            waited += 1;
            if waited.is_multiple_of(1000) {
                writer
                    .run([UserOperation::Delete(self.nothing.clone())])
                    .context("indexing failed")?;
            }
        }
        Ok(())
    }
}

/// A passage for tantivy, counted in its [`Queue`] until dropped.
struct Queued {
    document: TantivyDocument,
    waiting: Arc<AtomicUsize>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.document.iter_fields_and_values()
    }
}

/// Merges a newly built index into one segment (each indexing thread wrote its own). A search
/// then opens each index file once and looks each term up once: at 100 MB a search process
/// takes 0.16–0.29 ms less (2.58 → 2.30 ms p50 over 600 alternating processes, 11 %), for a
/// build that takes 2.2 s longer (7.0 → 9.1 s). A build is rare and searches are many; an
/// update's small segments are left to tantivy's merge policy, so that it stays quick. The
/// merge is a commit of its own: interrupted, it leaves the index as committed before it.
fn merge_into_one(writer: &mut IndexWriter<Queued>) -> Result<()> {
    let segments = writer
        .index()
        .searchable_segment_ids()
        .context("cannot list index segments")?;
    if segments.len() > 1 {
        writer
            .merge(&segments)
            .wait()
            .context("merging index segments failed")?;
    }
    Ok(())
}

/// One indexing thread per core, up to [`MAX_WRITER_THREADS`].
pub fn writer_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(MAX_WRITER_THREADS))
}

/// Folder inside the index folder where a rebuild builds the new index: on the same file
/// system (so that its files move in by renaming), writable whenever the index folder is,
/// and never mistaken for documents (it holds no .txt or .md files).
const REBUILD_DIR: &str = ".fundstelle-rebuild";

/// The empty folder a rebuild builds in. What an interrupted rebuild left there is cleared:
/// the folder is this program's alone (the caller holds the index's writer lock), and nothing
/// of the user's is ever moved into it.
fn rebuild_dir(index_dir: &Path) -> Result<PathBuf> {
    clear_rebuild_dir(index_dir)?;
    let dir = index_dir.join(REBUILD_DIR);
    // Still there: a file or a link of that name, not this program's to delete.
    if fs::symlink_metadata(&dir).is_ok() {
        bail!("{} is in the way of a rebuild; remove it", dir.display());
    }
    Ok(dir)
}

/// Removes what a rebuild left in `index_dir`'s [`REBUILD_DIR`], if it is a folder (a link
/// of that name is not followed). Only while holding the index's writer lock.
fn clear_rebuild_dir(index_dir: &Path) -> Result<()> {
    let dir = index_dir.join(REBUILD_DIR);
    if fs::symlink_metadata(&dir).is_ok_and(|meta| meta.is_dir()) {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    Ok(())
}

/// Replaces the old index in `index_dir` by the one built in `rebuilt`, touching index files
/// only: whatever else the folder holds (a `.gitkeep`, a user's notes, the documents
/// themselves with `--index .`) stays where it is.
///
/// The switch is one atomic rename of `meta.json`, as in any tantivy commit. Before it, the
/// new segment files (new names, unused by the old index) move in, and `.managed.json` lists
/// old and new files, so an interruption leaves the old index whole and its next run rebuilds
/// again. After it come the manifest and the removal of the old segments; if these are cut
/// short, the next run finds the new index and either the new manifest or the old one, which
/// still names every file the new index holds, only with older dates (so they are read again).
/// Old segment files left behind are listed in `.managed.json`, and tantivy deletes them at
/// its next commit.
fn swap_in(rebuilt: &Path, index_dir: &Path) -> Result<()> {
    let mut moved = BTreeSet::new();
    for name in file_names(rebuilt)? {
        if is_segment_file(&name) {
            rename(&rebuilt.join(&name), &index_dir.join(&name))?;
            moved.insert(name);
        }
    }
    let mut managed = managed_files(index_dir);
    managed.extend(managed_files(rebuilt));
    let managed_json =
        serde_json::to_vec(&managed).expect("a list of file names always serializes");
    let staged = rebuilt.join(".managed.json.new");
    fs::write(&staged, managed_json)
        .with_context(|| format!("cannot write {}", staged.display()))?;
    rename(&staged, &index_dir.join(".managed.json"))?;
    rename(&rebuilt.join("meta.json"), &index_dir.join("meta.json"))?;
    rename(&rebuilt.join(MANIFEST_FILE), &index_dir.join(MANIFEST_FILE))?;
    for name in file_names(index_dir)? {
        if is_segment_file(&name) && !moved.contains(&name) {
            let path = index_dir.join(&name);
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    fs::remove_dir_all(rebuilt).with_context(|| format!("cannot remove {}", rebuilt.display()))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to)
        .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))
}

/// The names of the plain files in `dir` (not folders, not links).
fn file_names(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// The files tantivy manages in `dir` (its `.managed.json`; none if unreadable).
fn managed_files(dir: &Path) -> BTreeSet<String> {
    fs::read(dir.join(".managed.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Whether `name` is a file tantivy writes for a segment: 32 lowercase hex digits (the
/// segment's id) and one of its component extensions, exactly.
fn is_segment_file(name: &str) -> bool {
    let Some((id, extension)) = name.split_once('.') else {
        return false;
    };
    let is_id = id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let is_component = matches!(
        extension,
        "idx" | "pos" | "term" | "store" | "fast" | "fieldnorm" | "temp" | "store.temp"
    ) || extension
        .strip_suffix(".del")
        .is_some_and(|opstamp| !opstamp.is_empty() && opstamp.bytes().all(|b| b.is_ascii_digit()));
    is_id && is_component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_passage_counts_until_tantivy_drops_it() {
        let dir = tempfile::tempdir().unwrap();
        let (index, fields) = index::open_or_create(dir.path(), true).unwrap();
        let writer: IndexWriter<Queued> = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let queue = Queue::new(&fields);
        let first = queue.enqueue(TantivyDocument::default());
        let second = queue.enqueue(TantivyDocument::default());
        assert_eq!(queue.waiting.load(Ordering::Relaxed), 2);
        drop(first);
        drop(second);
        assert_eq!(queue.waiting.load(Ordering::Relaxed), 0);
        // A full queue waits for the indexing threads, asking the writer every second
        // whether it still works, and goes on once they have taken enough.
        let full: Vec<Queued> = (0..MAX_QUEUED_PASSAGES)
            .map(|_| queue.enqueue(TantivyDocument::default()))
            .collect();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(1_200));
                drop(full);
            });
            queue.wait_for_room(&writer).unwrap();
        });
        assert_eq!(queue.waiting.load(Ordering::Relaxed), 0);
    }

    /// Only a lock that another process holds is worth waiting for: a search waited forever
    /// for a lock file it was not allowed to write.
    #[test]
    fn only_a_held_lock_means_another_process_is_writing() {
        let dir = Path::new("idx");
        assert!(lock_error(LockError::LockBusy, dir).is::<IndexBusy>());
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = lock_error(LockError::wrap_io_error(denied), dir);
        assert!(!err.is::<IndexBusy>());
        assert_eq!(
            err.to_string(),
            "cannot lock idx for writing: permission denied"
        );
    }

    #[test]
    fn only_tantivys_own_segment_files_count_as_such() {
        let id = "0123456789abcdef0123456789abcdef";
        for extension in ["idx", "pos", "term", "store", "fast", "fieldnorm", "12.del"] {
            assert!(is_segment_file(&format!("{id}.{extension}")), "{extension}");
        }
        for name in [
            format!("{id}.md"),
            format!("{id}.idx.bak"),
            format!("{id}..del"),
            format!("{}.idx", id.to_uppercase()),
            format!("{}.idx", &id[1..]),
            id.to_owned(),
            "meta.json".to_owned(),
        ] {
            assert!(!is_segment_file(&name), "{name}");
        }
    }
}
