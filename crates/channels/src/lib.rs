//! The channels: parsing, verifying and formatting each channel's messages, so every channel
//! turns what arrives into the one normalized intake (see DESIGN.md, "Channels"), and
//! delivering the answers back on the channel the citizen used.

pub mod config;
mod config_check;
pub mod email;
mod email_body;
pub mod inbound;
pub mod lapor;
pub mod media_hosts;
pub mod meta;
pub mod outbound;
pub mod signature;
pub mod sms;
pub mod twitter;
pub mod whatsapp;

pub use config::ChannelsConfig;
pub use config_check::{MIN_SECRET_CHARS, check_secret};
pub use email::{EmailError, InboundEmail, parse_email};
pub use inbound::{
    GeoPoint, InboundError, InboundMessage, MediaRef, ReplyRoute, Sender, strip_controls,
};

#[cfg(test)]
mod fuzz_tests;
