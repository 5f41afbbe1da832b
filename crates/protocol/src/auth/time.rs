//! Timestamp headers: reading them in any of the forms senders use, writing
//! them for signing, and the replay window.

use std::time::{SystemTime, UNIX_EPOCH};

use super::AuthError;

/// Numbers at or above this are milliseconds, below it seconds. 10^11 seconds
/// is the year 5138 while 10^11 milliseconds is March 1973, so no plausible
/// delivery time is ambiguous.
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Reads a timestamp header value as milliseconds since the Unix epoch.
///
/// Accepts epoch seconds (`1750314425`), epoch milliseconds
/// (`1750314425773`), either with a fractional part (`1750314425.773`), told
/// apart by magnitude, and ISO-8601 / RFC 3339 date-times
/// (`2025-06-19T06:27:05.773Z`; no offset means UTC). Surrounding whitespace
/// is ignored. Returns `None` for anything else, including negative numbers.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if is_digits(int_part) && frac_part.is_none_or(is_digits) {
        let whole: i64 = int_part.parse().ok()?;
        // Only the first three fractional digits matter at millisecond precision.
        let frac_digits = frac_part.unwrap_or("");
        let frac_digits = &frac_digits[..frac_digits.len().min(3)];
        return if whole >= MILLIS_THRESHOLD {
            Some(whole)
        } else {
            let mut ms_frac: i64 = 0;
            for (i, b) in frac_digits.bytes().enumerate() {
                ms_frac += i64::from(b - b'0') * [100, 10, 1][i];
            }
            Some(whole * 1000 + ms_frac)
        };
    }
    crate::timestamp::iso_to_epoch_ms(text).ok()
}

/// How a signer writes its timestamp header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// Whole seconds since the Unix epoch (`1750314425`), the Standard
    /// Webhooks form.
    #[default]
    Seconds,
    /// Whole milliseconds since the Unix epoch (`1750314425773`).
    Millis,
    /// RFC 3339 in UTC with milliseconds (`2025-06-19T06:27:05.773Z`).
    Iso8601,
}

/// Writes `at` as a timestamp header value in the given format.
pub fn format_timestamp(at: SystemTime, format: TimestampFormat) -> String {
    let ms = epoch_ms(at);
    match format {
        TimestampFormat::Seconds => ms.div_euclid(1000).to_string(),
        TimestampFormat::Millis => ms.to_string(),
        TimestampFormat::Iso8601 => chrono::DateTime::<chrono::Utc>::from(at)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}

/// Milliseconds since the Unix epoch (negative before it, saturating).
pub(crate) fn epoch_ms(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// Rejects a timestamp more than `tolerance_seconds` away from `now`, in
/// either direction.
pub(crate) fn check_tolerance(
    timestamp_ms: i64,
    now: SystemTime,
    tolerance_seconds: u64,
) -> Result<(), AuthError> {
    let age_ms = epoch_ms(now).saturating_sub(timestamp_ms);
    let tolerance_ms = tolerance_seconds.saturating_mul(1000);
    if age_ms.unsigned_abs() > tolerance_ms {
        return Err(AuthError::TimestampOutsideTolerance {
            age_seconds: age_ms / 1000,
            tolerance_seconds,
        });
    }
    Ok(())
}
