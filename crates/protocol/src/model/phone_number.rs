//! The phone number a message is associated with: a union of five DTOs told
//! apart by `provider`, plus a variant keeping any other provider raw.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script; doc comments
// are the schemas' descriptions. Hand-written code follows the structs. Keep
// `tests/models.rs` (spec coverage) green when editing by hand.

use super::{Destination, Model, PhoneNumberProvider};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A bring-your-own phone number (`provider: byo-phone-number`).
///
/// Schema: `CreateByoPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ByoPhoneNumber {
    /// This is the fallback destination an inbound call will be transferred to if:
    ///
    /// 1. `assistantId` is not set
    /// 2. `squadId` is not set
    /// 3. and, `assistant-request` message to the `serverUrl` fails
    ///
    /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
    #[serde(
        rename = "fallbackDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_destination: Option<Destination>,
    /// This is the hooks that will be used for incoming calls to this phone number.
    #[serde(rename = "hooks", default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Value>,
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
    /// This is the number of the customer.
    #[serde(rename = "number", default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// This is the credential of your own SIP trunk or Carrier (type `byo-sip-trunk`) which can be used to make calls to this phone number.
    ///
    /// You can add the SIP trunk or Carrier credential in the Provider Credentials page on the Dashboard to get the credentialId.
    #[serde(
        rename = "credentialId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
    /// This is the name of the phone number. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the assistant that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the workflow that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is the squad that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
    ///
    /// The order of precedence is:
    ///
    /// 1. assistant.server
    /// 2. phoneNumber.server
    /// 3. org.server
    #[serde(rename = "server", default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for ByoPhoneNumber {
    const FIELDS: &'static [&'static str] = &[
        "fallbackDestination",
        "hooks",
        "numberE164CheckEnabled",
        "number",
        "credentialId",
        "name",
        "assistantId",
        "workflowId",
        "squadId",
        "server",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// A Twilio phone number (`provider: twilio`).
///
/// Schema: `CreateTwilioPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TwilioPhoneNumber {
    /// This is the fallback destination an inbound call will be transferred to if:
    ///
    /// 1. `assistantId` is not set
    /// 2. `squadId` is not set
    /// 3. and, `assistant-request` message to the `serverUrl` fails
    ///
    /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
    #[serde(
        rename = "fallbackDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_destination: Option<Destination>,
    /// This is the hooks that will be used for incoming calls to this phone number.
    #[serde(rename = "hooks", default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Value>,
    /// Controls whether Vapi sets the messaging webhook URL on the Twilio number during import.
    ///
    /// If set to `false`, Vapi will not update the Twilio messaging URL, leaving it as is.
    /// If `true` or omitted (default), Vapi will configure both the voice and messaging URLs.
    ///
    /// @default true
    #[serde(
        rename = "smsEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sms_enabled: Option<bool>,
    /// These are the digits of the phone number you own on your Twilio.
    #[serde(rename = "number", default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// This is the Twilio Account SID for the phone number.
    #[serde(
        rename = "twilioAccountSid",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub twilio_account_sid: Option<String>,
    /// This is the Twilio Auth Token for the phone number.
    #[serde(
        rename = "twilioAuthToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub twilio_auth_token: Option<String>,
    /// This is the Twilio API Key for the phone number.
    #[serde(
        rename = "twilioApiKey",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub twilio_api_key: Option<String>,
    /// This is the Twilio API Secret for the phone number.
    #[serde(
        rename = "twilioApiSecret",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub twilio_api_secret: Option<String>,
    /// This is the name of the phone number. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the assistant that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the workflow that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is the squad that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
    ///
    /// The order of precedence is:
    ///
    /// 1. assistant.server
    /// 2. phoneNumber.server
    /// 3. org.server
    #[serde(rename = "server", default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for TwilioPhoneNumber {
    const FIELDS: &'static [&'static str] = &[
        "fallbackDestination",
        "hooks",
        "smsEnabled",
        "number",
        "twilioAccountSid",
        "twilioAuthToken",
        "twilioApiKey",
        "twilioApiSecret",
        "name",
        "assistantId",
        "workflowId",
        "squadId",
        "server",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// A Vonage phone number (`provider: vonage`).
///
/// Schema: `CreateVonagePhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VonagePhoneNumber {
    /// This is the fallback destination an inbound call will be transferred to if:
    ///
    /// 1. `assistantId` is not set
    /// 2. `squadId` is not set
    /// 3. and, `assistant-request` message to the `serverUrl` fails
    ///
    /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
    #[serde(
        rename = "fallbackDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_destination: Option<Destination>,
    /// This is the hooks that will be used for incoming calls to this phone number.
    #[serde(rename = "hooks", default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Value>,
    /// These are the digits of the phone number you own on your Vonage.
    #[serde(rename = "number", default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// This is the credential you added in dashboard.vapi.ai/keys. This is used to configure the number to send inbound calls to Vapi, make outbound calls and do live call updates like transfers and hangups.
    #[serde(
        rename = "credentialId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
    /// This is the name of the phone number. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the assistant that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the workflow that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is the squad that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
    ///
    /// The order of precedence is:
    ///
    /// 1. assistant.server
    /// 2. phoneNumber.server
    /// 3. org.server
    #[serde(rename = "server", default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for VonagePhoneNumber {
    const FIELDS: &'static [&'static str] = &[
        "fallbackDestination",
        "hooks",
        "number",
        "credentialId",
        "name",
        "assistantId",
        "workflowId",
        "squadId",
        "server",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// A free Vapi phone number (`provider: vapi`).
///
/// Schema: `CreateVapiPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VapiPhoneNumber {
    /// This is the fallback destination an inbound call will be transferred to if:
    ///
    /// 1. `assistantId` is not set
    /// 2. `squadId` is not set
    /// 3. and, `assistant-request` message to the `serverUrl` fails
    ///
    /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
    #[serde(
        rename = "fallbackDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_destination: Option<Destination>,
    /// This is the hooks that will be used for incoming calls to this phone number.
    #[serde(rename = "hooks", default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Value>,
    /// This is the area code of the phone number to purchase.
    #[serde(
        rename = "numberDesiredAreaCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub number_desired_area_code: Option<String>,
    /// This is the SIP URI of the phone number. You can SIP INVITE this. The assistant attached to this number will answer.
    ///
    /// This is case-insensitive.
    #[serde(rename = "sipUri", default, skip_serializing_if = "Option::is_none")]
    pub sip_uri: Option<String>,
    /// This enables authentication for incoming SIP INVITE requests to the `sipUri`.
    ///
    /// If not set, any username/password to the 401 challenge of the SIP INVITE will be accepted.
    #[serde(
        rename = "authentication",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication: Option<Value>,
    /// This is the name of the phone number. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the assistant that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the workflow that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is the squad that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
    ///
    /// The order of precedence is:
    ///
    /// 1. assistant.server
    /// 2. phoneNumber.server
    /// 3. org.server
    #[serde(rename = "server", default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for VapiPhoneNumber {
    const FIELDS: &'static [&'static str] = &[
        "fallbackDestination",
        "hooks",
        "numberDesiredAreaCode",
        "sipUri",
        "authentication",
        "name",
        "assistantId",
        "workflowId",
        "squadId",
        "server",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

/// A Telnyx phone number (`provider: telnyx`).
///
/// Schema: `CreateTelnyxPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TelnyxPhoneNumber {
    /// This is the fallback destination an inbound call will be transferred to if:
    ///
    /// 1. `assistantId` is not set
    /// 2. `squadId` is not set
    /// 3. and, `assistant-request` message to the `serverUrl` fails
    ///
    /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
    #[serde(
        rename = "fallbackDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_destination: Option<Destination>,
    /// This is the hooks that will be used for incoming calls to this phone number.
    #[serde(rename = "hooks", default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Value>,
    /// These are the digits of the phone number you own on your Telnyx.
    #[serde(rename = "number", default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// This is the credential you added in dashboard.vapi.ai/keys. This is used to configure the number to send inbound calls to Vapi, make outbound calls and do live call updates like transfers and hangups.
    #[serde(
        rename = "credentialId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
    /// This is the name of the phone number. This is just for your own reference.
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This is the assistant that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "assistantId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<String>,
    /// This is the workflow that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(
        rename = "workflowId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_id: Option<String>,
    /// This is the squad that will be used for incoming calls to this phone number.
    ///
    /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
    #[serde(rename = "squadId", default, skip_serializing_if = "Option::is_none")]
    pub squad_id: Option<String>,
    /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
    ///
    /// The order of precedence is:
    ///
    /// 1. assistant.server
    /// 2. phoneNumber.server
    /// 3. org.server
    #[serde(rename = "server", default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
    /// Every property this model does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model for TelnyxPhoneNumber {
    const FIELDS: &'static [&'static str] = &[
        "fallbackDestination",
        "hooks",
        "number",
        "credentialId",
        "name",
        "assistantId",
        "workflowId",
        "squadId",
        "server",
    ];

    fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

tagged_union! {
    /// The phone number a message is associated with: one of five DTOs told
    /// apart by `provider`, or any other object kept as sent.
    PhoneNumber, tag = "provider", kind = PhoneNumberProvider {
        /// `provider: byo-phone-number`
        Byo(ByoPhoneNumber) = ByoPhoneNumber,
        /// `provider: twilio`
        Twilio(TwilioPhoneNumber) = Twilio,
        /// `provider: vonage`
        Vonage(VonagePhoneNumber) = Vonage,
        /// `provider: vapi`
        Vapi(VapiPhoneNumber) = Vapi,
        /// `provider: telnyx`
        Telnyx(TelnyxPhoneNumber) = Telnyx,
    }
}
