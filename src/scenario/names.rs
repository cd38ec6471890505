//! Names people write: initiatives, risks, the scenario's name and currency.
//!
//! A name travels everywhere: terminal tables, charts, CSV columns, JSON
//! keys, the keys of the random streams. It is checked once, here, so that
//! every output can trust it:
//!
//! - surrounding whitespace is dropped and the name is NFC-normalised
//!   ([`canonical`]), so "Café" typed with a precomposed `é` and with `e`
//!   plus a combining accent is one name, and a reference (`depends_on`, a
//!   correlation's `between`) written either way finds it;
//! - it holds at most [`MAX_NAME_CHARS`] characters ([`MAX_CURRENCY_CHARS`]
//!   for a currency, which prefixes every amount shown);
//! - it holds no character that is invisible or that takes over a terminal
//!   ([`forbidden`]): control characters (ESC, NUL, CR, LF, TAB, DEL, the C1
//!   range), zero-width characters (U+200B..U+200D, U+2060, U+FEFF) and
//!   bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
//!   U+2066..U+2069). A description may break lines and hold tabs, nothing
//!   else of these.
//!
//! [`escape_invisible`] is the safety net for text that reaches the terminal
//! without being a checked name, such as an error quoting a mistyped value.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Most characters in the name of an initiative, a risk or a scenario.
pub const MAX_NAME_CHARS: usize = 200;

/// Most characters in a currency (a code such as `USD`, or a short label).
pub const MAX_CURRENCY_CHARS: usize = 20;

/// What a text is, which sets what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextKind {
    /// An initiative's, a risk's or the scenario's name.
    Name,
    /// The scenario's currency.
    Currency,
    /// The scenario's description: free text over several lines.
    Description,
}

/// What is wrong with a text, and the character at fault when there is one.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    /// What is wrong, in plain words.
    pub message: String,
    /// The offending character, so the error can point at it.
    pub character: Option<char>,
}

/// A name or a reference to one in its single canonical form: without
/// surrounding whitespace, NFC-normalised.
///
/// ```
/// use roicast::scenario::names::canonical;
/// assert_eq!(canonical(" Cafe\u{301} "), canonical("Caf\u{e9}"));
/// ```
pub fn canonical(text: &str) -> String {
    text.trim().nfc().collect()
}

/// Why `c` may not appear in a name, or `None` when it may.
pub fn forbidden(c: char) -> Option<&'static str> {
    match c {
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional control")
        }
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Some("a zero-width character"),
        c if c.is_control() => Some("a control character"),
        _ => None,
    }
}

/// `text` with every [`forbidden`] character written as an escape
/// (`\u{1b}`), safe to print.
///
/// ```
/// use roicast::scenario::names::escape_invisible;
/// assert_eq!(escape_invisible("a\u{1b}]0;b"), "a\\u{1b}]0;b");
/// assert_eq!(escape_invisible("Café"), "Café");
/// ```
pub fn escape_invisible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| forbidden(c).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if forbidden(c).is_some() { c.escape_unicode().to_string() } else { c.to_string() })
            .collect(),
    )
}

/// Checks a text of this kind and returns its canonical form.
pub(super) fn check(text: &str, kind: TextKind) -> Result<String, Problem> {
    let problem = |message: String| Problem { message, character: None };
    let text = match kind {
        TextKind::Description => text.replace("\r\n", "\n"),
        TextKind::Name | TextKind::Currency => canonical(text),
    };
    let allowed = |c: char| kind == TextKind::Description && (c == '\n' || c == '\t');
    if let Some(c) = text.chars().find(|&c| forbidden(c).is_some() && !allowed(c)) {
        let what = forbidden(c).unwrap_or_default();
        let limits = match kind {
            TextKind::Description => {
                "a description may break lines but holds no other control, zero-width or bidirectional character"
            }
            TextKind::Name | TextKind::Currency => "names may not hold control, zero-width or bidirectional characters",
        };
        return Err(Problem {
            message: format!("contains {}, {what}; {limits}", character_name(c)),
            character: Some(c),
        });
    }
    let limit = match kind {
        TextKind::Name => MAX_NAME_CHARS,
        TextKind::Currency => MAX_CURRENCY_CHARS,
        TextKind::Description => usize::MAX,
    };
    let length = text.chars().count();
    if kind != TextKind::Description && length == 0 {
        return Err(problem("must not be empty".to_string()));
    }
    if length > limit {
        return Err(problem(format!("is {length} characters long; at most {limit} are allowed")));
    }
    Ok(text)
}

/// `U+001B (ESC)`: the code point, and the usual name of a common control character.
fn character_name(c: char) -> String {
    let short = match c {
        '\0' => " (NUL)",
        '\u{7}' => " (BEL)",
        '\u{8}' => " (BS)",
        '\t' => " (TAB)",
        '\n' => " (LF, a line break)",
        '\r' => " (CR)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        _ => "",
    };
    format!("U+{:04X}{short}", u32::from(c))
}

/// Byte offset in `source`, the TOML text of a string value, where `c` is
/// written: as itself or as an escape (`\e`, `\t`, `\x1b`, `\u001B`,
/// `\U0000001b`). `None` when it cannot be found.
pub(super) fn locate(source: &str, c: char) -> Option<usize> {
    let code = u32::from(c);
    let lower = source.to_ascii_lowercase();
    let short = match c {
        '\u{8}' => Some("\\b"),
        '\t' => Some("\\t"),
        '\n' => Some("\\n"),
        '\u{c}' => Some("\\f"),
        '\r' => Some("\\r"),
        '\u{1b}' => Some("\\e"),
        _ => None,
    };
    let escapes = [
        Some(format!("\\u{code:04x}")),
        Some(format!("\\u{code:08x}")),
        (code <= 0xff).then(|| format!("\\x{code:02x}")),
        short.map(str::to_string),
    ];
    let literal = source.find(c);
    // Short escapes are case-sensitive (`\E` is no escape); hex digits are not.
    let escaped = escapes
        .iter()
        .flatten()
        .filter_map(|e| if e.len() == 2 { source.find(e.as_str()) } else { lower.find(e.as_str()) });
    literal.into_iter().chain(escaped).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_normalised() {
        assert_eq!(check("  Invoice approval ", TextKind::Name), Ok("Invoice approval".to_string()));
        let decomposed = check("Cafe\u{301}", TextKind::Name).unwrap();
        assert_eq!(decomposed, "Caf\u{e9}");
        assert_eq!(decomposed.chars().count(), 4);
    }

    #[test]
    fn invisible_and_terminal_characters_are_rejected() {
        for c in ['\u{1b}', '\0', '\r', '\n', '\t', '\u{7f}', '\u{9b}', '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}']
            .into_iter()
            .chain(['\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'])
        {
            let err = check(&format!("A{c}B"), TextKind::Name).unwrap_err();
            assert_eq!(err.character, Some(c));
            assert!(err.message.contains(&format!("U+{:04X}", u32::from(c))), "{}", err.message);
        }
        assert!(check("Zürich → Zoë 東京", TextKind::Name).is_ok());
        // A description may hold line breaks and tabs, and nothing else of these.
        assert!(check("line one\r\nline two\tend", TextKind::Description).is_ok());
        assert!(check("title\u{1b}]0;pwned\u{7}", TextKind::Description).unwrap_err().message.contains("ESC"));
    }

    #[test]
    fn lengths_are_limited_in_characters() {
        assert!(check(&"é".repeat(MAX_NAME_CHARS), TextKind::Name).is_ok());
        let err = check(&"a".repeat(MAX_NAME_CHARS + 1), TextKind::Name).unwrap_err();
        assert!(err.message.contains("201 characters"), "{}", err.message);
        assert!(check("Swiss francs", TextKind::Currency).is_ok());
        assert!(check(&"X".repeat(MAX_CURRENCY_CHARS + 1), TextKind::Currency).is_err());
        assert_eq!(check("   ", TextKind::Name).unwrap_err().message, "must not be empty");
        assert!(check(&"a".repeat(100_000), TextKind::Description).is_ok());
    }

    #[test]
    fn characters_are_found_as_written_or_escaped() {
        assert_eq!(locate("\"ab\u{1b}c\"", '\u{1b}'), Some(3));
        assert_eq!(locate(r#""ab\u001Bc""#, '\u{1b}'), Some(3));
        assert_eq!(locate(r#""ab\U0000001bc""#, '\u{1b}'), Some(3));
        assert_eq!(locate(r#""ab\ec""#, '\u{1b}'), Some(3));
        assert_eq!(locate(r#""ab\x1bc""#, '\u{1b}'), Some(3));
        assert_eq!(locate(r#""a\tb""#, '\t'), Some(2));
        assert_eq!(locate(r#""a\u200Bb""#, '\u{200b}'), Some(2));
        assert_eq!(locate(r#""ab""#, '\u{1b}'), None);
    }
}
