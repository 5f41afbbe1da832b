//! The typed answers (`calltap_protocol::response`): what the builders make
//! is valid against the specs' response schemas, answers parse back
//! losslessly, and a wrong answer is reported with its path.

use calltap_protocol::model::{
    Assistant, Destination, Envelope, MessageType, NumberDestination, ServerMessage, ToolCall,
    ToolCalls,
};
use calltap_protocol::response::{
    response_schema, AssistantRequestResponse, HandoffDestinationResponse, KnowledgeBaseDocument,
    KnowledgeBaseResponse, ToolCallResult, ToolCallsResponse, TransferDestinationResponse,
};
use calltap_protocol::validate::{validate_response, Mode, ViolationKind};
use serde::Serialize;
use serde_json::{json, Value};

/// Asserts that `answer` to a `message_type` is valid against the spec
/// (strict mode) and reads back equal; returns its JSON.
fn assert_valid<T>(message_type: MessageType, answer: &T) -> Value
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(answer).expect("serialises");
    let violations = validate_response(&message_type, &json, Mode::Strict)
        .unwrap_or_else(|| panic!("{message_type} has a response schema"));
    assert!(violations.is_empty(), "{message_type}: {violations:#?}");
    let back: T = serde_json::from_value(json.clone()).expect("reads back");
    assert_eq!(&back, answer);
    json
}

fn tool_calls_message() -> ToolCalls {
    let body = std::fs::read(format!(
        "{}/tests/messages/tool-calls.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the tool-calls body");
    match Envelope::from_slice(&body).expect("parses").message {
        ServerMessage::ToolCalls(message) => *message,
        other => panic!("not tool-calls: {other:?}"),
    }
}

#[test]
fn a_fallback_answer_has_one_result_per_tool_call_id_carrying_the_configured_message() {
    let message = tool_calls_message();
    let answer = ToolCallsResponse::for_each_call(&message, |call| {
        ToolCallResult::failure(
            call,
            "The booking system is down; say so and offer a callback.",
        )
    });
    assert!(answer.answers_every_call(&message));
    let json = assert_valid(MessageType::ToolCalls, &answer);
    assert_eq!(
        json,
        json!({"results": [
            {"name": "book_appointment", "toolCallId": "call_7QmWc2hR8kXvN3pL",
             "error": "The booking system is down; say so and offer a callback."},
            {"name": "check_insurance", "toolCallId": "call_Zt4bY9uE1sDf6GhJ",
             "error": "The booking system is down; say so and offer a callback."}
        ]})
    );
}

#[test]
fn tool_results_carry_a_result_a_spoken_message_and_metadata() {
    let call = ToolCall::new("call_1", "get_weather", json!({"city": "Oslo"}));
    let answer = ToolCallsResponse::new().with_result(
        ToolCallResult::success(&call, json!({"celsius": 14}).to_string())
            .with_message(json!({"type": "request-complete", "content": "Here it is."}))
            .with_metadata(json!({"source": "met.no"})),
    );
    let json = assert_valid(MessageType::ToolCalls, &answer);
    assert_eq!(json["results"][0]["result"], json!("{\"celsius\":14}"));
    assert_eq!(json["results"][0]["toolCallId"], json!("call_1"));
}

#[test]
fn an_answer_missing_a_call_does_not_answer_every_call() {
    let message = tool_calls_message();
    let first = message.calls()[0].clone();
    let answer: ToolCallsResponse = [ToolCallResult::success(&first, "ok")]
        .into_iter()
        .collect();
    assert!(!answer.answers_every_call(&message));
}

#[test]
fn every_assistant_request_answer_is_valid() {
    let mut assistant = Assistant::default();
    assistant.name = Some("Riley".to_owned());
    assistant.first_message = Some("Hello from Northwind Dental.".to_owned());
    let mut number = NumberDestination::default();
    number.number = Some("+14155550188".to_owned());
    let answers = [
        AssistantRequestResponse::assistant_id("7c6b5a49-3827-4165-9e8d-7c6b5a493827")
            .with_assistant_overrides(json!({"variableValues": {"name": "Ada"}})),
        AssistantRequestResponse::assistant(assistant),
        AssistantRequestResponse::squad_id("squad_1"),
        AssistantRequestResponse::squad(json!({"members": [{"assistantId": "a-1"}]})),
        AssistantRequestResponse::destination(Destination::Number(number)),
        AssistantRequestResponse::error("We are closed; call back tomorrow."),
    ];
    let keys: Vec<Value> = answers
        .iter()
        .map(|a| assert_valid(MessageType::AssistantRequest, a))
        .collect();
    assert_eq!(
        keys[0]["assistantId"],
        json!("7c6b5a49-3827-4165-9e8d-7c6b5a493827")
    );
    assert_eq!(keys[1]["assistant"]["name"], json!("Riley"));
    assert_eq!(
        keys[4]["destination"],
        json!({"type": "number", "number": "+14155550188"})
    );
    assert_eq!(
        keys[5],
        json!({"error": "We are closed; call back tomorrow."})
    );
}

#[test]
fn transfer_knowledge_base_and_handoff_answers_are_valid() {
    let sip: Destination =
        serde_json::from_value(json!({"type": "sip", "sipUri": "sip:desk@pbx.example"}))
            .expect("a destination");
    let transfer = TransferDestinationResponse::to(sip)
        .with_message(json!({"type": "request-start", "content": "Connecting you now."}));
    let json = assert_valid(MessageType::TransferDestinationRequest, &transfer);
    assert_eq!(json["destination"]["sipUri"], json!("sip:desk@pbx.example"));
    assert_valid(
        MessageType::TransferDestinationRequest,
        &TransferDestinationResponse::error("nobody is available"),
    );

    let documents = KnowledgeBaseResponse::documents([
        KnowledgeBaseDocument::new("Cleanings take 45 minutes.", 0.92),
        KnowledgeBaseDocument::new("We open at 8am.", 0.41),
    ]);
    let json = assert_valid(MessageType::KnowledgeBaseRequest, &documents);
    assert_eq!(json["documents"][0]["similarity"], json!(0.92));
    assert_valid(
        MessageType::KnowledgeBaseRequest,
        &KnowledgeBaseResponse::say("Let me check with a colleague."),
    );

    let handoff =
        HandoffDestinationResponse::to(json!({"type": "assistant", "assistantName": "Billing"}))
            .with_result("Handing off to billing.");
    assert_valid(MessageType::HandoffDestinationRequest, &handoff);
}

#[test]
fn a_wrong_answer_is_reported_with_its_path() {
    let answer = json!({"results": [{"result": "ok", "name": "x"}, "not an object"]});
    let violations =
        validate_response(&MessageType::ToolCalls, &answer, Mode::Strict).expect("a schema");
    let found: Vec<(&str, ViolationKind)> = violations
        .iter()
        .map(|v| (v.path.as_str(), v.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("/results/0/toolCallId", ViolationKind::MissingRequired),
            ("/results/1", ViolationKind::WrongType),
        ]
    );
}

#[test]
fn an_answer_keeps_properties_it_does_not_type() {
    let input = json!({"results": [{"toolCallId": "c", "name": "n", "result": "r", "future": 1}],
                       "alsoFuture": [true]});
    let answer: ToolCallsResponse = serde_json::from_value(input.clone()).expect("parses");
    assert_eq!(serde_json::to_value(&answer).expect("serialises"), input);
}

#[test]
fn only_the_five_types_that_wait_for_an_answer_have_a_response_schema() {
    let with_schema: Vec<&str> = MessageType::KNOWN
        .iter()
        .filter(|t| response_schema(&MessageType::from(**t)).is_some())
        .copied()
        .collect();
    assert_eq!(
        with_schema,
        [
            "assistant-request",
            "knowledge-base-request",
            "tool-calls",
            "transfer-destination-request",
            "handoff-destination-request",
        ]
    );
    assert!(validate_response(&MessageType::StatusUpdate, &json!({}), Mode::Strict).is_none());
    // The types with a typed answer are exactly those whose sender waits.
    for message_type in MessageType::KNOWN {
        let kind = MessageType::from(*message_type);
        assert_eq!(
            response_schema(&kind).is_some(),
            kind.expects_response(),
            "{message_type}"
        );
    }
}
