//! Each metric's edge cases.
