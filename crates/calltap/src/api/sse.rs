//! Server-Sent Events: what every stream of the API shares. The wire
//! framing ([`Frame`]), keep-alive comments, and ending promptly when the
//! server shuts down ([`Shutdown`], [`response`]).
//!
//! This module knows the SSE wire format and HTTP, and nothing of the store
//! or of what a stream's events mean: a stream hands it [`Frame`]s.
//!
//! Framing, as sent (each field on its own line, a blank line after each
//! message; `id` only when the message has one):
//!
//! ```text
//! id: 42
//! event: delivery
//! data: {"seq":42,...}
//!
//! : keep-alive
//!
//! ```
//!
//! `data` is always ONE line of JSON. A JSON text can only hold a raw line
//! break as whitespace between tokens (inside strings they are escaped), so
//! [`Frame::event`] turns any CR or LF into a space: the value is the same
//! JSON, and clients need not join multi-line `data` fields.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::pin::Pin;
use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::sync::watch;

use crate::ids::Seq;

/// The comment sent when a stream has been silent for the keep-alive interval.
pub const KEEP_ALIVE: &str = "keep-alive";

/// One SSE message, framed and ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame(Bytes);

impl Frame {
    /// A named event: `id: <id>` (when given), `event: <name>`,
    /// `data: <json>` on one line, then a blank line. `name` is one of the
    /// stream's fixed event names (no line breaks); `json` is a JSON text.
    pub fn event(name: &'static str, id: Option<Seq>, json: &str) -> Frame {
        debug_assert!(!name.contains(['\r', '\n']), "event names are one line");
        let json: Cow<'_, str> = if json.contains(['\r', '\n']) {
            Cow::Owned(json.replace(['\r', '\n'], " "))
        } else {
            Cow::Borrowed(json)
        };
        let mut text = String::with_capacity(json.len() + name.len() + 40);
        if let Some(id) = id {
            // Writing to a String cannot fail.
            let _ = writeln!(text, "id: {id}");
        }
        let _ = write!(text, "event: {name}\ndata: {json}\n\n");
        Frame(Bytes::from(text))
    }

    /// A comment (`: <text>`), which clients ignore; used for keep-alives.
    pub fn comment(text: &'static str) -> Frame {
        debug_assert!(!text.contains(['\r', '\n']), "comments are one line");
        Frame(Bytes::from(format!(": {text}\n\n")))
    }

    /// The bytes on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Tells streams that the server is shutting down; held by `server::run`.
#[derive(Debug)]
pub struct ShutdownTrigger {
    tx: watch::Sender<bool>,
}

impl ShutdownTrigger {
    /// Ends every stream (and every stream opened from now on) promptly.
    pub fn trigger(&self) {
        // `send_replace` stores the value even when no stream is open, so a
        // stream opened during the drain still sees it.
        self.tx.send_replace(true);
    }
}

/// A stream's view of shutdown; cheap to clone, one per stream.
///
/// Why this is needed at all: axum's graceful shutdown waits for every open
/// connection to finish its response, and a live stream never finishes on
/// its own, so without it `server::run` would wait forever. Why a `watch`:
/// it holds the state, not just a wake-up, so a stream that starts waiting
/// after the trigger (or a dropped trigger) still stops at once.
#[derive(Clone, Debug)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

impl Shutdown {
    /// A trigger and the shutdown signal it controls.
    pub fn new() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger { tx }, Shutdown { rx })
    }

    /// Resolves once shutdown has been triggered or the trigger dropped.
    pub async fn wait(&mut self) {
        // An error means the trigger is gone: the server is stopping anyway.
        let _ = self.rx.wait_for(|stopping| *stopping).await;
    }
}

/// What every stream of the API needs from the server: how long a silent
/// stream waits before a keep-alive, and the signal that ends it.
#[derive(Clone, Debug)]
pub struct Streams {
    /// Silence before a keep-alive comment.
    pub keep_alive: Duration,
    /// Fires when the server starts shutting down.
    pub shutdown: Shutdown,
}

impl Streams {
    /// Serves `frames` as `text/event-stream` (see [`response`]).
    pub fn respond<S>(&self, frames: S) -> Response
    where
        S: Stream<Item = Frame> + Send + 'static,
    {
        response(frames, self.keep_alive, self.shutdown.clone())
    }
}

/// Serves `frames` as `text/event-stream`: a keep-alive comment after every
/// `keep_alive` of silence, and the end of the response as soon as
/// `shutdown` fires. The client disconnecting drops `frames` (and with it
/// whatever it holds, such as a feed subscription) when the server next
/// writes to the connection, a keep-alive interval at the latest.
pub fn response<S>(frames: S, keep_alive: Duration, shutdown: Shutdown) -> Response
where
    S: Stream<Item = Frame> + Send + 'static,
{
    let pump = Pump {
        frames: Box::pin(frames),
        keep_alive,
        shutdown,
    };
    let body = futures_util::stream::unfold(pump, |mut pump| async move {
        let frame = pump.next().await?;
        Some((Ok::<_, Infallible>(frame.0), pump))
    });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Reverse proxies such as nginx buffer responses by default,
            // which would hold events back until the buffer fills.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// Drives one stream: the next frame, a keep-alive, or the end.
struct Pump {
    frames: Pin<Box<dyn Stream<Item = Frame> + Send>>,
    keep_alive: Duration,
    shutdown: Shutdown,
}

impl Pump {
    async fn next(&mut self) -> Option<Frame> {
        // `biased`: shutdown wins over a ready frame, so a stream with a
        // backlog still ends at once. Dropping the losing branches is safe:
        // a stream keeps its progress in itself, not in `next()`'s future.
        // The sleep starts anew for each frame, so a keep-alive is sent only
        // after `keep_alive` with nothing else sent.
        tokio::select! {
            biased;
            () = self.shutdown.wait() => None,
            frame = self.frames.next() => frame,
            () = tokio::time::sleep(self.keep_alive) => Some(Frame::comment(KEEP_ALIVE)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(frame: &Frame) -> &str {
        std::str::from_utf8(frame.as_bytes()).expect("frames are UTF-8")
    }

    #[test]
    fn an_event_is_id_name_and_one_data_line_then_a_blank_line() {
        let frame = Frame::event("delivery", Some(Seq::new(7)), r#"{"a":1}"#);
        assert_eq!(text(&frame), "id: 7\nevent: delivery\ndata: {\"a\":1}\n\n");
        let frame = Frame::event("lagged", None, "{}");
        assert_eq!(text(&frame), "event: lagged\ndata: {}\n\n");
    }

    #[test]
    fn line_breaks_between_json_tokens_become_spaces_so_data_stays_one_line() {
        let frame = Frame::event("delivery", Some(Seq::new(1)), "{\r\n  \"a\": \"x\\ny\"\n}");
        assert_eq!(
            text(&frame),
            "id: 1\nevent: delivery\ndata: {    \"a\": \"x\\ny\" }\n\n"
        );
    }

    #[tokio::test]
    async fn a_silent_stream_gets_keep_alives_and_ends_on_shutdown() {
        let (trigger, shutdown) = Shutdown::new();
        let mut pump = Pump {
            frames: Box::pin(futures_util::stream::pending()),
            keep_alive: Duration::from_millis(10),
            shutdown,
        };
        assert_eq!(pump.next().await, Some(Frame::comment(KEEP_ALIVE)));
        trigger.trigger();
        assert_eq!(pump.next().await, None);
    }

    #[tokio::test]
    async fn a_stream_started_after_shutdown_ends_at_once() {
        let (trigger, mut shutdown) = Shutdown::new();
        drop(trigger);
        tokio::time::timeout(Duration::from_secs(1), shutdown.wait())
            .await
            .expect("a dropped trigger counts as shutdown");
    }
}
