//! Place names in free text: which kelurahan, kecamatan or kota a message speaks of.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use aduan_domain::{RegionCode, RegionLevel};

use crate::PlaceName;
use crate::text::{Word, words};

/// Place names that are also everyday Indonesian words ("baru" = new, "tengah" = middle,
/// "karet" = rubber, ...): alone, they name a place only after an explicit "kel." /
/// "kelurahan" / "kec." / "kecamatan" / "kota".
const COMMON_WORDS: &[&str] = &[
    "bangka", "baru", "bungur", "dukuh", "galur", "gedong", "gelora", "gunung", "guntur", "jati",
    "kamal", "karet", "kartini", "kenari", "kramat", "pulo", "rambutan", "selong", "serdang",
    "setu", "tangki", "tengah",
];

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| COMMON_WORDS.iter().copied().collect());

/// Words that may start a region's own name and are dropped from it, per level.
fn level_prefixes(level: RegionLevel) -> &'static [&'static str] {
    match level {
        RegionLevel::Kota => &[
            "kota",
            "kabupaten",
            "kab",
            "kotamadya",
            "administrasi",
            "administratif",
            "adm",
        ],
        RegionLevel::Kecamatan => &["kecamatan", "kec"],
        RegionLevel::Kelurahan => &["kelurahan", "kel", "desa"],
    }
}

/// How a name was written in the text: after an explicit level word, alone, or as a street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mention {
    /// "Jl. Kebon Sirih": a street is usually in the place it is named after, not always.
    Street,
    Bare,
    /// "Kel. Menteng", "Kecamatan Tebet", "Kota Jakarta Selatan".
    Explicit,
}

/// A name found in the text.
#[derive(Debug, Clone)]
struct Found {
    /// The key of the name (its words joined without spaces).
    key: String,
    mention: Mention,
    /// Regions the name may denote, after the level word (if any) filtered them.
    candidates: Vec<RegionCode>,
    /// First and last word of the name, and the byte span including the level word.
    first_word: usize,
    last_word: usize,
    start: usize,
    end: usize,
}

/// A place guess before it becomes public.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Place {
    pub region: RegionCode,
    /// Byte span of the words matched in the text.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PlaceIndex {
    /// Joined name (no spaces) → the regions of that name.
    names: HashMap<String, Vec<RegionCode>>,
    /// The most words a name has, hence the most text words a match may span.
    max_words: usize,
}

impl PlaceIndex {
    pub(crate) fn new(places: &[PlaceName]) -> PlaceIndex {
        let mut names: HashMap<String, BTreeSet<RegionCode>> = HashMap::new();
        let mut max_words = 0;
        for place in places {
            let name = normalize(&place.name, place.region.level());
            if name.is_empty() {
                continue;
            }
            max_words = max_words.max(name.len());
            names
                .entry(name.concat())
                .or_default()
                .insert(place.region.clone());
        }
        PlaceIndex {
            names: names
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            max_words,
        }
    }

    /// Names found in `words`, leftmost first, each the longest name starting at its word.
    /// A name is matched on whole words, with or without the spaces between them ("Pal Merah"
    /// and "Palmerah", "Pulo Gadung" and "Pulogadung").
    fn find(&self, words: &[Word]) -> Vec<Found> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut joined = String::new();
        let mut ends = Vec::with_capacity(self.max_words);
        while i < words.len() {
            joined.clear();
            ends.clear();
            for w in words.iter().skip(i).take(self.max_words) {
                joined.push_str(&w.text);
                ends.push(joined.len());
            }
            let hit = ends.iter().enumerate().rev().find_map(|(n, &len)| {
                let key = &joined[..len];
                let regions = self.names.get(key)?;
                let mention = mention_before(words, i);
                let common = n == 0 && COMMON.contains(key);
                if common && mention.0 != Mention::Explicit {
                    return None;
                }
                Some((n + 1, key.to_owned(), regions, mention))
            });
            let Some((n, key, regions, (mention, level, prefix_start))) = hit else {
                i += 1;
                continue;
            };
            let of_level: Vec<RegionCode> = regions
                .iter()
                .filter(|r| Some(r.level()) == level)
                .cloned()
                .collect();
            let candidates = if of_level.is_empty() {
                regions.clone()
            } else {
                of_level
            };
            let last = i + n - 1;
            out.push(Found {
                key,
                mention,
                candidates,
                first_word: i,
                last_word: last,
                start: words[prefix_start.unwrap_or(i)].start,
                end: words[last].end,
            });
            i += n;
        }
        out
    }

    /// The place a text speaks of, and which of its words are place names (so that "Lubang
    /// Buaya" or "Taman Sari" do not count as keywords of a category).
    pub(crate) fn locate(&self, words: &[Word]) -> (Option<Place>, Vec<bool>) {
        let found = self.find(words);
        let mut masked = vec![false; words.len()];
        for f in &found {
            for m in &mut masked[f.first_word..=f.last_word] {
                *m = true;
            }
        }
        (resolve(&found), masked)
    }

    /// Convenience for tests: locate in raw text.
    #[cfg(test)]
    fn locate_text(&self, text: &str) -> Option<RegionCode> {
        self.locate(&words(text)).0.map(|p| p.region)
    }
}

/// A name as words, without the level word its region's name may start with ("Kota
/// Administrasi Jakarta Pusat" → ["jakarta", "pusat"]; "Kota Bambu Selatan", a kelurahan,
/// keeps its "kota").
fn normalize(name: &str, level: RegionLevel) -> Vec<String> {
    let all: Vec<String> = words(name).into_iter().map(|w| w.text).collect();
    let prefixes = level_prefixes(level);
    let skip = all
        .iter()
        .take_while(|w| prefixes.contains(&w.as_str()))
        .count();
    if skip == all.len() {
        all
    } else {
        all[skip..].to_vec()
    }
}

/// How the name starting at word `i` is introduced: the mention, the level the level word
/// names, and where that word starts.
fn mention_before(words: &[Word], i: usize) -> (Mention, Option<RegionLevel>, Option<usize>) {
    let word = |k: usize| words.get(k).map(|w| w.text.as_str());
    let Some(before) = i.checked_sub(1) else {
        return (Mention::Bare, None, None);
    };
    match word(before) {
        Some("kel" | "kelurahan" | "desa") => (
            Mention::Explicit,
            Some(RegionLevel::Kelurahan),
            Some(before),
        ),
        Some("kec" | "kecamatan") => (
            Mention::Explicit,
            Some(RegionLevel::Kecamatan),
            Some(before),
        ),
        Some("kota" | "kabupaten" | "kab" | "kotamadya") => {
            (Mention::Explicit, Some(RegionLevel::Kota), Some(before))
        }
        Some("administrasi" | "adm") => match before.checked_sub(1).and_then(word) {
            Some("kota" | "kabupaten" | "kab") => {
                (Mention::Explicit, Some(RegionLevel::Kota), Some(before - 1))
            }
            _ => (Mention::Bare, None, None),
        },
        Some("jl" | "jln" | "jalan" | "gg" | "gang") => (Mention::Street, None, Some(before)),
        _ => (Mention::Bare, None, None),
    }
}

/// Whether one region lies within the other.
fn related(a: &RegionCode, b: &RegionCode) -> bool {
    a.is_within(b) || b.is_within(a)
}

/// Whether the regions lie on one line of descent; then the deepest is the most precise.
fn deepest_if_chain(regions: &[&RegionCode]) -> Option<RegionCode> {
    let deepest = regions.iter().max_by_key(|r| r.level())?;
    regions
        .iter()
        .all(|r| deepest.is_within(r))
        .then(|| (*deepest).clone())
}

/// The deepest region containing all of `regions`, if any.
fn common_parent(regions: &[&RegionCode]) -> Option<RegionCode> {
    let (first, rest) = regions.split_first()?;
    first
        .lineage()
        .into_iter()
        .find(|ancestor| rest.iter().all(|r| r.is_within(ancestor)))
}

/// Picks one region from the names found.
///
/// Each candidate region of each name is ranked by (not a street, support, explicit), support
/// being how many other distinct names agree with it (one lies within the other): "Menteng,
/// Jakarta Pusat" supports the Menteng in Jakarta Pusat. The best-ranked name wins (the earliest
/// on a tie); among its best candidates, those on one line of descent give the deepest (a bare
/// "Menteng" is the kelurahan rather than the kecamatan that contains it), others the deepest
/// common parent (a bare "Jatinegara", a kecamatan and a kelurahan of another kecamatan, gives
/// Jakarta Timur). Then the answer descends into a deeper region that another name places
/// within it ("Kec. Menteng, Jl. Kebon Sirih" → kelurahan Kebon Sirih).
fn resolve(all: &[Found]) -> Option<Place> {
    // A name said twice says no more than once: keep the first of each way it was said.
    let mut found: Vec<&Found> = Vec::new();
    for f in all {
        if !found
            .iter()
            .any(|d| d.key == f.key && d.mention == f.mention && d.candidates == f.candidates)
        {
            found.push(f);
        }
    }
    // Each distinct name with all the regions it may denote.
    let mut names: Vec<(&str, Vec<&RegionCode>)> = Vec::new();
    for f in &found {
        match names.iter_mut().find(|(key, _)| *key == f.key) {
            Some((_, regions)) => regions.extend(f.candidates.iter()),
            None => names.push((&f.key, f.candidates.iter().collect())),
        }
    }
    type Rank = (bool, usize, Mention);
    let rank = |f: &Found, c: &RegionCode| -> Rank {
        let support = names
            .iter()
            .filter(|(key, regions)| *key != f.key && regions.iter().any(|r| related(c, r)))
            .count();
        (f.mention != Mention::Street, support, f.mention)
    };
    let ranked: Vec<Vec<Rank>> = found
        .iter()
        .map(|f| f.candidates.iter().map(|c| rank(f, c)).collect())
        .collect();
    // Names by best rank, earliest first on a tie.
    let mut order: Vec<(Rank, usize)> = ranked
        .iter()
        .enumerate()
        .filter_map(|(i, ranks)| ranks.iter().max().map(|r| (*r, i)))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (best, i) in order {
        let f = found[i];
        let top: Vec<&RegionCode> = f
            .candidates
            .iter()
            .zip(&ranked[i])
            .filter(|(_, r)| **r == best)
            .map(|(c, _)| c)
            .collect();
        let Some(region) = deepest_if_chain(&top).or_else(|| common_parent(&top)) else {
            continue;
        };
        let mut place = Place {
            region,
            start: f.start,
            end: f.end,
        };
        // Descend while another name places a deeper, unambiguous region inside.
        loop {
            let deeper: Vec<(Rank, &RegionCode, &Found)> = found
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(j, o)| {
                    o.candidates
                        .iter()
                        .zip(&ranked[j])
                        .map(move |(c, r)| (*r, c, *o))
                })
                .filter(|(_, c, _)| *c != &place.region && c.is_within(&place.region))
                .collect();
            let Some(best) = deeper.iter().map(|(r, _, _)| *r).max() else {
                break;
            };
            let top: Vec<&(Rank, &RegionCode, &Found)> =
                deeper.iter().filter(|(r, _, _)| *r == best).collect();
            let regions: Vec<&RegionCode> = top.iter().map(|(_, c, _)| *c).collect();
            let Some(next) = deepest_if_chain(&regions) else {
                break;
            };
            let Some((_, _, from)) = top.iter().find(|(_, c, _)| **c == next) else {
                break;
            };
            place = Place {
                region: next,
                start: from.start,
                end: from.end,
            };
        }
        return Some(place);
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn place(code: &str, name: &str) -> PlaceName {
        PlaceName {
            region: RegionCode::parse(code).unwrap(),
            name: name.to_owned(),
        }
    }

    fn index() -> PlaceIndex {
        PlaceIndex::new(&[
            place("31.71", "Kota Administrasi Jakarta Pusat"),
            place("31.75", "Kota Administrasi Jakarta Timur"),
            place("31.71.06", "Menteng"),
            place("31.71.06.1001", "Menteng"),
            place("31.71.06.1002", "Kebon Sirih"),
            place("31.75.03", "Jatinegara"),
            place("31.75.03.1003", "Cipinang Besar Utara"),
            place("31.75.06.1007", "Jatinegara"),
            place("31.75.06", "Cakung"),
            place("31.73.07", "Pal Merah"),
            place("31.73.07.1001", "Palmerah"),
            place("31.73.08.1002", "Kota Bambu Selatan"),
            place("31.75.05.1004", "Baru"),
        ])
    }

    fn at(text: &str) -> Option<String> {
        index().locate_text(text).map(|r| r.to_string())
    }

    #[test]
    fn names_lose_their_level_word_only_at_their_level() {
        assert_eq!(
            normalize("Kota Administrasi Jakarta Pusat", RegionLevel::Kota),
            ["jakarta", "pusat"]
        );
        assert_eq!(
            normalize("Kota Bambu Selatan", RegionLevel::Kelurahan),
            ["kota", "bambu", "selatan"]
        );
        assert_eq!(normalize("Kota", RegionLevel::Kota), ["kota"]);
    }

    #[test]
    fn a_bare_name_prefers_the_kelurahan_and_a_level_word_decides() {
        assert_eq!(at("di Menteng").as_deref(), Some("31.71.06.1001"));
        assert_eq!(at("di kel. menteng").as_deref(), Some("31.71.06.1001"));
        assert_eq!(at("di Kec. Menteng").as_deref(), Some("31.71.06"));
        assert_eq!(at("di Kecamatan Menteng").as_deref(), Some("31.71.06"));
        assert_eq!(at("Kota Bambu Selatan").as_deref(), Some("31.73.08.1002"));
        assert_eq!(at("Kota Adm. Jakarta Pusat").as_deref(), Some("31.71"));
    }

    #[test]
    fn ambiguous_names_use_the_other_names_or_their_common_parent() {
        assert_eq!(at("dekat Jatinegara").as_deref(), Some("31.75"));
        assert_eq!(at("Jatinegara, Cakung").as_deref(), Some("31.75.06.1007"));
        assert_eq!(at("Cakung, Jatinegara").as_deref(), Some("31.75.06.1007"));
        assert_eq!(
            at("Cipinang Besar Utara, Jatinegara").as_deref(),
            Some("31.75.03.1003")
        );
        assert_eq!(
            at("Jl. Kebon Sirih, Menteng, Jakarta Pusat").as_deref(),
            Some("31.71.06.1002")
        );
        assert_eq!(
            at("Jl. Menteng Raya, Kelurahan Kebon Sirih").as_deref(),
            Some("31.71.06.1002")
        );
    }

    #[test]
    fn joined_spellings_and_common_words() {
        assert_eq!(at("pal merah").as_deref(), Some("31.73.07.1001"));
        assert_eq!(at("kec palmerah").as_deref(), Some("31.73.07"));
        assert_eq!(at("lampu baru dipasang"), None);
        assert_eq!(at("kelurahan baru").as_deref(), Some("31.75.05.1004"));
        assert_eq!(at("mentengnya kumuh, sirih"), None);
    }

    #[test]
    fn the_matched_span_covers_the_level_word() {
        let text = "Pohon tumbang di Kel. Menteng tadi pagi";
        let (place, masked) = index().locate(&words(text));
        let place = place.unwrap();
        assert_eq!(&text[place.start..place.end], "Kel. Menteng");
        assert_eq!(masked, [false, false, false, false, true, false, false]);
    }
}
