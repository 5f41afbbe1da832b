//! The texts that many calls' details repeat (their system prompt), each
//! serialised and hashed once rather than for every row written.
//!
//! Why: a call's row is written whole at every step that touches it, and
//! its detail holds the system prompt (kilobytes of JSON string). Escaping
//! it into the detail, escaping it again to name the part the store keeps
//! apart, finding it in the detail and hashing it were about a fifth of
//! what writing a row cost. Here the detail is serialised with a short
//! stand-in in the prompt's place, found by its nonce, and the prompt's
//! JSON, made once per distinct prompt, goes in there: the same bytes, and
//! its offset is known.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

use crate::calls::CallDetail;
use crate::store::projections::{SharedPart, SharedText};

/// The bytes of prompts (and their JSON) the memo holds before it forgets
/// them all; each is serialised and hashed again once after that.
pub const MEMO_BYTES: usize = 1 << 20;

/// A detail serialised, with where its shared part stands.
#[derive(Debug)]
pub struct SerialisedDetail {
    /// The detail, JSON.
    pub json: String,
    /// Its system prompt's JSON string and where it stands in `json`.
    pub shared: Option<SharedPart>,
}

/// The prompts met lately, each with its JSON string and hash.
#[derive(Debug)]
pub struct SharedTexts {
    /// What stands in for a prompt while a detail is serialised; it needs
    /// no escaping, and its nonce is drawn per projector so that no text
    /// of a call can pass for it.
    stand_in: String,
    /// `stand_in` as JSON, as it is found in a serialised detail.
    stand_in_json: String,
    by_prompt: HashMap<String, Arc<SharedText>, foldhash::fast::RandomState>,
    bytes: usize,
}

impl Default for SharedTexts {
    fn default() -> SharedTexts {
        let nonce = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        let stand_in = format!("calltap-shared-text-{nonce:016x}");
        SharedTexts {
            stand_in_json: format!("\"{stand_in}\""),
            stand_in,
            by_prompt: HashMap::default(),
            bytes: 0,
        }
    }
}

impl SharedTexts {
    /// `detail` as JSON, exactly as `serde_json::to_string` writes it, and
    /// where its system prompt ([`CallDetail::system_prompt`]) stands.
    pub fn serialise(
        &mut self,
        mut detail: CallDetail,
    ) -> Result<SerialisedDetail, serde_json::Error> {
        let Some(text) = detail.system_prompt_mut() else {
            return Ok(SerialisedDetail {
                json: serde_json::to_string(&detail)?,
                shared: None,
            });
        };
        let prompt = std::mem::replace(text, self.stand_in.clone());
        let with_stand_in = serde_json::to_string(&detail)?;
        let Some(at) =
            memchr::memmem::find(with_stand_in.as_bytes(), self.stand_in_json.as_bytes())
        else {
            // Unreachable (the stand-in is in the transcript), but a
            // detail without it is still a detail: the prompt goes back.
            if let Some(text) = detail.system_prompt_mut() {
                *text = prompt;
            }
            return Ok(SerialisedDetail {
                json: serde_json::to_string(&detail)?,
                shared: None,
            });
        };
        let shared = self.text_of(prompt)?;
        let rest = &with_stand_in[at + self.stand_in_json.len()..];
        let mut json = String::with_capacity(at + shared.text().len() + rest.len());
        json.push_str(&with_stand_in[..at]);
        json.push_str(shared.text());
        json.push_str(rest);
        Ok(SerialisedDetail {
            json,
            shared: Some(SharedPart { at, text: shared }),
        })
    }

    /// The JSON string of `prompt`, hashed, from the memo or made now.
    fn text_of(&mut self, prompt: String) -> Result<Arc<SharedText>, serde_json::Error> {
        if let Some(text) = self.by_prompt.get(&prompt) {
            return Ok(Arc::clone(text));
        }
        let text = Arc::new(SharedText::new(serde_json::to_string(&prompt)?));
        let bytes = prompt.len() + text.text().len();
        if self.bytes + bytes > MEMO_BYTES {
            self.by_prompt.clear();
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.by_prompt.insert(prompt, Arc::clone(&text));
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use calltap_protocol::model::Envelope;

    use super::*;
    use crate::calls::{self, CallState};
    use crate::ids::{CallId, Seq};

    /// Each call of the sample corpus, folded from its deliveries.
    fn sample_states() -> BTreeMap<String, CallState> {
        let mut states = BTreeMap::new();
        for (i, body) in calltap_protocol::fixtures::sample_deliveries()
            .iter()
            .enumerate()
        {
            let envelope = Envelope::from_slice(body).expect("sample parses");
            let Some(id) = calls::convert::call_id(&envelope.message) else {
                continue;
            };
            let event = calls::convert::call_event(Seq::new(i as i64 + 1), 0, &envelope.message);
            states
                .entry(id.to_owned())
                .or_insert_with(|| CallState::new(CallId::new(id)))
                .apply(event);
        }
        states
    }

    #[test]
    fn a_detail_is_serialised_to_the_same_json_and_its_prompt_found_where_it_stands() {
        let states = sample_states();
        let mut shared = SharedTexts::default();
        let mut prompts = 0;
        // The second round takes every prompt from the memo.
        for _ in 0..2 {
            for state in states.values() {
                let detail = state.detail();
                let expected = serde_json::to_string(&detail).expect("serialise");
                let prompt = detail
                    .system_prompt()
                    .map(|p| serde_json::to_string(p).expect("serialise"));
                let got = shared.serialise(detail).expect("serialise");
                assert_eq!(got.json, expected);
                match (prompt, got.shared) {
                    (None, None) => {}
                    (Some(prompt), Some(part)) => {
                        assert_eq!(part.text.text(), prompt);
                        assert_eq!(&got.json[part.at..part.at + prompt.len()], prompt);
                        assert_eq!(part.text.hash(), blake3::hash(prompt.as_bytes()).as_bytes());
                        prompts += 1;
                    }
                    (prompt, part) => panic!("prompt {prompt:?}, part {part:?}"),
                }
            }
        }
        assert!(prompts >= 2, "the corpus has calls with a system prompt");
    }
}
