//! The answers your server sends back to the messages that expect one:
//! `tool-calls`, `assistant-request`, `transfer-destination-request`,
//! `knowledge-base-request` and `handoff-destination-request`.
//!
//! Each answer is a struct of the spec's `ServerMessageResponse*` schema,
//! lossless like the message models (an `extra` map for what it does not
//! type), with builders for the common answers. Serialise one with
//! `serde_json` and send it as the HTTP response body (with the `axum`
//! feature, return it from a handler: it implements `IntoResponse`).
//! [`crate::validate::validate_response`] checks one against the spec.
//!
//! ```
//! use calltap_protocol::model::{ToolCall, ToolCalls};
//! use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
//! use serde_json::json;
//!
//! let mut message = ToolCalls::default();
//! message.tool_call_list = Some(vec![ToolCall::new("call_1", "get_weather", json!({"city": "Oslo"}))]);
//!
//! // One result per call, each naming the call it answers.
//! let answer = ToolCallsResponse::for_each_call(&message, |call| {
//!     ToolCallResult::success(call, "It is 14 degrees and raining in Oslo.")
//! });
//! assert!(answer.answers_every_call(&message));
//! assert_eq!(
//!     serde_json::to_value(&answer).unwrap(),
//!     json!({"results": [{"name": "get_weather", "toolCallId": "call_1",
//!                         "result": "It is 14 degrees and raining in Oslo."}]})
//! );
//! ```
//!
//! This module knows the answers' JSON; it knows nothing of HTTP.

use serde_json::{Number, Value};

use crate::model::{Assistant, Destination, MessageType, ToolCall, ToolCalls};

model_struct! {
    /// The answer to a `tool-calls` message: one result per tool call.
    ///
    /// Schema: `ServerMessageResponseToolCalls`.
    ToolCallsResponse {
        /// These are the results of the "tool-calls" message.
        results: Vec<ToolCallResult> = "results",
        /// This is the error message if the tool call was not successful.
        error: String = "error",
    }
}

impl ToolCallsResponse {
    /// An answer with no results yet (`{"results": []}`).
    pub fn new() -> Self {
        ToolCallsResponse {
            results: Some(Vec::new()),
            ..ToolCallsResponse::default()
        }
    }

    /// An answer with one result per call of `message` (see
    /// [`ToolCalls::calls`]), each made by `answer`.
    pub fn for_each_call(
        message: &ToolCalls,
        answer: impl FnMut(&ToolCall) -> ToolCallResult,
    ) -> Self {
        message.calls().into_iter().map(answer).collect()
    }

    /// Adds a result.
    pub fn push(&mut self, result: ToolCallResult) {
        self.results.get_or_insert_with(Vec::new).push(result);
    }

    /// Adds a result, builder style.
    pub fn with_result(mut self, result: ToolCallResult) -> Self {
        self.push(result);
        self
    }

    /// Whether every call of `message` that has an id has a result naming
    /// it.
    pub fn answers_every_call(&self, message: &ToolCalls) -> bool {
        let answered: Vec<&str> = self
            .results
            .iter()
            .flatten()
            .filter_map(|result| result.tool_call_id.as_deref())
            .collect();
        message
            .calls()
            .iter()
            .filter_map(|call| call.id.as_deref())
            .all(|id| answered.contains(&id))
    }
}

impl FromIterator<ToolCallResult> for ToolCallsResponse {
    fn from_iter<I: IntoIterator<Item = ToolCallResult>>(results: I) -> Self {
        ToolCallsResponse {
            results: Some(results.into_iter().collect()),
            ..ToolCallsResponse::default()
        }
    }
}

model_struct! {
    /// The result of one tool call: its id, the function's name, and a
    /// `result` or an `error` (both are added to the conversation for the
    /// model to read).
    ///
    /// Schema: `ToolCallResult`.
    ToolCallResult {
        /// This is the message that will be spoken to the user (a
        /// `ToolMessageComplete` or `ToolMessageFailed` object).
        message: Value = "message",
        /// This is the name of the function the model called.
        name: String = "name",
        /// This is the unique identifier for the tool call.
        tool_call_id: String = "toolCallId",
        /// This is the result if the tool call was successful.
        result: String = "result",
        /// This is the error if the tool call was not successful.
        error: String = "error",
        /// This is optional metadata for the tool call result to be sent to
        /// the client.
        metadata: Value = "metadata",
    }
}

impl ToolCallResult {
    /// A result for the call `tool_call_id` of function `name`, with
    /// neither result nor error yet.
    pub fn new(tool_call_id: impl Into<String>, name: impl Into<String>) -> Self {
        ToolCallResult {
            tool_call_id: Some(tool_call_id.into()),
            name: Some(name.into()),
            ..ToolCallResult::default()
        }
    }

    /// The call answered: its id and function name (empty when the call
    /// names none).
    pub fn answering(call: &ToolCall) -> Self {
        ToolCallResult::new(
            call.id.clone().unwrap_or_default(),
            call.name().unwrap_or_default(),
        )
    }

    /// A successful result of `call` (for structured data, pass a JSON
    /// string: `json!({...}).to_string()`).
    pub fn success(call: &ToolCall, result: impl Into<String>) -> Self {
        ToolCallResult::answering(call).with_result(result)
    }

    /// A failed call of `call`, with the error the model reads.
    pub fn failure(call: &ToolCall, error: impl Into<String>) -> Self {
        ToolCallResult::answering(call).with_error(error)
    }

    /// Sets `result`.
    pub fn with_result(mut self, result: impl Into<String>) -> Self {
        self.result = Some(result.into());
        self
    }

    /// Sets `error`.
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    /// Sets the message spoken to the user, e.g.
    /// `json!({"type": "request-complete", "content": "Booked."})`.
    pub fn with_message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }

    /// Sets the metadata sent on to the client.
    pub fn with_metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

model_struct! {
    /// The answer to an `assistant-request` message: which assistant, squad
    /// or workflow takes the inbound call (by id or inline), or a number or
    /// SIP destination to transfer it to at once, or an error spoken to the
    /// caller before hanging up.
    ///
    /// Schema: `ServerMessageResponseAssistantRequest`.
    AssistantRequestResponse {
        /// This is the destination to transfer the inbound call to.
        destination: Destination = "destination",
        /// This is the assistant ID that will be used for the call.
        assistant_id: String = "assistantId",
        /// This is the assistant that will be used for the call (transient).
        assistant: Box<Assistant> = "assistant",
        /// These are the overrides for the `assistant` or `assistantId`'s
        /// settings and template variables, as sent.
        assistant_overrides: Value = "assistantOverrides",
        /// This is the squad that will be used for the call.
        squad_id: String = "squadId",
        /// This is a squad that will be used for the call (transient), as sent.
        squad: Value = "squad",
        /// These are the overrides for the `squad` or `squadId`'s member
        /// settings, as sent (2026-08).
        squad_overrides: Value = "squadOverrides",
        /// This is the workflow that will be used for the call.
        workflow_id: String = "workflowId",
        /// This is a workflow that will be used for the call (transient), as
        /// sent.
        workflow: Value = "workflow",
        /// These are the overrides for the `workflow` or `workflowId`'s
        /// settings, as sent.
        workflow_overrides: Value = "workflowOverrides",
        /// This is the error if the call shouldn't be accepted; it is spoken
        /// to the customer.
        error: String = "error",
    }
}

impl AssistantRequestResponse {
    /// Use the saved assistant `id`.
    pub fn assistant_id(id: impl Into<String>) -> Self {
        AssistantRequestResponse {
            assistant_id: Some(id.into()),
            ..AssistantRequestResponse::default()
        }
    }

    /// Use this transient assistant.
    pub fn assistant(assistant: Assistant) -> Self {
        AssistantRequestResponse {
            assistant: Some(Box::new(assistant)),
            ..AssistantRequestResponse::default()
        }
    }

    /// Use the saved squad `id`.
    pub fn squad_id(id: impl Into<String>) -> Self {
        AssistantRequestResponse {
            squad_id: Some(id.into()),
            ..AssistantRequestResponse::default()
        }
    }

    /// Use this transient squad (a `CreateSquadDTO` object).
    pub fn squad(squad: Value) -> Self {
        AssistantRequestResponse {
            squad: Some(squad),
            ..AssistantRequestResponse::default()
        }
    }

    /// Transfer the call to `destination` (a number or SIP destination) at
    /// once.
    pub fn destination(destination: Destination) -> Self {
        AssistantRequestResponse {
            destination: Some(destination),
            ..AssistantRequestResponse::default()
        }
    }

    /// Refuse the call: `error` is spoken to the caller.
    pub fn error(error: impl Into<String>) -> Self {
        AssistantRequestResponse {
            error: Some(error.into()),
            ..AssistantRequestResponse::default()
        }
    }

    /// Sets the overrides of the assistant's settings and variables, e.g.
    /// `json!({"variableValues": {"name": "Ada"}})`.
    pub fn with_assistant_overrides(mut self, overrides: Value) -> Self {
        self.assistant_overrides = Some(overrides);
        self
    }
}

model_struct! {
    /// The answer to a `transfer-destination-request` message: where to
    /// transfer the call, or why not to.
    ///
    /// Schema: `ServerMessageResponseTransferDestinationRequest`.
    TransferDestinationResponse {
        /// This is the destination you'd like the call to be transferred to.
        destination: Destination = "destination",
        /// This is the message that will be spoken to the user as the tool is
        /// running (a `ToolMessageStart`, `-Complete`, `-Failed` or
        /// `-Delayed` object; 2026-08).
        message: Value = "message",
        /// This is the error message if the transfer should not be made.
        error: String = "error",
    }
}

impl TransferDestinationResponse {
    /// Transfer the call to `destination`.
    pub fn to(destination: Destination) -> Self {
        TransferDestinationResponse {
            destination: Some(destination),
            ..TransferDestinationResponse::default()
        }
    }

    /// Do not transfer: `error` says why.
    pub fn error(error: impl Into<String>) -> Self {
        TransferDestinationResponse {
            error: Some(error.into()),
            ..TransferDestinationResponse::default()
        }
    }

    /// Sets the message spoken while transferring.
    pub fn with_message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }
}

model_struct! {
    /// The answer to a `knowledge-base-request` message: the documents the
    /// model reads, or a message to speak instead of generating one.
    ///
    /// Schema: `ServerMessageResponseKnowledgeBaseRequest`.
    KnowledgeBaseResponse {
        /// This is the list of documents that will be sent to the model
        /// alongside the `messages` to generate a response.
        documents: Vec<KnowledgeBaseDocument> = "documents",
        /// This can be used to skip the model output generation and speak a
        /// custom message (a `CustomMessage` object).
        message: Value = "message",
    }
}

impl KnowledgeBaseResponse {
    /// An answer holding `documents`.
    pub fn documents(documents: impl IntoIterator<Item = KnowledgeBaseDocument>) -> Self {
        KnowledgeBaseResponse {
            documents: Some(documents.into_iter().collect()),
            ..KnowledgeBaseResponse::default()
        }
    }

    /// An answer that skips the model and speaks `content`.
    pub fn say(content: impl Into<String>) -> Self {
        KnowledgeBaseResponse {
            message: Some(serde_json::json!({
                "type": "custom-message",
                "content": content.into(),
            })),
            ..KnowledgeBaseResponse::default()
        }
    }
}

model_struct! {
    /// One document of a knowledge-base answer.
    ///
    /// Schema: `KnowledgeBaseResponseDocument`.
    KnowledgeBaseDocument {
        /// This is the content of the document.
        content: String = "content",
        /// This is the similarity score of the document.
        similarity: Number = "similarity",
        /// This is the uuid of the document.
        uuid: String = "uuid",
    }
}

impl KnowledgeBaseDocument {
    /// A document with its similarity score (a score that is not finite is
    /// left out).
    pub fn new(content: impl Into<String>, similarity: f64) -> Self {
        KnowledgeBaseDocument {
            content: Some(content.into()),
            similarity: Number::from_f64(similarity),
            ..KnowledgeBaseDocument::default()
        }
    }
}

model_struct! {
    /// The answer to a `handoff-destination-request` message: the
    /// destination to hand the call off to, or why not to (2026-08).
    ///
    /// Schema: `ServerMessageResponseHandoffDestinationRequest`.
    HandoffDestinationResponse {
        /// This is the local tool result message returned for the handoff
        /// tool call.
        result: String = "result",
        /// This is the destination you'd like the call to be transferred to
        /// (a handoff destination object, as sent).
        destination: Value = "destination",
        /// This is the error message if the handoff should not be made.
        error: String = "error",
    }
}

impl HandoffDestinationResponse {
    /// Hand the call off to `destination`, e.g.
    /// `json!({"type": "assistant", "assistantName": "Billing"})`.
    pub fn to(destination: Value) -> Self {
        HandoffDestinationResponse {
            destination: Some(destination),
            ..HandoffDestinationResponse::default()
        }
    }

    /// Do not hand off: `error` says why. (The spec requires a
    /// `destination`; this answer has none, as Vapi accepts.)
    pub fn error(error: impl Into<String>) -> Self {
        HandoffDestinationResponse {
            error: Some(error.into()),
            ..HandoffDestinationResponse::default()
        }
    }

    /// Sets the tool result message.
    pub fn with_result(mut self, result: impl Into<String>) -> Self {
        self.result = Some(result.into());
        self
    }
}

/// The name of the spec's schema for the answer to `message_type`, when the
/// sender waits for one this module types.
pub fn response_schema(message_type: &MessageType) -> Option<&'static str> {
    Some(match message_type {
        MessageType::ToolCalls => "ServerMessageResponseToolCalls",
        MessageType::AssistantRequest => "ServerMessageResponseAssistantRequest",
        MessageType::TransferDestinationRequest => {
            "ServerMessageResponseTransferDestinationRequest"
        }
        MessageType::KnowledgeBaseRequest => "ServerMessageResponseKnowledgeBaseRequest",
        MessageType::HandoffDestinationRequest => "ServerMessageResponseHandoffDestinationRequest",
        _ => return None,
    })
}
