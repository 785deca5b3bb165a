"""The ``sql-upsert`` sink: write each delivery as a row of a department database's table.

Idempotent by event id: the event id goes into a key column with a unique constraint,
and a repeated delivery changes nothing (``ON CONFLICT DO NOTHING``). With ``on_conflict``
a row is the latest state of something (a case): newer events update it in place.
"""
