//! `message.timestamp`: a number of milliseconds since the Unix epoch in the
//! JSON schema and in real deliveries, an ISO-8601 string in the Rust model
//! doc for `transfer-update`. Both are accepted; the value re-serialises in
//! the form it came in so that round trips are lossless.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// The time a message was sent, as Vapi wrote it.
#[derive(Clone, Debug, PartialEq)]
pub enum Timestamp {
    /// Milliseconds since the Unix epoch, integer or fractional, kept as written.
    Millis(serde_json::Number),
    /// An ISO-8601 / RFC 3339 date-time string, kept as written.
    Iso(String),
}

impl Timestamp {
    /// A timestamp from whole milliseconds since the epoch.
    pub fn from_millis(ms: i64) -> Self {
        Timestamp::Millis(ms.into())
    }

    /// Parses an ISO-8601 string, failing if it is not a date-time.
    pub fn parse_iso(text: &str) -> Result<Self, TimestampError> {
        iso_to_epoch_ms(text)?;
        Ok(Timestamp::Iso(text.to_owned()))
    }

    /// Milliseconds since the Unix epoch, fractional milliseconds floored.
    pub fn epoch_ms(&self) -> i64 {
        match self {
            Timestamp::Millis(n) => number_to_epoch_ms(n),
            // Only valid strings are ever stored in `Iso` (see `parse_iso` and
            // the `Deserialize` impl), so the fallback is unreachable in practice.
            Timestamp::Iso(s) => iso_to_epoch_ms(s).unwrap_or_default(),
        }
    }
}

/// A `timestamp` that is neither a number nor an ISO-8601 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {0:?} is not an ISO-8601 date-time")]
pub struct TimestampError(pub String);

/// Whole milliseconds from a JSON number (floored; saturating for absurd values).
pub fn number_to_epoch_ms(n: &serde_json::Number) -> i64 {
    if let Some(i) = n.as_i64() {
        i
    } else if let Some(u) = n.as_u64() {
        i64::try_from(u).unwrap_or(i64::MAX)
    } else {
        // `as` saturates and maps NaN to 0, which is what we want here.
        n.as_f64().map_or(0, |f| f.floor() as i64)
    }
}

/// Milliseconds since the epoch of an RFC 3339 date-time; a string without an
/// offset (`2025-06-19T06:27:09.910`) is read as UTC.
pub fn iso_to_epoch_ms(text: &str) -> Result<i64, TimestampError> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(dt.timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|naive| naive.and_utc().timestamp_millis())
        .map_err(|_| TimestampError(text.to_owned()))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timestamp::Millis(n) => write!(f, "{n}"),
            Timestamp::Iso(s) => f.write_str(s),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Timestamp::Millis(n) => n.serialize(serializer),
            Timestamp::Iso(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl de::Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of milliseconds since the epoch or an ISO-8601 string")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(Timestamp::Millis(v.into()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp::Millis(v.into()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                serde_json::Number::from_f64(v)
                    .map(Timestamp::Millis)
                    .ok_or_else(|| E::custom("timestamp is not a finite number"))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_iso(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> (Timestamp, String) {
        let ts: Timestamp = serde_json::from_str(json).expect("valid timestamp");
        let back = serde_json::to_string(&ts).expect("serialises");
        (ts, back)
    }

    #[test]
    fn integer_milliseconds_round_trip_as_integers() {
        let (ts, back) = round_trip("1750314425773");
        assert_eq!(ts.epoch_ms(), 1_750_314_425_773);
        assert_eq!(back, "1750314425773");
    }

    #[test]
    fn fractional_milliseconds_are_floored_but_kept_as_written() {
        let (ts, back) = round_trip("1750314425773.75");
        assert_eq!(ts.epoch_ms(), 1_750_314_425_773);
        assert_eq!(back, "1750314425773.75");
    }

    #[test]
    fn iso_strings_give_the_same_instant_and_round_trip_as_strings() {
        let (ts, back) = round_trip("\"2025-06-19T06:27:05.773Z\"");
        assert_eq!(ts.epoch_ms(), 1_750_314_425_773);
        assert_eq!(back, "\"2025-06-19T06:27:05.773Z\"");
        let (offset, _) = round_trip("\"2025-06-19T08:27:05.773+02:00\"");
        assert_eq!(offset.epoch_ms(), 1_750_314_425_773);
        let (naive, _) = round_trip("\"2025-06-19T06:27:05.773\"");
        assert_eq!(naive.epoch_ms(), 1_750_314_425_773);
    }

    #[test]
    fn a_string_that_is_not_a_date_is_rejected_with_the_value() {
        let err = serde_json::from_str::<Timestamp>("\"yesterday\"").expect_err("not a date");
        assert!(err.to_string().contains("yesterday"), "{err}");
    }

    #[test]
    fn other_json_types_are_rejected() {
        for bad in ["true", "null", "{}", "[]"] {
            assert!(
                serde_json::from_str::<Timestamp>(bad).is_err(),
                "{bad} accepted"
            );
        }
    }
}
