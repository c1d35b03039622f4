"""``TutorAgent``: the streaming tool-calling loop over any ``ModelProvider``.

Own loop over streamed model calls (rather than a prebuilt agent graph) because the loop must
forward text deltas the moment they arrive, announce tool calls as soon as they are complete,
retry and fall back per model call, and stop on a step budget, all in one event stream.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from opentelemetry import trace

from agents.deps import TutorDeps
from agents.events import AgentEvent, ChatTurn
from agents.guardrails import ActionPolicy
from agents.history import to_messages, trim_history
from agents.learner_summary import learner_summary
from agents.providers.base import ModelProvider
from agents.step import ProviderDown, Sleep, StepResult, stream_step
from agents.tools import ToolOutcome, TurnContext, TutorTool, build_tools
from agents.turn import TurnRecord, citation_payload, estimate_tokens
from agents.waiting import shown_pending, waiting_line
from prompts.loader import PromptSet, load_prompts
from tutor.metrics import ERROR_KINDS, LLM_ERRORS, LLM_TOKENS
from tutor.tracing import tracer

logger = logging.getLogger(__name__)
Mode = Literal["answer", "socratic"]
UNREACHABLE = "I can't reach the course material right now, so I can't answer from it. Please try again shortly."



_SCHEMAS: dict[str, dict[str, Any]] = {}


def tool_schema(tool: TutorTool) -> dict[str, Any]:
    """The tool's OpenAI function schema, built once per tool name.

    Tools are rebuilt every turn around that turn's context, but their name, description and
    arguments never change; converting them on every turn cost about a third of a turn's CPU.
    """
    schema = _SCHEMAS.get(tool.name)
    if schema is None:
        schema = _SCHEMAS[tool.name] = convert_to_openai_tool(tool.tool)
    return schema

def _count_usage(
    record: TurnRecord, provider: ModelProvider, result: StepResult, messages: Sequence[BaseMessage], ai: AIMessage
) -> None:
    """Count a model call's tokens: as the provider reported them, else estimated from the text."""
    if result.usage is not None:
        prompt, completion = result.usage
    else:
        prompt = sum(estimate_tokens(str(m.content)) for m in messages)
        completion = estimate_tokens(str(ai.content)) + sum(estimate_tokens(str(c["args"])) for c in ai.tool_calls)
    record.count(provider.model_name, prompt, completion, billable=not provider.is_local)
    LLM_TOKENS.labels(provider.model_name, "prompt").inc(prompt)
    LLM_TOKENS.labels(provider.model_name, "completion").inc(completion)


@dataclass(frozen=True, slots=True)
class AgentConfig:
    """Loop limits.

    Attributes:
        max_steps: Model calls per turn; the last one gets no tools, so it must answer.
        history_budget_tokens: Approximate token budget for earlier turns.
    """

    max_steps: int = 5
    history_budget_tokens: int = 3000


class TutorAgent:
    """The tutor: a primary provider, and the local model as the fallback of last resort."""

    def __init__(
        self,
        primary: ModelProvider,
        fallback: ModelProvider | None = None,
        prompts: PromptSet | None = None,
        config: AgentConfig | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Create the agent.

        Args:
            primary: Provider tried first (an OpenAI-compatible endpoint, or the local model).
            fallback: Provider used when the primary fails for a turn (normally the local model).
            prompts: Prompt templates; loaded from ``prompts/`` by default.
            config: Loop limits.
            sleep: Backoff sleep (tests pass a no-op).
        """
        self.providers = [primary] + ([fallback] if fallback is not None and fallback is not primary else [])
        for provider in self.providers:  # each model's error series from the start (alerts compare increases)
            for kind in ERROR_KINDS:
                LLM_ERRORS.labels(provider.model_name, kind)
        self.prompts = prompts or load_prompts()
        self.config = config or AgentConfig()
        self._sleep = sleep

    async def aclose(self) -> None:
        """Release the providers' connections (at shutdown)."""
        for provider in self.providers:
            await provider.aclose()

    async def stream(
        self,
        deps: TutorDeps,
        history: Sequence[ChatTurn],
        message: str,
        mode: Mode = "answer",
        course_id: str | None = None,
        pending: dict[str, Any] | None = None,
        offline: str | None = None,
    ) -> AsyncIterator[AgentEvent]:
        """Run one turn and yield its events, ending with ``done``.

        Args:
            deps: Authenticated user and service ports (tools act for ``deps.user`` only).
            history: Earlier turns of the thread, oldest first (trimmed to the budget here).
            message: The student's new message.
            mode: ``answer`` or ``socratic``.
            course_id: Course the chat is opened in (default search scope), if any.
            pending: What the thread's previous assistant turn left waiting on this message (a paid
                enrollment to confirm, a practice question to grade), from the server's own records.
            offline: Why this turn must not use the LLM (a usage cap): the offline model answers, after a
                ``notice`` with this message (code ``usage_cap``). Ignored when the offline model is the only one.

        Yields:
            ``AgentEvent`` items (see :class:`agents.events.AgentEvent` for payloads). Cancelling
            the consuming task raises ``asyncio.CancelledError`` here and closes the model stream;
            the tokens received so far are the partial answer.
        """
        providers = self.providers[1:] if offline is not None and len(self.providers) > 1 else self.providers
        record = TurnRecord(model=providers[0].model_name, prompt_version=self.prompts.version)
        # The turn's span is not made current: this generator yields to code that is not part of the turn.
        turn = tracer.start_span("chat.turn", attributes={"chat.mode": mode, "chat.model": record.model})
        record.trace = trace.set_span_in_context(turn)
        try:
            async for event in self._turn(deps, history, message, mode, course_id, pending, offline, providers, record):
                yield event
        finally:
            turn.set_attribute("chat.incomplete", record.incomplete)
            turn.end()

    async def _turn(
        self,
        deps: TutorDeps,
        history: Sequence[ChatTurn],
        message: str,
        mode: Mode,
        course_id: str | None,
        pending: dict[str, Any] | None,
        offline: str | None,
        providers: list[ModelProvider],
        record: TurnRecord,
    ) -> AsyncIterator[AgentEvent]:
        if providers is not self.providers:
            notice = {"message": offline, "code": "usage_cap", "model": providers[0].model_name}
            yield AgentEvent("notice", {**notice, "discard_partial": False})
        kept = trim_history(history, self.config.history_budget_tokens)
        policy = ActionPolicy(message, [t.content for t in kept if t.role == "user"], course_id, pending)
        for index, provider in enumerate(providers):
            try:
                ctx = TurnContext(deps=deps, policy=policy, course_id=course_id, pending=pending)
                async for event in self._run(provider, ctx, kept, message, mode, record):
                    yield event
                break
            except ProviderDown as down:
                logger.warning("provider %s failed: %r", provider.model_name, down.cause)
                if index + 1 < len(providers):
                    nxt = providers[index + 1]
                    record.reset_answer(nxt.model_name)
                    yield AgentEvent(
                        "notice",
                        {
                            "message": f"The AI service is unavailable right now; answering with the offline "
                            f"tutor model ({nxt.model_name}).",
                            "code": "fallback",
                            "model": nxt.model_name,
                            "discard_partial": down.partial,
                        },
                    )
                    continue
                record.incomplete = True
                yield AgentEvent(
                    "error",
                    {"message": "The tutor model is unavailable. Please try again.", "code": "model_unavailable"},
                )
            except Exception:
                logger.exception("agent turn failed")
                record.incomplete = True
                yield AgentEvent("error", {"message": "The tutor hit an internal error.", "code": "internal_error"})
                break
        yield AgentEvent("done", record.done_payload())

    async def _system_message(self, ctx: TurnContext, mode: Mode) -> SystemMessage:
        title = None
        if ctx.course_id:
            try:
                title = await ctx.deps.catalog.course_title(ctx.course_id)
            except Exception:  # a missing title must not fail the turn
                logger.warning("could not load the course title", exc_info=True)
        name = ctx.deps.user.full_name or "the student"
        summary = await learner_summary(ctx.deps, ctx.course_id)
        return SystemMessage(self.prompts.system_prompt(mode, name, title, summary, waiting_line(ctx.pending)))

    async def _run(
        self,
        provider: ModelProvider,
        ctx: TurnContext,
        history: Sequence[ChatTurn],
        message: str,
        mode: Mode,
        record: TurnRecord,
    ) -> AsyncIterator[AgentEvent]:
        tools = build_tools(ctx)
        schemas = [tool_schema(t) for t in tools.values()]
        messages: list[BaseMessage] = [
            await self._system_message(ctx, mode),
            *to_messages(history),
            HumanMessage(message),
        ]
        for step in range(self.config.max_steps):
            last = step + 1 == self.config.max_steps
            result = StepResult()
            call = stream_step(provider, [] if last else schemas, messages, result, self._sleep, record.trace)
            async for text in call:
                record.tokens.append(text)
                yield AgentEvent("token", {"text": text})
            ai = result.message
            assert ai is not None  # stream_step either fills it or raises
            _count_usage(record, provider, result, messages, ai)
            if not ai.tool_calls and not ai.invalid_tool_calls:
                record.pending = shown_pending(ctx.next_pending, record.answer)
                return
            if last:
                record.incomplete = True
                yield AgentEvent(
                    "error", {"message": "Stopped: too many tool steps for one answer.", "code": "step_limit"}
                )
                return
            messages.append(ai)
            async for event in self._run_tools(ai.tool_calls, ai.invalid_tool_calls, tools, record, messages):
                yield event

    async def _run_tools(
        self,
        calls: list[Any],
        invalid: list[Any],
        tools: dict[str, TutorTool],
        record: TurnRecord,
        messages: list[BaseMessage],
    ) -> AsyncIterator[AgentEvent]:
        for bad in invalid:
            bad_id, bad_name = bad.get("id") or "invalid", bad.get("name") or "unknown"
            outcome = ToolOutcome.failure("invalid_input", "tool arguments were not valid JSON")
            yield AgentEvent("tool_call", {"id": bad_id, "name": bad_name, "args": {}})
            record.tool_calls.append({**outcome.event(bad_id, bad_name), "args": {}})
            yield AgentEvent("tool_result", outcome.event(bad_id, bad_name))
            messages.append(ToolMessage(outcome.content, tool_call_id=bad_id, name=bad_name, status="error"))
        for call in calls:
            call_id, name, args = call.get("id") or "", call["name"], call.get("args") or {}
            yield AgentEvent("tool_call", {"id": call_id, "name": name, "args": args})
            tool = tools.get(name)
            with tracer.start_as_current_span(f"tool {name}", context=record.trace) as tool_span:
                outcome = await tool.run(args) if tool else ToolOutcome.failure("unknown_tool", f"no tool named {name}")
                tool_span.set_attribute("tool.ok", outcome.ok)
            record.tool_calls.append({**outcome.event(call_id, name), "args": args})
            yield AgentEvent("tool_result", outcome.event(call_id, name))
            if not outcome.ok and outcome.data.get("error", {}).get("code") == "material_unavailable":
                yield AgentEvent("notice", {"message": UNREACHABLE, "code": "material_unavailable"})
            for number, hit in zip(outcome.data.get("numbers", []), outcome.data.get("hits", []), strict=False):
                payload = citation_payload(number, hit)
                record.citations.append(payload)
                record.chunks[number] = hit.chunk
                yield AgentEvent("citation", payload)
            messages.append(
                ToolMessage(
                    outcome.content,
                    tool_call_id=call_id,
                    name=name,
                    artifact=outcome.data,
                    status="success" if outcome.ok else "error",
                )
            )
