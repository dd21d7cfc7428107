//! Finding a category by what a citizen types ("pohon", "got", "lampu"): every word typed
//! must begin a word of the category's name (Indonesian or English) or of its keywords,
//! ignoring case and accents. The report form's script folds and matches the same way over
//! the terms made here.

use crate::category::Category;

/// Lower case, accents dropped, every run of anything but a letter or a digit one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = unaccented(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The Latin letter under an accented one (the letters Indonesian and its loanwords use);
/// anything else as it is.
fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ĭ' | 'į' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' | 'ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ŭ' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// What a category is found by: its names and keywords, folded, one distinct word each.
pub fn search_terms(category: &Category) -> String {
    let mut words: Vec<String> = Vec::new();
    let all = [&category.name, &category.name_en]
        .into_iter()
        .chain(&category.keywords);
    for word in all.flat_map(|text| fold(text).split(' ').map(str::to_owned).collect::<Vec<_>>()) {
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
    }
    words.join(" ")
}

/// Whether the category with `terms` (from [`search_terms`]) answers `query`: an empty query
/// answers every one.
pub fn matches(terms: &str, query: &str) -> bool {
    let query = fold(query);
    query
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| terms.split(' ').any(|term| term.starts_with(w)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::category::SlaTargets;
    use crate::codes::{CategoryCode, UnitCode};

    fn category(name: &str, name_en: &str, keywords: &[&str]) -> Category {
        Category {
            code: CategoryCode::parse("c").unwrap(),
            name: name.into(),
            name_en: name_en.into(),
            responsible_unit: UnitCode::parse("u").unwrap(),
            sla: SlaTargets::default(),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            icon: None,
        }
    }

    fn finds(c: &Category, query: &str) -> bool {
        matches(&search_terms(c), query)
    }

    #[test]
    fn by_the_indonesian_name_from_the_start_of_a_word() {
        let c = category("Penerangan Jalan Umum", "Street lighting", &[]);
        assert!(finds(&c, "penerangan"));
        assert!(finds(&c, "jal"));
        assert!(finds(&c, "jalan umum"));
        assert!(!finds(&c, "erang"), "inside a word is no match");
        assert!(!finds(&c, "jalan rusak"), "every word typed must be found");
    }

    #[test]
    fn by_the_english_name() {
        let c = category("Pohon", "Trees", &[]);
        assert!(finds(&c, "tree"));
        assert!(!finds(&c, "sampah"));
    }

    #[test]
    fn by_the_keywords() {
        let c = category(
            "Gangguan Ketenteraman dan Ketertiban",
            "Public order disturbance",
            &["tawuran", "balap liar"],
        );
        assert!(finds(&c, "tawuran"));
        assert!(finds(&c, "balap"));
        let drains = category("Saluran Air", "Drains", &["got", "got mampet"]);
        assert!(finds(&drains, "got"));
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        let c = category("Kafé Liar", "Cafés", &["Pohon"]);
        assert!(finds(&c, "KAFE"));
        assert!(finds(&c, "café"));
        assert!(finds(&c, "cafes"));
        assert!(finds(&c, "  POHÓN  "));
    }

    #[test]
    fn an_empty_query_finds_everything() {
        assert!(finds(&category("Pohon", "Trees", &[]), ""));
        assert!(finds(&category("Pohon", "Trees", &[]), " - "));
    }

    #[test]
    fn terms_are_folded_and_distinct() {
        let c = category("Pohon", "Trees", &["pohon tumbang", "Tumbang!"]);
        assert_eq!(search_terms(&c), "pohon trees tumbang");
        assert_eq!(
            fold("Jalan-Rusak,  Dekat SDN 01"),
            "jalan rusak dekat sdn 01"
        );
    }
}
