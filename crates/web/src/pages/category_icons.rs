//! aduan's own category icons, hand-drawn on a 24 × 24 grid as strokes in the text's colour
//! (`.ikon` in base.html sets stroke and fill), put in the page as an SVG sprite of the ones
//! it uses: nothing is fetched, from here or elsewhere. Which category gets which is data
//! (`aduan_domain::category_icon`).

/// Each icon's name and its drawing (the inside of a `<symbol viewBox="0 0 24 24">`).
const DRAWINGS: &[(&str, &str)] = &[
    (
        "pohon",
        r#"<path d="M12 22v-8"/><path d="M12 16c-4.5 0-7.5-2.7-7.5-6.2A7.5 7.5 0 0 1 19.5 9.8c0 3.5-3 6.2-7.5 6.2z"/><path d="M9 13l3 2.5 3-2.5"/>"#,
    ),
    (
        "jalan",
        r#"<path d="M8 2 4 22M16 2l4 20M12 3v2M12 8v2"/><ellipse cx="12" cy="17" rx="3.2" ry="1.8"/>"#,
    ),
    (
        "parkir",
        r#"<circle cx="12" cy="12" r="10"/><path d="M9.5 17V7h3.3a3 3 0 0 1 0 6H9.5"/><path d="M5 5l14 14"/>"#,
    ),
    (
        "sampah",
        r#"<path d="M3.5 6h17M9 6V3.5h6V6M5.5 6l1.2 15.5h10.6L18.5 6M10 10v8M14 10v8"/>"#,
    ),
    (
        "air",
        r#"<path d="M12 2.5s6.5 7.2 6.5 11.5a6.5 6.5 0 0 1-13 0C5.5 9.7 12 2.5 12 2.5z"/><path d="M9 14.5a3 3 0 0 0 3 3"/>"#,
    ),
    (
        "banjir",
        r#"<path d="M5 12V8l7-5.5L19 8v4M10 12V9h4v3"/><path d="M2 16.5c2.5 0 2.5-1.5 5-1.5s2.5 1.5 5 1.5 2.5-1.5 5-1.5 2.5 1.5 5 1.5M2 21c2.5 0 2.5-1.5 5-1.5s2.5 1.5 5 1.5 2.5-1.5 5-1.5 2.5 1.5 5 1.5"/>"#,
    ),
    (
        "lampu",
        r#"<path d="M6 22h8M10 22V5.5A2.5 2.5 0 0 1 12.5 3h3A2.5 2.5 0 0 1 18 5.5V7"/><path d="M14.5 7h7l-1.5 3h-4z"/><path d="M18 13v1.5M15 12.5l-.8 1.3M21 12.5l.8 1.3"/>"#,
    ),
    (
        "bising",
        r#"<path d="M3 9.5v5h3.5l7 5v-15l-7 5z"/><path d="M16.5 9a4 4 0 0 1 0 6M19 6.5a7.5 7.5 0 0 1 0 11"/>"#,
    ),
    (
        "ketertiban",
        r#"<path d="M12 2 20 5v6.2c0 5-3.4 9-8 10.8-4.6-1.8-8-5.8-8-10.8V5z"/><path d="M8.5 12l2.5 2.5 4.5-5"/>"#,
    ),
    (
        "gedung",
        r#"<path d="M2 22h20M4 22V3h10v19M14 9h6v13"/><path d="M7 7h1M10 7h1M7 11h1M10 11h1M7 15h1M10 15h1M17 13h0.5M17 17h0.5"/>"#,
    ),
    (
        "rumah",
        r#"<path d="M3 11.5 12 3.5l9 8M5.5 9.5V21h13V9.5"/><path d="M10 21v-6h4v6"/>"#,
    ),
    (
        "api",
        r#"<path d="M12 22a7 7 0 0 0 7-7c0-4.2-3.2-6.5-4.5-11-2 1.8-3.2 4-3 6.5C10.3 9.6 9.5 8.5 9.2 6.5 6.8 8.8 5 11.6 5 15a7 7 0 0 0 7 7z"/><path d="M12 22a3 3 0 0 1-3-3c0-1.8 1.5-3 3-5 1.5 2 3 3.2 3 5a3 3 0 0 1-3 3z"/>"#,
    ),
    (
        "listrik",
        r#"<path d="M13.5 2 4.5 13.5h7L10.5 22l9-11.5h-7z"/>"#,
    ),
    (
        "bus",
        r#"<rect x="4" y="3" width="16" height="15" rx="2.5"/><path d="M4 11h16M8 18v3M16 18v3"/><circle cx="8" cy="14.5" r="1"/><circle cx="16" cy="14.5" r="1"/>"#,
    ),
    (
        "lalu-lintas",
        r#"<rect x="8" y="2" width="8" height="16" rx="2.5"/><circle cx="12" cy="6" r="1.5"/><circle cx="12" cy="10" r="1.5"/><circle cx="12" cy="14" r="1.5"/><path d="M12 18v4M9 22h6"/>"#,
    ),
    (
        "orang",
        r#"<circle cx="9" cy="7.5" r="3.5"/><path d="M2.5 21a6.5 6.5 0 0 1 13 0"/><path d="M15.5 4.3a3.5 3.5 0 0 1 0 6.4M18 14.5a6.5 6.5 0 0 1 3.5 6.5"/>"#,
    ),
    (
        "kesehatan",
        r#"<rect x="3" y="3" width="18" height="18" rx="4"/><path d="M12 7.5v9M7.5 12h9"/>"#,
    ),
    (
        "dokumen",
        r#"<path d="M6 2.5h8.5l4.5 4.5v14.5H6z"/><path d="M14.5 2.5V7H19M9 12h7M9 15.5h7M9 19h4"/>"#,
    ),
    (
        "buku",
        r#"<path d="M2.5 5c3-1.2 6.5-1 9.5 1 3-2 6.5-2.2 9.5-1v14c-3-1.2-6.5-1-9.5 1-3-2-6.5-2.2-9.5-1z"/><path d="M12 6v14"/>"#,
    ),
    (
        "uang",
        r#"<rect x="2" y="6" width="20" height="12" rx="2"/><circle cx="12" cy="12" r="3"/><path d="M5.5 9.5h1M17.5 14.5h1"/>"#,
    ),
    (
        "larangan",
        r#"<circle cx="12" cy="12" r="10"/><path d="M5 5l14 14"/><path d="M6.5 12.5h7v2.5h-7zM16 12.5v2.5"/>"#,
    ),
    (
        "galian",
        r#"<path d="M9.5 3h5l4 16h-13z"/><path d="M8 9.5h8M7 14h10M3 21.5h18"/>"#,
    ),
    (
        "toko",
        r#"<path d="M3 9.5 5 4h14l2 5.5"/><path d="M3 9.5a3 3 0 0 0 6 0 3 3 0 0 0 6 0 3 3 0 0 0 6 0"/><path d="M5 12.5V21h14v-8.5M10 21v-5h4v5"/>"#,
    ),
    (
        "jembatan",
        r#"<path d="M2 9h20M2 9v3M22 9v3M5 9V5h3v4M16 9V5h3v4M7 12h10"/><path d="M5 12v9M19 12v9M5 16h2M17 16h2"/>"#,
    ),
    (
        "papan",
        r#"<rect x="2.5" y="3" width="19" height="11" rx="1.5"/><path d="M6 7h8M6 10h5M8 14v8M16 14v8M5.5 22h13"/>"#,
    ),
    (
        "makam",
        r#"<path d="M6 21V9a6 6 0 0 1 12 0v12z"/><path d="M12 7.5v7M9.5 10h5M3 21h18"/>"#,
    ),
    (
        "hewan",
        r#"<circle cx="6.5" cy="10" r="2"/><circle cx="10" cy="5.5" r="2"/><circle cx="15" cy="5.5" r="2"/><circle cx="18.5" cy="10" r="2"/><path d="M7.5 18.5c0-3.3 2-6.5 4.5-6.5s4.5 3.2 4.5 6.5c0 2-1.8 2.8-3.3 2.2-.8-.3-1.6-.3-2.4 0-1.5.6-3.3-.2-3.3-2.2z"/>"#,
    ),
    (
        "pin",
        r#"<path d="M12 22s7-6.4 7-12a7 7 0 0 0-14 0c0 5.6 7 12 7 12z"/><circle cx="12" cy="10" r="2.5"/>"#,
    ),
];

/// The drawing of the icon called `name`, the pin's for a name aduan does not draw.
pub fn drawing(name: &str) -> &'static str {
    DRAWINGS
        .iter()
        .find(|(n, _)| *n == name)
        .or_else(|| DRAWINGS.iter().find(|(n, _)| *n == "pin"))
        .map_or("", |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::category_icon::ICONS;

    #[test]
    fn every_icon_the_domain_names_is_drawn_and_nothing_else() {
        for icon in ICONS {
            assert!(
                DRAWINGS.iter().any(|(n, _)| n == icon),
                "no drawing of {icon}"
            );
        }
        assert_eq!(DRAWINGS.len(), ICONS.len());
    }

    #[test]
    fn drawings_are_only_shapes() {
        // The sprite is written into the page unescaped: only aduan's own shapes, nothing
        // that could run or fetch.
        for (name, d) in DRAWINGS {
            assert!(
                !d.contains("href")
                    && !d.contains("script")
                    && !d.contains(" on")
                    && !d.contains("url("),
                "{name}"
            );
        }
    }
}
