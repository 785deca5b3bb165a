"""A connector type's reference, drawn from its pydantic config model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from hub.sdk.registry import ConnectorType


@dataclass(frozen=True)
class FieldDoc:
    path: str
    type: str
    required: bool
    default: str
    description: str
    secret: bool


def _type_of(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "enum" in prop:
        return " | ".join(json.dumps(v) for v in prop["enum"])
    if "const" in prop:
        return json.dumps(prop["const"])
    if "anyOf" in prop:
        return " | ".join(_type_of(p, defs) for p in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list[{_type_of(prop.get('items', {}), defs)}]"
    if kind == "object" and "additionalProperties" in prop:
        return f"map[str, {_type_of(prop['additionalProperties'] or {}, defs)}]"
    if prop.get("format") == "password":
        return "secret"
    return str(kind)


def _is_secret(prop: dict[str, Any]) -> bool:
    if prop.get("format") == "password":
        return True
    return any(_is_secret(p) for p in prop.get("anyOf", []))


def field_docs(model: type[BaseModel]) -> list[FieldDoc]:
    """Every field of ``model`` (nested models flattened with dotted paths)."""
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    out: list[FieldDoc] = []

    def walk(obj: dict[str, Any], prefix: str) -> None:
        required = set(obj.get("required", []))
        for name, prop in obj.get("properties", {}).items():
            path = f"{prefix}{name}"
            default = json.dumps(prop["default"]) if "default" in prop else ""
            desc = prop.get("description", "")
            if "examples" in prop:
                desc += f" Example: {json.dumps(prop['examples'][0], ensure_ascii=False)}"
            out.append(
                FieldDoc(
                    path,
                    _type_of(prop, defs),
                    name in required,
                    default,
                    desc.strip(),
                    _is_secret(prop),
                )
            )
            ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
            if not ref:  # an optional nested model: anyOf [{$ref}, {type: null}]
                ref = next((p["$ref"] for p in prop.get("anyOf", []) if "$ref" in p), None)
            if ref:
                sub = defs.get(str(ref).rsplit("/", 1)[-1], {})
                suffix = "[]." if prop.get("type") == "array" else "."
                if sub.get("properties"):
                    walk(sub, f"{path}{suffix}")

    walk(schema, "")
    return out


def example_config(ctype: ConnectorType[Any]) -> dict[str, Any]:
    """A skeleton ``config:`` block: required fields with their first example."""
    schema = ctype.config_model.model_json_schema()
    out: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        out[name] = (prop.get("examples") or ["..."])[0]
    return out
