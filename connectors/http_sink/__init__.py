"""The ``http`` sink: POST each delivery as JSON to a department's REST API.

The event id travels as the ``Idempotency-Key`` header, so an API that remembers keys
drops the duplicates at-least-once delivery may produce. Answers map to the route's
retry and dead-letter handling in :mod:`connectors.http_sink.answers`.
"""
