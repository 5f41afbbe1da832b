//! Strict and lenient validation never panic, and lenient finds no more
//! than strict does.
#![no_main]

use calltap_protocol::validate::{validate, Mode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = validate(data, Mode::Strict);
    let lenient = validate(data, Mode::Lenient);
    assert_eq!(strict.is_ok(), lenient.is_ok(), "both read the body alike");
    if let (Ok(strict), Ok(lenient)) = (strict, lenient) {
        assert!(
            lenient.len() <= strict.len(),
            "lenient found more: {lenient:?} vs {strict:?}"
        );
    }
});
