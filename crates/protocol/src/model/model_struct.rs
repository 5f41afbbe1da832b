//! The `model_struct!` macro: every model struct, written as a list of
//! typed properties.
//!
//! Every property is optional (a receiver must not reject a delivery that
//! lacks one the spec requires), serialises under its JSON key, and is left
//! out when `None`; every property not listed lands in `extra`. The macro
//! also writes the [`Model`](crate::model::Model) impl, so `FIELDS` cannot
//! drift from the struct, and the serde impls: one pass from the
//! deserializer into the fields (no `#[serde(flatten)]`, which buffers the
//! whole object first), recording the key order when asked (see
//! `model::codec`).

/// Defines a model struct from `field: Type = "jsonKey"` lines (each typed
/// `Option<Type>`), plus `extra`, with `Default`, the serde impls and the
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
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: Option<$ty>,
            )*
            /// Every property this model does not type, kept as sent.
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

        // The reader and writer keep a bit per field in a `u128`.
        const _: () = assert!(<$name as $crate::model::Model>::FIELDS.len() <= 128);

        impl $crate::model::codec::WriteObject for $name {
            const FIELDS: &'static [&'static str] = &[$($key),*];

            fn kind() -> std::any::TypeId {
                std::any::TypeId::of::<Self>()
            }

            fn write_field<M: serde::ser::SerializeMap>(
                &self,
                i: usize,
                map: &mut M,
                lay: $crate::model::codec::Lay<'_>,
            ) -> Result<bool, M::Error> {
                #[allow(non_camel_case_types)]
                enum F { $($field),* }
                const ALL: &[F] = &[$(F::$field),*];
                match ALL.get(i) {
                    $( Some(F::$field) => match &self.$field {
                        Some(value) => {
                            map.serialize_entry($key, &$crate::model::codec::Laid::new(value, lay))?;
                            Ok(true)
                        }
                        None => Ok(false),
                    }, )*
                    None => Ok(false),
                }
            }

            fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
                &self.extra
            }
        }

        impl $crate::model::codec::ReadObject for $name {
            fn index(key: &str) -> Option<usize> {
                #[allow(non_camel_case_types)]
                enum F { $($field),* }
                match key {
                    $( $key => Some(F::$field as usize), )*
                    _ => None,
                }
            }

            fn read_field<'de, N: $crate::model::codec::Next<'de>, R: $crate::model::codec::Recorder>(
                &mut self,
                i: usize,
                next: N,
                rec: &mut R,
            ) -> Result<bool, N::Error> {
                #[allow(non_camel_case_types)]
                enum F { $($field),* }
                const ALL: &[F] = &[$(F::$field),*];
                let slot = $crate::model::codec::Slot::field(i);
                match ALL.get(i) {
                    $( Some(F::$field) => {
                        self.$field = next.value::<Option<$ty>, R>(rec, slot)?;
                        Ok(self.$field.is_some())
                    } )*
                    None => Ok(false),
                }
            }

            fn extra_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
                &mut self.extra
            }
        }

        impl $crate::model::codec::Field for $name {
            fn read<'de, D: serde::Deserializer<'de>, R: $crate::model::codec::Recorder>(
                de: D,
                rec: &mut R,
                slot: $crate::model::codec::Slot,
            ) -> Result<Self, D::Error> {
                $crate::model::codec::read_struct(de, rec, slot)
            }

            fn write<S: serde::Serializer>(
                &self,
                ser: S,
                lay: $crate::model::codec::Lay<'_>,
            ) -> Result<S::Ok, S::Error> {
                $crate::model::codec::write_object(self, ser, None, lay)
            }
        }

        serde_via_field!($name);
    };
}
