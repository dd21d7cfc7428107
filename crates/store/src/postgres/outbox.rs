//! The outbox in PostgreSQL. (Being ported: helper A.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use aduan_domain::report::{MediaFetch, NewPhoto};
use aduan_domain::{ActionKind, Channel, ReportId, ReportState};

use super::PgStore;
use crate::{OutboxEntry, OutboxItem, OutboxOutcome, OutboxState, OutboxStore, StoreResult};

/// Queue an answer telling the reporter of `action`, which left the report in `state`.
pub(super) async fn enqueue_reply(
    _conn: &mut PgConnection,
    _report: ReportId,
    _channel: Channel,
    _action: ActionKind,
    _state: ReportState,
    _note: Option<&str>,
    _now: DateTime<Utc>,
) -> StoreResult<()> {
    todo!()
}

/// Queue fetching a photo the report's channel holds.
pub(super) async fn enqueue_media(
    _conn: &mut PgConnection,
    _report: ReportId,
    _channel: Channel,
    _media: &MediaFetch,
    _now: DateTime<Utc>,
) -> StoreResult<()> {
    todo!()
}

/// Whether the report's reporter can be answered on a channel.
pub(super) async fn has_reply_route(
    _conn: &mut PgConnection,
    _report: ReportId,
) -> StoreResult<bool> {
    todo!()
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn claim_outbox(
        &self,
        _now: DateTime<Utc>,
        _lease: chrono::Duration,
        _limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        todo!()
    }
    async fn finish_outbox(
        &self,
        _id: i64,
        _outcome: OutboxOutcome,
        _at: DateTime<Utc>,
    ) -> StoreResult<()> {
        todo!()
    }
    async fn attach_fetched_photo(
        &self,
        _id: i64,
        _photo: NewPhoto,
        _at: DateTime<Utc>,
    ) -> StoreResult<()> {
        todo!()
    }
    async fn outbox(
        &self,
        _state: Option<OutboxState>,
        _before: Option<i64>,
        _limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>> {
        todo!()
    }
    async fn retry_outbox(&self, _id: i64, _now: DateTime<Utc>) -> StoreResult<()> {
        todo!()
    }
}
