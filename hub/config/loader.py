"""Load ``hub.yaml``: every problem at once, each with its path and line."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from hub.config.model import ConnectorSpec, HubConfig
from hub.config.routes import RouteSpec
from hub.config.yamlpos import Path_, load_with_lines, nearest_line
from hub.sdk.registry import ConnectorType, Registry, UnknownConnectorType

if TYPE_CHECKING:
    from hub.events import Catalog
    from hub.routing.pipeline import Pipeline


@dataclass(frozen=True)
class Problem:
    path: Path_
    message: str
    line: int | None = None

    @property
    def dotted(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(top level)"


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists each problem found."""

    def __init__(self, file: Path, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = list(problems)
        lines = [
            f"{file}:{p.line}: {p.dotted}: {p.message}"
            if p.line
            else f"{file}: {p.dotted}: {p.message}"
            for p in self.problems
        ]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {file}:"
        super().__init__("\n".join([head, *lines]))


@dataclass(frozen=True)
class ResolvedConnector:
    spec: ConnectorSpec
    type: ConnectorType[Any]
    config: BaseModel


@dataclass(frozen=True)
class ResolvedRoute:
    spec: RouteSpec
    sink_type: ConnectorType[Any]
    sink_config: BaseModel
    pipeline: Pipeline | None = None
    """Compiled against the catalog (None when loaded without one)."""


@dataclass(frozen=True)
class LoadedConfig:
    file: Path
    hub: HubConfig
    connectors: list[ResolvedConnector] = field(default_factory=list)
    routes: list[ResolvedRoute] = field(default_factory=list)

    def route(self, name: str) -> ResolvedRoute:
        for route in self.routes:
            if route.spec.name == name:
                return route
        known = ", ".join(r.spec.name for r in self.routes) or "none"
        raise KeyError(f"no route named {name!r} in {self.file} (routes: {known})")

    def connector(self, name: str) -> ResolvedConnector:
        for conn in self.connectors:
            if conn.spec.name == name:
                return conn
        raise KeyError(name)


def _problems(exc: ValidationError, prefix: Path_, lines: dict[Path_, int]) -> list[Problem]:
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        path = (*prefix, *err["loc"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        out.append(Problem(path, msg, nearest_line(lines, path)))
    return out


def load_config(
    file: Path,
    registry: Registry,
    env: Mapping[str, str],
    catalog: Catalog | None = None,
    *,
    only: Collection[str] | None = None,
) -> LoadedConfig:
    """Parse and validate ``file``; raise :class:`ConfigError` listing every problem.

    ``only`` names the connectors and routes a process runs (``hub run --only``): the others
    keep their place in the file and their names, but their type's config is neither
    validated nor resolved, so a host needs the secrets of its own parts only. Without it,
    every part is checked, as ``hub validate`` does.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(file, [Problem((), f"cannot read the file: {exc.strerror}")]) from None
    try:
        data, lines = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(file, [Problem((), f"not valid YAML: {exc}", line)]) from None
    if data is None:
        data = {}
    context = {"env": env, "base_dir": file.parent}
    try:
        hub = HubConfig.model_validate(data, context=context)
    except ValidationError as exc:
        found = _problems(exc, (), lines)
        # Connector configs are checked too, so one run reports everything.
        raw = data.get("connectors") if isinstance(data, dict) else None
        if isinstance(raw, list):
            if only is not None:
                raw = [c if isinstance(c, dict) and c.get("name") in only else None for c in raw]
            found += _check_raw_connectors(raw, registry, context, lines, found)
        raise ConfigError(file, found) from None

    problems: list[Problem] = []
    if only is not None:
        names = [c.name for c in hub.connectors] + [r.name for r in hub.routes]
        unknown = sorted(set(only) - set(names))
        if unknown:
            known = ", ".join(names) or "none"
            message = f"no connector or route named {', '.join(unknown)} (known: {known})"
            raise ConfigError(file, [Problem(("--only",), message)])
    resolved = []
    for index, spec in enumerate(hub.connectors):
        if only is not None and spec.name not in only:
            continue
        result = _resolve(spec, index, registry, context, lines)
        if isinstance(result, ResolvedConnector):
            resolved.append(result)
        else:
            problems += result
    routes = []
    for index, route in enumerate(hub.routes):
        if only is not None and route.name not in only:
            continue
        outcome = _resolve_route(route, index, registry, context, lines, catalog)
        if isinstance(outcome, ResolvedRoute):
            routes.append(outcome)
        else:
            problems += outcome
    if problems:
        raise ConfigError(file, problems)
    return LoadedConfig(file=file, hub=hub, connectors=resolved, routes=routes)


def _resolve_route(
    spec: RouteSpec,
    index: int,
    registry: Registry,
    context: dict[str, Any],
    lines: dict[Path_, int],
    catalog: Catalog | None,
) -> ResolvedRoute | list[Problem]:
    from hub.routing.pipeline import Pipeline, RouteConfigError

    base: Path_ = ("routes", index)
    problems: list[Problem] = []
    sink_type = sink_config = None
    try:
        sink_type = registry.get(spec.sink.type)
    except UnknownConnectorType as exc:
        problems.append(_at(lines, (*base, "sink", "type"), str(exc)))
    if sink_type is not None and sink_type.kind != "sink":
        problems.append(
            _at(lines, (*base, "sink", "type"), f"{spec.sink.type!r} is a {sink_type.kind}")
        )
        sink_type = None
    if sink_type is not None:
        try:
            sink_config = sink_type.config_model.model_validate(spec.sink.config, context=context)
        except ValidationError as exc:
            problems += _problems(exc, (*base, "sink", "config"), lines)
    pipeline = None
    if catalog is not None:
        try:
            pipeline = Pipeline.compile(spec, catalog)
        except RouteConfigError as exc:
            path: Path_ = (*base, *exc.field.split("."))
            problems.append(_at(lines, path, exc.message))
    if problems or sink_type is None or sink_config is None:
        return problems
    return ResolvedRoute(spec, sink_type, sink_config, pipeline)


def _at(lines: dict[Path_, int], path: Path_, message: str) -> Problem:
    return Problem(path, message, nearest_line(lines, path))


def _resolve(
    spec: ConnectorSpec,
    index: int,
    registry: Registry,
    context: dict[str, Any],
    lines: dict[Path_, int],
) -> ResolvedConnector | list[Problem]:
    try:
        ctype = registry.get(spec.type)
    except UnknownConnectorType as exc:
        path: Path_ = ("connectors", index, "type")
        return [Problem(path, str(exc), nearest_line(lines, path))]
    try:
        config = ctype.config_model.model_validate(spec.config, context=context)
    except ValidationError as exc:
        return _problems(exc, ("connectors", index, "config"), lines)
    return ResolvedConnector(spec, ctype, config)


def _check_raw_connectors(
    raw: list[Any],
    registry: Registry,
    context: dict[str, Any],
    lines: dict[Path_, int],
    known: list[Problem],
) -> list[Problem]:
    out: list[Problem] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            continue
        if item["type"] not in registry:
            if not any(p.path[:3] == ("connectors", index, "type") for p in known):
                path: Path_ = ("connectors", index, "type")
                msg = str(UnknownConnectorType(item["type"], [t.name for t in registry]))
                out.append(Problem(path, msg, nearest_line(lines, path)))
            continue
        ctype = registry.get(item["type"])
        try:
            ctype.config_model.model_validate(item.get("config") or {}, context=context)
        except ValidationError as exc:
            out += _problems(exc, ("connectors", index, "config"), lines)
    return out
