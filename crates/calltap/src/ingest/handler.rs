//! The HTTP edge of ingest: extract a [`Delivery`], run the pipeline, map
//! the result (and [`IngestError`] to [`ApiError`]). No decisions are made
//! here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::BytesMut;
use futures_util::StreamExt;

use super::budget::{BodyBudget, Held};
use super::encoding::EncodingError;
use super::{Ack, Delivery, IngestError, Ingestor, Received};
use crate::api::ApiError;
use crate::conn::ParkedFor;
use crate::store::admission::Refused;

/// What the ingest paths need: the pipeline, and the limits they answer with.
#[derive(Clone, Debug)]
pub struct IngestState {
    /// The ingest pipeline.
    pub ingestor: Arc<Ingestor>,
    /// The largest body accepted, in bytes (named in the 413).
    pub body_limit: usize,
    /// The longest a body may take to arrive whole; then 408. A sender
    /// that dribbles its body would otherwise hold its connection, and the
    /// bytes read so far, for as long as it likes.
    pub body_read_timeout: Duration,
    /// The bytes of bodies held at once (read, queued, being committed); a
    /// request waits for its share before its body is read.
    pub body_budget: Arc<BodyBudget>,
    /// The longest a request waits for its share of `body_budget` (the
    /// queue's wait budget: the wait counts in the expected wait); then 503.
    pub max_wait: Duration,
}

/// `POST` on each of `paths` (any other method: 405), with bodies up to
/// `body_limit` bytes, over an [`IngestState`].
pub fn router<S>(paths: &[String], body_limit: usize) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    IngestState: FromRef<S>,
{
    let mut router = Router::new();
    for path in paths {
        router = router.route(path, post(receive).fallback(not_post));
    }
    router.layer(DefaultBodyLimit::max(body_limit))
}

/// Any other method on an ingest path: a browser's GET (it accepts HTML)
/// goes to the console, anything else gets 405 with `Allow: POST` and a
/// line saying what the path is for.
pub async fn not_post(method: Method, headers: HeaderMap) -> Response {
    let browser = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if method == Method::GET && browser {
        return axum::response::Redirect::to("/ui/").into_response();
    }
    ApiError::NotPost.into_response()
}

/// `POST` on an ingest path: `200 {}` once the delivery is committed (or
/// was already stored), 400 with the reason for bad input (quarantined),
/// 401, 408 (the body did not arrive within the body read timeout), 413,
/// or 503 with `Retry-After`. A question forwarded to the app is
/// answered with the app's answer (status, `content-type`, body) or its
/// stand-in. The seq is in `x-calltap-seq`; a delivery whose signed message
/// id was stored before with other bytes is stored too, and
/// `x-calltap-id-conflict` names the first one's seq.
pub async fn receive(
    State(ingest): State<IngestState>,
    request: Request,
) -> Result<Response, ApiError> {
    // The request's own parts, moved rather than cloned by extractors.
    let (parts, body) = request.into_parts();
    let http::request::Parts {
        method,
        uri,
        headers,
        extensions,
        ..
    } = parts;
    let length = content_length(&headers);
    if length.is_some_and(|length| length > ingest.body_limit) {
        return Err(too_large(ingest.body_limit));
    }
    // The share of the body budget first, the body read after (and its
    // timeout from then: the wait is ours, not the sender's). A request
    // whose connection was parked has waited since it was accepted.
    let now = Instant::now();
    let asked = extensions
        .get::<ParkedFor>()
        .and_then(|ParkedFor(parked)| now.checked_sub(*parked))
        .unwrap_or(now);
    // Most requests find room at once: no timer for them.
    let mut held = match ingest.body_budget.try_take(length.unwrap_or(0)) {
        Some(held) => held,
        None => {
            let take = ingest.body_budget.take(length.unwrap_or(0));
            let deadline = tokio::time::Instant::from_std(asked) + ingest.max_wait;
            let Ok(held) = tokio::time::timeout_at(deadline, take).await else {
                metrics::counter!("calltap_overloaded_total").increment(1);
                return Err(answer(IngestError::Overloaded(Refused::Wait {
                    expected: asked.elapsed(),
                    max: ingest.max_wait,
                })));
            };
            held
        }
    };
    let waited = asked.elapsed();
    let read = read_body(body, length, ingest.body_limit, &mut held);
    let Ok(body) = tokio::time::timeout(ingest.body_read_timeout, read).await else {
        metrics::counter!("calltap_deliveries_rejected_total", "reason" => "body_timeout")
            .increment(1);
        tracing::warn!("a body did not arrive within the body read timeout");
        return Err(ApiError::RequestTimeout {
            timeout: ingest.body_read_timeout,
        });
    };
    let body = body.map_err(|err| match err {
        BodyError::TooLarge => too_large(ingest.body_limit),
        BodyError::Unreadable(err) => ApiError::BadRequest {
            kind: "unreadable_body",
            reason: format!("the body could not be read: {err}"),
        },
    })?;
    let delivery = Delivery {
        method,
        uri,
        headers,
        body,
        waited,
    };
    // Boxed: the pipeline's state is most of this future's, and a request
    // waiting for its share of the body budget above would hold all of it
    // (4.8 KB of 5.0) for as long as it waits, thousands at a time when
    // the log writer stalls.
    let received = Box::pin(ingest.ingestor.ingest(delivery))
        .await
        .map_err(answer)?;
    // The body's share of the budget is held until the answer is built.
    drop(held);
    let (mut response, ack) = match received {
        Received::Acked(ack) => (empty_object(), Some(ack)),
        Received::Answered { ack, answer } => {
            let mut response = (answer.status, answer.body).into_response();
            // Exactly the app's `content-type`, or none if it sent none.
            let headers = response.headers_mut();
            headers.remove(header::CONTENT_TYPE);
            if let Some(content_type) = answer.content_type {
                headers.insert(header::CONTENT_TYPE, content_type);
            }
            (response, ack)
        }
    };
    let (seq, duplicate, conflicts_with) = match ack.unwrap_or(Ack::DryRun) {
        Ack::Stored(seq) => (Some(seq), false, None),
        Ack::StoredConflicting { seq, first } => (Some(seq), false, Some(first)),
        Ack::Duplicate(seq) => (Some(seq), true, None),
        Ack::DryRun => (None, false, None),
    };
    if let Some(seq) = seq {
        response
            .headers_mut()
            .insert("x-calltap-seq", HeaderValue::from(seq.get()));
    }
    if let Some(first) = conflicts_with {
        response
            .headers_mut()
            .insert("x-calltap-id-conflict", HeaderValue::from(first.get()));
    }
    if duplicate {
        response
            .headers_mut()
            .insert("x-calltap-duplicate", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `200 {}` as `application/json`: what `Json(json!({}))` answers, without
/// building and serialising a map for every delivery.
fn empty_object() -> Response {
    let mut response = Response::new(Body::from(Bytes::from_static(b"{}")));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Why a body could not be read whole.
enum BodyError {
    /// Past the body limit.
    TooLarge,
    /// The connection failed or the framing was broken.
    Unreadable(axum::Error),
}

/// Reads `body` into one buffer (sized by `length` when the request gave
/// it, so that its frames are not joined into a second copy), covering a
/// body that grows past its share. The bytes held are counted in `held`
/// once for the buffer as sized (it holds them from then on), and then
/// only for what a body without a length grows past it: a count takes a
/// lock shared by every request and sets two gauges, and a 19 KB body
/// arrives in three frames of an 8 KiB read buffer (one of a wide reader's,
/// see `conn`).
async fn read_body(
    body: Body,
    length: Option<usize>,
    limit: usize,
    held: &mut Held,
) -> Result<Bytes, BodyError> {
    let reserved = length.unwrap_or(0).min(limit);
    let mut buf = BytesMut::with_capacity(reserved);
    let mut counted = reserved;
    if reserved > 0 {
        held.read(reserved);
    }
    let mut frames = body.into_data_stream();
    while let Some(frame) = frames.next().await {
        let frame = frame.map_err(BodyError::Unreadable)?;
        let len = buf.len().saturating_add(frame.len());
        if len > limit {
            return Err(BodyError::TooLarge);
        }
        held.cover(len).await;
        buf.extend_from_slice(&frame);
        if len > counted {
            held.read(len - counted);
            counted = len;
        }
    }
    Ok(buf.freeze())
}

/// The request's `Content-Length`, when it gives a readable one.
fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The 413 for a body past `limit`, counted.
fn too_large(limit: usize) -> ApiError {
    metrics::counter!("calltap_deliveries_rejected_total", "reason" => "too_large").increment(1);
    ApiError::PayloadTooLarge {
        limit,
        decompressed: false,
    }
}

/// The ingest pipeline's errors, as HTTP (the 503s get the configured
/// `Retry-After` from the app's [`RetryAfter`](crate::api::error::RetryAfter) layer).
pub fn answer(err: IngestError) -> ApiError {
    let kind = err.kind();
    match err {
        IngestError::Unauthorized(rejected) if rejected.server_fault => {
            ApiError::Internal(anyhow::anyhow!("ingest auth is misconfigured: {rejected}"))
        }
        IngestError::Unauthorized(rejected) => ApiError::Unauthorized {
            kind,
            reason: rejected.reason,
        },
        IngestError::TooDeep(_)
        | IngestError::Invalid(_)
        | IngestError::Encoding(EncodingError::Corrupt { .. }) => ApiError::BadRequest {
            kind,
            reason: err.to_string(),
        },
        IngestError::Encoding(EncodingError::Unsupported(_)) => ApiError::UnsupportedMediaType {
            kind,
            reason: err.to_string(),
        },
        IngestError::Encoding(EncodingError::TooLarge { limit }) => ApiError::PayloadTooLarge {
            limit,
            decompressed: true,
        },
        IngestError::Overloaded(_) | IngestError::StoreUnavailable(_) => ApiError::Unavailable {
            kind,
            reason: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body arriving in `frames`, as hyper hands it over.
    fn framed(frames: &[&'static [u8]]) -> Body {
        let frames: Vec<Result<Bytes, std::io::Error>> = frames
            .iter()
            .map(|frame| Ok(Bytes::from_static(frame)))
            .collect();
        Body::from_stream(futures_util::stream::iter(frames))
    }

    /// The size of the future `f` returns, which an async fn allocates
    /// whole however far it has got.
    fn size_of_future<A, B, F>(_: fn(A, B) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    #[test]
    fn a_request_waiting_for_the_body_budget_holds_a_small_future() {
        // Thousands wait at once when the log writer stalls; with the
        // pipeline's state inline, each held 4.8 KB.
        let size = size_of_future(receive);
        assert!(size <= 2048, "the handler's future is {size} bytes");
    }

    #[tokio::test]
    async fn a_body_read_is_counted_once_whether_it_gave_its_length_or_not() {
        for length in [Some(14), None] {
            let budget = BodyBudget::new(1 << 20);
            let mut held = budget.take(length.unwrap_or(0)).await;
            let body = framed(&[b"{\"mess", b"age\":", b"{}}"]);
            let read = read_body(body, length, 1 << 10, &mut held).await;
            assert_eq!(read.ok().as_deref(), Some(&b"{\"message\":{}}"[..]));
            assert_eq!(budget.in_flight(), (14, 14), "length {length:?}");
            drop(held);
            assert_eq!(budget.in_flight(), (0, 14), "length {length:?}");
        }
    }
}
