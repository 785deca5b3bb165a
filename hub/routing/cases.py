"""Offline route tests: sample events and what the route should make of them.

A case file (YAML) holds one case or a list under ``cases:``::

    name: granted permits reach the case system
    route: permits-to-case-system
    event:
      type: PermitGranted          # event name or CloudEvents type
      source: /kommun/2480/bygglov
      data: {...}                  # as JSON: dates and times as ISO 8601 strings
    expect:
      delivered: true
      payload: {...}               # optional: the exact payload the sink receives
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hub.config import LoadedConfig
from hub.events import Catalog, Encoder, Event, EventError, UnknownEventType
from hub.events.jsonvalues import InvalidValue, to_avro
from hub.routing.pipeline import Pipeline


@dataclass(frozen=True)
class Case:
    name: str
    route: str
    event: Mapping[str, Any]
    expect: Mapping[str, Any]
    file: Path


@dataclass
class CaseResult:
    case: Case
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def load_cases(folder: Path) -> list[Case]:
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of test cases")
    cases = []
    for path in sorted(folder.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("cases", [data]) if isinstance(data, dict) else data
        for index, item in enumerate(items or []):
            if not isinstance(item, dict) or not {"route", "event", "expect"} <= set(item):
                raise ValueError(f"{path} case {index}: needs route, event and expect")
            name = str(item.get("name") or f"{path.stem}[{index}]")
            cases.append(Case(name, item["route"], item["event"], item["expect"], path))
    return cases


def _event(case: Case, catalog: Catalog) -> Event:
    raw = case.event
    name = str(raw.get("type", ""))
    try:
        schema = catalog.by_type(name) if name.count(".") > 1 else catalog.get(name)
    except UnknownEventType:
        raise ValueError(f"event type {name!r} is not in the catalog") from None
    data = to_avro(schema.parsed, raw.get("data", {}))
    time = raw.get("time")
    return Event(
        type=schema.type,
        source=str(raw.get("source", "/kommun/0000/test")),
        data=data,
        id=str(raw.get("id", "00000000-0000-4000-8000-000000000000")),
        time=time
        if isinstance(time, dt.datetime)
        else (dt.datetime.fromisoformat(time) if time else dt.datetime.now(dt.UTC)),
        subject=raw.get("subject") or data.get(schema.key_field),
    )


def run_case(case: Case, loaded: LoadedConfig, catalog: Catalog) -> CaseResult:
    result = CaseResult(case)
    try:
        route = loaded.route(case.route)
    except KeyError as exc:
        result.problems.append(str(exc.args[0]))
        return result
    pipeline = route.pipeline or Pipeline.compile(route.spec, catalog)
    try:
        event = _event(case, catalog)
        Encoder(catalog).encode(event)  # the sample must be a valid event
    except (ValueError, InvalidValue, EventError) as exc:
        result.problems.append(f"{case.file.name}: the sample event is invalid: {exc}")
        return result
    delivery = pipeline.process(event)
    expected = bool(case.expect.get("delivered", True))
    if (delivery is not None) != expected:
        result.problems.append(
            f"expected the route to {'deliver' if expected else 'leave out'} the event, "
            f"but it {'delivered' if delivery is not None else 'left it out'}"
        )
        return result
    if delivery is not None and "payload" in case.expect:
        want = case.expect["payload"]
        got = dict(delivery.payload)
        if got != want:
            for key in sorted(set(want) | set(got)):
                if want.get(key, "<absent>") != got.get(key, "<absent>"):
                    result.problems.append(
                        f"payload.{key}: expected {want.get(key, '<absent>')!r}, "
                        f"got {got.get(key, '<absent>')!r}"
                    )
    return result
