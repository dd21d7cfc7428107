//! Where a report is: as a client gives it, and as filing takes it.

use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::{Coordinates, RegionCode};

use crate::app_error::{AppError, AppResult};
use crate::service::Place;

/// Where the problem is: coordinates, a region code, or both.
#[derive(Deserialize, ToSchema)]
pub struct LocationInput {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Kemendagri code of a kota, kecamatan or kelurahan.
    pub region: Option<String>,
}

/// The place a location names; the field that is wrong is refused.
pub fn parse_place(location: &LocationInput) -> AppResult<Place> {
    let region = location
        .region
        .as_deref()
        .map(|r| {
            RegionCode::parse(r.trim())
                .map_err(|e| AppError::invalid("location.region", e.to_string()))
        })
        .transpose()?;
    let at = match (location.lat, location.lon) {
        (Some(lat), Some(lon)) => {
            Some(Coordinates::parse(lat, lon).map_err(|e| AppError::invalid("location", e.0))?)
        }
        (None, None) => None,
        _ => return Err(AppError::invalid("location", "give both lat and lon")),
    };
    match (at, region) {
        (Some(at), Some(region)) => Ok(Place::AtOrIn(at, region)),
        (Some(at), None) => Ok(Place::At(at)),
        (None, Some(region)) => Ok(Place::In(region)),
        (None, None) => Err(AppError::invalid("location", "give {lat, lon} or {region}")),
    }
}
