//! The outbox of the citizen's phone (`templates/outbox.js`): a report written with no
//! signal is kept and sent when the signal is back. Here: the script, served inline on the
//! citizen's pages and as the service worker, and what it tells the citizen.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::Lang;

/// The script, inline on `/lapor` and `/laporan-saya` (allowed by its hash) and the service
/// worker at [`WORKER_PATH`].
pub const SCRIPT: &str = include_str!("../../templates/outbox.js");

/// Where the service worker is served: at the root, so that its scope is the whole site.
pub const WORKER_PATH: &str = "/sw.js";

/// What the outbox says, read by the script from the status line's `data-` attributes.
pub struct OutboxTexts {
    pub kept: &'static str,
    pub not_kept: &'static str,
    pub waiting: &'static str,
    pub sent: &'static str,
    pub refused: &'static str,
    pub refused_elsewhere: &'static str,
}

static ID: OutboxTexts = OutboxTexts {
    kept: "Tidak ada sinyal: laporan Anda disimpan di ponsel ini dan dikirim otomatis begitu \
           tersambung lagi. Jangan hapus data browser sebelum terkirim.",
    not_kept: "Tidak ada sinyal, dan laporan tidak dapat disimpan di ponsel ini. Coba kirim lagi \
               saat tersambung.",
    waiting: "{n} laporan tersimpan di ponsel ini, menunggu sinyal untuk dikirim.",
    sent: "Laporan yang disimpan saat tidak ada sinyal sudah terkirim:",
    refused: "Laporan yang disimpan saat tidak ada sinyal belum dapat dikirim. Isinya sudah \
              dikembalikan ke formulir ini: periksa, lalu kirim lagi.",
    refused_elsewhere: "Laporan yang disimpan saat tidak ada sinyal belum dapat dikirim. Buka \
                        Buat laporan untuk memeriksanya.",
};

static EN: OutboxTexts = OutboxTexts {
    kept: "No signal: your report is kept on this phone and sent automatically once you are \
           connected again. Do not clear the browser's data before it is sent.",
    not_kept: "No signal, and the report could not be kept on this phone. Try sending it again \
               when connected.",
    waiting: "{n} report(s) kept on this phone, waiting for a signal to be sent.",
    sent: "The report kept while there was no signal has been sent:",
    refused: "The report kept while there was no signal could not be sent yet. It is back in \
              this form: check it, then send it again.",
    refused_elsewhere: "The report kept while there was no signal could not be sent yet. Open \
                        Report a problem to check it.",
};

impl OutboxTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }
}

/// `/sw.js`: the outbox as a service worker, always revalidated so a new version takes over.
pub async fn worker() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}
