//! Sending one API call and sorting its outcome into [`DeliveryError`]s that are safe to log.
//!
//! reqwest's own error messages name the URL, which can hold the citizen's id (an X DM
//! path; tokens always travel in headers), and providers' error messages
//! often quote the phone number or address they refused: neither is ever copied. What is
//! kept is the HTTP status, the innermost transport cause ("Connection refused") and the
//! provider's short error code.

use serde_json::Value;

use super::DeliveryError;

/// How much of an error answer is read to find the provider's code.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// A numeric error code longer than this could be a phone number or an account id.
const MAX_CODE_DIGITS: usize = 7;
const MAX_CODE_LEN: usize = 40;

/// Sends `request`; a 2xx answer is returned, anything else sorted into an error.
/// `address` is only used to make sure it is not echoed into the error.
pub(super) async fn send(
    channel: &str,
    request: reqwest::RequestBuilder,
    address: &str,
) -> Result<reqwest::Response, DeliveryError> {
    let response = request
        .send()
        .await
        .map_err(|error| transport_error(channel, &error))?;
    if response.status().is_success() {
        return Ok(response);
    }
    Err(failure(channel, response, address).await)
}

/// The error a non-2xx `response` stands for (its body read up to a bound for the code).
pub(super) async fn failure(
    channel: &str,
    response: reqwest::Response,
    address: &str,
) -> DeliveryError {
    let status = response.status();
    let body = read_limited(response, MAX_ERROR_BODY).await;
    status_error(channel, status, &body, address)
}

/// Up to `limit` bytes of the body; whatever arrived when the connection fails.
pub(super) async fn read_limited(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    body
}

/// A failure before any HTTP answer: timeouts and connection errors are temporary.
pub(super) fn transport_error(channel: &str, error: &reqwest::Error) -> DeliveryError {
    let cause = root_cause(error);
    if error.is_timeout() {
        DeliveryError::Temporary(format!("{channel}: timed out"))
    } else if error.is_redirect() {
        DeliveryError::Permanent(format!("{channel}: redirect refused ({cause})"))
    } else if error.is_builder() {
        DeliveryError::Permanent(format!("{channel}: invalid request URL"))
    } else if error.is_connect() {
        DeliveryError::Temporary(format!("{channel}: could not connect ({cause})"))
    } else {
        DeliveryError::Temporary(format!("{channel}: request failed ({cause})"))
    }
}

/// The innermost cause's message (an I/O error, a DNS failure), never reqwest's own
/// message with the URL.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = None;
    let mut next = std::error::Error::source(error);
    while let Some(source) = next {
        cause = Some(source);
        next = source.source();
    }
    let text = cause.map_or_else(|| "no cause given".to_owned(), ToString::to_string);
    text.chars().take(120).collect()
}

/// 408, 429 and 5xx are temporary; any other status is permanent.
pub(super) fn status_error(
    channel: &str,
    status: reqwest::StatusCode,
    body: &[u8],
    address: &str,
) -> DeliveryError {
    let code = provider_code(body, address)
        .map(|code| format!(" ({code})"))
        .unwrap_or_default();
    let mut message = format!("{channel}: HTTP {}{code}", status.as_u16());
    if status.is_redirection() {
        message.push_str(" (redirect not followed)");
    }
    let retry = status.is_server_error()
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
    if retry {
        DeliveryError::Temporary(message)
    } else {
        DeliveryError::Permanent(message)
    }
}

/// The provider's error code from a JSON error answer, e.g. `code 100, subcode 2018001`:
/// Graph's `error.code`/`error.error_subcode`/`error.type`, Twilio's and LAPOR!'s `code`,
/// X's `errors[0].code`, `title` and problem `type`, OAuth's `error`. Only short tokens are
/// kept (numbers of at most 7 digits, `[A-Za-z0-9_.:-]` words, X's plain-word titles), and
/// none that overlaps the citizen's address, so nothing identifying reaches the logs.
pub(crate) fn provider_code(body: &[u8], address: &str) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let mut parts: Vec<String> = Vec::new();
    let mut push = |label: &str, value: Option<&Value>, allow_words: bool| {
        if let Some(token) = value.and_then(|value| token(value, address, allow_words))
            && !parts
                .iter()
                .any(|part| part.ends_with(&format!(" {token}")))
        {
            parts.push(format!("{label} {token}"));
        }
    };
    match json.get("error") {
        Some(error @ Value::Object(_)) => {
            push("code", error.get("code"), false);
            push("subcode", error.get("error_subcode"), false);
            push("type", error.get("type"), false);
        }
        Some(error @ Value::String(_)) => push("error", Some(error), false),
        _ => {}
    }
    push("code", json.get("code"), false);
    push("code", json.pointer("/errors/0/code"), false);
    push("title", json.get("title"), true);
    let problem = json
        .get("type")
        .and_then(Value::as_str)
        .and_then(|kind| kind.rsplit('/').next())
        .map(|last| Value::String(last.to_owned()));
    push("type", problem.as_ref(), false);
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A value short and plain enough to be a code, not someone's identity.
fn token(value: &Value, address: &str, allow_words: bool) -> Option<String> {
    let text = match value {
        Value::Number(number) => number.as_i64()?.to_string(),
        Value::String(text) => text.trim().to_owned(),
        _ => return None,
    };
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let plain = text.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-') || (allow_words && c == ' ')
    });
    let words_only = !allow_words || text.chars().all(|c| c.is_ascii_alphabetic() || c == ' ');
    let address = address.trim().trim_start_matches('+');
    let overlaps = !address.is_empty()
        && (text.contains(address) || (text.len() >= 4 && address.contains(text.as_str())));
    (!text.is_empty()
        && text.len() <= MAX_CODE_LEN
        && digits <= MAX_CODE_DIGITS
        && plain
        && words_only
        && !overlaps
        && text != "about:blank")
        .then_some(text)
}
