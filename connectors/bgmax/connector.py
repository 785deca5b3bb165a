"""The ``bgmax`` connector type, registered under the ``hub.connectors`` entry points."""

from __future__ import annotations

from connectors.bgmax.config import BgMaxConfig
from connectors.bgmax.source import BgMaxSource
from hub.sdk import ConnectorType

connector = ConnectorType(
    name="bgmax",
    kind="source",
    summary="Bankgirot BgMax payment files from an inbox folder -> PaymentReceived",
    config_model=BgMaxConfig,
    factory=BgMaxSource,
)
