//! Page furniture of text extracted from PDFs: running headers, footers and page numbers.
//!
//! `pdftotext` and its kin end every page with a form feed and keep what the layout repeats on
//! each page. Left in place, a footer ("Seite 2 von 5") or a running header becomes a passage
//! of its own at every page break, splits the paragraph that goes on over the break into two,
//! and glues itself to a word hyphenated at the page's end ("Gemeindeverbindungs-" /
//! "Seite 1 von 2"). Only documents with form feeds are looked at, and only the first and last
//! [`EDGE_LINES`] non-blank lines of each page: a line there is furniture if it is a page
//! number, or if the same line (up to its last number) stands at an edge of at least two
//! pages and half of them. The top of the first page is the document's title, which a running
//! header often repeats: it is never furniture but for a page number.

use std::collections::HashMap;

/// Non-blank lines at the top and at the bottom of a page that may be furniture.
const EDGE_LINES: usize = 2;

/// Longest furniture line, in characters: running headers and footers are short.
const MAX_FURNITURE_CHARS: usize = 120;

/// Repeated lines are furniture only while they are at most this share of a document's
/// non-blank lines: on pages of a few lines each (slides, forms), what repeats may be all there
/// is, and nothing must be lost (page numbers go all the same).
const MAX_REPEATED_SHARE: f64 = 0.25;

/// Where the pages of a document begin, and which of its lines are furniture (both as
/// 0-based line indices, ascending).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PageBreaks {
    /// The first line of every page but the first: the line holding the form feed (of pages
    /// without text, only the last before the next text).
    pub page_starts: Vec<usize>,
    pub furniture: Vec<usize>,
}

/// One page's candidate lines: (line index, trimmed text), top first.
#[derive(Default)]
struct Page<'a> {
    top: Vec<(usize, &'a str)>,
    bottom: Vec<(usize, &'a str)>,
}

/// The page breaks and furniture of a document given as its lines (without line breaks).
/// A line holding a form feed starts a new page.
pub fn page_breaks<'a>(lines: impl Iterator<Item = &'a str>) -> PageBreaks {
    let mut breaks = PageBreaks::default();
    // Pages without text are not kept: a file of form feeds costs no memory.
    let mut pages: Vec<Page> = Vec::new();
    let mut page = Page::default();
    let mut text_lines = 0;
    for (index, line) in lines.enumerate() {
        if line.contains('\u{c}') && index > 0 {
            if page.top.is_empty() {
                // Between the same two lines of text as the break before: one break.
                match breaks.page_starts.last_mut() {
                    Some(start) => *start = index,
                    None => breaks.page_starts.push(index),
                }
            } else {
                breaks.page_starts.push(index);
                pages.push(std::mem::take(&mut page));
            }
        }
        // A form feed is whitespace.
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        text_lines += 1;
        if page.top.len() < EDGE_LINES {
            page.top.push((index, text));
        } else {
            if page.bottom.len() == EDGE_LINES {
                page.bottom.remove(0);
            }
            page.bottom.push((index, text));
        }
    }
    if !page.top.is_empty() {
        pages.push(page);
    }
    if pages.len() < 2 {
        return breaks;
    }
    // On how many pages each shape stands at an edge.
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        let mut shapes: Vec<String> = page.edges().map(|(_, text)| shape(text)).collect();
        shapes.sort();
        shapes.dedup();
        for shape in shapes {
            *pages_with.entry(shape).or_default() += 1;
        }
    }
    let repeated = |text: &str| {
        let count = pages_with.get(&shape(text)).copied().unwrap_or(0);
        text.chars().count() <= MAX_FURNITURE_CHARS && count >= 2 && 2 * count >= pages.len()
    };
    let (mut numbers, mut repeats) = (Vec::new(), Vec::new());
    for (number, page) in pages.iter().enumerate() {
        for (index, text) in page.edges() {
            let title = number == 0 && page.top.iter().any(|&(top, _)| top == index);
            if is_page_number(text) {
                numbers.push(index);
            } else if !title && repeated(text) {
                repeats.push(index);
            }
        }
    }
    breaks.furniture = numbers;
    if repeats.len() as f64 <= MAX_REPEATED_SHARE * text_lines as f64 {
        breaks.furniture.extend(repeats);
    }
    breaks.furniture.sort_unstable();
    breaks
}

impl<'a> Page<'a> {
    fn edges(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.top.iter().chain(&self.bottom).copied()
    }
}

/// A line as a running header or footer repeats it: its last number (a page number) and its
/// spacing may change from page to page.
fn shape(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut shaped = words.join(" ");
    if let Some(end) = shaped.rfind(|c: char| c.is_ascii_digit()) {
        let start = shaped[..end]
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .len();
        shaped.replace_range(start..=end, "#");
    }
    shaped
}

/// Whether a line is only a page number: "7", "- 7 -", "– 7 –", "Seite 7", "Seite 7 von 12",
/// "S. 7", "7/12", "7 von 12", "Page 7 of 12".
fn is_page_number(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—'));
    let lower = text.to_lowercase();
    let rest = ["seite", "s.", "page"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
        .unwrap_or(&lower)
        .trim_start();
    let (number, rest) = split_number(rest);
    if !number {
        return false;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        return true;
    }
    let Some(after) = ["von", "of", "/"]
        .iter()
        .find_map(|word| rest.strip_prefix(word))
    else {
        return false;
    };
    let (number, rest) = split_number(after.trim_start());
    number && rest.trim().is_empty()
}

/// Whether `text` starts with a number of one to four digits, and what follows it.
fn split_number(text: &str) -> (bool, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    ((1..=4).contains(&digits), &text[digits..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(text: &str) -> PageBreaks {
        page_breaks(text.split('\n'))
    }

    #[test]
    fn page_numbers() {
        for text in [
            "7",
            "- 7 -",
            "– 12 –",
            "Seite 7",
            "Seite 7 von 12",
            "S. 7",
            "7/12",
            "7 von 12",
            "Page 7 of 12",
        ] {
            assert!(is_page_number(text), "{text}");
        }
        for text in [
            "7 Tage",
            "Seite",
            "§ 7",
            "12345",
            "Seite 7 von",
            "2019/2020 ist",
        ] {
            assert!(!is_page_number(text), "{text}");
        }
    }

    #[test]
    fn headers_footers_and_page_numbers_at_page_edges_are_furniture() {
        let text = "\
Bericht der Landesregierung
Erster Absatz beginnt hier und geht
über die Seite hinaus.

Seite 1 von 3
\u{c}Bericht der Landesregierung
Weiter im Text, dann ein neuer Absatz.
Seite 2 von 3
\u{c}Bericht der Landesregierung
Letzter Absatz.
3";
        assert_eq!(
            breaks(text),
            PageBreaks {
                page_starts: vec![5, 8],
                // The first page's header is the title: kept.
                furniture: vec![4, 5, 7, 8, 10],
            }
        );
    }

    #[test]
    fn shapes_stand_for_the_line_up_to_its_last_number() {
        assert_eq!(
            shape("Drucksache  18/1234 – Seite 7"),
            "Drucksache 18/1234 – Seite #"
        );
        assert_eq!(shape("Bericht über 12"), "Bericht über #");
        assert_eq!(shape("ü7"), "ü#");
        assert_eq!(shape("Bericht"), "Bericht");
    }

    #[test]
    fn pages_of_little_more_than_what_repeats_lose_nothing() {
        // Slides of two lines each, the first the same on every slide: a quarter of the
        // document's lines at most may go as repeated.
        let slides: String = (1..=6)
            .map(|n| format!("\u{c}Projekt Elbe\nFolie mit Punkt {n}, neu.\n"))
            .collect();
        assert_eq!(breaks(&slides).furniture, Vec::<usize>::new());
        // Page numbers go all the same.
        let numbered: String = (1..=6)
            .map(|n| format!("\u{c}Projekt Elbe\nPunkt {n}.\n{n}\n"))
            .collect();
        assert_eq!(breaks(&numbered).furniture, vec![2, 5, 8, 11, 14, 17]);
    }

    #[test]
    fn a_document_without_form_feeds_has_one_page_and_no_furniture() {
        assert_eq!(breaks("1\nText\n2\n"), PageBreaks::default());
    }

    #[test]
    fn lines_that_do_not_repeat_are_kept() {
        // Two pages whose edges differ: only the page numbers go.
        let text = "Titel\nText eins.\n1\n\u{c}Anderer Anfang\nText zwei.\n2";
        assert_eq!(breaks(text).furniture, vec![2, 5]);
    }
}
