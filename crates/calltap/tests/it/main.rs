//! calltap's integration tests, one binary with a module per area. Each
//! server test gets its own server on port 0 and its own temporary database
//! (`helpers::spawn_app`). Quiet unless `TEST_LOG=1`.

mod api;
mod auth;
mod backpressure;
mod body_store;
mod browser;
mod calls;
mod calls_stream;
mod cli;
mod cli_validate;
mod console;
mod crash;
mod encoding;
mod forward;
mod full_disk;
mod helpers;
mod hostile;
mod ingest;
mod lifecycle;
mod nats;
mod openapi;
mod process;
mod sim;
mod sim_serve;
mod stream;
mod tidy;
mod tool_server;
mod wire_format;
