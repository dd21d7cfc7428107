//! Store errors, in the three kinds every surface maps: not found, conflict, other.

/// What went wrong in the store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The write lost a race or breaks a uniqueness rule; the caller may retry or report 409.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("store failure: {0}")]
    Other(String),
}

impl StoreError {
    pub fn other(cause: impl std::fmt::Display) -> Self {
        Self::Other(cause.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
