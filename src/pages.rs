//! Page furniture of text extracted from PDFs: running headers, footers and page numbers.
//!
//! `pdftotext` and its kin end every page with a form feed and keep what the layout repeats on
//! each page. Left in place, a footer ("Seite 2 von 5") or a running header becomes a passage
//! of its own at every page break, splits the paragraph that goes on over the break into two,
//! and glues itself to a word hyphenated at the page's end ("Gemeindeverbindungs-" /
//! "Seite 1 von 2"). Only documents with form feeds are looked at, and only the first and last
//! [`EDGE_LINES`] non-blank lines of each page: a line there is furniture if it is a page
//! number, or if the same line (up to its last number) stands at the same edge (top or bottom)
//! of at least two pages and more than half of them. A page number says so ("Seite 3", "3 von
//! 12"), or is a bare number ("3", "- 3 -") that rises with the pages or is its own page's
//! number (pages without text count): a year under a title or an amount at the end of a
//! table column is text. The top of the first page is the
//! document's title, which a running header often repeats: it is never furniture but for a
//! page number.

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
    /// How many pages come before it, those without text too (form feeds counted).
    position: usize,
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
    let mut feeds = 0;
    for (index, line) in lines.enumerate() {
        if line.contains('\u{c}') && index > 0 {
            feeds += line.matches('\u{c}').count();
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
        if page.top.is_empty() {
            page.position = feeds;
        }
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
    // On how many pages each shape stands at each edge.
    let mut pages_with: HashMap<(bool, String), usize> = HashMap::new();
    for page in &pages {
        let mut shapes: Vec<(bool, String)> = page
            .edges()
            .map(|(_, top, text)| (top, shape(text)))
            .collect();
        shapes.sort();
        shapes.dedup();
        for shape in shapes {
            *pages_with.entry(shape).or_default() += 1;
        }
    }
    let repeated = |top: bool, text: &str| {
        let count = pages_with.get(&(top, shape(text))).copied().unwrap_or(0);
        text.chars().count() <= MAX_FURNITURE_CHARS && count >= 2 && 2 * count > pages.len()
    };
    // Page numbers, and how far each is from its page's position: numbers that rise with the
    // pages share that offset; a lone one must be its page's own number ("- 2 -" atop the
    // second page of a letter).
    let (mut numbers, mut bare, mut repeats) = (Vec::new(), Vec::new(), Vec::new());
    let mut offsets: HashMap<i64, usize> = HashMap::new();
    for (number, page) in pages.iter().enumerate() {
        for (index, top, text) in page.edges() {
            let title = number == 0 && top;
            match page_number(text) {
                Some(found) => {
                    let offset = i64::from(found.value) - page.position as i64;
                    *offsets.entry(offset).or_default() += 1;
                    if found.labelled {
                        numbers.push(index);
                    } else {
                        bare.push((index, offset));
                    }
                }
                None if !title && repeated(top, text) => repeats.push(index),
                None => {}
            }
        }
    }
    numbers.extend(
        bare.into_iter()
            .filter(|(_, offset)| offsets[offset] >= 2 || *offset == 1)
            .map(|(index, _)| index),
    );
    breaks.furniture = numbers;
    if repeats.len() as f64 <= MAX_REPEATED_SHARE * text_lines as f64 {
        breaks.furniture.extend(repeats);
    }
    breaks.furniture.sort_unstable();
    breaks
}

impl<'a> Page<'a> {
    /// The candidate lines: (line index, at the top, trimmed text).
    fn edges(&self) -> impl Iterator<Item = (usize, bool, &'a str)> + '_ {
        let top = self.top.iter().map(|&(index, text)| (index, true, text));
        top.chain(
            self.bottom
                .iter()
                .map(|&(index, text)| (index, false, text)),
        )
    }
}

/// A line that is only a page number.
#[derive(Debug, PartialEq, Eq)]
struct PageNumber {
    value: u32,
    /// Said to be one ("Seite 7", "S. 7", "7 von 12", "Page 7 of 12"), not only a number
    /// ("7", "- 7 -", "7/12").
    labelled: bool,
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

/// The page number that a line is, if it is only one: "7", "- 7 -", "– 7 –", "Seite 7",
/// "Seite 7 von 12", "S. 7", "7/12", "7 von 12", "Page 7 of 12" (a page of its total at most).
fn page_number(text: &str) -> Option<PageNumber> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—'));
    let lower = text.to_lowercase();
    let (prefixed, rest) = match ["seite", "s.", "page"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
    {
        Some(rest) => (true, rest.trim_start()),
        None => (false, lower.as_str()),
    };
    let (value, rest) = split_number(rest)?;
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some(PageNumber {
            value,
            labelled: prefixed,
        });
    }
    let (word, after) = ["von", "of", "/"]
        .iter()
        .find_map(|word| rest.strip_prefix(word).map(|after| (*word, after)))?;
    let (total, rest) = split_number(after.trim_start())?;
    (rest.trim().is_empty() && value <= total).then_some(PageNumber {
        value,
        labelled: prefixed || word != "/",
    })
}

/// The number of one to four digits that `text` starts with, and what follows it.
fn split_number(text: &str) -> Option<(u32, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let value = text[..digits].parse().ok()?;
    (1..=4)
        .contains(&digits)
        .then_some((value, &text[digits..]))
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
            assert!(page_number(text).is_some(), "{text}");
        }
        for text in [
            "7 Tage",
            "Seite",
            "§ 7",
            "12345",
            "Seite 7 von",
            "2019/2020 ist",
            "12/7",
            "Seite 13 von 12",
        ] {
            assert!(page_number(text).is_none(), "{text}");
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

    /// A bare number is a page number only where the numbers rise with the pages: a year
    /// under the title, the years of a report or the amounts closing a table column are text.
    #[test]
    fn numbers_that_do_not_count_the_pages_are_text() {
        let report = "Geschäftsbericht\n2023\n\u{c}Die Stadtwerke verkauften mehr Strom.\n\
                      \u{c}Der Gewinn stieg deutlich an.\n";
        assert_eq!(breaks(report).furniture, Vec::<usize>::new());
        let years = "Haushaltsjahr\n2019/2020\n\u{c}Ausgaben im Rechnungsjahr\n2021\n";
        assert_eq!(breaks(years).furniture, Vec::<usize>::new());
        let table = "Haushaltsplan 2024\n\nAnsätze in Tausend Euro:\n\nPersonalkosten\n1250\n\
                     Investitionen\n2950\n\nSeite 1 von 2\n\u{c}Die Investitionen betreffen \
                     die Grundschule.\n\nSchuldenstand zum Jahresende\n417\n\nSeite 2 von 2\n";
        assert_eq!(breaks(table).furniture, vec![9, 15]);
        // A page's own number goes alone too, and pages without text count.
        let letter =
            "Sehr geehrte Damen und Herren,\n\nwir teilen mit, dass\n\u{c}- 2 -\n\nes so ist.\n";
        assert_eq!(breaks(letter).furniture, vec![3]);
        let blank = "Bericht\nDer erste Abschnitt.\n- 1 -\n\u{c}\u{c}\u{c}Der zweite Abschnitt.\n\
                     - 4 -\n\u{c}\u{c}Der dritte Abschnitt.\n- 6 -\n";
        assert_eq!(breaks(blank).furniture, vec![2, 4, 6]);
        // Numbers that rise with the pages go, also on a page whose footer says so.
        let numbered = "Titel\nText.\n- 1 -\n\u{c}Text.\n- 2 -\n\u{c}Text.\nSeite 3 von 3\n";
        assert_eq!(breaks(numbered).furniture, vec![2, 4, 6]);
    }

    /// A line repeated at page edges is furniture where it stands at the same edge of most
    /// pages: a decision that ends half of the pages of minutes is their content.
    #[test]
    fn lines_repeated_at_the_edges_of_only_some_pages_are_kept() {
        let minutes =
            "Beschlüsse\n\nBauantrag Lindenweg 3.\nDer Antrag wurde angenommen.\n\n- 1 -\n\
                       \u{c}Bauantrag Bergstraße 12.\nDer Antrag wurde angenommen.\n\
                       Bauantrag Mühlweg 7.\nDie Entscheidung wurde vertagt.\n\n- 2 -\n\
                       \u{c}Bauantrag Kirchplatz 1.\nDie Denkmalpflege wurde beteiligt.\n\
                       Bauantrag Am Anger 5.\nDer Antrag wurde angenommen.\n\n- 3 -\n\
                       \u{c}Bauantrag Schulstraße 9.\nDer Antrag wurde abgelehnt.\n\n- 4 -\n";
        assert_eq!(breaks(minutes).furniture, vec![5, 11, 17, 21]);
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
