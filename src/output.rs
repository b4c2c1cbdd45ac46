//! Printers: how hits reach a person (grep-like blocks with highlights) or a script (JSON
//! Lines), and messages for the user (one line each on stderr). Searching knows nothing of them.

use std::fmt;
use std::io::{self, Write};

use serde::Serialize;

use crate::search::Hit;

/// A title longer than this many characters is shortened on the hit's line (a law's official
/// title runs to 800); JSON gives it whole.
const TITLE_CHARS: usize = 120;
/// Least of a title shown, however narrow the terminal.
const MIN_TITLE_CHARS: usize = 30;

/// Longest passage shown whole in human output; longer ones become a snippet around the
/// densest cluster of matches that shows a query word itself (see [`snippet_window`]).
const SNIPPET_BYTES: usize = 480;
/// Column at which human output wraps passage text: the terminal's width, but no wider than
/// this (longer lines are hard to read) and no narrower than [`MIN_WRAP_COLUMNS`].
const WRAP_COLUMNS: usize = 100;
const MIN_WRAP_COLUMNS: usize = 40;

const PATH_STYLE: &str = "\x1b[35m";
const LINE_STYLE: &str = "\x1b[32m";
const MATCH_STYLE: &str = "\x1b[1;31m";
const DIM_STYLE: &str = "\x1b[2m";
const BOLD_STYLE: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Writes `fundstelle: MESSAGE` as one line on stderr: how every message, warning and error
/// reaches the user. Not `eprintln!`, which panics when stderr is closed (`2>&1 | head -c0`):
/// a message nobody can read is dropped, and the exit code still tells. Line breaks in the
/// message (a file name may hold one) become spaces, so that a message is always one line.
pub fn stderr_line(message: fmt::Arguments<'_>) {
    let mut line = format!("fundstelle: {message}").replace(['\n', '\r'], " ");
    line.push('\n');
    // One write for the whole line, so that lines of processes sharing stderr do not mix.
    let _ = io::stderr().write_all(line.as_bytes());
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// grep-like blocks for people; `color` decides on ANSI styling, and `width` (the
    /// terminal's, if output goes to one) on where lines wrap.
    Human { color: bool, width: Option<usize> },
    /// One JSON object per query (JSON Lines).
    Json,
}

/// One query's outcome, as printed.
pub struct Answer<'a> {
    pub query: &'a str,
    pub result: Result<Vec<Hit>, String>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    rank: usize,
    score: f32,
    path: &'a str,
    paragraph: u64,
    line_start: u64,
    line_end: u64,
    title: &'a str,
    text: &'a str,
    highlights: &'a [(usize, usize)],
    /// Only when a query word was unknown and a close word was searched instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    corrections: Vec<[&'a str; 2]>,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    query: &'a str,
    hits: Vec<JsonHit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Writes one answer. `batch` adds a header line per query in human output.
pub fn write_answer(
    out: &mut impl Write,
    format: Format,
    answer: &Answer,
    batch: bool,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, answer),
        Format::Human { color, width } => write_human(out, answer, color, width, batch),
    }
}

fn write_json(out: &mut impl Write, answer: &Answer) -> io::Result<()> {
    let (hits, error) = match &answer.result {
        Ok(hits) => (hits.as_slice(), None),
        Err(message) => (&[][..], Some(message.as_str())),
    };
    let json = JsonAnswer {
        query: answer.query,
        hits: hits
            .iter()
            .map(|h| JsonHit {
                rank: h.rank,
                score: h.score,
                path: &h.path,
                paragraph: h.paragraph,
                line_start: h.line_start,
                line_end: h.line_end,
                title: &h.title,
                text: &h.text,
                highlights: &h.highlights,
                corrections: h
                    .corrections
                    .iter()
                    .map(|c| [c.typed.as_str(), c.found.as_str()])
                    .collect(),
            })
            .collect(),
        error,
    };
    serde_json::to_writer(&mut *out, &json)?;
    writeln!(out)
}

struct Styler {
    color: bool,
}

impl Styler {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

fn write_human(
    out: &mut impl Write,
    answer: &Answer,
    color: bool,
    width: Option<usize>,
    batch: bool,
) -> io::Result<()> {
    let s = Styler { color };
    // Passage lines are indented by two columns.
    let wrap_columns = width.map_or(WRAP_COLUMNS, |width| {
        width
            .saturating_sub(2)
            .clamp(MIN_WRAP_COLUMNS, WRAP_COLUMNS)
    });
    if batch {
        writeln!(
            out,
            "{}",
            s.paint(BOLD_STYLE, &format!("# {}", printable(answer.query)))
        )?;
    }
    let hits = match &answer.result {
        Ok(hits) => hits,
        Err(message) => return writeln!(out, "error: {message}\n"),
    };
    if batch && hits.is_empty() {
        writeln!(out, "(no hits)\n")?;
    }
    for hit in hits {
        let lines = if hit.line_start == hit.line_end {
            hit.line_start.to_string()
        } else {
            format!("{}-{}", hit.line_start, hit.line_end)
        };
        let path = printable(&hit.path);
        let rank = format!("#{} score {:.2}", hit.rank, hit.score);
        write!(
            out,
            "{}:{}  {}",
            s.paint(PATH_STYLE, &path),
            s.paint(LINE_STYLE, &lines),
            s.paint(DIM_STYLE, &rank)
        )?;
        if !hit.title.is_empty() {
            // On a terminal, the title takes what is left of the line (and " …" where cut).
            let used = path.chars().count() + 1 + lines.len() + 2 + rank.len() + 2 + 2;
            let room = width.map_or(TITLE_CHARS, |width| {
                width
                    .saturating_sub(used)
                    .clamp(MIN_TITLE_CHARS, TITLE_CHARS)
            });
            let title = shortened(&hit.title, room);
            write!(out, "  {}", s.paint(BOLD_STYLE, &printable(&title)))?;
        }
        for correction in &hit.corrections {
            let note = format!("({} → {})", correction.typed, correction.found);
            write!(out, "  {}", s.paint(DIM_STYLE, &note))?;
        }
        writeln!(out)?;
        let (start, end) = snippet_window(
            &hit.text,
            &hit.highlights,
            &hit.whole_matches,
            SNIPPET_BYTES,
        );
        let mut body = String::new();
        if start > 0 {
            body.push_str("… ");
        }
        let mut cursor = start;
        for &(from, to) in &hit.highlights {
            if to <= start || from >= end {
                continue;
            }
            let (from, to) = (from.max(start), to.min(end));
            body.push_str(&printable(&hit.text[cursor..from]));
            body.push_str(&s.paint(MATCH_STYLE, &printable(&hit.text[from..to])));
            cursor = to;
        }
        body.push_str(&printable(&hit.text[cursor..end]));
        if end < hit.text.len() {
            body.push_str(" …");
        }
        for line in wrap(&body, wrap_columns) {
            writeln!(out, "  {line}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `text` cut to at most `max_chars` characters at a space, with "…" for what was left out.
pub(crate) fn shortened(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => text.into(),
        Some((end, _)) => {
            let cut = if text[end..].starts_with(' ') {
                end
            } else {
                text[..end].rfind(' ').filter(|&cut| cut > 0).unwrap_or(end)
            };
            format!("{} …", text[..cut].trim_end()).into()
        }
    }
}

/// Text safe for a terminal: a document's or a batch query's control characters (an escape
/// sequence that would clear the screen or retitle the window) are shown as U+FFFD, but for
/// a tab, which is white space as typed. JSON escapes them by itself.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| match c {
                '\t' => ' ',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Byte range of `text` to show: all of it if short, else a window of about `max` bytes, cut
/// at spaces, that holds as many `highlights` as possible among the windows that hold one of
/// `whole` (where a query word itself stands, see
/// [`Hit::whole_matches`](crate::search::Hit::whole_matches)), if any does.
pub fn snippet_window(
    text: &str,
    highlights: &[(usize, usize)],
    whole: &[(usize, usize)],
    max: usize,
) -> (usize, usize) {
    if text.len() <= max {
        return (0, text.len());
    }
    // A window starting a little before each highlight, judged as it will be cut. Passages
    // are short (at most 2,000 bytes), so counting for each is cheap.
    let lead = max / 6;
    let mut best: Option<((bool, usize), (usize, usize))> = None;
    for &(from, _) in highlights {
        let window = cut_window(text, from.saturating_sub(lead), max, lead);
        let inside = |&&(from, to): &&(usize, usize)| window.0 <= from && to <= window.1;
        let score = (
            whole.iter().any(|range| inside(&range)),
            highlights.iter().filter(inside).count(),
        );
        if best.is_none_or(|(best, _)| score > best) {
            best = Some((score, window));
        }
    }
    best.map_or_else(|| cut_window(text, 0, max, lead), |(_, window)| window)
}

/// The window of at most `max` bytes of `text` from about `start`: moved back to the start
/// of a word if one starts at most `lead` bytes before `start` (else cut in the word: a run
/// of dots or a URL may be long), and ended at the last space that fits.
fn cut_window(text: &str, start: usize, max: usize, lead: usize) -> (usize, usize) {
    let floor_boundary = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut start = floor_boundary(start.min(text.len().saturating_sub(max)));
    let reach = floor_boundary(start.saturating_sub(lead));
    start = match text[reach..start].rfind(' ') {
        Some(space) => reach + space + 1,
        None if reach == 0 => 0,
        None if text[start..].starts_with(' ') => start + 1,
        None => start,
    };
    let mut end = floor_boundary((start + max).min(text.len()));
    if end < text.len() {
        if let Some(space) = text[start..end].rfind(' ') {
            end = start + space;
        }
    }
    (start, end)
}

/// Wraps at spaces to at most `columns` visible characters (ANSI escapes take no columns).
fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0;
    for word in text.split(' ') {
        let w = visible_width(word);
        if width > 0 && width + 1 + w > columns {
            lines.push(std::mem::take(&mut line));
            width = 0;
        }
        if width > 0 {
            line.push(' ');
            width += 1;
        }
        line.push_str(word);
        width += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_shortened_at_a_space() {
        let title =
            "Gesetz zu dem Abkommen vom 12. Juni 1990 zwischen der Bundesrepublik Deutschland";
        assert_eq!(shortened(title, 200), title);
        assert_eq!(shortened(title, 30), "Gesetz zu dem Abkommen vom 12. …");
        assert_eq!(shortened("Donaudampfschifffahrt", 5), "Donau …");
        assert_eq!(shortened("Übersicht über Änderungen", 9), "Übersicht …");
    }

    fn hit(text: &str, highlights: Vec<(usize, usize)>) -> Hit {
        Hit {
            rank: 1,
            score: 1.5,
            path: "a.txt".into(),
            paragraph: 2,
            line_start: 3,
            line_end: 4,
            title: "Titel".into(),
            text: text.into(),
            whole_matches: highlights.clone(),
            highlights,
            corrections: Vec::new(),
        }
    }

    fn render(format: Format, hits: Vec<Hit>) -> String {
        let mut out = Vec::new();
        let answer = Answer {
            query: "q",
            result: Ok(hits),
        };
        write_answer(&mut out, format, &answer, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_without_color_has_no_escapes() {
        let text = render(
            Format::Human {
                color: false,
                width: None,
            },
            vec![hit("Die Behörde tagt.", vec![(4, 12)])],
        );
        assert_eq!(
            text,
            "a.txt:3-4  #1 score 1.50  Titel\n  Die Behörde tagt.\n\n"
        );
    }

    #[test]
    fn human_output_fits_a_narrow_terminal() {
        let long = "Die Behörde tagt. ".repeat(20);
        let mut narrow = hit(&long, vec![(4, 12)]);
        narrow.title = "Gesetz über die Zusammenarbeit von Bund und Ländern in Angelegenheiten \
                        der Europäischen Union"
            .into();
        let text = render(
            Format::Human {
                color: false,
                width: Some(60),
            },
            vec![narrow.clone()],
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 60, "{line:?}");
        }
        // Piped, it keeps its widths.
        let text = render(
            Format::Human {
                color: false,
                width: None,
            },
            vec![narrow],
        );
        assert!(text.lines().any(|line| line.chars().count() > 60));
    }

    #[test]
    fn human_with_color_marks_matches() {
        let text = render(
            Format::Human {
                color: true,
                width: None,
            },
            vec![hit("Die Behörde tagt.", vec![(4, 12)])],
        );
        assert!(text.contains("\x1b[1;31mBehörde\x1b[0m"));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let text = render(
            Format::Human {
                color: false,
                width: None,
            },
            vec![hit("a\x1b[2Jb\x07", vec![])],
        );
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    }

    #[test]
    fn json_shape() {
        let text = render(Format::Json, vec![hit("Die Behörde tagt.", vec![(4, 12)])]);
        let value: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(value["query"], "q");
        assert_eq!(value["hits"][0]["highlights"], serde_json::json!([[4, 12]]));
        assert_eq!(value["hits"][0]["line_start"], 3);
        assert!(value.get("error").is_none());
    }

    #[test]
    fn snippet_centres_on_matches() {
        let text = format!("{} Treffer {}", "wort ".repeat(200), "wort ".repeat(200));
        let at = text.find("Treffer").unwrap();
        let (start, end) = snippet_window(&text, &[(at, at + 7)], &[], 100);
        assert!(
            start < at && at + 7 <= end && end - start <= 100,
            "{start}..{end}"
        );
        assert!(text[..start].ends_with(' '));
    }

    #[test]
    fn snippet_shows_the_query_word_itself_before_more_compound_parts() {
        // "Haushaltsplan" once at the start; its parts three times near the end.
        let text = format!(
            "Der Haushaltsplan sieht Erträge vor. {}Der Haushalt und die Haushaltssatzung sind \
             zu planen.",
            "Die Ausgaben steigen. ".repeat(40)
        );
        let ranges = |words: &[&str]| -> Vec<(usize, usize)> {
            let mut ranges: Vec<(usize, usize)> = words
                .iter()
                .map(|word| {
                    let at = text.rfind(word).unwrap();
                    (at, at + word.len())
                })
                .collect();
            ranges.sort();
            ranges
        };
        let highlights = ranges(&["Haushaltsplan", "Haushalt", "Haushaltssatzung", "planen"]);
        let key = highlights[0];
        let (start, end) = snippet_window(&text, &highlights, &[], 200);
        assert!(start > key.1, "all alike, the parts win: {start}..{end}");
        let (start, end) = snippet_window(&text, &highlights, &[key], 200);
        assert!(start <= key.0 && key.1 <= end, "{start}..{end}");
    }

    #[test]
    fn snippet_prefers_the_cluster_of_query_words_to_the_first_one() {
        let text = format!(
            "Diese Satzung tritt in Kraft. {}Die Hundesteuer nach dieser Satzung: die Satzung \
             regelt die Hundesteuer.",
            "Die Ausgaben steigen. ".repeat(40)
        );
        let highlights: Vec<(usize, usize)> = text
            .match_indices("Satzung")
            .chain(text.match_indices("Hundesteuer"))
            .map(|(at, word)| (at, at + word.len()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let (start, end) = snippet_window(&text, &highlights, &highlights, 200);
        let last = highlights.last().unwrap();
        assert!(start > highlights[0].1 && last.1 <= end, "{start}..{end}");
    }

    #[test]
    fn snippet_holds_a_query_word_after_a_long_run_without_spaces() {
        // Words joined by no-break spaces, form dots: the window must not slide back to the
        // passage's start, away from the word.
        for (text, word) in [
            (
                format!("{}Treffer {}", "wort\u{a0}".repeat(300), "wort ".repeat(50)),
                "Treffer",
            ),
            (
                format!(
                    "Name {} Unterschrift {}",
                    ".".repeat(900),
                    "wort ".repeat(100)
                ),
                "Unterschrift",
            ),
        ] {
            let at = text.find(word).unwrap();
            let key = (at, at + word.len());
            let (start, end) = snippet_window(&text, &[key], &[key], 480);
            assert!(start <= key.0 && key.1 <= end, "{word}: {start}..{end}");
        }
    }

    #[test]
    fn snippet_respects_char_boundaries() {
        let text = "ä".repeat(1000);
        let (start, end) = snippet_window(&text, &[(500, 502)], &[], 101);
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }

    #[test]
    fn wrap_ignores_escapes() {
        assert_eq!(
            wrap("\x1b[1mab\x1b[0m cd ef", 5),
            vec!["\x1b[1mab\x1b[0m cd", "ef"]
        );
    }
}
