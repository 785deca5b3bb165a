"""Does a broker answer? A metadata request with kafka-python, quietly."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError


def broker_answers(
    bootstrap: str, timeout: float = 5.0, client: Mapping[str, Any] | None = None
) -> bool:
    """True when a broker at ``bootstrap`` answers a metadata (describe cluster) request.

    ``client`` holds further kafka-python settings (security) for the connection.
    """
    logger = logging.getLogger("kafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    admin = None
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            request_timeout_ms=int(timeout * 1000),
            bootstrap_timeout_ms=int(timeout * 1000),
            client_id="hub-probe",
            **(client or {}),
        )
        admin.describe_cluster()
        return True
    except (KafkaError, OSError, ValueError):
        return False
    finally:
        if admin is not None:
            with contextlib.suppress(Exception):
                admin.close()
        logger.setLevel(previous)
