"""A bound on JSON nesting, checked on the raw body before the decoder sees it.

msgspec's decoder recurses once per nesting level, so ``[`` × 5000 ends in ``RecursionError`` (a 500).
No request body of this API is nested more than about ten levels, and MongoDB refuses documents nested
more than 100; anything deeper than :data:`MAX_JSON_DEPTH` is refused with 400 without being parsed.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import numpy as np
from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

MAX_JSON_DEPTH = 64

_QUOTE, _OPENS, _CLOSES = ord('"'), (ord("["), ord("{")), (ord("]"), ord("}"))
_CHUNK = 1 << 20


def nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` nests arrays/objects deeper than ``limit``.

    Linear and in C whatever the input: escaped backslashes and escaped quotes are dropped (left to right,
    as JSON reads them), so every quote left opens or closes a string; brackets count only outside
    strings, and the running depth is a cumulative sum, taken in chunks to keep memory small.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cheap exit: too few brackets to nest that deep
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    text = np.frombuffer(body, dtype=np.uint8)
    in_string = depth = 0
    for start in range(0, len(text), _CHUNK):
        chunk = text[start : start + _CHUNK]
        quotes = np.cumsum(chunk == _QUOTE, dtype=np.int32) + in_string
        outside = (quotes & 1) == 0
        opens = ((chunk == _OPENS[0]) | (chunk == _OPENS[1])) & outside
        closes = ((chunk == _CLOSES[0]) | (chunk == _CLOSES[1])) & outside
        running = np.cumsum(opens.view(np.int8) - closes.view(np.int8), dtype=np.int32) + depth
        if int(running.max()) > limit:
            return True
        in_string, depth = int(quotes[-1]) & 1, int(running[-1])
    return False


class TutorRequest(Request[Any, Any, Any]):
    """The app's request class: JSON bodies are checked for depth before they are decoded."""

    async def json(self) -> Any:
        """The decoded JSON body; 400 when it is nested deeper than :data:`MAX_JSON_DEPTH`."""
        if self._json is Empty and self._connection_state.json is Empty:
            body = await self.body()
            # numpy releases the GIL: a big body is checked off the event loop.
            too_deep = (
                await anyio.to_thread.run_sync(nesting_exceeds, body)
                if len(body) > _CHUNK
                else nesting_exceeds(body)
            )
            if too_deep:
                raise ClientException(f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
        try:
            return await super().json()
        except UnicodeDecodeError as exc:
            raise ClientException("the JSON body is not valid UTF-8") from exc
