//! `aduan user`: create staff accounts, disable and enable them, and set their passwords
//! from the command line, by the same rules as the API and the pages
//! (`aduan_web::app::accounts`), so a city is set up without `--demo`. Passwords come from
//! standard input, one line, never from the command line (where `ps` would show them).

use std::io::BufRead;

use aduan_domain::Jurisdiction;
use aduan_store::Store;
use aduan_web::AppError;
use aduan_web::app::accounts::{self, CreateUserRequest, create_staff};

use crate::cli::UserCommand;

/// The longest line read as a password (the rules allow far less).
const MAX_LINE: u64 = 1024;

/// Why a command did nothing.
#[derive(Debug)]
pub enum Refusal {
    /// The input broke a rule (a weak password, an unknown unit or account...): exit 2.
    Input(String),
    /// Anything else (the store failed): exit 1.
    Failed(String),
}

impl Refusal {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Input(_) => 2,
            Self::Failed(_) => 1,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input(message) | Self::Failed(message) => f.write_str(message),
        }
    }
}

/// A use case's refusal as the command line says it: the operator's mistakes are refused
/// input.
fn refusal(e: AppError, username: &str) -> Refusal {
    match e {
        AppError::NotFound(_) => Refusal::Input(format!("no account is named {username:?}")),
        AppError::Conflict(_) => Refusal::Input(format!("the username {username:?} is taken")),
        e if e.is_failure_below() => Refusal::Failed("the store failed; see the log".into()),
        e => Refusal::Input(e.message()),
    }
}

/// One line of `input`, without its line ending; refused when empty or longer than
/// [`MAX_LINE`].
fn read_password(input: impl BufRead) -> Result<String, Refusal> {
    let mut line = String::new();
    input.take(MAX_LINE + 1).read_line(&mut line).map_err(|e| {
        Refusal::Input(format!("cannot read the password from standard input: {e}"))
    })?;
    if line.len() as u64 > MAX_LINE {
        return Err(Refusal::Input("the password line is too long".into()));
    }
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(Refusal::Input(
            "give the password on standard input, one line".into(),
        ));
    }
    Ok(password)
}

/// Run one `aduan user` command; what to print when it succeeded.
pub async fn run(
    store: &dyn Store,
    command: UserCommand,
    input: impl BufRead,
) -> Result<String, Refusal> {
    match command {
        UserCommand::Create {
            name,
            role,
            unit,
            display_name,
        } => {
            let data = store
                .jurisdiction()
                .await
                .map_err(|e| Refusal::Failed(e.to_string()))?
                .ok_or_else(|| {
                    Refusal::Input(
                        "no jurisdiction is loaded: run `aduan init --pack FILE` first".into(),
                    )
                })?;
            let jurisdiction =
                Jurisdiction::stored(data).map_err(|e| Refusal::Failed(e.to_string()))?;
            let password = read_password(input)?;
            let request = CreateUserRequest {
                username: name.clone(),
                password,
                role,
                unit,
                display_name,
                can_view_identity: false,
            };
            let user = create_staff(store, &jurisdiction, request)
                .await
                .map_err(|e| refusal(e, &name))?;
            Ok(format!(
                "account {} created ({}{})",
                user.username,
                user.role.code(),
                user.unit
                    .map(|u| format!(", {}", u.as_str()))
                    .unwrap_or_default()
            ))
        }
        UserCommand::Disable { name } => {
            accounts::set_disabled(store, &name, true)
                .await
                .map_err(|e| refusal(e, &name))?;
            Ok(format!("account {name} disabled; its sessions have ended"))
        }
        UserCommand::Enable { name } => {
            accounts::set_disabled(store, &name, false)
                .await
                .map_err(|e| refusal(e, &name))?;
            Ok(format!("account {name} enabled"))
        }
        UserCommand::Passwd { name, temporary } => {
            let password = read_password(input)?;
            accounts::set_password(store, &name, password, temporary)
                .await
                .map_err(|e| refusal(e, &name))?;
            Ok(if temporary {
                format!(
                    "temporary password set for {name}; it must be changed at the next sign-in; its sessions have ended"
                )
            } else {
                format!("password set for {name}; its sessions have ended")
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_one_bounded_line() {
        assert_eq!(
            read_password(&b"rahasia-sekali\n"[..]).unwrap(),
            "rahasia-sekali"
        );
        assert_eq!(read_password(&b"rahasia\r\nlagi\n"[..]).unwrap(), "rahasia");
        assert_eq!(read_password(&b"tanpa-akhir"[..]).unwrap(), "tanpa-akhir");
        assert!(read_password(&b"\n"[..]).is_err());
        assert!(read_password(&b""[..]).is_err());
        assert!(read_password(vec![b'x'; 2000].as_slice()).is_err());
    }
}
