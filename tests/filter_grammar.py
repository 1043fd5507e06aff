"""A parser for the Meilisearch filter syntax the service emits, to check filters' structure.

It follows Meilisearch 1.21's filter-parser where it matters for injection: inside a quoted
string a backslash takes the next character whatever it is, so `\\"` never ends the string;
keywords (AND, OR, NOT, TO, IN, EXISTS) are case-insensitive. It parses a whole expression
into its conditions and geo calls, or raises FilterSyntaxError: the property tests then
check that only expected attributes, operators and values appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

KEYWORDS: Final = frozenset({"AND", "OR", "NOT", "TO", "IN", "EXISTS", "IS", "NULL", "EMPTY"})
COMPARISONS: Final = ("!=", ">=", "<=", "=", ">", "<")
_BARE: Final = re.compile(r"[^\s()\[\],=!<>\"']+")


class FilterSyntaxError(ValueError):
    """The text is not a filter of the shapes the service emits."""


@dataclass(frozen=True)
class Token:
    """A string literal (`quoted`), a bare word or number, or a punctuation/operator."""

    kind: str  # "string", "word", "punct"
    text: str


@dataclass(frozen=True)
class Condition:
    """`attribute op value`, `attribute IN [values]` or `attribute low TO high`."""

    attribute: str
    op: str
    values: tuple[Token, ...]


@dataclass(frozen=True)
class GeoCall:
    """`_geoRadius(lat, lng, metres)` or `_geoBoundingBox([lat, lng], [lat, lng])`."""

    name: str
    args: tuple[float, ...]


def tokenize(text: str) -> list[Token]:
    """Split a filter into tokens; quoted strings are unescaped as Meilisearch does."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            i, value = _quoted(text, i)
            tokens.append(Token("string", value))
        elif char in "()[],":
            tokens.append(Token("punct", char))
            i += 1
        elif op := next((o for o in COMPARISONS if text.startswith(o, i)), None):
            tokens.append(Token("punct", op))
            i += len(op)
        else:
            match = _BARE.match(text, i)
            if match is None:
                raise FilterSyntaxError(f"unexpected {char!r} at {i}")
            tokens.append(Token("word", match.group()))
            i = match.end()
    return tokens


def _quoted(text: str, start: int) -> tuple[int, str]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text):
                raise FilterSyntaxError("a backslash ends the filter")
            # Meilisearch keeps the backslash except before the quote character.
            following = text[i + 1]
            out.append(following if following == quote else char + following)
            i += 2
        elif char == quote:
            return i + 1, "".join(out)
        else:
            out.append(char)
            i += 1
    raise FilterSyntaxError("an unterminated string")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.conditions: list[Condition] = []
        self.geo: list[GeoCall] = []

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FilterSyntaxError("the filter ends too early")
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind == "string" or token.text.upper() != text:
            raise FilterSyntaxError(f"expected {text}, got {token.text!r}")

    def keyword(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() == text:
            self.i += 1
            return True
        return False

    def expression(self) -> None:
        self.conjunction()
        while self.keyword("OR"):
            self.conjunction()

    def conjunction(self) -> None:
        self.negation()
        while self.keyword("AND"):
            self.negation()

    def negation(self) -> None:
        if self.keyword("NOT"):
            self.negation()
            return
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.take()
            self.expression()
            self.expect(")")
        else:
            self.primary()

    def primary(self) -> None:
        name = self.take()
        if name.kind != "word" or name.text.upper() in KEYWORDS:
            raise FilterSyntaxError(f"expected an attribute, got {name.text!r}")
        if name.text.startswith("_geo"):
            self.geo.append(self.geo_call(name.text))
            return
        token = self.take()
        if token.kind == "punct" and token.text in COMPARISONS:
            self.conditions.append(Condition(name.text, token.text, (self.value(),)))
        elif token.kind == "word" and token.text.upper() == "IN":
            self.conditions.append(Condition(name.text, "IN", self.value_list()))
        elif token.kind != "punct":
            self.expect("TO")
            self.conditions.append(Condition(name.text, "TO", (token, self.value())))
        else:
            raise FilterSyntaxError(f"unexpected {token.text!r} after {name.text}")

    def value(self) -> Token:
        token = self.take()
        if token.kind == "punct" or (token.kind == "word" and token.text.upper() in KEYWORDS):
            raise FilterSyntaxError(f"expected a value, got {token.text!r}")
        return token

    def value_list(self) -> tuple[Token, ...]:
        self.expect("[")
        values = [self.value()]
        while self.peek() == Token("punct", ","):
            self.take()
            values.append(self.value())
        self.expect("]")
        return tuple(values)

    def geo_call(self, name: str) -> GeoCall:
        self.expect("(")
        args: list[float] = []
        depth = 1
        while depth:
            token = self.take()
            if token.kind == "punct" and token.text in "([":
                depth += token.text == "("
            elif token.kind == "punct" and token.text == ")":
                depth -= 1
            elif token.kind == "word":
                args.append(_number(token.text))
            elif token.kind == "string":
                raise FilterSyntaxError(f"a string inside {name}")
        return GeoCall(name, tuple(args))


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FilterSyntaxError(f"{text!r} is not a number") from None


def parse(text: str) -> tuple[list[Condition], list[GeoCall]]:
    """The conditions and geo calls of a complete filter expression."""
    parser = _Parser(tokenize(text))
    parser.expression()
    if parser.peek() is not None:
        raise FilterSyntaxError(f"unexpected {parser.peek()!r} after the expression")
    return parser.conditions, parser.geo


def parse_array(expression: list[str | list[str]]) -> tuple[list[Condition], list[GeoCall]]:
    """Every clause of Meilisearch's array form (outer AND, inner OR), parsed one by one."""
    conditions: list[Condition] = []
    geo: list[GeoCall] = []
    for clause in expression:
        for text in [clause] if isinstance(clause, str) else clause:
            found, calls = parse(text)
            conditions += found
            geo += calls
    return conditions, geo
