//! One look at every byte of a body before the one pass reads it.
//!
//! Why: strings are most of a delivery's bytes, and finding where each ends
//! was most of the one pass's cost. simdjson's first stage shows the cheap
//! way: mark every `"` and `\` of the body in a bitmap, sixteen bytes at a
//! time with vector compares, so that a string's end is a few bit
//! operations away (`next_quote_or_backslash`) rather than a search per string. The
//! same look gives the smallest and the largest byte: a body of ASCII needs
//! no UTF-8 check, and only a body without control characters may have its
//! strings ended by the bitmap (a control character inside a string must be
//! refused, and the bitmap does not show it).
//!
//! On x86-64 (SSE2 is always there) the look is vectorised with
//! `safe_arch`'s safe wrappers of the intrinsics; elsewhere only the bounds
//! are taken, and the one pass keeps its word-at-a-time search.

/// What one look at every byte of a body tells.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Survey {
    /// The smallest byte (`u8::MAX` for an empty body).
    pub least: u8,
    /// The largest byte (0 for an empty body).
    pub most: u8,
    /// Where `"` and `\` lie, one bit a byte: byte `i` is bit `i % 64` of
    /// word `i / 64`. `None` where the look is not vectorised.
    pub specials: Option<Vec<u64>>,
}

impl Survey {
    /// Looks at every byte of `body` once.
    pub fn of(body: &[u8]) -> Survey {
        survey(body)
    }
}

#[cfg(target_arch = "x86_64")]
use vector::survey;

/// [`Survey::of`] without vectors: the bounds only.
#[cfg(not(target_arch = "x86_64"))]
fn survey(body: &[u8]) -> Survey {
    let (least, most) = bounds(body);
    Survey {
        least,
        most,
        specials: None,
    }
}

/// The smallest and the largest byte of `body` (`(255, 0)` if empty).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn bounds(body: &[u8]) -> (u8, u8) {
    body.iter().fold((u8::MAX, 0), |(least, most), &byte| {
        (least.min(byte), most.max(byte))
    })
}

/// The first `"` or `\` at or after `at`, from a [`Survey`]'s `specials`.
#[inline(always)]
pub(super) fn next_quote_or_backslash(specials: &[u64], at: usize) -> Option<usize> {
    let mut word = at / 64;
    let mut bits = specials.get(word)? & (u64::MAX << (at % 64));
    while bits == 0 {
        word += 1;
        bits = *specials.get(word)?;
    }
    Some(word * 64 + bits.trailing_zeros() as usize)
}

#[cfg(target_arch = "x86_64")]
mod vector {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, max_u8_m128i, min_u8_m128i,
        move_mask_i8_m128i, set_splat_i8_m128i,
    };

    use super::Survey;

    /// The running state of the look: the needles and the bounds so far.
    struct Look {
        quote: m128i,
        backslash: m128i,
        least: m128i,
        most: m128i,
    }

    impl Look {
        /// The bits of `"` and `\` in 64 bytes, the bounds updated.
        #[inline(always)]
        fn block(&mut self, block: &[u8; 64]) -> u64 {
            let mut bits = 0;
            for i in 0..4 {
                // Loaded straight from the body: a copy into a local array
                // first went through the stack, and the loads waited on it.
                let Ok(lane) = <&[u8; 16]>::try_from(&block[16 * i..16 * (i + 1)]) else {
                    continue;
                };
                let lane = load_unaligned_m128i(lane);
                self.least = min_u8_m128i(self.least, lane);
                self.most = max_u8_m128i(self.most, lane);
                let hits = cmp_eq_mask_i8_m128i(lane, self.quote)
                    | cmp_eq_mask_i8_m128i(lane, self.backslash);
                // The mask has 16 bits; as u16 first, so no sign comes along.
                bits |= u64::from(move_mask_i8_m128i(hits) as u16) << (16 * i);
            }
            bits
        }
    }

    /// [`Survey::of`], sixteen bytes at a time.
    pub(super) fn survey(body: &[u8]) -> Survey {
        let mut look = Look {
            quote: set_splat_i8_m128i(b'"' as i8),
            backslash: set_splat_i8_m128i(b'\\' as i8),
            least: set_splat_i8_m128i(-1),
            most: set_splat_i8_m128i(0),
        };
        // One word a block, written in place: a loop that pushes (and may
        // grow the vector) kept the bounds on the stack, not in registers.
        let mut specials = vec![0u64; body.len().div_ceil(64)];
        let mut blocks = body.chunks_exact(64);
        for (word, block) in specials.iter_mut().zip(blocks.by_ref()) {
            if let Ok(block) = <&[u8; 64]>::try_from(block) {
                *word = look.block(block);
            }
        }
        let rest = blocks.remainder();
        if let (Some(&first), Some(word)) = (rest.first(), specials.last_mut()) {
            // The last bytes, padded with one of them (so the bounds stay
            // the body's), and the padding's bits cleared.
            let mut last = [first; 64];
            last[..rest.len()].copy_from_slice(rest);
            *word = look.block(&last) & (u64::MAX >> (64 - rest.len()));
        }
        let least = <[u8; 16]>::from(look.least);
        let most = <[u8; 16]>::from(look.most);
        Survey {
            least: least.into_iter().min().unwrap_or(u8::MAX),
            most: most.into_iter().max().unwrap_or(0),
            specials: Some(specials),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The survey, a byte at a time.
    fn survey_slowly(body: &[u8]) -> (u8, u8, Vec<u64>) {
        let (least, most) = bounds(body);
        let mut specials = vec![0u64; body.len().div_ceil(64)];
        for (i, &byte) in body.iter().enumerate() {
            if byte == b'"' || byte == b'\\' {
                specials[i / 64] |= 1 << (i % 64);
            }
        }
        (least, most, specials)
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            6 => b' '..=b'~',
            1 => Just(b'"'),
            1 => Just(b'\\'),
            1 => any::<u8>(),
        ];
        prop::collection::vec(byte, 0..300)
    }

    proptest! {
        #[test]
        fn the_survey_is_what_a_look_at_each_byte_gives(body in body()) {
            let survey = Survey::of(&body);
            let (least, most, specials) = survey_slowly(&body);
            prop_assert_eq!((survey.least, survey.most), (least, most));
            if let Some(found) = survey.specials {
                prop_assert_eq!(found, specials);
            }
        }

        #[test]
        fn the_next_quote_or_backslash_is_the_first_quote_or_backslash_from_there(
            body in body(),
            at in 0usize..320,
        ) {
            let (_, _, specials) = survey_slowly(&body);
            let expected = body
                .iter()
                .enumerate()
                .skip(at)
                .find(|(_, &byte)| byte == b'"' || byte == b'\\')
                .map(|(i, _)| i);
            prop_assert_eq!(next_quote_or_backslash(&specials, at), expected);
        }
    }

    #[test]
    fn an_empty_body_has_no_bytes_to_bound() {
        assert_eq!((Survey::of(b"").least, Survey::of(b"").most), (u8::MAX, 0));
        assert_eq!(next_quote_or_backslash(&[], 0), None);
    }
}
