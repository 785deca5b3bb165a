"""Hypothesis strategies for BgMax models: anything the format can hold."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from connectors.bgmax import (
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

# printable ISO-8859-1: no control characters, which no producer puts in a text field
_LATIN_1 = st.characters(codec="iso-8859-1", exclude_categories=["Cc"])


def texts(width: int) -> st.SearchStrategy[str]:
    """A text field's content: at most ``width`` characters, no surrounding blanks."""
    return st.text(_LATIN_1, max_size=width).map(lambda text: text.strip(" "))


def accounts(width: int) -> st.SearchStrategy[str]:
    return st.integers(1, 10**width - 1).map(str)


def digits(width: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**width - 1).map(lambda n: str(n).zfill(width))


payers = st.builds(
    Payer,
    name=texts(35),
    extra_name=texts(35),
    address=texts(35),
    postal_code=texts(9),
    city=texts(35),
    country=texts(35),
    country_code=texts(2),
    identity_number=st.none() | digits(12),
)

_transaction = {
    "sender_bankgiro": st.none() | accounts(10),
    "reference": texts(25),
    "reference_code": st.sampled_from(ReferenceCode),
    "channel": st.sampled_from(Channel),
    "serial_number": digits(12),
    "has_image": st.booleans(),
}

extra_references = st.builds(
    ExtraReference,
    record_type=st.sampled_from((22, 23)),
    amount=st.integers(0, 10**18 - 1),
    **_transaction,
)


@st.composite
def payments(draw: st.DrawFn) -> Payment:
    deduction = draw(st.booleans())
    return draw(
        st.builds(
            Payment,
            record_type=st.just(21 if deduction else 20),
            amount=st.integers(0, 10**12),
            deduction_code=st.sampled_from(DeductionCode) if deduction else st.none(),
            extra_references=st.lists(extra_references, max_size=3).map(tuple),
            information=st.lists(texts(50), max_size=3).map(tuple),
            payer=payers,
            **_transaction,
        )
    )


deposits = st.builds(
    Deposit,
    recipient_bankgiro=accounts(10),
    recipient_plusgiro=st.none() | accounts(10),
    currency=texts(3),
    account=st.none() | accounts(35),
    payment_date=st.dates(dt.date(1, 1, 1)),
    serial_number=digits(5),
    deposit_type=texts(1),
    payments=st.lists(payments(), min_size=1, max_size=4).map(tuple),
).filter(lambda deposit: deposit.amount >= 0)

files = st.builds(
    BgMaxFile,
    header=st.builds(
        FileHeader, timestamp=st.datetimes(), test=st.booleans(), version=st.integers(0, 99)
    ),
    deposits=st.lists(deposits, min_size=1, max_size=3).map(tuple),
)
