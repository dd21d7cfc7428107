//! What filing a new report writes, decided once. Each store executes the plan item by item
//! (its ticket, ids and transaction are its own) and decides nothing of it.
//! [`crate::stepping`] does the same for a workflow step on a filed report.

use chrono::{DateTime, Utc};

use crate::channel::Channel;
use crate::codes::{ReportId, UserId};
use crate::report::{MediaFetch, NewPhoto, NewReport, Report, TriageMark};
use crate::role::Role;
use crate::state::ReportState;
use crate::ticket::Ticket;
use crate::workflow::{ActionKind, Visibility};

/// The state every report is filed in.
pub const FILED_STATE: ReportState = ReportState::Waiting;

/// Who may read a report when it is filed: only its reporter and staff, until the reporter
/// makes it public.
pub const FILED_VISIBILITY: Visibility = Visibility::Private;

/// The key under which a reporter with an account is counted among distinct reporters.
pub fn account_reporter_key(user: UserId) -> String {
    format!("account:{}", user.0)
}

/// Everything filing `new` writes besides the report's own columns (which are `new`'s
/// fields, at [`FILED_STATE`] and [`FILED_VISIBILITY`], held by the first receiver).
#[derive(Debug, PartialEq)]
pub struct FilingPlan<'a> {
    pub state: ReportState,
    pub visibility: Visibility,
    /// The text the search index holds: what others may read, never what a mask hides.
    pub searched_text: &'a str,
    /// The channel message this report answers, remembered so that a redelivery files
    /// nothing new.
    pub channel_message: Option<(Channel, &'a str)>,
    /// The reporter row: who reported, who entered it, and the key distinct reporters are
    /// counted by.
    pub reporter: ReporterRow<'a>,
    /// The first timeline entry.
    pub submission: FirstEntry,
    /// What to queue for sending after the commit, in order.
    pub outbox: Vec<FilingMessage<'a>>,
    /// The triage queue's row, for a report free-text triage placed.
    pub triage: Option<&'a TriageMark>,
    /// The photos attached to the first timeline entry.
    pub photos: &'a [NewPhoto],
}

/// The report's reporter, as stored beside it.
#[derive(Debug, PartialEq)]
pub struct ReporterRow<'a> {
    pub user: Option<UserId>,
    pub entered_by: Option<UserId>,
    pub sealed_identity: Option<&'a [u8]>,
    pub sealed_reply: Option<&'a [u8]>,
    pub key: Option<String>,
}

/// The first line of a report's timeline.
#[derive(Debug, PartialEq)]
pub struct FirstEntry {
    pub action: ActionKind,
    /// The operator who entered it, else the reporter; `None` for an anonymous channel.
    pub actor: Option<UserId>,
    pub role: Role,
    pub from: Option<ReportState>,
    pub to: ReportState,
}

/// A message filing queues in the outbox.
#[derive(Debug, PartialEq)]
pub enum FilingMessage<'a> {
    /// Answer the reporter on their channel that the report was received.
    Reply {
        channel: Channel,
        action: ActionKind,
        state: ReportState,
    },
    /// Fetch a photo the channel holds for the report.
    FetchMedia {
        channel: Channel,
        media: &'a MediaFetch,
    },
}

/// What filing `new` writes.
pub fn plan(new: &NewReport) -> FilingPlan<'_> {
    let state = FILED_STATE;
    let mut outbox = Vec::with_capacity(new.fetch_media.len() + 1);
    if new.reply_route.is_some() {
        outbox.push(FilingMessage::Reply {
            channel: new.channel,
            action: ActionKind::Submit,
            state,
        });
    }
    outbox.extend(
        new.fetch_media
            .iter()
            .map(|media| FilingMessage::FetchMedia {
                channel: new.channel,
                media,
            }),
    );
    FilingPlan {
        state,
        visibility: FILED_VISIBILITY,
        searched_text: new.staff_description.as_deref().unwrap_or(&new.description),
        channel_message: new
            .channel_message_id
            .as_deref()
            .map(|message| (new.channel, message)),
        reporter: ReporterRow {
            user: new.reporter,
            entered_by: new.entered_by,
            sealed_identity: new.reporter_identity.as_deref(),
            sealed_reply: new.reply_route.as_deref(),
            key: match new.reporter {
                Some(user) => Some(account_reporter_key(user)),
                None => new.reporter_key.clone(),
            },
        },
        submission: FirstEntry {
            action: ActionKind::Submit,
            actor: new.entered_by.or(new.reporter),
            role: new.submitted_by_role,
            from: None,
            to: state,
        },
        outbox,
        triage: new.triage.as_ref(),
        photos: &new.photos,
    }
}

impl NewReport {
    /// The report as filed: `waiting` and private at its first receiver, at `at`, under the
    /// id and ticket the store gave it.
    pub fn filed(self, id: ReportId, ticket: Ticket, at: DateTime<Utc>) -> Report {
        Report {
            id,
            ticket,
            state: FILED_STATE,
            category: self.category,
            description: self.description,
            staff_description: self.staff_description,
            location: self.location,
            region: self.region,
            address: self.address,
            channel: self.channel,
            holding_unit: self.first_receiver.clone(),
            first_receiver: self.first_receiver,
            visibility: FILED_VISIBILITY,
            reporter: self.reporter,
            entered_by: self.entered_by,
            created_at: at,
            updated_at: at,
            coordinated_at: None,
            completed_at: None,
            estimated_completion: None,
            duplicate_of: None,
            referred_to: None,
            version: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{CategoryCode, UnitCode};
    use crate::region::RegionCode;
    use crate::report::{ImageObject, PhotoEvidence};

    fn web_report() -> NewReport {
        NewReport {
            category: CategoryCode::parse("jalan-rusak").expect("category"),
            description: "Jalan berlubang di depan rumah Budi 0812345678".into(),
            staff_description: None,
            location: None,
            region: RegionCode::parse("31.71.01.1001").expect("region"),
            address: None,
            channel: Channel::Web,
            first_receiver: UnitCode::parse("kel-gambir").expect("unit"),
            reporter: Some(UserId(7)),
            entered_by: None,
            submitted_by_role: Role::Citizen,
            photos: Vec::new(),
            reporter_identity: None,
            channel_message_id: None,
            reply_route: None,
            reporter_key: None,
            fetch_media: Vec::new(),
            triage: None,
        }
    }

    #[test]
    fn a_report_from_an_account_is_filed_waiting_and_private_and_counted_by_account() {
        let new = web_report();
        let plan = plan(&new);
        assert_eq!(plan.state, ReportState::Waiting);
        assert_eq!(plan.visibility, Visibility::Private);
        assert_eq!(plan.searched_text, new.description);
        assert_eq!(plan.channel_message, None);
        assert_eq!(
            plan.reporter,
            ReporterRow {
                user: Some(UserId(7)),
                entered_by: None,
                sealed_identity: None,
                sealed_reply: None,
                key: Some("account:7".into()),
            }
        );
        assert_eq!(
            plan.submission,
            FirstEntry {
                action: ActionKind::Submit,
                actor: Some(UserId(7)),
                role: Role::Citizen,
                from: None,
                to: ReportState::Waiting,
            }
        );
        assert!(plan.outbox.is_empty());
        assert_eq!(plan.triage, None);
        assert!(plan.photos.is_empty());
    }

    #[test]
    fn an_account_key_wins_over_the_channel_key() {
        let mut new = web_report();
        new.reporter_key = Some("channel-hash".into());
        assert_eq!(plan(&new).reporter.key.as_deref(), Some("account:7"));
        new.reporter = None;
        assert_eq!(plan(&new).reporter.key.as_deref(), Some("channel-hash"));
    }

    #[test]
    fn a_desk_report_is_entered_by_the_operator() {
        let mut new = web_report();
        new.channel = crate::fixtures::channel("balai_kota");
        new.entered_by = Some(UserId(3));
        new.submitted_by_role = Role::Operator;
        let plan = plan(&new);
        assert_eq!(plan.submission.actor, Some(UserId(3)));
        assert_eq!(plan.submission.role, Role::Operator);
        assert_eq!(plan.reporter.user, Some(UserId(7)));
        assert_eq!(plan.reporter.entered_by, Some(UserId(3)));
    }

    #[test]
    fn the_index_holds_the_masked_description() {
        let mut new = web_report();
        new.staff_description = Some("Jalan berlubang di depan rumah [nama] [telepon]".into());
        assert_eq!(
            plan(&new).searched_text,
            "Jalan berlubang di depan rumah [nama] [telepon]"
        );
    }

    #[test]
    fn a_channel_message_with_a_way_back_queues_the_reply_then_its_photos() {
        let mut new = web_report();
        new.channel = Channel::Whatsapp;
        new.reporter = None;
        new.reporter_key = Some("wa-key".into());
        new.channel_message_id = Some("wamid.1".into());
        new.reply_route = Some(vec![1, 2, 3]);
        new.reporter_identity = Some(vec![9]);
        new.fetch_media = vec![
            MediaFetch {
                reference: "media-1".into(),
                content_type: Some("image/jpeg".into()),
            },
            MediaFetch {
                reference: "media-2".into(),
                content_type: None,
            },
        ];
        new.triage = Some(TriageMark {
            category: None,
            confidence: 0.0,
            region: None,
        });
        new.photos = vec![NewPhoto {
            content_type: "image/jpeg",
            image: ImageObject::of(&[0xff]),
            thumbnail: ImageObject::of(&[0xfe]),
            evidence: PhotoEvidence::default(),
        }];
        let plan = plan(&new);
        assert_eq!(plan.channel_message, Some((Channel::Whatsapp, "wamid.1")));
        assert_eq!(plan.reporter.sealed_reply, Some(&[1u8, 2, 3][..]));
        assert_eq!(plan.reporter.sealed_identity, Some(&[9u8][..]));
        assert_eq!(plan.submission.actor, None);
        assert_eq!(
            plan.outbox,
            vec![
                FilingMessage::Reply {
                    channel: Channel::Whatsapp,
                    action: ActionKind::Submit,
                    state: ReportState::Waiting,
                },
                FilingMessage::FetchMedia {
                    channel: Channel::Whatsapp,
                    media: &new.fetch_media[0],
                },
                FilingMessage::FetchMedia {
                    channel: Channel::Whatsapp,
                    media: &new.fetch_media[1],
                },
            ]
        );
        assert_eq!(plan.triage, new.triage.as_ref());
        assert_eq!(plan.photos.len(), 1);
    }

    #[test]
    fn without_a_way_back_nothing_is_queued_but_the_photos_to_fetch() {
        let mut new = web_report();
        new.fetch_media = vec![MediaFetch {
            reference: "media-1".into(),
            content_type: None,
        }];
        let plan = plan(&new);
        assert!(matches!(
            plan.outbox.as_slice(),
            [FilingMessage::FetchMedia { .. }]
        ));
    }
}
