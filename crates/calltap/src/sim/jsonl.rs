//! Deliveries as JSON Lines: one POST body per line, in delivery order.
//!
//! [`write_calls`] plays many calls at once into a writer, interleaved by
//! message timestamp as they would reach a server (calls overlap), and is the
//! simulator's fast path (`--out`, the benchmark). [`read_deliveries`] reads
//! such a file back for `replay --from`, keeping each line's bytes exactly.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use super::render::{CallRender, Renderer};
use super::script::CallScript;

/// Writes calls `0..calls` as JSON Lines to `out`, interleaved by
/// timestamp (ties: lower call index first), calling `on_call` with each
/// call's script as it starts. Returns the number of deliveries written.
///
/// Memory holds only the calls in progress at one moment. Give it a
/// `BufWriter` with a large buffer: each line is written in a few dozen
/// pieces.
pub fn write_calls<W: Write>(
    renderer: &Arc<Renderer>,
    calls: u64,
    out: &mut W,
    mut on_call: impl FnMut(&CallScript),
) -> io::Result<u64> {
    let mut active: Vec<Option<CallRender>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    // (next timestamp, call index, slot)
    let mut heap: BinaryHeap<Reverse<(i64, u64, usize)>> = BinaryHeap::new();
    let mut next_index = 0u64;
    let mut pending: Option<CallRender> = None;
    let mut written = 0u64;
    loop {
        if pending.is_none() && next_index < calls {
            let call = renderer.call(next_index);
            on_call(call.script());
            pending = Some(call);
            next_index += 1;
        }
        let pending_at = pending.as_ref().and_then(CallRender::peek_at);
        let top = heap.peek().map(|Reverse((at, _, _))| *at);
        match (pending_at, top) {
            (None, None) => {
                if pending.take().is_some() {
                    // A call without messages: nothing to write.
                    continue;
                }
                return Ok(written);
            }
            (Some(p), t) if t.is_none_or(|t| p < t) => {
                if let Some(call) = pending.take() {
                    let slot = free.pop().unwrap_or_else(|| {
                        active.push(None);
                        active.len() - 1
                    });
                    heap.push(Reverse((p, call.script().index, slot)));
                    active[slot] = Some(call);
                }
            }
            _ => {
                let Some(Reverse((_, index, slot))) = heap.pop() else {
                    continue;
                };
                let Some(call) = active[slot].as_mut() else {
                    continue;
                };
                if call.write_next(out)?.is_some() {
                    out.write_all(b"\n")?;
                    written += 1;
                }
                match call.peek_at() {
                    Some(at) => heap.push(Reverse((at, index, slot))),
                    None => {
                        active[slot] = None;
                        free.push(slot);
                    }
                }
            }
        }
    }
}

/// Reads JSON Lines of delivery bodies, each line's bytes kept exactly
/// (without its line ending); blank lines are skipped.
pub fn read_deliveries<R: BufRead>(mut input: R) -> io::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(out);
        }
        let mut end = line.len();
        while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if line[..end].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.push(line[..end].to_vec());
    }
}
