//! Request bodies that come as JSON or as multipart with a JSON part and photo parts.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A JSON object and any `photo` parts, from `application/json` or `multipart/form-data`.
/// In multipart, the object is the JSON part named `report` or `action`, or else the
/// text fields (the pages' forms). The API reads it through [`ApiBody`], which takes only
/// the JSON part.
pub struct JsonWithPhotos {
    pub object: Map<String, Value>,
    pub photos: Vec<Vec<u8>>,
    /// `photo_before` parts: a follow-up's photos of the scene before the work.
    pub photos_before: Vec<Vec<u8>>,
}

impl JsonWithPhotos {
    /// Read the object as `T`, answering 422 with the serde message when it does not fit.
    pub fn parse<T: DeserializeOwned>(&self) -> ApiResult<T> {
        crate::input::from_json(Value::Object(self.object.clone()))
    }
}

fn json_object(bytes: &[u8], what: &str) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(format!(
            "{what} must be a JSON object"
        ))),
        Err(e) => Err(ApiError::bad_request(format!(
            "{what} is not valid JSON: {e}"
        ))),
    }
}

/// How a multipart body's fields are read.
#[derive(Clone, Copy, PartialEq)]
enum Fields {
    /// The pages' forms: plain text fields, or a JSON part.
    Form,
    /// The API: only a JSON part (`application/json`) besides the photos. A plain HTML
    /// form can send multipart with text fields from any site; it cannot give a part a
    /// JSON content type, so this also takes the API out of such a form's reach.
    JsonPart,
}

/// The API's request body: JSON, or multipart with a `report`/`action` JSON part and photos.
pub struct ApiBody(pub JsonWithPhotos);

impl FromRequest<AppState> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        JsonWithPhotos::read(req, state, Fields::JsonPart)
            .await
            .map(Self)
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large("the request is too large")
    } else {
        ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
    }
}

/// The request's media type, lowercased ("" when absent).
pub fn content_type(req: &Request) -> String {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl FromRequest<AppState> for JsonWithPhotos {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        Self::read(req, state, Fields::Form).await
    }
}

fn is_json(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|t| {
        let essence = t.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    })
}

impl JsonWithPhotos {
    async fn read(req: Request, state: &AppState, mode: Fields) -> ApiResult<Self> {
        let content_type = content_type(&req);
        if content_type.starts_with("application/json") {
            let bytes = Bytes::from_request(req, state).await.map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large("the request is too large")
                } else {
                    ApiError::bad_request(e.body_text())
                }
            })?;
            return Ok(Self {
                object: json_object(&bytes, "the body")?,
                photos: Vec::new(),
                photos_before: Vec::new(),
            });
        }
        if !content_type.starts_with("multipart/form-data") {
            return Err(ApiError::unsupported_media(
                "send application/json, or multipart/form-data with photos",
            ));
        }
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let mut object = None;
        let mut fields = Map::new();
        let mut photos = Vec::new();
        let mut photos_before = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "photo" | "photos" | "photo[]" => {
                    photos.push(field.bytes().await.map_err(multipart_error)?.to_vec());
                }
                "photo_before" | "photo_before[]" => {
                    let bytes = field.bytes().await.map_err(multipart_error)?;
                    photos_before.push(bytes.to_vec());
                }
                "report" | "action" if mode == Fields::JsonPart => {
                    if !is_json(field.content_type()) {
                        return Err(ApiError::unsupported_media(format!(
                            "send the {name} part as application/json"
                        )));
                    }
                    let bytes = field.bytes().await.map_err(multipart_error)?;
                    object = Some(json_object(&bytes, &format!("the {name} part"))?);
                }
                "report" | "action" if field.content_type().is_none_or(|t| t.contains("json")) => {
                    let bytes = field.bytes().await.map_err(multipart_error)?;
                    match json_object(&bytes, "the body") {
                        Ok(map) => object = Some(map),
                        // A plain `action=accept` form field rather than a JSON part.
                        Err(_) => {
                            let text = String::from_utf8_lossy(&bytes).into_owned();
                            fields.insert(name, Value::String(text));
                        }
                    }
                }
                _ if mode == Fields::JsonPart => {
                    return Err(ApiError::unsupported_media(format!(
                        "the API takes no form field ({name:?}): send the report or action \
                         as a JSON part named `report` or `action` (application/json) \
                         besides the `photo` parts"
                    )));
                }
                _ => {
                    let text = field.text().await.map_err(multipart_error)?;
                    fields.insert(name, Value::String(text));
                }
            }
        }
        if mode == Fields::JsonPart && object.is_none() {
            return Err(ApiError::bad_request(
                "the multipart body has no JSON part named `report` or `action`",
            ));
        }
        Ok(Self {
            object: object.unwrap_or(fields),
            photos,
            photos_before,
        })
    }
}
