//! Masking personal data in text shown publicly: phone numbers, e-mail addresses, NIK and
//! vehicle plates. The original text stays for the reporter; the public sees the mask.

use std::sync::LazyLock;

use regex::Regex;

/// What replaces each kind of personal data.
pub const MASK_PHONE: &str = "[nomor telepon disamarkan]";
pub const MASK_EMAIL: &str = "[email disamarkan]";
pub const MASK_NIK: &str = "[NIK disamarkan]";
pub const MASK_PLATE: &str = "[pelat nomor disamarkan]";

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
        // 16 digits, possibly grouped by spaces, dots or dashes (Nomor Induk Kependudukan).
        nik: Regex::new(r"\b\d{2}[ .\-]?\d{2}[ .\-]?\d{2}[ .\-]?\d{6}[ .\-]?\d{4}\b")?,
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

#[cfg(test)]
mod tests {
    use super::*;

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
