"""OpenAPI operations Litestar cannot infer from a handler's signature: a multipart upload read by hand
and a stream of server-sent events.

Each is an ``operation_class`` for the route decorator: Litestar builds the operation as usual, then
the class puts in the request body or the ``200`` response the handler really has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

from api.schemas.chat import EVENT_PAYLOADS
from api.schemas.request_docs import to_spec
from ingest.service import MAX_FILES


@dataclass
class MultipartUploadOperation(Operation):
    """``POST /api/courses/{course_id}/materials/``: ``multipart/form-data`` with one or more files."""

    def __post_init__(self) -> None:
        files = Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
            min_items=1,
            max_items=MAX_FILES,
        )
        self.request_body = RequestBody(
            required=True,
            description="The files, as file parts under any field name (``files`` here); each a document of a "
            "supported format (Markdown, text, HTML, PDF, transcripts...). File names must differ.",
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT, properties={"files": files}, required=["files"])
                )
            },
        )


@dataclass
class EventStreamOperation(Operation):
    """``POST /api/chat/stream/``: ``200`` is ``text/event-stream``, one JSON payload per event."""

    def __post_init__(self) -> None:
        assert self.responses is not None
        ok = self.responses.get("200")
        self.responses["200"] = OpenAPIResponse(
            description=(ok.description if isinstance(ok, OpenAPIResponse) else None) or "Server-sent events",
            content={"text/event-stream": OpenAPIMediaType(schema=event_schema())},
        )


def event_schema() -> Schema:
    """Each server-sent event: its ``event`` name and its ``data``, a JSON document of that event's schema."""
    events = []
    for name, payload in EVENT_PAYLOADS.items():
        document = msgspec.json.schema(payload)
        content = to_spec(_inline(document, document.get("$defs", {})), {}, root=True)
        data = Schema(type=OpenAPIType.STRING, content_media_type="application/json", content_schema=content)
        events.append(
            Schema(
                type=OpenAPIType.OBJECT,
                required=["event", "data"],
                properties={"event": Schema(type=OpenAPIType.STRING, const=name), "data": data},
            )
        )
    return Schema(
        one_of=events,
        description="One object per event: ``event`` (start first, then token, tool_call, tool_result, citation, "
        "notice, error, then done) and ``data``, the event's payload as JSON.",
    )


def _inline(node: Any, definitions: Mapping[str, Any]) -> Any:
    """``node`` with every ``#/$defs/...`` reference replaced by its definition (the payloads are not recursive)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {key: _inline(value, definitions) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node
