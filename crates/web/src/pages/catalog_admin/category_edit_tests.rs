#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const PACK: &str = include_str!("../../../../../packs/jakarta.json");

fn jakarta() -> Jurisdiction {
    let data: aduan_domain::JurisdictionData = serde_json::from_str(PACK).unwrap();
    Jurisdiction::new(data.with_offices()).unwrap()
}

fn jalan() -> CategoryCode {
    CategoryCode::parse("jalan").unwrap()
}

fn input<'a>(unit: &'a str, coordination: &'a str, completion: &'a str) -> CategoryInput<'a> {
    CategoryInput {
        name: "Jalan",
        name_en: "Roads",
        responsible_unit: unit,
        coordination_hours: coordination,
        completion_hours: completion,
        // As the form comes filled for `jalan`, whose pack names its icon.
        icon: "jalan",
    }
}

fn refused(i: &CategoryInput<'_>, field: &str) -> Option<Problem> {
    change_category(&jakarta(), &jalan(), i)
        .expect_err("refused")
        .get(field)
}

#[test]
fn a_change_keeps_code_and_keywords_and_says_what_changed() {
    let j = jakarta();
    let edited = change_category(&j, &jalan(), &input("dinas-citata", "4", "48")).unwrap();
    assert_eq!(
        edited.summary,
        "category jalan: responsible_unit dinas-bina-marga -> dinas-citata, \
         coordination_hours 6 -> 4, completion_hours 336 -> 48"
    );
    let revised = Jurisdiction::new(edited.data).unwrap();
    let after = revised.category(&jalan()).unwrap();
    let before = j.category(&jalan()).unwrap();
    assert_eq!(after.responsible_unit.as_str(), "dinas-citata");
    assert_eq!(
        (after.sla.coordination_hours, after.sla.completion_hours),
        (4, 48)
    );
    assert_eq!(after.keywords, before.keywords);
    assert_eq!(revised.categories().count(), j.categories().count());

    let same = change_category(&j, &jalan(), &input("dinas-bina-marga", "6", "336")).unwrap();
    assert_eq!(same.summary, "category jalan: nothing changed");
}

#[test]
fn hours_must_be_positive_whole_bounded_and_in_order() {
    assert_eq!(
        refused(&input("dinas-bina-marga", "0", "48"), "coordination_hours"),
        Some(Problem::NotPositive)
    );
    assert_eq!(
        refused(&input("dinas-bina-marga", "6", "-48"), "completion_hours"),
        Some(Problem::NotPositive)
    );
    assert_eq!(
        refused(&input("dinas-bina-marga", "6", "4.5"), "completion_hours"),
        Some(Problem::NotWholeHours)
    );
    assert_eq!(
        refused(&input("dinas-bina-marga", "6", "9000"), "completion_hours"),
        Some(Problem::TooManyHours(MAX_COMPLETION_HOURS))
    );
    assert_eq!(
        refused(&input("dinas-bina-marga", "72", "48"), "coordination_hours"),
        Some(Problem::CoordinationAfterCompletion)
    );
}

#[test]
fn the_responsible_unit_must_exist_and_be_an_agency() {
    assert_eq!(
        refused(&input("dinas-tidak-ada", "6", "48"), "responsible_unit"),
        Some(Problem::UnknownUnit)
    );
    assert_eq!(
        refused(&input("", "6", "48"), "responsible_unit"),
        Some(Problem::Required)
    );
    assert_eq!(
        refused(&input("biro-pemerintahan", "6", "48"), "responsible_unit"),
        Some(Problem::CannotBeResponsible)
    );
    assert_eq!(
        refused(&input("kecamatan-31.74.01", "6", "48"), "responsible_unit"),
        Some(Problem::CannotBeResponsible)
    );
    assert!(change_category(&jakarta(), &jalan(), &input("satpol-pp", "6", "48")).is_ok());
}

#[test]
fn names_are_required_and_unique() {
    let taken = CategoryInput {
        name: "SAMPAH",
        ..input("dinas-bina-marga", "6", "48")
    };
    assert_eq!(refused(&taken, "name"), Some(Problem::NameTaken));
    let empty = CategoryInput {
        name_en: " ",
        ..input("dinas-bina-marga", "6", "48")
    };
    assert_eq!(refused(&empty, "name_en"), Some(Problem::Required));
}

#[test]
fn a_new_category_needs_a_new_code() {
    let j = jakarta();
    let fresh = CategoryInput {
        name: "Jalan Tol",
        name_en: "Toll roads",
        ..input("dinas-bina-marga", "6", "48")
    };
    let edited = add_category(&j, "jalan-tol", &fresh).unwrap();
    let revised = Jurisdiction::new(edited.data).unwrap();
    let added = revised
        .category(&CategoryCode::parse("jalan-tol").unwrap())
        .unwrap();
    assert_eq!(added.name, "Jalan Tol");
    assert!(added.keywords.is_empty());

    let problems = add_category(&j, "jalan", &fresh).unwrap_err();
    assert_eq!(problems.get("code"), Some(Problem::CodeTaken));
    let problems = add_category(&j, "Jalan Tol", &fresh).unwrap_err();
    assert_eq!(problems.get("code"), Some(Problem::BadCode));
    let problems = add_category(&j, "baru", &fresh).unwrap_err();
    assert_eq!(problems.get("code"), Some(Problem::CodeReserved));
    // The names of another category are taken for a new one too.
    let problems = add_category(&j, "jalan-2", &input("dinas-bina-marga", "6", "48")).unwrap_err();
    assert_eq!(problems.get("name"), Some(Problem::NameTaken));
}

#[test]
fn an_icon_is_one_aduan_draws_or_none_and_a_change_of_it_is_told() {
    let j = jakarta();
    let drawn = CategoryInput {
        icon: "galian",
        ..input("dinas-bina-marga", "6", "48")
    };
    let edited = change_category(&j, &jalan(), &drawn).unwrap();
    assert!(
        edited.summary.contains("icon jalan -> galian"),
        "{}",
        edited.summary
    );
    let revised = Jurisdiction::new(edited.data).unwrap();
    assert_eq!(
        revised.category(&jalan()).unwrap().icon.as_deref(),
        Some("galian")
    );

    // Back to the guess: no icon named.
    let none = CategoryInput {
        icon: " ",
        ..input("dinas-bina-marga", "6", "48")
    };
    let guessed = change_category(&revised, &jalan(), &none).unwrap();
    assert!(
        guessed.summary.contains("icon galian -> guessed"),
        "{}",
        guessed.summary
    );
    let again = Jurisdiction::new(guessed.data).unwrap();
    assert_eq!(again.category(&jalan()).unwrap().icon, None);

    for unknown in ["roket", "../pohon", "POHON"] {
        let refused = CategoryInput {
            icon: unknown,
            ..input("dinas-bina-marga", "6", "48")
        };
        let problems = change_category(&j, &jalan(), &refused).unwrap_err();
        assert_eq!(
            problems.get("icon"),
            Some(Problem::UnknownIcon),
            "{unknown}"
        );
        let problems = add_category(&j, "jalan-tol", &refused).unwrap_err();
        assert_eq!(
            problems.get("icon"),
            Some(Problem::UnknownIcon),
            "{unknown}"
        );
    }
}
