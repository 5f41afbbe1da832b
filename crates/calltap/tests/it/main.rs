//! calltap's integration tests, one binary with a module per area.

mod cli_validate;
mod sim;
