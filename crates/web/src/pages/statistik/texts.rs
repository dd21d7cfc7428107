//! What the statistics page says, in Indonesian and English.

use aduan_domain::RegionLevel;
use aduan_domain::stats::StatsError;

use crate::app::stats::Refusal;
use crate::pages::Lang;

pub struct StatsTexts {
    pub title: &'static str,
    /// `{zone}` stands for the jurisdiction's name of its time zone.
    pub intro: &'static str,
    pub period: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub to_hint: &'static str,
    pub quick: &'static str,
    pub this_year: &'static str,
    pub last_30_days: &'static str,
    pub last_year: &'static str,
    pub categories: &'static str,
    pub categories_hint: &'static str,
    pub map_level: &'static str,
    pub show: &'static str,
    pub showing: &'static str,
    pub all_categories: &'static str,
    pub reports: &'static str,
    pub reporters: &'static str,
    pub completed: &'static str,
    pub in_coordination: &'static str,
    pub avg_coordination: &'static str,
    pub avg_completion: &'static str,
    pub hours: &'static str,
    pub no_value: &'static str,
    pub by_status: &'static str,
    pub status: &'static str,
    pub by_month: &'static str,
    pub month: &'static str,
    pub by_category: &'static str,
    pub category: &'static str,
    pub others: &'static str,
    pub by_channel: &'static str,
    pub channel: &'static str,
    pub map_title: &'static str,
    pub region: &'static str,
    pub numbers: &'static str,
    pub legend: &'static str,
    pub no_reports: &'static str,
    pub coarser: &'static str,
    pub schematic: &'static str,
    pub empty: &'static str,
    pub downloads: &'static str,
    pub downloads_hint: &'static str,
    pub privacy: &'static str,
    pub months: [&'static str; 12],
    /// What a count in a title counts: one, several.
    pub report_units: [&'static str; 2],
    pub reporter_units: [&'static str; 2],
    /// The categories put together as "Lainnya", counted.
    pub other_categories: [&'static str; 2],
    pub missing: &'static str,
    pub bad_date: &'static str,
    pub empty_period: &'static str,
    pub too_long: &'static str,
    pub unknown_category: &'static str,
}

pub static STATS_ID: StatsTexts = StatsTexts {
    title: "Statistik laporan",
    intro: "Berapa laporan warga yang masuk, dari mana, tentang apa, dan seberapa cepat ditangani. Semua angka menghitung laporan yang dikirim dalam periode yang dipilih ({zone}).",
    period: "Periode",
    from: "Dari tanggal",
    to: "Sampai sebelum tanggal",
    to_hint: "Laporan pada tanggal ini tidak lagi dihitung.",
    quick: "Pilihan cepat",
    this_year: "Tahun ini",
    last_30_days: "30 hari terakhir",
    last_year: "Tahun lalu",
    categories: "Kelompok kategori",
    categories_hint: "Tanpa centang: semua kategori.",
    map_level: "Peta per",
    show: "Tampilkan",
    showing: "Menampilkan",
    all_categories: "semua kategori",
    reports: "Laporan",
    reporters: "Pelapor (berbeda)",
    completed: "Selesai",
    in_coordination: "Dalam koordinasi",
    avg_coordination: "Rata-rata waktu koordinasi",
    avg_completion: "Rata-rata waktu penyelesaian",
    hours: "jam",
    no_value: "belum ada",
    by_status: "Laporan per status",
    status: "Status",
    by_month: "Laporan per bulan",
    month: "Bulan",
    by_category: "Kategori terbanyak",
    category: "Kategori",
    others: "Lainnya",
    by_channel: "Kanal: laporan dan pelapor",
    channel: "Kanal",
    map_title: "Peta laporan",
    region: "Wilayah",
    numbers: "Lihat angkanya",
    legend: "Jumlah laporan",
    no_reports: "Tanpa laporan",
    coarser: "laporan hanya diketahui wilayah yang lebih luas dan tidak tampil di peta ini.",
    schematic: "Batas wilayah belum dimuat, jadi peta ini skematis: satu kotak per wilayah.",
    empty: "Tidak ada laporan dalam periode ini.",
    downloads: "Unduh data terbuka",
    downloads_hint: "Semua angka di halaman ini untuk periode dan kategori yang sama.",
    privacy: "Hanya jumlah; identitas pelapor tidak pernah ada di statistik ini.",
    months: [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    ],
    report_units: ["laporan", "laporan"],
    reporter_units: ["pelapor", "pelapor"],
    other_categories: ["kategori", "kategori"],
    missing: "Wajib diisi: pilih tanggal.",
    bad_date: "bukan tanggal; pilih tanggal di kalender, atau tulis HH-BB-TTTT, misalnya 01-02-2021.",
    empty_period: "Tanggal akhir harus sesudah tanggal awal.",
    too_long: "Periode paling lama 100 tahun.",
    unknown_category: "Kategori ini tidak dikenal.",
};

pub static STATS_EN: StatsTexts = StatsTexts {
    title: "Report statistics",
    intro: "How many citizens' reports came in, through which channels, about what, and how fast they were handled. Every figure counts reports submitted in the chosen period ({zone}).",
    period: "Period",
    from: "From",
    to: "Until (not including)",
    to_hint: "Reports on this day are no longer counted.",
    quick: "Quick choices",
    this_year: "This year",
    last_30_days: "Last 30 days",
    last_year: "Last year",
    categories: "Category group",
    categories_hint: "None ticked: every category.",
    map_level: "Map by",
    show: "Show",
    showing: "Showing",
    all_categories: "every category",
    reports: "Reports",
    reporters: "Distinct reporters",
    completed: "Completed",
    in_coordination: "In coordination",
    avg_coordination: "Average coordination time",
    avg_completion: "Average completion time",
    hours: "hours",
    no_value: "none yet",
    by_status: "Reports by status",
    status: "Status",
    by_month: "Reports per month",
    month: "Month",
    by_category: "Top categories",
    category: "Category",
    others: "Others",
    by_channel: "Channels: reports and reporters",
    channel: "Channel",
    map_title: "Map of reports",
    region: "Region",
    numbers: "Show the numbers",
    legend: "Number of reports",
    no_reports: "No reports",
    coarser: "reports are known only in a larger region and are not on this map.",
    schematic: "No boundaries are loaded, so this map is schematic: one tile per region.",
    empty: "No reports in this period.",
    downloads: "Download the open data",
    downloads_hint: "Every figure on this page, for the same period and categories.",
    privacy: "Counts only; no reporter's identity is ever part of these statistics.",
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    report_units: ["report", "reports"],
    reporter_units: ["reporter", "reporters"],
    other_categories: ["category", "categories"],
    missing: "Required: pick a date.",
    bad_date: "is not a date; pick one in the calendar, or write it as DD-MM-YYYY, e.g. 01-02-2021.",
    empty_period: "The end must be after the start.",
    too_long: "A period is at most 100 years.",
    unknown_category: "This category is unknown.",
};

impl StatsTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &STATS_ID,
            Lang::En => &STATS_EN,
        }
    }

    /// What is wrong with the field a refusal names, for the message beside it.
    pub fn problem(&self, refusal: &Refusal) -> String {
        match refusal {
            Refusal::Missing(_) => self.missing.to_owned(),
            Refusal::Stats(StatsError::BadDate { value, .. }) => {
                format!("'{value}' {}", self.bad_date)
            }
            Refusal::Stats(StatsError::EmptyPeriod { .. }) => self.empty_period.to_owned(),
            Refusal::Stats(StatsError::TooLong { .. }) => self.too_long.to_owned(),
            Refusal::Stats(StatsError::UnknownCategory(name)) => {
                format!("'{name}': {}", self.unknown_category)
            }
        }
    }

    /// `n` written (`shown`) with the word for what it counts.
    pub fn counted(units: [&'static str; 2], n: u64, shown: &str) -> String {
        let unit = if n == 1 { units[0] } else { units[1] };
        format!("{shown} {unit}")
    }

    pub fn level(&self, level: RegionLevel, lang: Lang) -> &'static str {
        match (level, lang) {
            (RegionLevel::Kota, Lang::Id) => "Kota",
            (RegionLevel::Kota, Lang::En) => "City",
            (RegionLevel::Kecamatan, _) => "Kecamatan",
            (RegionLevel::Kelurahan, _) => "Kelurahan",
        }
    }
}
