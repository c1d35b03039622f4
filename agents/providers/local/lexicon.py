"""Names of programming languages, frameworks and tools.

A question that names one the course never mentions asks about that technology ("scala case classes
vs normal classes"), however much else it shares with the course: such a name always declines. It
is also taken as spelt: "cython" is not a typo of the tutorial's "CPython".
"""

from __future__ import annotations

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
