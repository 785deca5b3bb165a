"""The encoding worker: a batch's events made and encoded in a child process."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from hub.events import Catalog, Encoder, Event
from hub.runtime.child import WorkerGone
from hub.runtime.encoding_worker import CHUNK, EncodingWorker
from hub.sdk import Batch, BatchRejected, DeadLetter
from tests.factories import case_opened


@dataclass(frozen=True)
class Numbered:
    """``count`` CaseOpened events made where they are iterated; optionally giving up."""

    count: int
    give_up: bool = False
    unfit: int | None = None  # this one's data does not fit its schema

    def __iter__(self) -> Iterator[Event]:
        for number in range(self.count):
            event = _fixed(number)
            if number == self.unfit:
                event = event.replace(data={**event.data, "secrecy": "NOT A SECRECY"})
            yield event
        if self.give_up:
            replacement = Batch(
                dead_letters=[DeadLetter("input:9", "bad at its end")], position={"n": 1}
            )
            raise BatchRejected(replacement, "bad at its end")


@pytest.fixture
def encoder(catalog: Catalog) -> Encoder:
    return Encoder(catalog, topic_prefix="w")


@pytest.fixture
def worker(encoder: Encoder) -> Iterator[EncodingWorker]:
    started = EncodingWorker(encoder)
    yield started
    started.close()


def test_records_are_those_the_encoder_makes_here_in_order(
    worker: EncodingWorker, encoder: Encoder
) -> None:
    events = Numbered(2 * CHUNK + 7)
    made = list(worker.encode(events))
    assert made == [(encoder.encode(e), e.type) for e in events]
    assert list(worker.encode([_fixed(1)])) == [(encoder.encode(_fixed(1)), _TYPE)]


def test_an_event_its_schema_refuses_comes_back_as_a_dead_letter(worker: EncodingWorker) -> None:
    made = list(worker.encode(Numbered(5, unfit=3)))
    assert len(made) == 5
    letter = made[3]
    assert isinstance(letter, DeadLetter)
    assert letter.key == "event-3"  # as the runner names it: subject, else id
    assert letter.error_class == "SchemaMismatch"
    assert all(not isinstance(item, DeadLetter) for item in made[:3] + made[4:])


def test_a_rejected_batch_is_raised_here_and_the_worker_goes_on(worker: EncodingWorker) -> None:
    items = worker.encode(Numbered(CHUNK + 1, give_up=True))
    with pytest.raises(BatchRejected) as caught:
        for _ in items:
            pass
    replacement = caught.value.replacement
    assert [d.key for d in replacement.dead_letters] == ["input:9"]
    assert replacement.position == {"n": 1}
    assert str(caught.value) == "bad at its end"
    assert worker.alive
    assert len(list(worker.encode(Numbered(3)))) == 3


def test_a_batch_left_unfinished_closes_the_worker(worker: EncodingWorker) -> None:
    items = worker.encode(Numbered(10 * CHUNK))
    next(items)
    items.close()
    assert not worker.alive


def test_a_worker_that_dies_is_a_transient_failure(worker: EncodingWorker) -> None:
    assert worker.pid is not None
    items = worker.encode(Numbered(50 * CHUNK))
    next(items)
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerGone):
        for _ in items:
            pass
    assert not worker.alive


_TYPE = "se.kommun.hub.registry.CaseOpened.v1"
_AT = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def _fixed(number: int) -> Event:
    """A CaseOpened with its id and time fixed, so two processes make the very same one."""
    return case_opened(number).replace(id=f"event-{number}", time=_AT)


def test_a_batch_never_read_leaves_the_worker_gone_for_the_next(worker: EncodingWorker) -> None:
    """The batch goes to the worker at once; a caller that never reads it cannot give the
    worker another: the worker is closed and the runner starts a new one."""
    unread = worker.encode(Numbered(3))
    with pytest.raises(WorkerGone, match="left in the middle of a job"):
        worker.encode(Numbered(3))
    assert not worker.alive
    unread.close()
