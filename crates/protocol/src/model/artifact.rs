//! The call artifact (live conversation, transcript, recordings) and the
//! conversation messages it holds, in Vapi's and in OpenAI's format.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{ArtifactMessageRole, OpenAiRole};
use crate::Timestamp;
use serde_json::{Number, Value};

model_struct! {
    /// The artifacts of a call: what was said, the transcript, recordings, and more.
    ///
    /// Schema: `Artifact`.
    Artifact {
        /// These are the messages that were spoken during the call.
        messages: Vec<ArtifactMessage> = "messages",
        /// These are the messages that were spoken during the call, formatted for OpenAI.
        messages_open_ai_formatted: Vec<OpenAiMessage> = "messagesOpenAIFormatted",
        /// This is the recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        recording_url: String = "recordingUrl",
        /// This is the stereo recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        stereo_recording_url: String = "stereoRecordingUrl",
        /// This is video recording url for the call. To enable, set `assistant.artifactPlan.videoRecordingEnabled`.
        video_recording_url: String = "videoRecordingUrl",
        /// This is video recording start delay in ms. To enable, set `assistant.artifactPlan.videoRecordingEnabled`. This can be used to align the playback of the recording with artifact.messages timestamps.
        video_recording_start_delay_seconds: Number = "videoRecordingStartDelaySeconds",
        /// This is the recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        recording: Recording = "recording",
        /// This is the transcript of the call. This is derived from `artifact.messages` but provided for convenience.
        transcript: String = "transcript",
        /// This is the packet capture url for the call. This is only available for `phone` type calls where phone number's provider is `vapi` or `byo-phone-number`.
        pcap_url: String = "pcapUrl",
        /// This is the history of workflow nodes that were executed during the call.
        nodes: Value = "nodes",
        /// This is the state of variables at the end of the workflow execution.
        ///
        /// Only in the 2025-06 spec (removed by 2026-08).
        variables: Value = "variables",
        /// Structured outputs skipped because their conditions were not met, keyed by saved or runtime output ID.
        ///
        /// Only in the 2026-08 spec.
        skipped_structured_outputs: Value = "skippedStructuredOutputs",
        /// These are the transfer records for the call's transfer attempts (warm and blind), including
        /// destination, mode, and status. Warm transfer records also include transcripts and messages.
        ///
        /// Only in the 2026-08 spec.
        transfers: Value = "transfers",
        /// This is the url for the call logs. This includes all logging output during the call for debugging purposes.
        ///
        /// Only in the 2026-08 spec.
        log_url: String = "logUrl",
        /// Ordered list of assistants that were active during the call, including after transfers and handoffs.
        ///
        /// Only in the 2026-08 spec.
        assistant_activations: Value = "assistantActivations",
        /// These are the variable values at the end of the workflow execution.
        ///
        /// Only in the 2026-08 spec.
        variable_values: Value = "variableValues",
        /// This is the performance metrics for the call. It contains the turn latency, broken down by component.
        ///
        /// Only in the 2026-08 spec.
        performance_metrics: Value = "performanceMetrics",
        /// These are the structured outputs that will be extracted from the call.
        /// To enable, set `assistant.artifactPlan.structuredOutputIds` with the IDs of the structured outputs you want to extract.
        ///
        /// Only in the 2026-08 spec.
        structured_outputs: Value = "structuredOutputs",
        /// These are the scorecards that have been evaluated based on the structured outputs extracted during the call.
        /// To enable, set `assistant.artifactPlan.scorecardIds` or `assistant.artifactPlan.scorecards` with the IDs or objects of the scorecards you want to evaluate.
        ///
        /// Only in the 2026-08 spec.
        scorecards: Value = "scorecards",
        /// This is when the structured outputs were last updated
        ///
        /// Only in the 2026-08 spec.
        structured_outputs_last_updated_at: String = "structuredOutputsLastUpdatedAt",
        /// This is a presigned URL to download the mono recording without
        /// authentication. Populated on API responses and server messages; never
        /// stored. Expires at `presignedUrlsExpiresAt` — after that, use
        /// `GET /call/{id}/mono-recording`.
        ///
        /// Only in the 2026-08 spec.
        presigned_mono_url: String = "presignedMonoUrl",
        /// This is a presigned URL to download the stereo recording without
        /// authentication. Expires at `presignedUrlsExpiresAt` — after that, use
        /// `GET /call/{id}/stereo-recording`.
        ///
        /// Only in the 2026-08 spec.
        presigned_stereo_url: String = "presignedStereoUrl",
        /// This is a presigned URL to download the video recording without
        /// authentication. Expires at `presignedUrlsExpiresAt` — after that, use
        /// `GET /call/{id}/video-recording`.
        ///
        /// Only in the 2026-08 spec.
        presigned_video_url: String = "presignedVideoUrl",
        /// This is a presigned URL to download the assistant-channel mono recording
        /// without authentication. Expires at `presignedUrlsExpiresAt`.
        ///
        /// Only in the 2026-08 spec.
        presigned_assistant_url: String = "presignedAssistantUrl",
        /// This is a presigned URL to download the customer-channel mono recording
        /// without authentication. Expires at `presignedUrlsExpiresAt`.
        ///
        /// Only in the 2026-08 spec.
        presigned_customer_url: String = "presignedCustomerUrl",
        /// This is a presigned URL to download the packet capture without
        /// authentication. Expires at `presignedUrlsExpiresAt`.
        ///
        /// Only in the 2026-08 spec.
        presigned_pcap_url: String = "presignedPcapUrl",
        /// This is a presigned URL to download the call logs without
        /// authentication. Expires at `presignedUrlsExpiresAt`.
        ///
        /// Only in the 2026-08 spec.
        presigned_log_url: String = "presignedLogUrl",
        /// This is when the presigned URLs above expire, as an ISO 8601 timestamp.
        /// The raw `*Url` fields remain the stable identifiers and do not expire.
        /// Presigned URLs are regenerated per response and per webhook delivery, so
        /// values differ across retries.
        ///
        /// Only in the 2026-08 spec.
        presigned_urls_expires_at: String = "presignedUrlsExpiresAt",
    }
}

model_struct! {
    /// The recording urls of a call.
    ///
    /// Schema: `Recording`.
    Recording {
        /// This is the stereo recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        stereo_url: String = "stereoUrl",
        /// This is the video recording url for the call. To enable, set `assistant.artifactPlan.videoRecordingEnabled`.
        video_url: String = "videoUrl",
        /// This is video recording start delay in ms. To enable, set `assistant.artifactPlan.videoRecordingEnabled`. This can be used to align the playback of the recording with artifact.messages timestamps.
        video_recording_start_delay_seconds: Number = "videoRecordingStartDelaySeconds",
        /// This is the mono recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        mono: MonoRecording = "mono",
    }
}

model_struct! {
    /// The mono recording urls of a call.
    ///
    /// Schema: `Mono`.
    MonoRecording {
        /// This is the combined recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
        combined_url: String = "combinedUrl",
        /// This is the mono recording url for the assistant. To enable, set `assistant.artifactPlan.recordingEnabled`.
        assistant_url: String = "assistantUrl",
        /// This is the mono recording url for the customer. To enable, set `assistant.artifactPlan.recordingEnabled`.
        customer_url: String = "customerUrl",
    }
}

model_struct! {
    /// The system prompt, as a conversation message (`role: system`).
    ///
    /// `time` is epoch milliseconds, `secondsFromStart` seconds.
    ///
    /// Schema: `SystemMessage` (the `role` tag is implied by the enum variant holding it).
    SystemMessage {
        /// The message content from the system.
        message: String = "message",
        /// The timestamp when the message was sent.
        time: Timestamp = "time",
        /// The number of seconds from the start of the conversation.
        seconds_from_start: Number = "secondsFromStart",
    }
}

model_struct! {
    /// Something the assistant said (`role: bot`).
    ///
    /// `time` and `endTime` are epoch milliseconds, `secondsFromStart` seconds; `duration` is documented in seconds but real deliveries send milliseconds.
    ///
    /// Schema: `BotMessage` (the `role` tag is implied by the enum variant holding it).
    BotMessage {
        /// The message content from the bot.
        message: String = "message",
        /// The timestamp when the message was sent.
        time: Timestamp = "time",
        /// The timestamp when the message ended.
        end_time: Timestamp = "endTime",
        /// The number of seconds from the start of the conversation.
        seconds_from_start: Number = "secondsFromStart",
        /// The source of the message.
        source: String = "source",
        /// The duration of the message in seconds.
        duration: Number = "duration",
        /// The name of the assistant that produced this message. In a squad or
        /// handoff call this is the specific sub-agent active when the message was
        /// spoken, letting the transcript label each message by speaker.
        ///
        /// Only in the 2026-08 spec.
        assistant_name: String = "assistantName",
        /// The ID of the assistant that produced this message. Stable reference for
        /// the assistant named in `assistantName`.
        ///
        /// Only in the 2026-08 spec.
        assistant_id: String = "assistantId",
    }
}

model_struct! {
    /// Something the user said (`role: user`).
    ///
    /// `time` and `endTime` are epoch milliseconds, `secondsFromStart` seconds; `duration` is documented in seconds but real deliveries send milliseconds.
    ///
    /// Schema: `UserMessage` (the `role` tag is implied by the enum variant holding it).
    UserMessage {
        /// The message content from the user.
        message: String = "message",
        /// The timestamp when the message was sent.
        time: Timestamp = "time",
        /// The timestamp when the message ended.
        end_time: Timestamp = "endTime",
        /// The number of seconds from the start of the conversation.
        seconds_from_start: Number = "secondsFromStart",
        /// The duration of the message in seconds.
        duration: Number = "duration",
        /// Indicates if the message was filtered for security reasons.
        ///
        /// Only in the 2026-08 spec.
        is_filtered: bool = "isFiltered",
        /// List of detected security threats if the message was filtered.
        ///
        /// Only in the 2026-08 spec.
        detected_threats: Value = "detectedThreats",
        /// The original message before filtering (only included if content was filtered).
        ///
        /// Only in the 2026-08 spec.
        original_message: String = "originalMessage",
        /// The metadata associated with the message. Currently used to store the transcriber's word level confidence.
        ///
        /// Only in the 2026-08 spec.
        metadata: Value = "metadata",
        /// Stable speaker label for diarized user speakers (e.g., "Speaker 1").
        ///
        /// Only in the 2026-08 spec.
        speaker_label: String = "speakerLabel",
    }
}

model_struct! {
    /// Tool calls the assistant made (`role: tool_calls`).
    ///
    /// Schema: `ToolCallMessage` (the `role` tag is implied by the enum variant holding it).
    ToolCallMessage {
        /// The list of tool calls made during the conversation.
        tool_calls: Value = "toolCalls",
        /// The message content for the tool call.
        message: String = "message",
        /// The timestamp when the message was sent.
        time: Timestamp = "time",
        /// The number of seconds from the start of the conversation.
        seconds_from_start: Number = "secondsFromStart",
    }
}

model_struct! {
    /// The result of a tool call (`role: tool_call_result`).
    ///
    /// Schema: `ToolCallResultMessage` (the `role` tag is implied by the enum variant holding it).
    ToolCallResultMessage {
        /// The ID of the tool call.
        tool_call_id: String = "toolCallId",
        /// The name of the tool that returned the result.
        name: String = "name",
        /// The result of the tool call in JSON format.
        result: String = "result",
        /// The timestamp when the message was sent.
        time: Timestamp = "time",
        /// The number of seconds from the start of the conversation.
        seconds_from_start: Number = "secondsFromStart",
        /// The metadata for the tool call result.
        metadata: Value = "metadata",
        /// Warnings raised for this tool call result, e.g. when the response is
        /// larger than recommended for voice AI context windows.
        ///
        /// Only in the 2026-08 spec.
        warnings: Value = "warnings",
    }
}

model_struct! {
    /// A conversation message in OpenAI's chat format.
    ///
    /// Schema: `OpenAIMessage`.
    OpenAiMessage {
        /// `content` (the spec gives no description).
        content: String = "content",
        /// `role` (the spec gives no description).
        role: OpenAiRole = "role",
        /// The tool calls of an assistant message (OpenAI format; not in the spec, sent by Vapi).
        tool_calls: Value = "tool_calls",
        /// The tool call a `tool` message answers (OpenAI format; not in the spec, sent by Vapi).
        tool_call_id: String = "tool_call_id",
        /// The name of the function or participant (OpenAI format; not in the spec).
        name: String = "name",
    }
}

tagged_union! {
    /// A conversation message of an artifact (`messages`), told apart by
    /// `role`, or any other object kept as sent.
    ArtifactMessage, tag = "role", kind = ArtifactMessageRole {
        /// `role: system`
        System(SystemMessage) = System,
        /// `role: bot`
        Bot(BotMessage) = Bot,
        /// `role: user`
        User(UserMessage) = User,
        /// `role: tool_calls`
        ToolCalls(ToolCallMessage) = ToolCalls,
        /// `role: tool_call_result`
        ToolCallResult(ToolCallResultMessage) = ToolCallResult,
    }
}

impl ArtifactMessage {
    /// The text of the message (`message`; `result` for a tool-call result),
    /// if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            ArtifactMessage::System(m) => m.message.as_deref(),
            ArtifactMessage::Bot(m) => m.message.as_deref(),
            ArtifactMessage::User(m) => m.message.as_deref(),
            ArtifactMessage::ToolCalls(m) => m.message.as_deref(),
            ArtifactMessage::ToolCallResult(m) => m.result.as_deref(),
            ArtifactMessage::Other(map) => map.get("message").and_then(Value::as_str),
        }
    }

    /// When the message started (`time`, epoch milliseconds), if typed.
    pub fn time(&self) -> Option<&Timestamp> {
        match self {
            ArtifactMessage::System(m) => m.time.as_ref(),
            ArtifactMessage::Bot(m) => m.time.as_ref(),
            ArtifactMessage::User(m) => m.time.as_ref(),
            ArtifactMessage::ToolCalls(m) => m.time.as_ref(),
            ArtifactMessage::ToolCallResult(m) => m.time.as_ref(),
            ArtifactMessage::Other(_) => None,
        }
    }
}
