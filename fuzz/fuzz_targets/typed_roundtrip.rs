//! The typed parse with its re-serialisation: every body that parses
//! serialises back to JSON equal to the input (numbers compared as
//! numbers: JSON does not tell `1` from `1.0`).
#![no_main]

use calltap_protocol::model::Envelope;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// JSON equality, with numbers equal when their values are.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = Envelope::from_slice(data) else {
        return;
    };
    let input: Value = serde_json::from_slice(data).expect("a body that parses typed is JSON");
    let bytes = envelope.to_vec().expect("a parsed envelope serialises");
    let output: Value = serde_json::from_slice(&bytes).expect("its serialisation is JSON");
    assert!(
        json_eq(&input, &output),
        "re-serialised JSON differs:\n in: {input}\nout: {output}"
    );
});
