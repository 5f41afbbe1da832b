//! The web console under `/ui/`: the calls (live), a call (timeline,
//! latency per turn, transcript, deliveries), the fleet and the
//! quarantine, as pages rendered on the server (askama templates compiled
//! into the binary) with a little JavaScript for the live parts and the
//! timeline. Everything a page needs is inside the binary (`assets`).
//!
//! The console is a view, not a second source of truth: it reads what the
//! API reads (the store's [`Reader`], the projector's stored call states)
//! and computes nothing about a call that `calls` does not. Its pages are
//! behind [`access::require_console`]; its scripts read the API with the
//! console's cookie.
//!
//! - [`routes`]: the console's router, its access rule and headers.
//! - [`calls`]: the list of calls, filters in the URL, live rows ([`live`]).
//! - [`call`]: one call; its deliveries and their bytes.
//! - [`stats`]: the fleet over a time range.
//! - [`quarantine`]: refused bodies.
//! - [`chart`]: SVG charts; [`format`]: values for people; [`assets`]: the
//!   embedded stylesheet and scripts; [`access`]: login and the rule.
//!
//! This module holds what the pages share (the frame, rendering, errors,
//! reading the store) and imports none of its children. Knows HTTP and
//! HTML; no SQL, no wire format.

pub mod access;
pub mod assets;
pub mod call;
pub mod calls;
pub mod chart;
pub mod format;
pub mod live;
pub mod quarantine;
pub mod routes;
pub mod stats;

use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::store::backend::{ReadStore, Reader};
use crate::store::StoreError;

/// The frame of every page: its title, which section of the navigation
/// is current, and the assets' hashed URLs.
#[derive(Clone, Debug)]
pub struct Shell {
    /// The page's title (before `· calltap`).
    pub title: String,
    /// `calls`, `stats`, `quarantine`, or empty.
    pub active: &'static str,
    /// The stylesheet's URL.
    pub css: String,
    /// The common script's URL.
    pub js: String,
}

impl Shell {
    /// The frame of a page titled `title` in section `active`.
    pub fn new(title: impl Into<String>, active: &'static str) -> Shell {
        Shell {
            title: title.into(),
            active,
            css: assets::url(assets::CSS),
            js: assets::url(assets::CONSOLE_JS),
        }
    }
}

/// Renders a template as an HTML answer with `status`.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "rendering a console page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

/// An error page (also the 403 of a closed console).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The page frame.
    pub shell: Shell,
    /// What went wrong, for a person.
    pub message: String,
}

/// Why a console page could not be served; shown as an error page.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// Nothing here by that name.
    #[error("{0}")]
    NotFound(String),
    /// The URL asks for something malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The store failed.
    #[error("the store could not be read")]
    Store(#[from] StoreError),
    /// Something else of ours failed.
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let status = match &self {
            UiError::NotFound(_) => StatusCode::NOT_FOUND,
            UiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            UiError::Store(StoreError::Busy(_)) => StatusCode::SERVICE_UNAVAILABLE,
            UiError::Store(_) | UiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = ?self, "a console page failed");
        }
        let title = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "Bad request",
            _ => "Something went wrong",
        };
        render(
            status,
            &ErrorPage {
                shell: Shell::new(title, ""),
                message: self.to_string(),
            },
        )
    }
}

/// Runs a blocking read of the store on the blocking pool.
async fn read<T: Send + 'static>(
    reader: &Reader,
    f: impl FnOnce(&dyn ReadStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, UiError> {
    let reader = Arc::clone(reader);
    tokio::task::spawn_blocking(move || f(&*reader))
        .await
        .map_err(|err| UiError::Internal(format!("a store read did not finish: {err}")))?
        .map_err(UiError::from)
}

/// A stored JSON text read back into `T` (a summary, a detail).
fn parse_stored<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, UiError> {
    serde_json::from_str(text).map_err(|err| UiError::Internal(format!("a stored {what}: {err}")))
}
