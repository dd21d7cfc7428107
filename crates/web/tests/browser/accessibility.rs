//! Accessibility, checked in the page as the browser shows it: axe-core's WCAG 2.1 A and AA
//! rules (axe-core from the npm registry, installed by `scripts/test` into `tools/axe` with
//! `npm ci`, so its integrity hash in the lock file is checked), and tap targets of at least
//! 44 px for a thumb.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::Browser;

/// The rules of WCAG 2.1 levels A and AA, as axe-core tags them.
const WCAG_21_AA: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

/// The smallest a thumb's target may be, in CSS pixels.
pub const TAP_TARGET: f64 = 44.0;

/// axe-core's script, read once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tools/axe/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}. The accessibility check needs axe-core: run `npm ci --prefix tools/axe` \
                 (./scripts/test does)",
                path.display()
            )
        })
    })
}

/// Fail the test when axe-core finds a WCAG 2.1 A or AA violation on the page shown.
pub async fn assert_accessible(b: &Browser) {
    b.js(
        &format!("{}\n;return typeof axe;", axe_source()),
        Vec::new(),
    )
    .await;
    let script = format!(
        r"const done = arguments[arguments.length - 1];
          axe.run(document, {{ runOnly: {{ type: 'tag', values: {WCAG_21_AA} }}, resultTypes: ['violations'] }})
            .then((r) => done(r.violations.map((v) => ({{
              rule: v.id, impact: v.impact, help: v.help,
              where: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
            }}))))
            .catch((e) => done([{{ rule: 'axe failed', help: String(e) }}]));"
    );
    let violations = b
        .client()
        .execute_async(&script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("run axe-core: {e}"));
    let page = b.location().await;
    assert_eq!(
        violations,
        Value::Array(Vec::new()),
        "{page} breaks WCAG 2.1 AA rules (axe-core): {violations:#}"
    );
}

/// Fail the test when a control a thumb taps (a button, a field, a menu, a link standing on
/// its own) is smaller than [`TAP_TARGET`] in height. A link inside a sentence is exempt, as
/// WCAG's target-size criterion exempts it; a checkbox or radio counts by its label.
pub async fn assert_tap_targets(b: &Browser) {
    let small = b
        .js(
            r"const least = arguments[0];
              const small = [];
              const shown = (el) => { const r = el.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
              const inSentence = (a) => { const p = a.parentElement; if (!p) return false;
                const own = [...p.childNodes].filter((n) => n.nodeType === 3)
                  .map((n) => n.textContent.trim()).join('');
                return own.length > 0 && getComputedStyle(a).display === 'inline'; };
              const sel = 'a[href], button, select, textarea, summary, '
                + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
                + 'label:has(> input[type=checkbox]), label:has(> input[type=radio])';
              for (const el of document.querySelectorAll(sel)) {
                if (!shown(el) || el.closest('svg') || el.classList.contains('skip')) continue;
                if (el.tagName === 'A' && inSentence(el)) continue;
                const r = el.getBoundingClientRect();
                if (r.height + 0.5 < least) {
                  small.push(el.tagName.toLowerCase() + ' ' + JSON.stringify(el.textContent.trim().slice(0, 30))
                    + ' is ' + Math.round(r.height) + ' px high');
                }
              }
              return small;",
            vec![serde_json::json!(TAP_TARGET)],
        )
        .await;
    let page = b.location().await;
    assert_eq!(
        small,
        Value::Array(Vec::new()),
        "{page} has tap targets under {TAP_TARGET} px: {small:#}"
    );
}
