"""The OpenAPI schema as a contract a generator can build on (drf-spectacular's POSTPROCESSING_HOOKS and
ENUM_NAME_OVERRIDES in settings): what DRF cannot say from a view's code is said here, once for every app.

- Request bodies are JSON; multipart only where a file is sent (an operation whose body holds a binary
  property). DRF's parsers also take form bodies (the Django test client's default), undocumented.
- The wire rules every endpoint shares: the Idempotency-Key pattern, ``after``/``changes`` ≥ 0,
  ``before``/``page`` ≥ 1 (``api.query_int``'s bounds), the ETag of the change endpoints, Retry-After on
  429, 413 (``too_large``, ``file_too_large``) on every operation that takes a body, a summary per
  operation (the docstring's first sentence), ``security: []`` on public operations.
- Enum members with readable names (``x-enum-varnames``) where a value is no identifier (the reactions).
"""

from __future__ import annotations

import re

from marketplace import idempotency

# Read by settings (so nothing imported here may read settings or models at import time).
SCHEMA_CONTRACT = {
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.openapi.postprocess",
    ],
    # Enums named after what they are (drf-spectacular matches a field's choices, values and labels).
    "ENUM_NAME_OVERRIDES": {
        "AdStatus": "ads.models.Ad.Status",
        "AdCondition": "ads.models.Ad.Condition",
        "AdArea": "ads.models.Ad.Area",
        "OfferStatus": "chat.models.Offer.Status",
        "ReportReason": "chat.moderation.models.Report.Reason",
        "ReportStatus": "chat.moderation.models.Report.Status",
        "ReactionEmoji": "chat.models.MESSAGE_REACTIONS",
        "MessageKind": "chat.models.Message.Kind",
        "ParticipantRole": "chat.models.ConversationParticipant.Role",
    },
}
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Query parameters read by ``marketplace.api.query_int``, with the minimum each endpoint passes it.
QUERY_MINIMUMS = {"after": 0, "changes": 0, "before": 1, "page": 1}
# Reaction emoji → member names for generated enums (otherwise VALUE_0 …).
EMOJI_NAMES = {"👍": "THUMBS_UP", "❤️": "HEART", "😂": "LAUGH", "😮": "WOW", "🙏": "THANKS"}
ETAG = {
    "schema": {"type": "string"},
    "description": "The change token; send it back in If-None-Match for a 304 while nothing changed.",
}
RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 1},
    "description": "Seconds until the rate limit lets this request through.",
    "required": True,
}
# A summary ends at the docstring's first full stop or semicolon.
_SENTENCE = re.compile(r"^(.+?)[.;!?](?:\s|$)")


TOO_LARGE = {
    "description": "The body is over DATA_UPLOAD_MAX_MEMORY_SIZE (``too_large``), or a photo over the "
    "photo limit (``file_too_large``).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def summary_of(description: str) -> str:
    """The first sentence (or clause before a semicolon) of an operation's docstring, on one line."""
    text = " ".join(description.split())
    match = _SENTENCE.match(text)
    return (match.group(1) if match else text)[:200]


def _has_binary(schema: dict, components: dict) -> bool:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for prop in schema.get("properties", {}).values():
        items = prop.get("items", {})
        if prop.get("format") == "binary" or items.get("format") == "binary":
            return True
    return False


def _request_body(operation: dict, components: dict) -> None:
    content = operation.get("requestBody", {}).get("content")
    if not content:
        return
    multipart = content.get("multipart/form-data")
    keep = {"application/json": content["application/json"]} if "application/json" in content else {}
    if multipart and _has_binary(multipart.get("schema", {}), components):
        keep["multipart/form-data"] = multipart
    operation["requestBody"]["content"] = keep or content


def _parameters(operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.setdefault("schema", {})
        if parameter["in"] == "header" and parameter["name"] == IDEMPOTENCY_HEADER:
            schema.update(pattern=f"^{idempotency.KEY_RE.pattern}$", minLength=16, maxLength=64)
            parameter.setdefault(
                "description", "16–64 of [A-Za-z0-9_-]: a repeat gets the first answer and is not charged."
            )
        elif parameter["in"] == "query" and parameter["name"] in QUERY_MINIMUMS:
            if schema.get("type") == "integer":  # a view's own bounds win (the ads' page ≤ 10,000)
                schema.setdefault("minimum", QUERY_MINIMUMS[parameter["name"]])
                schema.setdefault("maximum", 2**62)


def _responses(operation: dict) -> None:
    conditional = any(p["name"] == "If-None-Match" for p in operation.get("parameters", []))
    if "requestBody" in operation:
        operation.setdefault("responses", {}).setdefault("413", TOO_LARGE)
    for code, response in operation.get("responses", {}).items():
        if code == "429":
            response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
        if conditional and code in ("200", "304"):
            response.setdefault("headers", {})["ETag"] = ETAG


def _enum_names(components: dict) -> None:
    for schema in components.values():
        values = schema.get("enum")
        if values and all(value in EMOJI_NAMES for value in values):
            schema["x-enum-varnames"] = [EMOJI_NAMES[value] for value in values]


def postprocess(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: applies the module's rules to the finished schema *result*."""
    components = result.get("components", {}).get("schemas", {})
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            _request_body(operation, components)
            _parameters(operation)
            _responses(operation)
            if "summary" not in operation and operation.get("description"):
                operation["summary"] = summary_of(operation["description"])
            if "security" not in operation:
                operation["security"] = []
    _enum_names(components)
    return result
