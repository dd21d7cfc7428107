//! The e-mail channel: an RFC 5322/MIME message (multipart, attachments, quoted-printable,
//! base64, RFC 2047 encoded words) parsed into what a report needs.
//!
//! E-mail carries no category and no place; the caller supplies those (a configured fallback
//! until free-text triage exists). The sender's name and address are identity: the caller
//! seals them and never shows them to staff.

use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use aduan_domain::Channel;

/// The channel every parsed message files through.
pub const CHANNEL: Channel = Channel::Email;

/// The longest description a report takes (subject, blank line, body), in characters.
pub const MAX_DESCRIPTION: usize = 4000;

/// Why a message cannot be read as an e-mail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("this is not an e-mail message (no RFC 5322 header section)")]
    NotAMail,
    #[error("the message has no From address")]
    NoSender,
    #[error("the message has neither a subject nor a text body")]
    Empty,
}

/// An inbound e-mail, decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct InboundEmail {
    /// The Message-ID header without its angle brackets. A message without one gets
    /// `sha256:` and the hex SHA-256 of its raw bytes: the same file delivered twice still
    /// files one report, though a re-encoded copy of it would not be recognised.
    pub message_id: String,
    /// The sender's display name, decoded; identity, to be sealed.
    pub from_name: Option<String>,
    /// The sender's address; identity, to be sealed.
    pub from_address: String,
    pub subject: Option<String>,
    /// The first text/plain body, or the HTML body converted to text, without its
    /// signature and quoted reply (see [`crate::email_body`]).
    pub text: String,
    /// The decoded content of every `image/*` part; other attachments are dropped.
    pub attachments: Vec<Vec<u8>>,
}

/// Never print who wrote, not even in debug logs.
impl std::fmt::Debug for InboundEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundEmail")
            .field("message_id", &self.message_id)
            .field("subject", &self.subject)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

impl InboundEmail {
    /// The report's description: the subject, a blank line and the body, trimmed and cut to
    /// [`MAX_DESCRIPTION`] characters.
    pub fn description(&self) -> String {
        let subject = self.subject.as_deref().map(str::trim).unwrap_or_default();
        let text = self.text.trim();
        let joined = match (subject.is_empty(), text.is_empty()) {
            (false, false) => format!("{subject}\n\n{text}"),
            (false, true) => subject.to_owned(),
            _ => text.to_owned(),
        };
        crate::inbound::strip_controls(&joined)
            .chars()
            .take(MAX_DESCRIPTION)
            .collect::<String>()
            .trim_end()
            .to_owned()
    }
}

/// Parse a raw message (as in an `.eml` file or an inbound-mail webhook's MIME field).
pub fn parse_email(raw: &[u8]) -> Result<InboundEmail, EmailError> {
    if !looks_like_mail(raw) {
        return Err(EmailError::NotAMail);
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(EmailError::NotAMail)?;
    let sender = message
        .from()
        .and_then(|from| from.first())
        .ok_or(EmailError::NoSender)?;
    let from_address = sender
        .address()
        .map(str::trim)
        .filter(|a| a.contains('@'))
        .ok_or(EmailError::NoSender)?
        .to_owned();
    let from_name = sender
        .name()
        .map(|n| n.trim().trim_matches('"').trim().to_owned())
        .filter(|n| !n.is_empty());
    let subject = message
        .subject()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let text = message
        .body_text(0)
        .map(|t| crate::email_body::strip_quotes_and_signature(&t.replace("\r\n", "\n")))
        .unwrap_or_default();
    if subject.is_none() && text.is_empty() {
        return Err(EmailError::Empty);
    }
    let message_id = message
        .message_id()
        .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| !id.is_empty())
        .map_or_else(|| derived_id(raw), str::to_owned);
    let attachments = message
        .attachments()
        .filter(|part| {
            part.content_type()
                .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("image"))
        })
        .map(|part| part.contents().to_vec())
        .filter(|bytes| !bytes.is_empty())
        .collect();
    Ok(InboundEmail {
        message_id,
        from_name,
        from_address,
        subject,
        text,
        attachments,
    })
}

/// The stable id of a message without a Message-ID: the SHA-256 of its raw bytes.
fn derived_id(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A message starts with a header field: a name of printable ASCII without spaces or
/// colons, then a colon. Anything else (binary, HTML, a bare text) is refused up front, since
/// the parser itself accepts nearly any bytes.
fn looks_like_mail(raw: &[u8]) -> bool {
    let first_line = raw.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(colon) = first_line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && first_line[..colon]
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b':')
}

#[cfg(test)]
#[path = "email_tests.rs"]
mod tests;
