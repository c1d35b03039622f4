"""A scripted OpenAI-compatible chat-completions server on loopback.

Tests queue one scripted reply per expected HTTP request (text, tool calls, an HTTP error, a delay,
or a stream that hangs until the client disconnects) and then inspect ``requests`` to see exactly
what the client sent. The real ``openai`` / ``langchain-openai`` client code runs against it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted response.

    Attributes:
        text: Assistant text (streamed word by word when the request asks for streaming).
        tool_calls: ``(name, args)`` pairs; arguments are streamed in several pieces.
        status: HTTP status; anything but 200 sends an OpenAI-style error body.
        delay_s: Wait before sending headers (longer than the client timeout -> timeout).
        hang: After streaming ``text``, keep the stream open until the client goes away or
            ``release()`` is called.
        gap_s: Pause between the streamed words (0: they are written back to back).
        burst: Write every chunk of the answer in one write (as a fast endpoint's data arrives in one read).
        usage: ``(prompt_tokens, completion_tokens)`` reported in a last chunk when the request asks for it
            (``stream_options.include_usage``); None takes the server's ``usage``.
    """

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    delay_s: float = 0.0
    hang: bool = False
    gap_s: float = 0.0
    burst: bool = False
    usage: tuple[int, int] | None = None


class ScriptedOpenAIServer:
    """``POST /v1/chat/completions`` answered from a queue of :class:`Reply` objects."""

    def __init__(self, model: str = "scripted-model") -> None:
        """Create (not start) the server."""
        self.model = model
        # Token counts every streamed reply reports (when asked to) unless its own ``usage`` says otherwise.
        self.usage: tuple[int, int] | None = None
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.disconnected = threading.Event()
        self._release = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ------------------------------------------------------------------------------

    def reply_text(self, text: str, **kwargs: Any) -> None:
        """Queue a plain text answer."""
        self.replies.append(Reply(text=text, **kwargs))

    def reply_tool_calls(self, *calls: tuple[str, dict[str, Any]], text: str = "") -> None:
        """Queue an answer calling tools, e.g. ``reply_tool_calls(("list_courses", {"filters": {}}))``."""
        self.replies.append(Reply(text=text, tool_calls=list(calls)))

    def reply_error(self, status: int) -> None:
        """Queue an HTTP error (e.g. 500, 503, 429)."""
        self.replies.append(Reply(status=status))

    def reply_delay(self, seconds: float) -> None:
        """Queue a reply that sends nothing for ``seconds`` (to trigger a client timeout)."""
        self.replies.append(Reply(text="too late", delay_s=seconds))

    def reply_hang(self, text: str) -> None:
        """Queue a stream that sends ``text`` and then stays open."""
        self.replies.append(Reply(text=text, hang=True))

    def release(self) -> None:
        """Let hanging streams finish."""
        self._release.set()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> ScriptedOpenAIServer:
        """Listen on a free loopback port in a background thread."""
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (hanging and delayed replies are cut short)."""
        self._stopping.set()
        self._release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> ScriptedOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply | None:
        with self._lock:
            self.requests.append({"body": body, "headers": headers})
            return self.replies.popleft() if self.replies else None


def _usage_chunk(model: str, usage: tuple[int, int] | None) -> bytes:
    """The last chunk of a stream that was asked for its token counts (nothing when there are none)."""
    if usage is None:
        return b""
    counts = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    payload = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
               "model": model, "choices": [], "usage": counts}  # fmt: skip
    return f"data: {json.dumps(payload)}\n\n".encode()


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _pieces(text: str, n: int) -> list[str]:
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _words(text: str) -> list[str]:
    out, current = [], ""
    for ch in text:
        current += ch
        if ch == " ":
            out.append(current)
            current = ""
    return [*out, current] if current else out


class _Handler(BaseHTTPRequestHandler):
    owner: ScriptedOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.close_connection = True
        if not self.path.endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        reply = self.owner._next(body, {k.lower(): v for k, v in self.headers.items()})
        if reply is None:
            reply = Reply(status=500, text="scripted server: no reply queued")
        if reply.delay_s and self.owner._stopping.wait(reply.delay_s):
            return
        if reply.status != 200:
            kind = "rate_limit_error" if reply.status == 429 else "server_error"
            self._send_json(
                reply.status,
                {"error": {"message": reply.text or f"scripted {reply.status}", "type": kind, "code": None}},
            )
        elif body.get("stream"):
            wants_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._stream(reply, (reply.usage or self.owner.usage) if wants_usage else None)
        else:
            self._send_json(200, self._completion(reply))

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _completion(self, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": f"call_{i}_{name}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for i, (name, args) in enumerate(reply.tool_calls)
            ]
        return {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.owner.model,
            "choices": [
                {"index": 0, "message": message, "finish_reason": "tool_calls" if reply.tool_calls else "stop"}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _stream(self, reply: Reply, usage: tuple[int, int] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        model = self.owner.model
        if reply.burst and not reply.tool_calls and not reply.hang:
            chunks = [_chunk(model, {"role": "assistant", "content": ""})]
            chunks += [_chunk(model, {"content": word}) for word in _words(reply.text)]
            self._write(b"".join([*chunks, _chunk(model, {}, "stop"), _usage_chunk(model, usage), b"data: [DONE]\n\n"]))
            return
        try:
            self._write(_chunk(model, {"role": "assistant", "content": ""}))
            for word in _words(reply.text):
                self._write(_chunk(model, {"content": word}))
                if reply.gap_s:
                    time.sleep(reply.gap_s)
            for index, (name, args) in enumerate(reply.tool_calls):
                head = {
                    "index": index,
                    "id": f"call_{index}_{name}",
                    "type": "function",
                    "function": {"name": name, "arguments": ""},
                }
                self._write(_chunk(model, {"tool_calls": [head]}))
                for piece in _pieces(json.dumps(args), 3):
                    self._write(_chunk(model, {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
            if reply.hang:
                self._hang()
            finish = "tool_calls" if reply.tool_calls else "stop"
            self._write(_chunk(model, {}, finish))
            self._write(_usage_chunk(model, usage) + b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            self.owner.disconnected.set()

    def _hang(self) -> None:
        # Keep-alive comments make a vanished client show up as a broken pipe.
        while not self.owner._release.wait(0.05):
            self._write(b": keep-alive\n\n")

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
