"""Streamed chat completions from an OpenAI-compatible endpoint, read straight off the wire.

The agent loop needs two things from a streamed completion: the text deltas as they arrive, and
at the end one ``AIMessage`` (text, tool calls). Going through LangChain's ``astream`` and the SDK's
per-request machinery built a pydantic message per chunk, merged them pairwise, and rebuilt request
options on every call: about a quarter of a chat turn's server CPU with an instant model. Here the
request body is the one ``ChatOpenAI`` sends (LangChain's own message conversion; a test compares
the two), the response is read as server-sent events with plain ``json.loads``, and tool-call
fragments are joined as LangChain joins them (same ids, names, arguments, and the same partial-JSON
repair and "invalid tool call" rule). Errors are the SDK's own classes, built by the SDK: an HTTP
status through ``_make_status_error_from_response``, timeouts and dropped connections as
``APITimeoutError``/``APIConnectionError``, an ``error`` object in the stream as ``APIError``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment  # type: ignore[attr-defined]

import aiohttp
import httpx2  # the SDK's HTTP library: its error classes are built around httpx2 requests and responses
import openai
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.tool import invalid_tool_call, tool_call
from langchain_core.utils.json import parse_partial_json

# The conversion ChatOpenAI applies to every message of a request (so both paths send the same body).
from langchain_openai.chat_models.base import _convert_message_to_dict


def request_body(
    model: str, temperature: float, messages: Sequence[BaseMessage], tools: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The JSON body of a streamed ``/chat/completions`` call, as
    ``ChatOpenAI(..., stream_usage=True).bind_tools(tools)`` sends it."""
    body: dict[str, Any] = {
        "model": model,
        "stream": True,
        "temperature": temperature,
        "messages": [_convert_message_to_dict(m) for m in messages],
        # The provider's token counts arrive in a last chunk (usage per course and student, caps).
        "stream_options": {"include_usage": True},
    }
    if tools:
        body["tools"] = list(tools)
    return body


class ReplyBuilder:
    """Joins the streamed chunks (decoded JSON) of one completion into an ``AIMessage``."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.calls: list[dict[str, Any]] = []
        self._by_index: dict[Any, dict[str, Any]] = {}
        self.metadata: dict[str, Any] = {"model_provider": "openai"}
        self.usage: tuple[int, int] | None = None  # (prompt, completion) tokens, when the endpoint reports them

    def feed(self, chunk: Mapping[str, Any]) -> str:
        """Take one chunk; return its text delta ("" if none)."""
        if chunk.get("model"):
            self.metadata["model_name"] = chunk["model"]
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = (_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")))
        choices = chunk.get("choices")
        if not choices:
            return ""  # e.g. a final usage-only chunk
        choice = choices[0]
        if choice.get("finish_reason"):
            self.metadata["finish_reason"] = choice["finish_reason"]
        delta = choice.get("delta") or {}
        raw_calls = delta.get("tool_calls")
        if raw_calls:
            self._add_calls(raw_calls)
        text = delta.get("content") or ""
        if text:
            self.text.append(text)
        return str(text)

    def _add_calls(self, raw_calls: Sequence[Mapping[str, Any]]) -> None:
        try:  # LangChain drops a chunk's tool calls when one lacks ``index`` or ``function``
            pieces = [(c["index"], c.get("id"), c["function"].get("name"), c["function"].get("arguments"))
                      for c in raw_calls]  # fmt: skip
        except (KeyError, TypeError, AttributeError):
            return
        for index, call_id, name, args in pieces:
            slot = self._by_index.get(index) if index is not None else None
            if slot is None:
                slot = {"id": call_id, "name": name, "args": args}
                self.calls.append(slot)
                if index is not None:
                    self._by_index[index] = slot
                continue
            # Fragments of one call: strings are concatenated, a repeated id is kept once.
            if call_id is not None and slot["id"] != call_id:
                slot["id"] = call_id if slot["id"] is None else slot["id"] + call_id
            for key, value in (("name", name), ("args", args)):
                if value is not None:
                    slot[key] = value if slot[key] is None else slot[key] + value

    def message(self) -> AIMessage:
        """The whole assistant message (arguments that are not a JSON object make an invalid tool call)."""
        calls, invalid = [], []
        for slot in self.calls:
            try:
                args = parse_partial_json(slot["args"]) if slot["args"] else {}
            except Exception:
                args = None
            if isinstance(args, dict):
                calls.append(tool_call(name=slot["name"] or "", args=args, id=slot["id"]))
            else:
                invalid.append(invalid_tool_call(name=slot["name"], args=slot["args"], id=slot["id"], error=None))
        return AIMessage(
            content="".join(self.text), tool_calls=calls, invalid_tool_calls=invalid, response_metadata=self.metadata
        )


async def _sse_data(blocks: AsyncIterator[bytes]) -> AsyncIterator[list[str]]:
    """The ``data`` of the server-sent events each network read completes, one list per read that completes
    any (lines end with LF or CRLF; other fields are ignored)."""
    buffer = b""
    data: list[str] = []
    for_read: list[str] = []
    async for block in blocks:
        buffer += block
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r").decode()
            if not line:
                if data:
                    for_read.append("\n".join(data))
                    data = []
            elif line.startswith("data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(" ") else value)
        if for_read:
            yield for_read
            for_read = []
    if data:
        yield ["\n".join(data)]


def env_proxy(url: str) -> str | None:
    """The proxy the environment (``HTTPS_PROXY``/``HTTP_PROXY``, ``NO_PROXY``) names for ``url``, as the SDK
    would use it; None for a direct connection."""
    parts = urlsplit(url)
    if proxy_bypass_environment(parts.hostname or ""):
        return None
    return getproxies_environment().get(parts.scheme) or None


class StreamingCompletions:
    """``POST {base_url}/chat/completions`` with ``stream: true``, yielding each chunk as decoded JSON.

    The HTTP client is aiohttp's (an ``aiohttp.ClientSession`` per event loop, keep-alive pooled):
    per streamed call it costs the loop about a third of httpx's CPU.
    """

    def __init__(self, sdk: openai.AsyncOpenAI, timeout_s: float) -> None:
        """Use ``sdk``'s endpoint, headers and error classes, with an HTTP client of our own.

        Args:
            sdk: The configured SDK client (base URL, key, default headers).
            timeout_s: Connect timeout, and the longest wait for the answer's headers or its next bytes.
        """
        self.sdk = sdk
        self.url = str(sdk.base_url).rstrip("/") + "/chat/completions"
        headers = {**sdk.default_headers, **sdk.auth_headers}
        # The SDK's own telemetry headers describe its request path, not this one.
        self.headers = {k: v for k, v in headers.items() if isinstance(v, str) and not k.startswith("X-Stainless")}
        self.timeout = aiohttp.ClientTimeout(total=None, connect=timeout_s, sock_read=timeout_s)
        # The proxy from the environment, looked up once: aiohttp's ``trust_env`` would look it up (and read
        # ~/.netrc) in a worker thread on every call, one thread round trip per turn before the model is asked.
        self.proxy = env_proxy(self.url)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        """The session of the running loop (a session is bound to the loop it was made in)."""
        session = self._session
        if session is None or session.closed or session.loop is not asyncio.get_running_loop():
            # As many connections as the SDK's default pool allows.
            connector = aiohttp.TCPConnector(limit=1000, limit_per_host=0)
            session = self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout)
        return session

    async def stream(self, body: Mapping[str, Any]) -> AsyncGenerator[list[dict[str, Any]], None]:
        """The chunks of one streamed completion, as they arrive: the chunks each network read completes.

        A model's chunks that arrive together are handed on together, so they cost the tutor one event and one
        write to the student's stream instead of one per chunk; chunks that arrive apart still go on at once.

        Raises:
            openai.APIStatusError: The endpoint answered an HTTP error (the SDK's subclass per status).
            openai.APITimeoutError: No answer or no next bytes within the timeout.
            openai.APIConnectionError: The connection failed or dropped.
            openai.APIError: The stream carried an ``error`` object (after the chunks before it).
        """
        data = json.dumps(body).encode()
        try:
            async with self._client().post(self.url, data=data, headers=self.headers, proxy=self.proxy) as response:
                if response.status >= 400:
                    raise self._status_error(response.status, response.headers, await response.read())
                finished = False
                async for events in _sse_data(response.content.iter_any()):
                    batch: list[dict[str, Any]] = []
                    for event in events:
                        if finished:
                            continue  # read to the end, so the connection is reused
                        if event.startswith("[DONE]"):
                            finished = True
                            continue
                        chunk = json.loads(event)
                        if isinstance(chunk, dict) and chunk.get("error"):
                            if batch:
                                yield batch
                            raise _stream_error(chunk["error"], self._request())
                        batch.append(chunk)
                    if batch:
                        yield batch
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise openai.APITimeoutError(request=self._request()) from exc
        except aiohttp.ClientError as exc:
            raise openai.APIConnectionError(request=self._request()) from exc

    def _request(self) -> httpx2.Request:
        """The request as the SDK's errors describe it."""
        return httpx2.Request("POST", self.url)

    def _status_error(self, status: int, headers: Mapping[str, str], content: bytes) -> openai.APIStatusError:
        """The SDK's own error for an HTTP error answer (``RateLimitError`` for 429, and so on)."""
        response = httpx2.Response(status, headers=list(headers.items()), content=content, request=self._request())
        return self.sdk._make_status_error_from_response(response)

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def _stream_error(error: Any, request: httpx2.Request) -> openai.APIError:
    """An ``error`` object inside the stream, as the SDK raises it."""
    message = error.get("message") if isinstance(error, dict) else None
    text = message if isinstance(message, str) and message else "An error occurred during streaming"
    return openai.APIError(text, request=request, body=error)


def _count(value: Any) -> int:
    """A token count from the endpoint (0 when missing or not a number)."""
    return int(value) if isinstance(value, int | float) and value >= 0 else 0
