//! Phrase queries that skip the passages which cannot make the page.
//!
//! A phrase is matched on stems, so "eine Person" walks every passage holding a form of "ein"
//! and of "Person" and reads the positions of both in each: tantivy's phrase scorer has no
//! pruning, and reading positions is most of the time of such a query. Yet BM25 can only fall
//! with a passage's length and rise with the phrase's frequency, which is at most the
//! frequency of its rarest word: once a page of ten hits is full, most passages are too long
//! to beat its last one whatever their positions say. [`RankedPhrase`] scores exactly as
//! tantivy's phrase query with its optional exact-form rewards would, but reads positions only
//! for passages whose best possible score beats the page's last.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// A phrase on the stem field, with optional rewards for exact forms: the same matches and
/// scores as `Must(phrase)` with one `Should(boosted exact form)` per reward, nested one level
/// each, found faster by a top-n search when the phrase has no slack.
#[derive(Debug)]
pub struct RankedPhrase {
    /// Stems and their offsets in the phrase.
    terms: Vec<(usize, Term)>,
    /// How far the words may stand apart (tantivy's slop).
    slop: u32,
    /// Exact forms rewarded where they stand in a matching passage, with their boost.
    rewards: Vec<(Term, Score)>,
    /// tantivy's own query for the same thing: what everything but a top-n search runs.
    plain: Box<dyn Query>,
}

impl RankedPhrase {
    /// The phrase `terms` (two or more stems with offsets, all in one field indexed with
    /// positions) with `slop`, rewarding each of `rewards` by its BM25 score times its boost.
    pub fn new(
        mut terms: Vec<(usize, Term)>,
        slop: u32,
        rewards: Vec<(Term, Score)>,
    ) -> RankedPhrase {
        // In offset order, as tantivy's phrase query sums their weights: float addition
        // depends on the order.
        terms.sort_by_key(|&(offset, _)| offset);
        let phrase: Box<dyn Query> =
            Box::new(PhraseQuery::new_with_offset_and_slop(terms.clone(), slop));
        // One optional exact form per level: tantivy then looks each one up only in the
        // passages that hold the phrase, where a union of them would walk every passage
        // holding any of the forms.
        let plain = rewards.iter().fold(phrase, |query, (term, boost)| {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Should, reward_query(term, *boost)),
            ]))
        });
        RankedPhrase {
            terms,
            slop,
            rewards,
            plain,
        }
    }
}

impl Clone for RankedPhrase {
    fn clone(&self) -> RankedPhrase {
        RankedPhrase {
            terms: self.terms.clone(),
            slop: self.slop,
            rewards: self.rewards.clone(),
            plain: self.plain.box_clone(),
        }
    }
}

/// The query that rewards an exact form: its term, boosted.
fn reward_query(term: &Term, boost: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
        boost,
    ))
}

impl Query for RankedPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let plain = self.plain.weight(enable_scoring)?;
        // With slack, a phrase may be counted more often than its rarest word stands: no
        // bound, no pruning.
        let (
            EnableScoring::Enabled {
                statistics_provider,
                ..
            },
            0,
        ) = (enable_scoring, self.slop)
        else {
            return Ok(plain);
        };
        let stems: Vec<Term> = self.terms.iter().map(|(_, term)| term.clone()).collect();
        let phrase = Bm25Weight::for_terms(statistics_provider, &stems)?;
        let rewards = self
            .rewards
            .iter()
            .map(|(term, boost)| {
                // BM25 approaches its weight as the frequency grows, at any length: the
                // least upper bound there is. (tantivy's `max_score` is the score at the
                // longest length, which a passage of one repeated form exceeds: lengths
                // are stored rounded down.)
                let most = Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?
                    .boost_by(*boost)
                    .score(0, u32::MAX);
                Ok(Reward {
                    weight: reward_query(term, *boost).weight(enable_scoring)?,
                    // Computed apart from the term query's own weight: a margin keeps it a
                    // bound whatever the rounding.
                    most: most * (1.0 + BOUND_MARGIN),
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(RankedPhraseWeight {
            plain,
            terms: self.terms.clone(),
            phrase,
            rewards,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.plain.query_terms(visitor);
    }
}

/// Relative slack on a bound computed apart from the score it bounds, so that rounding never
/// makes a bound fall below its score.
const BOUND_MARGIN: Score = 1e-4;

struct Reward {
    weight: Box<dyn Weight>,
    /// More than its score in any passage.
    most: Score,
}

struct RankedPhraseWeight {
    plain: Box<dyn Weight>,
    terms: Vec<(usize, Term)>,
    /// BM25 of the phrase, as tantivy's phrase query weighs it.
    phrase: Bm25Weight,
    rewards: Vec<Reward>,
}

impl Weight for RankedPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.plain.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.plain.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.plain.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.plain.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.plain.for_each_no_score(reader, callback)
    }

    /// The top-n search: passages in order, each looked at only as far as it could still
    /// beat `threshold` (the page's last score, from `callback`).
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let field = self.terms[0].1.field();
        let inverted_index = reader.inverted_index(field)?;
        let max_offset = self
            .terms
            .iter()
            .map(|(offset, _)| *offset)
            .max()
            .unwrap_or(0);
        let mut words = Vec::with_capacity(self.terms.len());
        for (offset, term) in &self.terms {
            let Some(postings) =
                inverted_index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
            else {
                return Ok(());
            };
            // Positions shifted so that a phrase's words share one position, as tantivy's.
            words.push(((max_offset - offset) as u32, postings));
        }
        // The rarest word leads; the others are sought to its passages.
        words.sort_by_key(|(_, postings)| postings.doc_freq());
        let fieldnorms = reader
            .fieldnorms_readers()
            .get_field(field)?
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let mut rewards = self
            .rewards
            .iter()
            .map(|reward| reward.weight.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let most_rewards: Vec<Score> = self.rewards.iter().map(|r| r.most).collect();
        let mut reward_scores = vec![0.0; rewards.len()];
        let mut matched = Matched::default();

        let mut doc = words[0].1.doc();
        'passages: while doc != TERMINATED {
            let fieldnorm_id = fieldnorms.fieldnorm_id(doc);
            // The phrase is no more frequent than its leading word. (BM25 rises with the
            // frequency, but in floats two large frequencies may round the other way: the
            // margin covers that.)
            let lead_bound = self.phrase.score(fieldnorm_id, words[0].1.term_freq());
            if with_rewards(lead_bound, &most_rewards) * (1.0 + BOUND_MARGIN) <= threshold {
                doc = words[0].1.advance();
                continue;
            }
            for (_, postings) in &mut words[1..] {
                // tantivy seeks forward only; on the first passage another word's postings
                // may already stand past it.
                let found = if postings.doc() < doc {
                    postings.seek(doc)
                } else {
                    postings.doc()
                };
                if found != doc {
                    doc = words[0].1.seek(found);
                    continue 'passages;
                }
            }
            let least_freq = words.iter().map(|(_, p)| p.term_freq()).min().unwrap_or(0);
            for (scorer, score) in rewards.iter_mut().zip(&mut reward_scores) {
                *score = if scorer.doc() <= doc && scorer.seek(doc) == doc {
                    scorer.score()
                } else {
                    0.0
                };
            }
            let bound = self.phrase.score(fieldnorm_id, least_freq);
            if with_rewards(bound, &reward_scores) * (1.0 + BOUND_MARGIN) > threshold {
                let count = matched.count(&mut words);
                if count > 0 {
                    let score =
                        with_rewards(self.phrase.score(fieldnorm_id, count), &reward_scores);
                    if score > threshold {
                        threshold = callback(doc, score);
                    }
                }
            }
            doc = words[0].1.advance();
        }
        Ok(())
    }
}

/// A phrase's score with its rewards added, one at a time in the order tantivy's nested
/// queries add them, so that the sum is the same to the last bit.
fn with_rewards(phrase: Score, rewards: &[Score]) -> Score {
    rewards.iter().fold(phrase, |sum, reward| sum + reward)
}

/// Buffers for counting a phrase's occurrences in one passage.
#[derive(Default)]
struct Matched {
    common: Vec<u32>,
    positions: Vec<u32>,
}

impl Matched {
    /// How often the phrase stands in the passage all `words` are on: the positions (shifted
    /// by each word's offset) that every word has, counted as often as the word that has one
    /// least often has it (a compound and its part can share a stem and a position), as
    /// tantivy counts them.
    fn count(&mut self, words: &mut [(u32, SegmentPostings)]) -> u32 {
        let (first, rest) = words.split_first_mut().expect("a phrase has words");
        first.1.positions_with_offset(first.0, &mut self.common);
        for (offset, postings) in rest {
            if self.common.is_empty() {
                break;
            }
            postings.positions_with_offset(*offset, &mut self.positions);
            keep_common(&mut self.common, &self.positions);
        }
        self.common.len() as u32
    }
}

/// Keeps in `kept` (sorted) the positions `others` (sorted) has too, each as often as the
/// one of them that has it less often.
fn keep_common(kept: &mut Vec<u32>, others: &[u32]) {
    let (mut read, mut write, mut j) = (0, 0, 0);
    while read < kept.len() && j < others.len() {
        match kept[read].cmp(&others[j]) {
            std::cmp::Ordering::Less => read += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                kept[write] = kept[read];
                write += 1;
                read += 1;
                j += 1;
            }
        }
    }
    kept.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Field, Schema, TextFieldIndexing, TextOptions};
    use tantivy::tokenizer::{PreTokenizedString, Token};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    #[test]
    fn common_positions_count_as_often_as_the_rarer_list_has_them() {
        let mut kept = vec![1, 3, 3, 5, 8];
        keep_common(&mut kept, &[3, 3, 3, 4, 8, 9]);
        assert_eq!(kept, vec![3, 3, 8]);
        let mut kept = vec![2, 2];
        keep_common(&mut kept, &[2]);
        assert_eq!(kept, vec![2]);
        keep_common(&mut kept, &[]);
        assert!(kept.is_empty());
    }

    /// Tokens of a text where each item is one position: a word, or words sharing it
    /// ("a+b", as a compound and its part share one).
    fn tokens(positions: &[String]) -> PreTokenizedString {
        let mut tokens = Vec::new();
        for (position, at) in positions.iter().enumerate() {
            for word in at.split('+') {
                tokens.push(Token {
                    offset_from: 0,
                    offset_to: 0,
                    position,
                    text: word.to_owned(),
                    position_length: 1,
                });
            }
        }
        PreTokenizedString {
            text: positions.join(" "),
            tokens,
        }
    }

    /// A reward's score can exceed tantivy's `max_score`, the score at the longest length:
    /// lengths are stored rounded down, and in a long passage of one repeated form its
    /// frequency beats the stored length. A bound from `max_score` let the second of these
    /// passages, the better one, be skipped.
    #[test]
    fn a_passage_of_one_repeated_form_is_not_skipped() {
        let (index, stems, exact) = empty_index();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for repeats in [155, 165] {
            let mut positions = vec!["a".to_owned()];
            positions.extend((0..165).map(|_| "b".to_owned()));
            let mut forms = vec!["ax".to_owned()];
            forms.extend((0..165).map(|i| if i < repeats { "bx" } else { "by" }.to_owned()));
            add(&mut writer, &[(stems, &positions), (exact, &forms)]);
        }
        // Short passages keep the average length low.
        for _ in 0..300 {
            add(&mut writer, &[(stems, &["z".to_owned()])]);
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let phrase = vec![
            (0, Term::from_field_text(stems, "a")),
            (1, Term::from_field_text(stems, "b")),
        ];
        let ranked = RankedPhrase::new(phrase, 0, vec![(Term::from_field_text(exact, "bx"), 0.6)]);
        let top = TopDocs::with_limit(1).order_by_score();
        let pruned = searcher.search(&ranked, &top).unwrap();
        assert_eq!(pruned, searcher.search(&ranked.plain, &top).unwrap());
        assert_eq!(pruned[0].1.doc_id, 1);
    }

    /// tantivy's phrase query sums its words' weights in the order of their offsets, and
    /// float addition depends on the order: a phrase given out of order scores the same.
    #[test]
    fn a_phrase_given_out_of_order_scores_as_tantivys() {
        let (index, stems, _) = empty_index();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Different document frequencies for "a", "b" and "c".
        for i in 0..997 {
            let mut words = vec!["a", "b", "c"];
            if i % 3 == 0 {
                words.push("a");
            }
            if i % 7 != 0 && i % 3 != 0 {
                words.retain(|&w| w != "c");
            }
            if i % 11 == 0 {
                words.retain(|&w| w != "b");
            }
            let words: Vec<String> = words.iter().map(|&w| w.to_owned()).collect();
            add(&mut writer, &[(stems, &words)]);
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let words = [(0, "a"), (1, "b"), (2, "c")];
        for order in [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ] {
            let phrase = order
                .iter()
                .map(|&i| (words[i].0, Term::from_field_text(stems, words[i].1)))
                .collect();
            let top = TopDocs::with_limit(5).order_by_score();
            let in_order = PhraseQuery::new_with_offset(
                words
                    .iter()
                    .map(|&(o, w)| (o, Term::from_field_text(stems, w)))
                    .collect(),
            );
            let pruned = searcher
                .search(&RankedPhrase::new(phrase, 0, vec![]), &top)
                .unwrap();
            assert_eq!(
                pruned,
                searcher.search(&in_order, &top).unwrap(),
                "{order:?}"
            );
        }
    }

    /// Adds a passage of these fields' tokens (see [`tokens`]).
    fn add(writer: &mut IndexWriter, fields: &[(Field, &[String])]) {
        let mut doc = TantivyDocument::default();
        for &(field, positions) in fields {
            doc.add_pre_tokenized_text(field, tokens(positions));
        }
        writer.add_document(doc).unwrap();
    }

    /// An index with a stem field (positions) and an exact-form field (frequencies).
    fn empty_index() -> (Index, Field, Field) {
        let mut schema = Schema::builder();
        let with_positions = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let with_freqs = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqs),
        );
        let stems = schema.add_text_field("stems", with_positions);
        let exact = schema.add_text_field("exact", with_freqs);
        (Index::create_in_ram(schema.build()), stems, exact)
    }

    /// Whatever the page's length, the pruned top-n search finds the passages, scores and
    /// order of tantivy's own queries: passages of every length, phrases repeated, words
    /// sharing a position, deleted passages, several segments.
    #[test]
    fn ranked_phrases_find_what_tantivys_queries_find() {
        let (index, stems, exact) = empty_index();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // A fixed pseudo-random sequence (xorshift), so that every run tests the same texts.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let words = ["a", "b", "c", "d"];
        for passage in 0..600u64 {
            let length = 1 + next(if passage % 7 == 0 { 60 } else { 12 }) as usize;
            let positions: Vec<String> = (0..length)
                .map(|_| match next(10) {
                    0 => "a+a".to_owned(),
                    1 => "b+a".to_owned(),
                    n => words[n as usize % 4].to_owned(),
                })
                .collect();
            let forms: Vec<String> = positions.iter().map(|p| format!("{p}x")).collect();
            add(&mut writer, &[(stems, &positions), (exact, &forms)]);
            if passage % 200 == 199 {
                writer.commit().unwrap();
            }
        }
        // Long passages of one repeated form: its frequency beats the passage's stored
        // length (rounded down), so its reward beats its score at the longest length.
        for (repeats, others) in [(155, 10), (165, 0), (300, 2)] {
            let mut positions = vec!["a".to_owned()];
            positions.extend((0..repeats).map(|_| "b".to_owned()));
            positions.extend((0..others).map(|_| "c".to_owned()));
            let forms: Vec<String> = positions.iter().map(|p| format!("{p}x")).collect();
            add(&mut writer, &[(stems, &positions), (exact, &forms)]);
        }
        writer.delete_term(Term::from_field_text(stems, "d"));
        writer.commit().unwrap();
        // Passages holding "d" are deleted; these come after, so that some are left.
        for positions in [["a", "b", "a", "b"], ["c", "a", "b", "d"]] {
            let positions: Vec<String> = positions.iter().map(|&w| w.to_owned()).collect();
            add(&mut writer, &[(stems, &positions)]);
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);

        let term = |field, word: &str| Term::from_field_text(field, word);
        let phrases: Vec<Vec<(usize, Term)>> = vec![
            vec![(0, term(stems, "a")), (1, term(stems, "b"))],
            vec![(0, term(stems, "b")), (1, term(stems, "a"))],
            vec![(0, term(stems, "a")), (1, term(stems, "a"))],
            vec![(0, term(stems, "a")), (0, term(stems, "b"))],
            vec![
                (0, term(stems, "c")),
                (1, term(stems, "a")),
                (2, term(stems, "b")),
            ],
            vec![(0, term(stems, "a")), (2, term(stems, "c"))],
            vec![(0, term(stems, "d")), (1, term(stems, "a"))],
            vec![(0, term(stems, "a")), (1, term(stems, "e"))],
        ];
        let rewards = [
            vec![],
            vec![(term(exact, "ax"), 0.6)],
            vec![(term(exact, "bx"), 0.6), (term(exact, "a+ax"), 0.6)],
        ];
        let mut found = 0;
        for phrase in &phrases {
            for rewards in &rewards {
                let ranked = RankedPhrase::new(phrase.clone(), 0, rewards.clone());
                for limit in [1, 3, 10, 1000] {
                    let top = TopDocs::with_limit(limit).order_by_score();
                    let pruned = searcher.search(&ranked, &top).unwrap();
                    let plain = searcher.search(&ranked.plain, &top).unwrap();
                    assert_eq!(pruned, plain, "{phrase:?} {rewards:?} {limit}");
                    found += pruned.len();
                }
            }
        }
        assert!(found > 1000, "the phrases find passages ({found})");
    }
}
