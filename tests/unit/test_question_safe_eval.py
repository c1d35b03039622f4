"""The whitelist interpreter behind code questions: what it runs, what it refuses before running, its limits."""

from __future__ import annotations

import builtins

import pytest

from ingest.questions.safe_eval import Refused, SnippetError, StepLimit, check, evaluate, run, show

REFUSED_BEFORE_RUNNING = [
    "import os",
    "from os import path",
    "().__class__",
    "x = [1]\ny = x.__dict__",
    "().__class__.__bases__[0].__subclasses__()",
    "__import__('os')",
    "open('notes.txt')",
    "eval('1 + 1')",
    "exec('x = 1')",
    "getattr(3, 'real')",
    "x = 'abc'\nx.format(1)",
    "x = [3, 1]\nx.sort(key=len)\nf = lambda: 1",
    "def f():\n    return 1",
    "class A:\n    pass",
    "with open('x') as f:\n    pass",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "global x",
    "x = 1\ndel x",
    "unknown_function(3)",
    "x = [1]\nx.foo()",
    "x = [1]\ny = x.append",
    "x = 'a'\nx._private()",
    "async def f():\n    pass",
    "x = 3 @ 4",
]


@pytest.mark.parametrize("source", REFUSED_BEFORE_RUNNING)
def test_snippets_outside_the_whitelist_are_refused_by_the_pre_pass(source):
    with pytest.raises(Refused):
        check(source)
    namespace: dict = {}
    with pytest.raises(Refused):
        run(source, namespace=namespace)
    assert namespace == {}


def test_a_refused_snippet_never_runs_not_even_its_first_lines(capsys):
    namespace: dict = {}
    with pytest.raises(Refused):
        run("marker = 1\nprint('side effect')\nimport os", namespace=namespace)
    assert namespace == {}  # the first line did not run either
    assert capsys.readouterr().out == ""
    with pytest.raises(Refused):
        evaluate("print('side effect')", "__import__('os')")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "source",
    [
        "while True:\n    pass",
        "x = 0\nwhile x >= 0:\n    x += 1",
        "total = 0\nfor i in range(9000):\n    for j in range(9000):\n        total += 1",
        "xs = [1]\nfor x in xs:\n    xs.append(x)",
    ],
)
def test_long_loops_stop_at_the_step_limit(source):
    with pytest.raises(StepLimit):
        run(source)


@pytest.mark.parametrize(
    "source",
    [
        "s = 'a' * 1_000_000",
        "n = 2 ** 100_000",
        "n = 10 ** 200",
        "n = 1 << 100_000",
        "xs = [0] * 10_000_000",
        "s = 'x'.center(1_000_000_000)",
        "s = 'x'.zfill(10 ** 8)",
        "s = 'ab'.replace('', 'c' * 9_000)",
        "s = ', '.join(['word'] * 9_000)",
        "s = f'{1:>100000}'",
        "xs = list(range(10 ** 9))",
        "n = sum(range(10 ** 12))",
        "s = 'a'\nfor i in range(20):\n    s = s + s",
        "s = '%0999999d' % 1",
        "x = []\nx.append(x)\nprint(x)",
        "s = 'x' * 9000\nprint(s, s)",
        "s = 'x' * 9000\nfor i in range(3):\n    print(s)",
    ],
)
def test_values_past_the_size_limits_are_refused(source):
    with pytest.raises(Refused):
        run(source)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("x = 1 / 0", "ZeroDivisionError"),
        ("x = [1, 2][5]", "IndexError"),
        ("x = {'a': 1}['b']", "KeyError"),
        ("x = undefined + 1", "NameError"),
        ("x = int('seven')", "ValueError"),
        ("x = 'a' + 1", "TypeError"),
        ("a, b = [1, 2, 3]", "ValueError"),
        ("s = 'abc'\ns[0] = 'x'", "TypeError"),
        ("len = 3\nlen([1])", "TypeError"),
    ],
)
def test_errors_of_the_snippet_itself_are_snippet_errors(source, kind):
    with pytest.raises(SnippetError, match=kind):
        run(source)


def test_arithmetic_follows_python():
    assert evaluate("", "7 // 2 + 2 ** 3 - 1 / 4") == 10.75
    assert evaluate("", "(-7 % 3, -7 // 3, divmod(17, 5), abs(-2.5), round(2.675, 2))") == (2, -3, (3, 2), 2.5, 2.67)
    assert evaluate("", "not 0 or 5 and 6") is True
    assert evaluate("", "1 < 2 <= 2 != 3") is True
    assert evaluate("x = 5", "'big' if x > 3 else 'small'") == "big"


def test_assignment_forms():
    result = run(
        "a, (b, c) = 1, [2, 3]\n"
        "a += 10\n"
        "xs = [1, 2, 3]\n"
        "xs[0] = 9\n"
        "xs[1] += 5\n"
        "xs[1:] = [7]\n"
        "d = {'k': 1}\n"
        "d['k'] += 1\n"
        "d['new'] = [0]\n"
        "d['new'][0] = 4\n"
    )
    assert {k: result.namespace[k] for k in "abc"} == {"a": 11, "b": 2, "c": 3}
    assert result.namespace["xs"] == [9, 7]
    assert result.namespace["d"] == {"k": 2, "new": [4]}


def test_loops_with_break_continue_and_else():
    source = (
        "found = []\n"
        "for n in range(2, 10):\n"
        "    for x in range(2, n):\n"
        "        if n % x == 0:\n"
        "            break\n"
        "    else:\n"
        "        found.append(n)\n"
        "odd = 0\n"
        "i = 0\n"
        "while i < 10:\n"
        "    i += 1\n"
        "    if i % 2 == 0:\n"
        "        continue\n"
        "    odd += i\n"
    )
    result = run(source)
    assert result.namespace["found"] == [2, 3, 5, 7]
    assert result.namespace["odd"] == 25


def test_comprehensions_have_their_own_scope():
    result = run(
        "x = 'kept'\n"
        "squares = [x * x for x in range(5) if x % 2 == 0]\n"
        "pairs = {k: v for k, v in zip('ab', [1, 2])}\n"
        "letters = {c.upper() for c in 'aab'}\n"
        "total = sum(n for n in range(4))\n"
        "grid = [[r * c for c in range(3)] for r in range(2)]\n"
    )
    ns = result.namespace
    assert ns["x"] == "kept"
    assert ns["squares"] == [0, 4, 16]
    assert ns["pairs"] == {"a": 1, "b": 2}
    assert ns["letters"] == {"A", "B"}
    assert ns["total"] == 6
    assert ns["grid"] == [[0, 0, 0], [0, 1, 2]]


def test_f_strings_and_print_capture(capsys):
    result = run(
        "name = 'Ada'\n"
        "print(f'Hello {name.upper()}! {3.14159:.2f} {name!r:>6}|')\n"
        "print(1, 2, 3, sep='-', end='!')\n"
        "print()\n"
        "print(*[4, 5], [6], {'k': None})\n"
    )
    assert result.output == "Hello ADA! 3.14  'Ada'|\n1-2-3!\n4 5 [6] {'k': None}\n"
    assert [line for line, _ in result.prints] == [2, 3, 4, 5]
    assert capsys.readouterr().out == ""  # captured, never written to the real output


def test_methods_of_built_in_values():
    result = run(
        "words = 'the quick brown fox'.split()\n"
        "words.append('jumps')\n"
        "words.sort(reverse=True)\n"
        "title = ' '.join(words).title()\n"
        "first = words.pop(0)\n"
        "counts = {}\n"
        "for w in words:\n"
        "    counts[w[0]] = counts.get(w[0], 0) + 1\n"
        "keys = sorted(counts.keys())\n"
        "found = 'brown fox'.find('fox')\n"
    )
    ns = result.namespace
    assert ns["title"] == "The Quick Jumps Fox Brown"
    assert ns["first"] == "the" and ns["words"] == ["quick", "jumps", "fox", "brown"]
    assert ns["keys"] == ["b", "f", "j", "q"]
    assert ns["found"] == 6


def test_interactive_mode_echoes_values_and_keeps_underscore():
    namespace: dict = {}
    first = run("tax = 12.5 / 100\nprice = 100.50\nprice * tax", namespace=namespace, interactive=True)
    second = run("price + _\nround(_, 2)\nNone\nprint('x')", namespace=namespace, interactive=True)
    assert first.output == "12.5625\n"
    assert second.output == "113.0625\n113.06\nx\n"
    assert namespace["_"] == 113.06


def test_trace_records_scalar_assignments():
    result = run("total = 0\nfor n in [1, 2, 3]:\n    total = total + n")
    assert [value for _, name, value in result.trace if name == "total"] == [0, 1, 3, 6]


def test_sets_of_strings_are_shown_in_a_stable_order_and_never_iterated():
    assert show({"pear", "apple", "fig"}) == "{'apple', 'fig', 'pear'}"
    assert show({3, 1, 2}) == repr({3, 1, 2})
    assert show((1,)) == "(1,)" and show(set()) == "set()" and show({1: {"b", "a"}}) == "{1: {'a', 'b'}}"
    assert run("print({'b', 'a'})").output == "{'a', 'b'}\n"
    assert evaluate("s = {'b', 'a'}", "sorted(s)") == ["a", "b"]
    assert evaluate("s = {'b', 'a'}", "'a' in s") is True
    with pytest.raises(Refused):
        run("for x in {'b', 'a'}:\n    print(x)")
    with pytest.raises(Refused):
        run("x = list({'b', 'a'})")


def test_iterators_cannot_be_shown():
    with pytest.raises(Refused):
        run("print(enumerate([1]))")
    with pytest.raises(Refused):
        run("print(len)")
    assert run("print(list(enumerate('ab', 1)), list(reversed([1, 2])))").output == "[(1, 'a'), (2, 'b')] [2, 1]\n"


def test_items_can_be_deleted_but_not_names():
    result = run("xs = [1, 2, 3, 4]\ndel xs[0]\ndel xs[1:]\nd = {'a': 1, 'b': 2}\ndel d['a']")
    assert result.namespace["xs"] == [2] and result.namespace["d"] == {"b": 2}
    with pytest.raises(SnippetError, match="TypeError"):
        run("s = 'abc'\ndel s[0]")


def test_rounding_to_a_huge_number_of_digits_is_refused():
    assert evaluate("", "round(1234, -2)") == 1200
    with pytest.raises(Refused):
        run("x = round(5, -10 ** 9)")


def test_deeply_nested_values_are_refused_not_crashed():
    with pytest.raises(Refused):
        run("x = []\nfor i in range(500):\n    x = [x]\nprint(x)")
    with pytest.raises(Refused):
        show(evaluate("x = []\nfor i in range(500):\n    x = [x]", "x"))


def test_nothing_reaches_the_real_built_ins(monkeypatch):
    calls: list[tuple] = []
    monkeypatch.setattr(builtins, "open", lambda *args, **kwargs: calls.append(("open", args)))
    monkeypatch.setattr(builtins, "print", lambda *args, **kwargs: calls.append(("print", args)))
    with pytest.raises(Refused):
        run("print('side effect')\nopen('notes.txt')")
    assert run("print('captured')").output == "captured\n"
    assert calls == []
