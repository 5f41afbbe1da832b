//! Typed, lossless models of Vapi server messages.
//!
//! STUB: the implementation lands with issue 2.
