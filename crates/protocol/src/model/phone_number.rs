//! The phone number a message is associated with: a union of five DTOs told
//! apart by `provider`, plus a variant keeping any other provider raw.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{Destination, PhoneNumberProvider};
use serde_json::Value;

model_struct! {
    /// A bring-your-own phone number (`provider: byo-phone-number`).
    ///
    /// Schema: `CreateByoPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
    ByoPhoneNumber {
        /// This is the fallback destination an inbound call will be transferred to if:
        ///
        /// 1. `assistantId` is not set
        /// 2. `squadId` is not set
        /// 3. and, `assistant-request` message to the `serverUrl` fails
        ///
        /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
        fallback_destination: Destination = "fallbackDestination",
        /// This is the hooks that will be used for incoming calls to this phone number.
        hooks: Value = "hooks",
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
        /// This is the number of the customer.
        number: String = "number",
        /// This is the credential of your own SIP trunk or Carrier (type `byo-sip-trunk`) which can be used to make calls to this phone number.
        ///
        /// You can add the SIP trunk or Carrier credential in the Provider Credentials page on the Dashboard to get the credentialId.
        credential_id: String = "credentialId",
        /// This is the name of the phone number. This is just for your own reference.
        name: String = "name",
        /// This is the assistant that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        assistant_id: String = "assistantId",
        /// This is the workflow that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        workflow_id: String = "workflowId",
        /// This is the squad that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        squad_id: String = "squadId",
        /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
        ///
        /// The order of precedence is:
        ///
        /// 1. assistant.server
        /// 2. phoneNumber.server
        /// 3. org.server
        server: Value = "server",
    }
}

model_struct! {
    /// A Twilio phone number (`provider: twilio`).
    ///
    /// Schema: `CreateTwilioPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
    TwilioPhoneNumber {
        /// This is the fallback destination an inbound call will be transferred to if:
        ///
        /// 1. `assistantId` is not set
        /// 2. `squadId` is not set
        /// 3. and, `assistant-request` message to the `serverUrl` fails
        ///
        /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
        fallback_destination: Destination = "fallbackDestination",
        /// This is the hooks that will be used for incoming calls to this phone number.
        hooks: Value = "hooks",
        /// Controls whether Vapi sets the messaging webhook URL on the Twilio number during import.
        ///
        /// If set to `false`, Vapi will not update the Twilio messaging URL, leaving it as is.
        /// If `true` or omitted (default), Vapi will configure both the voice and messaging URLs.
        ///
        /// @default true
        sms_enabled: bool = "smsEnabled",
        /// These are the digits of the phone number you own on your Twilio.
        number: String = "number",
        /// This is the Twilio Account SID for the phone number.
        twilio_account_sid: String = "twilioAccountSid",
        /// This is the Twilio Auth Token for the phone number.
        twilio_auth_token: String = "twilioAuthToken",
        /// This is the Twilio API Key for the phone number.
        twilio_api_key: String = "twilioApiKey",
        /// This is the Twilio API Secret for the phone number.
        twilio_api_secret: String = "twilioApiSecret",
        /// This is the name of the phone number. This is just for your own reference.
        name: String = "name",
        /// This is the assistant that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        assistant_id: String = "assistantId",
        /// This is the workflow that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        workflow_id: String = "workflowId",
        /// This is the squad that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        squad_id: String = "squadId",
        /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
        ///
        /// The order of precedence is:
        ///
        /// 1. assistant.server
        /// 2. phoneNumber.server
        /// 3. org.server
        server: Value = "server",
    }
}

model_struct! {
    /// A Vonage phone number (`provider: vonage`).
    ///
    /// Schema: `CreateVonagePhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
    VonagePhoneNumber {
        /// This is the fallback destination an inbound call will be transferred to if:
        ///
        /// 1. `assistantId` is not set
        /// 2. `squadId` is not set
        /// 3. and, `assistant-request` message to the `serverUrl` fails
        ///
        /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
        fallback_destination: Destination = "fallbackDestination",
        /// This is the hooks that will be used for incoming calls to this phone number.
        hooks: Value = "hooks",
        /// These are the digits of the phone number you own on your Vonage.
        number: String = "number",
        /// This is the credential you added in dashboard.vapi.ai/keys. This is used to configure the number to send inbound calls to Vapi, make outbound calls and do live call updates like transfers and hangups.
        credential_id: String = "credentialId",
        /// This is the name of the phone number. This is just for your own reference.
        name: String = "name",
        /// This is the assistant that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        assistant_id: String = "assistantId",
        /// This is the workflow that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        workflow_id: String = "workflowId",
        /// This is the squad that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        squad_id: String = "squadId",
        /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
        ///
        /// The order of precedence is:
        ///
        /// 1. assistant.server
        /// 2. phoneNumber.server
        /// 3. org.server
        server: Value = "server",
    }
}

model_struct! {
    /// A free Vapi phone number (`provider: vapi`).
    ///
    /// Schema: `CreateVapiPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
    VapiPhoneNumber {
        /// This is the fallback destination an inbound call will be transferred to if:
        ///
        /// 1. `assistantId` is not set
        /// 2. `squadId` is not set
        /// 3. and, `assistant-request` message to the `serverUrl` fails
        ///
        /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
        fallback_destination: Destination = "fallbackDestination",
        /// This is the hooks that will be used for incoming calls to this phone number.
        hooks: Value = "hooks",
        /// This is the area code of the phone number to purchase.
        number_desired_area_code: String = "numberDesiredAreaCode",
        /// This is the SIP URI of the phone number. You can SIP INVITE this. The assistant attached to this number will answer.
        ///
        /// This is case-insensitive.
        sip_uri: String = "sipUri",
        /// This enables authentication for incoming SIP INVITE requests to the `sipUri`.
        ///
        /// If not set, any username/password to the 401 challenge of the SIP INVITE will be accepted.
        authentication: Value = "authentication",
        /// This is the name of the phone number. This is just for your own reference.
        name: String = "name",
        /// This is the assistant that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        assistant_id: String = "assistantId",
        /// This is the workflow that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        workflow_id: String = "workflowId",
        /// This is the squad that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        squad_id: String = "squadId",
        /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
        ///
        /// The order of precedence is:
        ///
        /// 1. assistant.server
        /// 2. phoneNumber.server
        /// 3. org.server
        server: Value = "server",
    }
}

model_struct! {
    /// A Telnyx phone number (`provider: telnyx`).
    ///
    /// Schema: `CreateTelnyxPhoneNumberDTO` (the `provider` tag is implied by the enum variant holding it).
    TelnyxPhoneNumber {
        /// This is the fallback destination an inbound call will be transferred to if:
        ///
        /// 1. `assistantId` is not set
        /// 2. `squadId` is not set
        /// 3. and, `assistant-request` message to the `serverUrl` fails
        ///
        /// If this is not set and above conditions are met, the inbound call is hung up with an error message.
        fallback_destination: Destination = "fallbackDestination",
        /// This is the hooks that will be used for incoming calls to this phone number.
        hooks: Value = "hooks",
        /// These are the digits of the phone number you own on your Telnyx.
        number: String = "number",
        /// This is the credential you added in dashboard.vapi.ai/keys. This is used to configure the number to send inbound calls to Vapi, make outbound calls and do live call updates like transfers and hangups.
        credential_id: String = "credentialId",
        /// This is the name of the phone number. This is just for your own reference.
        name: String = "name",
        /// This is the assistant that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId` nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        assistant_id: String = "assistantId",
        /// This is the workflow that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        workflow_id: String = "workflowId",
        /// This is the squad that will be used for incoming calls to this phone number.
        ///
        /// If neither `assistantId`, `squadId`, nor `workflowId` is set, `assistant-request` will be sent to your Server URL. Check `ServerMessage` and `ServerMessageResponse` for the shape of the message and response that is expected.
        squad_id: String = "squadId",
        /// This is where Vapi will send webhooks. You can find all webhooks available along with their shape in ServerMessage schema.
        ///
        /// The order of precedence is:
        ///
        /// 1. assistant.server
        /// 2. phoneNumber.server
        /// 3. org.server
        server: Value = "server",
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
