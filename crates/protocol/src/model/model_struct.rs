//! The `model_struct!` macro: the model structs of the message types typed
//! after the first five, and of what they nest, written as a list of typed
//! properties.
//!
//! Every property is optional (a receiver must not reject a delivery that
//! lacks one the spec requires), serialises under its JSON key, and is left
//! out when `None`; every property not listed lands in `extra`. The macro
//! also writes the [`Model`](crate::model::Model) impl, so `FIELDS` cannot
//! drift from the struct.

/// Defines a model struct from `field: Type = "jsonKey"` lines (each typed
/// `Option<Type>`), plus `extra`, deriving serde, `Default` and the
/// [`Model`](crate::model::Model) impl. Structs are `#[non_exhaustive]`:
/// build them with `Default` and assign fields, so that a property Vapi
/// adds later can be typed without breaking callers.
///
/// `message Name { ... }` adds the properties every server message shares
/// after the listed ones: `phoneNumber`, `timestamp`, `artifact`,
/// `assistant`, `customer`, `call`, `chat` and `assistantVersion`.
macro_rules! model_struct {
    (
        $(#[$meta:meta])*
        message $name:ident {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty = $key:tt, )*
        }
    ) => {
        model_struct! {
            $(#[$meta])*
            $name {
                $( $(#[$fmeta])* $field: $ty = $key, )*
                /// This is the phone number that the message is associated with.
                phone_number: $crate::model::PhoneNumber = "phoneNumber",
                /// This is the timestamp of the message.
                timestamp: $crate::Timestamp = "timestamp",
                /// This is a live version of the `call.artifact`.
                ///
                /// This matches what is stored on `call.artifact` after the call.
                artifact: Box<$crate::model::Artifact> = "artifact",
                /// This is the assistant that the message is associated with.
                assistant: Box<$crate::model::Assistant> = "assistant",
                /// This is the customer that the message is associated with.
                customer: $crate::model::Customer = "customer",
                /// This is the call that the message is associated with.
                call: Box<$crate::model::Call> = "call",
                /// This is the chat object.
                chat: serde_json::Value = "chat",
                /// This is the version label (e.g. `v3`) of the assistant the
                /// call was configured with (2026-08).
                assistant_version: String = "assistantVersion",
            }
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty = $key:tt, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $key, default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Every property this model does not type, kept as sent.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::model::Model for $name {
            const FIELDS: &'static [&'static str] = &[$($key),*];

            fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
                &mut self.extra
            }
        }
    };
}
