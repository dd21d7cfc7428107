//! Text normalisation: words, Indonesian stop words and stems.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

pub(crate) use aduan_domain::search::{Word, words};

/// A stemmed token and the index of the word it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub stem: String,
    pub word: usize,
}

/// Longer "words" are URLs, hashes or keyboard mashing: no category lives there.
const MAX_WORD_CHARS: usize = 40;

/// Function words, greetings and address noise of Indonesian complaint messages (formal and
/// informal spellings).
const STOP_WORDS: &[&str] = &[
    "ada",
    "adalah",
    "admin",
    "agar",
    "akan",
    "aku",
    "anda",
    "apa",
    "apakah",
    "assalamualaikum",
    "atas",
    "atau",
    "bagaimana",
    "bahwa",
    "bang",
    "bapak",
    "bawah",
    "beberapa",
    "begitu",
    "belum",
    "bisa",
    "blm",
    "bu",
    "bukan",
    "dan",
    "dapat",
    "dari",
    "deh",
    "dengan",
    "dgn",
    "di",
    "dia",
    "dong",
    "dr",
    "engga",
    "enggak",
    "ga",
    "gak",
    "gg",
    "gimana",
    "gitu",
    "gk",
    "hal",
    "halo",
    "harap",
    "harus",
    "hai",
    "ia",
    "ibu",
    "ini",
    "itu",
    "jadi",
    "jika",
    "jl",
    "jln",
    "juga",
    "kak",
    "kalau",
    "kalo",
    "kami",
    "kamu",
    "karena",
    "kasih",
    "ke",
    "kec",
    "kel",
    "kenapa",
    "kepada",
    "ketika",
    "kita",
    "kok",
    "krn",
    "lagi",
    "lah",
    "mas",
    "masih",
    "mau",
    "maka",
    "mbak",
    "melalui",
    "mereka",
    "min",
    "mohon",
    "mungkin",
    "namun",
    "nya",
    "nggak",
    "ngga",
    "no",
    "oleh",
    "pada",
    "pak",
    "para",
    "per",
    "pun",
    "rt",
    "rw",
    "saat",
    "saja",
    "salam",
    "sama",
    "sampai",
    "sangat",
    "saya",
    "sdh",
    "sebagai",
    "sebuah",
    "secara",
    "sedang",
    "segera",
    "sehingga",
    "sejak",
    "sekali",
    "selalu",
    "semua",
    "seperti",
    "serta",
    "setiap",
    "sih",
    "siapa",
    "sini",
    "situ",
    "sudah",
    "supaya",
    "tak",
    "tapi",
    "tdk",
    "telah",
    "terima",
    "tersebut",
    "tetapi",
    "tidak",
    "tlg",
    "tolong",
    "udah",
    "untuk",
    "utk",
    "wr",
    "wb",
    "ya",
    "yaitu",
    "yang",
    "yg",
];

/// Roots of complaint vocabulary that the Snowball stemmer gets wrong, and that are restored:
/// it deletes nasal prefixes without the initial consonant they replaced (`penebangan` →
/// `ebang`, not `tebang`), drops a final `k` with `-kan` (`rujukan` → `ruju`) and over-strips
/// some base words (`sekolah` → `seko`, though `sekolahnya` → `sekolah`).
const ROOTS: &[&str] = &[
    "jembatan", "kebut", "kelola", "kemis", "keruk", "kirim", "kosong", "kotor", "kumpul", "kunci",
    "kuras", "makam", "mukim", "naik", "nilai", "rujuk", "sampah", "sapu", "sekolah", "selokan",
    "serak", "sumbat", "tabrak", "tagih", "tahan", "tambal", "tampung", "tanam", "tangan",
    "tangkap", "tarik", "tata", "tebang", "tebar", "tegur", "telantar", "tembak", "tempel",
    "terang", "tertib", "timbun", "tindak", "tinggal", "tinjau", "tipu", "tolak", "tugas", "tulis",
    "tumpang", "tumpuk", "tunggak", "tunggu", "tuntut", "tutup",
];

static STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());
static ROOT_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| ROOTS.iter().copied().collect());

pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_SET.contains(word)
}

fn is_root(word: &str) -> bool {
    ROOT_SET.contains(word)
}

/// The tokens triage works on: the text lower-cased and split on every non-alphanumeric
/// character; Indonesian stop words (yang, di, ke, dari, dan, ini, itu, sudah, tidak, ada, untuk,
/// dengan, pak, bu, mohon, tolong, segera, ...), one-character words and bare numbers dropped;
/// each word stemmed with the Indonesian Snowball stemmer ("berlubang" → "lubang",
/// "penebangan" → "tebang", "sampahnya" → "sampah").
pub fn tokens(text: &str) -> Vec<String> {
    stem_words(&words(text))
        .into_iter()
        .map(|t| t.stem)
        .collect()
}

/// The stemmed tokens of already split words: stop words, one-character words and bare
/// numbers are dropped.
pub(crate) fn stem_words(words: &[Word]) -> Vec<Token> {
    let stemmer = Stemmer::new(Algorithm::Indonesian);
    words
        .iter()
        .enumerate()
        .filter(|(_, w)| keep(&w.text))
        .filter_map(|(i, w)| {
            let stem = stem_with(stemmer, &w.text);
            (stem.chars().count() > 1 && !is_stop_word(&stem)).then_some(Token { stem, word: i })
        })
        .collect()
}

fn keep(word: &str) -> bool {
    let chars = word.chars().count();
    chars > 1
        && chars <= MAX_WORD_CHARS
        && !word.chars().all(|c| c.is_numeric())
        && !is_stop_word(word)
}

/// The Indonesian Snowball stem, applied until it is stable (it strips one prefix of each kind
/// per pass: `berpenghuni` → `penghuni` → `huni`), with the roots of [`ROOTS`] restored.
pub(crate) fn stem_with(stemmer: Stemmer, word: &str) -> String {
    if is_root(word) {
        return word.to_owned();
    }
    for particle in ["nya", "lah", "kah", "pun"] {
        if let Some(root) = word.strip_suffix(particle)
            && is_root(root)
        {
            return root.to_owned();
        }
    }
    let mut stem = aduan_domain::search::stem(stemmer, word);
    for _ in 0..2 {
        match stemmer.stem(&stem) {
            Cow::Owned(again) if again != stem && !again.is_empty() => stem = again,
            _ => break,
        }
    }
    if is_root(&stem) {
        return stem;
    }
    restorations(word, &stem)
        .into_iter()
        .find(|candidate| is_root(candidate))
        .unwrap_or(stem)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Whether `word` starts with `prefix` followed by a vowel.
fn prefixed(word: &str, prefix: &str) -> bool {
    word.strip_prefix(prefix)
        .and_then(|rest| rest.chars().next())
        .is_some_and(is_vowel)
}

/// Roots that `word` may have had, given that Snowball stemmed it to `stem`.
fn restorations(word: &str, stem: &str) -> Vec<String> {
    let mut out = Vec::new();
    // me-/pe- + t-root: menebang, penebangan; + n-root: menaikkan.
    if prefixed(word, "men") || prefixed(word, "pen") {
        out.push(format!("t{stem}"));
        out.push(format!("n{stem}"));
    }
    // meng-/peng- + k-root: pengumpulan, menguras.
    if prefixed(word, "meng") || prefixed(word, "peng") {
        out.push(format!("k{stem}"));
    }
    // pe- + m-root, read by Snowball as pem- + p-root: pemakaman → pakam → makam.
    if prefixed(word, "pem")
        && let Some(rest) = stem.strip_prefix('p')
    {
        out.push(format!("m{rest}"));
    }
    // Informal Jakarta nasal forms that Snowball keeps: nebang, nyampah, ngumpul.
    if prefixed(word, "ny")
        && let Some(rest) = stem.strip_prefix("ny")
    {
        out.push(format!("s{rest}"));
    }
    if prefixed(word, "ng")
        && let Some(rest) = stem.strip_prefix("ng")
    {
        out.push(format!("k{rest}"));
    } else if prefixed(word, "n")
        && let Some(rest) = stem.strip_prefix('n')
    {
        out.push(format!("t{rest}"));
    }
    // -kan taken with the root's final k: rujukan → ruju → rujuk.
    if word.ends_with("kan") {
        out.push(format!("{stem}k"));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_have_no_duplicates() {
        assert_eq!(STOP_SET.len(), STOP_WORDS.len(), "STOP_WORDS");
        assert_eq!(ROOT_SET.len(), ROOTS.len(), "ROOTS");
    }

    #[test]
    fn roots_are_restored() {
        let s = Stemmer::new(Algorithm::Indonesian);
        for (word, root) in [
            ("menebang", "tebang"),
            ("penebangan", "tebang"),
            ("nebang", "tebang"),
            ("menumpuk", "tumpuk"),
            ("numpuk", "tumpuk"),
            ("nyampah", "sampah"),
            ("pengumpulan", "kumpul"),
            ("pemakaman", "makam"),
            ("penerangan", "terang"),
            ("rujukan", "rujuk"),
            ("sekolah", "sekolah"),
            ("sekolahnya", "sekolah"),
            ("berpenghuni", "huni"),
        ] {
            assert_eq!(stem_with(s, word), root, "{word}");
        }
    }
}
