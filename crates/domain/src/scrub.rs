//! Masking personal data in a reporter's text: phone numbers, e-mail addresses, NIK and
//! vehicle plates for everyone but the reporter ([`public_text`]), and the reporter's own
//! identity wherever they wrote it ([`staff_text`]).
//!
//! The design: a report's text is masked once, when it is filed, by the application, which
//! is the only place that holds the reporter's identity in the clear (the account's sealed
//! identity opened, or what a channel or desk gave before it is sealed). The result is stored
//! beside the original as the report's staff text; every reader but the reporter (staff and,
//! once the reporter makes it public, everyone) reads that, passed through [`public_text`]
//! again so that rows stored before it existed are masked by the generic rules on read. The
//! reporter alone reads what they wrote. Nothing here needs the identity after filing, so
//! no view, search or excerpt ever has to open a sealed identity.

use std::sync::LazyLock;

use regex::Regex;

/// What replaces each kind of personal data.
pub const MASK_PHONE: &str = "[nomor telepon disamarkan]";
pub const MASK_EMAIL: &str = "[email disamarkan]";
pub const MASK_NIK: &str = "[NIK disamarkan]";
pub const MASK_PLATE: &str = "[pelat nomor disamarkan]";
/// The reporter's own name, account, handle or contact, written in their text.
pub const MASK_IDENTITY: &str = "[identitas pelapor disamarkan]";

/// Shown instead of the text if the patterns could not be built: fail closed, never leak.
pub const MASK_ALL: &str = "[teks disamarkan]";

struct Patterns {
    email: Regex,
    nik: Regex,
    phone: Regex,
    plate: Regex,
}

static PATTERNS: LazyLock<Result<Patterns, regex::Error>> = LazyLock::new(|| {
    Ok(Patterns {
        email: Regex::new(r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")?,
        // 16 digits, possibly grouped by spaces, dots or dashes (Nomor Induk Kependudukan),
        // in any grouping (2-2-2-6-4 as printed on the card, or 4-4-4-4 as people type).
        nik: Regex::new(r"\b\d(?:[ .\-]?\d){15}\b")?,
        // +62 / 62 / 0 and 8-13 more digits with optional separators; landlines with the
        // area code in brackets.
        phone: Regex::new(
            r"(?:\+62|\b62|\b0)[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d){6,11}\b|\(0\d{1,3}\)[ .\-]?\d{3,4}[ .\-]?\d{3,4}\b",
        )?,
        // A region code (B for Jakarta, D, F, AB...), 1-4 digits, 1-3 letters.
        plate: Regex::new(
            r"(?i)\b(?:B|D|F|E|T|A|Z|H|G|K|R|L|M|N|P|S|W|AA|AB|AD|AE|AG|BA|BB|BD|BE|BG|BH|BK|BL|BM|BN|BP|DA|DB|DD|DE|DG|DH|DK|DL|DM|DN|DR|DT|EA|EB|ED|KB|KH|KT|KU|PA|PB)[ \-]?\d{1,4}[ \-]?[A-Z]{1,3}\b",
        )?,
    })
});

/// `text` with personal data masked, for public display.
pub fn public_text(text: &str) -> String {
    let Ok(p) = &*PATTERNS else {
        return MASK_ALL.to_owned();
    };
    let text = p.email.replace_all(text, MASK_EMAIL);
    let text = p.nik.replace_all(&text, MASK_NIK);
    let text = p.phone.replace_all(&text, MASK_PHONE);
    p.plate.replace_all(&text, MASK_PLATE).into_owned()
}

/// Name tokens shorter than this are left alone (initials, "bin", "Nu" would mask too
/// much ordinary text).
const MIN_NAME_TOKEN: usize = 3;
/// At most this many terms are masked: identity fields are bounded, this bounds the pattern.
const MAX_TERMS: usize = 32;
/// Terms longer than this are not identity anyone types (and would bloat the pattern).
const MAX_TERM_CHARS: usize = 200;

/// Who the reporter is, as their account or channel knows them: what to mask wherever they
/// wrote it. Held in memory while a report is filed, never stored, never printed.
#[derive(Clone, Default)]
pub struct WrittenIdentity {
    /// Regex fragments, each matching one way the reporter may have written themself.
    patterns: Vec<String>,
    /// What must be in a text for any fragment to match it, checked before the pattern is
    /// compiled: most texts name nobody, and compiling costs far more than filing.
    hints: Vec<Hint>,
}

/// A cheap, conservative test of whether a fragment can match: it may say yes when the
/// fragment does not match, never no when it does.
#[derive(Clone)]
enum Hint {
    /// An ASCII term, lower-cased: an ASCII text holding it, in any case.
    Word(String),
    /// A number: the text's digits, read without what separates them, holding these.
    Digits(String),
}

impl Hint {
    fn word(term: &str) -> Self {
        Self::Word(term.trim().to_ascii_lowercase())
    }
}

/// Never print identity, not even in debug logs.
impl std::fmt::Debug for WrittenIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WrittenIdentity(<redacted>)")
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `term` matched as a whole word where it starts or ends with a word character.
fn whole_word(term: &str) -> Option<String> {
    let term = term.trim();
    let (first, last) = (term.chars().next()?, term.chars().last()?);
    if term.chars().count() > MAX_TERM_CHARS {
        return None;
    }
    let start = if is_word(first) { r"\b" } else { "" };
    let end = if is_word(last) { r"\b" } else { "" };
    Some(format!("{start}{}{end}", regex::escape(term)))
}

/// A number written with or without separators between its digits.
fn digits_pattern(digits: &str) -> String {
    let parts: Vec<String> = digits.chars().map(|d| d.to_string()).collect();
    parts.join(r"[ .\-]?")
}

impl WrittenIdentity {
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The full name and each of its tokens of three letters or more.
    pub fn name(mut self, name: Option<&str>) -> Self {
        let Some(name) = name else { return self };
        self.push_word(name);
        for token in name.split(|c: char| !c.is_alphabetic()) {
            if token.chars().count() >= MIN_NAME_TOKEN {
                self.push_word(token);
            }
        }
        self
    }

    /// An account name, or a channel handle (with or without its `@`).
    pub fn handle(mut self, handle: Option<&str>) -> Self {
        let Some(handle) = handle.map(|h| h.trim().trim_start_matches('@')) else {
            return self;
        };
        if handle.chars().count() >= MIN_NAME_TOKEN {
            self.push_word(handle);
        }
        self
    }

    pub fn email(mut self, email: Option<&str>) -> Self {
        if let Some(email) = email {
            self.push_word(email);
        }
        self
    }

    fn push_word(&mut self, term: &str) {
        if let Some(pattern) = whole_word(term) {
            self.patterns.push(pattern);
            self.hints.push(Hint::word(term));
        }
    }

    /// A phone number in any of its national shapes: `0813…`, `62813…`, `+62 813…`, `813…`.
    pub fn phone(mut self, phone: Option<&str>) -> Self {
        let Some(phone) = phone else { return self };
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let national = digits
            .strip_prefix("62")
            .or_else(|| digits.strip_prefix('0'))
            .unwrap_or(&digits);
        if (6..=15).contains(&national.len()) {
            self.patterns.push(format!(
                r"(?:(?:\+62|\b62|\b0)[ .\-]?|\b){}\b",
                digits_pattern(national)
            ));
            self.hints.push(Hint::Digits(national.to_owned()));
        }
        self
    }

    /// A NIK, with or without separators.
    pub fn nik(mut self, nik: Option<&str>) -> Self {
        let Some(nik) = nik else { return self };
        let digits: String = nik.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 {
            self.patterns
                .push(format!(r"\b{}\b", digits_pattern(&digits)));
            self.hints.push(Hint::Digits(digits));
        }
        self
    }

    /// Whether any term may be written in `text` (see [`Hint`]). A text with other than
    /// ASCII is always checked in full: case folding beyond ASCII is the pattern's to judge.
    fn may_appear_in(&self, text: &str) -> bool {
        if !text.is_ascii() {
            return !self.patterns.is_empty();
        }
        let lower = text.to_ascii_lowercase();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        self.hints.iter().any(|hint| match hint {
            Hint::Word(term) => !term.is_ascii() || lower.contains(term.as_str()),
            Hint::Digits(number) => digits.contains(number.as_str()),
        })
    }

    /// One pattern for every term, longest first so a full name masks before its tokens;
    /// `None` when no term can be written in `text`.
    fn regex_for(&self, text: &str) -> Result<Option<Regex>, regex::Error> {
        if !self.may_appear_in(text) {
            return Ok(None);
        }
        let mut patterns: Vec<&String> = self.patterns.iter().take(MAX_TERMS).collect();
        if patterns.is_empty() {
            return Ok(None);
        }
        patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
        patterns.dedup();
        let joined: Vec<&str> = patterns.iter().map(|p| p.as_str()).collect();
        Regex::new(&format!("(?i)(?:{})", joined.join("|"))).map(Some)
    }
}

/// `text` as staff may read it: personal data masked as for the public, and the reporter's
/// own identity masked wherever they wrote it. Fails closed: [`MASK_ALL`] if the identity's
/// pattern cannot be built.
pub fn staff_text(text: &str, identity: &WrittenIdentity) -> String {
    // The identity first: the reporter's own number or NIK in a shape the generic patterns
    // would cut in two is masked whole.
    match identity.regex_for(text) {
        Ok(None) => public_text(text),
        Ok(Some(own)) => public_text(&own.replace_all(text, MASK_IDENTITY)),
        Err(_) => MASK_ALL.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratna() -> WrittenIdentity {
        WrittenIdentity::default()
            .name(Some("Ratna Kanariwati"))
            .handle(Some("ratnak88"))
            .phone(Some("+6281398765432"))
            .email(Some("Ratna.K@example.id"))
            .nik(Some("3174012345678901"))
            .handle(Some("@ratna_jkt"))
    }

    #[test]
    fn the_pattern_is_compiled_only_for_texts_that_may_name_the_reporter() {
        let ratna = ratna();
        for naming in [
            "hubungi RATNA",
            "akun Ratnak88",
            "wa 0813 9876 5432",
            "nik 3174.0123.4567.8901",
            "surel RATNA.K@EXAMPLE.ID",
            "Saya Ratna\u{e9}",
        ] {
            assert!(ratna.may_appear_in(naming), "{naming}");
        }
        let nobody = "Jalan berlubang di depan halte 12, sudah 3 hari.";
        assert!(!ratna.may_appear_in(nobody));
        assert_eq!(staff_text(nobody, &ratna), public_text(nobody));
    }

    #[test]
    fn masks_the_reporters_own_identity_wherever_written() {
        let text = "Saya Ratna Kanariwati (akun ratnak88, @ratna_jkt), hubungi 0813-9876-5432 \
                    atau 813 98765432 atau ratna.k@EXAMPLE.id, NIK 3174 0123 4567 8901. \
                    Bu RATNA dan pak kanariwati tahu.";
        let out = staff_text(text, &ratna());
        for secret in [
            "Ratna",
            "RATNA",
            "Kanariwati",
            "kanariwati",
            "ratnak88",
            "ratna_jkt",
            "9876",
            "98765432",
            "example",
            "3174",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(
            out.starts_with(&format!("Saya {MASK_IDENTITY} (akun {MASK_IDENTITY}")),
            "{out}"
        );
    }

    #[test]
    fn names_are_masked_as_whole_words_only() {
        let who = WrittenIdentity::default().name(Some("Ani Sri Wahyuni"));
        assert_eq!(
            staff_text("Animasi di sri-langka, kata Ani dan SRI", &who),
            format!("Animasi di {MASK_IDENTITY}-langka, kata {MASK_IDENTITY} dan {MASK_IDENTITY}")
        );
        // Short tokens are not masked alone.
        let who = WrittenIdentity::default().name(Some("Nu Ar"));
        assert_eq!(staff_text("Nu ada di Ar", &who), "Nu ada di Ar");
    }

    #[test]
    fn staff_text_masks_like_the_public_text_too() {
        let who = WrittenIdentity::default();
        assert!(who.is_empty());
        assert_eq!(
            staff_text("mobil B 1234 KJT, hubungi 081234567890 atau a@b.co", &who),
            format!("mobil {MASK_PLATE}, hubungi {MASK_PHONE} atau {MASK_EMAIL}")
        );
    }

    #[test]
    fn the_identity_never_prints() {
        assert_eq!(format!("{:?}", ratna()), "WrittenIdentity(<redacted>)");
    }

    #[test]
    fn hostile_identity_is_escaped() {
        let who = WrittenIdentity::default()
            .name(Some("a.*b (c) [d]"))
            .handle(Some("x|y"));
        assert_eq!(staff_text("jalan rusak", &who), "jalan rusak");
    }

    #[test]
    fn masks_phone_numbers_in_their_usual_shapes() {
        for phone in [
            "081234567890",
            "0812-3456-7890",
            "0812 3456 789",
            "+6281234567890",
            "+62 812 3456 7890",
            "6281234567890",
            "(021) 555 1234",
            "021-5551234",
        ] {
            let out = public_text(&format!("hubungi {phone} ya"));
            assert_eq!(out, format!("hubungi {MASK_PHONE} ya"), "{phone}");
        }
    }

    #[test]
    fn masks_email_nik_and_plates() {
        assert_eq!(
            public_text("email saya budi.s@example.co.id"),
            format!("email saya {MASK_EMAIL}")
        );
        assert_eq!(
            public_text("NIK 3171234567890001 terdaftar"),
            format!("NIK {MASK_NIK} terdaftar")
        );
        assert_eq!(
            public_text("NIK 3171 2345 6789 0001 dan 31.71.23.456789.0001"),
            format!("NIK {MASK_NIK} dan {MASK_NIK}")
        );
        assert_eq!(
            public_text("Avanza B 1234 KJT parkir"),
            format!("Avanza {MASK_PLATE} parkir")
        );
        assert_eq!(
            public_text("mobil B 1234 XYZ parkir liar, juga b1234xy dan D 12 AB"),
            format!("mobil {MASK_PLATE} parkir liar, juga {MASK_PLATE} dan {MASK_PLATE}")
        );
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in [
            "Jalan berlubang di RT 05 RW 03, dekat KM 12",
            "Sampah menumpuk sejak 3 hari, sekitar 20 karung",
            "Jl. Sudirman No. 45, Jakarta Pusat 10220",
            "Tanggal 2025-03-05 jam 14.30",
            "Pohon tumbang di Blok M",
        ] {
            assert_eq!(public_text(text), text);
        }
    }

    #[test]
    fn every_pattern_compiles() {
        assert!(PATTERNS.is_ok());
    }
}
