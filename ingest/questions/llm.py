"""Multiple-choice questions written by an OpenAI-compatible chat model, one passage per request.

The generator asks for structured output (a strict JSON schema), then checks the reply itself: the
JSON parses and has the schema's shape, the choices are distinct, the answer is one of them, and the
quoted ``support`` sentence really occurs in the passage (whitespace aside). A reply that fails is
re-asked once with a note saying what was wrong; a second failure drops that passage's questions.
HTTP errors and timeouts cost one passage each; an endpoint that never answers raises
:class:`QuestionGenerationError` so the drafting job can report it. Synchronous on purpose: it runs
in a Celery worker thread. Build one with :meth:`LLMQuestionGenerator.from_settings`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from ingest.questions.types import Candidate
from prompts.loader import PROMPT_DIR
from retrieval.types import Chunk
from tutor.settings import LLMSettings, Settings

log = logging.getLogger(__name__)

MIN_CHOICES, MAX_CHOICES = 3, 5
#: A quoted support shorter than this (after whitespace normalisation) proves nothing.
MIN_SUPPORT_CHARS = 10
SCHEMA_NAME = "course_questions"
_FIELDS = ("prompt", "choices", "answer", "explanation", "support")
STAT_KEYS = ("asked", "reasked", "dropped", "failed", "empty", "kept")
_MAX_ERRORS = 20
_WORD = re.compile(r"\S+")
_REFERS_TO_OTHERS = re.compile(r"\b(?:all|none|both|neither) of (?:the )?(?:above|these|them|those)\b", re.IGNORECASE)
# Errors that will not go away by themselves: a wrong key, a missing model, a wrong URL path.
_CONFIG_ERRORS = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)

ClientFactory = Callable[[], openai.OpenAI]


class QuestionGenerationError(RuntimeError):
    """The LLM endpoint could not be used at all (unreachable, wrong key or model): nothing was generated."""


@dataclass(frozen=True, slots=True)
class QuestionPrompt:
    """The question-writing instructions (``prompts/questions.md``) and their version (``q1-3fa2c9d1``)."""

    text: str
    version: str


@lru_cache(maxsize=4)
def load_question_prompt(path: Path = PROMPT_DIR / "questions.md") -> QuestionPrompt:
    """Read the instructions; the file has the ``version: N`` header and ``---`` line of every template.

    The chat prompt set (:func:`prompts.loader.load_prompts`) does not include this file, so editing it
    leaves the tutor's prompt version unchanged.
    """
    raw = path.read_text(encoding="utf-8")
    header, sep, body = raw.partition("\n---\n")
    if not sep or not header.startswith("version:"):
        raise ValueError(f"prompt template {path.name!r} lacks a 'version: N' header and '---' line")
    number = header.split(":", 1)[1].strip()
    return QuestionPrompt(text=body.strip(), version=f"q{number}-{hashlib.sha256(raw.encode()).hexdigest()[:8]}")


def _strict_object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def question_schema(most: int) -> dict[str, Any]:
    """The strict JSON schema of a reply holding up to ``most`` questions."""
    choices = {"type": "array", "items": {"type": "string"}, "minItems": MIN_CHOICES, "maxItems": MAX_CHOICES}
    question = _strict_object(
        {
            "prompt": {"type": "string", "description": "The question (Markdown; code in fenced blocks)."},
            "choices": {**choices, "description": "Distinct choices, exactly one of them correct."},
            "answer": {"type": "integer", "description": "0-based index of the correct choice."},
            "explanation": {"type": "string", "description": "Why the answer is right, pointing at the passage."},
            "support": {"type": "string", "description": "The passage's sentence making the answer right, verbatim."},
        }
    )
    return _strict_object({"questions": {"type": "array", "items": question, "maxItems": most}})


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    """One question of a reply that passed every check; ``support`` is the passage's own text."""

    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    support: str


def locate(passage: str, quote: str) -> str | None:
    """The span of ``passage`` equal to ``quote`` once runs of whitespace count as one space, or ``None``."""
    needle = " ".join(quote.split())
    if not needle:
        return None
    flat: list[str] = []
    where: list[int] = []  # index in ``passage`` of each character of the flattened text
    for match in _WORD.finditer(passage):
        if flat:
            flat.append(" ")
            where.append(match.start() - 1)
        flat.append(match.group())
        where.extend(range(match.start(), match.end()))
    at = "".join(flat).find(needle)
    if at < 0:
        return None
    return passage[where[at] : where[at + len(needle) - 1] + 1]


def _same(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".")


def _check_question(item: Any, passage: str) -> tuple[ParsedQuestion | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["is not an object"]
    problems = []
    missing = [key for key in _FIELDS if key not in item]
    if missing:
        return None, [f"lacks {', '.join(missing)}"]
    prompt, choices, answer = item["prompt"], item["choices"], item["answer"]
    explanation, support = item["explanation"], item["support"]
    for key, value in (("prompt", prompt), ("explanation", explanation), ("support", support)):
        if not isinstance(value, str) or not value.strip():
            problems.append(f'"{key}" must be a non-empty string')
    if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices):
        return None, [*problems, '"choices" must be a list of non-empty strings']
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        problems.append(f"has {len(choices)} choices; give {MIN_CHOICES} to {MAX_CHOICES}")
    if len({_same(c) for c in choices}) != len(choices):
        problems.append("has two choices that say the same thing")
    if any(_REFERS_TO_OTHERS.search(c) for c in choices):
        problems.append('has a choice like "all/none of the above"; every choice must stand alone')
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(choices):
        problems.append(f'"answer" {answer!r} is not the 0-based index of one of its {len(choices)} choices')
    span = locate(passage, support) if isinstance(support, str) else None
    if isinstance(support, str) and support.strip():
        if span is None:
            problems.append('"support" does not occur in the passage; copy the sentence exactly')
        elif len(" ".join(span.split())) < MIN_SUPPORT_CHARS:
            problems.append('"support" is too short; quote the whole sentence')
    if problems or span is None:
        return None, problems
    return ParsedQuestion(prompt.strip(), tuple(c.strip() for c in choices), answer, explanation.strip(), span), []


def parse_questions(content: str | None, passage: str, most: int) -> tuple[list[ParsedQuestion], list[str]]:
    """Check a reply against the schema and the passage.

    Returns:
        The questions (at most ``most``) and an empty list, or no questions and what was wrong, in
        words the model can act on.
    """
    if not content or not content.strip():
        return [], ["the reply was empty"]
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        return [], [f"the reply is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return [], ['the reply must be a JSON object with a "questions" list']
    items = data["questions"]
    if len(items) > most:
        return [], [f"the reply has {len(items)} questions; write at most {most}"]
    out: list[ParsedQuestion] = []
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        parsed, wrong = _check_question(item, passage)
        problems.extend(f"question {number} {what}" for what in wrong)
        if parsed is not None:
            out.append(parsed)
    return ([], problems) if problems else (out, [])


def round_robin(passages: Sequence[Chunk]) -> list[Chunk]:
    """Passages in reading order within each document, taking one from each document in turn."""
    documents: dict[str, list[Chunk]] = {}
    for chunk in passages:
        documents.setdefault(chunk.document_id, []).append(chunk)
    queues = [sorted(chunks, key=lambda c: c.ordinal) for chunks in documents.values()]
    longest = max((len(q) for q in queues), default=0)
    return [queue[i] for i in range(longest) for queue in queues if i < len(queue)]


class LLMQuestionGenerator:
    """A :class:`~ingest.questions.types.QuestionGenerator` backed by a chat model.

    Attributes:
        name: The model name (recorded on every draft).
        prompt_version: Version of ``prompts/questions.md`` used.
        stats: Counters of the last :meth:`generate` call: passages ``asked``, replies ``reasked``,
            passages ``dropped`` after two invalid replies, passages ``failed`` on HTTP errors or
            timeouts, passages the model found ``empty`` of testable content, questions ``kept``.
        errors: Short notes on the last call's failures and drops (at most 20).
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        max_retries: int = 0,
        client_factory: ClientFactory | None = None,
        per_passage: int = 1,
        temperature: float = 0.3,
        min_words: int = 20,
        give_up_after: int = 3,
        shuffle: bool = True,
        prompt: QuestionPrompt | None = None,
    ) -> None:
        """Create the generator (no connection is made until :meth:`generate`).

        Args:
            model: Model name sent with each request.
            base_url: API root of the OpenAI-compatible endpoint (e.g. ``http://127.0.0.1:8000/v1``).
            api_key: Bearer key.
            timeout_s: Per-request timeout.
            max_retries: The SDK's own retries (with its backoff) on 429/5xx/timeouts.
            client_factory: Makes a fresh synchronous client per :meth:`generate` call (closed after
                it); replaces ``base_url``/``api_key``/``timeout_s``/``max_retries``.
            per_passage: Questions asked of each passage (1 to 5).
            temperature: Sampling temperature.
            min_words: Passages with fewer words are skipped (too little to ask about).
            give_up_after: While no request has succeeded, this many failed requests in a row raise
                :class:`QuestionGenerationError` instead of trying every remaining passage.
            shuffle: Reorder each question's choices (deterministically) so the answer's position
                does not follow the model's habits.
            prompt: Instructions; defaults to ``prompts/questions.md``.
        """
        if not 1 <= per_passage <= 5:
            raise ValueError("per_passage must be between 1 and 5")
        if client_factory is None and not (base_url or api_key):
            raise ValueError("LLMQuestionGenerator needs a base_url or an api_key, or a client_factory")
        self.name = self.model = model
        self.per_passage = per_passage
        self.temperature = temperature
        self.min_words = min_words
        self.give_up_after = max(1, give_up_after)
        self.shuffle = shuffle
        self.prompt = prompt or load_question_prompt()
        self.prompt_version = self.prompt.version
        self.stats: dict[str, int] = dict.fromkeys(STAT_KEYS, 0)
        self.errors: list[str] = []
        key, url = api_key or "not-needed", base_url or None  # a server that ignores the key still needs one
        default = partial(openai.OpenAI, base_url=url, api_key=key, timeout=timeout_s, max_retries=max_retries)
        self._factory: ClientFactory = client_factory or default
        self._answered = self._failed_in_a_row = 0

    @classmethod
    def from_settings(cls, settings: Settings | LLMSettings, **options: Any) -> LLMQuestionGenerator:
        """A generator on the service's endpoint (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``LLM_MODEL``, ``LLM_*``).

        ``options`` are further constructor arguments (``per_passage``...). Raises
        :class:`QuestionGenerationError` when no endpoint is configured (use the local generators).
        """
        llm = settings.llm if isinstance(settings, Settings) else settings
        if not llm.configured:
            raise QuestionGenerationError("no LLM endpoint is configured (set OPENAI_BASE_URL or OPENAI_API_KEY)")
        options.setdefault("max_retries", llm.max_retries)
        return cls(llm.model, base_url=llm.base_url, api_key=llm.api_key, timeout_s=llm.timeout_s, **options)

    def generate(self, passages: Sequence[Chunk], course: Sequence[Chunk], want: int) -> list[Candidate]:
        """Questions from passages taken round-robin by document until ``want`` are kept.

        ``course`` is not used: the model writes its own distractors from the passage's topic.

        Raises:
            QuestionGenerationError: Every request failed (or the first ones did, or the endpoint
                rejected the key or the model), so no passage could be tried.
        """
        self.stats, self.errors = dict.fromkeys(STAT_KEYS, 0), []
        self._answered = self._failed_in_a_row = 0
        order = [chunk for chunk in round_robin(passages) if len(chunk.text.split()) >= self.min_words]
        out: list[Candidate] = []
        if want <= 0 or not order:
            return out
        client = self._factory()
        try:
            for chunk in order:
                if len(out) >= want:
                    break
                out.extend(self._from_passage(client, chunk))
        finally:
            client.close()
        self.stats["kept"] = len(out)
        if self.stats["failed"] and not self._answered:
            raise self._unusable(client, None)
        return out

    def _messages(self, chunk: Chunk) -> list[ChatCompletionMessageParam]:
        where = " › ".join(chunk.heading_path)
        origin = ", ".join(part for part in (chunk.source_name and f'"{chunk.source_name}"', where) if part)
        count = "one question" if self.per_passage == 1 else f"{self.per_passage} questions"
        request = (
            f"Passage{f' (from {origin})' if origin else ''}:\n<<<\n{chunk.text}\n>>>\n\n"
            f"Write {count} about this passage, answerable from it alone."
        )
        return [{"role": "system", "content": self.prompt.text}, {"role": "user", "content": request}]

    def _from_passage(self, client: openai.OpenAI, chunk: Chunk) -> list[Candidate]:
        messages = self._messages(chunk)
        self.stats["asked"] += 1
        for attempt in range(2):
            if attempt:
                self.stats["reasked"] += 1
            content = self._ask(client, messages, chunk)
            if content is None:
                return []
            parsed, problems = parse_questions(content, chunk.text, self.per_passage)
            if not problems:
                if not parsed:
                    self.stats["empty"] += 1
                return [self._candidate(chunk, question) for question in parsed]
            messages = [
                *messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": correction(problems)},
            ]
        self.stats["dropped"] += 1
        self._note(f"passage {chunk.id}: dropped after a re-ask ({'; '.join(problems)})")
        return []

    def _ask(self, client: openai.OpenAI, messages: list[ChatCompletionMessageParam], chunk: Chunk) -> str | None:
        """The reply's text (a refusal comes back as the refusal note), or ``None`` after a counted failure."""
        response_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": question_schema(self.per_passage)},
        }
        try:
            response = client.chat.completions.create(
                model=self.model, messages=messages, temperature=self.temperature, response_format=response_format
            )
        except openai.APIError as exc:
            self.stats["failed"] += 1
            self._failed_in_a_row += 1
            self._note(f"passage {chunk.id}: {type(exc).__name__}: {exc}")
            log.warning("question generation failed for passage %s: %s", chunk.id, exc)
            if not self._answered and (isinstance(exc, _CONFIG_ERRORS) or self._failed_in_a_row >= self.give_up_after):
                raise self._unusable(client, exc) from exc
            return None
        self._answered += 1
        self._failed_in_a_row = 0
        if not response.choices:
            return ""
        message = response.choices[0].message
        if message.refusal and not message.content:
            return f"(refused: {message.refusal})"
        return message.content or ""

    def _candidate(self, chunk: Chunk, question: ParsedQuestion) -> Candidate:
        choices, answer = list(question.choices), question.answer
        if self.shuffle:
            seed = hashlib.sha256(f"{chunk.id}\n{question.prompt}".encode()).digest()
            order = list(range(len(choices)))
            random.Random(int.from_bytes(seed[:8], "big")).shuffle(order)
            choices, answer = [choices[i] for i in order], order.index(answer)
        text = question.prompt, tuple(choices), answer, question.explanation
        return Candidate(*text, kind="llm", chunk=chunk, support=question.support)

    def _unusable(self, client: openai.OpenAI, exc: BaseException | None) -> QuestionGenerationError:
        last = exc if exc is not None else (self.errors[-1] if self.errors else "unknown error")
        return QuestionGenerationError(
            f"the LLM endpoint {client.base_url} (model {self.model}) could not be used: "
            f"{self.stats['failed']} request(s) failed and none succeeded; last error: {last}"
        )

    def _note(self, text: str) -> None:
        if len(self.errors) < _MAX_ERRORS:
            self.errors.append(text[:300])


def correction(problems: Sequence[str]) -> str:
    """The follow-up message telling the model what was wrong with its reply."""
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        f"Your reply could not be used:\n{listed}\n"
        'Reply again with the complete corrected JSON, following the schema; quote each "support" '
        "sentence exactly as it appears in the passage."
    )
