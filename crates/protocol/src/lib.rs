//! calltap-protocol: Vapi server messages as Rust types.
//!
//! Everything a receiver of Vapi's server messages needs that does not touch the
//! network or the disk: the typed, lossless message models ([`model`]), a
//! zero-copy view for the ingest hot path ([`view`]), strict validation
//! against Vapi's schemas ([`validate`]) and signature checks ([`auth`]).
//! No I/O, no async: a Rust developer can use this crate alone in their own server.

pub mod auth;
#[cfg(feature = "axum")]
pub mod axum;
pub mod error;
#[cfg(feature = "fixtures")]
pub mod fixtures;
#[macro_use]
pub mod model;
pub mod response;
pub mod timestamp;
pub mod validate;
pub mod view;

pub use error::ParseError;
pub use timestamp::Timestamp;
