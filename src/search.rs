//! Turning a parsed query into a tantivy query over the German fields, running it, and
//! collecting ranked passages with the byte ranges of the words that matched.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use rustc_hash::FxHashSet;
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{TopDocs, TopNComputer};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, EnableScoring, FuzzyTermQuery, Occur as TOccur,
    PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, TantivyDocument, Term, TERMINATED};

use crate::analysis::{
    marked_words, may_contain_any, may_stem_to_any, relevant_words, words, PassageWord, TermCache,
    Word, WordVerdicts,
};
use crate::index::{stored_text, stored_u64, title_passage_offset, Fields, OpenIndex};
use crate::passage::is_title_heading;
use crate::phrase::RankedPhrase;
use crate::query::{is_stop_word, parse, Clause, Occur, ParsedQuery};
use crate::rank::{self, QueryPart, QueryWord, Whole};

/// Extra weight of an exact-form match on top of its stem match: "Kabinette" ranks passages
/// saying "Kabinette" above those saying only "Kabinett".
const EXACT_BOOST: f32 = 0.6;
/// Weight of a match in the document title relative to one in the passage.
const TITLE_BOOST: f32 = 0.5;
/// Words of a query beyond this many are ignored: a query is a question or a phrase, not a
/// pasted page, and its cost grows faster than its words (tantivy's block-max WAND re-sorts
/// its clauses at every step). At 100 MB, the corpus's most frequent words as one `--exact`
/// query: 100 words 0.05 s, 300 words 0.33 s, 10,000 words 96 s.
pub const MAX_QUERY_WORDS: usize = 128;

/// Exact forms of a phrase rewarded, at most: each reward is a level of nested queries (see
/// [`Builder::phrase`]), and tantivy builds their scorers recursively, so a pasted phrase of a
/// thousand words would overflow the stack; a phrase that long is ranked by its stems alone.
const MAX_PHRASE_REWARDS: usize = 32;

/// Weight of the indexed words close to a query word that the index does not know.
const TYPO_BOOST: f32 = 0.5;
/// At most this many unknown words of a query are corrected.
const MAX_TYPO_WORDS: usize = 8;
/// Words shorter than this are never corrected: too many words are one edit apart.
const MIN_TYPO_CHARS: usize = 5;

/// Weight of each part of a compound query word ("Behördenkommunikation" also looks for
/// "Behörde" and "Kommunikation"), below the compound itself.
const PART_BOOST: f32 = 0.3;

/// How query words are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Matching {
    /// Stems and exact forms (the default).
    #[default]
    Stemmed,
    /// Exact (lowercased) forms only: no stemming, no umlaut folding.
    Exact,
}

/// A query that has nothing left to search for after analysis.
#[derive(Debug, thiserror::Error)]
#[error("nothing to search for in {0:?} (only punctuation, operators or exclusions)")]
pub struct NothingToSearch(pub String);

/// One ranked passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub path: String,
    pub paragraph: u64,
    pub line_start: u64,
    pub line_end: u64,
    pub title: String,
    pub text: String,
    /// Byte ranges in `text` of the words that matched, sorted and disjoint.
    pub highlights: Vec<(usize, usize)>,
    /// Those of `highlights` where a query word itself stands, not only a compound part of
    /// one: an excerpt of a long passage shows one of them ("Haushaltsplan", not a cluster of
    /// "Haushalt", "planen" and "Haushaltssatzung").
    pub whole_matches: Vec<(usize, usize)>,
    /// Query words that the index does not know, with the words of this passage that were
    /// taken for them ("Kretschmar" → "Kretschmer").
    pub corrections: Vec<Correction>,
}

/// A query word found nowhere in the index, and a word of the passage within a small edit
/// distance of it that was searched instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub typed: String,
    pub found: String,
}

/// What to highlight: the stems and exact forms of all positive query words, prefixes, and
/// phrases (marked only where the whole phrase stands, not wherever one of its words does).
#[derive(Debug, Default)]
struct Highlighter {
    /// Looked up for every word of every hit shown: a fast hash, as the keys are the user's own.
    stems: FxHashSet<String>,
    /// Stems of the parts of compound query words: their words are marked as parts.
    part_stems: FxHashSet<String>,
    /// Stems of hyphenated query words: marked in a hyphenated word or a capitalised one, as
    /// the re-ranker counts them ("Spiel-Ende" marks "Spielende", not "spielende").
    wholes: FxHashSet<String>,
    exacts: FxHashSet<String>,
    prefixes: Vec<String>,
    /// Query words found nowhere in the index, with the edit distance within which passage
    /// words stand in for them.
    typos: Vec<Typo>,
    /// Phrases as (position offset, key) pairs; keys are stems, or exact forms with `exact_keys`.
    phrases: Vec<Vec<(usize, String)>>,
    exact_keys: bool,
    /// How each distinct written word met in the hits so far is marked: without typos or
    /// phrases, that depends on the word alone.
    marks: WordVerdicts<Option<Mark>>,
}

/// How a highlighted word matched: as a query word itself (its exact form, stem or prefix, a
/// stand-in for a typo, a word of a phrase), or only through a compound part, of the query
/// word ("Haushalt" for "Haushaltsplan") or of its own ("Haushaltssatzung").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Part,
    Whole,
}

impl Highlighter {
    /// Byte ranges of the matched words in `text` (see [`merged`]), and the corrections seen
    /// there (a query word the index does not know, and the word of the text that stood in
    /// for it).
    fn ranges(&mut self, text: &str, terms: &mut TermCache) -> (Highlights, Vec<Correction>) {
        let stems: Vec<&str> = self
            .stems
            .iter()
            .chain(&self.wholes)
            .chain(&self.part_stems)
            .map(String::as_str)
            .collect();
        if self.typos.is_empty() && self.phrases.is_empty() {
            let mut marks = std::mem::take(&mut self.marks);
            let marked = marked_words(text, &mut marks, |word| {
                let stem = self.stem(word, &stems, terms);
                self.matches(word, &stem, &stems, terms)
            });
            self.marks = marks;
            return (merged(marked), Vec::new());
        }
        let ws = words(text);
        let mut marked: Vec<Option<Mark>> = vec![None; ws.len()];
        let mut corrections: Vec<Correction> = Vec::new();
        for (i, word) in ws.iter().enumerate() {
            let stem = self.stem(word, &stems, terms);
            // A stand-in may be a part of a compound, as indexed ("Lohnsteur" finds
            // "Lohnsteuerhilfeverein" by its part "lohnsteuer").
            let parts = if self.typos.is_empty() {
                Vec::new()
            } else {
                terms.part_stems(word)
            };
            for typo in &self.typos {
                if typo.stands_in(&word.exact, &stem)
                    || parts.iter().any(|part| typo.stands_in(part, part))
                {
                    marked[i] = Some(Mark::Whole);
                    let correction = Correction {
                        typed: typo.exact.clone(),
                        found: text[word.start..word.end].to_owned(),
                    };
                    if !corrections.contains(&correction) {
                        corrections.push(correction);
                    }
                }
            }
            if marked[i].is_none() {
                marked[i] = self.matches(word, &stem, &stems, terms);
            }
        }
        if !self.phrases.is_empty() {
            self.mark_phrases(&ws, &mut marked, terms);
        }
        let marked = ws
            .iter()
            .zip(marked)
            .filter_map(|(w, mark)| mark.map(|mark| (w.start, w.end, mark)));
        (merged(marked), corrections)
    }

    /// The stem of `word`, or nothing where it cannot be one of `stems` (nor stand in for a
    /// typo): stemming every word of a hit is most of the work, and most words cannot match.
    fn stem(&self, word: &Word, stems: &[&str], terms: &mut TermCache) -> String {
        if !self.typos.is_empty() || may_stem_to_any(&word.exact, stems) {
            terms.stem(&word.exact)
        } else {
            String::new()
        }
    }

    /// Whether `word` matches a query word, a part of one or a prefix, as the index matched
    /// it, and how; `stem` is its stem, or empty where it cannot be one of `stems`.
    fn matches(
        &self,
        word: &Word,
        stem: &str,
        stems: &[&str],
        terms: &mut TermCache,
    ) -> Option<Mark> {
        let stemmed = !stem.is_empty();
        if self.exacts.contains(&word.exact)
            || (stemmed && self.stems.contains(stem))
            || ((word.capitalized || word.is_hyphen_compound) && self.wholes.contains(stem))
            || self
                .prefixes
                .iter()
                .any(|p| word.exact.starts_with(p.as_str()))
        {
            return Some(Mark::Whole);
        }
        let part = (stemmed && self.part_stems.contains(stem))
            || terms
                .part_stems_among(word, stems)
                .iter()
                .any(|part| self.stems.contains(part) || self.part_stems.contains(part));
        part.then_some(Mark::Part)
    }

    fn mark_phrases(&self, ws: &[Word], marked: &mut [Option<Mark>], terms: &mut TermCache) {
        let phrase_stems: Vec<&str> = self
            .phrases
            .iter()
            .flatten()
            .map(|(_, key)| key.as_str())
            .collect();
        // What each word can stand for in a phrase: its stem and, as indexed, the parts of a
        // compound ("Strafrecht auf" holds "Recht auf"). Stems that cannot be a phrase's are
        // not computed.
        let keys: Vec<Vec<String>> = ws
            .iter()
            .map(|w| {
                if self.exact_keys {
                    return vec![w.exact.clone()];
                }
                let mut keys = terms.part_stems_among(w, &phrase_stems);
                if may_stem_to_any(&w.exact, &phrase_stems) {
                    keys.push(terms.stem(&w.exact));
                }
                keys
            })
            .collect();
        let mut at: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, w) in ws.iter().enumerate() {
            at.entry(w.position).or_default().push(i);
        }
        for phrase in &self.phrases {
            let Some((first_offset, first_key)) = phrase.first() else {
                continue;
            };
            for (i, w) in ws.iter().enumerate() {
                if !keys[i].contains(first_key) || w.position < *first_offset {
                    continue;
                }
                let base = w.position - first_offset;
                let found: Option<Vec<usize>> = phrase
                    .iter()
                    .map(|(offset, key)| {
                        at.get(&(base + offset))?
                            .iter()
                            .copied()
                            .find(|&j| keys[j].contains(key))
                    })
                    .collect();
                for j in found.into_iter().flatten() {
                    marked[j] = Some(Mark::Whole);
                }
            }
        }
    }
}

/// A hit's highlights and those of them where a query word itself stands (see
/// [`Hit::highlights`] and [`Hit::whole_matches`]).
type Highlights = (Vec<(usize, usize)>, Vec<(usize, usize)>);

/// The byte ranges of marked words, in text order, as highlights: the parts of a marked
/// hyphenated word fall inside it, and the whole holds a whole match if any of them is one.
fn merged(marked: impl IntoIterator<Item = (usize, usize, Mark)>) -> Highlights {
    let mut ranges: Vec<(usize, usize, Mark)> = Vec::new();
    for (start, end, mark) in marked {
        match ranges.last_mut() {
            Some(last) if start < last.1 => {
                last.1 = last.1.max(end);
                if mark == Mark::Whole {
                    last.2 = Mark::Whole;
                }
            }
            _ => ranges.push((start, end, mark)),
        }
    }
    let whole = ranges
        .iter()
        .filter(|range| range.2 == Mark::Whole)
        .map(|&(start, end, _)| (start, end))
        .collect();
    let all = ranges.iter().map(|&(start, end, _)| (start, end)).collect();
    (all, whole)
}

/// A query word found nowhere in the index.
#[derive(Debug)]
struct Typo {
    exact: String,
    stem: String,
    distance: usize,
}

impl Typo {
    /// Whether a word of a passage (exact form and stem) is close enough to stand in for it.
    fn stands_in(&self, exact: &str, stem: &str) -> bool {
        rank::stands_in_for_typo(exact, stem, &self.exact, &self.stem, self.distance)
    }
}

/// The fields and terms a typo is looked up by, each with the edits allowed: its exact form
/// (`distance` away), and its stem unless the stem is too short to correct ("innen" stems to
/// "inn", one edit from "in"), as far as the stem's own length allows (see
/// [`rank::typo_edits`]).
fn typo_terms<'a>(
    fields: &Fields,
    exact: &'a str,
    stem: &'a str,
    distance: usize,
) -> Vec<(Field, &'a str, usize)> {
    let mut terms = vec![(fields.exact, exact, distance)];
    let stem_letters = stem.chars().count();
    if stem_letters >= rank::MIN_TYPO_STEM_CHARS {
        terms.push((
            fields.text,
            stem,
            distance.min(rank::typo_edits(stem_letters)),
        ));
    }
    terms
}

/// Builds tantivy queries from analyzed words.
struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    matching: Matching,
    terms: &'a mut TermCache,
    highlighter: Highlighter,
    /// How many more unknown words may be corrected: each correction builds an automaton,
    /// and a pasted page of gibberish must not build thousands.
    typo_budget: usize,
    /// [`typo_distance`] of each word asked about so far (by exact form): the main query,
    /// the re-ranker's per-word queries and its scoring all need it, and it costs term lookups.
    typos: HashMap<String, Option<usize>>,
    /// How the parts of query compounds match.
    parts: Parts,
    /// Whether a query compound's parts went into the query.
    has_parts: bool,
    /// Whether optional words also match a document's title (indexed with its first passage
    /// after the title): only among the candidates of a re-ranked query of several words,
    /// whose scoring lifts every passage of a document by its title. A single word would
    /// otherwise find that first passage, without the word, by the title alone.
    title_bonus: bool,
    /// Whether the clause being built is excluded ("-word", "NOT word"): an excluded word
    /// found nowhere excludes nothing, not the words one or two letters away from it.
    excluding: bool,
    /// Whether a common compound part was left out (see [`Parts::Rare`]).
    left_out_common_part: bool,
}

/// How the parts of a query compound ("Behördenkommunikation": "Behörde", "Kommunikation")
/// match passages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parts {
    /// Each on its own: in free text of several words, where the re-ranker weighs a part by
    /// its own IDF, and in a question, which is vague about the words it uses.
    Apart,
    /// Each on its own, but only the parts rare enough to choose passages by (see
    /// [`Builder::is_common_part`]): the re-ranker's candidates are gathered so.
    Rare,
    /// Only all together, everywhere else (a bare word, `+word`, `-word`, quoted words): the
    /// word asks for itself ("Marxheim"), so a passage matches through its parts only if it
    /// holds them all, as "Kommunikation der Behörden" does for "Behördenkommunikation"; one
    /// part alone ("Heim") is another subject.
    Together,
    /// Not at all: the whole words only (see [`Plan::whole_words`]).
    Ignored,
}

impl Builder<'_> {
    fn term_query(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
        Box::new(BoostQuery::new(query, boost))
    }

    fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        if queries.len() == 1 {
            return queries.into_iter().next().expect("one query");
        }
        Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (TOccur::Should, q)).collect(),
        ))
    }

    /// Marks a word for highlighting wherever it stands: by its exact form, and by its stem
    /// unless only exact forms are searched.
    fn highlight_word(&mut self, word: &Word, stem: &str) {
        self.highlighter.exacts.insert(word.exact.clone());
        if self.matching == Matching::Stemmed {
            let stems = if word.is_hyphen_compound {
                &mut self.highlighter.wholes
            } else {
                &mut self.highlighter.stems
            };
            stems.insert(stem.to_owned());
        }
    }

    /// One word: its stem in text and title, its exact form in `exact`.
    fn word(&mut self, word: &Word, highlight: bool, optional: bool) -> Box<dyn Query> {
        let alternatives = self.word_alternatives(word, highlight, optional);
        Self::any_of(alternatives)
    }

    /// The queries any of which matches `word`, each weighted: its stem, exact form, title
    /// word, compound parts and, for an unknown word, close words. The title is only a bonus
    /// for `optional` words (see [`Builder::title_bonus`]): it is indexed with a file's first
    /// passage only, so as a way to satisfy (or fail) a required or excluded word it would
    /// treat passages unequally.
    fn word_alternatives(
        &mut self,
        word: &Word,
        highlight: bool,
        optional: bool,
    ) -> Vec<Box<dyn Query>> {
        let stem = self.terms.stem(&word.exact);
        if highlight {
            self.highlight_word(word, &stem);
        }
        match self.matching {
            Matching::Exact => vec![Self::term_query(self.fields.exact, &word.exact)],
            Matching::Stemmed => {
                let mut queries = vec![
                    Self::term_query(self.fields.text, &stem),
                    Self::boosted(
                        Self::term_query(self.fields.exact, &word.exact),
                        EXACT_BOOST,
                    ),
                ];
                if optional && self.title_bonus {
                    queries.push(Self::boosted(
                        Self::term_query(self.fields.title_terms, &stem),
                        TITLE_BOOST,
                    ));
                }
                let parts = self.terms.query_part_stems(word);
                let distance = if self.excluding {
                    None
                } else {
                    self.typo(word, &stem, &parts)
                };
                if let Some(distance) = distance {
                    // Found nowhere: look for the words it may have meant.
                    if highlight {
                        self.highlighter.typos.push(Typo {
                            exact: word.exact.clone(),
                            stem: stem.clone(),
                            distance,
                        });
                    }
                    for (field, text, edits) in
                        typo_terms(self.fields, &word.exact, &stem, distance)
                    {
                        let term = Term::from_field_text(field, text);
                        queries.push(Self::boosted(
                            Box::new(FuzzyTermQuery::new(term, edits as u8, true)),
                            TYPO_BOOST,
                        ));
                    }
                }
                if parts.is_empty() || self.parts == Parts::Ignored {
                    return queries;
                }
                self.has_parts = true;
                if highlight {
                    self.highlighter.part_stems.extend(parts.iter().cloned());
                }
                if matches!(self.parts, Parts::Apart | Parts::Rare) {
                    for part in &parts {
                        if self.parts == Parts::Rare && self.is_common_part(part) {
                            self.left_out_common_part = true;
                            continue;
                        }
                        let query = Self::term_query(self.fields.text, part);
                        queries.push(Self::boosted(query, PART_BOOST));
                    }
                } else {
                    let all_parts = parts
                        .iter()
                        .map(|part| (TOccur::Must, Self::term_query(self.fields.text, part)))
                        .collect();
                    queries.push(Self::boosted(
                        Box::new(BooleanQuery::new(all_parts)),
                        PART_BOOST,
                    ));
                }
                queries
            }
        }
    }

    /// Whether a compound part is too common to gather the re-ranker's candidates: in more
    /// than [`COMMON_PART_SHARE`] of the live passages (and more than
    /// [`MIN_COMMON_PART_PASSAGES`]). Such a part ("gesetz", "satz", "amt" in the laws) is in
    /// thousands of passages and adds little to any one's score, yet walking its postings was
    /// most of the time a query of several words took, and the passages that match two words
    /// only through such parts crowded the list of those that match the query as a whole. It
    /// still counts in the re-ranker's score of the passages the other words find, and
    /// gathers candidates where those leave the page short (see [`Rerank::every_part`]).
    fn is_common_part(&self, part: &str) -> bool {
        // tantivy counts deleted passages until a merge drops them: the part's count is
        // scaled to the live ones, so that an update's deletions do not make a part common.
        let live = self.searcher.num_docs() as f64;
        let live_share = live / passages_counted(self.searcher).max(1) as f64;
        let limit = (COMMON_PART_SHARE * live).max(MIN_COMMON_PART_PASSAGES as f64);
        self.searcher
            .doc_freq(&Term::from_field_text(self.fields.text, part))
            .is_ok_and(|found| found as f64 * live_share > limit)
    }

    /// The edit distance within which to correct `word` (see [`typo_distance`]), worked out
    /// once per word and query, while the budget of corrections lasts.
    fn typo(&mut self, word: &Word, stem: &str, parts: &[String]) -> Option<usize> {
        if let Some(&known) = self.typos.get(&word.exact) {
            return known;
        }
        let distance = (self.typo_budget > 0)
            .then(|| typo_distance(self.searcher, self.fields, word, stem, parts))
            .flatten();
        if distance.is_some() {
            self.typo_budget -= 1;
        }
        self.typos.insert(word.exact.clone(), distance);
        distance
    }

    /// The clauses of a parsed, analysed query.
    fn query(
        &mut self,
        analyzed: &[(Occur, &Clause, Vec<Word>)],
        drop_function_words: bool,
    ) -> Result<Vec<(TOccur, Box<dyn Query>)>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // A clause or word repeated counts once: a pasted text that says "Bayern" three
        // thousand times would otherwise become as many clauses, slow to run, and an unknown
        // word as many typo lookups, each holding an automaton.
        let mut seen_clauses = HashSet::new();
        let mut seen_words = HashSet::new();
        for (occur, clause, ws) in analyzed {
            if !matches!(clause, Clause::Words(_)) && !seen_clauses.insert((*occur, *clause)) {
                continue;
            }
            self.excluding = *occur == Occur::MustNot;
            match clause {
                Clause::Words(_) => clauses.extend(self.free_words(
                    ws,
                    *occur,
                    drop_function_words,
                    &mut seen_words,
                )),
                Clause::Phrase { slop, .. } => {
                    let query =
                        self.phrase(ws, *slop, *occur != Occur::MustNot, *occur == Occur::Should);
                    clauses.push((*occur, query));
                }
                Clause::Prefix(_) => {
                    // The star ends the last word as analysed, a hyphenated one whole:
                    // "Lehrer:in*" asks for "lehrer*" (the gender ending is no word),
                    // "KI-Strat*" for "ki-strat*"; words before it ("Lehrer/Erzieher*") are
                    // words like any other.
                    let last_position = ws[ws.len() - 1].position;
                    let last = ws
                        .iter()
                        .position(|w| w.position == last_position)
                        .unwrap_or(0);
                    clauses.extend(self.free_words(
                        &ws[..last],
                        *occur,
                        drop_function_words,
                        &mut seen_words,
                    ));
                    clauses.push((*occur, self.prefix(&ws[last].exact)?));
                }
            }
        }
        Ok(clauses
            .into_iter()
            .map(|(occur, query)| {
                let occur = match occur {
                    Occur::Should => TOccur::Should,
                    Occur::Must => TOccur::Must,
                    Occur::MustNot => TOccur::MustNot,
                };
                (occur, query)
            })
            .collect())
    }

    /// Words in order (a phrase). Hyphenated compounds take part with their whole form at the
    /// position of their first part, exactly as they were indexed.
    fn phrase(
        &mut self,
        ws: &[Word],
        slop: u32,
        highlight: bool,
        optional: bool,
    ) -> Box<dyn Query> {
        if ws.len() == 1 {
            return self.word(&ws[0], highlight, optional);
        }
        let first = ws[0].position;
        let mut stems = Vec::with_capacity(ws.len());
        let mut exacts = Vec::with_capacity(ws.len());
        let mut keys = Vec::with_capacity(ws.len());
        for w in ws {
            let offset = w.position - first;
            let stem = self.terms.stem(&w.exact);
            if highlight && slop > 0 {
                // With slack the words may stand apart: mark each wherever it stands.
                self.highlight_word(w, &stem);
            }
            keys.push((
                offset,
                match self.matching {
                    Matching::Stemmed => stem.clone(),
                    Matching::Exact => w.exact.clone(),
                },
            ));
            stems.push((offset, Term::from_field_text(self.fields.text, &stem)));
            // Function words ("der", "in") have the longest postings there are, and rewarding
            // their form tells nothing: they are left out of the reward.
            if self.matching == Matching::Exact
                || (!is_stop_word(&w.exact) && exacts.len() < MAX_PHRASE_REWARDS)
            {
                exacts.push(w.exact.as_str());
            }
        }
        if highlight && slop == 0 {
            self.highlighter.phrases.push(keys);
        }
        // Positions are kept for stems only (the exact field would double their size): the
        // phrase is matched on stems, and the exact forms of its words are required (--exact)
        // or, but for function words, rewarded.
        match self.matching {
            Matching::Exact => {
                let phrase: Box<dyn Query> =
                    Box::new(PhraseQuery::new_with_offset_and_slop(stems, slop));
                let mut clauses = vec![(TOccur::Must, phrase)];
                clauses.extend(exacts.into_iter().map(|exact| {
                    let query = Self::term_query(self.fields.exact, exact);
                    (TOccur::Must, Self::boosted(query, EXACT_BOOST))
                }));
                Box::new(BooleanQuery::new(clauses))
            }
            Matching::Stemmed => Box::new(RankedPhrase::new(
                stems,
                slop,
                exacts
                    .into_iter()
                    .map(|exact| (Term::from_field_text(self.fields.exact, exact), EXACT_BOOST))
                    .collect(),
            )),
        }
    }

    /// Words typed without quotes: each word on its own; a hyphenated compound as the whole
    /// word or its parts in order ("KI-Strategie" finds "KI-Strategie" and "KI Strategie").
    /// Words already in `seen` (by occurrence, exact form and capital, which decides whether
    /// a word is split as a compound noun) are left out.
    fn free_words(
        &mut self,
        ws: &[Word],
        occur: Occur,
        drop_stop_words: bool,
        seen: &mut HashSet<(Occur, String, bool)>,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out = Vec::new();
        let mut i = 0;
        let highlight = occur != Occur::MustNot;
        while i < ws.len() {
            let word = &ws[i];
            if !seen.insert((occur, word.exact.clone(), word.capitalized)) {
                // Skips a repeated compound's parts along with it.
                i = ws[i + 1..]
                    .iter()
                    .position(|w| w.start >= word.end)
                    .map_or(ws.len(), |p| i + 1 + p);
                continue;
            }
            if word.is_hyphen_compound {
                let parts_end = ws[i + 1..]
                    .iter()
                    .position(|w| w.start >= word.end)
                    .map_or(ws.len(), |p| i + 1 + p);
                let parts = &ws[i + 1..parts_end];
                let optional = occur == Occur::Should;
                let whole = self.word(word, highlight, optional);
                // A query cut at its length limit may keep a compound without its parts.
                if parts.is_empty() {
                    out.push((occur, whole));
                    i = parts_end;
                    continue;
                }
                let phrase = self.phrase(parts, 0, highlight, optional);
                out.push((occur, Self::any_of(vec![whole, phrase])));
                // Each part on its own counts a little too: "NTL-Dienste" is about NTL. Not
                // when only the word as written is asked for. Marked where it stands, as it
                // may be all that a hit holds of the word.
                if occur == Occur::Should && self.matching == Matching::Stemmed {
                    for part in parts.iter().filter(|w| !is_stop_word(&w.exact)) {
                        let query = self.word(part, highlight, true);
                        out.push((Occur::Should, Self::boosted(query, PART_BOOST)));
                    }
                }
                i = parts_end;
                continue;
            }
            // Only optional words are dropped: a function word the user requires or excludes
            // ("+zwischen", "-ohne") is searched as asked.
            if !(drop_stop_words && occur == Occur::Should && is_stop_word(&word.exact)) {
                if occur == Occur::Should {
                    // Flat, so that tantivy can prune with block-max WAND over plain term
                    // scorers; the scores add up the same as nested.
                    for query in self.word_alternatives(word, highlight, true) {
                        out.push((Occur::Should, query));
                    }
                } else {
                    let query = self.word(word, highlight, false);
                    out.push((occur, query));
                }
            }
            i += 1;
        }
        out
    }

    /// Words starting with `prefix`, an analysed word's exact form (never empty): each one
    /// scored as a word is (see [`prefixed_words`]), or, where the prefix stands for more than
    /// [`MAX_PREFIX_WORDS`] words, all with one constant score.
    fn prefix(&mut self, typed: &str) -> Result<Box<dyn Query>> {
        let (prefix, words) = indexed_prefix(self.searcher, self.fields.exact, typed)?;
        let prefix = &prefix;
        self.highlighter.prefixes.push(prefix.to_owned());
        if let Some(words) = words {
            // Each word weighs as the most common of them: the words stand for one word the
            // user did not finish typing, and a passage holding a rare one ("Arbeitszeit-
            // ausfall") is not worth more than one holding the common one ("Arbeitszeit").
            let max_doc = passages_counted(self.searcher);
            let idfs = words
                .iter()
                .map(|(_, doc_freq)| rank::idf(*doc_freq, max_doc))
                .collect::<Vec<f32>>();
            let common = idfs.iter().copied().fold(f32::INFINITY, f32::min);
            let queries = words
                .iter()
                .zip(idfs)
                .map(|((word, _), idf)| {
                    let query = Self::term_query(self.fields.exact, word);
                    if common > 0.0 && idf > 0.0 {
                        Self::boosted(query, common / idf)
                    } else {
                        query
                    }
                })
                .collect();
            // And the passage scores as for one word, its best form's, plus a little for
            // each other form: three forms in it are not three words of the query.
            return Ok(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                queries,
                PREFIX_OTHER_FORMS,
            )));
        }
        let pattern = format!("{}.*", escape_regex(prefix));
        let query = RegexQuery::from_pattern(&pattern, self.fields.exact)
            .with_context(|| format!("cannot search for words starting with {prefix:?}"))?;
        Ok(Box::new(query))
    }
}

/// For a query word that occurs nowhere in the index (not as a stem, an exact form, a title
/// word or through its compound parts), the edit distance within which to look for what was
/// meant: 1 from five letters on, 2 from nine. Numbers and short words are never corrected.
fn typo_distance(
    searcher: &Searcher,
    fields: &Fields,
    word: &Word,
    stem: &str,
    parts: &[String],
) -> Option<usize> {
    let letters = word.exact.chars().count();
    if letters < MIN_TYPO_CHARS || word.exact.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let known = |field, text: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, text))
            .map_or(true, |df| df > 0)
    };
    // A compound found nowhere as a whole is found by its parts if every part is known; if
    // one is not, the split was likely a typo's ("Verordung" into "veror" and "dung").
    if known(fields.text, stem)
        || known(fields.exact, &word.exact)
        || known(fields.title_terms, stem)
        || (!parts.is_empty() && parts.iter().all(|part| known(fields.text, part)))
    {
        return None;
    }
    Some(rank::typo_edits(letters))
}

/// Most spellings with "ae", "oe", "ue" or "ss" that [`indexed_spelling`] tries: all
/// combinations of up to four such pairs.
const MAX_RESPELLED_PAIRS: usize = 4;

/// For an exact form the index does not know, typed without umlauts or ß ("behoerde",
/// "strasse"), the spelling with umlauts or ß that it knows best ("behörde", "straße"). Stems
/// meet either way, but the exact form is what ranks a whole word above its compounds and
/// the form asked for above the others, and "Strasse" typed on a Swiss keyboard means
/// "Straße". A form the index knows is left as typed: "Masse" and "Maße" are two words.
fn indexed_spelling(searcher: &Searcher, field: Field, exact: &str) -> Option<String> {
    let doc_freq = |text: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, text))
            .unwrap_or(0)
    };
    let respelled = respellings(exact);
    if respelled.is_empty() || doc_freq(exact) > 0 {
        return None;
    }
    respelled
        .into_iter()
        .map(|spelling| (doc_freq(&spelling), spelling))
        .filter(|&(df, _)| df > 0)
        .max_by_key(|&(df, _)| df)
        .map(|(_, spelling)| spelling)
}

/// Indexed words a prefix stands for (see [`prefixed_words`]).
type PrefixedWords = Option<Vec<(String, u64)>>;

/// The prefix as the index spells its words, with those words: as typed, or, if no indexed
/// word starts with it, with umlauts or ß for "ae", "oe", "ue" or "ss", the spelling whose
/// words are the most common ("Strass*" for "Straße", "Gruesse*" for "Grüße"; as
/// [`indexed_spelling`] picks a whole word's).
fn indexed_prefix(
    searcher: &Searcher,
    field: Field,
    typed: &str,
) -> Result<(String, PrefixedWords)> {
    let words = prefixed_words(searcher, field, typed)?;
    if words.as_ref().is_none_or(|words| !words.is_empty()) {
        return Ok((typed.to_owned(), words));
    }
    let mut best: Option<(u64, String, PrefixedWords)> = None;
    for spelling in respellings(typed) {
        let words = prefixed_words(searcher, field, &spelling)?;
        // More words than are scored one by one: more than any list of them.
        let weight = words.as_ref().map_or(u64::MAX, |words| {
            words.iter().map(|(_, doc_freq)| doc_freq).sum()
        });
        if weight > 0 && best.as_ref().is_none_or(|(most, ..)| weight > *most) {
            best = Some((weight, spelling, words));
        }
    }
    Ok(
        best.map_or((typed.to_owned(), words), |(_, spelling, words)| {
            (spelling, words)
        }),
    )
}

/// The other spellings of `exact` with umlauts or ß for its first [`MAX_RESPELLED_PAIRS`]
/// pairs of "ae", "oe", "ue" or "ss": every combination.
fn respellings(exact: &str) -> Vec<String> {
    let pairs: Vec<(usize, &str)> = respellable_pairs(exact)
        .into_iter()
        .take(MAX_RESPELLED_PAIRS)
        .collect();
    (1..1u32 << pairs.len())
        .map(|chosen| {
            let mut spelling = String::with_capacity(exact.len());
            let mut at = 0;
            for (i, &(start, letter)) in pairs.iter().enumerate() {
                if chosen & (1 << i) != 0 {
                    spelling.push_str(&exact[at..start]);
                    spelling.push_str(letter);
                    at = start + 2;
                }
            }
            spelling.push_str(&exact[at..]);
            spelling
        })
        .collect()
}

/// Where `exact` has "ae", "oe", "ue" or "ss" (not overlapping, from the left), with the
/// letter each may stand for.
fn respellable_pairs(exact: &str) -> Vec<(usize, &'static str)> {
    let bytes = exact.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let letter = match (bytes[i], bytes[i + 1]) {
            (b'a', b'e') => Some("ä"),
            (b'o', b'e') => Some("ö"),
            (b'u', b'e') => Some("ü"),
            (b's', b's') => Some("ß"),
            _ => None,
        };
        match letter {
            Some(letter) => {
                pairs.push((i, letter));
                i += 2;
            }
            None => i += 1,
        }
    }
    pairs
}

/// The passages of the index as tantivy counts them for document frequencies and token
/// totals: deleted ones included, so that after an update no word looks commoner than there
/// are passages (an IDF of 0 would flatten every score).
fn passages_counted(searcher: &Searcher) -> u64 {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| u64::from(segment.max_doc()))
        .sum()
}

/// Share of its score that each form of a prefix adds beyond a passage's best one.
const PREFIX_OTHER_FORMS: f32 = 0.1;

/// Most words a prefix may stand for and still be scored word by word.
const MAX_PREFIX_WORDS: usize = 64;

/// The indexed words of `field` that start with `prefix`, with their document frequencies,
/// or `None` if there are more than [`MAX_PREFIX_WORDS`]. Scored each by BM25, they rank a
/// passage by how often it holds them, as any word is ranked, and weigh as much as the
/// query's other words: tantivy's prefix query gives every passage the score 1, which left
/// "Arbeitszeit*" in index order and "Ruhepause* Arbeitnehmer" ranked by "Arbeitnehmer" alone.
fn prefixed_words(searcher: &Searcher, field: Field, prefix: &str) -> Result<PrefixedWords> {
    let mut words = std::collections::BTreeMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field).context("search failed")?;
        let mut stream = index
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .context("search failed")?;
        while stream.advance() {
            let Some(word) = std::str::from_utf8(stream.key())
                .ok()
                .filter(|word| word.starts_with(prefix))
            else {
                break;
            };
            if words.len() == MAX_PREFIX_WORDS && !words.contains_key(word) {
                return Ok(None);
            }
            *words.entry(word.to_owned()).or_insert(0) += u64::from(stream.value().doc_freq);
        }
    }
    Ok(Some(words.into_iter().collect()))
}

/// Escapes every regex meta character of tantivy-fst's regex syntax.
fn escape_regex(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    for c in literal.chars() {
        if "\\.+*?()|[]{}^$#&-~\"".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A query ready to run: the tantivy query, what to highlight, and for plain free-text
/// queries of several words, what [`rank`] needs to re-rank the candidates.
struct Plan {
    /// The query run for the page, unless the plan re-ranks: its candidates come from the
    /// per-word queries of `rerank` (this one still decides whether anything is searched).
    query: Box<dyn Query>,
    /// For a bare compound, the query without its parts, tried first.
    whole_words: Option<Box<dyn Query>>,
    highlighter: Highlighter,
    rerank: Option<Rerank>,
    /// Whether function words of the free text were left out (see [`FunctionWords`]).
    drops_function_words: bool,
}

/// Whether the function words of free text ("Was ist …?") are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FunctionWords {
    /// Left out when a content word remains: they match nearly every passage and would
    /// only blur the ranking.
    Drop,
    /// Searched too: the second try when the content words match nothing at all ("Was ist
    /// Sepsis?" where no passage says "Sepsis"), so a question still gets the passages that
    /// share its other words, each with those words highlighted.
    Keep,
}

/// A free-text query of several content words, for re-ranking.
struct Rerank {
    /// The content words (parts of hyphenated words count as words).
    words: Vec<Word>,
    /// What matches each of the words, as in the query: the candidates are gathered word
    /// by word (see [`candidates`]).
    per_word: Vec<Box<dyn Query>>,
    /// The same with every compound part, where common ones were left out of `per_word`:
    /// the candidates where those leave the page short.
    every_part: Option<Vec<Box<dyn Query>>>,
    /// For each word found nowhere in the index, the edit distance of its stand-ins.
    typo_distances: Vec<Option<usize>>,
    /// For each word, the hyphenated words it is a part of.
    wholes: Vec<Vec<Whole>>,
}

/// A query clause, how it occurs, and its analysed words.
type ClauseWords<'a> = (Occur, &'a Clause, Vec<Word>);

/// The words of each clause that has any, within the query's first [`MAX_QUERY_WORDS`], and
/// how many words beyond those were left out: a pasted document is not a query, so time and
/// memory stay bounded whatever the input, and the user is told what was not searched.
fn clause_words(parsed: &ParsedQuery) -> (Vec<ClauseWords<'_>>, usize) {
    let mut budget = MAX_QUERY_WORDS;
    let mut left_out = 0;
    // A word repeated among free words costs nothing: it counts once in the query anyway.
    let mut counted: HashSet<(Occur, String)> = HashSet::new();
    let analyzed = parsed
        .clauses
        .iter()
        .map(|(occur, clause)| {
            let text = match clause {
                Clause::Words(t) | Clause::Prefix(t) | Clause::Phrase { text: t, .. } => t,
            };
            let mut ws = words(text);
            if matches!(clause, Clause::Words(_)) {
                ws.retain(|w| {
                    let key = (*occur, w.exact.clone());
                    if counted.contains(&key) {
                        return true;
                    }
                    if budget == 0 {
                        left_out += 1;
                        return false;
                    }
                    budget -= 1;
                    counted.insert(key);
                    true
                });
            } else {
                // A phrase is cut, not thinned: its words must stay in a row.
                left_out += ws.len().saturating_sub(budget);
                ws.truncate(budget);
                budget -= ws.len();
            }
            (*occur, clause, ws)
        })
        .filter(|(_, _, ws)| !ws.is_empty())
        .collect();
    (analyzed, left_out)
}

/// How many words of `input` are beyond the [`MAX_QUERY_WORDS`] that a search reads, so that
/// the caller can say so (0 for any query a person types).
pub fn words_left_out(input: &str) -> usize {
    // Each word (a hyphenated one's parts too) takes a byte at least: a query no longer than
    // the limit is not parsed a second time.
    if input.len() <= MAX_QUERY_WORDS {
        return 0;
    }
    clause_words(&parse(input)).1
}

/// Builds the tantivy query for a user query, with what to highlight and how to re-rank.
fn build(
    input: &str,
    index: &OpenIndex,
    matching: Matching,
    terms: &mut TermCache,
    function_words: FunctionWords,
) -> Result<Plan> {
    let parsed = parse(input);
    let fields = &index.fields;
    let mut builder = Builder {
        fields,
        searcher: &index.searcher,
        matching,
        terms,
        highlighter: Highlighter {
            exact_keys: matching == Matching::Exact,
            ..Highlighter::default()
        },
        typo_budget: MAX_TYPO_WORDS,
        typos: HashMap::new(),
        parts: Parts::Together,
        has_parts: false,
        excluding: false,
        left_out_common_part: false,
        title_bonus: false,
    };

    let (mut analyzed, _) = clause_words(&parsed);
    for (_, clause, ws) in &mut analyzed {
        if !matches!(clause, Clause::Prefix(_)) {
            for word in ws.iter_mut() {
                if let Some(spelling) = indexed_spelling(&index.searcher, fields.exact, &word.exact)
                {
                    word.exact = spelling;
                }
            }
        }
    }
    // Optional function words are dropped from free text only if some other word is searched:
    // a content word, or a word the user requires.
    let has_content_word = analyzed.iter().any(|(occur, clause, ws)| {
        *occur == Occur::Must
            || (*occur == Occur::Should
                && (!matches!(clause, Clause::Words(_))
                    || ws.iter().any(|w| !is_stop_word(&w.exact))))
    });
    let drop_function_words = has_content_word && function_words == FunctionWords::Drop;
    let drops_some = drop_function_words
        && analyzed.iter().any(|(occur, clause, ws)| {
            *occur == Occur::Should
                && matches!(clause, Clause::Words(_))
                && ws.iter().any(|w| is_stop_word(&w.exact))
        });

    let free_text_only = matching == Matching::Stemmed
        && analyzed.iter().all(|(occur, clause, _)| {
            *occur == Occur::Should && matches!(clause, Clause::Words(_))
        });
    // Free text of two or more content words is re-ranked.
    // Each content word, with the hyphenated words it is a part of (exact forms).
    let rerank_words = free_text_only.then(|| {
        let mut content: Vec<(Word, Vec<String>)> = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (_, _, ws) in &analyzed {
            let mut compound: Option<&Word> = None;
            for w in ws {
                if w.is_hyphen_compound {
                    compound = Some(w);
                    continue;
                }
                if drop_function_words && is_stop_word(&w.exact) {
                    continue;
                }
                // A word typed twice counts once, a part of each hyphenated word it is in.
                let at = *seen.entry(&w.exact).or_insert_with(|| {
                    content.push((w.clone(), Vec::new()));
                    content.len() - 1
                });
                if let Some(c) = compound.filter(|c| w.start >= c.start && w.end <= c.end) {
                    if !content[at].1.contains(&c.exact) {
                        content[at].1.push(c.exact.clone());
                    }
                }
            }
        }
        content
    });
    let rerank_words = rerank_words.filter(|ws| ws.len() >= 2);
    if rerank_words.is_some() || drops_some {
        builder.parts = Parts::Apart;
    }
    builder.title_bonus = rerank_words.is_some();
    let query = builder.query(&analyzed, drop_function_words)?;
    if !query.iter().any(|(occur, _)| *occur != TOccur::MustNot) {
        return Err(NothingToSearch(input.to_owned()).into());
    }
    // A bare compound runs first as its whole word, where tantivy can skip through the
    // postings (block-max WAND over plain terms); passages holding all its parts fill the
    // page only if that leaves room.
    let whole_words = if free_text_only && builder.has_parts && builder.parts == Parts::Together {
        // The same words again: what to highlight is known already.
        let highlighter = std::mem::take(&mut builder.highlighter);
        builder.parts = Parts::Ignored;
        let query = builder.query(&analyzed, drop_function_words)?;
        builder.parts = Parts::Together;
        builder.highlighter = highlighter;
        Some(Box::new(BooleanQuery::new(query)) as Box<dyn Query>)
    } else {
        None
    };
    let rerank = rerank_words.map(|content| {
        let (ws, wholes): (Vec<Word>, Vec<Vec<String>>) = content.into_iter().unzip();
        let wholes: Vec<Vec<Whole>> = wholes
            .into_iter()
            .map(|exacts| {
                exacts
                    .into_iter()
                    .map(|exact| Whole {
                        stem: builder.terms.stem(&exact),
                        exact,
                    })
                    .collect()
            })
            .collect();
        let per_word = |builder: &mut Builder, parts: Parts| -> Vec<Box<dyn Query>> {
            let before = std::mem::replace(&mut builder.parts, parts);
            let queries = ws
                .iter()
                .zip(&wholes)
                .map(|(w, wholes)| {
                    // The compound written closed (or hyphenated elsewhere) holds the part too.
                    let mut alternatives = vec![builder.word(w, false, true)];
                    alternatives.extend(
                        wholes
                            .iter()
                            .map(|whole| Builder::term_query(fields.text, &whole.stem)),
                    );
                    Builder::any_of(alternatives)
                })
                .collect();
            builder.parts = before;
            queries
        };
        let rare_parts = per_word(&mut builder, Parts::Rare);
        let every_part = builder
            .left_out_common_part
            .then(|| per_word(&mut builder, Parts::Apart));
        // Every word went through `word` just above, so these are answered from memory.
        let typo_distances = ws
            .iter()
            .map(|w| builder.typos.get(&w.exact).copied().flatten())
            .collect();
        Rerank {
            per_word: rare_parts,
            every_part,
            typo_distances,
            words: ws,
            wholes,
        }
    });
    Ok(Plan {
        query: combined(query),
        whole_words,
        highlighter: builder.highlighter,
        rerank,
        drops_function_words: drops_some,
    })
}

/// The clauses of a query as one query. A lone phrase is run as it is: its own top-n search
/// (see [`RankedPhrase`]) is faster than what tantivy's `BooleanQuery` around it would do.
/// Other lone clauses stay wrapped, which keeps their scores and pages as they were (a lone
/// union of terms would otherwise be pruned with block-max WAND, whose pages can differ on
/// an index of several segments).
fn combined(mut clauses: Vec<(TOccur, Box<dyn Query>)>) -> Box<dyn Query> {
    match clauses.as_slice() {
        [(TOccur::Must | TOccur::Should, query)] if query.is::<RankedPhrase>() => {
            clauses.remove(0).1
        }
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

/// Share of the passages beyond which a compound part gathers no candidates (see
/// [`Builder::is_common_part`]). Measured on 100 MB of laws, 20 three-word queries in one
/// process (p50 / p95): all parts 1.15 / 2.35 ms; parts in at most 10 % of the passages
/// 1.14 / 2.30 ms; 3 %: 0.97 / 1.55 ms; 1 %: 0.55 / 1.45 ms; 0.5 %: 0.47-0.51 / 1.17-1.24 ms;
/// 0.2 %: 0.41 / 1.25 ms. XQuAD MRR@10 (dev / with the laws, 79,110 passages, shares applied
/// without [`MIN_COMMON_PART_PASSAGES`]): all parts, 10 % and 3 % 0.943 / 0.903; 1 % and
/// 0.5 % 0.942 / 0.903; 0.2 % 0.942 / 0.904; without any part 0.942 / 0.898.
const COMMON_PART_SHARE: f64 = 0.005;

/// Fewest passages a part must be in to be common: a short list costs nothing to walk, and
/// in a small collection every part is in a good share of the passages.
const MIN_COMMON_PART_PASSAGES: u64 = 1_000;

/// How long each of the re-ranker's two candidate lists is (see [`candidates`]): enough to
/// reach past BM25's length bias, few enough to keep the reading and scoring of candidates
/// under a millisecond.
const RERANK_CANDIDATES: usize = 40;

/// How many passages tied with a candidate list's last may join it (see [`candidates`]).
const TIED_CANDIDATES: usize = 40;

/// Runs one query against an open index and returns at most `limit` ranked passages.
pub fn search(
    index: &OpenIndex,
    input: &str,
    limit: usize,
    matching: Matching,
) -> Result<Vec<Hit>> {
    let terms = &mut *index.terms.borrow_mut();
    let mut plan = build(input, index, matching, terms, FunctionWords::Drop)?;
    if limit == 0 || index.searcher.num_docs() == 0 {
        return Ok(Vec::new());
    }
    let mut ranked = top_passages(index, &plan, limit, terms)?;
    if ranked.is_empty() && plan.drops_function_words {
        plan = build(input, index, matching, terms, FunctionWords::Keep)?;
        ranked = top_passages(index, &plan, limit, terms)?;
    }
    let fields = &index.fields;
    let hits = ranked
        .into_iter()
        .enumerate()
        .map(|(rank, (score, _, doc))| {
            let text = stored_text(&doc, fields.text).to_owned();
            let ((highlights, whole_matches), corrections) = plan.highlighter.ranges(&text, terms);
            Hit {
                rank: rank + 1,
                score,
                path: stored_text(&doc, fields.path).to_owned(),
                paragraph: stored_u64(&doc, fields.ordinal),
                line_start: stored_u64(&doc, fields.line_start),
                line_end: stored_u64(&doc, fields.line_end),
                title: stored_text(&doc, fields.title).to_owned(),
                highlights,
                whole_matches,
                corrections,
                text,
            }
        })
        .collect();
    Ok(hits)
}

/// The top `limit` passages of a plan, re-ranked if it asks for it.
fn top_passages(
    index: &OpenIndex,
    plan: &Plan,
    limit: usize,
    terms: &mut TermCache,
) -> Result<Vec<(f32, DocAddress, TantivyDocument)>> {
    if let Some(rerank) = &plan.rerank {
        // Without compound parts in the index, the bounds would miss matches of parts.
        let bounds = if index.compound_parts {
            Bounds::PassOver
        } else {
            Bounds::ScoreAll
        };
        return reranked(index, rerank, limit, terms, bounds);
    }
    let Some(whole_words) = &plan.whole_words else {
        return with_stored(index, top_docs(index, plan.query.as_ref(), limit)?);
    };
    let mut found = top_docs(index, whole_words.as_ref(), limit)?;
    if found.len() < limit {
        // Every whole-word passage is in `found`: the rest of the page comes from the passages
        // holding all the parts, ranked below them whatever their own score, which is shown
        // no higher than the last whole-word score so that scores fall down the page.
        let floor = found.last().map_or(f32::INFINITY, |&(score, _)| score);
        let seen: HashSet<DocAddress> = found.iter().map(|&(_, address)| address).collect();
        let room = limit - found.len();
        let fill = top_docs(index, plan.query.as_ref(), limit)?
            .into_iter()
            .filter(|(_, address)| !seen.contains(address))
            .take(room)
            .map(|(score, address)| (score.min(floor), address));
        found.extend(fill);
    }
    with_stored(index, found)
}

/// The top `limit` passages of `query` by tantivy's score.
fn top_docs(index: &OpenIndex, query: &dyn Query, limit: usize) -> Result<Vec<(f32, DocAddress)>> {
    index
        .searcher
        .search(query, &TopDocs::with_limit(limit).order_by_score())
        .context("search failed")
}

/// Ranked passages with their stored fields, read once each.
fn with_stored(
    index: &OpenIndex,
    ranked: Vec<(f32, DocAddress)>,
) -> Result<Vec<(f32, DocAddress, TantivyDocument)>> {
    ranked
        .into_iter()
        .map(|(score, address)| {
            let doc = index
                .searcher
                .doc(address)
                .context("cannot read a stored passage")?;
            Ok((score, address, doc))
        })
        .collect()
}

/// Candidates for the re-ranker: the `depth` passages that score best for the words
/// together, and the `depth` best of those that match at least two of the words' queries —
/// the passages BM25's length penalty would push off the first page though they match the
/// question as a whole. One walk through the words' postings finds both, where a top-`depth`
/// query and tantivy's minimum-should-match query (which walks every posting again, through
/// a heap) took two: 600 three-word queries at 100 MB in one `--batch` take 0.83–0.90 s
/// instead of 0.96–1.08 s, with the same pages for all 200 of them, and the dev questions'
/// MRR@10 is unchanged. Each word counts once, as in the re-ranker's score: the old top-`depth`
/// query counted a word typed twice twice, so such a query's page could differ.
///
/// Passages with the same score as a list's last join it (up to [`TIED_CANDIDATES`]): cut
/// by index order, which two builds of the same files differ in, one build re-ranked a
/// passage to third place that the other never saw.
fn candidates(
    index: &OpenIndex,
    per_word: &[Box<dyn Query>],
    depth: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let searcher = &index.searcher;
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let weights = per_word
        .iter()
        .map(|query| query.weight(scoring))
        .collect::<tantivy::Result<Vec<_>>>()
        .context("search failed")?;
    let kept = depth + TIED_CANDIDATES;
    let mut best = TopScores::new_with_comparator(kept, NaturalComparator);
    let mut best_together = TopScores::new_with_comparator(kept, NaturalComparator);
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let mut scorers = weights
            .iter()
            .map(|weight| weight.scorer(segment, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()
            .context("search failed")?;
        // Where each word's scorer stands, so that finding the next passage is a scan of
        // a few numbers.
        let mut docs: Vec<DocId> = scorers.iter().map(|scorer| scorer.doc()).collect();
        let alive = segment.alive_bitset();
        loop {
            let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                break;
            }
            let mut score = 0.0;
            let mut words = 0;
            for (scorer, at) in scorers.iter_mut().zip(docs.iter_mut()) {
                if *at == doc {
                    score += scorer.score();
                    words += 1;
                    *at = scorer.advance();
                }
            }
            if alive.is_some_and(|alive| !alive.is_alive(doc)) {
                continue;
            }
            let address = DocAddress::new(ordinal as u32, doc);
            best.push(score, address);
            if words >= 2 {
                best_together.push(score, address);
            }
        }
    }
    let mut found = with_ties(best_first(best), depth);
    let seen: HashSet<DocAddress> = found.iter().map(|&(_, address)| address).collect();
    found.extend(
        with_ties(best_first(best_together), depth)
            .into_iter()
            .filter(|(_, address)| !seen.contains(address)),
    );
    Ok(found)
}

/// The first `depth` of `ranked` (best first), and those after them with the same score as
/// the last of them.
fn with_ties(mut ranked: Vec<(f32, DocAddress)>, depth: usize) -> Vec<(f32, DocAddress)> {
    if ranked.len() > depth {
        let tied = depth.checked_sub(1).map_or(0, |last| {
            let last = ranked[last].0;
            ranked[depth..]
                .iter()
                .take_while(|&&(score, _)| score == last)
                .count()
        });
        ranked.truncate(depth + tied);
    }
    ranked
}

/// The `limit` best (score, passage) pairs of those pushed (in index order), best first and
/// ties to the earlier passage: tantivy's own top-n keeper, as its `TopDocs` uses it.
type TopScores = TopNComputer<f32, DocAddress, NaturalComparator>;

/// The pairs a [`TopScores`] kept, best first.
fn best_first(top: TopScores) -> Vec<(f32, DocAddress)> {
    top.into_sorted_vec()
        .into_iter()
        .map(|kept| (kept.sort_key, kept.doc))
        .collect()
}

/// Whether the re-ranker passes over candidates whose score bound cannot reach the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bounds {
    /// Read and score candidates best bound first, and stop where no bound reaches the
    /// page's last score: the same page as scoring all (a test compares them), from fewer
    /// passages read.
    PassOver,
    /// Score every candidate, unbounded: for an index without compound parts, whose
    /// matches of a part no term bounds, and what `PassOver` is checked against.
    ScoreAll,
}

/// Candidates (see [`candidates`]), re-scored by [`rank::score`].
///
/// Reading and segmenting the candidates is most of a re-ranked query's time, and most of
/// them cannot make the page: one that holds one word of three gets a third of the
/// coordination. So each candidate's score is bounded first from what the index knows of it
/// without reading it (see [`candidate_evidence`]), and candidates are scored best bound
/// first until no bound left reaches the page's last score. At 100 MB, the benchmark's 20
/// three-word queries read 563 of 1,013 candidates.
fn reranked(
    index: &OpenIndex,
    rerank: &Rerank,
    limit: usize,
    terms: &mut TermCache,
    bounds: Bounds,
) -> Result<Vec<(f32, DocAddress, TantivyDocument)>> {
    let depth = RERANK_CANDIDATES.max(limit);
    let searcher = &index.searcher;
    let fields = &index.fields;
    let num_docs = passages_counted(searcher);
    let mut tokens = 0u64;
    for segment in searcher.segment_readers() {
        tokens += segment.inverted_index(fields.text)?.total_num_tokens();
    }
    let average_length = tokens as f32 / num_docs.max(1) as f32;
    // A typo's stand-ins are rare words, not absent ones: document frequency at least 1.
    let idf_of = |stem: &str| -> Result<f32> {
        let doc_freq = searcher.doc_freq(&Term::from_field_text(fields.text, stem))?;
        Ok(rank::idf(doc_freq.max(1), num_docs))
    };
    let mut query_words = Vec::with_capacity(rerank.words.len());
    for ((word, &typo_distance), wholes) in rerank
        .words
        .iter()
        .zip(&rerank.typo_distances)
        .zip(&rerank.wholes)
    {
        let stem = terms.stem(&word.exact);
        let parts = terms
            .query_part_stems(word)
            .into_iter()
            .map(|stem| {
                Ok(QueryPart {
                    idf: idf_of(&stem)?,
                    stem,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        query_words.push(QueryWord {
            parts,
            idf: idf_of(&stem)?,
            exact: word.exact.clone(),
            stem,
            typo_distance,
            wholes: wholes.clone(),
        });
    }

    let stems: Vec<&str> = query_words.iter().map(|q| q.stem.as_str()).collect();
    // A passage word matches a query word by its stem, its parts or a typo; its stem can be
    // a query word's or a query part's only if it begins with it (see `may_stem_to_any`).
    let stems_and_parts: Vec<&str> = query_words.iter().flat_map(QueryWord::stems).collect();
    let typos = query_words.iter().any(|q| q.typo_distance.is_some());
    let mut verdicts = WordVerdicts::default();
    let mut analyse = |text: &str| -> (Vec<PassageWord>, usize) {
        relevant_words(
            text,
            &mut verdicts,
            |exact| may_contain_any(exact, &stems),
            |exact| typos || may_stem_to_any(exact, &stems_and_parts),
            |exact, stem, parts| rank::matches_any(&query_words, exact, stem, parts),
        )
    };
    let mut titles: HashMap<String, Vec<PassageWord>> = HashMap::new();
    let mut per_word = &rerank.per_word;
    loop {
        let found = candidates(index, per_word, depth)?;
        let mut order = Vec::with_capacity(found.len());
        match bounds {
            Bounds::PassOver => {
                let evidence = candidate_evidence(index, &query_words, &found)?;
                for (evidence, (_, address)) in evidence.into_iter().zip(found) {
                    let bound = rank::score_bound(&query_words, &evidence, average_length);
                    let titled = evidence.title_may_hold.contains(&true);
                    // No query word can match: the re-ranker would give it no score.
                    if bound > 0.0 {
                        order.push((bound, address, titled));
                    }
                }
                order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            }
            Bounds::ScoreAll => {
                order.extend(
                    found
                        .into_iter()
                        .map(|(_, address)| (f32::INFINITY, address, true)),
                );
            }
        }
        let mut scored = Vec::with_capacity(order.len().min(limit));
        // The best scores so far, best first, at most `limit`.
        let mut page: Vec<f32> = Vec::with_capacity(order.len().min(limit) + 1);
        for (bound, address, titled) in order {
            // The candidates left, bounded no higher, cannot reach the page.
            if page.len() == limit && bound * BOUND_SLACK < page[limit - 1] {
                break;
            }
            // Stored passages are read only now: for the candidates that may make the page.
            let doc = searcher
                .doc::<TantivyDocument>(address)
                .context("cannot read a stored passage")?;
            let text = stored_text(&doc, fields.text);
            let (passage, length) = analyse(text);
            let title = stored_text(&doc, fields.title);
            // A heading of the title is credited once, as a passage, not again as its title;
            // a title whose terms hold no query word's is no use either.
            let title_words = if !titled || is_title_heading(text, title) {
                &[][..]
            } else {
                // Analysed once per document, not per candidate.
                if !titles.contains_key(title) {
                    let (title_words, _) = analyse(title);
                    titles.insert(title.to_owned(), title_words);
                }
                &titles[title][..]
            };
            let Some(score) =
                rank::score(&query_words, &passage, title_words, length, average_length)
            else {
                continue;
            };
            debug_assert!(
                score <= bound * BOUND_SLACK,
                "{score} above its bound {bound}"
            );
            page.insert(page.partition_point(|&best| best >= score), score);
            page.truncate(limit);
            scored.push((score, address, doc));
        }
        // Ties keep index order, so results are stable from run to run.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(limit);
        // A page the rarer parts leave short is filled from every part.
        match &rerank.every_part {
            Some(every_part) if scored.len() < limit && !std::ptr::eq(per_word, every_part) => {
                per_word = every_part;
            }
            _ => return Ok(scored),
        }
    }
}

/// Room for rounding between a score's bound and the score, which sum the same terms in
/// another order: a candidate is passed over only if its bound falls short by more.
const BOUND_SLACK: f32 = 1.0 + 1e-4;

/// For each candidate, what the index tells of it without reading it (see
/// [`rank::Evidence`]):
/// - the frequency of every term a match of each query word puts in the stemmed field (its
///   stem, its compound parts, the hyphenated words it is part of), weighted by the most
///   such a match weighs;
/// - its length in exact forms, one per word and one more per hyphenated word, whose parts
///   are words too, so that its words are at least two thirds of them (tantivy keeps
///   lengths rounded down);
/// - which query words its title may hold: the same terms among the title terms of its
///   file, found through the file's first passage (see [`crate::index::Fields::file_start`]).
fn candidate_evidence(
    index: &OpenIndex,
    query: &[QueryWord],
    found: &[(f32, DocAddress)],
) -> Result<Vec<rank::Evidence>> {
    let fields = &index.fields;
    let mut stems: Vec<&str> = query.iter().flat_map(QueryWord::stems).collect();
    stems.sort_unstable();
    stems.dedup();
    let per_occurrence: Vec<Vec<f32>> = stems
        .iter()
        .map(|stem| query.iter().map(|q| rank::term_weight(q, stem)).collect())
        .collect();
    // A typo's stand-ins are whatever words lie close to it: no term bounds them.
    let typo: Vec<bool> = query.iter().map(|q| q.typo_distance.is_some()).collect();
    let mut evidence: Vec<rank::Evidence> = found
        .iter()
        .map(|_| rank::Evidence {
            weights: typo
                .iter()
                .map(|&typo| if typo { f32::INFINITY } else { 0.0 })
                .collect(),
            title_may_hold: typo.clone(),
            min_length: 0,
        })
        .collect();
    // Postings only move forward: each segment's candidates in index order.
    let mut in_order: Vec<usize> = (0..found.len()).collect();
    in_order.sort_by_key(|&i| found[i].1);
    for (ordinal, segment) in index.searcher.segment_readers().iter().enumerate() {
        let here: Vec<(usize, DocId)> = in_order
            .iter()
            .map(|&i| (i, found[i].1))
            .filter(|(_, address)| address.segment_ord as usize == ordinal)
            .map(|(i, address)| (i, address.doc_id))
            .collect();
        if here.is_empty() {
            continue;
        }
        let lengths = segment.get_fieldnorms_reader(fields.exact)?;
        let file_starts = match segment
            .fieldnorms_readers()
            .get_inner_file()
            .open_read(fields.file_start)
        {
            Some(lengths) => Some(lengths.read_bytes()?),
            None => None,
        };
        // Each candidate's title passage where known, in index order.
        let mut by_title: Vec<(DocId, usize)> = Vec::with_capacity(here.len());
        for &(i, doc) in &here {
            evidence[i].min_length = lengths.fieldnorm(doc) as usize * 2 / 3;
            let title = file_starts.as_ref().and_then(|lengths| {
                let start = file_start(lengths, doc)?;
                let length = FieldNormReader::id_to_fieldnorm(lengths[start as usize]);
                title_passage_offset(length).map(|offset| start + offset)
            });
            match title {
                Some(title) => by_title.push((title, i)),
                None => evidence[i].title_may_hold = vec![true; query.len()],
            }
        }
        by_title.sort_unstable();
        let text = segment.inverted_index(fields.text)?;
        let titles = segment.inverted_index(fields.title_terms)?;
        for (stem, weights) in stems.iter().zip(&per_occurrence) {
            if let Some(mut postings) = text.read_postings(
                &Term::from_field_text(fields.text, stem),
                IndexRecordOption::WithFreqs,
            )? {
                for &(i, doc) in &here {
                    let tf = term_freq(&mut postings, doc) as f32;
                    for (total, weight) in evidence[i].weights.iter_mut().zip(weights) {
                        *total += weight * tf;
                    }
                }
            }
            if let Some(mut postings) = titles.read_postings(
                &Term::from_field_text(fields.title_terms, stem),
                IndexRecordOption::WithFreqs,
            )? {
                for &(title, i) in &by_title {
                    if term_freq(&mut postings, title) > 0 {
                        for (may_hold, weight) in evidence[i].title_may_hold.iter_mut().zip(weights)
                        {
                            *may_hold |= *weight > 0.0;
                        }
                    }
                }
            }
        }
    }
    Ok(evidence)
}

/// The last passage up to `doc` that starts a file (or a later batch of a long one), from the
/// lengths of `file_start` (a byte per passage, 0 but where one starts): read eight at a
/// time, as a law has thousands of passages.
fn file_start(lengths: &[u8], doc: DocId) -> Option<DocId> {
    let mut end = (doc as usize + 1).min(lengths.len());
    while end >= 8 {
        let eight: [u8; 8] = lengths[end - 8..end].try_into().expect("eight bytes");
        if u64::from_ne_bytes(eight) != 0 {
            break;
        }
        end -= 8;
    }
    lengths[..end]
        .iter()
        .rposition(|&length| length != 0)
        .map(|start| start as DocId)
}

/// How often the term of `postings` occurs in `doc` (0 if not), for docs asked in rising
/// order.
fn term_freq(postings: &mut SegmentPostings, doc: DocId) -> u32 {
    if postings.doc() < doc {
        postings.seek(doc);
    }
    if postings.doc() == doc {
        postings.term_freq()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{self, Reading};
    use crate::indexer::{self, IndexConfig};

    /// A small deterministic corpus of German-like files: titles and passages holding some
    /// of a few words, their compounds, hyphenated forms and inflections, so that queries
    /// of two or three of them have many candidates holding one or two.
    fn write_corpus(dir: &std::path::Path, files: usize, seed: u64) {
        const WORDS: &[&str] = &[
            "Behörde",
            "Behörden",
            "Kommunikation",
            "Behördenkommunikation",
            "Kabinett",
            "Kabinette",
            "Sitzung",
            "Kabinettssitzung",
            "Strategie",
            "KI-Strategie",
            "Straße",
            "Verkehr",
            "Straßenverkehr",
            "Straßen-Verkehr",
            "Tier",
            "Tiere",
            "Tierschutz",
            "Eltern",
            "Elternzeit",
            "Gesetz",
            "Gesetzes",
            "Verordnung",
        ];
        const FILLER: &[&str] = &["und", "die", "der", "wird", "nach", "mit", "für", "eine"];
        let mut state = seed;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        for file in 0..files {
            let mut text = String::new();
            for _ in 0..1 + next(2) {
                text.push_str(WORDS[next(WORDS.len())]);
                text.push(' ');
            }
            text.push_str(&format!("Nr {file}\n\n"));
            for _ in 0..3 + next(12) {
                for _ in 0..1 + next(3) {
                    let mut sentence = vec!["Hier"];
                    for _ in 0..2 + next(12) {
                        sentence.push(if next(3) == 0 {
                            WORDS[next(WORDS.len())]
                        } else {
                            FILLER[next(FILLER.len())]
                        });
                    }
                    text.push_str(&sentence.join(" "));
                    text.push_str(". ");
                }
                text.push_str("\n\n");
            }
            std::fs::write(dir.join(format!("{file:03}.txt")), text).unwrap();
        }
    }

    /// A temporary folder with an empty folder `docs` in it (see [`index_of`]).
    fn docs_folder() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        (dir, docs)
    }

    /// Indexes (or updates the index of) `dir`'s folder `docs` into its folder `index`, and
    /// opens it.
    fn index_of(dir: &std::path::Path, split_compounds: bool) -> OpenIndex {
        let config = IndexConfig {
            paths: vec![dir.join("docs")],
            index_dir: dir.join("index"),
            split_compounds,
        };
        indexer::run(&config).unwrap();
        index::open(&config.index_dir, Reading::ManyQueries).unwrap()
    }

    /// Passing over candidates by their score bounds gives the page that scoring every
    /// candidate gives (same passages, scores and order), on an index of several segments
    /// with deleted passages, for queries with compounds, hyphenated words and typos; and no
    /// candidate scores above its bound (checked as it is scored, in debug builds).
    #[test]
    fn candidates_passed_over_by_their_bounds_could_not_have_made_the_page() {
        let (dir, docs) = docs_folder();
        write_corpus(&docs, 60, 1);
        index_of(dir.path(), true);
        // Rewritten files: their old passages are deleted, the new ones in another segment.
        write_corpus(&docs, 12, 2);
        let index = index_of(dir.path(), true);
        assert!(index.searcher.segment_readers().len() > 1);
        let queries = [
            "Behörde Kommunikation",
            "Behördenkommunikation Kabinett",
            "Kabinettssitzung Strategie Tier",
            "KI-Strategie Straße",
            "Straßenverkehr Eltern Gesetz",
            "Straßen-Verkehr Tierschutz",
            "Elternzeit Tier Verordnung",
            "Kabinette Sitzungen Verkehrs",
            "Verordnug Behörde",
            "Tiere Gesetzes Behörden Strategie",
        ];
        let mut reranked_queries = 0;
        for query in queries {
            for limit in [1, 3, 10] {
                reranked_queries += usize::from(passing_over_keeps_the_page(&index, query, limit));
            }
        }
        assert_eq!(reranked_queries, queries.len() * 3);
        assert!(index.compound_parts);
    }

    /// An index built without compound parts (only to measure what they gain) says so, and
    /// its candidates are all scored: no term would bound a match of a part.
    #[test]
    fn an_index_without_compound_parts_is_searched_unbounded() {
        let (dir, docs) = docs_folder();
        write_corpus(&docs, 20, 4);
        let index = index_of(dir.path(), false);
        assert!(!index.compound_parts);
        // Passing over by bounds would trip the check of each score against its bound.
        for query in [
            "Kabinettssitzung Strategie Tier",
            "Straßenverkehr Eltern Gesetz",
            "Elternzeit Tier Verordnung",
            "Tiere Gesetzes Behörden Strategie",
        ] {
            for limit in [1, 3, 10] {
                let hits = search(&index, query, limit, Matching::Stemmed).unwrap();
                assert!(!hits.is_empty(), "{query:?}");
            }
        }
    }

    /// A file of more passages than one batch holds goes to tantivy as several; the title
    /// of the later ones is unknown from their start, and still bounds their scores.
    #[test]
    fn a_file_longer_than_one_batch_is_bounded_with_its_title() {
        let (dir, docs) = docs_folder();
        let mut text = String::from("Kabinett Strategie\n\n");
        for i in 0..10_050 {
            let word = if i % 7 == 0 { "Behörde" } else { "Sitzung" };
            text.push_str(&format!("Hier {word} und Nr {i}.\n\n"));
        }
        std::fs::write(docs.join("lang.txt"), text).unwrap();
        write_corpus(&docs, 10, 3);
        let index = index_of(dir.path(), true);
        for query in [
            "Kabinett Sitzung Behörde",
            "Strategie Behörde",
            "Sitzung Verkehr",
        ] {
            assert!(passing_over_keeps_the_page(&index, query, 10), "{query:?}");
        }
    }

    /// For a re-ranked `query`, checks that passing over candidates by their bounds gives
    /// the page that scoring every candidate gives; false if `query` is not re-ranked.
    fn passing_over_keeps_the_page(index: &OpenIndex, query: &str, limit: usize) -> bool {
        let terms = &mut *index.terms.borrow_mut();
        let plan = build(query, index, Matching::Stemmed, terms, FunctionWords::Drop).unwrap();
        let Some(rerank) = &plan.rerank else {
            return false;
        };
        let mut page = |bounds| -> Vec<(f32, DocAddress)> {
            reranked(index, rerank, limit, &mut *terms, bounds)
                .unwrap()
                .into_iter()
                .map(|(score, address, _)| (score, address))
                .collect()
        };
        let all = page(Bounds::ScoreAll);
        assert!(!all.is_empty(), "{query:?}");
        assert_eq!(page(Bounds::PassOver), all, "{query:?}, limit {limit}");
        true
    }

    #[test]
    fn a_candidate_list_keeps_the_passages_tied_with_its_last() {
        let address = |doc| DocAddress::new(0, doc);
        let ranked = vec![
            (3.0, address(7)),
            (2.0, address(1)),
            (2.0, address(4)),
            (2.0, address(9)),
            (1.0, address(2)),
        ];
        let kept = |depth| -> Vec<DocId> {
            with_ties(ranked.clone(), depth)
                .into_iter()
                .map(|(_, address)| address.doc_id)
                .collect()
        };
        assert_eq!(kept(0), Vec::<DocId>::new());
        assert_eq!(kept(1), [7]);
        assert_eq!(kept(2), [7, 1, 4, 9]);
        assert_eq!(kept(4), [7, 1, 4, 9]);
        assert_eq!(kept(5), [7, 1, 4, 9, 2]);
        assert_eq!(kept(9), [7, 1, 4, 9, 2]);
    }

    /// More passages than a candidate list holds, all with the same score: all are candidates
    /// up to the tied ones' limit, not those that happen to come first in the index.
    #[test]
    fn passages_tied_at_the_candidates_cut_are_all_candidates() {
        let most = RERANK_CANDIDATES + TIED_CANDIDATES;
        for tied in [RERANK_CANDIDATES + 5, most + 5] {
            let (dir, docs) = docs_folder();
            let body: Vec<String> = (0..tied)
                .map(|_| "Die Behörde tagt im Saal.".to_owned())
                .collect();
            std::fs::write(docs.join("gleich.txt"), body.join("\n\n")).unwrap();
            let index = index_of(dir.path(), true);
            let terms = &mut *index.terms.borrow_mut();
            let plan = build(
                "Behörde Saal",
                &index,
                Matching::Stemmed,
                terms,
                FunctionWords::Drop,
            )
            .unwrap();
            let rerank = plan.rerank.as_ref().expect("two words are re-ranked");
            let found = candidates(&index, &rerank.per_word, RERANK_CANDIDATES).unwrap();
            assert_eq!(found.len(), tied.min(most));
            let scores: HashSet<u32> = found.iter().map(|(score, _)| score.to_bits()).collect();
            assert_eq!(scores.len(), 1, "{found:?}");
        }
    }

    #[test]
    fn a_passage_finds_the_start_of_its_file_however_far_back() {
        let mut lengths = vec![0u8; 40];
        lengths[0] = 1;
        lengths[3] = 2;
        lengths[30] = 1;
        let starts: Vec<Option<DocId>> = (0..40).map(|doc| file_start(&lengths, doc)).collect();
        assert_eq!(starts[0..3], [Some(0); 3]);
        assert_eq!(starts[3..30], [Some(3); 27]);
        assert_eq!(starts[30..40], [Some(30); 10]);
        lengths[0] = 0;
        assert_eq!(file_start(&lengths, 2), None);
        assert_eq!(file_start(&lengths, 100), Some(30));
    }

    #[test]
    fn pairs_that_may_stand_for_umlauts_or_eszett_are_found_from_the_left() {
        assert_eq!(respellable_pairs("strasse"), [(4, "ß")]);
        assert_eq!(respellable_pairs("aussenbehoerde"), [(2, "ß"), (9, "ö")]);
        assert_eq!(respellable_pairs("sssue"), [(0, "ß"), (3, "ü")]);
        assert!(respellable_pairs("kabinett").is_empty());
    }

    #[test]
    fn top_scores_keep_the_best_and_break_ties_to_the_earlier_passage() {
        let at = |doc| DocAddress::new(0, doc);
        let mut top = TopScores::new_with_comparator(3, NaturalComparator);
        for (score, doc) in [
            (1.0, 0),
            (5.0, 1),
            (2.0, 2),
            (5.0, 3),
            (0.5, 4),
            (2.0, 5),
            (3.0, 6),
        ] {
            top.push(score, at(doc));
        }
        assert_eq!(
            best_first(top),
            vec![(5.0, at(1)), (5.0, at(3)), (3.0, at(6))]
        );
        // Passages come in index order, as the walk pushes them.
        let mut ties = TopScores::new_with_comparator(2, NaturalComparator);
        for doc in [1, 2, 4, 9, 11] {
            ties.push(1.0, at(doc));
        }
        assert_eq!(best_first(ties), vec![(1.0, at(1)), (1.0, at(2))]);
    }
}
