//! The recipe of a cut body (`events.format = 1`): `varint(n)`, then `n`
//! times `varint(len) literal[len] hash[32]`, then the final literal up to
//! the end. Writing one, rebuilding the exact body from it, and the
//! projector's *skeleton* of it.

use std::ops::Range;

use super::piece::{Piece, PieceHash};

/// A recipe that does not rebuild: truncated, or naming a missing piece.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("corrupt body recipe: {0}")]
pub struct CorruptRecipe(pub &'static str);

/// The recipe of `body` cut into `pieces` (in body order, not overlapping).
pub(super) fn write(body: &[u8], pieces: &[Piece]) -> Vec<u8> {
    let covered: usize = pieces.iter().map(|p| p.range.len()).sum();
    let mut recipe = Vec::with_capacity(body.len() - covered + 40 * pieces.len() + 8);
    put_varint(&mut recipe, pieces.len() as u64);
    let mut cursor = 0;
    for piece in pieces {
        let literal = &body[cursor..piece.range.start];
        put_varint(&mut recipe, literal.len() as u64);
        recipe.extend_from_slice(literal);
        recipe.extend_from_slice(&piece.hash.0);
        cursor = piece.range.end;
    }
    recipe.extend_from_slice(&body[cursor..]);
    recipe
}

/// The pieces a recipe names, in order.
pub fn recipe_hashes(recipe: &[u8]) -> Result<Vec<PieceHash>, CorruptRecipe> {
    let mut hashes = Vec::new();
    walk_recipe::<CorruptRecipe>(recipe, |part| {
        if let Part::Piece(hash) = part {
            hashes.push(hash);
        }
        Ok(())
    })?;
    Ok(hashes)
}

/// Rebuilds the exact body from a recipe, fetching each piece by hash
/// (`Ok(None)`: the piece is missing, the recipe is corrupt).
pub fn assemble<E: From<CorruptRecipe>>(
    recipe: &[u8],
    mut piece: impl FnMut(&PieceHash, &mut Vec<u8>) -> Result<bool, E>,
) -> Result<Vec<u8>, E> {
    let mut body = Vec::with_capacity(recipe.len() * 8);
    walk_recipe::<E>(recipe, |part| match part {
        Part::Literal(bytes) => {
            body.extend_from_slice(bytes);
            Ok(())
        }
        Part::Piece(hash) => {
            if piece(&hash, &mut body)? {
                Ok(())
            } else {
                Err(CorruptRecipe("a piece it names is missing").into())
            }
        }
    })?;
    Ok(body)
}

/// A recipe's body with its pieces replaced by placeholders, and the
/// pieces' hashes in recipe order. The projector parses this *skeleton*
/// instead of the whole body and reads each piece once, however many bodies
/// repeat it.
///
/// A run of pieces separated only by commas (consecutive elements of one
/// array: members of an object always have a key between them) gets one
/// placeholder, written by `placeholder(range, out)` with the run's range of
/// piece indices: a history of forty entries costs the parse one object,
/// not forty.
pub fn skeleton(
    recipe: &[u8],
    mut placeholder: impl FnMut(Range<usize>, &mut Vec<u8>),
) -> Result<(Vec<u8>, Vec<PieceHash>), CorruptRecipe> {
    let mut skeleton = Vec::with_capacity(recipe.len());
    let mut hashes = Vec::new();
    // The open run of pieces, and the literal since its last piece.
    let mut run: Option<Range<usize>> = None;
    let mut after_run: &[u8] = &[];
    walk_recipe::<CorruptRecipe>(recipe, |part| {
        match part {
            Part::Literal(bytes) if run.is_some() => after_run = bytes,
            Part::Literal(bytes) => skeleton.extend_from_slice(bytes),
            Part::Piece(hash) => {
                let index = hashes.len();
                hashes.push(hash);
                run = Some(match run.take() {
                    Some(open) if is_element_separator(after_run) => open.start..index + 1,
                    Some(open) => {
                        placeholder(open, &mut skeleton);
                        skeleton.extend_from_slice(after_run);
                        index..index + 1
                    }
                    None => index..index + 1,
                });
                after_run = &[];
            }
        }
        Ok(())
    })?;
    if let Some(open) = run {
        placeholder(open, &mut skeleton);
        skeleton.extend_from_slice(after_run);
    }
    Ok((skeleton, hashes))
}

/// Whether `literal` is only a comma between JSON whitespace.
fn is_element_separator(literal: &[u8]) -> bool {
    let mut commas = 0;
    for byte in literal {
        match byte {
            b',' => commas += 1,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => return false,
        }
    }
    commas == 1
}

enum Part<'a> {
    Literal(&'a [u8]),
    Piece(PieceHash),
}

fn walk_recipe<'r, E: From<CorruptRecipe>>(
    recipe: &'r [u8],
    mut visit: impl FnMut(Part<'r>) -> Result<(), E>,
) -> Result<(), E> {
    let mut at = 0;
    let count = get_varint(recipe, &mut at)?;
    for _ in 0..count {
        let len = get_varint(recipe, &mut at)?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| at.checked_add(len))
            .filter(|&end| end <= recipe.len())
            .ok_or(CorruptRecipe("a literal runs past the end"))?;
        visit(Part::Literal(&recipe[at..end]))?;
        let hash: [u8; 32] = recipe
            .get(end..end + 32)
            .and_then(|h| h.try_into().ok())
            .ok_or(CorruptRecipe("a piece hash is cut short"))?;
        visit(Part::Piece(PieceHash(hash)))?;
        at = end + 32;
    }
    visit(Part::Literal(&recipe[at..]))
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(super) fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, CorruptRecipe> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or(CorruptRecipe("a length is cut short"))?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(CorruptRecipe("a length is too long"))
}

#[cfg(test)]
mod tests {
    use super::super::{split, KnownPieces, MIN_PIECE};
    use super::*;

    #[test]
    fn a_skeleton_gives_a_run_of_array_pieces_one_placeholder_and_keeps_the_rest() {
        let pad = "x".repeat(MIN_PIECE);
        let body = format!(
            r#"{{"message":{{"type":"conversation-update","call":{{"id":"{pad}"}},"#
        ) + &format!(
            r#""messages":[{{"m":"{pad}1"}}, {{"m":"{pad}2"}},{{"m":"short"}},{{"m":"{pad}3"}}]}}}}"#
        );
        let cut = split(body.as_bytes(), &KnownPieces::default()).expect("cut");

        let (skeleton, hashes) = skeleton(&cut.recipe, |run, out| {
            out.extend_from_slice(format!("<{}..{}>", run.start, run.end).as_bytes());
        })
        .expect("a fresh recipe walks");

        let expected: Vec<PieceHash> = cut.pieces.iter().map(|p| p.hash).collect();
        assert_eq!(hashes, expected);
        assert_eq!(hashes.len(), 4);
        assert_eq!(
            String::from_utf8(skeleton).expect("UTF-8"),
            r#"{"message":{"type":"conversation-update","call":<0..1>,"messages":[<1..3>,{"m":"short"},<3..4>]}}"#
        );
    }

    #[test]
    fn a_corrupt_recipe_is_an_error_not_a_panic() {
        let lookup = |_: &PieceHash, _: &mut Vec<u8>| Ok::<_, CorruptRecipe>(false);
        for recipe in [&[0x81u8][..], &[1, 5, b'a'], &[1, 0, 1, 2, 3], &[0xff; 12]] {
            assert!(assemble(recipe, lookup).is_err(), "{recipe:?}");
        }
        assert_eq!(assemble(&[0, b'x'], lookup).expect("literal only"), b"x");
    }
}
