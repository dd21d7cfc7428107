//! What of an e-mail's text is the citizen's report: the body without its signature (after
//! the standard `-- ` delimiter) and without the quoted reply (lines starting with `>`, the
//! "On … wrote:" / "Pada … menulis:" header and everything after it, Outlook's
//! "-----Original Message-----" or "From:/Sent:" block). Signatures and quoted mails carry
//! phone numbers and addresses, personal data that must not reach the report text.
//!
//! Free-form sign-offs ("Terima kasih, Budi") are kept: telling them from the report is
//! too risky.

/// `text` up to its signature or quoted reply, with quoted lines dropped.
pub fn strip_quotes_and_signature(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| starts_the_tail(&lines[i..]))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .filter(|line| !line.trim_start().starts_with('>'))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Whether the first of `lines` starts the signature or the quoted reply.
fn starts_the_tail(lines: &[&str]) -> bool {
    let Some(first) = lines.first() else {
        return false;
    };
    let line = first.trim();
    let next = lines.get(1).map_or("", |l| l.trim());
    if first.trim_end() == "--" {
        return true;
    }
    let lower = line.to_lowercase();
    if lower.contains("original message") || lower.contains("pesan asli") {
        return line.starts_with("---");
    }
    // "On Mon, 3 Mar 2025, Budi <budi@example.id> wrote:", perhaps wrapped once.
    for (start, end) in [("on ", "wrote:"), ("pada ", "menulis:")] {
        if lower.starts_with(start) && (lower.ends_with(end) || next.to_lowercase().ends_with(end))
        {
            return true;
        }
    }
    // Outlook: "From: …" then "Sent:"/"Date:"/"To:" (or their Indonesian names).
    let header = |l: &str, names: &[&str]| {
        let l = l.to_lowercase();
        names.iter().any(|n| l.starts_with(n))
    };
    header(line, &["from:", "dari:"])
        && header(
            next,
            &["sent:", "date:", "to:", "dikirim:", "tanggal:", "kepada:"],
        )
}

#[cfg(test)]
mod tests {
    use super::strip_quotes_and_signature as strip;

    const REPORT: &str =
        "Jalan berlubang di depan SDN 01 Menteng,\nsudah dua minggu belum diperbaiki.";

    #[test]
    fn the_signature_after_the_delimiter_is_dropped() {
        let text = format!("{REPORT}\n\n-- \nBudi Santoso\nHP 0812-3456-7890\nbudi@example.id");
        assert_eq!(strip(&text), REPORT);
    }

    #[test]
    fn gmail_and_indonesian_quoted_replies_are_dropped() {
        for header in [
            "On Mon, 3 Mar 2025 at 10:00, CRM Jakarta <crm@jakarta.go.id> wrote:",
            "Pada tanggal Sen, 3 Mar 2025 10.00, CRM Jakarta <crm@jakarta.go.id>\nmenulis:",
        ] {
            let text = format!(
                "{REPORT}\n\n{header}\n> Nomor tiket Anda 2025-0001.\n> Hubungi 021-555-0101 atau dinas@jakarta.go.id"
            );
            assert_eq!(strip(&text), REPORT, "{header}");
        }
        // Interleaved quoting: only the quoted lines go.
        let text = format!("> Apa masalahnya?\n{REPORT}\n> siti@example.id");
        assert_eq!(strip(&text), REPORT);
    }

    #[test]
    fn outlook_blocks_are_dropped() {
        for block in [
            "-----Original Message-----\nFrom: Siti <siti@example.id>\nSent: Monday\nTel 0813 1122 3344",
            "________________________________\nFrom: Siti Rahma <siti@example.id>\nSent: Monday, March 3, 2025\nTo: crm@jakarta.go.id",
        ] {
            let text = format!("{REPORT}\n\n{block}");
            let kept = strip(&text);
            assert!(kept.starts_with(REPORT), "{kept}");
            assert!(!kept.contains('@') && !kept.contains("0813"), "{kept}");
        }
    }

    #[test]
    fn a_report_mentioning_from_or_dashes_is_kept() {
        let text = "From: warga RT 05\nBanjir -- setinggi lutut -- sejak pagi\nOn the corner the drain is blocked";
        assert_eq!(strip(text), text);
    }
}
