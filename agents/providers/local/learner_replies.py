"""Plain-language replies for the progress, recommendations and weak-areas tools.

``data`` is the tool's JSON payload (``{"ok": true, "progress" | "recommendations" | "weak_areas": ...}``
or ``{"ok": false, "error": {"code", "message"}}``), shaped by ``agents.learner_views``. Replies name
courses, lessons and skills by their titles and give numbers as percents and counts; they never show
an id, a dict key or JSON. Older, thinner payloads (other ports) are still rendered sensibly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tutor.services.skills import skill_label

NO_PROGRESS = (
    "You haven't started a course yet, so there's no progress to show. Enroll in a course and open "
    "its first lesson, and I'll keep track for you."
)
NO_RECOMMENDATIONS = (
    "I don't have a suggestion for you yet. Enroll in a course and take a lesson's quiz, and I'll "
    "suggest what to study next."
)
NO_WEAK_AREAS = (
    "I don't see any weak areas right now: either you haven't answered any quiz questions yet, or "
    "you're doing well on everything so far. Take a lesson's quiz and I'll keep an eye on it."
)
UNAVAILABLE = "Personal suggestions aren't available on this server yet, sorry."
TRY_AGAIN = "Something went wrong while I was looking that up. Please try again in a moment."


def progress_reply(data: dict[str, Any]) -> str:
    """The student's progress, one sentence per course."""
    if not data.get("ok"):
        if _code(data) == "not_found":
            return "You aren't enrolled in that course yet, so there's no progress to show."
        return TRY_AGAIN
    records = [r for r in data.get("progress") or [] if isinstance(r, dict)]
    if not records:
        return NO_PROGRESS
    lines = [_course_progress(r) for r in records]
    if len(lines) == 1:
        return lines[0]
    return "Here's where you are:\n" + "\n".join(f"- {line}" for line in lines)


def learner_reply(name: str, data: dict[str, Any]) -> str:
    """Recommendations (``get_recommendations``) or weak areas (``get_weak_areas``)."""
    weak = name == "get_weak_areas"
    if not data.get("ok"):
        code = _code(data)
        if code == "unavailable":
            return UNAVAILABLE
        if code == "not_found":
            return NO_WEAK_AREAS if weak else NO_RECOMMENDATIONS
        return TRY_AGAIN
    if weak:
        return _weak_areas_reply([a for a in data.get("weak_areas") or [] if isinstance(a, dict)])
    recs = data.get("recommendations")
    return _recommendations_reply(recs if isinstance(recs, dict) else {"items": recs or []})


# -- progress ------------------------------------------------------------------------------------


def _course_progress(r: dict[str, Any]) -> str:
    title = r.get("course_title") or "your course"
    pct = _number(r.get("progress_percentage", r.get("progress_percent")))
    done, total = r.get("lessons_completed"), r.get("lessons_total")
    if not (isinstance(total, int) and total > 0 and isinstance(done, int)):
        # A thin record (no lesson counts): say what it does tell.
        text = f"{title}: {pct or 0:.0f}% complete"
        if isinstance(r.get("completed_lessons"), list):
            count = len(r["completed_lessons"])
            text += f", {count} lesson{'s' if count != 1 else ''} done"
        return text + "."
    finished = bool(r.get("completed")) or done >= total
    if finished:
        text = f"You've finished all {total} lessons of {title}. Well done!"
    elif done == 0:
        text = f"You haven't finished a lesson of {title} yet ({total} lessons in all)"
    else:
        text = f"You've finished {done} of {total} lessons ({pct or 0:.0f}%) of {title}"
    best = r.get("best_quiz") if isinstance(r.get("best_quiz"), dict) else None
    score = _number(best.get("best_score")) if best else None
    if finished:
        if best and score is not None:
            text += f" Your best quiz was {best.get('lesson_title') or 'a lesson'}, {score:.0f}%."
        return text
    if best and score is not None:
        text += f"; your best quiz so far is {best.get('lesson_title') or 'a lesson'}, {score:.0f}%."
    else:
        text += "; you haven't taken a quiz yet."
    if r.get("next_lesson"):
        text += f' Next up: "{r["next_lesson"]}".'
    return text


# -- weak areas ----------------------------------------------------------------------------------


def _weak_areas_reply(areas: list[dict[str, Any]]) -> str:
    if not areas:
        return NO_WEAK_AREAS
    shown = areas[:5]
    several_courses = len({a.get("course_title") for a in shown if a.get("course_title")}) > 1
    lines = [_weak_line(a, several_courses) for a in shown]
    if len(lines) == 1:
        return "The topic that seems to need the most practice is " + lines[0]
    return "These topics seem to need the most practice, weakest first:\n" + "\n".join(f"- {x}" for x in lines)


def _weak_line(area: dict[str, Any], with_course: bool) -> str:
    name = area.get("skill_name") or area.get("name") or area.get("topic")
    if not name:
        name = skill_label(str(area["skill"])) if area.get("skill") else "a topic"
    text = str(name)
    if with_course and area.get("course_title"):
        text += f" ({area['course_title']})"
    pct = _number(area.get("mastery_percent"))
    if pct is None and _number(area.get("mastery")) is not None:
        pct = 100 * float(area["mastery"])
    answers = area.get("answers", area.get("attempts"))
    if pct is not None:
        text += f": about {pct:.0f}% mastery"
        if isinstance(answers, int) and answers > 0:
            text += f" from {answers} answer{'s' if answers != 1 else ''}"
    wrong, recent = area.get("recent_wrong", area.get("recent_errors")), area.get("recent_answers")
    if isinstance(wrong, int) and wrong > 0 and isinstance(recent, int) and recent > 0:
        if wrong < recent:
            text += f"; {wrong} of your last {recent} answers were wrong"
        else:
            text += "; your last answer was wrong" if recent == 1 else f"; your last {recent} answers were all wrong"
    text += "."
    if area.get("review_lesson"):
        text += f' Reviewing "{area["review_lesson"]}" would help.'
    return text


# -- recommendations -----------------------------------------------------------------------------


def _recommendations_reply(recs: dict[str, Any]) -> str:
    lessons = [x for x in recs.get("next_lessons") or [] if isinstance(x, dict)]
    courses = [x for x in recs.get("recommended_courses") or [] if isinstance(x, dict)]
    goal = _Goal(recs.get("career_goals"))
    parts: list[str] = []
    if lessons:
        first = lessons[0]
        where = f" in {first['course_title']}" if first.get("course_title") else ""
        title = first.get("title") or "the next lesson"
        parts.append(f'Next, I suggest the lesson "{title}"{where}{_because(first)}{goal.clause(first)}.')
        rest = [f'"{x["title"]}"' for x in lessons[1:3] if x.get("title")]
        if rest:
            parts.append(f"After that, try {_join(rest)}.")
    if courses:
        first = courses[0]
        lead = "When you're ready for a new course, I'd suggest" if lessons else "I suggest the course"
        parts.append(f"{lead} {first.get('title') or 'a new course'}{_because(first)}{goal.clause(first)}.")
        rest = [str(x["title"]) for x in courses[1:3] if x.get("title")]
        if rest:
            parts.append(f"You might also like {_join(rest)}.")
    if not parts:
        parts = _fallback(recs)
    return " ".join(parts) if parts else NO_RECOMMENDATIONS


def _fallback(recs: dict[str, Any]) -> list[str]:
    """Something useful when there is no lesson or course to suggest."""
    path = recs.get("learning_path") if isinstance(recs.get("learning_path"), dict) else None
    titles = [str(c["title"]) for c in (path or {}).get("courses") or [] if isinstance(c, dict) and c.get("title")]
    if titles:
        hours = _number((path or {}).get("total_hours"))
        about = f" (about {hours:.0f} hours)" if hours else ""
        return [f"Your learning path: {', then '.join(titles)}{about}."]
    weak = [str(w["skill_name"]) for w in recs.get("weak_areas") or [] if isinstance(w, dict) and w.get("skill_name")]
    if weak:
        return [f"For now, practising {_join(weak)} would help most."]
    items = recs.get("items")
    items = items if isinstance(items, list) else []
    named = [str(i.get("title") or i.get("name")) for i in items if isinstance(i, dict)]
    named = [n for n in named if n != "None"]
    return [f"I suggest next: {_join(named[:5])}."] if named else []


class _Goal:
    """Mentions the student's career goal once per reply, on the first item that helps with it."""

    def __init__(self, goals: Any) -> None:
        self.text = ", ".join(str(g) for g in goals if str(g).strip()) if isinstance(goals, list) else ""
        self.said = False

    def clause(self, item: dict[str, Any]) -> str:
        if self.said or not self.text or not item.get("helps_goal"):
            return ""
        self.said = True
        return f", and it helps with your goal ({self.text})"


def _because(item: dict[str, Any]) -> str:
    why = item.get("why")
    return f", because {why}" if isinstance(why, str) and why.strip() else ""


# -- helpers -------------------------------------------------------------------------------------


def _code(data: dict[str, Any]) -> str:
    error = data.get("error")
    return str(error.get("code", "")) if isinstance(error, dict) else ""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
