//! One test per message type of the specs: a realistic body (built by hand
//! to the 2026-08 spec, under `tests/messages/`) parses into its typed
//! variant with every property of the message typed, and serialises back to
//! the same JSON, key order included.

use calltap_protocol::model::{Envelope, MessageType, Model, ServerMessage};
use calltap_protocol::validate::{validate, Mode};
use serde_json::Value;

/// Parses `file`, asserts the round trip, the type and that strict
/// validation finds nothing, and hands back the message for type-specific
/// checks.
fn check(file: &str, message_type: &str) -> ServerMessage {
    let path = format!("{}/tests/messages/{file}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let input: Value = serde_json::from_slice(&body).expect("the body is JSON");
    let envelope = Envelope::from_slice(&body).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(envelope.message.message_type(), message_type);
    assert_eq!(envelope.message.kind(), MessageType::from(message_type));
    assert!(envelope.message.kind().is_known(), "{message_type}");
    let output = envelope.to_value().expect("serialises");
    assert_eq!(input, output, "{file}: values differ");
    assert_eq!(
        serde_json::to_string(&input).ok(),
        serde_json::to_string(&output).ok(),
        "{file}: key order differs"
    );
    let violations = validate(&body, Mode::Lenient).expect("an envelope");
    assert!(violations.is_empty(), "{file}: {violations:#?}");
    // The shared properties are read through the enum for every type.
    assert!(envelope.message.call().is_some_and(|c| c.id.is_some()));
    assert!(envelope.message.timestamp().is_some());
    assert!(envelope.message.customer().is_some());
    assert!(envelope.message.assistant().is_some());
    assert!(envelope.message.phone_number().is_some());
    envelope.message
}

/// Every property of the message is typed: nothing lands in `extra`.
fn assert_all_typed<T: Model>(message: &T) {
    assert!(
        message.extra().is_empty(),
        "untyped: {:?}",
        message.extra().keys().collect::<Vec<_>>()
    );
}

/// One test per type: `name, file, type, Variant, |message| assertions`.
macro_rules! message_tests {
    ($( $test:ident, $file:literal, $type:literal, $variant:ident, |$m:ident| $body:block )*) => {
        $(
            #[test]
            fn $test() {
                let ServerMessage::$variant($m) = check($file, $type) else {
                    panic!("{} is not typed as {}", $type, stringify!($variant));
                };
                assert_all_typed(&*$m);
                $body
            }
        )*
    };
}

message_tests! {
    a_tool_calls_message_types_each_call_with_its_id_name_and_arguments,
    "tool-calls.json", "tool-calls", ToolCalls, |m| {
        let calls = m.calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].id.as_deref(), Some("call_7QmWc2hR8kXvN3pL"));
        assert_eq!(calls[0].name(), Some("book_appointment"));
        #[derive(serde::Deserialize)]
        struct Booking { date: String }
        #[derive(serde::Deserialize)]
        struct Insurance { provider: String }
        let function = |i: usize| calls[i].function.clone().expect("a function");
        let booking: Booking = function(0).arguments_as().expect("object arguments");
        assert_eq!(booking.date, "2026-08-18");
        let insurance: Insurance = function(1).arguments_as().expect("string arguments");
        assert_eq!(insurance.provider, "Delta Dental");
        let tools = m.tool_with_tool_call_list.as_ref().expect("tools");
        assert_eq!(tools[0].r#type.as_deref(), Some("function"));
        assert!(tools[0].extra.contains_key("server"), "the tool's configuration is kept");
    }
    an_assistant_request_is_typed, "assistant-request.json", "assistant-request", AssistantRequest, |m| {
        assert!(m.artifact.is_none());
    }
    a_transfer_destination_request_is_typed,
    "transfer-destination-request.json", "transfer-destination-request", TransferDestinationRequest, |m| {
        assert!(m.artifact.as_ref().and_then(|a| a.messages.as_ref()).is_some());
    }
    a_handoff_destination_request_keeps_its_parameters,
    "handoff-destination-request.json", "handoff-destination-request", HandoffDestinationRequest, |m| {
        assert_eq!(m.parameters.as_ref().and_then(|p| p.get("destination")), Some(&Value::from("billing")));
        assert_eq!(m.assistant_version.as_deref(), Some("v3"));
    }
    a_knowledge_base_request_types_its_history,
    "knowledge-base-request.json", "knowledge-base-request", KnowledgeBaseRequest, |m| {
        assert_eq!(m.messages.as_ref().map(Vec::len), Some(2));
        assert_eq!(m.messages_open_ai_formatted.as_ref().map(Vec::len), Some(2));
    }
    a_call_endpointing_request_types_its_history,
    "call.endpointing.request.json", "call.endpointing.request", CallEndpointingRequest, |m| {
        assert_eq!(m.messages.as_ref().map(Vec::len), Some(2));
    }
    a_voice_request_types_its_text_and_sample_rate, "voice-request.json", "voice-request", VoiceRequest, |m| {
        assert_eq!(m.sample_rate.as_ref().and_then(|n| n.as_u64()), Some(24_000));
        assert!(m.text.is_some());
    }
    a_phone_call_control_types_its_request_and_destination,
    "phone-call-control.json", "phone-call-control", PhoneCallControl, |m| {
        assert_eq!(m.request, Some(calltap_protocol::model::PhoneCallRequest::Forward));
        assert!(matches!(m.destination, Some(calltap_protocol::model::Destination::Sip(_))));
    }
    a_partial_transcript_types_its_role_and_text, "transcript.json", "transcript", Transcript, |m| {
        assert_eq!(m.transcript_type, Some(calltap_protocol::model::TranscriptType::Partial));
        assert_eq!(m.role, Some(calltap_protocol::model::SpeechRole::User));
    }
    a_final_only_transcript_keeps_its_bracketed_type_and_its_filtering,
    "transcript-final.json", "transcript[transcriptType=\"final\"]", TranscriptFinal, |m| {
        assert_eq!(m.transcript_type, Some(calltap_protocol::model::TranscriptType::Final));
        assert_eq!(m.is_filtered, Some(true));
        assert_eq!(m.detected_threats.as_deref(), Some(&["prompt-injection".to_owned()][..]));
    }
    a_model_output_keeps_its_turn_and_output, "model-output.json", "model-output", ModelOutput, |m| {
        assert_eq!(m.turn_id.as_deref(), Some("turn_0d9c8b7a"));
        assert_eq!(m.output, Some(Value::from("Sure, ")));
    }
    a_user_interruption_names_the_interrupted_turn,
    "user-interrupted.json", "user-interrupted", UserInterrupted, |m| {
        assert_eq!(m.turn_id.as_deref(), Some("turn_0d9c8b7a"));
    }
    a_voice_input_types_its_input, "voice-input.json", "voice-input", VoiceInput, |m| {
        assert!(m.input.is_some());
    }
    a_language_change_names_the_language,
    "language-change-detected.json", "language-change-detected", LanguageChangeDetected, |m| {
        assert_eq!(m.language.as_deref(), Some("es"));
    }
    a_hang_is_typed, "hang.json", "hang", Hang, |m| {
        assert!(m.call.is_some());
    }
    assistant_speech_types_its_word_progress_timing,
    "assistant.speechStarted.json", "assistant.speechStarted", AssistantSpeechStarted, |m| {
        use calltap_protocol::model::{AssistantSpeechSource, AssistantSpeechTiming};
        assert_eq!(m.source, Some(AssistantSpeechSource::Model));
        let Some(AssistantSpeechTiming::WordProgress(timing)) = &m.timing else {
            panic!("word-progress timing is typed");
        };
        assert_eq!(timing.words_spoken.as_ref().and_then(|n| n.as_u64()), Some(2));
    }
    a_chat_creation_keeps_the_chat, "chat.created.json", "chat.created", ChatCreated, |m| {
        assert!(m.chat.as_ref().is_some_and(|c| c.get("id").is_some()));
    }
    a_chat_deletion_keeps_the_chat, "chat.deleted.json", "chat.deleted", ChatDeleted, |m| {
        assert!(m.chat.is_some());
    }
    a_session_creation_types_the_session, "session.created.json", "session.created", SessionCreated, |m| {
        let session = m.session.as_ref().expect("a session");
        assert_eq!(session.status, Some(calltap_protocol::model::SessionStatus::Active));
        assert!(session.customer.is_some());
        assert_all_typed(&**session);
    }
    a_session_update_types_the_session, "session.updated.json", "session.updated", SessionUpdated, |m| {
        let session = m.session.as_ref().expect("a session");
        assert_eq!(session.status, Some(calltap_protocol::model::SessionStatus::Completed));
        assert_eq!(session.messages.as_ref().map(Vec::len), Some(2));
    }
    a_session_deletion_types_the_session, "session.deleted.json", "session.deleted", SessionDeleted, |m| {
        assert!(m.session.as_ref().is_some_and(|s| s.id.is_some()));
    }
    a_call_deletion_is_typed, "call.deleted.json", "call.deleted", CallDeleted, |m| {
        assert!(m.call.is_some());
    }
    a_failed_call_deletion_is_typed, "call.delete.failed.json", "call.delete.failed", CallDeleteFailed, |m| {
        assert!(m.call.is_some());
    }
    an_artifact_upload_report_types_each_artifact,
    "call.artifact.upload.json", "call.artifact.upload", CallArtifactUpload, |m| {
        use calltap_protocol::model::ArtifactUploadType;
        let items = m.artifacts.as_ref().expect("artifacts");
        assert_eq!(items[0].r#type, Some(ArtifactUploadType::RecordingMono));
        assert_eq!(items[1].success, Some(false));
    }
    a_campaign_predial_types_its_contact, "campaign.predial.json", "campaign.predial", CampaignPredial, |m| {
        let contact = m.contact.as_ref().expect("a contact");
        assert_eq!(contact.number.as_deref(), Some("+14155550123"));
        assert_all_typed(contact);
    }
    a_status_update_is_typed, "status-update.json", "status-update", StatusUpdate, |m| {
        assert!(m.ended_reason.as_ref().is_some_and(|r| r.is_known()));
    }
    a_speech_update_is_typed, "speech-update.json", "speech-update", SpeechUpdate, |m| {
        assert_eq!(m.turn_index(), Some(2));
    }
    a_conversation_update_is_typed, "conversation-update.json", "conversation-update", ConversationUpdate, |m| {
        assert_eq!(m.messages.as_ref().map(Vec::len), Some(2));
    }
    a_transfer_update_is_typed, "transfer-update.json", "transfer-update", TransferUpdate, |m| {
        assert!(matches!(m.destination, Some(calltap_protocol::model::Destination::Number(_))));
    }
    an_end_of_call_report_is_typed, "end-of-call-report.json", "end-of-call-report", EndOfCallReport, |m| {
        assert!(m.analysis.is_some());
    }
}

#[test]
fn there_is_a_body_for_every_message_type_this_crate_knows() {
    let dir = format!("{}/tests/messages", env!("CARGO_MANIFEST_DIR"));
    let mut types: Vec<String> = std::fs::read_dir(&dir)
        .expect("the bodies")
        .map(|entry| {
            let body = std::fs::read(entry.expect("an entry").path()).expect("a body");
            let envelope = Envelope::from_slice(&body).expect("parses");
            envelope.message.message_type().to_owned()
        })
        .collect();
    types.sort();
    let mut known: Vec<String> = MessageType::KNOWN.iter().map(|t| t.to_string()).collect();
    known.sort();
    assert_eq!(types, known);
}
