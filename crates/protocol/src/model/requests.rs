//! The message types that ask your server for something: an assistant for
//! an inbound call, a transfer or handoff destination, knowledge-base
//! documents, an endpointing decision, synthesised speech, or control of
//! the phone call. The answers are in [`crate::response`].

use serde_json::{Number, Value};

use super::{ArtifactMessage, Destination, OpenAiMessage};

model_struct! {
    /// An `assistant-request` message: an inbound call arrived and Vapi asks
    /// which assistant (or squad, or destination) takes it. Answer with an
    /// [`AssistantRequestResponse`](crate::response::AssistantRequestResponse).
    ///
    /// Schema: `ServerMessageAssistantRequest`.
    message AssistantRequest {}
}

model_struct! {
    /// A `transfer-destination-request` message: the model wants to transfer
    /// the call but the destination is unknown. Answer with a
    /// [`TransferDestinationResponse`](crate::response::TransferDestinationResponse).
    ///
    /// Schema: `ServerMessageTransferDestinationRequest`.
    message TransferDestinationRequest {}
}

model_struct! {
    /// A `handoff-destination-request` message: the model wants to hand the
    /// call off but the destination is unknown (2026-08). Answer with a
    /// [`HandoffDestinationResponse`](crate::response::HandoffDestinationResponse).
    ///
    /// Schema: `ServerMessageHandoffDestinationRequest`.
    message HandoffDestinationRequest {
        /// This is the parameters of the handoff destination request.
        parameters: Value = "parameters",
    }
}

model_struct! {
    /// A `knowledge-base-request` message: a custom knowledge base is asked
    /// for documents. Answer with a
    /// [`KnowledgeBaseResponse`](crate::response::KnowledgeBaseResponse).
    ///
    /// Schema: `ServerMessageKnowledgeBaseRequest`.
    message KnowledgeBaseRequest {
        /// These are the messages that are going to be sent to the `model`
        /// right after the `knowledge-base-request` webhook completes.
        messages: Vec<ArtifactMessage> = "messages",
        /// This is just `messages` formatted for OpenAI.
        messages_open_ai_formatted: Vec<OpenAiMessage> = "messagesOpenAIFormatted",
    }
}

model_struct! {
    /// A `call.endpointing.request` message: a custom endpointing model is
    /// asked whether the user has finished speaking (2026-08).
    ///
    /// Schema: `ServerMessageCallEndpointingRequest`.
    message CallEndpointingRequest {
        /// This is the conversation history at the time of the endpointing
        /// request.
        messages: Vec<ArtifactMessage> = "messages",
        /// This is just `messages` formatted for OpenAI.
        messages_open_ai_formatted: Vec<OpenAiMessage> = "messagesOpenAIFormatted",
    }
}

model_struct! {
    /// A `voice-request` message: a custom voice is asked to synthesise
    /// `text`; the answer is raw audio at `sampleRate`.
    ///
    /// Schema: `ServerMessageVoiceRequest`.
    message VoiceRequest {
        /// This is the text to be synthesized.
        text: String = "text",
        /// This is the sample rate to be synthesized.
        sample_rate: Number = "sampleRate",
    }
}

model_struct! {
    /// A `phone-call-control` message: hanging up and forwarding are
    /// delegated to your server, which is asked to do one of them.
    ///
    /// Schema: `ServerMessagePhoneCallControl`.
    message PhoneCallControl {
        /// This is the request to control the phone call.
        request: PhoneCallRequest = "request",
        /// This is the destination to forward the call to if the request is
        /// "forward".
        destination: Destination = "destination",
    }
}

open_enum! {
    /// What a `phone-call-control` message asks for.
    PhoneCallRequest {
        /// `forward`
        Forward = "forward",
        /// `hang-up`
        HangUp = "hang-up",
    }
}
