//! The reporters without accounts: C writes by SMS and WhatsApp, D by X DM, E walks in to
//! a desk. Their canaries arrive through the channels' webhooks and the desk's form.

use serde_json::json;

use aduan_domain::Channel;
use aduan_store::{ReportQuery, ReportScope};

use crate::common::canary;
use crate::common::receiver::{self, CITY_NUMBER, TWILIO_SID, WA_SECRET, X_USER_ID};
use crate::common::{TestApp, ticket_of};
use crate::world::World;
use crate::world::{DINAS, reveal};
use crate::{Seen, Who};

/// The report of `channel` (there is one of each here).
async fn filed_on(app: &TestApp, channel: Channel) -> String {
    let all = app
        .store
        .list_reports(ReportQuery::new(ReportScope::All, 200))
        .await
        .expect("list the reports")
        .reports;
    let found: Vec<String> = all
        .iter()
        .filter(|r| r.channel == channel)
        .map(|r| r.ticket.to_string())
        .collect();
    assert_eq!(found.len(), 1, "one {channel:?} report: {found:?}");
    found[0].clone()
}

/// C, D and E, who have no account: their reports come through the channels' webhooks and
/// a desk, and join the tickets every caller asks about.
pub(super) async fn without_accounts(world: &mut World) {
    // C texts from their phone through the Twilio gateway...
    let sid = format!("SM{}", canary::unique_digits());
    let number = world.c_number();
    let params = receiver::form(&[
        ("MessageSid", sid.as_str()),
        ("AccountSid", TWILIO_SID),
        ("From", number.as_str()),
        ("To", CITY_NUMBER),
        (
            "Body",
            "Jalan amblas di depan pasar, lubangnya makin lebar setiap kali hujan turun.",
        ),
        ("NumMedia", "0"),
    ]);
    let resp = receiver::sms_signed(&world.app, &params).await;
    receiver::twiml(&resp);
    world.seen.push(Seen {
        who: Who::Provider,
        what: "POST /channels/sms/inbound".into(),
        resp,
    });
    world.r4 = filed_on(&world.app, Channel::Sms).await;

    // ...and on WhatsApp, where their profile carries their name.
    let wa_id = &number[1..];
    let message = json!({
        "from": wa_id, "id": format!("wamid.{}", canary::unique_digits()), "type": "text",
        "text": {"body": "Saluran air di gang kami tersumbat sampah, air meluap ke rumah warga."},
    });
    let body = receiver::whatsapp_webhook(wa_id, &world.c.name, vec![message]);
    let resp =
        receiver::meta_signed(&world.app, "/channels/whatsapp/webhook", WA_SECRET, &body).await;
    resp.expect(200);
    world.seen.push(Seen {
        who: Who::Provider,
        what: "POST /channels/whatsapp/webhook".into(),
        resp,
    });
    world.r5 = filed_on(&world.app, Channel::Whatsapp).await;

    // D writes a DM on X; the payload names their account.
    let id = world.d_user_id.clone();
    let activity = json!({
        "for_user_id": X_USER_ID,
        "direct_message_events": [{
            "type": "message_create",
            "id": format!("18{}{}", canary::unique_digits(), canary::unique_digits()),
            "message_create": {
                "target": {"recipient_id": X_USER_ID}, "sender_id": id,
                "message_data": {"text": "Lampu lalu lintas di perempatan mati sejak kemarin malam."}
            }
        }],
        "users": {id.as_str(): {
            "id_str": id, "screen_name": world.d.handle[1..], "name": world.d.name,
        }}
    });
    let resp = receiver::x_signed(&world.app, &activity).await;
    resp.expect(200);
    world.seen.push(Seen {
        who: Who::Provider,
        what: "POST /channels/x/webhook".into(),
        resp,
    });
    world.r6 = filed_on(&world.app, Channel::Twitter).await;

    // E walks in at the Balai Kota desk and wants to hear by SMS.
    let e = world.e.clone();
    let resp = world
        .client(Who::Operator)
        .submit_report(&json!({
            "category": "jalan",
            "description": "Warga datang ke Balai Kota: trotoar dipakai parkir liar setiap malam.",
            "location": {"region": "31.74.01"},
            "citizen": {"name": e.name, "phone": e.phone, "email": e.email, "nik": e.nik,
                        "notify_by": "sms"},
        }))
        .await;
    world.r7 = ticket_of(&resp.expect(201));
    world.seen.push(Seen {
        who: Who::Operator,
        what: "POST /reports (a walk-in citizen's contact)".into(),
        resp,
    });

    // C's SMS: placed by a coordinator, forwarded by the kecamatan, accepted by the Dinas.
    let r4 = world.r4.clone();
    let resp = world
        .client(Who::CoordinatorAll)
        .post_json(
            &format!("/reports/{r4}/triage"),
            &json!({"category": "jalan", "region": "31.74.01"}),
        )
        .await;
    resp.expect(200);
    world.seen.push(Seen {
        who: Who::CoordinatorAll,
        what: format!("POST {r4}/triage"),
        resp,
    });
    let forward = json!({"action": "forward", "unit": DINAS});
    world
        .act(Who::CoordinatorKecamatan, &r4, forward, vec![])
        .await;
    let accepted = world
        .act(Who::OfficerDinas, &r4, json!({"action": "accept"}), vec![])
        .await;
    assert_eq!(accepted["state"], "in_progress", "{accepted}");

    // E's: not the city's to fix, and E is told why.
    let r7 = world.r7.clone();
    let reject = json!({"action": "reject", "reason": REJECTION});
    let rejected = world
        .act(Who::CoordinatorKecamatan, &r7, reject, vec![])
        .await;
    assert_eq!(rejected["state"], "rejected", "{rejected}");
}

/// The note E hears by SMS.
pub const REJECTION: &str = "Parkir liar ditangani Dinas Perhubungan; laporan diteruskan ke sana.";

/// The identity admin looks up every reporter, with a reason: the one place their canaries
/// may be read, so the search has something to find.
pub(super) async fn reveal_every_reporter(world: &mut World) {
    let tickets: Vec<String> = world
        .reporters()
        .iter()
        .flat_map(|r| r.tickets.iter().map(|t| (*t).to_owned()))
        .collect();
    let reason = json!({"reason": "Permintaan Inspektorat No. 12/2026 atas laporan ini"});
    for ticket in tickets {
        let resp = world
            .client(Who::IdentityAdmin)
            .post_json(&format!("/reports/{ticket}/reporter"), &reason)
            .await;
        resp.expect(200);
        world.seen.push(Seen {
            who: Who::IdentityAdmin,
            what: reveal(&ticket),
            resp,
        });
    }
}
