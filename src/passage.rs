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
//! 3. A document is in *blank-interleaved* layout when the lines between single blank lines
//!    clearly look hard-wrapped (see [`blank_line_contexts`]); only then is the fit rule also
//!    applied across single blank lines. Two or more blank lines always end a paragraph.
//! 4. A line that starts a list item (`- `, `• `, `1. `, `a) `, `(1) `, `§ ` …) starts a passage.
//! 5. A line ending in a hyphenated word always continues on the next line.
//! 6. The leading heading-like passages form the document's title.
//! 7. Paragraphs longer than [`MAX_PASSAGE_BYTES`] are cut at sentence boundaries, each piece
//!    keeping the source lines it came from.

use std::ops::Range;

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

/// Headings are short; the limit is generous enough for the long official titles of German laws
/// (nine in ten have at most about 200 characters) and still excludes paragraphs.
const MAX_HEADING_CHARS: usize = 200;

/// At most this many leading headings (say, a kicker, a headline and a subtitle) form the title.
const MAX_TITLE_HEADINGS: usize = 3;

/// Joins the headings of a title, matching the typographic dash of German headlines.
const TITLE_SEPARATOR: &str = " – ";

/// After a hyphen at a line's end, these words mark an elided compound ("Bundes- und
/// Landesbehörden") rather than a word broken by the wrapper, so hyphen and space both stay.
const HYPHEN_CONJUNCTIONS: [&str; 6] = ["und", "oder", "bis", "sowie", "als", "wie"];

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

/// Characters that may follow a sentence's final punctuation mark on a line.
const CLOSING_MARKS: [char; 10] = ['"', '\'', '»', '«', '“', '”', '‘', '’', ')', ']'];

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
}

/// Splits a decoded document into passages and finds its title.
///
/// Never panics: any string, including an empty one, gives a (possibly empty) result.
pub fn split_document(text: &str) -> SplitDocument {
    let lines = non_blank_lines(text);
    let paragraphs = paragraphs(&lines);
    let title = title(&paragraphs);
    let mut passages = Vec::with_capacity(paragraphs.len());
    for paragraph in paragraphs {
        paragraph.cut_into(&mut passages);
    }
    SplitDocument { title, passages }
}

/// A non-blank source line.
struct Line<'a> {
    /// The line without its line break and trailing whitespace; indentation is kept because it
    /// takes up width on the wrapped line.
    text: &'a str,
    /// 1-based source line number.
    number: u32,
    /// Number of blank lines between this line and the previous non-blank one.
    blanks_before: usize,
    /// Width of `text` in characters, the unit a wrapper counts in.
    width: usize,
}

impl Line<'_> {
    /// The width this line would have had if the wrapper had also put `next`'s first word on it.
    fn width_with_first_word_of(&self, next: &Line) -> usize {
        self.width + 1 + first_word(next.text).chars().count()
    }
}

/// The non-blank lines of `text`, with their line numbers and the blank lines before them.
///
/// Blank lines are only counted, not stored, so a document of millions of empty lines costs
/// no memory.
fn non_blank_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut blanks_before = 0;
    for (index, raw) in source_lines(text).enumerate() {
        let trimmed = raw.trim_end();
        if trimmed.is_empty() {
            blanks_before += 1;
            continue;
        }
        lines.push(Line {
            text: trimmed,
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            blanks_before,
            width: trimmed.chars().count(),
        });
        blanks_before = 0;
    }
    lines
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

/// Whether a line ends a sentence (or a clause that a list or quotation follows), ignoring
/// closing quotes and brackets. Wrapped lines mostly end mid-sentence, paragraphs almost never.
fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(CLOSING_MARKS)
        .ends_with(['.', '!', '?', ':', ';', '…'])
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
    /// The fit rule with a tolerance, for lines that end mid-sentence.
    fn is_nearly_full(self, needed_width: usize) -> bool {
        needed_width + self.width / NEAR_FULL_DIVISOR > self.width
    }

    /// The strict fit rule, for lines that end a sentence: a sentence can end at a paragraph's
    /// end or anywhere inside it, so only exact evidence of wrapping counts.
    fn is_full(self, needed_width: usize) -> bool {
        needed_width > self.width
    }

    /// Whether `line` was wrapped rather than ending its paragraph, judged by the fit rule.
    fn wrapped(self, line: &Line, next: &Line) -> bool {
        let needed_width = line.width_with_first_word_of(next);
        if ends_sentence(line.text) {
            self.corroborated && self.is_full(needed_width)
        } else {
            self.is_nearly_full(needed_width)
        }
    }

    /// Whether `line` looks cut off by the wrapper in the middle of a sentence. A line like that
    /// is continued by the next one even if it starts with something that could be a list marker
    /// ("am" / "21. Mai 2019", "nach" / "§ 5 Abs. 1", "Sachsen" / "– so der Minister –").
    fn cut_mid_sentence(self, line: &Line, next: &Line) -> bool {
        ends_with_hyphenated_word(line.text)
            || (!ends_sentence(line.text)
                && self.is_nearly_full(line.width_with_first_word_of(next)))
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
        .filter(|pair| loose.is_nearly_full(pair[0].width_with_first_word_of(&pair[1])))
        .count();
    Wrap {
        width,
        corroborated: full_lines >= 2 && 2 * full_lines >= breaks,
    }
}

/// Splits the lines into blocks: maximal runs of lines without a blank line between them.
fn blocks(lines: &[Line]) -> Vec<Range<usize>> {
    let mut blocks: Vec<Range<usize>> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        match blocks.last_mut() {
            Some(block) if line.blanks_before == 0 => block.end = index + 1,
            _ => blocks.push(index..index + 1),
        }
    }
    blocks
}

/// For every block, the wrap context of the single blank line before it, or `None` where the
/// gap before it is a hard paragraph break. That is every gap unless the document is in the
/// blank-interleaved layout (a blank line after every wrapped line, as in text copied out of
/// some web pages).
///
/// A document is taken to be blank-interleaved only when the evidence is clear, because normal
/// documents (a blank line between paragraphs, each paragraph wrapped or on one long line) must
/// keep every blank line as a break:
/// - most blocks (two thirds) are single lines: the wrapper's lines each got a blank line;
/// - the wrap width of a run of blocks joined by single blank lines, estimated as its widest
///   single-line block, is plausible ([`MIN_WRAP_WIDTH`]..=[`MAX_WRAP_WIDTH`]): one-line
///   paragraphs are usually wider, headings and list items narrower;
/// - at least half of the single-line blocks followed by a single blank line (and at least
///   [`MIN_BLANK_INTERLEAVED_SAMPLES`] of them) are full (the next word would not have fit)
///   and end mid-sentence: in a normal document, one-line paragraphs end with a full stop, and
///   few lines happen to be as wide as the widest. The seed article scores 71 %; no German law
///   of the corpus passes (the worst scores 42 %, a list of citations ending in commas).
fn blank_line_contexts(lines: &[Line], blocks: &[Range<usize>]) -> Vec<Option<Wrap>> {
    // Runs of blocks joined by single blank lines, each with its estimated wrap width.
    let mut run_of_block = Vec::with_capacity(blocks.len());
    let mut run_widths: Vec<usize> = Vec::new();
    for block in blocks {
        if run_widths.is_empty() || lines[block.start].blanks_before != 1 {
            run_widths.push(0);
        }
        let run = run_widths.len() - 1;
        run_of_block.push(run);
        if block.len() == 1 {
            run_widths[run] = run_widths[run].max(lines[block.start].width);
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

    let single_line_blocks = blocks.iter().filter(|block| block.len() == 1).count();
    let mut samples = 0;
    let mut wrapped_samples = 0;
    for (index, pair) in blocks.windows(2).enumerate() {
        let (line, next) = (&lines[pair[0].start], &lines[pair[1].start]);
        if pair[0].len() != 1 || next.blanks_before != 1 {
            continue;
        }
        samples += 1;
        if let Some(wrap) = run_wraps[run_of_block[index]] {
            if !ends_sentence(line.text) && wrap.is_nearly_full(line.width_with_first_word_of(next))
            {
                wrapped_samples += 1;
            }
        }
    }
    let interleaved = 3 * single_line_blocks >= 2 * blocks.len()
        && samples >= MIN_BLANK_INTERLEAVED_SAMPLES
        && 2 * wrapped_samples >= samples;

    blocks
        .iter()
        .zip(&run_of_block)
        .map(|(block, &run)| {
            let soft = interleaved && lines[block.start].blanks_before == 1;
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

/// Whether a line ends in a hyphenated word, which always goes on on the next line. Only a
/// hyphen right after a letter counts; " -" is a dash.
fn ends_with_hyphenated_word(line: &str) -> bool {
    line.strip_suffix('-')
        .and_then(|stem| stem.chars().next_back())
        .is_some_and(char::is_alphabetic)
}

/// How a line ending in a hyphenated word joins `next`, by `next`'s first word (see [`Joint`]).
fn hyphen_joint(next: &str) -> Joint {
    let word = first_word(next);
    if HYPHEN_CONJUNCTIONS.contains(&word) {
        Joint::Space
    } else if word.chars().next().is_some_and(char::is_lowercase) {
        Joint::DropHyphen
    } else {
        Joint::Glue
    }
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
    /// "(1)", "(a)", "1)", "a)", "aa)", "(2a)": unambiguous enumerations.
    Enumeration,
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
                let label = label.strip_prefix('(').unwrap_or(label);
                return is_enumeration_label(label).then_some(Marker::Enumeration);
            }
            let number = marker.strip_suffix('.')?;
            let is_number =
                (1..=3).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
            let is_date = words
                .next()
                .is_some_and(|word| MONTHS.contains(&word.trim_end_matches('.')));
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

/// Decides whether `next` continues the paragraph of `line`, and how the two are joined.
///
/// `last_number` is the number of the last numbered list item seen: "2." right after item "1."
/// is a list item even where the line before looks cut mid-sentence.
fn joint(line: &Line, next: &Line, wrap: Wrap, last_number: Option<u32>) -> Option<Joint> {
    if let Some(marker) = list_marker(next.text) {
        let cut = wrap.cut_mid_sentence(line, next);
        let starts_item = match marker {
            Marker::Bullet | Marker::Enumeration => true,
            Marker::Dash | Marker::Section => !cut,
            Marker::Numbered(number) => {
                number == 1 || last_number.map(|last| last + 1) == Some(number) || !cut
            }
        };
        if starts_item {
            return None;
        }
    }
    if ends_with_hyphenated_word(line.text) {
        return Some(hyphen_joint(next.text));
    }
    wrap.wrapped(line, next).then_some(Joint::Space)
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
        let one_heading_line = match self.line_starts.len() {
            1 => true,
            2 => self.first_line_width >= MIN_WRAP_WIDTH,
            _ => false,
        };
        one_heading_line
            && self.text.chars().count() <= MAX_HEADING_CHARS
            && !self.text.ends_with(['.', ',', ';', '!', '?'])
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
fn paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let blocks = blocks(lines);
    let gap_contexts = blank_line_contexts(lines, &blocks);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut last_number = None;
    for (block, gap_context) in blocks.iter().zip(gap_contexts) {
        let inner_context = block_wrap(&lines[block.clone()]);
        for index in block.clone() {
            let line = &lines[index];
            let context = if index == block.start {
                gap_context
            } else {
                Some(inner_context)
            };
            let previous = index.checked_sub(1).map(|previous| &lines[previous]);
            let joint = previous
                .zip(context)
                .and_then(|(previous, wrap)| joint(previous, line, wrap, last_number));
            match (paragraphs.last_mut(), joint) {
                (Some(paragraph), Some(joint)) => paragraph.push(line, joint),
                _ => {
                    if let Some(Marker::Numbered(number)) = list_marker(line.text) {
                        last_number = Some(number);
                    }
                    paragraphs.push(Paragraph::new(line));
                }
            }
        }
    }
    paragraphs
}

/// The document's title: its leading heading paragraphs (at most [`MAX_TITLE_HEADINGS`]),
/// provided some other paragraph follows them. A document made only of short lines has no
/// headings to speak of.
fn title(paragraphs: &[Paragraph]) -> String {
    let headings = paragraphs
        .iter()
        .take_while(|paragraph| paragraph.is_heading())
        .count();
    if headings == paragraphs.len() {
        return String::new();
    }
    paragraphs[..headings.min(MAX_TITLE_HEADINGS)]
        .iter()
        .map(|paragraph| paragraph.text.as_str())
        .collect::<Vec<_>>()
        .join(TITLE_SEPARATOR)
}

/// Byte ranges of `text` (trimmed, single-spaced) of at most `max_bytes` each, packing whole
/// sentences greedily. A sentence longer than the limit is cut at spaces, and a single word
/// longer than it at a character boundary. Runs in linear time: every byte is looked at a
/// bounded number of times.
fn piece_ranges(text: &str, max_bytes: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (sentence_start, sentence) in text.split_sentence_bound_indices() {
        let sentence_end = sentence_start + sentence.trim_end().len();
        if sentence_end - start <= max_bytes {
            end = sentence_end;
            continue;
        }
        if end > start {
            pieces.push(start..end);
        }
        start = sentence_start;
        while sentence_end - start > max_bytes {
            let (piece_end, next_start) = word_cut(text, start, max_bytes);
            pieces.push(start..piece_end);
            start = next_start;
        }
        end = sentence_end;
    }
    if end > start {
        pieces.push(start..end);
    }
    pieces
}

/// Where to cut a piece starting at `start` that must end within `max_bytes`: at the last space
/// that fits, or, inside a word longer than the limit, at the last character boundary that fits.
/// Returns the piece's end and the next piece's start.
fn word_cut(text: &str, start: usize, max_bytes: usize) -> (usize, usize) {
    let limit = start + max_bytes;
    let window = &text.as_bytes()[start..=limit];
    match window.iter().rposition(|&byte| byte == b' ') {
        Some(space) if space > 0 => (start + space, start + space + 1),
        _ => {
            let boundary = (start + 1..=limit)
                .rev()
                .find(|&index| text.is_char_boundary(index))
                .unwrap_or(limit);
            (boundary, boundary)
        }
    }
}
