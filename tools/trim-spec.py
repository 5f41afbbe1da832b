#!/usr/bin/env python3
"""Trim Vapi's OpenAPI spec to the schemas calltap types and validates.

Usage: tools/trim-spec.py SPEC(.yaml|.json) VERSION > crates/protocol/schemas/vapi-VERSION.trimmed.json

The output is checked in: the project never needs the full spec to build or
test. It keeps the server-message union (every message type name), the five
typed message schemas and the nested schemas calltap types. A `$ref` to a
schema that is not kept is left in place and treated as "any value" by the
validator (calltap keeps such subtrees untouched and does not type them).
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
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
