//! The outbox: answers to reporters on their channels, pushes to their browsers and photos
//! fetched from channels, delivered by a worker with retries, backoff and a dead-letter list admins can retry.
//! Rows are written by the store in the transaction of the change that causes them, so a
//! step that was saved is always told, even if the process dies right after.

mod compose;
mod push;
mod worker;

pub use compose::{ReplyPayload, compose};
pub use worker::{OutboxWorker, RetryPolicy, RunSummary};
