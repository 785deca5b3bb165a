"""The ``webhook`` source: events posted over HTTPS by the e-services portal.

See :mod:`connectors.webhook.connector` for the request format and docs/webhook.md for
the operator's guide.
"""
