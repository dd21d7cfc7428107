//! `/admin/subjek-data`: a data subject's request (UU 27/2022) for someone who reported
//! through a channel or a desk: by their phone number or e-mail address, with a reason,
//! an admin holding the identity permission finds their reports (opening only those
//! reports' identities), downloads them, or erases their identities. Results are shown in
//! the answer to the form, never in a link; every act is in the identity access log.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_DISPOSITION;
use axum::response::{AppendHeaders, IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use aduan_store::identity::Identity;

use crate::app::personal_data::{self, SubjectReport, SubjectRequest};
use crate::app_error::AppError;
use crate::error::status_of;
use crate::pages::admin_form::{AdminForm, admin_form_fields};
use crate::pages::forms::{FieldErrors, field_of};
use crate::pages::labels::{local_time, pill};
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, Texts, failure, render_with};
use crate::state::AppState;

use super::{AdminTexts, admin_only, admin_texts};

pub const PATH: &str = "/admin/subjek-data";

/// This page's words, Indonesian first.
pub struct SubjectTexts {
    pub title: &'static str,
    pub desc: &'static str,
    intro: &'static str,
    phone: &'static str,
    email: &'static str,
    reason: &'static str,
    reason_hint: &'static str,
    search: &'static str,
    export: &'static str,
    erase: &'static str,
    erase_confirm: &'static str,
    found: &'static str,
    none_found: &'static str,
    erased: &'static str,
    identity_erased: &'static str,
    channel: &'static str,
    filed: &'static str,
    state: &'static str,
    name: &'static str,
    nik: &'static str,
    handle: &'static str,
    not_permitted: &'static str,
    err_confirm: &'static str,
    err_missing: &'static str,
    err_phone: &'static str,
    err_email: &'static str,
    err_reason: &'static str,
}

const ID: SubjectTexts = SubjectTexts {
    title: "Permintaan subjek data",
    desc: "Cari, unduh, atau hapus data seseorang yang melapor lewat kanal (SMS, WhatsApp, e-mail, meja layanan) menurut UU 27/2022.",
    intro: "Masukkan nomor telepon atau alamat e-mail orang tersebut dan alasan permintaan. Hanya identitas pada laporan orang itu yang dibuka; setiap pencarian, unduhan, dan penghapusan dicatat di log akses identitas beserta alasannya.",
    phone: "Nomor telepon",
    email: "Alamat e-mail",
    reason: "Alasan",
    reason_hint: "Misalnya nomor surat permintaan: 10-1000 karakter, disimpan di log audit.",
    search: "Cari laporan",
    export: "Unduh data (JSON)",
    erase: "Hapus identitas",
    erase_confirm: "Saya yakin: hapus identitas dan rute balasan pada laporan-laporan ini (laporan tetap ada tanpa nama)",
    found: "Laporan orang ini",
    none_found: "Tidak ada laporan dengan nomor atau alamat ini.",
    erased: "Identitas dihapus dari laporan berikut; laporannya tetap ada tanpa nama.",
    identity_erased: "Identitas sudah dihapus",
    channel: "Kanal",
    filed: "Dilaporkan",
    state: "Status",
    name: "Nama",
    nik: "NIK",
    handle: "Akun kanal",
    not_permitted: "Hanya admin dengan izin identitas yang menangani permintaan subjek data.",
    err_confirm: "Centang kotak ini untuk menghapus.",
    err_missing: "Isi nomor telepon atau alamat e-mail.",
    err_phone: "Nomor telepon Indonesia, misalnya 0812…",
    err_email: "Bukan alamat e-mail.",
    err_reason: "Alasan harus 10 sampai 1000 karakter.",
};

const EN: SubjectTexts = SubjectTexts {
    title: "Data subject requests",
    desc: "Find, download or erase the data of someone who reported through a channel (SMS, WhatsApp, e-mail, a service desk) under UU 27/2022.",
    intro: "Enter the person's phone number or e-mail address and the reason for the request. Only the identities on that person's reports are opened; every search, download and erasure is written to the identity access log with its reason.",
    phone: "Phone number",
    email: "E-mail address",
    reason: "Reason",
    reason_hint: "E.g. the request letter's number: 10-1000 characters, kept in the audit log.",
    search: "Find reports",
    export: "Download data (JSON)",
    erase: "Erase identities",
    erase_confirm: "I am sure: erase the identities and reply routes on these reports (the reports stay, anonymous)",
    found: "This person's reports",
    none_found: "No report has this number or address.",
    erased: "Identities erased from these reports; the reports stay, anonymous.",
    identity_erased: "Identity already erased",
    channel: "Channel",
    filed: "Filed",
    state: "State",
    name: "Name",
    nik: "NIK",
    handle: "Channel account",
    not_permitted: "Only an admin with the identity permission handles data subject requests.",
    err_confirm: "Tick this box to erase.",
    err_missing: "Give a phone number or an e-mail address.",
    err_phone: "An Indonesian phone number, such as 0812…",
    err_email: "Not an e-mail address.",
    err_reason: "The reason must be 10 to 1000 characters.",
};

pub fn texts(lang: Lang) -> &'static SubjectTexts {
    match lang {
        Lang::Id => &ID,
        Lang::En => &EN,
    }
}

#[derive(Deserialize)]
pub struct SubjectQuery {
    #[serde(default)]
    lang: Lang,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubjectForm {
    csrf: String,
    phone: String,
    email: String,
    reason: String,
    /// `search`, `export` or `erase`.
    action: String,
    confirm: String,
}

admin_form_fields!(SubjectForm);

struct Row {
    ticket: String,
    channel: String,
    filed: String,
    state: String,
    identity: Option<Vec<(&'static str, String)>>,
}

#[derive(Template)]
#[template(path = "admin_data_subject.html")]
struct SubjectPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    s: &'static SubjectTexts,
    chrome: Chrome,
    phone: String,
    email: String,
    reason: String,
    errors: FieldErrors,
    /// After a search or an erasure: what was found.
    rows: Option<Vec<Row>>,
    erased: bool,
}

impl SubjectPage {
    fn blank(t: &'static Texts, lang: Lang, chrome: Chrome) -> Self {
        Self {
            t,
            a: admin_texts(lang),
            s: texts(lang),
            chrome,
            phone: String::new(),
            email: String::new(),
            reason: String::new(),
            errors: FieldErrors::default(),
            rows: None,
            erased: false,
        }
    }
}

pub async fn subject_page(Query(q): Query<SubjectQuery>, visitor: Visitor) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, PATH, &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    render_with(StatusCode::OK, &SubjectPage::blank(t, q.lang, chrome))
}

fn identity_lines(s: &SubjectTexts, identity: Identity) -> Vec<(&'static str, String)> {
    [
        (s.name, identity.name),
        (s.phone, identity.phone),
        (s.email, identity.email),
        (s.nik, identity.nik),
        (s.handle, identity.handle),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect()
}

fn rows(state: &AppState, lang: Lang, s: &SubjectTexts, found: Vec<SubjectReport>) -> Vec<Row> {
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    found
        .into_iter()
        .map(|f| Row {
            ticket: f.report.ticket.to_string(),
            channel: j.channel_label(f.report.channel, lang == Lang::En),
            filed: local_time(j, f.report.created_at),
            state: pill(f.report.state, lang).label,
            identity: f.identity.map(|i| identity_lines(s, i)),
        })
        .collect()
}

/// A downloaded report of the data subject's.
#[derive(Serialize)]
struct ExportedReport {
    ticket: String,
    channel: String,
    created_at: chrono::DateTime<Utc>,
    state: String,
    description: String,
    identity: Option<Identity>,
}

pub async fn handle_request(
    State(state): State<AppState>,
    AdminForm {
        admin,
        chrome,
        lang,
        t,
        form,
        ..
    }: AdminForm<SubjectForm>,
) -> Response {
    let s = texts(lang);
    let mut page = SubjectPage::blank(t, lang, chrome);
    page.phone = form.phone.trim().to_owned();
    page.email = form.email.trim().to_owned();
    page.reason = form.reason.trim().to_owned();
    if let Err(e) = personal_data::may_handle(&admin) {
        return failure(t, page.chrome, e, s.not_permitted);
    }
    let request = SubjectRequest {
        phone: Some(form.phone),
        email: Some(form.email),
        reason: form.reason,
    };
    let subject = match personal_data::subject_of(&state.sealer, request) {
        Ok(subject) => subject,
        Err(e) => return refused(page, s, &e),
    };
    match form.action.as_str() {
        "export" => match personal_data::export_subject(&state, &admin, subject).await {
            Ok(found) => {
                let viewer = crate::auth::actor(&admin);
                let reports: Vec<ExportedReport> = found
                    .into_iter()
                    .map(|f| ExportedReport {
                        ticket: f.report.ticket.to_string(),
                        channel: f.report.channel.code().to_owned(),
                        created_at: f.report.created_at,
                        state: f.report.state.code().to_owned(),
                        description: crate::views::description_for(&f.report, Some(&viewer)),
                        identity: f.identity,
                    })
                    .collect();
                let file = format!(
                    "attachment; filename=\"aduan-data-subject-{}.json\"",
                    Utc::now().format("%Y%m%d")
                );
                (AppendHeaders([(CONTENT_DISPOSITION, file)]), Json(reports)).into_response()
            }
            Err(e) => failure(t, page.chrome, e, t.server_error),
        },
        "erase" => {
            if form.confirm != "yes" {
                page.errors = FieldErrors::one("confirm", s.err_confirm);
                return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            match personal_data::erase_subject(&state, &admin, subject).await {
                Ok((reports, _)) => {
                    let found = reports
                        .into_iter()
                        .map(|report| SubjectReport {
                            report,
                            identity: None,
                        })
                        .collect();
                    page.rows = Some(rows(&state, lang, s, found));
                    page.erased = true;
                    render_with(StatusCode::OK, &page)
                }
                Err(e) => failure(t, page.chrome, e, t.server_error),
            }
        }
        _ => match personal_data::search_subject(&state, &admin, subject).await {
            Ok(found) => {
                page.rows = Some(rows(&state, lang, s, found));
                render_with(StatusCode::OK, &page)
            }
            Err(e) => failure(t, page.chrome, e, t.server_error),
        },
    }
}

/// The form again, with the refused field marked in the reader's words.
fn refused(mut page: SubjectPage, s: &SubjectTexts, e: &AppError) -> Response {
    let message = match field_of(e) {
        "phone" if page.phone.is_empty() => s.err_missing,
        "phone" => s.err_phone,
        "email" => s.err_email,
        _ => s.err_reason,
    };
    page.errors = FieldErrors::one(field_of(e), message);
    render_with(status_of(e), &page)
}
