"""The email sink's templates and configuration (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.email_sink.config import EmailSinkConfig
from connectors.email_sink.connector import connector
from connectors.email_sink.template import Template, TemplateError
from hub.sdk.describe import field_docs

BASE: dict[str, Any] = {
    "host": "smtp.umea.se",
    "from": "noreply@umea.se",
    "to": "resident.email",
    "subject": "Ärende {caseNumber}",
    "body": "Hej {resident.name}",
}


def test_placeholders_read_dotted_paths_and_list_items() -> None:
    template = Template.parse("{a.b} {items.1.name} {{x}} {n:05d}")
    payload = {"a": {"b": "å"}, "items": [{"name": "x"}, {"name": "y"}], "n": 42}
    assert template.render(payload) == "å y {x} 00042"
    assert template.fields == ["a.b", "items.1.name", "n"]


@given(st.text())
def test_text_without_braces_renders_as_itself(text: str) -> None:
    literal = text.replace("{", "").replace("}", "")
    assert Template.parse(literal).render({}) == literal


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "needs a field path"),
        ("{0}", "not a field path"),
        ("{a!r}", "conversions are not supported"),
        ("{a:{b}}", "placeholders inside a format spec"),
        ("{a.upper()}", "not a field path"),
        ("{a[0]}", "not a field path"),
        ("{a", "literal braces"),
    ],
)
def test_templates_that_could_do_more_than_read_a_field_are_refused(
    text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Template.parse(text)


def test_a_missing_field_is_an_error_and_a_null_one_is_empty() -> None:
    template = Template.parse("[{a.b}]")
    assert template.render({"a": {"b": None}}) == "[]"
    with pytest.raises(TemplateError, match=r"no field 'a\.b'"):
        template.render({"a": {}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"from": "noreply"}, "not an e-mail address"),
        ({"to": "bad address@x"}, "not an e-mail address"),
        ({"to": "resident..email"}, "not a field path"),
        ({"subject": "{resident.name!r}"}, "conversions"),
        ({"username": "hub"}, "username and password go together"),
        ({"username": "hub", "password": "pw", "security": "none"}, "only sent encrypted"),
        ({"security": "tls"}, "'starttls', 'ssl' or 'none'"),
        ({"message_id_domain": "umea se"}, "not a domain name"),
        ({"cc": "x@y.se"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EmailSinkConfig.model_validate({**BASE, **change})


def test_ports_and_message_id_domain_follow_from_the_rest() -> None:
    config = EmailSinkConfig.model_validate({**BASE, "from": "Umeå kommun <noreply@umea.se>"})
    assert (config.smtp_port, config.domain, config.fixed_recipient) == (587, "umea.se", False)
    ssl = EmailSinkConfig.model_validate({**BASE, "security": "ssl", "to": "a@umea.se"})
    assert (ssl.smtp_port, ssl.fixed_recipient) == (465, True)


def test_every_field_is_described_with_an_example() -> None:
    assert connector.kind == "sink"
    for doc in field_docs(connector.config_model):
        assert "Example:" in doc.description, doc.path
    assert "from" in {doc.path for doc in field_docs(connector.config_model)}
