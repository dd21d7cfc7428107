//! The desk form: what the operator typed, turned into an intake and the citizen's sealed
//! contact by the API's own rules (`desk_contact`, `service::submit`), with each problem
//! in the reader's language beside its field.

use serde_json::{Map, Value};

use aduan_domain::report::{MAX_ADDRESS, Report, description_fits};
use aduan_domain::{CategoryCode, Channel, Jurisdiction, RegionCode, Role, access};
use aduan_store::User;

use crate::app_error::{AppError, AppResult};
use crate::contact::{DeskCitizen, desk_contact};
use crate::photos::{Provenance, accept_photos};
use crate::service::{self, Intake, Place, ReporterContact};
use crate::state::AppState;

use super::super::Texts;
use super::super::forms::{FieldErrors, field_of};
use super::super::submit::text;
use super::texts::DeskTexts;

/// What was typed, shown again when the form comes back with errors (never after filing).
#[derive(Default)]
pub struct Values {
    pub channel: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub nik: String,
    pub notify_by: String,
    pub category: String,
    pub description: String,
    pub region: String,
    pub address: String,
}

impl Values {
    pub fn read(object: &Map<String, Value>) -> Self {
        Self {
            channel: text(object, "channel"),
            name: text(object, "name"),
            phone: text(object, "phone"),
            email: text(object, "email"),
            nik: text(object, "nik"),
            notify_by: text(object, "notify_by"),
            category: text(object, "category"),
            description: text(object, "description"),
            region: text(object, "region"),
            address: text(object, "address"),
        }
    }
}

fn nobody() -> DeskCitizen {
    DeskCitizen {
        name: None,
        phone: None,
        email: None,
        nik: None,
        notify_by: None,
    }
}

/// The problem `desk_contact` found with the citizen's details, beside its field.
fn citizen_error(e: &AppError, values: &Values, dt: &DeskTexts) -> (&'static str, &'static str) {
    let blank = |v: &str| v.trim().is_empty();
    match field_of(e) {
        "citizen.name" => ("name", dt.err_name),
        "citizen.phone" if blank(&values.phone) => ("phone", dt.err_phone_needed),
        "citizen.phone" => ("phone", dt.err_phone),
        "citizen.email" if blank(&values.email) => ("email", dt.err_email_needed),
        "citizen.email" => ("email", dt.err_email),
        "citizen.nik" => ("nik", dt.err_nik),
        "citizen.notify_by" => ("notify_by", dt.err_notify),
        _ => ("form", dt.err_notify),
    }
}

/// The service's problem with the report, beside its field.
pub fn report_error(e: &AppError, t: &Texts, dt: &DeskTexts) -> (&'static str, String) {
    match field_of(e) {
        "channel" => ("channel", dt.err_channel.to_owned()),
        "category" => ("category", t.err_category.to_owned()),
        "description" => ("description", t.err_description.to_owned()),
        "address" => ("address", t.err_address.to_owned()),
        "photo" => ("photo", t.err_photo.to_owned()),
        f if f.starts_with("location") => ("region", dt.err_region.to_owned()),
        _ => ("form", e.message()),
    }
}

/// The channel the operator chose: one of this city's that the service lets an operator
/// file through.
fn channel(j: &Jurisdiction, values: &Values) -> Option<Channel> {
    Channel::parse(values.channel.trim())
        .and_then(|c| j.channel(c))
        .filter(|c| access::may_file_through(Role::Operator, c))
        .map(|c| c.code)
}

/// Check everything at this edge, collecting each problem; file through the service when
/// there is none. `Ok(None)`: the form has errors (in `errors`), nothing was filed.
pub async fn file(
    state: &AppState,
    operator: &User,
    values: &Values,
    submission: &str,
    photos: Vec<Vec<u8>>,
    (t, dt): (&Texts, &DeskTexts),
    errors: &mut FieldErrors,
) -> AppResult<Option<Report>> {
    let (channel, desk) = {
        let catalog = state.catalog();
        let j = &catalog.jurisdiction;
        (channel(j, values), j.desk_channel())
    };
    if channel.is_none() {
        errors.add("channel", dt.err_channel);
    }
    let blank = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let citizen = DeskCitizen {
        name: blank(&values.name),
        phone: blank(&values.phone),
        email: blank(&values.email),
        nik: blank(&values.nik),
        notify_by: blank(&values.notify_by),
    };
    // The channel only names the citizen's handle there, which a desk never has.
    let on = channel.unwrap_or(desk);
    // Each detail alone first, so that every problem shows at once; then all together
    // (the way to notify needs the contact it names).
    let alone = [
        DeskCitizen {
            name: citizen.name.clone(),
            ..nobody()
        },
        DeskCitizen {
            phone: citizen.phone.clone(),
            ..nobody()
        },
        DeskCitizen {
            email: citizen.email.clone(),
            ..nobody()
        },
        DeskCitizen {
            nik: citizen.nik.clone(),
            ..nobody()
        },
    ];
    for detail in alone {
        if let Err(e) = desk_contact(&state.sealer, on, detail) {
            if e.is_failure_below() {
                return Err(e);
            }
            let (field, message) = citizen_error(&e, values, dt);
            errors.add(field, message);
        }
    }
    let contact: Option<ReporterContact> = match desk_contact(&state.sealer, on, citizen) {
        Ok(contact) => Some(contact),
        Err(e) if e.is_failure_below() => return Err(e),
        Err(e) => {
            let (field, message) = citizen_error(&e, values, dt);
            errors.add(field, message);
            None
        }
    };
    let category = CategoryCode::parse(values.category.trim())
        .map_err(|_| errors.add("category", t.err_category))
        .ok();
    if !description_fits(&values.description) {
        errors.add("description", t.err_description);
    }
    let region = RegionCode::parse(values.region.trim())
        .map_err(|_| errors.add("region", dt.err_region))
        .ok();
    if values.address.trim().chars().count() > MAX_ADDRESS {
        errors.add("address", t.err_address);
    }
    let photos = match accept_photos(photos, Provenance::Reporter).await {
        Ok(photos) => Some(photos),
        Err(e) if e.is_failure_below() => return Err(e),
        Err(_) => {
            errors.add("photo", t.err_photo);
            None
        }
    };
    let (Some(channel), Some(contact), Some(category), Some(region), Some(photos), true) = (
        channel,
        contact,
        category,
        region,
        photos,
        errors.is_empty(),
    ) else {
        return Ok(None);
    };
    let well_formed = (1..=64).contains(&submission.len())
        && submission
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
    let intake = Intake {
        category,
        description: values.description.clone(),
        place: Place::In(region),
        address: Some(values.address.clone()),
        channel,
        photos,
        message_id: well_formed.then(|| format!("account-{}:desk-{submission}", operator.id.0)),
    };
    service::submit(state, operator, intake, contact)
        .await
        .map(Some)
}
