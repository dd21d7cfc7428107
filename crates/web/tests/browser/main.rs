//! The pages in a real browser (issue 5): Debian's Chromium, headless at phone size, driven
//! through chromedriver. Each test has its own app, chromedriver and browser; screenshots go
//! to `$ADUAN_SCREENSHOTS` or the temp dir, never into the repository.

// Helpers fail their test by panicking, like an assertion does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accessibility;
mod admin;
mod anonymous;
mod catalog_admin;
mod category;
mod citizen;
mod commands;
#[path = "../common/mod.rs"]
mod common;
mod driver;
mod feed;
mod harness;
mod home;
mod lifecycle;
mod map;
mod my_data;
mod offline;
mod publish;
mod push;
mod queue;
mod region_map;
mod statistik;
mod steps;
mod support;
