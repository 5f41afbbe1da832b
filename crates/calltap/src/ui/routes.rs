//! The console's router: the pages and their fragments behind the access
//! rule, the login page and the assets outside it (they hold no data), and
//! the headers every console answer carries.

use axum::extract::FromRef;
use axum::http::{header, HeaderValue, Uri};
use axum::response::{Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::access::{self, ConsoleAccess};
use super::{assets, call, calls, live, quarantine, stats};
use crate::api::sse::Streams;
use crate::project::Projection;
use crate::store::backend::Reader;

/// The console's routes: the pages and their fragments behind the access
/// rule, the login page and the assets outside it (they hold no data).
pub fn router<S>(access: ConsoleAccess) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Projection: FromRef<S>,
    Streams: FromRef<S>,
    ConsoleAccess: FromRef<S>,
{
    let pages = Router::new()
        .route("/ui/", get(calls::page))
        .route("/ui/live/calls", get(live::calls))
        .route("/ui/calls/{id}", get(call::page))
        .route("/ui/calls/{id}/deliveries", get(call::deliveries))
        .route("/ui/deliveries/{seq}", get(call::delivery))
        .route("/ui/stats", get(stats::page))
        .route("/ui/quarantine", get(quarantine::page))
        .route("/ui/quarantine/{id}", get(quarantine::item))
        .route_layer(axum::middleware::from_fn_with_state(
            access,
            access::require_console,
        ));
    Router::new()
        .route("/ui", get(|| async { Redirect::permanent("/ui/") }))
        .route("/ui/calls", get(to_the_calls_page))
        .route("/ui/calls/", get(to_the_calls_page))
        .route("/ui/login", get(access::login_page).post(access::login))
        .route("/ui/assets/{file}", get(assets::serve))
        .merge(pages)
        .layer(axum::middleware::map_response(security_headers))
}

/// `/ui/calls` is where a reader of the call pages' addresses
/// (`/ui/calls/{id}`) looks for the list, which lives at `/ui/`: send them
/// there, filters and all.
async fn to_the_calls_page(uri: Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("/ui/?{query}")),
        None => Redirect::permanent("/ui/"),
    }
}

/// What every console response carries: scripts and styles only from the
/// console itself (no inline script: the call's data rides in a
/// `type="application/json"` block), no framing, no referrer, no sniffing.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
