//! Tests of call state.
