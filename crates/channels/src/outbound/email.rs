//! E-mail answers over SMTP (lettre's async tokio transport).
//!
//! To is the route's address, Subject the answer's subject, the body `text/plain` in UTF-8
//! (lettre picks quoted-printable or base64). The Message-ID is derived from the outbox
//! key, `<{key}@{domain of From}>`, so a retried answer keeps its id and mail clients
//! can drop duplicates; when the route names the citizen's Message-ID, `In-Reply-To` and
//! `References` thread the answer under it. Security follows [`SmtpSecurity`]: STARTTLS
//! required, implicit TLS, or none (a relay on localhost). SMTP 4xx answers are temporary,
//! 5xx permanent; connection failures and timeouts are temporary.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{DeliveryError, Outgoing};
use crate::config::{SmtpConfig, SmtpSecurity};

const CHANNEL: &str = "email";

/// The SMTP transport and the From mailbox, checked once.
#[derive(Clone)]
pub(super) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub(super) fn new(config: &SmtpConfig, timeout: Duration) -> Result<Self, DeliveryError> {
        let from: Mailbox = config.from.trim().parse().map_err(|_| {
            DeliveryError::Permanent("email: the configured From address does not parse".into())
        })?;
        let host = config.host.trim();
        let builder = match config.security {
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
        }
        .map_err(|_| {
            DeliveryError::Permanent("email: cannot set up TLS for the SMTP host".into())
        })?;
        let mut builder = builder.port(config.port).timeout(Some(timeout));
        if let Some(username) = &config.username {
            let password = config.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    pub(super) async fn send(&self, message: &Outgoing) -> Result<(), DeliveryError> {
        let email = self.compose(message)?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|error| smtp_error(&error))
    }

    fn compose(&self, message: &Outgoing) -> Result<Message, DeliveryError> {
        let to: Mailbox = message.route.address.trim().parse().map_err(|_| {
            DeliveryError::Permanent("email: the recipient address does not parse".into())
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(message_id(&message.key, self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN);
        if let Some(parent) = message.route.in_reply_to.as_deref().and_then(parent_id) {
            builder = builder.in_reply_to(parent.clone()).references(parent);
        }
        builder
            .body(message.text.clone())
            .map_err(|_| DeliveryError::Permanent("email: the message cannot be built".into()))
    }
}

/// `<{key}@{domain}>`, with any character a Message-ID cannot hold written `=XX`.
pub(crate) fn message_id(key: &str, domain: &str) -> String {
    let mut local = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_+".contains(&byte) {
            local.push(char::from(byte));
        } else {
            local.push_str(&format!("={byte:02X}"));
        }
    }
    let local = local.trim_matches('.');
    let local = if local.is_empty() { "aduan" } else { local };
    format!("<{local}@{domain}>")
}

/// The citizen's Message-ID in angle brackets, when it is one (ids we derived ourselves
/// for mail that had none, `sha256:…`, are not).
pub(crate) fn parent_id(raw: &str) -> Option<String> {
    let id = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let valid = id.contains('@')
        && !id.starts_with("sha256:")
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    valid.then(|| format!("<{id}>"))
}

/// SMTP replies carry the refused address: keep only the code.
fn smtp_error(error: &lettre::transport::smtp::Error) -> DeliveryError {
    if let Some(code) = error.status() {
        let message = format!("{CHANNEL}: SMTP {code}");
        return if error.is_permanent() {
            DeliveryError::Permanent(message)
        } else {
            DeliveryError::Temporary(message)
        };
    }
    if error.is_timeout() {
        DeliveryError::Temporary(format!("{CHANNEL}: timed out"))
    } else if error.is_client() {
        DeliveryError::Permanent(format!("{CHANNEL}: the message was refused by the client"))
    } else if error.is_tls() {
        DeliveryError::Temporary(format!("{CHANNEL}: TLS failed"))
    } else {
        let cause = io_cause(error).map_or_else(String::new, |cause| format!(" ({cause})"));
        DeliveryError::Temporary(format!("{CHANNEL}: the SMTP connection failed{cause}"))
    }
}

/// The I/O error under a connection failure ("Connection refused"), which names no one.
fn io_cause(error: &lettre::transport::smtp::Error) -> Option<String> {
    let mut next = std::error::Error::source(error);
    while let Some(source) = next {
        if let Some(io) = source.downcast_ref::<std::io::Error>() {
            return Some(io.to_string());
        }
        next = source.source();
    }
    None
}
