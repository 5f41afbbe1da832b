//! The one integration-test binary of calltap: one module per area, each
//! test with its own server on port 0 and its own temporary database
//! (`helpers::spawn_app`). Quiet unless `TEST_LOG=1`.

mod api;
mod auth;
mod backpressure;
mod helpers;
mod ingest;
mod process;
