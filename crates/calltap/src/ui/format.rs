//! How the console writes values for people: durations in ms or s as
//! suits their size, times as `<time>` elements the browser turns into
//! its own time zone, JSON re-indented without touching a token, and
//! secrets masked wherever a page could show one.
//!
//! Pure functions over values; no HTTP, no store, no template.

use std::fmt::Write as _;

/// A duration for a person: `850 ms`, `1.25 s`, `12.3 s`, `4 min 05 s`,
/// `1 h 02 min`. The timeline's script writes latencies the same way
/// (`fmtDuration` in `assets/timeline.js`).
pub fn duration(ms: i64) -> String {
    let sign = if ms < 0 { "−" } else { "" };
    let abs = ms.unsigned_abs();
    let text = if abs < 1_000 {
        format!("{abs} ms")
    } else if abs < 10_000 {
        format!("{:.2} s", abs as f64 / 1_000.0)
    } else if abs < 60_000 {
        format!("{:.1} s", abs as f64 / 1_000.0)
    } else if abs < 3_600_000 {
        let s = abs / 1_000;
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        let m = abs / 60_000;
        format!("{} h {:02} min", m / 60, m % 60)
    };
    format!("{sign}{text}")
}

/// `text` percent-encoded for a query string value.
pub fn query_value(text: &str) -> String {
    percent_encode(text, b"-._~")
}

/// `text` percent-encoded for one path segment.
pub fn path_segment(text: &str) -> String {
    percent_encode(text, b"-._~:@")
}

fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A share as a percentage with one decimal: `12.5 %`.
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// How a `<time>` element writes its instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Date and time to the second.
    DateTime,
    /// Time of day to the millisecond.
    Precise,
}

/// A `<time>` element for an epoch-ms instant: UTC in the markup (what a
/// reader without scripts sees), rewritten in the browser's time zone by
/// `assets/console.js` (`data-style`: `datetime` or `precise`). The markup
/// holds only digits and ASCII, so it needs no escaping.
pub fn time_tag(ms: i64, clock: Clock) -> String {
    let Some(at) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::from("—");
    };
    let (shown, style) = match clock {
        Clock::Precise => (at.format("%H:%M:%S%.3f UTC"), "precise"),
        Clock::DateTime => (at.format("%Y-%m-%d %H:%M:%S UTC"), "datetime"),
    };
    format!(
        "<time datetime=\"{}\" data-ms=\"{ms}\" data-style=\"{style}\">{shown}</time>",
        at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

/// A byte count: `512 B`, `3.4 KB`, `1.2 MB` (powers of 1,000).
pub fn bytes(n: usize) -> String {
    if n < 1_000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} KB", n as f64 / 1_000.0)
    } else {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    }
}

/// Whether a header or JSON key names a secret the console must not show
/// (`x-vapi-secret`, `authorization`, any `*token*`, `*password*`, ...).
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "secret",
        "authorization",
        "token",
        "password",
        "apikey",
        "api-key",
        "api_key",
        "cookie",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// What the console shows instead of a secret of `len` bytes.
pub fn masked(len: usize) -> String {
    format!("•••••• (hidden, {len} characters)")
}

/// The kept request headers of a delivery (a JSON object of strings) as
/// name and value pairs, secrets masked. Text that is not such an object
/// gives no pairs.
pub fn headers(json: &str) -> Vec<(String, String)> {
    let Ok(map) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json) else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let shown = if is_secret_name(&name) {
                masked(text.len())
            } else {
                text
            };
            (name, shown)
        })
        .collect()
}

/// A stored body and its kept headers as a page shows them: its size,
/// the headers with secrets masked, and the bytes pretty-printed when they
/// are JSON (else as text).
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// `3.4 KB (3,412 bytes)`.
    pub size: String,
    /// The kept headers, secrets masked.
    pub headers: Vec<(String, String)>,
    /// The bytes, re-indented or as text.
    pub body: String,
    /// Whether `body` is re-indented JSON.
    pub pretty: bool,
}

/// How a page shows `body` and its kept `headers` (a JSON object of
/// strings).
pub fn shown(body: &[u8], headers_json: &str) -> Shown {
    let pretty = pretty_json(body);
    Shown {
        size: format!("{} ({} bytes)", bytes(body.len()), body.len()),
        headers: headers(headers_json),
        pretty: pretty.is_some(),
        body: pretty.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned()),
    }
}

/// `body` re-indented by two spaces, every token as it came (numbers and
/// strings are copied, never re-serialised), with the string value of any
/// key that names a secret masked. `None` when `body` is not JSON.
pub fn pretty_json(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).ok()?;
    let text = std::str::from_utf8(body).ok()?;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    // The last string token, while it may still turn out to be a key.
    let mut last_string: Option<(usize, usize)> = None;
    let mut mask_next = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' => {
                let start = i;
                let mut end = text.len();
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        end = j + 1;
                        break;
                    }
                }
                let token = &text[start..end];
                if mask_next {
                    let _ = write!(out, "\"{}\"", masked(token.len().saturating_sub(2)));
                    mask_next = false;
                } else {
                    out.push_str(token);
                }
                last_string = Some((start, end));
            }
            ':' => {
                out.push_str(": ");
                if let Some((start, end)) = last_string.take() {
                    mask_next = is_secret_name(&text[start + 1..end - 1]);
                }
                continue;
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|&(_, d)| d.is_ascii_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|&(_, d)| d == close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
                mask_next = false;
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
                mask_next = false;
            }
            _ => {
                // A number, `true`, `false` or `null`: copied up to the next
                // structural character.
                out.push(c);
                while let Some(&(_, d)) = chars.peek() {
                    if matches!(d, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r') {
                        break;
                    }
                    out.push(d);
                    chars.next();
                }
                mask_next = false;
            }
        }
        if c != '"' {
            last_string = None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_ms_or_s_as_suits_their_size() {
        let cases = [
            (0, "0 ms"),
            (850, "850 ms"),
            (999, "999 ms"),
            (1_000, "1.00 s"),
            (1_254, "1.25 s"),
            (12_345, "12.3 s"),
            (245_000, "4 min 05 s"),
            (3_720_000, "1 h 02 min"),
            (-40, "−40 ms"),
        ];
        for (ms, text) in cases {
            assert_eq!(duration(ms), text, "{ms}");
        }
    }

    #[test]
    fn a_time_tag_carries_the_instant_for_the_browser_and_utc_for_the_reader() {
        let tag = time_tag(1_750_314_425_773, Clock::DateTime);
        assert_eq!(
            tag,
            "<time datetime=\"2025-06-19T06:27:05.773Z\" data-ms=\"1750314425773\" \
             data-style=\"datetime\">2025-06-19 06:27:05 UTC</time>"
        );
    }

    #[test]
    fn pretty_json_keeps_every_token_and_only_changes_whitespace() {
        let body =
            br#"{"message":{"type":"x","n":1.50e3,"a":[],"o":{},"s":"a\"b,{c}:","l":[1, 2]}}"#;
        let pretty = pretty_json(body).expect("JSON");
        assert_eq!(
            pretty,
            "{\n  \"message\": {\n    \"type\": \"x\",\n    \"n\": 1.50e3,\n    \"a\": [],\n    \"o\": {},\n    \"s\": \"a\\\"b,{c}:\",\n    \"l\": [\n      1,\n      2\n    ]\n  }\n}"
        );
        let squeezed: String = pretty.split_whitespace().collect();
        let original: String = std::str::from_utf8(body)
            .expect("utf-8")
            .split_whitespace()
            .collect();
        assert_eq!(squeezed, original);
    }

    #[test]
    fn pretty_json_masks_the_string_values_of_secret_keys_and_nothing_else() {
        let body = br#"{"server":{"url":"https://x","secret":"hunter22"},"promptTokens":12,"token":"abc"}"#;
        let pretty = pretty_json(body).expect("JSON");
        assert!(!pretty.contains("hunter22"), "{pretty}");
        assert!(!pretty.contains("\"abc\""), "{pretty}");
        assert!(pretty.contains("\"secret\": \"•••••• (hidden, 8 characters)\""));
        assert!(pretty.contains("\"promptTokens\": 12"));
        assert!(pretty.contains("\"url\": \"https://x\""));
    }

    #[test]
    fn text_that_is_not_json_is_not_pretty_printed() {
        assert_eq!(pretty_json(b"{not json"), None);
        assert_eq!(pretty_json(b""), None);
    }

    #[test]
    fn kept_headers_show_signatures_but_never_a_secret() {
        let shown = headers(
            r#"{"x-signature":"sha256=ab","x-vapi-secret":"s3cr3t","authorization":"Bearer t0k"}"#,
        );
        assert_eq!(
            shown,
            vec![
                ("x-signature".to_owned(), "sha256=ab".to_owned()),
                ("x-vapi-secret".to_owned(), masked(6)),
                ("authorization".to_owned(), masked(10)),
            ]
        );
        assert!(headers("not json").is_empty());
    }
}
