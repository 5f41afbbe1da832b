//! The small open enums of the models: call and speech status, roles, call
//! and destination types, providers, message types. `endedReason` lives in
//! its own generated module.
//!
//! Each enum lists the values of both specs (2025-06 and 2026-08); anything
//! else parses to `Unknown` and round-trips.

open_enum! {
    /// The `type` of a server message: the 17 types of the 2025-06 spec, then
    /// the 12 added by 2026-08, then the second name of `transcript`.
    MessageType {
        /// `assistant-request`
        AssistantRequest = "assistant-request",
        /// `conversation-update`
        ConversationUpdate = "conversation-update",
        /// `end-of-call-report`
        EndOfCallReport = "end-of-call-report",
        /// `hang`
        Hang = "hang",
        /// `knowledge-base-request`
        KnowledgeBaseRequest = "knowledge-base-request",
        /// `model-output`
        ModelOutput = "model-output",
        /// `phone-call-control`
        PhoneCallControl = "phone-call-control",
        /// `speech-update`
        SpeechUpdate = "speech-update",
        /// `status-update`
        StatusUpdate = "status-update",
        /// `tool-calls`
        ToolCalls = "tool-calls",
        /// `transfer-destination-request`
        TransferDestinationRequest = "transfer-destination-request",
        /// `transfer-update`
        TransferUpdate = "transfer-update",
        /// `transcript`
        Transcript = "transcript",
        /// `user-interrupted`
        UserInterrupted = "user-interrupted",
        /// `language-change-detected`
        LanguageChangeDetected = "language-change-detected",
        /// `voice-input`
        VoiceInput = "voice-input",
        /// `voice-request`
        VoiceRequest = "voice-request",
        /// `handoff-destination-request` (2026-08)
        HandoffDestinationRequest = "handoff-destination-request",
        /// `assistant.speechStarted` (2026-08)
        AssistantSpeechStarted = "assistant.speechStarted",
        /// `call.endpointing.request` (2026-08)
        CallEndpointingRequest = "call.endpointing.request",
        /// `chat.created` (2026-08)
        ChatCreated = "chat.created",
        /// `chat.deleted` (2026-08)
        ChatDeleted = "chat.deleted",
        /// `session.created` (2026-08)
        SessionCreated = "session.created",
        /// `session.updated` (2026-08)
        SessionUpdated = "session.updated",
        /// `session.deleted` (2026-08)
        SessionDeleted = "session.deleted",
        /// `call.deleted` (2026-08)
        CallDeleted = "call.deleted",
        /// `call.delete.failed` (2026-08)
        CallDeleteFailed = "call.delete.failed",
        /// `call.artifact.upload` (2026-08)
        CallArtifactUpload = "call.artifact.upload",
        /// `campaign.predial` (2026-08)
        CampaignPredial = "campaign.predial",
        /// `transcript[transcriptType="final"]`: a final transcript, sent
        /// under this name to servers that asked for final transcripts only
        /// (the spec's second `type` of `ServerMessageTranscript`).
        TranscriptFinal = "transcript[transcriptType=\"final\"]",
    }
}

open_enum! {
    /// The status of a call (`status-update.status`, `call.status`).
    CallStatus {
        /// `scheduled`
        Scheduled = "scheduled",
        /// `queued`
        Queued = "queued",
        /// `ringing`
        Ringing = "ringing",
        /// `in-progress`
        InProgress = "in-progress",
        /// `forwarding`
        Forwarding = "forwarding",
        /// `ended`
        Ended = "ended",
        /// `not-found` (2026-08)
        NotFound = "not-found",
        /// `deletion-failed` (2026-08)
        DeletionFailed = "deletion-failed",
    }
}

open_enum! {
    /// Whether speech started or stopped (`speech-update.status`).
    SpeechStatus {
        /// `started`
        Started = "started",
        /// `stopped`
        Stopped = "stopped",
    }
}

open_enum! {
    /// Who is speaking (`speech-update.role`).
    SpeechRole {
        /// `assistant`
        Assistant = "assistant",
        /// `user`
        User = "user",
    }
}

open_enum! {
    /// The `role` telling apart the conversation messages of an artifact.
    ArtifactMessageRole {
        /// `system`
        System = "system",
        /// `bot`
        Bot = "bot",
        /// `user`
        User = "user",
        /// `tool_calls`
        ToolCalls = "tool_calls",
        /// `tool_call_result`
        ToolCallResult = "tool_call_result",
    }
}

open_enum! {
    /// The role of a message in OpenAI's chat format.
    OpenAiRole {
        /// `assistant`
        Assistant = "assistant",
        /// `function`
        Function = "function",
        /// `user`
        User = "user",
        /// `system`
        System = "system",
        /// `tool`
        Tool = "tool",
    }
}

open_enum! {
    /// The `type` telling apart transfer destinations.
    DestinationType {
        /// `assistant`
        Assistant = "assistant",
        /// `number`
        Number = "number",
        /// `sip`
        Sip = "sip",
    }
}

open_enum! {
    /// The kind of call (`call.type`).
    CallType {
        /// `inboundPhoneCall`
        InboundPhoneCall = "inboundPhoneCall",
        /// `outboundPhoneCall`
        OutboundPhoneCall = "outboundPhoneCall",
        /// `webCall`
        WebCall = "webCall",
        /// `vapi.websocketCall`
        VapiWebsocketCall = "vapi.websocketCall",
    }
}

open_enum! {
    /// The `provider` telling apart phone-number DTOs.
    PhoneNumberProvider {
        /// `byo-phone-number`
        ByoPhoneNumber = "byo-phone-number",
        /// `twilio`
        Twilio = "twilio",
        /// `vonage`
        Vonage = "vonage",
        /// `vapi`
        Vapi = "vapi",
        /// `telnyx`
        Telnyx = "telnyx",
    }
}

open_enum! {
    /// The telephony provider of a phone call (`call.phoneCallProvider`).
    PhoneCallProvider {
        /// `twilio`
        Twilio = "twilio",
        /// `vonage`
        Vonage = "vonage",
        /// `vapi`
        Vapi = "vapi",
        /// `telnyx`
        Telnyx = "telnyx",
    }
}

open_enum! {
    /// How a phone call is carried (`call.phoneCallTransport`).
    PhoneCallTransport {
        /// `sip`
        Sip = "sip",
        /// `pstn`
        Pstn = "pstn",
    }
}

open_enum! {
    /// How the conversation history is handled on a transfer to an assistant.
    TransferMode {
        /// `rolling-history`
        RollingHistory = "rolling-history",
        /// `swap-system-message-in-history`
        SwapSystemMessageInHistory = "swap-system-message-in-history",
        /// `swap-system-message-in-history-and-remove-transfer-tool-messages`
        SwapSystemMessageInHistoryAndRemoveTransferToolMessages = "swap-system-message-in-history-and-remove-transfer-tool-messages",
        /// `delete-history`
        DeleteHistory = "delete-history",
    }
}

open_enum! {
    /// How the assistant opens the call (`assistant.firstMessageMode`).
    FirstMessageMode {
        /// `assistant-speaks-first`
        AssistantSpeaksFirst = "assistant-speaks-first",
        /// `assistant-speaks-first-with-model-generated-message`
        AssistantSpeaksFirstWithModelGeneratedMessage = "assistant-speaks-first-with-model-generated-message",
        /// `assistant-waits-for-user`
        AssistantWaitsForUser = "assistant-waits-for-user",
    }
}

open_enum! {
    /// The `type` of an entry of `costs`.
    CostType {
        /// `transport`
        Transport = "transport",
        /// `transcriber`
        Transcriber = "transcriber",
        /// `model`
        Model = "model",
        /// `voice`
        Voice = "voice",
        /// `vapi`
        Vapi = "vapi",
        /// `voicemail-detection`
        VoicemailDetection = "voicemail-detection",
        /// `analysis`
        Analysis = "analysis",
        /// `knowledge-base`
        KnowledgeBase = "knowledge-base",
    }
}

open_enum! {
    /// The status of a chat session (`session.status`).
    SessionStatus {
        /// `active`
        Active = "active",
        /// `completed`
        Completed = "completed",
    }
}

open_enum! {
    /// Which artifact a `call.artifact.upload` entry reports on.
    ArtifactUploadType {
        /// `end-of-call-report`
        EndOfCallReport = "end-of-call-report",
        /// `recording-mono`
        RecordingMono = "recording-mono",
        /// `recording-stereo`
        RecordingStereo = "recording-stereo",
        /// `recording-assistant`
        RecordingAssistant = "recording-assistant",
        /// `recording-customer`
        RecordingCustomer = "recording-customer",
        /// `log`
        Log = "log",
        /// `pcap`
        Pcap = "pcap",
    }
}
