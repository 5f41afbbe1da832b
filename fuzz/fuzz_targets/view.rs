//! The ingest fast path: `DeliveryView::parse` never panics, and on a body
//! that also parses as JSON it reads the type the JSON holds; the one pass
//! (`DeliveryView::parse_with_spans`) never panics either, and wherever it
//! answers, it answers as the view and the span finder do apart.
#![no_main]

use calltap_protocol::view::DeliveryView;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (max_depth, min_len) in [(128, 0), (128, 128), (4, 16)] {
        if let Some((view, spans)) = DeliveryView::parse_with_spans(data, max_depth, min_len) {
            assert_eq!(Ok(view), DeliveryView::parse(data), "the one pass's view");
            assert_eq!(
                Some(spans),
                calltap_protocol::raw::repeated_spans(data, max_depth, min_len),
                "the one pass's spans"
            );
        }
    }
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
