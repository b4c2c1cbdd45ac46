//! Word boundaries (Unicode UAX #29), with a fast path for Latin text.
//!
//! `unicode-segmentation` looks every character up in the full Unicode tables; on German
//! text that lookup is a tenth of all indexing time. Nearly every passage is made only of
//! ASCII, Latin-1 and Latin Extended-A letters, digits, spaces and common punctuation, where
//! the UAX #29 rules come down to a few character classes. [`word_bounds`] applies those rules
//! directly to such text and hands any other text to `unicode-segmentation`, so both paths
//! yield the very same segments (tested against the crate, exhaustively on short strings
//! and with random ones).

use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// The UAX #29 word-break classes that occur in text the fast path takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    ALetter,
    Numeric,
    MidLetter,
    MidNum,
    MidNumLet,
    SingleQuote,
    ExtendNumLet,
    WSegSpace,
    Cr,
    Lf,
    Other,
}

/// The word-break class of `c`, or `None` for a character the fast path does not know (the
/// text then goes to `unicode-segmentation`).
const fn class(c: char) -> Option<Class> {
    use Class::*;
    Some(match c {
        'a'..='z' | 'A'..='Z' => ALetter,
        '0'..='9' => Numeric,
        ' ' => WSegSpace,
        '\n' => Lf,
        '\r' => Cr,
        ':' | '\u{b7}' => MidLetter,
        ',' | ';' => MidNum,
        '.' | '\u{2018}' | '\u{2019}' => MidNumLet,
        '\'' => SingleQuote,
        '_' => ExtendNumLet,
        // ª µ º, Latin-1 letters without × and ÷, Latin Extended-A.
        '\u{aa}' | '\u{b5}' | '\u{ba}' | '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' => ALetter,
        '\u{f8}'..='\u{17f}' => ALetter,
        // The rest of printable ASCII ('"' is Double_Quote, which only matters next to Hebrew
        // letters), tab, no-break space, and the punctuation of German typesetting.
        '\t' | '!' | '"' | '#'..='&' | '('..='+' | '-' | '/' | '<'..='@' | '['..='^' | '`' => Other,
        '{'..='~' | '\u{a0}' | '\u{a7}' | '\u{ab}' | '\u{b0}' | '\u{bb}' => Other,
        '\u{2013}' | '\u{2014}' | '\u{201a}' | '\u{201c}'..='\u{201e}' | '\u{2026}' => Other,
        '\u{20ac}' => Other,
        _ => return None,
    })
}

/// [`class`] of every ASCII character, looked up once.
const ASCII_CLASSES: [Option<Class>; 128] = {
    let mut table = [None; 128];
    let mut byte: u8 = 0;
    while byte < 128 {
        table[byte as usize] = class(byte as char);
        byte += 1;
    }
    table
};

/// [`class`], through the table for ASCII.
fn class_of(c: char) -> Option<Class> {
    match ASCII_CLASSES.get(c as usize) {
        Some(&class) => class,
        None => class(c),
    }
}

/// The UAX #29 word segments of `text` with their byte offsets, like
/// `UnicodeSegmentation::split_word_bound_indices`.
pub fn word_bounds(text: &str) -> WordBounds<'_> {
    if text.chars().all(|c| class_of(c).is_some()) {
        WordBounds::Latin(LatinBounds { text, pos: 0 })
    } else {
        WordBounds::Unicode(text.split_word_bound_indices())
    }
}

/// Iterator of [`word_bounds`].
#[derive(Clone)]
pub enum WordBounds<'a> {
    Latin(LatinBounds<'a>),
    Unicode(UWordBoundIndices<'a>),
}

impl<'a> Iterator for WordBounds<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        match self {
            WordBounds::Latin(bounds) => bounds.next(),
            WordBounds::Unicode(bounds) => bounds.next(),
        }
    }
}

/// The fast path: segments of a text made only of characters it knows the class of.
#[derive(Clone)]
pub struct LatinBounds<'a> {
    text: &'a str,
    pos: usize,
}

impl LatinBounds<'_> {
    /// Class and length of the character at byte `pos`, if any.
    fn at(&self, pos: usize) -> Option<(Class, usize)> {
        let byte = *self.text.as_bytes().get(pos)?;
        let (class, len) = if byte.is_ascii() {
            (ASCII_CLASSES[usize::from(byte)], 1)
        } else {
            let c = self.text[pos..].chars().next()?;
            (class(c), c.len_utf8())
        };
        Some((class.unwrap_or(Class::Other), len))
    }
}

impl<'a> Iterator for LatinBounds<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        use Class::*;
        let start = self.pos;
        let (mut prev, len) = self.at(start)?;
        let mut before_prev: Option<Class> = None;
        let mut pos = start + len;
        while let Some((cur, len)) = self.at(pos) {
            let after = || self.at(pos + len).map(|(class, _)| class);
            let mid_letter = |c| matches!(c, MidLetter | MidNumLet | SingleQuote);
            let mid_num = |c| matches!(c, MidNum | MidNumLet | SingleQuote);
            let joined = match (prev, cur) {
                (Cr, Lf) => true,                                              // WB3
                (Cr | Lf, _) | (_, Cr | Lf) => false,                          // WB3a, WB3b
                (WSegSpace, WSegSpace) => true,                                // WB3d
                (ALetter | Numeric, ALetter | Numeric) => true, // WB5, WB8, WB9, WB10
                (ALetter, c) if mid_letter(c) => after() == Some(ALetter), // WB6
                (c, ALetter) if mid_letter(c) => before_prev == Some(ALetter), // WB7
                (Numeric, c) if mid_num(c) => after() == Some(Numeric), // WB12
                (c, Numeric) if mid_num(c) => before_prev == Some(Numeric), // WB11
                (ALetter | Numeric | ExtendNumLet, ExtendNumLet) => true, // WB13a
                (ExtendNumLet, ALetter | Numeric) => true,      // WB13b
                _ => false,                                     // WB999
            };
            if !joined {
                break;
            }
            before_prev = Some(prev);
            prev = cur;
            pos += len;
        }
        self.pos = pos;
        Some((start, &self.text[start..pos]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One character of every class, and the characters at the edges of every range.
    const SAMPLES: &[char] = &[
        'a', 'Z', 'ä', 'ß', 'Ö', 'µ', 'ª', 'ſ', 'Ā', '0', '9', ' ', '\n', '\r', ':', '·', ',', ';',
        '.', '\u{2018}', '\u{2019}', '\'', '_', '\t', '-', '"', '/', '§', '–', '„', '“', '…', '€',
        '\u{a0}', '«', '(', '~', // and some the fast path does not take:
        '\u{ad}', '\u{301}', '×', 'α', '\u{200d}', '😀',
    ];

    fn assert_same(text: &str) {
        let fast: Vec<(usize, &str)> = word_bounds(text).collect();
        let reference: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
        assert_eq!(fast, reference, "segments of {text:?}");
    }

    #[test]
    fn every_string_of_up_to_three_sample_characters_segments_as_unicode_does() {
        let n = SAMPLES.len();
        let mut text = String::new();
        for len in 1..=3u32 {
            for mut code in 0..n.pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(SAMPLES[code % n]);
                    code /= n;
                }
                assert_same(&text);
            }
        }
    }

    #[test]
    fn every_character_of_the_fast_path_has_its_unicode_class() {
        for c in (0..0x2100u32).filter_map(char::from_u32) {
            if class(c).is_none() {
                continue;
            }
            for context in ["a{}a", "1{}1", "{}{}", " {} ", "a{}", "{}1", "_{}_", ".{}."] {
                assert_same(&context.replace("{}", &c.to_string()));
            }
        }
    }

    #[test]
    fn german_text_takes_the_fast_path() {
        let text =
            "Die Behörden-Kommunikation (§ 3 Abs. 2) wurde am 23.05.2019 „zügig“ geprüft – 5,5 %.";
        assert!(matches!(word_bounds(text), WordBounds::Latin(_)));
        assert_same(text);
    }

    proptest! {
        #[test]
        fn random_text_segments_as_unicode_does(
            picks in proptest::collection::vec(0..SAMPLES.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| SAMPLES[i]).collect();
            assert_same(&text);
        }
    }
}
