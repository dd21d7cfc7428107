//! The channels: parsing, verifying and formatting each channel's messages, so every channel
//! turns what arrives into the one normalized intake (see DESIGN.md, "Channels").

pub mod email;
pub mod signature;

pub use email::{EmailError, InboundEmail, parse_email};
