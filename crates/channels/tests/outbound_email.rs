//! Delivering answers by e-mail: what the SMTP server receives (envelope, headers, UTF-8
//! body) and how its refusals are sorted. The server is a local SMTP sink on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aduan_channels::outbound::{Deliverer, DeliveryError};
use aduan_domain::Channel;
use common::smtp::SmtpSink;
use common::{TEXT, closed_port, config, deliverer, outgoing};
use mail_parser::MimeHeaders;
use serde_json::json;

fn smtp(port: u16) -> serde_json::Value {
    json!({"smtp": {"host": "127.0.0.1", "port": port, "security": "none",
                    "from": "CRM Jakarta <crm@jakarta.go.id>"}})
}

#[tokio::test]
async fn email_answers_thread_under_the_citizens_message() {
    let sink = SmtpSink::start(None).await;
    let deliverer = deliverer(smtp(sink.port));
    let mut message = outgoing(Channel::Email, "warga@example.id");
    message.route.in_reply_to = Some("CAF1234.5678@mail.example.id".into());
    message.subject = "Laporan JK2611280001: sedang ditangani — terima kasih".into();
    deliverer.deliver(&message).await.unwrap();

    let sessions = sink.sessions();
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session.mail_from, "crm@jakarta.go.id");
    assert_eq!(session.rcpt_to, vec!["warga@example.id".to_owned()]);
    let mail = mail_parser::MessageParser::default()
        .parse(&session.data)
        .expect("a message");
    assert_eq!(mail.subject(), Some(message.subject.as_str()));
    let from = mail.from().and_then(|from| from.first()).unwrap();
    assert_eq!(from.address(), Some("crm@jakarta.go.id"));
    assert_eq!(from.name(), Some("CRM Jakarta"));
    let to = mail.to().and_then(|to| to.first()).unwrap();
    assert_eq!(to.address(), Some("warga@example.id"));
    assert_eq!(mail.message_id(), Some("outbox-42@jakarta.go.id"));
    assert_eq!(
        mail.in_reply_to().as_text(),
        Some("CAF1234.5678@mail.example.id")
    );
    assert_eq!(
        mail.references().as_text(),
        Some("CAF1234.5678@mail.example.id")
    );
    let content_type = mail.root_part().content_type().unwrap();
    assert_eq!(
        (content_type.ctype(), content_type.subtype()),
        ("text", Some("plain"))
    );
    assert!(
        content_type
            .attribute("charset")
            .is_some_and(|charset| charset.eq_ignore_ascii_case("utf-8"))
    );
    let body = mail.body_text(0).unwrap();
    assert_eq!(body.trim_end(), TEXT);
}

#[tokio::test]
async fn email_without_a_thread_has_no_in_reply_to() {
    let sink = SmtpSink::start(None).await;
    let deliverer = deliverer(smtp(sink.port));
    deliverer
        .deliver(&outgoing(Channel::Email, "warga@example.id"))
        .await
        .unwrap();
    let data = String::from_utf8(sink.sessions()[0].data.clone()).unwrap();
    assert!(!data.to_ascii_lowercase().contains("in-reply-to"), "{data}");
}

#[tokio::test]
async fn smtp_rejections_are_sorted_by_their_code() {
    for (rejection, temporary) in [
        (
            "550 5.1.1 <warga@example.id>: Recipient address rejected",
            false,
        ),
        ("451 4.3.0 <warga@example.id>: try again later", true),
    ] {
        let sink = SmtpSink::start(Some(rejection)).await;
        let deliverer = deliverer(smtp(sink.port));
        let error = deliverer
            .deliver(&outgoing(Channel::Email, "warga@example.id"))
            .await
            .unwrap_err();
        let code = &rejection[..3];
        let expected = format!("email: SMTP {code}");
        if temporary {
            assert_eq!(error, DeliveryError::Temporary(expected));
        } else {
            assert_eq!(error, DeliveryError::Permanent(expected));
        }
        assert!(sink.sessions().is_empty());
    }
}

#[tokio::test]
async fn email_to_an_unreachable_relay_is_temporary_and_a_bad_address_permanent() {
    let deliverer = deliverer(smtp(closed_port()));
    let error = deliverer
        .deliver(&outgoing(Channel::Email, "warga@example.id"))
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Temporary(_)), "{error:?}");
    assert!(!error.to_string().contains("warga"), "{error}");
    let error = deliverer
        .deliver(&outgoing(Channel::Email, "not an address"))
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    assert!(!error.to_string().contains("not an address"));
}

#[test]
fn a_from_address_that_does_not_parse_is_refused_at_startup() {
    let config = config(json!({"smtp": {"host": "127.0.0.1", "port": 25, "from": "nobody"}}));
    assert!(matches!(
        Deliverer::new(&config),
        Err(DeliveryError::Permanent(_))
    ));
}
