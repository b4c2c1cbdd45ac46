//! Robustness: the real binary against hostile files, hostile queries and interrupted or
//! concurrent runs. Every case ends with the right result or one warning line naming the file,
//! the rest of the run goes on, and the exit code follows grep (0 hit, 1 none, 2 error).
//! Nothing panics and nothing hangs (every command runs under a timeout).
//!
//! Sizes are scaled for a debug build on a two-core CI machine: a 5 MB single line instead of
//! 50 MB and 10,000 tiny files instead of 100,000. The 50 MB case is kept, but ignored by
//! default for its time alone: run it with
//! `cargo test --release --test robustness -- --ignored a_single_line_of_50_megabytes`.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{binary, fundstelle, highlighted, TIMEOUT};
use serde_json::Value;
use tempfile::TempDir;

/// Runs `fundstelle ARGS` in `dir`, failing the test on a timeout or a panic.
fn run(dir: &Path, args: &[&str]) -> Output {
    let output = fundstelle(dir).args(args).output().unwrap();
    assert_sane(&output, args);
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// No panic, no backtrace hint, a grep exit code, and an error is one line of stderr.
fn assert_sane(output: &Output, what: &(impl std::fmt::Debug + ?Sized)) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what:?} panicked:\n{err}"
    );
    let code = output.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{what:?}: exit {code:?} (killed or crashed?)\n{err}"
    );
    if code == Some(2) {
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("fundstelle: "),
            "{what:?}: an error is one line of stderr, got:\n{err}"
        );
    }
}

/// `fundstelle index PATH --index INDEX` in `dir`, which must succeed.
fn index(dir: &Path, path: &str, index: &str) -> Output {
    let output = run(dir, &["index", path, "--index", index]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// `fundstelle search --json --index INDEX QUERY` in `dir`: the exit code and the hits.
fn search(dir: &Path, index: &str, query: &str) -> (i32, Vec<Value>) {
    let output = run(dir, &["search", "--json", "--index", index, "--", query]);
    let code = output.status.code().unwrap();
    if code == 2 {
        return (code, Vec::new());
    }
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON object per query: {out}");
    let answer: Value = serde_json::from_str(lines[0]).unwrap();
    let hits = answer["hits"].as_array().unwrap().clone();
    assert_eq!(code == 0, !hits.is_empty(), "exit code {code} for {hits:?}");
    (code, hits)
}

/// The hits of a query that must find something.
fn found(dir: &Path, index: &str, query: &str) -> Vec<Value> {
    let (code, hits) = search(dir, index, query);
    assert_eq!(code, 0, "{query:?} found nothing");
    hits
}

fn hit_path(hit: &Value) -> &str {
    hit["path"].as_str().unwrap()
}

fn hit_lines(hit: &Value) -> (u64, u64) {
    (
        hit["line_start"].as_u64().unwrap(),
        hit["line_end"].as_u64().unwrap(),
    )
}

fn hit_text(hit: &Value) -> &str {
    hit["text"].as_str().unwrap()
}

/// The stderr lines that mention `needle`.
fn lines_naming<'a>(err: &'a str, needle: &str) -> Vec<&'a str> {
    err.lines().filter(|line| line.contains(needle)).collect()
}

/// A scratch folder with a `docs/` folder holding `files`.
fn docs(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    for (name, bytes) in files {
        let path = docs.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for unit in std::iter::once(0xFEFF).chain(text.encode_utf16()) {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

/// Deterministic pseudo-German text: `sentences` sentences of ten words each, in lines of
/// about 70 characters (so each file holds a few hard-wrapped paragraphs).
fn german_text(seed: u64, bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "Die",
        "Regierung",
        "hat",
        "beschlossen",
        "dass",
        "die",
        "Verwaltung",
        "digitaler",
        "werden",
        "soll",
        "und",
        "Behörden",
        "zusammenarbeiten",
        "Forschung",
        "Kommunen",
        "Schulen",
        "Ausbau",
        "Länder",
        "Förderung",
        "über",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::with_capacity(bytes + 100);
    let mut line = 0;
    let mut word = 0;
    while text.len() < bytes {
        let w = WORDS[(next() % WORDS.len() as u64) as usize];
        text.push_str(w);
        line += w.len() + 1;
        word += 1;
        if word % 10 == 0 {
            text.push('.');
        }
        if word % 200 == 0 {
            text.push_str("\n\n");
            line = 0;
        } else if line > 70 {
            text.push('\n');
            line = 0;
        } else {
            text.push(' ');
        }
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Hostile files

#[test]
fn encodings_are_decoded() {
    let dir = docs(&[
        (
            "bom.txt",
            "\u{feff}Mitteilung\n\nDie Kabinettssitzung fand in Dresden statt.\n".as_bytes(),
        ),
        (
            "utf16le.txt",
            &utf16("Titel\r\n\r\nDer Freistaat Thüringen tagt.\r\n", true),
        ),
        (
            "utf16be.txt",
            &utf16(
                "Titel\r\n\r\nDie Landeshauptstadt Schwerin plant.\r\n",
                false,
            ),
        ),
        // "Die Behörde prüft die Straße." in Latin-1.
        (
            "latin1.txt",
            b"Hinweis\n\nDie Beh\xF6rde pr\xFCft die Stra\xDFe.\n",
        ),
        // Windows-1252: typographic quotes and the euro sign.
        (
            "cp1252.txt",
            b"\x84Gr\xFC\xDFe\x93 kosten 5 \x80 beim Zollamt.\n",
        ),
    ]);
    let output = index(dir.path(), "docs", "idx");
    assert_eq!(
        stderr(&output).lines().count(),
        1,
        "no warnings: {}",
        stderr(&output)
    );

    let hit = &found(dir.path(), "idx", "Kabinettssitzung")[0];
    assert_eq!(hit_path(hit), "docs/bom.txt");
    assert_eq!(hit_lines(hit), (3, 3));
    assert_eq!(hit["title"], "Mitteilung", "no BOM in the title");

    let hit = &found(dir.path(), "idx", "Thüringen")[0];
    assert_eq!(hit_path(hit), "docs/utf16le.txt");
    assert_eq!(hit_text(hit), "Der Freistaat Thüringen tagt.");
    assert_eq!(hit_lines(hit), (3, 3));

    let hit = &found(dir.path(), "idx", "Schwerin")[0];
    assert_eq!(hit_path(hit), "docs/utf16be.txt");
    assert_eq!(hit_text(hit), "Die Landeshauptstadt Schwerin plant.");

    let hit = &found(dir.path(), "idx", "Behörde")[0];
    assert_eq!(hit_path(hit), "docs/latin1.txt");
    assert_eq!(hit_text(hit), "Die Behörde prüft die Straße.");
    assert_eq!(highlighted(hit), vec!["Behörde"]);

    let hit = &found(dir.path(), "idx", "Zollamt")[0];
    assert_eq!(hit_text(hit), "„Grüße“ kosten 5 € beim Zollamt.");
}

#[test]
fn line_endings_keep_line_numbers() {
    let dir = docs(&[
        (
            "crlf.txt",
            b"Titel\r\n\r\nErster Absatz.\r\n\r\nDer Zeppelin fliegt.\r\n",
        ),
        (
            "cr.txt",
            b"Titel\r\rErster Absatz.\r\rDie Zugspitze ist hoch.\r",
        ),
        // "\r\n" then a lone "\r": two line breaks. Then "\n\r": two again.
        (
            "mixed.txt",
            b"Anfang.\r\n\rDer Watzmann ist steil.\n\rDer Brocken liegt im Harz.\n",
        ),
    ]);
    index(dir.path(), "docs", "idx");
    let hit = &found(dir.path(), "idx", "Zeppelin")[0];
    assert_eq!((hit_path(hit), hit_lines(hit)), ("docs/crlf.txt", (5, 5)));
    assert_eq!(hit_text(hit), "Der Zeppelin fliegt.");
    let hit = &found(dir.path(), "idx", "Zugspitze")[0];
    assert_eq!((hit_path(hit), hit_lines(hit)), ("docs/cr.txt", (5, 5)));
    let hit = &found(dir.path(), "idx", "Watzmann")[0];
    assert_eq!((hit_path(hit), hit_lines(hit)), ("docs/mixed.txt", (3, 3)));
    let hit = &found(dir.path(), "idx", "Brocken")[0];
    assert_eq!((hit_path(hit), hit_lines(hit)), ("docs/mixed.txt", (5, 5)));
    assert!(!hit_text(hit).contains(['\r', '\n']));
}

#[test]
fn binary_empty_and_blank_files_warn_once_and_the_run_goes_on() {
    let dir = docs(&[
        ("nul.txt", b"Ein Text mit Zugspitze\0und einem NUL-Byte."),
        ("bild.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
        (
            "steuer.txt",
            &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
        ),
        ("leer.txt", b""),
        ("blank.txt", b"  \n\t\r\n \xC2\xA0 \n\n"),
        ("gut.txt", b"Der Wendelstein ist ein Berg.\n"),
    ]);
    let output = index(dir.path(), "docs", "idx");
    let err = stderr(&output);
    for name in ["nul.txt", "bild.txt", "steuer.txt", "leer.txt", "blank.txt"] {
        let lines = lines_naming(&err, &format!("docs/{name}"));
        assert_eq!(lines.len(), 1, "one warning for {name}:\n{err}");
        assert!(
            lines[0].starts_with("fundstelle: warning: "),
            "{}",
            lines[0]
        );
    }
    assert!(lines_naming(&err, "gut.txt").is_empty(), "{err}");
    assert!(lines_naming(&err, "binary").len() == 3, "{err}");
    let hit = &found(dir.path(), "idx", "Wendelstein")[0];
    assert_eq!(hit_path(hit), "docs/gut.txt");
    assert_eq!(
        search(dir.path(), "idx", "Zugspitze").0,
        1,
        "binary text indexed"
    );
    assert_eq!(
        search(dir.path(), "idx", "IHDR").0,
        1,
        "binary text indexed"
    );
}

#[test]
fn an_indexed_file_that_turns_binary_loses_its_passages_and_the_warning_says_so() {
    let dir = docs(&[
        ("a.txt", b"Die Einhornstra\xc3\x9fe wird gesperrt.\n"),
        ("b.txt", b"Der Wendelstein ist ein Berg.\n"),
    ]);
    index(dir.path(), "docs", "idx");
    assert_eq!(search(dir.path(), "idx", "Einhornstraße").0, 0);
    fs::write(
        dir.path().join("docs/a.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    let output = index(dir.path(), "docs", "idx");
    let err = stderr(&output);
    let lines = lines_naming(&err, "docs/a.txt");
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("skipped (binary")
            && lines[0].contains("indexed from it before are dropped"),
        "{err}"
    );
    assert!(err.contains("1 unchanged, 1 skipped"), "{err}");
    assert_eq!(search(dir.path(), "idx", "Einhornstraße").0, 1);
    assert_eq!(search(dir.path(), "idx", "Wendelstein").0, 0);
}

/// One line of `megabytes` MB: sentences of generated text with a unique word in the middle.
fn single_line_file(megabytes: usize) -> TempDir {
    let mut line = german_text(7, megabytes * 1_000_000 / 2).replace('\n', " ");
    line.push_str(" Der Quantenkommunikationssatellit startet. ");
    line.push_str(&german_text(8, megabytes * 1_000_000 / 2).replace('\n', " "));
    docs(&[("zeile.txt", line.as_bytes())])
}

fn check_single_line(dir: &TempDir, limit: Duration) {
    let started = Instant::now();
    let output = fundstelle(dir.path())
        .args(["index", "docs", "--index", "idx"])
        .timeout(limit)
        .output()
        .unwrap();
    assert_sane(&output, "index of one long line");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    eprintln!("one long line indexed in {:.1?}", started.elapsed());
    let hits = found(dir.path(), "idx", "Quantenkommunikationssatellit");
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit_lines(hit), (1, 1));
    let text = hit_text(hit);
    assert!(text.len() <= 2000, "hit of {} bytes", text.len());
    assert!(text.contains("Quantenkommunikationssatellit"), "{text}");
    // Human output of a passage cut from it, too.
    let output = run(
        dir.path(),
        &["search", "--index", "idx", "--color", "always", "Regierung"],
    );
    assert_eq!(output.status.code(), Some(0));
}

/// 5 MB in one line keeps CI fast in debug builds (about 5 s); the issue's 50 MB case is
/// `a_single_line_of_50_megabytes`.
#[test]
fn a_single_line_of_5_megabytes() {
    check_single_line(&single_line_file(5), Duration::from_secs(120));
}

#[test]
#[ignore = "slow in debug builds (half a minute and more): run it with --release"]
fn a_single_line_of_50_megabytes() {
    check_single_line(&single_line_file(50), Duration::from_secs(600));
}

/// 10,000 files keep CI fast; the issue asks for 100,000, which behaves the same, ten times
/// slower.
#[test]
fn ten_thousand_tiny_files() {
    let dir = TempDir::new().unwrap();
    for number in 0..10_000 {
        let folder = dir.path().join(format!("docs/{:02}", number % 100));
        if number < 100 {
            fs::create_dir_all(&folder).unwrap();
        }
        fs::write(
            folder.join(format!("{number:05}.txt")),
            format!("Akte Nummer n{number}.\n"),
        )
        .unwrap();
    }
    let output = index(dir.path(), "docs", "idx");
    assert!(
        stderr(&output).contains("10000 added"),
        "{}",
        stderr(&output)
    );
    let hits = found(dir.path(), "idx", "n9999");
    assert_eq!(hits.len(), 1);
    assert_eq!(hit_path(&hits[0]), "docs/99/09999.txt");
    let hits = found(dir.path(), "idx", "Akte");
    assert_eq!(hits.len(), 10, "the default limit");
    // Nothing changed: nothing is read again.
    let output = index(dir.path(), "docs", "idx");
    assert!(
        stderr(&output).contains("0 added, 0 changed, 0 removed, 10000 unchanged"),
        "{}",
        stderr(&output)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_file_is_skipped_with_a_warning() {
    // A file whose every read fails, for root too (CI runs as root, and root reads a file of
    // mode 000 all the same): a link to /proc/self/mem, which looks like a regular file and
    // answers an I/O error at offset 0, where no process has memory mapped.
    let dir = docs(&[("offen.txt", b"Der Wendelstein ist ein Berg.\n")]);
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("docs/geheim.txt")).unwrap();
    let output = index(dir.path(), "docs", "idx");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    let lines = lines_naming(&err, "docs/geheim.txt");
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("skipped"), "{err}");
    assert!(
        err.contains("1 added") && err.contains("1 skipped"),
        "{err}"
    );
    assert_eq!(
        hit_path(&found(dir.path(), "idx", "Wendelstein")[0]),
        "docs/offen.txt"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let dir = docs(&[("sub/a.txt", b"Der Rundlauf beginnt hier.\n")]);
    let docs = dir.path().join("docs");
    std::os::unix::fs::symlink("..", docs.join("sub/zurück")).unwrap();
    std::os::unix::fs::symlink("selbst.txt", docs.join("selbst.txt")).unwrap();
    std::os::unix::fs::symlink("nirgends.txt", docs.join("tot.txt")).unwrap();
    let output = index(dir.path(), "docs", "idx");
    let err = stderr(&output);
    for name in ["docs/sub/zurück", "docs/selbst.txt", "docs/tot.txt"] {
        assert_eq!(lines_naming(&err, name).len(), 1, "{name}:\n{err}");
    }
    // A link to nothing says so, rather than that the link itself is missing.
    assert!(
        lines_naming(&err, "docs/tot.txt")[0]
            .contains("broken symbolic link: nirgends.txt does not exist"),
        "{err}"
    );
    let named = run(dir.path(), &["index", "docs/tot.txt", "--index", "idx2"]);
    assert_eq!(named.status.code(), Some(2));
    assert_eq!(
        stderr(&named).trim_end(),
        "fundstelle: docs/tot.txt: broken symbolic link: nirgends.txt does not exist"
    );
    let hits = found(dir.path(), "idx", "Rundlauf");
    assert_eq!(hits.len(), 1, "indexed once: {hits:?}");
    assert_eq!(hit_path(&hits[0]), "docs/sub/a.txt");
}

#[cfg(target_os = "linux")]
#[test]
fn an_index_this_user_may_only_read_is_searched() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = docs(&[("berg.txt", b"Der Wendelstein ist ein Berg.\n")]);
    index(dir.path(), "docs", "idx");
    let mode = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    };
    // Writable by no one, readable as fundstelle left it. Root may write anyway (and CI runs
    // as root), so root searches as the user nobody.
    mode(dir.path(), 0o755);
    for entry in fs::read_dir(dir.path().join("idx")).unwrap() {
        let path = entry.unwrap().path();
        let readable = fs::metadata(&path).unwrap().permissions().mode() & !0o222;
        mode(&path, readable);
    }
    mode(&dir.path().join("idx"), 0o555);
    let mut command = if fs::metadata("/proc/self").unwrap().uid() == 0 {
        // setpriv is util-linux's, on every Linux this is tested on.
        let mut setpriv = StdCommand::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary()]);
        setpriv
    } else {
        StdCommand::new(binary())
    };
    let output = command
        .args(["search", "--index", "idx", "Wendelstein"])
        .current_dir(dir.path())
        .output()
        .expect("cannot run the search (as root: with setpriv)");
    mode(&dir.path().join("idx"), 0o755);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("docs/berg.txt:1"), "{output:?}");
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_links_is_indexed_once_under_its_own_path() {
    let dir = docs(&[
        (
            "protokolle/sitzung.txt",
            b"Das Lastenrad wird angeschafft.\n",
        ),
        ("wetter.txt", b"Es regnet.\n"),
    ]);
    let docs = dir.path().join("docs");
    // A link sorting before its target, and a linked folder.
    std::os::unix::fs::symlink("protokolle/sitzung.txt", docs.join("a_link.txt")).unwrap();
    std::os::unix::fs::symlink("protokolle", docs.join("b_ordner")).unwrap();
    let output = index(dir.path(), "docs", "idx");
    assert!(output.status.success(), "{output:?}");
    assert!(stderr(&output).contains("2 added"), "{}", stderr(&output));
    let hits = found(dir.path(), "idx", "Lastenrad");
    assert_eq!(hits.len(), 1, "indexed once: {hits:?}");
    assert_eq!(hit_path(&hits[0]), "docs/protokolle/sitzung.txt");
    // A link alone is indexed under its own name.
    let output = run(dir.path(), &["index", "docs/a_link.txt", "--index", "idx2"]);
    assert!(output.status.success(), "{output:?}");
    let hits = found(dir.path(), "idx2", "Lastenrad");
    assert_eq!(hit_path(&hits[0]), "docs/a_link.txt");
    // A folder named twice, once through a link (with a trailing slash, which the walk does
    // not report as a link), or a file named through a linked folder.
    std::os::unix::fs::symlink("docs", dir.path().join("verknüpft")).unwrap();
    for (i, also) in ["verknüpft/", "verknüpft/protokolle/sitzung.txt"]
        .iter()
        .enumerate()
    {
        let index_name = format!("idx{}", i + 3);
        let output = run(dir.path(), &["index", "docs", also, "--index", &index_name]);
        assert!(output.status.success(), "{output:?}");
        let hits = found(dir.path(), &index_name, "Lastenrad");
        assert_eq!(hits.len(), 1, "{also}: {hits:?}");
        assert_eq!(hit_path(&hits[0]), "docs/protokolle/sitzung.txt", "{also}");
    }
    // Everything under a linked folder: the path through fewer links still wins.
    let output = run(dir.path(), &["index", "verknüpft", "--index", "idx5"]);
    assert!(output.status.success(), "{output:?}");
    let hits = found(dir.path(), "idx5", "Lastenrad");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hit_path(&hits[0]), "verknüpft/protokolle/sitzung.txt");
}

#[test]
fn a_ten_thousand_letter_word_finds_itself() {
    let word: String = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    let text = format!("Vorher steht ein Satz.\n\n{word}\n\nNachher auch.\n");
    let dir = docs(&[("wort.txt", text.as_bytes())]);
    index(dir.path(), "docs", "idx");
    let hits = found(dir.path(), "idx", &word);
    let hit = &hits[0];
    assert_eq!((hit_path(hit), hit_lines(hit)), ("docs/wort.txt", (3, 3)));
    assert!(hit_text(hit).len() <= 2000);
    assert!(!highlighted(hit).is_empty());
    assert_eq!(found(dir.path(), "idx", "Nachher").len(), 1);
}

/// A FIFO with a document's name in a folder is skipped with a warning (reading it would
/// wait for a writer forever), and the run goes on; named itself, it is an error.
#[cfg(unix)]
#[test]
fn a_fifo_is_skipped_with_a_warning() {
    let dir = docs(&[("a.txt", b"Bayern und Sachsen.\n")]);
    let fifo = dir.path().join("docs/x.txt");
    let made = StdCommand::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let output = run(dir.path(), &["index", "docs", "--index", "idx"]);
    assert_eq!(output.status.code(), Some(0));
    let err = stderr(&output);
    assert!(
        err.contains("docs/x.txt: skipped (not a regular file)"),
        "{err}"
    );
    assert!(
        err.contains("1 added") && err.contains("1 skipped"),
        "{err}"
    );
    let output = run(dir.path(), &["index", "docs/x.txt", "--index", "idx2"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "fundstelle: docs/x.txt: not a regular file or folder\n"
    );
}

/// `--index` naming a file is said so, for both commands (it was "File exists" when
/// indexing, and "no index in" when searching).
#[test]
fn an_index_folder_that_is_a_file_is_said_to_be_one() {
    let dir = docs(&[("a.txt", b"Bayern und Sachsen.\n")]);
    fs::write(dir.path().join("idx"), "kein Index").unwrap();
    // Said before the folder's walk could warn about anything in it.
    #[cfg(unix)]
    std::os::unix::fs::symlink("nirgends.txt", dir.path().join("docs/tot.txt")).unwrap();
    for args in [
        &["index", "docs", "--index", "idx"][..],
        &["search", "--index", "idx", "Bayern"],
    ] {
        let output = run(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&output),
            "fundstelle: idx is a file, not an index folder\n",
            "{args:?}"
        );
    }
}

/// A phrase is scored with one nested query level per rewarded word: a pasted paragraph in
/// quotes must not overflow the stack (a thousand words did).
#[test]
fn a_pasted_phrase_of_ten_thousand_words_is_answered() {
    let text = "Bayern und Sachsen tagen gemeinsam.\n";
    let dir = docs(&[("a.txt", text.as_bytes())]);
    index(dir.path(), "docs", "idx");
    let distinct: Vec<String> = (0..10_000).map(|n| format!("wort{n}")).collect();
    for words in [vec!["Bayern"; 1000].join(" "), distinct.join(" ")] {
        let (code, _) = search(dir.path(), "idx", &format!("\"{words}\""));
        assert_eq!(code, 1, "found nowhere, and answered");
    }
    let (code, hits) = search(dir.path(), "idx", "\"Bayern und Sachsen\"");
    assert_eq!((code, hits.len()), (0, 1));
}

#[test]
fn mixed_scripts_and_combining_marks() {
    let dir = docs(&[
        (
            "welt.txt",
            "Привет мир. مرحبا بالعالم 🎉 中文文本.\n\nMarkus So\u{308}der spricht in Nu\u{308}rnberg.\n"
                .as_bytes(),
        ),
        ("anders.txt", "Ein ganz anderer Text.\n".as_bytes()),
    ]);
    index(dir.path(), "docs", "idx");
    for query in ["Söder", "So\u{308}der", "Soeder", "SÖDER", "Nürnberg"] {
        let hits = found(dir.path(), "idx", query);
        assert_eq!(hits.len(), 1, "{query}");
        assert_eq!(hit_lines(&hits[0]), (3, 3), "{query}");
        assert!(!highlighted(&hits[0]).is_empty(), "{query}");
    }
    for query in ["Привет", "мир", "مرحبا", "بالعالم"] {
        let hits = found(dir.path(), "idx", query);
        assert_eq!(highlighted(&hits[0]), vec![query.to_owned()], "{query}");
    }
    // An emoji alone has nothing to search for: one clear error line, or no hit.
    let output = run(dir.path(), &["search", "--index", "idx", "🎉"]);
    assert_ne!(output.status.code(), Some(0));
    // Colored human output of such text.
    for query in ["Söder", "Привет"] {
        let output = run(
            dir.path(),
            &["search", "--index", "idx", "--color", "always", query],
        );
        assert_eq!(output.status.code(), Some(0), "{query}");
        assert!(stdout(&output).contains("\x1b["), "{query}");
    }
}

#[test]
fn hyphenation_at_line_ends_in_every_form() {
    // PDF and web exports break words with "-", U+2010 or an invisible soft hyphen (U+00AD).
    let dir = docs(&[(
        "pdf.txt",
        "Die Landesregierung hat die Behörden\u{ad}\nkommunikation neu geregelt, und das Bundes\u{2010}\n\
         ministerium hat die Verwaltungs-\ndigitalisierung beschlossen.\n"
            .as_bytes(),
    )]);
    index(dir.path(), "docs", "idx");
    for word in [
        "Behördenkommunikation",
        "Bundesministerium",
        "Verwaltungsdigitalisierung",
    ] {
        let hits = found(dir.path(), "idx", word);
        assert_eq!(hit_lines(&hits[0]), (1, 4), "{word}");
        assert_eq!(highlighted(&hits[0]), vec![word.to_owned()], "{word}");
    }
}

#[test]
fn invisible_characters_inside_words_are_ignored() {
    let dir = docs(&[
        (
            "web.txt",
            "Die Behör\u{ad}de prüft.\n\nDas Kabi\u{2060}nett tagt.\n\nAnhang\u{feff}Titel.\n"
                .as_bytes(),
        ),
        ("plain.txt", "Der Freistaat Bayern.\n".as_bytes()),
    ]);
    index(dir.path(), "docs", "idx");
    // In the text…
    assert_eq!(search(dir.path(), "idx", "Behörde").0, 0, "soft hyphen");
    assert_eq!(search(dir.path(), "idx", "Kabinett").0, 0, "word joiner");
    assert_eq!(search(dir.path(), "idx", "AnhangTitel").0, 0, "BOM");
    // …and in the query (pasted from a web page).
    assert_eq!(
        search(dir.path(), "idx", "Frei\u{ad}staat").0,
        0,
        "soft hyphen"
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile queries

fn small_index() -> TempDir {
    let dir = docs(&[
        (
            "a.txt",
            "Sachsen / Bayern\n\nDie Kabinette von Bayern und Sachsen haben in einer gemeinsamen \
             Kabinettssitzung die KI-Strategie beschlossen.\n"
                .as_bytes(),
        ),
        (
            "b.txt",
            "Die Behörde prüft die Straße (foo) und [bar] am 23.05.2019.\n".as_bytes(),
        ),
    ]);
    index(dir.path(), "docs", "idx");
    dir
}

/// Runs `query` as JSON and as human output: exit 0 or 1 with one JSON line, or exit 2 with
/// one line of stderr; never a panic, never a hang.
fn check_query(dir: &Path, query: &str) -> i32 {
    let label = if query.len() > 80 {
        let cut = (0..=80).rev().find(|&i| query.is_char_boundary(i)).unwrap();
        format!("{}… ({} bytes)", &query[..cut], query.len())
    } else {
        query.to_owned()
    };
    let json = run(dir, &["search", "--index", "idx", "--json", "--", query]);
    let code = json.status.code().unwrap();
    if code == 2 {
        // Still exactly one object per query, saying what went wrong.
        let out = stdout(&json);
        assert_eq!(out.lines().count(), 1, "{label:?}: {out}");
        let answer: Value = serde_json::from_str(&out).unwrap();
        assert!(answer["error"].is_string(), "{label:?}: {out}");
    } else {
        let out = stdout(&json);
        assert_eq!(out.lines().count(), 1, "{label:?}: {out}");
        let answer: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(answer["query"], query, "{label:?}");
        assert_eq!(code == 0, !answer["hits"].as_array().unwrap().is_empty());
    }
    let human = run(
        dir,
        &["search", "--index", "idx", "--color", "always", "--", query],
    );
    assert_eq!(human.status.code(), Some(code), "{label:?}");
    code
}

#[test]
fn hostile_queries_are_answered_or_refused_in_one_line() {
    let dir = small_index();
    let dir = dir.path();
    let hundred_kb: String = "Kabinett \"Bayern AND ( -x +y ~ * title: ".repeat(2_600);
    let five_thousand_words: String = (0..5_000)
        .map(|n| format!("wort{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    // Only a query's first 128 words count: a hit among them is found, one after them not.
    let a_hit_then_many_words = format!("Behörde {five_thousand_words}");
    let many_words_then_a_hit = format!("{five_thousand_words} Behörde");
    let cases: Vec<(&str, Option<i32>)> = vec![
        // Unbalanced quotes and brackets are punctuation.
        ("\"Kabinettssitzung", Some(0)),
        ("Kabinettssitzung\"", Some(0)),
        ("\"gemeinsamen Kabinettssitzung", Some(0)),
        ("((Behörde", Some(0)),
        ("Behörde)]}", Some(0)),
        ("[Behörde", Some(0)),
        ("\"\"", None),
        ("\"", None),
        ("\"a b\"~", None),
        ("\"Kabinette Bayern\"~99999999999999999999", Some(0)),
        // Lone operators.
        ("AND", None),
        ("OR", None),
        ("NOT", None),
        ("AND OR NOT", None),
        ("-", None),
        ("+", None),
        ("~", None),
        ("*", None),
        ("**", None),
        ("-*", None),
        ("&&", None),
        ("Behörde AND", Some(0)),
        ("AND Behörde", Some(0)),
        ("NOT Behörde", None),
        ("-Behörde", None),
        ("+Behörde -Straße", Some(1)),
        // Field syntax is text.
        ("title:", None),
        ("title:Bayern", None),
        ("foo:bar", None),
        ("text:Behörde", None),
        // Control characters.
        ("\u{1}\u{2}\u{7}", None),
        ("Beh\u{7}örde", None),
        ("\u{1b}[31mBehörde\u{1b}[0m", None),
        ("Behörde\u{7f}", None),
        ("\t\r\u{b}\u{c}", None),
        // Regex-looking input.
        (".*[a-z]+(foo|bar)", None),
        ("^Behörde$", Some(0)),
        ("Beh.*", None),
        ("\\", None),
        ("Kabinett*", Some(0)),
        ("*Kabinett", Some(0)),
        ("?", None),
        ("23.05.2019", Some(0)),
        // Size.
        (&hundred_kb, None),
        (&five_thousand_words, Some(1)),
        (&a_hit_then_many_words, Some(0)),
        (&many_words_then_a_hit, Some(1)),
    ];
    for (query, expected) in cases {
        let started = Instant::now();
        let code = check_query(dir, query);
        if let Some(expected) = expected {
            assert_eq!(code, expected, "{query:?}");
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "{} bytes took {:?}",
            query.len(),
            started.elapsed()
        );
    }
}

/// Words past a query's first 128 are not searched, and the user is told so, once per query,
/// with how many: a pasted paragraph must not look as if all of it was searched.
#[test]
fn words_left_out_of_a_long_query_are_reported() {
    let dir = small_index();
    let dir = dir.path();
    let others: Vec<String> = (0..199).map(|i| format!("Wort{i}")).collect();
    let long = format!("Behörde {}", others.join(" "));
    let output = run(dir, &["search", "--index", "idx", "--", &long]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "fundstelle: warning: only the first 128 words of a query are searched; \
         72 more were left out\n"
    );
    let output = fundstelle(dir)
        .args(["search", "--index", "idx", "--json", "--batch", "-"])
        .write_stdin(format!("Behörde\n{long}\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "fundstelle: warning: query \"Behörde Wort0 Wort1 Wort2 Wort3 Wort4 …\": only the \
         first 128 words of a query are searched; 72 more were left out\n"
    );
    let short = run(dir, &["search", "--index", "idx", "--", "Behörde Kabinett"]);
    assert_eq!(stderr(&short), "");
    // A word typed again costs nothing: it counts once in the query anyway.
    let repeated = format!("Behörde {}", vec!["Kabinett"; 199].join(" "));
    let output = run(dir, &["search", "--index", "idx", "--", &repeated]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
}

#[test]
fn invalid_utf8_and_control_characters_on_stdin_in_batch() {
    let dir = small_index();
    let mut input = Vec::new();
    input.extend_from_slice(b"Beh\xC3\xB6rde\n");
    input.extend_from_slice(b"\xFF\xFE\xFD Kabinettssitzung\r\n");
    input.extend_from_slice(b"\xC3\x28\xA0\xA1\n");
    input.extend_from_slice(b"\x00\x01\x02\n");
    input.extend_from_slice(b"\n   \n");
    input.extend_from_slice(b"\"unbalanced\n");
    input.extend_from_slice(b"Beh\xF6rde"); // Latin-1, no final newline
    let output = fundstelle(dir.path())
        .args(["search", "--index", "idx", "--json", "--batch", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    let out = stdout(&output);
    let answers: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(answers.len(), 6, "one answer per non-blank line: {out}");
    assert!(!answers[0]["hits"].as_array().unwrap().is_empty());
    assert!(!answers[1]["hits"].as_array().unwrap().is_empty());
    assert!(answers[1]["query"]
        .as_str()
        .unwrap()
        .ends_with("Kabinettssitzung"));
    // The line of controls has nothing to search for: an error in its answer and one stderr
    // line; the batch goes on and exits 2.
    assert!(answers[3]["error"].is_string(), "{}", answers[3]);
    // A line that is not UTF-8 is read as Windows-1252, as documents are: "Beh\xF6rde" asks
    // for "Behörde" and finds it.
    assert_eq!(answers[5]["query"], "Behörde");
    assert!(!answers[5]["hits"].as_array().unwrap().is_empty());
    assert_eq!(lines_naming(&err, "error").len(), err.lines().count());
    assert_eq!(output.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Index safety

/// A folder of `files` files of generated text of `kilobytes` KB each, with a word unique to
/// the folder ("Neuland") in its first file.
fn big_folder(root: &Path, name: &str, files: usize, kilobytes: usize) {
    let folder = root.join(name);
    fs::create_dir_all(&folder).unwrap();
    for number in 0..files {
        let mut text = german_text(number as u64 + 1, kilobytes * 1000);
        if number == 0 {
            text.insert_str(0, "Neuland in Sicht.\n\n");
        }
        fs::write(folder.join(format!("{number:04}.txt")), text).unwrap();
    }
}

/// A scratch folder with `alt/` indexed into `idx/`: "Bamberg" is in the index.
fn indexed_old_folder() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::create_dir(dir.path().join("alt")).unwrap();
    fs::write(
        dir.path().join("alt/bamberg.txt"),
        "Die Altstadt von Bamberg ist Welterbe.\n",
    )
    .unwrap();
    index(dir.path(), "alt", "idx");
    dir
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    StdCommand::new(binary())
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` at most `limit`, then kills it; returns its output and whether it ended
/// by itself.
fn finish(mut child: Child, limit: Duration) -> (Output, bool) {
    let started = Instant::now();
    let mut ended = true;
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            ended = false;
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), ended)
}

/// Starts an index run on a folder big enough to keep it busy for a while (300 files of 100
/// KB: about 2 s in a release build, 7 s in a debug one here), and checks that it works.
fn busy_index_run(root: &Path, args: &[&str]) -> Child {
    let mut child = spawn(root, args);
    thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the index run ended before the test could act on it: make the folder bigger"
    );
    child
}

/// Files in the index folder, to see that a run has started writing.
fn file_count(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |entries| entries.count())
}

#[test]
fn interrupted_index_leaves_the_old_index_searchable() {
    let dir = indexed_old_folder();
    let root = dir.path();
    // 300 files of 100 KB: about 7 s of indexing in a debug build.
    big_folder(root, "neu", 300, 100);
    let files_before = file_count(&root.join("idx"));
    let child = spawn(root, &["index", "neu", "--index", "idx"]);
    // Kill it while it works: once it has written into the index folder, or after 1.5 s.
    let started = Instant::now();
    while file_count(&root.join("idx")) == files_before
        && started.elapsed() < Duration::from_millis(1500)
    {
        thread::sleep(Duration::from_millis(10));
    }
    thread::sleep(Duration::from_millis(300));
    let mut child = child;
    assert!(
        child.try_wait().unwrap().is_none(),
        "indexing ended before it could be interrupted: make the folder bigger"
    );
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    // The old index still answers, and nothing of the interrupted run is visible.
    let hits = found(root, "idx", "Bamberg");
    assert_eq!(hit_path(&hits[0]), "alt/bamberg.txt");
    assert_eq!(search(root, "idx", "Neuland").0, 1);

    // The next run needs no clean-up (fewer files, to keep the test short).
    for number in 3..300 {
        fs::remove_file(root.join(format!("neu/{number:04}.txt"))).unwrap();
    }
    let output = index(root, "neu", "idx");
    assert!(stderr(&output).contains("3 added"), "{}", stderr(&output));
    assert_eq!(hit_path(&found(root, "idx", "Neuland")[0]), "neu/0000.txt");
    assert_eq!(
        hit_path(&found(root, "idx", "Bamberg")[0]),
        "alt/bamberg.txt"
    );
    // The files the killed run left behind are collected.
    let bytes: u64 = fs::read_dir(root.join("idx"))
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    assert!(bytes < 2_000_000, "{bytes} bytes left in the index folder");
}

#[test]
fn two_index_runs_at_once() {
    let dir = indexed_old_folder();
    let root = dir.path();
    big_folder(root, "neu", 300, 100);
    let mut first = busy_index_run(root, &["index", "neu", "--index", "idx"]);
    // It holds the writer lock once it has recorded itself as the writer (the record of the
    // run that built the old index names a process that is gone).
    let holder = first.id().to_string();
    let started = Instant::now();
    while fs::read_to_string(root.join("idx/fundstelle-writer.pid"))
        .ok()
        .as_deref()
        != Some(&holder)
    {
        assert!(
            started.elapsed() < TIMEOUT,
            "the first run never took the lock"
        );
        thread::sleep(Duration::from_millis(10));
    }
    // The second one refuses in one line naming the index and the first run.
    let second = run(root, &["index", "neu", "--index", "idx"]);
    let message = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{message}");
    assert!(message.contains("is writing to idx"), "{message}");
    assert!(
        message.contains(&format!("(pid {holder})")),
        "names the holder: {message}"
    );
    assert!(
        first.try_wait().unwrap().is_none(),
        "the refusal ended the first run"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(
        hit_path(&found(root, "idx", "Bamberg")[0]),
        "alt/bamberg.txt"
    );
    // With the lock free again, a run goes through (fewer files, to keep the test short).
    for number in 1..300 {
        fs::remove_file(root.join(format!("neu/{number:04}.txt"))).unwrap();
    }
    index(root, "neu", "idx");
    assert_eq!(hit_path(&found(root, "idx", "Neuland")[0]), "neu/0000.txt");
}

#[test]
fn two_index_runs_start_together_on_a_new_index() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    big_folder(root, "neu", 3, 50);
    for round in 0..3 {
        let index_dir = format!("idx{round}");
        let runs: Vec<Child> = (0..2)
            .map(|_| spawn(root, &["index", "neu", "--index", &index_dir]))
            .collect();
        let outputs: Vec<Output> = runs.into_iter().map(|run| finish(run, TIMEOUT).0).collect();
        for output in &outputs {
            assert_sane(output, "index run");
        }
        let codes: Vec<i32> = outputs.iter().map(|o| o.status.code().unwrap()).collect();
        assert!(codes.contains(&0), "{codes:?}: {}", stderr(&outputs[1]));
        assert_eq!(
            hit_path(&found(root, &index_dir, "Neuland")[0]),
            "neu/0000.txt"
        );
        index(root, "neu", &index_dir);
    }
}

#[test]
fn searches_started_together_on_a_fresh_clone_all_answer() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    // A `seeds/` big enough that its first build is still going when the others start.
    big_folder(root, "seeds", 100, 100);
    let first = spawn(root, &["search", "--json", "Neuland"]);
    let started = Instant::now();
    while !root.join("index/fundstelle-writer.pid").exists() {
        assert!(
            started.elapsed() < TIMEOUT,
            "the first search never took the lock"
        );
        thread::sleep(Duration::from_millis(5));
    }
    let others: Vec<Child> = (0..3)
        .map(|_| spawn(root, &["search", "--json", "Neuland"]))
        .collect();
    let mut waited = 0;
    for (number, search) in std::iter::once(first).chain(others).enumerate() {
        let (output, ended) = finish(search, TIMEOUT);
        assert!(ended, "search {number} hung");
        assert_sane(&output, "search");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let answer: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
        assert_eq!(hit_path(&answer["hits"][0]), "seeds/0000.txt");
        let said = stderr(&output);
        waited += usize::from(said.contains("waiting for another fundstelle process"));
        // Each says so once, however long it waits.
        assert!(said.matches("waiting").count() <= 1, "{said}");
    }
    // Started while the first one held the lock of a build that takes seconds.
    assert!(waited > 0, "no search waited");
}

/// Sets the version stamp in the index's `meta.json` to another analyzer version.
fn stamp_other_version(index_dir: &Path) {
    let path = index_dir.join("meta.json");
    let mut meta: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let payload = meta["payload"].as_str().unwrap().to_owned();
    let mut stamp: Value = serde_json::from_str(&payload).unwrap();
    assert!(stamp["analyzer"].is_u64(), "payload {payload}");
    stamp["analyzer"] = Value::from(stamp["analyzer"].as_u64().unwrap() + 1000);
    meta["payload"] = Value::from(stamp.to_string());
    fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
}

/// Leftovers of rebuilds: the folder a rebuild builds in (inside the index folder `idx`), and
/// anything a rebuild of old left beside it.
fn rebuild_leftovers(root: &Path) -> Vec<String> {
    let mut leftovers: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".idx"))
        .collect();
    if root.join("idx/.fundstelle-rebuild").exists() {
        leftovers.push("idx/.fundstelle-rebuild".into());
    }
    leftovers
}

#[test]
fn an_index_of_another_version_is_refused_then_rebuilt() {
    let dir = indexed_old_folder();
    let root = dir.path();
    stamp_other_version(&root.join("idx"));
    // Files of the user's in the index folder survive the rebuild.
    fs::write(root.join("idx/.gitkeep"), "").unwrap();
    fs::write(root.join("idx/notes.txt"), "meine Notizen").unwrap();
    let output = run(root, &["search", "--index", "idx", "Bamberg"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("fundstelle index"),
        "says how to rebuild: {}",
        stderr(&output)
    );
    index(root, "alt", "idx");
    assert_eq!(
        hit_path(&found(root, "idx", "Bamberg")[0]),
        "alt/bamberg.txt"
    );
    assert!(
        rebuild_leftovers(root).is_empty(),
        "{:?}",
        rebuild_leftovers(root)
    );
    assert!(root.join("idx/.gitkeep").is_file());
    assert_eq!(
        fs::read_to_string(root.join("idx/notes.txt")).unwrap(),
        "meine Notizen"
    );
    // And it stays up to date from then on.
    let output = index(root, "alt", "idx");
    assert!(
        stderr(&output).contains("1 unchanged"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn rebuilding_an_index_kept_among_the_documents_moves_no_document() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("akten");
    fs::create_dir_all(work.join("docs")).unwrap();
    fs::write(
        work.join("docs/berg.txt"),
        "Der Wendelstein ist ein Berg.\n",
    )
    .unwrap();
    fs::write(work.join("notizen.md"), "Der Watzmann auch.\n").unwrap();
    // `--index .`: the index files sit among the documents.
    index(&work, "docs", ".");
    for _ in 0..2 {
        stamp_other_version(&work);
        let output = index(&work, "docs", ".");
        assert!(
            stderr(&output).contains("rebuilding"),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            fs::read_to_string(work.join("docs/berg.txt")).unwrap(),
            "Der Wendelstein ist ein Berg.\n"
        );
        assert_eq!(
            fs::read_to_string(work.join("notizen.md")).unwrap(),
            "Der Watzmann auch.\n"
        );
        assert_eq!(
            hit_path(&found(&work, ".", "Wendelstein")[0]),
            "docs/berg.txt"
        );
        // The rebuild's folder is gone, and nothing was put beside the index folder.
        assert!(!work.join(".fundstelle-rebuild").exists());
        let beside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .filter(|name| name != "akten")
            .collect();
        assert!(beside.is_empty(), "{beside:?}");
    }
}

#[test]
fn a_meta_json_of_someone_elses_is_never_replaced() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    fs::write(root.join("meta.json"), r#"{"title":"Mein Projekt"}"#).unwrap();
    fs::write(root.join("notiz.txt"), "Der Wendelstein ist ein Berg.\n").unwrap();
    let output = run(root, &["index", ".", "--index", "."]);
    assert_sane(&output, "index run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a fundstelle index"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(root.join("meta.json")).unwrap(),
        r#"{"title":"Mein Projekt"}"#
    );
}

#[test]
fn a_rebuild_leaves_files_that_only_look_like_index_files() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    fs::write(root.join("berg.txt"), "Der Wendelstein ist ein Berg.\n").unwrap();
    let hex = "0123456789abcdef0123456789abcdef";
    let lookalikes = [
        format!("{hex}.md"),
        format!("{hex}.idx.bak"),
        "fundstelle-manifest.json.bak".to_owned(),
        ".managed.json.orig".to_owned(),
    ];
    for name in &lookalikes {
        fs::write(root.join(name), "Notizen\n").unwrap();
    }
    fs::create_dir(root.join(format!("89abcdef{}", &hex[8..]))).unwrap();
    index(root, "berg.txt", ".");
    stamp_other_version(root);
    let output = index(root, "berg.txt", ".");
    assert!(
        stderr(&output).contains("rebuilding"),
        "{}",
        stderr(&output)
    );
    for name in &lookalikes {
        assert_eq!(
            fs::read_to_string(root.join(name)).unwrap(),
            "Notizen\n",
            "{name}"
        );
    }
    assert!(root.join(format!("89abcdef{}", &hex[8..])).is_dir());
    assert!(!root.join(".fundstelle-rebuild").exists());
    assert_eq!(hit_path(&found(root, ".", "Wendelstein")[0]), "berg.txt");
}

#[test]
fn a_manifest_without_its_index_indexes_nothing_less() {
    let dir = indexed_old_folder();
    let root = dir.path();
    fs::create_dir(root.join("neu")).unwrap();
    fs::write(root.join("neu/neuland.txt"), "Neuland liegt im Norden.\n").unwrap();
    index(root, "neu", "idx");
    // meta.json deleted by hand (or lost): the manifest beside it lists files no index holds.
    fs::remove_file(root.join("idx/meta.json")).unwrap();
    index(root, "neu", "idx");
    let output = index(root, "alt", "idx");
    assert!(stderr(&output).contains("1 added"), "{}", stderr(&output));
    assert_eq!(
        hit_path(&found(root, "idx", "Bamberg")[0]),
        "alt/bamberg.txt"
    );
    assert_eq!(
        hit_path(&found(root, "idx", "Neuland")[0]),
        "neu/neuland.txt"
    );
}

/// Kills a rebuild at each of its `rename` calls in turn (strace's fault injection: the
/// index's files, then the switch of `meta.json`, then the manifest) and checks that after the
/// next run, which names only some of the documents, the index still holds all of them. Needs `strace`, which a plain CI image may lack:
/// `cargo test --test robustness -- --ignored a_rebuild_killed_at_any_rename`.
#[test]
#[ignore = "needs strace"]
fn a_rebuild_killed_at_any_rename_loses_no_document() {
    let dir = indexed_old_folder();
    let root = dir.path();
    fs::create_dir(root.join("neu")).unwrap();
    fs::write(root.join("neu/neuland.txt"), "Neuland liegt im Norden.\n").unwrap();
    index(root, "neu", "idx");
    stamp_other_version(&root.join("idx"));
    let pristine = TempDir::new().unwrap();
    copy_folder(&root.join("idx"), pristine.path());
    for kill_at in 1.. {
        fs::remove_dir_all(root.join("idx")).unwrap();
        copy_folder(pristine.path(), &root.join("idx"));
        let status = StdCommand::new("strace")
            .args(["-f", "-o", "/dev/null", "-e", "trace=rename"])
            .args([
                "-e",
                &format!("inject=rename:signal=SIGKILL:when={kill_at}"),
            ])
            .arg(binary())
            .args(["index", "neu", "--index", "idx"])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("strace runs");
        // The next run names one folder only: the index must still hold the other.
        index(root, "neu", "idx");
        assert_eq!(
            hit_path(&found(root, "idx", "Bamberg")[0]),
            "alt/bamberg.txt",
            "killed at rename {kill_at}"
        );
        assert_eq!(
            hit_path(&found(root, "idx", "Neuland")[0]),
            "neu/neuland.txt",
            "killed at rename {kill_at}"
        );
        assert!(kill_at < 100, "the rebuild never finished: {status}");
        if status.success() {
            // This run got past its last rename: every one has been tried.
            assert!(
                kill_at > 3,
                "only {kill_at} renames: strace injected nothing?"
            );
            break;
        }
    }
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn searches_while_an_index_run_works_see_the_old_or_the_new_index() {
    let dir = indexed_old_folder();
    let root = dir.path();
    // 40 files of 100 KB: about two seconds of indexing in a debug build and a quarter of a
    // second in a release one, where a search takes under 10 ms.
    big_folder(root, "neu", 40, 100);
    let mut child = spawn(root, &["index", "neu", "--index", "idx"]);
    let started = Instant::now();
    let mut running = || child.try_wait().unwrap().is_none();
    // Searches that began and ended while the run was going; a round of searches after it
    // ended sees the new index.
    let mut during_run = 0;
    while started.elapsed() < Duration::from_secs(60) {
        let ended_before = !running();
        for query in ["Bamberg", "Neuland"] {
            let began_during_run = running();
            let (code, hits) = search(root, "idx", query);
            if began_during_run && running() {
                during_run += 1;
            }
            assert!(code == 0 || code == 1, "{query}: exit {code}");
            if query == "Bamberg" {
                assert_eq!(code, 0, "the old content stays");
            } else if code == 0 {
                assert_eq!(hit_path(&hits[0]), "neu/0000.txt", "the new content, whole");
            }
        }
        if ended_before {
            break;
        }
    }
    let (output, ended) = finish(child, Duration::from_secs(60));
    assert!(ended, "index run hung");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(during_run >= 1, "no search overlapped the index run");
    assert_eq!(found(root, "idx", "Neuland").len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Bugs these tests found, fixed since

#[test]
fn default_index_search_while_another_process_writes_it() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("seeds")).unwrap();
    fs::write(
        root.join("seeds/bamberg.txt"),
        "Die Altstadt von Bamberg ist Welterbe.\n",
    )
    .unwrap();
    let output = run(root, &["search", "Bamberg"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Another process updates the default index with a big change…
    big_folder(root, "seeds/neu", 300, 100);
    let mut child = busy_index_run(root, &["index"]);
    // …and a search meanwhile answers from the index as it is (or waits), but never fails.
    let output = run(root, &["search", "Bamberg"]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(search(root, "index", "Bamberg").0, 0);
}

#[test]
fn interrupted_rebuild_leaves_nothing_behind() {
    let dir = indexed_old_folder();
    let root = dir.path();
    stamp_other_version(&root.join("idx"));
    big_folder(root, "alt/neu", 300, 100);
    let mut child = busy_index_run(root, &["index", "alt", "--index", "idx"]);
    child.kill().unwrap();
    child.wait().unwrap();
    // The old index still says it must be rebuilt; the next run does so.
    assert_eq!(
        run(root, &["search", "--index", "idx", "Bamberg"])
            .status
            .code(),
        Some(2)
    );
    for number in 1..300 {
        fs::remove_file(root.join(format!("alt/neu/{number:04}.txt"))).unwrap();
    }
    index(root, "alt", "idx");
    assert_eq!(
        hit_path(&found(root, "idx", "Bamberg")[0]),
        "alt/bamberg.txt"
    );
    assert!(
        rebuild_leftovers(root).is_empty(),
        "{:?}",
        rebuild_leftovers(root)
    );
}

#[test]
fn indexing_dot_drops_removed_files() {
    let dir = docs(&[
        ("a.txt", b"Der Wendelstein ist ein Berg.\n"),
        ("b.txt", b"Der Watzmann ist ein Berg.\n"),
    ]);
    let docs = dir.path().join("docs");
    let output = run(&docs, &["index", ".", "--index", "../idx"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    fs::remove_file(docs.join("b.txt")).unwrap();
    let output = run(&docs, &["index", ".", "--index", "../idx"]);
    assert!(stderr(&output).contains("1 removed"), "{}", stderr(&output));
    assert_eq!(search(dir.path(), "idx", "Watzmann").0, 1);
}

/// The segments of an index: tantivy writes one `.store` file per segment.
fn segments(index_dir: &Path) -> usize {
    fs::read_dir(index_dir)
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".store")
        })
        .count()
}

#[test]
fn a_new_index_is_one_segment() {
    // Enough files for every indexing thread to write a segment of its own (on one core there
    // is one thread, and one segment either way; CI has two).
    let files: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("akte{i:03}.txt"),
                format!("Die Akte {i} betrifft den Wendelstein und das Kabinett.\n"),
            )
        })
        .collect();
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    let dir = docs(&named);
    let root = dir.path();
    let output = index(root, "docs", "idx");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(segments(&root.join("idx")), 1);
    assert_eq!(search(root, "idx", "Wendelstein").1.len(), 10);
}

#[test]
fn a_file_named_on_its_own_stays_up_to_date_when_its_folder_is_indexed() {
    let dir = docs(&[
        ("a.txt", b"Die Wendeltreppe ist alt.\n"),
        ("notiz.log", b"Der Watzmann ist ein Berg.\n"),
    ]);
    let root = dir.path();
    index(root, "docs/notiz.log", "idx");
    // The folder's walk finds .txt and .md files only; the file named before stays, and is
    // kept up to date.
    let reindex = || stderr(&index(root, "docs", "idx"));
    let summary = reindex();
    assert!(
        summary.contains("1 added, 0 changed, 0 removed"),
        "{summary}"
    );
    assert_eq!(search(root, "idx", "Watzmann").0, 0);
    let edited = "Der Watzmann und der Hochkalter.\n";
    fs::write(root.join("docs/notiz.log"), edited).unwrap();
    let summary = reindex();
    assert!(summary.contains("0 added, 1 changed"), "{summary}");
    assert_eq!(search(root, "idx", "Hochkalter").0, 0);
    // Until it is deleted.
    fs::remove_file(root.join("docs/notiz.log")).unwrap();
    let summary = reindex();
    assert!(summary.contains("1 removed"), "{summary}");
    assert_eq!(search(root, "idx", "Watzmann").0, 1);
}

#[test]
fn a_file_named_on_the_command_line_and_deleted_since_is_removed() {
    let dir = docs(&[
        ("a.txt", b"Die Wendeltreppe ist alt.\n"),
        ("b.txt", b"Der Watzmann ist ein Berg.\n"),
        ("sub/c.txt", b"Die Zugspitze ist hoch.\n"),
    ]);
    let root = dir.path();
    let args = [
        "index",
        "docs/a.txt",
        "docs/b.txt",
        "docs/sub",
        "--index",
        "idx",
    ];
    assert_eq!(run(root, &args).status.code(), Some(0));
    fs::remove_file(root.join("docs/a.txt")).unwrap();
    fs::remove_dir_all(root.join("docs/sub")).unwrap();
    // The same command again: the named file and folder that are gone count as removed.
    let output = run(root, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("2 removed"), "{}", stderr(&output));
    assert_eq!(search(root, "idx", "Wendeltreppe").0, 1);
    assert_eq!(search(root, "idx", "Zugspitze").0, 1);
    assert_eq!(search(root, "idx", "Watzmann").0, 0);
    // So too when the index is of another version and is rebuilt on the way.
    fs::write(root.join("docs/b.txt"), "Der Watzmann ist ein Berg.\n").unwrap();
    index(root, "docs/b.txt", "idx");
    stamp_other_version(&root.join("idx"));
    fs::remove_file(root.join("docs/b.txt")).unwrap();
    let output = run(root, &["index", "docs/b.txt", "--index", "idx"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 removed"), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("not found"),
        "{}",
        stderr(&output)
    );
    assert_eq!(search(root, "idx", "Watzmann").0, 1);
    // A path the index never held is still an error.
    let output = run(root, &["index", "docs/nie.txt", "--index", "idx"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "fundstelle: docs/nie.txt: no such file or folder"
    );
}

#[test]
fn an_index_of_empty_files_remembers_them() {
    let dir = docs(&[("a.txt", b""), ("b.txt", b"")]);
    let root = dir.path();
    index(root, "docs", "idx");
    // A new file makes the next run write to the index, which still has no passages: the
    // files it has seen must stay known, not be counted as new again and again.
    fs::write(root.join("docs/c.txt"), "").unwrap();
    let output = index(root, "docs", "idx");
    assert!(
        stderr(&output).contains("1 added, 0 changed, 0 removed, 2 unchanged"),
        "{}",
        stderr(&output)
    );
    let output = index(root, "docs", "idx");
    assert!(
        stderr(&output).contains("0 added, 0 changed, 0 removed, 3 unchanged"),
        "{}",
        stderr(&output)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn files_whose_names_read_alike_are_not_lost_in_silence() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = docs(&[]);
    let root = dir.path();
    // Two names that are not UTF-8 and differ only in their invalid byte.
    for (byte, text) in [
        (0xff, "Die Apfelbäume blühen.\n"),
        (0xfe, "Die Birnbäume blühen.\n"),
    ] {
        let name = [b'a', byte, b'.', b't', b'x', b't'];
        fs::write(root.join("docs").join(OsStr::from_bytes(&name)), text).unwrap();
    }
    let output = index(root, "docs", "idx");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("1 added") && err.contains("1 skipped"),
        "{err}"
    );
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn removing_every_document_of_a_folder_empties_its_part_of_the_index() {
    let dir = docs(&[("a.txt", b"Der Wendelstein ist ein Berg.\n")]);
    index(dir.path(), "docs", "idx");
    fs::remove_file(dir.path().join("docs/a.txt")).unwrap();
    let output = run(dir.path(), &["index", "docs", "--index", "idx"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(search(dir.path(), "idx", "Wendelstein").0, 1);
}
