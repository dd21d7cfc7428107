//! Exhaustive tests of the pure CRM 2.0 workflow function `decide`, against the rules written out
//! below as explicit tables, independently of the implementation (no `ActionKind::edge`, no
//! `roles_for`), so that a change to either side shows up as a disagreement.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod main_path;
mod matrix;
mod payloads;
mod rules;
mod walks;
