"""Connector types and how they are found: the ``hub.connectors`` entry-point group.

A connector package declares, in its ``pyproject.toml``::

    [project.entry-points."hub.connectors"]
    my-source = "my_package:connector"

where ``connector`` is a :class:`ConnectorType`. The bundled connectors register the
same way, so a municipality's or a vendor's connector is an ordinary Python package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from hub.sdk.types import PushSource, Source

ENTRY_POINT_GROUP = "hub.connectors"

ConfigT = TypeVar("ConfigT", bound=BaseModel)
Kind = Literal["source", "sink"]


@dataclass(frozen=True)
class ConnectorType(Generic[ConfigT]):
    """A name, a pydantic config model (validation, ``describe`` and docs) and a factory."""

    name: str
    kind: Kind
    summary: str
    config_model: type[ConfigT]
    factory: Callable[[ConfigT], Source | PushSource | Any]
    positioned: bool = True
    """False for stateless sources that may run in many copies (no position, no fencing)."""

    def build(self, config: ConfigT) -> Source | PushSource | Any:
        return self.factory(config)


class UnknownConnectorType(LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown connector type {name!r} (installed: {names})")
        self.name = name


class BrokenConnectorPackage(ImportError):
    """An entry point that does not load or does not name a ConnectorType."""


class Registry:
    """The connector types available to this process."""

    def __init__(self, types: Iterable[ConnectorType[Any]] = ()) -> None:
        self._types: dict[str, ConnectorType[Any]] = {}
        for ctype in types:
            self.add(ctype)

    @classmethod
    def discover(cls) -> Registry:
        """Every type installed under the ``hub.connectors`` entry-point group."""
        return cls(_load(ep) for ep in entry_points(group=ENTRY_POINT_GROUP))

    def add(self, ctype: ConnectorType[Any]) -> None:
        if ctype.name in self._types:
            raise ValueError(f"connector type {ctype.name!r} registered twice")
        self._types[ctype.name] = ctype

    def get(self, name: str) -> ConnectorType[Any]:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownConnectorType(name, self._types) from None

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Any:
        return iter(sorted(self._types.values(), key=lambda t: (t.kind, t.name)))


def _load(ep: EntryPoint) -> ConnectorType[Any]:
    try:
        obj = ep.load()
    except Exception as exc:
        raise BrokenConnectorPackage(
            f"entry point {ep.name!r} ({ep.value}) of group {ENTRY_POINT_GROUP} failed "
            f"to load: {exc}"
        ) from exc
    if not isinstance(obj, ConnectorType):
        raise BrokenConnectorPackage(
            f"entry point {ep.name!r} ({ep.value}) is a {type(obj).__name__}, "
            "not a hub.sdk.ConnectorType"
        )
    if obj.name != ep.name:
        raise BrokenConnectorPackage(
            f"entry point {ep.name!r} ({ep.value}) declares connector type {obj.name!r}"
        )
    return obj
