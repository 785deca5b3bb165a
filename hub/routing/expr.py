"""The filter language of routes: a small expression over an event, checked when it loads.

::

    data.municipality.code == "2480" and event in ["PermitGranted", "PermitRefused"]
    not exists(data.payer) or data.amount.amountOre >= 100000
    time >= "2026-01-01" and data.secrecy != "SECRET"

Paths are the CloudEvents attributes ``type``, ``source``, ``subject``, ``id``, ``time``,
``dataschema``, the catalog's event name ``event``, and ``data.<field>.<field>`` (nested
records, through unions with null). ``type`` also compares with event names
(``type == "PermitGranted"``). Enums compare as their symbols, dates and timestamps with
ISO 8601 / RFC 3339 strings (for a timestamp, a date alone means midnight UTC).

A missing or null value fails every comparison except ``!=``; ``== null`` is true for it,
and ``exists(path)`` is true when the value is present and not null.

``compile_filter`` parses, checks every ``data.`` path against every event schema the
route reads (``resolve_path``, shared with transforms) and the types of comparisons, and
turns the expression into closures, so ``Filter.matches`` does no parsing.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from hub.events import Event, EventSchema
from hub.routing.paths import (
    ATTRIBUTES,
    FieldType,
    Getter,
    PathError,
    event_name,
    resolve_path,
)

Predicate = Callable[[Event, "str | None"], bool]

_GRAMMAR = r"""
?start: or_test
?or_test: and_test (_OR and_test)*
?and_test: not_test (_AND not_test)*
?not_test: _NOT not_test                -> negation
         | predicate
?predicate: operand COMPARE operand     -> comparison
          | operand _IN list            -> member
          | operand _NOT _IN list       -> non_member
          | _EXISTS "(" path ")"        -> exists
          | "(" or_test ")"
          | operand                     -> truth
?operand: path | literal
path: NAME ("." NAME)*
list: "[" (literal ("," literal)* ","?)? "]"
?literal: STRING | NUMBER | TRUE | FALSE | NULL

_OR: "or"
_AND: "and"
_NOT: "not"
_IN: "in"
_EXISTS: "exists"
TRUE: "true"
FALSE: "false"
NULL: "null"
COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
STRING: /"(?:[^"\\\n]|\\.)*"/ | /'(?:[^'\\\n]|\\.)*'/
NUMBER: /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/
%ignore /\s+/
"""

_SHOWN = {"NAME": "a path", "STRING": "a string", "NUMBER": "a number", "$END": "the end"}
_SHOWN |= {"COMPARE": "a comparison (==, !=, <, <=, >, >=)", "_EXISTS": "exists("}
_HINTS = {"=": "compare with ==", "&": "write and", "|": "write or", "!": "write not or !="}
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ORDERED = frozenset({"string", "number", "date", "timestamp", "any"})
_SCALAR = frozenset({"string", "enum", "number", "boolean", "date", "timestamp", "any"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "/": "/"}
_ESCAPES |= {"b": "\b", "f": "\f"}
_ESCAPE = re.compile(
    r"\\(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


class ExpressionError(ValueError):
    """A filter that cannot be used: ``column`` (1-based, on ``line``) points at the
    problem and ``field`` names the path involved, when there is one."""

    def __init__(
        self, message: str, *, column: int | None = None, line: int = 1, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.line = line
        self.field = field


@functools.cache
def _parser() -> Lark:
    # The basic lexer reads keywords as keywords everywhere (the contextual one would take
    # ``and`` for a path where no keyword can follow), so fields named like one are out.
    return Lark(_GRAMMAR, parser="lalr", lexer="basic", propagate_positions=True)


class Filter:
    """A compiled filter: ``matches`` runs closures built once by ``compile_filter``."""

    __slots__ = ("_names", "_predicate", "_uses_name", "text")

    def __init__(
        self, text: str, predicate: Predicate, names: Mapping[str, str], uses_name: bool
    ) -> None:
        self.text = text
        self._predicate = predicate
        self._names = names
        self._uses_name = uses_name

    def matches(self, event: Event, schema_name: str | None = None) -> bool:
        """Whether the event passes; ``schema_name`` (``PermitGranted``) saves a lookup."""
        if schema_name is None and self._uses_name:
            schema_name = self._names.get(event.type) or event_name(event.type)
        return self._predicate(event, schema_name)

    def __repr__(self) -> str:
        return f"Filter({self.text!r})"


def compile_filter(text: str, schemas: Sequence[EventSchema]) -> Filter:
    """Parse and check ``text`` for a route reading ``schemas``; raises ExpressionError."""
    if not text.strip():
        raise ExpressionError("the filter is empty: leave it out to deliver every event")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    compiler = _Compiler(schemas)
    predicate = compiler.condition(tree)
    return Filter(text, predicate, {s.type: s.name for s in schemas}, compiler.uses_name)


def _syntax_error(text: str, exc: UnexpectedInput) -> ExpressionError:
    hint, explain = None, True
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos]
        found, hint = f"unexpected {char!r}", _HINTS.get(char)
        if char in "\"'":
            found, hint, explain = "a string is not closed", f"end it with {char}", False
    elif isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        pos, found = exc.token.start_pos or 0, f"unexpected {exc.token.value!r}"
    else:
        pos, found = len(text.rstrip()), "unexpected end"
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    shown = sorted({_terminal(name) for name in _accepted_after(text[:pos])} if explain else ())
    where = f"line {line}, column {column}" if "\n" in text.strip() else f"column {column}"
    message = f"syntax error at {where}: {found}"
    if shown:
        message += "; expected " + (f"{', '.join(shown[:-1])} or " if len(shown) > 1 else "")
        message += shown[-1]
    if hint:
        message += f" ({hint})"
    return ExpressionError(message, column=column, line=line)


def _accepted_after(prefix: str) -> set[str]:
    """The terminals the parser accepts after ``prefix``."""
    try:
        interactive = _parser().parse_interactive(prefix)
        interactive.exhaust_lexer()
        return set(interactive.accepts())  # type: ignore[no-untyped-call]
    except UnexpectedInput:
        return set()


def _terminal(name: str) -> str:
    if name in _SHOWN:
        return _SHOWN[name]
    pattern = _parser().get_terminal(name).pattern
    return repr(pattern.value) if pattern.type == "str" else name.lower()


@dataclass(frozen=True)
class _Operand:
    """One side of a comparison: a path, or a literal (``literal`` true, ``value`` set)."""

    text: str
    line: int
    column: int
    type: FieldType
    get: Getter
    attribute: str | None = None
    literal: bool = False
    value: Any = None


class _Compiler:
    """Checks a parse tree against the route's schemas and builds its predicate."""

    def __init__(self, schemas: Sequence[EventSchema]) -> None:
        self.schemas = tuple(schemas)
        self.names = {s.name: None for s in schemas}
        self.types = {s.type: None for s in schemas}
        self.uses_name = False

    def condition(self, node: Tree[Token] | Token) -> Predicate:
        if isinstance(node, Token):  # pragma: no cover - the grammar wraps bare literals
            raise AssertionError(node)
        kind, children = node.data, node.children
        if kind in ("or_test", "and_test"):
            parts = [self.condition(child) for child in children]
            join = _either if kind == "or_test" else _both
            return functools.reduce(join, parts)
        if kind == "negation":
            inner = self.condition(children[0])
            return lambda event, name: not inner(event, name)
        if kind == "exists":
            get = self.operand(children[0]).get
            return lambda event, name: get(event, name) is not None
        if kind == "truth":
            return self.truth(self.operand(children[0]))
        if kind == "comparison":
            left, op, right = (self.operand(children[0]), str(children[1]), children[2])
            return self.compare(left, op, self.operand(right))
        items = [self.operand(item) for item in children[1].children]  # type: ignore[union-attr]
        return self.member(self.operand(children[0]), items, kind == "non_member")

    def operand(self, node: Tree[Token] | Token) -> _Operand:
        if isinstance(node, Token):
            value = _literal(node)
            kind = FieldType(_literal_kind(value), value is None)
            line, column = node.line or 1, node.column or 1
            return _Operand(node.value, line, column, kind, lambda e, n: value, None, True, value)
        tokens = [child for child in node.children if isinstance(child, Token)]
        path = ".".join(tokens)
        line, column = tokens[0].line or 1, tokens[0].column or 1
        try:
            get, types = resolve_path(path, self.schemas)
        except PathError as exc:
            raise ExpressionError(exc.message, column=column, line=line, field=path) from None
        attribute = path if len(tokens) == 1 and path in ATTRIBUTES else None
        self.uses_name |= attribute == "event"
        operand = _Operand(path, line, column, FieldType("any"), get, attribute)
        return _Operand(path, line, column, self.combine(operand, types), get, attribute)

    def combine(self, at: _Operand, types: tuple[FieldType, ...]) -> FieldType:
        kinds = {t.kind for t in types}
        nullable = any(t.nullable for t in types)
        if "any" in kinds:
            return FieldType("any", nullable)
        if len(kinds) == 1 or kinds == {"string", "enum"}:
            kind = "string" if len(kinds) > 1 else kinds.pop()
            symbols = tuple(dict.fromkeys(s for t in types for s in t.symbols))
            return FieldType(kind, nullable, symbols if kind == "enum" else ())
        first, other = types[0], next(t for t in types if t.kind != types[0].kind)
        where = (self.schemas[types.index(first)].name, self.schemas[types.index(other)].name)
        self.fail(
            f"{at.text} is {first.describe()} in {where[0]} but {other.describe()} in "
            f"{where[1]}: a filter cannot compare it for both",
            at,
        )

    def truth(self, operand: _Operand) -> Predicate:
        if operand.literal and isinstance(operand.value, bool):
            value = operand.value
            return lambda event, name: value
        if not operand.literal and operand.type.kind == "boolean":
            get = operand.get
            return lambda event, name: get(event, name) is True
        hint = "" if operand.literal else f": compare it, or test exists({operand.text})"
        self.fail(f"{operand.text} is {operand.type.describe()}, not a condition{hint}", operand)

    def compare(self, left: _Operand, op: str, right: _Operand) -> Predicate:
        if left.literal and not right.literal:
            left, op, right = right, _MIRROR[op], left
        if right.literal:
            return self.against(left, op, [right])
        self.scalar(left)
        self.scalar(right)
        kinds = {left.type.kind, right.type.kind} - {"any"}
        if len(kinds) > 1 and kinds != {"string", "enum"}:
            self.fail(
                f"cannot compare {left.text} ({left.type.describe()}) with {right.text} "
                f"({right.type.describe()})",
                right,
            )
        self.ordered(left, op)
        return _paths(left.get, op, right.get)

    def member(self, left: _Operand, items: list[_Operand], negate: bool) -> Predicate:
        test = self.against(left, "in", items)
        return (lambda event, name: not test(event, name)) if negate else test

    def against(self, path: _Operand, op: str, literals: list[_Operand]) -> Predicate:
        """``path`` compared with literals (``op`` is ``in`` for a list)."""
        self.scalar(path)
        self.ordered(path, op)
        values = [self.convert(path, op, literal) for literal in literals]
        if path.attribute == "type" and op in ("==", "!=", "in"):
            return self.type_test(values, negate=op == "!=")
        if path.attribute == "event":
            for literal, value in zip(literals, values, strict=True):
                if value is not None and value not in self.names:
                    self.fail(f"unknown event {value!r}: {self._reads()}", literal, "event")
        get = path.get
        if op == "in":
            members = frozenset(values)
            return lambda event, name: _member(get(event, name), members)
        value = values[0]
        if op == "==":
            return lambda event, name: bool(get(event, name) == value)
        if op == "!=":
            return lambda event, name: bool(get(event, name) != value)
        return _ordered(get, _ORDER[op], value)

    def type_test(self, values: list[Any], negate: bool) -> Predicate:
        """``type`` against full types or event names (``PermitGranted``)."""
        types = frozenset(v for v in values if v in self.types)
        names = frozenset(v for v in values if v in self.names)
        self.uses_name |= bool(names)

        def test(event: Event, name: str | None) -> bool:
            return (event.type in types or name in names) is not negate

        return test

    def convert(self, path: _Operand, op: str, literal: _Operand) -> Any:
        """The literal as a value of the path's type (a date, a datetime, ...)."""
        value, kind = literal.value, path.type.kind
        if value is None:
            if op in ("==", "!=", "in"):
                return None
            message = f"{path.text} {op} null: null compares only with == and !="
            self.fail(message, literal, path.text)
        given = _literal_kind(value)
        if kind == "any" or (kind == given and kind != "string"):
            return value
        if given != "string" or kind not in ("string", "enum", "date", "timestamp"):
            hint = f'; write "{literal.text}"' if kind == "string" and given == "number" else ""
            self.fail(
                f"cannot compare {path.text} ({path.type.describe()}) with {literal.text} "
                f"(a {given}){hint}",
                literal,
                path.text,
            )
        if kind == "enum" and value not in path.type.symbols:
            symbols = ", ".join(path.type.symbols)
            self.fail(f"{value!r} is not a symbol of {path.text} ({symbols})", literal, path.text)
        if (
            path.attribute == "type"
            and op not in _ORDER
            and value not in {**self.types, **self.names}
        ):
            self.fail(f"unknown event type {value!r}: {self._reads()}", literal, "type")
        if kind == "date":
            return self.parsed(_date(value), literal, path, "a date like 2026-03-01")
        if kind == "timestamp":
            like = "an RFC 3339 time like 2026-03-01T09:30:00Z (or a date)"
            return self.parsed(_timestamp(value), literal, path, like)
        return value

    def parsed(self, value: Any, literal: _Operand, path: _Operand, like: str) -> Any:
        if value is None:
            self.fail(f"{literal.text} is not {like}, as {path.text} needs", literal, path.text)
        return value

    def scalar(self, operand: _Operand) -> None:
        if operand.type.kind not in _SCALAR and not operand.literal:
            self.fail(
                f"{operand.text} is {operand.type.describe()}: a filter compares single values "
                f"(test exists({operand.text}) or compare one of its fields)",
                operand,
            )

    def ordered(self, operand: _Operand, op: str) -> None:
        if op in _ORDER and operand.type.kind not in _ORDERED:
            self.fail(
                f"{operand.text} is {operand.type.describe()} and has no order: use == or in",
                operand,
            )

    def fail(self, message: str, at: _Operand, field: str | None = None) -> NoReturn:
        raise ExpressionError(
            message,
            column=at.column,
            line=at.line,
            field=field or (None if at.literal else at.text),
        )

    def _reads(self) -> str:
        return f"the route reads {', '.join(self.names) or 'no events'}"


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda event, name: first(event, name) or second(event, name)


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda event, name: first(event, name) and second(event, name)


def _member(value: Any, members: frozenset[Any]) -> bool:
    try:
        return value in members
    except TypeError:  # an unhashable value (a union of records): not a member
        return False


def _ordered(get: Getter, order: Callable[[Any, Any], bool], value: Any) -> Predicate:
    def test(event: Event, name: str | None) -> bool:
        found = get(event, name)
        if found is None:
            return False
        try:
            return order(found, value)
        except TypeError:  # data of another type than the schema says: no match
            return False

    return test


def _paths(left: Getter, op: str, right: Getter) -> Predicate:
    order = _ORDER.get(op)

    def test(event: Event, name: str | None) -> bool:
        a, b = left(event, name), right(event, name)
        if a is None or b is None:
            return op == "!="
        if order is None:
            return (a == b) is (op == "==")
        try:
            return order(a, b)
        except TypeError:
            return False

    return test


def _literal(token: Token) -> Any:
    text = token.value
    if token.type == "STRING":
        return _unescape(token)
    if token.type == "NUMBER":
        return float(text) if any(c in text for c in ".eE") else int(text)
    return {"TRUE": True, "FALSE": False, "NULL": None}[token.type]


def _literal_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "string" if isinstance(value, str) else "number"


def _unescape(token: Token) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) == 11:  # a surrogate pair, as JSON writes characters beyond U+FFFF
            high, low = int(code[1:5], 16), int(code[7:], 16)
            return chr(0x10000 + (high - 0xD800) * 0x400 + (low - 0xDC00))
        if len(code) == 5:
            return chr(int(code[1:], 16))
        if code not in _ESCAPES:
            column = (token.column or 1) + 1 + match.start()
            raise ExpressionError(
                f"unknown escape \\{code} in a string at column {column}: use \\\\, \\\", \\', "
                "\\n, \\t, \\r or \\uXXXX",
                column=column,
                line=token.line or 1,
            )
        return _ESCAPES[code]

    return _ESCAPE.sub(replace, token.value[1:-1])


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:
        return None


def _timestamp(text: str) -> datetime | None:
    day = _date(text)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        return datetime.fromisoformat(text.upper()) if _TIMESTAMP.fullmatch(text) else None
    except ValueError:
        return None
