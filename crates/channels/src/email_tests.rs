//! Tests of the e-mail parser on realistic raw messages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const PLAIN: &[u8] = b"Return-Path: <siti@example.id>\r\n\
Received: from mx.example.id by mail.jakarta.go.id; Mon, 3 Mar 2025 08:12:00 +0700\r\n\
From: Siti Rahmawati <siti@example.id>\r\n\
To: aduan@jakarta.go.id\r\n\
Subject: Sampah menumpuk di Jalan Kebon Sirih\r\n\
Date: Mon, 3 Mar 2025 08:11:58 +0700\r\n\
Message-ID: <CAF1234.5678@mail.example.id>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n\
Selamat pagi,\r\n\
\r\n\
Sampah sudah tiga hari tidak diangkut di depan rumah nomor 12.\r\n\
Mohon segera ditindaklanjuti.\r\n";

const QUOTED: &[u8] = b"From: =?UTF-8?Q?Andr=C3=A9_Wijaya?= <andre@example.id>\r\n\
To: aduan@jakarta.go.id\r\n\
Subject: =?UTF-8?Q?Jalan_berlubang_di_Tebet?=\r\n\
Message-ID: <qp-1@example.id>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\
\r\n\
--alt\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Caf=C3=A9 di pojok Jalan Tebet Raya: lubang besar sekali, sudah ada motor ja=\r\n\
tuh kemarin.\r\n\
--alt\r\n\
Content-Type: text/html; charset=UTF-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
<p>Caf=C3=A9 di pojok Jalan Tebet Raya: <b>lubang besar</b></p>\r\n\
--alt--\r\n";

const HTML_ONLY: &[u8] = b"From: warga@example.id\r\n\
Subject: Lampu jalan mati\r\n\
Message-ID: <html-1@example.id>\r\n\
Content-Type: text/html; charset=UTF-8\r\n\
\r\n\
<html><body><p>Lampu jalan di <b>Jalan Cikini Raya</b> mati sejak minggu lalu.</p></body></html>\r\n";

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A multipart/mixed message with a text body, a PNG photo and a PDF.
fn mixed(png: &[u8]) -> Vec<u8> {
    format!(
        "From: \"Budi Santoso\" <budi@example.id>\r\n\
To: aduan@jakarta.go.id\r\n\
Subject: Saluran air tersumbat\r\n\
Message-ID: <mixed-1@example.id>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"mix\"\r\n\
\r\n\
--mix\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Saluran air di Jalan Manggarai Utara tersumbat, banjir setiap hujan. Foto terlampir.\r\n\
--mix\r\n\
Content-Type: image/png; name=\"foto.png\"\r\n\
Content-Disposition: attachment; filename=\"foto.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
{}\r\n\
--mix\r\n\
Content-Type: application/pdf; name=\"surat.pdf\"\r\n\
Content-Disposition: attachment; filename=\"surat.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n\
--mix--\r\n",
        base64(png)
    )
    .into_bytes()
}

#[test]
fn reads_a_plain_indonesian_message() {
    let mail = parse_email(PLAIN).unwrap();
    assert_eq!(mail.message_id, "CAF1234.5678@mail.example.id");
    assert_eq!(mail.from_name.as_deref(), Some("Siti Rahmawati"));
    assert_eq!(mail.from_address, "siti@example.id");
    assert_eq!(
        mail.subject.as_deref(),
        Some("Sampah menumpuk di Jalan Kebon Sirih")
    );
    assert!(mail.text.starts_with("Selamat pagi,\n\nSampah"));
    assert!(!mail.text.contains('\r'));
    assert!(mail.attachments.is_empty());
    let description = mail.description();
    assert!(description.starts_with("Sampah menumpuk di Jalan Kebon Sirih\n\nSelamat pagi,"));
    assert!(description.ends_with("ditindaklanjuti."));
    // The sender is not in the debug output.
    assert!(!format!("{mail:?}").contains("siti"));
}

#[test]
fn decodes_quoted_printable_and_encoded_words() {
    let mail = parse_email(QUOTED).unwrap();
    assert_eq!(mail.subject.as_deref(), Some("Jalan berlubang di Tebet"));
    assert_eq!(mail.from_name.as_deref(), Some("André Wijaya"));
    assert_eq!(mail.from_address, "andre@example.id");
    // The plain alternative is preferred, the soft line break joined.
    assert!(mail.text.starts_with("Café di pojok Jalan Tebet Raya"));
    assert!(mail.text.contains("motor jatuh kemarin"));
    assert!(!mail.text.contains('<'));
}

#[test]
fn converts_an_html_only_body_to_text() {
    let mail = parse_email(HTML_ONLY).unwrap();
    assert_eq!(mail.from_name, None);
    assert_eq!(mail.from_address, "warga@example.id");
    assert!(mail.text.contains("Lampu jalan di Jalan Cikini Raya mati"));
    assert!(!mail.text.contains("<p>"));
}

#[test]
fn keeps_image_attachments_only() {
    let png = png();
    let mail = parse_email(&mixed(&png)).unwrap();
    assert_eq!(mail.from_name.as_deref(), Some("Budi Santoso"));
    assert!(
        mail.text
            .starts_with("Saluran air di Jalan Manggarai Utara")
    );
    assert_eq!(mail.attachments, vec![png]);
}

#[test]
fn derives_a_stable_id_without_a_message_id() {
    let raw = b"From: warga@example.id\r\nSubject: Pohon tumbang\r\n\r\nPohon tumbang di Jalan Sudirman.\r\n";
    let one = parse_email(raw).unwrap();
    let two = parse_email(raw).unwrap();
    assert!(one.message_id.starts_with("sha256:"));
    assert_eq!(one.message_id.len(), "sha256:".len() + 64);
    assert_eq!(one.message_id, two.message_id);
    let other =
        parse_email(b"From: warga@example.id\r\nSubject: Pohon tumbang lagi\r\n\r\nx\r\n").unwrap();
    assert_ne!(one.message_id, other.message_id);
}

#[test]
fn cuts_long_descriptions() {
    let raw = format!(
        "From: a@example.id\r\nSubject: Panjang\r\nMessage-ID: <long@x>\r\n\r\n{}\r\n",
        "kata ".repeat(2000)
    );
    let mail = parse_email(raw.as_bytes()).unwrap();
    assert!(mail.description().chars().count() <= MAX_DESCRIPTION);
    assert!(mail.description().starts_with("Panjang\n\nkata kata"));
}

#[test]
fn refuses_what_is_not_a_mail() {
    assert_eq!(parse_email(b""), Err(EmailError::NotAMail));
    assert_eq!(
        parse_email(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        Err(EmailError::NotAMail)
    );
    assert_eq!(
        parse_email(b"<html><body>hello</body></html>"),
        Err(EmailError::NotAMail)
    );
    assert_eq!(
        parse_email(b"just some words, no headers at all\n"),
        Err(EmailError::NotAMail)
    );
    assert_eq!(
        parse_email(b"Subject: no sender\r\n\r\nbody text here\r\n"),
        Err(EmailError::NoSender)
    );
    assert_eq!(
        parse_email(b"From: a@example.id\r\n\r\n   \r\n"),
        Err(EmailError::Empty)
    );
}

#[test]
fn signatures_and_quoted_replies_do_not_reach_the_description() {
    let raw = "From: Budi Santoso <budi.santoso@example.id>\r\n\
To: CRM Jakarta <crm@jakarta.go.id>\r\n\
Subject: Re: Jalan berlubang\r\n\
Message-ID: <balasan-1@example.id>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Lubangnya makin besar setelah hujan semalam, mohon segera ditambal.\r\n\
\r\n\
-- \r\n\
Budi Santoso\r\n\
HP 0812-3456-7890 | budi.kantor@example.id\r\n\
\r\n\
On Mon, 3 Mar 2025 at 10:00, Siti Rahma <siti.rahma@example.id> wrote:\r\n\
> Hubungi saya di 0813-1122-3344 atau siti.rahma@example.id\r\n";
    let mail = parse_email(raw.as_bytes()).unwrap();
    let description = mail.description();
    assert_eq!(
        description,
        "Re: Jalan berlubang\n\nLubangnya makin besar setelah hujan semalam, mohon segera ditambal."
    );
    for personal in ["0812", "0813", "@example.id", "Siti"] {
        assert!(
            !description.contains(personal),
            "{personal} in {description}"
        );
    }
}
