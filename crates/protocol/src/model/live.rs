//! The message types that follow a conversation as it happens: transcripts,
//! model output, interruptions, the assistant's speech with its timing,
//! voice input, language changes and hangs.

use serde_json::{Number, Value};

use super::SpeechRole;

model_struct! {
    /// A `transcript` message (also sent as `transcript[transcriptType="final"]`
    /// to servers that asked for final transcripts only): partial or final
    /// text of what someone said.
    ///
    /// Schema: `ServerMessageTranscript`.
    message Transcript {
        /// This is the role for which the transcript is for.
        role: SpeechRole = "role",
        /// This is the type of the transcript.
        transcript_type: TranscriptType = "transcriptType",
        /// This is the transcript content.
        transcript: String = "transcript",
        /// The ID of the assistant that produced this transcript (2026-08).
        assistant_id: String = "assistantId",
        /// The name of the assistant that produced this transcript (2026-08).
        assistant_name: String = "assistantName",
        /// Indicates if the transcript was filtered for security reasons
        /// (2026-08).
        is_filtered: bool = "isFiltered",
        /// List of detected security threats if the transcript was filtered
        /// (2026-08).
        detected_threats: Vec<String> = "detectedThreats",
        /// The original transcript before filtering (only included if content
        /// was filtered; 2026-08).
        original_transcript: String = "originalTranscript",
    }
}

open_enum! {
    /// Whether a transcript is partial or final (`transcript.transcriptType`).
    TranscriptType {
        /// `partial`
        Partial = "partial",
        /// `final`
        Final = "final",
    }
}

model_struct! {
    /// A `model-output` message: tokens (or a tool call) as the model
    /// outputs them.
    ///
    /// Schema: `ServerMessageModelOutput`.
    message ModelOutput {
        /// This is the unique identifier for the current LLM turn: all tokens
        /// of one response share it (2026-08).
        turn_id: String = "turnId",
        /// This is the output of the model. It can be a token or tool call.
        output: Value = "output",
    }
}

model_struct! {
    /// A `user-interrupted` message: the user interrupted the assistant.
    ///
    /// Schema: `ServerMessageUserInterrupted`.
    message UserInterrupted {
        /// This is the turnId of the LLM response that was interrupted
        /// (2026-08).
        turn_id: String = "turnId",
    }
}

model_struct! {
    /// A `voice-input` message: a generation was requested from the voice
    /// provider.
    ///
    /// Schema: `ServerMessageVoiceInput`.
    message VoiceInput {
        /// This is the voice input content.
        input: String = "input",
    }
}

model_struct! {
    /// A `language-change-detected` message: the transcriber switched
    /// language.
    ///
    /// Schema: `ServerMessageLanguageChangeDetected`.
    message LanguageChangeDetected {
        /// This is the language the transcriber is switched to.
        language: String = "language",
    }
}

model_struct! {
    /// A `hang` message: the assistant is hanging because of a delay (a slow
    /// model, voice or tool server).
    ///
    /// Schema: `ServerMessageHang`.
    message Hang {}
}

model_struct! {
    /// An `assistant.speechStarted` message: assistant audio is being played
    /// (2026-08).
    ///
    /// Schema: `ServerMessageAssistantSpeech`.
    message AssistantSpeechStarted {
        /// The full assistant text for the current turn (not a delta; use
        /// `timing` to tell how much has been spoken).
        text: String = "text",
        /// This is the turn number of the assistant speech event (0-indexed).
        turn: Number = "turn",
        /// Indicates how the text was sourced.
        source: AssistantSpeechSource = "source",
        /// Optional timing metadata; its shape depends on `timing.type`.
        timing: AssistantSpeechTiming = "timing",
    }
}

open_enum! {
    /// How the text of an `assistant.speechStarted` message was sourced.
    AssistantSpeechSource {
        /// `model`
        Model = "model",
        /// `force-say`
        ForceSay = "force-say",
        /// `custom-voice`
        CustomVoice = "custom-voice",
    }
}

open_enum! {
    /// The `type` telling apart the timing shapes of
    /// `assistant.speechStarted`.
    AssistantSpeechTimingType {
        /// `word-alignment`
        WordAlignment = "word-alignment",
        /// `word-progress`
        WordProgress = "word-progress",
    }
}

tagged_union! {
    /// The timing of an `assistant.speechStarted` message, told apart by
    /// `type`, or any other object kept as sent.
    AssistantSpeechTiming, tag = "type", kind = AssistantSpeechTimingType {
        /// `type: word-alignment`
        WordAlignment(WordAlignmentTiming) = WordAlignment,
        /// `type: word-progress`
        WordProgress(WordProgressTiming) = WordProgress,
    }
}

model_struct! {
    /// Exact per-word timing (e.g. ElevenLabs alignment).
    ///
    /// Schema: `AssistantSpeechWordAlignmentTiming`.
    WordAlignmentTiming {
        /// The individual words in this audio segment.
        words: Vec<String> = "words",
        /// Start time in milliseconds for each word (parallel to `words`).
        words_start_times_ms: Vec<Number> = "wordsStartTimesMs",
        /// End time in milliseconds for each word (parallel to `words`).
        words_end_times_ms: Vec<Number> = "wordsEndTimesMs",
    }
}

model_struct! {
    /// Cursor-based word progress (e.g. Minimax).
    ///
    /// Schema: `AssistantSpeechWordProgressTiming`.
    WordProgressTiming {
        /// Number of words spoken so far in this turn.
        words_spoken: Number = "wordsSpoken",
        /// Total number of words sent to the TTS provider for this turn.
        total_words: Number = "totalWords",
        /// The text of the latest spoken segment.
        segment: String = "segment",
        /// Audio duration in milliseconds for the latest spoken segment.
        segment_duration_ms: Number = "segmentDurationMs",
        /// Per-word timestamps for the latest spoken segment, as sent.
        words: Vec<Value> = "words",
    }
}
