//! The query language, parsed leniently: whatever a user types or pastes is a query.
//!
//! - `Kabinett Sitzung`: any of the words (ranked by BM25; more matching words rank higher)
//! - `"zu einer gemeinsamen Kabinettssitzung"`: the words in this order; `"a b"~2` allows slop
//! - `+Pflicht -Ausschluss`, `a AND b`, `a OR b`, `NOT c`: required / excluded words
//! - `Kabinett*`: words beginning with "kabinett"
//!
//! Anything else (`?`, `:`, brackets, unbalanced quotes, lone operators) is read as text:
//! punctuation falls away in analysis, so a question like "Wann wurde die KI-Strategie
//! beschlossen?" is simply its words. Operators are upper case only, so the German words
//! "und"/"oder"/"nicht" stay words.

/// How a clause takes part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Occur {
    /// Optional: matching it raises the score (the default, as in any ranked search).
    Should,
    /// Required (`+word`, `a AND b`).
    Must,
    /// Excluded (`-word`, `NOT word`).
    MustNot,
}

/// One searchable unit of a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Clause {
    /// Free text from one whitespace-separated token (may hold several words after analysis).
    Words(String),
    /// A quoted phrase, with the allowed slop.
    Phrase { text: String, slop: u32 },
    /// A prefix (`word*`).
    Prefix(String),
}

/// A parsed query: clauses in input order with how each occurs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub clauses: Vec<(Occur, Clause)>,
}

/// Longest slop accepted after a phrase (`"a b"~N`); larger values are clamped.
const MAX_SLOP: u32 = 50;

#[derive(Debug, PartialEq, Eq)]
enum Lexeme {
    And,
    Or,
    Not,
    Item { sign: Option<Occur>, clause: Clause },
}

/// Typographic quotation marks, which a query pasted from a German text holds ("„so“",
/// "»so«", "“so”"): each quotes a phrase as '"' does.
const QUOTATION_MARKS: [char; 5] = ['„', '“', '”', '»', '«'];

/// Parses `input` leniently; never fails. Whether anything searchable is left is decided
/// after analysis, by the searcher.
pub fn parse(input: &str) -> ParsedQuery {
    let lexemes = if input.contains(QUOTATION_MARKS) {
        lex(&input.replace(QUOTATION_MARKS, "\""))
    } else {
        lex(input)
    };
    let mut clauses = Vec::new();
    let mut pending_not = false;
    let mut pending_and = false;
    for lexeme in lexemes {
        match lexeme {
            Lexeme::And => {
                // `a AND b`: the clause before becomes required too.
                if let Some((occur @ Occur::Should, _)) = clauses.last_mut() {
                    *occur = Occur::Must;
                }
                pending_and = !clauses.is_empty();
            }
            Lexeme::Or => pending_and = false,
            Lexeme::Not => pending_not = true,
            Lexeme::Item { sign, clause } => {
                let occur = if pending_not {
                    Occur::MustNot
                } else if let Some(sign) = sign {
                    sign
                } else if pending_and {
                    Occur::Must
                } else {
                    Occur::Should
                };
                pending_not = false;
                pending_and = false;
                clauses.push((occur, clause));
            }
        }
    }
    ParsedQuery { clauses }
}

fn lex(input: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut rest = input;
    loop {
        // A sign stands at the start or after a space: one glued to a closing quote is a
        // hyphen ('"Ja"-Stimmen', '„Ja“-Stimmen').
        let signs = rest.len() == input.len() || rest.starts_with(char::is_whitespace);
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        // A sign directly before a word or phrase; a lone sign is punctuation.
        let mut elided = false;
        let (sign, mut body) = match rest.as_bytes()[0] {
            _ if !signs => (None, rest),
            b'+' => (Some(Occur::Must), &rest[1..]),
            // "Privatpersonen und -organisationen": after a conjunction, a hyphen right before
            // a word stands for the shared first part of a compound (Ergänzungsstrich), not
            // for "without"; the word is then a word, never an operator.
            b'-' if follows_conjunction(&out) && rest[1..].starts_with(char::is_alphabetic) => {
                elided = true;
                (None, &rest[1..])
            }
            b'-' => (Some(Occur::MustNot), &rest[1..]),
            _ => (None, rest),
        };
        if let Some(after_quote) = body.strip_prefix('"') {
            if let Some(close) = after_quote.find('"') {
                let text = after_quote[..close].to_owned();
                let mut tail = &after_quote[close + 1..];
                let mut slop = 0;
                if let Some(after_tilde) = tail.strip_prefix('~') {
                    let digits = after_tilde.bytes().take_while(u8::is_ascii_digit).count();
                    slop = after_tilde[..digits]
                        .parse::<u32>()
                        .map_or(if digits > 0 { MAX_SLOP } else { 0 }, |n| n.min(MAX_SLOP));
                    tail = &after_tilde[digits..];
                }
                out.push(Lexeme::Item {
                    sign,
                    clause: Clause::Phrase { text, slop },
                });
                rest = tail;
                continue;
            }
            // Unbalanced quote: punctuation, and the rest is read as plain words; a sign before
            // it still holds for the word right after it ('-"Wort' is '-Wort').
            if sign.is_none() || !after_quote.starts_with(|c: char| !c.is_whitespace()) {
                rest = after_quote;
                continue;
            }
            body = after_quote;
        }
        let end = body.find(char::is_whitespace).unwrap_or(body.len());
        let token = &body[..end];
        rest = &body[end..];
        if sign.is_none() && !elided {
            match token {
                "AND" | "&&" => {
                    out.push(Lexeme::And);
                    continue;
                }
                "OR" | "||" => {
                    out.push(Lexeme::Or);
                    continue;
                }
                "NOT" => {
                    out.push(Lexeme::Not);
                    continue;
                }
                _ => {}
            }
        }
        // A quote inside a token (`foo"bar`) is punctuation.
        let clause = match token.strip_suffix('*') {
            Some(stem) if stem.chars().any(char::is_alphanumeric) && !stem.ends_with('*') => {
                Clause::Prefix(stem.to_owned())
            }
            _ => Clause::Words(token.to_owned()),
        };
        out.push(Lexeme::Item { sign, clause });
    }
}

/// Whether the last lexeme is a plain conjunction that German joins compounds sharing a part
/// with ("Privatpersonen und -organisationen").
fn follows_conjunction(lexemes: &[Lexeme]) -> bool {
    matches!(
        lexemes.last(),
        Some(Lexeme::Item { sign: None, clause: Clause::Words(word) })
            if matches!(
                word.to_lowercase().as_str(),
                "und" | "oder" | "sowie" | "bzw." | "beziehungsweise" | "bis"
            )
    )
}

/// Function words dropped from free-text queries (never from phrases), so that a question
/// ranks by its content words. Hand-written for this project: German articles, pronouns,
/// prepositions, conjunctions, auxiliaries, question words and the verbs questions are
/// phrased with ("Wie lautet …", "Wie heißt …"), plus the commonest English function words,
/// which in German text mark quoted titles rather than content.
pub const STOP_WORDS: &[&str] = &[
    "a", "ab", "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an",
    "ander", "andere", "anderem", "anderen", "anderer", "anderes", "auch", "auf", "aus", "bei",
    "beim", "bin", "bis", "bist", "da", "dabei", "dadurch", "dafür", "damit", "dann", "darauf",
    "darin", "das", "dass", "daß", "dem", "den", "denen", "denn", "der", "deren", "des", "dessen",
    "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "doch", "dort", "du", "durch",
    "ein", "eine", "einem", "einen", "einer", "eines", "einige", "einigen", "einiger", "er", "es",
    "etwas", "euch", "euer", "für", "gab", "gibt", "gegeben", "hat", "hatte", "hatten", "habe",
    "haben", "heißt", "heißen", "hieß", "hier", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre",
    "ihrem", "ihren", "ihrer", "ihres", "im", "in", "ins", "ist", "ja", "jede", "jedem", "jeden",
    "jeder", "jedes", "kann", "kein", "keine", "können", "konnte", "lautet", "lautete", "lauten",
    "man", "mit", "muss", "nach", "nannte", "nennt", "nicht", "noch", "nun", "nur", "ob", "oder",
    "ohne", "sein", "seine", "seinem", "seinen", "seiner", "seines", "sich", "sie", "sind", "so",
    "soll", "sollte", "über", "um", "und", "uns", "unter", "viele", "vielen", "vom", "von", "vor",
    "war", "waren", "warum", "was", "weil", "welche", "welchem", "welchen", "welcher", "welches",
    "wem", "wen", "wenn", "wer", "werden", "wessen", "wie", "wieso", "wieviel", "wir", "wird",
    "wo", "woher", "wohin", "womit", "worden", "wurde", "wurden", "zu", "zum", "zur", "wann",
    "welch", "weshalb", "zwischen", "the", "of", "and", "to", "for", "on", "at", "by", "with",
    "is",
];

/// Whether a normalized (lowercased) word is a German function word.
pub fn is_stop_word(exact: &str) -> bool {
    STOP_WORDS.contains(&exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Clause {
        Clause::Words(s.to_owned())
    }

    #[test]
    fn plain_words_are_optional() {
        assert_eq!(
            parse("Kabinett Sitzung").clauses,
            vec![
                (Occur::Should, words("Kabinett")),
                (Occur::Should, words("Sitzung"))
            ]
        );
    }

    #[test]
    fn phrases_with_and_without_slop() {
        assert_eq!(
            parse(r#""gemeinsamen Sitzung"~3 "zu einer""#).clauses,
            vec![
                (
                    Occur::Should,
                    Clause::Phrase {
                        text: "gemeinsamen Sitzung".into(),
                        slop: 3
                    }
                ),
                (
                    Occur::Should,
                    Clause::Phrase {
                        text: "zu einer".into(),
                        slop: 0
                    }
                ),
            ]
        );
        assert_eq!(
            parse(r#""a b"~99999999999999"#).clauses[0].1,
            Clause::Phrase {
                text: "a b".into(),
                slop: MAX_SLOP
            }
        );
    }

    #[test]
    fn a_hyphen_after_a_closing_quote_is_no_exclusion() {
        for input in ["\"Ja\"-Stimmen", "„Ja“-Stimmen"] {
            assert_eq!(
                parse(input).clauses,
                vec![
                    (
                        Occur::Should,
                        Clause::Phrase {
                            text: "Ja".into(),
                            slop: 0
                        }
                    ),
                    (Occur::Should, words("-Stimmen")),
                ],
                "{input}"
            );
        }
    }

    #[test]
    fn typographic_quotes_make_phrases() {
        for input in [
            "„Wir schaffen das“",
            "»Wir schaffen das«",
            "“Wir schaffen das”",
        ] {
            assert_eq!(
                parse(input).clauses,
                vec![(
                    Occur::Should,
                    Clause::Phrase {
                        text: "Wir schaffen das".into(),
                        slop: 0
                    }
                )],
                "{input}"
            );
        }
    }

    #[test]
    fn signs_and_operators() {
        assert_eq!(
            parse("+Bayern -Sachsen a AND b OR c NOT d").clauses,
            vec![
                (Occur::Must, words("Bayern")),
                (Occur::MustNot, words("Sachsen")),
                (Occur::Must, words("a")),
                (Occur::Must, words("b")),
                (Occur::Should, words("c")),
                (Occur::MustNot, words("d")),
            ]
        );
    }

    #[test]
    fn a_hyphen_after_a_conjunction_elides_a_compound_part() {
        assert_eq!(
            parse("Privatpersonen und -organisationen").clauses,
            vec![
                (Occur::Should, words("Privatpersonen")),
                (Occur::Should, words("und")),
                (Occur::Should, words("organisationen")),
            ]
        );
        // Elsewhere it still excludes.
        assert_eq!(
            parse("Bayern -Sachsen").clauses[1],
            (Occur::MustNot, words("Sachsen"))
        );
        assert_eq!(
            parse("Bayern und Sachsen -Berlin").clauses[3].0,
            Occur::MustNot
        );
        // Before a phrase the hyphen excludes; before an operator word it makes it a word.
        assert_eq!(
            parse("Bayern und -\"Freistaat Sachsen\"").clauses[2].0,
            Occur::MustNot
        );
        assert_eq!(
            parse("Bayern und -NOT Sachsen").clauses,
            vec![
                (Occur::Should, words("Bayern")),
                (Occur::Should, words("und")),
                (Occur::Should, words("NOT")),
                (Occur::Should, words("Sachsen")),
            ]
        );
    }

    #[test]
    fn lowercase_operators_are_words() {
        assert_eq!(parse("Bayern und Sachsen").clauses.len(), 3);
    }

    #[test]
    fn prefix() {
        assert_eq!(
            parse("Kabinett*").clauses,
            vec![(Occur::Should, Clause::Prefix("Kabinett".into()))]
        );
        assert_eq!(parse("*").clauses, vec![(Occur::Should, words("*"))]);
        assert_eq!(parse("**").clauses, vec![(Occur::Should, words("**"))]);
    }

    #[test]
    fn hostile_input_never_fails() {
        for input in [
            "\"unbalanced",
            "AND",
            "-",
            "+",
            "~",
            "*",
            "((",
            "title:",
            "foo:bar",
            "\"\"~",
            "- + ~ *",
            "\u{0}\u{7}",
        ] {
            let _ = parse(input);
        }
        assert_eq!(
            parse("\"unbalanced quote").clauses,
            vec![
                (Occur::Should, words("unbalanced")),
                (Occur::Should, words("quote"))
            ]
        );
        assert!(parse("AND OR NOT").clauses.is_empty());
        // A sign before an unbalanced quote holds for the word after it.
        assert_eq!(
            parse("Bayern -\"Sachsen").clauses,
            vec![
                (Occur::Should, words("Bayern")),
                (Occur::MustNot, words("Sachsen")),
            ]
        );
        assert_eq!(
            parse("+\"Berlin").clauses,
            vec![(Occur::Must, words("Berlin"))]
        );
        assert_eq!(
            parse("-\" Thüringen").clauses,
            vec![(Occur::Should, words("Thüringen"))]
        );
    }

    #[test]
    fn questions_keep_their_words() {
        let q = parse("Wann wurde die KI-Strategie beschlossen?");
        assert_eq!(q.clauses.len(), 5);
        assert_eq!(q.clauses[4].1, words("beschlossen?"));
    }
}
