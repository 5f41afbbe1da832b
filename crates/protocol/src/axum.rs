//! Receiving and answering Vapi in an axum server (feature `axum`).
//!
//! [`Vapi`] is an extractor: it reads the body up to a limit, checks the
//! credential against every configured [`Verifier`] (`x-vapi-secret`,
//! bearer token, Vapi's HMAC plan, Standard Webhooks), checks the JSON
//! nesting depth and parses the body into a [`ServerMessage`] (or any
//! [`FromBody`] type). A delivery it refuses gets the answer `calltap serve`
//! gives: 401, 413 or 400 with `{"error": "...", "kind": "..."}`
//! ([`Rejection`]). The settings come from the router's state through
//! [`Receiver`] (`FromRef`).
//!
//! The typed answers of [`crate::response`] implement `IntoResponse`: return
//! one from the handler.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use calltap_protocol::auth::VapiSecretPlan;
//! use calltap_protocol::axum::{Receiver, Vapi};
//! use calltap_protocol::model::ServerMessage;
//! use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
//! use axum::response::{IntoResponse, Response};
//!
//! async fn webhook(vapi: Vapi) -> Response {
//!     match vapi.message {
//!         ServerMessage::ToolCalls(message) => ToolCallsResponse::for_each_call(&message, |call| {
//!             ToolCallResult::success(call, "done")
//!         })
//!         .into_response(),
//!         _ => axum::Json(serde_json::json!({})).into_response(),
//!     }
//! }
//!
//! let receiver = Receiver::new([VapiSecretPlan::new("my-server-secret")]);
//! let app: Router = Router::new().route("/vapi", post(webhook)).with_state(receiver);
//! ```
//!
//! This module knows HTTP and axum; the checks themselves are the crate's
//! pure functions.

use std::sync::Arc;
use std::time::SystemTime;

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{header, HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::Json;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::auth::{verify_any, AuthError, SignedRequest, Verified, Verifier};
use crate::model::{Envelope, ServerMessage};
use crate::raw::{self, TooDeep};
use crate::response::{
    AssistantRequestResponse, HandoffDestinationResponse, KnowledgeBaseResponse, ToolCallsResponse,
    TransferDestinationResponse,
};
use crate::ParseError;

/// The default body limit, as `calltap serve`'s: 16 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The default JSON nesting limit, as `calltap serve`'s: 128 levels.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// How deliveries are received: the credential checks, the public URL (for
/// HMAC templates with `{url}`) and the limits. Cheap to clone; put it in
/// the router's state (or make it `FromRef` of yours).
#[derive(Clone, Debug)]
pub struct Receiver(Arc<Settings>);

#[derive(Clone, Debug)]
struct Settings {
    verifiers: Vec<Verifier>,
    /// False only for `without_authentication`.
    authenticate: bool,
    public_url: Option<String>,
    body_limit: usize,
    max_depth: usize,
}

impl Receiver {
    /// Accepts a delivery that any of `verifiers` accepts (configure the old
    /// and the new credential side by side to rotate one). With none, every
    /// delivery is refused as a misconfiguration (500): use
    /// [`Receiver::without_authentication`] to say you mean it. Call
    /// [`Verifier::validate`] on each first, so that a bad plan stops your
    /// server's start rather than answering 500 to every delivery.
    pub fn new<V: Into<Verifier>>(verifiers: impl IntoIterator<Item = V>) -> Self {
        Receiver(Arc::new(Settings {
            verifiers: verifiers.into_iter().map(Into::into).collect(),
            authenticate: true,
            public_url: None,
            body_limit: DEFAULT_BODY_LIMIT,
            max_depth: DEFAULT_MAX_DEPTH,
        }))
    }

    /// Accepts every delivery without checking a credential: for local
    /// development only.
    pub fn without_authentication() -> Self {
        Receiver::new(Vec::<Verifier>::new()).changed(|settings| settings.authenticate = false)
    }

    /// The body limit in bytes (default [`DEFAULT_BODY_LIMIT`]); a larger
    /// body is refused with 413.
    pub fn with_body_limit(self, bytes: usize) -> Self {
        self.changed(|settings| settings.body_limit = bytes)
    }

    /// The JSON nesting limit (default [`DEFAULT_MAX_DEPTH`]); a deeper
    /// body is refused with 400 `too_deep`.
    pub fn with_max_depth(self, levels: usize) -> Self {
        self.changed(|settings| settings.max_depth = levels)
    }

    /// The URL Vapi posts to, without the path (e.g.
    /// `https://hooks.example.com`), for HMAC templates that sign `{url}`.
    /// Without it the URL is rebuilt from the `Host` header, which a proxy
    /// may change.
    pub fn with_public_url(self, base: impl Into<String>) -> Self {
        let base = base.into();
        self.changed(|settings| settings.public_url = Some(base.trim_end_matches('/').to_owned()))
    }

    /// A receiver with `change` made to a copy of the settings.
    fn changed(self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Arc::unwrap_or_clone(self.0);
        change(&mut settings);
        Receiver(Arc::new(settings))
    }

    /// Checks, limits and parses one request's parts: what [`Vapi`] does.
    pub fn receive<T: FromBody>(
        &self,
        method: &str,
        uri: &::axum::http::Uri,
        headers: &::axum::http::HeaderMap,
        body: Bytes,
        now: SystemTime,
    ) -> Result<Vapi<T>, Rejection> {
        let settings = &self.0;
        let verified = if settings.authenticate {
            let url = self.url(uri, headers);
            let request = SignedRequest::new(method, &url, headers, &body);
            Some(verify_any(&settings.verifiers, &request, now).map_err(|err| self.rejected(err))?)
        } else {
            None
        };
        raw::check_depth(&body, settings.max_depth)
            .map_err(|TooDeep { limit, offset }| Rejection::TooDeep { limit, offset })?;
        let message = T::from_body(&body).map_err(Rejection::Invalid)?;
        Ok(Vapi {
            message,
            verified,
            body,
        })
    }

    fn rejected(&self, err: AuthError) -> Rejection {
        if err.is_server_fault() {
            return Rejection::Misconfigured(err);
        }
        let mut reason = err.to_string();
        // No credential of any configured scheme came: the one missing
        // header named is only one of the ways in (as `calltap serve` says).
        if matches!(err, AuthError::MissingHeader { .. }) && self.0.verifiers.len() > 1 {
            let schemes: Vec<&str> = self
                .0
                .verifiers
                .iter()
                .map(|v| v.scheme().as_str())
                .collect();
            reason = format!(
                "{reason} (no credential of any configured scheme: {})",
                schemes.join(", ")
            );
        }
        Rejection::Unauthorized {
            kind: err.kind(),
            reason,
        }
    }

    /// The URL Vapi posted to: the public base URL, else `http://` + Host,
    /// then the path and query as received.
    fn url(&self, uri: &::axum::http::Uri, headers: &::axum::http::HeaderMap) -> String {
        let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
        match &self.0.public_url {
            Some(base) => format!("{base}{path}"),
            None => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("localhost");
                format!("http://{host}{path}")
            }
        }
    }
}

/// A verified, parsed delivery: the extractor.
///
/// `T` is what the body is parsed into: a [`ServerMessage`] by default, an
/// [`Envelope`] to keep the key order for re-serialising, or your own
/// [`FromBody`] type.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Vapi<T = ServerMessage> {
    /// The parsed body.
    pub message: T,
    /// Which check accepted the delivery and its message id, when the
    /// signature covers it (see [`Verified::message_id`]); `None` when the
    /// receiver checks nothing.
    pub verified: Option<Verified>,
    /// The raw body, exactly as received (signatures are over these bytes).
    pub body: Bytes,
}

/// What a delivery body can be parsed into by [`Vapi`].
pub trait FromBody: Sized {
    /// Parses a whole delivery body (`{"message": {...}}`).
    fn from_body(body: &[u8]) -> Result<Self, ParseError>;
}

impl FromBody for ServerMessage {
    fn from_body(body: &[u8]) -> Result<Self, ParseError> {
        Envelope::from_slice(body).map(|envelope| envelope.message)
    }
}

impl FromBody for Envelope {
    fn from_body(body: &[u8]) -> Result<Self, ParseError> {
        Envelope::from_slice(body)
    }
}

impl<S, T> FromRequest<S> for Vapi<T>
where
    S: Send + Sync,
    Receiver: FromRef<S>,
    T: FromBody,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let receiver = Receiver::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = Limited::new(body, receiver.0.body_limit)
            .collect()
            .await
            .map_err(|err| {
                if err.downcast_ref::<LengthLimitError>().is_some() {
                    Rejection::TooLarge {
                        limit: receiver.0.body_limit,
                    }
                } else {
                    Rejection::Unreadable(err.to_string())
                }
            })?
            .to_bytes();
        receiver.receive(
            parts.method.as_str(),
            &parts.uri,
            &parts.headers,
            body,
            SystemTime::now(),
        )
    }
}

/// Why [`Vapi`] refused a delivery. Its response is `calltap serve`'s for
/// the same delivery: the status, `{"error": "...", "kind": "..."}`, and
/// `WWW-Authenticate: Bearer` on a 401.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// 413 `too_large`: the body is over the limit.
    #[error("body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 400 `unreadable_body`: the body could not be read.
    #[error("{0}")]
    Unreadable(String),
    /// 401: no configured check accepted the delivery; `kind` is
    /// [`AuthError::kind`] (`missing_header`, `mismatch`, ...).
    #[error("{reason}")]
    Unauthorized {
        /// Machine-readable class.
        kind: &'static str,
        /// What was wrong, never a secret.
        reason: String,
    },
    /// 500 `internal`: a check is misconfigured (the sender is not at
    /// fault); the client hears no detail.
    #[error("internal error")]
    Misconfigured(#[source] AuthError),
    /// 400 `too_deep`: the JSON nests deeper than the limit.
    #[error("JSON nesting deeper than {limit} levels (at byte {offset})")]
    TooDeep {
        /// The limit in levels.
        limit: usize,
        /// Where the limit was crossed.
        offset: usize,
    },
    /// 400: the body is not a Vapi server message; the kind is
    /// [`ParseError::kind`] (`not_json`, `missing_type`, ...).
    #[error(transparent)]
    Invalid(ParseError),
}

impl Rejection {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Rejection::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Rejection::Unreadable(_) | Rejection::TooDeep { .. } | Rejection::Invalid(_) => {
                StatusCode::BAD_REQUEST
            }
        }
    }

    /// The machine-readable class in the answer's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::TooLarge { .. } => "too_large",
            Rejection::Unreadable(_) => "unreadable_body",
            Rejection::Unauthorized { kind, .. } => kind,
            Rejection::Misconfigured(_) => "internal",
            Rejection::TooDeep { .. } => "too_deep",
            Rejection::Invalid(err) => err.kind(),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": self.to_string(), "kind": self.kind()});
        let mut response = (self.status(), Json(body)).into_response();
        if let Rejection::Unauthorized { .. } = &self {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// `IntoResponse` for the typed answers: `200` with the answer as JSON.
macro_rules! answer_responses {
    ($($answer:ty),*) => {
        $(
            impl IntoResponse for $answer {
                fn into_response(self) -> Response {
                    (StatusCode::OK, Json(self)).into_response()
                }
            }
        )*
    };
}

answer_responses!(
    ToolCallsResponse,
    AssistantRequestResponse,
    TransferDestinationResponse,
    KnowledgeBaseResponse,
    HandoffDestinationResponse
);
