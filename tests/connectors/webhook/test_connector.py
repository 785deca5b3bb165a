"""The ``webhook`` connector type: registered, documented config, run by ``hub run``'s runtime."""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from connectors.webhook.config import WebhookConfig
from connectors.webhook.source import WebhookSource
from hub.config import load_config
from hub.events import Catalog
from hub.localkafka.broker import free_port
from hub.runtime.app import Runtime
from hub.sdk import FatalError, Registry, SourceContext
from hub.sdk.describe import field_docs
from hub.testing import read_committed
from tests.connectors.webhook.bodies import SECRET, application, encode, signed_headers
from tests.kafka_env import KafkaUnderTest


def test_registered_as_a_stateless_source() -> None:
    ctype = Registry.discover().get("webhook")
    assert (ctype.kind, ctype.positioned) == ("source", False)
    assert isinstance(ctype.build(WebhookConfig(secret=SECRET)), WebhookSource)  # type: ignore[arg-type]


def test_every_config_field_is_described_with_an_example() -> None:
    for name, field in WebhookConfig.model_fields.items():
        assert field.description, name
        assert field.examples, name
    secret = next(doc for doc in field_docs(WebhookConfig) if doc.path == "secret")
    assert secret.required
    assert secret.secret


def test_secret_from_the_environment_and_never_printed() -> None:
    config = WebhookConfig.model_validate(
        {"secret": {"env": "PORTAL_KEY"}}, context={"env": {"PORTAL_KEY": SECRET}}
    )
    assert config.keys() == [SECRET.encode()]
    assert SECRET not in repr(config)


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"secret": "too-short"}, "at least 32 characters"),
        ({"secret": SECRET, "previous_secret": "short"}, "at least 32 characters"),
        ({"secret": SECRET, "port": 70000}, "less than or equal to 65535"),
        ({"secret": SECRET, "path": "events"}, "should match pattern"),
        ({"secret": SECRET, "municipality_code": "umea"}, "should match pattern"),
        ({"secret": SECRET, "max_body_bytes": 0}, "greater than 0"),
        ({"secret": SECRET, "secrett": SECRET}, "Extra inputs are not permitted"),
        ({}, "Field required"),
    ],
)
def test_bad_config_is_refused(config: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        WebhookConfig.model_validate(config)


class _Unused:
    """A publisher for tests that fail before anything is published."""

    def publish(self, events: object, dead_letters: object = ()) -> None:
        raise AssertionError("nothing should be published")

    def healthy(self) -> bool:
        return True


def test_a_port_in_use_stops_the_connector(catalog: Catalog) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = WebhookConfig(secret=SECRET, port=taken.getsockname()[1])  # type: ignore[arg-type]
        context = SourceContext("portal", catalog=catalog)
        with pytest.raises(FatalError, match=r"cannot listen on 127\.0\.0\.1"):
            WebhookSource(config).serve(context, _Unused())


def test_configured_types_are_checked_against_the_runtime_catalog(catalog: Catalog) -> None:
    config = WebhookConfig(secret=SECRET, event_types=["ApplicationSubmitted"])  # type: ignore[arg-type]
    with pytest.raises(FatalError, match="has no type ApplicationSubmitted"):
        WebhookSource(config).serve(SourceContext("portal", catalog=catalog), _Unused())
    with pytest.raises(FatalError, match="no event catalog"):
        WebhookSource(config).serve(SourceContext("portal"), _Unused())


@pytest.mark.integration
def test_hub_run_serves_the_webhook_from_hub_yaml(
    kafka: KafkaUnderTest, catalog: Catalog, tmp_path: Path
) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    port = free_port()
    hub_yaml = tmp_path / "hub.yaml"
    hub_yaml.write_text(
        f"""
kafka:
  topic_prefix: {prefix}
connectors:
  - name: e-services
    type: webhook
    config:
      port: {port}
      path: /eservice/events
      secret: {{env: PORTAL_KEY}}
"""
    )
    loaded = load_config(hub_yaml, Registry.discover(), {"PORTAL_KEY": SECRET}, catalog)
    runtime = Runtime(loaded, conn=kafka.connection, catalog=catalog, serve_http=False)
    body = application()
    content = encode(body)
    runtime.start()
    try:
        url = f"http://127.0.0.1:{port}/eservice/events"
        response = _post_when_listening(url, content)
    finally:
        runtime.stop()

    assert response.status_code == 202, response.text
    topic = catalog.by_type(body["type"]).topic(prefix)
    ids = [dict(r.headers)["ce_id"] for r in read_committed(kafka.connection, [topic])]
    assert ids == [body["id"].encode()]
    assert all(worker.failed == [] for worker in runtime.workers)


def _post_when_listening(url: str, content: bytes, wait: float = 10.0) -> httpx.Response:
    deadline = time.monotonic() + wait
    while True:
        try:
            return httpx.post(url, content=content, headers=signed_headers(content), timeout=30)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
