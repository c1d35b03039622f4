"""Code questions: what a snippet of the passage shows, prints or leaves in a variable, found by running it.

Code runs only through :mod:`ingest.questions.safe_eval` (what it refuses is skipped, never executed). A
document's ``>>>`` examples run as one session, kept only where our output matches the document's; wrong
choices come from the same code with one slip, earlier values, or other outputs of the document."""

from __future__ import annotations

import ast
import copy
import hashlib
import io
import math
import re
import tokenize
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard, cast

from ingest.questions import safe_eval
from ingest.questions.safe_eval import SafeEvalError, show
from ingest.questions.types import Candidate
from retrieval.types import Chunk

MAX_LINES, MAX_CHARS, MAX_MUTANTS, MAX_PER_CHUNK = 6, 300, 12, 6
_PS1, _PARAGRAPH = re.compile(r">>>(?: |$)"), re.compile(r"\n[ \t]*\n")
_STATEMENT = re.compile(r"^>>>(?: .*)?$(?:\n\.\.\.(?: .*)?$)*((?:\n(?!>>>(?: |$)).*$)*)", re.MULTILINE)
_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Div: ast.FloorDiv, ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv, ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Pow: ast.Mult, ast.And: ast.Or, ast.Or: ast.And,
}  # fmt: skip
_DOING = (ast.Assign, ast.AugAssign, ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef,
          ast.Import, ast.ImportFrom, ast.Delete)  # fmt: skip
_COMPUTING = (ast.BinOp, ast.BoolOp, ast.Compare, ast.Subscript, ast.comprehension, ast.For, ast.While, ast.AugAssign,
              ast.FormattedValue, ast.IfExp)  # fmt: skip
_MUTATING = frozenset(("append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "setdefault", "add"))
_FENCE, _CLOSE = "```python\n{}\n```", ">>> "  # _CLOSE: a last paragraph that ends the last code block


@dataclass
class _Step:
    """A unit of code: one ``>>>`` statement (``shown``: the output under it) or a plain code block."""

    source: str
    start: int
    end: int
    shown: str | None = None
    tree: ast.Module | None = None
    result: safe_eval.Result | None = None  # None when refused or failed
    good: bool = False  # ran, and (for a ``>>>`` statement) printed what the document shows
    kind: str = "output"  # what the answer is: printed "output", or the type of the value the prompt echoed
    names: tuple[frozenset[str], ...] = (frozenset(),) * 3  # read, maybe changed, surely rebound


def code_candidates(chunk: Chunk, course: Sequence[Chunk]) -> list[Candidate]:
    """Questions about the code lying whole in ``chunk`` (and not whole in the chunk before), answers computed.

    The chunk's neighbours in ``course`` give the earlier statements of a session and wrong choices."""
    text, low, high, before = _document(chunk, course)
    steps = _analyse(text)
    mine = [k for k, s in enumerate(steps) if s.good and low <= s.start and s.end <= high]
    mine = [k for k in mine if not (before[0] <= steps[k].start and steps[k].end <= before[1])]
    out: list[Candidate] = []
    for k in sorted(mine, key=lambda k: -len(list(ast.walk(steps[k].tree or ast.Module([], []))))):
        found = [_output_question(chunk, steps, k)]
        if steps[k].shown is None:
            found += [_value_question(chunk, steps[k]), _line_question(chunk, steps[k])]
        elif not any(c.kind == "code_line" for c in out):
            found.append(_expression_question(chunk, steps, k, mine))
        out += [c for c in found if c is not None][: MAX_PER_CHUNK - len(out)]
    return out


def _document(chunk: Chunk, course: Sequence[Chunk]) -> tuple[str, int, int, tuple[int, int]]:
    """The document's text stitched from its chunks, the chunk's span in it, and the previous chunk's span."""
    same = {c.ordinal: c for c in course if c.document_id == chunk.document_id} | {chunk.ordinal: chunk}
    text = ""
    for part in (same[o] for o in sorted(same)):
        known = text[part.char_start : part.char_end]
        if part.char_end - part.char_start != len(part.text) or not part.text.startswith(known):
            return chunk.text, 0, len(chunk.text), (0, -1)  # no usable offsets: the chunk on its own
        text += "\n" * (part.char_start - len(text)) + part.text if not known else part.text[len(known) :]
    previous = same.get(chunk.ordinal - 1)
    return text, chunk.char_start, chunk.char_end, (previous.char_start, previous.char_end) if previous else (0, -1)


@lru_cache(maxsize=32)
def _analyse(text: str) -> list[_Step]:
    """Every ``>>>`` statement and plain code block of a document, in order, each run once."""
    steps, group, offset = [], [0, 0], 0
    for piece in [*_PARAGRAPH.split(text), _CLOSE]:
        start = text.find(piece, offset) if piece is not _CLOSE else len(text)
        offset, doing, prompt = start + len(piece), _doing(piece), _PS1.match(piece)
        if group[1] and not prompt and (doing or piece[:1] in " \t#") and _parsed(text[group[0] : offset]):
            group[1] = offset
            continue
        if group[1]:
            steps.append(_Step(_strip_comments(text[group[0] : group[1]]), group[0], group[1]))
        group = [start, offset if doing else 0]
        steps.extend(_doctest(piece, start) if prompt else [])
    session: dict[str, Any] = {}
    for step in steps:
        _run(step, session if step.shown is not None else {})
    return steps


def _doctest(block: str, start: int) -> Iterator[_Step]:
    for match in _STATEMENT.finditer(block):
        source = "\n".join(line[4:] for line in block[match.start() : match.start(1)].split("\n")).rstrip()
        shown = "\n".join("" if line == "<BLANKLINE>" else line for line in match.group(1).split("\n")[1:])
        if (code := _strip_comments(source)).strip():
            yield _Step(code, start + match.start(), start + match.end(), shown)


def _parsed(source: str) -> ast.Module | None:
    try:
        return cast(ast.Module, safe_eval.parse(source))
    except SafeEvalError:
        return None


def _doing(source: str) -> bool:
    body = getattr(_parsed(source), "body", [])
    return any(isinstance(s, _DOING) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)) for s in body)


def _strip_comments(source: str) -> str:
    """``source`` without comments (they often give the answer away); lines left empty are dropped."""
    lines = source.split("\n")
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        comments = [t.start for t in tokens if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return source
    for row, col in comments:
        lines[row - 1] = lines[row - 1][:col].rstrip() or "\0"
    return "\n".join(line for line in lines if line != "\0")


def _run(step: _Step, namespace: dict[str, Any]) -> None:
    """Run a step (``>>>`` statements in the document's session); record what it reads, changes and shows."""
    step.tree = _parsed(step.source)
    step.names = _names(step.tree) if step.tree else step.names
    step.result = _try(step.tree, step.shown is not None, namespace) if step.tree else None
    if step.tree is not None and step.result is not None:
        step.kind = _kind(step.tree, step.result.value, step.shown is not None)
        if step.kind != "output":  # the prompt stored the echoed value in ``_``
            step.names = (step.names[0], step.names[1] | {"_"}, step.names[2] | {"_"})
        step.good = step.shown is None or _same_output(step.result.output, step.shown, step.result.value)


def _names(tree: ast.AST) -> tuple[frozenset[str], ...]:
    """Names a statement reads, names it may change (assigned or mutated) and names it surely rebinds."""
    nodes = list(ast.walk(tree))
    local = _targets(n.target for n in nodes if isinstance(n, ast.comprehension))
    loads = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    loads -= local | _targets(n.target for n in nodes if isinstance(n, ast.For))
    loads |= {n.target.id for n in nodes if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    stores = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} - local
    changed = [n.func for n in nodes if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in _MUTATING]
    changed += [n for n in nodes if isinstance(n, ast.Subscript) and not isinstance(n.ctx, ast.Load)]
    for base in (getattr(n, "value", None) for n in changed):
        while isinstance(base, ast.Subscript | ast.Attribute):
            base = base.value
        stores |= {base.id} if isinstance(base, ast.Name) else set()
    kills = _targets(t for s in getattr(tree, "body", []) if isinstance(s, ast.Assign) for t in s.targets)
    return frozenset(loads), frozenset(stores), frozenset(kills)


def _targets(targets: Iterable[ast.AST]) -> set[str]:
    return {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}


def _same_output(computed: str, shown: str, value: Any) -> bool:
    lines = [[line.rstrip() for line in text.rstrip().split("\n")] for text in (computed, shown)]
    try:  # the same text, or a set or dict the document lists in another order
        return lines[0] == lines[1] or (isinstance(value, set | dict) and ast.literal_eval(shown.strip()) == value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def _context(steps: list[_Step], k: int) -> tuple[list[_Step], str, str] | None:
    """The earlier statements step ``k`` needs, their code and output, if together they reproduce its output."""
    need, picked = set(steps[k].names[0]), list[_Step]()
    for step in reversed(steps[:k] if steps[k].shown is not None else []):
        if step.shown is not None and step.names[1] & need:
            if not step.good:
                return None
            picked.insert(0, step)
            need = (need - step.names[2]) | step.names[0]
    source, shown = "\n".join(s.source for s in picked), "".join(_output(s) for s in picked)
    fresh = _try(f"{source}\n{steps[k].source}", steps[k].shown is not None)
    return (picked, source, shown) if fresh is not None and fresh.output == shown + _output(steps[k]) else None


def _output_question(chunk: Chunk, steps: list[_Step], k: int) -> Candidate | None:
    """Ask "What does Python show after the last line?" (a session) or "What does this code print?"."""
    step, context, interactive = steps[k], _context(steps, k), steps[k].shown is not None
    form = _form(_output(step))
    if context is None or form is None or not any(_computes(s.tree) for s in [*context[0], step]):
        return None
    (before, source, shown), (answer, last) = context, form

    def make(mutant: ast.AST) -> str:
        result = _try(f"{source}\n{ast.unparse(mutant)}", interactive)
        fits = result is not None and _kind(mutant, result.value, interactive) == step.kind
        return (_form(result.output[len(shown) :], last) or ("",))[0] if result and fits else ""

    alike = [j for j, s in enumerate(steps) if j != k and s.kind == step.kind and (s.shown is None) != interactive]
    nearby = [(_form(_output(steps[j]), last) or ("",))[0] for j in sorted(alike, key=lambda j: abs(j - k))[:8]]
    printed = step.kind == "output"
    perturbed = _perturb(_output(step) if printed else getattr(step.result, "value", None), printed, last)
    options = [*_slips(make, step.tree), *(perturbed + nearby if printed else nearby + perturbed)]
    code = _FENCE.format(_transcript(before, step) if interactive else step.source)
    ask = ("What is the last line Python shows" if last else "What does Python show") + " after the last `>>>` line"
    ask = ask if interactive else "What is the last line this code prints" if last else "What does this code print"
    why = f"Running the {'session' if interactive else 'code'} gives {_quote(answer)}"
    why += ", the output the passage itself shows." if interactive else "."
    return _candidate(chunk, "code_value", f"{ask}?\n\n{code}", answer, options, why)


def _expression_question(chunk: Chunk, steps: list[_Step], k: int, mine: list[int]) -> Candidate | None:
    """Ask "Which of these expressions evaluates to X?" about an expression the session echoes."""
    step, context, expr, answer = steps[k], _context(steps, k), _expression(steps[k]), _output(steps[k]).strip()
    if context is None or expr is None or "\n" in answer or "`" in answer or len(answer) > 60 or not _computes(expr):
        return None
    (before, source, shown), options, results = context, list[str](), list[str]()
    others = [ast.unparse(e) for j in mine if (e := _expression(steps[j])) is not None]
    for option in dict.fromkeys([ast.unparse(m) for m, _ in _mutants(copy.deepcopy(expr))] + others):
        result = _try(f"{source}\n{option}", True)
        value = result.output[len(shown) :].rstrip("\n") if result else ""
        if result and _kind(ast.parse(option), result.value, True) == step.kind and _fold(value) != _fold(answer):
            options.append(option)
            results.append(f"`{option}` gives {_quote(value)}")
    lead = f"After this code runs,\n\n{_FENCE.format(_transcript(before, None))}\n\nwhich" if before else "Which"
    why = f"`{ast.unparse(expr)}` evaluates to `{answer}`, while {', '.join(results[:3])}."
    prompt = f"{lead} of these expressions evaluates to `{answer}`?"
    return _candidate(chunk, "code_line", prompt, ast.unparse(expr), options, why)


def _value_question(chunk: Chunk, step: _Step) -> Candidate | None:
    """Ask "What is the value of `x` after this code runs?" about the most computed variable of a block."""
    result, tree = step.result, step.tree
    assert result is not None and tree is not None  # only steps that ran are asked about
    nodes = [s for s in ast.walk(tree) if isinstance(s, ast.stmt) and (_computes(s) or not isinstance(s, ast.Assign))]
    computed = set().union(*(_names(s)[1] for s in nodes))  # set by a computation, not only by literals
    loops = _targets(s.target for s in nodes if isinstance(s, ast.For))
    names = [n for n in result.namespace if n in computed and _showable(result.namespace[n])]
    if not names:
        return None
    name = max(names, key=lambda n: (n not in loops, names.index(n)))  # a result rather than a loop variable
    value = result.namespace[name]

    def make(mutant: ast.AST) -> str:
        changed = getattr(_try(mutant, False), "namespace", {}).get(name)
        return show(changed) if type(changed) is type(value) and _showable(changed) else ""

    history = [show(v) for _, n, v in reversed(result.trace) if n == name and type(v) is type(value) and v != value]
    others = [show(v) for n, v in result.namespace.items() if n != name and type(v) is type(value) and _showable(v)]
    prompt = f"What is the value of `{name}` after this code runs?\n\n{_FENCE.format(step.source)}"
    why = f"After the code runs, `{name}` holds `{show(value)}`."
    slips = _slips(make, tree)  # the first slip, then the value before the last step, then the rest
    options = [*slips[:1], *history[:1], *slips[1:], *history[1:], *others, *_perturb(value, False)]
    return _candidate(chunk, "code_value", prompt, show(value), options, why)


def _line_question(chunk: Chunk, step: _Step) -> Candidate | None:
    """Ask "Which line prints X?" when exactly one of three or more one-line ``print`` calls prints X."""
    assert step.result is not None and step.tree is not None  # only steps that ran are asked about
    lines = step.source.split("\n")
    one_line = [n.lineno for n in ast.walk(step.tree) if _is_print(n) and n.end_lineno == n.lineno]
    calls = sorted({line for line in one_line if lines[line - 1].strip()[:6] == "print("})
    printed = {line: {text for at, text in step.result.prints if at == line} for line in calls}
    for line, text in step.result.prints:
        shown, code = text.strip(), lines[line - 1].strip()
        alone = line in calls and not any(text in printed[other] for other in calls if other != line)
        if alone and shown and "\n" not in shown and "`" not in shown:
            options = [lines[other - 1].strip() for other in calls if other != line]
            why = f"Line {line}, `{code}`, is the one that prints `{shown}`."
            prompt = f"Which line of this code prints `{shown}`?\n\n{_FENCE.format(step.source)}"
            return _candidate(chunk, "code_line", prompt, code, options, why)
    return None


def _mutants(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """``tree`` (a copy: it is changed) with one plausible slip at a time: operators swapped, numbers off by one."""
    nodes = list(ast.walk(tree))
    sites = [(n, "op", 0) for n in nodes if type(getattr(n, "op", None)) in _SWAPS]
    sites += [(n, "ops", 0) for n in nodes if isinstance(n, ast.Compare) and type(n.ops[0]) in _SWAPS]
    sites += [(n, "value", d) for n in nodes if isinstance(n, ast.Constant) and type(n.value) is int for d in (1, -1)]
    for node, attr, delta in sites[:MAX_MUTANTS]:
        old, before = getattr(node, attr), ast.unparse(node)
        op = type(old[0] if attr == "ops" else old)
        setattr(node, attr, old + delta if delta else [_SWAPS[op](), *old[1:]] if attr == "ops" else _SWAPS[op]())
        try:
            yield tree, f"`{before}` read as `{ast.unparse(node)}`"
        finally:
            setattr(node, attr, old)


def _slips(make: Callable[[ast.AST], str], tree: ast.AST | None) -> list[tuple[str, str]]:
    """What ``make`` gives for each mutant of ``tree`` (wrong choices), with the slip behind each."""
    return [(text, slip) for mutant, slip in (_mutants(copy.deepcopy(tree)) if tree else ()) if (text := make(mutant))]


def _candidate(chunk: Chunk, kind: str, prompt: str, answer: str, options: list[Any], why: str) -> Candidate | None:
    """The candidate with up to 3 distinct wrong choices (at least 2), the answer at a spot fixed by the prompt."""
    picked, seen = list[str](), {_fold(answer)}
    for option in options:
        text, slip = option if isinstance(option, tuple) else (option, "")
        if text.strip() and len(text) <= 1000 and _fold(text) not in seen and len(picked) < 3:
            seen.add(_fold(text))
            picked.append(text)
            why += f" With {slip}, the result would be {_quote(text)}." if slip and len(picked) == 1 else ""
    if len(picked) < 2 or not answer.strip() or len(answer) > 1000:
        return None
    position = int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % (len(picked) + 1)
    picked.insert(position, answer)
    return Candidate(prompt=prompt, choices=tuple(picked), answer=position, explanation=why, kind=kind, chunk=chunk)


def _form(output: str, last: bool | None = None) -> tuple[str, bool] | None:
    """The output as a choice: the whole of it, or only its last line when it is long; None if empty."""
    text = output.rstrip("\n")
    last = len(text.split("\n")) > MAX_LINES or len(text) > MAX_CHARS if last is None else last
    text = text.split("\n")[-1] if last else text
    return (text, last) if text.strip() and len(text) <= MAX_CHARS else None


def _perturb(value: Any, printed: bool, last: bool = False) -> list[str]:
    """Fallback wrong choices near ``value``: numbers off by one, a printed line or an item too few."""
    if printed:  # a line too few at either end, or (asking for the last line) the lines before it
        lines = value.rstrip("\n").split("\n")
        return lines[-2::-1][:2] if last else ["\n".join(lines[:-1]), "\n".join(lines[1:])] if len(lines) > 2 else []
    if type(value) in (int, float):
        return [show(type(value)(v)) for v in (value + 1, value - 1, math.floor(value), math.ceil(value), value * 2)]
    return [show(v) for v in (value[:-1], value[1:], value[::-1])] if type(value) in (str, list, tuple) else []


def _transcript(before: list[_Step], last: _Step | None) -> str:
    lines = []
    for step in [*before, *([last] if last else [])]:
        source = step.source.split("\n")
        lines += [(">>> " if i == 0 else "... ") + line for i, line in enumerate(source)]
        lines += ["..."] if len(source) > 1 and source[-1][:1].isspace() else []
        lines += _output(step).rstrip("\n").split("\n") if step is not last and _output(step) else []
    return "\n".join(lines)


def _try(source: str | ast.AST, interactive: bool, namespace: dict[str, Any] | None = None) -> safe_eval.Result | None:
    try:
        return safe_eval.run(source, namespace=namespace, interactive=interactive)
    except SafeEvalError:
        return None


def _output(step: _Step) -> str:
    return step.result.output if step.result else ""


def _kind(tree: ast.AST, value: Any, interactive: bool) -> str:
    body = getattr(tree, "body", [])
    echoed = interactive and bool(body) and isinstance(body[-1], ast.Expr) and value is not None
    if not echoed or any(_is_print(n) for n in ast.walk(tree)):
        return "output"
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple | set) else ()
    return "/".join([type(value).__name__, *sorted({type(item).__name__ for item in items})])  # list/int, str...


def _expression(step: _Step) -> ast.expr | None:
    body = step.tree.body if step.tree and step.good and step.kind != "output" else []
    expr = body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else None
    return None if expr is None or any(isinstance(n, ast.GeneratorExp) for n in ast.walk(expr)) else expr


def _is_print(node: ast.AST) -> TypeGuard[ast.Call]:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _computes(tree: ast.AST | None) -> bool:
    nodes = ast.walk(tree) if tree else ()
    return any(isinstance(n, _COMPUTING) or (isinstance(n, ast.Call) and not _is_print(n)) for n in nodes)


def _showable(value: Any) -> bool:
    try:
        return len(text := show(value)) <= 80 and "\n" not in text
    except SafeEvalError:
        return False


def _quote(text: str) -> str:
    return f"`{text}`" if "\n" not in text and "`" not in text else f"\n\n```\n{text}\n```\n"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
