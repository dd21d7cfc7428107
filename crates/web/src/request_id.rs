//! Every request carries an id (`x-request-id`): the client's when it is a sane token, a new
//! one otherwise. It is on every log line the request causes and in the response's header,
//! so an operator finds a user's failed request in the logs from the id they were shown.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use rand::Rng;
use tower_http::request_id::{MakeRequestId, RequestId};

/// `x-request-id`.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a client.
const MAX_LEN: usize = 128;

/// A client's id is kept when it is 1 to [`MAX_LEN`] characters of letters, digits, `-`,
/// `_`, `.`, `:` or `/` (what proxies and tracing systems send); anything else could
/// forge or break a log line, and is replaced.
pub fn is_acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/'))
}

/// Drop an unacceptable (or repeated) `x-request-id` before the id is set, so a new one
/// is made for the request.
pub async fn drop_unacceptable(mut request: Request, next: Next) -> Response {
    let headers = request.headers_mut();
    let keep = {
        let mut values = headers.get_all(&HEADER).iter();
        match (values.next(), values.next()) {
            (Some(only), None) => is_acceptable(only),
            _ => false,
        }
    };
    if !keep {
        headers.remove(&HEADER);
    }
    next.run(request).await
}

/// New ids: 128 random bits in hex.
#[derive(Clone, Copy, Default)]
pub struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let bits: u128 = rand::rng().random();
        HeaderValue::from_str(&format!("{bits:032x}"))
            .ok()
            .map(RequestId::new)
    }
}

/// The span every log line of a request is written in: its id, method and path.
pub fn span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_tokens_are_kept_and_anything_else_is_replaced() {
        for kept in ["abc-123", "lb-7f3a.42", "00-4bf92f35-01", "a/b:c_d"] {
            assert!(is_acceptable(&HeaderValue::from_static(kept)), "{kept}");
        }
        let long = "a".repeat(MAX_LEN + 1);
        for refused in ["", "two words", "quote\"d", "semi;colon", long.as_str()] {
            let value = HeaderValue::from_str(refused).unwrap_or(HeaderValue::from_static(""));
            assert!(!is_acceptable(&value), "{refused}");
        }
    }
}
