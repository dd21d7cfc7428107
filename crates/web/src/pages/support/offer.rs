//! The reference by which a page offers one report to one citizen account to support: the
//! ticket sealed under the deployment's identity key for that account alone. It names no
//! ticket (a private report's stays hidden from the supporter), cannot be made up (so a
//! citizen supports only what was offered to them, never a guessed private report), and
//! does not work for another account.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use aduan_domain::{Ticket, UserId};
use aduan_store::identity::{Binding, Sealer};

/// Longest reference accepted: a sealed ticket is well under this.
const MAX_REFERENCE: usize = 200;

fn account(citizen: UserId) -> String {
    citizen.0.to_string()
}

/// The reference offering `ticket` to `citizen`; `None` when sealing fails (never in
/// practice: the offer is then simply not made).
pub fn offer(sealer: &Sealer, citizen: UserId, ticket: &Ticket) -> Option<String> {
    let account = account(citizen);
    sealer
        .seal_bytes(ticket.as_str().as_bytes(), Binding::SupportOffer(&account))
        .ok()
        .map(|sealed| URL_SAFE_NO_PAD.encode(sealed))
}

/// The ticket `reference` offered to `citizen`; `None` for anything else.
pub fn offered_ticket(sealer: &Sealer, citizen: UserId, reference: &str) -> Option<Ticket> {
    let reference = reference.trim();
    if reference.is_empty() || reference.len() > MAX_REFERENCE {
        return None;
    }
    let sealed = URL_SAFE_NO_PAD.decode(reference).ok()?;
    let account = account(citizen);
    let plain = sealer
        .open_bytes(&sealed, Binding::SupportOffer(&account))
        .ok()?;
    Ticket::parse(std::str::from_utf8(&plain).ok()?).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use aduan_store::identity::IdentityKey;

    #[test]
    fn an_offer_works_for_its_account_only_and_names_no_ticket() {
        let sealer = Sealer::new(&IdentityKey::generate());
        let ticket = Ticket::parse("JK2611280001").unwrap();
        let reference = offer(&sealer, UserId(7), &ticket).unwrap();
        assert!(!reference.contains("JK2611280001"));
        assert_eq!(
            offered_ticket(&sealer, UserId(7), &reference),
            Some(ticket.clone())
        );
        // Another account, another key, a changed or made-up reference: nothing.
        assert_eq!(offered_ticket(&sealer, UserId(8), &reference), None);
        let other = Sealer::new(&IdentityKey::generate());
        assert_eq!(offered_ticket(&other, UserId(7), &reference), None);
        let mut bent = reference.clone().into_bytes();
        bent[30] = if bent[30] == b'A' { b'B' } else { b'A' };
        let bent = String::from_utf8(bent).unwrap();
        assert_eq!(offered_ticket(&sealer, UserId(7), &bent), None);
        for made_up in ["", "JK2611280001", "AAAA", &"A".repeat(500)] {
            assert_eq!(offered_ticket(&sealer, UserId(7), made_up), None);
        }
        // Each offer looks different: two references to one report cannot be matched.
        assert_ne!(offer(&sealer, UserId(7), &ticket).unwrap(), reference);
    }
}
