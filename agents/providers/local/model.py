"""``LocalTutorModel``: an offline LangChain chat model that drives the same tools as an LLM.

It routes on the student's latest message only (never on retrieved text, so injected instructions
in course material cannot trigger a tool), fills slots from tool results (course names matched
against the catalogue), and answers content questions extractively with citations.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, PrivateAttr

from agents.catalog_match import match_course
from agents.providers.local import replies
from agents.providers.local.compose import NOT_COVERED, ComposerConfig, compose
from agents.providers.local.embedding import CachedQueryEmbedder
from agents.providers.local.intents import IntentRouter, Route

LOCAL_MODEL_NAME = "local-tutor-v1"
_ANAPHORA = re.compile(r"\b(this|that|the)\s+(course|class|one)\b|\bit\b", re.IGNORECASE)
_LEVEL = re.compile(r"\b(beginner|intermediate|advanced)\b", re.IGNORECASE)
_FIRST_STEP_TOOL = {
    "question": "search_course_material",
    "list_courses": "list_courses",
    "enroll": "list_courses",
    "progress": "get_progress",
    "recommendations": "get_recommendations",
    "weak_areas": "get_weak_areas",
}


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.text)


def _tool_data(message: ToolMessage) -> dict[str, Any]:
    if isinstance(message.artifact, dict):
        return message.artifact
    try:
        data = json.loads(_text(message))
    except ValueError:
        return {"ok": False}
    return data if isinstance(data, dict) else {"ok": False}


class LocalTutorModel(BaseChatModel):
    """Deterministic offline tutor model with tool calling.

    Attributes:
        embedder: Query embedder (``embed_queries``) used for routing and sentence scoring.
        model_name: Name reported on answers.
        composer: Extractive answering weights and the "not covered" threshold.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    embedder: Any
    model_name: str = LOCAL_MODEL_NAME
    composer: ComposerConfig = ComposerConfig()
    _router: IntentRouter = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        """Build the intent router around the embedder."""
        if not isinstance(self.embedder, CachedQueryEmbedder):
            self.embedder = CachedQueryEmbedder(self.embedder)
        self._router = IntentRouter(self.embedder)

    @property
    def _llm_type(self) -> str:
        return "local-tutor"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (OpenAI tool format); the model only calls tools it was given."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    # -- decision -------------------------------------------------------------------------------

    def decide(self, messages: list[BaseMessage], tool_names: set[str]) -> AIMessage:
        """The next assistant message: a tool call or the final answer."""
        last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        student = _text(messages[last_human]) if last_human >= 0 else ""
        route = self._router.route(student)
        results = [m for m in messages[last_human + 1 :] if isinstance(m, ToolMessage)]
        if not results:
            return self._first_step(route, student, tool_names)
        socratic = any("Mode: Socratic" in _text(m) for m in messages if m.type == "system")
        return self._after_tool(route, student, results[-1], tool_names, socratic)

    def _call(self, name: str, args: dict[str, Any]) -> AIMessage:
        call_id = f"call_{uuid.uuid5(uuid.NAMESPACE_URL, name + json.dumps(args, sort_keys=True)).hex[:12]}"
        return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])

    def _first_step(self, route: Route, student: str, tools: set[str]) -> AIMessage:
        if route.intent == "smalltalk" or not student.strip():
            thanks = re.search(r"\bthank", student, re.IGNORECASE)
            return AIMessage(content="You're welcome!" if thanks else replies.CAPABILITIES)
        tool = _FIRST_STEP_TOOL.get(route.intent, "search_course_material")
        if tool not in tools:
            if route.intent == "question":
                return AIMessage(content=NOT_COVERED)
            return AIMessage(content="I can't do that right now: that feature is not available yet.")
        if tool == "search_course_material":
            return self._call(tool, {"query": student})
        if tool == "list_courses":
            level = _LEVEL.search(student) if route.intent == "list_courses" else None
            filters = {"difficulty_level": level.group(1).lower()} if level else {}
            return self._call(tool, {"filters": filters})
        return self._call(tool, {})

    def _after_tool(
        self, route: Route, student: str, result: ToolMessage, tools: set[str], socratic: bool
    ) -> AIMessage:
        data = _tool_data(result)
        name = result.name or ""
        if name == "search_course_material":
            hits = data.get("hits") or []
            answer = compose(
                student,
                hits,
                data.get("numbers") or list(range(1, len(hits) + 1)),
                self.embedder,
                self.composer,
                socratic=socratic,
            )
            return AIMessage(content=answer.text)
        if name == "list_courses" and route.intent == "enroll" and "enroll" in tools and data.get("ok"):
            match = match_course(student, data.get("courses") or [])
            if match is not None:
                return self._call("enroll", {"course_id": str(match.course["id"])})
            if _ANAPHORA.search(student):
                return self._call("enroll", {"course_id": "this course"})
            return AIMessage(content=replies.which_course_reply(data))
        if name == "list_courses":
            return AIMessage(content=replies.courses_reply(data))
        if name == "enroll":
            return AIMessage(content=replies.enroll_reply(data))
        if name == "get_progress":
            return AIMessage(content=replies.progress_reply(data))
        return AIMessage(content=replies.learner_reply(name, data))

    # -- LangChain plumbing ---------------------------------------------------------------------

    @staticmethod
    def _tool_names(kwargs: dict[str, Any]) -> set[str]:
        return {t["function"]["name"] for t in kwargs.get("tools") or [] if "function" in t}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self.decide(messages, self._tool_names(kwargs))
        message.response_metadata = {"model_name": self.model_name}
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        # Embedding is CPU work: keep the event loop free for other requests meanwhile.
        message = await asyncio.to_thread(self.decide, messages, self._tool_names(kwargs))
        meta = {"model_name": self.model_name}
        if message.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content="",
                    tool_call_chunks=chunks,  # type: ignore[arg-type]
                    response_metadata=meta,
                )
            )
            return
        for piece in re.findall(r"\s*\S+", _text(message)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                await run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata=meta))
