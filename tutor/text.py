"""The one text analysis of the project (retrieval's index and queries, the tutor's word checks, question
generation, practice-topic matching): normalise, split, drop stopwords, stem. It sits in the lowest
layer so every package above uses this one and none keeps its own.

The stemmer is deliberately light (plural and common inflection suffixes only): aggressive
stemming conflates unrelated words, which costs more precision than it buys recall on short
questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
# Identifiers stay whole for the tutor's word checks: "set_coroutine_origin_tracking_depth" in a listing
# is not evidence about coroutines, and "c++"/"c#" are not "c".
_IDENTIFIER = re.compile(r"[a-z0-9_+#]+")

_STOPWORD_TEXT = """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself nor of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself s t"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# How students type around a question: never its topic, so never evidence that the course lacks it.
_CHAT_FILLER_TEXT = """vs versus pls plz please thanks thank thx hey hi hello ok okay u ur im ive id dont doesnt
    cant isnt wont didnt arent whats hows wheres wanna gonna kinda sorta btw lol eli5 tldr bro guys um uh
    oh oops yeah er ah sorry actually basically really anyway also not no now"""
QUESTION_STOPWORDS = STOPWORDS | frozenset(_CHAT_FILLER_TEXT.split())
# Words that phrase a chat request rather than name its topic: left out when a question's words are
# compared with a passage's (the tutor's evidence and follow-up checks).
_CONVERSATIONAL_TEXT = """wait mean rather like well scratch make tell know want need get one"""
CHAT_STOPWORDS = QUESTION_STOPWORDS | frozenset(_CONVERSATIONAL_TEXT.split())

# Python keywords that are also English function words. Before a word that makes them a construct's
# name ("if statements", "for loops", "the in operator") they are the topic, not filler, and stay terms.
_CONSTRUCTS = {
    "if": frozenset(["statement", "statements", "clause", "clauses", "block", "blocks", "keyword", "else", "elif"]),
    "for": frozenset(["loop", "loops", "statement", "statements", "clause", "clauses", "keyword"]),
    "while": frozenset(["loop", "loops", "statement", "statements", "keyword"]),
    "with": frozenset(["statement", "statements", "keyword"]),
    **dict.fromkeys(("in", "is", "not", "and", "or"), frozenset(["operator", "operators", "keyword"])),
}
# "with keyword arguments", "positional and keyword arguments": there "keyword" is not the construct's noun.
_NOT_THE_KEYWORD = frozenset(["argument", "arguments", "arg", "args", "only", "parameter", "parameters"])


def _names_construct(tokens: Sequence[str], i: int) -> bool:
    """Whether ``tokens[i]`` is a keyword named as a construct by the word after it, also in a pair joined
    by "or"/"and" ("a for or while loop"). Two keywords side by side name only the second ("help with
    if statements"): the "/" of "for/while" is gone from the tokens."""
    nouns = _CONSTRUCTS.get(tokens[i])
    if nouns is None:
        return False
    rest = tokens[i + 1 : i + 4]
    if len(rest) >= 3 and rest[0] in ("and", "or") and (rest[1] in _CONSTRUCTS or rest[1] in nouns) \
            and rest[2] in nouns:
        rest = rest[2:]  # "for or while loop", "if and else blocks"
    if not rest or rest[0] not in nouns:
        return False
    return rest[0] != "keyword" or len(rest) < 2 or rest[1] not in _NOT_THE_KEYWORD


# Operators as students type them ("= vs ==", "what does // do"). Words drop symbols, so these are index
# terms of their own; "<", ">", "+", "-", "*" and "/" alone are left out (markup, prose and paths use them).
_OPERATOR = re.compile(r"==|!=|<=|>=|:=|->|//=?|\*\*=?|[-+*/%@]=|%|(?<![=!<>:+\-*/%@])=(?![=>])")
# Not operators: addresses ("https://", "%20"), underlines and rules ("=====", "***").
_NOT_OPERATORS = re.compile(r"[a-z][a-z0-9+.-]*://\S*|={3,}|\*{3,}|-{3,}", re.IGNORECASE)
# What may stand before / after an operator written with spaces; anything else is an operand ("len(xs)==0").
_SPACE_BEFORE = frozenset(" \t\n([{,;:")
_SPACE_AFTER = frozenset(" \t\n)]},;:.?!")


def operator_terms(text: str) -> list[str]:
    """The operators in ``text``, in order (``["=", "=="]`` for "= vs =="); :func:`analyze` indexes them.

    An operator is written alike on both sides, with operands ("7//2") or with spaces ("7 // 2");
    a sign with a word on one side only is markup or prose: "**bold**", "**kwargs", "50%".
    """
    text = _NOT_OPERATORS.sub(" ", text)
    found = []
    for match in _OPERATOR.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if (before in _SPACE_BEFORE) == (after in _SPACE_AFTER):
            found.append(match.group(0))
    return found


def normalize(text: str) -> str:
    """Lower-case and strip accents so "Café" and "cafe" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip common English inflections (plural, -ing, -ed, -ly) from one lower-case word."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            # "stopped" -> "stopp" -> "stop": undo the doubled final consonant.
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return word


def words(text: str) -> list[str]:
    """Normalised word tokens, stopwords kept (query parsing needs them)."""
    return _WORD.findall(normalize(text))


def content_words(text: str) -> list[str]:
    """Stemmed topic words of a chat message or passage (chat phrasing and stopwords removed)."""
    return [stem(w) for w in topic_words(_IDENTIFIER.findall(normalize(text)), CHAT_STOPWORDS) if len(w) > 1]


def topic_words(tokens: Sequence[str], stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """``tokens`` without stopwords, except a keyword that names a construct ("if" in "if statements")."""
    return [word for i, word in enumerate(tokens) if word not in stopwords or _names_construct(tokens, i)]


def named_constructs(text: str) -> set[str]:
    """The keywords ``text`` names as constructs: {"if", "for"} for "if statements inside for loops"."""
    tokens = words(text)
    return {word for i, word in enumerate(tokens) if _names_construct(tokens, i)}


def analyze(text: str) -> list[str]:
    """Index terms of a text: normalised, stopwords removed (see :func:`topic_words`), stemmed; then its
    operators."""
    return [stem(w) for w in topic_words(words(text))] + operator_terms(text)
