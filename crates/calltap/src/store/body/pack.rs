//! Packed recipes (`events.format = 2`): `varint(recipe length)` then the
//! recipe as one LZ4 block.
//!
//! Recipes repeat themselves: the `artifact` copy of each history names the
//! same pieces and holds the same short entries as the top-level one, and
//! the transcript repeats what was said. LZ4 about halves them (the sample
//! corpus's recipes: 1,625,458 bytes, packed 859,048), so the writer
//! commits fewer pages and the file grows slower; reads unpack before they
//! rebuild.

use super::recipe::{get_varint, put_varint, CorruptRecipe};

/// Recipes longer than this do not unpack: no body calltap accepts comes
/// near it, so a stored length beyond it is corruption, not a reason to
/// allocate.
pub const MAX_RECIPE: usize = 1 << 30;

/// The recipe as one LZ4 block behind its length (format 2), or `None` when
/// that would not be shorter than the recipe itself.
pub fn pack(recipe: &[u8]) -> Option<Vec<u8>> {
    let bound = lz4_flex::block::get_maximum_output_size(recipe.len());
    let mut packed = Vec::with_capacity(10 + bound);
    put_varint(&mut packed, recipe.len() as u64);
    let header = packed.len();
    packed.resize(header + bound, 0);
    let written = lz4_flex::block::compress_into(recipe, &mut packed[header..]).ok()?;
    packed.truncate(header + written);
    (packed.len() < recipe.len()).then_some(packed)
}

/// The recipe a [`pack`]ed one holds.
pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, CorruptRecipe> {
    let mut at = 0;
    // An LZ4 block expands at most 255-fold: a longer claim is corrupt.
    let len = usize::try_from(get_varint(packed, &mut at)?)
        .ok()
        .filter(|&len| len <= MAX_RECIPE && len <= packed.len().saturating_mul(255))
        .ok_or(CorruptRecipe("a packed recipe claims an impossible length"))?;
    let mut recipe = vec![0; len];
    match lz4_flex::block::decompress_into(&packed[at..], &mut recipe) {
        Ok(written) if written == len => Ok(recipe),
        _ => Err(CorruptRecipe("a packed recipe does not unpack")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_recipe_that_does_not_unpack_is_an_error_not_a_panic() {
        let packed = pack(&b"abcabcabcabcabcabcabcabcabcabcabcabc".repeat(20)).expect("packs");
        assert!(unpack(&packed).is_ok());
        let mut wrong_length = packed.clone();
        wrong_length[0] ^= 1;
        for bad in [
            &[][..],
            &[0x80],
            &packed[..packed.len() - 3],
            &wrong_length,
            // A length past MAX_RECIPE: refused before any allocation.
            &[0xff, 0xff, 0xff, 0xff, 0x0f, 0x10, b'a'],
        ] {
            assert!(unpack(bad).is_err(), "{bad:?}");
        }
        // Incompressible bytes are not packed at all.
        let noise: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(pack(&noise), None);
    }

    proptest::proptest! {
        #[test]
        fn packing_round_trips_and_any_bytes_unpack_without_a_panic(
            // A small alphabet, so that most inputs do pack.
            recipe in proptest::collection::vec(0u8..4, 0..600),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        ) {
            if let Some(packed) = pack(&recipe) {
                proptest::prop_assert_eq!(unpack(&packed), Ok(recipe));
            }
            if let Ok(unpacked) = unpack(&noise) {
                proptest::prop_assert!(unpacked.len() <= MAX_RECIPE);
            }
        }

    }
}
