"""Names of programming languages, frameworks and tools.

A question that names one the course never mentions asks about that technology ("scala case classes
vs normal classes"), however much else it shares with the course: such a name always declines. It
is also taken as spelt: "cython" is not a typo of the tutorial's "CPython".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TECHNOLOGIES_TEXT = """java javascript typescript kotlin scala swift ruby rails php perl haskell rust golang
bash zsh powershell matlab julia lua dart elixir erlang clojure fortran cobol csharp cpp objective vba
jquery react angular vue svelte node nodejs django flask fastapi numpy pandas scipy tensorflow pytorch
keras docker kubernetes terraform spark hadoop excel lisp ocaml fsharp groovy delphi prolog racket zig
solidity mysql postgres postgresql sqlite mongodb redis celery sphinx tox pytest pipenv conda anaconda
homebrew jupyter pycharm vscode intellij xcode github gitlab bitbucket heroku aws azure gcp nginx kafka
rabbitmq graphql grpc selenium beautifulsoup scrapy matplotlib seaborn plotly sklearn opencv pygame
tkinter streamlit nltk openpyxl pydantic sqlalchemy gunicorn uvicorn asyncio cython pypy mypy pylint
flake8 ruff isort twine setuptools ansible jenkins arduino thonny spyder replit colab kaggle"""
TECHNOLOGIES = frozenset(_TECHNOLOGIES_TEXT.split())


def names_technology(word: str) -> bool:
    """Whether ``word`` names a programming language, framework or tool."""
    return word in TECHNOLOGIES


# Languages named by a letter or a symbol ("switch statements in C", "vectors in R", "C++ templates") are lost
# to the index, which drops one-letter words and symbols. "C" and "R" count as a language only capitalised
# and after a word that introduces one ("in C", "learn R"): "the value in c" is a variable.
_LANGUAGE_CUE = r"\b(?:in|with|using|into|from|than|versus|vs\.?|like|learn|learning|know|knows|program|code)\s+"
_LETTER_LANGUAGE = re.compile(
    rf"{_LANGUAGE_CUE}(?-i:([CR]))(?![\w+#'])|(?<![\w+#])(c\+\+|[cf]#)(?![\w+#])",
    re.IGNORECASE,
)


def absent_letter_languages(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """Languages named by a letter or symbol (C, R, C++, C#, F#) in ``question`` that none of ``texts`` names."""
    missing = []
    for match in _LETTER_LANGUAGE.finditer(question):
        name = next(group for group in match.groups() if group).upper()
        written = rf"(?<![\w+#]){re.escape(name)}(?![\w+#])"
        if not any(re.search(written, text) for text in texts):  # a passage "written in C" names it
            missing.append(name)
    return tuple(dict.fromkeys(missing))
