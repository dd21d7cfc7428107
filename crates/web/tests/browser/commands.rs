//! chromedriver's commands beyond WebDriver's own, each a POST to a path under the session:
//! Chromium's network emulation, a Chromium DevTools command, and W3C Set Permission.

use serde_json::{Value, json};

/// A POST of `body` to `session/{id}/{path}`.
#[derive(Debug)]
pub struct SessionCommand {
    path: &'static str,
    body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

/// The network cut off, or back at full speed, as a phone entering or leaving a dead zone.
pub fn network(offline: bool) -> SessionCommand {
    SessionCommand {
        path: "chromium/network_conditions",
        body: json!({
            "network_conditions": {
                "offline": offline,
                "latency": 0,
                "download_throughput": 100000000,
                "upload_throughput": 100000000,
            }
        }),
    }
}

/// One Chromium DevTools protocol command (`goog/cdp/execute`).
pub fn dev_tools(cmd: &'static str, params: Value) -> SessionCommand {
    SessionCommand {
        path: "goog/cdp/execute",
        body: json!({ "cmd": cmd, "params": params }),
    }
}

/// The permission `name` granted, as the person would in the browser's prompt.
pub fn grant(name: &'static str) -> SessionCommand {
    SessionCommand {
        path: "permissions",
        body: json!({ "descriptor": { "name": name }, "state": "granted" }),
    }
}
