//! Transfer destinations: a union of assistant, number and SIP destinations
//! told apart by `type`, plus a variant keeping any other type raw.

// Struct definitions in this file were generated once from the specs'
// schemas (both trimmed specs under `crates/protocol/schemas/`, plus the full
// specs for nested schemas they lack) by a one-off Python script, and are
// now `model_struct!` lists; doc comments are the schemas' descriptions.
// Hand-written code follows the structs. Keep `tests/models.rs` (spec
// coverage) green when editing by hand.

use super::{DestinationType, TransferMode};
use serde_json::Value;

model_struct! {
    /// A transfer to another assistant (`type: assistant`).
    ///
    /// Schema: `TransferDestinationAssistant` (the `type` tag is implied by the enum variant holding it).
    AssistantDestination {
        /// This is spoken to the customer before connecting them to the destination.
        ///
        /// Usage:
        ///
        /// - If this is not provided and transfer tool messages is not provided, default is "Transferring the call now".
        /// - If set to "", nothing is spoken. This is useful when you want to silently transfer. This is especially useful when transferring between assistants in a squad. In this scenario, you likely also want to set `assistant.firstMessageMode=assistant-speaks-first-with-model-generated-message` for the destination assistant.
        ///
        /// This accepts a string or a ToolMessageStart class. Latter is useful if you want to specify multiple messages for different languages through the `contents` field.
        message: Value = "message",
        /// This is the mode to use for the transfer. Defaults to `rolling-history`.
        ///
        /// - `rolling-history`: This is the default mode. It keeps the entire conversation history and appends the new assistant's system message on transfer.
        ///
        /// Example:
        ///
        /// Pre-transfer:
        /// system: assistant1 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        ///
        /// Post-transfer:
        /// system: assistant1 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        /// system: assistant2 system message
        /// assistant: assistant2 first message (or model generated if firstMessageMode is set to `assistant-speaks-first-with-model-generated-message`)
        ///
        /// - `swap-system-message-in-history`: This replaces the original system message with the new assistant's system message on transfer.
        ///
        /// Example:
        ///
        /// Pre-transfer:
        /// system: assistant1 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        ///
        /// Post-transfer:
        /// system: assistant2 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        /// assistant: assistant2 first message (or model generated if firstMessageMode is set to `assistant-speaks-first-with-model-generated-message`)
        ///
        /// - `delete-history`: This deletes the entire conversation history on transfer.
        ///
        /// Example:
        ///
        /// Pre-transfer:
        /// system: assistant1 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        ///
        /// Post-transfer:
        /// system: assistant2 system message
        /// assistant: assistant2 first message
        /// user: Yes, please
        /// assistant: how can i help?
        /// user: i need help with my account
        ///
        /// - `swap-system-message-in-history-and-remove-transfer-tool-messages`: This replaces the original system message with the new assistant's system message on transfer and removes transfer tool messages from conversation history sent to the LLM.
        ///
        /// Example:
        ///
        /// Pre-transfer:
        /// system: assistant1 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// transfer-tool
        /// transfer-tool-result
        /// assistant: (destination.message)
        ///
        /// Post-transfer:
        /// system: assistant2 system message
        /// assistant: assistant1 first message
        /// user: hey, good morning
        /// assistant: how can i help?
        /// user: i need help with my account
        /// assistant: (destination.message)
        /// assistant: assistant2 first message (or model generated if firstMessageMode is set to `assistant-speaks-first-with-model-generated-message`)
        ///
        /// @default 'rolling-history'
        transfer_mode: TransferMode = "transferMode",
        /// This is the assistant to transfer the call to.
        assistant_name: String = "assistantName",
        /// This is the description of the destination, used by the AI to choose when and how to transfer the call.
        description: String = "description",
    }
}

model_struct! {
    /// A transfer to a phone number (`type: number`).
    ///
    /// Schema: `TransferDestinationNumber` (the `type` tag is implied by the enum variant holding it).
    NumberDestination {
        /// This is spoken to the customer before connecting them to the destination.
        ///
        /// Usage:
        ///
        /// - If this is not provided and transfer tool messages is not provided, default is "Transferring the call now".
        /// - If set to "", nothing is spoken. This is useful when you want to silently transfer. This is especially useful when transferring between assistants in a squad. In this scenario, you likely also want to set `assistant.firstMessageMode=assistant-speaks-first-with-model-generated-message` for the destination assistant.
        ///
        /// This accepts a string or a ToolMessageStart class. Latter is useful if you want to specify multiple messages for different languages through the `contents` field.
        message: Value = "message",
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
        /// This is the phone number to transfer the call to.
        number: String = "number",
        /// This is the extension to dial after transferring the call to the `number`.
        extension: String = "extension",
        /// This is the caller ID to use when transferring the call to the `number`.
        ///
        /// Usage:
        ///
        /// - If not provided, the caller ID will be the number the call is coming **from**.
        ///
        /// Example: a customer with number +14151111111 calls in to and the assistant transfers out to +16470000000. +16470000000 will see +14151111111 as the caller.
        /// For inbound calls, the caller ID is the customer's number. For outbound calls, the caller ID is the phone number of the assistant.
        ///
        /// - To change this behavior, provide a `callerId`.
        /// - Set to '{{customer.number}}' to always use the customer's number as the caller ID.
        /// - Set to '{{phoneNumber.number}}' to always use the phone number of the assistant as the caller ID.
        /// - Set to any E164 number to always use that number as the caller ID. This needs to be a number that is owned or verified by your Transport provider like Twilio.
        ///
        /// For Twilio, you can read up more here: <https://www.twilio.com/docs/voice/twiml/dial#callerid>
        caller_id: String = "callerId",
        /// This configures how transfer is executed and the experience of the destination party receiving the call. Defaults to `blind-transfer`.
        ///
        /// @default `transferPlan.mode='blind-transfer'`
        transfer_plan: Value = "transferPlan",
        /// This is the description of the destination, used by the AI to choose when and how to transfer the call.
        description: String = "description",
    }
}

model_struct! {
    /// A transfer to a SIP URI (`type: sip`).
    ///
    /// Schema: `TransferDestinationSip` (the `type` tag is implied by the enum variant holding it).
    SipDestination {
        /// This is spoken to the customer before connecting them to the destination.
        ///
        /// Usage:
        ///
        /// - If this is not provided and transfer tool messages is not provided, default is "Transferring the call now".
        /// - If set to "", nothing is spoken. This is useful when you want to silently transfer. This is especially useful when transferring between assistants in a squad. In this scenario, you likely also want to set `assistant.firstMessageMode=assistant-speaks-first-with-model-generated-message` for the destination assistant.
        ///
        /// This accepts a string or a ToolMessageStart class. Latter is useful if you want to specify multiple messages for different languages through the `contents` field.
        message: Value = "message",
        /// This is the SIP URI to transfer the call to.
        sip_uri: String = "sipUri",
        /// This configures how transfer is executed and the experience of the destination party receiving the call. Defaults to `blind-transfer`.
        ///
        /// @default `transferPlan.mode='blind-transfer'`
        transfer_plan: Value = "transferPlan",
        /// These are custom headers to be added to SIP refer during transfer call.
        sip_headers: Value = "sipHeaders",
        /// This is the description of the destination, used by the AI to choose when and how to transfer the call.
        description: String = "description",
        /// This is the caller ID to use when transferring the call to the `sipUri`.
        ///
        /// Usage:
        ///
        /// - If not provided, the caller ID will be determined by the SIP infrastructure.
        /// - Set to '{{customer.number}}' to always use the customer's number as the caller ID.
        /// - Set to '{{phoneNumber.number}}' to always use the phone number of the assistant as the caller ID.
        /// - Set to any E164 number to always use that number as the caller ID.
        ///
        /// Only applicable when `transferPlan.sipVerb='dial'`. Not applicable for SIP REFER.
        ///
        /// Only in the 2026-08 spec.
        caller_id: String = "callerId",
    }
}

tagged_union! {
    /// Where a call is transferred to: an assistant, a number or a SIP URI,
    /// told apart by `type`, or any other object kept as sent.
    Destination, tag = "type", kind = DestinationType {
        /// `type: assistant`
        Assistant(AssistantDestination) = Assistant,
        /// `type: number`
        Number(NumberDestination) = Number,
        /// `type: sip`
        Sip(SipDestination) = Sip,
    }
}
