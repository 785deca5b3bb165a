"""The ``sql-poll`` source: new and changed rows of a database table become catalog events.

``config`` and ``event_config`` are the configuration; ``avro_fields`` finds fields in an
event schema and ``convert`` fits values to them; ``mapping`` and ``outbox`` turn a row into
an event; ``checks`` holds the checks made when the source opens and on its first poll;
``query`` finds the rows after a position; ``database`` owns the connection pool and turns
driver errors into the SDK's; ``source`` ties them together.
"""
