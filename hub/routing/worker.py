"""A Kafka-sink route's own work in a second process, beside its Kafka work.

With ``process_in_worker`` (the default) a route whose sink is Kafka hands each poll's
records (key, value, headers) to a :class:`RouteWorker`, which decodes them, runs the
route's filter, personal-data protection and transform, and makes the sink's records; the
route's process sends one chunk of outcomes while the worker makes the next. The route's
process still consumes, sends and commits every record in its own transaction, so exactly
once is untouched. A worker that ends is started again, and the batch it left is read again.
"""

from __future__ import annotations

import sys
from collections.abc import Generator

from hub.routing.processing import Input, Outcome, RouteWork, handler
from hub.runtime.child import ChildWorker, child_main

CHUNK = 50
"""Outcomes per message from the worker: a poll (200 records at most) comes in a few, so
the route sends the first while the worker makes the rest."""


class RouteWorker(ChildWorker):
    def __init__(self, work: RouteWork) -> None:
        super().__init__(__name__, work, name=f"route-{work.spec.name}")

    def outcomes(self, inputs: list[Input]) -> Generator[Outcome, None, None]:
        """Each input's outcome, in order (see :class:`hub.routing.processing.Processing`)."""
        return self.run(inputs)


def main(argv: list[str]) -> int:
    return child_main(argv, handler, chunk=CHUNK)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
