//! Checks of what only the PostgreSQL store does.

pub mod intake;
