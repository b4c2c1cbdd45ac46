//! German compound splitting: "Behördenkommunikation" → "behörde" + "kommunikation".
//!
//! The method is Koehn & Knight's (2003): split where the parts are words in their own right,
//! and prefer the split whose parts are most frequent. Knowing which strings are words comes
//! from a lexicon derived from the German federal laws (`data/lexicon-de.tsv`, public domain,
//! see README), compiled into an FST at build time.
//!
//! Precision matters as much as recall, so the rules are strict:
//! - Only nouns are split (a capitalised word in the text, never a known non-noun): adverbs
//!   and adjectives like "insgesamt" or "beispielsweise" stay whole.
//! - The head (last part) must be a noun of the lexicon (capitalised mid-sentence in at least
//!   half its occurrences), at least `MIN_HEAD_CHARS` long. This keeps "Mitarbeiterinnen"
//!   from ending in "innen" and "Abteilung" from ending in "lung".
//! - The modifier must be a lexicon word (after removing a linking element: -s-, -es-, -n-,
//!   -en-, -er-, -e-) of at least `MIN_MODIFIER_CHARS` letters as written, or a compound
//!   itself, or an unknown word of at least `MIN_UNKNOWN_MODIFIER_CHARS` letters ("Quanten"
//!   is not in the laws). So "Erbrecht" and "Beobachtung" are not cut after three or four letters.

use rustc_hash::FxHashMap;

use fst::Map;

static LEXICON_FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.fst"));

const MIN_WORD_CHARS: usize = 8;
const MIN_HEAD_CHARS: usize = 4;
const MIN_MODIFIER_CHARS: usize = 4;
const MIN_UNKNOWN_MODIFIER_CHARS: usize = 5;
/// After an unknown modifier the head must be longer than [`MIN_HEAD_CHARS`]: a long unknown
/// word ends in some short noun often by chance ("Verordung" in "Dung", "Reaktivitätstransiente"
/// in "Ente"), and a misspelt word split so escapes correction.
const MIN_HEAD_AFTER_UNKNOWN_CHARS: usize = 5;
/// Linking elements (Fugen) that may stand between modifier and head, longest first.
const LINKS: &[&str] = &["es", "en", "er", "s", "n", "e"];
/// Most split attempts for one word: nested splitting could otherwise grow exponentially on
/// a long chain of nouns ("bundeslandesbundeslandes…"); real compounds need far fewer.
const MAX_ATTEMPTS: u32 = 4_000;
/// Deepest nesting split ("Donau|dampf|schiff|fahrts|gesellschafts|kapitän" needs several).
const MAX_DEPTH: usize = 6;

/// What the lexicon knows of a lowercased word form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    count: u64,
    noun: bool,
}

fn lexicon() -> Map<&'static [u8]> {
    Map::new(LEXICON_FST).expect("the lexicon FST is built by build.rs")
}

/// What the lexicon knows of `word`, also spelt with "ss" for "ß" as in Switzerland
/// ("Strassenreinigung", "Fussgängerzone"): the lexicon has the German spelling.
fn lookup(map: &Map<&'static [u8]>, word: &str) -> Option<Entry> {
    let value = map.get(word).or_else(|| {
        word.contains("ss")
            .then(|| map.get(word.replace("ss", "ß")))
            .flatten()
    })?;
    Some(Entry {
        count: value >> 1,
        noun: value & 1 == 1,
    })
}

/// How much more often an "-s" form may stand in the lexicon than its base, at most, to count
/// as the base's plural or genitive: "Haus" (140) is no form of "Hau" (6), "Kontos" (87) is
/// one of "Konto" (447), "Autos" (6) one of "Auto" (4).
const MAX_S_FORM_RATIO: u64 = 4;
/// Shortest base of an "-s" form that the lexicon does not know ("Kitas" → "kita"): shorter
/// ones are too often words of their own ("Eis", "Ei").
const MIN_UNKNOWN_S_BASE_CHARS: usize = 4;
/// Shortest ending of an unknown word looked up in the lexicon in its place (see
/// [`s_form_base`]): "Speiseeis" is decided by "Eis".
const MIN_KNOWN_ENDING_CHARS: usize = 3;
/// Words in "-s" that the lexicon's counts take for plurals, but are none: the adverb "raus"
/// (the lexicon also knows a rare noun "Rau") and "Reis" (and "Rei").
const NO_S_FORMS: [&str; 2] = ["raus", "reis"];

/// The word that `word` (lowercased, ending in "s") is the "-s" plural or genitive of, if it
/// is one that Snowball's German stemmer leaves whole: it drops a final "s" only after the
/// consonants of native German endings, so "Autos", "Büros", "Pkws", "Kitas", "Handys" and
/// the genitive "Bergbaus" would find neither their singular nor be found by it.
///
/// The "s" must follow a vowel or "w", and an "u" only after a vowel ("des Bergbaus"): after
/// a consonant "-us" is a Latin singular ("Modus", "Virus", "Obus"). The lexicon decides by
/// the word or, when it does not know the word, by its longest ending it knows, the head of a
/// compound ("Benzinpreis" by "Preis", "Bürgerbüros" by "Büros"): the base must be a noun
/// ("Mais" is no form of the month "Mai", "dies" none of "die") not far rarer than the "-s"
/// form ("Haus", "Hau"). Where no ending is known, bases of four letters or more after "a",
/// "i", "o" or "y" ("Kitas", "Handys").
pub fn s_form_base(word: &str) -> Option<&str> {
    let base = word.strip_suffix('s')?;
    let mut letters = base.chars().rev();
    let before = letters.next()?;
    let after_vowel = letters.next().is_some_and(|c| "aeiouäöü".contains(c));
    let s_plural_ending = match before {
        'a' | 'e' | 'i' | 'o' | 'y' | 'ä' | 'ö' | 'ü' | 'w' => true,
        'u' => after_vowel,
        _ => false,
    };
    if !s_plural_ending || NO_S_FORMS.contains(&word) {
        return None;
    }
    let map = lexicon();
    let endings = word
        .char_indices()
        .map(|(start, _)| &word[start..])
        .take_while(|ending| ending.chars().count() >= MIN_KNOWN_ENDING_CHARS);
    for ending in endings {
        let ending_base = &ending[..ending.len() - 1];
        match (lookup(&map, ending), lookup(&map, ending_base)) {
            (None, None) => continue,
            (form, Some(base_entry)) => {
                let form_count = form.map_or(0, |form| form.count);
                let plural = base_entry.noun && form_count <= MAX_S_FORM_RATIO * base_entry.count;
                return plural.then_some(base);
            }
            (Some(_), None) => return None,
        }
    }
    let unknown_plural =
        base.chars().count() >= MIN_UNKNOWN_S_BASE_CHARS && matches!(before, 'a' | 'i' | 'o' | 'y');
    unknown_plural.then_some(base)
}

/// Endings of feminine person nouns ("Bürgerin", "Bürgerinnen"), longest first; after a gender
/// mark ("Bürger:innen") the analyzer drops them as no words of their own.
pub const FEMININE_ENDINGS: [&str; 2] = ["innen", "in"];

/// Splits lowercased compound nouns, remembering its answers (German text is Zipfian) unless
/// made [`without_memory`](Splitter::without_memory).
pub struct Splitter {
    map: Map<&'static [u8]>,
    memo: FxHashMap<String, Option<Vec<String>>>,
    /// Most words remembered; 0 for a caller that remembers them itself.
    memo_limit: usize,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            map: lexicon(),
            memo: FxHashMap::default(),
            memo_limit: MEMO_LIMIT,
        }
    }
}

/// Bound on remembered words, so memory stays flat on any corpus.
const MEMO_LIMIT: usize = 200_000;

impl Splitter {
    /// A splitter that remembers nothing (see [`crate::analysis`]'s word cache).
    pub fn without_memory() -> Splitter {
        Splitter {
            memo_limit: 0,
            ..Splitter::default()
        }
    }

    /// The parts of a lowercased noun (`word` as [`crate::analysis::normalize`] gives it), or
    /// `None` if it is not a compound. Parts are lowercased word forms without linking elements.
    pub fn split(&mut self, word: &str) -> Option<Vec<String>> {
        // Most words are too short to be compounds: no need to remember them.
        if word.len() < MIN_WORD_CHARS {
            return None;
        }
        if self.memo_limit == 0 {
            return self.compute(word);
        }
        if let Some(parts) = self.memo.get(word) {
            return parts.clone();
        }
        if self.memo.len() >= self.memo_limit {
            self.memo.clear();
        }
        let parts = self.compute(word);
        self.memo.insert(word.to_owned(), parts.clone());
        parts
    }

    fn compute(&self, word: &str) -> Option<Vec<String>> {
        if word.chars().count() < MIN_WORD_CHARS || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        if let Some(parts) = self.feminine(word) {
            return parts;
        }
        let whole = lookup(&self.map, word);
        if whole.is_some_and(|e| !e.noun) {
            return None;
        }
        let (parts, score) = self.best_split(word, MAX_DEPTH, &mut 0)?;
        // Koehn & Knight: a word more frequent on its own than its parts are is no compound
        // ("Mitarbeiterinnen" is not "Mitarbeit" + "Rinnen").
        let whole_count = whole.map_or(0.0, |e| e.count as f64);
        (score > whole_count).then_some(parts)
    }

    /// The split of a feminine person noun, if `word` is one: that of its masculine base,
    /// whose head takes the ending back ("Steuerzahlerinnen" → "steuer" + "zahlerinnen"), or
    /// none if the base is no compound. Split as other words, "Bürgerinnen" and
    /// "Verbraucherinnen" ended in the noun "Rinnen" (gutters), too rare in the lexicon for the
    /// frequency test to stop it. A word is taken for one if its base is a noun of the
    /// lexicon or itself a compound, so "Zahnmedizin" (base "zahnmediz") is split as before.
    fn feminine(&self, word: &str) -> Option<Option<Vec<String>>> {
        let (base, ending) = FEMININE_ENDINGS.iter().find_map(|ending| {
            word.strip_suffix(ending)
                .filter(|base| base.chars().count() >= MIN_HEAD_CHARS)
                .map(|base| (base, ending))
        })?;
        let base_is_noun = lookup(&self.map, base).is_some_and(|e| e.noun);
        let split = if base.chars().count() >= MIN_WORD_CHARS {
            self.compute(base)
        } else {
            None
        };
        match split {
            Some(mut parts) => {
                if let Some(head) = parts.last_mut() {
                    head.push_str(ending);
                }
                Some(Some(parts))
            }
            None => base_is_noun.then_some(None),
        }
    }

    /// Best split of `word` into modifier(s) + noun head, with its score (geometric mean of
    /// the parts' frequencies, as Koehn & Knight).
    fn best_split(
        &self,
        word: &str,
        depth: usize,
        attempts: &mut u32,
    ) -> Option<(Vec<String>, f64)> {
        // Counted only when made, so `attempts` never passes the budget.
        if *attempts >= MAX_ATTEMPTS {
            return None;
        }
        *attempts += 1;
        if depth == 0 {
            return None;
        }
        let mut best: Option<(Vec<String>, f64)> = None;
        for (at, _) in word.char_indices().skip(MIN_MODIFIER_CHARS) {
            let (modifier, head) = word.split_at(at);
            if head.chars().count() < MIN_HEAD_CHARS {
                break;
            }
            let Some(head_entry) = lookup(&self.map, head).filter(|e| e.noun) else {
                continue;
            };
            let head_chars = head.chars().count();
            let Some((mut parts, modifier_score)) =
                self.modifier(modifier, head_chars, depth, attempts)
            else {
                continue;
            };
            parts.push(head.to_owned());
            let score = (modifier_score * head_entry.count as f64).powf(1.0 / parts.len() as f64);
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((parts, score));
            }
        }
        best
    }

    /// Reads `modifier` as a lexicon word (with or without a linking element), a compound,
    /// or a long unknown word before a head of `head_chars` letters; returns its parts and the
    /// product of their frequencies.
    fn modifier(
        &self,
        modifier: &str,
        head_chars: usize,
        depth: usize,
        attempts: &mut u32,
    ) -> Option<(Vec<String>, f64)> {
        let candidates: Vec<&str> = std::iter::once(modifier)
            .chain(
                LINKS
                    .iter()
                    .filter_map(|link| modifier.strip_suffix(link))
                    .filter(|stripped| stripped.chars().count() >= MIN_MODIFIER_CHARS - 1),
            )
            .collect();
        let known = candidates
            .iter()
            .filter_map(|c| lookup(&self.map, c).map(|e| (vec![c.to_string()], e.count as f64)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if known.is_some() {
            return known;
        }
        // A compound modifier ("Gesellschafts-" in "…gesellschaftskapitän") ends in its own
        // linking element, so its stripped forms are split too.
        let nested = candidates
            .iter()
            .filter_map(|c| self.best_split(c, depth - 1, attempts))
            .map(|(parts, score)| {
                // Product of frequencies, so the caller's root stays a geometric mean.
                let product = score.powf(parts.len() as f64);
                (parts, product)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if nested.is_some() {
            return nested;
        }
        let letters = modifier.chars().count();
        let has_vowel = modifier.chars().any(|c| "aeiouäöüy".contains(c));
        (letters >= MIN_UNKNOWN_MODIFIER_CHARS
            && has_vowel
            && head_chars >= MIN_HEAD_AFTER_UNKNOWN_CHARS)
            .then(|| (vec![modifier.to_owned()], 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_plurals_and_genitives_that_snowball_keeps_have_their_base() {
        for (form, base) in [
            ("autos", "auto"),
            ("büros", "büro"),
            ("pkws", "pkw"),
            ("kontos", "konto"),
            ("bergbaus", "bergbau"),
            ("sees", "see"),
            ("kitas", "kita"),
            ("handys", "handy"),
        ] {
            assert_eq!(s_form_base(form), Some(base), "{form}");
        }
        // Compounds the lexicon does not know, decided by their head.
        assert_eq!(s_form_base("bürgerbüros"), Some("bürgerbüro"));
        // Words of their own, a function word, a month, Latin singulars, German endings,
        // compounds whose head ends in "s", an adverb.
        for word in [
            "haus",
            "mais",
            "dies",
            "etwas",
            "status",
            "bus",
            "eis",
            "virus",
            "kurs",
            "modus",
            "obus",
            "benzinpreis",
            "lachgas",
            "sicherheitshinweis",
            "speiseeis",
            "raus",
            "reis",
        ] {
            assert_eq!(s_form_base(word), None, "{word}");
        }
    }

    fn split(word: &str) -> Option<Vec<String>> {
        Splitter::default().split(word)
    }

    fn parts(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn splits_compounds_of_the_seed() {
        assert_eq!(
            split("quantenkommunikation"),
            parts(&["quanten", "kommunikation"])
        );
        assert_eq!(
            split("behördenkommunikation"),
            parts(&["behörde", "kommunikation"])
        );
        assert_eq!(split("kabinettssitzung"), parts(&["kabinett", "sitzung"]));
        assert_eq!(split("behördenservices"), parts(&["behörde", "services"]));
        assert_eq!(
            split("wirtschaftsministerium"),
            parts(&["wirtschaft", "ministerium"])
        );
    }

    #[test]
    fn splits_long_compounds_recursively() {
        let got = split("donaudampfschifffahrtsgesellschaftskapitän").expect("a compound");
        assert_eq!(got.last().map(String::as_str), Some("kapitän"));
        assert!(got.contains(&"gesellschaft".to_owned()), "{got:?}");
    }

    #[test]
    fn pathological_chains_stay_bounded() {
        // Every "bundes", "land", "landes" and "bundesland" in the chain is a noun head, so
        // unbounded nesting makes about twice the budget of attempts.
        let chain = "bundeslandes".repeat(6);
        let mut attempts = 0;
        let best = Splitter::default().best_split(&chain, MAX_DEPTH, &mut attempts);
        assert_eq!(attempts, MAX_ATTEMPTS);
        // Cut short, the search still returns the best split found so far.
        assert!(best.is_some());
    }

    #[test]
    fn feminine_nouns_split_as_their_masculine_base() {
        for word in [
            "bürgerinnen",
            "verbraucherinnen",
            "besucherinnen",
            "lehrerinnen",
            "mitarbeiterinnen",
            "sachbearbeiterin",
        ] {
            assert_eq!(split(word), None, "{word}");
        }
        assert_eq!(
            split("steuerzahlerinnen"),
            parts(&["steuer", "zahlerinnen"])
        );
        // Not every word ending in "in" is feminine.
        assert_eq!(split("zahnmedizin"), parts(&["zahn", "medizin"]));
        assert_eq!(split("dachrinnen"), parts(&["dach", "rinnen"]));
    }

    #[test]
    fn swiss_spelling_is_split_as_german() {
        assert_eq!(split("strassenreinigung"), parts(&["strasse", "reinigung"]));
        assert_eq!(split("hauptstrasse"), parts(&["haupt", "strasse"]));
        assert_eq!(split("fussgängerzone"), parts(&["fussgänger", "zone"]));
    }

    #[test]
    fn leaves_non_compounds_whole() {
        for word in [
            "insgesamt",
            "verwaltung",
            "abteilung",
            "beobachten",
            "beobachtung",
            "erbrecht",
            "mitarbeiterinnen",
            "beispielsweise",
            "unternehmen",
            "kommunikation",
            // An unknown word does not end in a short noun by chance: misspelt "Verordnung",
            // "Reaktivität|transiente", "Baugeräte" (its modifier "Bau" is too short).
            "verordung",
            "reaktivitätstransiente",
            "baugeräte",
        ] {
            assert_eq!(split(word), None, "{word}");
        }
    }
}
