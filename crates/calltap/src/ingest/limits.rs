//! Cheap checks on the raw body before it is parsed: JSON nesting depth.
//! (The size limit is enforced while the body is read, in the router.)

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
pub fn check_depth(body: &[u8], limit: usize) -> Result<(), TooDeep> {
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

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let body = br#"{"a": "[[[[{{{{ \" [[[[", "b": ["\\", {}]}"#;
        assert_eq!(check_depth(body, 3), Ok(()));
        assert!(check_depth(body, 2).is_err());
    }
}
