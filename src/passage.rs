//! Splitting a decoded document into passages: the real paragraphs of the text.
//!
//! Search results point at passages, so a passage must be a paragraph as the author wrote it,
//! not a physical line. Plain-text files rarely say where their paragraphs are: some put a
//! paragraph on one long line, some hard-wrap it at a fixed width, and some (copied out of web
//! pages) put a blank line after every wrapped line, so that a blank line is no paragraph break
//! at all. This module recovers the paragraphs from how hard-wrapped text behaves:
//!
//! *A greedy line-wrapper ends a line only when the next word would not fit.* So if a line plus
//! a space plus the first word of the next line is wider than the wrap width, the line was
//! wrapped and the paragraph goes on; if the next word would have fit, the paragraph ended
//! there. The wrap width is not known, so it is estimated locally, as the widest line of the run
//! of lines being judged, because one document can mix widths (a lead wrapped at 72 columns and
//! a body at 105).
//!
//! The steps:
//! 1. Lines are split on `\n`, `\r\n` and lone `\r`; lines of only whitespace are blank.
//! 2. Blocks are runs of non-blank lines. Inside a block, each line break is judged by the fit
//!    rule against the block's widest line.
//! 3. Text is in *blank-interleaved* layout when the lines between single blank lines clearly
//!    look hard-wrapped, in the document and near the blank line (see `blank_line_contexts`);
//!    only there is the fit rule also applied across single blank lines. Two or more blank
//!    lines always end a paragraph.
//! 4. A line that starts a list item (`- `, `• `, `1. `, `a) `, `(1) `, `§ ` …) starts a passage.
//! 5. A line ending in a hyphenated word always continues on the next line.
//! 6. The leading heading-like passages form the document's title.
//! 7. Paragraphs longer than [`MAX_PASSAGE_BYTES`] are cut at sentence boundaries, each piece
//!    keeping the source lines it came from.

use std::ops::Range;

use crate::pages::{self, PageBreaks};

use unicode_segmentation::UnicodeSegmentation;

/// Upper bound on a passage's text length in bytes; longer paragraphs are cut at sentence boundaries.
///
/// A passage is the unit that a search hit shows and that the ranking scores: one that is too
/// long both buries the matching words in a wall of text and dilutes their weight.
pub const MAX_PASSAGE_BYTES: usize = 2000;

/// Narrowest wrap width taken as real: below it, a "wrapped" line is more likely a heading,
/// a label or a table cell than running text that a wrapper broke.
const MIN_WRAP_WIDTH: usize = 40;

/// Widest wrap width taken as real: wider lines are whole paragraphs written on one line.
const MAX_WRAP_WIDTH: usize = 200;

/// A line ending mid-sentence counts as wrapped even if the next word would have fit by up to
/// a tenth of the wrap width, because real wrappers are not exactly greedy over characters:
/// HTML-to-text converters, proportional fonts and byte-counting tools all leave lines a little
/// short. The seed article's body shows it: lines of 99 and 100 columns (with the next word) are
/// wrapped ones in a text whose widest line has 103.
const NEAR_FULL_DIVISOR: usize = 10;

/// Blank-interleaved layout needs at least this many judged lines, so that a couple of
/// coincidences in a short document do not switch it on: among the German laws, several
/// three-line ordinances would pass the share test by chance.
const MIN_BLANK_INTERLEAVED_SAMPLES: usize = 5;

/// How many samples, the line before a single blank line and those before or after it, judge
/// whether the text there is blank-interleaved (see `blank_line_contexts`).
const BLANK_INTERLEAVED_WINDOW: usize = 6;

/// A document's first line counts as its title up to this length: the official titles of
/// German laws reach 842 characters (one in a hundred has more than 367), and one line that
/// long still ends without a full stop only in a title. It must also fit one passage
/// ([`MAX_PASSAGE_BYTES`]), so that a title is never cut.
const MAX_FIRST_HEADING_CHARS: usize = 900;

/// Headings are short; the limit is generous enough for the long official titles of German laws
/// (nine in ten have at most about 200 characters) and still excludes paragraphs.
const MAX_HEADING_CHARS: usize = 200;

/// A Markdown front matter block longer than this is taken for no such block.
const MAX_FRONT_MATTER_LINES: usize = 100;

/// At most this many leading headings (say, a kicker, a headline and a subtitle) form the title.
const MAX_TITLE_HEADINGS: usize = 3;

/// Bytes of text on either side of a candidate sentence end that the sentence segmenter sees.
const SENTENCE_CONTEXT_BYTES: usize = 64;

/// Candidate sentence ends tried per piece before cutting between words instead.
const MAX_SENTENCE_CANDIDATES: usize = 16;

/// Joins the headings of a title, matching the typographic dash of German headlines.
const TITLE_SEPARATOR: &str = " – ";

/// After a hyphen at a line's end, these words mark an elided compound ("Bundes- und
/// Landesbehörden") rather than a word broken by the wrapper, so hyphen and space both stay.
const HYPHEN_CONJUNCTIONS: [&str; 10] = [
    "und",
    "oder",
    "bis",
    "sowie",
    "als",
    "wie",
    "bzw.",
    "beziehungsweise",
    "und/oder",
    "noch",
];

/// German month names and their abbreviations: "21. Mai" at a line's start is a date that the
/// wrapper moved there, not the 21st item of a numbered list.
const MONTHS: [&str; 26] = [
    "Januar",
    "Jänner",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
    "Jan",
    "Feb",
    "Febr",
    "Mär",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Okt",
    "Nov",
    "Dez",
];

/// Abbreviations with a full stop that German texts, laws above all, use mid-sentence: a line
/// ending in one was cut by the wrapper ("nach § 5 Abs." / "2 des Gesetzes"). Ones that end a
/// sentence about as often ("usw.", "etc.", "e. V.") are left out; "Mio.", "Mrd." and "Jh."
/// end one now and then ("stieg auf 5 Mrd."), but far more often go on ("5 Mio. Euro", "im
/// 19. Jh. entstand"). Forms of address, prices, figures and streets go on ("Hr. Müller",
/// "inkl. MwSt.", "zzgl. Versand", "siehe Abb. 3", "Hauptstr. 5"), and so do the first days
/// of a span ("Mo. bis Fr."), while "Fr.", "Sa.", "Std." and "Min." end one as often ("bis
/// Fr.", "etwa 45 Min.").
const ABBREVIATIONS: [&str; 51] = [
    "Abs.", "Art.", "Nr.", "Nrn.", "S.", "z.", "z.B.", "d.h.", "u.a.", "i.V.m.", "bzw.", "vgl.",
    "ca.", "gem.", "ggf.", "evtl.", "bzgl.", "insb.", "sog.", "Dr.", "Prof.", "St.", "Ziff.",
    "Buchst.", "Bd.", "Rn.", "Anl.", "Kap.", "lit.", "u.U.", "s.o.", "Co.", "Mio.", "Mrd.", "Tsd.",
    "Jh.", "Hrsg.", "Tel.", "Hr.", "Hrn.", "inkl.", "zzgl.", "exkl.", "Str.", "bspw.", "Abb.",
    "Tab.", "Mo.", "Di.", "Mi.", "Do.",
];

/// Words that end no German sentence: articles, prepositions fused with their article, the
/// prepositions that are never a separable verb's particle, and
/// conjunctions that join two parts. A line ending in one goes on in the next line, across one
/// blank line too: a wrapper
/// broke it there ("… zwischen Marktplatz und Bahnhof vom" / "4. bis 8. März", in a notice in
/// the seed's layout too short to tell its layout by the fit rule), or a converter set a table
/// cell's pieces apart ("Merkmale, die ausschließlich der" / "technischen Umsetzung …" in the
/// laws). Words that end a clause as a particle ("an", "auf", "mit": "Er kommt heute an"), as a
/// postposition ("von Amts wegen") or a question in a heading ("wie", "wenn", "das") are left
/// out.
const DANGLING_WORDS: [&str; 27] = [
    "der", "die", "den", "dem", "des", "ein", "einem", "einen", "zum", "zur", "beim", "ins", "von",
    "für", "gegen", "ohne", "zwischen", "seit", "trotz", "und", "oder", "sowie", "bzw.", "sondern",
    "dass", "daß", "weil",
];

/// Dangling words (see [`DANGLING_WORDS`]) after which a number goes on the phrase as part of
/// a date or a period ("vom" / "4. bis 8. März", "am" / "1. Juli", "im" / "1. Quartal"),
/// where after "und", "zur" or "die" (a relative pronoun in "Arbeitnehmer, die" / "1. das 55.
/// Lebensjahr vollendet haben") it starts a list.
const BEFORE_DATES: [&str; 3] = ["vom", "am", "im"];

/// Characters that may follow a sentence's final punctuation mark on a line: quotes,
/// brackets, and Markdown's emphasis ("**Wann wird die Tonne geleert?**").
const CLOSING_MARKS: [char; 12] = ['"', '\'', '»', '«', '“', '”', '‘', '’', ')', ']', '*', '_'];

/// One passage of a document: a paragraph, a heading, a list item, or a piece of a paragraph
/// that was longer than [`MAX_PASSAGE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 1-based position of the passage in the document; every passage, headings included, counts.
    pub ordinal: u32,
    /// First source line, 1-based, inclusive.
    pub line_start: u32,
    /// Last source line, 1-based, inclusive.
    pub line_end: u32,
    /// The reflowed text: lines joined with single spaces, whitespace runs collapsed, trimmed.
    pub text: String,
}

/// A document split into passages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitDocument {
    /// The document's leading heading passages joined with " – "; empty if there are none.
    pub title: String,
    /// All passages in order, headings included.
    pub passages: Vec<Passage>,
    /// How many leading passages form the title (they are also in `title`) or come before it
    /// (a Markdown front matter block): the first passage after them is the first of the text.
    pub title_passages: usize,
}

/// Splits a decoded document into passages and finds its title.
///
/// Never panics: any string, including an empty one, gives a (possibly empty) result.
pub fn split_document(text: &str) -> SplitDocument {
    split(text, Markup::Plain)
}

/// [`split_document`] for a Markdown document, where a single line break never ends a
/// paragraph (see [`markdown_joint`]).
pub fn split_markdown(text: &str) -> SplitDocument {
    split(text, Markup::Markdown)
}

/// What a document's line breaks mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Plain text: judged by how text wraps (see the module comment).
    Plain,
    /// Markdown: blank lines end paragraphs, line breaks within one do not.
    Markdown,
}

fn split(text: &str, markup: Markup) -> SplitDocument {
    // A byte-order mark that the decoder left in place is no part of the first heading.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (lines, blocks) = lines_and_blocks(text);
    let paragraphs = paragraphs(&lines, &blocks, markup);
    let metadata_end = front_matter_end(text).unwrap_or(0);
    let metadata = paragraphs
        .iter()
        .take_while(|paragraph| paragraph.last_line() <= metadata_end)
        .count();
    let headings = title_headings(&paragraphs[metadata..]);
    let title = paragraphs[metadata..metadata + headings]
        .iter()
        .map(|paragraph| without_heading_marks(&paragraph.text))
        .collect::<Vec<_>>()
        .join(TITLE_SEPARATOR);
    let mut passages = Vec::with_capacity(paragraphs.len());
    for paragraph in paragraphs {
        paragraph.cut_into(&mut passages);
    }
    // A long metadata paragraph may be cut into several passages; headings are short, never
    // cut, so one heading is one passage.
    let metadata_passages = passages
        .iter()
        .take_while(|passage| passage.line_end <= metadata_end)
        .count();
    SplitDocument {
        title,
        passages,
        title_passages: metadata_passages + headings,
    }
}

/// Whether a passage's text is one of the headings `title` is made of (see
/// [`SplitDocument::title`]): one of its parts between separators, not any piece of it (a
/// heading "Gebühren" in the "Satzung über die Gebühren …" is none).
pub fn is_title_heading(text: &str, title: &str) -> bool {
    let heading = without_heading_marks(text);
    // Most passages are longer than the title: no need to build a searcher for them.
    !heading.is_empty()
        && heading.len() <= title.len()
        && title.match_indices(heading).any(|(at, _)| {
            let (before, after) = (&title[..at], &title[at + heading.len()..]);
            (before.is_empty() || before.ends_with(TITLE_SEPARATOR))
                && (after.is_empty() || after.starts_with(TITLE_SEPARATOR))
        })
}

/// A heading's text without the marks of a Markdown heading ("## Einleitung"); the passage
/// keeps them, the title shown with every hit does not.
fn without_heading_marks(heading: &str) -> &str {
    match markdown_heading_level(heading) {
        Some(marks) => heading[marks..].trim_start(),
        None => heading,
    }
}

/// The level of a Markdown heading ("## Einleitung": 2), `None` for any other text.
fn markdown_heading_level(text: &str) -> Option<usize> {
    let marks = text.len() - text.trim_start_matches('#').len();
    ((1..=6).contains(&marks) && text[marks..].starts_with(char::is_whitespace)).then_some(marks)
}

/// How many of a document's leading `headings` its title keeps: a Markdown heading of a lower
/// level than the first one's starts the first section ("# Satzung über die Hundesteuer" /
/// "## § 1 Steuergegenstand"), which is no part of the title of every passage below it.
fn above_sections(headings: &[Paragraph]) -> usize {
    let mut top = None;
    headings
        .iter()
        .take_while(|heading| match markdown_heading_level(&heading.text) {
            Some(level) => level <= *top.get_or_insert(level),
            None => true,
        })
        .count()
}

/// A non-blank source line.
struct Line<'a> {
    /// The line without its line break and trailing whitespace; indentation is kept because it
    /// takes up width on the wrapped line.
    text: &'a str,
    /// 1-based source line number.
    number: u32,
    /// Width of `text` in characters, the unit a wrapper counts in.
    width: usize,
}

impl Line<'_> {
    /// The width this line would have had if the wrapper had also put `next`'s first word on it.
    fn width_with_first_word_of(&self, next: &Line) -> usize {
        self.width + 1 + first_word(next.text).chars().count()
    }
}

/// A maximal run of non-blank lines.
struct Block {
    /// Indices of the block's lines in the list of non-blank lines.
    lines: Range<usize>,
    /// Number of blank lines between this block and the previous one.
    blank_lines_before: usize,
}

/// The non-blank lines of `text`, with their line numbers, and the blocks they form.
///
/// Blank lines are only counted, not stored, so a document of millions of empty lines costs
/// no memory.
///
/// In text from a PDF (with form feeds between pages) the [`pages`] furniture is left out, and
/// the blank lines around a page break count as the gap the document's layout has inside a
/// paragraph, so that the fit rule decides whether the paragraph goes on over the break.
fn lines_and_blocks(text: &str) -> (Vec<Line<'_>>, Vec<Block>) {
    let mut lines = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut blank_lines = 0;
    let page_breaks = if text.contains('\u{c}') {
        pages::page_breaks(source_lines(text))
    } else {
        PageBreaks::default()
    };
    let mut furniture = page_breaks.furniture.iter().peekable();
    let mut page_starts = page_breaks.page_starts.iter().peekable();
    let mut after_page_break = false;
    for (index, raw) in source_lines(text).enumerate() {
        if page_starts.next_if_eq(&&index).is_some() {
            after_page_break = true;
        }
        if furniture.next_if_eq(&&index).is_some() {
            continue;
        }
        let trimmed = raw.trim_start_matches('\u{c}').trim_end();
        if trimmed.is_empty() {
            blank_lines += 1;
            continue;
        }
        if is_rule(trimmed) {
            // A rule holds no words and always parts what stands around it.
            blank_lines = blank_lines.max(2);
            continue;
        }
        if std::mem::take(&mut after_page_break) {
            // One blank line between single lines is the seed's layout, where it is no break;
            // nor is it after a sentence's end, which at a page's end is a paragraph's end as
            // often as not, and a heading atop the next page must not join the paragraph.
            let sentence_ends = lines
                .last()
                .is_some_and(|line: &Line| ends_sentence_before(line.text, trimmed));
            blank_lines = match blocks.last() {
                Some(block) if block.lines.len() == 1 && block.blank_lines_before == 1 => 1,
                Some(_) if sentence_ends => 1,
                _ => 0,
            };
        }
        let next_index = lines.len();
        match blocks.last_mut() {
            Some(block) if blank_lines == 0 => block.lines.end = next_index + 1,
            _ => blocks.push(Block {
                lines: next_index..next_index + 1,
                blank_lines_before: blank_lines,
            }),
        }
        lines.push(Line {
            text: trimmed,
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            width: trimmed.chars().count(),
        });
        blank_lines = 0;
    }
    (lines, blocks)
}

/// Whether `line` (trimmed) is a rule: a Markdown thematic break ("---", "* * *"), a setext
/// heading's underline ("======") or the delimiter of a front matter block, or a plain-text
/// separator line: three or more of one of `-`, `*`, `_`, `=`, perhaps spaced.
fn is_rule(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    let Some(mark) = marks.next() else {
        return false;
    };
    matches!(mark, '-' | '*' | '_' | '=')
        && line.trim_start().starts_with(mark)
        && marks.clone().all(|c| c == mark)
        && marks.count() >= 2
}

/// The number of the last line of a Markdown front matter block (YAML metadata between two
/// "---" lines at the very start: "title: …", "date: …"), if the document begins with one. Its
/// lines are passages like any others, so that what they say is found, but they are no
/// heading of the document's title. A text that merely begins with a separator line is no
/// such block: every line between must read as YAML.
fn front_matter_end(text: &str) -> Option<u32> {
    let mut lines = source_lines(text);
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let block: Vec<&str> = lines.take(MAX_FRONT_MATTER_LINES).collect();
    let end = block.iter().position(|line| line.trim_end() == "---")?;
    block[..end]
        .iter()
        .all(|line| is_yaml_line(line))
        .then(|| u32::try_from(end + 2).ok())
        .flatten()
}

/// Whether `line` reads as a line of YAML metadata: blank, a comment, a list item, an
/// indented continuation, or a key ("title:", "date_published: 2024").
fn is_yaml_line(line: &str) -> bool {
    let key = line.split_once(':').map_or("", |(key, _)| key);
    line.trim().is_empty()
        || line.starts_with(['#', ' ', '\t'])
        || line.starts_with("- ")
        || (!key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
}

/// The source lines of `text`, split on `\n`, `\r\n` and lone `\r` (old Mac files), so that
/// line numbers match what an editor shows.
fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(end) => {
                let break_len = if current[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[end + break_len..]);
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

fn last_word(text: &str) -> &str {
    text.rsplit(char::is_whitespace).next().unwrap_or("")
}

/// Whether the text of `line` must go on in `next`, whatever the layout: `line` ends in one
/// of the [`DANGLING_WORDS`], in a comma, or in a day before its month ("ab Montag, 4." /
/// "März"). (A line
/// that merely stops without punctuation before a lowercase one is no evidence: a headline
/// before "iPhone 16 kommt …", an agenda item before "einstimmig beschlossen", list items
/// such as "gültiger Personalausweis" look just like that.)
///
/// A dangling word is written in lowercase, or capitalised at the start of a sentence ("…
/// Schillerstraße. Die"): a capital elsewhere makes a noun ("an Straßen und Wegen"). A line
/// of one or two words is a form's label ("erteilt am" / "befristet bis"), and a line
/// starting with a list marker or another label ("3.10.1", "1a.", "0:") starts something new.
fn goes_on(line: &Line, next: &str) -> bool {
    // A Markdown heading stands alone, whatever it ends in ("### Hinweise für").
    if line.text.starts_with('#') {
        return false;
    }
    let mut words = line.text.rsplit(char::is_whitespace);
    let (Some(last), Some(before), Some(_)) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    let mut next_words = next.split_whitespace();
    let first = next_words.next().unwrap_or("");
    let date = next_words.next().is_some_and(is_month);
    if is_day(last) && is_month(first) {
        // "ab Montag, 4." / "März": a date the wrapper broke.
        return true;
    }
    let label = first.starts_with(|c: char| c.is_ascii_digit())
        && (first.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || (first.len() <= 6 && first.ends_with(['.', ')', ':']) && !date));
    if last.ends_with(',') {
        // A comma ends no paragraph: "… am Samstag," / "dem 8. Juni, geschlossen …".
        return list_marker(next).is_none() && !label;
    }
    // Every line is asked: the longest dangling word ends the question for most of them
    // before a lowercase copy is made.
    if last.len() > "zwischen".len() {
        return false;
    }
    let lowercase = last.to_lowercase();
    let written_as_dangling = lowercase == last || ends_sentence(before);
    let before_date = BEFORE_DATES.contains(&lowercase.as_str()) && written_as_dangling;
    let dangling =
        before_date || (DANGLING_WORDS.contains(&lowercase.as_str()) && written_as_dangling);
    dangling && ((list_marker(next).is_none() && !label) || (before_date && is_day(first)))
}

/// Whether `word` names a month ("Mai", "Jan.", "März,"): after "21." it makes a date.
fn is_month(word: &str) -> bool {
    MONTHS.contains(&word.trim_end_matches(['.', ',', ';']))
}

/// Whether a line ends a sentence (or a clause that a list or quotation follows), ignoring
/// closing quotes and brackets. Wrapped lines mostly end mid-sentence, paragraphs almost never.
/// A full stop after an abbreviation ("Nr.", "Abs.", "z. B.") ends no sentence.
fn ends_sentence(line: &str) -> bool {
    let line = line.trim_end_matches(CLOSING_MARKS);
    line.ends_with(['.', '!', '?', ':', ';', '…']) && !ends_in_abbreviation(line)
}

/// Whether `line` ends in one of the [`ABBREVIATIONS`], also written with spaces ("z. B.",
/// "i. V. m.") or after an opening bracket ("(vgl."). A single letter with a full stop is
/// no abbreviation on its own: "Buchstabe a." ends a sentence.
fn ends_in_abbreviation(line: &str) -> bool {
    let mut words = line
        .rsplit(char::is_whitespace)
        .map(|word| word.trim_start_matches(['(', '[']));
    let last = words.next().unwrap_or("");
    // A street's name shortened ("Hauptstr. 5") is as common as "Str." alone.
    if ABBREVIATIONS.contains(&last) || (last.ends_with("str.") && last.len() > "str.".len()) {
        return true;
    }
    // Pieces of one letter and a full stop, joined back ("z." "B." → "z.B.").
    let mut joined = String::new();
    for word in std::iter::once(last).chain(words).take(3) {
        if !is_abbreviation_piece(word) {
            break;
        }
        joined.insert_str(0, word);
        if joined.len() > 2 && ABBREVIATIONS.contains(&joined.as_str()) {
            return true;
        }
    }
    false
}

/// One letter and a full stop: a piece of an abbreviation written with spaces ("z. B.").
fn is_abbreviation_piece(word: &str) -> bool {
    word.len() == 2 && word.ends_with('.')
}

/// Whether `line` ends a sentence before `next`: not if it ends in a day ("am 21.") and
/// `next` starts with a month ("Mai 2019"), nor in the first piece of an abbreviation that
/// `next` finishes ("d." / "h. alle").
fn ends_sentence_before(line: &str, next: &str) -> bool {
    let (last, following) = (last_word(line), first_word(next));
    let finished_abbreviation = is_abbreviation_piece(last.trim_start_matches(['(', '[']))
        && is_abbreviation_piece(following)
        && ends_in_abbreviation(&format!("{last} {following}"));
    ends_sentence(line) && !finished_abbreviation && !(is_day(last) && is_month(following))
}

/// Whether `word` is a day of a date ("21."), if a month follows, or a number that goes on a
/// date after "vom" ("4. bis 8. März").
fn is_day(word: &str) -> bool {
    is_number_with_stop(word, 2)
}

/// Whether `word` is a number of at most `digits` digits with a full stop ("3.", "21.").
fn is_number_with_stop(word: &str, digits: usize) -> bool {
    word.strip_suffix('.').is_some_and(|number| {
        (1..=digits).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// What the fit rule knows about the lines around one line break.
#[derive(Debug, Clone, Copy)]
struct Wrap {
    /// The estimated wrap width in characters.
    width: usize,
    /// Whether the surrounding lines as a whole look hard-wrapped. Only then may a line that
    /// ends a sentence be taken as wrapped: otherwise the widest of a few one-line paragraphs
    /// would always look "full" and swallow the next paragraph.
    corroborated: bool,
}

impl Wrap {
    /// The fit rule: whether the wrapper had no room left on `line` for the first word of
    /// `next`, allowing `slack` columns of imprecision. A line wider than any plausible wrap
    /// width was never wrapped: it is a paragraph written on one line, and as the widest line
    /// of its block it would otherwise always look full.
    fn no_room(self, line: &Line, next: &Line, slack: usize) -> bool {
        line.width <= MAX_WRAP_WIDTH && line.width_with_first_word_of(next) + slack > self.width
    }

    /// The fit rule with a tolerance, for lines that end mid-sentence.
    fn nearly_full(self, line: &Line, next: &Line) -> bool {
        self.no_room(line, next, self.width / NEAR_FULL_DIVISOR)
    }

    /// The strict fit rule, for lines that end a sentence: a sentence can end at a paragraph's
    /// end or anywhere inside it, so only exact evidence of wrapping counts.
    fn full(self, line: &Line, next: &Line) -> bool {
        self.no_room(line, next, 0)
    }

    /// Whether `line` was wrapped rather than ending its paragraph, judged by the fit rule.
    fn wrapped(self, line: &Line, next: &Line) -> bool {
        if ends_sentence_before(line.text, next.text) {
            self.corroborated && self.full(line, next)
        } else {
            self.nearly_full(line, next)
        }
    }

    /// Whether `line` looks cut off by the wrapper in the middle of a sentence. A line like that
    /// is continued by the next one even if it starts with something that could be a list marker
    /// ("am" / "21. Mai 2019", "nach" / "§ 5 Abs. 1", "Sachsen" / "– so der Minister –").
    fn cut_mid_sentence(self, line: &Line, next: &Line) -> bool {
        self.hyphenated(line, next)
            || (!ends_sentence_before(line.text, next.text) && self.nearly_full(line, next))
    }

    /// Whether `line` ends in a word the wrapper hyphenated: always after a letter, and after
    /// a number or an abbreviation where the line had no room for what follows ("100-" /
    /// "prozentige"), since a table of one cell per line holds cells like "4-" / "22".
    fn hyphenated(self, line: &Line, next: &Line) -> bool {
        ends_with_hyphenated_word(line.text)
            || (ends_with_hyphenated_number(line.text) && self.nearly_full(line, next))
    }
}

/// The wrap context of a block of consecutive non-blank lines: the width is its widest line.
///
/// The block counts as hard-wrapped when at least two of its line breaks, and at least half of
/// them, look like wraps; a wrapped paragraph has a wrap at every line but its last, while in a
/// block of one-line paragraphs only the widest lines look full.
fn block_wrap(block: &[Line]) -> Wrap {
    let width = block.iter().map(|line| line.width).max().unwrap_or(0);
    let loose = Wrap {
        width,
        corroborated: false,
    };
    let breaks = block.len().saturating_sub(1);
    let full_lines = block
        .windows(2)
        .filter(|pair| loose.nearly_full(&pair[0], &pair[1]))
        .count();
    Wrap {
        width,
        corroborated: full_lines >= 2 && 2 * full_lines >= breaks,
    }
}

/// The wrap context inside every block: its own ([`block_wrap`]), with one exception. A block
/// of two lines whose first ends a sentence has a single line break, too little evidence to
/// take that line as wrapped (a block needs two to count as hard-wrapped); it takes the wrap
/// of the nearest hard-wrapped block before or after it (the other one if the nearer does
/// not fit) whose width is plausible ([`MIN_WRAP_WIDTH`]..=[`MAX_WRAP_WIDTH`]) and about as
/// wide as its lines: the widest line of ragged-right text falls short of the wrap column
/// by up to a word, so the block's own lines may be a tenth wider, and then their width is
/// the one lent. A paragraph of two lines in wrapped text ("… den Haushalt beraten." / "Die
/// Beratungen werden …") is then joined where its first line is full; two one-line
/// paragraphs stay apart unless the first happens to be as wide as the text around it is
/// wrapped. (A first line that stops mid-sentence is judged by the block's own width, as
/// before.)
fn block_wraps(lines: &[Line], blocks: &[Block]) -> Vec<Wrap> {
    let own: Vec<Wrap> = blocks
        .iter()
        .map(|block| block_wrap(&lines[block.lines.clone()]))
        .collect();
    let nearest_before = nearest_corroborated(own.iter().enumerate());
    let mut nearest_after = nearest_corroborated(own.iter().enumerate().rev());
    nearest_after.reverse();
    blocks
        .iter()
        .zip(&own)
        .enumerate()
        .map(|(index, (block, &wrap))| {
            if block.lines.len() != 2 {
                return wrap;
            }
            let (first, second) = (&lines[block.lines.start], &lines[block.lines.start + 1]);
            // A run of dots to fill in ("Gemeinde ........") ends a form's line, not a sentence.
            let after_a_word = last_word(first.text).chars().any(char::is_alphanumeric);
            if !after_a_word || !ends_sentence_before(first.text, second.text) {
                return wrap;
            }
            let mut lenders = [nearest_before[index], nearest_after[index]];
            lenders.sort_by_key(|lender| lender.map(|lender| lender.abs_diff(index)));
            lenders
                .into_iter()
                .flatten()
                .map(|lender| own[lender])
                .find(|lender| {
                    (MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&lender.width)
                        && wrap.width <= lender.width + lender.width / NEAR_FULL_DIVISOR
                })
                .map_or(wrap, |lender| Wrap {
                    width: lender.width.max(wrap.width),
                    corroborated: true,
                })
        })
        .collect()
}

/// For each position of `wraps` (in the order given), the index of the nearest hard-wrapped
/// block strictly before it in that order.
fn nearest_corroborated<'a>(wraps: impl Iterator<Item = (usize, &'a Wrap)>) -> Vec<Option<usize>> {
    let mut last = None;
    wraps
        .map(|(index, wrap)| {
            let before = last;
            if wrap.corroborated {
                last = Some(index);
            }
            before
        })
        .collect()
}

/// For every block, the wrap context of the single blank line before it, or `None` where the
/// gap before it is a hard paragraph break. That is every gap except in text in the
/// blank-interleaved layout (a blank line after every wrapped line, as in text copied out of
/// some web pages), between two single-line blocks.
///
/// Text is taken to be blank-interleaved only when the evidence is clear, because normal
/// documents (a blank line between paragraphs, each paragraph wrapped or on one long line) must
/// keep every blank line as a break. The samples are the single-line blocks followed by a
/// single blank line; a sample looks wrapped when it is full (the next word would not have
/// fit the wrap width of its run of blocks joined by single blank lines, estimated as the
/// run's widest single-line block, which must be plausible: [`MIN_WRAP_WIDTH`]..=
/// [`MAX_WRAP_WIDTH`]) and ends mid-sentence. In a normal document one-line paragraphs end
/// with a full stop, and few lines happen to be as wide as the widest.
/// - The document must lean that way: two thirds of its blocks are single lines, and at least
///   half of its long samples (three quarters of the wrap width or more: shorter lines end
///   paragraphs, or are labels and list items), and at least
///   [`MIN_BLANK_INTERLEAVED_SAMPLES`], look wrapped. The seed article passes; no German law
///   of the corpus does.
/// - And so must the text at the gap: on the [`BLANK_INTERLEAVED_WINDOW`] samples ending or
///   starting with the line before it, two thirds of the blocks are single lines and at least
///   half of the samples look wrapped. Judged only for the whole document, a list of 12
///   contacts after an article turned the layout off, and every wrapped line of the article
///   became a passage. Among 80 laws re-wrapped at 72 columns in this layout, 86 % of the
///   paragraphs come back (77 % when judged for the whole document), and with a blank line
///   between paragraphs as many as before (97 %).
fn blank_line_contexts(lines: &[Line], blocks: &[Block]) -> Vec<Option<Wrap>> {
    // Runs of blocks joined by single blank lines, each with its estimated wrap width.
    let mut run_of_block = Vec::with_capacity(blocks.len());
    let mut run_widths: Vec<usize> = Vec::new();
    for block in blocks {
        if run_widths.is_empty() || block.blank_lines_before != 1 {
            run_widths.push(0);
        }
        let run = run_widths.len() - 1;
        run_of_block.push(run);
        if block.lines.len() == 1 {
            run_widths[run] = run_widths[run].max(lines[block.lines.start].width);
        }
    }
    let run_wraps: Vec<Option<Wrap>> = run_widths
        .into_iter()
        .map(|width| {
            (MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH)
                .contains(&width)
                .then_some(Wrap {
                    width,
                    corroborated: true,
                })
        })
        .collect();

    // The samples: single-line blocks followed by a single blank line, and whether each looks
    // wrapped (full, and cut mid-sentence) and long (as wide as a wrapped line may be).
    let mut sample_blocks = Vec::new();
    let mut wrapped_before = vec![0];
    let (mut long_samples, mut long_wrapped) = (0, 0);
    for (index, pair) in blocks.windows(2).enumerate() {
        if pair[0].lines.len() != 1 || pair[1].blank_lines_before != 1 {
            continue;
        }
        let (line, next) = (&lines[pair[0].lines.start], &lines[pair[1].lines.start]);
        let wrap = run_wraps[run_of_block[index]];
        let wrapped = wrap.is_some_and(|wrap| {
            !ends_sentence_before(line.text, next.text) && wrap.nearly_full(line, next)
        });
        let long = wrap.is_some_and(|wrap| 4 * line.width >= 3 * wrap.width);
        long_samples += usize::from(long);
        long_wrapped += usize::from(long && wrapped);
        sample_blocks.push(index);
        wrapped_before.push(wrapped_before.last().unwrap_or(&0) + usize::from(wrapped));
    }
    // Single-line blocks among the first `n` blocks.
    let mut single_before = vec![0];
    for block in blocks {
        let single = usize::from(block.lines.len() == 1);
        single_before.push(single_before.last().unwrap_or(&0) + single);
    }
    // The whole document must lean that way: most of its blocks are single lines, and at
    // least half of its long samples (short lines end paragraphs, or are labels and list
    // items) look wrapped.
    let document_leans = 3 * single_before.last().copied().unwrap_or(0) >= 2 * blocks.len()
        && long_wrapped >= MIN_BLANK_INTERLEAVED_SAMPLES
        && 2 * long_wrapped >= long_samples;
    // Whether the samples `from..to` show the layout: most blocks around them are single
    // lines, and at least half of the samples look wrapped.
    let shows_layout = |from: usize, to: usize| -> bool {
        let samples = to - from;
        if samples < MIN_BLANK_INTERLEAVED_SAMPLES {
            return false;
        }
        let wrapped = wrapped_before[to] - wrapped_before[from];
        let (first, last) = (sample_blocks[from], sample_blocks[to - 1] + 1);
        let singles = single_before[last + 1] - single_before[first];
        3 * singles >= 2 * (last + 1 - first) && 2 * wrapped >= samples
    };
    // The layout is judged at each gap on the samples next to it, on either side, so that a
    // stretch of other lines (a table, a list of contacts) does not turn it off for a whole
    // article, and an article's last paragraph, followed by such lines, still counts as
    // wrapped. (Lines of a list that fill its own run's width, estimated from the list alone,
    // do look wrapped: the fit rule cannot tell them from a narrow paragraph.)
    let interleaved_at = |block: usize| -> bool {
        // The sample of the line before the gap, and those before or after it.
        let own = sample_blocks
            .partition_point(|&sample| sample < block)
            .saturating_sub(1);
        let (count, window) = (sample_blocks.len(), BLANK_INTERLEAVED_WINDOW);
        // Windows of `window` samples (all of them in a short document) ending or starting
        // with the gap's own.
        let ending = (own + 1).max(window.min(count));
        let starting = own.min(count.saturating_sub(window));
        document_leans
            && (shows_layout(ending.saturating_sub(window), ending)
                || shows_layout(starting, (starting + window).min(count)))
    };

    blocks
        .iter()
        .zip(&run_of_block)
        .enumerate()
        .map(|(index, (block, &run))| {
            // The wrapper's lines are single lines between blank ones: a gap beside a block
            // of several lines (a heading over "Ausfertigungsdatum" / "1966-06-16", an address
            // block after the article) is a break. (So is one where a blank line is missing
            // from the layout, joining two wrapped lines into a block: the rarer case.)
            let soft = block.blank_lines_before == 1
                && block.lines.len() == 1
                && index
                    .checked_sub(1)
                    .is_some_and(|previous| blocks[previous].lines.len() == 1)
                && interleaved_at(index);
            if soft {
                run_wraps[run]
            } else {
                None
            }
        })
        .collect()
}

/// How two lines of one paragraph are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joint {
    /// With a single space: a wrapped line, or an elided compound ("Bundes- und").
    Space,
    /// Directly, keeping the hyphen: a hyphenated compound ("IT-" / "Planungsrat").
    Glue,
    /// Directly, dropping the hyphen: a word the wrapper hyphenated ("Behörden-" / "kommunikation").
    DropHyphen,
}

/// The hyphens that end a line in a hyphenated word: the ASCII hyphen-minus, the Unicode
/// hyphen U+2010, and the [`BREAK_HYPHENS`].
const LINE_END_HYPHENS: [char; 4] = ['-', '\u{2010}', BREAK_HYPHENS[0], BREAK_HYPHENS[1]];

/// Hyphens that only ever mark where the wrapper broke a word: the soft hyphen U+00AD (the
/// invisible hyphenation point that text from web pages and PDFs carries) and "¬", which OCR
/// programs (ABBYY FineReader) write for a hyphenation they recognised, keeping "-" for a real
/// hyphen.
const BREAK_HYPHENS: [char; 2] = ['\u{ad}', '¬'];

/// Whether a line ends in a hyphenated word, which always goes on on the next line. Only a
/// hyphen right after a letter counts; " -" is a dash.
fn ends_with_hyphenated_word(line: &str) -> bool {
    line.strip_suffix(LINE_END_HYPHENS)
        .and_then(|stem| stem.chars().next_back())
        .is_some_and(char::is_alphabetic)
}

/// Whether a line ends in a hyphen after a digit ("100-" / "prozentige", "1990-" / "2000") or
/// an abbreviation ("Dipl.-" / "Ing."), which may be a hyphenated word too (see
/// [`Wrap::hyphenated`]).
fn ends_with_hyphenated_number(line: &str) -> bool {
    let Some(stem) = line.strip_suffix(LINE_END_HYPHENS) else {
        return false;
    };
    let mut before = stem.chars().rev();
    match before.next() {
        Some('.') => before.next().is_some_and(char::is_alphabetic),
        // Not an amount with a trailing minus, as accounts print it ("1.234,56-", "5.-").
        Some(c) => c.is_numeric() && !last_word(stem).contains([',', '.']),
        None => false,
    }
}

/// How a line ending in a hyphenated word joins `next`, by `next`'s first word (see [`Joint`]).
/// One of the [`BREAK_HYPHENS`] only ever marks where the wrapper broke a word, so it always
/// goes.
fn hyphen_joint(line: &str, next: &str) -> Joint {
    let word = first_word(next);
    if line.ends_with(BREAK_HYPHENS) {
        Joint::DropHyphen
    } else if HYPHEN_CONJUNCTIONS.contains(&word) && (word != "noch" || after_noun(line)) {
        Joint::Space
    } else if word.chars().next().is_some_and(char::is_lowercase) && !ends_in_acronym(line) {
        Joint::DropHyphen
    } else {
        Joint::Glue
    }
}

/// Whether the word before a line's final hyphen is capitalised, or the line holds "weder":
/// "Bundes-" / "noch Landesrecht" and "weder haupt-" / "noch ehrenamtlich" elide a word,
/// "den-" / "noch" is "dennoch" broken by the wrapper.
fn after_noun(line: &str) -> bool {
    let capitalised = last_word(line)
        .trim_start_matches(['(', '['])
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    capitalised
        || line
            .split_whitespace()
            .any(|word| word.eq_ignore_ascii_case("weder"))
}

/// Whether the word before a line's final hyphen is an acronym or holds a number ("EDV-",
/// "IT-", "H2O-"): a wrapper breaks no such word, so the hyphen is part of the compound
/// ("EDV-gestützte", "UVP-pflichtig").
fn ends_in_acronym(line: &str) -> bool {
    let word = line
        .trim_end_matches(LINE_END_HYPHENS)
        .rsplit(|c: char| c.is_whitespace() || c == '-')
        .next()
        .unwrap_or("");
    word.chars().filter(|c| c.is_uppercase()).count() >= 2 || word.chars().any(|c| c.is_numeric())
}

/// A list marker at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// "•" or "*": never used for anything else at a line's start.
    Bullet,
    /// "-" or "–": a bullet, or a dash that the wrapper moved to the line's start.
    Dash,
    /// "§": a section heading, or a citation that the wrapper moved to the line's start.
    Section,
    /// "(1)", "(a)", "a)", "aa)", "(2a)": unambiguous enumerations.
    Enumeration,
    /// "1)", "19)": an item, or the end of a bracketed reference ("(§" / "19)", "Abschnitt 2
    /// und" / "3)") that the wrapper moved to the line's start.
    NumberedBracket,
    /// "1.", "2.": an item, or an ordinal ("20. Jahrhundert") that the wrapper moved there.
    Numbered(u32),
}

/// The list marker that `line` starts with, if any. A marker is a whole word: it must be
/// followed by whitespace or the end of the line.
fn list_marker(line: &str) -> Option<Marker> {
    let mut words = line.split_whitespace();
    let marker = words.next()?;
    match marker {
        "•" | "*" => Some(Marker::Bullet),
        "-" | "–" => Some(Marker::Dash),
        "§" | "§§" => Some(Marker::Section),
        _ => {
            if let Some(label) = marker.strip_suffix(')') {
                return match label.strip_prefix('(') {
                    Some(label) => is_enumeration_label(label).then_some(Marker::Enumeration),
                    None if label.bytes().all(|b| b.is_ascii_digit()) => {
                        is_enumeration_label(label).then_some(Marker::NumberedBracket)
                    }
                    None => is_enumeration_label(label).then_some(Marker::Enumeration),
                };
            }
            let number = marker.strip_suffix('.')?;
            let is_number =
                (1..=3).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
            let is_date = words.next().is_some_and(is_month);
            if is_number && !is_date {
                number.parse().ok().map(Marker::Numbered)
            } else {
                None
            }
        }
    }
}

/// Whether `label` is an enumeration label: up to three digits with an optional lowercase
/// letter ("1", "12", "2a"), or one to three times the same lowercase letter ("a", "bb", as
/// German legal texts count sub-items). Uppercase letters are left out: "(KI)" is an acronym.
fn is_enumeration_label(label: &str) -> bool {
    let digits = label.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &label.as_bytes()[digits..];
    match (digits, rest) {
        (1..=3, []) => true,
        (1..=3, [letter]) => letter.is_ascii_lowercase(),
        (0, [first, ..]) if rest.len() <= 3 => {
            first.is_ascii_lowercase() && rest.iter().all(|letter| letter == first)
        }
        _ => false,
    }
}

/// What is known about the list the text may be in, to tell list markers from wrapped text.
#[derive(Debug, Default, Clone, Copy)]
struct ListState {
    /// The marker that the current paragraph starts with: a dash or "§" after an item that
    /// starts with the same marker is the next item, however the line before ends.
    current: Option<Marker>,
    /// The number of the last numbered paragraph: "2." right after item "1." is an item.
    last_number: Option<u32>,
}

impl ListState {
    fn start_paragraph(&mut self, line: &Line) {
        self.current = list_marker(line.text);
        if let Some(Marker::Numbered(number)) = self.current {
            self.last_number = Some(number);
        }
    }

    /// Whether `next`, which starts with `marker`, starts a list item after `line`.
    fn starts_item(self, marker: Marker, line: &Line, next: &Line, wrap: Wrap) -> bool {
        let continues = || wrap.cut_mid_sentence(line, next);
        match marker {
            Marker::Bullet | Marker::Enumeration => true,
            Marker::Dash | Marker::Section | Marker::NumberedBracket => {
                self.current == Some(marker) || !continues()
            }
            Marker::Numbered(number) => {
                self.last_number.map(|last| last + 1) == Some(number) || !continues()
            }
        }
    }
}

/// Whether `line` is a field of a form or a contact block, a label of up to three words and
/// its value: "Telefon: 0123 456", "Art der Genehmigung: Sondernutzungserlaubnis". Two such
/// lines in a row are two fields, however wide the first one is.
fn is_field(line: &str) -> bool {
    let Some((label, value)) = line.split_once(": ") else {
        return false;
    };
    !value.trim().is_empty()
        && label.starts_with(char::is_uppercase)
        && label.split_whitespace().count() <= 3
        && !label.contains(['.', ',', ';', ':', '(', ')'])
}

/// Labels of contact details, which stand on lines of their own below a name or an address
/// ("Pressestelle der Stadt⏎Telefon: 0123 456"), never inside a wrapped sentence.
const CONTACT_LABELS: [&str; 11] = [
    "telefon", "tel", "telefax", "fax", "e-mail", "email", "mail", "mobil", "internet", "web",
    "homepage",
];

/// Whether `line` gives a contact detail ("Telefon: 0123 456", "Tel.: 0123", "E-Mail: …").
fn is_contact(line: &str) -> bool {
    let Some((label, value)) = line.split_once(':') else {
        return false;
    };
    let label = label.trim_end_matches('.');
    !value.trim().is_empty()
        && CONTACT_LABELS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(label))
}

/// Whether `line` may be a name or an address line above a contact detail: it ends in a
/// capitalised word or a number ("Pressestelle der Stadt Musterhausen", "Marktplatz 1"), not
/// in a lowercase word or a hyphen, as a sentence wrapped before "E-Mail:" does ("…
/// beantworten wir per" / "E-Mail: …").
fn ends_like_a_name(line: &str) -> bool {
    !line.ends_with('-')
        && line
            .split_whitespace()
            .next_back()
            .is_some_and(|word| !word.starts_with(char::is_lowercase))
}

/// Whether `next` starts something of its own after `line`, whatever the markup: a field
/// after a field, a contact detail below a name, a list item.
fn starts_anew(line: &Line, next: &Line, wrap: Wrap, list: ListState) -> bool {
    (is_field(line.text) && is_field(next.text))
        || (is_contact(next.text) && ends_like_a_name(line.text))
        || list_marker(next.text).is_some_and(|marker| list.starts_item(marker, line, next, wrap))
}

/// Whether `line`, after `previous` and before `following`, is a heading: it follows a
/// sentence's end, starts with a capital, ends in no punctuation, and ends where the next
/// word would still have fit, before another sentence. Where the line before it was full, the
/// fit rule alone would take it for that paragraph's last line ("… erfolgt seit Juli
/// vollständig elektronisch." / "Abfallwirtschaft" / "Die Abfallgebühren …"), but a
/// paragraph's last line ends in punctuation.
fn is_heading_between(previous: &Line, line: &Line, following: Option<&Line>, wrap: Wrap) -> bool {
    let Some(following) = following else {
        return false;
    };
    ends_sentence_before(previous.text, line.text)
        && line.text.starts_with(char::is_uppercase)
        && ends_unpunctuated(line.text)
        && following.text.starts_with(char::is_uppercase)
        && !wrap.nearly_full(line, following)
        && list_marker(line.text).is_none()
}

/// Decides whether `next` continues the paragraph of `line`, and how the two are joined.
fn joint(line: &Line, next: &Line, wrap: Wrap, list: ListState) -> Option<Joint> {
    if starts_anew(line, next, wrap, list) {
        None
    } else if wrap.hyphenated(line, next) {
        Some(hyphen_joint(line.text, next.text))
    } else if item_goes_on(line, next) {
        Some(Joint::Space)
    } else {
        wrap.wrapped(line, next).then_some(Joint::Space)
    }
}

/// Whether `next` goes on with the list item that `line` starts, though `line` is short:
/// legal texts break an item after its first words ("1. ein Jahr" / "für Verbrauchsteuern
/// und …", "b) Regionalverkehr nach § 2 Absatz 18" / "im Sinne des …"), and a German sentence
/// or item never starts with a lowercase letter; so does an item whose marker stands alone
/// on its line ("b)" / "berufsbezogene Vorschriften anwenden"). In the 100 MB of laws:
/// 833,851 → 830,095 passages.
fn item_goes_on(line: &Line, next: &Line) -> bool {
    list_marker(line.text).is_some()
        && !ends_sentence(line.text)
        && next.text.trim_start().starts_with(char::is_lowercase)
        && list_marker(next.text).is_none()
}

/// Decides whether `next` continues the paragraph of `line` in Markdown, where a line break
/// inside a block never ends a paragraph (CommonMark) however short the line: the lines go
/// on unless one of them is a heading, a quote, a table row or a code fence, or `next`
/// starts something of its own as in plain text (see [`starts_anew`]).
fn markdown_joint(line: &Line, next: &Line, wrap: Wrap, list: ListState) -> Option<Joint> {
    let own_block = |text: &str| {
        text.starts_with(['#', '>', '|']) || text.starts_with("```") || text.starts_with("~~~")
    };
    if own_block(line.text) || own_block(next.text) || starts_anew(line, next, wrap, list) {
        None
    } else if wrap.hyphenated(line, next) {
        Some(hyphen_joint(line.text, next.text))
    } else {
        Some(Joint::Space)
    }
}

/// A reflowed paragraph, before long ones are cut into passages.
struct Paragraph {
    text: String,
    /// Where each source line's words begin in `text`, with the line's number; ascending, and
    /// the first entry is at offset 0. This maps any byte of `text` back to its source line.
    line_starts: Vec<(usize, u32)>,
    /// Width of the first source line, in characters.
    first_line_width: usize,
}

impl Paragraph {
    fn new(line: &Line) -> Self {
        let mut paragraph = Paragraph {
            text: String::with_capacity(line.text.len()),
            line_starts: Vec::new(),
            first_line_width: line.width,
        };
        paragraph.push_words(line);
        paragraph
    }

    fn push(&mut self, line: &Line, joint: Joint) {
        match joint {
            Joint::Space => self.text.push(' '),
            Joint::Glue => {}
            Joint::DropHyphen => {
                self.text.pop();
            }
        }
        self.push_words(line);
    }

    /// Appends the line's words separated by single spaces, collapsing all other whitespace.
    fn push_words(&mut self, line: &Line) {
        self.line_starts.push((self.text.len(), line.number));
        for (index, word) in line.text.split_whitespace().enumerate() {
            if index > 0 {
                self.text.push(' ');
            }
            self.text.push_str(word);
        }
    }

    /// The source line that the byte at `offset` of `text` came from.
    fn line_at(&self, offset: usize) -> u32 {
        let index = self
            .line_starts
            .partition_point(|&(start, _)| start <= offset);
        self.line_starts[index.saturating_sub(1)].1
    }

    fn first_line(&self) -> u32 {
        self.line_starts.first().map_or(0, |&(_, number)| number)
    }

    fn last_line(&self) -> u32 {
        self.line_starts.last().map_or(0, |&(_, number)| number)
    }

    /// Whether the paragraph looks like a heading: short, not ending like a sentence or a
    /// clause, not a list item, and on one source line, or on two if the first is as wide as a
    /// wrapped line. Two lines with a short first one are a label and its value
    /// ("Ausfertigungsdatum" / "1896-08-18"): metadata, not a heading.
    fn is_heading(&self) -> bool {
        self.is_heading_of(MAX_HEADING_CHARS)
    }

    /// [`Paragraph::is_heading`] with another length limit.
    fn is_heading_of(&self, max_chars: usize) -> bool {
        let one_heading_line = match self.line_starts.len() {
            1 => true,
            2 => self.first_line_width >= MIN_WRAP_WIDTH,
            _ => false,
        };
        one_heading_line
            && self.text.chars().count() <= max_chars
            && !ends_sentence(&self.text)
            && !self.text.trim_end_matches(CLOSING_MARKS).ends_with(',')
            && list_marker(&self.text).is_none()
    }

    /// Appends the paragraph to `passages`, cut into pieces of at most [`MAX_PASSAGE_BYTES`].
    fn cut_into(self, passages: &mut Vec<Passage>) {
        let mut push = |line_start, line_end, text| {
            let ordinal = u32::try_from(passages.len() + 1).unwrap_or(u32::MAX);
            passages.push(Passage {
                ordinal,
                line_start,
                line_end,
                text,
            });
        };
        if self.text.len() <= MAX_PASSAGE_BYTES {
            let (first, last) = (self.first_line(), self.last_line());
            push(first, last, self.text);
            return;
        }
        for piece in piece_ranges(&self.text, MAX_PASSAGE_BYTES) {
            let line_start = self.line_at(piece.start);
            let line_end = self.line_at(piece.end - 1);
            push(line_start, line_end, self.text[piece].to_owned());
        }
    }
}

/// Reflows the lines into paragraphs, deciding at every line break whether it ends one.
fn paragraphs(lines: &[Line], blocks: &[Block], markup: Markup) -> Vec<Paragraph> {
    let gap_contexts = blank_line_contexts(lines, blocks);
    let inner_contexts = block_wraps(lines, blocks);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut list = ListState::default();
    for (number, ((block, gap_context), inner_context)) in blocks
        .iter()
        .zip(gap_contexts)
        .zip(inner_contexts)
        .enumerate()
    {
        let letterhead =
            number == 0 && markup == Markup::Plain && is_letterhead(&lines[block.lines.clone()]);
        for index in block.lines.clone() {
            let line = &lines[index];
            let context = if index == block.lines.start {
                gap_context
            } else {
                Some(inner_context)
            };
            let previous = index.checked_sub(1).map(|previous| &lines[previous]);
            let blank_lines_before = if index == block.lines.start {
                block.blank_lines_before
            } else {
                0
            };
            let joint = previous.filter(|_| !letterhead).and_then(|previous| {
                if markup == Markup::Markdown {
                    return (blank_lines_before == 0)
                        .then(|| markdown_joint(previous, line, inner_context, list))
                        .flatten();
                }
                let dangling = blank_lines_before <= 1 && goes_on(previous, line.text);
                if dangling {
                    Some(Joint::Space)
                } else {
                    let following = lines.get(index + 1);
                    context
                        .filter(|&wrap| !is_heading_between(previous, line, following, wrap))
                        .and_then(|wrap| joint(previous, line, wrap, list))
                }
            });
            match (paragraphs.last_mut(), joint) {
                (Some(paragraph), Some(joint)) => paragraph.push(line, joint),
                _ => {
                    list.start_paragraph(line);
                    paragraphs.push(Paragraph::new(line));
                }
            }
        }
    }
    paragraphs
}

/// Whether the first lines of a document, with no blank line between them, are a letterhead
/// of headings, one per line ("Gemeinde Oberhausen am See" / "Öffentliche Bekanntmachung"):
/// two or three short lines, each starting with a capital and ending in no punctuation. The
/// fit rule would join them, since the next line's first word never fits on lines this short.
fn is_letterhead(block: &[Line]) -> bool {
    (2..=MAX_TITLE_HEADINGS).contains(&block.len())
        && block.iter().all(|line| {
            // Centred as `pdftotext -layout` leaves it, a letterhead is indented.
            let text = line.text.trim_start();
            text.chars().count() < MIN_WRAP_WIDTH
                && text.starts_with(char::is_uppercase)
                && ends_unpunctuated(text)
                && list_marker(text).is_none()
        })
        // A line ending in a lowercase word was wrapped ("Satzung über die Erhebung von" /
        // "Gebühren für die Benutzung der" / "Stadtbibliothek").
        && block[..block.len() - 1]
            .iter()
            .all(|line| !last_word(line.text).starts_with(char::is_lowercase))
}

/// Whether `text` ends in no punctuation (closing quotes and brackets aside), as a heading
/// does and a paragraph's last line does not.
fn ends_unpunctuated(text: &str) -> bool {
    !text
        .trim_end_matches(CLOSING_MARKS)
        .ends_with(|c: char| c.is_ascii_punctuation() || c == '…')
}

/// How many leading paragraphs form the document's title: its leading headings (at most
/// [`MAX_TITLE_HEADINGS`], and none of a section below them, see [`above_sections`]),
/// provided some other paragraph follows them. A document made only of short lines has no
/// headings to speak of.
fn title_headings(paragraphs: &[Paragraph]) -> usize {
    // A document's first line may be a long official title ("Gesetz zu dem Abkommen vom …
    // zwischen … über …": one law in eight has more than 200 characters there).
    let first_is_long_title = paragraphs.first().is_some_and(|first| {
        first.line_starts.len() == 1
            && first.text.len() <= MAX_PASSAGE_BYTES
            && first.is_heading_of(MAX_FIRST_HEADING_CHARS)
    });
    let headings = paragraphs
        .iter()
        .enumerate()
        .take_while(|(index, paragraph)| {
            paragraph.is_heading() || (*index == 0 && first_is_long_title)
        })
        .count();
    if headings == paragraphs.len() {
        return 0;
    }
    above_sections(&paragraphs[..headings.min(MAX_TITLE_HEADINGS)])
}

/// Byte ranges of `text` (trimmed, single-spaced) of at most `max_bytes` each, packing whole
/// sentences greedily: each piece ends at the last sentence end that fits. A sentence longer
/// than the limit is cut at spaces, and a single word longer than it at a character boundary.
///
/// Runs in linear time. Segmenting the whole text into sentences would cost far more than
/// everything else here (about a second for a 50 MB line), so only the end of each piece's
/// window is examined: spaces after sentence-ending punctuation are candidates, and the
/// segmenter confirms a candidate on a short stretch of text around it.
fn piece_ranges(text: &str, max_bytes: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    while text.len() - start > max_bytes {
        let (end, next_start) = sentence_cut(text, start, max_bytes)
            .unwrap_or_else(|| word_cut(text, start, max_bytes));
        pieces.push(start..end);
        start = next_start;
    }
    if start < text.len() {
        pieces.push(start..text.len());
    }
    pieces
}

/// Where to end a piece starting at `start` at the last sentence end within `max_bytes`:
/// returns the piece's end (a space) and the next piece's start, or `None` if no sentence ends
/// in reach. Gives up after [`MAX_SENTENCE_CANDIDATES`] rejected candidates, so that text full of
/// abbreviations costs no more than a bounded amount of work per piece.
fn sentence_cut(text: &str, start: usize, max_bytes: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    (start + 1..=start + max_bytes)
        .rev()
        .filter(|&space| {
            bytes[space] == b' '
                && ends_sentence_before(&text[start..space], &text[space + 1..])
                && !ends_in_ordinal(&text[start..space])
        })
        .take(MAX_SENTENCE_CANDIDATES)
        .find(|&space| is_sentence_boundary(text, space + 1))
        .map(|space| (space, space + 1))
}

/// Words after which a number with a full stop is an ordinal ("im 3. Quartal", "der 15.
/// Satz", "die 10. Klasse"), where after a noun it may well end a sentence ("nach Absatz 1
/// Satz 2. Bei der Prüfung …", as laws have it), and so may it after "bis" ("von 8 bis 12.").
const BEFORE_ORDINALS: [&str; 11] = [
    "der", "die", "das", "den", "dem", "des", "im", "am", "vom", "zum", "zur",
];

/// Whether `text` ends in an ordinal number (see [`BEFORE_ORDINALS`]): no place to cut a long
/// paragraph.
fn ends_in_ordinal(text: &str) -> bool {
    let mut words = text.rsplit(' ');
    let (Some(number), Some(before)) = (words.next(), words.next()) else {
        return false;
    };
    is_number_with_stop(number, 3)
        && BEFORE_ORDINALS
            .iter()
            .any(|word| word.eq_ignore_ascii_case(before))
}

/// Whether Unicode's sentence segmentation (UAX #29) puts a boundary at byte `offset` of
/// `text`, judged on [`SENTENCE_CONTEXT_BYTES`] of text on either side. Its rules look only a
/// few characters around a full stop in practice ("z. B. wird", "U.S. Army", "3. Mai").
fn is_sentence_boundary(text: &str, offset: usize) -> bool {
    let mut from = offset.saturating_sub(SENTENCE_CONTEXT_BYTES);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (offset + SENTENCE_CONTEXT_BYTES).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    text[from..to]
        .split_sentence_bound_indices()
        .any(|(index, _)| from + index == offset)
}

/// Where to cut a piece starting at `start` that must end within `max_bytes`: at the last space
/// that fits, or, inside a word longer than the limit, at the last character boundary that fits.
/// Returns the piece's end and the next piece's start.
fn word_cut(text: &str, start: usize, max_bytes: usize) -> (usize, usize) {
    let limit = start + max_bytes;
    match text.as_bytes()[start + 1..=limit]
        .iter()
        .rposition(|&byte| byte == b' ')
    {
        Some(space) => (start + 1 + space, start + 2 + space),
        None => {
            let mut boundary = limit;
            while !text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            (boundary, boundary)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The passages of `text` as (first line, last line, text), checking the ordinals on the way.
    fn passages(text: &str) -> Vec<(u32, u32, String)> {
        let document = split_document(text);
        for (index, passage) in document.passages.iter().enumerate() {
            assert_eq!(passage.ordinal as usize, index + 1, "ordinals count from 1");
        }
        document
            .passages
            .into_iter()
            .map(|passage| (passage.line_start, passage.line_end, passage.text))
            .collect()
    }

    fn assert_passages(text: &str, expected: &[(u32, u32, &str)]) {
        let expected: Vec<(u32, u32, String)> = expected
            .iter()
            .map(|&(start, end, text)| (start, end, text.to_owned()))
            .collect();
        assert_eq!(passages(text), expected);
    }

    /// A line ending in an article or a conjunction goes on after one blank line, though a
    /// notice this short shows too few wrapped lines to tell its layout; a form's labels, a
    /// noun that looks like a preposition ("Wegen") and a numbered item that follows do not.
    #[test]
    fn a_line_ending_in_a_word_that_ends_no_sentence_goes_on() {
        // `goes_on` stops looking at words longer than the longest of them.
        let longest = DANGLING_WORDS
            .iter()
            .chain(&BEFORE_DATES)
            .map(|w| w.len())
            .max();
        assert_eq!(longest, Some("zwischen".len()));
        assert_passages(
            "Straßensperrung in der Hauptstraße\n\n\
             Die Buslinie 12 hält während der Sperrung an einer Ersatzhaltestelle. Die\n\n\
             Stadtwerke bitten um Verständnis.\n",
            &[
                (1, 1, "Straßensperrung in der Hauptstraße"),
                (
                    3,
                    5,
                    "Die Buslinie 12 hält während der Sperrung an einer Ersatzhaltestelle. Die \
                     Stadtwerke bitten um Verständnis.",
                ),
            ],
        );
        assert_passages(
            "Merkmale, die ausschließlich der\n\ntechnischen Umsetzung dienen\n",
            &[(
                1,
                3,
                "Merkmale, die ausschließlich der technischen Umsetzung dienen",
            )],
        );
        for text in [
            "erteilt am\n\nbefristet bis\n",
            "Entwässerung von Straßen und Wegen\n\nTabelle 10\n",
            "Die Prüfung erstreckt sich auf Fertigkeiten und\n\n1. Kenntnisse.\n",
            "Anlagen mit einem Volumen von\n\n3.10.1 Anlagen\n",
            "Ablehnung von Amts wegen\n\nDas Gericht entscheidet.\n",
            "Er nahm die Akten und\n\n\ngab sie zurück.\n",
        ] {
            assert_eq!(passages(text).len(), 2, "{text:?}");
        }
    }

    /// A number after "vom" or "am", and a month after its day, go on over a blank line; a
    /// line that merely stops without punctuation does not. A Markdown heading stands alone,
    /// and two fields of a form are two lines.
    #[test]
    fn dates_go_on_and_fields_and_headings_stand_alone() {
        for (text, joined) in [
            (
                "Die Straße ist zwischen Marktplatz und Bahnhof vom\n\n4. bis 8. März gesperrt.\n",
                "Die Straße ist zwischen Marktplatz und Bahnhof vom 4. bis 8. März gesperrt.",
            ),
            (
                "Die Kreisstraße wird ab Montag, 4.\n\nMärz, voll gesperrt.\n",
                "Die Kreisstraße wird ab Montag, 4. März, voll gesperrt.",
            ),
        ] {
            assert_eq!(passages(text), [(1, 3, joined.to_owned())], "{text:?}");
        }
        for text in [
            "### Hinweise für\n\nTeilzeitbeschäftigte vereinbaren den Termin.\n",
            // After "zur" or a relative "die", a number starts a list.
            "Vorschriften können erlassen werden zur\n\n1. Abwehr von Gefahren.\n",
            "Leistungen erhalten Arbeitnehmer, die\n\n1. das 55. Lebensjahr vollendet haben.\n",
            "Apple stellt neues Smartphone in Cupertino vor heute Abend\n\n\
             iPhone 16 kommt mit größerem Akku auf den Markt.\n",
            "TOP 3 Bericht des Bürgermeisters zur Haushaltslage der Gemeinde\n\n\
             einstimmig beschlossen\n",
        ] {
            assert_eq!(passages(text).len(), 2, "{text:?}");
        }
        assert_passages(
            "Antragsteller: Peter Schmidt\nGeburtsdatum: 01.02.1970\n\
             Art der Genehmigung: Sondernutzungserlaubnis\nBefristung: keine\n",
            &[
                (1, 1, "Antragsteller: Peter Schmidt"),
                (2, 2, "Geburtsdatum: 01.02.1970"),
                (3, 3, "Art der Genehmigung: Sondernutzungserlaubnis"),
                (4, 4, "Befristung: keine"),
            ],
        );
        // A sentence wrapped before an e-mail address goes on.
        for text in [
            "Die Sprechstunde entfällt am Montag. Rückfragen beantworten wir gern per\n\
             E-Mail: sekretariat@example.org oder telefonisch unter der bekannten\n\
             Nummer.\n",
            "Die Sprechstunde entfällt am Montag. Rückfragen beantworten wir gern per E-\n\
             Mail: sekretariat@example.org oder telefonisch unter der bekannten\n\
             Nummer.\n",
        ] {
            assert_eq!(passages(text).len(), 1, "{text:?}");
        }
        // A contact detail stands alone below a name too, however wide the name's line is.
        assert_passages(
            "Pressestelle der Stadt Musterhausen\nTelefon: 01234 56789\n\
             Tel.: 01234 56780\nE-Mail: presse@musterhausen.de\n",
            &[
                (1, 1, "Pressestelle der Stadt Musterhausen"),
                (2, 2, "Telefon: 01234 56789"),
                (3, 3, "Tel.: 01234 56780"),
                (4, 4, "E-Mail: presse@musterhausen.de"),
            ],
        );
    }

    /// A comma ends no paragraph, in a notice in the seed's layout too short to judge by the
    /// fit rule; before a list item or a numbered label it may.
    #[test]
    fn a_line_ending_in_a_comma_goes_on() {
        let text = "Bekanntmachung\n\n\
            Die Gemeinde Musterhausen teilt mit, dass der Wertstoffhof am Samstag,\n\n\
            dem 8. Juni, geschlossen bleibt. Grund sind Bauarbeiten an der Zufahrt,\n\n\
            die bis Mitte Juni andauern. Wir bitten um Verständnis.\n";
        assert_eq!(passages(text).len(), 2, "{:?}", passages(text));
        assert_eq!(passages(text)[1].0..=passages(text)[1].1, 3..=7);
        let list = "Zu beachten sind die folgenden Punkte in dieser Reihenfolge,\n\n\
            1. die Anmeldung und\n\n2. die Zahlung.\n";
        assert_eq!(passages(list).len(), 3, "{:?}", passages(list));
    }

    /// In Markdown a line break never ends a paragraph, however short the line; headings,
    /// list items, quotes, fields and blank lines still part them.
    #[test]
    fn markdown_lines_go_on_within_a_paragraph() {
        let text = "## TOP 4: Verschiedenes\n\
            Frau Yilmaz regt an, die Sprechzeiten des Bürgerbüros auf Samstag zu erweitern.\n\
            Die Verwaltung prüft den Vorschlag.\n\n\
            - erster Punkt\n- zweiter Punkt,\n  der weitergeht\n> Zitat\n\n\
            Datum: 14. März\nOrt: Rathaus\n";
        let texts: Vec<String> = split_markdown(text)
            .passages
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(
            texts,
            [
                "## TOP 4: Verschiedenes",
                "Frau Yilmaz regt an, die Sprechzeiten des Bürgerbüros auf Samstag zu \
                 erweitern. Die Verwaltung prüft den Vorschlag.",
                "- erster Punkt",
                "- zweiter Punkt, der weitergeht",
                "> Zitat",
                "Datum: 14. März",
                "Ort: Rathaus",
            ]
        );
        // Plain text judges the same lines by how they wrap: a line this much shorter than
        // the widest one ended its paragraph there.
        let plain = split_document(text).passages;
        assert!(
            plain
                .iter()
                .any(|p| p.text == "Die Verwaltung prüft den Vorschlag."),
            "{plain:?}"
        );
    }

    /// A question in bold is a sentence, not a heading of the title.
    #[test]
    fn a_question_in_bold_is_no_heading() {
        let document = split_document(
            "# Häufige Fragen zur Biotonne\n\n**Wann wird die Biotonne geleert?**\n\n\
             Alle zwei Wochen am Dienstag.\n",
        );
        assert_eq!(document.title, "Häufige Fragen zur Biotonne");
    }

    /// Rules (Markdown's thematic breaks and setext underlines, plain-text separator lines)
    /// part paragraphs and are no text; a Markdown front matter block is searchable text but
    /// no part of the title.
    #[test]
    fn rules_part_paragraphs_and_front_matter_is_no_title() {
        let document = split_document(
            "---\ntitle: Testseite\n---\n\nWasserversorgung\n================\n\
             Das Wasserwerk liefert Trinkwasser,\n* * *\nund Strom.\n\n___\n",
        );
        assert_eq!(document.title, "Wasserversorgung");
        assert_eq!(document.title_passages, 2);
        let texts: Vec<(u32, &str)> = document
            .passages
            .iter()
            .map(|p| (p.line_start, p.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (2, "title: Testseite"),
                (5, "Wasserversorgung"),
                (7, "Das Wasserwerk liefert Trinkwasser,"),
                (9, "und Strom."),
            ]
        );
        // Two dashes are no rule, and a list item holds words.
        for text in ["--\n", "- - Punkt\n", "-- Ende --\n"] {
            assert!(!is_rule(text.trim_end()), "{text:?}");
        }
        // A text that begins with a separator line has no front matter.
        let separated = split_document(
            "---\nBekanntmachung der Stadt Musterhausen\n\nDer Rat hat beschlossen.\n---\nEnde.\n",
        );
        assert_eq!(separated.title, "Bekanntmachung der Stadt Musterhausen");
        assert_eq!(separated.title_passages, 1);
        // Long metadata is cut into several passages; the title's passages come after all.
        let long = format!(
            "---\ndescription: {}\n---\n\n# Titel\n\nText.\n",
            "Wort ".repeat(600)
        );
        let document = split_document(&long);
        assert_eq!(document.title, "Titel");
        assert_eq!(document.passages[document.title_passages].text, "Text.");
    }

    /// A full line that ends a sentence at a page's end ends its paragraph: a heading or a
    /// paragraph atop the next page was joined to it.
    #[test]
    fn a_sentence_ending_a_page_ends_its_paragraph() {
        let text = "\
Satzung

Die Ruhezeit für Urnengräber beträgt weiterhin zwanzig Jahre. Eine
Verlängerung ist auf Antrag möglich, sofern die Belegung es zulässt.

- 1 -
\u{c}Verwaltungsgebühren werden nach dem Kostendeckungsprinzip berechnet und
jährlich überprüft.

- 2 -
";
        assert_eq!(
            passages(text)
                .iter()
                .map(|(start, end, _)| (*start, *end))
                .collect::<Vec<_>>(),
            [(1, 1), (3, 4), (7, 8)]
        );
    }

    /// Text as `pdftotext` writes it: a running header and a footer on every page, a form
    /// feed before each new page, and a paragraph that goes on over the break, hyphenated.
    #[test]
    fn page_furniture_of_pdf_text_is_left_out_and_paragraphs_go_on_over_page_breaks() {
        let text = "\
Landkreis Musterstadt

Der Kreistag hat in seiner Sitzung am Montag nach langer Beratung
beschlossen, die in den letzten Jahren stark beschädigte Gemeindeverbindungs-

Seite 1 von 2
\u{c}Landkreis Musterstadt

straße zwischen Adorf und Bedorf im kommenden Jahr zu erneuern und dafür
die nötigen Mittel bereitzustellen.

Seite 2 von 2
";
        assert_passages(
            text,
            &[
                (1, 1, "Landkreis Musterstadt"),
                (
                    3,
                    10,
                    "Der Kreistag hat in seiner Sitzung am Montag nach langer Beratung \
                     beschlossen, die in den letzten Jahren stark beschädigte \
                     Gemeindeverbindungsstraße zwischen Adorf und Bedorf im kommenden Jahr zu \
                     erneuern und dafür die nötigen Mittel bereitzustellen.",
                ),
            ],
        );
        // A paragraph that ends at the page's end stays ended.
        let text = "\
Landkreis Musterstadt

Der Kreistag hat in seiner Sitzung am Montag nach langer Beratung
beschlossen, die Straße nach Adorf zu erneuern.

- 1 -
\u{c}Landkreis Musterstadt

Die Mittel stellt der Landkreis bereit, sobald der Haushalt des
kommenden Jahres genehmigt ist.

- 2 -
";
        assert_passages(
            text,
            &[
                (1, 1, "Landkreis Musterstadt"),
                (
                    3,
                    4,
                    "Der Kreistag hat in seiner Sitzung am Montag nach langer Beratung \
                     beschlossen, die Straße nach Adorf zu erneuern.",
                ),
                (
                    9,
                    10,
                    "Die Mittel stellt der Landkreis bereit, sobald der Haushalt des kommenden \
                     Jahres genehmigt ist.",
                ),
            ],
        );
    }

    #[test]
    fn seed_article_with_a_blank_line_after_every_wrapped_line() {
        let document = split_document(include_str!("../seeds/000_abce3f6bfaac9ef3.txt"));
        assert_eq!(document.title, "Sachsen / Bayern – Zusammenarbeit stärken");
        let expected = [
            (2, 2, "Sachsen / Bayern", "Sachsen / Bayern"),
            (4, 4, "Zusammenarbeit stärken", "Zusammenarbeit stärken"),
            (
                6,
                9,
                "[23.05.2019] Die Kabinette von Bayern und Sachsen",
                "elektronische Behördenservices.",
            ),
            (
                11,
                17,
                "Die Sächsische Staatsregierung",
                "vereinbart worden.",
            ),
            (
                19,
                29,
                "Laut einer Pressemeldung",
                "Behördenkommunikation zu unterstützen.",
            ),
            (
                31,
                37,
                "Im Bereich der künstlichen Intelligenz (KI)",
                "eingebracht werden.",
            ),
            (
                39,
                43,
                "Um elektronische Verwaltungsleistungen",
                "künftig enger zusammen.",
            ),
            (
                45,
                49,
                "Zur Verbesserung des Mobilfunks",
                "zügig erteilt werden.",
            ),
            (
                51,
                55,
                "Weitere Aspekte der Vereinbarung",
                "Bürokratieabbau im Gesundheitswesen.",
            ),
        ];
        assert_eq!(document.passages.len(), expected.len());
        for (passage, (line_start, line_end, first, last)) in document.passages.iter().zip(expected)
        {
            assert_eq!(
                (passage.line_start, passage.line_end),
                (line_start, line_end)
            );
            assert!(passage.text.starts_with(first), "{}", passage.text);
            assert!(passage.text.ends_with(last), "{}", passage.text);
            assert!(!passage.text.contains("  "), "{}", passage.text);
        }
        assert!(document.passages[3]
            .text
            .contains("am 21. Mai 2019 zu einer gemeinsamen Kabinettssitzung zusammengekommen."));
        assert!(document.passages[4]
            .text
            .contains("vorangebracht werden, welche es ermöglicht,"));
    }

    #[test]
    fn blank_lines_separate_wrapped_paragraphs() {
        let text = "\
Die Kabinette von Bayern und Sachsen haben den Ausbau der
länderübergreifenden Zusammenarbeit beschlossen. Auf einer gemeinsamen
Sitzung ging es unter anderem um Quantenkommunikation.

Im Bereich der künstlichen Intelligenz werde ein gemeinsames
Expertenforum durchgeführt. Die Ergebnisse sollen in die Strategie der
Bundesregierung eingebracht werden.
";
        assert_passages(
            text,
            &[
                (
                    1,
                    3,
                    "Die Kabinette von Bayern und Sachsen haben den Ausbau der länderübergreifenden \
                     Zusammenarbeit beschlossen. Auf einer gemeinsamen Sitzung ging es unter \
                     anderem um Quantenkommunikation.",
                ),
                (
                    5,
                    7,
                    "Im Bereich der künstlichen Intelligenz werde ein gemeinsames Expertenforum \
                     durchgeführt. Die Ergebnisse sollen in die Strategie der Bundesregierung \
                     eingebracht werden.",
                ),
            ],
        );
    }

    #[test]
    fn blank_lines_separate_one_line_paragraphs() {
        let text = "\
Die Kabinette haben den Ausbau der Zusammenarbeit beschlossen, und zwar einstimmig und ohne Aussprache.

Es ging um Quantenkommunikation.

Ein Expertenforum zur künstlichen Intelligenz soll folgen
";
        assert_passages(
            text,
            &[
                (
                    1,
                    1,
                    "Die Kabinette haben den Ausbau der Zusammenarbeit beschlossen, und zwar \
                     einstimmig und ohne Aussprache.",
                ),
                (3, 3, "Es ging um Quantenkommunikation."),
                (
                    5,
                    5,
                    "Ein Expertenforum zur künstlichen Intelligenz soll folgen",
                ),
            ],
        );
    }

    #[test]
    fn a_two_line_paragraph_in_wrapped_text_is_joined_where_its_first_line_is_full() {
        // Wrapped at 71 columns: the three-line paragraph shows it; the two-line ones have one
        // line break each, too little to tell a wrap from two sentences on lines of their own.
        let text = "\
Der Gemeinderat hat in seiner Sitzung am Montag den Haushalt beraten.
Die Beratungen werden in der nächsten Sitzung im Oktober fortgesetzt.

Zu TOP 4: Frau Schäfer beklagte den Zustand des Radwegs nach Unterbach.
Die Verwaltung sagte eine Prüfung bis zur nächsten Sitzung zu und wird
darüber im Ausschuss für Umwelt und Technik berichten.

Die Sitzung endete um 21 Uhr.
Das Protokoll liegt ab Montag im Rathaus aus.

Gemeinde ..............................................................
Wahlbezirk ............................................................
";
        let starts: Vec<u32> = passages(text).iter().map(|p| p.0).collect();
        assert_eq!(starts, [1, 4, 8, 9, 11, 12]);
        // Ragged right, wrapped at 68: the wrapped paragraph's widest line is 63, the
        // two-line paragraph's first 65, and "Die" would not have fit after it.
        let text = "\
Der Gemeinderat hat in seiner Sitzung am Montag den Etat beraten.
Die Beratungen werden im Oktober fortgesetzt.

Zu TOP 4: Frau Schäfer beklagte den Zustand des Radwegs nach
Unterbach. Die Verwaltung sagte eine Prüfung bis zur nächsten
Sitzung zu und wird darüber im Ausschuss für Umwelt und Technik
berichten, sobald die Ergebnisse vorliegen.
";
        let starts: Vec<u32> = passages(text).iter().map(|p| p.0).collect();
        assert_eq!(starts, [1, 4]);
    }

    #[test]
    fn one_line_paragraphs_without_blank_lines_stay_apart() {
        let text = "\
Der erste Absatz steht auf einer einzigen langen Zeile und endet mit einem Punkt.
Der zweite Absatz ist kürzer.
Auch der dritte Absatz steht für sich allein auf seiner Zeile.
";
        assert_passages(
            text,
            &[
                (
                    1,
                    1,
                    "Der erste Absatz steht auf einer einzigen langen Zeile und endet mit einem Punkt.",
                ),
                (2, 2, "Der zweite Absatz ist kürzer."),
                (3, 3, "Auch der dritte Absatz steht für sich allein auf seiner Zeile."),
            ],
        );
    }

    #[test]
    fn a_lowercase_line_goes_on_with_the_short_item_before_it() {
        // Abgabenordnung § 169 and Allgemeines Eisenbahngesetz § 2, as the corpus has them.
        let text = "\
(2) Die Festsetzungsfrist beträgt:
1. ein Jahr
für Verbrauchsteuern und Verbrauchsteuervergütungen,
2. vier Jahre
für Steuern und Steuervergütungen.
b) Regionalverkehr nach § 2 Absatz 18
im Sinne des Eisenbahnregulierungsgesetzes betreibt.
3. Anlagen
Die Anlagen folgen.
";
        assert_passages(
            text,
            &[
                (1, 1, "(2) Die Festsetzungsfrist beträgt:"),
                (
                    2,
                    3,
                    "1. ein Jahr für Verbrauchsteuern und Verbrauchsteuervergütungen,",
                ),
                (4, 5, "2. vier Jahre für Steuern und Steuervergütungen."),
                (
                    6,
                    7,
                    "b) Regionalverkehr nach § 2 Absatz 18 im Sinne des \
                     Eisenbahnregulierungsgesetzes betreibt.",
                ),
                (8, 8, "3. Anlagen"),
                (9, 9, "Die Anlagen folgen."),
            ],
        );
    }

    #[test]
    fn list_items_start_passages() {
        let text = "\
Vereinbart wurden:
- Ausbau der Quantenkommunikation
- Expertenforum zur KI
• Bürokratieabbau im Gesundheitswesen
1. Erstens wird eine Pilotstrecke zwischen Bayern und Sachsen gebaut,
die Behörden verbindet.
2. Zweitens wird ein Forum gegründet.
a) Unterpunkt
(1) Absatz
(b) Buchstabe
";
        assert_passages(
            text,
            &[
                (1, 1, "Vereinbart wurden:"),
                (2, 2, "- Ausbau der Quantenkommunikation"),
                (3, 3, "- Expertenforum zur KI"),
                (4, 4, "• Bürokratieabbau im Gesundheitswesen"),
                (
                    5,
                    6,
                    "1. Erstens wird eine Pilotstrecke zwischen Bayern und Sachsen gebaut, die \
                     Behörden verbindet.",
                ),
                (7, 7, "2. Zweitens wird ein Forum gegründet."),
                (8, 8, "a) Unterpunkt"),
                (9, 9, "(1) Absatz"),
                (10, 10, "(b) Buchstabe"),
            ],
        );
    }

    #[test]
    fn numbers_and_dashes_that_the_wrapper_moved_to_a_line_start_are_no_list() {
        let text = "\
Die Sächsische Staatsregierung und der Ministerrat sind am
21. Mai 2019 zusammengekommen. Das Vorhaben stammt aus dem
20. Jahrhundert und wurde damals von Bayern und Sachsen
– so der Minister – erstmals vereinbart, und zwar nach
§ 5 des Staatsvertrags zwischen beiden Ländern.
";
        assert_passages(
            text,
            &[(
                1,
                5,
                "Die Sächsische Staatsregierung und der Ministerrat sind am 21. Mai 2019 \
                 zusammengekommen. Das Vorhaben stammt aus dem 20. Jahrhundert und wurde damals \
                 von Bayern und Sachsen – so der Minister – erstmals vereinbart, und zwar nach \
                 § 5 des Staatsvertrags zwischen beiden Ländern.",
            )],
        );
    }

    #[test]
    fn a_one_that_the_wrapper_moved_to_a_line_start_is_no_list() {
        let text = "\
Die Landesregierung will die Förderung der Kommunen im
1. Halbjahr 2020 fortsetzen und die Mittel dafür im Haushalt
bereitstellen, sagte der Minister am Dienstag in Dresden.

Beschlossen wurden folgende Punkte:
1. die Förderung der Kommunen
2. die Mittel im Haushalt
";
        assert_passages(
            text,
            &[
                (
                    1,
                    3,
                    "Die Landesregierung will die Förderung der Kommunen im 1. Halbjahr 2020 \
                     fortsetzen und die Mittel dafür im Haushalt bereitstellen, sagte der \
                     Minister am Dienstag in Dresden.",
                ),
                (5, 5, "Beschlossen wurden folgende Punkte:"),
                (6, 6, "1. die Förderung der Kommunen"),
                (7, 7, "2. die Mittel im Haushalt"),
            ],
        );
    }

    #[test]
    fn list_markers() {
        let cases = [
            ("- Punkt", Some(Marker::Dash)),
            ("– Punkt", Some(Marker::Dash)),
            ("• Punkt", Some(Marker::Bullet)),
            ("* Punkt", Some(Marker::Bullet)),
            ("§ 1 Beginn", Some(Marker::Section)),
            ("(1) Absatz", Some(Marker::Enumeration)),
            ("(2a) Absatz", Some(Marker::Enumeration)),
            ("a) Buchstabe", Some(Marker::Enumeration)),
            ("19) Punkt", Some(Marker::NumberedBracket)),
            ("aa) Doppelbuchstabe", Some(Marker::Enumeration)),
            ("  12. Punkt", Some(Marker::Numbered(12))),
            ("3.", Some(Marker::Numbered(3))),
            ("21. Mai 2019", None),
            ("1. Jan. 2020", None),
            ("2019. Jahr", None),
            ("23.05.2019 Datum", None),
            ("(KI) werde", None),
            ("-Punkt", None),
            ("§5", None),
        ];
        for (line, marker) in cases {
            assert_eq!(list_marker(line), marker, "{line:?}");
        }
    }

    #[test]
    fn headings_followed_directly_by_text() {
        let text = "\
Sachsen / Bayern
Zusammenarbeit stärken
Die Kabinette von Bayern und Sachsen haben den Ausbau der länderübergreifenden Zusammenarbeit beschlossen.
Ergebnisse
Ein Expertenforum soll Fragen der künstlichen Intelligenz erörtern und Anwendungen für den Staat finden.
";
        let document = split_document(text);
        assert_eq!(document.title, "Sachsen / Bayern – Zusammenarbeit stärken");
        assert_passages(
            text,
            &[
                (1, 1, "Sachsen / Bayern"),
                (2, 2, "Zusammenarbeit stärken"),
                (
                    3,
                    3,
                    "Die Kabinette von Bayern und Sachsen haben den Ausbau der \
                     länderübergreifenden Zusammenarbeit beschlossen.",
                ),
                (4, 4, "Ergebnisse"),
                (
                    5,
                    5,
                    "Ein Expertenforum soll Fragen der künstlichen Intelligenz erörtern und \
                     Anwendungen für den Staat finden.",
                ),
            ],
        );
    }

    #[test]
    fn a_title_heading_is_a_part_of_the_title_without_its_marks() {
        let title = "Sachsen / Bayern – Zusammenarbeit stärken – Teil I";
        assert!(is_title_heading("Sachsen / Bayern", title));
        assert!(is_title_heading("## Zusammenarbeit stärken", title));
        assert!(is_title_heading("Teil I", title));
        assert!(is_title_heading(title, title));
        assert!(!is_title_heading("Bayern", title));
        assert!(!is_title_heading("I", title));
        assert!(!is_title_heading("Die Kabinette haben beschlossen.", title));
        assert!(!is_title_heading("##", title));
        assert!(!is_title_heading("Bayern", ""));
    }

    #[test]
    fn a_letterhead_of_short_lines_is_headings_not_a_wrapped_paragraph() {
        let text = "Gemeinde Oberhausen am See\nÖffentliche Bekanntmachung\n\n\
                    Sitzung des Gemeinderates\n\n\
                    Am Donnerstag findet im Rathaus eine öffentliche Sitzung statt.\n";
        let document = split_document(text);
        assert_eq!(
            document.title,
            "Gemeinde Oberhausen am See – Öffentliche Bekanntmachung – Sitzung des Gemeinderates"
        );
        assert_eq!(document.passages.len(), 4);
        // Centred, as `pdftotext -layout` leaves it.
        let centred = "                          Stadt Musterhausen\n\
                       \x20                    Öffentliche Bekanntmachung\n\n\
                       Am Donnerstag findet im Rathaus eine öffentliche Sitzung statt.\n";
        assert_eq!(
            split_document(centred).title,
            "Stadt Musterhausen – Öffentliche Bekanntmachung"
        );
        // Short lines that end in punctuation, or not at the top, are left to the fit rule.
        for text in [
            "Die Gemeinde teilt mit,\ndass das Freibad\ngeschlossen ist.\n",
            "Einleitung.\n\nGemeinde Oberhausen am See\nÖffentliche Bekanntmachung\n",
            // A title wrapped over short lines.
            "Satzung über die Erhebung von\nGebühren für die Benutzung der\n\
             Stadtbibliothek Oberhausen\n\nDiese Satzung gilt für die Stadtbibliothek.\n",
        ] {
            let joined = split_document(text)
                .passages
                .iter()
                .any(|passage| passage.line_end > passage.line_start);
            assert!(joined, "{text:?}");
        }
    }

    #[test]
    fn title_takes_at_most_three_headings_and_needs_text_after_them() {
        let four_headings = "Eins\n\nZwei\n\nDrei\n\nVier\n\nEin Satz zum Schluss.\n";
        assert_eq!(split_document(four_headings).title, "Eins – Zwei – Drei");
        assert_eq!(split_document("Eins\n\nZwei\n").title, "");
        assert_eq!(split_document("Nur ein Satz.\n\nTitel\n").title, "");
    }

    /// A law's official title can be long; only as the document's first line, on a line of
    /// its own, is a heading that long a title.
    #[test]
    fn a_long_first_line_is_the_title() {
        let long = format!(
            "Gesetz zu dem Abkommen {}über die Zusammenarbeit",
            "vom 1. Mai ".repeat(25)
        );
        assert!(long.chars().count() > MAX_HEADING_CHARS);
        let document = split_document(&format!(
            "{long}\n\nAusfertigungsdatum\n1990-06-12\n\nText.\n"
        ));
        assert_eq!(document.title, long);
        let second = split_document(&format!("Gesetz\n\n{long}\n\nText.\n"));
        assert_eq!(second.title, "Gesetz");
    }

    #[test]
    fn a_section_heading_below_the_title_is_no_part_of_it() {
        let text = "# Satzung über die Erhebung von Hundesteuer\n\n## § 1 Steuergegenstand\n\n\
                    Gegenstand der Steuer ist das Halten von Hunden.\n\n## § 2 Steuersatz\n\n\
                    Die Steuer beträgt 60 Euro.\n";
        let document = split_markdown(text);
        assert_eq!(document.title, "Satzung über die Erhebung von Hundesteuer");
        assert_eq!(document.title_passages, 1);
        // Headings of one level, and plain headings after a Markdown one, stay in the title.
        let text = "# Gemeinde Oberhausen\n\n# Öffentliche Bekanntmachung\n\nSitzung am Montag\n\n\
                    Am Montag tagt der Rat im Rathaus.\n";
        assert_eq!(
            split_markdown(text).title,
            "Gemeinde Oberhausen – Öffentliche Bekanntmachung – Sitzung am Montag"
        );
    }

    #[test]
    fn markdown_heading_marks_stay_out_of_the_title() {
        let document = split_document("## Projektbericht\n\n## Anlage 2\n\nDer Text.\n");
        assert_eq!(document.title, "Projektbericht – Anlage 2");
        assert_eq!(document.passages[0].text, "## Projektbericht");
        assert_eq!(
            split_document("#1 Bericht\n\nDer Text.\n").title,
            "#1 Bericht"
        );
    }

    #[test]
    fn lines_ending_like_a_sentence_or_a_lead_in_are_no_title() {
        let after = "\n\nDas Kabinett tagte am Dienstag in Dresden und beriet über den Haushalt.\n";
        for first in [
            "Vereinbart wurden folgende Punkte:",
            "Der Minister sagte: „Wir werden das fördern.“",
            "(Wir werden das fördern.)",
            "Erstens, zweitens,",
        ] {
            let document = split_document(&format!("{first}{after}"));
            assert_eq!(document.title, "", "{first:?}");
            assert_eq!(document.title_passages, 0, "{first:?}");
        }
        assert_eq!(
            split_document(&format!("Haushalt 2020{after}")).title,
            "Haushalt 2020"
        );
    }

    #[test]
    fn crlf_and_lone_cr_count_as_one_line_break_each() {
        assert_passages(
            "Überschrift\r\n\r\nErster Absatz.\r\n\r\nZweiter Absatz.\r\n",
            &[
                (1, 1, "Überschrift"),
                (3, 3, "Erster Absatz."),
                (5, 5, "Zweiter Absatz."),
            ],
        );
        assert_passages(
            "Überschrift\r\rErster Absatz.\r\rZweiter Absatz.\r",
            &[
                (1, 1, "Überschrift"),
                (3, 3, "Erster Absatz."),
                (5, 5, "Zweiter Absatz."),
            ],
        );
        // "\r\n" then "\r": two line breaks, so line 2 is empty.
        assert_passages(
            "Erster Absatz.\r\n\rZweiter Absatz.",
            &[(1, 1, "Erster Absatz."), (3, 3, "Zweiter Absatz.")],
        );
    }

    /// A line ending in an abbreviation or a day before its month ends no sentence, so a
    /// short wrapped paragraph (no other line to corroborate the wrapping) stays whole.
    #[test]
    fn abbreviations_and_dates_at_line_ends_end_no_sentence() {
        let text = "\
Die Sächsische Staatsregierung und der Bayerische Ministerrat sind am 21.
Mai 2019 zu einer gemeinsamen Kabinettssitzung zusammengekommen.

Die Frist bestimmt sich nach den Vorschriften des § 5 Abs. 2 und Nr.
3 der Verordnung über die Gebühren der Behörden des Bundes.

Das Kabinett tagte in Dresden.
";
        assert_passages(
            text,
            &[
                (
                    1,
                    2,
                    "Die Sächsische Staatsregierung und der Bayerische Ministerrat sind am 21. \
                     Mai 2019 zu einer gemeinsamen Kabinettssitzung zusammengekommen.",
                ),
                (
                    4,
                    5,
                    "Die Frist bestimmt sich nach den Vorschriften des § 5 Abs. 2 und Nr. 3 der \
                     Verordnung über die Gebühren der Behörden des Bundes.",
                ),
                (7, 7, "Das Kabinett tagte in Dresden."),
            ],
        );
        // Written with spaces or after a bracket too; but one letter with a full stop is no
        // abbreviation of its own.
        assert_passages(
            "Die Liste nennt unter anderem z. B.\nden Ausbau der Kabinette (vgl.\nAnlage 2).\n\nGenannt ist \
             Nummer 2 Buchstabe a.\nDie Behörde entscheidet.\n",
            &[
                (
                    1,
                    3,
                    "Die Liste nennt unter anderem z. B. den Ausbau der Kabinette (vgl. Anlage 2).",
                ),
                (5, 5, "Genannt ist Nummer 2 Buchstabe a."),
                (6, 6, "Die Behörde entscheidet."),
            ],
        );
        // Its pieces split by the wrapper, and after a bracket with spaces.
        assert_passages(
            "Es gilt für alle Anträge der Länder und Gemeinden, d.\nh. alle Anträge, die seit \
             dem Frühjahr gestellt wurden (z. B.\nVerlängerungen).\n",
            &[(
                1,
                3,
                "Es gilt für alle Anträge der Länder und Gemeinden, d. h. alle Anträge, die \
                 seit dem Frühjahr gestellt wurden (z. B. Verlängerungen).",
            )],
        );
    }

    /// "3)" after a line cut mid-sentence ends a bracketed reference; after a full stop or in
    /// a list of such items it is an item.
    #[test]
    fn a_wrapped_closing_bracket_number_is_no_item() {
        let text = "\
Die Mittel werden nach dem Schlüssel der Anlage (siehe Abschnitt 2 und
3) verteilt und jährlich überprüft.
1) erstens
2) zweitens
";
        assert_passages(
            text,
            &[
                (
                    1,
                    2,
                    "Die Mittel werden nach dem Schlüssel der Anlage (siehe Abschnitt 2 und 3) \
                     verteilt und jährlich überprüft.",
                ),
                (3, 3, "1) erstens"),
                (4, 4, "2) zweitens"),
            ],
        );
    }

    #[test]
    fn hyphenated_words_at_line_ends() {
        let text = "\
Es geht um die Behörden-
kommunikation im IT-
Planungsrat der Bundes-
und Landesbehörden.
";
        assert_passages(
            text,
            &[(
                1,
                4,
                "Es geht um die Behördenkommunikation im IT-Planungsrat der Bundes- und \
                 Landesbehörden.",
            )],
        );
        // A dash after a space is no hyphenation: the space stays.
        assert_passages("Bayern -\nSachsen", &[(1, 2, "Bayern - Sachsen")]);
        // An abbreviation keeps its hyphen before a lower-case word; more words elide a
        // compound's second part.
        assert_passages(
            "die EDV-\ngestützte und UVP-\npflichtige Prüfung von H2O-\nhaltigen Anlagen",
            &[(
                1,
                4,
                "die EDV-gestützte und UVP-pflichtige Prüfung von H2O-haltigen Anlagen",
            )],
        );
        // So does a number or an abbreviation, before whatever word, where the line was full;
        // a cell of a table is no hyphenated word.
        let text = "\
Der Bund fördert alle solchen Anlagen mit 100-
prozentigen Zuschüssen für alle COVID-19-
Teststellen des Landes in den Jahren 1990-
2000, so erklärte es der leitende Dipl.-
Ing. Muster.
";
        assert_passages(
            text,
            &[(
                1,
                5,
                "Der Bund fördert alle solchen Anlagen mit 100-prozentigen Zuschüssen für alle \
                 COVID-19-Teststellen des Landes in den Jahren 1990-2000, so erklärte es der \
                 leitende Dipl.-Ing. Muster.",
            )],
        );
        let rows = "\
Konto 4711 Buchung Miete Januar 2023 Betrag 1.234,56-
Konto 4712 Buchung Miete Februar 2023 Betrag 234,56-
Konto 4713 Buchung Strom Januar 2023 Betrag 99,00
";
        // Full rows are joined as wrapped lines, but an amount's trailing minus is no hyphen.
        assert!(passages(rows)[0].2.contains("1.234,56- Konto 4712 Buchung"));
        assert_passages(
            "Ion\nSO 4 2-\nNa\nLösung unverdünnt",
            &[
                (1, 1, "Ion"),
                (2, 2, "SO 4 2-"),
                (3, 3, "Na"),
                (4, 4, "Lösung unverdünnt"),
            ],
        );
        assert_passages(
            "fortgesetzt, den-\nnoch nicht beendet",
            &[(1, 2, "fortgesetzt, dennoch nicht beendet")],
        );
        assert_passages(
            "weder haupt-\nnoch ehrenamtlich (Bundes-\nnoch Landesrecht)",
            &[(
                1,
                3,
                "weder haupt- noch ehrenamtlich (Bundes- noch Landesrecht)",
            )],
        );
        assert_passages(
            "weder Bundes-\nnoch Landesrecht, Ein-\nund/oder Ausfuhr, Bundes-\nbzw. Landesbehörden",
            &[(
                1,
                4,
                "weder Bundes- noch Landesrecht, Ein- und/oder Ausfuhr, Bundes- bzw. \
                 Landesbehörden",
            )],
        );
    }

    #[test]
    fn unicode_and_soft_hyphens_at_line_ends() {
        // U+2010 behaves like "-"; a soft hyphen (U+00AD) always joins the broken word and
        // goes, even before a capital or a conjunction.
        assert_passages(
            "Es geht um die Behörden\u{2010}\nkommunikation im IT\u{2010}\nPlanungsrat.",
            &[(
                1,
                3,
                "Es geht um die Behördenkommunikation im IT\u{2010}Planungsrat.",
            )],
        );
        assert_passages(
            "Das Bundes\u{ad}\nministerium und die Landes\u{ad}\nBehörden oder\u{ad}\nund.",
            &[(
                1,
                4,
                "Das Bundesministerium und die LandesBehörden oderund.",
            )],
        );
        // A soft hyphen inside a line stays where it is, and one after a space is no hyphen.
        assert_passages(
            "Die Behör\u{ad}de prüft \u{ad}\nweiter.",
            &[(1, 2, "Die Behör\u{ad}de prüft \u{ad} weiter.")],
        );
        // OCR's "¬" is a soft hyphen too.
        assert_passages(
            "Die Landes¬\nbehörde prüft die Kabinetts¬\nvorlage.",
            &[(1, 3, "Die Landesbehörde prüft die Kabinettsvorlage.")],
        );
    }

    /// The layout is judged near each blank line: a list of short lines after the article
    /// (30 contacts here, one blank line after each, as after the article's lines) does not
    /// turn it off for the article, whose wrapped lines then each became a passage, and the
    /// list's lines, narrower than the article's, stay apart.
    #[test]
    fn the_seed_article_followed_by_a_list_keeps_its_paragraphs() {
        let contacts: String = (1..=30)
            .map(|n| format!("Ansprechpartner {n}: Pressestelle der Staatskanzlei\n\n"))
            .collect();
        let list = passages_after_the_seed(&contacts);
        assert_eq!(list.len(), 30, "{list:#?}");
        assert!(list.iter().all(|text| text.starts_with("Ansprechpartner")));
    }

    /// The passages of `text` appended to the seed article after a blank line, checking that
    /// the article's own passages stay as they are alone.
    fn passages_after_the_seed(text: &str) -> Vec<String> {
        let seed = include_str!("../seeds/000_abce3f6bfaac9ef3.txt").trim_end();
        let alone = passages(seed);
        let together = passages(&format!("{seed}\n\n{text}"));
        assert_eq!(together[..alone.len()], alone[..]);
        together[alone.len()..]
            .iter()
            .map(|(_, _, text)| text.clone())
            .collect()
    }

    /// After an article in the seed's layout, an address block (two lines) and another
    /// address stay apart, however full the block's last line is.
    #[test]
    fn a_block_of_several_lines_in_the_seed_layout_ends_its_paragraph() {
        let contact = "Pressekontakt:\nSächsische Staatskanzlei, Archivstraße 1, 01097 Dresden, \
                       Telefon 0351 564-0, presse@sk.sachsen.de\n\nBayerische Staatskanzlei, \
                       Franz-Josef-Strauß-Ring 1, 80539 München\n";
        let texts = passages_after_the_seed(contact);
        assert_eq!(texts.len(), 3, "{texts:#?}");
        assert!(texts[2].starts_with("Bayerische Staatskanzlei"));
    }

    #[test]
    fn a_heading_after_a_full_last_line_stands_alone() {
        // Blank-interleaved, as a PDF export: the paragraph's last line is as wide as a wrapped
        // one, so the fit rule alone would take the heading for that paragraph's end.
        let text = "\
Das Jahr 2023 stand für das Landratsamt Musterkreis im Zeichen der Digitali-

sierung. Zahlreiche Verwaltungsleistungen können die Bürgerinnen und Bürger

nun online beantragen, darunter die Kfz-Zulassung, den Antrag auf Wohngeld

und die Anmeldung eines Gewerbes. Die Behördenkommunikation mit den kreis-

angehörigen Gemeinden erfolgt seit Juli vollständig elektronisch und sicher.

Abfallwirtschaft

Die Abfallgebühren bleiben im kommenden Jahr stabil. Der Kreistag hat in

seiner Sitzung vom 14. November beschlossen, die Biotonne flächendeckend

einzuführen.
";
        let found = passages(text);
        let starts: Vec<u32> = found.iter().map(|&(start, _, _)| start).collect();
        assert_eq!(starts, [1, 11, 13], "{found:?}");
        assert_eq!(found[1].2, "Abfallwirtschaft");
    }

    #[test]
    fn two_blank_lines_end_a_paragraph_even_in_blank_interleaved_text() {
        let text = "\
Die Landesregierung hat am Dienstag ein neues Programm zur

Förderung der digitalen Verwaltung beschlossen und damit

einen wichtigen Schritt getan. Die Mittel sollen vor allem

in die Ausstattung der kommunalen Behörden fließen, die


bislang oft mit veralteter Technik arbeiten müssen. Auch die

Schulen im ländlichen Raum sollen von dem Programm

profitieren.
";
        assert_passages(
            text,
            &[
                (
                    1,
                    7,
                    "Die Landesregierung hat am Dienstag ein neues Programm zur Förderung der \
                     digitalen Verwaltung beschlossen und damit einen wichtigen Schritt getan. Die \
                     Mittel sollen vor allem in die Ausstattung der kommunalen Behörden fließen, \
                     die",
                ),
                (
                    10,
                    14,
                    "bislang oft mit veralteter Technik arbeiten müssen. Auch die Schulen im \
                     ländlichen Raum sollen von dem Programm profitieren.",
                ),
            ],
        );
    }

    #[test]
    fn german_law_layout() {
        let text = "\
Bürgerliches Gesetzbuch (BGB)

Ausfertigungsdatum
1896-08-18

§ 1 Beginn der Rechtsfähigkeit

Die Rechtsfähigkeit des Menschen beginnt mit der Vollendung der Geburt.

§ 7 Wohnsitz; Begründung und Aufhebung

(1) Wer sich an einem Orte ständig niederlässt, begründet an diesem Orte seinen Wohnsitz.

(2) Der Wohnsitz kann gleichzeitig an mehreren Orten bestehen.

§ 13 Verbraucher

Im Sinne dieses Gesetzes ist
1. Verbraucher jede natürliche Person, die ein Rechtsgeschäft abschließt;
2. Unternehmer jede Person, die gewerblich handelt.
";
        assert_eq!(split_document(text).title, "Bürgerliches Gesetzbuch (BGB)");
        assert_passages(
            text,
            &[
                (1, 1, "Bürgerliches Gesetzbuch (BGB)"),
                (3, 4, "Ausfertigungsdatum 1896-08-18"),
                (6, 6, "§ 1 Beginn der Rechtsfähigkeit"),
                (
                    8,
                    8,
                    "Die Rechtsfähigkeit des Menschen beginnt mit der Vollendung der Geburt.",
                ),
                (10, 10, "§ 7 Wohnsitz; Begründung und Aufhebung"),
                (
                    12,
                    12,
                    "(1) Wer sich an einem Orte ständig niederlässt, begründet an diesem Orte \
                     seinen Wohnsitz.",
                ),
                (
                    14,
                    14,
                    "(2) Der Wohnsitz kann gleichzeitig an mehreren Orten bestehen.",
                ),
                (16, 16, "§ 13 Verbraucher"),
                (18, 18, "Im Sinne dieses Gesetzes ist"),
                (
                    19,
                    19,
                    "1. Verbraucher jede natürliche Person, die ein Rechtsgeschäft abschließt;",
                ),
                (
                    20,
                    20,
                    "2. Unternehmer jede Person, die gewerblich handelt.",
                ),
            ],
        );
    }

    #[test]
    fn wikipedia_layout_keeps_every_line_a_paragraph() {
        let text = "\
Super Bowl 50

Der Super Bowl 50 war ein American-Football-Spiel zur Ermittlung des Meisters der National Football League für die Saison 2015. Die Denver Broncos besiegten die Carolina Panthers mit 24:10.

Das Spiel wurde am 7. Februar 2016 im Levi's Stadium in Santa Clara ausgetragen

Die Broncos besiegten die Pittsburgh Steelers in der Divisional Round.
";
        assert_eq!(split_document(text).title, "Super Bowl 50");
        assert_passages(
            text,
            &[
                (1, 1, "Super Bowl 50"),
                (
                    3,
                    3,
                    "Der Super Bowl 50 war ein American-Football-Spiel zur Ermittlung des Meisters \
                     der National Football League für die Saison 2015. Die Denver Broncos \
                     besiegten die Carolina Panthers mit 24:10.",
                ),
                (
                    5,
                    5,
                    "Das Spiel wurde am 7. Februar 2016 im Levi's Stadium in Santa Clara ausgetragen",
                ),
                (7, 7, "Die Broncos besiegten die Pittsburgh Steelers in der Divisional Round."),
            ],
        );
    }

    /// The source line of every word of `text`, for texts without hyphenated line ends.
    fn word_lines(text: &str) -> Vec<u32> {
        source_lines(text)
            .zip(1..)
            .flat_map(|(line, number)| line.split_whitespace().map(move |_| number))
            .collect()
    }

    /// Checks that the passages cover the words of `text` in order, and that each passage's
    /// line range runs from its first word's line to its last word's line.
    fn assert_line_ranges_follow_words(text: &str, passages: &[Passage]) {
        let lines = word_lines(text);
        let mut word = 0;
        for passage in passages {
            let words = passage.text.split_whitespace().count();
            assert_eq!(passage.line_start, lines[word], "{passage:?}");
            assert_eq!(passage.line_end, lines[word + words - 1], "{passage:?}");
            word += words;
        }
        assert_eq!(word, lines.len());
    }

    #[test]
    fn long_paragraphs_are_cut_at_sentence_ends_with_their_own_line_ranges() {
        // 120 lines of equal width, each ending mid-sentence: one wrapped paragraph.
        let mut text: String = (0..120)
            .map(|line| {
                format!("Satz {line:03} endet hier. Der nächste beginnt und geht weiter mit\n")
            })
            .collect();
        text.push_str("Schluss.\n");
        let document = split_document(&text);
        let pieces = &document.passages;
        assert!(pieces.len() > 3, "{} pieces", pieces.len());
        for piece in pieces {
            assert!(piece.text.len() <= MAX_PASSAGE_BYTES);
            assert!(
                piece.text.ends_with('.'),
                "cut inside a sentence: {}",
                piece.text
            );
            assert!(piece.text.starts_with("Satz") || piece.text.starts_with("Der"));
        }
        let joined: Vec<&str> = pieces.iter().map(|piece| piece.text.as_str()).collect();
        assert_eq!(
            joined.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert_line_ranges_follow_words(&text, pieces);
    }

    #[test]
    fn long_paragraphs_are_not_cut_inside_a_date_or_after_an_abbreviation() {
        for (text, within) in [
            ("Das Gesetz tritt am 1. Januar 2025 in Kraft.", "Januar"),
            (
                "Sie zahlt 5 Mio. Euro an die Muster GmbH & Co. KG aus.",
                "KG",
            ),
            ("Der Umsatz stieg im 3. Quartal.", "Quartal"),
            (
                "Die 10. Klasse fährt mit Hr. Müller inkl. Gepäck zur Hauptstr. 5.",
                "5",
            ),
        ] {
            let reach = text.find(within).unwrap() + within.len();
            assert_eq!(sentence_cut(text, 0, reach), None, "{text}");
        }
        let text = "Es endet hier. Das Gesetz tritt am 1. Januar in Kraft.";
        assert_eq!(sentence_cut(text, 0, text.len() - 1), Some((14, 15)));
        // Abbreviations that end a sentence as often as not do here.
        for ending in ["bis Fr.", "etwa 45 Min.", "von 8 bis 12."] {
            let text = format!("Geöffnet ist {ending} Danach ist zu.");
            let space = text.find(" Danach").unwrap();
            assert_eq!(
                sentence_cut(&text, 0, text.len() - 1),
                Some((space, space + 1))
            );
        }
        // After a noun, a number may end a sentence.
        let text = "Es gilt Absatz 1 Satz 2. Bei der Prüfung auch.";
        assert_eq!(sentence_cut(text, 0, text.len() - 1), Some((24, 25)));
    }

    #[test]
    fn overlong_sentences_are_cut_between_words() {
        let text = "wort ".repeat(1000);
        let pieces = split_document(&text).passages;
        assert_eq!(pieces.len(), 3);
        assert!(pieces
            .iter()
            .all(|piece| piece.text.len() <= MAX_PASSAGE_BYTES));
        assert!(pieces
            .iter()
            .all(|piece| piece.text.split(' ').all(|word| word == "wort")));
        assert_line_ranges_follow_words(&text, &pieces);
    }

    #[test]
    fn overlong_words_are_cut_at_char_boundaries() {
        let text = "x".repeat(10_000);
        let pieces = split_document(&text).passages;
        assert_eq!(pieces.len(), 5);
        assert!(pieces
            .iter()
            .all(|piece| piece.text.len() == MAX_PASSAGE_BYTES));
        assert!(pieces
            .iter()
            .all(|piece| (piece.line_start, piece.line_end) == (1, 1)));

        let text = format!("Anfang\n{}\nEnde", "€".repeat(10_000));
        let pieces = split_document(&text).passages;
        let texts: String = pieces.iter().map(|piece| piece.text.as_str()).collect();
        assert_eq!(texts, format!("Anfang{}Ende", "€".repeat(10_000)));
        assert!(pieces
            .iter()
            .all(|piece| piece.text.len() <= MAX_PASSAGE_BYTES));
    }

    #[test]
    fn a_line_of_several_megabytes_is_split_in_linear_time() {
        let line = "Das ist ein Satz mit ein paar Wörtern. ".repeat(100_000);
        let started = std::time::Instant::now();
        let pieces = split_document(&line).passages;
        // Quadratic work on 4 MB would take hours; linear work takes well under a second.
        assert!(started.elapsed().as_secs() < 20);
        assert_eq!(
            pieces
                .iter()
                .map(|piece| piece.text.len() + 1)
                .sum::<usize>(),
            line.len()
        );
        assert!(pieces
            .iter()
            .all(|piece| piece.text.len() <= MAX_PASSAGE_BYTES));
        assert!(pieces.iter().all(|piece| piece.text.ends_with("Wörtern.")));
    }

    #[test]
    fn empty_and_blank_input_has_no_passages() {
        for text in ["", " ", "\n\n\n", "\r", "\r\n", " \t \r\n\u{a0}\n "] {
            assert_eq!(split_document(text), SplitDocument::default(), "{text:?}");
        }
    }

    #[test]
    fn unusual_characters_pass_through_unharmed() {
        let text = "a\u{0}b\n\ne\u{301}\u{301}\u{301}\n\n👍🏽 👨‍👩‍👧\n\nمرحبا بالعالم\n\n\u{2028}";
        assert_passages(
            text,
            &[
                (1, 1, "a\u{0}b"),
                (3, 3, "e\u{301}\u{301}\u{301}"),
                (5, 5, "👍🏽 👨‍👩‍👧"),
                (7, 7, "مرحبا بالعالم"),
            ],
        );
        assert_eq!(split_document("\u{feff}Titel\n\nText.").title, "Titel");
        let combining = format!("a{}", "\u{301}".repeat(5000));
        let texts: String = split_document(&combining)
            .passages
            .into_iter()
            .map(|passage| passage.text)
            .collect();
        assert_eq!(texts, combining);
    }
}
