//! Numbers written the Indonesian way: `.` groups thousands, `,` marks decimals
//! (134.814 laporan; 97,4%; 6,42 jam).

/// A count with thousands grouped by dots: `134814` is `134.814`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A non-negative number with `decimals` decimals after a comma, thousands grouped:
/// `1234.5` with 2 decimals is `1.234,50`.
pub fn format_decimal(x: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let sign = if x < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    let whole = format_count(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{fraction}")
    }
}

/// A percentage with one decimal: `97.4` is `97,4%`.
pub fn format_percent(x: f64) -> String {
    format!("{}%", format_decimal(x, 1))
}
