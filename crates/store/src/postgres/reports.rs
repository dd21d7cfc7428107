//! Reports, timelines, photos and messages in PostgreSQL. (Being ported: helper B.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::message::{Message, NewMessage};
use aduan_domain::report::{NewReport, PhotoInfo, Report, TimelineEntry};
use aduan_domain::workflow::Transition;
use aduan_domain::{ReportId, Ticket, TicketPrefix};

use super::PgStore;
use crate::{ActionRecord, ReportPage, ReportQuery, ReportStore, StoreResult};

#[async_trait]
impl ReportStore for PgStore {
    async fn submit_report(
        &self,
        _report: NewReport,
        _prefix: TicketPrefix,
        _local_date: chrono::NaiveDate,
        _now: DateTime<Utc>,
    ) -> StoreResult<Report> {
        todo!()
    }
    async fn report(&self, _ticket: &Ticket) -> StoreResult<Report> {
        todo!()
    }
    async fn apply_transition(
        &self,
        _report: ReportId,
        _expected_version: i64,
        _transition: Transition,
        _record: ActionRecord,
    ) -> StoreResult<Report> {
        todo!()
    }
    async fn list_reports(&self, _query: ReportQuery) -> StoreResult<ReportPage> {
        todo!()
    }
    async fn timeline(&self, _report: ReportId) -> StoreResult<Vec<TimelineEntry>> {
        todo!()
    }
    async fn photos(&self, _report: ReportId) -> StoreResult<Vec<PhotoInfo>> {
        todo!()
    }
    async fn photo(&self, _report: ReportId, _photo: i64) -> StoreResult<(PhotoInfo, Vec<u8>)> {
        todo!()
    }
    async fn duplicates_of(&self, _ticket: &Ticket) -> StoreResult<Vec<Ticket>> {
        todo!()
    }
    async fn post_message(&self, _message: NewMessage) -> StoreResult<Message> {
        todo!()
    }
    async fn messages(&self, _report: ReportId) -> StoreResult<Vec<Message>> {
        todo!()
    }
}
