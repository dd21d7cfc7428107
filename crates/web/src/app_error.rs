//! What a use case (`crate::app`, `crate::service`) answers when it does not do what was
//! asked, in the domain's words: who is refused and why, what is missing, which input is
//! wrong. Nothing here knows HTTP; each
//! adapter maps an [`AppError`] to its own answer (the API to a status and a JSON body in
//! `crate::error`, the pages to an error page or a form shown again, Open311 to its own
//! format).

use aduan_domain::workflow::WorkflowError;
use aduan_store::StoreError;

/// Why a use case did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// Nobody is signed in, or the credentials given do not match.
    NotSignedIn(String),
    /// The actor may not do this.
    NotAllowed(String),
    /// No such thing, or none the actor may know of.
    NotFound(String),
    /// The thing is not in a state that allows this, or it changed meanwhile.
    Conflict(String),
    /// One input is not acceptable: which, and why.
    Invalid { field: String, problem: String },
    /// A photo larger than the city accepts.
    TooLarge(String),
    /// A photo in a format the city does not accept.
    UnsupportedPhoto(String),
    /// Too many attempts in a row: try again after `retry_after` seconds.
    TooManyAttempts { message: String, retry_after: u64 },
    /// Too much is going on at once: not the actor's fault; try again after `retry_after`
    /// seconds.
    Busy { message: String, retry_after: u64 },
    /// Something below failed: the cause is for the log, never for the actor.
    Failed(String),
}

/// A use case's answer.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn not_signed_in(message: impl Into<String>) -> Self {
        Self::NotSignedIn(message.into())
    }
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::NotAllowed(message.into())
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }
    /// `field` is not acceptable, because of `problem`.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::TooLarge(message.into())
    }
    pub fn unsupported_photo(message: impl Into<String>) -> Self {
        Self::UnsupportedPhoto(message.into())
    }
    /// Too many attempts: wait at least a second before the next.
    pub fn too_many_attempts(message: impl Into<String>, retry_after: u64) -> Self {
        Self::TooManyAttempts {
            message: message.into(),
            retry_after: retry_after.max(1),
        }
    }
    /// Too busy now: try again in at least a second.
    pub fn busy(message: impl Into<String>, retry_after: u64) -> Self {
        Self::Busy {
            message: message.into(),
            retry_after: retry_after.max(1),
        }
    }
    /// A failure below the use case, with its cause for the log.
    pub fn failed(cause: impl std::fmt::Display) -> Self {
        Self::Failed(cause.to_string())
    }

    /// The input at fault, for a refusal of one input.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Whether this is no refusal of the actor's but a failure below (or too much at once):
    /// the same request may succeed later.
    pub fn is_failure_below(&self) -> bool {
        matches!(self, Self::Failed(_) | Self::Busy { .. })
    }

    /// After how many seconds the same request may succeed, when that is known.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after, .. } | Self::Busy { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// What the actor may be told: the refusal's reason, or, for a failure below, nothing
    /// of its cause.
    pub fn message(&self) -> String {
        match self {
            Self::Invalid { field, problem } => format!("{field}: {problem}"),
            Self::NotSignedIn(m)
            | Self::NotAllowed(m)
            | Self::NotFound(m)
            | Self::Conflict(m)
            | Self::TooLarge(m)
            | Self::UnsupportedPhoto(m)
            | Self::TooManyAttempts { message: m, .. }
            | Self::Busy { message: m, .. } => m.clone(),
            Self::Failed(_) => "something went wrong on our side; please try again later".into(),
        }
    }
}

impl std::fmt::Display for AppError {
    /// For the log: the refusal's reason, or the cause of a failure below.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed(cause) => write!(f, "failed: {cause}"),
            refused => f.write_str(&refused.message()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("not found"),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Other(cause) => Self::Failed(cause),
        }
    }
}

impl From<WorkflowError> for AppError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Forbidden { role, action } => Self::NotAllowed(format!(
                "a {} may not {} this report",
                role.code(),
                action.code()
            )),
            WorkflowError::WrongState { action, state } => Self::Conflict(format!(
                "cannot {} a report that is {} ({})",
                action.code(),
                state.code(),
                state.label_id()
            )),
            WorkflowError::Invalid { field, message } => Self::invalid(field, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_below_tells_the_actor_nothing_of_its_cause() {
        let e = AppError::from(StoreError::Other("disk full on /var/lib/aduan".into()));
        assert_eq!(e, AppError::Failed("disk full on /var/lib/aduan".into()));
        assert!(!e.message().contains("disk"));
    }

    #[test]
    fn a_refused_input_names_its_field() {
        let e = AppError::invalid("description", "at least 10 characters");
        assert_eq!(e.field(), Some("description"));
        assert_eq!(e.message(), "description: at least 10 characters");
        assert_eq!(AppError::not_found("no such report").field(), None);
    }

    #[test]
    fn a_retry_is_never_asked_sooner_than_a_second() {
        assert_eq!(
            AppError::too_many_attempts("slow down", 0),
            AppError::TooManyAttempts {
                message: "slow down".into(),
                retry_after: 1
            }
        );
    }
}
