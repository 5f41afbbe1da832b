//! Reading a delivery whose message type is already known (a receiver that
//! recorded it at ingest, from [`crate::view::DeliveryView`]) straight into
//! that type's struct: [`ServerMessage::from_envelope_of_type`].
//!
//! Why: knowing the type, the reader neither looks for it first nor
//! records the key order (only re-serialising needs it): the projector of
//! calltap reads every delivery this way.

use serde_json::Value;

use super::{Envelope, ServerMessage};
use crate::ParseError;

impl ServerMessage {
    /// Reads an envelope body (`{"message": {...}}`) whose message is of
    /// type `message_type`. It gives the message [`Envelope::from_slice`]
    /// gives, faster: the body is read once, straight into the struct of
    /// the type (a type this version does not know is kept as
    /// [`ServerMessage::Other`]).
    ///
    /// An error when the body does not read, or its `type` is another; the
    /// error is [`Envelope::from_slice`]'s (a JSON pointer for a bad field).
    ///
    /// [`Envelope::from_slice`]: super::Envelope::from_slice
    ///
    /// ```
    /// use calltap_protocol::model::ServerMessage;
    ///
    /// let body = br#"{"message":{"type":"status-update","status":"ended"}}"#;
    /// let message = ServerMessage::from_envelope_of_type("status-update", body).unwrap();
    /// assert!(matches!(message, ServerMessage::StatusUpdate(_)));
    /// assert!(ServerMessage::from_envelope_of_type("speech-update", body).is_err());
    /// ```
    pub fn from_envelope_of_type(
        message_type: &str,
        body: &[u8],
    ) -> Result<ServerMessage, ParseError> {
        if let Some(message) = ServerMessage::read_envelope_of_type(message_type, body) {
            return Ok(message);
        }
        // The general path says why, or reads what only it reads (a key
        // given twice: the last one wins, as in a `Value`).
        let value: Value =
            serde_json::from_slice(body).map_err(|err| ParseError::from_json_error(body, &err))?;
        let message = Envelope::from_value(value)?.message;
        if message.message_type() != message_type {
            return Err(ParseError::InvalidField {
                path: "/message/type".to_owned(),
                reason: format!(
                    "expected \"{message_type}\", found \"{}\"",
                    message.message_type()
                ),
            });
        }
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Envelope;

    /// The general path.
    fn general(body: &[u8]) -> Option<ServerMessage> {
        Envelope::from_slice(body)
            .ok()
            .map(|envelope| envelope.message)
    }

    fn of_type(message_type: &str, body: &[u8]) -> Option<ServerMessage> {
        ServerMessage::from_envelope_of_type(message_type, body).ok()
    }

    fn logged_type(body: &[u8]) -> String {
        crate::view::DeliveryView::parse(body)
            .map(|view| view.message_type.into_owned())
            .expect("a corpus body parses")
    }

    // The corpus is the repository's, outside the published package.
    #[cfg(feature = "fixtures")]
    #[test]
    fn every_corpus_and_real_message_parses_as_the_general_path_parses_it() {
        let bodies = crate::fixtures::sample_deliveries().into_iter().chain(
            crate::fixtures::real_deliveries()
                .into_iter()
                .map(|(_, body)| body),
        );
        let mut typed = 0;
        for body in bodies {
            let message_type = logged_type(&body);
            let message = of_type(&message_type, &body);
            assert_eq!(message, general(&body), "{message_type}");
            if message.is_some_and(|m| !matches!(m, ServerMessage::Other(_))) {
                typed += 1;
            }
        }
        assert!(typed > 100, "{typed} typed messages");
    }

    #[test]
    fn a_body_whose_type_is_not_the_logged_one_is_refused() {
        let body = br#"{"message":{"type":"status-update","status":"ended"}}"#;
        assert!(of_type("status-update", body).is_some());
        assert!(matches!(
            ServerMessage::from_envelope_of_type("speech-update", body),
            Err(ParseError::InvalidField { path, .. }) if path == "/message/type"
        ));
        let untyped = br#"{"message":{"status":"ended"}}"#;
        assert_eq!(
            ServerMessage::from_envelope_of_type("status-update", untyped),
            Err(ParseError::MissingType)
        );
    }

    #[test]
    fn a_type_this_version_does_not_know_takes_the_general_path() {
        let body = br#"{"message":{"type":"not-yet-invented","x":[]}}"#;
        let message = of_type("not-yet-invented", body).expect("parses");
        assert!(matches!(&message, ServerMessage::Other(_)));
        assert_eq!(Some(message), general(body));
    }

    #[test]
    fn every_type_of_the_specs_reads_through_its_struct_as_the_general_path_reads_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages");
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).expect("the message bodies") {
            let body = std::fs::read(entry.expect("an entry").path()).expect("a body");
            let message_type = logged_type(&body);
            let message = of_type(&message_type, &body).expect("reads");
            assert!(
                !matches!(message, ServerMessage::Other(_)),
                "{message_type}"
            );
            assert_eq!(Some(message), general(&body), "{message_type}");
            read += 1;
        }
        assert!(read >= 29, "{read} message types");
    }

    #[test]
    fn an_ill_typed_field_or_bad_json_is_an_error_not_a_panic() {
        let body = br#"{"message":{"type":"status-update","status":7}}"#;
        assert!(matches!(
            ServerMessage::from_envelope_of_type("status-update", body),
            Err(ParseError::InvalidField { .. })
        ));
        assert!(matches!(
            ServerMessage::from_envelope_of_type("status-update", b"{\"message\":"),
            Err(ParseError::Truncated { .. })
        ));
        assert!(matches!(
            ServerMessage::from_envelope_of_type("tool-calls", b"{\"message\":[]}"),
            Err(ParseError::InvalidField { .. })
        ));
    }
}
