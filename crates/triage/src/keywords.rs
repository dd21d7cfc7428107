//! Keyword rules: each category's keyword phrases, matched on stemmed tokens.

use std::collections::{BTreeSet, HashMap};

use crate::text::{Token, stem_words, words};

/// Words allowed between the words of a phrase found loosely.
const MAX_GAP: usize = 2;

/// A keyword phrase as a sequence of stems.
#[derive(Debug, Clone)]
struct Phrase {
    stems: Vec<String>,
    category: usize,
}

impl Phrase {
    /// Longer phrases are far more specific: "pohon tumbang" says more than "pohon" and
    /// "tumbang" apart.
    fn weight(&self) -> f64 {
        match self.stems.len() {
            0 | 1 => 1.0,
            2 => 2.5,
            _ => 4.0,
        }
    }
}

/// All categories' phrases, indexed by their first stem.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeywordIndex {
    phrases: Vec<Phrase>,
    by_first: HashMap<String, Vec<usize>>,
}

impl KeywordIndex {
    /// `keywords[i]` are the keywords of category `i`. Keywords that stem to the same phrase
    /// count once per category; keywords made only of stop words are ignored.
    pub(crate) fn new(keywords: &[Vec<String>]) -> KeywordIndex {
        let mut index = KeywordIndex::default();
        for (category, list) in keywords.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for keyword in list {
                let stems: Vec<String> = stem_words(&words(keyword))
                    .into_iter()
                    .map(|t| t.stem)
                    .collect();
                let Some(first) = stems.first().cloned() else {
                    continue;
                };
                if !seen.insert(stems.clone()) {
                    continue;
                }
                index
                    .by_first
                    .entry(first)
                    .or_default()
                    .push(index.phrases.len());
                index.phrases.push(Phrase { stems, category });
            }
        }
        index
    }

    /// The keyword score of each of `categories` categories: the sum of the weights of its
    /// distinct phrases found in `tokens` (tokens with `masked[i]` set, place names, are
    /// skipped). A one-word phrase does not count where it lies inside a longer phrase of
    /// another category: "lampu" of the street lights is no evidence in "lampu merah", nor
    /// "sampah" of rubbish in "pembakaran sampah".
    pub(crate) fn scores(&self, tokens: &[Token], masked: &[bool], categories: usize) -> Vec<f64> {
        let is_masked = |i: usize| masked.get(tokens[i].word).copied().unwrap_or(false);
        // (phrase, start) of every exact occurrence; phrases found only with words between.
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut loose: Vec<(usize, Vec<usize>)> = Vec::new();
        for start in 0..tokens.len() {
            if is_masked(start) {
                continue;
            }
            let Some(candidates) = self.by_first.get(&tokens[start].stem) else {
                continue;
            };
            for &p in candidates {
                let stems = &self.phrases[p].stems;
                let end = start + stems.len();
                if end <= tokens.len()
                    && (start..end).all(|i| !is_masked(i) && tokens[i].stem == stems[i - start])
                {
                    found.push((p, start));
                } else if stems.len() > 1
                    && let Some(at) = loosely(tokens, &is_masked, start, &stems[1..])
                {
                    loose.push((p, at));
                }
            }
        }
        // The categories of the longer phrases covering each token.
        let mut covered: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(p, start) in &found {
            let phrase = &self.phrases[p];
            if phrase.stems.len() > 1 {
                for i in start..start + phrase.stems.len() {
                    covered.entry(i).or_default().push(phrase.category);
                }
            }
        }
        let shadowed = |category: usize, at: usize| {
            covered
                .get(&at)
                .is_some_and(|cats| !cats.contains(&category))
        };
        let mut matched = vec![false; self.phrases.len()];
        for &(p, start) in &found {
            let phrase = &self.phrases[p];
            if phrase.stems.len() > 1 || !shadowed(phrase.category, start) {
                matched[p] = true;
            }
        }
        let mut loosely_matched = vec![false; self.phrases.len()];
        for (p, at) in &loose {
            let category = self.phrases[*p].category;
            if !at.iter().any(|&i| shadowed(category, i)) {
                loosely_matched[*p] = true;
            }
        }
        let mut scores = vec![0.0; categories];
        for (p, phrase) in self.phrases.iter().enumerate() {
            let weight = if matched[p] {
                phrase.weight()
            } else if loosely_matched[p] {
                (phrase.weight() + 1.0) / 2.0
            } else {
                continue;
            };
            if let Some(score) = scores.get_mut(phrase.category) {
                *score += weight;
            }
        }
        scores
    }
}

/// The positions of `rest` if it follows the token at `start` in order with at most
/// [`MAX_GAP`] other tokens in between, place names not counted: "jalan depan rumah rusak" still
/// speaks of a "jalan rusak", though less surely (such a phrase weighs halfway between its
/// weight and a single word's, shadows nothing, and is shadowed like a single word).
fn loosely(
    tokens: &[Token],
    is_masked: &impl Fn(usize) -> bool,
    start: usize,
    rest: &[String],
) -> Option<Vec<usize>> {
    let mut positions = vec![start];
    let mut at = start;
    let mut gaps = 0;
    for stem in rest {
        let mut next = None;
        let mut j = at + 1;
        while j < tokens.len() && gaps <= MAX_GAP {
            if is_masked(j) {
                j += 1;
                continue;
            }
            if tokens[j].stem == *stem {
                next = Some(j);
                break;
            }
            gaps += 1;
            j += 1;
        }
        at = next?;
        positions.push(at);
    }
    Some(positions)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn index() -> KeywordIndex {
        let lists = [
            vec!["lampu jalan", "lampu mati", "lampu", "pju"],
            vec!["lampu merah", "macet"],
            vec!["sampah", "tps"],
            vec!["pembakaran sampah", "membakar sampah", "asap pembakaran"],
        ];
        KeywordIndex::new(
            &lists
                .iter()
                .map(|l| l.iter().map(|s| s.to_string()).collect())
                .collect::<Vec<_>>(),
        )
    }

    fn score(text: &str) -> Vec<f64> {
        let ws = words(text);
        index().scores(&stem_words(&ws), &vec![false; ws.len()], 4)
    }

    #[test]
    fn phrases_with_words_between_count_less() {
        // "lampu ... mati" loosely (1.75) and "lampu" (1).
        assert_eq!(score("lampu di gang kami mati"), [2.75, 0.0, 0.0, 0.0]);
        assert_eq!(
            score("lampu di gang depan rumah kami mati"),
            [1.0, 0.0, 0.0, 0.0]
        );
        // Order matters.
        assert_eq!(score("sampah warga dibakar"), [0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn phrases_match_on_stems_and_weigh_by_length() {
        assert_eq!(score("Lampu jalannya total"), [3.5, 0.0, 0.0, 0.0]);
        assert_eq!(score("lampu mati, PJU rusak"), [4.5, 0.0, 0.0, 0.0]);
        // Same stems ("membakar", "pembakaran" → "bakar") count once.
        assert_eq!(score("warga membakar sampah"), [0.0, 0.0, 0.0, 2.5]);
    }

    #[test]
    fn single_words_inside_another_categorys_phrase_do_not_count() {
        assert_eq!(score("lampu merah mati, macet"), [0.0, 3.5, 0.0, 0.0]);
        assert_eq!(score("sampah dibakar tiap malam"), [0.0, 0.0, 1.0, 0.0]);
        assert_eq!(
            score("pembakaran sampah dan sampah menumpuk di tps"),
            [0.0, 0.0, 2.0, 2.5]
        );
    }

    #[test]
    fn masked_tokens_are_skipped() {
        let ws = words("lampu jalan");
        let tokens = stem_words(&ws);
        assert_eq!(
            index().scores(&tokens, &[false, true], 4),
            [1.0, 0.0, 0.0, 0.0]
        );
    }
}
