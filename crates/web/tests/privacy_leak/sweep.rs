//! Every endpoint as every viewer: each GET the OpenAPI document lists (for every report and
//! photo, with and without filters, page after page), each of Open311's resources in both its
//! formats (for every report and service), and requests that must be refused.

use std::collections::VecDeque;

use chrono::Days;
use serde_json::{Value, json};

use aduan_domain::ActionKind;

use crate::common::{Client, PASSWORD, Resp, SUDIN, jakarta_today};
use crate::world::{Seen, Viewer, Who, World};

/// Not a report of this app, in a valid ticket's shape.
const UNKNOWN_TICKET: &str = "JK2001010001";

/// Queries to try on a listing endpoint, good ones and bad ones.
fn queries(path: &str) -> Vec<String> {
    let today = jakarta_today();
    let list: &[&str] = match path {
        "/reports" => &[
            "?state=completed",
            "?state=coordination",
            "?state=waiting",
            "?unit=sudin-bina-marga-31.74",
            "?unit=dinas-bina-marga",
            "?unit=kecamatan-31.74.01",
            "?region=31.74.01",
            "?region=31.74",
            "?category=jalan",
            "?limit=1",
            "?state=bogus",
            "?limit=0",
            "?limit=500",
            "?cursor=%25%25",
            "?from=2026-02-30",
            "?to=kemarin",
            "?unit=NOPE!",
        ],
        "/public/reports" => &[
            "?state=coordination",
            "?state=completed",
            "?category=jalan",
            "?region=31.74",
            "?limit=1",
            "?limit=0",
            "?state=nope",
            "?cursor=zz",
        ],
        "/regions" => &["?level=kecamatan", "?parent=31.74", "?level=nope"],
        "/audit/identity-access" => &["?limit=1", "?limit=0", "?cursor=zz"],
        "/outbox" => &[
            "?state=sent",
            "?state=pending",
            "?state=dead",
            "?limit=1",
            "?limit=0",
            "?state=nope",
            "?cursor=zz",
        ],
        "/triage" => &["?limit=1", "?limit=0", "?cursor=zz"],
        _ => &[],
    };
    let mut out: Vec<String> = std::iter::once(String::new())
        .chain(list.iter().map(|q| (*q).to_owned()))
        .collect();
    if path == "/reports" {
        out.push(format!("?from={today}&to={today}"));
        out.push(format!("?from={today}&to=2001-01-01"));
    }
    out
}

/// Every GET path to request: the document's paths filled with every report and photo.
async fn get_paths(world: &World) -> Vec<String> {
    let doc = world.app.anonymous().get("/openapi.json").await.expect(200);
    let paths = doc["paths"].as_object().expect("paths");
    let mut tickets: Vec<String> = world.tickets().into_iter().cloned().collect();
    tickets.extend([UNKNOWN_TICKET.to_owned(), "bukan-tiket".to_owned()]);
    let mut ids: Vec<String> = world
        .photos
        .iter()
        .flat_map(|(_, ids)| ids.iter().map(i64::to_string))
        .collect();
    ids.extend(["999999".to_owned(), "x".to_owned()]);
    let mut documented = Vec::new();
    let mut out = vec![
        "/healthz".to_owned(),
        "/api/v1/openapi.json".to_owned(),
        "/api/v1/no-such-endpoint".to_owned(),
        format!("/api/v1/reports/{}/photos", world.r1),
        // The channels' own GETs (handshakes), outside the document.
        "/channels/x/webhook?crc_token=kanari".to_owned(),
        "/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1"
            .to_owned(),
        "/channels/meta/webhook".to_owned(),
    ];
    for (path, item) in paths {
        if item.get("get").is_none() {
            continue;
        }
        documented.push(path.as_str());
        let mut filled = vec![path.clone()];
        for (param, values) in [("{ticket}", &tickets), ("{id}", &ids)] {
            filled = filled
                .into_iter()
                .flat_map(|p| {
                    if p.contains(param) {
                        values.iter().map(|v| p.replace(param, v)).collect()
                    } else {
                        vec![p]
                    }
                })
                .collect();
        }
        for p in filled {
            assert!(!p.contains('{'), "teach the sweep to fill {path}");
            for q in queries(path) {
                out.push(format!("/api/v1{p}{q}"));
            }
        }
    }
    for known in [
        "/me",
        "/categories",
        "/units",
        "/regions",
        "/channels",
        "/reports",
        "/reports/{ticket}",
        "/reports/{ticket}/timeline",
        "/reports/{ticket}/photos/{id}",
        "/reports/{ticket}/messages",
        "/public/reports",
        "/audit/identity-access",
        "/outbox",
        "/triage",
    ] {
        assert!(
            documented.contains(&known),
            "{known} is swept: {documented:?}"
        );
    }
    out
}

/// Where Open311 (crates/web/src/open311) answers, and its two formats.
const OPEN311: &str = "/open311/v2";
const OPEN311_FORMATS: [&str; 2] = ["json", "xml"];

/// Queries to try on Open311's list of requests, good ones and bad ones.
fn open311_queries(world: &World) -> Vec<String> {
    let mut tickets: Vec<&str> = world.tickets().into_iter().map(String::as_str).collect();
    tickets.push(UNKNOWN_TICKET);
    let all = tickets.join(",");
    let mut out: Vec<String> = [
        "",
        "?status=open",
        "?status=closed",
        "?status=open,closed",
        "?service_code=jalan",
        "?page_size=1",
        "?page=2&page_size=1",
        "?start_date=2001-01-01T00:00:00Z",
        "?end_date=2001-01-01T00:00:00Z",
        "?status=nope",
        "?page_size=0",
        "?service_code=tidak-ada",
        "?jurisdiction_id=nope",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    out.push(format!("?service_request_id={all}"));
    // The spec: with service_request_id, every other filter is ignored.
    out.push(format!("?service_request_id={}&status=closed", world.r2));
    out
}

/// Every Open311 GET path to request: discovery, the services and each one's definition, the
/// requests (with filters), and each report as a request and as a token, in both formats;
/// and paths that are no resource.
async fn open311_paths(world: &World) -> Vec<String> {
    let services = world
        .app
        .anonymous()
        .get_url(&format!("{OPEN311}/services.json"))
        .await
        .expect(200);
    let mut codes: Vec<String> = services
        .as_array()
        .expect("a list of services")
        .iter()
        .map(|s| {
            s["service_code"]
                .as_str()
                .expect("a service_code")
                .to_owned()
        })
        .collect();
    assert!(codes.iter().any(|c| c == "jalan"), "{codes:?}");
    codes.push("tidak-ada".to_owned());
    let mut tickets: Vec<String> = world.tickets().into_iter().cloned().collect();
    tickets.extend([UNKNOWN_TICKET.to_owned(), "bukan-tiket".to_owned()]);
    let mut out = Vec::new();
    for f in OPEN311_FORMATS {
        out.push(format!("{OPEN311}/discovery.{f}"));
        out.push(format!("{OPEN311}/services.{f}"));
        out.push(format!("{OPEN311}/services.{f}?jurisdiction_id=nope"));
        for code in &codes {
            out.push(format!("{OPEN311}/services/{code}.{f}"));
        }
        for q in open311_queries(world) {
            out.push(format!("{OPEN311}/requests.{f}{q}"));
        }
        for ticket in &tickets {
            out.push(format!("{OPEN311}/requests/{ticket}.{f}"));
            out.push(format!("{OPEN311}/tokens/{ticket}.{f}"));
        }
    }
    out.extend(
        [
            "/requests",
            "/requests.csv",
            "/nope.json",
            "/requests/x/y.json",
            "/tokens/x",
        ]
        .map(|p| format!("{OPEN311}{p}")),
    );
    out
}

/// What shows that Open311 was swept: as every viewer, each of its resources in both formats
/// asked, the public report (R2) found where it should be and a private one (R1) not.
pub fn open311_coverage(world: &World, seen: &[Seen]) -> Vec<String> {
    let mut problems = Vec::new();
    for viewer in &world.viewers {
        let who = viewer.who;
        let asked = seen
            .iter()
            .filter(|s| s.who == who && s.what.starts_with(&format!("GET {OPEN311}/")))
            .count();
        if asked < 100 {
            problems.push(format!("{who:?} asked Open311 only {asked} times"));
        }
        let status_of = |path: &str| {
            seen.iter()
                .find(|s| s.who == who && s.what == format!("GET {path}"))
                .map(|s| (s.resp.status, s.resp.text()))
        };
        for f in OPEN311_FORMATS {
            let (r1, r2) = (&world.r1, &world.r2);
            // (path, status, whether the answer names R2)
            let expected = [
                (format!("{OPEN311}/discovery.{f}"), 200, false),
                (format!("{OPEN311}/services.{f}"), 200, false),
                (format!("{OPEN311}/services/jalan.{f}"), 200, false),
                (format!("{OPEN311}/requests.{f}"), 200, true),
                (format!("{OPEN311}/requests/{r2}.{f}"), 200, true),
                (format!("{OPEN311}/tokens/{r2}.{f}"), 200, true),
                (format!("{OPEN311}/requests/{r1}.{f}"), 404, false),
                (format!("{OPEN311}/tokens/{r1}.{f}"), 404, false),
            ];
            for (path, status, names_r2) in expected {
                match status_of(&path) {
                    None => problems.push(format!("{who:?} never asked {path}")),
                    Some((got, text)) if got != status || (names_r2 && !text.contains(r2)) => {
                        problems.push(format!(
                            "{who:?} GET {path}: HTTP {got} (expected {status}): {text}"
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    problems
}

/// GET every path, following `next_cursor` to the last page.
async fn read_everything(viewer: &Viewer, paths: &[String], seen: &mut Vec<Seen>) {
    let mut queue: VecDeque<(String, Option<String>)> =
        paths.iter().map(|p| (p.clone(), None)).collect();
    let mut pages = 0;
    while let Some((path, cursor)) = queue.pop_front() {
        let url = match &cursor {
            Some(c) if path.contains('?') => format!("{path}&cursor={c}"),
            Some(c) => format!("{path}?cursor={c}"),
            None => path.clone(),
        };
        let resp = viewer.client.get_url(&url).await;
        if resp.status == 200
            && let Ok(body) = serde_json::from_slice::<Value>(&resp.body)
            && let Some(next) = body["next_cursor"].as_str()
        {
            pages += 1;
            assert!(pages < 200, "pagination never ends at {path}");
            queue.push_back((path, Some(next.to_owned())));
        }
        seen.push(Seen {
            who: viewer.who,
            what: format!("GET {url}"),
            resp,
        });
    }
}

fn action_body(code: &str, other: &str) -> Value {
    let ews = jakarta_today()
        .checked_add_days(Days::new(7))
        .expect("a date")
        .to_string();
    json!({
        "action": code, "unit": SUDIN, "estimated_completion": ews,
        "note": "Sudah dikerjakan oleh tim.", "reason": "Alasan yang cukup jelas.",
        "of": other, "to": "LAPOR!",
    })
}

/// Requests that must all be refused: every action (those the viewer may take, on a stale
/// version), bad bodies, other people's business. A 2xx among them is a problem.
async fn refused_requests(world: &World, viewer: &Viewer, seen: &mut Vec<Seen>) -> Vec<String> {
    let c: &Client = &viewer.client;
    let mut answers: Vec<(String, Resp)> = Vec::new();
    let mut tickets: Vec<&str> = world.tickets().into_iter().map(String::as_str).collect();
    tickets.push(UNKNOWN_TICKET);
    for ticket in tickets {
        let view = c.get_report(ticket).await;
        let offered: Vec<String> = if view.status == 200 {
            view.json()["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect()
        } else {
            Vec::new()
        };
        let other = if ticket == world.r1 {
            &world.r2
        } else {
            &world.r1
        };
        for kind in ActionKind::ON_REPORT {
            let mut body = action_body(kind.code(), other);
            if offered.iter().any(|o| o == kind.code()) {
                // Allowed: on a version the report never had, so that it changes nothing.
                body["version"] = json!(-1);
            }
            let what = format!("POST {ticket}/actions {body}");
            answers.push((what, c.act(ticket, &body).await));
        }
    }
    // Open311's one write, without a key and with a wrong one.
    for (what, key) in [
        ("POST Open311 requests (no api_key)", None),
        ("POST Open311 requests (wrong api_key)", Some("kunci-palsu")),
    ] {
        let mut form = vec![
            ("service_code", "jalan"),
            ("lat", "-6.2349"),
            ("long", "106.8489"),
            (
                "description",
                "Jalan berlubang besar di depan sekolah dasar.",
            ),
        ];
        form.extend(key.map(|k| ("api_key", k)));
        let post = c
            .http
            .post(format!("{}{OPEN311}/requests.json", c.base))
            .form(&form);
        answers.push((what.to_owned(), c.send(post).await));
    }
    let r1 = &world.r1;
    let actions = format!("/reports/{r1}/actions");
    answers.push((
        "POST broken JSON".into(),
        c.post_raw(&actions, "application/json", b"{\"action\":".to_vec())
            .await,
    ));
    answers.push((
        "POST text/plain".into(),
        c.post_raw(&actions, "text/plain", b"accept".to_vec()).await,
    ));
    let delete = c.http.delete(format!("{}/api/v1/reports/{r1}", c.base));
    answers.push(("DELETE the report".into(), c.send(delete).await));
    let short =
        json!({"category": "jalan", "description": "pendek", "location": {"region": "31.74.01"}});
    answers.push((
        "POST /reports (short)".into(),
        c.submit_report(&short).await,
    ));
    for ticket in world
        .tickets()
        .into_iter()
        .map(String::as_str)
        .chain([UNKNOWN_TICKET])
    {
        let empty = c
            .post_json(
                &format!("/reports/{ticket}/messages"),
                &json!({"body": " "}),
            )
            .await;
        answers.push((format!("POST {ticket}/messages (empty)"), empty));
    }
    let reason = if viewer.who == Who::IdentityAdmin {
        "singkat"
    } else {
        "Permintaan resmi pengadilan nomor 12/2026"
    };
    for ticket in world.tickets() {
        let reveal = c
            .post_json(
                &format!("/reports/{ticket}/reporter"),
                &json!({ "reason": reason }),
            )
            .await;
        answers.push((format!("POST reveal {ticket}"), reveal));
    }
    let taken = json!({"username": world.a.username, "password": PASSWORD, "role": "officer", "unit": SUDIN});
    answers.push((
        "POST /users (taken)".into(),
        c.post_json("/users", &taken).await,
    ));
    let login = json!({"username": world.a.username, "password": "salah-sekali-ini"});
    answers.push((
        "POST /auth/login (wrong)".into(),
        c.post_json("/auth/login", &login).await,
    ));
    let again =
        json!({"username": world.b.username, "password": PASSWORD, "display_name": "Orang Lain"});
    answers.push((
        "POST /auth/register (taken)".into(),
        c.post_json("/auth/register", &again).await,
    ));

    let mut problems = Vec::new();
    for (what, resp) in answers {
        if (200..300).contains(&resp.status) {
            problems.push(format!(
                "{:?}: {what} was not refused: {resp:?}",
                viewer.who
            ));
        }
        seen.push(Seen {
            who: viewer.who,
            what,
            resp,
        });
    }
    problems
}

/// Every response every viewer gets, and the refusals that were not.
pub async fn sweep(world: &World) -> (Vec<Seen>, Vec<String>) {
    let mut paths = get_paths(world).await;
    paths.extend(open311_paths(world).await);
    let mut seen = Vec::new();
    let mut problems = Vec::new();
    for viewer in &world.viewers {
        read_everything(viewer, &paths, &mut seen).await;
        problems.extend(refused_requests(world, viewer, &mut seen).await);
    }
    (seen, problems)
}
