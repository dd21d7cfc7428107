//! What a reporter reads on their channel when their report moves: Indonesian first, then
//! English. Only the ticket, the state and (in private answers) the staff's note, masked
//! like every public text; never a name, a unit's staff or another citizen's details.
//! Answers in public (a reply under a tweet, a comment) carry the ticket and state only;
//! a private answer may carry the report's tracking code, never a public one.

use serde::Deserialize;

use aduan_domain::scrub::public_text;
use aduan_domain::tracking::TrackingCode;
use aduan_domain::{ActionKind, ReportState, Ticket};

/// The outbox row of a reply: the step and the state it left the report in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReplyPayload {
    pub action: String,
    pub state: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The report's tracking code sealed for this answer (`crate::tracking::seal`).
    #[serde(default)]
    pub sealed_code: Option<String>,
}

/// The longest note quoted in an answer, in characters.
const MAX_NOTE: usize = 300;

/// `(subject, text)` of the answer telling of `payload` on report `ticket`.
pub fn compose(
    jurisdiction: &str,
    ticket: &Ticket,
    payload: &ReplyPayload,
    public: bool,
) -> (String, String) {
    let state = ReportState::parse(&payload.state);
    let (label_id, label_en) =
        state.map_or(("diperbarui", "updated"), |s| (s.label_id(), s.label_en()));
    let subject = format!("[{ticket}] Laporan Anda: {label_id} / Your report: {label_en}");
    let note = (!public)
        .then(|| payload.note.as_deref().map(public_text))
        .flatten()
        .map(|n| n.trim().chars().take(MAX_NOTE).collect::<String>())
        .filter(|n| !n.is_empty());
    let mut text = if ActionKind::parse(&payload.action) == Some(ActionKind::Submit) {
        format!(
            "Laporan Anda sudah kami terima dengan nomor {ticket}. Status: {label_id}. \
             Kami akan mengabari setiap perkembangannya.\n\
             Your report was received as {ticket}. Status: {label_en}. We will tell you of \
             each step."
        )
    } else {
        format!("Laporan {ticket}: {label_id}.\nReport {ticket}: {label_en}.")
    };
    if let Some(note) = note {
        text.push_str(&format!("\nCatatan / Note: {note}"));
    }
    if !public {
        text.push_str(&format!("\n— {jurisdiction}"));
    }
    (subject, text)
}

/// A private answer's `text` with the report's tracking code and where to use it (with the
/// ticket the text names): the site's `/lacak` when its public address is known, else the
/// page's name alone.
pub fn with_tracking_code(
    mut text: String,
    code: &TrackingCode,
    public_url: Option<&str>,
) -> String {
    let code = code.display();
    let (at_id, at_en) = match public_url.map(|u| u.trim().trim_end_matches('/')) {
        Some(base) if !base.is_empty() => {
            let link = format!("{base}/lacak");
            (format!("cek di {link}"), format!("see {link}"))
        }
        _ => (
            "di halaman /lacak".to_owned(),
            "on the /lacak page".to_owned(),
        ),
    };
    text.push_str(&format!(
        "\nKode lacak: {code} ({at_id}). Simpan kode ini.\nTracking code: {code} ({at_en}). \
         Keep this code."
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> Ticket {
        Ticket::parse("JK2611280001").unwrap()
    }

    fn payload(action: &str, state: &str, note: Option<&str>) -> ReplyPayload {
        ReplyPayload {
            action: action.into(),
            state: state.into(),
            note: note.map(str::to_owned),
            sealed_code: None,
        }
    }

    #[test]
    fn the_receipt_names_the_ticket_in_both_languages() {
        let (subject, text) = compose(
            "Pemprov DKI Jakarta",
            &ticket(),
            &payload("submit", "waiting", None),
            false,
        );
        assert!(subject.contains("JK2611280001"), "{subject}");
        assert!(text.starts_with("Laporan Anda sudah kami terima dengan nomor JK2611280001"));
        assert!(text.contains("Your report was received as JK2611280001"));
    }

    #[test]
    fn private_answers_quote_the_note_masked_and_public_ones_do_not() {
        let note = Some("Sudah kami tangani, hubungi 081234567890 bila perlu");
        let (_, private) = compose(
            "Pemprov DKI Jakarta",
            &ticket(),
            &payload("validate", "completed", note),
            false,
        );
        assert!(
            private.contains("Catatan / Note: Sudah kami tangani"),
            "{private}"
        );
        assert!(!private.contains("081234567890"), "{private}");
        let (_, public) = compose(
            "Pemprov DKI Jakarta",
            &ticket(),
            &payload("validate", "completed", note),
            true,
        );
        assert!(!public.contains("Sudah kami tangani"), "{public}");
        assert!(public.contains("JK2611280001"));
    }

    #[test]
    fn the_code_comes_with_where_to_use_it() {
        let code = TrackingCode::parse("AB1CD0EF23").unwrap();
        let text = with_tracking_code("Laporan".into(), &code, Some("https://aduan.example/"));
        assert!(
            text.contains("Kode lacak: AB1CD-0EF23 (cek di https://aduan.example/lacak)"),
            "{text}"
        );
        let text = with_tracking_code("Laporan".into(), &code, None);
        assert!(text.contains("(di halaman /lacak)"), "{text}");
    }
}
