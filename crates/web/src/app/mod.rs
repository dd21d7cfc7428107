//! The application layer: what the adapters (the JSON API, the pages, Open311, the channels'
//! webhooks) share besides the domain, so that no adapter imports another. Reading reports
//! and paging lists live here; filing and acting are in `crate::service`, to move here as
//! they lose their HTTP types (issue 15).

pub mod cursor;
pub mod place;
pub mod reading;
