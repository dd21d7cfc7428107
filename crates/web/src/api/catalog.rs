//! The jurisdiction's reference data: categories, units, regions, channels.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aduan_domain::RegionLevel;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    /// Indonesian name.
    pub name: String,
    pub name_en: String,
    pub responsible_unit: String,
    pub coordination_hours: u32,
    pub completion_hours: u32,
    /// The icon the pages draw it with (named by the jurisdiction, else guessed), e.g. `pohon`.
    pub icon: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    /// kelurahan, kecamatan, walikota, dinas, suku_dinas, satpol_pp, validation, other.
    pub kind: String,
    pub region: Option<String>,
    pub parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionView {
    /// Kemendagri code, e.g. `31.71.01`.
    pub code: String,
    pub name: String,
    /// kota, kecamatan or kelurahan.
    pub level: String,
    pub parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelView {
    pub code: String,
    pub name: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionFilter {
    /// kota, kecamatan or kelurahan.
    pub level: Option<String>,
    /// Only regions inside this one.
    pub parent: Option<String>,
}

/// Report categories, with their responsible unit and time targets.
#[utoipa::path(get, path = "/categories", tag = "catalog", responses((status = 200, body = [CategoryView])))]
pub async fn list_categories(State(state): State<AppState>) -> Json<Vec<CategoryView>> {
    let catalog = state.catalog();
    Json(
        catalog
            .jurisdiction
            .categories()
            .map(|c| CategoryView {
                code: c.code.to_string(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
                responsible_unit: c.responsible_unit.to_string(),
                coordination_hours: c.sla.coordination_hours,
                completion_hours: c.sla.completion_hours,
                icon: aduan_domain::category_icon::icon_of(c).to_owned(),
            })
            .collect(),
    )
}

/// Organisational units reports can be routed to.
#[utoipa::path(get, path = "/units", tag = "catalog", responses((status = 200, body = [UnitView])))]
pub async fn list_units(State(state): State<AppState>) -> Json<Vec<UnitView>> {
    let catalog = state.catalog();
    Json(
        catalog
            .jurisdiction
            .units()
            .map(|u| UnitView {
                code: u.code.to_string(),
                name: u.name.clone(),
                kind: u.kind.code().to_owned(),
                region: u.region.as_ref().map(|r| r.to_string()),
                parent: u.parent.as_ref().map(|p| p.to_string()),
            })
            .collect(),
    )
}

/// Administrative regions, optionally of one level or inside one parent.
#[utoipa::path(get, path = "/regions", tag = "catalog", params(RegionFilter),
    responses((status = 200, body = [RegionView]), (status = 422, body = ErrorBody)))]
pub async fn list_regions(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<RegionFilter>,
) -> ApiResult<Json<Vec<RegionView>>> {
    let level = filter
        .level
        .as_deref()
        .map(|l| {
            RegionLevel::parse(l)
                .ok_or_else(|| ApiError::invalid("level", "one of kota, kecamatan, kelurahan"))
        })
        .transpose()?;
    let parent = filter
        .parent
        .as_deref()
        .map(|p| {
            aduan_domain::RegionCode::parse(p)
                .map_err(|e| ApiError::invalid("parent", e.to_string()))
        })
        .transpose()?;
    let catalog = state.catalog();
    Ok(Json(
        catalog
            .jurisdiction
            .regions()
            .filter(|r| level.is_none_or(|l| r.level == l))
            .filter(|r| {
                parent
                    .as_ref()
                    .is_none_or(|p| r.code != *p && r.code.is_within(p))
            })
            .map(|r| RegionView {
                code: r.code.to_string(),
                name: r.name.clone(),
                level: r.level.code().to_owned(),
                parent: r.parent().map(|p| p.to_string()),
            })
            .collect(),
    ))
}

/// The channels reports arrive through in this city (fixed codes), with its labels.
#[utoipa::path(get, path = "/channels", tag = "catalog", responses((status = 200, body = [ChannelView])))]
pub async fn list_channels(State(state): State<AppState>) -> Json<Vec<ChannelView>> {
    let catalog = state.catalog();
    Json(
        catalog
            .jurisdiction
            .channels()
            .into_iter()
            .map(|c| ChannelView {
                code: c.code.code().to_owned(),
                name: c.label,
            })
            .collect(),
    )
}
