//! The queue's order and where a page starts: the sort chosen (`urut`), the reader's
//! position (`dari=lat,lon`) for distances, and the cursor of a keyed order, which carries
//! the order it was cut in so that a link cannot start one order's page in another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use aduan_domain::Coordinates;
use aduan_store::ReportOrder;

/// The sorts the page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// The SLA clock's due instant first: the default of the work views.
    Sla,
    Newest,
    Nearest,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Sla, Sort::Newest, Sort::Nearest];

    pub fn code(self) -> &'static str {
        match self {
            Self::Sla => "sla",
            Self::Newest => "baru",
            Self::Nearest => "jarak",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw.trim())
    }

    /// The store's order; `Nearest` needs the reader's position.
    pub fn order(self, from: Option<Coordinates>) -> Option<ReportOrder> {
        match self {
            Self::Sla => Some(ReportOrder::SlaDue),
            Self::Newest => Some(ReportOrder::Newest),
            Self::Nearest => from.map(ReportOrder::Nearest),
        }
    }
}

/// Longest `dari` read: two coordinates with plenty of decimals.
const MAX_FROM: usize = 64;

/// `lat,lon` (spaces allowed) as a position on Earth; anything else is `Err`.
pub fn parse_from(raw: &str) -> Result<Coordinates, ()> {
    let raw = raw.trim();
    if raw.len() > MAX_FROM {
        return Err(());
    }
    let (lat, lon) = raw.split_once(',').ok_or(())?;
    let number = |s: &str| {
        let s = s.trim();
        // Plain decimals only: no "inf", "NaN" or exponents.
        let plain = !s.is_empty()
            && s.bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && b == b'-'));
        if plain {
            s.parse::<f64>().map_err(|_| ())
        } else {
            Err(())
        }
    };
    Coordinates::parse(number(lat)?, number(lon)?).map_err(|_| ())
}

/// `at` as the page writes it back into its field and links.
pub fn from_text(at: Coordinates) -> String {
    format!("{:.6},{:.6}", at.lat, at.lon)
}

/// Where the next page starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cursor {
    pub after: i64,
    /// The sort key of the row `after`, in a keyed order.
    pub key: Option<f64>,
}

fn order_tag(order: &ReportOrder) -> char {
    match order {
        ReportOrder::Newest => 'n',
        ReportOrder::SlaDue => 's',
        ReportOrder::Nearest(_) => 'd',
    }
}

/// The cursor for the rows after `after` (and `key`) in `order`.
pub fn encode(order: &ReportOrder, after: i64, key: Option<f64>) -> String {
    let key = key.map_or(String::new(), |k| format!("{:016x}", k.to_bits()));
    URL_SAFE_NO_PAD.encode(format!("q{}{after}.{key}", order_tag(order)))
}

/// The cursor `raw` names for `order`; `None` for anything this page did not issue in that
/// order (a keyed order needs its key).
pub fn decode(order: &ReportOrder, raw: &str) -> Option<Cursor> {
    if raw.len() > 100 {
        return None;
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    let rest = text.strip_prefix('q')?.strip_prefix(order_tag(order))?;
    let (after, key) = rest.split_once('.')?;
    let after = after.parse().ok()?;
    let key = if key.is_empty() {
        None
    } else {
        if key.len() != 16 {
            return None;
        }
        let key = f64::from_bits(u64::from_str_radix(key, 16).ok()?);
        Some(key).filter(|k| k.is_finite())
    };
    (key.is_some() == order.is_keyed()).then_some(Cursor { after, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_read_strictly() {
        let at = parse_from(" -6.2297 , 106.8532 ").ok();
        assert_eq!(at.map(|c| (c.lat, c.lon)), Some((-6.2297, 106.8532)));
        for bad in [
            "",
            "-6.2",
            "a,b",
            "91,0",
            "0,181",
            "NaN,0",
            "inf,0",
            "1e2,3",
            "-6,-",
            "1,2,3",
            "+6,106",
            &"1".repeat(80),
        ] {
            assert!(parse_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cursor_reads_back_only_in_its_own_order() {
        let here = Coordinates::parse(-6.2, 106.8).unwrap_or(Coordinates { lat: 0.0, lon: 0.0 });
        let sla = encode(&ReportOrder::SlaDue, 42, Some(1.5e15));
        assert_eq!(
            decode(&ReportOrder::SlaDue, &sla),
            Some(Cursor {
                after: 42,
                key: Some(1.5e15)
            })
        );
        assert_eq!(decode(&ReportOrder::Newest, &sla), None);
        assert_eq!(decode(&ReportOrder::Nearest(here), &sla), None);
        let newest = encode(&ReportOrder::Newest, 7, None);
        assert_eq!(
            decode(&ReportOrder::Newest, &newest),
            Some(Cursor {
                after: 7,
                key: None
            })
        );
        assert_eq!(decode(&ReportOrder::SlaDue, &newest), None);
        for stranger in ["", "cjQy", "!!", "cXM0Mi4"] {
            assert_eq!(decode(&ReportOrder::SlaDue, stranger), None, "{stranger}");
        }
    }
}
