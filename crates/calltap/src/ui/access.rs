//! Who may see the console. With `--api-token` it asks for the token once
//! (`/ui/login`) and keeps it in an `HttpOnly`, `SameSite=Strict` cookie,
//! the same one the API accepts ([`TOKEN_COOKIE`]), so the pages' own
//! fetches and live streams pass too. Without a token it is open only
//! where ingest without auth is: on a loopback address, or with
//! `--allow-unauthenticated`; elsewhere it answers 403 and says why.
//!
//! Knows HTTP and the API token; nothing of the store.

use askama::Template;
use axum::extract::{Form, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{format, render, ErrorPage, Shell};
use crate::api::{token_cookie_value, Access, ApiToken, TOKEN_COOKIE};

/// How long the browser keeps the token cookie: 30 days.
const COOKIE_MAX_AGE_SECS: u64 = 30 * 24 * 3600;

/// The console's access rule; a part of the app's state.
#[derive(Clone, Debug, Default)]
pub struct ConsoleAccess {
    /// The API token, when one is configured.
    pub token: ApiToken,
    /// Whether the console is open when no token is configured (a
    /// loopback listener, or `--allow-unauthenticated`).
    pub open_without_token: bool,
}

/// Lets a request through to the console, sends a browser without the
/// token to the login page (a fetch or a stream gets a bare 401), or
/// answers 403 when the console is closed. A `route_layer`.
pub async fn require_console(
    State(access): State<ConsoleAccess>,
    request: Request,
    next: Next,
) -> Response {
    match access.token.access(request.headers()) {
        Access::Granted => next.run(request).await,
        Access::Open if access.open_without_token => next.run(request).await,
        Access::Open => render(
            StatusCode::FORBIDDEN,
            &ErrorPage {
                shell: Shell::new("Console closed", ""),
                message: "The console is open without a token only on a loopback address. \
                          Start calltap with --api-token to use it from elsewhere."
                    .to_owned(),
            },
        ),
        Access::Missing | Access::Invalid => {
            if wants_html(request.headers()) {
                let next_path = request
                    .uri()
                    .path_and_query()
                    .map_or("/ui/", |p| p.as_str())
                    .to_owned();
                Redirect::to(&format!(
                    "/ui/login?next={}",
                    format::query_value(&next_path)
                ))
                .into_response()
            } else {
                (StatusCode::UNAUTHORIZED, "the console needs the API token").into_response()
            }
        }
    }
}

/// Whether a request comes from a browser navigating (it accepts HTML).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Where to go after logging in: a console path, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with("/ui/") && !path.starts_with("//") => path,
        _ => "/ui/",
    }
}

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    next: String,
    error: Option<String>,
}

/// The login page's query string.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    /// Where to go once logged in.
    pub next: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// The API token, as typed.
    pub token: String,
    /// Where to go once logged in.
    pub next: Option<String>,
}

/// `GET /ui/login`: the token form; straight to the console when no token
/// is needed.
pub async fn login_page(
    State(access): State<ConsoleAccess>,
    Query(query): Query<LoginQuery>,
) -> Response {
    if !access.token.is_required() {
        return Redirect::to("/ui/").into_response();
    }
    render(
        StatusCode::OK,
        &LoginPage {
            shell: Shell::new("Sign in", ""),
            next: safe_next(query.next.as_deref()).to_owned(),
            error: None,
        },
    )
}

/// `POST /ui/login`: checks the token (constant-time) and keeps it in the
/// cookie; a wrong token gets the form again, with 401.
pub async fn login(State(access): State<ConsoleAccess>, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next.as_deref()).to_owned();
    let token = form.token.trim();
    if !access.token.is_required() || !access.token.accepts(token) {
        return render(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                shell: Shell::new("Sign in", ""),
                next,
                error: Some("That is not the API token this server was started with.".to_owned()),
            },
        );
    }
    let cookie = format!(
        "{TOKEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={COOKIE_MAX_AGE_SECS}",
        token_cookie_value(token)
    );
    with_cookie(Redirect::to(&next), &cookie)
}

/// `POST /ui/logout`: forgets the cookie.
pub async fn logout() -> Response {
    let cookie = format!("{TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    with_cookie(Redirect::to("/ui/login"), &cookie)
}

fn with_cookie(response: impl IntoResponse, cookie: &str) -> Response {
    let mut response = response.into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_never_sends_a_browser_to_another_site() {
        assert_eq!(safe_next(Some("/ui/calls/x?y=1")), "/ui/calls/x?y=1");
        assert_eq!(safe_next(Some("https://evil.example/")), "/ui/");
        assert_eq!(safe_next(Some("//evil.example/ui/")), "/ui/");
        assert_eq!(safe_next(Some("/api/v1/calls")), "/ui/");
        assert_eq!(safe_next(None), "/ui/");
    }
}
