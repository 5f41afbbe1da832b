//! Body cutting and rebuilding: any body cut into pieces rebuilds byte for
//! byte from its recipe (packed or not), its skeleton can be taken, and
//! arbitrary bytes read as a recipe or a packed recipe are refused, never
//! a panic.
#![no_main]

use std::collections::HashMap;

use calltap::store::body::{
    assemble, pack, recipe_hashes, skeleton, split_within, unpack, CorruptRecipe, KnownPieces,
    PieceHash, Scanned,
};
use libfuzzer_sys::fuzz_target;

fn rebuild(recipe: &[u8], pieces: &HashMap<PieceHash, &[u8]>) -> Result<Vec<u8>, CorruptRecipe> {
    assemble::<CorruptRecipe>(recipe, |hash, out| {
        Ok(pieces
            .get(hash)
            .map(|bytes| out.extend_from_slice(bytes))
            .is_some())
    })
}

fuzz_target!(|data: &[u8]| {
    // The bytes as a recipe, then as a packed one: an error or a body.
    let none = HashMap::new();
    let _ = rebuild(data, &none);
    let _ = recipe_hashes(data);
    let _ = skeleton(data, |_, out| out.extend_from_slice(b"null"));
    let _ = unpack(data);

    // The bytes as a body.
    let known = KnownPieces::default();
    let max_depth = 128;
    let scanned = split_within(data, &known, max_depth);
    let depth_ok = calltap_protocol::raw::check_depth(data, max_depth).is_ok();
    let split = match scanned {
        Scanned::Cut(split) => split,
        Scanned::Whole => {
            assert!(depth_ok, "a body followed to the end is within the depth");
            return;
        }
        Scanned::Unsure => return,
    };
    assert!(depth_ok, "a cut body is within the depth");
    let pieces: HashMap<PieceHash, &[u8]> = split
        .pieces
        .iter()
        .map(|p| (p.hash, &data[p.range.clone()]))
        .collect();
    assert_eq!(
        recipe_hashes(&split.recipe).expect("its own recipe reads"),
        split.pieces.iter().map(|p| p.hash).collect::<Vec<_>>()
    );
    let rebuilt = rebuild(&split.recipe, &pieces).expect("its own recipe rebuilds");
    assert_eq!(rebuilt, data, "the rebuilt body is byte-identical");
    // The writer packs a recipe when no delta halves it: packing is
    // shorter or refused, and a packed recipe unpacks to the same bytes.
    if let Some(packed) = pack(&split.recipe) {
        assert!(packed.len() < split.recipe.len(), "packing only shortens");
        assert_eq!(unpack(&packed).expect("unpacks"), split.recipe);
    }
    skeleton(&split.recipe, |_, out| out.extend_from_slice(b"null"))
        .expect("its own recipe has a skeleton");
});
