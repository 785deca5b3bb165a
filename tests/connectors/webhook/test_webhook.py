"""The webhook over real HTTP against the real broker: 202 means durable, refusals explain."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from connectors.webhook.config import WebhookConfig
from connectors.webhook.source import WebhookSource
from hub.connection import KafkaConnection
from hub.events import Catalog, Decoder, Encoder
from hub.localkafka.broker import free_port
from hub.runtime.metrics import SourceMetrics
from hub.runtime.publisher import KafkaPublisher
from hub.runtime.topics import TopicSpec, deadletter_topic, ensure_topics, event_topics
from hub.sdk import SourceContext
from hub.testing import read_committed
from tests.connectors.webhook.bodies import (
    APPLICATION,
    NOTIFICATION,
    OTHER_SECRET,
    SECRET,
    application,
    encode,
    signed_headers,
)
from tests.kafka_env import KafkaUnderTest

pytestmark = pytest.mark.integration

NAME = "portal"
LIMIT = 4096
PROBLEM = "application/problem+json"


@dataclass
class Hub:
    """A webhook served on a free port, publishing under its own topic prefix."""

    url: str
    conn: KafkaConnection
    topic: str
    dlq: str
    metrics: CollectorRegistry

    def records(self, topic: str, key: Callable[[Any], bool]) -> list[Any]:
        return [r for r in read_committed(self.conn, [topic]) if key(r)]

    def events_with_id(self, event_id: str) -> list[Any]:
        return self.records(self.topic, lambda r: dict(r.headers)["ce_id"] == event_id.encode())

    def dead_letters(self, key: str) -> list[Any]:
        return self.records(self.dlq, lambda r: r.key == key.encode())


def _publisher(
    conn: KafkaConnection, catalog: Catalog, prefix: str, registry: CollectorRegistry, **kw: Any
) -> KafkaPublisher:
    return KafkaPublisher(
        NAME,
        conn=conn,
        encoder=Encoder(catalog, topic_prefix=prefix),
        prefix=prefix,
        metrics=SourceMetrics.create(registry),
        **kw,
    )


@contextmanager
def serving(source: WebhookSource, publisher: KafkaPublisher, catalog: Catalog) -> Iterator[str]:
    """Run ``source.serve`` on a thread as the runtime does; yield its URL."""
    context = SourceContext(NAME, log=lambda message: None, catalog=catalog)
    failed: list[BaseException] = []

    def serve() -> None:
        try:
            source.serve(context, publisher)
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=serve, name="webhook-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not source.started.wait(0.05):
        assert not failed, failed
        assert time.monotonic() < deadline, "the webhook did not start"
    try:
        assert source.url is not None
        yield source.url
    finally:
        context.stopping.set()
        thread.join(10)
    assert not failed, failed


@pytest.fixture(scope="module")
def hub(kafka: KafkaUnderTest, catalog: Catalog) -> Iterator[Hub]:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    dlq = deadletter_topic(prefix, NAME)
    topics = [TopicSpec(t) for t in event_topics(catalog, prefix)] + [TopicSpec(dlq)]
    ensure_topics(kafka.connection, topics)
    registry = CollectorRegistry()
    publisher = _publisher(kafka.connection, catalog, prefix, registry)
    config = WebhookConfig(
        secret=SECRET,  # type: ignore[arg-type]
        port=0,
        max_body_bytes=LIMIT,
        event_types=[APPLICATION, NOTIFICATION],
        municipality_code="2480",
    )
    try:
        with serving(WebhookSource(config), publisher, catalog) as url:
            topic = catalog.by_type(APPLICATION).topic(prefix)
            yield Hub(url, kafka.connection, topic, dlq, registry)
    finally:
        publisher.close()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as http:
        yield http


def _post(
    client: httpx.Client, url: str, body: dict[str, Any] | bytes, **signing: Any
) -> httpx.Response:
    content = body if isinstance(body, bytes) else encode(body)
    return client.post(url, content=content, headers=signed_headers(content, **signing))


def _problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    doc: dict[str, Any] = response.json()
    assert doc["type"].endswith(f":webhook:{slug}")
    assert doc["status"] == status
    assert doc["title"]
    assert doc["detail"]
    assert doc["instance"].startswith("urn:uuid:")
    return doc


def test_signed_event_is_in_kafka_when_the_202_arrives(
    hub: Hub, client: httpx.Client, catalog: Catalog
) -> None:
    body = application()
    response = _post(client, hub.url, body)

    assert response.status_code == 202, response.text
    # read at once: the 202 was sent only after every in-sync replica acknowledged
    (record,) = hub.events_with_id(body["id"])
    key = body["data"]["applicationId"]
    assert response.json() == {
        "status": "accepted",
        "id": body["id"],
        "type": APPLICATION,
        "subject": key,
    }
    assert record.key == key.encode()
    headers = dict(record.headers)
    assert headers["ce_type"] == APPLICATION.encode()
    assert headers["ce_source"] == b"/kommun/2480/e-tjanster"
    assert headers["ce_subject"] == key.encode()
    assert headers["content-type"] == b"application/avro"
    event = Decoder(catalog).decode_record(record)
    assert event.time == dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert event.data["answers"] == body["data"]["answers"]
    assert event.data["submittedAt"].isoformat() == "2026-03-01T08:29:58.120000+00:00"


def test_concurrent_posts_are_each_answered_after_their_own_ack(
    hub: Hub, client: httpx.Client
) -> None:
    bodies = [application() for _ in range(16)]

    def post(body: dict[str, Any]) -> int:
        return _post(client, hub.url, body).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        statuses = list(pool.map(post, bodies))

    assert statuses == [202] * len(bodies)
    wanted = {body["id"].encode() for body in bodies}
    found = hub.records(hub.topic, lambda r: dict(r.headers)["ce_id"] in wanted)
    assert len(found) == len(bodies)


def test_wrong_key_is_401_and_nothing_is_published(hub: Hub, client: httpx.Client) -> None:
    body = application()
    response = _post(client, hub.url, body, secret=OTHER_SECRET)
    doc = _problem(response, 401, "bad-signature")
    assert "does not match" in doc["detail"]
    assert response.headers["www-authenticate"].startswith("Signature")
    assert hub.events_with_id(body["id"]) == []
    assert hub.dead_letters(body["id"]) == []


def test_tampered_body_is_401(hub: Hub, client: httpx.Client) -> None:
    content = encode(application())
    headers = signed_headers(content)
    response = client.post(hub.url, content=content.replace(b"BANKID", b"NONE"), headers=headers)
    _problem(response, 401, "bad-signature")


def test_unsigned_request_is_401(hub: Hub, client: httpx.Client) -> None:
    content = encode(application())
    response = client.post(
        hub.url, content=content, headers={"Content-Type": "application/cloudevents+json"}
    )
    assert "X-Hub-Timestamp" in _problem(response, 401, "unsigned")["detail"]


def test_stale_timestamp_is_401(hub: Hub, client: httpx.Client) -> None:
    body = application()
    response = _post(client, hub.url, body, timestamp=int(time.time()) - 3600)
    doc = _problem(response, 401, "stale-request")
    assert doc["skewSeconds"] >= 3600
    assert hub.events_with_id(body["id"]) == []


def test_replayed_request_is_409(hub: Hub, client: httpx.Client) -> None:
    content = encode(application())
    headers = signed_headers(content)
    assert client.post(hub.url, content=content, headers=headers).status_code == 202
    replay = client.post(hub.url, content=content, headers=headers)
    _problem(replay, 409, "replayed-request")


def test_event_id_already_accepted_is_409_and_published_once(
    hub: Hub, client: httpx.Client
) -> None:
    body = application()
    now = int(time.time())
    assert _post(client, hub.url, body, timestamp=now).status_code == 202
    again = _post(client, hub.url, body, timestamp=now - 1)  # another signature
    assert _problem(again, 409, "duplicate-event")["field"] == "id"
    assert len(hub.events_with_id(body["id"])) == 1


def test_too_large_body_is_413_by_content_length(hub: Hub, client: httpx.Client) -> None:
    body = application(answers={"text": "x" * LIMIT})
    doc = _problem(_post(client, hub.url, body), 413, "body-too-large")
    assert doc["maxBytes"] == LIMIT


def test_too_large_body_is_413_when_streamed(hub: Hub, client: httpx.Client) -> None:
    content = encode(application(answers={"text": "x" * LIMIT}))
    headers = signed_headers(content)

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for start in range(0, len(content), 1000):
            yield content[start : start + 1000]

    response = client.post(hub.url, content=chunks(), headers=headers)
    assert "at least" in _problem(response, 413, "body-too-large")["detail"]


def test_small_streamed_body_is_accepted(hub: Hub, client: httpx.Client) -> None:
    content = encode(application())
    response = client.post(
        hub.url, content=iter([content[:100], content[100:]]), headers=signed_headers(content)
    )
    assert response.status_code == 202, response.text


def test_field_of_the_wrong_type_is_422_named_and_dead_lettered(
    hub: Hub, client: httpx.Client
) -> None:
    body = application()
    body["data"]["attachments"][0]["sizeBytes"] = "48 kB"
    content = encode(body)

    response = _post(client, hub.url, content)

    doc = _problem(response, 422, "invalid-event")
    assert doc["field"] == "data.attachments[0].sizeBytes"
    assert doc["pointer"] == "/data/attachments/0/sizeBytes"
    assert "expected an integer" in doc["detail"]
    assert hub.events_with_id(body["id"]) == []
    (letter,) = hub.dead_letters(body["id"])
    headers = {name: value.decode() for name, value in letter.headers}
    assert letter.value == content
    assert headers["hub_dlq_connector"] == NAME
    assert headers["hub_dlq_error_class"] == "InvalidEvent"
    assert "data.attachments[0].sizeBytes" in headers["hub_dlq_reason"]
    counted = hub.metrics.get_sample_value(
        "hub_source_dead_letters_total", {"connector": NAME, "reason": "InvalidEvent"}
    )
    assert counted is not None
    assert counted >= 1


def test_unknown_event_type_is_422_and_dead_lettered(hub: Hub, client: httpx.Client) -> None:
    body = {**application(), "type": "se.kommun.hub.eservice.ApplicationWithdrawn.v1"}
    doc = _problem(_post(client, hub.url, body), 422, "unknown-event-type")
    assert doc["field"] == "type"
    (letter,) = hub.dead_letters(body["id"])
    assert dict(letter.headers)["hub_dlq_error_class"] == b"UnknownEventType"


def test_type_not_accepted_here_is_403(hub: Hub, client: httpx.Client, catalog: Catalog) -> None:
    body = {**application(), "type": catalog.get("PaymentReceived").type}
    assert _problem(_post(client, hub.url, body), 403, "event-type-not-allowed")["field"] == "type"


def test_non_json_body_is_400_and_not_dead_lettered(hub: Hub, client: httpx.Client) -> None:
    marker = f"not json {uuid.uuid4()}"
    response = _post(client, hub.url, marker.encode())
    _problem(response, 400, "malformed-json")
    assert hub.records(hub.dlq, lambda r: marker.encode() in r.value) == []


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/cloudevents-batch+json",
        None,
        "application/json; charset=latin-1",
    ],
)
def test_other_media_types_are_415(
    hub: Hub, client: httpx.Client, content_type: str | None
) -> None:
    content = encode(application())
    headers = signed_headers(content)
    del headers["Content-Type"]
    if content_type is not None:
        headers["Content-Type"] = content_type
    _problem(client.post(hub.url, content=content, headers=headers), 415, "unsupported-media-type")


def test_plain_json_media_type_is_accepted(hub: Hub, client: httpx.Client) -> None:
    content = encode(application())
    headers = {**signed_headers(content), "Content-Type": "application/json; charset=UTF-8"}
    assert client.post(hub.url, content=content, headers=headers).status_code == 202


def test_other_methods_and_paths_get_problem_documents(hub: Hub, client: httpx.Client) -> None:
    response = client.get(hub.url)
    _problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"
    _problem(client.post(hub.url + "/nope", content=b"{}"), 404, "not-found")


def test_kafka_unreachable_is_503_with_retry_after(client: httpx.Client, catalog: Catalog) -> None:
    nowhere = KafkaConnection(bootstrap_servers=f"127.0.0.1:{free_port()}")
    publisher = _publisher(
        nowhere,
        catalog,
        "down",
        CollectorRegistry(),
        timeout=1.0,
        producer_config={"api_version": (4, 0)},  # no eager bootstrap: Kafka is down
    )
    config = WebhookConfig(secret=SECRET, port=0, retry_after_seconds=7)  # type: ignore[arg-type]
    try:
        with serving(WebhookSource(config), publisher, catalog) as url:
            valid = _post(client, url, application())
            invalid = _post(client, url, application(submittedAt="yesterday"))
    finally:
        publisher.close()

    for response in (valid, invalid):  # even the dead letter could not be stored
        doc = _problem(response, 503, "kafka-unavailable")
        assert response.headers["retry-after"] == "7"
        assert "nothing was stored" in doc["detail"]
