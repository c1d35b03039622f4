"""The local model's words for practice in chat: asking a question and explaining the grade."""

from __future__ import annotations

from typing import Any

from tutor.services.skills import skill_label

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ASK_FOR_LETTER = "Reply with the letter of your answer."


def question_reply(data: dict[str, Any]) -> str:
    """Present one practice question (``practice_question``'s data) without revealing its answer."""
    if not data.get("ok"):
        return f"I couldn't find a practice question: {_error(data)}."
    q = data.get("question") or data
    lesson = q.get("lesson_title") or "this course"
    topic = _skill_name(q)
    intro = ""
    if q.get("topic") and not q.get("topic_matched"):
        where = q.get("course_title") or "your courses"
        intro = f"I couldn't find practice questions on \"{q['topic']}\" in {where}, so here's one on {topic}"
        intro += " (one of your weaker areas)" if q.get("weak") else ""
        intro += f', from the lesson "{lesson}":'
    elif q.get("weak") and not q.get("topic"):
        intro = f'Here\'s a practice question on {topic}, one of your weaker areas (from the lesson "{lesson}"):'
    else:
        intro = f'Here\'s a practice question on {topic} (from the lesson "{lesson}"):'
    return f"{intro}\n\n{q.get('prompt', '')}\n\n{_choices(q.get('choices') or [])}\n\n{ASK_FOR_LETTER}"


def result_reply(data: dict[str, Any]) -> str:
    """Explain a graded practice answer (``check_practice_answer``'s data), or ask again."""
    if not data.get("ok"):
        return f"I couldn't check that answer: {_error(data)}."
    r = data.get("result") or data
    if r.get("status") == "not_an_answer":
        return (
            "I couldn't tell which choice you meant, so I haven't marked it. Here's the question again:\n\n"
            f"{r.get('prompt', '')}\n\n{_choices(r.get('choices') or [])}\n\n{ASK_FOR_LETTER}"
        )
    right = f"{r.get('answer_letter', '?')}) {r.get('answer_text', '')}"
    head = f"Correct! The answer is {right}." if r.get("correct") else f"Not quite: the answer is {right}."
    if not r.get("correct") and r.get("given_letter"):
        head += f" You chose {r['given_letter']}) {r.get('given_text', '')}."
    parts = [head]
    if r.get("explanation"):
        parts.append(str(r["explanation"]))
    lesson, course = r.get("lesson_title"), r.get("course_title")
    if lesson:
        parts.append(f'You can review it in the lesson "{lesson}"' + (f" of {course}." if course else "."))
    parts.append("Want another question?")
    return " ".join(parts)


def _choices(choices: list[Any]) -> str:
    return "\n".join(f"{LETTERS[i]}) {choice}" for i, choice in enumerate(choices[: len(LETTERS)]))


def _skill_name(q: dict[str, Any]) -> str:
    if q.get("skill_label"):
        return str(q["skill_label"])
    if q.get("skill"):
        return skill_label(str(q["skill"]))
    return str(q.get("lesson_title") or "this course")


def _error(data: dict[str, Any]) -> str:
    error = data.get("error") or {}
    return str(error.get("message", "the request failed"))
