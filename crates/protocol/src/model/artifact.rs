//! The call artifact (live conversation, transcript, recordings) and the
//! conversation messages it holds, in Vapi's and in OpenAI's format.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{ArtifactMessageRole, Model, OpenAiRole};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// The artifacts of a call: what was said, the transcript, recordings, and more.
///
/// Schema: `Artifact`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Artifact {
    /// These are the messages that were spoken during the call.
    #[serde(rename = "messages", default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ArtifactMessage>>,
    /// These are the messages that were spoken during the call, formatted for OpenAI.
    #[serde(
        rename = "messagesOpenAIFormatted",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub messages_open_ai_formatted: Option<Vec<OpenAiMessage>>,
    /// This is the recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(
        rename = "recordingUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub recording_url: Option<String>,
    /// This is the stereo recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(
        rename = "stereoRecordingUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stereo_recording_url: Option<String>,
    /// This is video recording url for the call. To enable, set `assistant.artifactPlan.videoRecordingEnabled`.
    #[serde(
        rename = "videoRecordingUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub video_recording_url: Option<String>,
    /// This is video recording start delay in ms. To enable, set `assistant.artifactPlan.videoRecordingEnabled`. This can be used to align the playback of the recording with artifact.messages timestamps.
    #[serde(
        rename = "videoRecordingStartDelaySeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub video_recording_start_delay_seconds: Option<Number>,
    /// This is the recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(rename = "recording", default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
    /// This is the transcript of the call. This is derived from `artifact.messages` but provided for convenience.
    #[serde(
        rename = "transcript",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transcript: Option<String>,
    /// This is the packet capture url for the call. This is only available for `phone` type calls where phone number's provider is `vapi` or `byo-phone-number`.
    #[serde(rename = "pcapUrl", default, skip_serializing_if = "Option::is_none")]
    pub pcap_url: Option<String>,
    /// This is the history of workflow nodes that were executed during the call.
    #[serde(rename = "nodes", default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Value>,
    /// This is the state of variables at the end of the workflow execution.
    ///
    /// Only in the 2025-06 spec (removed by 2026-08).
    #[serde(rename = "variables", default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Value>,
    /// Structured outputs skipped because their conditions were not met, keyed by saved or runtime output ID.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "skippedStructuredOutputs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub skipped_structured_outputs: Option<Value>,
    /// These are the transfer records for the call's transfer attempts (warm and blind), including
    /// destination, mode, and status. Warm transfer records also include transcripts and messages.
    ///
    /// Only in the 2026-08 spec.
    #[serde(rename = "transfers", default, skip_serializing_if = "Option::is_none")]
    pub transfers: Option<Value>,
    /// This is the url for the call logs. This includes all logging output during the call for debugging purposes.
    ///
    /// Only in the 2026-08 spec.
    #[serde(rename = "logUrl", default, skip_serializing_if = "Option::is_none")]
    pub log_url: Option<String>,
    /// Ordered list of assistants that were active during the call, including after transfers and handoffs.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "assistantActivations",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_activations: Option<Value>,
    /// These are the variable values at the end of the workflow execution.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "variableValues",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub variable_values: Option<Value>,
    /// This is the performance metrics for the call. It contains the turn latency, broken down by component.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "performanceMetrics",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub performance_metrics: Option<Value>,
    /// These are the structured outputs that will be extracted from the call.
    /// To enable, set `assistant.artifactPlan.structuredOutputIds` with the IDs of the structured outputs you want to extract.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "structuredOutputs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub structured_outputs: Option<Value>,
    /// These are the scorecards that have been evaluated based on the structured outputs extracted during the call.
    /// To enable, set `assistant.artifactPlan.scorecardIds` or `assistant.artifactPlan.scorecards` with the IDs or objects of the scorecards you want to evaluate.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "scorecards",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub scorecards: Option<Value>,
    /// This is when the structured outputs were last updated
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "structuredOutputsLastUpdatedAt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub structured_outputs_last_updated_at: Option<String>,
    /// This is a presigned URL to download the mono recording without
    /// authentication. Populated on API responses and server messages; never
    /// stored. Expires at `presignedUrlsExpiresAt` — after that, use
    /// `GET /call/{id}/mono-recording`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedMonoUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_mono_url: Option<String>,
    /// This is a presigned URL to download the stereo recording without
    /// authentication. Expires at `presignedUrlsExpiresAt` — after that, use
    /// `GET /call/{id}/stereo-recording`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedStereoUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_stereo_url: Option<String>,
    /// This is a presigned URL to download the video recording without
    /// authentication. Expires at `presignedUrlsExpiresAt` — after that, use
    /// `GET /call/{id}/video-recording`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedVideoUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_video_url: Option<String>,
    /// This is a presigned URL to download the assistant-channel mono recording
    /// without authentication. Expires at `presignedUrlsExpiresAt`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedAssistantUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_assistant_url: Option<String>,
    /// This is a presigned URL to download the customer-channel mono recording
    /// without authentication. Expires at `presignedUrlsExpiresAt`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedCustomerUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_customer_url: Option<String>,
    /// This is a presigned URL to download the packet capture without
    /// authentication. Expires at `presignedUrlsExpiresAt`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedPcapUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_pcap_url: Option<String>,
    /// This is a presigned URL to download the call logs without
    /// authentication. Expires at `presignedUrlsExpiresAt`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedLogUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_log_url: Option<String>,
    /// This is when the presigned URLs above expire, as an ISO 8601 timestamp.
    /// The raw `*Url` fields remain the stable identifiers and do not expire.
    /// Presigned URLs are regenerated per response and per webhook delivery, so
    /// values differ across retries.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "presignedUrlsExpiresAt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presigned_urls_expires_at: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Artifact {
    const FIELDS: &'static [&'static str] = &[
        "messages",
        "messagesOpenAIFormatted",
        "recordingUrl",
        "stereoRecordingUrl",
        "videoRecordingUrl",
        "videoRecordingStartDelaySeconds",
        "recording",
        "transcript",
        "pcapUrl",
        "nodes",
        "variables",
        "skippedStructuredOutputs",
        "transfers",
        "logUrl",
        "assistantActivations",
        "variableValues",
        "performanceMetrics",
        "structuredOutputs",
        "scorecards",
        "structuredOutputsLastUpdatedAt",
        "presignedMonoUrl",
        "presignedStereoUrl",
        "presignedVideoUrl",
        "presignedAssistantUrl",
        "presignedCustomerUrl",
        "presignedPcapUrl",
        "presignedLogUrl",
        "presignedUrlsExpiresAt",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The recording urls of a call.
///
/// Schema: `Recording`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recording {
    /// This is the stereo recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(rename = "stereoUrl", default, skip_serializing_if = "Option::is_none")]
    pub stereo_url: Option<String>,
    /// This is the video recording url for the call. To enable, set `assistant.artifactPlan.videoRecordingEnabled`.
    #[serde(rename = "videoUrl", default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// This is video recording start delay in ms. To enable, set `assistant.artifactPlan.videoRecordingEnabled`. This can be used to align the playback of the recording with artifact.messages timestamps.
    #[serde(
        rename = "videoRecordingStartDelaySeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub video_recording_start_delay_seconds: Option<Number>,
    /// This is the mono recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(rename = "mono", default, skip_serializing_if = "Option::is_none")]
    pub mono: Option<MonoRecording>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Recording {
    const FIELDS: &'static [&'static str] = &[
        "stereoUrl",
        "videoUrl",
        "videoRecordingStartDelaySeconds",
        "mono",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The mono recording urls of a call.
///
/// Schema: `Mono`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonoRecording {
    /// This is the combined recording url for the call. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(
        rename = "combinedUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub combined_url: Option<String>,
    /// This is the mono recording url for the assistant. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(
        rename = "assistantUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_url: Option<String>,
    /// This is the mono recording url for the customer. To enable, set `assistant.artifactPlan.recordingEnabled`.
    #[serde(
        rename = "customerUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_url: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for MonoRecording {
    const FIELDS: &'static [&'static str] = &["combinedUrl", "assistantUrl", "customerUrl"];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The system prompt, as a conversation message (`role: system`).
///
/// `time` is epoch milliseconds, `secondsFromStart` seconds.
///
/// Schema: `SystemMessage` (the `role` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SystemMessage {
    /// The message content from the system.
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The timestamp when the message was sent.
    #[serde(rename = "time", default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The number of seconds from the start of the conversation.
    #[serde(
        rename = "secondsFromStart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_from_start: Option<Number>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for SystemMessage {
    const FIELDS: &'static [&'static str] = &["message", "time", "secondsFromStart"];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// Something the assistant said (`role: bot`).
///
/// `time` and `endTime` are epoch milliseconds, `secondsFromStart` seconds; `duration` is documented in seconds but real deliveries send milliseconds.
///
/// Schema: `BotMessage` (the `role` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotMessage {
    /// The message content from the bot.
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The timestamp when the message was sent.
    #[serde(rename = "time", default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The timestamp when the message ended.
    #[serde(rename = "endTime", default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// The number of seconds from the start of the conversation.
    #[serde(
        rename = "secondsFromStart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_from_start: Option<Number>,
    /// The source of the message.
    #[serde(rename = "source", default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The duration of the message in seconds.
    #[serde(rename = "duration", default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Number>,
    /// The name of the assistant that produced this message. In a squad or
    /// handoff call this is the specific sub-agent active when the message was
    /// spoken, letting the transcript label each message by speaker.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "assistantName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_name: Option<String>,
    /// The ID of the assistant that produced this message. Stable reference for
    /// the assistant named in `assistantName`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for BotMessage {
    const FIELDS: &'static [&'static str] = &[
        "message",
        "time",
        "endTime",
        "secondsFromStart",
        "source",
        "duration",
        "assistantName",
        "assistantId",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// Something the user said (`role: user`).
///
/// `time` and `endTime` are epoch milliseconds, `secondsFromStart` seconds; `duration` is documented in seconds but real deliveries send milliseconds.
///
/// Schema: `UserMessage` (the `role` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserMessage {
    /// The message content from the user.
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The timestamp when the message was sent.
    #[serde(rename = "time", default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The timestamp when the message ended.
    #[serde(rename = "endTime", default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// The number of seconds from the start of the conversation.
    #[serde(
        rename = "secondsFromStart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_from_start: Option<Number>,
    /// The duration of the message in seconds.
    #[serde(rename = "duration", default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Number>,
    /// Indicates if the message was filtered for security reasons.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "isFiltered",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_filtered: Option<bool>,
    /// List of detected security threats if the message was filtered.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "detectedThreats",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub detected_threats: Option<Value>,
    /// The original message before filtering (only included if content was filtered).
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "originalMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub original_message: Option<String>,
    /// The metadata associated with the message. Currently used to store the transcriber's word level confidence.
    ///
    /// Only in the 2026-08 spec.
    #[serde(rename = "metadata", default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Stable speaker label for diarized user speakers (e.g., "Speaker 1").
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "speakerLabel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker_label: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for UserMessage {
    const FIELDS: &'static [&'static str] = &[
        "message",
        "time",
        "endTime",
        "secondsFromStart",
        "duration",
        "isFiltered",
        "detectedThreats",
        "originalMessage",
        "metadata",
        "speakerLabel",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// Tool calls the assistant made (`role: tool_calls`).
///
/// Schema: `ToolCallMessage` (the `role` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCallMessage {
    /// The list of tool calls made during the conversation.
    #[serde(rename = "toolCalls", default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Value>,
    /// The message content for the tool call.
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The timestamp when the message was sent.
    #[serde(rename = "time", default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The number of seconds from the start of the conversation.
    #[serde(
        rename = "secondsFromStart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_from_start: Option<Number>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for ToolCallMessage {
    const FIELDS: &'static [&'static str] = &["toolCalls", "message", "time", "secondsFromStart"];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The result of a tool call (`role: tool_call_result`).
///
/// Schema: `ToolCallResultMessage` (the `role` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCallResultMessage {
    /// The ID of the tool call.
    #[serde(
        rename = "toolCallId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tool_call_id: Option<String>,
    /// The name of the tool that returned the result.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The result of the tool call in JSON format.
    #[serde(rename = "result", default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The timestamp when the message was sent.
    #[serde(rename = "time", default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The number of seconds from the start of the conversation.
    #[serde(
        rename = "secondsFromStart",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_from_start: Option<Number>,
    /// The metadata for the tool call result.
    #[serde(rename = "metadata", default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Warnings raised for this tool call result, e.g. when the response is
    /// larger than recommended for voice AI context windows.
    ///
    /// Only in the 2026-08 spec.
    #[serde(rename = "warnings", default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for ToolCallResultMessage {
    const FIELDS: &'static [&'static str] = &[
        "toolCallId",
        "name",
        "result",
        "time",
        "secondsFromStart",
        "metadata",
        "warnings",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// A conversation message in OpenAI's chat format.
///
/// Schema: `OpenAIMessage`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenAiMessage {
    /// `content` (the spec gives no description).
    #[serde(rename = "content", default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `role` (the spec gives no description).
    #[serde(rename = "role", default, skip_serializing_if = "Option::is_none")]
    pub role: Option<OpenAiRole>,
    /// The tool calls of an assistant message (OpenAI format; not in the spec, sent by Vapi).
    #[serde(
        rename = "tool_calls",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tool_calls: Option<Value>,
    /// The tool call a `tool` message answers (OpenAI format; not in the spec, sent by Vapi).
    #[serde(
        rename = "tool_call_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tool_call_id: Option<String>,
    /// The name of the function or participant (OpenAI format; not in the spec).
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for OpenAiMessage {
    const FIELDS: &'static [&'static str] =
        &["content", "role", "tool_calls", "tool_call_id", "name"];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
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
