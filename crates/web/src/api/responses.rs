//! The error answers every operation can give by its shape, added to the document in one
//! place so no annotation can forget them: a body can be malformed (400), too large (413),
//! of the wrong type (415) or invalid (422); a query can be invalid (422, 400); a path names
//! nothing (404); an unsafe call can fail the CSRF guard (403); a bearer token can be dead
//! (401); an unsafe call can meet a rate limit (429) or find the password hashing busy (503).
//! What only some handlers answer (a role's 403, a lost race's 409) stays in their
//! own annotations.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (false, item.get.as_mut()),
                (true, item.post.as_mut()),
                (true, item.put.as_mut()),
                (true, item.patch.as_mut()),
                (true, item.delete.as_mut()),
            ];
            for (unsafe_method, operation) in operations {
                if let Some(operation) = operation {
                    add_common(operation, unsafe_method);
                }
            }
        }
    }
}

fn add_common(operation: &mut Operation, unsafe_method: bool) {
    let has = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    let in_path = has(ParameterIn::Path);
    let in_query = has(ParameterIn::Query);
    let body = operation.request_body.is_some();
    let signed_in = operation.security.is_some() || in_path;
    let statuses = [
        ("400", body || in_query, "The request is malformed"),
        (
            "401",
            signed_in,
            "The bearer token is unknown or has expired, or none was sent",
        ),
        (
            "403",
            unsafe_method,
            "Refused: not allowed, or a cross-site or CSRF-less cookie call",
        ),
        (
            "404",
            in_path,
            "Nothing exists at this address, or the caller may not read it",
        ),
        ("413", body, "The request is too large"),
        (
            "415",
            body,
            "The body is not of a type this operation takes",
        ),
        (
            "422",
            body || in_query,
            "A field or parameter is not acceptable",
        ),
        (
            "429",
            unsafe_method,
            "Too many attempts or submissions from this address or account; see Retry-After",
        ),
        (
            "503",
            unsafe_method,
            "The server is busy (passwords being checked); see Retry-After",
        ),
    ];
    for (status, applies, description) in statuses {
        if applies && !operation.responses.responses.contains_key(status) {
            operation
                .responses
                .responses
                .insert(status.to_owned(), error_response(description));
        }
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build(),
    )
}
