//! Free-text triage: suggests a category and a region for messages (e-mail, SMS, WhatsApp,
//! social media) that arrive with neither; coordinators confirm or correct the suggestion, and
//! what they confirm teaches the classifier.
//!
//! A category is scored two ways, both on stemmed tokens ([`tokens`]):
//! - **keywords** `K_c`: the weights of the category's keyword phrases found in the text, each
//!   distinct phrase once: 1 for a word, 2.5 for two words ("parkir liar"), 4 for three or
//!   more; a phrase found with up to two other words between its words counts halfway between
//!   its weight and 1. A single word inside another category's phrase does not count ("lampu"
//!   in "lampu merah"), nor do words of place names ("Lubang Buaya").
//! - **classifier** `L_c`: multinomial Naive Bayes over the confirmed texts ([`Model`]),
//!   Laplace-smoothed, in log probabilities, tempered for long texts; `L_c` is the log of how
//!   many times more likely than chance it finds the category among the K categories it has
//!   confirmed texts of (at most ln K), and 0 for a category without confirmed texts.
//!
//! They add up as `S_c = max(0, K_c + w · L_c)` with `w = N / (N + 5·C)`, N the confirmed texts
//! of the offered categories and C their number: with no confirmed text the keywords decide
//! alone; the classifier weighs half once it has five texts per category on average, and
//! approaches full weight as they accumulate (the classifier can then also overrule a keyword).
//! The confidence is `p(c) = (e^S_c − 1 + D/C) / (Σ_c' (e^S_c' − 1) + D)`, D = 1.5 being the
//! doubt that none of the categories with evidence is right: one plain keyword gives about 0.55,
//! a two-word phrase 0.88, two competing equal phrases less than half each. There is no
//! suggestion when no category has a positive score or the best is below [`MIN_CONFIDENCE`].
//! Ties go to the smaller category code; everything is deterministic.
//!
//! Places are matched separately, on whole words (see [`Triage::suggest`]).

mod keywords;
mod model;
mod places;
mod text;

use std::collections::HashMap;

use aduan_domain::{Category, CategoryCode, Region, RegionCode};
use serde::{Deserialize, Serialize};

pub use model::{Model, TokenCount, learning};
pub use text::tokens;

use keywords::KeywordIndex;
use places::PlaceIndex;

/// Below this confidence `suggest` offers no category.
pub const MIN_CONFIDENCE: f32 = 0.1;

/// The classifier has half the weight with this many confirmed texts per category.
const HALF_WEIGHT_DOCUMENTS_PER_CATEGORY: f64 = 5.0;

/// The doubt D: how much "none of these" weighs against the categories with evidence.
const DOUBT: f64 = 1.5;

/// At most this many alternatives are offered.
const MAX_ALTERNATIVES: usize = 3;

/// An alternative must have at least this probability.
const MIN_ALTERNATIVE: f64 = 0.02;

/// What triage knows of a category: its code, name and keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryTerms {
    pub code: CategoryCode,
    /// Carried for display; only `keywords` are scored.
    pub name: String,
    /// Lower-case words or phrases pointing to the category.
    pub keywords: Vec<String>,
}

impl From<&Category> for CategoryTerms {
    fn from(c: &Category) -> Self {
        CategoryTerms {
            code: c.code.clone(),
            name: c.name.clone(),
            keywords: c.keywords.clone(),
        }
    }
}

/// A name by which a region may be mentioned, e.g. ("31.74.01.1001", "Tebet Barat"). Several
/// names may denote the same region (aliases such as "Jaksel").
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceName {
    pub region: RegionCode,
    pub name: String,
}

impl From<&Region> for PlaceName {
    fn from(r: &Region) -> Self {
        PlaceName {
            region: r.code.clone(),
            name: r.name.clone(),
        }
    }
}

/// What triage suggests for a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// None when nothing points anywhere.
    pub category: Option<CategoryGuess>,
    pub region: Option<PlaceGuess>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryGuess {
    pub code: CategoryCode,
    /// 0..=1.
    pub confidence: f32,
    pub basis: Basis,
    /// The next best categories with their confidence, up to 3, best first.
    pub alternatives: Vec<(CategoryCode, f32)>,
}

/// What the category guess rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Keywords,
    Classifier,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceGuess {
    pub region: RegionCode,
    /// The words matched in the text, as written ("Kel. Menteng", "Jl. Kebon Sirih").
    pub matched: String,
}

/// Category and place suggestion for free text.
#[derive(Debug, Clone)]
pub struct Triage {
    /// Sorted by code, so that ties go to the smaller code.
    codes: Vec<CategoryCode>,
    index: HashMap<CategoryCode, usize>,
    keywords: KeywordIndex,
    places: PlaceIndex,
    model: Model,
}

impl Triage {
    /// Categories given twice have their keywords merged.
    pub fn new(categories: Vec<CategoryTerms>, places: Vec<PlaceName>, model: Model) -> Triage {
        let mut merged: Vec<CategoryTerms> = Vec::new();
        for c in categories {
            match merged.iter_mut().find(|m| m.code == c.code) {
                Some(m) => m.keywords.extend(c.keywords),
                None => merged.push(c),
            }
        }
        merged.sort_by(|a, b| a.code.cmp(&b.code));
        let keyword_lists: Vec<Vec<String>> = merged.iter().map(|c| c.keywords.clone()).collect();
        let codes: Vec<CategoryCode> = merged.into_iter().map(|c| c.code).collect();
        let index = codes
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, c)| (c, i))
            .collect();
        Triage {
            codes,
            index,
            keywords: KeywordIndex::new(&keyword_lists),
            places: PlaceIndex::new(&places),
            model,
        }
    }

    /// Learns from a text whose category a coordinator confirmed or corrected.
    pub fn learn(&mut self, category: &CategoryCode, text: &str) {
        self.model.learn(category, text);
    }

    /// What the classifier has learnt so far.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Suggests a category (see the crate documentation) and a place.
    ///
    /// Places are names matched as whole word sequences, with or without the spaces inside a
    /// name, the longest first, lower-case. A "kel."/"kelurahan", "kec."/"kecamatan" or
    /// "kota"/"kabupaten" before a name picks that level ("Kec. Tebet" is the kecamatan, never a
    /// kelurahan Tebet Barat); "jl."/"jalan" marks a street, weaker evidence than a name alone.
    /// A bare name that is both a kelurahan and the kecamatan containing it gives the kelurahan;
    /// an ambiguous name is decided by the other names in the text, else gives the deepest
    /// common parent. Names that are everyday words ("baru", "tengah") need a level word. Words
    /// of place names do not count as category keywords.
    pub fn suggest(&self, text: &str) -> Suggestion {
        let words = text::words(text);
        let (place, masked) = self.places.locate(&words);
        let tokens = text::stem_words(&words);
        Suggestion {
            category: self.categorise(&tokens, &masked),
            region: place.map(|p| PlaceGuess {
                region: p.region,
                matched: text[p.start..p.end].to_owned(),
            }),
        }
    }

    fn categorise(&self, tokens: &[text::Token], masked: &[bool]) -> Option<CategoryGuess> {
        let n = self.codes.len();
        let keywords = self.keywords.scores(tokens, masked, n);
        let evidence = self.model.evidence(&self.codes, &self.index, tokens);
        let w = match &evidence {
            Some(_) => {
                let documents = self.model.documents_in(&self.codes) as f64;
                documents / (documents + HALF_WEIGHT_DOCUMENTS_PER_CATEGORY * n as f64)
            }
            None => 0.0,
        };
        let learnt = |i: usize| w * evidence.as_ref().map_or(0.0, |l| l[i]);
        let scores: Vec<f64> = (0..n).map(|i| (keywords[i] + learnt(i)).max(0.0)).collect();
        let p = confidences(&scores)?;

        // Best first; the sort is stable, so equal confidences keep code order.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
        let best = order[0];
        let confidence = clamp(p[best]);
        if confidence.is_nan() || confidence < MIN_CONFIDENCE {
            return None;
        }
        let alternatives = order[1..]
            .iter()
            .filter(|&&i| scores[i] > 0.0 && p[i] >= MIN_ALTERNATIVE)
            .take(MAX_ALTERNATIVES)
            .map(|&i| (self.codes[i].clone(), clamp(p[i])))
            .collect();
        Some(CategoryGuess {
            code: self.codes[best].clone(),
            confidence,
            basis: basis(keywords[best], learnt(best)),
            alternatives,
        })
    }
}

/// `p(c) = (e^S_c − 1 + D/C) / (Σ_c' (e^S_c' − 1) + D)` for the scores S ≥ 0, or None when all
/// are 0. A category without evidence (S = 0) only has its share of the doubt D.
fn confidences(scores: &[f64]) -> Option<Vec<f64>> {
    let top = scores.iter().copied().fold(0.0, f64::max);
    if top.is_nan() || top <= 0.0 || scores.is_empty() {
        return None;
    }
    // Everything times e^−top, so that nothing overflows.
    let floor = (-top).exp();
    let share = DOUBT / scores.len() as f64 * floor;
    let excess: Vec<f64> = scores.iter().map(|&s| (s - top).exp() - floor).collect();
    let z = excess.iter().sum::<f64>() + DOUBT * floor;
    Some(excess.into_iter().map(|e| (e + share) / z).collect())
}

/// Keywords and classifier are both the basis when each brings at least a quarter of the best
/// category's score; else the one that brings more.
fn basis(keywords: f64, classifier: f64) -> Basis {
    let classifier = classifier.max(0.0);
    let total = keywords + classifier;
    if keywords >= 0.25 * total && classifier >= 0.25 * total {
        Basis::Both
    } else if keywords >= classifier {
        Basis::Keywords
    } else {
        Basis::Classifier
    }
}

fn clamp(p: f64) -> f32 {
    (p as f32).clamp(0.0, 1.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn confidences_keep_doubt_and_never_overflow() {
        let p = confidences(&[0.0, 1.0, 0.0]).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let e = 1f64.exp();
        assert!(
            (p[1] - (e - 1.0 + 0.5) / (e - 1.0 + 1.5)).abs() < 1e-12,
            "{p:?}"
        );
        assert!((p[0] - p[2]).abs() < 1e-15);
        let p = confidences(&[1000.0, 999.0]).unwrap();
        assert!(p.iter().all(|x| x.is_finite()) && p[0] > p[1]);
        assert_eq!(confidences(&[0.0, 0.0]), None);
        assert_eq!(confidences(&[]), None);
    }

    #[test]
    fn basis_needs_a_quarter_of_the_score() {
        assert_eq!(basis(3.0, 0.0), Basis::Keywords);
        assert_eq!(basis(3.0, 0.9), Basis::Keywords);
        assert_eq!(basis(3.0, 1.0), Basis::Both);
        assert_eq!(basis(0.0, 1.0), Basis::Classifier);
        assert_eq!(basis(1.0, -5.0), Basis::Keywords);
    }
}
