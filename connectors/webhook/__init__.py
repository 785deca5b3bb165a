"""The ``webhook`` source: events posted over HTTP by the e-services portal.

The request format is in :mod:`connectors.webhook.connector` and, with the operator's
view, in the "webhook" section of docs/connectors.md.
"""
