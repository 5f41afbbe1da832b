//! `endedReason`: why a call ended. An open enum of every value in either spec.

// GENERATED, do not edit by hand. Produced once by a Python script from the
// union of the `endedReason` enums of `Call` (identical to those of
// `ServerMessageStatusUpdate` and `ServerMessageEndOfCallReport`) in
// `schemas/vapi-2025-06.trimmed.json` (508 values) and
// `schemas/vapi-2026-08.trimmed.json` (627 values): 615 values, 2025-06 order
// first, then values new in 2026-08. Variant names are the value's
// alphanumeric runs in UpperCamelCase. To regenerate, rerun the same
// transformation over both specs; `tests/models.rs` fails if a spec value
// parses to `Unknown`.

open_enum! {
    /// Why a call ended (`endedReason`). Values not listed here parse to
    /// [`EndedReason::Unknown`] and round-trip unchanged.
    EndedReason {
        /// `call-start-error-neither-assistant-nor-server-set`
        CallStartErrorNeitherAssistantNorServerSet = "call-start-error-neither-assistant-nor-server-set",
        /// `assistant-request-failed`
        AssistantRequestFailed = "assistant-request-failed",
        /// `assistant-request-returned-error`
        AssistantRequestReturnedError = "assistant-request-returned-error",
        /// `assistant-request-returned-unspeakable-error`
        AssistantRequestReturnedUnspeakableError = "assistant-request-returned-unspeakable-error",
        /// `assistant-request-returned-invalid-assistant`
        AssistantRequestReturnedInvalidAssistant = "assistant-request-returned-invalid-assistant",
        /// `assistant-request-returned-no-assistant`
        AssistantRequestReturnedNoAssistant = "assistant-request-returned-no-assistant",
        /// `assistant-request-returned-forwarding-phone-number`
        AssistantRequestReturnedForwardingPhoneNumber = "assistant-request-returned-forwarding-phone-number",
        /// `scheduled-call-deleted`
        ScheduledCallDeleted = "scheduled-call-deleted",
        /// `call.start.error-vapifault-get-org`
        CallStartErrorVapifaultGetOrg = "call.start.error-vapifault-get-org",
        /// `call.start.error-vapifault-get-subscription`
        CallStartErrorVapifaultGetSubscription = "call.start.error-vapifault-get-subscription",
        /// `call.start.error-get-assistant`
        CallStartErrorGetAssistant = "call.start.error-get-assistant",
        /// `call.start.error-get-phone-number`
        CallStartErrorGetPhoneNumber = "call.start.error-get-phone-number",
        /// `call.start.error-get-customer`
        CallStartErrorGetCustomer = "call.start.error-get-customer",
        /// `call.start.error-get-resources-validation`
        CallStartErrorGetResourcesValidation = "call.start.error-get-resources-validation",
        /// `call.start.error-vapi-number-international`
        CallStartErrorVapiNumberInternational = "call.start.error-vapi-number-international",
        /// `call.start.error-vapi-number-outbound-daily-limit`
        CallStartErrorVapiNumberOutboundDailyLimit = "call.start.error-vapi-number-outbound-daily-limit",
        /// `call.start.error-get-transport`
        CallStartErrorGetTransport = "call.start.error-get-transport",
        /// `call.start.error-subscription-wallet-does-not-exist`
        CallStartErrorSubscriptionWalletDoesNotExist = "call.start.error-subscription-wallet-does-not-exist",
        /// `call.start.error-subscription-frozen`
        CallStartErrorSubscriptionFrozen = "call.start.error-subscription-frozen",
        /// `call.start.error-subscription-insufficient-credits`
        CallStartErrorSubscriptionInsufficientCredits = "call.start.error-subscription-insufficient-credits",
        /// `call.start.error-subscription-upgrade-failed`
        CallStartErrorSubscriptionUpgradeFailed = "call.start.error-subscription-upgrade-failed",
        /// `call.start.error-subscription-concurrency-limit-reached`
        CallStartErrorSubscriptionConcurrencyLimitReached = "call.start.error-subscription-concurrency-limit-reached",
        /// `assistant-not-valid`
        AssistantNotValid = "assistant-not-valid",
        /// `database-error` (2025-06 only)
        DatabaseError = "database-error",
        /// `assistant-not-found`
        AssistantNotFound = "assistant-not-found",
        /// `pipeline-error-openai-voice-failed`
        PipelineErrorOpenaiVoiceFailed = "pipeline-error-openai-voice-failed",
        /// `pipeline-error-cartesia-voice-failed`
        PipelineErrorCartesiaVoiceFailed = "pipeline-error-cartesia-voice-failed",
        /// `pipeline-error-deepgram-voice-failed`
        PipelineErrorDeepgramVoiceFailed = "pipeline-error-deepgram-voice-failed",
        /// `pipeline-error-eleven-labs-voice-failed`
        PipelineErrorElevenLabsVoiceFailed = "pipeline-error-eleven-labs-voice-failed",
        /// `pipeline-error-playht-voice-failed`
        PipelineErrorPlayhtVoiceFailed = "pipeline-error-playht-voice-failed",
        /// `pipeline-error-lmnt-voice-failed`
        PipelineErrorLmntVoiceFailed = "pipeline-error-lmnt-voice-failed",
        /// `pipeline-error-azure-voice-failed`
        PipelineErrorAzureVoiceFailed = "pipeline-error-azure-voice-failed",
        /// `pipeline-error-rime-ai-voice-failed`
        PipelineErrorRimeAiVoiceFailed = "pipeline-error-rime-ai-voice-failed",
        /// `pipeline-error-smallest-ai-voice-failed`
        PipelineErrorSmallestAiVoiceFailed = "pipeline-error-smallest-ai-voice-failed",
        /// `pipeline-error-neuphonic-voice-failed`
        PipelineErrorNeuphonicVoiceFailed = "pipeline-error-neuphonic-voice-failed",
        /// `pipeline-error-hume-voice-failed`
        PipelineErrorHumeVoiceFailed = "pipeline-error-hume-voice-failed",
        /// `pipeline-error-sesame-voice-failed`
        PipelineErrorSesameVoiceFailed = "pipeline-error-sesame-voice-failed",
        /// `pipeline-error-tavus-video-failed`
        PipelineErrorTavusVideoFailed = "pipeline-error-tavus-video-failed",
        /// `call.in-progress.error-vapifault-openai-voice-failed`
        CallInProgressErrorVapifaultOpenaiVoiceFailed = "call.in-progress.error-vapifault-openai-voice-failed",
        /// `call.in-progress.error-vapifault-cartesia-voice-failed`
        CallInProgressErrorVapifaultCartesiaVoiceFailed = "call.in-progress.error-vapifault-cartesia-voice-failed",
        /// `call.in-progress.error-vapifault-deepgram-voice-failed`
        CallInProgressErrorVapifaultDeepgramVoiceFailed = "call.in-progress.error-vapifault-deepgram-voice-failed",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-failed`
        CallInProgressErrorVapifaultElevenLabsVoiceFailed = "call.in-progress.error-vapifault-eleven-labs-voice-failed",
        /// `call.in-progress.error-vapifault-playht-voice-failed`
        CallInProgressErrorVapifaultPlayhtVoiceFailed = "call.in-progress.error-vapifault-playht-voice-failed",
        /// `call.in-progress.error-vapifault-lmnt-voice-failed`
        CallInProgressErrorVapifaultLmntVoiceFailed = "call.in-progress.error-vapifault-lmnt-voice-failed",
        /// `call.in-progress.error-vapifault-azure-voice-failed`
        CallInProgressErrorVapifaultAzureVoiceFailed = "call.in-progress.error-vapifault-azure-voice-failed",
        /// `call.in-progress.error-vapifault-rime-ai-voice-failed`
        CallInProgressErrorVapifaultRimeAiVoiceFailed = "call.in-progress.error-vapifault-rime-ai-voice-failed",
        /// `call.in-progress.error-vapifault-smallest-ai-voice-failed`
        CallInProgressErrorVapifaultSmallestAiVoiceFailed = "call.in-progress.error-vapifault-smallest-ai-voice-failed",
        /// `call.in-progress.error-vapifault-neuphonic-voice-failed`
        CallInProgressErrorVapifaultNeuphonicVoiceFailed = "call.in-progress.error-vapifault-neuphonic-voice-failed",
        /// `call.in-progress.error-vapifault-hume-voice-failed`
        CallInProgressErrorVapifaultHumeVoiceFailed = "call.in-progress.error-vapifault-hume-voice-failed",
        /// `call.in-progress.error-vapifault-sesame-voice-failed`
        CallInProgressErrorVapifaultSesameVoiceFailed = "call.in-progress.error-vapifault-sesame-voice-failed",
        /// `call.in-progress.error-vapifault-tavus-video-failed`
        CallInProgressErrorVapifaultTavusVideoFailed = "call.in-progress.error-vapifault-tavus-video-failed",
        /// `pipeline-error-vapi-llm-failed`
        PipelineErrorVapiLlmFailed = "pipeline-error-vapi-llm-failed",
        /// `pipeline-error-vapi-400-bad-request-validation-failed`
        PipelineErrorVapi400BadRequestValidationFailed = "pipeline-error-vapi-400-bad-request-validation-failed",
        /// `pipeline-error-vapi-401-unauthorized`
        PipelineErrorVapi401Unauthorized = "pipeline-error-vapi-401-unauthorized",
        /// `pipeline-error-vapi-403-model-access-denied`
        PipelineErrorVapi403ModelAccessDenied = "pipeline-error-vapi-403-model-access-denied",
        /// `pipeline-error-vapi-429-exceeded-quota`
        PipelineErrorVapi429ExceededQuota = "pipeline-error-vapi-429-exceeded-quota",
        /// `pipeline-error-vapi-500-server-error`
        PipelineErrorVapi500ServerError = "pipeline-error-vapi-500-server-error",
        /// `pipeline-error-vapi-503-server-overloaded-error`
        PipelineErrorVapi503ServerOverloadedError = "pipeline-error-vapi-503-server-overloaded-error",
        /// `call.in-progress.error-vapifault-vapi-llm-failed`
        CallInProgressErrorVapifaultVapiLlmFailed = "call.in-progress.error-vapifault-vapi-llm-failed",
        /// `call.in-progress.error-vapifault-vapi-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultVapi400BadRequestValidationFailed = "call.in-progress.error-vapifault-vapi-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-vapi-401-unauthorized`
        CallInProgressErrorVapifaultVapi401Unauthorized = "call.in-progress.error-vapifault-vapi-401-unauthorized",
        /// `call.in-progress.error-vapifault-vapi-403-model-access-denied`
        CallInProgressErrorVapifaultVapi403ModelAccessDenied = "call.in-progress.error-vapifault-vapi-403-model-access-denied",
        /// `call.in-progress.error-vapifault-vapi-429-exceeded-quota`
        CallInProgressErrorVapifaultVapi429ExceededQuota = "call.in-progress.error-vapifault-vapi-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-vapi-500-server-error`
        CallInProgressErrorProviderfaultVapi500ServerError = "call.in-progress.error-providerfault-vapi-500-server-error",
        /// `call.in-progress.error-providerfault-vapi-503-server-overloaded-error`
        CallInProgressErrorProviderfaultVapi503ServerOverloadedError = "call.in-progress.error-providerfault-vapi-503-server-overloaded-error",
        /// `pipeline-error-deepgram-transcriber-failed`
        PipelineErrorDeepgramTranscriberFailed = "pipeline-error-deepgram-transcriber-failed",
        /// `call.in-progress.error-vapifault-deepgram-transcriber-failed`
        CallInProgressErrorVapifaultDeepgramTranscriberFailed = "call.in-progress.error-vapifault-deepgram-transcriber-failed",
        /// `pipeline-error-gladia-transcriber-failed`
        PipelineErrorGladiaTranscriberFailed = "pipeline-error-gladia-transcriber-failed",
        /// `call.in-progress.error-vapifault-gladia-transcriber-failed`
        CallInProgressErrorVapifaultGladiaTranscriberFailed = "call.in-progress.error-vapifault-gladia-transcriber-failed",
        /// `pipeline-error-speechmatics-transcriber-failed`
        PipelineErrorSpeechmaticsTranscriberFailed = "pipeline-error-speechmatics-transcriber-failed",
        /// `call.in-progress.error-vapifault-speechmatics-transcriber-failed`
        CallInProgressErrorVapifaultSpeechmaticsTranscriberFailed = "call.in-progress.error-vapifault-speechmatics-transcriber-failed",
        /// `pipeline-error-assembly-ai-transcriber-failed`
        PipelineErrorAssemblyAiTranscriberFailed = "pipeline-error-assembly-ai-transcriber-failed",
        /// `pipeline-error-assembly-ai-returning-400-insufficent-funds`
        PipelineErrorAssemblyAiReturning400InsufficentFunds = "pipeline-error-assembly-ai-returning-400-insufficent-funds",
        /// `pipeline-error-assembly-ai-returning-400-paid-only-feature`
        PipelineErrorAssemblyAiReturning400PaidOnlyFeature = "pipeline-error-assembly-ai-returning-400-paid-only-feature",
        /// `pipeline-error-assembly-ai-returning-401-invalid-credentials`
        PipelineErrorAssemblyAiReturning401InvalidCredentials = "pipeline-error-assembly-ai-returning-401-invalid-credentials",
        /// `pipeline-error-assembly-ai-returning-500-invalid-schema`
        PipelineErrorAssemblyAiReturning500InvalidSchema = "pipeline-error-assembly-ai-returning-500-invalid-schema",
        /// `pipeline-error-assembly-ai-returning-500-word-boost-parsing-failed`
        PipelineErrorAssemblyAiReturning500WordBoostParsingFailed = "pipeline-error-assembly-ai-returning-500-word-boost-parsing-failed",
        /// `call.in-progress.error-vapifault-assembly-ai-transcriber-failed`
        CallInProgressErrorVapifaultAssemblyAiTranscriberFailed = "call.in-progress.error-vapifault-assembly-ai-transcriber-failed",
        /// `call.in-progress.error-vapifault-assembly-ai-returning-400-insufficent-funds`
        CallInProgressErrorVapifaultAssemblyAiReturning400InsufficentFunds = "call.in-progress.error-vapifault-assembly-ai-returning-400-insufficent-funds",
        /// `call.in-progress.error-vapifault-assembly-ai-returning-400-paid-only-feature`
        CallInProgressErrorVapifaultAssemblyAiReturning400PaidOnlyFeature = "call.in-progress.error-vapifault-assembly-ai-returning-400-paid-only-feature",
        /// `call.in-progress.error-vapifault-assembly-ai-returning-401-invalid-credentials`
        CallInProgressErrorVapifaultAssemblyAiReturning401InvalidCredentials = "call.in-progress.error-vapifault-assembly-ai-returning-401-invalid-credentials",
        /// `call.in-progress.error-vapifault-assembly-ai-returning-500-invalid-schema`
        CallInProgressErrorVapifaultAssemblyAiReturning500InvalidSchema = "call.in-progress.error-vapifault-assembly-ai-returning-500-invalid-schema",
        /// `call.in-progress.error-vapifault-assembly-ai-returning-500-word-boost-parsing-failed`
        CallInProgressErrorVapifaultAssemblyAiReturning500WordBoostParsingFailed = "call.in-progress.error-vapifault-assembly-ai-returning-500-word-boost-parsing-failed",
        /// `pipeline-error-talkscriber-transcriber-failed`
        PipelineErrorTalkscriberTranscriberFailed = "pipeline-error-talkscriber-transcriber-failed",
        /// `call.in-progress.error-vapifault-talkscriber-transcriber-failed`
        CallInProgressErrorVapifaultTalkscriberTranscriberFailed = "call.in-progress.error-vapifault-talkscriber-transcriber-failed",
        /// `pipeline-error-azure-speech-transcriber-failed`
        PipelineErrorAzureSpeechTranscriberFailed = "pipeline-error-azure-speech-transcriber-failed",
        /// `call.in-progress.error-vapifault-azure-speech-transcriber-failed`
        CallInProgressErrorVapifaultAzureSpeechTranscriberFailed = "call.in-progress.error-vapifault-azure-speech-transcriber-failed",
        /// `call.in-progress.error-pipeline-no-available-llm-model`
        CallInProgressErrorPipelineNoAvailableLlmModel = "call.in-progress.error-pipeline-no-available-llm-model",
        /// `worker-shutdown`
        WorkerShutdown = "worker-shutdown",
        /// `vonage-disconnected`
        VonageDisconnected = "vonage-disconnected",
        /// `vonage-failed-to-connect-call`
        VonageFailedToConnectCall = "vonage-failed-to-connect-call",
        /// `vonage-completed`
        VonageCompleted = "vonage-completed",
        /// `phone-call-provider-bypass-enabled-but-no-call-received`
        PhoneCallProviderBypassEnabledButNoCallReceived = "phone-call-provider-bypass-enabled-but-no-call-received",
        /// `call.in-progress.error-providerfault-transport-never-connected`
        CallInProgressErrorProviderfaultTransportNeverConnected = "call.in-progress.error-providerfault-transport-never-connected",
        /// `call.in-progress.error-vapifault-worker-not-available`
        CallInProgressErrorVapifaultWorkerNotAvailable = "call.in-progress.error-vapifault-worker-not-available",
        /// `call.in-progress.error-vapifault-transport-never-connected`
        CallInProgressErrorVapifaultTransportNeverConnected = "call.in-progress.error-vapifault-transport-never-connected",
        /// `call.in-progress.error-vapifault-transport-connected-but-call-not-active`
        CallInProgressErrorVapifaultTransportConnectedButCallNotActive = "call.in-progress.error-vapifault-transport-connected-but-call-not-active",
        /// `call.in-progress.error-vapifault-call-started-but-connection-to-transport-missing`
        CallInProgressErrorVapifaultCallStartedButConnectionToTransportMissing = "call.in-progress.error-vapifault-call-started-but-connection-to-transport-missing",
        /// `call.in-progress.error-vapifault-worker-died`
        CallInProgressErrorVapifaultWorkerDied = "call.in-progress.error-vapifault-worker-died",
        /// `call.in-progress.twilio-completed-call`
        CallInProgressTwilioCompletedCall = "call.in-progress.twilio-completed-call",
        /// `call.in-progress.sip-completed-call`
        CallInProgressSipCompletedCall = "call.in-progress.sip-completed-call",
        /// `call.in-progress.error-vapifault-openai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultOpenaiLlmFailed = "call.in-progress.error-vapifault-openai-llm-failed",
        /// `call.in-progress.error-vapifault-azure-openai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultAzureOpenaiLlmFailed = "call.in-progress.error-vapifault-azure-openai-llm-failed",
        /// `call.in-progress.error-vapifault-groq-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultGroqLlmFailed = "call.in-progress.error-vapifault-groq-llm-failed",
        /// `call.in-progress.error-vapifault-google-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultGoogleLlmFailed = "call.in-progress.error-vapifault-google-llm-failed",
        /// `call.in-progress.error-vapifault-xai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultXaiLlmFailed = "call.in-progress.error-vapifault-xai-llm-failed",
        /// `call.in-progress.error-vapifault-mistral-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultMistralLlmFailed = "call.in-progress.error-vapifault-mistral-llm-failed",
        /// `call.in-progress.error-vapifault-inflection-ai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultInflectionAiLlmFailed = "call.in-progress.error-vapifault-inflection-ai-llm-failed",
        /// `call.in-progress.error-vapifault-cerebras-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultCerebrasLlmFailed = "call.in-progress.error-vapifault-cerebras-llm-failed",
        /// `call.in-progress.error-vapifault-deep-seek-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultDeepSeekLlmFailed = "call.in-progress.error-vapifault-deep-seek-llm-failed",
        /// `call.in-progress.error-vapifault-chat-pipeline-failed-to-start`
        CallInProgressErrorVapifaultChatPipelineFailedToStart = "call.in-progress.error-vapifault-chat-pipeline-failed-to-start",
        /// `pipeline-error-openai-400-bad-request-validation-failed`
        PipelineErrorOpenai400BadRequestValidationFailed = "pipeline-error-openai-400-bad-request-validation-failed",
        /// `pipeline-error-openai-401-unauthorized`
        PipelineErrorOpenai401Unauthorized = "pipeline-error-openai-401-unauthorized",
        /// `pipeline-error-openai-401-incorrect-api-key`
        PipelineErrorOpenai401IncorrectApiKey = "pipeline-error-openai-401-incorrect-api-key",
        /// `pipeline-error-openai-401-account-not-in-organization`
        PipelineErrorOpenai401AccountNotInOrganization = "pipeline-error-openai-401-account-not-in-organization",
        /// `pipeline-error-openai-403-model-access-denied`
        PipelineErrorOpenai403ModelAccessDenied = "pipeline-error-openai-403-model-access-denied",
        /// `pipeline-error-openai-429-exceeded-quota`
        PipelineErrorOpenai429ExceededQuota = "pipeline-error-openai-429-exceeded-quota",
        /// `pipeline-error-openai-429-rate-limit-reached`
        PipelineErrorOpenai429RateLimitReached = "pipeline-error-openai-429-rate-limit-reached",
        /// `pipeline-error-openai-500-server-error`
        PipelineErrorOpenai500ServerError = "pipeline-error-openai-500-server-error",
        /// `pipeline-error-openai-503-server-overloaded-error`
        PipelineErrorOpenai503ServerOverloadedError = "pipeline-error-openai-503-server-overloaded-error",
        /// `pipeline-error-openai-llm-failed`
        PipelineErrorOpenaiLlmFailed = "pipeline-error-openai-llm-failed",
        /// `call.in-progress.error-vapifault-openai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultOpenai400BadRequestValidationFailed = "call.in-progress.error-vapifault-openai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-openai-401-unauthorized`
        CallInProgressErrorVapifaultOpenai401Unauthorized = "call.in-progress.error-vapifault-openai-401-unauthorized",
        /// `call.in-progress.error-vapifault-openai-401-incorrect-api-key`
        CallInProgressErrorVapifaultOpenai401IncorrectApiKey = "call.in-progress.error-vapifault-openai-401-incorrect-api-key",
        /// `call.in-progress.error-vapifault-openai-401-account-not-in-organization`
        CallInProgressErrorVapifaultOpenai401AccountNotInOrganization = "call.in-progress.error-vapifault-openai-401-account-not-in-organization",
        /// `call.in-progress.error-vapifault-openai-403-model-access-denied`
        CallInProgressErrorVapifaultOpenai403ModelAccessDenied = "call.in-progress.error-vapifault-openai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-openai-429-exceeded-quota`
        CallInProgressErrorVapifaultOpenai429ExceededQuota = "call.in-progress.error-vapifault-openai-429-exceeded-quota",
        /// `call.in-progress.error-vapifault-openai-429-rate-limit-reached`
        CallInProgressErrorVapifaultOpenai429RateLimitReached = "call.in-progress.error-vapifault-openai-429-rate-limit-reached",
        /// `call.in-progress.error-providerfault-openai-500-server-error`
        CallInProgressErrorProviderfaultOpenai500ServerError = "call.in-progress.error-providerfault-openai-500-server-error",
        /// `call.in-progress.error-providerfault-openai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultOpenai503ServerOverloadedError = "call.in-progress.error-providerfault-openai-503-server-overloaded-error",
        /// `pipeline-error-azure-openai-400-bad-request-validation-failed`
        PipelineErrorAzureOpenai400BadRequestValidationFailed = "pipeline-error-azure-openai-400-bad-request-validation-failed",
        /// `pipeline-error-azure-openai-401-unauthorized`
        PipelineErrorAzureOpenai401Unauthorized = "pipeline-error-azure-openai-401-unauthorized",
        /// `pipeline-error-azure-openai-403-model-access-denied`
        PipelineErrorAzureOpenai403ModelAccessDenied = "pipeline-error-azure-openai-403-model-access-denied",
        /// `pipeline-error-azure-openai-429-exceeded-quota`
        PipelineErrorAzureOpenai429ExceededQuota = "pipeline-error-azure-openai-429-exceeded-quota",
        /// `pipeline-error-azure-openai-500-server-error`
        PipelineErrorAzureOpenai500ServerError = "pipeline-error-azure-openai-500-server-error",
        /// `pipeline-error-azure-openai-503-server-overloaded-error`
        PipelineErrorAzureOpenai503ServerOverloadedError = "pipeline-error-azure-openai-503-server-overloaded-error",
        /// `pipeline-error-azure-openai-llm-failed`
        PipelineErrorAzureOpenaiLlmFailed = "pipeline-error-azure-openai-llm-failed",
        /// `call.in-progress.error-vapifault-azure-openai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultAzureOpenai400BadRequestValidationFailed = "call.in-progress.error-vapifault-azure-openai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-azure-openai-401-unauthorized`
        CallInProgressErrorVapifaultAzureOpenai401Unauthorized = "call.in-progress.error-vapifault-azure-openai-401-unauthorized",
        /// `call.in-progress.error-vapifault-azure-openai-403-model-access-denied`
        CallInProgressErrorVapifaultAzureOpenai403ModelAccessDenied = "call.in-progress.error-vapifault-azure-openai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-azure-openai-429-exceeded-quota`
        CallInProgressErrorVapifaultAzureOpenai429ExceededQuota = "call.in-progress.error-vapifault-azure-openai-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-azure-openai-500-server-error`
        CallInProgressErrorProviderfaultAzureOpenai500ServerError = "call.in-progress.error-providerfault-azure-openai-500-server-error",
        /// `call.in-progress.error-providerfault-azure-openai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultAzureOpenai503ServerOverloadedError = "call.in-progress.error-providerfault-azure-openai-503-server-overloaded-error",
        /// `pipeline-error-google-400-bad-request-validation-failed`
        PipelineErrorGoogle400BadRequestValidationFailed = "pipeline-error-google-400-bad-request-validation-failed",
        /// `pipeline-error-google-401-unauthorized`
        PipelineErrorGoogle401Unauthorized = "pipeline-error-google-401-unauthorized",
        /// `pipeline-error-google-403-model-access-denied`
        PipelineErrorGoogle403ModelAccessDenied = "pipeline-error-google-403-model-access-denied",
        /// `pipeline-error-google-429-exceeded-quota`
        PipelineErrorGoogle429ExceededQuota = "pipeline-error-google-429-exceeded-quota",
        /// `pipeline-error-google-500-server-error`
        PipelineErrorGoogle500ServerError = "pipeline-error-google-500-server-error",
        /// `pipeline-error-google-503-server-overloaded-error`
        PipelineErrorGoogle503ServerOverloadedError = "pipeline-error-google-503-server-overloaded-error",
        /// `pipeline-error-google-llm-failed`
        PipelineErrorGoogleLlmFailed = "pipeline-error-google-llm-failed",
        /// `call.in-progress.error-vapifault-google-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultGoogle400BadRequestValidationFailed = "call.in-progress.error-vapifault-google-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-google-401-unauthorized`
        CallInProgressErrorVapifaultGoogle401Unauthorized = "call.in-progress.error-vapifault-google-401-unauthorized",
        /// `call.in-progress.error-vapifault-google-403-model-access-denied`
        CallInProgressErrorVapifaultGoogle403ModelAccessDenied = "call.in-progress.error-vapifault-google-403-model-access-denied",
        /// `call.in-progress.error-vapifault-google-429-exceeded-quota`
        CallInProgressErrorVapifaultGoogle429ExceededQuota = "call.in-progress.error-vapifault-google-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-google-500-server-error`
        CallInProgressErrorProviderfaultGoogle500ServerError = "call.in-progress.error-providerfault-google-500-server-error",
        /// `call.in-progress.error-providerfault-google-503-server-overloaded-error`
        CallInProgressErrorProviderfaultGoogle503ServerOverloadedError = "call.in-progress.error-providerfault-google-503-server-overloaded-error",
        /// `pipeline-error-xai-400-bad-request-validation-failed`
        PipelineErrorXai400BadRequestValidationFailed = "pipeline-error-xai-400-bad-request-validation-failed",
        /// `pipeline-error-xai-401-unauthorized`
        PipelineErrorXai401Unauthorized = "pipeline-error-xai-401-unauthorized",
        /// `pipeline-error-xai-403-model-access-denied`
        PipelineErrorXai403ModelAccessDenied = "pipeline-error-xai-403-model-access-denied",
        /// `pipeline-error-xai-429-exceeded-quota`
        PipelineErrorXai429ExceededQuota = "pipeline-error-xai-429-exceeded-quota",
        /// `pipeline-error-xai-500-server-error`
        PipelineErrorXai500ServerError = "pipeline-error-xai-500-server-error",
        /// `pipeline-error-xai-503-server-overloaded-error`
        PipelineErrorXai503ServerOverloadedError = "pipeline-error-xai-503-server-overloaded-error",
        /// `pipeline-error-xai-llm-failed`
        PipelineErrorXaiLlmFailed = "pipeline-error-xai-llm-failed",
        /// `call.in-progress.error-vapifault-xai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultXai400BadRequestValidationFailed = "call.in-progress.error-vapifault-xai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-xai-401-unauthorized`
        CallInProgressErrorVapifaultXai401Unauthorized = "call.in-progress.error-vapifault-xai-401-unauthorized",
        /// `call.in-progress.error-vapifault-xai-403-model-access-denied`
        CallInProgressErrorVapifaultXai403ModelAccessDenied = "call.in-progress.error-vapifault-xai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-xai-429-exceeded-quota`
        CallInProgressErrorVapifaultXai429ExceededQuota = "call.in-progress.error-vapifault-xai-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-xai-500-server-error`
        CallInProgressErrorProviderfaultXai500ServerError = "call.in-progress.error-providerfault-xai-500-server-error",
        /// `call.in-progress.error-providerfault-xai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultXai503ServerOverloadedError = "call.in-progress.error-providerfault-xai-503-server-overloaded-error",
        /// `pipeline-error-mistral-400-bad-request-validation-failed`
        PipelineErrorMistral400BadRequestValidationFailed = "pipeline-error-mistral-400-bad-request-validation-failed",
        /// `pipeline-error-mistral-401-unauthorized`
        PipelineErrorMistral401Unauthorized = "pipeline-error-mistral-401-unauthorized",
        /// `pipeline-error-mistral-403-model-access-denied`
        PipelineErrorMistral403ModelAccessDenied = "pipeline-error-mistral-403-model-access-denied",
        /// `pipeline-error-mistral-429-exceeded-quota`
        PipelineErrorMistral429ExceededQuota = "pipeline-error-mistral-429-exceeded-quota",
        /// `pipeline-error-mistral-500-server-error`
        PipelineErrorMistral500ServerError = "pipeline-error-mistral-500-server-error",
        /// `pipeline-error-mistral-503-server-overloaded-error`
        PipelineErrorMistral503ServerOverloadedError = "pipeline-error-mistral-503-server-overloaded-error",
        /// `pipeline-error-mistral-llm-failed`
        PipelineErrorMistralLlmFailed = "pipeline-error-mistral-llm-failed",
        /// `call.in-progress.error-vapifault-mistral-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultMistral400BadRequestValidationFailed = "call.in-progress.error-vapifault-mistral-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-mistral-401-unauthorized`
        CallInProgressErrorVapifaultMistral401Unauthorized = "call.in-progress.error-vapifault-mistral-401-unauthorized",
        /// `call.in-progress.error-vapifault-mistral-403-model-access-denied`
        CallInProgressErrorVapifaultMistral403ModelAccessDenied = "call.in-progress.error-vapifault-mistral-403-model-access-denied",
        /// `call.in-progress.error-vapifault-mistral-429-exceeded-quota`
        CallInProgressErrorVapifaultMistral429ExceededQuota = "call.in-progress.error-vapifault-mistral-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-mistral-500-server-error`
        CallInProgressErrorProviderfaultMistral500ServerError = "call.in-progress.error-providerfault-mistral-500-server-error",
        /// `call.in-progress.error-providerfault-mistral-503-server-overloaded-error`
        CallInProgressErrorProviderfaultMistral503ServerOverloadedError = "call.in-progress.error-providerfault-mistral-503-server-overloaded-error",
        /// `pipeline-error-inflection-ai-400-bad-request-validation-failed`
        PipelineErrorInflectionAi400BadRequestValidationFailed = "pipeline-error-inflection-ai-400-bad-request-validation-failed",
        /// `pipeline-error-inflection-ai-401-unauthorized`
        PipelineErrorInflectionAi401Unauthorized = "pipeline-error-inflection-ai-401-unauthorized",
        /// `pipeline-error-inflection-ai-403-model-access-denied`
        PipelineErrorInflectionAi403ModelAccessDenied = "pipeline-error-inflection-ai-403-model-access-denied",
        /// `pipeline-error-inflection-ai-429-exceeded-quota`
        PipelineErrorInflectionAi429ExceededQuota = "pipeline-error-inflection-ai-429-exceeded-quota",
        /// `pipeline-error-inflection-ai-500-server-error`
        PipelineErrorInflectionAi500ServerError = "pipeline-error-inflection-ai-500-server-error",
        /// `pipeline-error-inflection-ai-503-server-overloaded-error`
        PipelineErrorInflectionAi503ServerOverloadedError = "pipeline-error-inflection-ai-503-server-overloaded-error",
        /// `pipeline-error-inflection-ai-llm-failed`
        PipelineErrorInflectionAiLlmFailed = "pipeline-error-inflection-ai-llm-failed",
        /// `call.in-progress.error-vapifault-inflection-ai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultInflectionAi400BadRequestValidationFailed = "call.in-progress.error-vapifault-inflection-ai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-inflection-ai-401-unauthorized`
        CallInProgressErrorVapifaultInflectionAi401Unauthorized = "call.in-progress.error-vapifault-inflection-ai-401-unauthorized",
        /// `call.in-progress.error-vapifault-inflection-ai-403-model-access-denied`
        CallInProgressErrorVapifaultInflectionAi403ModelAccessDenied = "call.in-progress.error-vapifault-inflection-ai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-inflection-ai-429-exceeded-quota`
        CallInProgressErrorVapifaultInflectionAi429ExceededQuota = "call.in-progress.error-vapifault-inflection-ai-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-inflection-ai-500-server-error`
        CallInProgressErrorProviderfaultInflectionAi500ServerError = "call.in-progress.error-providerfault-inflection-ai-500-server-error",
        /// `call.in-progress.error-providerfault-inflection-ai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultInflectionAi503ServerOverloadedError = "call.in-progress.error-providerfault-inflection-ai-503-server-overloaded-error",
        /// `pipeline-error-deep-seek-400-bad-request-validation-failed`
        PipelineErrorDeepSeek400BadRequestValidationFailed = "pipeline-error-deep-seek-400-bad-request-validation-failed",
        /// `pipeline-error-deep-seek-401-unauthorized`
        PipelineErrorDeepSeek401Unauthorized = "pipeline-error-deep-seek-401-unauthorized",
        /// `pipeline-error-deep-seek-403-model-access-denied`
        PipelineErrorDeepSeek403ModelAccessDenied = "pipeline-error-deep-seek-403-model-access-denied",
        /// `pipeline-error-deep-seek-429-exceeded-quota`
        PipelineErrorDeepSeek429ExceededQuota = "pipeline-error-deep-seek-429-exceeded-quota",
        /// `pipeline-error-deep-seek-500-server-error`
        PipelineErrorDeepSeek500ServerError = "pipeline-error-deep-seek-500-server-error",
        /// `pipeline-error-deep-seek-503-server-overloaded-error`
        PipelineErrorDeepSeek503ServerOverloadedError = "pipeline-error-deep-seek-503-server-overloaded-error",
        /// `pipeline-error-deep-seek-llm-failed`
        PipelineErrorDeepSeekLlmFailed = "pipeline-error-deep-seek-llm-failed",
        /// `call.in-progress.error-vapifault-deep-seek-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultDeepSeek400BadRequestValidationFailed = "call.in-progress.error-vapifault-deep-seek-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-deep-seek-401-unauthorized`
        CallInProgressErrorVapifaultDeepSeek401Unauthorized = "call.in-progress.error-vapifault-deep-seek-401-unauthorized",
        /// `call.in-progress.error-vapifault-deep-seek-403-model-access-denied`
        CallInProgressErrorVapifaultDeepSeek403ModelAccessDenied = "call.in-progress.error-vapifault-deep-seek-403-model-access-denied",
        /// `call.in-progress.error-vapifault-deep-seek-429-exceeded-quota`
        CallInProgressErrorVapifaultDeepSeek429ExceededQuota = "call.in-progress.error-vapifault-deep-seek-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-deep-seek-500-server-error`
        CallInProgressErrorProviderfaultDeepSeek500ServerError = "call.in-progress.error-providerfault-deep-seek-500-server-error",
        /// `call.in-progress.error-providerfault-deep-seek-503-server-overloaded-error`
        CallInProgressErrorProviderfaultDeepSeek503ServerOverloadedError = "call.in-progress.error-providerfault-deep-seek-503-server-overloaded-error",
        /// `pipeline-error-groq-400-bad-request-validation-failed`
        PipelineErrorGroq400BadRequestValidationFailed = "pipeline-error-groq-400-bad-request-validation-failed",
        /// `pipeline-error-groq-401-unauthorized`
        PipelineErrorGroq401Unauthorized = "pipeline-error-groq-401-unauthorized",
        /// `pipeline-error-groq-403-model-access-denied`
        PipelineErrorGroq403ModelAccessDenied = "pipeline-error-groq-403-model-access-denied",
        /// `pipeline-error-groq-429-exceeded-quota`
        PipelineErrorGroq429ExceededQuota = "pipeline-error-groq-429-exceeded-quota",
        /// `pipeline-error-groq-500-server-error`
        PipelineErrorGroq500ServerError = "pipeline-error-groq-500-server-error",
        /// `pipeline-error-groq-503-server-overloaded-error`
        PipelineErrorGroq503ServerOverloadedError = "pipeline-error-groq-503-server-overloaded-error",
        /// `pipeline-error-groq-llm-failed`
        PipelineErrorGroqLlmFailed = "pipeline-error-groq-llm-failed",
        /// `call.in-progress.error-vapifault-groq-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultGroq400BadRequestValidationFailed = "call.in-progress.error-vapifault-groq-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-groq-401-unauthorized`
        CallInProgressErrorVapifaultGroq401Unauthorized = "call.in-progress.error-vapifault-groq-401-unauthorized",
        /// `call.in-progress.error-vapifault-groq-403-model-access-denied`
        CallInProgressErrorVapifaultGroq403ModelAccessDenied = "call.in-progress.error-vapifault-groq-403-model-access-denied",
        /// `call.in-progress.error-vapifault-groq-429-exceeded-quota`
        CallInProgressErrorVapifaultGroq429ExceededQuota = "call.in-progress.error-vapifault-groq-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-groq-500-server-error`
        CallInProgressErrorProviderfaultGroq500ServerError = "call.in-progress.error-providerfault-groq-500-server-error",
        /// `call.in-progress.error-providerfault-groq-503-server-overloaded-error`
        CallInProgressErrorProviderfaultGroq503ServerOverloadedError = "call.in-progress.error-providerfault-groq-503-server-overloaded-error",
        /// `pipeline-error-cerebras-400-bad-request-validation-failed`
        PipelineErrorCerebras400BadRequestValidationFailed = "pipeline-error-cerebras-400-bad-request-validation-failed",
        /// `pipeline-error-cerebras-401-unauthorized`
        PipelineErrorCerebras401Unauthorized = "pipeline-error-cerebras-401-unauthorized",
        /// `pipeline-error-cerebras-403-model-access-denied`
        PipelineErrorCerebras403ModelAccessDenied = "pipeline-error-cerebras-403-model-access-denied",
        /// `pipeline-error-cerebras-429-exceeded-quota`
        PipelineErrorCerebras429ExceededQuota = "pipeline-error-cerebras-429-exceeded-quota",
        /// `pipeline-error-cerebras-500-server-error`
        PipelineErrorCerebras500ServerError = "pipeline-error-cerebras-500-server-error",
        /// `pipeline-error-cerebras-503-server-overloaded-error`
        PipelineErrorCerebras503ServerOverloadedError = "pipeline-error-cerebras-503-server-overloaded-error",
        /// `pipeline-error-cerebras-llm-failed`
        PipelineErrorCerebrasLlmFailed = "pipeline-error-cerebras-llm-failed",
        /// `call.in-progress.error-vapifault-cerebras-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultCerebras400BadRequestValidationFailed = "call.in-progress.error-vapifault-cerebras-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-cerebras-401-unauthorized`
        CallInProgressErrorVapifaultCerebras401Unauthorized = "call.in-progress.error-vapifault-cerebras-401-unauthorized",
        /// `call.in-progress.error-vapifault-cerebras-403-model-access-denied`
        CallInProgressErrorVapifaultCerebras403ModelAccessDenied = "call.in-progress.error-vapifault-cerebras-403-model-access-denied",
        /// `call.in-progress.error-vapifault-cerebras-429-exceeded-quota`
        CallInProgressErrorVapifaultCerebras429ExceededQuota = "call.in-progress.error-vapifault-cerebras-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-cerebras-500-server-error`
        CallInProgressErrorProviderfaultCerebras500ServerError = "call.in-progress.error-providerfault-cerebras-500-server-error",
        /// `call.in-progress.error-providerfault-cerebras-503-server-overloaded-error`
        CallInProgressErrorProviderfaultCerebras503ServerOverloadedError = "call.in-progress.error-providerfault-cerebras-503-server-overloaded-error",
        /// `pipeline-error-anthropic-400-bad-request-validation-failed`
        PipelineErrorAnthropic400BadRequestValidationFailed = "pipeline-error-anthropic-400-bad-request-validation-failed",
        /// `pipeline-error-anthropic-401-unauthorized`
        PipelineErrorAnthropic401Unauthorized = "pipeline-error-anthropic-401-unauthorized",
        /// `pipeline-error-anthropic-403-model-access-denied`
        PipelineErrorAnthropic403ModelAccessDenied = "pipeline-error-anthropic-403-model-access-denied",
        /// `pipeline-error-anthropic-429-exceeded-quota`
        PipelineErrorAnthropic429ExceededQuota = "pipeline-error-anthropic-429-exceeded-quota",
        /// `pipeline-error-anthropic-500-server-error`
        PipelineErrorAnthropic500ServerError = "pipeline-error-anthropic-500-server-error",
        /// `pipeline-error-anthropic-503-server-overloaded-error`
        PipelineErrorAnthropic503ServerOverloadedError = "pipeline-error-anthropic-503-server-overloaded-error",
        /// `pipeline-error-anthropic-llm-failed`
        PipelineErrorAnthropicLlmFailed = "pipeline-error-anthropic-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultAnthropicLlmFailed = "call.in-progress.error-vapifault-anthropic-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultAnthropic400BadRequestValidationFailed = "call.in-progress.error-vapifault-anthropic-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-anthropic-401-unauthorized`
        CallInProgressErrorVapifaultAnthropic401Unauthorized = "call.in-progress.error-vapifault-anthropic-401-unauthorized",
        /// `call.in-progress.error-vapifault-anthropic-403-model-access-denied`
        CallInProgressErrorVapifaultAnthropic403ModelAccessDenied = "call.in-progress.error-vapifault-anthropic-403-model-access-denied",
        /// `call.in-progress.error-vapifault-anthropic-429-exceeded-quota`
        CallInProgressErrorVapifaultAnthropic429ExceededQuota = "call.in-progress.error-vapifault-anthropic-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-anthropic-500-server-error`
        CallInProgressErrorProviderfaultAnthropic500ServerError = "call.in-progress.error-providerfault-anthropic-500-server-error",
        /// `call.in-progress.error-providerfault-anthropic-503-server-overloaded-error`
        CallInProgressErrorProviderfaultAnthropic503ServerOverloadedError = "call.in-progress.error-providerfault-anthropic-503-server-overloaded-error",
        /// `pipeline-error-anthropic-bedrock-400-bad-request-validation-failed`
        PipelineErrorAnthropicBedrock400BadRequestValidationFailed = "pipeline-error-anthropic-bedrock-400-bad-request-validation-failed",
        /// `pipeline-error-anthropic-bedrock-401-unauthorized`
        PipelineErrorAnthropicBedrock401Unauthorized = "pipeline-error-anthropic-bedrock-401-unauthorized",
        /// `pipeline-error-anthropic-bedrock-403-model-access-denied`
        PipelineErrorAnthropicBedrock403ModelAccessDenied = "pipeline-error-anthropic-bedrock-403-model-access-denied",
        /// `pipeline-error-anthropic-bedrock-429-exceeded-quota`
        PipelineErrorAnthropicBedrock429ExceededQuota = "pipeline-error-anthropic-bedrock-429-exceeded-quota",
        /// `pipeline-error-anthropic-bedrock-500-server-error`
        PipelineErrorAnthropicBedrock500ServerError = "pipeline-error-anthropic-bedrock-500-server-error",
        /// `pipeline-error-anthropic-bedrock-503-server-overloaded-error`
        PipelineErrorAnthropicBedrock503ServerOverloadedError = "pipeline-error-anthropic-bedrock-503-server-overloaded-error",
        /// `pipeline-error-anthropic-bedrock-llm-failed`
        PipelineErrorAnthropicBedrockLlmFailed = "pipeline-error-anthropic-bedrock-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-bedrock-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultAnthropicBedrockLlmFailed = "call.in-progress.error-vapifault-anthropic-bedrock-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-bedrock-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultAnthropicBedrock400BadRequestValidationFailed = "call.in-progress.error-vapifault-anthropic-bedrock-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-anthropic-bedrock-401-unauthorized`
        CallInProgressErrorVapifaultAnthropicBedrock401Unauthorized = "call.in-progress.error-vapifault-anthropic-bedrock-401-unauthorized",
        /// `call.in-progress.error-vapifault-anthropic-bedrock-403-model-access-denied`
        CallInProgressErrorVapifaultAnthropicBedrock403ModelAccessDenied = "call.in-progress.error-vapifault-anthropic-bedrock-403-model-access-denied",
        /// `call.in-progress.error-vapifault-anthropic-bedrock-429-exceeded-quota`
        CallInProgressErrorVapifaultAnthropicBedrock429ExceededQuota = "call.in-progress.error-vapifault-anthropic-bedrock-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-anthropic-bedrock-500-server-error`
        CallInProgressErrorProviderfaultAnthropicBedrock500ServerError = "call.in-progress.error-providerfault-anthropic-bedrock-500-server-error",
        /// `call.in-progress.error-providerfault-anthropic-bedrock-503-server-overloaded-error`
        CallInProgressErrorProviderfaultAnthropicBedrock503ServerOverloadedError = "call.in-progress.error-providerfault-anthropic-bedrock-503-server-overloaded-error",
        /// `pipeline-error-anthropic-vertex-400-bad-request-validation-failed`
        PipelineErrorAnthropicVertex400BadRequestValidationFailed = "pipeline-error-anthropic-vertex-400-bad-request-validation-failed",
        /// `pipeline-error-anthropic-vertex-401-unauthorized`
        PipelineErrorAnthropicVertex401Unauthorized = "pipeline-error-anthropic-vertex-401-unauthorized",
        /// `pipeline-error-anthropic-vertex-403-model-access-denied`
        PipelineErrorAnthropicVertex403ModelAccessDenied = "pipeline-error-anthropic-vertex-403-model-access-denied",
        /// `pipeline-error-anthropic-vertex-429-exceeded-quota`
        PipelineErrorAnthropicVertex429ExceededQuota = "pipeline-error-anthropic-vertex-429-exceeded-quota",
        /// `pipeline-error-anthropic-vertex-500-server-error`
        PipelineErrorAnthropicVertex500ServerError = "pipeline-error-anthropic-vertex-500-server-error",
        /// `pipeline-error-anthropic-vertex-503-server-overloaded-error`
        PipelineErrorAnthropicVertex503ServerOverloadedError = "pipeline-error-anthropic-vertex-503-server-overloaded-error",
        /// `pipeline-error-anthropic-vertex-llm-failed`
        PipelineErrorAnthropicVertexLlmFailed = "pipeline-error-anthropic-vertex-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-vertex-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultAnthropicVertexLlmFailed = "call.in-progress.error-vapifault-anthropic-vertex-llm-failed",
        /// `call.in-progress.error-vapifault-anthropic-vertex-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultAnthropicVertex400BadRequestValidationFailed = "call.in-progress.error-vapifault-anthropic-vertex-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-anthropic-vertex-401-unauthorized`
        CallInProgressErrorVapifaultAnthropicVertex401Unauthorized = "call.in-progress.error-vapifault-anthropic-vertex-401-unauthorized",
        /// `call.in-progress.error-vapifault-anthropic-vertex-403-model-access-denied`
        CallInProgressErrorVapifaultAnthropicVertex403ModelAccessDenied = "call.in-progress.error-vapifault-anthropic-vertex-403-model-access-denied",
        /// `call.in-progress.error-vapifault-anthropic-vertex-429-exceeded-quota`
        CallInProgressErrorVapifaultAnthropicVertex429ExceededQuota = "call.in-progress.error-vapifault-anthropic-vertex-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-anthropic-vertex-500-server-error`
        CallInProgressErrorProviderfaultAnthropicVertex500ServerError = "call.in-progress.error-providerfault-anthropic-vertex-500-server-error",
        /// `call.in-progress.error-providerfault-anthropic-vertex-503-server-overloaded-error`
        CallInProgressErrorProviderfaultAnthropicVertex503ServerOverloadedError = "call.in-progress.error-providerfault-anthropic-vertex-503-server-overloaded-error",
        /// `pipeline-error-together-ai-400-bad-request-validation-failed`
        PipelineErrorTogetherAi400BadRequestValidationFailed = "pipeline-error-together-ai-400-bad-request-validation-failed",
        /// `pipeline-error-together-ai-401-unauthorized`
        PipelineErrorTogetherAi401Unauthorized = "pipeline-error-together-ai-401-unauthorized",
        /// `pipeline-error-together-ai-403-model-access-denied`
        PipelineErrorTogetherAi403ModelAccessDenied = "pipeline-error-together-ai-403-model-access-denied",
        /// `pipeline-error-together-ai-429-exceeded-quota`
        PipelineErrorTogetherAi429ExceededQuota = "pipeline-error-together-ai-429-exceeded-quota",
        /// `pipeline-error-together-ai-500-server-error`
        PipelineErrorTogetherAi500ServerError = "pipeline-error-together-ai-500-server-error",
        /// `pipeline-error-together-ai-503-server-overloaded-error`
        PipelineErrorTogetherAi503ServerOverloadedError = "pipeline-error-together-ai-503-server-overloaded-error",
        /// `pipeline-error-together-ai-llm-failed`
        PipelineErrorTogetherAiLlmFailed = "pipeline-error-together-ai-llm-failed",
        /// `call.in-progress.error-vapifault-together-ai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultTogetherAiLlmFailed = "call.in-progress.error-vapifault-together-ai-llm-failed",
        /// `call.in-progress.error-vapifault-together-ai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultTogetherAi400BadRequestValidationFailed = "call.in-progress.error-vapifault-together-ai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-together-ai-401-unauthorized`
        CallInProgressErrorVapifaultTogetherAi401Unauthorized = "call.in-progress.error-vapifault-together-ai-401-unauthorized",
        /// `call.in-progress.error-vapifault-together-ai-403-model-access-denied`
        CallInProgressErrorVapifaultTogetherAi403ModelAccessDenied = "call.in-progress.error-vapifault-together-ai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-together-ai-429-exceeded-quota`
        CallInProgressErrorVapifaultTogetherAi429ExceededQuota = "call.in-progress.error-vapifault-together-ai-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-together-ai-500-server-error`
        CallInProgressErrorProviderfaultTogetherAi500ServerError = "call.in-progress.error-providerfault-together-ai-500-server-error",
        /// `call.in-progress.error-providerfault-together-ai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultTogetherAi503ServerOverloadedError = "call.in-progress.error-providerfault-together-ai-503-server-overloaded-error",
        /// `pipeline-error-anyscale-400-bad-request-validation-failed`
        PipelineErrorAnyscale400BadRequestValidationFailed = "pipeline-error-anyscale-400-bad-request-validation-failed",
        /// `pipeline-error-anyscale-401-unauthorized`
        PipelineErrorAnyscale401Unauthorized = "pipeline-error-anyscale-401-unauthorized",
        /// `pipeline-error-anyscale-403-model-access-denied`
        PipelineErrorAnyscale403ModelAccessDenied = "pipeline-error-anyscale-403-model-access-denied",
        /// `pipeline-error-anyscale-429-exceeded-quota`
        PipelineErrorAnyscale429ExceededQuota = "pipeline-error-anyscale-429-exceeded-quota",
        /// `pipeline-error-anyscale-500-server-error`
        PipelineErrorAnyscale500ServerError = "pipeline-error-anyscale-500-server-error",
        /// `pipeline-error-anyscale-503-server-overloaded-error`
        PipelineErrorAnyscale503ServerOverloadedError = "pipeline-error-anyscale-503-server-overloaded-error",
        /// `pipeline-error-anyscale-llm-failed`
        PipelineErrorAnyscaleLlmFailed = "pipeline-error-anyscale-llm-failed",
        /// `call.in-progress.error-vapifault-anyscale-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultAnyscaleLlmFailed = "call.in-progress.error-vapifault-anyscale-llm-failed",
        /// `call.in-progress.error-vapifault-anyscale-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultAnyscale400BadRequestValidationFailed = "call.in-progress.error-vapifault-anyscale-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-anyscale-401-unauthorized`
        CallInProgressErrorVapifaultAnyscale401Unauthorized = "call.in-progress.error-vapifault-anyscale-401-unauthorized",
        /// `call.in-progress.error-vapifault-anyscale-403-model-access-denied`
        CallInProgressErrorVapifaultAnyscale403ModelAccessDenied = "call.in-progress.error-vapifault-anyscale-403-model-access-denied",
        /// `call.in-progress.error-vapifault-anyscale-429-exceeded-quota`
        CallInProgressErrorVapifaultAnyscale429ExceededQuota = "call.in-progress.error-vapifault-anyscale-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-anyscale-500-server-error`
        CallInProgressErrorProviderfaultAnyscale500ServerError = "call.in-progress.error-providerfault-anyscale-500-server-error",
        /// `call.in-progress.error-providerfault-anyscale-503-server-overloaded-error`
        CallInProgressErrorProviderfaultAnyscale503ServerOverloadedError = "call.in-progress.error-providerfault-anyscale-503-server-overloaded-error",
        /// `pipeline-error-openrouter-400-bad-request-validation-failed`
        PipelineErrorOpenrouter400BadRequestValidationFailed = "pipeline-error-openrouter-400-bad-request-validation-failed",
        /// `pipeline-error-openrouter-401-unauthorized`
        PipelineErrorOpenrouter401Unauthorized = "pipeline-error-openrouter-401-unauthorized",
        /// `pipeline-error-openrouter-403-model-access-denied`
        PipelineErrorOpenrouter403ModelAccessDenied = "pipeline-error-openrouter-403-model-access-denied",
        /// `pipeline-error-openrouter-429-exceeded-quota`
        PipelineErrorOpenrouter429ExceededQuota = "pipeline-error-openrouter-429-exceeded-quota",
        /// `pipeline-error-openrouter-500-server-error`
        PipelineErrorOpenrouter500ServerError = "pipeline-error-openrouter-500-server-error",
        /// `pipeline-error-openrouter-503-server-overloaded-error`
        PipelineErrorOpenrouter503ServerOverloadedError = "pipeline-error-openrouter-503-server-overloaded-error",
        /// `pipeline-error-openrouter-llm-failed`
        PipelineErrorOpenrouterLlmFailed = "pipeline-error-openrouter-llm-failed",
        /// `call.in-progress.error-vapifault-openrouter-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultOpenrouterLlmFailed = "call.in-progress.error-vapifault-openrouter-llm-failed",
        /// `call.in-progress.error-vapifault-openrouter-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultOpenrouter400BadRequestValidationFailed = "call.in-progress.error-vapifault-openrouter-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-openrouter-401-unauthorized`
        CallInProgressErrorVapifaultOpenrouter401Unauthorized = "call.in-progress.error-vapifault-openrouter-401-unauthorized",
        /// `call.in-progress.error-vapifault-openrouter-403-model-access-denied`
        CallInProgressErrorVapifaultOpenrouter403ModelAccessDenied = "call.in-progress.error-vapifault-openrouter-403-model-access-denied",
        /// `call.in-progress.error-vapifault-openrouter-429-exceeded-quota`
        CallInProgressErrorVapifaultOpenrouter429ExceededQuota = "call.in-progress.error-vapifault-openrouter-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-openrouter-500-server-error`
        CallInProgressErrorProviderfaultOpenrouter500ServerError = "call.in-progress.error-providerfault-openrouter-500-server-error",
        /// `call.in-progress.error-providerfault-openrouter-503-server-overloaded-error`
        CallInProgressErrorProviderfaultOpenrouter503ServerOverloadedError = "call.in-progress.error-providerfault-openrouter-503-server-overloaded-error",
        /// `pipeline-error-perplexity-ai-400-bad-request-validation-failed`
        PipelineErrorPerplexityAi400BadRequestValidationFailed = "pipeline-error-perplexity-ai-400-bad-request-validation-failed",
        /// `pipeline-error-perplexity-ai-401-unauthorized`
        PipelineErrorPerplexityAi401Unauthorized = "pipeline-error-perplexity-ai-401-unauthorized",
        /// `pipeline-error-perplexity-ai-403-model-access-denied`
        PipelineErrorPerplexityAi403ModelAccessDenied = "pipeline-error-perplexity-ai-403-model-access-denied",
        /// `pipeline-error-perplexity-ai-429-exceeded-quota`
        PipelineErrorPerplexityAi429ExceededQuota = "pipeline-error-perplexity-ai-429-exceeded-quota",
        /// `pipeline-error-perplexity-ai-500-server-error`
        PipelineErrorPerplexityAi500ServerError = "pipeline-error-perplexity-ai-500-server-error",
        /// `pipeline-error-perplexity-ai-503-server-overloaded-error`
        PipelineErrorPerplexityAi503ServerOverloadedError = "pipeline-error-perplexity-ai-503-server-overloaded-error",
        /// `pipeline-error-perplexity-ai-llm-failed`
        PipelineErrorPerplexityAiLlmFailed = "pipeline-error-perplexity-ai-llm-failed",
        /// `call.in-progress.error-vapifault-perplexity-ai-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultPerplexityAiLlmFailed = "call.in-progress.error-vapifault-perplexity-ai-llm-failed",
        /// `call.in-progress.error-vapifault-perplexity-ai-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultPerplexityAi400BadRequestValidationFailed = "call.in-progress.error-vapifault-perplexity-ai-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-perplexity-ai-401-unauthorized`
        CallInProgressErrorVapifaultPerplexityAi401Unauthorized = "call.in-progress.error-vapifault-perplexity-ai-401-unauthorized",
        /// `call.in-progress.error-vapifault-perplexity-ai-403-model-access-denied`
        CallInProgressErrorVapifaultPerplexityAi403ModelAccessDenied = "call.in-progress.error-vapifault-perplexity-ai-403-model-access-denied",
        /// `call.in-progress.error-vapifault-perplexity-ai-429-exceeded-quota`
        CallInProgressErrorVapifaultPerplexityAi429ExceededQuota = "call.in-progress.error-vapifault-perplexity-ai-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-perplexity-ai-500-server-error`
        CallInProgressErrorProviderfaultPerplexityAi500ServerError = "call.in-progress.error-providerfault-perplexity-ai-500-server-error",
        /// `call.in-progress.error-providerfault-perplexity-ai-503-server-overloaded-error`
        CallInProgressErrorProviderfaultPerplexityAi503ServerOverloadedError = "call.in-progress.error-providerfault-perplexity-ai-503-server-overloaded-error",
        /// `pipeline-error-deepinfra-400-bad-request-validation-failed`
        PipelineErrorDeepinfra400BadRequestValidationFailed = "pipeline-error-deepinfra-400-bad-request-validation-failed",
        /// `pipeline-error-deepinfra-401-unauthorized`
        PipelineErrorDeepinfra401Unauthorized = "pipeline-error-deepinfra-401-unauthorized",
        /// `pipeline-error-deepinfra-403-model-access-denied`
        PipelineErrorDeepinfra403ModelAccessDenied = "pipeline-error-deepinfra-403-model-access-denied",
        /// `pipeline-error-deepinfra-429-exceeded-quota`
        PipelineErrorDeepinfra429ExceededQuota = "pipeline-error-deepinfra-429-exceeded-quota",
        /// `pipeline-error-deepinfra-500-server-error`
        PipelineErrorDeepinfra500ServerError = "pipeline-error-deepinfra-500-server-error",
        /// `pipeline-error-deepinfra-503-server-overloaded-error`
        PipelineErrorDeepinfra503ServerOverloadedError = "pipeline-error-deepinfra-503-server-overloaded-error",
        /// `pipeline-error-deepinfra-llm-failed`
        PipelineErrorDeepinfraLlmFailed = "pipeline-error-deepinfra-llm-failed",
        /// `call.in-progress.error-vapifault-deepinfra-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultDeepinfraLlmFailed = "call.in-progress.error-vapifault-deepinfra-llm-failed",
        /// `call.in-progress.error-vapifault-deepinfra-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultDeepinfra400BadRequestValidationFailed = "call.in-progress.error-vapifault-deepinfra-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-deepinfra-401-unauthorized`
        CallInProgressErrorVapifaultDeepinfra401Unauthorized = "call.in-progress.error-vapifault-deepinfra-401-unauthorized",
        /// `call.in-progress.error-vapifault-deepinfra-403-model-access-denied`
        CallInProgressErrorVapifaultDeepinfra403ModelAccessDenied = "call.in-progress.error-vapifault-deepinfra-403-model-access-denied",
        /// `call.in-progress.error-vapifault-deepinfra-429-exceeded-quota`
        CallInProgressErrorVapifaultDeepinfra429ExceededQuota = "call.in-progress.error-vapifault-deepinfra-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-deepinfra-500-server-error`
        CallInProgressErrorProviderfaultDeepinfra500ServerError = "call.in-progress.error-providerfault-deepinfra-500-server-error",
        /// `call.in-progress.error-providerfault-deepinfra-503-server-overloaded-error`
        CallInProgressErrorProviderfaultDeepinfra503ServerOverloadedError = "call.in-progress.error-providerfault-deepinfra-503-server-overloaded-error",
        /// `pipeline-error-runpod-400-bad-request-validation-failed`
        PipelineErrorRunpod400BadRequestValidationFailed = "pipeline-error-runpod-400-bad-request-validation-failed",
        /// `pipeline-error-runpod-401-unauthorized`
        PipelineErrorRunpod401Unauthorized = "pipeline-error-runpod-401-unauthorized",
        /// `pipeline-error-runpod-403-model-access-denied`
        PipelineErrorRunpod403ModelAccessDenied = "pipeline-error-runpod-403-model-access-denied",
        /// `pipeline-error-runpod-429-exceeded-quota`
        PipelineErrorRunpod429ExceededQuota = "pipeline-error-runpod-429-exceeded-quota",
        /// `pipeline-error-runpod-500-server-error`
        PipelineErrorRunpod500ServerError = "pipeline-error-runpod-500-server-error",
        /// `pipeline-error-runpod-503-server-overloaded-error`
        PipelineErrorRunpod503ServerOverloadedError = "pipeline-error-runpod-503-server-overloaded-error",
        /// `pipeline-error-runpod-llm-failed`
        PipelineErrorRunpodLlmFailed = "pipeline-error-runpod-llm-failed",
        /// `call.in-progress.error-vapifault-runpod-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultRunpodLlmFailed = "call.in-progress.error-vapifault-runpod-llm-failed",
        /// `call.in-progress.error-vapifault-runpod-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultRunpod400BadRequestValidationFailed = "call.in-progress.error-vapifault-runpod-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-runpod-401-unauthorized`
        CallInProgressErrorVapifaultRunpod401Unauthorized = "call.in-progress.error-vapifault-runpod-401-unauthorized",
        /// `call.in-progress.error-vapifault-runpod-403-model-access-denied`
        CallInProgressErrorVapifaultRunpod403ModelAccessDenied = "call.in-progress.error-vapifault-runpod-403-model-access-denied",
        /// `call.in-progress.error-vapifault-runpod-429-exceeded-quota`
        CallInProgressErrorVapifaultRunpod429ExceededQuota = "call.in-progress.error-vapifault-runpod-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-runpod-500-server-error`
        CallInProgressErrorProviderfaultRunpod500ServerError = "call.in-progress.error-providerfault-runpod-500-server-error",
        /// `call.in-progress.error-providerfault-runpod-503-server-overloaded-error`
        CallInProgressErrorProviderfaultRunpod503ServerOverloadedError = "call.in-progress.error-providerfault-runpod-503-server-overloaded-error",
        /// `pipeline-error-custom-llm-400-bad-request-validation-failed`
        PipelineErrorCustomLlm400BadRequestValidationFailed = "pipeline-error-custom-llm-400-bad-request-validation-failed",
        /// `pipeline-error-custom-llm-401-unauthorized`
        PipelineErrorCustomLlm401Unauthorized = "pipeline-error-custom-llm-401-unauthorized",
        /// `pipeline-error-custom-llm-403-model-access-denied`
        PipelineErrorCustomLlm403ModelAccessDenied = "pipeline-error-custom-llm-403-model-access-denied",
        /// `pipeline-error-custom-llm-429-exceeded-quota`
        PipelineErrorCustomLlm429ExceededQuota = "pipeline-error-custom-llm-429-exceeded-quota",
        /// `pipeline-error-custom-llm-500-server-error`
        PipelineErrorCustomLlm500ServerError = "pipeline-error-custom-llm-500-server-error",
        /// `pipeline-error-custom-llm-503-server-overloaded-error`
        PipelineErrorCustomLlm503ServerOverloadedError = "pipeline-error-custom-llm-503-server-overloaded-error",
        /// `pipeline-error-custom-llm-llm-failed`
        PipelineErrorCustomLlmLlmFailed = "pipeline-error-custom-llm-llm-failed",
        /// `call.in-progress.error-vapifault-custom-llm-llm-failed` (2025-06 only)
        CallInProgressErrorVapifaultCustomLlmLlmFailed = "call.in-progress.error-vapifault-custom-llm-llm-failed",
        /// `call.in-progress.error-vapifault-custom-llm-400-bad-request-validation-failed`
        CallInProgressErrorVapifaultCustomLlm400BadRequestValidationFailed = "call.in-progress.error-vapifault-custom-llm-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-custom-llm-401-unauthorized`
        CallInProgressErrorVapifaultCustomLlm401Unauthorized = "call.in-progress.error-vapifault-custom-llm-401-unauthorized",
        /// `call.in-progress.error-vapifault-custom-llm-403-model-access-denied`
        CallInProgressErrorVapifaultCustomLlm403ModelAccessDenied = "call.in-progress.error-vapifault-custom-llm-403-model-access-denied",
        /// `call.in-progress.error-vapifault-custom-llm-429-exceeded-quota`
        CallInProgressErrorVapifaultCustomLlm429ExceededQuota = "call.in-progress.error-vapifault-custom-llm-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-custom-llm-500-server-error`
        CallInProgressErrorProviderfaultCustomLlm500ServerError = "call.in-progress.error-providerfault-custom-llm-500-server-error",
        /// `call.in-progress.error-providerfault-custom-llm-503-server-overloaded-error`
        CallInProgressErrorProviderfaultCustomLlm503ServerOverloadedError = "call.in-progress.error-providerfault-custom-llm-503-server-overloaded-error",
        /// `pipeline-error-custom-voice-failed`
        PipelineErrorCustomVoiceFailed = "pipeline-error-custom-voice-failed",
        /// `pipeline-error-cartesia-socket-hang-up`
        PipelineErrorCartesiaSocketHangUp = "pipeline-error-cartesia-socket-hang-up",
        /// `pipeline-error-cartesia-requested-payment`
        PipelineErrorCartesiaRequestedPayment = "pipeline-error-cartesia-requested-payment",
        /// `pipeline-error-cartesia-500-server-error`
        PipelineErrorCartesia500ServerError = "pipeline-error-cartesia-500-server-error",
        /// `pipeline-error-cartesia-502-server-error`
        PipelineErrorCartesia502ServerError = "pipeline-error-cartesia-502-server-error",
        /// `pipeline-error-cartesia-503-server-error`
        PipelineErrorCartesia503ServerError = "pipeline-error-cartesia-503-server-error",
        /// `pipeline-error-cartesia-522-server-error`
        PipelineErrorCartesia522ServerError = "pipeline-error-cartesia-522-server-error",
        /// `call.in-progress.error-vapifault-cartesia-socket-hang-up`
        CallInProgressErrorVapifaultCartesiaSocketHangUp = "call.in-progress.error-vapifault-cartesia-socket-hang-up",
        /// `call.in-progress.error-vapifault-cartesia-requested-payment`
        CallInProgressErrorVapifaultCartesiaRequestedPayment = "call.in-progress.error-vapifault-cartesia-requested-payment",
        /// `call.in-progress.error-providerfault-cartesia-500-server-error`
        CallInProgressErrorProviderfaultCartesia500ServerError = "call.in-progress.error-providerfault-cartesia-500-server-error",
        /// `call.in-progress.error-providerfault-cartesia-503-server-error`
        CallInProgressErrorProviderfaultCartesia503ServerError = "call.in-progress.error-providerfault-cartesia-503-server-error",
        /// `call.in-progress.error-providerfault-cartesia-522-server-error`
        CallInProgressErrorProviderfaultCartesia522ServerError = "call.in-progress.error-providerfault-cartesia-522-server-error",
        /// `pipeline-error-eleven-labs-voice-not-found`
        PipelineErrorElevenLabsVoiceNotFound = "pipeline-error-eleven-labs-voice-not-found",
        /// `pipeline-error-eleven-labs-quota-exceeded`
        PipelineErrorElevenLabsQuotaExceeded = "pipeline-error-eleven-labs-quota-exceeded",
        /// `pipeline-error-eleven-labs-unauthorized-access`
        PipelineErrorElevenLabsUnauthorizedAccess = "pipeline-error-eleven-labs-unauthorized-access",
        /// `pipeline-error-eleven-labs-unauthorized-to-access-model`
        PipelineErrorElevenLabsUnauthorizedToAccessModel = "pipeline-error-eleven-labs-unauthorized-to-access-model",
        /// `pipeline-error-eleven-labs-professional-voices-only-for-creator-plus`
        PipelineErrorElevenLabsProfessionalVoicesOnlyForCreatorPlus = "pipeline-error-eleven-labs-professional-voices-only-for-creator-plus",
        /// `pipeline-error-eleven-labs-blocked-free-plan-and-requested-upgrade`
        PipelineErrorElevenLabsBlockedFreePlanAndRequestedUpgrade = "pipeline-error-eleven-labs-blocked-free-plan-and-requested-upgrade",
        /// `pipeline-error-eleven-labs-blocked-concurrent-requests-and-requested-upgrade`
        PipelineErrorElevenLabsBlockedConcurrentRequestsAndRequestedUpgrade = "pipeline-error-eleven-labs-blocked-concurrent-requests-and-requested-upgrade",
        /// `pipeline-error-eleven-labs-blocked-using-instant-voice-clone-and-requested-upgrade`
        PipelineErrorElevenLabsBlockedUsingInstantVoiceCloneAndRequestedUpgrade = "pipeline-error-eleven-labs-blocked-using-instant-voice-clone-and-requested-upgrade",
        /// `pipeline-error-eleven-labs-system-busy-and-requested-upgrade`
        PipelineErrorElevenLabsSystemBusyAndRequestedUpgrade = "pipeline-error-eleven-labs-system-busy-and-requested-upgrade",
        /// `pipeline-error-eleven-labs-voice-not-fine-tuned`
        PipelineErrorElevenLabsVoiceNotFineTuned = "pipeline-error-eleven-labs-voice-not-fine-tuned",
        /// `pipeline-error-eleven-labs-invalid-api-key`
        PipelineErrorElevenLabsInvalidApiKey = "pipeline-error-eleven-labs-invalid-api-key",
        /// `pipeline-error-eleven-labs-invalid-voice-samples`
        PipelineErrorElevenLabsInvalidVoiceSamples = "pipeline-error-eleven-labs-invalid-voice-samples",
        /// `pipeline-error-eleven-labs-voice-disabled-by-owner`
        PipelineErrorElevenLabsVoiceDisabledByOwner = "pipeline-error-eleven-labs-voice-disabled-by-owner",
        /// `pipeline-error-eleven-labs-vapi-voice-disabled-by-owner`
        PipelineErrorElevenLabsVapiVoiceDisabledByOwner = "pipeline-error-eleven-labs-vapi-voice-disabled-by-owner",
        /// `pipeline-error-eleven-labs-blocked-account-in-probation`
        PipelineErrorElevenLabsBlockedAccountInProbation = "pipeline-error-eleven-labs-blocked-account-in-probation",
        /// `pipeline-error-eleven-labs-blocked-content-against-their-policy`
        PipelineErrorElevenLabsBlockedContentAgainstTheirPolicy = "pipeline-error-eleven-labs-blocked-content-against-their-policy",
        /// `pipeline-error-eleven-labs-missing-samples-for-voice-clone`
        PipelineErrorElevenLabsMissingSamplesForVoiceClone = "pipeline-error-eleven-labs-missing-samples-for-voice-clone",
        /// `pipeline-error-eleven-labs-voice-not-fine-tuned-and-cannot-be-used`
        PipelineErrorElevenLabsVoiceNotFineTunedAndCannotBeUsed = "pipeline-error-eleven-labs-voice-not-fine-tuned-and-cannot-be-used",
        /// `pipeline-error-eleven-labs-voice-not-allowed-for-free-users`
        PipelineErrorElevenLabsVoiceNotAllowedForFreeUsers = "pipeline-error-eleven-labs-voice-not-allowed-for-free-users",
        /// `pipeline-error-eleven-labs-max-character-limit-exceeded`
        PipelineErrorElevenLabsMaxCharacterLimitExceeded = "pipeline-error-eleven-labs-max-character-limit-exceeded",
        /// `pipeline-error-eleven-labs-blocked-voice-potentially-against-terms-of-service-and-awaiting-verification`
        PipelineErrorElevenLabsBlockedVoicePotentiallyAgainstTermsOfServiceAndAwaitingVerification = "pipeline-error-eleven-labs-blocked-voice-potentially-against-terms-of-service-and-awaiting-verification",
        /// `pipeline-error-eleven-labs-500-server-error`
        PipelineErrorElevenLabs500ServerError = "pipeline-error-eleven-labs-500-server-error",
        /// `pipeline-error-eleven-labs-503-server-error`
        PipelineErrorElevenLabs503ServerError = "pipeline-error-eleven-labs-503-server-error",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-not-found`
        CallInProgressErrorVapifaultElevenLabsVoiceNotFound = "call.in-progress.error-vapifault-eleven-labs-voice-not-found",
        /// `call.in-progress.error-vapifault-eleven-labs-quota-exceeded`
        CallInProgressErrorVapifaultElevenLabsQuotaExceeded = "call.in-progress.error-vapifault-eleven-labs-quota-exceeded",
        /// `call.in-progress.error-vapifault-eleven-labs-unauthorized-access`
        CallInProgressErrorVapifaultElevenLabsUnauthorizedAccess = "call.in-progress.error-vapifault-eleven-labs-unauthorized-access",
        /// `call.in-progress.error-vapifault-eleven-labs-unauthorized-to-access-model`
        CallInProgressErrorVapifaultElevenLabsUnauthorizedToAccessModel = "call.in-progress.error-vapifault-eleven-labs-unauthorized-to-access-model",
        /// `call.in-progress.error-vapifault-eleven-labs-professional-voices-only-for-creator-plus`
        CallInProgressErrorVapifaultElevenLabsProfessionalVoicesOnlyForCreatorPlus = "call.in-progress.error-vapifault-eleven-labs-professional-voices-only-for-creator-plus",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-free-plan-and-requested-upgrade`
        CallInProgressErrorVapifaultElevenLabsBlockedFreePlanAndRequestedUpgrade = "call.in-progress.error-vapifault-eleven-labs-blocked-free-plan-and-requested-upgrade",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-concurrent-requests-and-requested-upgrade`
        CallInProgressErrorVapifaultElevenLabsBlockedConcurrentRequestsAndRequestedUpgrade = "call.in-progress.error-vapifault-eleven-labs-blocked-concurrent-requests-and-requested-upgrade",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-using-instant-voice-clone-and-requested-upgrade`
        CallInProgressErrorVapifaultElevenLabsBlockedUsingInstantVoiceCloneAndRequestedUpgrade = "call.in-progress.error-vapifault-eleven-labs-blocked-using-instant-voice-clone-and-requested-upgrade",
        /// `call.in-progress.error-vapifault-eleven-labs-system-busy-and-requested-upgrade`
        CallInProgressErrorVapifaultElevenLabsSystemBusyAndRequestedUpgrade = "call.in-progress.error-vapifault-eleven-labs-system-busy-and-requested-upgrade",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-not-fine-tuned`
        CallInProgressErrorVapifaultElevenLabsVoiceNotFineTuned = "call.in-progress.error-vapifault-eleven-labs-voice-not-fine-tuned",
        /// `call.in-progress.error-vapifault-eleven-labs-invalid-api-key`
        CallInProgressErrorVapifaultElevenLabsInvalidApiKey = "call.in-progress.error-vapifault-eleven-labs-invalid-api-key",
        /// `call.in-progress.error-vapifault-eleven-labs-invalid-voice-samples`
        CallInProgressErrorVapifaultElevenLabsInvalidVoiceSamples = "call.in-progress.error-vapifault-eleven-labs-invalid-voice-samples",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-disabled-by-owner`
        CallInProgressErrorVapifaultElevenLabsVoiceDisabledByOwner = "call.in-progress.error-vapifault-eleven-labs-voice-disabled-by-owner",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-account-in-probation`
        CallInProgressErrorVapifaultElevenLabsBlockedAccountInProbation = "call.in-progress.error-vapifault-eleven-labs-blocked-account-in-probation",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-content-against-their-policy`
        CallInProgressErrorVapifaultElevenLabsBlockedContentAgainstTheirPolicy = "call.in-progress.error-vapifault-eleven-labs-blocked-content-against-their-policy",
        /// `call.in-progress.error-vapifault-eleven-labs-missing-samples-for-voice-clone`
        CallInProgressErrorVapifaultElevenLabsMissingSamplesForVoiceClone = "call.in-progress.error-vapifault-eleven-labs-missing-samples-for-voice-clone",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-not-fine-tuned-and-cannot-be-used`
        CallInProgressErrorVapifaultElevenLabsVoiceNotFineTunedAndCannotBeUsed = "call.in-progress.error-vapifault-eleven-labs-voice-not-fine-tuned-and-cannot-be-used",
        /// `call.in-progress.error-vapifault-eleven-labs-voice-not-allowed-for-free-users`
        CallInProgressErrorVapifaultElevenLabsVoiceNotAllowedForFreeUsers = "call.in-progress.error-vapifault-eleven-labs-voice-not-allowed-for-free-users",
        /// `call.in-progress.error-vapifault-eleven-labs-max-character-limit-exceeded`
        CallInProgressErrorVapifaultElevenLabsMaxCharacterLimitExceeded = "call.in-progress.error-vapifault-eleven-labs-max-character-limit-exceeded",
        /// `call.in-progress.error-vapifault-eleven-labs-blocked-voice-potentially-against-terms-of-service-and-awaiting-verification`
        CallInProgressErrorVapifaultElevenLabsBlockedVoicePotentiallyAgainstTermsOfServiceAndAwaitingVerification = "call.in-progress.error-vapifault-eleven-labs-blocked-voice-potentially-against-terms-of-service-and-awaiting-verification",
        /// `call.in-progress.error-providerfault-eleven-labs-500-server-error`
        CallInProgressErrorProviderfaultElevenLabs500ServerError = "call.in-progress.error-providerfault-eleven-labs-500-server-error",
        /// `call.in-progress.error-providerfault-eleven-labs-503-server-error`
        CallInProgressErrorProviderfaultElevenLabs503ServerError = "call.in-progress.error-providerfault-eleven-labs-503-server-error",
        /// `pipeline-error-playht-request-timed-out`
        PipelineErrorPlayhtRequestTimedOut = "pipeline-error-playht-request-timed-out",
        /// `pipeline-error-playht-invalid-voice`
        PipelineErrorPlayhtInvalidVoice = "pipeline-error-playht-invalid-voice",
        /// `pipeline-error-playht-unexpected-error`
        PipelineErrorPlayhtUnexpectedError = "pipeline-error-playht-unexpected-error",
        /// `pipeline-error-playht-out-of-credits`
        PipelineErrorPlayhtOutOfCredits = "pipeline-error-playht-out-of-credits",
        /// `pipeline-error-playht-invalid-emotion`
        PipelineErrorPlayhtInvalidEmotion = "pipeline-error-playht-invalid-emotion",
        /// `pipeline-error-playht-voice-must-be-a-valid-voice-manifest-uri`
        PipelineErrorPlayhtVoiceMustBeAValidVoiceManifestUri = "pipeline-error-playht-voice-must-be-a-valid-voice-manifest-uri",
        /// `pipeline-error-playht-401-unauthorized`
        PipelineErrorPlayht401Unauthorized = "pipeline-error-playht-401-unauthorized",
        /// `pipeline-error-playht-403-forbidden-out-of-characters`
        PipelineErrorPlayht403ForbiddenOutOfCharacters = "pipeline-error-playht-403-forbidden-out-of-characters",
        /// `pipeline-error-playht-403-forbidden-api-access-not-available`
        PipelineErrorPlayht403ForbiddenApiAccessNotAvailable = "pipeline-error-playht-403-forbidden-api-access-not-available",
        /// `pipeline-error-playht-429-exceeded-quota`
        PipelineErrorPlayht429ExceededQuota = "pipeline-error-playht-429-exceeded-quota",
        /// `pipeline-error-playht-502-gateway-error`
        PipelineErrorPlayht502GatewayError = "pipeline-error-playht-502-gateway-error",
        /// `pipeline-error-playht-504-gateway-error`
        PipelineErrorPlayht504GatewayError = "pipeline-error-playht-504-gateway-error",
        /// `call.in-progress.error-vapifault-playht-request-timed-out`
        CallInProgressErrorVapifaultPlayhtRequestTimedOut = "call.in-progress.error-vapifault-playht-request-timed-out",
        /// `call.in-progress.error-vapifault-playht-invalid-voice`
        CallInProgressErrorVapifaultPlayhtInvalidVoice = "call.in-progress.error-vapifault-playht-invalid-voice",
        /// `call.in-progress.error-vapifault-playht-unexpected-error`
        CallInProgressErrorVapifaultPlayhtUnexpectedError = "call.in-progress.error-vapifault-playht-unexpected-error",
        /// `call.in-progress.error-vapifault-playht-out-of-credits`
        CallInProgressErrorVapifaultPlayhtOutOfCredits = "call.in-progress.error-vapifault-playht-out-of-credits",
        /// `call.in-progress.error-vapifault-playht-invalid-emotion`
        CallInProgressErrorVapifaultPlayhtInvalidEmotion = "call.in-progress.error-vapifault-playht-invalid-emotion",
        /// `call.in-progress.error-vapifault-playht-voice-must-be-a-valid-voice-manifest-uri`
        CallInProgressErrorVapifaultPlayhtVoiceMustBeAValidVoiceManifestUri = "call.in-progress.error-vapifault-playht-voice-must-be-a-valid-voice-manifest-uri",
        /// `call.in-progress.error-vapifault-playht-401-unauthorized`
        CallInProgressErrorVapifaultPlayht401Unauthorized = "call.in-progress.error-vapifault-playht-401-unauthorized",
        /// `call.in-progress.error-vapifault-playht-403-forbidden-out-of-characters`
        CallInProgressErrorVapifaultPlayht403ForbiddenOutOfCharacters = "call.in-progress.error-vapifault-playht-403-forbidden-out-of-characters",
        /// `call.in-progress.error-vapifault-playht-403-forbidden-api-access-not-available`
        CallInProgressErrorVapifaultPlayht403ForbiddenApiAccessNotAvailable = "call.in-progress.error-vapifault-playht-403-forbidden-api-access-not-available",
        /// `call.in-progress.error-vapifault-playht-429-exceeded-quota`
        CallInProgressErrorVapifaultPlayht429ExceededQuota = "call.in-progress.error-vapifault-playht-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-playht-502-gateway-error`
        CallInProgressErrorProviderfaultPlayht502GatewayError = "call.in-progress.error-providerfault-playht-502-gateway-error",
        /// `call.in-progress.error-providerfault-playht-504-gateway-error`
        CallInProgressErrorProviderfaultPlayht504GatewayError = "call.in-progress.error-providerfault-playht-504-gateway-error",
        /// `pipeline-error-custom-transcriber-failed`
        PipelineErrorCustomTranscriberFailed = "pipeline-error-custom-transcriber-failed",
        /// `call.in-progress.error-vapifault-custom-transcriber-failed`
        CallInProgressErrorVapifaultCustomTranscriberFailed = "call.in-progress.error-vapifault-custom-transcriber-failed",
        /// `pipeline-error-eleven-labs-transcriber-failed`
        PipelineErrorElevenLabsTranscriberFailed = "pipeline-error-eleven-labs-transcriber-failed",
        /// `call.in-progress.error-vapifault-eleven-labs-transcriber-failed`
        CallInProgressErrorVapifaultElevenLabsTranscriberFailed = "call.in-progress.error-vapifault-eleven-labs-transcriber-failed",
        /// `pipeline-error-deepgram-returning-400-no-such-model-language-tier-combination`
        PipelineErrorDeepgramReturning400NoSuchModelLanguageTierCombination = "pipeline-error-deepgram-returning-400-no-such-model-language-tier-combination",
        /// `pipeline-error-deepgram-returning-401-invalid-credentials`
        PipelineErrorDeepgramReturning401InvalidCredentials = "pipeline-error-deepgram-returning-401-invalid-credentials",
        /// `pipeline-error-deepgram-returning-403-model-access-denied`
        PipelineErrorDeepgramReturning403ModelAccessDenied = "pipeline-error-deepgram-returning-403-model-access-denied",
        /// `pipeline-error-deepgram-returning-404-not-found`
        PipelineErrorDeepgramReturning404NotFound = "pipeline-error-deepgram-returning-404-not-found",
        /// `pipeline-error-deepgram-returning-500-invalid-json`
        PipelineErrorDeepgramReturning500InvalidJson = "pipeline-error-deepgram-returning-500-invalid-json",
        /// `pipeline-error-deepgram-returning-502-network-error`
        PipelineErrorDeepgramReturning502NetworkError = "pipeline-error-deepgram-returning-502-network-error",
        /// `pipeline-error-deepgram-returning-502-bad-gateway-ehostunreach`
        PipelineErrorDeepgramReturning502BadGatewayEhostunreach = "pipeline-error-deepgram-returning-502-bad-gateway-ehostunreach",
        /// `call.in-progress.error-vapifault-deepgram-returning-400-no-such-model-language-tier-combination`
        CallInProgressErrorVapifaultDeepgramReturning400NoSuchModelLanguageTierCombination = "call.in-progress.error-vapifault-deepgram-returning-400-no-such-model-language-tier-combination",
        /// `call.in-progress.error-vapifault-deepgram-returning-401-invalid-credentials`
        CallInProgressErrorVapifaultDeepgramReturning401InvalidCredentials = "call.in-progress.error-vapifault-deepgram-returning-401-invalid-credentials",
        /// `call.in-progress.error-vapifault-deepgram-returning-404-not-found`
        CallInProgressErrorVapifaultDeepgramReturning404NotFound = "call.in-progress.error-vapifault-deepgram-returning-404-not-found",
        /// `call.in-progress.error-vapifault-deepgram-returning-403-model-access-denied`
        CallInProgressErrorVapifaultDeepgramReturning403ModelAccessDenied = "call.in-progress.error-vapifault-deepgram-returning-403-model-access-denied",
        /// `call.in-progress.error-providerfault-deepgram-returning-500-invalid-json`
        CallInProgressErrorProviderfaultDeepgramReturning500InvalidJson = "call.in-progress.error-providerfault-deepgram-returning-500-invalid-json",
        /// `call.in-progress.error-providerfault-deepgram-returning-502-network-error`
        CallInProgressErrorProviderfaultDeepgramReturning502NetworkError = "call.in-progress.error-providerfault-deepgram-returning-502-network-error",
        /// `call.in-progress.error-providerfault-deepgram-returning-502-bad-gateway-ehostunreach`
        CallInProgressErrorProviderfaultDeepgramReturning502BadGatewayEhostunreach = "call.in-progress.error-providerfault-deepgram-returning-502-bad-gateway-ehostunreach",
        /// `pipeline-error-google-transcriber-failed`
        PipelineErrorGoogleTranscriberFailed = "pipeline-error-google-transcriber-failed",
        /// `call.in-progress.error-vapifault-google-transcriber-failed`
        CallInProgressErrorVapifaultGoogleTranscriberFailed = "call.in-progress.error-vapifault-google-transcriber-failed",
        /// `pipeline-error-openai-transcriber-failed`
        PipelineErrorOpenaiTranscriberFailed = "pipeline-error-openai-transcriber-failed",
        /// `call.in-progress.error-vapifault-openai-transcriber-failed`
        CallInProgressErrorVapifaultOpenaiTranscriberFailed = "call.in-progress.error-vapifault-openai-transcriber-failed",
        /// `assistant-ended-call`
        AssistantEndedCall = "assistant-ended-call",
        /// `assistant-said-end-call-phrase`
        AssistantSaidEndCallPhrase = "assistant-said-end-call-phrase",
        /// `assistant-ended-call-with-hangup-task`
        AssistantEndedCallWithHangupTask = "assistant-ended-call-with-hangup-task",
        /// `assistant-ended-call-after-message-spoken`
        AssistantEndedCallAfterMessageSpoken = "assistant-ended-call-after-message-spoken",
        /// `assistant-forwarded-call`
        AssistantForwardedCall = "assistant-forwarded-call",
        /// `assistant-join-timed-out`
        AssistantJoinTimedOut = "assistant-join-timed-out",
        /// `call.in-progress.error-assistant-did-not-receive-customer-audio`
        CallInProgressErrorAssistantDidNotReceiveCustomerAudio = "call.in-progress.error-assistant-did-not-receive-customer-audio",
        /// `call.in-progress.error-transfer-failed`
        CallInProgressErrorTransferFailed = "call.in-progress.error-transfer-failed",
        /// `customer-busy`
        CustomerBusy = "customer-busy",
        /// `customer-ended-call`
        CustomerEndedCall = "customer-ended-call",
        /// `customer-did-not-answer`
        CustomerDidNotAnswer = "customer-did-not-answer",
        /// `customer-did-not-give-microphone-permission`
        CustomerDidNotGiveMicrophonePermission = "customer-did-not-give-microphone-permission",
        /// `exceeded-max-duration`
        ExceededMaxDuration = "exceeded-max-duration",
        /// `manually-canceled`
        ManuallyCanceled = "manually-canceled",
        /// `phone-call-provider-closed-websocket`
        PhoneCallProviderClosedWebsocket = "phone-call-provider-closed-websocket",
        /// `call.forwarding.operator-busy`
        CallForwardingOperatorBusy = "call.forwarding.operator-busy",
        /// `silence-timed-out`
        SilenceTimedOut = "silence-timed-out",
        /// `call.in-progress.error-sip-inbound-call-failed-to-connect`
        CallInProgressErrorSipInboundCallFailedToConnect = "call.in-progress.error-sip-inbound-call-failed-to-connect",
        /// `call.in-progress.error-providerfault-outbound-sip-403-forbidden`
        CallInProgressErrorProviderfaultOutboundSip403Forbidden = "call.in-progress.error-providerfault-outbound-sip-403-forbidden",
        /// `call.in-progress.error-providerfault-outbound-sip-407-proxy-authentication-required`
        CallInProgressErrorProviderfaultOutboundSip407ProxyAuthenticationRequired = "call.in-progress.error-providerfault-outbound-sip-407-proxy-authentication-required",
        /// `call.in-progress.error-providerfault-outbound-sip-503-service-unavailable`
        CallInProgressErrorProviderfaultOutboundSip503ServiceUnavailable = "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable",
        /// `call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable`
        CallInProgressErrorProviderfaultOutboundSip480TemporarilyUnavailable = "call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable",
        /// `call.in-progress.error-sip-outbound-call-failed-to-connect`
        CallInProgressErrorSipOutboundCallFailedToConnect = "call.in-progress.error-sip-outbound-call-failed-to-connect",
        /// `call.ringing.hook-executed-say`
        CallRingingHookExecutedSay = "call.ringing.hook-executed-say",
        /// `call.ringing.hook-executed-transfer`
        CallRingingHookExecutedTransfer = "call.ringing.hook-executed-transfer",
        /// `call.ringing.sip-inbound-caller-hungup-before-call-connect`
        CallRingingSipInboundCallerHungupBeforeCallConnect = "call.ringing.sip-inbound-caller-hungup-before-call-connect",
        /// `call.ringing.error-sip-inbound-call-failed-to-connect`
        CallRingingErrorSipInboundCallFailedToConnect = "call.ringing.error-sip-inbound-call-failed-to-connect",
        /// `twilio-failed-to-connect-call`
        TwilioFailedToConnectCall = "twilio-failed-to-connect-call",
        /// `twilio-reported-customer-misdialed`
        TwilioReportedCustomerMisdialed = "twilio-reported-customer-misdialed",
        /// `vonage-rejected`
        VonageRejected = "vonage-rejected",
        /// `voicemail`
        Voicemail = "voicemail",
        /// `call.start.error-fraud-check-failed` (2026-08 only)
        CallStartErrorFraudCheckFailed = "call.start.error-fraud-check-failed",
        /// `call.start.error-enterprise-feature-not-available-recording-consent` (2026-08 only)
        CallStartErrorEnterpriseFeatureNotAvailableRecordingConsent = "call.start.error-enterprise-feature-not-available-recording-consent",
        /// `call.start.assistant-version-error-validation` (2026-08 only)
        CallStartAssistantVersionErrorValidation = "call.start.assistant-version-error-validation",
        /// `call.start.error-vapifault-database-error` (2026-08 only)
        CallStartErrorVapifaultDatabaseError = "call.start.error-vapifault-database-error",
        /// `pipeline-error-vapi-voice-failed` (2026-08 only)
        PipelineErrorVapiVoiceFailed = "pipeline-error-vapi-voice-failed",
        /// `pipeline-error-inworld-voice-failed` (2026-08 only)
        PipelineErrorInworldVoiceFailed = "pipeline-error-inworld-voice-failed",
        /// `pipeline-error-minimax-voice-failed` (2026-08 only)
        PipelineErrorMinimaxVoiceFailed = "pipeline-error-minimax-voice-failed",
        /// `pipeline-error-wellsaid-voice-failed` (2026-08 only)
        PipelineErrorWellsaidVoiceFailed = "pipeline-error-wellsaid-voice-failed",
        /// `pipeline-error-xai-voice-failed` (2026-08 only)
        PipelineErrorXaiVoiceFailed = "pipeline-error-xai-voice-failed",
        /// `pipeline-error-microsoft-voice-failed` (2026-08 only)
        PipelineErrorMicrosoftVoiceFailed = "pipeline-error-microsoft-voice-failed",
        /// `pipeline-error-microsoft-voice-request-canceled` (2026-08 only)
        PipelineErrorMicrosoftVoiceRequestCanceled = "pipeline-error-microsoft-voice-request-canceled",
        /// `call.in-progress.error-vapifault-vapi-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultVapiVoiceFailed = "call.in-progress.error-vapifault-vapi-voice-failed",
        /// `call.in-progress.error-vapifault-inworld-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultInworldVoiceFailed = "call.in-progress.error-vapifault-inworld-voice-failed",
        /// `call.in-progress.error-vapifault-minimax-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultMinimaxVoiceFailed = "call.in-progress.error-vapifault-minimax-voice-failed",
        /// `call.in-progress.error-vapifault-wellsaid-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultWellsaidVoiceFailed = "call.in-progress.error-vapifault-wellsaid-voice-failed",
        /// `call.in-progress.error-vapifault-xai-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultXaiVoiceFailed = "call.in-progress.error-vapifault-xai-voice-failed",
        /// `call.in-progress.error-vapifault-microsoft-voice-failed` (2026-08 only)
        CallInProgressErrorVapifaultMicrosoftVoiceFailed = "call.in-progress.error-vapifault-microsoft-voice-failed",
        /// `call.in-progress.error-providerfault-vapi-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultVapiLlmFailed = "call.in-progress.error-providerfault-vapi-llm-failed",
        /// `pipeline-error-vapi-transcriber-failed` (2026-08 only)
        PipelineErrorVapiTranscriberFailed = "pipeline-error-vapi-transcriber-failed",
        /// `call.in-progress.error-vapifault-vapi-transcriber-failed` (2026-08 only)
        CallInProgressErrorVapifaultVapiTranscriberFailed = "call.in-progress.error-vapifault-vapi-transcriber-failed",
        /// `call.in-progress.error-providerfault-vapi-transcriber-failed` (2026-08 only)
        CallInProgressErrorProviderfaultVapiTranscriberFailed = "call.in-progress.error-providerfault-vapi-transcriber-failed",
        /// `call.in-progress.error-providerfault-vapi-voice-failed` (2026-08 only)
        CallInProgressErrorProviderfaultVapiVoiceFailed = "call.in-progress.error-providerfault-vapi-voice-failed",
        /// `pipeline-error-deepgram-transcriber-api-key-missing` (2026-08 only)
        PipelineErrorDeepgramTranscriberApiKeyMissing = "pipeline-error-deepgram-transcriber-api-key-missing",
        /// `pipeline-error-soniox-transcriber-auth-failed` (2026-08 only)
        PipelineErrorSonioxTranscriberAuthFailed = "pipeline-error-soniox-transcriber-auth-failed",
        /// `pipeline-error-soniox-transcriber-rate-limited` (2026-08 only)
        PipelineErrorSonioxTranscriberRateLimited = "pipeline-error-soniox-transcriber-rate-limited",
        /// `pipeline-error-soniox-transcriber-invalid-config` (2026-08 only)
        PipelineErrorSonioxTranscriberInvalidConfig = "pipeline-error-soniox-transcriber-invalid-config",
        /// `pipeline-error-soniox-transcriber-server-error` (2026-08 only)
        PipelineErrorSonioxTranscriberServerError = "pipeline-error-soniox-transcriber-server-error",
        /// `pipeline-error-soniox-transcriber-failed` (2026-08 only)
        PipelineErrorSonioxTranscriberFailed = "pipeline-error-soniox-transcriber-failed",
        /// `call.in-progress.error-vapifault-soniox-transcriber-auth-failed` (2026-08 only)
        CallInProgressErrorVapifaultSonioxTranscriberAuthFailed = "call.in-progress.error-vapifault-soniox-transcriber-auth-failed",
        /// `call.in-progress.error-vapifault-soniox-transcriber-rate-limited` (2026-08 only)
        CallInProgressErrorVapifaultSonioxTranscriberRateLimited = "call.in-progress.error-vapifault-soniox-transcriber-rate-limited",
        /// `call.in-progress.error-vapifault-soniox-transcriber-invalid-config` (2026-08 only)
        CallInProgressErrorVapifaultSonioxTranscriberInvalidConfig = "call.in-progress.error-vapifault-soniox-transcriber-invalid-config",
        /// `call.in-progress.error-vapifault-soniox-transcriber-server-error` (2026-08 only)
        CallInProgressErrorVapifaultSonioxTranscriberServerError = "call.in-progress.error-vapifault-soniox-transcriber-server-error",
        /// `call.in-progress.error-vapifault-soniox-transcriber-failed` (2026-08 only)
        CallInProgressErrorVapifaultSonioxTranscriberFailed = "call.in-progress.error-vapifault-soniox-transcriber-failed",
        /// `pipeline-error-xai-transcriber-auth-failed` (2026-08 only)
        PipelineErrorXaiTranscriberAuthFailed = "pipeline-error-xai-transcriber-auth-failed",
        /// `pipeline-error-xai-transcriber-rate-limited` (2026-08 only)
        PipelineErrorXaiTranscriberRateLimited = "pipeline-error-xai-transcriber-rate-limited",
        /// `pipeline-error-xai-transcriber-invalid-config` (2026-08 only)
        PipelineErrorXaiTranscriberInvalidConfig = "pipeline-error-xai-transcriber-invalid-config",
        /// `pipeline-error-xai-transcriber-server-error` (2026-08 only)
        PipelineErrorXaiTranscriberServerError = "pipeline-error-xai-transcriber-server-error",
        /// `pipeline-error-xai-transcriber-failed` (2026-08 only)
        PipelineErrorXaiTranscriberFailed = "pipeline-error-xai-transcriber-failed",
        /// `call.in-progress.error-vapifault-xai-transcriber-auth-failed` (2026-08 only)
        CallInProgressErrorVapifaultXaiTranscriberAuthFailed = "call.in-progress.error-vapifault-xai-transcriber-auth-failed",
        /// `call.in-progress.error-vapifault-xai-transcriber-rate-limited` (2026-08 only)
        CallInProgressErrorVapifaultXaiTranscriberRateLimited = "call.in-progress.error-vapifault-xai-transcriber-rate-limited",
        /// `call.in-progress.error-vapifault-xai-transcriber-invalid-config` (2026-08 only)
        CallInProgressErrorVapifaultXaiTranscriberInvalidConfig = "call.in-progress.error-vapifault-xai-transcriber-invalid-config",
        /// `call.in-progress.error-vapifault-xai-transcriber-server-error` (2026-08 only)
        CallInProgressErrorVapifaultXaiTranscriberServerError = "call.in-progress.error-vapifault-xai-transcriber-server-error",
        /// `call.in-progress.error-vapifault-xai-transcriber-failed` (2026-08 only)
        CallInProgressErrorVapifaultXaiTranscriberFailed = "call.in-progress.error-vapifault-xai-transcriber-failed",
        /// `pipeline-error-cartesia-transcriber-failed` (2026-08 only)
        PipelineErrorCartesiaTranscriberFailed = "pipeline-error-cartesia-transcriber-failed",
        /// `call.in-progress.error-vapifault-cartesia-transcriber-failed` (2026-08 only)
        CallInProgressErrorVapifaultCartesiaTranscriberFailed = "call.in-progress.error-vapifault-cartesia-transcriber-failed",
        /// `call.in-progress.error-providerfault-openai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultOpenaiLlmFailed = "call.in-progress.error-providerfault-openai-llm-failed",
        /// `call.in-progress.error-providerfault-azure-openai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultAzureOpenaiLlmFailed = "call.in-progress.error-providerfault-azure-openai-llm-failed",
        /// `call.in-progress.error-providerfault-groq-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultGroqLlmFailed = "call.in-progress.error-providerfault-groq-llm-failed",
        /// `call.in-progress.error-providerfault-google-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultGoogleLlmFailed = "call.in-progress.error-providerfault-google-llm-failed",
        /// `call.in-progress.error-providerfault-xai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultXaiLlmFailed = "call.in-progress.error-providerfault-xai-llm-failed",
        /// `call.in-progress.error-providerfault-mistral-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultMistralLlmFailed = "call.in-progress.error-providerfault-mistral-llm-failed",
        /// `call.in-progress.error-providerfault-minimax-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultMinimaxLlmFailed = "call.in-progress.error-providerfault-minimax-llm-failed",
        /// `call.in-progress.error-providerfault-inflection-ai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultInflectionAiLlmFailed = "call.in-progress.error-providerfault-inflection-ai-llm-failed",
        /// `call.in-progress.error-providerfault-cerebras-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultCerebrasLlmFailed = "call.in-progress.error-providerfault-cerebras-llm-failed",
        /// `call.in-progress.error-providerfault-deep-seek-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultDeepSeekLlmFailed = "call.in-progress.error-providerfault-deep-seek-llm-failed",
        /// `call.in-progress.error-providerfault-baseten-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultBasetenLlmFailed = "call.in-progress.error-providerfault-baseten-llm-failed",
        /// `pipeline-error-baseten-400-bad-request-validation-failed` (2026-08 only)
        PipelineErrorBaseten400BadRequestValidationFailed = "pipeline-error-baseten-400-bad-request-validation-failed",
        /// `pipeline-error-baseten-401-unauthorized` (2026-08 only)
        PipelineErrorBaseten401Unauthorized = "pipeline-error-baseten-401-unauthorized",
        /// `pipeline-error-baseten-403-model-access-denied` (2026-08 only)
        PipelineErrorBaseten403ModelAccessDenied = "pipeline-error-baseten-403-model-access-denied",
        /// `pipeline-error-baseten-429-exceeded-quota` (2026-08 only)
        PipelineErrorBaseten429ExceededQuota = "pipeline-error-baseten-429-exceeded-quota",
        /// `pipeline-error-baseten-500-server-error` (2026-08 only)
        PipelineErrorBaseten500ServerError = "pipeline-error-baseten-500-server-error",
        /// `pipeline-error-baseten-503-server-overloaded-error` (2026-08 only)
        PipelineErrorBaseten503ServerOverloadedError = "pipeline-error-baseten-503-server-overloaded-error",
        /// `pipeline-error-baseten-llm-failed` (2026-08 only)
        PipelineErrorBasetenLlmFailed = "pipeline-error-baseten-llm-failed",
        /// `call.in-progress.error-vapifault-baseten-400-bad-request-validation-failed` (2026-08 only)
        CallInProgressErrorVapifaultBaseten400BadRequestValidationFailed = "call.in-progress.error-vapifault-baseten-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-baseten-401-unauthorized` (2026-08 only)
        CallInProgressErrorVapifaultBaseten401Unauthorized = "call.in-progress.error-vapifault-baseten-401-unauthorized",
        /// `call.in-progress.error-vapifault-baseten-403-model-access-denied` (2026-08 only)
        CallInProgressErrorVapifaultBaseten403ModelAccessDenied = "call.in-progress.error-vapifault-baseten-403-model-access-denied",
        /// `call.in-progress.error-vapifault-baseten-429-exceeded-quota` (2026-08 only)
        CallInProgressErrorVapifaultBaseten429ExceededQuota = "call.in-progress.error-vapifault-baseten-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-baseten-500-server-error` (2026-08 only)
        CallInProgressErrorProviderfaultBaseten500ServerError = "call.in-progress.error-providerfault-baseten-500-server-error",
        /// `call.in-progress.error-providerfault-baseten-503-server-overloaded-error` (2026-08 only)
        CallInProgressErrorProviderfaultBaseten503ServerOverloadedError = "call.in-progress.error-providerfault-baseten-503-server-overloaded-error",
        /// `pipeline-error-minimax-400-bad-request-validation-failed` (2026-08 only)
        PipelineErrorMinimax400BadRequestValidationFailed = "pipeline-error-minimax-400-bad-request-validation-failed",
        /// `pipeline-error-minimax-401-unauthorized` (2026-08 only)
        PipelineErrorMinimax401Unauthorized = "pipeline-error-minimax-401-unauthorized",
        /// `pipeline-error-minimax-403-model-access-denied` (2026-08 only)
        PipelineErrorMinimax403ModelAccessDenied = "pipeline-error-minimax-403-model-access-denied",
        /// `pipeline-error-minimax-429-exceeded-quota` (2026-08 only)
        PipelineErrorMinimax429ExceededQuota = "pipeline-error-minimax-429-exceeded-quota",
        /// `pipeline-error-minimax-500-server-error` (2026-08 only)
        PipelineErrorMinimax500ServerError = "pipeline-error-minimax-500-server-error",
        /// `pipeline-error-minimax-503-server-overloaded-error` (2026-08 only)
        PipelineErrorMinimax503ServerOverloadedError = "pipeline-error-minimax-503-server-overloaded-error",
        /// `pipeline-error-minimax-llm-failed` (2026-08 only)
        PipelineErrorMinimaxLlmFailed = "pipeline-error-minimax-llm-failed",
        /// `call.in-progress.error-vapifault-minimax-400-bad-request-validation-failed` (2026-08 only)
        CallInProgressErrorVapifaultMinimax400BadRequestValidationFailed = "call.in-progress.error-vapifault-minimax-400-bad-request-validation-failed",
        /// `call.in-progress.error-vapifault-minimax-401-unauthorized` (2026-08 only)
        CallInProgressErrorVapifaultMinimax401Unauthorized = "call.in-progress.error-vapifault-minimax-401-unauthorized",
        /// `call.in-progress.error-vapifault-minimax-403-model-access-denied` (2026-08 only)
        CallInProgressErrorVapifaultMinimax403ModelAccessDenied = "call.in-progress.error-vapifault-minimax-403-model-access-denied",
        /// `call.in-progress.error-vapifault-minimax-429-exceeded-quota` (2026-08 only)
        CallInProgressErrorVapifaultMinimax429ExceededQuota = "call.in-progress.error-vapifault-minimax-429-exceeded-quota",
        /// `call.in-progress.error-providerfault-minimax-500-server-error` (2026-08 only)
        CallInProgressErrorProviderfaultMinimax500ServerError = "call.in-progress.error-providerfault-minimax-500-server-error",
        /// `call.in-progress.error-providerfault-minimax-503-server-overloaded-error` (2026-08 only)
        CallInProgressErrorProviderfaultMinimax503ServerOverloadedError = "call.in-progress.error-providerfault-minimax-503-server-overloaded-error",
        /// `call.in-progress.error-providerfault-anthropic-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultAnthropicLlmFailed = "call.in-progress.error-providerfault-anthropic-llm-failed",
        /// `call.in-progress.error-providerfault-anthropic-bedrock-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultAnthropicBedrockLlmFailed = "call.in-progress.error-providerfault-anthropic-bedrock-llm-failed",
        /// `call.in-progress.error-providerfault-anthropic-vertex-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultAnthropicVertexLlmFailed = "call.in-progress.error-providerfault-anthropic-vertex-llm-failed",
        /// `call.in-progress.error-providerfault-together-ai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultTogetherAiLlmFailed = "call.in-progress.error-providerfault-together-ai-llm-failed",
        /// `call.in-progress.error-providerfault-anyscale-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultAnyscaleLlmFailed = "call.in-progress.error-providerfault-anyscale-llm-failed",
        /// `call.in-progress.error-providerfault-openrouter-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultOpenrouterLlmFailed = "call.in-progress.error-providerfault-openrouter-llm-failed",
        /// `call.in-progress.error-providerfault-perplexity-ai-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultPerplexityAiLlmFailed = "call.in-progress.error-providerfault-perplexity-ai-llm-failed",
        /// `call.in-progress.error-providerfault-deepinfra-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultDeepinfraLlmFailed = "call.in-progress.error-providerfault-deepinfra-llm-failed",
        /// `call.in-progress.error-providerfault-runpod-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultRunpodLlmFailed = "call.in-progress.error-providerfault-runpod-llm-failed",
        /// `call.in-progress.error-providerfault-custom-llm-llm-failed` (2026-08 only)
        CallInProgressErrorProviderfaultCustomLlmLlmFailed = "call.in-progress.error-providerfault-custom-llm-llm-failed",
        /// `call.in-progress.error-pipeline-ws-model-connection-failed` (2026-08 only)
        CallInProgressErrorPipelineWsModelConnectionFailed = "call.in-progress.error-pipeline-ws-model-connection-failed",
        /// `call.in-progress.error-providerfault-eleven-labs-system-busy-and-requested-upgrade` (2026-08 only)
        CallInProgressErrorProviderfaultElevenLabsSystemBusyAndRequestedUpgrade = "call.in-progress.error-providerfault-eleven-labs-system-busy-and-requested-upgrade",
        /// `pipeline-error-deepgram-returning-econnreset` (2026-08 only)
        PipelineErrorDeepgramReturningEconnreset = "pipeline-error-deepgram-returning-econnreset",
        /// `call.in-progress.error-warm-transfer-max-duration` (2026-08 only)
        CallInProgressErrorWarmTransferMaxDuration = "call.in-progress.error-warm-transfer-max-duration",
        /// `call.in-progress.error-warm-transfer-assistant-cancelled` (2026-08 only)
        CallInProgressErrorWarmTransferAssistantCancelled = "call.in-progress.error-warm-transfer-assistant-cancelled",
        /// `call.in-progress.error-warm-transfer-silence-timeout` (2026-08 only)
        CallInProgressErrorWarmTransferSilenceTimeout = "call.in-progress.error-warm-transfer-silence-timeout",
        /// `call.in-progress.error-warm-transfer-microphone-timeout` (2026-08 only)
        CallInProgressErrorWarmTransferMicrophoneTimeout = "call.in-progress.error-warm-transfer-microphone-timeout",
        /// `customer-ended-call-before-warm-transfer` (2026-08 only)
        CustomerEndedCallBeforeWarmTransfer = "customer-ended-call-before-warm-transfer",
        /// `customer-ended-call-after-warm-transfer-attempt` (2026-08 only)
        CustomerEndedCallAfterWarmTransferAttempt = "customer-ended-call-after-warm-transfer-attempt",
        /// `customer-ended-call-during-transfer` (2026-08 only)
        CustomerEndedCallDuringTransfer = "customer-ended-call-during-transfer",
        /// `call.forwarding.no-answer` (2026-08 only)
        CallForwardingNoAnswer = "call.forwarding.no-answer",
        /// `call.in-progress.error-providerfault-outbound-sip-408-request-timeout` (2026-08 only)
        CallInProgressErrorProviderfaultOutboundSip408RequestTimeout = "call.in-progress.error-providerfault-outbound-sip-408-request-timeout",
        /// `call.ending.hook-executed-say` (2026-08 only)
        CallEndingHookExecutedSay = "call.ending.hook-executed-say",
        /// `call.ending.hook-executed-transfer` (2026-08 only)
        CallEndingHookExecutedTransfer = "call.ending.hook-executed-transfer",
        /// `call-deleted` (2026-08 only)
        CallDeleted = "call-deleted",
    }
}
