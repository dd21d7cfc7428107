//! Contract: full-text search over reports' descriptions and addresses, by stems, within the
//! reader's scope.

use std::sync::Arc;

use chrono::{Duration, Utc};

use aduan_domain::import::ImportedReport;
use aduan_domain::search::SearchText;
use aduan_domain::{ActionKind, Channel, ReportState, Role, Ticket, Visibility};
use aduan_store::{ReportQuery, ReportScope, Store};

use super::{
    category, create, day1, jk, now, record, region, report_at, submit, transition, unit, walk,
};

fn search(scope: ReportScope, text: &str) -> ReportQuery {
    let mut query = ReportQuery::new(scope, 50);
    query.text = Some(SearchText::parse(text).unwrap());
    query
}

async fn found(store: &dyn Store, query: ReportQuery) -> Vec<Ticket> {
    let page = store.list_reports(query).await.unwrap();
    assert_eq!(page.next_after, None, "the fixture fits on one page");
    page.reports.into_iter().map(|r| r.ticket).collect()
}

pub async fn search_finds_reports_by_stems_within_the_scope(store: Arc<dyn Store>) {
    let store = &*store;
    let kel = "kel-31.74.01.1001";
    let kec = "kec-31.74.01";
    let filed = |description: &str, receiver: &str, address: Option<&str>| {
        let mut report = report_at("jalan", "31.74.01.1001", receiver, None, None);
        report.description = description.into();
        report.address = address.map(Into::into);
        report
    };
    let broken = submit(
        store,
        filed("Jalan rusak belum diperbaiki", kel, None),
        day1(),
    )
    .await;
    let lamp = submit(
        store,
        filed("Perbaikan lampu jalan", kec, Some("Jl. Tebet Raya No. 5")),
        day1(),
    )
    .await;
    let rubbish = submit(store, filed("Sampah menumpuk di pasar", kel, None), day1()).await;
    let all = |text| search(ReportScope::All, text);

    // Stems: "perbaikan" and "diperbaiki" share one; several words must all be there.
    assert_eq!(
        found(store, all("perbaikan")).await,
        [lamp.ticket.clone(), broken.ticket.clone()]
    );
    assert_eq!(
        found(store, all("Sampah  PASAR")).await,
        vec![rubbish.ticket.clone()]
    );
    assert_eq!(
        found(store, all("menumpuk")).await,
        vec![rubbish.ticket.clone()]
    );
    assert_eq!(
        found(store, all("sampah lampu")).await,
        Vec::<Ticket>::new()
    );
    assert_eq!(found(store, all("banjir")).await, Vec::<Ticket>::new());
    // The address is searched too.
    assert_eq!(found(store, all("tebet")).await, vec![lamp.ticket.clone()]);

    // Search narrows the scope like any filter: a unit finds only what it holds.
    let held = |code: &str, text| search(ReportScope::HeldBy(unit(code)), text);
    assert_eq!(
        found(store, held(kel, "jalan")).await,
        vec![broken.ticket.clone()]
    );
    assert_eq!(
        found(store, held(kec, "sampah")).await,
        Vec::<Ticket>::new()
    );
    let mut waiting_rubbish = all("pasar");
    waiting_rubbish.state = Some(ReportState::Completed);
    assert_eq!(found(store, waiting_rubbish).await, Vec::<Ticket>::new());

    // Pages of one report visit each match once, newest first.
    assert_eq!(
        walk(store, all("jalan"), 1).await,
        [lamp.ticket.clone(), broken.ticket.clone()]
    );

    // What looks like search syntax is only words: no error, every word must match.
    assert_eq!(
        found(store, all("jalan OR sampah")).await,
        Vec::<Ticket>::new()
    );
    assert_eq!(
        found(store, all("\"jalan\" *")).await,
        [lamp.ticket.clone(), broken.ticket.clone()]
    );
    assert_eq!(found(store, all("NEAR( jalan")).await, Vec::<Ticket>::new());
    assert_eq!(
        found(store, all("description: jalan")).await,
        Vec::<Ticket>::new()
    );
    assert_eq!(
        found(store, all("jalan - rusak")).await,
        vec![broken.ticket.clone()]
    );
}

pub async fn imported_reports_are_searchable(store: Arc<dyn Store>) {
    let ticket = Ticket::parse("CRM-2021-7").unwrap();
    let submitted = Utc::now() - Duration::days(400);
    let report = ImportedReport {
        issued: ticket.issued_with(&jk()),
        ticket: ticket.clone(),
        state: ReportState::Completed,
        category: category("jalan"),
        description: "Trotoar diperbaiki warga (arsip)".into(),
        location: None,
        region: region("31.74.01.1001"),
        channel: Channel::parse("qlue").unwrap(),
        first_receiver: unit("kel-31.74.01.1001"),
        holding_unit: unit("kel-31.74.01.1001"),
        visibility: Visibility::Public,
        reporter_key: "import:cc".into(),
        submitted_at: submitted,
        coordinated_at: None,
        completed_at: None,
        local_day: submitted.date_naive(),
    };
    store.import_reports(vec![report]).await.unwrap();
    assert_eq!(
        found(&*store, search(ReportScope::Public, "perbaikan trotoar")).await,
        [ticket]
    );
    assert_eq!(
        found(&*store, search(ReportScope::Public, "lampu")).await,
        Vec::<Ticket>::new()
    );
}

/// The public feed masks personal data in descriptions and shows no address: a public search
/// finds a report only by what the feed shows, never by what a mask hides.
pub async fn public_search_finds_only_what_the_feed_shows(store: Arc<dyn Store>) {
    let store = &*store;
    let citizen = create(store, "rina", Role::Citizen, None).await;
    let mut report = report_at(
        "jalan",
        "31.74.01.1001",
        "kel-31.74.01.1001",
        Some(citizen.id),
        None,
    );
    report.description = "Lampu taman mati, hubungi 0812-3456-7890 atau rina@contoh.id".into();
    report.address = Some("Gang Kenari 7".into());
    let filed = submit(store, report, day1()).await;
    let mut public = transition(
        ActionKind::MakePublic,
        ReportState::Waiting,
        ReportState::Waiting,
    );
    public.new_visibility = Some(Visibility::Public);
    store
        .apply_transition(filed.id, filed.version, public, record(&citizen, now()))
        .await
        .unwrap();
    let ticket = filed.ticket;

    let own = |text| search(ReportScope::ReportedBy(citizen.id), text);
    let everyone = |text| search(ReportScope::Public, text);
    assert_eq!(
        found(store, everyone("lampu taman")).await,
        vec![ticket.clone()]
    );
    // Its reporter finds it by all it holds; the public by none of what is hidden. (How a
    // store splits a phone number or an e-mail address into words is its own: only whole
    // ones are promised.)
    for hidden in ["0812-3456-7890", "kenari"] {
        assert_eq!(
            found(store, own(hidden)).await,
            vec![ticket.clone()],
            "{hidden}"
        );
        assert_eq!(
            found(store, everyone(hidden)).await,
            Vec::<Ticket>::new(),
            "{hidden}"
        );
    }
    for hidden in ["3456", "rina contoh", "rina@contoh.id"] {
        assert_eq!(
            found(store, everyone(hidden)).await,
            Vec::<Ticket>::new(),
            "{hidden}"
        );
    }
}
