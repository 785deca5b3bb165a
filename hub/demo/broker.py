"""The demo's Kafka: the cluster ``HUB_KAFKA_BOOTSTRAP`` names, or the local broker
(started when it is not running yet; it keeps running after the demo)."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from hub.connection import KafkaConnection
from hub.demo.errors import DemoError
from hub.localkafka import BrokerConfig, LocalBroker, LocalKafkaError
from hub.localkafka.paths import default_cache, default_home, default_pom
from hub.localkafka.probe import broker_answers


@dataclass(frozen=True)
class DemoKafka:
    conn: KafkaConnection
    local: bool
    """True for the hub's own local broker (stop it with ``hub kafka down``)."""
    in_env: bool
    """True when HUB_KAFKA_* name the cluster (the demo's hub.yaml then leaves it out)."""

    @property
    def bootstrap(self) -> str:
        return self.conn.bootstrap_servers


def demo_kafka(env: Mapping[str, str], cwd: Path, port: int) -> DemoKafka:
    """The cluster to run on; raises :class:`DemoError` when there is none."""
    external = KafkaConnection.from_env(env)
    if external is not None:
        if not broker_answers(external.bootstrap_servers, client=_security(external)):
            raise DemoError(
                f"the Kafka cluster at {external.bootstrap_servers} (HUB_KAFKA_BOOTSTRAP) does "
                "not answer: start it, or unset HUB_KAFKA_BOOTSTRAP to use the local broker"
            )
        return DemoKafka(external, local=False, in_env=True)
    cfg = BrokerConfig(home=default_home(env, cwd), port=port, controller_port=port + 1)
    broker = LocalBroker(cfg, cache=default_cache(env, cwd), pom=default_pom(cwd))
    try:
        status = broker.up()
    except LocalKafkaError as exc:
        raise DemoError(str(exc)) from exc
    conn = KafkaConnection(bootstrap_servers=status.bootstrap or cfg.bootstrap)
    return DemoKafka(conn, local=True, in_env=False)


def new_prefix() -> str:
    """A topic prefix of its own for each run: a run starts from empty topics and positions."""
    return f"demo-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def forget_last_run(conn: KafkaConnection, state: Path) -> None:
    """Delete the topics of the previous run recorded in ``state`` (kept until now so
    ``hub dlq list`` could show them), on this same cluster only."""
    try:
        last = json.loads(state.read_text())
    except (OSError, ValueError):
        return
    prefix, bootstrap = last.get("prefix"), last.get("bootstrap")
    if not isinstance(prefix, str) or not prefix.startswith("demo-"):
        return
    if bootstrap != conn.bootstrap_servers:
        return
    admin = KafkaAdminClient(**conn.client_config())
    try:
        doomed = [t for t in admin.list_topics() if t.startswith((f"{prefix}.", f"_{prefix}."))]
        if doomed:
            admin.delete_topics(doomed)
    except KafkaError:
        pass  # leftovers of an old run are harmless
    finally:
        admin.close()
    state.unlink(missing_ok=True)


def remember_run(conn: KafkaConnection, state: Path, prefix: str) -> None:
    state.write_text(json.dumps({"prefix": prefix, "bootstrap": conn.bootstrap_servers}) + "\n")


def _security(conn: KafkaConnection) -> dict[str, object]:
    cfg = conn.client_config()
    cfg.pop("bootstrap_servers")
    cfg.pop("client_id")
    return cfg
