//! End-to-end tests: the real binary on a copy of `seeds/`, as a user runs it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{fundstelle, highlighted};
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const SEED: &str = "seeds/000_abce3f6bfaac9ef3.txt";

/// A scratch folder holding a copy of the repository's `seeds/`, as on a fresh clone.
fn workspace() -> TempDir {
    let dir = TempDir::new().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    fs::create_dir(dir.path().join("seeds")).unwrap();
    for entry in fs::read_dir(seeds).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("seeds").join(entry.file_name()),
        )
        .unwrap();
    }
    dir
}

/// Runs a JSON search in `dir` and returns the one answer object.
fn json_search(dir: &Path, args: &[&str]) -> Value {
    let output = fundstelle(dir)
        .arg("search")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{output:?}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one object per query: {stdout}");
    serde_json::from_str(lines[0]).unwrap()
}

/// (path, first line, last line) of each hit.
fn ranges(answer: &Value) -> Vec<(String, u64, u64)> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap().to_owned(),
                h["line_start"].as_u64().unwrap(),
                h["line_end"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The score of each hit.
fn scores(answer: &Value) -> Vec<f64> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect()
}

fn top_lines(dir: &Path, args: &[&str]) -> (u64, u64) {
    let answer = json_search(dir, args);
    let hits = ranges(&answer);
    assert!(!hits.is_empty(), "no hit for {args:?}");
    (hits[0].1, hits[0].2)
}

/// The highlighted words of the first hit.
fn top_highlights(answer: &Value) -> Vec<String> {
    highlighted(&answer["hits"][0])
}

#[test]
fn first_search_builds_the_default_index_from_seeds() {
    let dir = workspace();
    fundstelle(dir.path())
        .args(["search", "Kabinettssitzung"])
        .assert()
        .success()
        .stderr(predicate::str::contains("building index from seeds"))
        .stdout(predicate::str::contains(format!("{SEED}:11-17")));
    assert!(dir.path().join("index/meta.json").is_file());
    // The second search finds the index up to date and says nothing on stderr.
    fundstelle(dir.path())
        .args(["search", "Kabinettssitzung"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn inflected_forms_meet() {
    let dir = workspace();
    assert_eq!(top_lines(dir.path(), &["Kabinett"]), (6, 9)); // "Die Kabinette von Bayern …"
    let answer = json_search(dir.path(), &["Freistaat"]); // "der beiden Freistaaten", "die Freistaaten"
    let starts: Vec<u64> = ranges(&answer).iter().map(|r| r.1).take(2).collect();
    assert!(starts.contains(&11) && starts.contains(&45), "{starts:?}");
    let answer = json_search(dir.path(), &["künstliche", "Intelligenz"]);
    assert!(
        ranges(&answer).iter().any(|r| r.1 == 31),
        "künstlichen Intelligenz (line 31)"
    );
}

#[test]
fn s_plurals_meet_their_singulars() {
    // Snowball keeps the "-s" of loanwords and abbreviations ("Autos", "Pkws", "Büros").
    let dir = indexed_document(
        "In der Innenstadt parken zu viele Autos und Pkws.\n\nDas Team des Bürgerbüros hilft.\n\nDas Haus ist alt.\n",
    );
    for (query, line) in [("Auto", 1), ("Pkw", 1), ("Bürgerbüro", 3), ("Büro", 3)] {
        let answer = json_search(dir.path(), &["--index", "akten.idx", query]);
        assert_eq!(ranges(&answer).len(), 1, "{query}: {answer}");
        assert_eq!(ranges(&answer)[0].1, line, "{query}: {answer}");
    }
    // "Haus" is no "-s" form of the rare "Hau".
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Hau"]);
    assert!(ranges(&answer).is_empty(), "{answer}");
}

#[test]
fn umlaut_spellings_meet() {
    let dir = workspace();
    for spelling in ["Söder", "Soeder", "Soder", "SÖDER"] {
        assert_eq!(top_lines(dir.path(), &[spelling]), (11, 17), "{spelling}");
    }
}

#[test]
fn ligatures_from_pdfs_are_found_by_plain_letters() {
    // pdftotext keeps the typesetter's ligatures: "Au\u{fb02}age" reads "Auflage".
    let dir = indexed_document("Die Au\u{fb02}age der \u{fb01}nanziellen Hilfen steigt.\n");
    for query in ["Auflage", "finanziell", "\"Auflage der finanziellen\""] {
        let answer = json_search(dir.path(), &["--index", "akten.idx", query]);
        assert_eq!(ranges(&answer).len(), 1, "{query}: {answer}");
        assert!(
            answer["hits"][0]["corrections"]
                .as_array()
                .is_none_or(|c| c.is_empty()),
            "{query}: {answer}"
        );
    }
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Auflage"]);
    assert_eq!(top_highlights(&answer), vec!["Au\u{fb02}age"]);
}

#[test]
fn gender_marks_and_typographic_apostrophes_read_as_typed() {
    let dir = indexed_document(
        "Alle Lehrer:innen und Mitarbeiter_innen sind da. Danach ging\u{2019}s weiter.\n",
    );
    for query in ["Lehrer", "Mitarbeiter", "\"ging's weiter\"", "Lehrer:innen"] {
        let answer = json_search(dir.path(), &["--index", "akten.idx", query]);
        assert_eq!(ranges(&answer).len(), 1, "{query}: {answer}");
    }
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Mitarbeiter"]);
    assert_eq!(top_highlights(&answer), vec!["Mitarbeiter"]);
}

#[test]
fn pdf_page_headers_and_footers_are_no_passages() {
    let dir = indexed_document(
        "Landkreis Musterstadt\n\nDer Kreistag hat in seiner Sitzung am Montag nach langer Beratung\n\
         beschlossen, die in den letzten Jahren stark beschädigte Gemeindeverbindungs-\n\n\
         Seite 1 von 2\n\u{c}Landkreis Musterstadt\n\n\
         straße zwischen Adorf und Bedorf im kommenden Jahr zu erneuern und dafür\n\
         die nötigen Mittel bereitzustellen.\n\nSeite 2 von 2\n",
    );
    let answer = json_search(
        dir.path(),
        &["--index", "akten.idx", "Gemeindeverbindungsstraße"],
    );
    assert_eq!(
        ranges(&answer),
        vec![("akten/a.txt".to_owned(), 3, 10)],
        "{answer}"
    );
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Seite"]);
    assert!(ranges(&answer).is_empty(), "{answer}");
}

#[test]
fn hyphenated_words_are_found_whole_and_by_parts() {
    let dir = workspace();
    let by_part = json_search(dir.path(), &["Strategie"]);
    assert_eq!(top_highlights(&by_part), vec!["Strategie"]);
    assert_eq!(top_lines(dir.path(), &["Strategie"]), (31, 37));
    assert_eq!(top_lines(dir.path(), &["KI-Strategie"]), (31, 37));
    assert_eq!(top_lines(dir.path(), &["IT-Planungsrat"]), (39, 43));
}

#[test]
fn a_hyphenated_query_word_shows_the_parts_a_hit_holds() {
    let dir = indexed_document(
        "Die Coronapandemie hat das Land verändert.\n\nDie Corona-Krise kam 2020.\n",
    );
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Corona-Pandemie"]);
    let shown: Vec<Vec<String>> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(highlighted)
        .collect();
    assert_eq!(
        shown,
        vec![vec!["Coronapandemie".to_owned()], vec!["Corona".to_owned()]],
        "{answer}"
    );
}

/// German writes many compounds both ways. The lexicon knows neither "Wikinger" nor
/// "Siedler", so no split into parts brings the two spellings together: only stemming the
/// hyphenated word as if written closed does.
#[test]
fn a_compound_written_closed_finds_it_hyphenated_and_back() {
    let dir = indexed_document(
        "Frühere Wikinger-Siedler kamen in den 880er Jahren an.\n\n\
         Den Wikingersiedlern gab Rollo Land.\n\n\
         Die spielenden Kinder warteten auf das Spielende.\n",
    );
    // Two words are re-ranked, which sees a hyphenated word whole as well as by its parts.
    for query in [
        &["Wikingersiedler"][..],
        &["Wikinger-Siedler"],
        &["Wikingersiedler", "Rollo"],
        &["Wikinger-Siedler", "Jahren"],
    ] {
        let args: Vec<&str> = ["--index", "akten.idx"]
            .iter()
            .chain(query)
            .copied()
            .collect();
        let answer = json_search(dir.path(), &args);
        let mut shown: Vec<String> = answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(highlighted)
            .collect();
        shown.sort();
        assert!(shown.contains(&"Wikinger-Siedler".to_owned()), "{answer}");
        assert!(shown.contains(&"Wikingersiedlern".to_owned()), "{answer}");
    }
    // The closed word must be a noun, as a hyphenated word is: "spielenden" neither counts
    // nor is marked.
    let game = json_search(
        dir.path(),
        &["--index", "akten.idx", "Spiel-Ende", "Kinder"],
    );
    assert_eq!(top_highlights(&game), ["Kinder", "Spielende"], "{game}");
    // A part typed on its own as well counts the same, before or after the hyphenated word.
    let before = json_search(
        dir.path(),
        &["--index", "akten.idx", "Siedler", "Wikinger-Siedler"],
    );
    let after = json_search(
        dir.path(),
        &["--index", "akten.idx", "Wikinger-Siedler", "Siedler"],
    );
    assert_eq!(scores(&before), scores(&after), "{before}\n{after}");
}

/// A compound part in more than 0.5 % of the passages (and more than 1,000 of them) gathers
/// no candidates for the re-ranker, for speed ("gesetz" of "Bundeskriminalamtgesetz"), but
/// nothing is lost: where the other words leave the page short, or find nothing, or find
/// only passages the re-ranker turns away, the common parts fill it.
#[test]
fn a_common_compound_part_still_fills_a_short_page() {
    let mut text: String = (0..1200)
        .map(|i| format!("Das Gesetz Nummer {i} gilt ab morgen.\n\n"))
        .collect();
    text.push_str("Die Überprüfung beginnt.\n\nAuf dem Hof sah man die spielenden Kinder.\n");
    let dir = indexed_document(&text);
    let texts = |query: &[&str]| -> Vec<String> {
        let args: Vec<&str> = ["--index", "akten.idx"]
            .iter()
            .chain(query)
            .copied()
            .collect();
        json_search(dir.path(), &args)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let by_the_part = |query: &[&str], first: Option<&str>| {
        let found = texts(query);
        assert_eq!(found.len(), 10, "{query:?}: {found:?}");
        let rest = match first {
            Some(first) => {
                assert_eq!(found[0], first, "{query:?}");
                &found[1..]
            }
            None => &found[..],
        };
        assert!(
            rest.iter().all(|t| t.starts_with("Das Gesetz")),
            "{query:?}: {found:?}"
        );
    };
    by_the_part(
        &["Überprüfung", "Bundeskriminalamtgesetz"],
        Some("Die Überprüfung beginnt."),
    );
    by_the_part(
        &["Bundeskriminalamtgesetz", "Datenschutzbeauftragter"],
        None,
    );
    // "spielenden" is a candidate of "Spiel-Ende" (same stem), but no noun: turned away.
    by_the_part(&["Spiel-Ende", "Bundeskriminalamtgesetz"], None);
}

#[test]
fn phrase_spans_a_hard_line_break() {
    let dir = workspace();
    let answer = json_search(dir.path(), &["\"zu einer gemeinsamen Kabinettssitzung\""]);
    assert_eq!(ranges(&answer), vec![(SEED.to_owned(), 11, 17)]);
    assert_eq!(
        top_highlights(&answer),
        vec!["zu", "einer", "gemeinsamen", "Kabinettssitzung"]
    );
    // Words in another order are not the phrase.
    let answer = json_search(dir.path(), &["\"Kabinettssitzung gemeinsamen\""]);
    assert!(ranges(&answer).is_empty());
    // …unless slop allows it.
    let answer = json_search(dir.path(), &["\"Kabinettssitzung gemeinsamen\"~2"]);
    assert_eq!(ranges(&answer).len(), 1);
}

#[test]
fn words_that_stand_only_in_the_title_are_found_in_every_form_of_query() {
    let dir = workspace();
    // "Zusammenarbeit stärken" is the seed's second heading line, part of its title.
    assert_eq!(
        top_lines(dir.path(), &["\"Zusammenarbeit stärken\""]),
        (4, 4)
    );
    assert_eq!(top_lines(dir.path(), &["--exact", "stärken"]), (4, 4));
    assert_eq!(top_lines(dir.path(), &["+stärken"]), (4, 4));
}

#[test]
fn a_required_or_excluded_function_word_is_searched_as_asked() {
    let dir = workspace();
    let texts = |args: &[&str]| -> Vec<String> {
        json_search(dir.path(), args)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["text"].as_str().unwrap().to_owned())
            .collect()
    };
    // "zwischen" is on the list of function words that free text leaves out.
    let with = texts(&["Pilotstrecke"]);
    assert!(
        with.iter().any(|text| text.contains("zwischen")),
        "{with:?}"
    );
    let without = texts(&["--", "Pilotstrecke -zwischen"]);
    assert!(
        without.iter().all(|text| !text.contains("zwischen")),
        "{without:?}"
    );
    let required = texts(&["+zwischen Kabinette"]);
    assert!(!required.is_empty());
    assert!(
        required.iter().all(|text| text.contains("zwischen")),
        "{required:?}"
    );
}

#[test]
fn exact_lookup_does_not_stem() {
    let dir = workspace();
    assert_eq!(top_lines(dir.path(), &["--exact", "Kabinette"]), (6, 9));
    fundstelle(dir.path())
        .args(["search", "--exact", "Kabinett"])
        .assert()
        .code(1);
    // A hyphenated word asked for exactly is not found by one of its parts alone.
    let dir = indexed_document("Die KI-Strategie steht.\n\nKI ist überall.\n");
    assert_eq!(
        starts(
            dir.path(),
            &["--index", "akten.idx", "--exact", "KI-Strategie"]
        ),
        vec![1]
    );
    assert_eq!(
        starts(dir.path(), &["--index", "akten.idx", "KI-Strategie"]),
        vec![1, 3]
    );
}

#[test]
fn a_phrase_in_the_form_asked_for_ranks_first() {
    let dir = indexed_document(
        "Die Kabinette tagten am Montag in Dresden.\n\nDas Kabinett tagte am Dienstag in München.\n",
    );
    let lines =
        |phrase: &str| -> Vec<u64> { starts(dir.path(), &["--index", "akten.idx", phrase]) };
    // Both passages hold the phrase by its stems; the one in the typed form comes first.
    assert_eq!(lines("\"Kabinette tagten\""), vec![1, 3]);
    assert_eq!(lines("\"Kabinett tagte\""), vec![3, 1]);
    // A word that is its own stem too: "Recht" ranks above the part of "Strafrecht".
    let dir = indexed_document(
        "Das Recht auf Auskunft gilt für alle Bürger dieses Landes ohne jede Ausnahme.\n\n\
         Das Strafrecht auf einen Blick.\n",
    );
    let answer = json_search(dir.path(), &["--index", "akten.idx", "\"Recht auf\""]);
    assert_eq!(
        ranges(&answer).iter().map(|r| r.1).collect::<Vec<_>>(),
        vec![1, 3]
    );
    // The match through the compound part is highlighted too.
    assert_eq!(highlighted(&answer["hits"][1]), vec!["Strafrecht", "auf"]);
}

#[test]
fn json_lines_shape() {
    let dir = workspace();
    let answer = json_search(dir.path(), &["--limit", "3", "Quantenkommunikation"]);
    assert_eq!(answer["query"], "Quantenkommunikation");
    let hits = answer["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    let first = &hits[0];
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "highlights",
            "line_end",
            "line_start",
            "paragraph",
            "path",
            "rank",
            "score",
            "text",
            "title"
        ]
    );
    assert_eq!(first["rank"], 1);
    assert!(first["score"].as_f64().unwrap() > 0.0);
    assert_eq!(first["path"], SEED);
    assert_eq!(first["title"], "Sachsen / Bayern – Zusammenarbeit stärken");
    assert_eq!(top_highlights(&answer), vec!["Quantenkommunikation"]);
    let seed_passage = json_search(dir.path(), &["\"Die Sächsische Staatsregierung\""]);
    assert_eq!(seed_passage["hits"][0]["paragraph"], 4);
    assert!(seed_passage["hits"][0]["text"]
        .as_str()
        .unwrap()
        .ends_with("vereinbart worden."));
}

#[test]
fn batch_answers_every_query_in_order() {
    let dir = workspace();
    let queries = dir.path().join("fragen.txt");
    fs::write(&queries, "Kabinett\n\nxyzzyq\n\"zu einer\"\n?!\n").unwrap();
    let output = fundstelle(dir.path())
        .args(["search", "--json", "--batch"])
        .arg(&queries)
        .output()
        .unwrap();
    // One query had nothing searchable: an error, reported, with the rest answered.
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let answers: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let queries: Vec<&str> = answers
        .iter()
        .map(|a| a["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, vec!["Kabinett", "xyzzyq", "\"zu einer\"", "?!"]);
    assert!(!answers[0]["hits"].as_array().unwrap().is_empty());
    assert!(answers[1]["hits"].as_array().unwrap().is_empty());
    assert!(answers[3]["error"].is_string());

    // From standard input, with invalid UTF-8 in a line.
    let mut stdin = b"Kabinett\n".to_vec();
    stdin.extend_from_slice(b"Beh\xf6rde\n");
    let output = fundstelle(dir.path())
        .args(["search", "--json", "--batch", "-"])
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 2);

    // A byte order mark before the first query is no part of it; a line of only one is blank.
    for (stdin, queries) in [
        ("\u{feff}Kabinett\nBayern\n", 2),
        ("\u{feff}\nKabinett\n", 1),
    ] {
        let output = fundstelle(dir.path())
            .args(["search", "--json", "--batch", "-"])
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(stdout.lines().count(), queries, "{stdout}");
        assert!(stdout.starts_with("{\"query\":\"Kabinett\""), "{stdout}");
    }

    // Human output shows a query's control characters harmlessly, as it does a document's.
    let output = fundstelle(dir.path())
        .args(["search", "--color", "never", "--batch", "-"])
        .write_stdin("Bayern\u{1b}]0;pwned\u{7}\tKabinett\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("# Bayern\u{fffd}]0;pwned\u{fffd} Kabinett\n"),
        "{stdout}"
    );
}

#[test]
fn exit_codes_follow_grep() {
    let dir = workspace();
    fundstelle(dir.path())
        .args(["search", "Bayern"])
        .assert()
        .code(0);
    fundstelle(dir.path())
        .args(["search", "Quarkstrudel"])
        .assert()
        .code(1);
    fundstelle(dir.path())
        .args(["search", "\" ?! ()"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to search for"));
    usage_error(dir.path(), &["search"]);
    usage_error(dir.path(), &["frobnicate"]);
}

/// Runs a command that clap refuses and returns its stderr line: exit 2, nothing on stdout,
/// and one plain line on stderr, as every error.
fn usage_error(dir: &Path, args: &[&str]) -> String {
    let output = fundstelle(dir).args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}: {:?}", output.stdout);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("fundstelle: ") && !stderr.contains('\x1b'),
        "{args:?}: a usage error is one line of stderr, got:\n{stderr}"
    );
    lines[0].to_owned()
}

#[test]
fn usage_errors_are_one_line_that_points_to_the_help() {
    let dir = TempDir::new().unwrap();
    let dir = dir.path();
    assert_eq!(
        usage_error(dir, &["search"]),
        "fundstelle: the following required arguments were not provided: <QUERY>... \
         (see 'fundstelle search --help')"
    );
    assert_eq!(
        usage_error(dir, &["search", "--limit", "0", "Bayern"]),
        "fundstelle: invalid value '0' for '--limit <LIMIT>': 0 is not in 1..=1000000 \
         (see 'fundstelle search --help')"
    );
    assert_eq!(
        usage_error(dir, &["frobnicate"]),
        "fundstelle: unrecognized subcommand 'frobnicate' (see 'fundstelle --help')"
    );
    assert_eq!(
        usage_error(dir, &["--frobnicate"]),
        "fundstelle: unexpected argument '--frobnicate' found (see 'fundstelle --help')"
    );
    // clap's tips stay, on the same line.
    assert_eq!(
        usage_error(dir, &["search", "--limt", "3", "Bayern"]),
        "fundstelle: unexpected argument '--limt' found; a similar argument exists: '--limit' \
         (see 'fundstelle search --help')"
    );
    // "-n0" is a limit; a word with a digit after a '-' is a cluster of short flags to clap,
    // which names the whole word and how to search for it.
    assert!(usage_error(dir, &["search", "-n0", "Bayern"]).contains("invalid value '0'"));
    assert_eq!(
        usage_error(dir, &["index", "-Bayern"]),
        "fundstelle: unexpected argument '-Bayern' found (see 'fundstelle index --help')"
    );
    assert_eq!(
        usage_error(dir, &["search", "-Covid19"]),
        "fundstelle: unexpected argument '-Covid19' found; to pass it as a word, use \
         '-- -Covid19' (see 'fundstelle search --help')"
    );
    // A list clap puts on a line of its own is joined on.
    assert!(usage_error(dir, &["search", "--color", "blue", "Bayern"])
        .contains("'--color <COLOR>' [possible values: auto, always, never] (see"));
}

#[test]
fn words_after_a_hyphen_are_query_words_as_typed() {
    let dir = workspace();
    // As the query syntax table has them, unquoted: "-Tschechien" and "-nicht" are no
    // clusters of short flags, and the flags around them keep their values.
    for (args, query) in [
        (
            &["Bayern", "-Tschechien", "-n", "2"][..],
            "Bayern -Tschechien",
        ),
        (&["-n", "2", "Bayern", "-Tschechien"], "Bayern -Tschechien"),
        (&["Bayern", "-nicht", "--limit", "2"], "Bayern -nicht"),
    ] {
        let answer = json_search(dir.path(), args);
        assert_eq!(answer["hits"].as_array().unwrap().len(), 2, "{args:?}");
        assert_eq!(answer["query"], query, "{args:?}");
    }
    // Beside a `--` for a word that is no letters only.
    let answer = json_search(dir.path(), &["Bayern", "-Tschechien", "--", "-Covid19"]);
    assert_eq!(answer["query"], "Bayern -Tschechien -Covid19");
    // A flag's name after one '-' is a flag mistyped, for clap to point out.
    assert!(usage_error(dir.path(), &["search", "Bayern", "-json"]).contains("'-json'"));
    let answer = json_search(dir.path(), &["Privatpersonen", "und", "-organisationen"]);
    assert_eq!(answer["query"], "Privatpersonen und -organisationen");
    assert_eq!(ranges(&answer)[0].1, 19, "{answer}");
}

#[test]
fn help_and_version_go_to_stdout() {
    let dir = TempDir::new().unwrap();
    let help = fundstelle(dir.path()).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(help.stderr.is_empty());
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Usage: fundstelle <COMMAND>"), "{help}");
    // Bare `fundstelle` shows the same overview, as a request for it rather than an error.
    fundstelle(dir.path())
        .assert()
        .code(0)
        .stdout(help)
        .stderr("");
    fundstelle(dir.path())
        .args(["search", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--limit"))
        .stderr("");
    fundstelle(dir.path())
        .arg("--version")
        .assert()
        .code(0)
        .stdout(format!("fundstelle {}\n", env!("CARGO_PKG_VERSION")))
        .stderr("");
}

/// Runs `fundstelle ARGS` in `dir` with stdout, stderr or both a pipe whose reading end is
/// already closed, as after `| head -c0`. Every write there fails at once, whenever it comes,
/// so the outcome does not depend on timing. The other stream is captured.
fn with_closed(dir: &Path, args: &[&str], stdout: bool, stderr: bool) -> Output {
    let stream = |closed: bool| {
        if closed {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        } else {
            Stdio::piped()
        }
    };
    let mut child = StdCommand::new(common::binary())
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(stream(stdout))
        .stderr(stream(stderr))
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > common::TIMEOUT {
            child.kill().unwrap();
            panic!("{args:?} hung");
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stderr_or_stdout_ends_quietly_with_the_right_code() {
    let dir = workspace();
    let dir = dir.path();
    fs::write(dir.join("fragen.txt"), "Bayern\n?!\n").unwrap();
    fs::create_dir(dir.join("gemischt")).unwrap();
    fs::write(dir.join("gemischt/gut.txt"), "Der Watzmann ist ein Berg.\n").unwrap();
    fs::write(dir.join("gemischt/kaputt.txt"), b"\0\0\0binary").unwrap();
    // Messages nobody can read are dropped; the exit code still tells (101 was a panic).
    for (args, code) in [
        // First use: "building index from seeds".
        (&["search", "Bayern"][..], 0),
        (&["index", "seeds", "--index", "idx"], 0),
        // A warning ("skipped (binary file)") in the middle of the run.
        (&["index", "gemischt", "--index", "idx2"], 0),
        (&["search", "--index", "nirgends", "Bayern"], 2),
        (&["search", "--limit", "0", "Bayern"], 2),
        // The second query has nothing searchable: an error line per failed query.
        (&["search", "--batch", "fragen.txt"], 2),
    ] {
        let output = with_closed(dir, args, false, true);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {output:?}");
    }
    // A reader that stops reading (`| head`) is no error: nothing on stderr, and the hits
    // that were found still count.
    for args in [
        &["search", "Bayern"][..],
        &["search", "--json", "Bayern"],
        &["analyze", "Behördenkommunikation"],
        &["--help"],
    ] {
        let output = with_closed(dir, args, true, false);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
    }
    let both = with_closed(dir, &["search", "--limit", "0", "Bayern"], true, true);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn natural_questions_are_searched_leniently() {
    let dir = workspace();
    assert_eq!(
        top_lines(dir.path(), &["Wann wurde die KI-Strategie beschlossen?"]),
        (31, 37)
    );
    let answer = json_search(dir.path(), &["Was (genau) ist \"Quantenkommunikation\"?"]);
    let starts: Vec<u64> = ranges(&answer).iter().map(|r| r.1).collect();
    assert!(starts.contains(&6) && starts.contains(&19), "{starts:?}");
    let answer = json_search(
        dir.path(),
        &["--", "-Bayern", "Sachsen", "AND", "Kretschmer's"],
    );
    // Operators, a leading exclusion and an apostrophe: searched, not refused.
    assert!(answer.get("error").is_none(), "{answer}");
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let dir = workspace();
    // Piped output: no escapes.
    fundstelle(dir.path())
        .args(["search", "Bayern"])
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
    fundstelle(dir.path())
        .args(["search", "--color", "always", "Bayern"])
        .assert()
        .stdout(predicate::str::contains("\x1b[1;31mBayern\x1b[0m"));
    // CLICOLOR_FORCE asks for colour in a pipe, as for ls and bat; NO_COLOR still wins.
    fundstelle(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .args(["search", "Bayern"])
        .assert()
        .stdout(predicate::str::contains("\x1b[1;31mBayern\x1b[0m"));
    for (force, no_color) in [("0", ""), ("1", "1")] {
        fundstelle(dir.path())
            .env("CLICOLOR_FORCE", force)
            .env("NO_COLOR", no_color)
            .args(["search", "Bayern"])
            .assert()
            .stdout(predicate::str::contains("\x1b[").not());
    }
}

#[test]
fn missing_index_says_how_to_build_it() {
    let dir = workspace();
    fundstelle(dir.path())
        .args(["search", "--index", "nirgends", "Bayern"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fundstelle index"));
    // In a folder without seeds/, the default index and documents are named as missing.
    let empty = TempDir::new().unwrap();
    fundstelle(empty.path())
        .args(["search", "Bayern"])
        .assert()
        .code(2)
        .stderr(
            "fundstelle: no index in index/ and no seeds/ folder here to build it from (index \
             your documents with `fundstelle index FOLDER`, or search from the folder that \
             holds seeds/)\n",
        );
    fundstelle(empty.path())
        .arg("index")
        .assert()
        .code(2)
        .stderr(
            "fundstelle: seeds: no such file or folder (the folder indexed when none is named; \
             name the files or folders to index)\n",
        );
    // A query file that cannot be read is named.
    fundstelle(dir.path())
        .args(["search", "--batch", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read queries from seeds"));
}

#[test]
fn bad_paths_and_limits_are_clear_errors() {
    let dir = workspace();
    fundstelle(dir.path())
        .args(["index", "gibtsnicht"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gibtsnicht: no such file or folder",
        ));
    fs::create_dir(dir.path().join("leer")).unwrap();
    fundstelle(dir.path())
        .args(["index", "leer"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no documents"));
    assert!(usage_error(dir.path(), &["search", "--limit", "0", "Bayern"]).contains("'--limit"));
}

fn index_folder(dir: &Path, folder: &str) -> std::process::Output {
    fundstelle(dir)
        .args(["index", folder, "--index", "akten.idx"])
        .output()
        .unwrap()
}

fn doc_dir(dir: &Path) -> PathBuf {
    let docs = dir.join("akten");
    fs::create_dir_all(&docs).unwrap();
    docs
}

/// A workspace with one more document, `akten/a.txt` holding `text`, indexed into `akten.idx`.
fn indexed_document(text: &str) -> TempDir {
    let dir = workspace();
    fs::write(doc_dir(dir.path()).join("a.txt"), text).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    dir
}

/// A long passage is shown as an excerpt: around the query word itself, not around a cluster
/// of its compound parts elsewhere in the passage.
#[test]
fn an_excerpt_shows_the_query_word_before_its_parts() {
    let text = format!(
        "Der Haushaltsplan f\u{fc}r das Jahr 2025 sieht Ertr\u{e4}ge von 48 Mio. Euro vor. {}Der \
         Haushalt wurde beschlossen. Die Haushaltssatzung bedarf der Genehmigung, die \
         Haushaltsf\u{fc}hrung ist vorl\u{e4}ufig, realistischer zu planen ist alles.\n",
        "Die Personalaufwendungen steigen gegen\u{fc}ber dem Vorjahr. ".repeat(12)
    );
    let dir = indexed_document(&text);
    let output = fundstelle(dir.path())
        .args([
            "search",
            "--color",
            "never",
            "--index",
            "akten.idx",
            "Haushaltsplan",
        ])
        .output()
        .unwrap();
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(shown.contains(" \u{2026}\n"), "an excerpt: {shown}");
    assert!(shown.contains("Haushaltsplan"), "{shown}");
}

/// The same lines are one paragraph in Markdown, where a line break never ends one, and two
/// in plain text, where a line this much shorter than the one before ended its paragraph.
#[test]
fn markdown_line_breaks_end_no_paragraph() {
    let dir = workspace();
    let text = "## TOP 4: Verschiedenes\n\n\
        Frau Yilmaz regt an, die Sprechzeiten des Bürgerbüros auf Samstag zu erweitern.\n\
        Die Verwaltung prüft den Vorschlag bis zur nächsten Sitzung.\n";
    fs::write(doc_dir(dir.path()).join("protokoll.md"), text).unwrap();
    fs::write(doc_dir(dir.path()).join("protokoll.txt"), text).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Vorschlag"]);
    let mut hits = ranges(&answer);
    hits.sort();
    assert_eq!(
        hits,
        [
            ("akten/protokoll.md".to_owned(), 3, 4),
            ("akten/protokoll.txt".to_owned(), 4, 4)
        ]
    );
}

#[test]
fn odd_files_are_skipped_or_decoded_and_the_run_goes_on() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("leer.txt"), "").unwrap();
    fs::write(docs.join("bild.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    // "Die Behörde prüft die Straße." in Latin-1.
    fs::write(
        docs.join("latin1.txt"),
        b"Die Beh\xf6rde pr\xfcft die Stra\xdfe.\n",
    )
    .unwrap();
    fs::write(docs.join("notiz.md"), "Eine Notiz über Kabinette.\n").unwrap();
    fs::write(docs.join("ignoriert.pdf"), "Behörde").unwrap();
    let output = index_folder(dir.path(), "akten");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("akten/bild.txt: skipped (binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("akten/leer.txt: no text to index"),
        "{stderr}"
    );
    assert!(stderr.contains("3 added"), "{stderr}");
    assert!(stderr.contains("1 skipped"), "{stderr}");
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Behörde"]);
    assert_eq!(ranges(&answer), vec![("akten/latin1.txt".to_owned(), 1, 1)]);
    assert_eq!(answer["hits"][0]["text"], "Die Behörde prüft die Straße.");
}

#[test]
fn reindexing_replaces_changed_and_removed_documents() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("a.txt"), "Alte Fassung über Kabinette.\n").unwrap();
    fs::write(docs.join("b.txt"), "Zweites Dokument über Behörden.\n").unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    fs::write(docs.join("a.txt"), "Neue Fassung über Ministerien.\n").unwrap();
    fs::remove_file(docs.join("b.txt")).unwrap();
    let output = index_folder(dir.path(), "akten");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("0 added, 1 changed, 1 removed"), "{stderr}");
    let search = |q: &str| ranges(&json_search(dir.path(), &["--index", "akten.idx", q]));
    assert!(search("Kabinette").is_empty());
    assert!(search("Behörden").is_empty());
    assert_eq!(search("Ministerien").len(), 1);
    // Nothing changed: nothing re-indexed.
    let output = index_folder(dir.path(), "akten");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("0 added, 0 changed, 0 removed, 1 unchanged"),
        "{stderr}"
    );
}

#[test]
fn a_question_never_finds_a_replaced_passage() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("a.txt"), "Alte Fassung über Kabinette.\n").unwrap();
    fs::write(
        docs.join("b.txt"),
        "Bleibt wie es ist: die Fassung der Behörden.\n",
    )
    .unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    fs::write(docs.join("a.txt"), "Neue Fassung über Ministerien.\n").unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    // The replaced passage stays in its segment, marked deleted beside b.txt's live one: the
    // re-ranker gathers its candidates itself and must skip it as tantivy's collectors do.
    let answer = json_search(
        dir.path(),
        &["--index", "akten.idx", "alte Fassung über Kabinette"],
    );
    let mut texts: Vec<&str> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["text"].as_str().unwrap())
        .collect();
    texts.sort_unstable();
    assert_eq!(
        texts,
        vec![
            "Bleibt wie es ist: die Fassung der Behörden.",
            "Neue Fassung über Ministerien."
        ]
    );
}

#[test]
fn an_excluded_word_found_nowhere_excludes_nothing() {
    let dir = workspace();
    let all = ranges(&json_search(dir.path(), &["Bayern"]));
    // "Sachsan" is one letter from "Sachsen", which stands in every one of these passages.
    assert_eq!(
        ranges(&json_search(dir.path(), &["--", "Bayern -Sachsan"])),
        all
    );
    assert_eq!(
        ranges(&json_search(dir.path(), &["--", "Bayern NOT Sachsan"])),
        all
    );
}

#[test]
fn repeated_words_and_phrases_count_once() {
    let dir = workspace();
    for (once, repeated) in [
        ("Bayern", "Bayern ".repeat(3000)),
        (
            "\"Freistaat Sachsen\"",
            "\"Freistaat Sachsen\" ".repeat(500),
        ),
        ("Kretschmar", "Kretschmar ".repeat(3000)),
    ] {
        for exact in [false, true] {
            let mut args = vec![];
            if exact {
                args.push("--exact");
            }
            let first = json_search(dir.path(), &[&args[..], &[once]].concat());
            let again = json_search(dir.path(), &[&args[..], &[repeated.as_str()]].concat());
            assert_eq!(first["hits"], again["hits"], "{once} (exact: {exact})");
        }
    }
}

#[test]
fn a_word_typed_twice_counts_once() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    // More passages per word than the re-ranker takes candidates of each kind.
    let mut text = String::new();
    for day in 0..60 {
        text.push_str(&format!("Das Kabinett tagte am Tag {day}.\n\n"));
        if day < 45 {
            text.push_str(&format!("Die Sitzung war am Tag {day} lang.\n\n"));
        }
    }
    fs::write(docs.join("tage.txt"), text).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let texts = |query: &str| -> Vec<String> {
        json_search(dir.path(), &["--index", "akten.idx", query])["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let once = texts("Kabinett Sitzung");
    assert_eq!(once.len(), 10);
    assert_eq!(texts("Kabinett Kabinett Sitzung"), once);
}

/// Starts of the line ranges of all hits, best first.
fn starts(dir: &Path, args: &[&str]) -> Vec<u64> {
    ranges(&json_search(dir, args))
        .iter()
        .map(|r| r.1)
        .collect()
}

#[test]
fn query_words_find_compounds_that_contain_them() {
    let dir = workspace();
    // (query, the passage holding the compound, its compound)
    let cases = [
        ("Kommunikation", 19, "Behördenkommunikation"),
        ("Kommunikation", 6, "Quantenkommunikation"),
        ("Sitzung", 11, "Kabinettssitzung"),
        ("Behörde", 6, "Behördenservices"),
        ("Behörde", 19, "Behördenkommunikation"),
        ("Ministerium", 19, "Wirtschaftsministerium"),
        ("Quanten", 6, "Quantenkommunikation"),
    ];
    for (query, line, compound) in cases {
        let answer = json_search(dir.path(), &[query]);
        let hit = answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["line_start"] == line)
            .unwrap_or_else(|| panic!("{query} should find line {line}"));
        let marked = highlighted(hit);
        assert!(marked.iter().any(|w| w == compound), "{query}: {marked:?}");
    }
}

#[test]
fn whole_words_rank_above_compound_parts() {
    let dir = workspace();
    // "Sitzung" stands alone in the lead (6–9) and inside "Kabinettssitzung" (11–17).
    assert_eq!(starts(dir.path(), &["Sitzung"])[..2], [6, 11]);
    let docs = doc_dir(dir.path());
    fs::write(
        docs.join("a.txt"),
        "Die Kabinettssitzung wurde vertagt.\n\nDie Sitzung wurde vertagt.\n\nDas Wetter war schön.\n",
    )
    .unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    assert_eq!(
        starts(dir.path(), &["--index", "akten.idx", "Sitzung"]),
        [3, 1]
    );
}

#[test]
fn a_word_typed_without_umlauts_or_eszett_ranks_as_its_indexed_spelling() {
    let dir = indexed_document(
        "Die Straßenbahn fährt auf der Hauptstraße.\n\n\
         Die Straße ist gesperrt.\n\n\
         Die Ausländerbehörde und die Finanzbehörden.\n\n\
         Die Behörde hat entschieden.\n",
    );
    let search = |query: &str| starts(dir.path(), &["--index", "akten.idx", query]);
    for (typed, whole_word) in [("Strasse", 3), ("Behoerde", 7)] {
        assert_eq!(search(typed)[0], whole_word, "{typed}");
        assert_eq!(
            search(typed),
            search(&typed.replace("ss", "ß").replace("oe", "ö"))
        );
        // So it does with --exact, which finds no other form.
        let exact = starts(dir.path(), &["--index", "akten.idx", "--exact", typed]);
        assert_eq!(exact, [whole_word], "{typed}");
    }
    // A prefix that starts no word as typed starts the words of its other spelling.
    let mut found = search("Strass*");
    found.sort_unstable();
    assert_eq!(found, [1, 3]);
    assert_eq!(search("Behoer*"), search("Behör*"));
    // Of two spellings, the one whose words are the commoner.
    let dir = indexed_document(
        "Viele Grüße aus Bayern.\n\nHerzliche Grüße.\n\nBeste Grüße.\n\nFreundliche Grüsse.\n",
    );
    let found = starts(dir.path(), &["--index", "akten.idx", "Gruesse*"]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(!found.contains(&7), "{found:?}");
}

#[test]
fn prefix_queries_are_ranked_and_weigh_as_words() {
    let filler = "Der Bericht behandelt viele weitere Themen der Verwaltung. ".repeat(8);
    let dir = indexed_document(&format!(
        "Das Wetter war schön.\n\n\
         {filler}Einmal wurde die Arbeitszeit erwähnt.\n\n\
         Arbeitszeit und Arbeitszeiten: die Arbeitszeitverordnung regelt die Arbeitszeit.\n\n\
         Die Arbeitszeit bei Wetter.\n"
    ));
    let search = |query: &str| {
        let answer = json_search(dir.path(), &["--index", "akten.idx", query]);
        (
            ranges(&answer).iter().map(|r| r.1).collect::<Vec<_>>(),
            scores(&answer),
        )
    };
    // The passage full of the words comes first, not the first in the file.
    let (lines, scores) = search("Arbeitszeit*");
    assert_eq!(lines[0], 5, "{lines:?}");
    assert!(scores[0] > scores[1], "{scores:?}");
    // With another word, a passage holding both comes first, the one holding only the word
    // next, and the rest after them.
    assert_eq!(search("Arbeitszeit* Wetter").0[..2], [7, 1]);
    // So after an update, whose deleted passages tantivy still counts: both files in one
    // segment, so that the one left unchanged keeps it alive.
    fs::write(doc_dir(dir.path()).join("b.txt"), "Ganz anderes Thema.\n").unwrap();
    fs::remove_dir_all(dir.path().join("akten.idx")).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let file = doc_dir(dir.path()).join("a.txt");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}\nZusatz zur Arbeitszeit.\n")).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let (lines, scores) = search("Arbeitszeit*");
    assert_eq!(lines[0], 5, "{lines:?}");
    assert!(scores[0] > scores[1] && scores[1] > 0.0, "{scores:?}");
}

#[test]
fn free_text_keeps_its_scores_after_updates() {
    // Both files in one segment, so that the unchanged one keeps the segment, and with it the
    // changed one's deleted passages, which tantivy's word counts still count.
    let dir = indexed_document("Die Arbeitszeit bei Wetter.\n\nDie Arbeitszeit im Sommer.\n");
    fs::write(doc_dir(dir.path()).join("b.txt"), "Ganz anderes Thema.\n").unwrap();
    fs::remove_dir_all(dir.path().join("akten.idx")).unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let file = doc_dir(dir.path()).join("a.txt");
    for extra in ["Arbeitszeit", "Arbeitszeit und Wetter"] {
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, format!("{text}\n{extra}.\n")).unwrap();
        assert!(index_folder(dir.path(), "akten").status.success());
    }
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Arbeitszeit Wetter"]);
    let scores = scores(&answer);
    assert!(scores[0] > scores[scores.len() - 1], "{scores:?}");
    assert!(scores.iter().all(|&score| score > 0.0), "{scores:?}");
}

#[test]
fn compound_queries_find_their_parts() {
    let dir = indexed_document(
        "Das Wetter war schön und warm.\n\n\
         Die Kommunikation der Behörden wird verbessert.\n\n\
         Die Behörden haben getagt.\n",
    );
    let search = |query: &str| starts(dir.path(), &["--index", "akten.idx", query]);
    // On its own, a compound finds the passage holding all its parts, not one holding one.
    assert_eq!(search("Behördenkommunikation"), [3]);
    // With other words, which the re-ranker weighs against each part, one part counts; so it
    // does in a question.
    assert!(search("Behördenkommunikation Wetter").contains(&5));
    assert!(search("Was ist die Behördenkommunikation?").contains(&5));
}

#[test]
fn passages_holding_a_compounds_parts_come_after_those_holding_it() {
    // Two long passages hold the compound, a short one its parts, and BM25 alone ranks the
    // short one first.
    let long = "Die Verwaltung des Landes hat viele Verfahren neu geordnet. ".repeat(30);
    let filler: String = (0..20)
        .map(|i| format!("Noch ein Absatz über das Wetter Nummer {i}.\n\n"))
        .collect();
    let dir = indexed_document(&format!(
        "Die Behördenkommunikation wurde verbessert. {long}\n\n\
         {long}Auch die Behördenkommunikation wurde erwähnt.\n\n\
         Behörden Kommunikation.\n\n{filler}"
    ));
    let page = |limit: &str| {
        let answer = json_search(
            dir.path(),
            &[
                "--index",
                "akten.idx",
                "--limit",
                limit,
                "Behördenkommunikation",
            ],
        );
        let scores = scores(&answer);
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        ranges(&answer).iter().map(|r| r.1).collect::<Vec<u64>>()
    };
    let full = page("10");
    assert_eq!(full.len(), 3, "{full:?}");
    // The two whole-word passages tie; which one the index holds first is up to its threads.
    let mut whole = full[..2].to_vec();
    whole.sort_unstable();
    assert_eq!(
        (whole, full[2..].to_vec()),
        (vec![1, 3], vec![5]),
        "{full:?}"
    );
    // A shorter page is the start of a longer one.
    assert_eq!(page("3"), full);
    assert_eq!(page("2"), full[..2]);
    assert_eq!(page("1"), full[..1]);
}

#[test]
fn no_nonsense_splits() {
    let dir = indexed_document(
        "Insgesamt wurden in der Verwaltung und der Abteilung viele Mitarbeiterinnen \
         beschäftigt, die das Erbrecht beobachten und beispielsweise Unternehmen prüfen.\n",
    );
    // Each word must not be cut into fragments that match unrelated words.
    for fragment in [
        "gesamt", "Waltung", "Teilung", "Lung", "Achten", "Achtung", "Recht", "Innen", "Rinnen",
        "Weise", "Nehmen", "Beob",
    ] {
        fundstelle(dir.path())
            .args(["search", "--index", "akten.idx", fragment])
            .assert()
            .code(1);
    }
    // The words themselves are found.
    for word in [
        "insgesamt",
        "Mitarbeiterinnen",
        "Erbrecht",
        "beobachten",
        "Abteilung",
    ] {
        fundstelle(dir.path())
            .args(["search", "--index", "akten.idx", word])
            .assert()
            .code(0);
    }
}

#[test]
fn long_compounds_are_indexed_whole() {
    let dir = indexed_document("Der Donaudampfschifffahrtsgesellschaftskapitän grüßt.\n");
    for query in [
        "Donaudampfschifffahrtsgesellschaftskapitän",
        "Kapitän",
        "Gesellschaft",
    ] {
        let answer = json_search(dir.path(), &["--index", "akten.idx", query]);
        assert_eq!(
            top_highlights(&answer),
            vec!["Donaudampfschifffahrtsgesellschaftskapitän"],
            "{query}"
        );
    }
}

#[test]
fn phrases_and_highlights_stay_right_with_compound_parts() {
    let dir = workspace();
    let answer = json_search(dir.path(), &["\"sicheren Behördenkommunikation\""]);
    assert_eq!(ranges(&answer), vec![(SEED.to_owned(), 19, 29)]);
    assert_eq!(
        top_highlights(&answer),
        vec!["sicheren", "Behördenkommunikation"]
    );
}

#[test]
fn flags_may_follow_the_query() {
    let dir = workspace();
    let output = fundstelle(dir.path())
        .args(["search", "Kabinett", "--json", "--limit", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn unknown_words_fall_back_to_close_words_and_say_so() {
    let dir = workspace();
    let answer = json_search(dir.path(), &["Kretschmar"]);
    assert_eq!(ranges(&answer), vec![(SEED.to_owned(), 11, 17)]);
    assert_eq!(
        answer["hits"][0]["corrections"],
        serde_json::json!([["kretschmar", "Kretschmer"]])
    );
    assert_eq!(top_highlights(&answer), vec!["Kretschmer"]);
    // A known word is never corrected, and short words are never corrected.
    let answer = json_search(dir.path(), &["Kretschmer"]);
    assert!(answer["hits"][0].get("corrections").is_none());
    // "Bayern", one edit away (in three passages, scored alike).
    assert!(starts(dir.path(), &["Baxern"]).contains(&6));
    fundstelle(dir.path())
        .args(["search", "Kabi"])
        .assert()
        .code(1);
    // A correction never outranks an exact match of another query word.
    let answer = json_search(dir.path(), &["Kretschmar", "Bürokratieabbau"]);
    assert_eq!(ranges(&answer)[0].1, 51);
}

/// A misspelt compound split into a made-up part and a real one ("Quantenkomunikation" into
/// "quanten" and "komunikation", "Zusamenarbeit" into "zusamen" and "arbeit") was searched
/// as those parts and found nothing; and a correction found as part of a compound was shown
/// without a highlight or a note.
#[test]
fn a_typo_is_not_corrected_to_a_word_its_stem_is_two_edits_from() {
    // "verord" (the stem of "Verordung") is two edits from "behord", the stem of the part
    // "Behörde" of "Behördenservices": too far for six letters.
    let dir = workspace();
    let answer = json_search(dir.path(), &["Verordung"]);
    assert!(ranges(&answer).is_empty(), "{answer}");
}

#[test]
fn misspelt_compounds_are_corrected_and_parts_that_stand_in_are_shown() {
    let dir = workspace();
    for (typed, found) in [
        ("Quantenkomunikation", "Quantenkommunikation"),
        ("Zusamenarbeit", "Zusammenarbeit"),
    ] {
        let answer = json_search(dir.path(), &[typed]);
        let hits = answer["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{typed}: nothing found");
        for hit in hits {
            assert_eq!(
                hit["corrections"],
                serde_json::json!([[typed.to_lowercase(), found]]),
                "{typed}"
            );
        }
        assert_eq!(top_highlights(&answer), vec![found]);
    }
    // "zusam" stands in for the part "zusamm" of "Zusammenarbeit", as indexed.
    let answer = json_search(dir.path(), &["Zusam"]);
    let hits = answer["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(!highlighted(hit).is_empty(), "{hit}");
        assert!(hit.get("corrections").is_some(), "{hit}");
    }
}

#[test]
fn a_question_whose_content_words_match_nothing_falls_back_to_its_other_words() {
    let dir = workspace();
    // No passage speaks of either disease, but the seed has "und": the question still gets
    // passages, and the highlights show that only the function word matched.
    let answer = json_search(dir.path(), &["Sepsis und Cholera?"]);
    let marked = top_highlights(&answer);
    assert!(
        !marked.is_empty() && marked.iter().all(|w| w == "und"),
        "{marked:?}"
    );
    // With a content word that matches, function words stay out of the search.
    let marked = top_highlights(&json_search(dir.path(), &["Sepsis und Kabinett"]));
    assert!(
        !marked.is_empty() && marked.iter().all(|w| w.starts_with("Kabinett")),
        "{marked:?}"
    );
    // Nothing at all matches: still no hit.
    fundstelle(dir.path())
        .args(["search", "Sepsis oder Cholera?"])
        .assert()
        .code(1);
}

#[test]
fn a_hyphen_after_a_conjunction_is_no_exclusion() {
    let dir = workspace();
    // "Privatpersonen und -organisationen": an elided compound part, as German writes it.
    let excluded = json_search(dir.path(), &["Sachsen -Kommunikation"]);
    let elided = json_search(dir.path(), &["Sachsen und -Kommunikation"]);
    assert!(ranges(&elided).len() > ranges(&excluded).len());
}

#[test]
fn analyze_shows_words_stems_and_compound_parts() {
    let dir = workspace();
    let output = fundstelle(dir.path())
        .args([
            "analyze",
            "--json",
            "Die Behördenkommunikation der KI-Strategie",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let words: Value = serde_json::from_slice(&output.stdout).unwrap();
    let word = &words[1];
    assert_eq!(word["word"], "Behördenkommunikation");
    assert_eq!(word["stem"], "behordenkommunikation");
    assert_eq!(
        word["parts"],
        serde_json::json!(["behord", "kommunikation"])
    );
    assert_eq!(words[0]["stop_word"], true);
    assert_eq!(words[3]["word"], "KI-Strategie");
    assert_eq!(words[3]["hyphenated"], true);
    fundstelle(dir.path())
        .args(["analyze", "Kabinettssitzung"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kabinett + sitzung"));
    fundstelle(dir.path())
        .args(["analyze", "?!"])
        .assert()
        .code(1);
}

#[test]
fn incremental_indexing_handles_add_rename_and_touch() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("a.txt"), "Erste Fassung über Kabinette.\n").unwrap();
    assert!(index_folder(dir.path(), "akten").status.success());
    let summary = |output: std::process::Output| String::from_utf8(output.stderr).unwrap();

    // Added.
    fs::write(docs.join("b.txt"), "Ein neues Dokument über Behörden.\n").unwrap();
    let stderr = summary(index_folder(dir.path(), "akten"));
    assert!(
        stderr.contains("1 added, 0 changed, 0 removed, 1 unchanged"),
        "{stderr}"
    );
    let search = |q: &str| ranges(&json_search(dir.path(), &["--index", "akten.idx", q]));
    assert_eq!(search("Behörden")[0].0, "akten/b.txt");

    // Renamed: the old path is gone, the new one found.
    fs::rename(docs.join("b.txt"), docs.join("c.txt")).unwrap();
    let stderr = summary(index_folder(dir.path(), "akten"));
    assert!(
        stderr.contains("1 added, 0 changed, 1 removed, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(search("Behörden"), vec![("akten/c.txt".to_owned(), 1, 1)]);

    // Touched without change: read again (mtime differs) but not re-indexed.
    let file = fs::File::options()
        .append(true)
        .open(docs.join("a.txt"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    let stderr = summary(index_folder(dir.path(), "akten"));
    assert!(
        stderr.contains("0 added, 0 changed, 0 removed, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(search("Kabinette").len(), 1);
}

#[test]
fn a_query_cut_at_its_limit_never_panics() {
    let dir = workspace();
    // The limit is 128 distinct words: the compound is the last one, its parts fall beyond it.
    let distinct = |n: usize| -> String { (0..n).map(|i| format!("wort{i} ")).collect() };
    let query = format!("{}KI-Strategie", distinct(127));
    let output = fundstelle(dir.path())
        .args(["search", "--json", "--", &query])
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    // A word past the limit is not searched.
    for (words, found) in [(127, 1), (128, 0)] {
        let query = format!("{}Bayern", distinct(words));
        let answer = json_search(dir.path(), &["--", &query]);
        assert_eq!(ranges(&answer).len().min(1), found, "{words} words before");
    }
}

#[test]
fn a_single_word_found_only_in_the_title_finds_the_title_alone() {
    let dir = indexed_document(
        "Hochwasserschutz an der Elbe\n\nDie Landesregierung hat neue Deiche beschlossen.\n\nDie Kosten trägt der Bund.\n",
    );
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Elbe"]);
    assert_eq!(ranges(&answer).len(), 1, "{answer}");
    assert_eq!(top_highlights(&answer), vec!["Elbe"]);
    // In a question of several words the title lifts the document's passages.
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Deiche an der Elbe"]);
    assert_eq!(ranges(&answer)[0].1, 3, "{answer}");
}

#[test]
fn title_words_neither_satisfy_nor_exclude_required_words() {
    let dir = indexed_document(
        "Haushalt Alpenland\n\nErster Absatz über Beta.\n\nZweiter Absatz über Beta.\n\nDritter Absatz über Beta.\n"
    );
    let search = |args: &[&str]| {
        let mut all = vec!["--index", "akten.idx"];
        all.extend_from_slice(args);
        ranges(&json_search(dir.path(), &all)).len()
    };
    assert_eq!(search(&["--", "Beta", "-Alpenland"]), 3);
    assert_eq!(search(&["Alpenland", "AND", "Beta"]), 0);
    assert_eq!(search(&["Beta"]), 3);
}

/// "./akten/../akten" and the absolute path of "akten" name the same files: indexing them
/// again changes nothing, and each file is found once, under one path.
#[test]
fn every_spelling_of_a_path_is_one_file() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("a.txt"), "Ein Absatz über Kabinette.\n").unwrap();
    let absolute = docs.canonicalize().unwrap();
    let absolute = absolute.to_str().unwrap();
    // "akten/../akten" was cleaned after the folder was taken off before: "../akten".
    let roundabout = format!("{absolute}/../akten");
    fs::create_dir(dir.path().join("sub")).unwrap();
    // (folder the run starts in, path, index, what it says); a `$PWD` left behind by whoever
    // started the run ("/") is not the current folder. Outside the current folder a file is
    // known by its absolute path.
    for (folder, path, index, summary) in [
        (".", "akten", "akten.idx", "1 added"),
        (".", "./akten/../akten/", "akten.idx", "1 unchanged"),
        (".", absolute, "akten.idx", "1 unchanged"),
        (".", &roundabout, "akten.idx", "1 unchanged"),
        ("sub", "../akten", "other.idx", "1 added"),
        ("sub", absolute, "other.idx", "1 unchanged"),
    ] {
        let output = fundstelle(&dir.path().join(folder))
            .env("PWD", "/")
            .args(["index", path, "--index"])
            .arg(dir.path().join(index))
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(summary), "{folder}: {path}: {stderr}");
    }
    let answer = json_search(dir.path(), &["--index", "akten.idx", "Kabinette"]);
    let paths: Vec<&str> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["akten/a.txt"]);
}

#[test]
fn an_index_updated_from_another_folder_keeps_its_keys_and_its_files() {
    let dir = workspace();
    let root = dir.path();
    for (folder, text) in [
        ("t2", "Die Altstadt von Bamberg."),
        ("t3", "Der Dom zu Speyer."),
    ] {
        fs::create_dir(root.join(folder)).unwrap();
        fs::write(root.join(folder).join("a.txt"), text).unwrap();
    }
    let index = |from: &Path, args: &[&str]| {
        let output = fundstelle(from).arg("index").args(args).output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stderr).unwrap()
    };
    index(root, &["t2", "--index", "idx"]);
    // From inside t3, "." is t3: t2's file is neither removed nor renamed.
    let said = index(&root.join("t3"), &[".", "--index", "../idx"]);
    assert!(
        said.contains("1 added, 0 changed, 0 removed, 0 unchanged"),
        "{said}"
    );
    let said = index(&root.join("t3"), &["../t2", ".", "--index", "../idx"]);
    assert!(said.contains("0 removed, 2 unchanged"), "{said}");
    for (word, path) in [("Bamberg", "t2/a.txt"), ("Speyer", "t3/a.txt")] {
        let answer = json_search(root, &["--index", "idx", word]);
        assert_eq!(answer["hits"][0]["path"], path, "{answer}");
    }
}

/// A project moved or renamed with its index keeps one entry per file: the folder the keys
/// are relative to is recorded relative to the index, and a moved project's search showed
/// every hit twice, and a deleted file's old text, before.
#[test]
fn a_project_moved_with_its_index_keeps_one_entry_per_file() {
    let dir = TempDir::new().unwrap();
    let old = dir.path().join("projekt");
    fs::create_dir_all(old.join("seeds")).unwrap();
    fs::write(old.join("seeds/a.txt"), "Die Zitrone ist gelb.\n").unwrap();
    let search = |from: &Path, word: &str| {
        let output = fundstelle(from)
            .args(["search", "--json", word])
            .output()
            .unwrap();
        let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
        ranges(&answer)
    };
    assert_eq!(search(&old, "Zitrone"), [("seeds/a.txt".to_owned(), 1, 1)]);
    let new = dir.path().join("umbenannt");
    fs::rename(&old, &new).unwrap();
    assert_eq!(search(&new, "Zitrone"), [("seeds/a.txt".to_owned(), 1, 1)]);
    fs::remove_file(new.join("seeds/a.txt")).unwrap();
    fs::write(new.join("seeds/b.txt"), "Die Orange ist rund.\n").unwrap();
    assert_eq!(search(&new, "Zitrone"), []);
    assert_eq!(search(&new, "Orange"), [("seeds/b.txt".to_owned(), 1, 1)]);
}

/// An index moved away from its project still knows its files: the project's folder is
/// recorded absolute too.
#[test]
fn an_index_moved_alone_keeps_one_entry_per_file() {
    let dir = TempDir::new().unwrap();
    let project = dir.path().join("p");
    fs::create_dir_all(project.join("docs")).unwrap();
    fs::create_dir_all(dir.path().join("q")).unwrap();
    fs::write(project.join("docs/a.txt"), "Erster Absatz über Bayern.\n").unwrap();
    let run = |args: &[&str]| {
        let output = fundstelle(&project).args(args).output().unwrap();
        assert!(output.status.success(), "{output:?}");
        output
    };
    run(&["index", "docs", "--index", "idx"]);
    fs::rename(project.join("idx"), dir.path().join("q/idx")).unwrap();
    let said = String::from_utf8(run(&["index", "docs", "--index", "../q/idx"]).stderr).unwrap();
    assert!(
        said.contains("0 added, 0 changed, 0 removed, 1 unchanged"),
        "{said}"
    );
    let output = run(&["search", "--json", "--index", "../q/idx", "Absatz"]);
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(ranges(&answer), [("docs/a.txt".to_owned(), 1, 1)]);
}

#[test]
fn overlapping_paths_index_each_file_once() {
    let dir = workspace();
    let docs = doc_dir(dir.path());
    fs::write(docs.join("a.txt"), "Ein Absatz über Kabinette.\n").unwrap();
    let output = fundstelle(dir.path())
        .args([
            "index",
            "akten",
            "akten/a.txt",
            "./akten",
            "--index",
            "akten.idx",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("1 added") && stderr.contains("1 passage from"),
        "{stderr}"
    );
}

#[test]
fn a_rebuild_keeps_documents_from_other_paths() {
    let dir = workspace();
    for (folder, text) in [("da", "Alpha steht hier.\n"), ("db", "Beta steht dort.\n")] {
        fs::create_dir(dir.path().join(folder)).unwrap();
        fs::write(dir.path().join(folder).join("x.txt"), text).unwrap();
        let output = fundstelle(dir.path())
            .args(["index", folder, "--index", "ix"])
            .output()
            .unwrap();
        assert!(output.status.success());
    }
    // Pretend another version wrote the index.
    let meta_path = dir.path().join("ix/meta.json");
    let meta = fs::read_to_string(&meta_path).unwrap();
    fs::write(
        &meta_path,
        meta.replace("\\\"analyzer\\\":", "\\\"analyzer\\\":9"),
    )
    .unwrap();
    fundstelle(dir.path())
        .args(["search", "--index", "ix", "Alpha"])
        .assert()
        .code(2);
    let output = fundstelle(dir.path())
        .args(["index", "db", "--index", "ix"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("rebuilding"), "{stderr}");
    for word in ["Alpha", "Beta"] {
        fundstelle(dir.path())
            .args(["search", "--index", "ix", word])
            .assert()
            .code(0);
    }
}

/// build.rs links the binary at a fixed address (no relocation work at every start): an
/// ELF file of type EXEC, not DYN as a position-independent executable would be.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[test]
fn the_binary_needs_no_relocation_at_start() {
    const ET_EXEC: u16 = 2;
    if option_env!("FUNDSTELLE_PIE").is_some_and(|v| v != "0") {
        return; // PIE asked for at build time
    }
    let elf = std::fs::read(common::binary()).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), ET_EXEC);
}
