"""JSON text for log lines and server-sent events: compact, fast, and never failing on odd text."""

from __future__ import annotations

import json
from typing import Any

import msgspec

# Dates in ISO 8601 (as in every JSON body of the API); anything JSON has no type for (an ObjectId, a
# path) as its str().
_JSON = msgspec.json.Encoder(enc_hook=str)


def to_json(value: Any) -> str:
    """``value`` as compact JSON; text with lone surrogates (a file name decoded with ``surrogateescape``),
    which msgspec refuses, is written with ``\\udcxx`` escapes as the standard library writes it."""
    try:
        return _JSON.encode(value).decode()
    except UnicodeEncodeError:
        return json.dumps(msgspec.to_builtins(value, enc_hook=str))  # dates and the like as msgspec writes them
