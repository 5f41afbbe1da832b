#!/usr/bin/env python3
"""Trim Vapi's OpenAPI spec to the schemas calltap types and validates.

Usage: tools/trim-spec.py SPEC(.yaml|.json) VERSION > crates/protocol/schemas/vapi-VERSION.trimmed.json

The output is checked in: the project never needs the full spec to build or
test. It keeps the server-message union (every message type name), the five
fully validated message schemas, the nested schemas calltap types and the
schemas of the answers (`ServerMessageResponse*`) under `schemas`, and the
schemas of every other message type under `typedMessages`: the models type
those, but `validate` checks them by `type` only (it reads `schemas`). A `$ref`
to a schema that is not kept is left in place and treated as "any value" by
the validator (calltap keeps such subtrees untouched and does not type them).
"""
import json
import sys

KEPT = [
    "ServerMessageStatusUpdate",
    "ServerMessageSpeechUpdate",
    "ServerMessageConversationUpdate",
    "ServerMessageTransferUpdate",
    "ServerMessageEndOfCallReport",
    "Artifact",
    "Call",
    "CreateAssistantDTO",
    "CreateCustomerDTO",
    "CreateByoPhoneNumberDTO",
    "CreateTwilioPhoneNumberDTO",
    "CreateVonagePhoneNumberDTO",
    "CreateVapiPhoneNumberDTO",
    "CreateTelnyxPhoneNumberDTO",
    "TransferDestinationAssistant",
    "TransferDestinationNumber",
    "TransferDestinationSip",
    "SystemMessage",
    "BotMessage",
    "UserMessage",
    "ToolCallMessage",
    "ToolCallResultMessage",
    "OpenAIMessage",
    # nested in the other message types
    "ToolCall",
    "ToolCallFunction",
    "CallArtifactUploadItem",
    "CampaignContact",
    "Session",
    "AssistantSpeechWordAlignmentTiming",
    "AssistantSpeechWordProgressTiming",
    # the answers
    "ServerMessageResponseToolCalls",
    "ToolCallResult",
    "ServerMessageResponseAssistantRequest",
    "ServerMessageResponseTransferDestinationRequest",
    "ServerMessageResponseKnowledgeBaseRequest",
    "KnowledgeBaseResponseDocument",
    "ServerMessageResponseHandoffDestinationRequest",
]


def load(path):
    with open(path) as f:
        if path.endswith(".json"):
            return json.load(f)
        import yaml

        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def main():
    spec_path, version = sys.argv[1], sys.argv[2]
    schemas = load(spec_path)["components"]["schemas"]
    union = schemas["ServerMessage"]["properties"]["message"]["oneOf"]
    message_types = {}
    for member in union:
        name = member["$ref"].rsplit("/", 1)[1]
        type_enum = schemas[name]["properties"]["type"]["enum"]
        message_types[type_enum[0]] = name
    out = {
        "source": f"Vapi OpenAPI spec {version}, trimmed by tools/trim-spec.py",
        "version": version,
        "messageTypes": message_types,
        "schemas": {name: schemas[name] for name in KEPT if name in schemas},
        "typedMessages": {
            name: schemas[name]
            for name in message_types.values()
            if name not in KEPT
        },
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
