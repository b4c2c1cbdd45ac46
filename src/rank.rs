//! Re-ranking of free-text queries: a second look at the best candidates, scored for what a
//! person means by "the passage that answers this".
//!
//! tantivy's BM25 (k1 = 1.2, b = 0.75, fixed) punishes length hard. Passages differ in length
//! by two orders of magnitude — a one-word heading of a law beside a 200-word paragraph of an
//! article — and with b = 0.75 the heading that holds one question word outranks the paragraph
//! that holds all of them. Re-scoring the candidates with
//! - a milder length normalisation (`B`),
//! - coordination: the share of the query's weight (IDF) that the passage covers, and
//! - proximity: query words standing close together,
//!
//! ranks the passage that matches the question as a whole. Pure functions: the searcher supplies
//! the candidates' words and the collection statistics.

use crate::analysis::PassageWord;

/// BM25 saturation, as tantivy's.
const K1: f32 = 1.2;
/// BM25 length normalisation: milder than tantivy's 0.75 (see the module comment).
const B: f32 = 0.3;
/// Extra weight of a word in its exact form, on top of its stem match: an occurrence of the
/// form asked for counts twice one of another form of the same stem. Stemming conflates more
/// than inflection ("Lehrte" the town and "lehrte", "Sänger" and "sang"); the exact form is
/// the stronger evidence (XQuAD + laws: MRR@10 0.892 at 0.3, 0.900 at 1.0).
const EXACT_WEIGHT: f32 = 1.0;
/// Weight of a query word found as part of a compound in the passage.
const PART_WEIGHT: f32 = 0.6;
/// Weight of a query compound's part found as a word in the passage.
const QUERY_PART_WEIGHT: f32 = 0.4;
/// Weight of a passage word standing in for a query word that the index does not know (a
/// typo): below any real match.
const TYPO_WEIGHT: f32 = 0.8;
/// Stems shorter than this are not compared for typos, nor looked up as such.
pub const MIN_TYPO_STEM_CHARS: usize = 5;
/// From this length on, a typo may be two edits away from the word it stands for.
const TWO_TYPOS_CHARS: usize = 9;

/// How many edits a word of `letters` letters may be from the word it was meant as: one, or
/// two for a long word. A stem is shorter than its word, and is allowed by its own length:
/// two edits on the six letters of "verord" (of "Verordung") reach "behord".
pub fn typo_edits(letters: usize) -> usize {
    if letters >= TWO_TYPOS_CHARS {
        2
    } else {
        1
    }
}
/// Weight of a query word found in the document title, relative to the passage.
const TITLE_WEIGHT: f32 = 0.3;
/// Weight of a passage's match of a query word that its document's title holds too. Every
/// passage of that document is about the title's words, and gets [`TITLE_WEIGHT`] for them:
/// finding such a word again in a passage says little about which of the document's passages
/// answers, while the question's other words do ("Wer sang die Nationalhymne beim Super Bowl
/// 50?" in the article "Super Bowl 50"). XQuAD dev MRR@10 0.940 → 0.943, dev + laws 0.901 →
/// 0.903; 0.4–0.7 do as well, 0.3 and 1.0 worse.
const TITLE_WORD_IN_TEXT: f32 = 0.5;
/// Words within this many positions count as close together.
const PROXIMITY_WINDOW: usize = 8;
/// Most a passage gains from proximity (as a share of its score).
const PROXIMITY_GAIN: f32 = 0.25;

/// One content word of the query, with what it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWord {
    pub stem: String,
    pub exact: String,
    /// Its parts if it is a compound.
    pub parts: Vec<QueryPart>,
    /// Inverse document frequency of its stem in the collection.
    pub idf: f32,
    /// For a word found nowhere in the index (a typo), the edit distance within which passage
    /// words stand in for it.
    pub typo_distance: Option<usize>,
    /// For a part of hyphenated query words ("Siedler" of "Wikinger-Siedler"), those words
    /// (stem and exact form): a passage that writes one closed ("Wikingersiedlern") or
    /// hyphenated elsewhere holds the part as fully as one that writes it as asked.
    pub wholes: Vec<Whole>,
}

impl QueryWord {
    /// The stems a passage word or index term may have to match this word: its own, its
    /// compound parts' and those of the hyphenated words it is part of.
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.stem.as_str())
            .chain(self.parts.iter().map(|part| part.stem.as_str()))
            .chain(self.wholes.iter().map(|whole| whole.stem.as_str()))
    }
}

/// A hyphenated query word, of which a [`QueryWord`] is a part.
#[derive(Debug, Clone, PartialEq)]
pub struct Whole {
    pub stem: String,
    pub exact: String,
}

/// A part of a compound query word.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPart {
    pub stem: String,
    /// Inverse document frequency of the part's stem: a passage that holds only a common part
    /// ("Problem" of "Rechenprobleme") has not earned the rare compound's weight.
    pub idf: f32,
}

/// BM25's inverse document frequency, for `num_docs` passages counted as tantivy counts
/// `doc_freq`, deleted ones included (see `max_doc`).
pub fn idf(doc_freq: u64, num_docs: u64) -> f32 {
    let (df, n) = (doc_freq as f32, num_docs.max(1) as f32);
    // Never negative, whatever the counts.
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln().max(0.0)
}

/// How strongly `word` of the passage matches `query` (0 if not at all).
fn match_weight(query: &QueryWord, word: &PassageWord) -> f32 {
    if is_hyphenated(&word.exact) {
        return hyphenated_weight(query, &word.exact, &word.stem);
    }
    let weight = form_weight(query, &word.exact, &word.stem, &word.parts);
    // A hyphenated query word stands for a compound, a noun: the closed word must be one
    // too ("Spiel-Ende" is not "spielende"). It holds the part as fully as a hyphenated one,
    // whether or not the splitter also finds the part in it.
    if word.capitalized && is_whole_of(query, &word.stem) {
        return weight.max(1.0);
    }
    weight
}

/// Whether any of `words` (a title's) matches `query`.
pub fn holds(query: &QueryWord, words: &[PassageWord]) -> bool {
    words.iter().any(|word| match_weight(query, word) > 0.0)
}

/// Whether `stem` is that of a hyphenated query word `query` is a part of.
fn is_whole_of(query: &QueryWord, stem: &str) -> bool {
    query.wholes.iter().any(|whole| whole.stem == stem)
}

/// Whether a passage word is a hyphenated word seen whole (its parts are words of their own):
/// words are split at hyphens, so only such a word's exact form holds one.
fn is_hyphenated(exact: &str) -> bool {
    exact.contains('-')
}

/// How strongly a hyphenated passage word, seen whole, matches `query`: fully where the query
/// writes it closed ("Wikingersiedler" for "Wikinger-Siedler"), or where `query` is a part
/// of the same compound hyphenated elsewhere ("Landes-Datenschutzbeauftragte" for
/// "Landesdatenschutz-Beauftragte"). Hyphenated where the query is, its parts match as words
/// of their own, and the whole counts for nothing more.
fn hyphenated_weight(query: &QueryWord, exact: &str, stem: &str) -> f32 {
    let hyphenated_elsewhere = query
        .wholes
        .iter()
        .any(|whole| whole.stem == stem && leading_parts(&whole.exact) != leading_parts(exact));
    if query.stem == stem || hyphenated_elsewhere {
        1.0
    } else {
        0.0
    }
}

/// A hyphenated word up to its last hyphen: where two spellings of a compound differ, as the
/// last part takes the inflection.
fn leading_parts(exact: &str) -> Option<&str> {
    exact.rsplit_once('-').map(|(leading, _)| leading)
}

/// How strongly a word with these forms (exact form, stem, stems of its compound parts)
/// matches `query` (0 if not at all).
fn form_weight(query: &QueryWord, exact: &str, stem: &str, parts: &[impl AsRef<str>]) -> f32 {
    if stem == query.stem {
        1.0 + if exact == query.exact {
            EXACT_WEIGHT
        } else {
            0.0
        }
    } else if parts.iter().any(|part| part.as_ref() == query.stem) {
        PART_WEIGHT
    } else if let Some(part) = query.parts.iter().find(|part| part.stem == stem) {
        query_part_weight(query, part)
    } else if query
        .typo_distance
        .is_some_and(|d| stands_in_for_typo(exact, stem, &query.exact, &query.stem, d))
    {
        TYPO_WEIGHT
    } else {
        0.0
    }
}

/// Weight of `part` of the compound `query` found as a word of its own: a share of
/// [`QUERY_PART_WEIGHT`], less for a part commoner than the compound.
fn query_part_weight(query: &QueryWord, part: &QueryPart) -> f32 {
    QUERY_PART_WEIGHT / query.parts.len() as f32 * (part.idf / query.idf.max(f32::EPSILON)).min(1.0)
}

/// Whether a word with these forms matches any of the query's words: only such words of a
/// passage change its [`score`] beyond its length.
pub fn matches_any(
    query: &[QueryWord],
    exact: &str,
    stem: &str,
    parts: &[impl AsRef<str>],
) -> bool {
    query.iter().any(|q| {
        if is_hyphenated(exact) {
            hyphenated_weight(q, exact, stem) > 0.0
        } else {
            // Whether it is written capitalised is not known here: `match_weight` decides.
            form_weight(q, exact, stem, parts) > 0.0 || is_whole_of(q, stem)
        }
    })
}

/// Whether a word of a passage (exact form and stem) is close enough to a query word the
/// index does not know (exact form and stem) to stand in for it, `max` edits away at most
/// (stems by their own length, see [`typo_edits`]). Stems shorter than
/// [`MIN_TYPO_STEM_CHARS`] are not compared: "innen" stems to "inn", one edit from "in".
pub fn stands_in_for_typo(
    exact: &str,
    stem: &str,
    typed: &str,
    typed_stem: &str,
    max: usize,
) -> bool {
    let typed_stem_letters = typed_stem.chars().count();
    within_edit_distance(exact, typed, max)
        || (stem.chars().count() >= MIN_TYPO_STEM_CHARS
            && typed_stem_letters >= MIN_TYPO_STEM_CHARS
            && within_edit_distance(stem, typed_stem, max.min(typo_edits(typed_stem_letters))))
}

/// Whether two words are at most `max` edits apart; words whose lengths differ by more are
/// rejected without computing anything (most pairs, when a passage is searched for a typo).
pub fn within_edit_distance(a: &str, b: &str, max: usize) -> bool {
    a.len().abs_diff(b.len()) <= max * 4
        && a.chars().count().abs_diff(b.chars().count()) <= max
        && edit_distance(a, b) <= max
}

/// Edit distance between two words (optimal string alignment: insertions, deletions,
/// substitutions and swaps of neighbours cost 1), as tantivy's fuzzy queries count it.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic programme: two back (for swaps), one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Score of a passage for the query words. `length` is the passage's length in tokens
/// (words and compound parts, as indexed) and `average_length` the collection's. A passage
/// that holds none of the words has no score (`None`), however many stand in its document's
/// title: the title lifts the passages where something is found, it finds none by itself
/// (its own lines are a passage of their own).
pub fn score(
    query: &[QueryWord],
    passage: &[PassageWord],
    title: &[PassageWord],
    length: usize,
    average_length: f32,
) -> Option<f32> {
    if query.is_empty() {
        return None;
    }
    let norm = length_norm(length as f32, average_length);
    let total_idf: f32 = query.iter().map(|q| q.idf).sum::<f32>().max(f32::EPSILON);
    let mut bm25 = 0.0;
    let mut covered_idf = 0.0;
    // Positions of each matched query word, for proximity.
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for (i, q) in query.iter().enumerate() {
        let mut tf = 0.0;
        for word in passage {
            let weight = match_weight(q, word);
            if weight > 0.0 {
                tf += weight;
                hits.push((word.position, i));
            }
        }
        let in_title = holds(q, title);
        let (in_text, by_title) = word_score(q, tf, in_title, norm);
        bm25 += in_text;
        bm25 += by_title;
        if tf > 0.0 || in_title {
            covered_idf += q.idf;
        }
    }
    if hits.is_empty() {
        return None;
    }
    let coordination = covered_idf / total_idf;
    let closest = closest_distinct(&mut hits, query.len());
    Some(bm25 * coordination * proximity_factor(closest, query.len()))
}

/// BM25's length normalisation (with [`B`]) of a passage of `length` tokens.
fn length_norm(length: f32, average_length: f32) -> f32 {
    K1 * (1.0 - B + B * length / average_length.max(1.0))
}

/// One query word's share of a passage's BM25 sum, as (from the passage, from the title):
/// its matches' summed weight `tf` saturated (to its limit if infinite), counting
/// [`TITLE_WORD_IN_TEXT`] where the title holds the word too, and the title's own
/// [`TITLE_WEIGHT`].
fn word_score(query: &QueryWord, tf: f32, in_title: bool, norm: f32) -> (f32, f32) {
    let weight = if in_title { TITLE_WORD_IN_TEXT } else { 1.0 };
    let in_text = if tf.is_infinite() {
        weight * query.idf * (K1 + 1.0)
    } else if tf > 0.0 {
        weight * query.idf * tf * (K1 + 1.0) / (tf + norm)
    } else {
        0.0
    };
    let by_title = if in_title {
        TITLE_WEIGHT * query.idf
    } else {
        0.0
    };
    (in_text, by_title)
}

/// What proximity multiplies a score by when at most `closest` distinct query words of
/// `query_words` stand within one window.
fn proximity_factor(closest: usize, query_words: usize) -> f32 {
    let proximity = if query_words > 1 {
        closest.saturating_sub(1) as f32 / (query_words - 1) as f32
    } else {
        0.0
    };
    1.0 + PROXIMITY_GAIN * proximity
}

/// What the index tells of a candidate passage before it is read, enough to bound its
/// [`score`]: reading and segmenting the passage is most of a re-ranked query's time, and
/// most candidates cannot reach the page (one that holds one word of three gets a third of
/// the coordination).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// For each query word, the most its matches in the passage can weigh together (the
    /// sum that [`score`] saturates): every match puts a term in the index, so term
    /// frequencies times the most each kind of match weighs bound it. Infinite where a
    /// match need not be a known term (a typo's stand-ins).
    pub weights: Vec<f32>,
    /// For each query word, whether the document's title may hold it.
    pub title_may_hold: Vec<bool>,
    /// Words in the passage at least (see [`score`]'s `length`).
    pub min_length: usize,
}

/// The most a passage term `stem` of the index can add to the summed weight of `query`'s
/// matches, per occurrence: what [`match_weight`] gives a word with that stem, or with that
/// compound part (0 if neither can match).
pub fn term_weight(query: &QueryWord, stem: &str) -> f32 {
    let mut weight: f32 = 0.0;
    // A word of this stem, in the form asked for or not; a compound with this part; a
    // hyphenated word written closed to this stem.
    if stem == query.stem {
        weight = weight.max(1.0 + EXACT_WEIGHT);
    }
    if is_whole_of(query, stem) {
        weight = weight.max(1.0);
    }
    if let Some(part) = query.parts.iter().find(|part| part.stem == stem) {
        weight = weight.max(query_part_weight(query, part));
    }
    weight
}

/// The most [`score`] can give a passage with this [`Evidence`]: every factor of the score
/// taken at its largest (each word's saturation at its weight bound and the shortest
/// length, the title's share either way, every word that may match covered, proximity as
/// if all matched words stood together). Candidates whose bound falls below the page's last
/// score need not be read.
pub fn score_bound(query: &[QueryWord], evidence: &Evidence, average_length: f32) -> f32 {
    let norm = length_norm(evidence.min_length as f32, average_length);
    let total_idf: f32 = query.iter().map(|q| q.idf).sum::<f32>().max(f32::EPSILON);
    let mut bm25 = 0.0;
    let mut covered_idf = 0.0;
    let mut matched = 0;
    for ((q, &tf), &in_title) in query
        .iter()
        .zip(&evidence.weights)
        .zip(&evidence.title_may_hold)
    {
        let (without_title, _) = word_score(q, tf, false, norm);
        let (in_text, by_title) = word_score(q, tf, true, norm);
        bm25 += if in_title {
            without_title.max(in_text + by_title)
        } else {
            without_title
        };
        if tf > 0.0 || in_title {
            covered_idf += q.idf;
        }
        matched += usize::from(tf > 0.0);
    }
    if matched == 0 {
        return 0.0;
    }
    bm25 * (covered_idf / total_idf) * proximity_factor(matched, query.len())
}

/// The largest number of distinct query words within any window of [`PROXIMITY_WINDOW`]
/// positions (at least 1 if anything matched).
fn closest_distinct(hits: &mut [(usize, usize)], query_words: usize) -> usize {
    hits.sort_unstable();
    let mut best = usize::from(!hits.is_empty());
    let mut counts = vec![0usize; query_words];
    let mut distinct = 0;
    let mut start = 0;
    for end in 0..hits.len() {
        let (position, word) = hits[end];
        if counts[word] == 0 {
            distinct += 1;
        }
        counts[word] += 1;
        while hits[start].0 + PROXIMITY_WINDOW <= position {
            let left = hits[start].1;
            counts[left] -= 1;
            if counts[left] == 0 {
                distinct -= 1;
            }
            start += 1;
        }
        best = best.max(distinct);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(stem: &str, idf: f32) -> QueryWord {
        QueryWord {
            stem: stem.into(),
            exact: stem.into(),
            parts: vec![],
            idf,
            typo_distance: None,
            wholes: vec![],
        }
    }

    #[test]
    fn a_stem_is_corrected_within_the_edits_its_own_length_allows() {
        // "Verordung": nine letters, two edits for its exact form, one for its stem "verord".
        assert!(stands_in_for_typo(
            "verordnung",
            "verordn",
            "verordung",
            "verord",
            2
        ));
        assert!(!stands_in_for_typo(
            "behord",
            "behord",
            "verordung",
            "verord",
            2
        ));
        assert_eq!(typo_edits(8), 1);
        assert_eq!(typo_edits(9), 2);
    }

    fn passage(stems: &[&str]) -> Vec<PassageWord> {
        stems
            .iter()
            .enumerate()
            .map(|(position, s)| PassageWord {
                position,
                stem: (*s).into(),
                exact: (*s).into(),
                capitalized: true,
                parts: vec![],
            })
            .collect()
    }

    #[test]
    fn a_long_passage_with_all_words_beats_a_short_one_with_one() {
        let query = [q("verteid", 3.0), q("panth", 5.0), q("punkt", 2.0)];
        let short = passage(&["punkt"]);
        let mut long_words = vec!["wort"; 200];
        long_words[10] = "verteid";
        long_words[12] = "panth";
        long_words[15] = "punkt";
        let long = passage(&long_words);
        let average = 15.0;
        assert!(score(&query, &long, &[], 200, average) > score(&query, &short, &[], 1, average));
    }

    /// The title lifts a passage that holds a query word; one that holds none is no hit
    /// ("KI-Strategie" in a title made every passage of the document one).
    #[test]
    fn the_title_lifts_passages_but_finds_none() {
        let query = [q("ki", 2.0), q("strategi", 2.0)];
        let title = passage(&["neu", "ki", "strategi"]);
        let holding = passage(&["strategi", "verein"]);
        let lacking = passage(&["kabinett", "beschloss"]);
        assert!(score(&query, &holding, &title, 2, 2.0) > score(&query, &holding, &[], 2, 2.0));
        assert_eq!(score(&query, &lacking, &title, 2, 2.0), None);
    }

    #[test]
    fn within_a_document_the_words_its_title_lacks_tell_its_passages_apart() {
        // "Wer sang die Nationalhymne beim Super Bowl 50?" in the article "Super Bowl 50".
        let query = [q("nationalhymn", 3.0), q("super", 3.0), q("bowl", 3.0)];
        let title = passage(&["super", "bowl", "50"]);
        let anthem = passage(&["gaga", "sang", "nationalhymn", "x", "x", "x"]);
        let game = passage(&["super", "bowl", "spiel", "super", "bowl", "x"]);
        let with_title = |p: &[PassageWord]| score(&query, p, &title, 6, 6.0);
        assert!(with_title(&anthem) > with_title(&game));
        // Without the title, the passage matching two of the words would come first.
        assert!(score(&query, &anthem, &[], 6, 6.0) < score(&query, &game, &[], 6, 6.0));
    }

    /// The bound of a passage from its term counts alone is no lower than its score, and
    /// falls with the words it cannot hold: the part of a compound query word found alone
    /// covers that word (a little), a title word covers its word (fully).
    #[test]
    fn a_score_bound_from_term_counts_holds_and_tells_candidates_apart() {
        let mut behoerdenkommunikation = q("behordenkommunikation", 6.0);
        behoerdenkommunikation.parts = vec![
            QueryPart {
                stem: "behord".into(),
                idf: 3.0,
            },
            QueryPart {
                stem: "kommunikation".into(),
                idf: 2.0,
            },
        ];
        let query = [
            behoerdenkommunikation,
            q("kabinett", 4.0),
            q("sitzung", 2.0),
        ];
        let words = passage(&["behord", "x", "kabinett", "kabinett", "x", "x"]);
        let title = passage(&["sitzung"]);
        // What the index counts: each word's stem.
        let weights: Vec<f32> = query
            .iter()
            .map(|q| words.iter().map(|w| term_weight(q, &w.stem)).sum())
            .collect();
        let evidence = |title_may_hold: Vec<bool>| Evidence {
            weights: weights.clone(),
            title_may_hold,
            min_length: words.len(),
        };
        let held = evidence(query.iter().map(|q| holds(q, &title)).collect());
        assert_eq!(held.title_may_hold, [false, false, true]);
        let bound = score_bound(&query, &held, 6.0);
        assert!(score(&query, &words, &title, 6, 6.0).unwrap() <= bound);
        assert!(score(&query, &words, &[], 6, 6.0).unwrap() <= bound);
        assert!(score_bound(&query, &evidence(vec![false; 3]), 6.0) < bound);
        // Nothing to match: no score, and no bound.
        let nothing = Evidence {
            weights: vec![0.0; 3],
            title_may_hold: vec![false; 3],
            min_length: 6,
        };
        assert_eq!(score_bound(&query, &nothing, 6.0), 0.0);
    }

    #[test]
    fn close_words_beat_scattered_words() {
        let query = [q("a", 2.0), q("b", 2.0)];
        let mut near = vec!["x"; 50];
        near[10] = "a";
        near[11] = "b";
        let mut far = vec!["x"; 50];
        far[0] = "a";
        far[49] = "b";
        let (near, far) = (passage(&near), passage(&far));
        assert!(score(&query, &near, &[], 50, 50.0) > score(&query, &far, &[], 50, 50.0));
    }

    #[test]
    fn exact_form_beats_stem_and_whole_word_beats_part() {
        let query = [QueryWord {
            stem: "sitzung".into(),
            exact: "sitzung".into(),
            parts: vec![],
            idf: 2.0,
            typo_distance: None,
            wholes: vec![],
        }];
        let exact = passage(&["sitzung"]);
        let mut inflected = passage(&["sitzung"]);
        inflected[0].exact = "sitzungen".into();
        let mut compound = passage(&["kabinettssitzung"]);
        compound[0].parts = vec!["kabinett".into(), "sitzung".into()];
        let s = |p: &[PassageWord]| score(&query, p, &[], 1, 1.0);
        assert!(s(&exact) > s(&inflected));
        assert!(s(&inflected) > s(&compound));
        assert!(s(&compound) > Some(0.0));
    }

    #[test]
    fn the_parts_of_a_hyphenated_query_word_are_held_by_the_word_written_closed() {
        let part = |stem: &str| QueryWord {
            wholes: vec![Whole {
                stem: "wikingersiedl".into(),
                exact: "wikinger-siedler".into(),
            }],
            ..q(stem, 3.0)
        };
        let query = [part("wiking"), part("siedl")];
        let s = |p: &[PassageWord]| score(&query, p, &[], 2, 2.0);
        let closed = s(&passage(&["wikingersiedl", "kam"]));
        // Found by the splitter in the closed word too, a part still counts in full.
        let mut split = passage(&["wikingersiedl", "kam"]);
        split[0].parts = vec!["siedl".into()];
        assert_eq!(s(&split), closed);
        let one_part = s(&passage(&["siedl", "kam"]));
        // Written as asked, the parts also match as exact forms.
        let hyphenated = s(&passage(&["wiking", "siedl"]));
        assert!(closed > one_part, "{closed:?} {one_part:?}");
        assert!(hyphenated > closed);
        // A closed word that is no noun is another word ("spielende" is no "Spiel-Ende").
        let mut lowercase = passage(&["wikingersiedl", "kam"]);
        lowercase[0].capitalized = false;
        assert_eq!(s(&lowercase), None);
    }

    /// A hyphenated word of a passage is seen whole (before its parts, which are words of
    /// their own) and matches where the query writes it closed or hyphenated elsewhere.
    #[test]
    fn a_hyphenated_passage_word_counts_whole_only_where_the_query_writes_it_otherwise() {
        let hyphenated = |exact: &str, parts: &[&str]| {
            let mut words = vec![PassageWord {
                position: 0,
                stem: exact.replace('-', "").into(),
                exact: exact.into(),
                capitalized: false,
                parts: vec![],
            }];
            words.extend(passage(parts));
            words
        };
        let passage_word = hyphenated("wikinger-siedl", &["wiking", "siedl"]);
        // Closed in the query: the whole matches.
        let closed = [q("wikingersiedl", 3.0)];
        assert!(score(&closed, &passage_word, &[], 2, 2.0).is_some());
        // Hyphenated alike: the parts match, the whole adds nothing.
        let alike = |stem: &str, exact: &str| QueryWord {
            wholes: vec![Whole {
                stem: "wikingersiedl".into(),
                exact: exact.into(),
            }],
            ..q(stem, 3.0)
        };
        let as_asked = [
            alike("wiking", "wikinger-siedl"),
            alike("siedl", "wikinger-siedl"),
        ];
        let parts_only = score(&as_asked, &passage(&["wiking", "siedl"]), &[], 2, 2.0);
        assert_eq!(score(&as_asked, &passage_word, &[], 2, 2.0), parts_only);
        // Hyphenated elsewhere ("Wikingers-Iedl"): the whole matches each part.
        let elsewhere = [
            alike("wikingers", "wikingers-iedl"),
            alike("iedl", "wikingers-iedl"),
        ];
        let whole_only = score(&elsewhere, &passage_word, &[], 2, 2.0);
        assert!(whole_only > Some(0.0));
    }

    #[test]
    fn a_common_part_of_a_query_compound_weighs_less_than_a_rare_one() {
        let part = |stem: &str, idf| QueryPart {
            stem: stem.into(),
            idf,
        };
        let query = [QueryWord {
            parts: vec![part("rechen", 4.0), part("problem", 0.5)],
            ..q("rechenproblem", 5.0)
        }];
        let s = |p: &[PassageWord]| score(&query, p, &[], 1, 1.0);
        let rare = s(&passage(&["rechen"]));
        let common = s(&passage(&["problem"]));
        assert!(common > Some(0.0));
        assert!(rare > common);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kretschmar", "kretschmer"), 1);
        assert_eq!(edit_distance("behröde", "behörde"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("sitzung", "sitzung"), 0);
        assert_eq!(edit_distance("kabinett", "kabient"), 2);
    }

    #[test]
    fn within_edit_distance_agrees_with_edit_distance() {
        for (a, b) in [
            ("kretschmar", "kretschmer"),
            ("ab", "abcd"),
            ("", "x"),
            ("öl", "ol"),
        ] {
            for max in 0..3 {
                assert_eq!(
                    within_edit_distance(a, b, max),
                    edit_distance(a, b) <= max,
                    "{a} {b} {max}"
                );
            }
        }
    }

    #[test]
    fn idf_is_higher_for_rarer_words() {
        assert!(idf(1, 1000) > idf(100, 1000));
        assert!(idf(1000, 1000) > 0.0);
    }
}
