//! The icon a category is drawn with where citizens pick one: the one its pack names, else
//! one guessed from its name and keywords, else the generic pin. Which icons exist is aduan's
//! (they are drawn in the web crate); which category gets which is the city's data.

use crate::category::Category;
use crate::category_search::fold;

/// The generic pin, for a category nothing else fits.
pub const PIN: &str = "pin";

/// Every icon aduan draws, by the name a pack gives in a category's `"icon"`.
pub const ICONS: &[&str] = &[
    "pohon",
    "jalan",
    "parkir",
    "sampah",
    "air",
    "banjir",
    "lampu",
    "bising",
    "ketertiban",
    "gedung",
    "rumah",
    "api",
    "listrik",
    "bus",
    "lalu-lintas",
    "orang",
    "kesehatan",
    "dokumen",
    "buku",
    "uang",
    "larangan",
    "galian",
    "toko",
    "jembatan",
    "papan",
    "makam",
    "hewan",
    PIN,
];

/// Words that point a category without an icon of its own to one, tried in order against
/// its folded name first, then its keywords: the first word found wins.
const GUESSES: &[(&str, &str)] = &[
    ("pohon", "pohon"),
    ("taman", "pohon"),
    ("parkir", "parkir"),
    ("sampah", "sampah"),
    ("banjir", "banjir"),
    ("genangan", "banjir"),
    ("saluran", "air"),
    ("got", "air"),
    ("air", "air"),
    ("penerangan", "lampu"),
    ("lampu", "lampu"),
    ("bising", "bising"),
    ("kebisingan", "bising"),
    ("kebakaran", "api"),
    ("pembakaran", "api"),
    ("listrik", "listrik"),
    ("lalu lintas", "lalu-lintas"),
    ("angkutan", "bus"),
    ("transportasi", "bus"),
    ("bus", "bus"),
    ("galian", "galian"),
    ("jembatan", "jembatan"),
    ("jalan", "jalan"),
    ("trotoar", "jalan"),
    ("kesehatan", "kesehatan"),
    ("pendidikan", "buku"),
    ("sekolah", "buku"),
    ("kependudukan", "dokumen"),
    ("izin", "dokumen"),
    ("pungutan", "uang"),
    ("ketertiban", "ketertiban"),
    ("perda", "ketertiban"),
    ("rumah", "rumah"),
    ("bangunan", "gedung"),
    ("fasilitas", "gedung"),
    ("reklame", "papan"),
    ("makam", "makam"),
    ("hewan", "hewan"),
    ("pedagang", "toko"),
];

/// Whether aduan draws an icon called `name`.
pub fn is_icon(name: &str) -> bool {
    ICONS.contains(&name)
}

/// The icon `category` is drawn with: always one of [`ICONS`].
pub fn icon_of(category: &Category) -> &'static str {
    if let Some(named) = category
        .icon
        .as_deref()
        .and_then(|n| ICONS.iter().find(|i| **i == n))
    {
        return named;
    }
    let name = format!(" {} ", fold(&category.name));
    let words = format!(" {} ", fold(&category.keywords.join(" ")));
    for text in [&name, &words] {
        if let Some((_, icon)) = GUESSES
            .iter()
            .find(|(word, _)| text.contains(&format!(" {word} ")))
        {
            return icon;
        }
    }
    PIN
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::category::SlaTargets;
    use crate::codes::{CategoryCode, UnitCode};

    fn category(name: &str, keywords: &[&str], icon: Option<&str>) -> Category {
        Category {
            code: CategoryCode::parse("c").unwrap(),
            name: name.into(),
            name_en: String::new(),
            responsible_unit: UnitCode::parse("u").unwrap(),
            sla: SlaTargets::default(),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            icon: icon.map(str::to_owned),
        }
    }

    #[test]
    fn the_pack_names_the_icon() {
        assert_eq!(icon_of(&category("Jalan", &[], Some("pohon"))), "pohon");
    }

    #[test]
    fn an_icon_aduan_does_not_draw_is_guessed_instead() {
        assert_eq!(icon_of(&category("Sampah", &[], Some("roket"))), "sampah");
    }

    #[test]
    fn without_one_the_name_then_the_keywords_decide() {
        assert_eq!(icon_of(&category("Pohon Tumbang", &[], None)), "pohon");
        assert_eq!(icon_of(&category("Lain", &["got mampet"], None)), "air");
        // Whole words only: "Gotong royong" is no drain.
        assert_eq!(icon_of(&category("Gotong royong", &[], None)), PIN);
    }

    #[test]
    fn every_guess_is_an_icon() {
        assert!(GUESSES.iter().all(|(_, icon)| is_icon(icon)));
    }
}
