//! The opaque cursors that page every list: the last row's id, so that a page holds no
//! offset that shifts as rows arrive.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::app_error::{AppError, AppResult};

/// The cursor for the rows after `after`.
pub fn encode_cursor(after: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("r{after}"))
}

/// The row id a cursor carries; `cursor` is refused for anything this site did not issue.
pub fn decode_cursor(raw: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix('r').and_then(|n| n.parse().ok()))
        .ok_or_else(|| AppError::invalid("cursor", "not a cursor this API issued"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_a_stranger_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)).ok(), Some(42));
        for stranger in ["", "42", "cjQy!", "eDQy"] {
            assert!(decode_cursor(stranger).is_err(), "{stranger}");
        }
    }
}
