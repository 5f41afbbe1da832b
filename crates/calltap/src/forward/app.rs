//! The team's app as a destination: one HTTP `POST` per delivery, made as
//! Vapi would make it, so that the app's own verification code keeps
//! working unchanged behind calltap.
//!
//! What the app sees: the exact bytes calltap received, `content-type:
//! application/json`, the credentials configured in `[forward.auth]`
//! signed over those bytes with the protocol crate's signing functions
//! (the same schemes calltap verifies), the configured extra headers, a
//! `webhook-id` that is the same on every attempt at one delivery
//! ([`webhook_id`]), and `x-calltap-seq` once the delivery has a seq.
//!
//! [`AppTarget`] builds and sends such a request and reads the answer, at
//! most `max_answer_bytes` of it; the synchronous [`proxy`](super::proxy)
//! and the outbox's [`AppDestination`] share it. Redirects are not
//! followed: an app that answers 3xx has answered. This module knows HTTP
//! and nothing of SQL.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use calltap_protocol::auth::{format_timestamp, SignInput, TimestampFormat, Verifier};
use calltap_protocol::model::MessageType;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::{webhook_id, Attempt, Destination, ForwardConfig, Outgoing};
use crate::ids::{DedupKey, Seq};

/// The header carrying a forwarded delivery's seq in calltap's log.
pub const SEQ_HEADER: &str = "x-calltap-seq";

/// The app, and how calltap presents itself to it; cheap to share.
#[derive(Debug)]
pub struct AppTarget {
    client: reqwest::Client,
    url: String,
    headers: HeaderMap,
    credentials: Vec<Verifier>,
    max_answer_bytes: usize,
}

/// Why the app gave no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// No answer within the time allowed.
    #[error("the app did not answer within {0:?}")]
    TimedOut(Duration),
    /// The connection could not be made (refused, unreachable, DNS).
    #[error("the app is unreachable: {0}")]
    Unreachable(String),
    /// The answer was longer than calltap reads.
    #[error("the app's answer ({status}) is longer than {limit} bytes")]
    TooLarge {
        /// The answer's status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The exchange broke (the connection closed mid-answer, a bad
    /// response, a credential that cannot sign).
    #[error("the exchange with the app failed: {0}")]
    Failed(String),
}

/// What the app answered, read whole.
#[derive(Clone, Debug, PartialEq)]
pub struct AppAnswer {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, exactly as sent.
    pub body: Bytes,
}

impl AppTarget {
    /// The app described by `config`: one connection pool, no redirects
    /// followed, no automatic decompression.
    pub fn new(config: &ForwardConfig) -> Result<AppTarget, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .pool_max_idle_per_host(config.max_in_flight.max(64))
            .build()?;
        let mut headers = HeaderMap::new();
        for (name, value) in &config.headers {
            // Checked when the config was validated; a bad one is skipped.
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        Ok(AppTarget {
            client,
            url: config.url.clone(),
            headers,
            credentials: config.credentials.clone(),
            max_answer_bytes: config.max_answer_bytes,
        })
    }

    /// The app's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The request headers for `body`: the extra headers, the credentials
    /// signed over the exact bytes, `webhook-id` and, once known, the seq.
    pub fn headers(
        &self,
        body: &[u8],
        key: &DedupKey,
        seq: Option<Seq>,
    ) -> Result<HeaderMap, AppError> {
        let mut headers = self.headers.clone();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let id = webhook_id(key);
        let timestamp = format_timestamp(SystemTime::now(), TimestampFormat::Seconds);
        let input = SignInput {
            method: "POST",
            url: &self.url,
            body,
            timestamp: &timestamp,
            message_id: Some(&id),
        };
        for credential in &self.credentials {
            let signed = credential
                .sign(&input)
                .map_err(|err| AppError::Failed(format!("signing: {err}")))?;
            for (name, value) in signed {
                headers.insert(name, value);
            }
        }
        // After the credentials: Standard Webhooks signs this very id, and
        // every other scheme leaves the header to us.
        if let Ok(value) = HeaderValue::from_str(&id) {
            headers.insert(
                HeaderName::from_static(calltap_protocol::auth::WEBHOOK_ID),
                value,
            );
        }
        if let Some(seq) = seq {
            headers.insert(SEQ_HEADER, HeaderValue::from(seq.get()));
        }
        Ok(headers)
    }

    /// POSTs `body` and reads the answer, all within `timeout`.
    pub async fn send(
        &self,
        body: Bytes,
        key: &DedupKey,
        seq: Option<Seq>,
        timeout: Duration,
    ) -> Result<AppAnswer, AppError> {
        let headers = self.headers(&body, key, seq)?;
        let exchange = async {
            let response = self
                .client
                .post(&self.url)
                .headers(headers)
                .body(body)
                .send()
                .await
                .map_err(|err| {
                    if err.is_connect() {
                        AppError::Unreachable(error_chain(&err))
                    } else {
                        AppError::Failed(error_chain(&err))
                    }
                })?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_capped(response, status, self.max_answer_bytes).await?;
            Ok(AppAnswer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(AppError::TimedOut(timeout)))
    }
}

/// Reads a body, failing as soon as it is longer than `limit` bytes (the
/// rest is never read: the connection is dropped).
async fn read_capped(
    mut response: reqwest::Response,
    status: StatusCode,
    limit: usize,
) -> Result<Bytes, AppError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(AppError::TooLarge { status, limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| AppError::Failed(error_chain(&err)))?
    {
        if body.len() + chunk.len() > limit {
            return Err(AppError::TooLarge { status, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// An error with its causes on one line (reqwest's own message names only
/// the outermost).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// How the outbox reads an app's status: 2xx delivered; 408, 425, 429 and
/// 5xx may pass later; any other status (a 4xx refusal, a redirect calltap
/// does not follow) will not, so the delivery is dead-lettered.
pub fn classify(status: StatusCode) -> Attempt {
    if status.is_success() {
        return Attempt::Delivered;
    }
    let why = format!("the app answered {status}");
    match status.as_u16() {
        408 | 425 | 429 | 500..=599 => Attempt::RetryLater(why),
        _ => Attempt::Permanent(why),
    }
}

/// The app as an outbox destination: the informational deliveries of the
/// forwarded types (questions go through the [`proxy`](super::proxy)).
#[derive(Debug)]
pub struct AppDestination {
    target: std::sync::Arc<AppTarget>,
    types: Option<Vec<String>>,
    timeout: Duration,
}

impl AppDestination {
    /// The destination `name`d `app`, over `target`, for `config`'s types.
    pub fn new(target: std::sync::Arc<AppTarget>, config: &ForwardConfig) -> AppDestination {
        AppDestination {
            target,
            types: config.types.clone(),
            timeout: config.attempt_timeout,
        }
    }
}

/// The outbox name of the app destination.
pub const APP: &str = "app";

impl Destination for AppDestination {
    fn name(&self) -> &str {
        APP
    }

    fn wants(&self, message_type: &str) -> bool {
        let listed = match &self.types {
            None => true,
            Some(types) => types.iter().any(|t| t == message_type),
        };
        listed && !MessageType::from(message_type).expects_response()
    }

    async fn deliver(&self, delivery: &Outgoing) -> Attempt {
        let sent = self
            .target
            .send(
                delivery.body.clone(),
                &delivery.key,
                Some(delivery.seq),
                self.timeout,
            )
            .await;
        match sent {
            Ok(answer) => classify(answer.status),
            // The status is all the outbox reads of an answer.
            Err(AppError::TooLarge { status, .. }) => classify(status),
            Err(err) => Attempt::RetryLater(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calltap_protocol::auth::{SignedRequest, StandardWebhooksPlan, VapiSecretPlan};

    #[test]
    fn statuses_are_classified_as_delivered_retried_or_refused_for_good() {
        assert_eq!(classify(StatusCode::OK), Attempt::Delivered);
        assert_eq!(classify(StatusCode::NO_CONTENT), Attempt::Delivered);
        for retried in [408, 425, 429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(retried).expect("status");
            assert!(
                matches!(classify(status), Attempt::RetryLater(_)),
                "{status}"
            );
        }
        for refused in [301, 307, 400, 401, 404, 410, 422] {
            let status = StatusCode::from_u16(refused).expect("status");
            assert!(
                matches!(classify(status), Attempt::Permanent(_)),
                "{status}"
            );
        }
    }

    #[test]
    fn the_request_is_signed_so_that_the_apps_own_check_accepts_it() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let plan: StandardWebhooksPlan =
            serde_json::from_value(serde_json::json!({ "secret": secret })).expect("plan");
        let mut config = ForwardConfig::new("http://127.0.0.1:9/vapi");
        config.credentials = vec![plan.clone().into(), VapiSecretPlan::new("s3").into()];
        config.headers = vec![("x-team".to_owned(), "blue".to_owned())];
        let target = AppTarget::new(&config).expect("client");
        let body = br#"{"message":{"type":"status-update"}}"#;

        let key = DedupKey::stored("key-1");
        let headers = target
            .headers(body, &key, Some(Seq::new(42)))
            .expect("signed");

        let request = SignedRequest::new("POST", target.url(), &headers, body);
        let verified = plan
            .verify(&request, SystemTime::now())
            .expect("the app's Standard Webhooks check passes");
        assert_eq!(verified.message_id.as_deref(), Some(&webhook_id(&key)[..]));
        assert_eq!(headers["x-vapi-secret"], "s3");
        assert_eq!(headers["x-team"], "blue");
        assert_eq!(headers[SEQ_HEADER], "42");
        assert_eq!(headers["webhook-id"], webhook_id(&key).as_str());
        let again = target.headers(body, &key, None).expect("signed");
        assert_eq!(again["webhook-id"], headers["webhook-id"], "stable per key");
        assert!(again.get(SEQ_HEADER).is_none());
    }

    #[test]
    fn questions_stay_off_the_app_outbox_and_the_type_filter_applies() {
        let mut config = ForwardConfig::new("http://127.0.0.1:9/");
        let target = std::sync::Arc::new(AppTarget::new(&config).expect("client"));
        let all = AppDestination::new(target.clone(), &config);
        assert!(all.wants("status-update"));
        assert!(all.wants("a-type-vapi-adds-tomorrow"));
        assert!(!all.wants("tool-calls"));
        config.types = Some(vec!["end-of-call-report".to_owned()]);
        let some = AppDestination::new(target, &config);
        assert!(some.wants("end-of-call-report"));
        assert!(!some.wants("status-update"));
    }
}
