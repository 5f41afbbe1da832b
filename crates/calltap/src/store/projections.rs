//! The call projections' records: a call's row (the columns the list
//! filters and sorts on, the summary and the detail as JSON text) and the
//! list's queries, as every backend stores and reads them.
//!
//! Everything here is derived from the log and can be thrown away and
//! rebuilt (`calltap rebuild`). This module knows neither SQL nor HTTP, nor
//! how a call's state is computed: the projector hands finished
//! [`CallRow`]s to a [`ProjectionWrite`](super::backend::ProjectionWrite).

use std::sync::Arc;

use crate::ids::{CallId, Seq};

/// One call as stored: the filter and sort columns (copies of fields of
/// the call's summary, which the projector takes in one place), and the
/// JSON forms.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRow {
    /// The call id.
    pub id: CallId,
    /// The furthest status reached.
    pub status: Option<String>,
    /// Why the call ended.
    pub ended_reason: Option<String>,
    /// The assistant the call started with, by id.
    pub assistant_id: Option<String>,
    /// The assistant the call started with, by name.
    pub assistant_name: Option<String>,
    /// `call.type`.
    pub call_type: Option<String>,
    /// When the call started (epoch ms).
    pub started_at: Option<i64>,
    /// When the call ended (epoch ms).
    pub ended_at: Option<i64>,
    /// The list's order and the time filters' subject: `started_at`, else
    /// the first event's time.
    pub sort_at: i64,
    /// The latest message timestamp (epoch ms).
    pub last_event_at: Option<i64>,
    /// Distinct events of the call.
    pub event_count: i64,
    /// The highest log seq folded into this row.
    pub last_seq: Seq,
    /// The call's summary, JSON.
    pub summary: String,
    /// The call's detail, JSON.
    pub detail: String,
    /// A stretch of `detail` that other calls' details repeat (the JSON
    /// string of the system prompt) and where it stands, which the store
    /// may keep once for all of them instead of in each row; reads give
    /// back `detail` whole.
    pub detail_shared: Option<SharedPart>,
}

/// A text that many calls' details repeat (the JSON string of their system
/// prompt), named by its blake3 hash. Made once per distinct text and
/// shared by the rows that hold it, so that neither the projector nor the
/// store serialises, finds or hashes it again for every row written.
#[derive(Debug, PartialEq, Eq)]
pub struct SharedText {
    text: String,
    hash: [u8; 32],
}

impl SharedText {
    /// `text`, named by its hash.
    pub fn new(text: String) -> SharedText {
        let hash = *blake3::hash(text.as_bytes()).as_bytes();
        SharedText { text, hash }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its name: the blake3 hash of the text.
    pub fn hash(&self) -> &[u8; 32] {
        &self.hash
    }
}

/// A [`SharedText`] and where it stands in a row's detail.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedPart {
    /// The byte offset in the detail where the text begins.
    pub at: usize,
    /// The text.
    pub text: Arc<SharedText>,
}

/// Where a page of the list starts: after the row with this sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallCursor {
    /// The previous page's last `sort_at`.
    pub sort_at: i64,
    /// The previous page's last id.
    pub id: CallId,
}

/// A page request over the calls, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only calls whose assistant has this id or this name.
    pub assistant: Option<String>,
    /// Only this ended reason.
    pub ended_reason: Option<String>,
    /// Only calls with `sort_at >= since`.
    pub since: Option<i64>,
    /// Only calls with `sort_at < until`.
    pub until: Option<i64>,
    /// Only rows after this one in the list's order.
    pub after: Option<CallCursor>,
    /// At most this many.
    pub limit: u32,
}

/// One row of a page of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct CallListRow {
    /// The row's `sort_at` (for the next cursor).
    pub sort_at: i64,
    /// The call id.
    pub id: CallId,
    /// The summary, JSON.
    pub summary: String,
}

/// A call's stored detail.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDetail {
    /// The highest log seq folded into it.
    pub last_seq: Seq,
    /// The detail, JSON.
    pub detail: String,
}
