//! Reading a delivery's raw bytes without parsing them: how deep its JSON
//! nests ([`check_depth`]), where the parts that repeat across a call's
//! deliveries lie ([`repeated_spans`]), and blanking the artifact out of a
//! body whose reader does not need it ([`blank_artifact`]).
//!
//! Why: a receiver that keeps bodies byte for byte (calltap stores each
//! repeated part once) must know where those parts are before, and
//! instead of, parsing the body; a depth check must run before a parser
//! that recurses. Both are one forward pass over the bytes that follows
//! strings and brackets and checks little else: the parser validates the
//! JSON afterwards.
//!
//! Pure functions over byte slices: no I/O, no allocation beyond the spans
//! found. What the spans are for (storage, caching) is the caller's
//! business; this module knows only where Vapi puts things.

mod depth;
pub(crate) mod spans;

pub use depth::{check_depth, TooDeep};
pub use spans::{blank_artifact, repeated_spans};
