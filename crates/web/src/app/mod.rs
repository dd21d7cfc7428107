//! The application layer: the use cases the adapters (the JSON API, the pages, Open311, the
//! channels' webhooks) share, so that no adapter imports another: accounts, reading and
//! listing reports, acting on one (as a client sends it), the public feed, statistics.
//! Filing and the workflow's effects are in `crate::service`. Each answers an [`AppError`]
//! when it does not do what was asked, which each adapter maps to its own answer.

pub mod accounts;
pub mod acting;
pub mod cursor;
pub mod messages;
pub mod personal_data;
pub mod place;
pub mod public_feed;
pub mod reading;
pub mod retention;
pub mod stats;

pub use crate::app_error::{AppError, AppResult};
