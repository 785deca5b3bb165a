"""One moment of the demo, as the live display and the summary show it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hub.demo.director import Replayed
from hub.demo.metrics import HubCounts
from hub.demo.stories import Story


@dataclass(frozen=True)
class View:
    elapsed: float
    duration: float | None
    metrics_url: str
    kafka: str
    prefix: str
    hub: HubCounts
    case_system: Counter[str]
    finance: Counter[str]
    notifications: Counter[str]
    notifications_down: bool
    notifications_back_at: float | None
    portal: Counter[str]
    portal_open: bool
    bank: Counter[str]
    stories: list[Story]
    replays: list[Replayed]
    failed: list[str] = field(default_factory=list)
    """Connectors and routes that stopped with an error."""
    warnings: list[str] = field(default_factory=list)
    errors: int = 0
    """Errors logged, plus failed polls and publishes of sources."""

    @property
    def complete(self) -> list[Story]:
        return [s for s in self.stories if s.complete]

    @property
    def replayed(self) -> set[str]:
        """Event ids of dead letters replayed and delivered."""
        return {r.event_id for r in self.replays if r.delivered}

    @property
    def dead_letters(self) -> int:
        return sum(self.hub.dead_letters.values())
