//! Signature and credential checks on a delivery, as Vapi sends them.
//! Pure functions over the request's method, URL, headers and raw body.
//!
//! STUB: the implementation lands with issue 2.
