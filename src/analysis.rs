//! German text analysis: the one place that decides which terms a text yields.
//!
//! Index and query go through the same functions, so a word always meets itself
//! (tantivy #2290: folding on one side only means "ö" never meets "o").
//!
//! Every word becomes up to two terms, and a compound noun adds its parts (see [`part_stems`]):
//! - a *stem* for the `text`/`title_terms` fields: lowercased, NFKC-normalized, Snowball German
//!   stemmed.
//!   The stemmer's prelude and postlude fold ß → ss and ä/ae → a, so "Söder", "Soeder" and
//!   "Soder" meet, and so do "Straße" and "Strasse".
//! - an *exact* form for the `exact` field: lowercased and NFKC-normalized only (see
//!   [`normalize`] for the details: invisible characters, apostrophes, hyphens), so an exact-form
//!   match can be asked for (`--exact`) and ranks above a stem-only match.
//!
//! Hyphenated words ("KI-Strategie") yield the whole word at the position of its first part and
//! each part at its own position, so both "Strategie" and "KI-Strategie" find them and phrases
//! across the parts still line up.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::compound::{self, Splitter, FEMININE_ENDINGS};
use crate::segment;
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Bumped whenever what is indexed for some text changes (its passages or their terms); an
/// index built with another version must be rebuilt, because its terms would no longer meet
/// the query's, or it would lack passages. 4: a document's title lines are passages too. 5:
/// paragraphs are split anew (the blank-interleaved layout judged near each blank line,
/// abbreviations, wrapped references, hyphens), a long first line can be the title, and
/// compounds after an unknown modifier need a longer head. 6: NFKC (ligatures and long s are
/// plain letters). 7: OCR's "¬" at a line's end is a hyphenation. 8: gender marks (':', '·',
/// '_') separate words, and "’" is "'". 9: feminine nouns and Swiss spelling split anew.
/// 10: long paragraphs are not cut inside a date or after more abbreviations. 11: a full line
/// ending in a hyphen after a number or an abbreviation is a hyphenated word. 12: the page
/// furniture of PDF text (headers, footers, page numbers) is left out. 13: an amount's
/// trailing minus is no hyphen, and "‘" in a word is "'". 14: a gender form's ending is no word
/// of its own; a line ending in an article or a conjunction goes on over a blank line; bare
/// numbers at page edges are page numbers only where they count the pages. 15: unfinished
/// lines go on in lowercase ones, fields and Markdown headings stand alone, a page's last
/// sentence ends its paragraph. 16: "-s" plurals and genitives that Snowball leaves whole
/// ("Autos", "Büros", "Pkws") stem as their base; a contact detail ("Telefon: …") stands on
/// its own line; rules part paragraphs and are no text; a line ending in a comma goes on;
/// Markdown's line breaks end no paragraph. 17: a lowercase line goes on with the list item
/// before it; a short unpunctuated line between two sentences is a heading; 13 more
/// abbreviations end no sentence; a letterhead's short lines are headings. 18: a hyphenated
/// compound without digits stems as the closed compound ("Wikinger-Siedler" as
/// "Wikingersiedler").
pub const ANALYZER_VERSION: u32 = 18;

/// Name under which the stemming analyzer is registered with tantivy.
pub const STEM_ANALYZER: &str = "fundstelle_de_stem";
/// Name under which the exact-form analyzer is registered with tantivy.
pub const EXACT_ANALYZER: &str = "fundstelle_de_exact";

/// Terms are cut to this many bytes (on a char boundary). Long German compounds
/// ("Donaudampfschifffahrtsgesellschaftskapitän", 43 bytes) stay whole, unlike with
/// tantivy's default 40-byte limit, while a 10,000-letter "word" from a broken PDF cannot
/// bloat the term dictionary. Index and query cut alike, so such a word still finds itself.
pub const MAX_TERM_BYTES: usize = 120;

/// Bound on the stem cache of one [`TermCache`], so memory stays flat on any corpus.
const STEM_CACHE_LIMIT: usize = 200_000;

/// Which form of each word an analyzer emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Snowball German stem of the lowercased word (umlauts and ß folded).
    Stem,
    /// The lowercased, NFKC-normalized word as written.
    Exact,
}

/// One word of a text, as found by [`words`]: where it stands and its normalized forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the analyzed text.
    pub start: usize,
    pub end: usize,
    /// Position for phrase matching (parts of a hyphenated word count one each).
    pub position: usize,
    /// Lowercased, NFKC-normalized form.
    pub exact: String,
    /// Whether this word is a whole hyphenated compound whose parts follow as their own words.
    pub is_hyphen_compound: bool,
    /// Whether it is written with a capital letter: in German, the mark of a noun (and so of a
    /// word that may be a closed compound).
    pub capitalized: bool,
}

/// Where a word stands in a text: what segmentation alone decides, before any normalizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    position: usize,
    is_hyphen_compound: bool,
}

/// Splits `text` into words on Unicode word boundaries (UAX #29), joining hyphenated
/// compounds. Dates and numbers stay whole ("23.05.2019"), as UAX #29 keeps digits joined
/// by '.' or ','. Returns the words in text order; a hyphenated compound comes first, then its parts.
pub fn words(text: &str) -> Vec<Word> {
    let mut found = Vec::new();
    spans(text, &mut found);
    found
        .iter()
        .map(|span| {
            let written = &text[span.start..span.end];
            Word {
                start: span.start,
                end: span.end,
                position: span.position,
                exact: normalize(written),
                is_hyphen_compound: span.is_hyphen_compound,
                capitalized: is_capitalized(written, span.is_hyphen_compound),
            }
        })
        .collect()
}

/// Whether a word as written is a capitalised single word (a hyphenated compound is never
/// taken for a noun to split: its parts are words of their own already).
fn is_capitalized(written: &str, is_hyphen_compound: bool) -> bool {
    !is_hyphen_compound && written.starts_with(char::is_uppercase)
}

/// Marks between a noun and the ending of its feminine form: "Lehrer:innen", "Lehrer*innen",
/// "Lehrer_innen", "Lehrer·innen", "Lehrer/innen".
const GENDER_MARKS: [char; 5] = [':', '*', '_', '\u{b7}', '/'];

/// Whether `segment`, at byte `start` of `text`, is the ending of a gender form ("innen" of
/// "Lehrer:innen"): no word of its own, so that "Lehrer*innen" asks for "Lehrer" and not also
/// for every "Kolleg*innen", and a phrase reads on from the noun. The noun may be typed in
/// lowercase, as queries are ("lehrer*innen"); "außen/innen" keeps both words.
fn is_gender_ending(text: &str, start: usize, segment: &str) -> bool {
    if !FEMININE_ENDINGS.contains(&segment) {
        return false;
    }
    let before = &text[..start];
    let Some(mark) = before
        .chars()
        .next_back()
        .filter(|c| GENDER_MARKS.contains(c))
    else {
        return false;
    };
    let noun = before[..before.len() - mark.len_utf8()]
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    noun.ends_with(char::is_lowercase) && noun.to_lowercase() != "außen"
}

/// Characters inside a UAX #29 word that separate German words (see [`spans`]).
const WORD_SEPARATORS: [char; 4] = [':', '\u{b7}', '_', '\u{202f}'];

/// The [`Span`]s of the words of `text`, appended to `out` (see [`words`]).
fn spans(text: &str, out: &mut Vec<Span>) {
    let mut position = 0;
    let mut segments = segment::word_bounds(text).peekable();
    // Pending run of word segments joined by single hyphens without spaces.
    let mut run: Vec<(usize, &str)> = Vec::new();
    while let Some((start, segment)) = segments.next() {
        if is_word(segment) {
            // A combining mark right after a space joins the space's segment (UAX #29 WB4);
            // the space is no part of the word.
            let trimmed = segment.trim_start();
            let mut start = start + (segment.len() - trimmed.len());
            let mut segment = trimmed.trim_end();
            // UAX #29 keeps letters joined by ':', '·' and '_' in one word (Swedish "c:a",
            // Catalan "l·l", identifiers), but in German they are gender marks that separate
            // words, as '*' and '/' do: "Lehrer:innen" reads "Lehrer" (and the ending, no
            // word of its own: see [`is_gender_ending`]). So does
            // a narrow no-break space ("10\u{202f}000", "z.\u{202f}B."), which passages turn
            // into a space anyway, but a query or `analyze` may hold. (The byte test spares
            // the common word a search by characters: 0xb7 ends '·', 0xaf ends U+202F.)
            while segment
                .bytes()
                .any(|b| matches!(b, b':' | b'_' | 0xb7 | 0xaf))
            {
                let Some(cut) = segment.find(WORD_SEPARATORS) else {
                    break;
                };
                let (head, tail) = segment.split_at(cut);
                if is_word(head) {
                    run.push((start, head));
                }
                flush_run(&mut run, &mut position, out);
                let mark = tail.chars().next().map_or(1, char::len_utf8);
                start += cut + mark;
                segment = &tail[mark..];
            }
            if !is_word(segment) || is_gender_ending(text, start, segment) {
                continue;
            }
            run.push((start, segment));
            // A hyphen directly followed by another word continues the compound.
            if let Some(&(_, next)) = segments.peek() {
                if is_hyphen(next) {
                    let mut lookahead = segments.clone();
                    lookahead.next();
                    if matches!(lookahead.peek(), Some(&(_, after)) if is_word(after)) {
                        segments.next();
                        continue;
                    }
                }
            }
            flush_run(&mut run, &mut position, out);
        }
    }
    flush_run(&mut run, &mut position, out);
}

fn flush_run(run: &mut Vec<(usize, &str)>, position: &mut usize, out: &mut Vec<Span>) {
    if run.is_empty() {
        return;
    }
    if run.len() > 1 {
        let (start, _) = run[0];
        let (last_start, last) = run[run.len() - 1];
        out.push(Span {
            start,
            end: last_start + last.len(),
            position: *position,
            is_hyphen_compound: true,
        });
    }
    for &(start, segment) in run.iter() {
        out.push(Span {
            start,
            end: start + segment.len(),
            position: *position,
            is_hyphen_compound: false,
        });
        *position += 1;
    }
    run.clear();
}

/// A UAX #29 segment is a word if it holds a letter or digit (not spaces or punctuation).
fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

fn is_hyphen(segment: &str) -> bool {
    matches!(segment, "-" | "\u{2010}" | "\u{2011}")
}

/// Lowercase and NFKC-normalize ("So\u{308}der" → "söder"), cut to [`MAX_TERM_BYTES`].
///
/// NFKC rather than NFC because text extracted from PDFs keeps the typesetter's ligatures
/// ("Auf\u{fb02}age", "\u{fb01}nanziell") and old prints have a long s ("Maß\u{17f}tab"): read,
/// they are "Auflage", "finanziell", "Maßstab", and a query typed with plain letters must find
/// them (NFKC, then lowercasing, as the Unicode standard's NFKC_Casefold for identifiers).
pub fn normalize(word: &str) -> String {
    let mut lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        // Invisible format characters (soft hyphens from PDFs, zero-width joiners, a stray
        // BOM) are no part of the word as read: "Behör\u{ad}de" is "behörde".
        // A typographic apostrophe is the keyboard's: "geht’s" is "geht's", and so is
        // "geht‘s" (the German closing quote, which autocorrection often puts there).
        let visible: String = word
            .chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{2bc}' => '\'',
                c => c,
            })
            .collect();
        let compatible = if is_nfkc_quick(visible.chars()) == IsNormalized::Yes {
            visible
        } else {
            visible.nfkc().collect()
        };
        let lower = compatible.to_lowercase();
        if is_nfc_quick(lower.chars()) == IsNormalized::Yes {
            lower
        } else {
            lower.nfc().collect()
        }
    };
    if lower.len() > MAX_TERM_BYTES {
        let mut cut = MAX_TERM_BYTES;
        while !lower.is_char_boundary(cut) {
            cut -= 1;
        }
        lower.truncate(cut);
    }
    // Hyphen variants are one hyphen in terms, so "KI‐Strategie" meets "KI-Strategie".
    if lower.contains(['\u{2010}', '\u{2011}']) {
        lower = lower.replace(['\u{2010}', '\u{2011}'], "-");
    }
    lower
}

/// Whether Snowball left `word`'s last two letters as they were (but for umlauts, which it
/// folds as [`fold`] does), a final "s" among them.
fn kept_final_s(word: &str, stem: &str) -> bool {
    let last_two = stem
        .char_indices()
        .rev()
        .nth(1)
        .map(|(start, _)| &stem[start..]);
    stem.ends_with('s') && last_two.is_some_and(|tail| fold(word).ends_with(tail))
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Snowball German stemmer with a cache (unless its caller keeps one): German text is
/// Zipfian, so most tokens repeat and a hash lookup is far cheaper than running the stemmer
/// again (about 38 MB/s uncached).
pub struct Stemmer {
    stemmer: frostem::Stemmer,
    cache: FxHashMap<String, String>,
    /// Most stems remembered; 0 for a caller that remembers them itself.
    cache_limit: usize,
}

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::German),
            cache: FxHashMap::default(),
            cache_limit: STEM_CACHE_LIMIT,
        }
    }
}

impl Stemmer {
    /// Stem of an already [`normalize`]d word. Words holding digits stay whole ("2019",
    /// "23.05.2019", "4g"): they are names and numbers, not inflected forms. A hyphenated
    /// compound stems as the same compound written closed, since German writes many both
    /// ways ("Bundes-Immissionsschutzgesetz" and "Bundesimmissionsschutzgesetz" in the laws,
    /// "Corona-Pandemie" and "Coronapandemie"): either finds the other, and
    /// "IT-Planungsrats" meets "IT-Planungsrat". One holding digits is stemmed part by part
    /// ("2-jährigen" meets "2-jährige"; written closed, the digits would keep it whole).
    pub fn stem(&mut self, exact: &str) -> String {
        if self.cache_limit == 0 {
            return self.compute(exact);
        }
        // One hash lookup on the (usual) hit; callers need an owned term anyway.
        if let Some(stem) = self.cache.get(exact) {
            return stem.clone();
        }
        let stem = self.compute(exact);
        if self.cache.len() >= self.cache_limit {
            self.cache.clear();
        }
        self.cache.insert(exact.to_owned(), stem.clone());
        stem
    }

    fn compute(&self, exact: &str) -> String {
        if !exact.contains('-') {
            return self.stem_simple(exact);
        }
        if exact.contains(char::is_numeric) {
            return exact
                .split('-')
                .map(|part| self.stem_simple(part))
                .collect::<Vec<_>>()
                .join("-");
        }
        self.stem_simple(&closed(exact))
    }

    fn stem_simple(&self, word: &str) -> String {
        if word.chars().any(|c| c.is_numeric()) {
            return word.to_owned();
        }
        let stem = self.stemmer.stem(word);
        // An "-s" plural or genitive that Snowball left whole ("autos", "büros", "pkws")
        // stems as its base does (see `compound::s_form_base`).
        if kept_final_s(word, &stem) {
            if let Some(base) = compound::s_form_base(word) {
                return self.stemmer.stem(base).into_owned();
            }
        }
        stem.into_owned()
    }
}

/// A stemmer and a compound splitter with their memories (the indexing word cache's own
/// have none): what the searcher needs to analyse queries and hit texts the way the index
/// was analysed.
#[derive(Default)]
pub struct TermCache {
    pub stemmer: Stemmer,
    pub splitter: Splitter,
}

impl TermCache {
    /// A stemmer and splitter that remember nothing, for a caller that remembers every
    /// word's analysis itself ([`WordCache`]): a second memory of the same words would only
    /// cost hashing and space.
    fn without_memory() -> TermCache {
        TermCache {
            stemmer: Stemmer {
                cache_limit: 0,
                ..Stemmer::default()
            },
            splitter: Splitter::without_memory(),
        }
    }

    pub fn stem(&mut self, exact: &str) -> String {
        self.stemmer.stem(exact)
    }

    /// [`part_stems`] of `word`.
    pub fn part_stems(&mut self, word: &Word) -> Vec<String> {
        part_stems(word, &mut self.splitter, &mut self.stemmer)
    }

    /// [`part_stems`] of a query word: query words are split whatever their case, since
    /// people type nouns in lower case.
    pub fn query_part_stems(&mut self, word: &Word) -> Vec<String> {
        let noun = Word {
            capitalized: true,
            ..word.clone()
        };
        self.part_stems(&noun)
    }

    /// Like [`TermCache::part_stems`], but only when a part could be one of `stems` (see
    /// [`may_contain_any`]). Splitting is the costly step of analysing a hit, and most words
    /// of a passage cannot hold a query word.
    pub fn part_stems_among(&mut self, word: &Word, stems: &[&str]) -> Vec<String> {
        if !word.capitalized || !may_contain_any(&word.exact, stems) {
            return Vec::new();
        }
        self.part_stems(word)
    }
}

/// Whether a compound written `exact` could have one of `stems` as a part: the folded word
/// must contain it, unless it holds "ae", "oe" or "ue", which the stemmer may read as umlauts
/// ("Aerztekammer" has the part "arzt").
pub fn may_contain_any(exact: &str, stems: &[&str]) -> bool {
    let folded = fold(exact);
    may_spell_umlauts(&folded) || stems.iter().any(|stem| folded.contains(stem))
}

/// Whether the stem of a [`normalize`]d word could be one of `stems`, decided without running
/// the stemmer, the costly step of highlighting hits in a fresh process: the Snowball German
/// stem of a word is a prefix of the word with umlauts and ß folded. Words the stemmer treats
/// otherwise — holding digits (kept whole, or a hyphenated word stemmed part by part) or
/// "ae", "oe", "ue" (read as umlauts) — always may. A hyphenated word is stemmed as written
/// closed, so it is looked at so.
pub fn may_stem_to_any(exact: &str, stems: &[&str]) -> bool {
    if exact.contains(char::is_numeric) {
        return true;
    }
    let joined = closed(exact);
    let folded = fold(&joined);
    may_spell_umlauts(&folded) || stems.iter().any(|stem| folded.starts_with(stem))
}

/// A hyphenated word written closed ("corona-pandemie" → "coronapandemie"), as
/// [`Stemmer::stem`] stems it.
fn closed(exact: &str) -> std::borrow::Cow<'_, str> {
    if exact.contains('-') {
        exact.replace('-', "").into()
    } else {
        exact.into()
    }
}

/// Whether a [`fold`]ed word holds "ae", "oe" or "ue", which the stemmer's prelude may read as
/// "ä", "ö", "ü" and so fold to one letter: its stems need not be found in it as written.
/// Folding the pairs too would not do: the stemmer leaves some ("quell" in "quellensteuer"),
/// and a part may begin at the "e" ("einstell" in "kameraeinstellung").
fn may_spell_umlauts(folded: &str) -> bool {
    // One pass over the bytes: this runs for every word of every hit shown.
    folded
        .as_bytes()
        .windows(2)
        .any(|pair| pair[1] == b'e' && matches!(pair[0], b'a' | b'o' | b'u'))
}

/// The word with umlauts and ß folded as the stemmer folds them, so that a stem can be found
/// inside it ("behord" in "behördenkommunikation").
fn fold(exact: &str) -> std::borrow::Cow<'_, str> {
    if exact.is_ascii() {
        return exact.into();
    }
    let mut folded = String::with_capacity(exact.len());
    for c in exact.chars() {
        match c {
            'ä' => folded.push('a'),
            'ö' => folded.push('o'),
            'ü' => folded.push('u'),
            'ß' => folded.push_str("ss"),
            c => folded.push(c),
        }
    }
    folded.into()
}

/// Stems of the parts of a compound noun ("Behördenkommunikation" → "behord", "kommunikation"),
/// empty for other words. Parts go into the stemmed field at the compound's own position, so
/// "Kommunikation" finds "Behördenkommunikation" while the exact field, which has no parts,
/// still ranks a whole-word match higher.
pub fn part_stems(word: &Word, splitter: &mut Splitter, stemmer: &mut Stemmer) -> Vec<String> {
    if !word.capitalized {
        return Vec::new();
    }
    match splitter.split(&word.exact) {
        Some(parts) => parts.iter().map(|part| stemmer.stem(part)).collect(),
        None => Vec::new(),
    }
}

/// tantivy tokenizer emitting one form of every word (and, for stems, the parts of compound
/// nouns). Registered under [`STEM_ANALYZER`] and [`EXACT_ANALYZER`].
#[derive(Clone)]
pub struct GermanTokenizer {
    form: Form,
    /// Whether compound nouns add their parts (off only to measure what splitting costs
    /// and gains; see `IndexConfig::split_compounds`).
    split_compounds: bool,
    /// Tokens of the last text; only the first `used` are live. Their strings are reused, so
    /// indexing allocates nothing per token.
    tokens: Vec<Token>,
    used: usize,
}

impl GermanTokenizer {
    pub fn new(form: Form, split_compounds: bool) -> Self {
        GermanTokenizer {
            form,
            split_compounds,
            tokens: Vec::new(),
            used: 0,
        }
    }

    fn push(&mut self, span: &Span, term: &str) {
        if self.used == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let token = &mut self.tokens[self.used];
        token.offset_from = span.start;
        token.offset_to = span.end;
        token.position = span.position;
        token.position_length = 1;
        token.text.clear();
        token.text.push_str(term);
        self.used += 1;
    }
}

impl Tokenizer for GermanTokenizer {
    type TokenStream<'a> = GermanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GermanTokenStream<'a> {
        self.used = 0;
        WORD_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = &mut *cache;
            cache.analyze(text);
            for i in 0..cache.words().len() {
                let (span, id) = cache.words()[i];
                match self.form {
                    Form::Exact => self.push(&span, &cache.entries[id].exact),
                    Form::Stem => {
                        self.push(&span, cache.stem(id));
                        if self.split_compounds {
                            for part in cache.parts(id, text, &span) {
                                self.push(&span, part);
                            }
                        }
                    }
                }
            }
        });
        GermanTokenStream {
            tokens: &mut self.tokens[..self.used],
            index: 0,
        }
    }
}

/// Stream over the tokens a [`GermanTokenizer`] produced for one text.
pub struct GermanTokenStream<'a> {
    tokens: &'a mut [Token],
    index: usize,
}

impl TokenStream for GermanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// A word of a passage with its terms, as the re-ranker scores it: from the per-thread cache
/// the indexing analyzer uses, so that looking at many passages at query time does not
/// normalize and stem every word again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageWord {
    pub position: usize,
    pub stem: Rc<str>,
    /// For a hyphenated word, with its hyphens; its parts follow as words of their own.
    pub exact: Rc<str>,
    /// Whether it is a capitalised single word (a noun, or a sentence's first word); never
    /// for a hyphenated word, as [`Word::capitalized`].
    pub capitalized: bool,
    /// Stems of its compound parts, if `split_if` (see [`relevant_words`]) accepted its exact
    /// form: splitting is the costly step, and most words cannot hold what is looked for.
    pub parts: Vec<String>,
}

/// What one query made of each distinct written word it met, so that each is judged once
/// however often it occurs in the passages looked at (German text is Zipfian). Keyed by the
/// word's entry in the thread's [`WordCache`], and forgotten when that cache starts afresh.
#[derive(Debug)]
pub(crate) struct WordVerdicts<V> {
    generation: u64,
    verdicts: FxHashMap<usize, V>,
}

impl<V> Default for WordVerdicts<V> {
    fn default() -> Self {
        WordVerdicts {
            generation: 0,
            verdicts: FxHashMap::default(),
        }
    }
}

impl<V> WordVerdicts<V> {
    /// Forgets the verdicts if `cache` started afresh since they were given: its entries'
    /// numbers name other words now.
    fn follow(&mut self, cache: &WordCache) {
        if self.generation != cache.generation {
            self.verdicts.clear();
            self.generation = cache.generation;
        }
    }
}

/// The re-ranker's verdict on a written word (see [`relevant_words`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    keep: bool,
    parts: usize,
}

/// The words of `text` that `keep` accepts (given exact form, stem and compound parts), as
/// [`words`] and [`TermCache`] would give them, and the length of `text` in tokens: its words
/// (hyphenated compounds as their parts) plus the compound parts `split_if` let be found. A
/// hyphenated word is offered whole too (before its parts), but not counted in the length. A
/// re-ranker scores a passage by the few words that match its query; the others only count.
/// A word whose exact form neither `may_keep` nor `split_if` accepts is not kept, and not
/// stemmed: in a fresh process nearly every word of the passages read is new, and stemming
/// them all would be most of the work.
pub(crate) fn relevant_words(
    text: &str,
    verdicts: &mut WordVerdicts<Verdict>,
    split_if: impl Fn(&str) -> bool,
    may_keep: impl Fn(&str) -> bool,
    keep: impl Fn(&str, &str, &[Box<str>]) -> bool,
) -> (Vec<PassageWord>, usize) {
    WORD_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.analyze(text);
        verdicts.follow(&cache);
        let mut kept = Vec::new();
        let mut length = 0;
        for i in 0..cache.words().len() {
            let (span, id) = cache.words()[i];
            let verdict = match verdicts.verdicts.get(&id) {
                Some(&verdict) => verdict,
                None => {
                    let verdict = cache.judge(id, text, &span, &split_if, &may_keep, &keep);
                    verdicts.verdicts.insert(id, verdict);
                    verdict
                }
            };
            if !span.is_hyphen_compound {
                length += 1 + verdict.parts;
            }
            if verdict.keep {
                let entry = &cache.entries[id];
                kept.push(PassageWord {
                    position: span.position,
                    capitalized: is_capitalized(
                        &text[span.start..span.end],
                        span.is_hyphen_compound,
                    ),
                    exact: Rc::clone(&entry.exact),
                    stem: Rc::clone(entry.stem.as_ref().expect("a kept word was stemmed")),
                    parts: match &entry.parts {
                        Some(parts) if verdict.parts > 0 => {
                            parts.iter().map(|part| part.to_string()).collect()
                        }
                        _ => Vec::new(),
                    },
                });
            }
        }
        (kept, length)
    })
}

/// The byte ranges of the words of `text` (as [`words`] gives them, in the same order) that
/// `mark` marks, each with its mark. Each distinct written word is judged once per `marks`,
/// so `mark` must depend on nothing but the written word (its normalized form, its case,
/// whether it is a hyphenated whole; see `a_written_word_is_always_the_same_word` in the
/// tests). The words come from the thread's [`WordCache`]: the hits a re-ranked query shows
/// are passages its re-ranker has just segmented, and the words of other hits are normalized
/// once each.
pub(crate) fn marked_words<M: Copy>(
    text: &str,
    marks: &mut WordVerdicts<Option<M>>,
    mut mark: impl FnMut(&Word) -> Option<M>,
) -> Vec<(usize, usize, M)> {
    WORD_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.analyze(text);
        marks.follow(&cache);
        let cache = &*cache;
        cache
            .words()
            .iter()
            .filter_map(|&(span, id)| {
                let marked = *marks
                    .verdicts
                    .entry(id)
                    .or_insert_with(|| mark(&cache.word(id, text, &span)));
                marked.map(|marked| (span.start, span.end, marked))
            })
            .collect()
    })
}

/// What one distinct written word yields; its stem and compound parts are worked out on
/// first demand (the re-ranker needs neither for most words of the passages it reads).
struct Analyzed {
    exact: Rc<str>,
    stem: Option<Rc<str>>,
    parts: Option<Box<[Box<str>]>>,
}

/// The analysis of every distinct written word an indexing thread has met, and the words of
/// the last texts it segmented.
///
/// German text is Zipfian: nearly every token is a word seen before, so normalizing, stemming
/// and compound splitting run once per distinct word, and a token costs one hash lookup of its
/// written form. Each passage is analysed twice (stems and exact forms), one right after the
/// other on the same thread, so the second analysis reuses the first one's segmentation; and
/// the hits a re-ranked query shows are among the passages its re-ranker has just read.
struct WordCache {
    terms: TermCache,
    ids: FxHashMap<Box<str>, usize>,
    entries: Vec<Analyzed>,
    /// The last [`RECENT_TEXTS`] texts segmented, overwritten in turn.
    recent: Vec<Segmented>,
    /// The one of `recent` the last [`WordCache::analyze`] was about.
    current: usize,
    /// The one of `recent` to overwrite next: the oldest, once all are in use.
    next: usize,
    spans: Vec<Span>,
    /// Counts the times `entries` started afresh: an entry's index names the same word only
    /// within one generation.
    generation: u64,
}

/// A text and its words, with their entries in the [`WordCache`].
#[derive(Default)]
struct Segmented {
    text: String,
    words: Vec<(Span, usize)>,
}

/// Bound on the distinct words one indexing thread remembers, so memory stays flat on any
/// corpus (the federal laws hold about 300,000).
const WORD_CACHE_LIMIT: usize = 500_000;

/// How many texts a [`WordCache`] keeps segmented. A re-ranked query with the default page
/// reads at most 80 candidates unless passages tie with a candidate list's last (the
/// benchmark's slowest read 41 and 33) and some of their titles, so its hits are nearly
/// always found among them; a query reading more (ties, a larger `--limit`, a second round
/// of candidates, many titles) finds the first read (the best bounded) overwritten and
/// segments them again, which costs time only.
const RECENT_TEXTS: usize = 128;

thread_local! {
    static WORD_CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

impl Default for WordCache {
    fn default() -> Self {
        WordCache {
            terms: TermCache::without_memory(),
            ids: FxHashMap::default(),
            entries: Vec::new(),
            recent: Vec::new(),
            current: 0,
            next: 0,
            spans: Vec::new(),
            generation: 0,
        }
    }
}

impl WordCache {
    /// Makes the words of `text`, with their entries, the cache's [`WordCache::words`].
    fn analyze(&mut self, text: &str) {
        // The current text first: an indexing thread analyses each passage twice in a row.
        // A new passage is then compared with the others, mostly by length alone: indexing
        // 100 MB took the same CPU time within noise.
        if self
            .recent
            .get(self.current)
            .is_some_and(|seen| seen.text == text)
        {
            return;
        }
        if let Some(found) = self.recent.iter().position(|seen| seen.text == text) {
            self.current = found;
            return;
        }
        if self.entries.len() >= WORD_CACHE_LIMIT {
            self.ids.clear();
            self.entries.clear();
            self.recent.clear();
            self.next = 0;
            self.generation += 1;
        }
        let slot = self.next;
        if slot == self.recent.len() {
            self.recent.push(Segmented::default());
        }
        self.next = (slot + 1) % RECENT_TEXTS;
        self.current = slot;
        let mut segmented = std::mem::take(&mut self.recent[slot]);
        segmented.text.clear();
        segmented.text.push_str(text);
        self.spans.clear();
        spans(text, &mut self.spans);
        segmented.words.clear();
        for &span in &self.spans {
            let written = &text[span.start..span.end];
            let id = match self.ids.get(written) {
                Some(&id) => id,
                None => {
                    let id = self.entries.len();
                    self.entries.push(Analyzed {
                        exact: normalize(written).into(),
                        stem: None,
                        parts: None,
                    });
                    self.ids.insert(written.into(), id);
                    id
                }
            };
            segmented.words.push((span, id));
        }
        self.recent[slot] = segmented;
    }

    /// The words of the text last analysed, with their entries.
    fn words(&self) -> &[(Span, usize)] {
        &self.recent[self.current].words
    }

    /// The [`Verdict`] on entry `id`, the word at `span` of `text` (see [`relevant_words`]).
    fn judge(
        &mut self,
        id: usize,
        text: &str,
        span: &Span,
        split_if: impl Fn(&str) -> bool,
        may_keep: impl Fn(&str) -> bool,
        keep: impl Fn(&str, &str, &[Box<str>]) -> bool,
    ) -> Verdict {
        let exact = &self.entries[id].exact;
        // Only nouns are split (see [`part_stems`]), and a hyphenated word never is: its parts
        // are words of their own.
        let split =
            is_capitalized(&text[span.start..span.end], span.is_hyphen_compound) && split_if(exact);
        if !split && !may_keep(exact) {
            return Verdict {
                keep: false,
                parts: 0,
            };
        }
        if split {
            self.parts(id, text, span);
        }
        self.stem(id);
        let entry = &self.entries[id];
        let parts = match &entry.parts {
            Some(parts) if split => &parts[..],
            _ => &[],
        };
        let stem = entry.stem.as_deref().expect("stemmed just above");
        Verdict {
            keep: keep(&entry.exact, stem, parts),
            parts: parts.len(),
        }
    }

    /// Entry `id`, the word at `span` of `text`, as [`words`] gives it.
    fn word(&self, id: usize, text: &str, span: &Span) -> Word {
        Word {
            start: span.start,
            end: span.end,
            position: span.position,
            exact: self.entries[id].exact.to_string(),
            is_hyphen_compound: span.is_hyphen_compound,
            capitalized: is_capitalized(&text[span.start..span.end], span.is_hyphen_compound),
        }
    }

    /// The stem of entry `id`.
    fn stem(&mut self, id: usize) -> &Rc<str> {
        let entry = &mut self.entries[id];
        if entry.stem.is_none() {
            entry.stem = Some(self.terms.stem(&entry.exact).into());
        }
        entry.stem.as_ref().expect("set just above")
    }

    /// Stems of the compound parts of entry `id`, the word at `span` of `text`.
    fn parts(&mut self, id: usize, text: &str, span: &Span) -> &[Box<str>] {
        if self.entries[id].parts.is_none() {
            let word = self.word(id, text, span);
            let parts = self.terms.part_stems(&word);
            self.entries[id].parts = Some(parts.into_iter().map(Into::into).collect());
        }
        self.entries[id].parts.as_deref().unwrap_or_default()
    }
}

/// Registers the analyzers with an index. tantivy does not store analyzers in the index,
/// so this must run after every open as well as at creation.
pub fn register(index: &tantivy::Index, split_compounds: bool) {
    let manager = index.tokenizers();
    manager.register(
        STEM_ANALYZER,
        GermanTokenizer::new(Form::Stem, split_compounds),
    );
    manager.register(
        EXACT_ANALYZER,
        GermanTokenizer::new(Form::Exact, split_compounds),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let mut stemmer = Stemmer::default();
        words(text).iter().map(|w| stemmer.stem(&w.exact)).collect()
    }

    fn exacts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.exact).collect()
    }

    #[test]
    fn umlaut_spellings_meet() {
        assert_eq!(stems("Söder"), stems("Soeder"));
        assert_eq!(stems("Söder"), stems("Soder"));
        assert_eq!(stems("Straße"), stems("Strasse"));
        // A combining diaeresis (decomposed form) is composed first.
        assert_eq!(stems("So\u{308}der"), stems("Söder"));
        assert_eq!(exacts("So\u{308}der"), vec!["söder"]);
    }

    #[test]
    fn inflections_meet() {
        assert_eq!(stems("Kabinett"), stems("Kabinette"));
        assert_eq!(stems("Freistaat"), stems("Freistaaten"));
        assert_eq!(
            stems("künstliche Intelligenz"),
            stems("künstlichen Intelligenz")
        );
    }

    #[test]
    fn exact_form_keeps_umlauts_and_inflection() {
        assert_eq!(exacts("Behörden Straße"), vec!["behörden", "straße"]);
        assert_ne!(exacts("Kabinett"), exacts("Kabinette"));
    }

    #[test]
    fn words_left_unstemmed_by_the_prefix_test_are_the_ones_that_cannot_match() {
        // Inflections, umlauts, ß, "ae" spellings, digits, hyphens and compounds.
        let text = "Die Behörden prüften Behördenakten, die Straße und Strassen; Soeder und \
                    Söders Häuser im Jahr 2019, KI-Strategien und Kabinettssitzungen.";
        let mut stemmer = Stemmer::default();
        let stems: Vec<String> = [
            "Behörde",
            "Straße",
            "Söder",
            "Haus",
            "2019",
            "Strategie",
            "Sitzung",
        ]
        .iter()
        .map(|word| stemmer.stem(&normalize(word)))
        .collect();
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let keep = |_: &str, stem: &str, parts: &[Box<str>]| {
            stems.contains(&stem) || parts.iter().any(|part| stems.contains(&&**part))
        };
        let split_if = |exact: &str| may_contain_any(exact, &stems);
        let judged = |may_keep: &dyn Fn(&str) -> bool| {
            let (kept, length) =
                relevant_words(text, &mut WordVerdicts::default(), split_if, may_keep, keep);
            let kept: Vec<(usize, String)> = kept
                .iter()
                .map(|w| (w.position, w.exact.to_string()))
                .collect();
            (kept, length)
        };
        let everything = judged(&|_| true);
        assert_eq!(everything.0.len(), 10, "{everything:?}");
        assert_eq!(judged(&|exact| may_stem_to_any(exact, &stems)), everything);
    }

    #[test]
    fn marked_words_are_the_words_a_judge_accepts_each_written_word_judged_once() {
        let text = "Die Behörde und die Behörden-Stelle: die Behörde prüft, die Behörde zahlt.";
        let mark = |word: &Word| {
            (word.exact.starts_with("behörde") || word.is_hyphen_compound)
                .then_some(word.is_hyphen_compound)
        };
        let expected: Vec<(usize, usize, bool)> = words(text)
            .iter()
            .filter_map(|word| mark(word).map(|marked| (word.start, word.end, marked)))
            .collect();
        assert_eq!(expected.len(), 5, "{expected:?}");
        let judged = std::cell::Cell::new(0);
        let mut marks = WordVerdicts::default();
        let mut counted = |word: &Word| {
            judged.set(judged.get() + 1);
            mark(word)
        };
        assert_eq!(marked_words(text, &mut marks, &mut counted), expected);
        // Die, Behörde, und, die, Behörden-Stelle, Behörden, Stelle, prüft, zahlt.
        assert_eq!(judged.get(), 9);
        // A second text reuses what the first one's words were judged.
        let other = "Die Behörde zahlt.";
        assert_eq!(
            marked_words(other, &mut marks, &mut counted),
            [(4, 12, false)]
        );
        assert_eq!(judged.get(), 9);
    }

    #[test]
    fn the_word_cache_keeps_the_last_texts_segmented() {
        let spans_of = |cache: &WordCache| -> Vec<(usize, usize)> {
            cache
                .words()
                .iter()
                .map(|(span, _)| (span.start, span.end))
                .collect()
        };
        let expected = |text: &str| -> Vec<(usize, usize)> {
            words(text)
                .iter()
                .map(|word| (word.start, word.end))
                .collect()
        };
        let texts: Vec<String> = (0..=RECENT_TEXTS)
            .map(|i| format!("Absatz {i}: {}", "Wort ".repeat(i % 3)))
            .collect();
        let mut cache = WordCache::default();
        for text in &texts[..RECENT_TEXTS] {
            cache.analyze(text);
            assert_eq!(spans_of(&cache), expected(text));
        }
        // Each is found again, not segmented anew.
        for (slot, text) in texts[..RECENT_TEXTS].iter().enumerate().rev() {
            cache.analyze(text);
            assert_eq!(cache.current, slot);
            assert_eq!(spans_of(&cache), expected(text));
        }
        // One more takes the place of the oldest, the first.
        cache.analyze(&texts[RECENT_TEXTS]);
        assert_eq!(spans_of(&cache), expected(&texts[RECENT_TEXTS]));
        assert_eq!(cache.recent.len(), RECENT_TEXTS);
        assert!(cache.recent.iter().all(|seen| seen.text != texts[0]));
        cache.analyze(&texts[1]);
        assert_eq!(cache.current, 1);
    }

    /// Fills `cache` with entries up to its limit, so that the next new text it analyses
    /// starts it afresh.
    fn fill_to_the_limit(cache: &mut WordCache) {
        let filler = Rc::<str>::from("");
        while cache.entries.len() < WORD_CACHE_LIMIT {
            cache.entries.push(Analyzed {
                exact: Rc::clone(&filler),
                stem: None,
                parts: None,
            });
        }
    }

    #[test]
    fn a_word_cache_starting_afresh_forgets_the_texts_it_segmented() {
        let mut cache = WordCache::default();
        cache.analyze("Die Behörde prüft.");
        fill_to_the_limit(&mut cache);
        cache.analyze("Das Amt zahlt.");
        assert_eq!(cache.generation, 1);
        // The first text's words are entries of the old generation: it is segmented again.
        let text = "Die Behörde prüft.";
        cache.analyze(text);
        let exacts: Vec<&str> = cache
            .words()
            .iter()
            .map(|&(_, id)| &*cache.entries[id].exact)
            .collect();
        assert_eq!(exacts, ["die", "behörde", "prüft"]);
    }

    #[test]
    fn only_nouns_are_offered_for_splitting() {
        let offered = RefCell::new(Vec::new());
        let split_if = |exact: &str| {
            offered.borrow_mut().push(exact.to_owned());
            true
        };
        let text = "Die behördenkommunikation und die Behördenkommunikation, Behörden-Post.";
        let keep = |_: &str, _: &str, parts: &[Box<str>]| !parts.is_empty();
        let (kept, _) = relevant_words(
            text,
            &mut WordVerdicts::default(),
            split_if,
            |_| false,
            keep,
        );
        // Lowercase words and the hyphenated whole are not: they are never split.
        assert_eq!(
            *offered.borrow(),
            ["die", "behördenkommunikation", "behörden", "post"]
        );
        let lowercase = &words(text)[1];
        assert_eq!(lowercase.exact, "behördenkommunikation");
        assert!(TermCache::default().part_stems(lowercase).is_empty());
        let kept: Vec<(usize, Vec<String>)> =
            kept.into_iter().map(|w| (w.position, w.parts)).collect();
        assert_eq!(kept, [(4, vec!["behord".into(), "kommunikation".into()])]);
    }

    #[test]
    fn marks_are_forgotten_when_the_word_cache_starts_afresh() {
        let mut marks = WordVerdicts::default();
        let mark = |word: &Word| (word.exact == "behörde").then_some(());
        assert_eq!(
            marked_words("Die Behörde prüft.", &mut marks, mark),
            [(4, 12, ())]
        );
        WORD_CACHE.with(|cache| fill_to_the_limit(&mut cache.borrow_mut()));
        // Another caller starts the cache afresh: the entries' numbers name other words now.
        let nothing = |_: &str| false;
        relevant_words(
            "Das Amt zahlt Geld.",
            &mut WordVerdicts::default(),
            nothing,
            nothing,
            |_, _, _| false,
        );
        WORD_CACHE.with(|cache| assert_eq!(cache.borrow().generation, 1));
        assert!(marked_words("Das Amt zahlt Geld.", &mut marks, mark).is_empty());
        assert_eq!(
            marked_words("Die Behörde prüft.", &mut marks, mark),
            [(4, 12, ())]
        );
    }

    #[test]
    fn relevant_words_keep_what_matches_and_count_every_token() {
        let mut verdicts = WordVerdicts::default();
        let text = "Die Behörde prüft die Behördenkommunikation der KI-Stelle.";
        let keep = |_: &str, stem: &str, parts: &[Box<str>]| {
            stem == "behord" || parts.iter().any(|part| &**part == "behord")
        };
        let split_if = |exact: &str| exact.starts_with("behörden");
        let (kept, length) = relevant_words(text, &mut verdicts, split_if, |_| true, keep);
        let kept: Vec<(usize, &str, Vec<String>)> = kept
            .iter()
            .map(|w| (w.position, &*w.exact, w.parts.clone()))
            .collect();
        assert_eq!(
            kept,
            vec![
                (1, "behörde", vec![]),
                (
                    4,
                    "behördenkommunikation",
                    vec!["behord".into(), "kommunikation".into()]
                ),
            ]
        );
        // Eight words ("KI-Stelle" as its two parts) and the two parts of the compound.
        assert_eq!(length, 10);
        // The verdicts of the words met are remembered: the same text again gives the same.
        let (again, again_length) = relevant_words(text, &mut verdicts, split_if, |_| true, keep);
        assert_eq!(again.len(), 2);
        assert_eq!(again_length, 10);
    }

    #[test]
    fn ligatures_and_long_s_are_the_letters_they_stand_for() {
        assert_eq!(
            exacts("Au\u{fb02}age der \u{fb01}nanziellen Maß\u{17f}täbe, e\u{fb00}ektiv"),
            vec!["auflage", "der", "finanziellen", "maßstäbe", "effektiv"]
        );
        assert_eq!(stems("Au\u{fb02}agen"), stems("Auflage"));
    }

    #[test]
    fn apostrophes_are_one() {
        assert_eq!(exacts("geht\u{2019}s"), exacts("geht's"));
        assert_eq!(exacts("geht\u{2018}s"), exacts("geht's"));
        assert_eq!(stems("Merkel\u{2019}sche"), stems("Merkel'sche"));
    }

    #[test]
    fn gender_marks_separate_words() {
        let found = words("Lehrer:innen, Mitarbeiter_innen und Kolleg\u{b7}innen");
        let read: Vec<(&str, usize)> = found.iter().map(|w| (&w.exact[..], w.position)).collect();
        assert_eq!(
            read,
            vec![("lehrer", 0), ("mitarbeiter", 1), ("und", 2), ("kolleg", 3),]
        );
        // The ending is no word of its own, after any gender mark; "innen" elsewhere is.
        for text in [
            "Lehrer*innen",
            "Lehrer/innen",
            "Lehrer:in",
            "Lehrer_in",
            "lehrer*innen",
        ] {
            assert_eq!(exacts(text), vec!["lehrer"], "{text}");
        }
        assert_eq!(exacts("außen/innen"), vec!["außen", "innen"]);
        assert_eq!(exacts("Außen/innen"), vec!["außen", "innen"]);
        assert_eq!(exacts("Sie sind innen"), vec!["sie", "sind", "innen"]);
        assert_eq!(exacts("Herr\u{202f}Müller"), vec!["herr", "müller"]);
        // Offsets still point at the letters.
        assert_eq!(&"Lehrer:innen"[found[0].start..found[0].end], "Lehrer");
        // A hyphenated compound before the mark stays one.
        assert_eq!(exacts("KI-Expert:innen"), vec!["ki-expert", "ki", "expert"]);
    }

    #[test]
    fn invisible_characters_are_no_part_of_a_word() {
        assert_eq!(
            exacts("Behör\u{ad}de Kabi\u{2060}nett"),
            vec!["behörde", "kabinett"]
        );
    }

    #[test]
    fn numbers_and_dates_stay_whole() {
        assert_eq!(
            stems("[23.05.2019] am 21. Mai 2019"),
            vec!["23.05.2019", "am", "21", "mai", "2019"]
        );
    }

    #[test]
    fn hyphenated_word_yields_whole_and_parts() {
        let ws = words("die KI-Strategie der");
        let got: Vec<(&str, usize, bool)> = ws
            .iter()
            .map(|w| (w.exact.as_str(), w.position, w.is_hyphen_compound))
            .collect();
        assert_eq!(
            got,
            vec![
                ("die", 0, false),
                ("ki-strategie", 1, true),
                ("ki", 1, false),
                ("strategie", 2, false),
                ("der", 3, false),
            ]
        );
        assert_eq!(stems("IT-Planungsrats"), stems("IT-Planungsrat"));
        assert_eq!(
            stems("E-Mail-Adresse"),
            vec!["emailadress", "e", "mail", "adress"]
        );
    }

    #[test]
    fn a_hyphenated_compound_stems_as_written_closed() {
        let whole = |text: &str| stems(text)[0].clone();
        assert_eq!(
            whole("Bundes-Immissionsschutzgesetzes"),
            whole("Bundesimmissionsschutzgesetz")
        );
        assert_eq!(whole("Wikinger-Siedler"), whole("Wikingersiedlern"));
        assert_eq!(whole("Corona-Pandemie"), whole("Coronapandemie"));
        // With digits, part by part: closed, digits keep a word whole.
        assert_eq!(whole("2-jährigen"), whole("2-jährige"));
        assert_eq!(whole("Covid-19"), "covid-19");
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Die Behörden-Kommunikation, bitte.";
        for w in words(text) {
            let original = &text[w.start..w.end];
            assert_eq!(normalize(original), w.exact);
        }
    }

    #[test]
    fn punctuation_and_spaces_are_not_words() {
        assert!(words(" ... ?!  – / ").is_empty());
        assert_eq!(exacts("Wann? (KI)"), vec!["wann", "ki"]);
    }

    #[test]
    fn long_compounds_stay_whole_and_huge_words_are_cut() {
        let long = "Donaudampfschifffahrtsgesellschaftskapitän";
        assert_eq!(exacts(long), vec![long.to_lowercase()]);
        let huge = "ä".repeat(10_000);
        let terms = exacts(&huge);
        assert_eq!(terms.len(), 1);
        assert!(terms[0].len() <= MAX_TERM_BYTES);
        assert_eq!(terms, exacts(&huge), "cutting is deterministic");
    }

    #[test]
    fn compound_nouns_add_their_parts_at_their_position() {
        let mut tokenizer = GermanTokenizer::new(Form::Stem, true);
        let mut stream = tokenizer.token_stream("sichere Behördenkommunikation");
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.offset_from, t.position));
        }
        assert_eq!(
            got,
            vec![
                ("sich".to_owned(), 0, 0),
                ("behordenkommunikation".to_owned(), 8, 1),
                ("behord".to_owned(), 8, 1),
                ("kommunikation".to_owned(), 8, 1),
            ]
        );
        // Lower-case words are not nouns and are never split; the exact form has no parts.
        let mut exact = GermanTokenizer::new(Form::Exact, true);
        let mut stream = exact.token_stream("Behördenkommunikation");
        let mut count = 0;
        while stream.advance() {
            count += 1;
        }
        assert_eq!(count, 1);
    }

    /// (offsets, position, term) of every token the tokenizer emits for `text`.
    fn tokens(tokenizer: &mut GermanTokenizer, text: &str) -> Vec<(usize, usize, usize, String)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.offset_from, t.offset_to, t.position, t.text.clone()));
        }
        out
    }

    /// What the tokenizer must emit, computed the plain way: [`words`], then stem and parts.
    fn expected(text: &str, form: Form, split: bool) -> Vec<(usize, usize, usize, String)> {
        let mut terms = TermCache::default();
        let mut out = Vec::new();
        for w in words(text) {
            let token = |term| (w.start, w.end, w.position, term);
            match form {
                Form::Exact => out.push(token(w.exact.clone())),
                Form::Stem => {
                    out.push(token(terms.stem(&w.exact)));
                    if split {
                        out.extend(terms.part_stems(&w).into_iter().map(token));
                    }
                }
            }
        }
        out
    }

    const VOCABULARY: &[&str] = &[
        "Die",
        "Behördenkommunikation",
        "KI-Strategie",
        "Kabinettssitzung",
        "Landesbehörden.",
        "E-Mail-Adresse",
        "23.05.2019",
        "So\u{308}der",
        "Behör\u{ad}de",
        "-",
        " ",
        "Straße",
        "Bundes\u{2010}Länder",
        "e\u{301}",
        "α",
        "ſ",
        "STRASSE",
        "İ",
        "\u{301}",
        "Ärztekammer",
        "Aerztekammer",
    ];

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::sample::select(VOCABULARY).prop_map(str::to_owned),
                1 => any::<String>(),
                1 => "[ -~äöüßÄÖÜ\u{ad}\u{2010}]{1,12}",
            ],
            0..12,
        )
        .prop_map(|parts| parts.join(" "))
    }

    proptest::proptest! {
        /// Highlighting skips the stemmer for words whose stem cannot be a query's: it must
        /// never skip a word whose stem is.
        #[test]
        fn a_word_may_always_stem_to_its_own_stem(
            word in "[a-zäöüßéA-ZÄÖÜ0-9-]{1,16}|(ge|be|ver|zer)?[a-zäöüß]{1,6}(e|em|en|ern|er|es|s|st|est|end|ung|ig|ik|isch|lich|heit|keit|te|ten)"
        ) {
            let mut stemmer = Stemmer::default();
            for w in words(&word) {
                let stem = stemmer.stem(&w.exact);
                proptest::prop_assert!(may_stem_to_any(&w.exact, &[&stem]), "{} -> {}", w.exact, stem);
            }
        }

        /// Highlighting and re-ranking split only the words that may hold a query word's stem:
        /// a compound must always be split for one of its own parts.
        #[test]
        fn a_compound_is_split_for_each_of_its_parts(text in text()) {
            let mut terms = TermCache::default();
            for w in words(&text) {
                let parts = terms.part_stems(&w);
                for part in &parts {
                    let among = terms.part_stems_among(&w, &[part]);
                    proptest::prop_assert_eq!(&among, &parts, "{}", part);
                }
            }
        }

        /// What a word is (normalized form, case, hyphenated whole or not) follows from how it
        /// is written, wherever it stands: what [`marked_words`] relies on.
        #[test]
        fn a_written_word_is_always_the_same_word(a in text(), b in text()) {
            let mut seen: FxHashMap<String, (String, bool, bool)> = FxHashMap::default();
            for text in [a.clone(), b.clone(), format!("{a}{b}")] {
                for w in words(&text) {
                    let what = (w.exact.clone(), w.capitalized, w.is_hyphen_compound);
                    let written = text[w.start..w.end].to_owned();
                    let first = seen.entry(written.clone()).or_insert_with(|| what.clone());
                    proptest::prop_assert_eq!(&*first, &what, "{}", written);
                }
            }
        }

        /// Marking each written word once per query marks what marking every word would.
        #[test]
        fn marked_words_mark_what_words_would(
            texts in proptest::collection::vec(text(), 1..6),
            salt in 0u64..8
        ) {
            let mark = |w: &Word| {
                let what = (&w.exact, w.capitalized, w.is_hyphen_compound, salt);
                let hash = std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, what);
                (hash % 3 == 0).then_some(hash % 2)
            };
            let mut marks = WordVerdicts::default();
            for text in texts.iter().chain(texts.iter().rev()) {
                let every: Vec<(usize, usize, u64)> = words(text)
                    .iter()
                    .filter_map(|w| mark(w).map(|marked| (w.start, w.end, marked)))
                    .collect();
                proptest::prop_assert_eq!(marked_words(text, &mut marks, mark), every);
            }
        }

        /// The word cache and token reuse change nothing: whatever texts one thread analyses,
        /// in whatever order of fields, the tokens are those of the plain analysis.
        #[test]
        fn the_cached_tokenizer_emits_what_the_plain_analysis_gives(
            texts in proptest::collection::vec((text(), 0u8..3), 1..6)
        ) {
            let mut stem = GermanTokenizer::new(Form::Stem, true);
            let mut stem_only = GermanTokenizer::new(Form::Stem, false);
            let mut exact = GermanTokenizer::new(Form::Exact, true);
            for (text, order) in &texts {
                let stems = || expected(text, Form::Stem, true);
                match order {
                    0 => {
                        proptest::prop_assert_eq!(tokens(&mut stem, text), stems());
                        proptest::prop_assert_eq!(
                            tokens(&mut exact, text),
                            expected(text, Form::Exact, true)
                        );
                    }
                    1 => {
                        proptest::prop_assert_eq!(
                            tokens(&mut exact, text),
                            expected(text, Form::Exact, true)
                        );
                        proptest::prop_assert_eq!(
                            tokens(&mut stem_only, text),
                            expected(text, Form::Stem, false)
                        );
                        proptest::prop_assert_eq!(tokens(&mut stem, text), stems());
                    }
                    _ => {
                        proptest::prop_assert_eq!(tokens(&mut stem, text), stems());
                        proptest::prop_assert_eq!(tokens(&mut stem, text), stems());
                    }
                }
            }
        }
    }

    #[test]
    fn a_compound_may_hold_parts_spelled_with_umlauts() {
        assert!(may_contain_any("aerztekammer", &["arzt"]));
        assert!(may_contain_any("ärztekammer", &["arzt"]));
        assert!(!may_contain_any("ärztekammer", &["recht"]));
        let word = &words("Die Aerztekammer")[1];
        assert_eq!(
            TermCache::default().part_stems_among(word, &["arzt"]),
            vec!["arzt", "kamm"]
        );
    }

    #[test]
    fn tokenizer_emits_stems_with_offsets() {
        let mut tokenizer = GermanTokenizer::new(Form::Stem, true);
        let mut stream = tokenizer.token_stream("Die Kabinette tagten");
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        assert_eq!(
            got,
            vec![
                ("die".to_owned(), 0, 3, 0),
                ("kabinett".to_owned(), 4, 13, 1),
                ("tagt".to_owned(), 14, 20, 2),
            ]
        );
    }
}
