"""BgMax, Bankgirot's incoming payments file: parsing, writing and check digits.

The pure layer of the ``bgmax`` source connector: no Kafka, no I/O beyond reading the
file. :func:`parse_bgmax` reads a whole file into a :class:`BgMaxFile`;
:func:`iter_payments` streams its payments deposit by deposit; :func:`write_bgmax` writes
a model back as a file and :func:`synthetic_file` makes realistic test files.
"""

from __future__ import annotations

from connectors.bgmax.errors import BgMaxError
from connectors.bgmax.lines import Source
from connectors.bgmax.model import (
    BgMaxFile,
    Channel,
    DeductionCode,
    Deposit,
    ExtraReference,
    FileHeader,
    Payer,
    Payment,
    ReferenceCode,
)
from connectors.bgmax.parser import PaymentEntry, iter_payments, parse_bgmax
from connectors.bgmax.synthetic import synthetic_file
from connectors.bgmax.writer import write_bgmax

__all__ = [
    "BgMaxError",
    "BgMaxFile",
    "Channel",
    "DeductionCode",
    "Deposit",
    "ExtraReference",
    "FileHeader",
    "Payer",
    "Payment",
    "PaymentEntry",
    "ReferenceCode",
    "Source",
    "iter_payments",
    "parse_bgmax",
    "synthetic_file",
    "write_bgmax",
]
