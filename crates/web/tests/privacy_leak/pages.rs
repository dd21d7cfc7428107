//! The server-rendered pages, crawled as every viewer: from seeds (the menu's pages, the
//! queue's views, every report and its tracking, in both languages) breadth-first along
//! every same-origin link, image and parameterless GET form the HTML offers, and every
//! redirect, never posting. Every answer joins the API sweep's, so the same `forbidden`
//! search runs over the pages' status, headers and bodies; the controls here show that the
//! crawl reached what each role may see, so that it cannot pass by seeing nothing.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use tracing::subscriber::NoSubscriber;
use url::Url;

use aduan_domain::scrub::{MASK_EMAIL, MASK_PHONE};

use crate::common::canary::found_in;
use crate::common::{Client, Resp};
use crate::world::{Seen, Viewer, Who, World};

/// More than everything the scene links to in both languages; a crawl that reaches it stops
/// there and says so in its statistics.
const CAP: usize = 1000;

/// How a page's answer is named among the sweep's (`GET /api/v1/...` are the API's).
const PAGE: &str = "PAGE GET ";

/// Whether `seen` is the answer to a page the crawl asked for.
pub fn is_page(seen: &Seen) -> bool {
    seen.what.starts_with(PAGE)
}

/// What one viewer's crawl did.
pub struct Crawl {
    pub who: Who,
    /// Every URL asked for (path and query), with its status.
    pub statuses: BTreeMap<String, u16>,
    /// Links not followed: another scheme (`geo:`, `mailto:`), another host, the API document.
    pub skipped: usize,
    /// Whether it stopped at [`CAP`] with pages left to read.
    pub capped: bool,
    /// Links that led nowhere (404) and server errors.
    pub problems: Vec<String>,
    pub elapsed: Duration,
}

impl Crawl {
    fn count(&self, pick: impl Fn(u16) -> bool) -> usize {
        self.statuses.values().filter(|s| pick(**s)).count()
    }

    #[track_caller]
    fn status(&self, url: &str) -> u16 {
        *self
            .statuses
            .get(url)
            .unwrap_or_else(|| panic!("{:?} never reached {url}", self.who))
    }
}

/// `path` in `lang`.
fn in_lang(path: &str, lang: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={lang}")
}

/// Where every viewer starts, in both languages.
fn seeds(world: &World) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/",
        "/publik",
        "/lacak",
        "/laporan-saya",
        "/petugas",
        "/meja",
        "/admin",
        "/lapor",
    ]
    .map(str::to_owned)
    .to_vec();
    for view in ["perlu", "masuk", "triase", "validasi"] {
        paths.push(format!("/petugas?view={view}"));
    }
    for ticket in world.tickets() {
        paths.push(format!("/lacak?ticket={ticket}"));
        paths.push(format!("/laporan/{ticket}"));
    }
    paths
        .iter()
        .flat_map(|p| [in_lang(p, "id"), in_lang(p, "en")])
        .collect()
}

/// What a browser would fetch or let its reader follow from this page without typing:
/// links, images, and forms that GET (submitted as they stand, i.e. their action).
fn links(html: &str) -> Vec<String> {
    // html5ever logs every character it reads (through the `log` bridge into the captured
    // log, which is searched as the app's): the parser runs unheard. This is synchronous on
    // the test's thread, so the app's own logs are not silenced meanwhile.
    let doc =
        tracing::subscriber::with_default(NoSubscriber::default(), || Html::parse_document(html));
    let select = |css: &str| Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e}"));
    let mut out = Vec::new();
    for (css, attr) in [
        ("a[href]", "href"),
        ("img[src]", "src"),
        ("link[href]", "href"),
    ] {
        out.extend(
            doc.select(&select(css))
                .filter_map(|e| e.value().attr(attr))
                .map(str::to_owned),
        );
    }
    for form in doc.select(&select("form")) {
        let method = form.value().attr("method").unwrap_or("get");
        if method.eq_ignore_ascii_case("get") {
            out.push(form.value().attr("action").unwrap_or_default().to_owned());
        }
    }
    out
}

/// `link` on `page` as a URL of this app to follow, if it is one.
fn resolve(base: &Url, page: &Url, link: &str) -> Option<Url> {
    let mut url = page.join(link.trim()).ok()?;
    url.set_fragment(None);
    let ours = matches!(url.scheme(), "http" | "https") && url.origin() == base.origin();
    (ours && !url.path().starts_with("/api/v1/openapi.json")).then_some(url)
}

/// Path and query: how a URL is asked for and recorded.
fn key(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

fn is_html(resp: &Resp) -> bool {
    resp.header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
}

/// One viewer, breadth-first from the seeds, each URL once, redirects not followed by the
/// client (so each hop is searched) but queued like links.
async fn crawl_as(world: &World, viewer: &Viewer, seeds: &[String]) -> (Vec<Seen>, Crawl) {
    let started = Instant::now();
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("an HTTP client");
    let client = Client {
        http,
        ..viewer.client.clone()
    };
    let base = Url::parse(&world.app.base).expect("the app's URL");
    let mut queue: VecDeque<(Url, Option<String>)> = VecDeque::new();
    let mut queued = HashSet::new();
    for seed in seeds {
        let url = base.join(seed).expect("a seed");
        if queued.insert(key(&url)) {
            queue.push_back((url, None));
        }
    }
    let mut seen = Vec::new();
    let mut crawl = Crawl {
        who: viewer.who,
        statuses: BTreeMap::new(),
        skipped: 0,
        capped: false,
        problems: Vec::new(),
        elapsed: Duration::ZERO,
    };
    while let Some((url, from)) = queue.pop_front() {
        if crawl.statuses.len() >= CAP {
            crawl.capped = true;
            break;
        }
        let here = key(&url);
        let resp = client.get_url(&here).await;
        let mut found = Vec::new();
        if (300..400).contains(&resp.status) {
            found.extend(resp.header("location"));
        }
        if is_html(&resp) {
            found.extend(links(&resp.text()));
        }
        for link in found {
            match resolve(&base, &url, &link) {
                Some(next) => {
                    if queued.insert(key(&next)) {
                        queue.push_back((next, Some(here.clone())));
                    }
                }
                None => crawl.skipped += 1,
            }
        }
        if resp.status >= 500 {
            crawl
                .problems
                .push(format!("{:?}: {here} answers {}", viewer.who, resp.status));
        }
        if let Some(from) = from
            && resp.status == 404
        {
            crawl.problems.push(format!(
                "{:?}: {from} links to {here}, which is not found",
                viewer.who
            ));
        }
        crawl.statuses.insert(here.clone(), resp.status);
        seen.push(Seen {
            who: viewer.who,
            what: format!("{PAGE}{here}"),
            resp,
        });
    }
    crawl.elapsed = started.elapsed();
    (seen, crawl)
}

/// Every viewer's crawl: the answers (for the sweep's search) and what each crawl did.
pub async fn crawl(world: &World) -> (Vec<Seen>, Vec<Crawl>) {
    let seeds = seeds(world);
    let mut seen = Vec::new();
    let mut crawls = Vec::new();
    for viewer in &world.viewers {
        let (mut answers, crawl) = crawl_as(world, viewer, &seeds).await;
        seen.append(&mut answers);
        crawls.push(crawl);
    }
    print_statistics(&crawls);
    (seen, crawls)
}

/// The statistics, for the test's output.
fn print_statistics(crawls: &[Crawl]) {
    eprintln!("page crawl (cap {CAP} per viewer):");
    eprintln!(
        "  {:<22} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>8}",
        "viewer", "pages", "200", "3xx", "403", "404", "other", "skipped", "ms"
    );
    let mut total = (0, Duration::ZERO);
    for c in crawls {
        let pages = c.statuses.len();
        total = (total.0 + pages, total.1 + c.elapsed);
        eprintln!(
            "  {:<22} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>8}{}",
            format!("{:?}", c.who),
            pages,
            c.count(|s| s == 200),
            c.count(|s| (300..400).contains(&s)),
            c.count(|s| s == 403),
            c.count(|s| s == 404),
            c.count(|s| s != 200 && s != 403 && s != 404 && !(300..400).contains(&s)),
            c.skipped,
            c.elapsed.as_millis(),
            if c.capped { " CAPPED" } else { "" },
        );
    }
    eprintln!("  {} pages in {} ms", total.0, total.1.as_millis());
}

/// What went wrong in the crawls themselves: broken links, server errors.
pub fn problems(crawls: &[Crawl]) -> Vec<String> {
    crawls.iter().flat_map(|c| c.problems.clone()).collect()
}

/// The crawl reached what each viewer may see, and the search finds canaries on pages where
/// they are allowed: it cannot pass by seeing nothing.
pub fn controls(world: &World, seen: &[Seen], crawls: &[Crawl]) {
    let seeds = seeds(world).len();
    let crawl = |who: Who| -> &Crawl {
        crawls
            .iter()
            .find(|c| c.who == who)
            .unwrap_or_else(|| panic!("no crawl as {who:?}"))
    };
    let page = |who: Who, url: &str| -> &Resp {
        let what = format!("{PAGE}{url}");
        &seen
            .iter()
            .find(|s| s.who == who && s.what == what)
            .unwrap_or_else(|| panic!("{who:?} never reached {url}"))
            .resp
    };
    let html = |who: Who, url: &str| -> String {
        let resp = page(who, url);
        assert_eq!(resp.status, 200, "{who:?} {url}: {resp:?}");
        resp.text()
    };
    let id = |path: &str| in_lang(path, "id");
    let report = |ticket: &str| id(&format!("/laporan/{ticket}"));
    let (r1, r2) = (&world.r1, &world.r2);

    for c in crawls {
        let who = c.who;
        // Pages left unread would be pages unsearched: a crawl that grows past the cap (or
        // links without end) fails rather than passing on what it happened to read.
        assert!(
            !c.capped,
            "{who:?} stopped at {CAP} pages: raise the cap or find the loop"
        );
        // Beyond the seeds: at least the forms' actions and the public report's photo.
        assert!(
            c.statuses.len() >= seeds + 3,
            "{who:?} crawled {} pages from {seeds} seeds",
            c.statuses.len()
        );
        for lang in ["id", "en"] {
            for path in ["/", "/publik", "/lacak", &format!("/laporan/{r2}")] {
                let url = in_lang(path, lang);
                assert_eq!(c.status(&url), 200, "{who:?} {url}");
            }
        }
        // R2's photo is reached through its page. (A bearer token that is no session reads
        // the pages as anyone does, but the photo, served by the API, answers it 401; a
        // browser's stale cookie reads it as anyone.)
        let photo = c.status(&world.b_photo_url);
        assert!(photo == 200 || who == Who::BadToken, "{who:?}: {photo}");
        // A's photo is locked: no page links it to anyone but A.
        assert_eq!(
            c.statuses.contains_key(&world.a_photo_url),
            who == Who::ReporterA,
            "{who:?} and A's photo"
        );
        // The desk and the administration: for operators and admins only.
        for (url, owner) in [(id("/meja"), Who::Operator), (id("/admin"), Who::Admin)] {
            let status = c.status(&url);
            let expected = match who {
                Who::Public | Who::BadToken => 303,
                _ if who == owner || (owner == Who::Admin && who == Who::IdentityAdmin) => 200,
                _ => 403,
            };
            assert_eq!(status, expected, "{who:?} {url}");
        }
    }

    // The administration's pages are crawled too: the admin reached the users and the audit
    // log through the index.
    for path in ["/admin/pengguna", "/admin/audit", "/admin/outbox"] {
        assert_eq!(crawl(Who::Admin).status(&id(path)), 200, "{path}");
    }

    // Not signed in: the private pages send to the sign-in, the private reports are not found.
    for who in [Who::Public, Who::BadToken] {
        let resp = page(who, &id("/laporan-saya"));
        assert_eq!(resp.status, 303, "{who:?}: {resp:?}");
        let to = resp.header("location").unwrap_or_default();
        assert!(
            to.starts_with("/masuk?") && to.contains("next=/laporan-saya"),
            "{to}"
        );
        assert_eq!(crawl(who).status(&id("/masuk")), 200, "{who:?}");
        assert_eq!(crawl(who).status(&report(r1)), 404, "{who:?}");
        assert_eq!(crawl(who).status(&id("/petugas")), 303, "{who:?}");
    }
    for who in [Who::OtherCitizen, Who::OfficerElsewhere] {
        assert_eq!(crawl(who).status(&report(r1)), 404, "{who:?}");
    }
    assert_eq!(crawl(Who::OtherCitizen).status(&id("/petugas")), 403);

    // The reporters' own pages name them by their account name (the one exception), and
    // nothing else of them; B reads R2's contacts as written.
    let mine = html(Who::ReporterA, &id("/laporan-saya"));
    assert!(mine.contains(&format!("/laporan/{r1}")), "{mine}");
    assert_eq!(
        found_in(&world.a.all("A"), mine.as_bytes()),
        ["A's username"],
        "{mine}"
    );
    let own = html(Who::ReporterA, &report(r1));
    assert!(
        own.contains(&world.a_photo_url),
        "A sees their photo: {own}"
    );
    assert_eq!(crawl(Who::ReporterA).status(&world.a_photo_url), 200);
    let own = html(Who::ReporterB, &report(r2));
    assert_eq!(
        found_in(&world.b.all("B"), own.as_bytes()),
        ["B's username"]
    );
    assert_eq!(found_in(&world.contacts, own.as_bytes()).len(), 3, "{own}");

    // The public reads R2 masked, on the feed and on its page; R1 and R3 are not listed.
    for url in [id("/publik"), report(r2)] {
        let public = html(Who::Public, &url);
        assert!(
            public.contains(MASK_PHONE) && public.contains(MASK_EMAIL),
            "{url}: the public reads R2 masked: {public}"
        );
        assert!(found_in(&world.contacts, public.as_bytes()).is_empty());
    }
    let feed = html(Who::Public, &id("/publik"));
    assert!(feed.contains(r2.as_str()), "{feed}");
    assert!(!feed.contains(r1.as_str()) && !feed.contains(world.r3.as_str()));

    // Staff reach their reports and the forms to act on them.
    let dinas = html(Who::OfficerDinas, &report(r2));
    assert!(
        found_in(&world.contacts, dinas.as_bytes()).is_empty() && dinas.contains(MASK_PHONE),
        "the Dinas handles R2 and reads its text masked: {dinas}"
    );
    let acting = html(Who::OfficerDinas, &report(&world.r4));
    assert!(
        acting.contains(&format!("/laporan/{}/tindakan", world.r4)),
        "{acting}"
    );
    let queue = html(Who::OfficerDinas, &id("/petugas"));
    assert!(queue.contains(&format!("/laporan/{}", world.r4)), "{queue}");
    let sudin = html(Who::OfficerSudin, &report(r1));
    assert!(!sudin.contains(&world.a_photo_url), "{sudin}");
    for who in [Who::OfficerSudin, Who::Validator] {
        for url in &world.doc_photo_urls {
            assert_eq!(
                crawl(who).status(url),
                200,
                "{who:?} sees the documentation"
            );
        }
    }
    let triage = html(Who::CoordinatorAll, &id("/petugas?view=triase"));
    for ticket in [&world.r5, &world.r6] {
        assert!(triage.contains(ticket.as_str()), "{ticket} waits: {triage}");
    }
    let placing = html(Who::CoordinatorAll, &report(&world.r5));
    assert!(
        placing.contains(&format!("/laporan/{}/triase", world.r5)),
        "{placing}"
    );
    // The validator finds R8 waiting, with where and when its documentation was taken
    // beside it (theirs alone: `forbidden` keeps it from everyone else), and the forms.
    let r8 = &world.r8;
    let waiting = html(Who::Validator, &id("/petugas?view=validasi"));
    assert!(waiting.contains(&format!("/laporan/{r8}")), "{waiting}");
    let validating = html(Who::Validator, &report(r8));
    assert!(
        found_in(&world.doc_evidence, validating.as_bytes()).len() >= 2,
        "the validator sees the evidence: {validating}"
    );
    assert!(
        validating.contains(&format!("/laporan/{r8}/tindakan")),
        "{validating}"
    );
    let documented = html(Who::OfficerSudin, &report(r8));
    assert!(found_in(&world.doc_evidence, documented.as_bytes()).is_empty());
}
