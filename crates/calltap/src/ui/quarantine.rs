//! `GET /ui/quarantine`: what ingest refused and why, by id, paged; each
//! row opens `GET /ui/quarantine/{id}`, the exact bytes (pretty-printed
//! when they are JSON after all, else as text) and the kept headers,
//! secrets masked. The rows are the API's (`QuarantineRead`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::format::{self, Clock};
use super::{read, render, Shell, UiError};
use crate::store::backend::Reader;
use crate::store::{QuarantineFilter, Quarantined};

/// Rows per page.
pub const PAGE_SIZE: u32 = 50;

/// The page's query string.
#[derive(Debug, Deserialize)]
pub struct QuarantineQuery {
    /// Rows after this id.
    pub after: Option<i64>,
    /// Only this kind of refusal.
    pub kind: Option<String>,
}

/// One refused body in the list.
#[derive(Clone, Debug)]
struct RowView {
    id: i64,
    received: String,
    kind: String,
    reason: String,
    size: String,
}

/// The quarantine page.
#[derive(Template)]
#[template(path = "quarantine.html")]
struct QuarantinePage {
    shell: Shell,
    kind: String,
    rows: Vec<RowView>,
    next: Option<String>,
    first: Option<String>,
}

/// One refused body.
#[derive(Template)]
#[template(path = "quarantined.html")]
struct ItemView {
    id: i64,
    kind: String,
    reason: String,
    received: String,
    shown: format::Shown,
}

/// `GET /ui/quarantine`.
pub async fn page(
    State(reader): State<Reader>,
    query: Result<Query<QuarantineQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    let Query(query) = query.map_err(|err| UiError::BadRequest(err.body_text()))?;
    let kind = query.kind.filter(|k| !k.trim().is_empty());
    let filter = QuarantineFilter {
        kind: kind.clone(),
        after: query.after,
        limit: PAGE_SIZE,
    };
    let rows = read(&reader, move |r| r.quarantine(&filter)).await?;
    let kind_query = kind
        .as_deref()
        .map(|k| format!("kind={}&", format::query_value(k)))
        .unwrap_or_default();
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last())
        .flatten()
        .map(|last| format!("/ui/quarantine?{kind_query}after={}", last.id));
    let page = QuarantinePage {
        shell: Shell::new("Quarantine", "quarantine"),
        first: query
            .after
            .map(|_| format!("/ui/quarantine?{}", kind_query.trim_end_matches('&'))),
        kind: kind.unwrap_or_default(),
        rows: rows
            .iter()
            .map(|q| RowView {
                id: q.id,
                received: format::time_tag(q.received_at, Clock::DateTime),
                kind: q.kind.clone(),
                reason: q.reason.clone(),
                size: format::bytes(q.body.len()),
            })
            .collect(),
        next,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /ui/quarantine/{id}`: one refused body and its kept headers.
pub async fn item(
    State(reader): State<Reader>,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let id: i64 = id.parse().map_err(|_| {
        UiError::BadRequest(format!("a quarantined body is named by its id, not {id:?}"))
    })?;
    let rows = read(&reader, move |r| {
        r.quarantine(&QuarantineFilter {
            kind: None,
            after: Some(id - 1),
            limit: 1,
        })
    })
    .await?;
    let Some(q) = rows.into_iter().find(|q| q.id == id) else {
        return Err(UiError::NotFound(format!(
            "Nothing is quarantined under id {id}."
        )));
    };
    Ok(render(StatusCode::OK, &item_view(&q)))
}

fn item_view(q: &Quarantined) -> ItemView {
    ItemView {
        id: q.id,
        kind: q.kind.clone(),
        reason: q.reason.clone(),
        received: format::time_tag(q.received_at, Clock::DateTime),
        shown: format::shown(&q.body, &q.headers),
    }
}
