"""A small interpreter for short, pure Python snippets that walks the syntax tree itself.

Nothing here calls ``exec``, ``eval`` or ``compile``. :func:`check` looks at the whole tree first and
raises :class:`Refused` for anything outside a small whitelist, so a refused snippet never runs, not
even its first line. The interpreter then counts steps (:class:`StepLimit`), bounds the size of every
value it makes (:class:`Refused`), and reports the snippet's own errors as :class:`SnippetError`.
"""

from __future__ import annotations

import ast
import builtins
import operator as op
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_STEPS = 10_000
MAX_LEN = 10_000  # longest string, list, tuple, dict or set, and most characters of output
MAX_INT_BITS = 340  # about 100 decimal digits

_NAMES = "len range sorted reversed sum min max abs print str int float bool list tuple dict set enumerate zip round"
FUNCTIONS: dict[str, Callable[..., Any]] = {n: getattr(builtins, n) for n in f"{_NAMES} repr any all divmod".split()}
_STR = "upper lower strip lstrip rstrip split rsplit join replace startswith endswith find rfind count title capitalize"
METHODS: dict[type, frozenset[str]] = {
    str: frozenset(f"{_STR} swapcase isdigit isalpha isalnum isspace isupper islower center ljust rjust zfill".split()),
    list: frozenset("append extend pop insert index count reverse sort copy remove".split()),  # noqa: SIM905
    dict: frozenset("get keys values items copy pop setdefault".split()),  # noqa: SIM905
    set: frozenset("add remove discard union intersection difference issubset copy".split()),  # noqa: SIM905
    tuple: frozenset(("index", "count")),
}
_ANY_METHOD = frozenset().union(*METHODS.values())
_CONSUMERS = frozenset(("list", "tuple", "set", "dict", "sorted", "sum", "min", "max", "any", "all"))
_ORDERED = frozenset(("list", "tuple", "dict", "join", "extend", "enumerate", "zip"))  # keep the input's order
_ITERABLE_ARGS = frozenset(("join", "extend", "union", "intersection", "difference", "issubset"))
_GROWING = frozenset(("join", "replace", "center", "ljust", "rjust", "zfill"))
_FORBIDDEN = frozenset(("open", "eval", "exec", "compile", "getattr", "setattr", "globals", "locals", "vars", "input"))
_OTHER_NODES = (ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.While, ast.Break,
                ast.Continue, ast.Pass, ast.Delete, ast.comprehension, ast.keyword, ast.Attribute, ast.Starred,
                ast.expr_context, ast.unaryop, ast.boolop, ast.cmpop)  # fmt: skip
_BINOPS: dict[type, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    ast.Add: (op.add, op.iadd), ast.Sub: (op.sub, op.isub), ast.Mult: (op.mul, op.imul),
    ast.Div: (op.truediv, op.itruediv), ast.FloorDiv: (op.floordiv, op.ifloordiv), ast.Mod: (op.mod, op.imod),
    ast.Pow: (op.pow, op.ipow), ast.LShift: (op.lshift, op.ilshift), ast.RShift: (op.rshift, op.irshift),
    ast.BitOr: (op.or_, op.ior), ast.BitAnd: (op.and_, op.iand), ast.BitXor: (op.xor, op.ixor),
}  # fmt: skip
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: op.pos, ast.USub: op.neg, ast.Not: op.not_, ast.Invert: op.invert}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Lt: op.lt, ast.LtE: op.le, ast.Gt: op.gt, ast.GtE: op.ge, ast.Is: op.is_,
    ast.IsNot: op.is_not, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip
_SIZED = (str, bytes, list, tuple, dict, set, frozenset, range)  # ``in`` on the first six is quick
_LEAVES = (type(None), bool, int, float, complex, str, bytes, range)
_BRACKETS: dict[type, str] = {list: "[]", tuple: "()", set: "{}", dict: "{}"}
_WIDE_FORMAT = re.compile(r"\*|\d{4,}")  # a width or precision that could build a huge string


class SafeEvalError(Exception):
    """Base of everything this module raises: the snippet cannot be used."""


class Refused(SafeEvalError):
    """Outside the whitelist, a value too large, or a result that depends on the order of a set of strings."""


class StepLimit(Refused):
    """The snippet took more steps than allowed (an endless or very long loop)."""


class SnippetError(SafeEvalError):
    """The snippet itself failed while running (``ZeroDivisionError: division by zero``)."""


@dataclass
class Result:
    """What running a snippet left behind."""

    namespace: dict[str, Any]  # the snippet's variables after it ran
    output: str = ""  # everything printed (in interactive mode, with the values the prompt echoed)
    value: Any = None  # value of the last expression statement that ran
    prints: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of every print() call
    trace: list[tuple[int, str, Any]] = field(default_factory=list)  # (line, name, value): scalar assignments


class _Jump(Exception):
    """``break`` or ``continue`` on its way to the enclosing loop."""


def parse(source: str, mode: str = "exec") -> ast.AST:
    """Parse ``source`` (warnings about odd escapes silenced); a syntax error becomes :class:`Refused`."""
    try:
        with warnings.catch_warnings(action="ignore"):
            return ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise Refused(f"not parseable: {exc}") from None


def check(tree: str | ast.AST) -> ast.AST:
    """The parsed tree of ``tree`` if every node of it is allowed; raises :class:`Refused` otherwise."""
    tree = parse(tree) if isinstance(tree, str) else tree
    nodes = list(ast.walk(tree))
    methods = {id(n.func) for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    for node in nodes:
        if not (isinstance(node, _OTHER_NODES) or type(node) in _EXPRESSIONS or type(node) in _BINOPS) or (
            (isinstance(node, ast.Name) and (node.id.startswith("__") or node.id in _FORBIDDEN))
            or (isinstance(node, ast.Attribute) and (id(node) not in methods or node.attr not in _ANY_METHOD))
            or (isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute | ast.Name))
            or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in FUNCTIONS)
            or (isinstance(node, ast.keyword) and node.arg is None)
            or (isinstance(node, ast.Delete) and not all(isinstance(t, ast.Subscript) for t in node.targets))
            or (isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Store))
            or (isinstance(node, ast.comprehension) and bool(node.is_async))
            or (isinstance(node, ast.Constant) and _too_big(node.value))
            or (isinstance(node, ast.Dict) and None in node.keys)
            or (isinstance(node, ast.FormattedValue) and node.conversion == ord("a"))
        ):  # fmt: skip
            raise Refused(f"not allowed: {type(node).__name__} {getattr(node, 'id', '')}{getattr(node, 'attr', '')}")
    return tree


def run(source: str | ast.AST, max_steps: int = MAX_STEPS, *, namespace: dict[str, Any] | None = None, interactive: bool = False) -> Result:  # fmt: skip  # noqa: E501
    """Check, then run statements; ``namespace`` (updated in place) carries variables from run to run.

    ``interactive`` runs like the ``>>>`` prompt: the value of every expression statement that is not
    None is echoed to the output (as :func:`show` writes it) and stored in ``_``.
    """
    tree = check(source)
    body = tree.body if isinstance(tree, ast.Module) else []
    machine = _Machine({} if namespace is None else namespace, max_steps, interactive)
    try:
        machine.block(body)
    except SafeEvalError:
        raise
    except (RecursionError, MemoryError, _Jump):
        raise Refused("snippet too deep or too large, or a break outside a loop") from None
    except Exception as exc:  # the snippet's own error, raised by an operation on its values
        raise SnippetError(f"{type(exc).__name__}: {exc}") from None
    return machine.res


def evaluate(source: str, expression: str, max_steps: int = MAX_STEPS) -> Any:
    """The value of ``expression`` after running ``source`` (both are checked before anything runs)."""
    check(parse(expression, "eval"))
    return run(f"{source}\n({expression})", max_steps).value


def show(value: Any) -> str:
    """``repr(value)``, but a set of strings in sorted order (the same in every run); iterators, values
    that contain themselves and texts longer than :data:`MAX_LEN` are :class:`Refused`."""
    return _show(value, [MAX_LEN], set())


def _show(value: Any, budget: list[int], seen: set[int]) -> str:
    kind = type(value)
    if kind in _LEAVES:
        text = repr(value)
    elif kind in _BRACKETS and id(value) not in seen and len(seen) < 100:
        seen.add(id(value))
        pairs = value.items() if kind is dict else ((_Jump, item) for item in value)
        parts = [("" if k is _Jump else _show(k, budget, seen) + ": ") + _show(v, budget, seen) for k, v in pairs]
        seen.discard(id(value))
        parts = sorted(parts) if kind is set and not _stable(value) else parts
        text = _BRACKETS[kind][0] + ", ".join(parts) + ("," if kind is tuple and len(parts) == 1 else "")
        text = "set()" if kind is set and not parts else text + _BRACKETS[kind][1]
    else:
        raise Refused(f"a {kind.__name__} cannot be shown (or contains itself, or is nested too deeply)")
    budget[0] -= len(text)
    if budget[0] < 0:
        raise Refused("value too long to show")
    return text


def _text(value: Any = "") -> str:
    return value if isinstance(value, str) else show(value)


def _too_big(value: Any) -> bool:
    huge = type(value) is int and value.bit_length() > MAX_INT_BITS
    return huge or (isinstance(value, _SIZED) and len(value) > MAX_LEN)


def _stable(items: Iterable[Any]) -> bool:
    """True when iterating the set ``items`` gives the same order in every Python process (not NaN, str...)."""
    return all((type(x) in (int, bool, float) and x == x) or (type(x) is tuple and _stable(x)) for x in items)


class _Machine:
    """The interpreter: one per run, holding the variables, the output and the step budget."""

    def __init__(self, namespace: dict[str, Any], max_steps: int, interactive: bool) -> None:
        self.scopes, self.steps, self.interactive = [namespace], max_steps, interactive
        self.res = Result(namespace)

    def tick(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise StepLimit("too many steps")

    def grow(self, value: Any, charge: bool = True) -> Any:
        if _too_big(value):
            raise Refused("value too large")
        if charge and isinstance(value, _SIZED) and not isinstance(value, range):
            self.tick(len(value) // 100)
        return value

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.tick()
            if isinstance(node, ast.Expr):
                value = self.res.value = self.ev(node.value)
                if self.interactive and value is not None:
                    self.write(show(value), "\n")
                    self.scopes[0]["_"] = value
            elif isinstance(node, ast.Assign):
                value = self.ev(node.value)
                for target in node.targets:
                    self.assign(target, value)
            elif isinstance(node, ast.AugAssign):
                self.assign(node.target, self.binop(node.op, self.ev(node.target), self.ev(node.value), True))
            elif isinstance(node, ast.If):
                self.block(node.body if self.ev(node.test) else node.orelse)
            elif isinstance(node, ast.For | ast.While):
                self.loop(node)
            elif isinstance(node, ast.Break | ast.Continue):
                raise _Jump(node)
            elif isinstance(node, ast.Delete):  # check() lets only items through: del xs[0], del d[key]
                for target in node.targets:
                    op.delitem(self.ev(getattr(target, "value")), self.ev(getattr(target, "slice")))  # noqa: B009

    def loop(self, node: ast.For | ast.While) -> None:
        items = self.iterate(self.ev(node.iter)) if isinstance(node, ast.For) else None
        while items is not None or self.ev(getattr(node, "test")):  # noqa: B009
            if items is not None:
                item = next(items, _Jump)
                if item is _Jump:
                    break
                self.assign(getattr(node, "target"), item)  # noqa: B009
            try:
                self.block(node.body)
            except _Jump as jump:
                if isinstance(jump.args[0], ast.Break):
                    return
        self.block(node.orelse)

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.scopes[-1][target.id] = value
            if isinstance(value, int | float | str | type(None)) and len(self.res.trace) < MAX_LEN:
                self.res.trace.append((target.lineno, target.id, value))
        elif isinstance(target, ast.Tuple | ast.List):
            items = list(self.iterate(value))
            if len(items) != len(target.elts):
                raise SnippetError(f"ValueError: expected {len(target.elts)} values to unpack, got {len(items)}")
            for sub, item in zip(target.elts, items, strict=True):
                self.assign(sub, item)
        elif isinstance(target, ast.Subscript):  # check() allows no other targets
            box, key = self.ev(target.value), self.ev(target.slice)
            if type(box) not in (list, dict):
                raise SnippetError(f"TypeError: '{type(box).__name__}' object does not support item assignment")
            box[key] = value
            self.grow(box, charge=False)

    def ev(self, node: ast.expr) -> Any:
        self.tick()
        return _EXPRESSIONS[type(node)](self, node)  # a KeyError (``a[*b]``) ends as a SnippetError

    def name(self, node: ast.Name) -> Any:
        for scope in reversed(self.scopes):
            if node.id in scope:
                return scope[node.id]
        raise Refused("a built-in used as a value") if node.id in FUNCTIONS else SnippetError(f"NameError: {node.id}")

    def binop(self, kind: ast.operator, a: Any, b: Any, inplace: bool = False) -> Any:
        if isinstance(kind, ast.Pow | ast.LShift) and type(a) is type(b) is int and b > 0 and a not in (-1, 0, 1):
            if (b if isinstance(kind, ast.LShift) else b * abs(a).bit_length()) > MAX_INT_BITS + 64:
                raise Refused("number too large")
        elif isinstance(kind, ast.Mult) and isinstance(a, int) != isinstance(b, int):
            seq, times = (b, a) if isinstance(a, int) else (a, b)
            if isinstance(seq, _SIZED) and len(seq) * max(times, 0) > MAX_LEN:
                raise Refused("repeated sequence too long")
        elif isinstance(kind, ast.Mod) and isinstance(a, str):
            raise Refused("% formatting is not supported")
        return self.grow(_BINOPS[type(kind)][inplace](a, b))

    def boolop(self, node: ast.BoolOp) -> Any:
        for operand in node.values[:-1]:
            if bool(value := self.ev(operand)) == isinstance(node.op, ast.Or):
                return value
        return self.ev(node.values[-1])

    def compare(self, node: ast.Compare) -> Any:
        left = self.ev(node.left)
        for kind, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.ev(right_node)
            walked = isinstance(kind, ast.In | ast.NotIn) and not isinstance(right, _SIZED[:6])
            if not _COMPARE[type(kind)](left, list(self.iterate(right, ordered=False)) if walked else right):
                return False
            left = right
        return True

    def items(self, nodes: list[ast.expr]) -> list[Any]:
        parts = (list(self.iterate(self.ev(n.value))) if isinstance(n, ast.Starred) else [self.ev(n)] for n in nodes)
        return [item for part in parts for item in part]

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> list[Any]:
        self.scopes.append({})
        try:
            return list(self.generate(node, 0))
        finally:
            self.scopes.pop()

    def generate(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, level: int) -> Iterator[Any]:
        if level == len(node.generators):
            yield (self.ev(node.key), self.ev(node.value)) if isinstance(node, ast.DictComp) else self.ev(node.elt)
            return
        generator = node.generators[level]
        for item in self.iterate(self.ev(generator.iter)):
            self.assign(generator.target, item)
            if all(self.ev(condition) for condition in generator.ifs):
                yield from self.generate(node, level + 1)

    def formatted(self, node: ast.FormattedValue) -> Any:
        value = show(self.ev(node.value)) if node.conversion == ord("r") else self.ev(node.value)
        spec = "" if node.format_spec is None else self.ev(node.format_spec)
        if _WIDE_FORMAT.search(spec):
            raise Refused("format width too large")
        return format(value, spec) if spec else _text(value)

    def call(self, node: ast.Call) -> Any:
        receiver = self.ev(node.func.value) if isinstance(node.func, ast.Attribute) else None
        args, kwargs = self.items(node.args), {str(k.arg): self.ev(k.value) for k in node.keywords}
        if isinstance(node.func, ast.Attribute):
            return self.method(receiver, node.func.attr, args, kwargs)
        name = getattr(node.func, "id", "")
        if any(name in scope for scope in self.scopes):
            raise SnippetError(f"TypeError: '{name}' is not callable")
        if name == "print":
            sep, end = kwargs.pop("sep", None), kwargs.pop("end", None)
            sep, end = " " if sep is None else sep, "\n" if end is None else end
            if kwargs or not isinstance(sep, str) or not isinstance(end, str):
                raise Refused("print() with these arguments is not supported")
            self.res.prints.append((node.lineno, self.write(*[p for a in args for p in (sep, _text(a))][1:], end)))
            return None
        if name in _CONSUMERS and args and type(args[0]) is not dict and (len(args) == 1 or name in ("sum", "sorted")):
            args[0] = list(self.iterate(args[0], ordered=name in _ORDERED))
        elif name in _ORDERED and any(isinstance(a, set) and not _stable(a) for a in args):
            raise Refused("the order of a set of strings changes from run to run")
        if name == "round" and len(args) > 1 and isinstance(args[1], int) and abs(args[1]) > MAX_INT_BITS:
            raise Refused("round() to too many digits")  # round(5, -10**9) would build 10**(10**9)
        return self.grow(FUNCTIONS[name](*args, **kwargs))

    def method(self, receiver: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if name not in METHODS.get(type(receiver), ()):
            raise Refused(f"{type(receiver).__name__}.{name} is not supported")
        if name in _ITERABLE_ARGS:
            args = [list(self.iterate(arg, ordered=name in _ORDERED)) for arg in args]
        if name in _GROWING:  # bound the size of the result before it is built
            weight = sum(a if type(a) is int else len(a) + sum(map(len, a)) for a in args)  # str: counted twice
            if (len(receiver) + 1) * (1 + weight) > 4 * MAX_LEN:
                raise Refused(f"str.{name} would make too long a string")
        result = getattr(receiver, name)(*args, **kwargs)
        self.grow(receiver, charge=False)
        return self.grow(result)

    def iterate(self, value: Any, ordered: bool = True) -> Iterator[Any]:
        if isinstance(value, _SIZED) and len(value) > MAX_LEN:
            raise Refused("sequence too long")
        if ordered and isinstance(value, set) and not _stable(value):
            raise Refused("the order of a set of strings changes from run to run")
        for item in value:
            self.tick()
            yield item

    def write(self, *pieces: str) -> str:
        if len(self.res.output) + sum(map(len, pieces)) > MAX_LEN:  # checked before the text is built
            raise Refused("too much output")
        text = "".join(pieces)
        self.res.output += text
        return text


_EXPRESSIONS: dict[type, Callable[[_Machine, Any], Any]] = {
    ast.Constant: lambda m, n: n.value, ast.Name: _Machine.name, ast.BoolOp: _Machine.boolop, ast.Call: _Machine.call,
    ast.BinOp: lambda m, n: m.binop(n.op, m.ev(n.left), m.ev(n.right)), ast.Compare: _Machine.compare,
    ast.UnaryOp: lambda m, n: _UNARY[type(n.op)](m.ev(n.operand)), ast.FormattedValue: _Machine.formatted,
    ast.IfExp: lambda m, n: m.ev(n.body) if m.ev(n.test) else m.ev(n.orelse),
    ast.Subscript: lambda m, n: m.ev(n.value)[m.ev(n.slice)], ast.Set: lambda m, n: m.grow(set(m.items(n.elts))),
    ast.Slice: lambda m, n: slice(*(None if p is None else m.ev(p) for p in (n.lower, n.upper, n.step))),
    ast.List: lambda m, n: m.grow(m.items(n.elts)), ast.Tuple: lambda m, n: m.grow(tuple(m.items(n.elts))),
    ast.Dict: lambda m, n: m.grow({m.ev(k): m.ev(v) for k, v in zip(n.keys, n.values, strict=True)}),
    ast.ListComp: lambda m, n: m.grow(m.comprehension(n)), ast.SetComp: lambda m, n: m.grow(set(m.comprehension(n))),
    ast.DictComp: lambda m, n: m.grow(dict(m.comprehension(n))),
    ast.GeneratorExp: lambda m, n: iter(m.comprehension(n)),
    ast.JoinedStr: lambda m, n: m.grow("".join(m.ev(part) for part in n.values)),
}  # fmt: skip
FUNCTIONS.update(str=_text, repr=show)  # the snippet's own str() and repr() show sets the same way every run
