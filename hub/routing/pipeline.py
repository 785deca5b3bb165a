"""A route's processing of one event, compiled once: select, filter, protect, transform."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from hub.config.routes import RouteSpec
from hub.events import Catalog, Event, EventSchema, UnknownEventType
from hub.routing.expr import Filter, compile_filter
from hub.routing.privacy import Protector
from hub.routing.transform import Transform, compile_transform
from hub.routing.types import Delivery


class RouteConfigError(ValueError):
    """A route that cannot work with the catalog; ``field`` is its config path."""

    def __init__(self, route: str, field: str, message: str) -> None:
        super().__init__(f"route {route}: {field}: {message}")
        self.route = route
        self.field = field
        self.message = message


def route_schemas(spec: RouteSpec, catalog: Catalog) -> list[EventSchema]:
    """The latest schema of every event the route reads."""
    domains = set(spec.input.domains)
    known = {s.domain for s in catalog}
    for domain in domains - known:
        raise RouteConfigError(
            spec.name, "from.domains", f"no domain {domain!r} (known: {', '.join(sorted(known))})"
        )
    names = [n for n in catalog.names() if catalog.get(n).domain in domains]
    if spec.input.types:
        for index, name in enumerate(spec.input.types):
            if name not in names:
                raise RouteConfigError(
                    spec.name,
                    f"from.types[{index}]",
                    f"no event {name!r} in {', '.join(sorted(domains))} "
                    f"(known: {', '.join(names)})",
                )
        names = list(spec.input.types)
    return [catalog.get(n) for n in names]


@dataclass(frozen=True)
class Pipeline:
    """Everything a route does to an event before its sink sees it."""

    route: str
    schemas: Sequence[EventSchema]
    filter: Filter | None
    protector: Protector
    transform: Transform
    catalog: Catalog

    @classmethod
    def compile(cls, spec: RouteSpec, catalog: Catalog) -> Pipeline:
        schemas = route_schemas(spec, catalog)
        try:
            flt = compile_filter(spec.filter, schemas) if spec.filter else None
        except ValueError as exc:
            raise RouteConfigError(spec.name, "filter", str(exc)) from exc
        try:
            transform = compile_transform(spec.transform, schemas)
        except ValueError as exc:
            raise RouteConfigError(spec.name, "transform", str(exc)) from exc
        protector = Protector(spec.personal_data, catalog)
        return cls(spec.name, schemas, flt, protector, transform, catalog)

    def schema_of(self, event: Event) -> EventSchema | None:
        """The route's schema for the event, or None when the route does not read it."""
        try:
            schema = self.catalog.by_type(event.type)
        except UnknownEventType:
            return None
        for wanted in self.schemas:
            if wanted.name == schema.name:
                return schema
        return None

    def process(self, event: Event) -> Delivery | None:
        """The delivery for ``event``, or None when the route leaves it out."""
        schema = self.schema_of(event)
        if schema is None:
            return None
        if self.filter is not None and not self.filter.matches(event, schema.name):
            return None
        protected = self.protector.protect(event)
        build = partial(self.transform.apply, protected)  # when the sink asks for it
        return Delivery.deferred(event.id, protected.subject, build, protected, self.route)
