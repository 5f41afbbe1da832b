//! Which server messages wait for an answer: Vapi holds the call until the
//! receiver's response body (an assistant, a tool's result, a destination,
//! documents) arrives, where every other message is a notification.

use super::MessageType;

impl MessageType {
    /// Whether the sender of a message of this type waits for a response
    /// body (`assistant-request`, `tool-calls`,
    /// `transfer-destination-request`, `knowledge-base-request`,
    /// `handoff-destination-request`); an empty `{}` answer then leaves the
    /// call without what it asked for.
    ///
    /// ```
    /// use calltap_protocol::model::MessageType;
    ///
    /// assert!(MessageType::from("tool-calls").expects_response());
    /// assert!(!MessageType::from("status-update").expects_response());
    /// assert!(!MessageType::from("a-type-not-yet-invented").expects_response());
    /// ```
    pub fn expects_response(&self) -> bool {
        matches!(
            self,
            MessageType::AssistantRequest
                | MessageType::ToolCalls
                | MessageType::TransferDestinationRequest
                | MessageType::KnowledgeBaseRequest
                | MessageType::HandoffDestinationRequest
        )
    }
}
