"""The LLM question generator against the scripted OpenAI-compatible server: requests, checks, re-asks, failures."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from ingest.questions.llm import (
    SCHEMA_NAME,
    LLMQuestionGenerator,
    QuestionGenerationError,
    load_question_prompt,
    locate,
    parse_questions,
    round_robin,
)
from retrieval.types import Chunk
from tests.fakes.openai_server import ScriptedOpenAIServer
from tutor.settings import LLMSettings, Settings

LOOPS = (
    "A for loop repeats its body once for every item of a sequence. The loop variable takes each item\n"
    "in turn, starting with the first one. When the sequence is exhausted the loop ends and execution "
    "continues after it."
)
SCOPE = (
    "A variable assigned inside a function is local to that function. It disappears when the function "
    "returns, and code outside the function cannot read it. Use the global statement to assign a "
    "module-level name from inside a function."
)
TUPLES = (
    "Tuples are immutable sequences. Once a tuple is created its items cannot be replaced, added or "
    "removed, which is why tuples can be used as dictionary keys while lists cannot."
)


def _chunk(text: str, document: str, ordinal: int) -> Chunk:
    return Chunk(
        id=f"{document}-{ordinal}", course_id="c1", document_id=document, text=text, ordinal=ordinal,
        heading_path=("Python", "Basics"), source_name=f"{document}.md",
    )  # fmt: skip


PASSAGES = [_chunk(LOOPS, "d1", 0), _chunk(SCOPE, "d1", 1), _chunk(TUPLES, "d2", 0)]


def _question(
    prompt: str = "What does a for loop do with each item of a sequence?",
    choices: tuple[str, ...] = ("Runs its body once for it", "Skips it", "Sorts it", "Deletes it"),
    answer: Any = 0,
    support: str = "A for loop repeats its body once for every item of a sequence.",
) -> dict[str, Any]:
    return {
        "prompt": prompt,
        "choices": list(choices),
        "answer": answer,
        "explanation": "The passage says the body runs once per item.",
        "support": support,
    }


def _reply(*questions: dict[str, Any]) -> str:
    return json.dumps({"questions": list(questions)})


TUPLE_Q = _question(
    prompt="Why can a tuple be a dictionary key when a list cannot?",
    choices=("Tuples are immutable", "Tuples are shorter", "Tuples are sorted"),
    support="Tuples are immutable sequences.",
)
SCOPE_Q = _question(
    prompt="What happens to a variable assigned inside a function when the function returns?",
    choices=("It disappears", "It becomes global", "It is returned"),
    support="It disappears when the function returns, and code outside the function cannot read it.",
)


@pytest.fixture
def server() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as scripted:
        yield scripted


def _generator(server: ScriptedOpenAIServer, **options: Any) -> LLMQuestionGenerator:
    options.setdefault("timeout_s", 5.0)
    return LLMQuestionGenerator(server.model, base_url=server.base_url, api_key="test-key", **options)


def _correct(candidate: Any) -> str:
    return str(candidate.choices[candidate.answer])


def test_valid_reply_becomes_a_candidate_and_the_request_asks_for_a_strict_schema(server):
    server.reply_text(_reply(_question()))
    generator = _generator(server)
    [candidate] = generator.generate(PASSAGES[:1], PASSAGES, want=1)

    assert generator.name == server.model
    assert candidate.kind == "llm" and candidate.chunk == PASSAGES[0]
    assert _correct(candidate) == "Runs its body once for it"
    assert sorted(candidate.choices) == sorted(_question()["choices"])
    assert candidate.support == "A for loop repeats its body once for every item of a sequence."
    assert candidate.explanation.startswith("The passage says")
    assert generator.stats == {"asked": 1, "reasked": 0, "dropped": 0, "failed": 0, "empty": 0, "kept": 1}

    [request] = server.requests
    body = request["body"]
    assert request["headers"]["authorization"] == "Bearer test-key"
    assert body["model"] == server.model and not body.get("stream")
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == SCHEMA_NAME and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["required"] == ["questions"] and schema["additionalProperties"] is False
    item = schema["properties"]["questions"]["items"]
    assert set(item["required"]) == {"prompt", "choices", "answer", "explanation", "support"}
    assert (item["properties"]["choices"]["minItems"], item["properties"]["choices"]["maxItems"]) == (3, 5)
    system, user = body["messages"]
    assert system == {"role": "system", "content": load_question_prompt().text}
    assert LOOPS in user["content"] and "d1.md" in user["content"] and "Python › Basics" in user["content"]


def test_passages_are_taken_round_robin_by_document_until_enough_are_kept(server):
    server.reply_text(_reply(_question()))
    server.reply_text(_reply(TUPLE_Q))
    generator = _generator(server)
    shuffled = [PASSAGES[1], PASSAGES[2], PASSAGES[0]]
    candidates = generator.generate(shuffled, PASSAGES, want=2)

    assert [c.chunk.id for c in candidates] == ["d1-0", "d2-0"]
    assert len(server.requests) == 2  # the third passage was not needed
    assert [c.id for c in round_robin(shuffled)] == ["d1-0", "d2-0", "d1-1"]


def test_support_matches_across_line_breaks_and_keeps_the_passages_own_text(server):
    quote = "The loop variable takes each item in turn, starting with the first one."
    server.reply_text(
        _reply(
            _question(
                prompt="Which item does the loop variable take first?",
                choices=("The first", "The last", "A random one"),
                support=quote,
            )
        )
    )
    [candidate] = _generator(server).generate(PASSAGES[:1], PASSAGES, want=1)
    assert candidate.support == "The loop variable takes each item\nin turn, starting with the first one."


@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        ('{"questions": [{"prompt": "What', "not valid JSON"),
        (_reply(_question(answer=7)), '"answer" 7 is not the 0-based index'),
        (_reply(_question(support="A for loop runs forever.")), '"support" does not occur in the passage'),
        (_reply(_question(choices=("Skips it", "skips it ", "Sorts it"))), "two choices that say the same"),
        (_reply(_question(choices=("Runs it", "Skips it", "All of the above"))), "all/none of the above"),
        (json.dumps({"items": []}), '"questions" list'),
    ],
)
def test_invalid_reply_is_reasked_once_with_what_was_wrong(server, bad, complaint):
    server.reply_text(bad)
    server.reply_text(_reply(_question()))
    generator = _generator(server)
    [candidate] = generator.generate(PASSAGES[:1], PASSAGES, want=1)

    assert _correct(candidate) == "Runs its body once for it"
    assert generator.stats["reasked"] == 1 and generator.stats["dropped"] == 0
    first, second = (r["body"]["messages"] for r in server.requests)
    assert second[:2] == first
    assert second[2] == {"role": "assistant", "content": bad}
    assert second[3]["role"] == "user" and complaint in second[3]["content"]
    assert server.requests[1]["body"]["response_format"]["type"] == "json_schema"


def test_invalid_twice_drops_the_passage_and_counts_it(server):
    server.reply_text("not json at all")
    server.reply_text(_reply(_question(answer=-1)))
    server.reply_text(_reply(TUPLE_Q))
    generator = _generator(server)
    candidates = generator.generate([PASSAGES[0], PASSAGES[2]], PASSAGES, want=2)

    assert [c.chunk.id for c in candidates] == ["d2-0"]
    assert generator.stats == {"asked": 2, "reasked": 1, "dropped": 1, "failed": 0, "empty": 0, "kept": 1}
    assert len(server.requests) == 3  # one re-ask only
    assert any("d1-0" in error and "dropped" in error for error in generator.errors)


def test_http_500_on_one_passage_is_counted_and_the_others_are_generated(server):
    server.reply_text(_reply(_question()))
    server.reply_error(500)  # d2-0, second in round-robin order
    server.reply_text(_reply(SCOPE_Q))
    generator = _generator(server, max_retries=0)
    candidates = generator.generate(PASSAGES, PASSAGES, want=3)

    assert [c.chunk.id for c in candidates] == ["d1-0", "d1-1"]
    assert generator.stats["failed"] == 1 and generator.stats["asked"] == 3 and generator.stats["kept"] == 2
    assert any("InternalServerError" in error for error in generator.errors)


def test_a_timeout_costs_one_passage(server):
    server.reply_delay(3.0)
    server.reply_text(_reply(TUPLE_Q))
    generator = _generator(server, timeout_s=0.5)
    candidates = generator.generate([PASSAGES[0], PASSAGES[2]], PASSAGES, want=2)

    assert [c.chunk.id for c in candidates] == ["d2-0"]
    assert generator.stats["failed"] == 1
    assert any("Timeout" in error for error in generator.errors)


def test_an_unreachable_endpoint_raises_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    generator = LLMQuestionGenerator("m", base_url=f"http://127.0.0.1:{port}/v1", timeout_s=1.0, give_up_after=2)
    with pytest.raises(QuestionGenerationError, match=rf"127\.0\.0\.1:{port}.*none succeeded"):
        generator.generate(PASSAGES, PASSAGES, want=3)
    assert generator.stats["failed"] == 2  # gave up before the third passage


def test_failures_on_every_passage_raise_even_below_the_give_up_count(server):
    server.reply_error(503)
    generator = _generator(server, max_retries=0)
    with pytest.raises(QuestionGenerationError, match="1 request"):
        generator.generate(PASSAGES[:1], PASSAGES, want=1)


def test_a_rejected_key_raises_at_once(server):
    server.reply_error(401)
    generator = _generator(server)
    with pytest.raises(QuestionGenerationError, match=r"AuthenticationError|401"):
        generator.generate(PASSAGES, PASSAGES, want=3)
    assert len(server.requests) == 1


def test_an_empty_list_means_nothing_to_ask_and_is_not_reasked(server):
    server.reply_text(_reply())
    server.reply_text(_reply(SCOPE_Q))
    generator = _generator(server)
    candidates = generator.generate(PASSAGES[:2], PASSAGES, want=1)

    assert [c.chunk.id for c in candidates] == ["d1-1"]
    assert generator.stats["empty"] == 1 and generator.stats["reasked"] == 0


def test_several_questions_per_passage_and_short_passages_skipped(server):
    short = _chunk("Loops repeat things.", "d3", 0)
    server.reply_text(
        _reply(
            _question(),
            _question(
                prompt="When does a for loop end?",
                choices=("When the sequence is exhausted", "After ten items", "Never"),
                support="When the sequence is exhausted the loop ends",
            ),
        )
    )
    generator = _generator(server, per_passage=2)
    candidates = generator.generate([short, PASSAGES[0]], PASSAGES, want=2)

    assert len(candidates) == 2 and len(server.requests) == 1
    assert "Write 2 questions" in server.requests[0]["body"]["messages"][1]["content"]
    assert (
        server.requests[0]["body"]["response_format"]["json_schema"]["schema"]["properties"]["questions"]["maxItems"]
        == 2
    )


def test_from_settings_uses_the_llm_group(server):
    settings = Settings(openai_base_url=server.base_url, llm_model="course-model", llm_timeout_s=5.0)
    server.reply_text(_reply(_question()))
    generator = LLMQuestionGenerator.from_settings(settings)
    assert generator.name == "course-model"
    assert len(generator.generate(PASSAGES[:1], PASSAGES, want=1)) == 1
    assert server.requests[0]["body"]["model"] == "course-model"
    with pytest.raises(QuestionGenerationError, match="no LLM endpoint"):
        LLMQuestionGenerator.from_settings(LLMSettings())


def test_checks_without_a_server():
    assert locate("a  b\n c d", "b c") == "b\n c"
    assert locate("abc", "abd") is None
    ok, problems = parse_questions(_reply(_question()), LOOPS, most=1)
    assert len(ok) == 1 and problems == []
    _, problems = parse_questions(_reply(_question(answer=True)), LOOPS, most=1)
    assert problems and "answer" in problems[0]
    _, problems = parse_questions(_reply(_question(), _question()), LOOPS, most=1)
    assert problems == ["the reply has 2 questions; write at most 1"]
    _, problems = parse_questions(_reply(_question(support="for loop")), LOOPS, most=1)
    assert problems and "too short" in problems[0]


def test_a_client_factory_replaces_the_built_in_client(server):
    made: list[openai.OpenAI] = []

    def factory() -> openai.OpenAI:
        made.append(openai.OpenAI(base_url=server.base_url, api_key="from-factory", max_retries=0))
        return made[-1]

    server.reply_text(_reply(_question()))
    generator = LLMQuestionGenerator("factory-model", client_factory=factory)
    assert len(generator.generate(PASSAGES[:1], PASSAGES, want=1)) == 1
    assert len(made) == 1 and made[0].is_closed()
    assert server.requests[0]["headers"]["authorization"] == "Bearer from-factory"
