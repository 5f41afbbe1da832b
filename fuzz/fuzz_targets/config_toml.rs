//! The TOML config: any text is read, resolved and validated into a
//! config or an error with a message, never a panic.
#![no_main]

use calltap::config::{Config, FileConfig, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = FileConfig::parse(text) else {
        return;
    };
    if let Ok(config) = Config::resolve(file, Overrides::default()) {
        let _ = config.validate(config.listen);
    }
});
