"""A PromQL checker for the monitoring kit's tests: a small tokenizer and recursive-descent parser covering the
part of the language a dashboard or an alert uses (selectors, ranges, subqueries, offsets, functions,
aggregations, binary operators with their modifiers). It evaluates nothing; it catches what a typo produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

# --------------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------------

# Tried in this order at each position: a duration before a number (``5m`` is not ``5`` then ``m``).
TOKEN_PATTERNS = (
    ("space", r"\s+"),
    ("comment", r"#[^\n]*"),
    ("duration", r"(?:\d+(?:ms|[smhdwy]))+(?![\w.])"),
    ("number", r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])"),
    ("string", r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`[^`]*`'),
    ("variable", r"\$\w+|\$\{\w+\}"),  # Grafana's $__rate_interval, $model, ${DS_PROMETHEUS}
    ("name", r"[a-zA-Z_][\w:]*"),
    ("operator", r"=~|!~|==|!=|>=|<=|[-+*/%^<>=]"),
    ("punctuation", r"[()\[\]{},:]"),
)
TOKEN_RE = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in TOKEN_PATTERNS))
STRING_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                  "\\": "\\", '"': '"', "'": "'"}  # fmt: skip


class PromQLError(ValueError):
    """The expression is not valid PromQL."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(expr: str) -> list[Token]:
    """The expression's tokens, without spaces and comments."""
    tokens, pos = [], 0
    while pos < len(expr):
        match = TOKEN_RE.match(expr, pos)
        if match is None:
            problem = "unterminated string" if expr[pos] in "\"'`" else f"unexpected character {expr[pos]!r}"
            raise PromQLError(f"{problem} at {pos} in {expr!r}")
        kind = match.lastgroup
        assert kind is not None
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def decode_string(token: Token) -> str:
    """A string literal's value (Go's quoting: escapes in "..." and '...', none in `...`)."""
    body = token.text[1:-1]
    if token.text[0] == "`":
        return body
    value, chars = [], iter(body)
    for char in chars:
        if char == "\\":
            escaped = next(chars)  # the tokenizer only accepts a backslash followed by a character
            if escaped not in STRING_ESCAPES:
                raise PromQLError(f"unknown escape \\{escaped} in {token.text}")
            char = STRING_ESCAPES[escaped]
        value.append(char)
    return "".join(value)


# --------------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------------

# Value types: "scalar", "vector" (instant vector), "range" (range vector), "string".
# name: (parameter types, how many are required, result type)
FUNCTIONS: dict[str, tuple[tuple[str, ...], int, str]] = {
    **{name: (("range",), 1, "vector") for name in (
        "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "avg_over_time",
        "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time",
        "stddev_over_time", "stdvar_over_time", "present_over_time", "absent_over_time")},
    **{name: (("vector",), 1, "vector") for name in (
        "abs", "absent", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "sort", "sort_desc",
        "timestamp")},
    "quantile_over_time": (("scalar", "range"), 2, "vector"),
    "predict_linear": (("range", "scalar"), 2, "vector"),
    "histogram_quantile": (("scalar", "vector"), 2, "vector"),
    "clamp": (("vector", "scalar", "scalar"), 3, "vector"),
    "clamp_min": (("vector", "scalar"), 2, "vector"),
    "clamp_max": (("vector", "scalar"), 2, "vector"),
    "round": (("vector", "scalar"), 1, "vector"),
    "label_replace": (("vector", "string", "string", "string", "string"), 5, "vector"),
    "scalar": (("vector",), 1, "scalar"),
    "vector": (("scalar",), 1, "vector"),
    "time": ((), 0, "scalar"),
}  # fmt: skip
# name: the type of its parameter before the vector, if it has one
AGGREGATIONS: dict[str, str | None] = {
    "sum": None, "avg": None, "min": None, "max": None, "count": None, "group": None, "stddev": None,
    "stdvar": None, "topk": "scalar", "bottomk": "scalar", "quantile": "scalar", "count_values": "string",
}  # fmt: skip
ARITHMETIC = {"+", "-", "*", "/", "%", "^"}
COMPARISON = {"==", "!=", ">", "<", ">=", "<="}
SET_OPERATORS = {"and", "or", "unless"}
MATCH_OPERATORS = {"=", "!=", "=~", "!~"}
KEYWORDS = SET_OPERATORS | {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}


@dataclass(frozen=True)
class Selector:
    """One series selector: ``metric{label op "value", ...}`` (metric is None for a bare ``{...}``)."""

    metric: str | None
    matchers: tuple[tuple[str, str, str], ...]


class Parser:
    """Checks one expression and collects its selectors; ``grafana`` allows dashboard variables in ranges."""

    def __init__(self, expr: str, *, grafana: bool = False) -> None:
        self.expr, self.grafana = expr, grafana
        self.tokens = tokenize(expr)
        self.index = 0
        self.selectors: list[Selector] = []

    def parse(self) -> list[Selector]:
        if not self.tokens:
            raise PromQLError("empty expression")
        self.expression()
        if self.index < len(self.tokens):
            self.fail(f"unexpected {self.tokens[self.index].text!r}")
        return self.selectors

    # Token helpers.

    def fail(self, message: str) -> NoReturn:
        pos = self.tokens[self.index].pos if self.index < len(self.tokens) else len(self.expr)
        raise PromQLError(f"{message} at {pos} in {self.expr!r}")

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, what: str = "more") -> Token:
        token = self.peek()
        if token is None:
            self.fail(f"expected {what} but the expression ends")
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind != "string" and token.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            token = self.peek()
            self.fail(f"expected {text!r}, got " + (repr(token.text) if token else "the end"))

    # Grammar.

    def expression(self) -> str:
        """operand (binary-operator modifiers operand)*; precedence does not matter for checking."""
        kind = self.unary()
        while (operator := self.binary_operator()) is not None:
            self.binary_modifiers(operator)
            right = self.unary()
            for side in (kind, right):
                if side not in ("scalar", "vector"):
                    self.fail(f"a {side} cannot be an operand of {operator!r}")
            if operator in SET_OPERATORS and "scalar" in (kind, right):
                self.fail(f"{operator!r} needs vectors on both sides")
            kind = "scalar" if kind == right == "scalar" else "vector"
        return kind

    def binary_operator(self) -> str | None:
        token = self.peek()
        if token is None:
            return None
        if (token.kind == "operator" and token.text in ARITHMETIC | COMPARISON) or (
            token.kind == "name" and token.text in SET_OPERATORS
        ):
            self.index += 1
            return token.text
        return None

    def binary_modifiers(self, operator: str) -> None:
        if operator in COMPARISON:
            self.accept("bool")
        if self.accept("on") or self.accept("ignoring"):
            self.label_list()
        if self.accept("group_left") or self.accept("group_right"):
            if operator in SET_OPERATORS:
                self.fail(f"{operator!r} cannot group_left/group_right")
            token = self.peek()
            if token is not None and token.text == "(":
                self.label_list()

    def label_list(self) -> None:
        """(label, label, ...) after by, without, on, ignoring, group_left or group_right."""
        self.expect("(")
        while not self.accept(")"):
            label = self.take("a label name")
            if label.kind != "name":
                self.fail(f"expected a label name, got {label.text!r}")
            if not self.accept(","):
                self.expect(")")
                return

    def unary(self) -> str:
        token = self.peek()
        if token is not None and token.kind == "operator" and token.text in ("-", "+"):
            self.index += 1
            kind = self.unary()
            if kind not in ("scalar", "vector"):
                self.fail(f"a sign cannot apply to a {kind}")
            return kind
        return self.postfix()

    def postfix(self) -> str:
        """An operand with its optional range ``[5m]`` or subquery ``[1h:1m]``, then ``offset``."""
        kind, is_selector = self.primary()
        if self.accept("["):
            if kind != "vector":
                self.fail(f"a range needs an instant vector, not a {kind}")
            self.duration()
            if self.accept(":"):
                token = self.peek()
                if token is not None and token.text != "]":
                    self.duration()
            elif not is_selector:
                self.fail("only a selector takes a plain range; an expression needs a subquery [range:step]")
            self.expect("]")
            kind = "range"
        if self.accept("offset"):
            self.accept("-")
            self.duration()
        return kind

    def duration(self) -> None:
        token = self.take("a duration")
        if token.kind == "duration" or (self.grafana and token.kind == "variable"):
            return
        self.index -= 1
        self.fail(f"expected a duration such as 5m, got {token.text!r}")

    def primary(self) -> tuple[str, bool]:
        """(value type, whether it is a selector)."""
        token = self.take("an operand")
        if token.kind == "number":
            return "scalar", False
        if token.kind == "string":
            decode_string(token)
            return "string", False
        if token.text == "(":
            kind = self.expression()
            self.expect(")")
            return kind, False
        if token.text == "{":
            self.selector(None)
            return "vector", True
        if token.kind != "name":
            self.index -= 1
            self.fail(f"expected an operand, got {token.text!r}")
        name = token.text
        if name in AGGREGATIONS:
            return self.aggregation(name), False
        if name in FUNCTIONS:
            return self.call(name), False
        following = self.peek()
        if following is not None and following.text == "(":
            self.index -= 1
            self.fail(f"unknown function {name!r}")
        if name in KEYWORDS:
            self.index -= 1
            self.fail(f"unexpected keyword {name!r}")
        if name.lower() in ("inf", "nan"):
            return "scalar", False
        self.selector(name)
        return "vector", True

    def selector(self, metric: str | None) -> None:
        """The matchers of ``metric{...}`` (the ``{`` is already taken when metric is None)."""
        matchers: list[tuple[str, str, str]] = []
        if metric is None or self.accept("{"):
            while not self.accept("}"):
                matchers.append(self.matcher())
                if not self.accept(","):
                    self.expect("}")
                    break
        if metric is None:
            if not matchers:
                self.fail("an empty selector {} matches nothing")
            metric = next((value for label, op, value in matchers if label == "__name__" and op == "="), None)
        self.selectors.append(Selector(metric, tuple(matchers)))

    def matcher(self) -> tuple[str, str, str]:
        label = self.take("a label matcher")
        if label.kind != "name":
            self.index -= 1
            self.fail(f"expected a label name in a selector, got {label.text!r}")
        operator = self.take("a match operator")
        if operator.text not in MATCH_OPERATORS:
            self.index -= 1
            self.fail(f"label {label.text!r} needs one of = != =~ !~, got {operator.text!r}")
        value = self.take("a quoted label value")
        if value.kind != "string":
            self.index -= 1
            self.fail(f"the value of label {label.text!r} must be a quoted string, got {value.text!r}")
        text = decode_string(value)
        if operator.text in ("=~", "!~"):
            try:
                re.compile(text)
            except re.error as error:
                self.index -= 1
                self.fail(f"bad regular expression {text!r} for label {label.text!r}: {error}")
        return label.text, operator.text, text

    def arguments(self) -> list[str]:
        """The value types of ``(arg, arg, ...)``; the ``(`` is already taken."""
        kinds: list[str] = []
        if self.accept(")"):
            return kinds
        while True:
            kinds.append(self.expression())
            if not self.accept(","):
                self.expect(")")
                return kinds

    def call(self, name: str) -> str:
        parameters, required, result = FUNCTIONS[name]
        self.expect("(")
        kinds = self.arguments()
        if not required <= len(kinds) <= len(parameters):
            count = str(required) if required == len(parameters) else f"{required} to {len(parameters)}"
            self.fail(f"{name}() takes {count} arguments, got {len(kinds)}")
        for position, (kind, wanted) in enumerate(zip(kinds, parameters, strict=False), start=1):
            if kind != wanted:
                self.fail(f"argument {position} of {name}() must be a {wanted}, got a {kind}")
        return result

    def aggregation(self, name: str) -> str:
        grouped = self.grouping()
        self.expect("(")
        kinds = self.arguments()
        parameter = AGGREGATIONS[name]
        wanted = ["vector"] if parameter is None else [parameter, "vector"]
        if kinds != wanted:
            self.fail(f"{name}() takes ({', '.join(wanted)}), got ({', '.join(kinds)})")
        if not grouped:
            self.grouping()
        return "vector"

    def grouping(self) -> bool:
        if self.accept("by") or self.accept("without"):
            self.label_list()
            return True
        return False


def parse_promql(expr: str, *, grafana: bool = False) -> list[Selector]:
    """The selectors of a valid expression; PromQLError for an invalid one."""
    return Parser(expr, grafana=grafana).parse()
