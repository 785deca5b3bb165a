"""Made-up residents of Umeå and what they apply for: names, synthetic identity numbers,
addresses, properties and building measures with their permit fees.

Identity numbers come from :func:`connectors.bgmax.synthetic.synthetic_personal_identity_number`:
Luhn-valid, with birth dates in the 1800s, so none ever belonged to a person.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from connectors.bgmax.synthetic import synthetic_personal_identity_number

MUNICIPALITY = {"code": "2480", "organisationNumber": "212000-2627"}

_FIRST = ("Åsa", "Björn", "Göran", "Märta", "Östen", "Linnéa", "Maja", "Elias", "Ingrid", "Håkan")
_LAST = ("Öberg", "Åström", "Söderberg", "Bäckström", "Lindqvist", "Nyström", "Sjögren", "Berg")
_STREETS = ("Storgatan", "Kungsgatan", "Rådhusesplanaden", "Ålidhemsvägen", "Västra Esplanaden")
_PLACES = (("UMEÅ", "903"), ("HOLMSUND", "913"), ("SÄVAR", "918"), ("HÖRNEFORS", "922"))
_DISTRICTS = ("HAGA", "TEG", "ÅLIDHEM", "BÖLE", "STOCKSUND", "VÄSTERSLÄTT", "GRISBACKA")
# measure, fee in kronor (Umeå's permit fees are in this range; no VAT on authority decisions)
MEASURES = (
    ("Nybyggnad av enbostadshus", 24_900),
    ("Tillbyggnad av enbostadshus", 11_300),
    ("Nybyggnad av garage", 7_400),
    ("Nybyggnad av fritidshus", 18_600),
    ("Ändrad användning av vind", 6_200),
)


@dataclass(frozen=True)
class Resident:
    name: str
    identity_number: str
    email: str
    street: str
    postal_code: str
    city: str

    @property
    def address(self) -> dict[str, str]:
        return {"street": self.street, "postalCode": self.postal_code, "city": self.city}


@dataclass(frozen=True)
class Project:
    property_designation: str
    measure: str
    fee_ore: int


def resident(rng: random.Random) -> Resident:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city, postal = rng.choice(_PLACES)
    return Resident(
        name=f"{first} {last}",
        identity_number=synthetic_personal_identity_number(rng),
        email=f"{_ascii(first)}.{_ascii(last)}@example.se",
        street=f"{rng.choice(_STREETS)} {rng.randrange(1, 80)}",
        postal_code=f"{postal} {rng.randrange(10, 99)}",
        city=city,
    )


def project(rng: random.Random) -> Project:
    measure, fee = rng.choice(MEASURES)
    block = f"{rng.randrange(1, 30)}:{rng.randrange(1, 40)}"
    return Project(f"UMEÅ {rng.choice(_DISTRICTS)} {block}", measure, fee * 100)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and c.isalpha())
