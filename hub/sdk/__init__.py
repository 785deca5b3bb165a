"""The connector SDK: what a source or sink implements and how it registers.

See docs/connectors.md for a complete source connector in under 60 lines.
"""

from hub.sdk.errors import ConnectorError, FatalError, TransientError
from hub.sdk.ids import NameIds
from hub.sdk.registry import ENTRY_POINT_GROUP, ConnectorType, Registry, UnknownConnectorType
from hub.sdk.types import (
    Batch,
    BatchRejected,
    DeadLetter,
    Position,
    Publisher,
    PushSource,
    Source,
    SourceContext,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Batch",
    "BatchRejected",
    "ConnectorError",
    "ConnectorType",
    "DeadLetter",
    "FatalError",
    "NameIds",
    "Position",
    "Publisher",
    "PushSource",
    "Registry",
    "Source",
    "SourceContext",
    "TransientError",
    "UnknownConnectorType",
]
