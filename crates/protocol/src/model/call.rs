//! The `call` object every message carries, and the customer, analysis and
//! cost objects hanging off calls and end-of-call reports.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{
    Artifact, ArtifactMessage, Assistant, CallStatus, CallType, CostType, Destination, EndedReason,
    PhoneCallProvider, PhoneCallTransport, PhoneNumber,
};
use crate::Timestamp;
use serde_json::{Number, Value};

model_struct! {
    /// A call, as returned by `POST /call`.
    ///
    /// In messages this is a snapshot taken when the call was created: its `status` can say `queued` on the `ended` update. Call state comes from the messages, never from `call.status`.
    ///
    /// Schema: `Call`.
    Call {
        /// This is the type of call.
        r#type: CallType = "type",
        /// These are the costs of individual components of the call in USD.
        costs: Vec<Cost> = "costs",
        /// `messages` (the spec gives no description).
        messages: Vec<ArtifactMessage> = "messages",
        /// This is the provider of the call.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        phone_call_provider: PhoneCallProvider = "phoneCallProvider",
        /// This is the transport of the phone call.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        phone_call_transport: PhoneCallTransport = "phoneCallTransport",
        /// This is the status of the call.
        status: CallStatus = "status",
        /// This is the explanation for how the call ended.
        ended_reason: EndedReason = "endedReason",
        /// This is the destination where the call ended up being transferred to. If the call was not transferred, this will be empty.
        destination: Destination = "destination",
        /// This is the unique identifier for the call.
        id: String = "id",
        /// This is the unique identifier for the org that this call belongs to.
        org_id: String = "orgId",
        /// This is the ISO 8601 date-time string of when the call was created.
        created_at: Timestamp = "createdAt",
        /// This is the ISO 8601 date-time string of when the call was last updated.
        updated_at: Timestamp = "updatedAt",
        /// This is the ISO 8601 date-time string of when the call was started.
        started_at: Timestamp = "startedAt",
        /// This is the ISO 8601 date-time string of when the call was ended.
        ended_at: Timestamp = "endedAt",
        /// This is the cost of the call in USD.
        cost: Number = "cost",
        /// This is the cost of the call in USD.
        cost_breakdown: Value = "costBreakdown",
        /// This is a copy of assistant artifact plan. This isn't actually stored on the call but rather just returned in POST /call/web to enable artifact creation client side.
        artifact_plan: Value = "artifactPlan",
        /// This is the analysis of the call. Configure in `assistant.analysisPlan`.
        analysis: Analysis = "analysis",
        /// This is to real-time monitor the call. Configure in `assistant.monitorPlan`.
        monitor: Value = "monitor",
        /// These are the artifacts created from the call. Configure in `assistant.artifactPlan`.
        artifact: Box<Artifact> = "artifact",
        /// The ID of the call as provided by the phone number service. callSid in Twilio. conversationUuid in Vonage. callControlId in Telnyx.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        phone_call_provider_id: String = "phoneCallProviderId",
        /// This is the assistant ID that will be used for the call. To use a transient assistant, use `assistant` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistantId` or `assistant`
        /// - Squad, use `squadId` or `squad`
        /// - Workflow, use `workflowId` or `workflow`
        assistant_id: String = "assistantId",
        /// This is the assistant that will be used for the call. To use an existing assistant, use `assistantId` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistant`
        /// - Squad, use `squad`
        /// - Workflow, use `workflow`
        assistant: Box<Assistant> = "assistant",
        /// These are the overrides for the `assistant` or `assistantId`'s settings and template variables.
        assistant_overrides: Value = "assistantOverrides",
        /// This is the squad that will be used for the call. To use a transient squad, use `squad` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistant` or `assistantId`
        /// - Squad, use `squad` or `squadId`
        /// - Workflow, use `workflow` or `workflowId`
        squad_id: String = "squadId",
        /// This is a squad that will be used for the call. To use an existing squad, use `squadId` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistant` or `assistantId`
        /// - Squad, use `squad` or `squadId`
        /// - Workflow, use `workflow` or `workflowId`
        squad: Value = "squad",
        /// This is the workflow that will be used for the call. To use a transient workflow, use `workflow` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistant` or `assistantId`
        /// - Squad, use `squad` or `squadId`
        /// - Workflow, use `workflow` or `workflowId`
        workflow_id: String = "workflowId",
        /// This is a workflow that will be used for the call. To use an existing workflow, use `workflowId` instead.
        ///
        /// To start a call with:
        ///
        /// - Assistant, use `assistant` or `assistantId`
        /// - Squad, use `squad` or `squadId`
        /// - Workflow, use `workflow` or `workflowId`
        workflow: Value = "workflow",
        /// These are the overrides for the `workflow` or `workflowId`'s settings and template variables.
        workflow_overrides: Value = "workflowOverrides",
        /// This is the phone number that will be used for the call. To use a transient number, use `phoneNumber` instead.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        phone_number_id: String = "phoneNumberId",
        /// This is the phone number that will be used for the call. To use an existing number, use `phoneNumberId` instead.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        phone_number: PhoneNumber = "phoneNumber",
        /// This is the customer that will be called. To call a transient customer , use `customer` instead.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        customer_id: String = "customerId",
        /// This is the customer that will be called. To call an existing customer, use `customerId` instead.
        ///
        /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
        customer: Customer = "customer",
        /// This is the name of the call. This is just for your own reference.
        name: String = "name",
        /// This is the schedule plan of the call.
        schedule_plan: Value = "schedulePlan",
        /// This is the transport of the call.
        transport: Value = "transport",
        /// This is the message that adds more context to the ended reason. It can be used to provide potential error messages or warnings.
        ///
        /// Only in the 2026-08 spec.
        ended_message: String = "endedMessage",
        /// This is the assistant version to use for this call. Supported only with
        /// direct `assistantId`. Omit to follow the latest version.
        ///
        /// Only in the 2026-08 spec.
        assistant_version: String = "assistantVersion",
        /// This is the compliance of the call. Configure in `assistant.compliancePlan`.
        ///
        /// Only in the 2026-08 spec.
        compliance: Value = "compliance",
        /// This is the campaign ID that the call belongs to.
        ///
        /// Only in the 2026-08 spec.
        campaign_id: String = "campaignId",
        /// These are the overrides for the `squad` or `squadId`'s member settings and template variables.
        /// This will apply to all members of the squad.
        ///
        /// Only in the 2026-08 spec.
        squad_overrides: Value = "squadOverrides",
    }
}

model_struct! {
    /// The customer (the other party) of a call.
    ///
    /// Schema: `CreateCustomerDTO`.
    Customer {
        /// This is the flag to toggle the E164 check for the `number` field. This is an advanced property which should be used if you know your use case requires it.
        ///
        /// Use cases:
        ///
        /// - `false`: To allow non-E164 numbers like `+001234567890`, `1234`, or `abc`. This is useful for dialing out to non-E164 numbers on your SIP trunks.
        /// - `true` (default): To allow only E164 numbers like `+14155551234`. This is standard for PSTN calls.
        ///
        /// If `false`, the `number` is still required to only contain alphanumeric characters (regex: `/^\+?[a-zA-Z0-9]+$/`).
        ///
        /// @default true (E164 check is enabled)
        number_e164_check_enabled: bool = "numberE164CheckEnabled",
        /// This is the extension that will be dialed after the call is answered.
        extension: String = "extension",
        /// These are the overrides for the assistant's settings and template variables specific to this customer.
        /// This allows customization of the assistant's behavior for individual customers in batch calls.
        assistant_overrides: Value = "assistantOverrides",
        /// This is the number of the customer.
        number: String = "number",
        /// This is the SIP URI of the customer.
        sip_uri: String = "sipUri",
        /// This is the name of the customer. This is just for your own reference.
        ///
        /// For SIP inbound calls, this is extracted from the `From` SIP header with format `"Display Name" <sip:username@domain>`.
        name: String = "name",
        /// These are the overrides applied when the call targets a `squadId`. Mirrors
        /// the call-level `squadOverrides` — use this instead of `assistantOverrides`
        /// when the campaign or call is squad-based.
        ///
        /// Only in the 2026-08 spec.
        squad_overrides: Value = "squadOverrides",
        /// This is the email of the customer.
        ///
        /// Only in the 2026-08 spec.
        email: String = "email",
        /// This is the external ID of the customer.
        ///
        /// Only in the 2026-08 spec.
        external_id: String = "externalId",
    }
}

model_struct! {
    /// The post-call analysis: summary, structured data, success evaluation.
    ///
    /// Schema: `Analysis`.
    Analysis {
        /// This is the summary of the call. Customize by setting `assistant.analysisPlan.summaryPrompt`.
        summary: String = "summary",
        /// This is the structured data extracted from the call. Customize by setting `assistant.analysisPlan.structuredDataPrompt` and/or `assistant.analysisPlan.structuredDataSchema`.
        structured_data: Value = "structuredData",
        /// This is the structured data catalog of the call. Customize by setting `assistant.analysisPlan.structuredDataMultiPlan`.
        structured_data_multi: Value = "structuredDataMulti",
        /// This is the evaluation of the call. Customize by setting `assistant.analysisPlan.successEvaluationPrompt` and/or `assistant.analysisPlan.successEvaluationRubric`.
        success_evaluation: String = "successEvaluation",
    }
}

model_struct! {
    /// One entry of `costs`: what one part of the call cost.
    ///
    /// The spec's union of eight cost schemas (transport, transcriber, model,
    /// voice, vapi, voicemail detection, analysis, knowledge base) shares `type`
    /// and `cost`; the rest of each entry is kept in `extra`.
    Cost {
        /// What this cost is for.
        r#type: CostType = "type",
        /// The cost of this part of the call, in USD.
        cost: Number = "cost",
    }
}
