//! A citizen's own data in the browser, at phone size: sign in through the form, open
//! "Data saya", download the data, then delete the account with the password and the
//! confirmation; signed out for good, the report stays without a reporter.

use serde_json::{Value, json};

use crate::common::{PASSWORD, ticket_of};
use crate::harness::run;

#[tokio::test]
async fn a_citizen_downloads_their_data_and_deletes_their_account() {
    run("citizen_my_data", |b| async move {
        let username = b.app.unique("warga");
        let citizen = b
            .app
            .register_client(json!({"username": username, "display_name": "Rina Kanari",
                "phone": "081277665544"}))
            .await;
        let ticket = ticket_of(&citizen.file("jalan", "31.74.01").await);

        b.goto("/masuk?next=/").await;
        b.fill("Nama pengguna", &username).await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        b.click_link("Data saya").await;
        assert!(
            b.location().await.starts_with("/akun/data"),
            "{}",
            b.location().await
        );
        b.check_page().await;
        assert_eq!(b.text("h1").await, "Data saya");

        // The download link gives the JSON of the account to this browser's session (read
        // here with the browser's cookie: a download does not open a page to look at).
        let href = b
            .find("a[download]")
            .await
            .attr("href")
            .await
            .expect("the link's href")
            .expect("an href");
        assert_eq!(href, "/akun/data/unduh?lang=id");
        let cookie = b
            .client()
            .get_named_cookie("aduan_session")
            .await
            .expect("the session cookie");
        let download = b
            .app
            .http
            .get(b.app.url(&href))
            .header("cookie", format!("aduan_session={}", cookie.value()))
            .send()
            .await
            .expect("download");
        assert!(
            download.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        let data: Value = download.json().await.expect("the JSON");
        assert_eq!(data["account"]["username"], username.as_str());
        assert_eq!(data["account"]["name"], "Rina Kanari");
        assert_eq!(data["reports"][0]["report"]["ticket"], ticket.as_str());
        b.screenshot("my_data").await;

        b.fill("Kata sandi Anda", PASSWORD).await;
        b.click("#confirm").await;
        b.press("Hapus akun").await;
        assert!(
            b.location().await.starts_with("/akun/data?done=erased"),
            "{}",
            b.location().await
        );
        b.check_page().await;
        assert!(b.text("main").await.contains("Akun Anda sudah dihapus"));
        // Signed out: the header offers to sign in again, which no longer works.
        b.click_link("Masuk").await;
        b.fill("Nama pengguna", &username).await;
        b.fill("Kata sandi", PASSWORD).await;
        b.press("Masuk").await;
        assert!(
            b.location().await.starts_with("/masuk"),
            "{}",
            b.location().await
        );
        assert_eq!(b.app.stored(&ticket).await.reporter, None);
    })
    .await;
}
