//! Tests of the typed, lossless message models (`calltap_protocol::model`):
//! fixture round trips, typed fields, spec coverage, open enums, property
//! tests and bad input.

use calltap_protocol::fixtures;
use calltap_protocol::model::{
    Analysis, Artifact, ArtifactMessage, ArtifactMessageRole, ArtifactUploadType, Assistant,
    AssistantDestination, AssistantRequest, AssistantSpeechSource, AssistantSpeechStarted,
    AssistantSpeechTiming, BotMessage, ByoPhoneNumber, Call, CallArtifactUpload,
    CallArtifactUploadItem, CallDeleteFailed, CallDeleted, CallEndpointingRequest, CallStatus,
    CallType, CampaignContact, CampaignPredial, ChatCreated, ChatDeleted, ConversationUpdate, Cost,
    Customer, Destination, DestinationType, EndOfCallReport, EndedReason, Envelope,
    FirstMessageMode, HandoffDestinationRequest, Hang, KnowledgeBaseRequest,
    LanguageChangeDetected, MessageType, Model, ModelOutput, MonoRecording, NumberDestination,
    OpenAiMessage, OpenAiRole, PhoneCallControl, PhoneCallProvider, PhoneCallRequest,
    PhoneCallTransport, PhoneNumber, PhoneNumberProvider, Recording, ServerMessage, Session,
    SessionCreated, SessionDeleted, SessionStatus, SessionUpdated, SipDestination, SpeechRole,
    SpeechStatus, SpeechUpdate, StatusUpdate, SystemMessage, TelnyxPhoneNumber, ToolCall,
    ToolCallFunction, ToolCallMessage, ToolCallResultMessage, ToolCalls, ToolWithToolCall,
    Transcript, TranscriptType, TransferDestinationRequest, TransferMode, TransferUpdate,
    TwilioPhoneNumber, UserInterrupted, UserMessage, VapiPhoneNumber, VoiceInput, VoiceRequest,
    VonagePhoneNumber, WordAlignmentTiming, WordProgressTiming,
};
use calltap_protocol::response::{
    AssistantRequestResponse, HandoffDestinationResponse, KnowledgeBaseDocument,
    KnowledgeBaseResponse, ToolCallResult, ToolCallsResponse, TransferDestinationResponse,
};
use calltap_protocol::{ParseError, Timestamp};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------- helpers

fn parse(body: &[u8]) -> Envelope {
    Envelope::from_slice(body).unwrap_or_else(|e| panic!("does not parse: {e}"))
}

fn parse_json(value: &Value) -> Result<Envelope, ParseError> {
    Envelope::from_slice(&serde_json::to_vec(value).expect("serialises"))
}

/// Asserts that `body` parses and serialises back to the same JSON, key order
/// included.
fn assert_round_trips(name: &str, body: &[u8]) -> Envelope {
    let input: Value = serde_json::from_slice(body).expect("fixture is JSON");
    let envelope = Envelope::from_slice(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    let output = envelope.to_value().expect("serialises");
    assert_eq!(input, output, "{name}: values differ");
    assert_eq!(
        serde_json::to_string(&input).expect("serialises"),
        serde_json::to_string(&output).expect("serialises"),
        "{name}: key order differs"
    );
    envelope
}

fn real(name_part: &str) -> Envelope {
    let (_, body) = fixtures::real_deliveries()
        .into_iter()
        .find(|(name, _)| name.contains(name_part))
        .unwrap_or_else(|| panic!("no real fixture named like {name_part}"));
    parse(&body)
}

fn all_envelopes() -> Vec<(String, Envelope)> {
    fixtures::all_deliveries()
        .into_iter()
        .map(|(name, body)| {
            let envelope = parse(&body);
            (name, envelope)
        })
        .collect()
}

// ------------------------------------------------------ 1. fixture round trips

#[test]
fn every_fixture_delivery_parses_and_serialises_back_to_the_same_json_in_the_same_key_order() {
    let deliveries = fixtures::all_deliveries();
    assert!(
        deliveries.len() > 600,
        "the corpus is smaller than expected"
    );
    for (name, body) in &deliveries {
        assert_round_trips(name, body);
    }
}

#[test]
fn an_envelope_built_in_code_serialises_in_declaration_order_with_the_type_first() {
    // The model structs are non-exhaustive: built from `Default`, then set.
    let mut message = SpeechUpdate::default();
    message.status = Some(SpeechStatus::Started);
    message.role = Some(SpeechRole::User);
    message.turn = Some(2.into());
    message.timestamp = Some(Timestamp::from_millis(1_750_314_425_860));
    let envelope = Envelope::new(ServerMessage::SpeechUpdate(Box::new(message)));
    let json = String::from_utf8(envelope.to_vec().expect("serialises")).expect("UTF-8");
    assert_eq!(
        json,
        r#"{"message":{"type":"speech-update","status":"started","role":"user","turn":2,"timestamp":1750314425860}}"#
    );
    assert_eq!(parse(json.as_bytes()), envelope);
}

// ------------------------------------------------------------ 2. typed fields

#[test]
fn every_speech_update_fixture_has_its_status_role_and_turn_typed() {
    let mut seen = 0;
    for (name, envelope) in all_envelopes() {
        let ServerMessage::SpeechUpdate(m) = &envelope.message else {
            continue;
        };
        seen += 1;
        assert!(
            m.status.as_ref().is_some_and(SpeechStatus::is_known),
            "{name}"
        );
        assert!(m.role.as_ref().is_some_and(SpeechRole::is_known), "{name}");
        assert!(m.turn_index().is_some(), "{name}: turn {:?}", m.turn);
        for key in ["status", "role", "turn", "timestamp", "call"] {
            assert!(!m.extra.contains_key(key), "{name}: {key} left in extra");
        }
    }
    assert!(seen > 300, "only {seen} speech-updates");
}

#[test]
fn every_status_update_fixture_has_a_known_status_and_ended_ones_a_known_reason() {
    let mut ended = 0;
    for (name, envelope) in all_envelopes() {
        let ServerMessage::StatusUpdate(m) = &envelope.message else {
            continue;
        };
        let status = m.status.as_ref().expect("status-update has a status");
        assert!(status.is_known(), "{name}: {status}");
        if *status == CallStatus::Ended {
            ended += 1;
            let reason = m.ended_reason.as_ref().expect("ended with a reason");
            assert!(reason.is_known(), "{name}: {reason}");
        }
    }
    assert!(ended >= 12, "only {ended} ended status-updates");
}

#[test]
fn transfer_updates_and_forwarding_status_updates_have_a_typed_sip_destination() {
    let mut destinations = 0;
    for (name, envelope) in all_envelopes() {
        let destination = match &envelope.message {
            ServerMessage::TransferUpdate(m) => m.destination.as_ref(),
            ServerMessage::StatusUpdate(m) => m.destination.as_ref(),
            _ => None,
        };
        if let Some(destination) = destination {
            destinations += 1;
            let Destination::Sip(sip) = destination else {
                panic!("{name}: {destination:?} is not a typed SIP destination");
            };
            assert!(sip.sip_uri.is_some(), "{name}");
            assert_eq!(destination.kind(), Some(DestinationType::Sip));
        }
    }
    assert_eq!(destinations, 4);
}

#[test]
fn phone_numbers_are_typed_by_provider_for_all_five_providers() {
    let mut providers = std::collections::BTreeSet::new();
    for (name, envelope) in all_envelopes() {
        let Some(phone) = envelope.message.phone_number() else {
            continue;
        };
        let typed = match phone {
            PhoneNumber::Byo(p) => p.number.is_some() || p.credential_id.is_some(),
            PhoneNumber::Twilio(p) => p.twilio_account_sid.is_some(),
            PhoneNumber::Vonage(p) => p.credential_id.is_some(),
            PhoneNumber::Vapi(p) => p.name.is_some(),
            PhoneNumber::Telnyx(p) => p.credential_id.is_some(),
            other => panic!("{name}: untyped phone number {other:?}"),
        };
        assert!(typed, "{name}: {phone:?}");
        providers.insert(phone.kind().expect("has a provider").to_string());
    }
    let expected: std::collections::BTreeSet<_> = PhoneNumberProvider::KNOWN
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(providers, expected);
}

#[test]
fn artifact_messages_are_typed_by_role_and_openai_messages_keep_their_tool_calls() {
    let mut roles = std::collections::BTreeSet::new();
    let mut tool_calls = 0;
    for (name, envelope) in all_envelopes() {
        let ServerMessage::ConversationUpdate(m) = &envelope.message else {
            continue;
        };
        for message in m.messages.iter().flatten() {
            assert!(
                !matches!(message, ArtifactMessage::Other(_)),
                "{name}: {message:?}"
            );
            assert!(message.time().is_some(), "{name}: {message:?}");
            roles.insert(message.kind().expect("has a role").to_string());
        }
        for message in m.messages_open_ai_formatted.iter().flatten() {
            assert!(message.role.as_ref().is_some_and(OpenAiRole::is_known));
            if message.tool_calls.is_some() {
                tool_calls += 1;
                assert!(!message.extra.contains_key("tool_calls"));
            }
        }
    }
    assert_eq!(roles.len(), ArtifactMessageRole::KNOWN.len(), "{roles:?}");
    assert!(tool_calls > 0);
}

#[test]
fn the_real_conversation_update_keeps_its_undocumented_conversation_field_in_extra() {
    let envelope = real("062707_085");
    let ServerMessage::ConversationUpdate(m) = &envelope.message else {
        panic!("not a conversation-update: {:?}", envelope.message);
    };
    assert_eq!(m.messages_open_ai_formatted.as_deref(), Some(&[][..]));
    assert_eq!(m.messages.as_ref().map(Vec::len), Some(2));
    let conversation = m.extra.get("conversation").expect("conversation kept");
    assert_eq!(conversation.as_array().map(Vec::len), Some(2));
    let ArtifactMessage::Bot(bot) = &m.messages.as_ref().expect("messages")[1] else {
        panic!("second message is not the bot's");
    };
    // `duration` is documented in seconds, sent in ms: kept as the number sent.
    assert_eq!(bot.duration, Some(560.into()));
    assert_eq!(
        bot.time.as_ref().map(Timestamp::epoch_ms),
        Some(1_750_314_424_927)
    );
}

#[test]
fn the_real_end_of_call_report_types_call_state_fields_and_keeps_undocumented_ones() {
    let envelope = real("062714_903");
    let ServerMessage::EndOfCallReport(m) = &envelope.message else {
        panic!("not an end-of-call-report");
    };
    assert_eq!(m.ended_reason, Some(EndedReason::CustomerEndedCall));
    assert_eq!(
        m.started_at.as_ref().map(Timestamp::epoch_ms),
        Some(1_750_314_425_775)
    );
    assert_eq!(
        m.ended_at.as_ref().map(Timestamp::epoch_ms),
        Some(1_750_314_429_910)
    );
    assert_eq!(m.cost, Some(0.into()));
    let costs = m.costs.as_ref().expect("costs");
    assert_eq!(costs.len(), 7);
    assert_eq!(
        costs[0].r#type,
        Some(calltap_protocol::model::CostType::Transcriber)
    );
    let analysis = m.analysis.as_ref().expect("analysis");
    assert!(analysis
        .summary
        .as_deref()
        .is_some_and(|s| s.contains("Hello")));
    let artifact = m.artifact.as_ref().expect("artifact");
    assert_eq!(artifact.transcript.as_deref(), Some("AI: Hello.\n"));
    let mono = artifact.recording.as_ref().and_then(|r| r.mono.as_ref());
    assert!(mono.is_some_and(|m| m.combined_url.is_some()));
    for key in [
        "costBreakdown",
        "durationMinutes",
        "durationMs",
        "durationSeconds",
        "messages",
        "recordingUrl",
        "stereoRecordingUrl",
        "summary",
        "transcript",
    ] {
        assert!(m.extra.contains_key(key), "{key} not kept in extra");
    }
    assert_eq!(m.extra.len(), 9, "{:?}", m.extra.keys().collect::<Vec<_>>());
}

#[test]
fn the_real_call_snapshot_is_typed_and_its_stale_status_is_kept_as_sent() {
    let envelope = real("062712_813");
    let call = envelope.message.call().expect("call");
    assert_eq!(
        call.id.as_deref(),
        Some("3f3fb4f0-dc63-4e3d-9632-d56e7ca4af81")
    );
    assert_eq!(call.r#type, Some(CallType::WebCall));
    assert_eq!(call.status, Some(CallStatus::Queued));
    assert!(call.extra.contains_key("webCallUrl"));
    assert_eq!(envelope.message.message_type(), "status-update");
    assert_eq!(envelope.message.kind(), MessageType::StatusUpdate);
    assert_eq!(
        envelope.message.timestamp().map(Timestamp::epoch_ms),
        Some(1_750_314_432_411)
    );
    let assistant = envelope.message.assistant().expect("assistant");
    assert_eq!(assistant.first_message.as_deref(), Some("Hello."));
    assert!(assistant.id.is_some() && assistant.created_at.is_some());
}

#[test]
fn every_fixture_delivery_has_a_typed_variant_and_tool_calls_carry_their_ids() {
    let mut tool_calls = 0;
    for (name, envelope) in all_envelopes() {
        assert!(
            !matches!(envelope.message, ServerMessage::Other(_)),
            "{name}: {} is not typed",
            envelope.message.message_type()
        );
        assert_eq!(
            envelope.message.kind().as_str(),
            envelope.message.message_type(),
            "{name}"
        );
        let ServerMessage::ToolCalls(m) = &envelope.message else {
            continue;
        };
        tool_calls += 1;
        assert!(!m.calls().is_empty(), "{name}");
        assert!(m.calls().iter().all(|c| c.id.is_some()), "{name}");
        assert!(
            envelope.message.call().is_some_and(|c| c.id.is_some()),
            "{name}"
        );
        assert!(envelope.message.timestamp().is_some(), "{name}");
    }
    assert_eq!(tool_calls, 16);
}

#[test]
fn a_message_type_no_spec_has_passes_through_untouched() {
    let tomorrow = json!({"message": {"type": "call.teleported", "where": "moon", "n": 1.0,
        "timestamp": 1750314425773_u64, "call": {"id": "c-1"}}});
    let envelope = parse_json(&tomorrow).expect("an unknown type is accepted");
    let ServerMessage::Other(other) = &envelope.message else {
        panic!("an unknown type is kept as Other");
    };
    assert_eq!(other.message_type(), "call.teleported");
    assert_eq!(
        envelope.message.kind(),
        MessageType::Unknown("call.teleported".into())
    );
    assert_eq!(
        envelope.message.call().and_then(|c| c.id.as_deref()),
        Some("c-1")
    );
    assert!(envelope.message.timestamp().is_some());
    assert_eq!(envelope.to_value().expect("serialises"), tomorrow);
}

// ------------------------------------------------------------ 3. spec coverage

const SPEC_2025: &str = include_str!("../schemas/vapi-2025-06.trimmed.json");
const SPEC_2026: &str = include_str!("../schemas/vapi-2026-08.trimmed.json");

fn specs() -> Vec<(&'static str, Value)> {
    [("2025-06", SPEC_2025), ("2026-08", SPEC_2026)]
        .into_iter()
        .map(|(name, text)| (name, serde_json::from_str(text).expect("spec is JSON")))
        .collect()
}

/// Every schema a trimmed spec keeps: those `validate` checks (`schemas`)
/// and the other message types (`typedMessages`).
fn schemas(spec: &Value) -> impl Iterator<Item = (&String, &Value)> {
    ["schemas", "typedMessages"]
        .into_iter()
        .flat_map(|key| spec[key].as_object().expect("a map of schemas"))
}

/// Each schema of the trimmed specs, the model that types it, and the key
/// that is the union tag (implied by the enum variant, not in `FIELDS`).
fn models() -> Vec<(&'static str, &'static [&'static str], Option<&'static str>)> {
    vec![
        (
            "ServerMessageStatusUpdate",
            StatusUpdate::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageSpeechUpdate",
            SpeechUpdate::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageConversationUpdate",
            ConversationUpdate::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageTransferUpdate",
            TransferUpdate::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageEndOfCallReport",
            EndOfCallReport::FIELDS,
            Some("type"),
        ),
        ("Call", Call::FIELDS, None),
        ("CreateAssistantDTO", Assistant::FIELDS, None),
        ("CreateCustomerDTO", Customer::FIELDS, None),
        (
            "CreateByoPhoneNumberDTO",
            ByoPhoneNumber::FIELDS,
            Some("provider"),
        ),
        (
            "CreateTwilioPhoneNumberDTO",
            TwilioPhoneNumber::FIELDS,
            Some("provider"),
        ),
        (
            "CreateVonagePhoneNumberDTO",
            VonagePhoneNumber::FIELDS,
            Some("provider"),
        ),
        (
            "CreateVapiPhoneNumberDTO",
            VapiPhoneNumber::FIELDS,
            Some("provider"),
        ),
        (
            "CreateTelnyxPhoneNumberDTO",
            TelnyxPhoneNumber::FIELDS,
            Some("provider"),
        ),
        (
            "TransferDestinationAssistant",
            AssistantDestination::FIELDS,
            Some("type"),
        ),
        (
            "TransferDestinationNumber",
            NumberDestination::FIELDS,
            Some("type"),
        ),
        (
            "TransferDestinationSip",
            SipDestination::FIELDS,
            Some("type"),
        ),
        ("Artifact", Artifact::FIELDS, None),
        ("SystemMessage", SystemMessage::FIELDS, Some("role")),
        ("BotMessage", BotMessage::FIELDS, Some("role")),
        ("UserMessage", UserMessage::FIELDS, Some("role")),
        ("ToolCallMessage", ToolCallMessage::FIELDS, Some("role")),
        (
            "ToolCallResultMessage",
            ToolCallResultMessage::FIELDS,
            Some("role"),
        ),
        ("OpenAIMessage", OpenAiMessage::FIELDS, None),
        ("ServerMessageToolCalls", ToolCalls::FIELDS, Some("type")),
        ("ToolCall", ToolCall::FIELDS, None),
        ("ToolCallFunction", ToolCallFunction::FIELDS, None),
        (
            "ServerMessageAssistantRequest",
            AssistantRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageTransferDestinationRequest",
            TransferDestinationRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageHandoffDestinationRequest",
            HandoffDestinationRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageKnowledgeBaseRequest",
            KnowledgeBaseRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageCallEndpointingRequest",
            CallEndpointingRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageVoiceRequest",
            VoiceRequest::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessagePhoneCallControl",
            PhoneCallControl::FIELDS,
            Some("type"),
        ),
        ("ServerMessageTranscript", Transcript::FIELDS, Some("type")),
        (
            "ServerMessageModelOutput",
            ModelOutput::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageUserInterrupted",
            UserInterrupted::FIELDS,
            Some("type"),
        ),
        ("ServerMessageVoiceInput", VoiceInput::FIELDS, Some("type")),
        (
            "ServerMessageLanguageChangeDetected",
            LanguageChangeDetected::FIELDS,
            Some("type"),
        ),
        ("ServerMessageHang", Hang::FIELDS, Some("type")),
        (
            "ServerMessageAssistantSpeech",
            AssistantSpeechStarted::FIELDS,
            Some("type"),
        ),
        (
            "AssistantSpeechWordAlignmentTiming",
            WordAlignmentTiming::FIELDS,
            Some("type"),
        ),
        (
            "AssistantSpeechWordProgressTiming",
            WordProgressTiming::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageChatCreated",
            ChatCreated::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageChatDeleted",
            ChatDeleted::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageSessionCreated",
            SessionCreated::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageSessionUpdated",
            SessionUpdated::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageSessionDeleted",
            SessionDeleted::FIELDS,
            Some("type"),
        ),
        ("Session", Session::FIELDS, None),
        (
            "ServerMessageCallDeleted",
            CallDeleted::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageCallDeleteFailed",
            CallDeleteFailed::FIELDS,
            Some("type"),
        ),
        (
            "ServerMessageCallArtifactUpload",
            CallArtifactUpload::FIELDS,
            Some("type"),
        ),
        (
            "CallArtifactUploadItem",
            CallArtifactUploadItem::FIELDS,
            None,
        ),
        (
            "ServerMessageCampaignPredial",
            CampaignPredial::FIELDS,
            Some("type"),
        ),
        ("CampaignContact", CampaignContact::FIELDS, None),
        (
            "ServerMessageResponseToolCalls",
            ToolCallsResponse::FIELDS,
            None,
        ),
        ("ToolCallResult", ToolCallResult::FIELDS, None),
        (
            "ServerMessageResponseAssistantRequest",
            AssistantRequestResponse::FIELDS,
            None,
        ),
        (
            "ServerMessageResponseTransferDestinationRequest",
            TransferDestinationResponse::FIELDS,
            None,
        ),
        (
            "ServerMessageResponseKnowledgeBaseRequest",
            KnowledgeBaseResponse::FIELDS,
            None,
        ),
        (
            "KnowledgeBaseResponseDocument",
            KnowledgeBaseDocument::FIELDS,
            None,
        ),
        (
            "ServerMessageResponseHandoffDestinationRequest",
            HandoffDestinationResponse::FIELDS,
            None,
        ),
    ]
}

#[test]
fn every_property_of_every_schema_in_both_specs_has_a_typed_field() {
    let models = models();
    let mut missing = Vec::new();
    for (version, spec) in specs() {
        for (schema_name, schema) in schemas(&spec) {
            let Some((_, fields, tag)) = models.iter().find(|(n, _, _)| n == schema_name) else {
                missing.push(format!("{version}: schema {schema_name} has no model"));
                continue;
            };
            let properties = schema["properties"].as_object().expect("properties");
            for property in properties.keys() {
                if Some(property.as_str()) != *tag && !fields.contains(&property.as_str()) {
                    missing.push(format!("{version}: {schema_name}.{property}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "untyped: {missing:#?}");
}

/// Proves `T::FIELDS` true: each listed key is consumed by a typed field
/// (never left in `extra`), and a key not listed is.
fn assert_fields_are_typed<T: Model>(name: &str) {
    for field in T::FIELDS {
        let object = json!({ *field: null });
        let model: T = serde_json::from_value(object)
            .unwrap_or_else(|e| panic!("{name}.{field}: null is rejected: {e}"));
        assert!(
            !model.extra().contains_key(*field),
            "{name}.{field} is listed in FIELDS but lands in extra"
        );
    }
    let model: T = serde_json::from_value(json!({"zzNotInTheSpec": 1})).expect("parses");
    assert!(
        model.extra().contains_key("zzNotInTheSpec"),
        "{name}: control"
    );
}

#[test]
fn the_fields_consts_list_exactly_keys_that_are_typed() {
    assert_fields_are_typed::<StatusUpdate>("StatusUpdate");
    assert_fields_are_typed::<SpeechUpdate>("SpeechUpdate");
    assert_fields_are_typed::<ConversationUpdate>("ConversationUpdate");
    assert_fields_are_typed::<TransferUpdate>("TransferUpdate");
    assert_fields_are_typed::<EndOfCallReport>("EndOfCallReport");
    assert_fields_are_typed::<Call>("Call");
    assert_fields_are_typed::<Assistant>("Assistant");
    assert_fields_are_typed::<Customer>("Customer");
    assert_fields_are_typed::<Analysis>("Analysis");
    assert_fields_are_typed::<Cost>("Cost");
    assert_fields_are_typed::<ByoPhoneNumber>("ByoPhoneNumber");
    assert_fields_are_typed::<TwilioPhoneNumber>("TwilioPhoneNumber");
    assert_fields_are_typed::<VonagePhoneNumber>("VonagePhoneNumber");
    assert_fields_are_typed::<VapiPhoneNumber>("VapiPhoneNumber");
    assert_fields_are_typed::<TelnyxPhoneNumber>("TelnyxPhoneNumber");
    assert_fields_are_typed::<AssistantDestination>("AssistantDestination");
    assert_fields_are_typed::<NumberDestination>("NumberDestination");
    assert_fields_are_typed::<SipDestination>("SipDestination");
    assert_fields_are_typed::<Artifact>("Artifact");
    assert_fields_are_typed::<Recording>("Recording");
    assert_fields_are_typed::<MonoRecording>("MonoRecording");
    assert_fields_are_typed::<SystemMessage>("SystemMessage");
    assert_fields_are_typed::<BotMessage>("BotMessage");
    assert_fields_are_typed::<UserMessage>("UserMessage");
    assert_fields_are_typed::<ToolCallMessage>("ToolCallMessage");
    assert_fields_are_typed::<ToolCallResultMessage>("ToolCallResultMessage");
    assert_fields_are_typed::<OpenAiMessage>("OpenAiMessage");
    assert_fields_are_typed::<ToolCalls>("ToolCalls");
    assert_fields_are_typed::<ToolCall>("ToolCall");
    assert_fields_are_typed::<ToolCallFunction>("ToolCallFunction");
    assert_fields_are_typed::<ToolWithToolCall>("ToolWithToolCall");
    assert_fields_are_typed::<AssistantRequest>("AssistantRequest");
    assert_fields_are_typed::<TransferDestinationRequest>("TransferDestinationRequest");
    assert_fields_are_typed::<HandoffDestinationRequest>("HandoffDestinationRequest");
    assert_fields_are_typed::<KnowledgeBaseRequest>("KnowledgeBaseRequest");
    assert_fields_are_typed::<CallEndpointingRequest>("CallEndpointingRequest");
    assert_fields_are_typed::<VoiceRequest>("VoiceRequest");
    assert_fields_are_typed::<PhoneCallControl>("PhoneCallControl");
    assert_fields_are_typed::<Transcript>("Transcript");
    assert_fields_are_typed::<ModelOutput>("ModelOutput");
    assert_fields_are_typed::<UserInterrupted>("UserInterrupted");
    assert_fields_are_typed::<VoiceInput>("VoiceInput");
    assert_fields_are_typed::<LanguageChangeDetected>("LanguageChangeDetected");
    assert_fields_are_typed::<Hang>("Hang");
    assert_fields_are_typed::<AssistantSpeechStarted>("AssistantSpeechStarted");
    assert_fields_are_typed::<WordAlignmentTiming>("WordAlignmentTiming");
    assert_fields_are_typed::<WordProgressTiming>("WordProgressTiming");
    assert_fields_are_typed::<ChatCreated>("ChatCreated");
    assert_fields_are_typed::<ChatDeleted>("ChatDeleted");
    assert_fields_are_typed::<SessionCreated>("SessionCreated");
    assert_fields_are_typed::<SessionUpdated>("SessionUpdated");
    assert_fields_are_typed::<SessionDeleted>("SessionDeleted");
    assert_fields_are_typed::<Session>("Session");
    assert_fields_are_typed::<CallDeleted>("CallDeleted");
    assert_fields_are_typed::<CallDeleteFailed>("CallDeleteFailed");
    assert_fields_are_typed::<CallArtifactUpload>("CallArtifactUpload");
    assert_fields_are_typed::<CallArtifactUploadItem>("CallArtifactUploadItem");
    assert_fields_are_typed::<CampaignPredial>("CampaignPredial");
    assert_fields_are_typed::<CampaignContact>("CampaignContact");
    assert_fields_are_typed::<ToolCallsResponse>("ToolCallsResponse");
    assert_fields_are_typed::<ToolCallResult>("ToolCallResult");
    assert_fields_are_typed::<AssistantRequestResponse>("AssistantRequestResponse");
    assert_fields_are_typed::<TransferDestinationResponse>("TransferDestinationResponse");
    assert_fields_are_typed::<KnowledgeBaseResponse>("KnowledgeBaseResponse");
    assert_fields_are_typed::<KnowledgeBaseDocument>("KnowledgeBaseDocument");
    assert_fields_are_typed::<HandoffDestinationResponse>("HandoffDestinationResponse");
}

/// Whether a spec enum value of `schema.property` is known to the model.
/// `None`: the property has no open enum in the model.
fn enum_value_is_known(schema: &str, property: &str, value: &str) -> Option<bool> {
    let known = match (schema, property) {
        (_, "endedReason") => EndedReason::from(value).is_known(),
        ("ServerMessageStatusUpdate" | "Call", "status") => CallStatus::from(value).is_known(),
        ("ServerMessageSpeechUpdate", "status") => SpeechStatus::from(value).is_known(),
        ("ServerMessageSpeechUpdate", "role") => SpeechRole::from(value).is_known(),
        (s, "type") if s.starts_with("ServerMessage") => {
            let envelope = parse_json(&json!({"message": {"type": value}})).ok()?;
            !matches!(envelope.message, ServerMessage::Other(_))
                && envelope.message.message_type() == value
        }
        ("Call", "type") => CallType::from(value).is_known(),
        ("Call", "phoneCallProvider") => PhoneCallProvider::from(value).is_known(),
        ("Call", "phoneCallTransport") => PhoneCallTransport::from(value).is_known(),
        (s, "provider") if s.ends_with("PhoneNumberDTO") => {
            let phone: PhoneNumber = serde_json::from_value(json!({"provider": value})).ok()?;
            !matches!(phone, PhoneNumber::Other(_))
        }
        (s, "type") if s.starts_with("TransferDestination") => {
            let destination: Destination = serde_json::from_value(json!({"type": value})).ok()?;
            !matches!(destination, Destination::Other(_))
        }
        ("TransferDestinationAssistant", "transferMode") => TransferMode::from(value).is_known(),
        ("OpenAIMessage", "role") => OpenAiRole::from(value).is_known(),
        ("CreateAssistantDTO", "firstMessageMode") => FirstMessageMode::from(value).is_known(),
        ("ServerMessageTranscript", "role") => SpeechRole::from(value).is_known(),
        ("ServerMessageTranscript", "transcriptType") => TranscriptType::from(value).is_known(),
        ("ServerMessagePhoneCallControl", "request") => PhoneCallRequest::from(value).is_known(),
        ("ServerMessageAssistantSpeech", "source") => AssistantSpeechSource::from(value).is_known(),
        (s, "type") if s.starts_with("AssistantSpeechWord") => {
            let timing: AssistantSpeechTiming =
                serde_json::from_value(json!({"type": value})).ok()?;
            !matches!(timing, AssistantSpeechTiming::Other(_))
        }
        ("CallArtifactUploadItem", "type") => ArtifactUploadType::from(value).is_known(),
        ("Session", "status") => SessionStatus::from(value).is_known(),
        _ => return None,
    };
    Some(known)
}

/// Enum-valued properties deliberately kept as raw JSON: assistant
/// configuration that call state does not read.
const RAW_ENUM_PROPERTIES: &[(&str, &str)] = &[
    ("CreateAssistantDTO", "clientMessages"),
    ("CreateAssistantDTO", "serverMessages"),
    ("CreateAssistantDTO", "backgroundSound"),
    ("CreateAssistantDTO", "voicemailDetection"),
];

fn enum_values(property: &Value) -> Vec<String> {
    let mut values = Vec::new();
    let mut collect = |v: &Value| {
        for value in v["enum"].as_array().into_iter().flatten() {
            values.push(value.as_str().expect("string enum").to_owned());
        }
    };
    collect(property);
    collect(&property["items"]);
    for member in property["oneOf"].as_array().into_iter().flatten() {
        collect(member);
    }
    values
}

#[test]
fn every_enum_value_in_both_specs_parses_to_a_known_variant() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (version, spec) in specs() {
        for (schema_name, schema) in schemas(&spec) {
            for (property, definition) in schema["properties"].as_object().expect("properties") {
                let values = enum_values(definition);
                if values.is_empty()
                    || RAW_ENUM_PROPERTIES.contains(&(schema_name.as_str(), property.as_str()))
                {
                    continue;
                }
                for value in values {
                    checked += 1;
                    match enum_value_is_known(schema_name, property, &value) {
                        Some(true) => {}
                        Some(false) => problems.push(format!(
                            "{version}: {schema_name}.{property} = {value:?} parses to Unknown"
                        )),
                        None => problems.push(format!(
                            "{version}: {schema_name}.{property} has no open enum in the model"
                        )),
                    }
                }
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{problems:#?}");
    // 508 + 627 endedReason values alone, three times each per spec.
    assert!(checked > 3000, "only {checked} values checked");
}

#[test]
fn every_message_type_of_both_specs_is_a_known_message_type() {
    for (version, spec) in specs() {
        let types = spec["messageTypes"].as_object().expect("messageTypes");
        assert!(types.len() >= 17);
        for message_type in types.keys() {
            assert!(
                MessageType::from(message_type.as_str()).is_known(),
                "{version}: {message_type}"
            );
        }
    }
    // The 29 types, and `transcript[transcriptType="final"]`.
    assert_eq!(MessageType::KNOWN.len(), 30);
    assert_eq!(EndedReason::KNOWN.len(), 615);
}

#[test]
fn the_artifact_message_roles_select_typed_variants() {
    for role in ArtifactMessageRole::KNOWN {
        let message: ArtifactMessage =
            serde_json::from_value(json!({"role": role})).expect("parses");
        assert!(!matches!(message, ArtifactMessage::Other(_)), "{role}");
        assert_eq!(
            message.kind().map(|k| k.to_string()),
            Some(role.to_string())
        );
    }
}

// -------------------------------------------------------------- 4. open enums

#[test]
fn an_unknown_call_status_round_trips_as_the_same_string() {
    let input = json!({"message": {"type": "status-update", "status": "teleporting"}});
    let envelope = parse_json(&input).expect("an unknown status is accepted");
    let ServerMessage::StatusUpdate(m) = &envelope.message else {
        panic!("not a status-update");
    };
    assert_eq!(m.status, Some(CallStatus::Unknown("teleporting".into())));
    assert_eq!(envelope.to_value().expect("serialises"), input);
}

#[test]
fn open_enums_convert_to_and_from_strings_both_ways() {
    assert_eq!(CallStatus::from("in-progress"), CallStatus::InProgress);
    assert_eq!(
        "in-progress".parse::<CallStatus>(),
        Ok(CallStatus::InProgress)
    );
    assert_eq!(CallStatus::InProgress.to_string(), "in-progress");
    assert_eq!(CallStatus::from(String::from("ended")), CallStatus::Ended);
    let unknown = SpeechRole::from("narrator");
    assert!(!unknown.is_known());
    assert_eq!(unknown.as_str(), "narrator");
    assert_eq!(
        serde_json::to_value(&unknown).expect("serialises"),
        json!("narrator")
    );
    for value in EndedReason::KNOWN {
        let reason = EndedReason::from(*value);
        assert!(reason.is_known(), "{value}");
        assert_eq!(reason.as_str(), *value);
    }
    let future: EndedReason = serde_json::from_value(json!("call.ended-by-a-cat")).expect("parses");
    assert_eq!(future, EndedReason::Unknown("call.ended-by-a-cat".into()));
    assert_eq!(
        serde_json::to_value(&future).expect("serialises"),
        json!("call.ended-by-a-cat")
    );
}

#[test]
fn unknown_union_tags_are_kept_whole_in_the_other_variant() {
    let input = json!({"message": {
        "type": "transfer-update",
        "destination": {"description": "x", "type": "carrier-pigeon", "n": 0.0},
        "phoneNumber": {"provider": "plivo", "number": "+1"},
        "artifact": {"messages": [{"role": "narrator", "message": "hi"}, {"message": "no role"}]}
    }});
    let envelope = parse_json(&input).expect("parses");
    let ServerMessage::TransferUpdate(m) = &envelope.message else {
        panic!("not a transfer-update");
    };
    assert!(matches!(&m.destination, Some(Destination::Other(d)) if d.len() == 3));
    assert_eq!(
        m.destination.as_ref().and_then(Destination::kind),
        Some(DestinationType::Unknown("carrier-pigeon".into()))
    );
    assert!(matches!(&m.phone_number, Some(PhoneNumber::Other(_))));
    let messages = m
        .artifact
        .as_ref()
        .and_then(|a| a.messages.as_ref())
        .expect("messages");
    assert!(messages
        .iter()
        .all(|m| matches!(m, ArtifactMessage::Other(_))));
    assert_eq!(messages[0].text(), Some("hi"));
    let output = envelope.to_value().expect("serialises");
    assert_eq!(
        serde_json::to_string(&output).ok(),
        serde_json::to_string(&input).ok()
    );
}

#[test]
fn integers_floats_and_nulls_survive_a_round_trip_exactly() {
    let input = json!({"message": {
        "turn": 1.0, "type": "speech-update", "status": "stopped", "role": "user",
        "timestamp": 1750314425773.5, "chat": null, "call": {"cost": 0, "endedAt": null},
        "artifact": {"messages": [{"role": "bot", "time": 1.0, "duration": 0, "secondsFromStart": 0.0}]}
    }});
    let envelope = parse_json(&input).expect("parses");
    let ServerMessage::SpeechUpdate(m) = &envelope.message else {
        panic!("not a speech-update");
    };
    assert_eq!(m.turn_index(), Some(1));
    assert!(m.chat.is_none());
    let output = envelope.to_value().expect("serialises");
    assert_eq!(output, input);
    assert_eq!(
        serde_json::to_string(&output).expect("serialises"),
        serde_json::to_string(&input).expect("serialises")
    );
}

// ------------------------------------------------------------ 6. bad input

#[test]
fn a_body_that_is_not_json_is_a_syntax_error_with_its_offset() {
    // `n` could start `null`; the parser gives up at the `o` (byte 13).
    let err = Envelope::from_slice(b"{\"message\": nope}").expect_err("not JSON");
    assert!(
        matches!(err, ParseError::Syntax { offset: 13, .. }),
        "{err:?}"
    );
    let err = Envelope::from_slice(b"\xff\xfe").expect_err("not JSON");
    assert!(
        matches!(err, ParseError::Syntax { offset: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn truncated_json_is_reported_as_truncated_at_its_end() {
    let body = b"{\"message\": {\"type\": \"status-update\", \"status\": \"ende";
    let err = Envelope::from_slice(body).expect_err("truncated");
    assert!(
        // serde_json reports the last byte it read.
        matches!(err, ParseError::Truncated { offset, .. } if offset + 1 >= body.len()),
        "{err:?}"
    );
}

#[test]
fn a_root_that_is_not_an_object_is_named_by_its_json_type() {
    for (body, found) in [
        (&b"[]"[..], "array"),
        (b"\"message\"", "string"),
        (b"null", "null"),
    ] {
        let err = Envelope::from_slice(body).expect_err("wrong root");
        assert_eq!(err, ParseError::NotAnObject { found });
    }
}

#[test]
fn a_body_without_message_or_without_type_says_which() {
    assert_eq!(
        Envelope::from_slice(br#"{"msg": {}}"#),
        Err(ParseError::MissingMessage)
    );
    assert_eq!(
        Envelope::from_slice(br#"{"message": {"status": "ended"}}"#),
        Err(ParseError::MissingType)
    );
}

fn invalid_field_path(value: Value) -> String {
    match parse_json(&value) {
        Err(ParseError::InvalidField { path, reason }) => {
            assert!(!reason.is_empty());
            path
        }
        other => panic!("expected InvalidField, got {other:?}"),
    }
}

#[test]
fn a_field_of_the_wrong_type_is_reported_with_its_json_pointer() {
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "status-update", "status": 5}})),
        "/message/status"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "speech-update", "call": {"status": []}}})),
        "/message/call/status"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"type": 3}})),
        "/message/type"
    );
    assert_eq!(invalid_field_path(json!({"message": "hi"})), "/message");
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "transfer-update",
            "phoneNumber": {"provider": "twilio", "fallbackDestination": {"type": "sip", "sipUri": false}}}})),
        "/message/phoneNumber/fallbackDestination/sipUri"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "conversation-update",
            "messages": [{"role": "user"}, {"role": "bot", "time": "yesterday"}]}})),
        "/message/messages/1/time"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "end-of-call-report",
            "artifact": {"messages": [1]}}})),
        "/message/artifact/messages/0"
    );
}

// ------------------------------------------------------------ 5. proptest

/// Any JSON value, ints and floats both, small.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e9f64..1.0e9).prop_map(Value::from),
        Just(json!(0)),
        Just(json!(0.0)),
        "[a-z /~é]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<u32>().prop_map(Value::from),
        (0.0f64..1.0e6).prop_map(Value::from),
        Just(json!(0)),
        Just(json!(0.0)),
        Just(json!(3.0)),
    ]
    .boxed()
}

fn text() -> BoxedStrategy<Value> {
    "[a-zA-Z0-9 .:+-]{0,12}".prop_map(Value::from).boxed()
}

fn timestamp() -> BoxedStrategy<Value> {
    prop_oneof![
        (1_600_000_000_000u64..1_900_000_000_000).prop_map(Value::from),
        (1.6e12f64..1.9e12).prop_map(Value::from),
        Just(json!("2025-06-19T06:27:05.773Z")),
        Just(json!("2026-03-02T15:00:04.793+02:00")),
    ]
    .boxed()
}

/// A known value of an open enum, or a value no spec has.
fn open(known: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(known).prop_map(Value::from),
        1 => "[a-z][a-z.-]{0,10}".prop_map(Value::from),
    ]
    .boxed()
}

/// An object with a random subset of `fields` (each possibly `null`), up to
/// three undocumented keys, `always` fields present, all in random order.
fn object(
    always: Vec<(&'static str, BoxedStrategy<Value>)>,
    fields: Vec<(&'static str, BoxedStrategy<Value>)>,
) -> BoxedStrategy<Value> {
    let always: Vec<_> = always
        .into_iter()
        .map(|(k, s)| s.prop_map(move |v| (k.to_owned(), v)))
        .collect();
    let optional: Vec<_> = fields
        .into_iter()
        .map(|(k, s)| {
            prop::option::of(prop_oneof![5 => s, 1 => Just(Value::Null)])
                .prop_map(move |v| v.map(|v| (k.to_owned(), v)))
        })
        .collect();
    let extra = prop::collection::vec(("zz[a-zA-Z]{1,6}", any_json()), 0..3);
    (always, optional, extra)
        .prop_flat_map(|(always, optional, extra)| {
            let entries: Vec<(String, Value)> = always
                .into_iter()
                .chain(optional.into_iter().flatten())
                .chain(extra)
                .collect();
            Just(entries).prop_shuffle()
        })
        .prop_map(|entries| Value::Object(entries.into_iter().collect()))
        .boxed()
}

fn artifact_message() -> BoxedStrategy<Value> {
    object(
        vec![("role", open(ArtifactMessageRole::KNOWN))],
        vec![
            ("message", text()),
            ("time", timestamp()),
            ("endTime", timestamp()),
            ("secondsFromStart", number()),
            ("duration", number()),
            ("source", text()),
            ("toolCalls", any_json()),
            ("toolCallId", text()),
            ("name", text()),
            ("result", text()),
        ],
    )
}

fn openai_message() -> BoxedStrategy<Value> {
    object(
        vec![("role", open(OpenAiRole::KNOWN))],
        vec![
            ("content", text()),
            ("tool_calls", any_json()),
            ("tool_call_id", text()),
        ],
    )
}

fn destination() -> BoxedStrategy<Value> {
    object(
        vec![("type", open(DestinationType::KNOWN))],
        vec![
            ("sipUri", text()),
            ("number", text()),
            ("assistantName", text()),
            ("transferMode", open(TransferMode::KNOWN)),
            ("description", text()),
            ("sipHeaders", any_json()),
        ],
    )
}

fn phone_number() -> BoxedStrategy<Value> {
    object(
        vec![("provider", open(PhoneNumberProvider::KNOWN))],
        vec![
            ("number", text()),
            ("name", text()),
            ("credentialId", text()),
            ("twilioAccountSid", text()),
            ("smsEnabled", any::<bool>().prop_map(Value::from).boxed()),
            ("fallbackDestination", destination()),
        ],
    )
}

fn messages() -> BoxedStrategy<Value> {
    prop::collection::vec(artifact_message(), 0..3)
        .prop_map(Value::Array)
        .boxed()
}

fn openai_messages() -> BoxedStrategy<Value> {
    prop::collection::vec(openai_message(), 0..3)
        .prop_map(Value::Array)
        .boxed()
}

fn customer() -> BoxedStrategy<Value> {
    object(vec![], vec![("number", text()), ("name", text())])
}

fn call() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("id", text()),
            ("orgId", text()),
            ("type", open(CallType::KNOWN)),
            ("status", open(CallStatus::KNOWN)),
            ("endedReason", open(EndedReason::KNOWN)),
            ("createdAt", timestamp()),
            ("cost", number()),
            ("customer", customer()),
            ("phoneNumber", phone_number()),
            ("phoneCallProvider", open(PhoneCallProvider::KNOWN)),
            ("monitor", any_json()),
        ],
    )
}

fn artifact() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("messages", messages()),
            ("messagesOpenAIFormatted", openai_messages()),
            ("transcript", text()),
            ("recordingUrl", text()),
            ("performanceMetrics", any_json()),
            (
                "recording",
                object(
                    vec![],
                    vec![("mono", object(vec![], vec![("combinedUrl", text())]))],
                ),
            ),
        ],
    )
}

fn common(
    mut fields: Vec<(&'static str, BoxedStrategy<Value>)>,
) -> Vec<(&'static str, BoxedStrategy<Value>)> {
    fields.extend([
        ("timestamp", timestamp()),
        ("call", call()),
        ("artifact", artifact()),
        ("customer", customer()),
        ("phoneNumber", phone_number()),
        (
            "assistant",
            object(
                vec![],
                vec![
                    ("name", text()),
                    ("firstMessage", text()),
                    ("firstMessageMode", open(FirstMessageMode::KNOWN)),
                    ("model", any_json()),
                ],
            ),
        ),
        ("chat", any_json()),
        ("assistantVersion", text()),
    ]);
    fields
}

/// A delivery of one of the four seed types (or an end-of-call report).
fn seed_delivery() -> BoxedStrategy<Value> {
    let status_update = object(
        vec![("type", Just(json!("status-update")).boxed())],
        common(vec![
            ("status", open(CallStatus::KNOWN)),
            ("endedReason", open(EndedReason::KNOWN)),
            ("messages", messages()),
            ("messagesOpenAIFormatted", openai_messages()),
            ("destination", destination()),
            ("transcript", text()),
            ("summary", text()),
            ("inboundPhoneCallDebuggingArtifacts", any_json()),
        ]),
    );
    let speech_update = object(
        vec![("type", Just(json!("speech-update")).boxed())],
        common(vec![
            ("status", open(SpeechStatus::KNOWN)),
            ("role", open(SpeechRole::KNOWN)),
            ("turn", number()),
        ]),
    );
    let conversation_update = object(
        vec![("type", Just(json!("conversation-update")).boxed())],
        common(vec![
            ("messages", messages()),
            ("messagesOpenAIFormatted", openai_messages()),
            ("conversation", any_json()),
        ]),
    );
    let transfer_update = object(
        vec![("type", Just(json!("transfer-update")).boxed())],
        common(vec![
            ("destination", destination()),
            ("toStepRecord", any_json()),
            ("fromStepRecord", any_json()),
        ]),
    );
    let end_of_call_report = object(
        vec![("type", Just(json!("end-of-call-report")).boxed())],
        common(vec![
            ("endedReason", open(EndedReason::KNOWN)),
            ("cost", number()),
            (
                "costs",
                prop::collection::vec(
                    object(
                        vec![],
                        vec![
                            ("type", open(calltap_protocol::model::CostType::KNOWN)),
                            ("cost", number()),
                        ],
                    ),
                    0..3,
                )
                .prop_map(Value::Array)
                .boxed(),
            ),
            (
                "analysis",
                object(
                    vec![],
                    vec![("summary", text()), ("successEvaluation", text())],
                ),
            ),
            ("startedAt", timestamp()),
            ("endedAt", timestamp()),
            ("durationMs", number()),
        ]),
    );
    prop_oneof![
        status_update,
        speech_update,
        conversation_update,
        transfer_update,
        end_of_call_report
    ]
    .prop_map(|message| json!({ "message": message }))
    .boxed()
}

/// Replaces the value at a random place in `value` with `replacement`.
fn mutate(value: &mut Value, choice: usize, replacement: Value) {
    let len = match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len == 0 || choice % 7 == 0 {
        *value = replacement;
        return;
    }
    let i = choice % len;
    let child = match value {
        Value::Object(map) => map.values_mut().nth(i),
        Value::Array(items) => items.get_mut(i),
        _ => None,
    };
    if let Some(child) = child {
        mutate(child, choice / 3, replacement);
    }
}

/// Serialises `generated`, parses the bytes, and checks the envelope gives
/// back the JSON of those bytes. (Compared with the bytes' JSON, not with
/// `generated`: without serde_json's `float_roundtrip` feature, reading a
/// float back from text may differ from the generated `f64` in the last bit,
/// before the models are involved.)
fn assert_json_round_trips(generated: &Value) -> Result<(), TestCaseError> {
    let body = serde_json::to_vec(generated).expect("serialises");
    let input: Value = serde_json::from_slice(&body).expect("JSON");
    let input = &input;
    let envelope = Envelope::from_slice(&body).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    let output = envelope.to_value().expect("serialises");
    prop_assert_eq!(input, &output);
    prop_assert_eq!(
        serde_json::to_string(input).expect("serialises"),
        serde_json::to_string(&output).expect("serialises")
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_seed_messages_round_trip_losslessly(input in seed_delivery()) {
        assert_json_round_trips(&input)?;
    }

    #[test]
    fn random_byte_mutations_of_real_deliveries_never_panic(
        which in 0usize..6,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let deliveries = fixtures::real_deliveries();
        let mut body = deliveries[which % deliveries.len()].1.clone();
        for (at, byte, op) in edits {
            let i = at.index(body.len().max(1));
            match op {
                0 if i < body.len() => body[i] = byte,
                1 => body.insert(i.min(body.len()), byte),
                _ if i < body.len() => { body.remove(i); }
                _ => {}
            }
        }
        if truncate {
            body.truncate(cut.index(body.len() + 1));
        }
        // Ok or Err, never a panic; and what parses, round-trips.
        if let Ok(envelope) = Envelope::from_slice(&body) {
            let input: Value = serde_json::from_slice(&body).expect("parsed once already");
            prop_assert_eq!(envelope.to_value().expect("serialises"), input);
        }
    }

    #[test]
    fn real_deliveries_with_a_random_value_replaced_parse_or_fail_cleanly(
        which in 0usize..6,
        choice in any::<usize>(),
        replacement in any_json(),
    ) {
        let deliveries = fixtures::real_deliveries();
        let mut value: Value = serde_json::from_slice(&deliveries[which % deliveries.len()].1)
            .expect("fixture is JSON");
        mutate(&mut value, choice, replacement);
        match parse_json(&value) {
            Ok(_) => assert_json_round_trips(&value)?,
            Err(ParseError::InvalidField { path, .. }) => prop_assert!(path.starts_with("/message")),
            Err(_) => {}
        }
    }
}

#[test]
fn layouts_do_not_leak_into_equality_and_can_be_dropped() {
    let (_, body) = &fixtures::real_deliveries()[0];
    let parsed = parse(body);
    let mut rebuilt = Envelope::new(parsed.message.clone());
    assert_eq!(parsed, rebuilt);
    assert!(parsed.layout().is_some() && rebuilt.layout().is_none());
    // Without the layout, keys come in declaration order: `type` first.
    let bare = rebuilt.to_value().expect("serialises");
    assert_eq!(
        bare["message"]
            .as_object()
            .and_then(|m| m.keys().next())
            .map(String::as_str),
        Some("type")
    );
    rebuilt.set_layout(parsed.layout().cloned());
    assert_eq!(rebuilt.to_value().ok(), parsed.to_value().ok());
    let _: Map<String, Value> = Map::new();
}

// ------------------------------------------------ 7. the one-pass reader

/// The body as `serde_json::Value` reads it, written back: the JSON a
/// lossless parse must give (a repeated key keeps its first place and its
/// last value).
fn as_value_reads_it(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).expect("JSON");
    serde_json::to_string(&value).expect("serialises")
}

#[test]
fn a_key_given_twice_keeps_its_first_place_and_its_last_value_as_in_a_value() {
    let bodies: [&[u8]; 6] = [
        // a typed field, the second time null
        br#"{"message":{"type":"status-update","status":"ended","x":1,"status":null}}"#,
        // an untyped key
        br#"{"message":{"x":1,"type":"status-update","y":2,"x":3}}"#,
        // the message's type: the last one decides
        br#"{"message":{"type":"status-update","status":"ended","type":"speech-update"}}"#,
        // a union's tag, first unknown, then known
        br#"{"message":{"type":"conversation-update","messages":[{"role":"robot","message":"hi","role":"bot"}]}}"#,
        // the message itself
        br#"{"message":{"type":"hang"},"extra":true,"message":{"type":"status-update","status":"ended"}}"#,
        // a typed field inside a union, read before the tag
        br#"{"message":{"type":"conversation-update","messages":[{"time":1,"time":2,"role":"bot"}]}}"#,
    ];
    for body in bodies {
        let envelope = Envelope::from_slice(body).expect("parses");
        let json = String::from_utf8(envelope.to_vec().expect("serialises")).expect("UTF-8");
        assert_eq!(json, as_value_reads_it(body));
        let message_type = envelope.message.message_type().to_owned();
        assert_eq!(
            ServerMessage::from_envelope_of_type(&message_type, body).as_ref(),
            Ok(&envelope.message),
            "{json}"
        );
    }
    let body = bodies[2];
    let envelope = Envelope::from_slice(body).expect("parses");
    assert_eq!(envelope.message.kind(), MessageType::SpeechUpdate);
}

#[test]
fn keys_before_a_union_tag_keep_their_place_and_their_error_paths() {
    let body = br#"{"message":{"call":{"id":"c"},"timestamp":5,"type":"conversation-update",
        "messages":[{"time":1.5,"endTime":null,"message":"hi","role":"bot","unknownKey":"x"}],
        "phoneNumber":{"name":"n","fallbackDestination":{"sipUri":"sip:a@b","type":"sip"},"provider":"twilio"}}}"#;
    let envelope = assert_round_trips("tag last", body);
    let ServerMessage::ConversationUpdate(update) = &envelope.message else {
        panic!("not a conversation-update");
    };
    let Some([ArtifactMessage::Bot(bot)]) = update.messages.as_deref() else {
        panic!("not one bot message: {:?}", update.messages);
    };
    assert_eq!(bot.message.as_deref(), Some("hi"));
    assert_eq!(bot.extra.get("unknownKey"), Some(&json!("x")));
    let Some(PhoneNumber::Twilio(number)) = &update.phone_number else {
        panic!("not a Twilio number");
    };
    assert!(matches!(
        number.fallback_destination,
        Some(Destination::Sip(_))
    ));

    assert_eq!(
        invalid_field_path(json!({"message": {"type": "conversation-update",
            "messages": [{"role": "user"}, {"time": "yesterday", "role": "bot"}]}})),
        "/message/messages/1/time"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"type": "transfer-update",
            "phoneNumber": {"fallbackDestination": {"sipUri": false, "type": "sip"}, "provider": "twilio"}}})),
        "/message/phoneNumber/fallbackDestination/sipUri"
    );
    assert_eq!(
        invalid_field_path(json!({"message": {"status": [], "type": "status-update"}})),
        "/message/status"
    );
}

#[test]
fn an_envelope_changed_after_parsing_writes_what_it_holds() {
    let body = br#"{"message":{"timestamp":1,"type":"conversation-update","chat":null,
        "call":{"id":"c","type":"webCall"},
        "messages":[{"role":"user","message":"a","time":1},{"role":"bot","message":"b","time":2}]}}"#;
    let parsed = parse(body);
    // Written without a layout: the JSON the models hold, in declaration order.
    let plain = |envelope: &Envelope| {
        let mut bare = envelope.clone();
        bare.set_layout(None);
        bare.to_value().expect("serialises")
    };

    // Fields removed, added and changed, an array shortened.
    let mut changed = parsed.clone();
    let ServerMessage::ConversationUpdate(update) = &mut changed.message else {
        panic!("not a conversation-update");
    };
    update.call = None;
    update.assistant_version = Some("v2".to_owned());
    if let Some(messages) = update.messages.as_mut() {
        messages.remove(0);
    }
    let out = changed.to_value().expect("serialises");
    let mut expected = plain(&changed);
    // The `null` it was sent with is still `None`: it comes back.
    expected["message"]["chat"] = Value::Null;
    assert_eq!(out, expected);
    assert_eq!(
        serde_json::to_string(&out["message"]["messages"]).expect("serialises"),
        r#"[{"role":"bot","message":"b","time":2}]"#
    );

    // The message replaced by one of another type: none of the old keys'
    // places or nulls apply.
    let mut replaced = parsed.clone();
    let mut speech = SpeechUpdate::default();
    speech.status = Some(SpeechStatus::Started);
    replaced.message = ServerMessage::SpeechUpdate(Box::new(speech));
    assert_eq!(replaced.to_value().expect("serialises"), plain(&replaced));

    // A recorded layout applied to a value rearranges it as the envelope.
    let layout = parsed.layout().expect("parsed").clone();
    let shuffled = plain(&parsed);
    assert_eq!(
        serde_json::to_string(&layout.apply(shuffled)).expect("serialises"),
        as_value_reads_it(body)
    );
}
