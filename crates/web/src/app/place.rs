//! Where a report is: as a client gives it, and as filing takes it.

use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::{Coordinates, RegionCode};

use crate::error::{ApiError, ApiResult};
use crate::service::Place;

/// Where the problem is: coordinates, a region code, or both.
#[derive(Deserialize, ToSchema)]
pub struct LocationInput {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Kemendagri code of a kota, kecamatan or kelurahan.
    pub region: Option<String>,
}

/// The place a location names; 422 on the field that is wrong.
pub fn parse_place(location: &LocationInput) -> ApiResult<Place> {
    let region = location
        .region
        .as_deref()
        .map(|r| {
            RegionCode::parse(r.trim())
                .map_err(|e| ApiError::invalid("location.region", e.to_string()))
        })
        .transpose()?;
    let at = match (location.lat, location.lon) {
        (Some(lat), Some(lon)) => {
            Some(Coordinates::parse(lat, lon).map_err(|e| ApiError::invalid("location", e.0))?)
        }
        (None, None) => None,
        _ => return Err(ApiError::invalid("location", "give both lat and lon")),
    };
    match (at, region) {
        (Some(at), Some(region)) => Ok(Place::AtOrIn(at, region)),
        (Some(at), None) => Ok(Place::At(at)),
        (None, Some(region)) => Ok(Place::In(region)),
        (None, None) => Err(ApiError::invalid("location", "give {lat, lon} or {region}")),
    }
}
