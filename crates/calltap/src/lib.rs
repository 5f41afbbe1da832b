//! calltap: receives Vapi server messages, verifies and records them durably
//! and exactly once, rebuilds each call's state and serves it.
//!
//! The binary is a thin shell over this library so that integration tests
//! drive the same code paths as `main` (see `ARCHITECTURE.md`).

pub mod api;
pub mod calls;
pub mod cli;
pub mod config;
pub mod conn;
pub mod forward;
pub mod ids;
pub mod ingest;
pub mod memory;
pub mod project;
pub mod server;
pub mod sim;
pub mod store;
pub mod ui;
