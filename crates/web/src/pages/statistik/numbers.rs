//! Numbers as the reader writes them: the Indonesian way (134.814; 97,4%; 6,42) on the
//! Indonesian page, the English way (134,814; 97.4%; 6.42) on the English one.

use aduan_domain::stats::{format_count, format_decimal, format_percent};

use crate::pages::Lang;

#[derive(Clone, Copy)]
pub struct Numbers(pub Lang);

impl Numbers {
    pub fn count(self, n: u64) -> String {
        self.marks(format_count(n))
    }

    pub fn percent(self, x: f64) -> String {
        self.marks(format_percent(x))
    }

    pub fn decimal(self, x: f64, decimals: usize) -> String {
        self.marks(format_decimal(x, decimals))
    }

    /// English swaps the thousands and decimal marks.
    fn marks(self, indonesian: String) -> String {
        match self.0 {
            Lang::Id => indonesian,
            Lang::En => indonesian
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_its_marks() {
        let (id, en) = (Numbers(Lang::Id), Numbers(Lang::En));
        assert_eq!(
            (id.count(134_814), en.count(134_814)),
            ("134.814".into(), "134,814".into())
        );
        assert_eq!(
            (id.percent(97.4), en.percent(97.4)),
            ("97,4%".into(), "97.4%".into())
        );
        assert_eq!(
            (id.decimal(1234.5, 2), en.decimal(1234.5, 2)),
            ("1.234,50".into(), "1,234.50".into())
        );
    }
}
