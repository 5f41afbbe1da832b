//! The `call` object every message carries, and the customer, analysis and
//! cost objects hanging off calls and end-of-call reports.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{
    Artifact, ArtifactMessage, Assistant, CallStatus, CallType, CostType, Destination, EndedReason,
    Model, PhoneCallProvider, PhoneCallTransport, PhoneNumber,
};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// A call, as returned by `POST /call`.
///
/// In messages this is a snapshot taken when the call was created: its `status` can say `queued` on the `ended` update. Call state comes from the messages, never from `call.status`.
///
/// Schema: `Call`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Call {
    /// This is the type of call.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CallType>,
    /// These are the costs of individual components of the call in USD.
    #[serde(rename = "costs", default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<Cost>>,
    /// `messages` (the spec gives no description).
    #[serde(rename = "messages", default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ArtifactMessage>>,
    /// This is the provider of the call.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "phoneCallProvider",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_call_provider: Option<PhoneCallProvider>,
    /// This is the transport of the phone call.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "phoneCallTransport",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_call_transport: Option<PhoneCallTransport>,
    /// This is the status of the call.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// This is the explanation for how the call ended.
    #[serde(
        rename = "endedReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_reason: Option<EndedReason>,
    /// This is the destination where the call ended up being transferred to. If the call was not transferred, this will be empty.
    #[serde(
        rename = "destination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub destination: Option<Destination>,
    /// This is the unique identifier for the call.
    #[serde(rename = "id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// This is the unique identifier for the org that this call belongs to.
    #[serde(rename = "orgId", default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// This is the ISO 8601 date-time string of when the call was created.
    #[serde(rename = "createdAt", default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// This is the ISO 8601 date-time string of when the call was last updated.
    #[serde(rename = "updatedAt", default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// This is the ISO 8601 date-time string of when the call was started.
    #[serde(rename = "startedAt", default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// This is the ISO 8601 date-time string of when the call was ended.
    #[serde(rename = "endedAt", default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// This is the cost of the call in USD.
    #[serde(rename = "cost", default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Number>,
    /// This is the cost of the call in USD.
    #[serde(
        rename = "costBreakdown",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_breakdown: Option<Value>,
    /// This is a copy of assistant artifact plan. This isn't actually stored on the call but rather just returned in POST /call/web to enable artifact creation client side.
    #[serde(
        rename = "artifactPlan",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_plan: Option<Value>,
    /// This is the analysis of the call. Configure in `assistant.analysisPlan`.
    #[serde(rename = "analysis", default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// This is to real-time monitor the call. Configure in `assistant.monitorPlan`.
    #[serde(rename = "monitor", default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<Value>,
    /// These are the artifacts created from the call. Configure in `assistant.artifactPlan`.
    #[serde(rename = "artifact", default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Box<Artifact>>,
    /// The ID of the call as provided by the phone number service. callSid in Twilio. conversationUuid in Vonage. callControlId in Telnyx.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "phoneCallProviderId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_call_provider_id: Option<String>,
    /// This is the assistant ID that will be used for the call. To use a transient assistant, use `assistant` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistantId` or `assistant`
    /// - Squad, use `squadId` or `squad`
    /// - Workflow, use `workflowId` or `workflow`
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the assistant that will be used for the call. To use an existing assistant, use `assistantId` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistant`
    /// - Squad, use `squad`
    /// - Workflow, use `workflow`
    #[serde(rename = "assistant", default, skip_serializing_if = "Option::is_none")]
    pub assistant: Option<Box<Assistant>>,
    /// These are the overrides for the `assistant` or `assistantId`'s settings and template variables.
    #[serde(
        rename = "assistantOverrides",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_overrides: Option<Value>,
    /// This is the squad that will be used for the call. To use a transient squad, use `squad` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistant` or `assistantId`
    /// - Squad, use `squad` or `squadId`
    /// - Workflow, use `workflow` or `workflowId`
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is a squad that will be used for the call. To use an existing squad, use `squadId` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistant` or `assistantId`
    /// - Squad, use `squad` or `squadId`
    /// - Workflow, use `workflow` or `workflowId`
    #[serde(rename = "squad", default, skip_serializing_if = "Option::is_none")]
    pub squad: Option<Value>,
    /// This is the workflow that will be used for the call. To use a transient workflow, use `workflow` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistant` or `assistantId`
    /// - Squad, use `squad` or `squadId`
    /// - Workflow, use `workflow` or `workflowId`
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is a workflow that will be used for the call. To use an existing workflow, use `workflowId` instead.
    ///
    /// To start a call with:
    ///
    /// - Assistant, use `assistant` or `assistantId`
    /// - Squad, use `squad` or `squadId`
    /// - Workflow, use `workflow` or `workflowId`
    #[serde(rename = "workflow", default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Value>,
    /// These are the overrides for the `workflow` or `workflowId`'s settings and template variables.
    #[serde(
        rename = "workflowOverrides",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_overrides: Option<Value>,
    /// This is the phone number that will be used for the call. To use a transient number, use `phoneNumber` instead.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "phoneNumberId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number_id: Option<String>,
    /// This is the phone number that will be used for the call. To use an existing number, use `phoneNumberId` instead.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "phoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// This is the customer that will be called. To call a transient customer , use `customer` instead.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(
        rename = "customerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_id: Option<String>,
    /// This is the customer that will be called. To call an existing customer, use `customerId` instead.
    ///
    /// Only relevant for `outboundPhoneCall` and `inboundPhoneCall` type.
    #[serde(rename = "customer", default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// This is the name of the call. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the schedule plan of the call.
    #[serde(
        rename = "schedulePlan",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schedule_plan: Option<Value>,
    /// This is the transport of the call.
    #[serde(rename = "transport", default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Value>,
    /// This is the message that adds more context to the ended reason. It can be used to provide potential error messages or warnings.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "endedMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_message: Option<String>,
    /// This is the assistant version to use for this call. Supported only with
    /// direct `assistantId`. Omit to follow the latest version.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "assistantVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_version: Option<String>,
    /// This is the compliance of the call. Configure in `assistant.compliancePlan`.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "compliance",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub compliance: Option<Value>,
    /// This is the campaign ID that the call belongs to.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "campaignId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub campaign_id: Option<String>,
    /// These are the overrides for the `squad` or `squadId`'s member settings and template variables.
    /// This will apply to all members of the squad.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "squadOverrides",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub squad_overrides: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Call {
    const FIELDS: &'static [&'static str] = &[
        "type",
        "costs",
        "messages",
        "phoneCallProvider",
        "phoneCallTransport",
        "status",
        "endedReason",
        "destination",
        "id",
        "orgId",
        "createdAt",
        "updatedAt",
        "startedAt",
        "endedAt",
        "cost",
        "costBreakdown",
        "artifactPlan",
        "analysis",
        "monitor",
        "artifact",
        "phoneCallProviderId",
        "assistantId",
        "assistant",
        "assistantOverrides",
        "squadId",
        "squad",
        "workflowId",
        "workflow",
        "workflowOverrides",
        "phoneNumberId",
        "phoneNumber",
        "customerId",
        "customer",
        "name",
        "schedulePlan",
        "transport",
        "endedMessage",
        "assistantVersion",
        "compliance",
        "campaignId",
        "squadOverrides",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The customer (the other party) of a call.
///
/// Schema: `CreateCustomerDTO`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer {
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
    #[serde(
        rename = "numberE164CheckEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub number_e164_check_enabled: Option<bool>,
    /// This is the extension that will be dialed after the call is answered.
    #[serde(rename = "extension", default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// These are the overrides for the assistant's settings and template variables specific to this customer.
    /// This allows customization of the assistant's behavior for individual customers in batch calls.
    #[serde(
        rename = "assistantOverrides",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_overrides: Option<Value>,
    /// This is the number of the customer.
    #[serde(rename = "number", default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// This is the SIP URI of the customer.
    #[serde(rename = "sipUri", default, skip_serializing_if = "Option::is_none")]
    pub sip_uri: Option<String>,
    /// This is the name of the customer. This is just for your own reference.
    ///
    /// For SIP inbound calls, this is extracted from the `From` SIP header with format `"Display Name" <sip:username@domain>`.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// These are the overrides applied when the call targets a `squadId`. Mirrors
    /// the call-level `squadOverrides` — use this instead of `assistantOverrides`
    /// when the campaign or call is squad-based.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "squadOverrides",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub squad_overrides: Option<Value>,
    /// This is the email of the customer.
    ///
    /// Only in the 2026-08 spec.
    #[serde(rename = "email", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// This is the external ID of the customer.
    ///
    /// Only in the 2026-08 spec.
    #[serde(
        rename = "externalId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub external_id: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Customer {
    const FIELDS: &'static [&'static str] = &[
        "numberE164CheckEnabled",
        "extension",
        "assistantOverrides",
        "number",
        "sipUri",
        "name",
        "squadOverrides",
        "email",
        "externalId",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// The post-call analysis: summary, structured data, success evaluation.
///
/// Schema: `Analysis`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Analysis {
    /// This is the summary of the call. Customize by setting `assistant.analysisPlan.summaryPrompt`.
    #[serde(rename = "summary", default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// This is the structured data extracted from the call. Customize by setting `assistant.analysisPlan.structuredDataPrompt` and/or `assistant.analysisPlan.structuredDataSchema`.
    #[serde(
        rename = "structuredData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub structured_data: Option<Value>,
    /// This is the structured data catalog of the call. Customize by setting `assistant.analysisPlan.structuredDataMultiPlan`.
    #[serde(
        rename = "structuredDataMulti",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub structured_data_multi: Option<Value>,
    /// This is the evaluation of the call. Customize by setting `assistant.analysisPlan.successEvaluationPrompt` and/or `assistant.analysisPlan.successEvaluationRubric`.
    #[serde(
        rename = "successEvaluation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub success_evaluation: Option<String>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Analysis {
    const FIELDS: &'static [&'static str] = &[
        "summary",
        "structuredData",
        "structuredDataMulti",
        "successEvaluation",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// One entry of `costs`: what one part of the call cost.
///
/// The spec's union of eight cost schemas (transport, transcriber, model,
/// voice, vapi, voicemail detection, analysis, knowledge base) shares `type`
/// and `cost`; the rest of each entry is kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cost {
    /// What this cost is for.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CostType>,
    /// The cost of this part of the call, in USD.
    #[serde(rename = "cost", default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Number>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for Cost {
    const FIELDS: &'static [&'static str] = &["type", "cost"];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}
