//! The ingest fast path: `DeliveryView::parse` never panics, and on a body
//! that also parses as JSON it reads the type the JSON holds.
#![no_main]

use calltap_protocol::view::DeliveryView;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(view) = DeliveryView::parse(data) else {
        return;
    };
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Some(kind) = value
            .get("message")
            .and_then(|m| m.get("type"))
            .and_then(|t| t.as_str())
        {
            // Repeated keys are read as serde_json reads them (the last).
            assert_eq!(view.message_type, kind, "the view's type is the JSON's");
        }
    }
});
