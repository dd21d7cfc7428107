//! The learnt part of triage: a multinomial Naive Bayes classifier over stemmed tokens, kept as
//! plain counts so that the store can add to them row by row.

use std::collections::{BTreeMap, HashMap};

use aduan_domain::CategoryCode;
use serde::{Deserialize, Serialize};

use crate::text::{Token, tokens};

/// One stored count: how many confirmed texts of `category` there are (`token` empty), or how
/// many times `token` (a stem) appeared in them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TokenCount {
    pub category: CategoryCode,
    /// The stem counted; `""` for the row that counts documents.
    pub token: String,
    pub count: u64,
}

/// What the classifier has learnt: per category, how many confirmed texts and how many times
/// each stemmed token appeared in them.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct Model {
    documents: BTreeMap<CategoryCode, u64>,
    /// Per category, the sum of its token counts (the denominator of P(token | category)).
    token_totals: BTreeMap<CategoryCode, u64>,
    /// Per token, its count in each category: the inverted index `suggest` reads.
    tokens: HashMap<String, BTreeMap<CategoryCode, u64>>,
}

/// The counts that confirming `text` as `category` adds: one document row (empty token) and
/// one row per distinct stem, sorted by stem. Empty when the text has no token at all (nothing
/// to learn from, and a document row alone would only skew the prior).
pub fn learning(category: &CategoryCode, text: &str) -> Vec<TokenCount> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for token in tokens(text) {
        *counts.entry(token).or_default() += 1;
    }
    if counts.is_empty() {
        return Vec::new();
    }
    let document = TokenCount {
        category: category.clone(),
        token: String::new(),
        count: 1,
    };
    std::iter::once(document)
        .chain(counts.into_iter().map(|(token, count)| TokenCount {
            category: category.clone(),
            token,
            count,
        }))
        .collect()
}

impl Model {
    /// Learns that `text` belongs to `category` (a coordinator confirmed or corrected it).
    pub fn learn(&mut self, category: &CategoryCode, text: &str) {
        for row in learning(category, text) {
            self.add(row);
        }
    }

    /// Every count, sorted by category then token (the document row first), for storage.
    pub fn counts(&self) -> Vec<TokenCount> {
        let mut rows: Vec<TokenCount> = self
            .documents
            .iter()
            .map(|(category, &count)| TokenCount {
                category: category.clone(),
                token: String::new(),
                count,
            })
            .collect();
        for (token, per_category) in &self.tokens {
            rows.extend(per_category.iter().map(|(category, &count)| TokenCount {
                category: category.clone(),
                token: token.clone(),
                count,
            }));
        }
        rows.sort();
        rows
    }

    /// The model of stored counts; rows for the same category and token add up, zero counts
    /// are ignored.
    pub fn from_counts(rows: impl IntoIterator<Item = TokenCount>) -> Model {
        let mut model = Model::default();
        for row in rows {
            model.add(row);
        }
        model
    }

    /// How many confirmed texts the model has learnt from, over all categories.
    pub fn documents(&self) -> u64 {
        self.documents.values().sum()
    }

    fn add(&mut self, row: TokenCount) {
        if row.count == 0 {
            return;
        }
        let TokenCount {
            category,
            token,
            count,
        } = row;
        if token.is_empty() {
            let n = self.documents.entry(category).or_default();
            *n = n.saturating_add(count);
        } else {
            let total = self.token_totals.entry(category.clone()).or_default();
            *total = total.saturating_add(count);
            let n = self
                .tokens
                .entry(token)
                .or_default()
                .entry(category)
                .or_default();
            *n = n.saturating_add(count);
        }
    }

    /// The documents learnt for the given categories only (categories no longer offered do not
    /// count).
    pub(crate) fn documents_in(&self, categories: &[CategoryCode]) -> u64 {
        categories
            .iter()
            .filter_map(|c| self.documents.get(c))
            .sum()
    }

    /// The classifier's evidence for each of `categories`: how many times more likely than
    /// chance it finds the category, in log, among the categories it has confirmed texts of.
    ///
    /// Naive Bayes with Laplace smoothing, in log probabilities, for each such category:
    /// `ℓ_c = [ln((d_c + 1) / (D + K)) + Σ_t ln((n_tc + 1) / (n_c + V))] / √T`, d_c being its
    /// confirmed texts, D and K all confirmed texts and categories with some, n_tc the count of
    /// token t in the category, n_c all its token counts, V the vocabulary size and T the
    /// number of the text's tokens the model knows (unknown tokens are skipped). The division by
    /// √T tempers Naive Bayes' overconfidence on long texts, whose words are far from
    /// independent. The evidence is then `L_c = ln(K · softmax(ℓ)_c)`: at most ln K, 0 for a
    /// category as likely as chance, very negative for one the text does not fit. A category
    /// without confirmed texts has none either way (0), so that it is not pushed aside by
    /// categories that have been confirmed more. `None` when the model knows none of the tokens
    /// or has no confirmed text of these categories: it has nothing to say.
    pub(crate) fn evidence(
        &self,
        categories: &[CategoryCode],
        index: &HashMap<CategoryCode, usize>,
        text: &[Token],
    ) -> Option<Vec<f64>> {
        let documents: Vec<u64> = categories
            .iter()
            .map(|c| self.documents.get(c).copied().unwrap_or(0))
            .collect();
        let all_documents: u64 = documents.iter().sum();
        let learnt = documents.iter().filter(|&&d| d > 0).count() as f64;
        if all_documents == 0 {
            return None;
        }
        let mut sums = vec![0.0_f64; categories.len()];
        let mut known = 0_u64;
        for token in text {
            let Some(per_category) = self.tokens.get(&token.stem) else {
                continue;
            };
            known += 1;
            for (category, &count) in per_category {
                if let Some(&i) = index.get(category) {
                    sums[i] += (count as f64 + 1.0).ln();
                }
            }
        }
        if known == 0 {
            return None;
        }
        let known = known as f64;
        let vocabulary = self.tokens.len() as f64;
        let log_likelihood: Vec<Option<f64>> = categories
            .iter()
            .zip(&documents)
            .zip(&sums)
            .map(|((category, &docs), sum)| {
                (docs > 0).then(|| {
                    let total = self.token_totals.get(category).copied().unwrap_or(0) as f64;
                    let prior = ((docs as f64 + 1.0) / (all_documents as f64 + learnt)).ln();
                    (prior + sum - known * (total + vocabulary).ln()) / known.sqrt()
                })
            })
            .collect();
        let top = log_likelihood
            .iter()
            .flatten()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let log_sum = top
            + log_likelihood
                .iter()
                .flatten()
                .map(|l| (l - top).exp())
                .sum::<f64>()
                .ln();
        Some(
            log_likelihood
                .into_iter()
                .map(|l| l.map_or(0.0, |l| learnt.ln() + l - log_sum))
                .collect(),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn code(s: &str) -> CategoryCode {
        CategoryCode::parse(s).unwrap()
    }

    #[test]
    fn learning_counts_one_document_and_each_stem() {
        let rows = learning(&code("sampah"), "Sampahnya menumpuk, sampah busuk!");
        let as_pairs: Vec<(&str, u64)> = rows.iter().map(|r| (r.token.as_str(), r.count)).collect();
        assert_eq!(
            as_pairs,
            [("", 1), ("busuk", 1), ("sampah", 2), ("tumpuk", 1)]
        );
        assert!(learning(&code("sampah"), "di ke dari ... 12 !!").is_empty());
    }

    #[test]
    fn counts_round_trip_and_rows_add_up() {
        let mut model = Model::default();
        model.learn(&code("sampah"), "sampah menumpuk di tps");
        model.learn(&code("sampah"), "sampah belum diangkut");
        model.learn(&code("jalan"), "jalan berlubang");
        assert_eq!(model.documents(), 3);
        let rows = model.counts();
        assert_eq!(rows[0].category, code("jalan"));
        assert_eq!(rows[0].token, "");
        assert_eq!(Model::from_counts(rows.clone()), model);

        // The store adds the delta of each confirmation: the same model.
        let mut rows = Vec::new();
        for (c, text) in [
            ("sampah", "sampah menumpuk di tps"),
            ("sampah", "sampah belum diangkut"),
            ("jalan", "jalan berlubang"),
        ] {
            rows.extend(learning(&code(c), text));
        }
        rows.push(TokenCount {
            category: code("pohon"),
            token: "dahan".into(),
            count: 0,
        });
        assert_eq!(Model::from_counts(rows), model);
    }

    #[test]
    fn evidence_favours_the_category_that_saw_the_tokens() {
        let categories = vec![code("jalan"), code("pohon"), code("sampah")];
        let index: HashMap<_, _> = categories
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, c)| (c, i))
            .collect();
        let text = |t: &str| crate::text::stem_words(&crate::text::words(t));
        let mut model = Model::default();
        assert_eq!(
            model.evidence(&categories, &index, &text("bau busuk")),
            None
        );
        model.learn(&code("sampah"), "sampah menumpuk bau busuk");
        model.learn(&code("jalan"), "aspal berlubang, jalan rusak");
        let l = model
            .evidence(&categories, &index, &text("bau busuk sekali"))
            .unwrap();
        assert!(l[2] > 0.0 && l[0] < 0.0, "{l:?}");
        assert!(l[2] <= 2f64.ln(), "at most ln K: {l:?}");
        assert_eq!(l[1], 0.0, "no confirmed text, no evidence");
        assert_eq!(model.evidence(&categories, &index, &text("kucing")), None);
    }
}
