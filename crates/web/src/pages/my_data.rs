//! `/akun/data`: a citizen's own data: download it (`/akun/data/unduh`, the JSON of
//! `GET /api/v1/me/export`) or erase the account (`/akun/hapus`, with the password, by the
//! rules of `DELETE /api/v1/me`).

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;

use aduan_domain::Role;

use crate::app::personal_data::{erase_own_account, export_own_data};
use crate::app_error::AppError;
use crate::error::status_of;
use crate::sessions::close_session;
use crate::state::AppState;

use super::forms::{FieldErrors, refuse_forgery};
use super::session::Visitor;
use super::{Chrome, Lang, Texts, failure, render_with, see_other};

pub const PATH: &str = "/akun/data";
pub const DOWNLOAD_PATH: &str = "/akun/data/unduh";
pub const ERASE_PATH: &str = "/akun/hapus";

/// This page's words, Indonesian first.
pub struct MyDataTexts {
    title: &'static str,
    download_title: &'static str,
    download_intro: &'static str,
    download: &'static str,
    erase_title: &'static str,
    erase_warning: &'static str,
    erase_effects: [&'static str; 4],
    password: &'static str,
    confirm: &'static str,
    erase: &'static str,
    staff: &'static str,
    erased: &'static str,
    err_password: &'static str,
    err_confirm: &'static str,
}

const ID: MyDataTexts = MyDataTexts {
    title: "Data saya",
    download_title: "Unduh data saya",
    download_intro: "Satu berkas JSON berisi akun Anda, identitas yang Anda berikan, setiap laporan Anda beserta riwayatnya, dan pesan-pesan Anda.",
    download: "Unduh data saya",
    erase_title: "Hapus akun",
    erase_warning: "Penghapusan akun tidak dapat dibatalkan.",
    erase_effects: [
        "Nama, nomor telepon, e-mail, dan kata sandi Anda dihapus; Anda keluar dari semua perangkat.",
        "Nama pengguna Anda tidak dapat dipakai lagi oleh siapa pun.",
        "Laporan Anda tetap ada tanpa nama (anonim) dan tetap ditangani, tetapi Anda tidak dapat lagi melihat, mengikuti, atau membalasnya.",
        "Unduh data Anda lebih dulu bila Anda ingin menyimpannya.",
    ],
    password: "Kata sandi Anda",
    confirm: "Saya mengerti, hapus akun saya",
    erase: "Hapus akun",
    staff: "Akun staf tidak dihapus oleh pemiliknya: admin menonaktifkannya.",
    erased: "Akun Anda sudah dihapus. Laporan Anda tetap ada tanpa nama.",
    err_password: "Kata sandi salah.",
    err_confirm: "Centang kotak ini untuk menghapus akun.",
};

const EN: MyDataTexts = MyDataTexts {
    title: "My data",
    download_title: "Download my data",
    download_intro: "One JSON file holding your account, the identity you gave, every report of yours with its history, and your messages.",
    download: "Download my data",
    erase_title: "Delete account",
    erase_warning: "Deleting your account cannot be undone.",
    erase_effects: [
        "Your name, phone number, e-mail and password are erased; you are signed out everywhere.",
        "Nobody can use your username again.",
        "Your reports stay, without a name (anonymous), and are still handled, but you can no longer see, follow or answer them.",
        "Download your data first if you want to keep it.",
    ],
    password: "Your password",
    confirm: "I understand, delete my account",
    erase: "Delete account",
    staff: "A staff account is not deleted by its holder: an admin disables it.",
    erased: "Your account has been deleted. Your reports stay, without a name.",
    err_password: "The password is wrong.",
    err_confirm: "Tick this box to delete the account.",
};

fn texts(lang: Lang) -> &'static MyDataTexts {
    match lang {
        Lang::Id => &ID,
        Lang::En => &EN,
    }
}

#[derive(Deserialize)]
pub struct MyDataQuery {
    #[serde(default)]
    lang: Lang,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EraseForm {
    csrf: String,
    password: String,
    confirm: String,
}

#[derive(Template)]
#[template(path = "my_data.html")]
struct MyDataPage {
    t: &'static Texts,
    d: &'static MyDataTexts,
    chrome: Chrome,
    /// The account was just erased: only say so.
    erased: bool,
    is_citizen: bool,
    errors: FieldErrors,
}

pub async fn my_data_page(Query(q): Query<MyDataQuery>, visitor: Visitor) -> Response {
    let (t, d) = (q.lang.texts(), texts(q.lang));
    let erased = q.done.as_deref() == Some("erased");
    let Some(user) = visitor.user.as_ref().filter(|_| !erased) else {
        if erased {
            let page = MyDataPage {
                t,
                d,
                chrome: Chrome::new(PATH, t, &visitor),
                erased,
                is_citizen: false,
                errors: FieldErrors::default(),
            };
            return render_with(StatusCode::OK, &page);
        }
        return see_other(&format!("/masuk?next={PATH}"), t);
    };
    let page = MyDataPage {
        t,
        d,
        is_citizen: user.role == Role::Citizen,
        chrome: Chrome::new(PATH, t, &visitor),
        erased,
        errors: FieldErrors::default(),
    };
    render_with(StatusCode::OK, &page)
}

/// The citizen's data as a JSON attachment (the same as `GET /api/v1/me/export`).
pub async fn download(
    State(state): State<AppState>,
    Query(q): Query<MyDataQuery>,
    visitor: Visitor,
) -> Response {
    let t = q.lang.texts();
    let Some(user) = visitor.user.as_ref() else {
        return see_other(&format!("/masuk?next={PATH}"), t);
    };
    match export_own_data(&state, user).await {
        Ok(data) => {
            let file = format!(
                "attachment; filename=\"aduan-{}-{}.json\"",
                user.username,
                data.exported_at.format("%Y%m%d")
            );
            (AppendHeaders([(CONTENT_DISPOSITION, file)]), Json(data)).into_response()
        }
        Err(e) => failure(t, Chrome::new(PATH, t, &visitor), e, t.server_error),
    }
}

pub async fn erase_account(
    State(state): State<AppState>,
    Query(q): Query<MyDataQuery>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<EraseForm>, FormRejection>,
) -> Response {
    let (t, d) = (q.lang.texts(), texts(q.lang));
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let Some(user) = visitor.user.clone() else {
        return see_other(&format!("/masuk?next={PATH}"), t);
    };
    if let Some(refused) = refuse_forgery(t, PATH, &visitor, &headers, Some(&form.csrf), true) {
        return refused;
    }
    let chrome = Chrome::new(PATH, t, &visitor);
    let is_citizen = user.role == Role::Citizen;
    let shown = |errors: FieldErrors, status: StatusCode, chrome: Chrome| {
        let page = MyDataPage {
            t,
            d,
            chrome,
            erased: false,
            is_citizen,
            errors,
        };
        render_with(status, &page)
    };
    if is_citizen && form.confirm != "yes" {
        return shown(
            FieldErrors::one("confirm", d.err_confirm),
            StatusCode::UNPROCESSABLE_ENTITY,
            chrome,
        );
    }
    match erase_own_account(&state, &user, form.password).await {
        Ok(_) => {
            let clear = match close_session(&state, &headers).await {
                Ok(clear) => clear,
                Err(e) => return failure(t, chrome, e, t.server_error),
            };
            let mut done = see_other(&format!("{PATH}?done=erased"), t);
            if let Ok(value) = clear.parse() {
                done.headers_mut().append(SET_COOKIE, value);
            }
            done
        }
        Err(e) if e.is_failure_below() => failure(t, chrome, e, t.server_error),
        Err(e @ AppError::NotAllowed(_)) if is_citizen => shown(
            FieldErrors::one("password", d.err_password),
            status_of(&e),
            chrome,
        ),
        Err(e) => failure(t, chrome, e, d.staff),
    }
}
