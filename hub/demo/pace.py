"""How fast the simulated municipality moves: every timing of the demo in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pace:
    """Seconds between the demo's happenings; tuned so a story completes well within 60 s."""

    application_every: float = 2.0
    """The e-services portal submits a building-permit application this often."""
    decision_after: tuple[float, float] = (3.0, 5.0)
    """The case officer decides this long (at random in the range) after the case opened."""
    bank_every: float = 5.0
    """The bank drops a BgMax file paying the open invoices this often."""
    notifications_down: float = 15.0
    """The notification service answers 503 this long from the start (and until the
    first dead letter, so retries and a dead letter always show)."""
    replay_every: float = 3.0
    """Once the notification service is back, its route's dead letters are replayed."""
    closing: float = 15.0
    """In a bounded run the portal stops taking applications this long before the end,
    so the stories in flight can finish."""
    poll_interval: float = 0.5
    """How often the sql-poll and bgmax sources look for new rows and files."""
