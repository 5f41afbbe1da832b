//! The message types about objects around a call rather than the
//! conversation: chats and sessions created or deleted, calls deleted,
//! artifacts uploaded to your storage, and campaign contacts about to be
//! dialed.

use serde_json::{Number, Value};

use super::{Artifact, ArtifactUploadType, Assistant, Customer, SessionStatus};
use crate::Timestamp;

model_struct! {
    /// A `chat.created` message: a chat was created (2026-08); it is in
    /// `chat`.
    ///
    /// Schema: `ServerMessageChatCreated`.
    message ChatCreated {}
}

model_struct! {
    /// A `chat.deleted` message: a chat was deleted (2026-08); it is in
    /// `chat`.
    ///
    /// Schema: `ServerMessageChatDeleted`.
    message ChatDeleted {}
}

model_struct! {
    /// A `session.created` message: a session was created (2026-08).
    ///
    /// Schema: `ServerMessageSessionCreated`.
    message SessionCreated {
        /// This is the session that was created.
        session: Box<Session> = "session",
    }
}

model_struct! {
    /// A `session.updated` message: a session was updated (2026-08).
    ///
    /// Schema: `ServerMessageSessionUpdated`.
    message SessionUpdated {
        /// This is the session that was updated.
        session: Box<Session> = "session",
    }
}

model_struct! {
    /// A `session.deleted` message: a session was deleted (2026-08).
    ///
    /// Schema: `ServerMessageSessionDeleted`.
    message SessionDeleted {
        /// This is the session that was deleted.
        session: Box<Session> = "session",
    }
}

model_struct! {
    /// A `call.deleted` message: a call was deleted (2026-08); it is in
    /// `call`.
    ///
    /// Schema: `ServerMessageCallDeleted`.
    message CallDeleted {}
}

model_struct! {
    /// A `call.delete.failed` message: deleting a call failed (2026-08).
    ///
    /// Schema: `ServerMessageCallDeleteFailed`.
    message CallDeleteFailed {}
}

model_struct! {
    /// A `call.artifact.upload` message: after a call, whether each artifact
    /// bound for your own storage was stored there (2026-08).
    ///
    /// Schema: `ServerMessageCallArtifactUpload`.
    message CallArtifactUpload {
        /// One entry per artifact whose write targeted your own configured
        /// storage.
        artifacts: Vec<CallArtifactUploadItem> = "artifacts",
    }
}

model_struct! {
    /// Whether one artifact reached your storage.
    ///
    /// Schema: `CallArtifactUploadItem`.
    CallArtifactUploadItem {
        /// The artifact this result refers to.
        r#type: ArtifactUploadType = "type",
        /// Whether this artifact was stored successfully in your own
        /// configured storage.
        success: bool = "success",
    }
}

model_struct! {
    /// A `campaign.predial` message: a campaign is about to dial a contact
    /// and asks whether it may (2026-08).
    ///
    /// Schema: `ServerMessageCampaignPredial`.
    message CampaignPredial {
        /// This is the ID of the campaign the contact belongs to.
        campaign_id: String = "campaignId",
        /// This is the contact that is about to be dialed.
        contact: CampaignContact = "contact",
    }
}

model_struct! {
    /// A contact of a campaign.
    ///
    /// Schema: `CampaignContact`.
    CampaignContact {
        /// The contact's id.
        id: String = "id",
        /// The campaign's id.
        campaign_id: String = "campaignId",
        /// The organisation's id.
        org_id: String = "orgId",
        /// The customer's id, if the contact is one.
        customer_id: String = "customerId",
        /// The number to dial.
        number: String = "number",
        /// The contact's name.
        name: String = "name",
        /// Overrides of the assistant's settings for this contact, as sent.
        assistant_overrides: Value = "assistantOverrides",
        /// Overrides of the squad members' settings for this contact, as sent.
        squad_overrides: Value = "squadOverrides",
        /// When the contact was created.
        created_at: Timestamp = "createdAt",
    }
}

model_struct! {
    /// A chat session.
    ///
    /// Schema: `Session`.
    Session {
        /// This is the unique identifier for the session.
        id: String = "id",
        /// This is the unique identifier for the organization that owns this
        /// session.
        org_id: String = "orgId",
        /// When the session was created.
        created_at: Timestamp = "createdAt",
        /// When the session was last updated.
        updated_at: Timestamp = "updatedAt",
        /// This is the cost of the session in USD.
        cost: Number = "cost",
        /// These are the costs of individual components of the session, as
        /// sent.
        costs: Vec<Value> = "costs",
        /// This is a user-defined name for the session.
        name: String = "name",
        /// This is the current status of the session.
        status: SessionStatus = "status",
        /// Session expiration time in seconds.
        expiration_seconds: Number = "expirationSeconds",
        /// This is the ID of the assistant associated with this session.
        assistant_id: String = "assistantId",
        /// This is the assistant configuration for this session.
        assistant: Box<Assistant> = "assistant",
        /// These are the overrides for the assistant configuration, as sent.
        assistant_overrides: Value = "assistantOverrides",
        /// This is the squad ID associated with this session.
        squad_id: String = "squadId",
        /// This is the squad configuration for this session, as sent.
        squad: Value = "squad",
        /// This is an array of chat messages in the session, as sent.
        messages: Vec<Value> = "messages",
        /// This is the customer information associated with this session.
        customer: Customer = "customer",
        /// This is the customerId of the customer associated with this
        /// session.
        customer_id: String = "customerId",
        /// This is the ID of the phone number associated with this session.
        phone_number_id: String = "phoneNumberId",
        /// This is the phone number configuration for this session, as sent.
        phone_number: Value = "phoneNumber",
        /// These are the artifacts that were extracted from the session.
        artifact: Box<Artifact> = "artifact",
    }
}
