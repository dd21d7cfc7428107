//! aduan's domain: reports, the CRM 2.0 workflow, roles, jurisdiction data. Pure, no I/O.

pub mod access;
pub mod category;
pub mod category_icon;
pub mod category_search;
pub mod channel;
pub mod codes;
pub mod evidence;
pub mod filing;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod fixtures;
pub mod import;
pub mod jurisdiction;
pub mod location;
pub mod message;
pub mod phone;
pub mod region;
pub mod report;
pub mod role;
pub mod scrub;
pub mod search;
pub mod sla;
pub mod state;
pub mod stats;
pub mod stepping;
pub mod support;
pub mod ticket;
pub mod tracking;
pub mod unit;
pub mod workflow;

pub use category::{Category, SlaTargets};
pub use channel::{Channel, ChannelCode, ChannelCodeError, ChannelKind, NamedChannel};
pub use codes::{CategoryCode, CodeError, ReportId, UnitCode, UserId};
pub use jurisdiction::{Jurisdiction, JurisdictionData, Settings};
pub use location::{Coordinates, RegionIndex};
pub use phone::{PhoneError, PhoneNumber};
pub use region::{Region, RegionCode, RegionLevel};
pub use role::{Actor, Role};
pub use sla::{SlaClock, SlaKind};
pub use state::ReportState;
pub use ticket::{Ticket, TicketPrefix};
pub use unit::{Unit, UnitKind, UnitKindDef, UnitRole};
pub use workflow::{Action, ActionKind, Visibility};
