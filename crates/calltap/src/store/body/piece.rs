//! A piece: a span of a body that repeats across deliveries, named by the
//! blake3 hash of its bytes. Shared by the cut ([`super::split`]), the
//! recipe and the known-pieces memo, so that none of them imports another
//! for it.

use std::ops::Range;

/// The blake3 hash of a piece's bytes: its name in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PieceHash(pub [u8; 32]);

/// One piece of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Its name.
    pub hash: PieceHash,
    /// Where its bytes are in the body.
    pub range: Range<usize>,
    /// Already committed to the store (seen in
    /// [`KnownPieces`](super::KnownPieces)): the writer need not insert it.
    pub known: bool,
    /// Its [`KnownPieces::key`](super::KnownPieces::key), for the writer to
    /// record it once committed.
    pub key: u64,
}
