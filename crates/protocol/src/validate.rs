//! Strict validation of a delivery against the seed schemas.
//!
//! STUB: the implementation lands with issue 2.
