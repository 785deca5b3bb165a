"""The demo application behind ``hub demo``: a small simulated municipality run through
the hub, for a newcomer to watch.

It is the one place in ``hub/`` that names particular connectors: it writes their
configuration (``webhook``, ``sql-poll``, ``bgmax``, ``http``) and, for the bank, BgMax
files. Everything it runs is real: the Kafka broker, a PostgreSQL server, HTTP services on
loopback, and the hub's own Runtime in-process.

The story, one application every few seconds: the e-services portal posts an
application (``portal``) → the case system opens a case in its legacy table and later
grants the permit through its outbox (``case_system``) → finance invoices the fee with
an OCR reference (``finance``) → the bank pays it in a BgMax file (``bank``) → finance
matches the payment → the resident is notified (``notifications``). The notification
service is down at first, so deliveries are retried, dead-lettered, and replayed once it
is back (``director``).

``world`` starts and stops the parts, ``config`` writes the run's hub.yaml, ``stories``
follows each application on the bus, ``progress`` and ``summary`` show it, ``run``
ties it together. Importing any of it starts nothing.
"""
