//! Turning raw file bytes into text.
//!
//! People index folders of German text of any origin: modern UTF-8, files
//! saved by old Windows editors in Windows-1252/ISO-8859-1, UTF-16 exports
//! from Office tools, and the odd UTF-8 file that someone edited with a
//! Latin-1 editor. Next to them lie images, PDFs and executables that must be
//! skipped with a precise reason instead of being indexed as garbage.
//!
//! [`decode`] applies these rules, in this order:
//!
//! 1. **UTF-16 with BOM** (`FF FE` / `FE FF`): the BOM is trusted, the body is
//!    decoded with `encoding_rs` and the BOM stripped (a repeated one too, as
//!    tools that add a BOM to a file that has one leave it). Malformed UTF-16 (lone
//!    surrogates, an odd trailing byte) becomes U+FFFD: such damage is local
//!    and the rest of the file is still worth indexing.
//! 2. **UTF-16 without BOM** is recognised by its classic pattern in the first
//!    KiB: more than half of the code units are ASCII/Latin-1 (one byte zero,
//!    the other not) and none has the zero byte on the opposite side.
//! 3. For UTF-16 files the binary check works on code units: a U+0000 unit
//!    anywhere, or too many control characters in the first 8 KiB, means
//!    binary.
//! 4. For all other files a NUL byte **anywhere** means binary (a cheap
//!    `memchr` scan; it also catches formats like PDF whose text header is
//!    followed by binary streams), and so does a share of more than 10 %
//!    control characters other than `\t \n \r \x0c` within the first 8 KiB
//!    (git, too, only sniffs the start of a file for this verdict).
//! 5. **UTF-8 BOM** (`EF BB BF`): stripped (repeated ones too), reported as
//!    [`Encoding::Utf8Bom`].
//! 6. **Valid UTF-8**: validated in place with [`std::str::from_utf8`], then
//!    copied once.
//! 7. **Invalid UTF-8** is either a UTF-8 file with stray Latin-1 bytes or a
//!    Windows-1252 file. The two readings only differ in how they treat the
//!    *valid* multi-byte UTF-8 sequences, so we count them against the invalid
//!    bytes. Accidental valid sequences are very rare in German Windows-1252
//!    text (an umlaut would have to be followed by `€`, `„`, `°`, `§`, …),
//!    stray bytes in a UTF-8 file are rare as well, so:
//!    - at least as many valid multi-byte sequences as invalid bytes (or a
//!      UTF-8 BOM): **repair** — keep UTF-8 and read each invalid byte as
//!      Windows-1252 (reported as UTF-8, since that is what the file is);
//!    - otherwise the whole file is **Windows-1252** (a superset of the
//!      printable range of ISO-8859-1, so Latin-1 files decode correctly).
//!
//! Unicode normalisation is deliberately left to the analyzer.

use std::borrow::Cow;

use encoding_rs::WINDOWS_1252;

/// The encoding a file was read with, so that tests can check which of
/// [`decode`]'s rules chose the reading (the indexer keeps only the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM, including UTF-8 files whose few stray bytes were
    /// read as Windows-1252.
    Utf8,
    /// UTF-8 with a byte order mark (common for files saved by Windows tools).
    Utf8Bom,
    /// UTF-16 little endian, with BOM or recognised by its NUL pattern.
    Utf16Le,
    /// UTF-16 big endian, with BOM or recognised by its NUL pattern.
    Utf16Be,
    /// Windows-1252, which also covers ISO-8859-1 (Latin-1) text.
    Windows1252,
}

/// Why a file is not treated as text; every variant names concrete evidence
/// so users can check the verdict.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// A NUL byte (or, in UTF-16, a U+0000 code unit starting at `offset`):
    /// text files practically never contain one, binary formats nearly always do.
    #[error("binary file (NUL byte at offset {offset})")]
    Binary { offset: usize },
    /// No NUL, but more than 10 % of the sniffed bytes are control characters.
    #[error("binary file ({count} control characters in the first {sample_len} bytes)")]
    ControlChars { count: usize, sample_len: usize },
}

/// Text of a file together with the encoding it was read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// How many leading bytes are checked for control characters (git: 8000).
const SNIFF_LEN: usize = 8 * 1024;
/// How many leading bytes are inspected to recognise UTF-16 without BOM.
const UTF16_SNIFF_LEN: usize = 1024;
/// Files with more than `1 / CONTROL_RATIO_DENOMINATOR` control characters
/// in their sample are binary.
const CONTROL_RATIO_DENOMINATOR: usize = 10;
/// Chunk size for the NUL scan: `<[u8]>::contains` uses memchr, so scanning
/// chunk-wise is fast and still yields the exact offset.
const NUL_SCAN_CHUNK: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// Byte order of a UTF-16 file.
#[derive(Debug, Clone, Copy)]
enum Endian {
    Little,
    Big,
}

/// Decodes raw file bytes into text, or explains why the file is binary.
///
/// See the module documentation for the rules. Never panics; empty input is
/// empty UTF-8 text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(body) = bytes.strip_prefix(UTF16LE_BOM) {
        return decode_utf16(body, UTF16LE_BOM.len(), Endian::Little);
    }
    if let Some(body) = bytes.strip_prefix(UTF16BE_BOM) {
        return decode_utf16(body, UTF16BE_BOM.len(), Endian::Big);
    }
    if let Some(endian) = sniff_utf16(bytes) {
        return decode_utf16(bytes, 0, endian);
    }

    check_binary(bytes)?;
    Ok(match bytes.strip_prefix(UTF8_BOM) {
        Some(mut body) => {
            while let Some(rest) = body.strip_prefix(UTF8_BOM) {
                body = rest;
            }
            decode_8bit(body, Encoding::Utf8Bom)
        }
        None => decode_8bit(bytes, Encoding::Utf8),
    })
}

/// Recognises BOM-less UTF-16 by the zero byte in ASCII/Latin-1 code units.
fn sniff_utf16(bytes: &[u8]) -> Option<Endian> {
    let (units, _) = bytes[..bytes.len().min(UTF16_SNIFF_LEN)].as_chunks::<2>();
    let (mut little, mut big) = (0, 0);
    for &[first, second] in units {
        match (first, second) {
            (1.., 0) => little += 1,
            (0, 1..) => big += 1,
            _ => {}
        }
    }
    let majority = units.len() / 2;
    if little > majority && big == 0 {
        Some(Endian::Little)
    } else if big > majority && little == 0 {
        Some(Endian::Big)
    } else {
        None
    }
}

/// Decodes a UTF-16 body; `start` is its offset in the file (the BOM length),
/// so that a reported NUL offset points into the original bytes.
fn decode_utf16(body: &[u8], start: usize, endian: Endian) -> Result<Decoded, DecodeError> {
    let (encoding, codec, to_unit): (_, _, fn([u8; 2]) -> u16) = match endian {
        Endian::Little => (Encoding::Utf16Le, encoding_rs::UTF_16LE, u16::from_le_bytes),
        Endian::Big => (Encoding::Utf16Be, encoding_rs::UTF_16BE, u16::from_be_bytes),
    };
    let (units, _) = body.as_chunks::<2>();
    if let Some(index) = units.iter().position(|&unit| unit == [0, 0]) {
        return Err(DecodeError::Binary {
            offset: start + 2 * index,
        });
    }
    let sample = &units[..units.len().min(SNIFF_LEN / 2)];
    check_controls(
        sample.iter().map(|&unit| u32::from(to_unit(unit))),
        2 * sample.len(),
    )?;
    // Malformed sequences become U+FFFD; see the module documentation.
    let (text, _had_errors) = codec.decode_without_bom_handling(body);
    let mut text = text.into_owned();
    // A BOM repeated after the one that told the byte order.
    let repeated_boms = text.len() - text.trim_start_matches('\u{feff}').len();
    text.drain(..repeated_boms);
    Ok(Decoded { text, encoding })
}

/// Binary check for byte-oriented files: NUL anywhere, control characters in
/// the first [`SNIFF_LEN`] bytes.
fn check_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    if let Some(offset) = find_nul(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    check_controls(sample.iter().map(|&byte| u32::from(byte)), sample.len())
}

fn find_nul(bytes: &[u8]) -> Option<usize> {
    bytes
        .chunks(NUL_SCAN_CHUNK)
        .enumerate()
        .find(|(_, chunk)| chunk.contains(&0))
        .and_then(|(index, chunk)| {
            let within = chunk.iter().position(|&byte| byte == 0)?;
            Some(index * NUL_SCAN_CHUNK + within)
        })
}

/// Fails if more than a tenth of the sampled characters are control
/// characters that do not occur in ordinary text.
fn check_controls(sample: impl Iterator<Item = u32>, sample_len: usize) -> Result<(), DecodeError> {
    let count = sample.filter(|&c| is_binary_control(c)).count();
    if count * CONTROL_RATIO_DENOMINATOR > sample_len {
        Err(DecodeError::ControlChars { count, sample_len })
    } else {
        Ok(())
    }
}

/// C0 controls and DEL, except tab, line feed, form feed and carriage return.
fn is_binary_control(c: u32) -> bool {
    (c < 0x20 && !matches!(c, 0x09 | 0x0A | 0x0C | 0x0D)) || c == 0x7F
}

/// Byte-oriented text: valid UTF-8 (validated in place, copied once),
/// repaired UTF-8, or Windows-1252. `encoding` is the UTF-8 flavour the BOM
/// check found; with a BOM the file is never reinterpreted as Windows-1252.
fn decode_8bit(bytes: &[u8], encoding: Encoding) -> Decoded {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_owned(),
            encoding,
        };
    }
    if encoding == Encoding::Utf8Bom || mostly_utf8(bytes) {
        Decoded {
            text: decode_utf8_repairing(bytes),
            encoding,
        }
    } else {
        Decoded {
            text: windows_1252(bytes).into_owned(),
            encoding: Encoding::Windows1252,
        }
    }
}

/// Whether the valid multi-byte UTF-8 sequences are at least as many as the
/// invalid bytes (which are known to exist when this is called).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        // Each multi-byte sequence has exactly one lead byte (0xC0 and up).
        multibyte += chunk.valid().bytes().filter(|&byte| byte >= 0xC0).count();
        invalid += chunk.invalid().len();
    }
    multibyte >= invalid
}

/// Decodes UTF-8, reading every byte that is not part of a valid sequence as
/// Windows-1252 (a stray Latin-1 "ß" becomes "ß", not U+FFFD).
fn decode_utf8_repairing(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.push_str(&windows_1252(chunk.invalid()));
    }
    text
}

fn windows_1252(bytes: &[u8]) -> Cow<'_, str> {
    WINDOWS_1252.decode_without_bom_handling(bytes).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> Decoded {
        decode(bytes).unwrap_or_else(|e| panic!("{bytes:?} should decode: {e}"))
    }

    fn utf16(text: &str, endian: Endian, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            bytes.extend(match endian {
                Endian::Little => unit.to_le_bytes(),
                Endian::Big => unit.to_be_bytes(),
            });
        }
        bytes
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            DecodeError::Binary { offset: 7 }.to_string(),
            "binary file (NUL byte at offset 7)"
        );
        assert_eq!(
            DecodeError::ControlChars {
                count: 20,
                sample_len: 100
            }
            .to_string(),
            "binary file (20 control characters in the first 100 bytes)"
        );
    }

    #[test]
    fn plain_utf8() {
        let decoded = ok("Die Behörde prüft Äpfel auf der Straße – „gut“ €".as_bytes());
        assert_eq!(
            decoded.text,
            "Die Behörde prüft Äpfel auf der Straße – „gut“ €"
        );
        assert_eq!(decoded.encoding, Encoding::Utf8);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let decoded = ok(b"\xEF\xBB\xBFGr\xC3\xBC\xC3\x9Fe");
        assert_eq!(decoded.text, "Grüße");
        assert_eq!(decoded.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn utf8_bom_only() {
        assert_eq!(
            ok(b"\xEF\xBB\xBF"),
            Decoded {
                text: String::new(),
                encoding: Encoding::Utf8Bom
            }
        );
    }

    #[test]
    fn repeated_boms_are_stripped() {
        let decoded = ok(b"\xEF\xBB\xBF\xEF\xBB\xBF\xEF\xBB\xBFTitel");
        assert_eq!(
            (decoded.text.as_str(), decoded.encoding),
            ("Titel", Encoding::Utf8Bom)
        );
        for endian in [Endian::Little, Endian::Big] {
            let decoded = ok(&utf16("\u{feff}\u{feff}Titel \u{feff}", endian, true));
            assert_eq!(decoded.text, "Titel \u{feff}", "only leading ones go");
        }
    }

    #[test]
    fn utf16le_with_bom() {
        let decoded = ok(b"\xFF\xFEB\x00e\x00h\x00\xF6\x00r\x00d\x00e\x00 \x00\xAC\x20");
        assert_eq!(decoded.text, "Behörde €");
        assert_eq!(decoded.encoding, Encoding::Utf16Le);
    }

    #[test]
    fn utf16be_with_bom() {
        let decoded = ok(b"\xFE\xFF\x00\xC4\x00p\x00f\x00e\x00l\x00 \x00\xDF");
        assert_eq!(decoded.text, "Äpfel ß");
        assert_eq!(decoded.encoding, Encoding::Utf16Be);
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let text = "Übergrößenträger zahlen 5 € mehr.\r\n";
        let le = ok(&utf16(text, Endian::Little, false));
        assert_eq!((le.text.as_str(), le.encoding), (text, Encoding::Utf16Le));
        let be = ok(&utf16(text, Endian::Big, false));
        assert_eq!((be.text.as_str(), be.encoding), (text, Encoding::Utf16Be));
    }

    #[test]
    fn utf16_nul_unit_is_binary() {
        let mut bytes = utf16("Text", Endian::Little, true);
        bytes.extend([0, 0, b'x', 0]);
        assert_eq!(decode(&bytes), Err(DecodeError::Binary { offset: 10 }));
    }

    #[test]
    fn utf16_control_characters_are_binary() {
        let bytes = utf16("\u{1}\u{2}\u{3}abcdef", Endian::Big, true);
        assert_eq!(
            decode(&bytes),
            Err(DecodeError::ControlChars {
                count: 3,
                sample_len: 18
            })
        );
    }

    #[test]
    fn malformed_utf16_uses_replacement_characters() {
        // A lone high surrogate, then an odd trailing byte.
        let decoded = ok(b"\xFF\xFEa\x00\x00\xD8b\x00c");
        assert_eq!(decoded.text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(decoded.encoding, Encoding::Utf16Le);
    }

    #[test]
    fn latin1_german_words() {
        for (bytes, expected) in [
            (&b"Beh\xF6rde"[..], "Behörde"),
            (b"Stra\xDFe", "Straße"),
            (b"\xC4pfel", "Äpfel"),
            (b"\xDCbel \xFCber \xD6l", "Übel über Öl"),
        ] {
            let decoded = ok(bytes);
            assert_eq!(decoded.text, expected);
            assert_eq!(decoded.encoding, Encoding::Windows1252);
        }
    }

    #[test]
    fn windows_1252_euro_and_quotes() {
        let decoded = ok(b"\x84Preis\x93: 5 \x80 \x96 gr\xFC\xDFe");
        assert_eq!(decoded.text, "„Preis“: 5 € – grüße");
        assert_eq!(decoded.encoding, Encoding::Windows1252);
    }

    #[test]
    fn mostly_utf8_with_stray_latin1_byte_is_repaired() {
        // UTF-8 "Größe und Übermaß", then a Latin-1 "Straße".
        let decoded = ok(b"Gr\xC3\xB6\xC3\x9Fe und \xC3\x9Cberma\xC3\x9F, Stra\xDFe");
        assert_eq!(decoded.text, "Größe und Übermaß, Straße");
        assert_eq!(decoded.encoding, Encoding::Utf8);
    }

    #[test]
    fn utf8_bom_with_stray_byte_is_repaired() {
        let decoded = ok(b"\xEF\xBB\xBFStra\xDFe");
        assert_eq!(decoded.text, "Straße");
        assert_eq!(decoded.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn windows_1252_with_accidental_utf8_pair_stays_1252() {
        // "\xC4\xA7" ("Ä§") happens to be valid UTF-8 (U+0127).
        let decoded = ok(b"B\xE4r, \xD6l, f\xFCr \xC4\xA7 3");
        assert_eq!(decoded.text, "Bär, Öl, für Ä§ 3");
        assert_eq!(decoded.encoding, Encoding::Windows1252);
    }

    #[test]
    fn nul_byte_is_binary_with_offset() {
        assert_eq!(
            decode(b"Hallo\x00Welt"),
            Err(DecodeError::Binary { offset: 5 })
        );
    }

    #[test]
    fn nul_byte_after_sniff_window_is_binary() {
        let mut bytes = vec![b'a'; 100_000];
        bytes[99_999] = 0;
        assert_eq!(decode(&bytes), Err(DecodeError::Binary { offset: 99_999 }));
    }

    #[test]
    fn elf_and_png_headers_are_binary() {
        let elf = b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3E\x00";
        assert_eq!(decode(elf), Err(DecodeError::Binary { offset: 7 }));
        let png = b"\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x01\x00";
        assert_eq!(decode(png), Err(DecodeError::Binary { offset: 8 }));
    }

    #[test]
    fn many_control_characters_are_binary() {
        let bytes = b"\x01\x02\x03\x1B\x7Fabcdefghij";
        assert_eq!(
            decode(bytes),
            Err(DecodeError::ControlChars {
                count: 5,
                sample_len: 15
            })
        );
    }

    #[test]
    fn few_control_characters_are_text() {
        let bytes = b"Kapitel 1\x0C\tSeite\r\n\x1B[1mfett\x1B[0m und noch etwas Text\x1A";
        let decoded = ok(bytes);
        assert_eq!(decoded.text.as_bytes(), bytes);
        assert_eq!(decoded.encoding, Encoding::Utf8);
    }

    #[test]
    fn empty_input() {
        assert_eq!(
            ok(b""),
            Decoded {
                text: String::new(),
                encoding: Encoding::Utf8
            }
        );
    }

    #[test]
    fn whitespace_only() {
        let decoded = ok(b" \t\r\n\x0C\n");
        assert_eq!(decoded.text, " \t\r\n\x0C\n");
        assert_eq!(decoded.encoding, Encoding::Utf8);
    }

    #[test]
    fn large_valid_utf8_takes_fast_path() {
        let line = "Die Behörde prüft die Übergröße der Straße – „gründlich“.\n";
        let text = line.repeat(5 * 1024 * 1024 / line.len() + 1);
        let decoded = ok(text.as_bytes());
        assert_eq!(decoded.encoding, Encoding::Utf8);
        assert_eq!(decoded.text, text);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes: [&[u8]; 4] = [b"", UTF8_BOM, UTF16LE_BOM, UTF16BE_BOM];
        for round in 0..5000 {
            let mut bytes = prefixes[round % prefixes.len()].to_vec();
            let len = usize::try_from(next() % 300).expect("small length");
            // Alternate between arbitrary bytes and mostly-text bytes so that
            // every decoding path gets exercised.
            let mask = if round % 3 == 0 { 0xFF } else { 0x7F };
            bytes.extend((0..len).map(|_| {
                let [byte, ..] = next().to_le_bytes();
                match byte & mask {
                    0x00..=0x08 if round % 2 == 0 => b'e',
                    byte => byte,
                }
            }));
            match decode(&bytes) {
                Ok(decoded) => assert!(!decoded.text.contains('\0'), "{bytes:?}"),
                Err(DecodeError::Binary { offset }) => assert_eq!(bytes[offset], 0),
                Err(DecodeError::ControlChars { count, sample_len }) => {
                    assert!(count * 10 > sample_len && sample_len <= bytes.len());
                }
            }
        }
    }
}
