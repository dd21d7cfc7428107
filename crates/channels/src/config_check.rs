//! Checks of the secrets aduan holds, made once at start: a channel whose webhook secret is
//! empty or short is a channel anyone can forge, so `aduan serve` refuses to start with it
//! and names the field.
//!
//! Kept apart from [`crate::config`]'s parsing: only what we hold is checked here (shared
//! secrets, verify tokens), not what a provider issues us (access tokens, account ids).

use crate::config::ChannelsConfig;

/// The shortest secret accepted: 16 characters. Providers' secrets are 32 hex digits
/// (Twilio, Meta) or longer; a verify token or LAPOR! secret we choose can be as long.
pub const MIN_SECRET_CHARS: usize = 16;

/// Whether `value` is long enough to be a secret; else the problem, naming `field`.
pub fn check_secret(field: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    let chars = value.chars().count();
    if value.is_empty() {
        Err(format!(
            "{field} is empty; set a secret of at least {MIN_SECRET_CHARS} characters"
        ))
    } else if chars < MIN_SECRET_CHARS {
        Err(format!(
            "{field} is {chars} characters long; a secret needs at least {MIN_SECRET_CHARS}"
        ))
    } else {
        Ok(())
    }
}

impl ChannelsConfig {
    /// Every secret of every configured channel is long enough; else one line per
    /// problem, each naming its field (e.g. `meta.app_secret`). Never quotes a secret.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut secrets: Vec<(&str, &str)> = Vec::new();
        if let Some(twilio) = &self.twilio {
            secrets.push(("twilio.auth_token", &twilio.auth_token));
        }
        if let Some(whatsapp) = &self.whatsapp {
            secrets.push(("whatsapp.app_secret", &whatsapp.app_secret));
            secrets.push(("whatsapp.verify_token", &whatsapp.verify_token));
        }
        if let Some(x) = &self.x {
            secrets.push(("x.consumer_secret", &x.consumer_secret));
        }
        if let Some(meta) = &self.meta {
            secrets.push(("meta.app_secret", &meta.app_secret));
            secrets.push(("meta.verify_token", &meta.verify_token));
        }
        if let Some(lapor) = &self.lapor {
            secrets.push(("lapor.secret", &lapor.secret));
        }
        let problems: Vec<String> = secrets
            .into_iter()
            .filter_map(|(field, value)| check_secret(field, value).err())
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const GOOD: &str = "0123456789abcdef0123";

    fn config(meta_secret: &str, lapor_secret: &str) -> ChannelsConfig {
        let raw = serde_json::json!({
            "twilio": {"account_sid": "AC1", "auth_token": GOOD, "from": "+628111272206"},
            "whatsapp": {"phone_number_id": "1", "access_token": "t", "app_secret": GOOD,
                         "verify_token": GOOD},
            "x": {"consumer_secret": GOOD, "access_token": "t", "user_id": "1"},
            "meta": {"page_access_token": "t", "app_secret": meta_secret, "verify_token": GOOD},
            "lapor": {"status_url": "https://lapor.example/status", "secret": lapor_secret},
        });
        ChannelsConfig::from_json(&raw.to_string()).unwrap()
    }

    #[test]
    fn long_secrets_pass_and_nothing_configured_passes() {
        assert_eq!(config(GOOD, GOOD).validate(), Ok(()));
        assert_eq!(ChannelsConfig::default().validate(), Ok(()));
    }

    #[test]
    fn empty_and_short_secrets_are_named_without_being_quoted() {
        let problems = config("", "pendek-sekali").validate().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("meta.app_secret is empty"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("lapor.secret is 13 characters"),
            "{problems:?}"
        );
        assert!(!problems.concat().contains("pendek"));
        // Spaces do not make a secret longer.
        assert!(check_secret("f", &format!("   {}   ", "a".repeat(15))).is_err());
        assert!(check_secret("f", &"a".repeat(16)).is_ok());
    }
}
