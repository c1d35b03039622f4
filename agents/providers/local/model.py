"""``LocalTutorModel``: an offline LangChain chat model that drives the same tools as an LLM.

It routes on the student's latest message only (never on retrieved text, so injected instructions
in course material cannot trigger a tool), fills slots from tool results (course names matched
against the catalogue), and answers content questions extractively with citations.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
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
from agents.events import ChatTurn
from agents.followup import is_followup, new_words, resolve, wants_example
from agents.guardrails import asks_for_quiz_answers, is_affirmation
from agents.providers.local import practice_replies, replies
from agents.providers.local.compose import NOT_COVERED, ComposerConfig, compose
from agents.providers.local.embedding import CachedQueryEmbedder
from agents.providers.local.intents import IntentRouter, Route
from agents.providers.local.status_replies import enroll_reply, material_failure_reply, offered_for_a_question
from agents.providers.local.turn_state import looks_like_answer, practice_topic
from agents.tools.catalog import SEARCH_CHARS
from agents.waiting import parse_waiting
from prompts.loader import COURSE_OPEN
from tutor.cpu import run_cpu

LOCAL_MODEL_NAME = "local-tutor-v2"
_ANAPHORA = re.compile(r"\b(this|that|the)\s+(course|class|one)\b|\bit\b", re.IGNORECASE)
_LEVEL = re.compile(r"\b(beginner|intermediate|advanced)\b", re.IGNORECASE)
_FIRST_STEP_TOOL = {
    "question": "search_course_material",
    "list_courses": "list_courses",
    "enroll": "list_courses",
    "progress": "get_progress",
    "recommendations": "get_recommendations",
    "weak_areas": "get_weak_areas",
    "practice": "practice_question",
}
_DECLINE = re.compile(r"\b(no|nope|nah|not now|not yet|cancel|never ?mind|don'?t|later)\b", re.IGNORECASE)
_TOOL_REPLIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "list_courses": replies.courses_reply,
    "enroll": enroll_reply,
    "get_progress": replies.progress_reply,
    "practice_question": practice_replies.question_reply,
    "check_practice_answer": practice_replies.result_reply,
}


@dataclass(frozen=True, slots=True)
class _Turn:
    """What the local model knows about the turn it is deciding."""

    student: str
    route: Route
    earlier: list[ChatTurn]
    waiting: tuple[str, str | None] | None
    socratic: bool
    tools: set[str]
    course_open: bool = False  # the chat is about a course ("this course" names it)


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.text)


def _named_course(student: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The course the student's message names: as the catalogue tool judged it over the whole
    catalogue (``named``), or, for a listing without that verdict, matched against the listing."""
    if "named" in data:
        named = data["named"]
        return named if isinstance(named, dict) and named.get("id") else None
    match = match_course(student, data.get("courses") or [])
    return match.course if match else None


# "enroll me in Gardening Basics" after an offer names the course it wants (that one goes through the usual
# request, which also enrolls the offered course when it is the one named); "enroll me (in it)" is a yes.
_ENROLL_IN = re.compile(r"\benrol+\s+me\s+(?:in|into|to|on|for)\b(.*)", re.IGNORECASE | re.DOTALL)
_NO_NAME = frozenset(["it", "this", "that", "the", "course", "class", "one", "please", "now", "too", "then"])


def _names_a_course(message: str) -> bool:
    """Whether an "enroll me in ..." names a course rather than pointing at the offered one."""
    match = _ENROLL_IN.search(message)
    if match is None:
        return False
    return any(word not in _NO_NAME for word in re.findall(r"\w+", match.group(1).lower()))


def _question_behind_offer(turn: _Turn, enrolled: ToolMessage) -> str | None:
    """The question the tutor could not search because the student was not enrolled, when its last reply
    offered to enroll for it and ``enrolled`` (this turn's enrollment) is in the offered course."""
    earlier, waiting = turn.earlier, turn.waiting
    course = (_tool_data(enrolled).get("course") or {}).get("id")
    if waiting is None or waiting[0] != "enroll" or not course or course != waiting[1]:
        return None
    if len(earlier) >= 2 and earlier[-2].role == "user" and offered_for_a_question(earlier[-1].content):
        return earlier[-2].content
    return None


def _tool_data(message: ToolMessage) -> dict[str, Any]:
    if isinstance(message.artifact, dict):
        return message.artifact
    try:
        data = json.loads(_text(message))
    except ValueError:
        return {"ok": False}
    return data if isinstance(data, dict) else {"ok": False}


def _previous_answer(turn: _Turn) -> str:
    """The tutor's last few replies in the thread (what a follow-up should not be told again)."""
    return "\n".join([t.content for t in turn.earlier if t.role == "assistant"][-3:])


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
        system = "\n".join(_text(m) for m in messages if m.type == "system")
        earlier = [
            ChatTurn("user" if isinstance(m, HumanMessage) else "assistant", _text(m))
            for m in messages[: max(last_human, 0)]
            if isinstance(m, HumanMessage | AIMessage)
        ]
        turn = _Turn(
            student,
            self._router.route(student),
            earlier,
            parse_waiting(system),
            "Mode: Socratic" in system,
            tool_names,
            COURSE_OPEN in system,
        )
        results = [m for m in messages[last_human + 1 :] if isinstance(m, ToolMessage)]
        if not results:
            return self._first_step(turn)
        listings = sum(1 for m in results if m.name == "list_courses")
        enrolled = [m for m in results if m.name == "enroll" and _tool_data(m).get("ok")]
        question = _question_behind_offer(turn, enrolled[-1]) if enrolled else None
        if question is None or "search_course_material" not in turn.tools:
            return self._after_tool(turn, results[-1], listings)
        # The "yes" enrolled the student in the course the offer was for: now answer the question behind it,
        # as that question (its own route and wording, nothing left waiting).
        asked = replace(turn, student=question, route=self._router.route(question), earlier=turn.earlier[:-2],
                        waiting=None)
        if results[-1] is enrolled[-1]:
            return self._call("search_course_material", {"query": resolve(question, asked.earlier)})
        reply = self._after_tool(asked, results[-1], listings)
        if reply.tool_calls:
            return reply
        return AIMessage(content=f"{enroll_reply(_tool_data(enrolled[-1]))}\n\n{_text(reply)}")

    def _call(self, name: str, args: dict[str, Any]) -> AIMessage:
        call_id = f"call_{uuid.uuid5(uuid.NAMESPACE_URL, name + json.dumps(args, sort_keys=True)).hex[:12]}"
        return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])

    def _waiting_step(self, turn: _Turn) -> AIMessage | None:
        """Act on what the previous turn left waiting: grade a practice answer, or a "yes" to enroll."""
        if turn.waiting is None:
            return None
        kind, course_id = turn.waiting
        answering = turn.route.intent in ("question", "smalltalk") and looks_like_answer(turn.student)
        if kind == "practice" and answering and "check_practice_answer" in turn.tools:
            return self._call("check_practice_answer", {"answer": turn.student})
        if kind == "enroll" and course_id and "enroll" in turn.tools:
            if is_affirmation(turn.student) and not _names_a_course(turn.student):
                return self._call("enroll", {"course_id": course_id})
            if _DECLINE.search(turn.student) and len(turn.student.split()) <= 6:
                return AIMessage(content="No problem, I won't enroll you. Ask me anything about the course.")
        return None

    def _first_step(self, turn: _Turn) -> AIMessage:
        waiting = self._waiting_step(turn)
        if waiting is not None:
            return waiting
        intent, student, tools = turn.route.intent, turn.student, turn.tools
        if asks_for_quiz_answers(student):
            return AIMessage(content=replies.NO_QUIZ_ANSWERS)
        if intent == "smalltalk" or not student.strip():
            thanks = re.search(r"\bthank", student, re.IGNORECASE)
            return AIMessage(content="You're welcome!" if thanks else replies.CAPABILITIES)
        tool = _FIRST_STEP_TOOL.get(intent, "search_course_material")
        if tool not in tools:
            if intent == "question":
                return AIMessage(content=NOT_COVERED)
            return AIMessage(content="I can't do that right now: that feature is not available yet.")
        if tool == "search_course_material":
            return self._call(tool, {"query": resolve(student, turn.earlier)})
        if tool == "practice_question":
            return self._call(tool, {"topic": practice_topic(student)})
        if tool == "list_courses":
            if intent == "enroll":  # the course the student names, from the whole catalogue
                return self._call(tool, {"filters": {"search": student[:SEARCH_CHARS]}})
            level = _LEVEL.search(student) if intent == "list_courses" else None
            filters = {"difficulty_level": level.group(1).lower()} if level else {}
            return self._call(tool, {"filters": filters})
        return self._call(tool, {})

    def _after_tool(self, turn: _Turn, result: ToolMessage, listings: int) -> AIMessage:
        data = _tool_data(result)
        name = result.name or ""
        if name == "search_course_material":
            answer = self._answer(turn, data)
            second = turn.route.second_choice() if answer.startswith(NOT_COVERED) else None
            if second is not None:
                retry = self._first_step(replace(turn, route=Route(second, turn.route.runner_score)))
                if retry.tool_calls:
                    return retry
            return AIMessage(content=answer)
        # an enrollment request, or a question the material declined that was a request to enroll after all
        enrolling = "enroll" in (turn.route.intent, turn.route.second_choice())
        if name == "list_courses" and enrolling and "enroll" in turn.tools and data.get("ok"):
            named = _named_course(turn.student, data)
            if named is not None:
                return self._call("enroll", {"course_id": str(named["id"])})
            if turn.course_open and _ANAPHORA.search(turn.student):
                return self._call("enroll", {"course_id": "this course"})
            if listings == 1 and not data.get("courses"):  # no course named: show the catalogue instead
                return self._call("list_courses", {"filters": {}})
            if isinstance(data.get("offered"), dict):
                return AIMessage(content=replies.offer_reply(data["offered"]))
            return AIMessage(content=replies.which_course_reply(data, closest=listings == 1))
        render = _TOOL_REPLIES.get(name)
        return AIMessage(content=render(data) if render else replies.learner_reply(name, data))

    def _answer(self, turn: _Turn, data: dict[str, Any]) -> str:
        if not data.get("ok"):
            return material_failure_reply(data)
        hits = data.get("hits") or []
        answer = compose(
            str(data.get("query") or turn.student),
            hits,
            data.get("numbers") or list(range(1, len(hits) + 1)),
            self.embedder,
            self.composer,
            socratic=turn.socratic,
            coverage=data.get("coverage") or (),
            want_example=wants_example(turn.student),
            # "and sets?", "why?", "more": the previous quote is not what the student asks for now.
            already_said=_previous_answer(turn) if is_followup(turn.student) else "",
            # "why?" / "more" name nothing new ("and sets?" does): they stay in the answer's lesson.
            same_source=is_followup(turn.student)
            and not new_words(turn.student, [t.content for t in turn.earlier if t.role == "user"]),
        )
        return answer.text

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

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # LangChain's default runs ``_generate`` on the loop's unbounded default executor: use the pool.
        return await run_cpu(self._generate, messages, stop, None, **kwargs)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        # Routing and answering embed sentences: CPU work, on the bounded pool, never on the event loop.
        message = await run_cpu(self.decide, messages, self._tool_names(kwargs))
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
