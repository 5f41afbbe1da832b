//! Property tests: arrival order and redelivery do not change a call.
