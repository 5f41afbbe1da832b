//! The JSON nesting depth of raw bytes, counted without parsing: a parser
//! that recurses (serde_json) must not meet a body nested deeper than the
//! receiver allows.

/// The body nests deeper than allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("JSON nesting deeper than {limit} levels (at byte {offset})")]
pub struct TooDeep {
    /// The configured maximum depth.
    pub limit: usize,
    /// Where the limit was crossed.
    pub offset: usize,
}

/// Counts `[` and `{` outside strings, one pass, no allocation. Malformed
/// JSON is not this function's business: the parser reports it afterwards.
///
/// Inside a string only `"` and `\` matter, so strings (most of a Vapi
/// body's bytes: transcripts, prompts) are skipped with `memchr` rather than
/// byte by byte; outside strings every byte is looked at.
pub fn check_depth(body: &[u8], limit: usize) -> Result<(), TooDeep> {
    // One top-level value after another; a closing bracket with nothing
    // open closes nothing.
    let mut at = 0;
    while let Some(next) = close_of(body, at, 0, 0, limit)? {
        at = next;
    }
    Ok(())
}

/// The one depth walker, shared by [`check_depth`] and the span finder:
/// from `at`, with `depth` brackets open, counts `[`/`{` and `]`/`}`
/// outside strings until a closing bracket brings the depth back to
/// `outer`, and returns the offset just past it. A closing bracket with
/// only `outer` open closes nothing and is passed over. `Ok(None)`: the
/// bytes, or a string, end first (nothing after an unterminated string
/// counts). An opening bracket that nests deeper than `limit` is an error.
pub(crate) fn close_of(
    bytes: &[u8],
    mut at: usize,
    mut depth: usize,
    outer: usize,
    limit: usize,
) -> Result<Option<usize>, TooDeep> {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => match skip_string(bytes, at + 1) {
                Some(end) => at = end,
                None => return Ok(None),
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(TooDeep { limit, offset: at });
                }
                at += 1;
            }
            b']' | b'}' => {
                at += 1;
                if depth > outer {
                    depth -= 1;
                    if depth == outer {
                        return Ok(Some(at));
                    }
                }
            }
            _ => at += 1,
        }
    }
    Ok(None)
}

/// From just inside a JSON string, the offset just past its closing quote
/// (`None`: it does not close). A backslash escapes the byte after it.
pub(crate) fn skip_string(body: &[u8], mut at: usize) -> Option<usize> {
    loop {
        // Short strings (keys, ids) are the common case; a call into
        // memchr costs more than looking at a few bytes.
        let short = body.len().min(at.saturating_add(16));
        while at < short {
            match body[at] {
                b'"' => return Some(at + 1),
                b'\\' => at += 2,
                _ => at += 1,
            }
        }
        let found = at + memchr::memchr2(b'"', b'\\', body.get(at..)?)?;
        if body[found] == b'"' {
            return Some(found + 1);
        }
        at = found + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize) -> Vec<u8> {
        let mut body = b"{\"message\":".to_vec();
        body.extend(std::iter::repeat_n(b'[', n));
        body.extend(std::iter::repeat_n(b']', n));
        body.push(b'}');
        body
    }

    #[test]
    fn depth_at_the_limit_passes_and_one_more_fails() {
        assert_eq!(check_depth(&nested(127), 128), Ok(()));
        assert!(matches!(
            check_depth(&nested(128), 128),
            Err(TooDeep { limit: 128, .. })
        ));
    }

    /// The byte-at-a-time original, the reference for the fast version.
    fn check_depth_slowly(body: &[u8], limit: usize) -> Result<(), TooDeep> {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        for (offset, &byte) in body.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return Err(TooDeep { limit, offset });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn the_fast_check_agrees_with_the_byte_at_a_time_one(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(&b"["[..]),
                    proptest::strategy::Just(&b"{"[..]),
                    proptest::strategy::Just(&b"]"[..]),
                    proptest::strategy::Just(&b"}"[..]),
                    proptest::strategy::Just(&b"\""[..]),
                    proptest::strategy::Just(&b"\\"[..]),
                    proptest::strategy::Just(&b"abcdefghijklmnopqrstuvwxyz0123456789"[..]),
                    proptest::strategy::Just(&b","[..]),
                ],
                0..120,
            ),
            limit in 1usize..8,
        ) {
            let body = parts.concat();
            proptest::prop_assert_eq!(check_depth(&body, limit), check_depth_slowly(&body, limit));
        }
    }

    // The corpus is the repository's, outside the published package.
    #[cfg(feature = "fixtures")]
    #[test]
    fn the_fast_check_agrees_with_the_slow_one_on_the_corpus() {
        for body in crate::fixtures::sample_deliveries() {
            for limit in [3, 5, 128] {
                assert_eq!(check_depth(&body, limit), check_depth_slowly(&body, limit));
            }
        }
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let body = br#"{"a": "[[[[{{{{ \" [[[[", "b": ["\\", {}]}"#;
        assert_eq!(check_depth(body, 3), Ok(()));
        assert!(check_depth(body, 2).is_err());
    }
}
