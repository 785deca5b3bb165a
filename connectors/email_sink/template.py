"""Templates with ``{path}`` placeholders filled from a payload, without evaluating anything.

``"Beslut i ärende {case.number}"`` reads ``payload["case"]["number"]``; ``{{`` and ``}}``
are literal braces; a format spec is allowed (``{fee:,}``); conversions (``!r``) and
positional fields (``{}``, ``{0}``) are not. A null value reads as empty text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.sdk.payload import MissingField, check_path, lookup

_PARSER = string.Formatter()


class TemplateError(ValueError):
    """The payload cannot fill the template (a field is missing or does not fit its spec)."""


@dataclass(frozen=True)
class Template:
    text: str
    parts: tuple[tuple[str, str | None, str], ...]
    """(literal text, field path or None, format spec)"""

    @classmethod
    def parse(cls, text: str) -> Template:
        """The template, or ValueError saying what is wrong with it."""
        parts: list[tuple[str, str | None, str]] = []
        try:
            parsed = list(_PARSER.parse(text))
        except ValueError as exc:
            raise ValueError(f"{text!r}: {exc} (write {{{{ and }}}} for literal braces)") from None
        for literal, field, spec, conversion in parsed:
            if field is None:
                parts.append((literal, None, ""))
                continue
            if conversion:
                raise ValueError(f"{{{field}!{conversion}}}: conversions are not supported")
            if spec and ("{" in spec or "}" in spec):
                raise ValueError(f"{{{field}:{spec}}}: placeholders inside a format spec")
            if not field:
                raise ValueError("{} needs a field path, e.g. {case.number}")
            check_path(field)
            parts.append((literal, field, spec or ""))
        return cls(text, tuple(parts))

    @property
    def fields(self) -> list[str]:
        return [field for _, field, _ in self.parts if field is not None]

    def render(self, payload: Mapping[str, Any]) -> str:
        out: list[str] = []
        for literal, field, spec in self.parts:
            out.append(literal)
            if field is None:
                continue
            try:
                value = lookup(payload, field)
            except MissingField as exc:
                raise TemplateError(f"{{{field}}}: {exc}") from None
            if value is None:
                continue
            try:
                out.append(format(value, spec))
            except (TypeError, ValueError) as exc:
                raise TemplateError(f"{{{field}:{spec}}}: {exc}") from None
        return "".join(out)
