"""Secrets in configuration: given as ``{env: NAME}`` or ``{file: PATH}``, never inline.

The value is resolved when the configuration is validated and kept in a pydantic
``SecretStr``, which prints as ``**********`` in logs, errors and ``describe`` output.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, SecretStr, ValidationInfo


def _resolve(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, SecretStr):
        return value
    context = info.context if isinstance(info.context, Mapping) else {}
    env: Mapping[str, str] = context.get("env", {})
    base: Path = context.get("base_dir", Path.cwd())
    if isinstance(value, Mapping):
        if set(value) == {"env"}:
            name = str(value["env"])
            if name not in env:
                raise ValueError(f"environment variable {name} is not set")
            return SecretStr(env[name])
        if set(value) == {"file"}:
            path = base / str(value["file"])
            try:
                return SecretStr(path.read_text().rstrip("\n"))
            except OSError as exc:
                raise ValueError(f"cannot read secret file {path}: {exc.strerror}") from None
        raise ValueError("a secret is {env: VARIABLE} or {file: PATH}")
    if isinstance(value, str):
        if context.get("allow_inline_secrets", True):
            return SecretStr(value)
        raise ValueError("write secrets as {env: VARIABLE} or {file: PATH}, not inline")
    raise ValueError("a secret is {env: VARIABLE} or {file: PATH}")


Secret = Annotated[SecretStr, BeforeValidator(_resolve)]
"""A secret field: ``password: Secret``. Accepts ``{env: NAME}`` or ``{file: PATH}``."""
