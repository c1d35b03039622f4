"""False variants of a true sentence, for the distractors of a true-statement question: its main verb negated,
"always" and "never" swapped, a claimed number changed; and the article fixed when a word is replaced."""

from __future__ import annotations

import re

from ingest.questions.concepts import PLURAL_VERBS, Span, subject_verb
from ingest.questions.terms import CODE_KINDS, is_plural

_SUBORDINATE_TEXT = "that which who whose whom when if where while because although though unless since"
_SUBORDINATE = frozenset(_SUBORDINATE_TEXT.split())
_NEGATED = {word: f"{word} not" for word in ("is", "are", "was", "were", "will", "must", "should")}
_NEGATED.update(can="cannot", has="does not have", have="do not have")
# An introductory phrase or clause before the main clause ("If an exception occurs, ...").
_INTRO = re.compile(
    r"(?:if|when|once|while|although|because|since|after|before|unless|in|for|on|at|by|with|without|unlike|"
    r"like|besides)\b[^,;:]{3,80},\s*",
    re.IGNORECASE,
)
# Words that follow a verb rather than a noun ("supports other types", "contains a ...").
_VERB_FOLLOWER_TEXT = """a an the its their his her other some any all no each every more one two three several many
    both this these those it them you itself"""
VERB_FOLLOWERS = frozenset(_VERB_FOLLOWER_TEXT.split())
_NUMBER_WORDS = {"two": "three", "three": "four", "four": "five", "five": "six", "six": "seven", "ten": "twelve"}
_NUMBER = re.compile(r"(?<![\w.\-/:])(\d{1,4})(?![\w.\-/:%]|\.\d)")


def with_article(before: str, word: str) -> str:
    """``before`` followed by ``word``, its article ("a"/"an") agreeing with the new word."""
    article = re.search(r"\b([Aa]n?) $", before)
    if article is None:
        return before + word
    fitting = (
        ("an" if word[:1] in "aeiou" else "a") if article.group(1).islower() else ("An" if word[:1] in "aeiou" else "A")
    )
    return before[: article.start()] + fitting + " " + word


def negates(source: str, variant: str) -> bool:
    """Whether ``variant`` adds a negation to ``source``."""
    count = re.compile(r"\b(?:not|cannot|never)\b")
    return len(count.findall(variant)) > len(count.findall(source))


def negate(sentence: str, subject: Span | None) -> str | None:
    """Negate the main verb of a plain claim: the verb after a subject term, or an auxiliary after a simple subject."""
    if subject is not None and (verb := subject_verb(sentence, subject)) is not None:
        word, start, end = verb.group(1), verb.start(1), verb.end(1)
        if word in _NEGATED:
            return sentence[:start] + _NEGATED[word] + sentence[end:]
        if word in ("do", "does"):
            return None
        if subject.term.kind not in CODE_KINDS and is_plural(subject.surface):
            return sentence[:start] + "do not " + word + sentence[end:] if word in PLURAL_VERBS else None
        if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            return sentence[:start] + "does not " + _base(word) + sentence[end:]
        return None
    intro = _INTRO.match(sentence)
    offset = intro.end() if intro else 0
    words = list(re.compile(r"[A-Za-z']+").finditer(sentence, offset))
    if words and words[0].group(0).lower() in ("or", "and", "but"):
        return None  # the introductory clause goes on past its comma
    for i, match in enumerate(words):
        word, before = match.group(0).lower(), sentence[offset : match.start()]
        if i and (word in _SUBORDINATE or "," in before or len(before.split()) > 6):
            return None
        if i and word in _NEGATED:
            return sentence[: match.start()] + _NEGATED[word] + sentence[match.end() :]
        follower = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        spaced = sentence[match.end() : match.end() + 1] == " "
        after_noun = i and words[i - 1].group(0).lower() not in VERB_FOLLOWERS
        if after_noun and spaced and re.fullmatch(r"[a-z]{3,}[^su']s", word) and follower in VERB_FOLLOWERS:
            return sentence[: match.start()] + "does not " + _base(word) + sentence[match.end() :]
    return None


def _base(verb: str) -> str:
    """The base form of a third-person verb ("provides" → "provide", "applies" → "apply")."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("sses", "xes", "ches", "shes", "oes")):
        return verb[:-2]
    return verb[:-1]


def always_never(sentence: str) -> str | None:
    swapped = {"always": "never", "never": "always"}
    match = re.search(r"\b(always|never)\b", sentence)
    if match is None:
        return None
    return sentence[: match.start()] + swapped[match.group(1)] + sentence[match.end() :]


def change_number(sentence: str) -> str | None:
    """Change the first number the sentence claims ("two hooks", "at least 2 items"); a number in an
    example's action ("by dividing two strings") is a detail, not a claim, and is left alone."""
    words = "|".join(_NUMBER_WORDS)
    for match in re.finditer(rf"{_NUMBER.pattern}|\b({words})\b", sentence):
        if re.search(r"\w+ing\s+$", sentence[: match.start()]):
            continue
        if match.group(1):
            value = int(match.group(1))
            changed = str(value + 1 if value < 10 else value * 2)
        else:
            changed = _NUMBER_WORDS[match.group(2)]
        return sentence[: match.start()] + changed + sentence[match.end() :]
    return None
