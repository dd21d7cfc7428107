//! A real browser per test: a fresh app (the common harness), its own chromedriver and a
//! headless Debian Chromium at phone size, driven over WebDriver with helpers that read
//! like what a person does (go to a page, fill a labelled field, press a button, read).
//!
//! A missing chromedriver or Chromium fails the test with how to install them: the tests
//! never skip, so CI cannot go green without having run them.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::{Element, ElementRef};
use fantoccini::key::Key;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::accessibility;
use crate::commands;
use crate::common::TestApp;
use crate::driver::{Driver, assert_javascript_is_off, locate};
use aduan_web::WebConfig;

/// A phone held upright (mobile first: officers work from phones in the field).
pub const PHONE: (u32, u32) = (412, 915);

/// How long a test's body may take (unless its options say otherwise), so that a hung
/// browser fails it instead of CI.
const TEST_DEADLINE: Duration = Duration::from_secs(120);

/// How long the failure screenshot and closing the session may take.
const QUIT_DEADLINE: Duration = Duration::from_secs(30);

/// How long a click or key may take to bring the next page.
const NEXT_PAGE: Duration = Duration::from_secs(15);

/// The attribute that marks a page the browser is leaving.
const LEFT: &str = "data-test-leaving";

/// How the browser of a test is set up.
#[derive(Clone, Copy)]
pub struct Options {
    /// Off proves a page works without JavaScript (forms submit, links navigate).
    pub javascript: bool,
    /// How long the test's body may take: a journey through several roles takes longer.
    pub deadline: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            javascript: true,
            deadline: TEST_DEADLINE,
        }
    }
}

/// Run `body` against a fresh app in a fresh browser. The WebDriver session is closed (so
/// Chromium quits) whether the body passes or panics; a failing body leaves a
/// `failure.png` screenshot beside the test's others.
pub async fn run<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(test, Options::default(), body).await;
}

/// As [`run`], with other browser options.
pub async fn run_with<F, Fut>(test: &str, options: Options, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let app = TestApp::spawn_with(WebConfig {
        // The tests speak plain HTTP to 127.0.0.1.
        secure_cookies: false,
        ..Default::default()
    })
    .await;
    run_on(test, options, app, body).await;
}

/// As [`run`], on an app with the kelurahan boundaries loaded (the region map).
pub async fn run_with_boundaries<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let app = TestApp::spawn_with_boundaries().await;
    run_on(test, Options::default(), app, body).await;
}

/// As [`run`], on an app the test started itself (e.g. with a tile server configured).
pub async fn run_on_app<F, Fut>(test: &str, app: TestApp, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_on(test, Options::default(), app, body).await;
}

async fn run_on<F, Fut>(test: &str, options: Options, app: TestApp, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let chromium = locate("chromium", "/usr/bin/chromium");
    let driver = Driver::start().await;
    let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
    let client = driver.connect(&chromium, profile.path(), options).await;
    if !options.javascript {
        assert_javascript_is_off(&client).await;
    }
    let browser = Browser {
        app: Arc::new(app),
        client: client.clone(),
        shots: screenshot_dir(test),
        javascript: options.javascript,
    };
    // On its own task so that a panic comes back here as an error and the session is
    // still closed below; under a deadline so that a hung browser fails the test.
    let mut task = tokio::spawn(body(browser.clone()));
    let outcome = match tokio::time::timeout(options.deadline, &mut task).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) if e.is_panic() => Some(e.into_panic()),
        Ok(Err(e)) => Some(Box::new(format!("the test body did not finish: {e}")) as _),
        Err(_) => {
            task.abort();
            let deadline = options.deadline;
            Some(Box::new(format!("{test} took longer than {deadline:?}")) as _)
        }
    };
    if outcome.is_some() {
        let shot = tokio::time::timeout(QUIT_DEADLINE, browser.try_screenshot("failure")).await;
        if let Ok(Ok(path)) = shot {
            eprintln!("the page when {test} failed: {}", path.display());
        }
    }
    let closed = tokio::time::timeout(QUIT_DEADLINE, client.close()).await;
    drop(driver);
    drop(profile);
    if let Some(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    match closed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("closing the WebDriver session failed: {e}"),
        Err(_) => panic!("closing the WebDriver session took longer than {QUIT_DEADLINE:?}"),
    }
}

/// A signed-out visitor's browser on one app. Cheap to clone (a handle to one session).
#[derive(Clone)]
pub struct Browser {
    pub app: Arc<TestApp>,
    client: Client,
    shots: PathBuf,
    /// Whether the pages' scripts run (axe-core needs them: see [`Browser::check_page`]).
    javascript: bool,
}

impl Browser {
    /// The raw WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Open `path` (e.g. `/publik?lang=en`) on the app; returns once the page has loaded.
    pub async fn goto(&self, path: &str) {
        let url = self.app.url(path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The current location as path and query, e.g. `/publik?lang=id&category=jalan`.
    pub async fn location(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The one element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches {css:?}: {e}"))
    }

    /// Every element matching `css` (maybe none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css:?}: {e}"))
    }

    /// The visible text of the one element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("the text of {css:?}: {e}"))
    }

    /// The visible text of each element matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await {
            texts.push(element.text().await.expect("an element's text"));
        }
        texts
    }

    /// The form control whose `<label>` reads `label` (its own words, without the text of
    /// the control inside it, e.g. a select's options). Finding fields this way also checks
    /// that they are labelled, as a screen reader needs.
    pub async fn field(&self, label: &str) -> Element {
        let found = self
            .js(
                r"const want = arguments[0];
                  const words = (s) => s.replace(/\s+/g, ' ').trim();
                  for (const label of document.querySelectorAll('label')) {
                    const control = label.control;
                    if (!control) continue;
                    let own = '';
                    for (const node of label.childNodes) {
                      if (node === control || node.contains(control)) continue;
                      own += node.textContent;
                    }
                    if (words(own) === want) return control;
                  }
                  return null;",
                vec![json!(label)],
            )
            .await;
        self.element_from(&found)
            .unwrap_or_else(|| panic!("no form control is labelled {label:?} on this page"))
    }

    /// Type `value` into the field labelled `label`, replacing what it held.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        field.clear().await.expect("clear the field");
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {label:?}: {e}"));
    }

    /// Pick the option reading `option` in the select labelled `label`.
    pub async fn choose(&self, label: &str, option: &str) {
        assert!(!option.contains('\''), "an option without quotes: {option}");
        self.field(label)
            .await
            .select_by_label(option)
            .await
            .unwrap_or_else(|e| panic!("choose {option:?} in {label:?}: {e}"));
    }

    /// Pick the category named `name` on `/lapor`'s picker, as a thumb does: a tap on its
    /// tile (the radio's label); checks that its radio is then the one chosen.
    #[allow(dead_code)] // not every page's test files a report
    pub async fn pick_category(&self, name: &str) {
        assert!(
            !name.contains('\''),
            "a category name without quotes: {name}"
        );
        let xpath = format!("//ul[@id='category-list']//label[normalize-space(.)='{name}']");
        let tile = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no category tile reads {name:?}: {e}"));
        // Not among the most reported ones shown first: ask for every category, as a
        // citizen would.
        if !tile.is_displayed().await.unwrap_or(false) {
            let all = self
                .client
                .find(Locator::Id("category-all"))
                .await
                .unwrap_or_else(|e| panic!("{name:?} is hidden and no button shows all: {e}"));
            self.reveal(&all).await;
            all.click().await.expect("show every category");
        }
        self.reveal(&tile).await;
        tile.click()
            .await
            .unwrap_or_else(|e| panic!("pick the category {name:?}: {e}"));
        let radio = self
            .client
            .find(Locator::XPath(&format!(
                "{xpath}/preceding-sibling::input[@type='radio']"
            )))
            .await
            .unwrap_or_else(|e| panic!("the tile {name:?} labels no radio: {e}"));
        let checked = radio.prop("checked").await.ok().flatten();
        assert_eq!(checked.as_deref(), Some("true"), "{name:?} is chosen");
    }

    /// Click the element matching `css`, staying on the page (see [`Browser::leaving`] for
    /// a click that goes to another page).
    #[allow(dead_code)] // not every page's test clicks by selector
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css:?}: {e}"));
    }

    /// Open the menu, as on a phone one taps "Menu" before a link in it; nothing when it is
    /// open already, or shown open (a wide screen).
    pub async fn open_menu(&self) {
        let summary = self.find("details.menu > summary").await;
        let shown = summary
            .is_displayed()
            .await
            .expect("is the menu button shown");
        let open = self
            .js(
                "return document.querySelector('details.menu').open;",
                vec![],
            )
            .await;
        if shown && open != json!(true) {
            summary.click().await.expect("tap Menu");
        }
    }

    /// Where `element` is in the closed menu, open it, as a user would to reach it.
    async fn reveal(&self, element: &Element) {
        let in_closed_menu = self
            .js(
                "return arguments[0].closest('details.menu:not([open])') !== null;",
                vec![json!(element)],
            )
            .await;
        if in_closed_menu == json!(true) {
            self.open_menu().await;
        }
    }

    /// Follow the link reading `text`; returns once the page it leads to has loaded.
    pub async fn click_link(&self, text: &str) {
        // A link in the closed menu has no visible text to be found by: open the menu first.
        let link = match self.client.find(Locator::LinkText(text)).await {
            Ok(link) => link,
            Err(_) => {
                self.open_menu().await;
                self.client
                    .find(Locator::LinkText(text))
                    .await
                    .unwrap_or_else(|e| panic!("no link reads {text:?}: {e}"))
            }
        };
        self.reveal(&link).await;
        self.leaving(&format!("the link {text:?}"), async {
            link.click()
                .await
                .unwrap_or_else(|e| panic!("follow the link {text:?}: {e}"));
        })
        .await;
    }

    /// Press the button reading `text` (e.g. a form's submit button); returns once the page
    /// it leads to has loaded.
    pub async fn press(&self, text: &str) {
        assert!(!text.contains('\''), "a button text without quotes: {text}");
        let xpath = format!("//button[normalize-space(.)='{text}']");
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button reads {text:?}: {e}"));
        self.reveal(&button).await;
        self.leaving(&format!("the button {text:?}"), async {
            button
                .click()
                .await
                .unwrap_or_else(|e| panic!("press {text:?}: {e}"));
        })
        .await;
    }

    /// Do `action` (a click, a key) that loads another page, and return once that page has
    /// loaded. A click returns before a form's submission has started, so the current page
    /// is marked first and the next one is the first page found without the mark
    /// (WebDriver's implicit wait, with a deadline).
    pub async fn leaving(&self, what: &str, action: impl Future<Output = ()>) {
        self.js(
            &format!("document.documentElement.setAttribute('{LEFT}', '');"),
            vec![],
        )
        .await;
        action.await;
        self.implicit_wait(NEXT_PAGE).await;
        let next = self
            .client
            .find(Locator::Css(&format!("html:not([{LEFT}])")))
            .await;
        self.implicit_wait(Duration::ZERO).await;
        next.unwrap_or_else(|e| {
            panic!("{what} did not lead to another page within {NEXT_PAGE:?}: {e}")
        });
    }

    /// How long a lookup may wait for its element to appear (0, the default, for none).
    async fn implicit_wait(&self, wait: Duration) {
        self.client
            .update_timeouts(TimeoutConfiguration::new(None, None, Some(wait)))
            .await
            .unwrap_or_else(|e| panic!("set the implicit wait: {e}"));
    }

    /// Press a key on the keyboard, wherever the focus is (a real key event, not a script).
    pub async fn press_key(&self, key: Key) {
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.client
            .perform_actions(keys)
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// Run `script` in the page (`arguments[i]` are `args`) and return what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("run a script in the page: {e}\n{script}"))
    }

    /// An element a script returned, or `None` for `null`.
    fn element_from(&self, value: &Value) -> Option<Element> {
        // The W3C WebDriver key under which an element reference travels.
        let id = value.get("element-6066-11e4-a52e-4f735466cecf")?.as_str()?;
        Some(Element::from_element_id(
            self.client.clone(),
            ElementRef::from(id.to_owned()),
        ))
    }

    /// Scroll the first element matching `css` to the top of the window (before a
    /// screenshot of what lies below the fold).
    pub async fn scroll_to(&self, css: &str) {
        let found = self
            .js(
                r"const el = document.querySelector(arguments[0]);
                  if (!el) return false;
                  el.scrollIntoView({block: 'start'});
                  return true;",
                vec![json!(css)],
            )
            .await;
        assert_eq!(found, json!(true), "nothing matches {css:?} to scroll to");
    }

    /// Save a PNG of the viewport as `<name>.png` in this test's screenshot folder
    /// (`$ADUAN_SCREENSHOTS/<test>/`, else `<temp dir>/aduan-screenshots/<test>/`, never the
    /// repository); returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.try_screenshot(name)
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"))
    }

    async fn try_screenshot(&self, name: &str) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&self.shots).map_err(|e| e.to_string())?;
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Every URL the page loaded or refers to for loading (images, scripts, styles, frames,
    /// media; lazy images not loaded yet included) that is not on the app's own origin.
    pub async fn foreign_resources(&self) -> Vec<String> {
        let urls = self
            .js(
                r"const urls = performance.getEntriesByType('resource').map((e) => e.name);
                  const selector = 'img, script[src], link[href]:not([rel~=alternate]), iframe,'
                    + ' frame, embed, object, source, video, audio, track, input[type=image]';
                  for (const el of document.querySelectorAll(selector)) {
                    for (const attr of ['src', 'href', 'data', 'poster', 'srcset']) {
                      const raw = el.getAttribute(attr);
                      if (!raw) continue;
                      const parts = attr === 'srcset'
                        ? raw.split(',').map((s) => s.trim().split(/\s+/)[0])
                        : [raw];
                      for (const p of parts) urls.push(new URL(p, document.baseURI).href);
                    }
                  }
                  return [location.origin, [...new Set(urls)]];",
                vec![],
            )
            .await;
        let origin = self.app.base.as_str();
        assert_eq!(urls[0], origin, "the page is not on the app's origin");
        let prefix = format!("{origin}/");
        urls[1]
            .as_array()
            .expect("a list of URLs")
            .iter()
            .filter_map(Value::as_str)
            .filter(|url| !url.starts_with(&prefix))
            .map(str::to_owned)
            .collect()
    }

    /// No page may load anything from another host (issue 5).
    pub async fn assert_same_origin_only(&self) {
        let foreign = self.foreign_resources().await;
        let page = self.location().await;
        assert!(
            foreign.is_empty(),
            "{page} loads from other origins than {}: {foreign:#?}",
            self.app.base
        );
    }

    /// The page is no wider than the window: nothing to scroll sideways on a phone.
    /// Cut the browser off the network, or connect it again, as a phone entering or leaving
    /// a dead zone: Chromium's network emulation through chromedriver, so the page sees
    /// `navigator.onLine` change and its requests fail while off.
    pub async fn set_offline(&self, offline: bool) {
        self.client
            .issue_cmd(commands::network(offline))
            .await
            .unwrap_or_else(|e| panic!("set the network offline={offline}: {e}"));
    }

    /// What every page must be, checked on the page shown: nothing from another host, no
    /// sideways scrolling on a phone, no WCAG 2.1 AA violation axe-core finds, and tap
    /// targets a thumb can hit. axe-core runs on its own timers, which a browser with
    /// JavaScript off never fires: there it is left out, and the same pages are checked by
    /// it in the tests with JavaScript on (the admin pages' test visits the catalog's).
    pub async fn check_page(&self) {
        self.assert_same_origin_only().await;
        self.assert_no_horizontal_overflow().await;
        self.check_accessible().await;
    }

    /// The accessibility part of [`Browser::check_page`], for a page that may load from a
    /// second origin the test plays (a tile server).
    pub async fn check_accessible(&self) {
        if self.javascript {
            accessibility::assert_accessible(self).await;
        }
        accessibility::assert_tap_targets(self).await;
    }

    pub async fn assert_no_horizontal_overflow(&self) {
        let sizes = self
            .js(
                r"const wide = [];
                  for (const el of document.body.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.right > window.innerWidth + 0.5) {
                      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                        + ' ends at ' + Math.round(r.right));
                    }
                  }
                  return [document.documentElement.scrollWidth, window.innerWidth, wide.slice(0, 10)];",
                vec![],
            )
            .await;
        let page = self.location().await;
        assert_eq!(sizes[1], PHONE.0, "{page} is seen in a phone-wide window");
        assert!(
            sizes[0].as_u64() <= sizes[1].as_u64(),
            "{page} is {} px wide in a {} px window; too wide: {}",
            sizes[0],
            sizes[1],
            sizes[2]
        );
    }
}

/// Where `test` saves its screenshots: `$ADUAN_SCREENSHOTS/<test>/`, else
/// `<temp dir>/aduan-screenshots/<test>/`. Emptied first so that none is left from an
/// earlier run.
fn screenshot_dir(test: &str) -> PathBuf {
    let root = std::env::var_os("ADUAN_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("aduan-screenshots"));
    let dir = root.join(test);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .unwrap_or_else(|e| panic!("empty the screenshots of {}: {e}", dir.display()));
    }
    dir
}
