"""The ``sql-poll`` source: new and changed rows of a database table become catalog events.

``config`` is the configuration; ``convert`` fits values to an Avro schema; ``mapping`` and
``outbox`` turn a row into an event; ``checks`` holds the checks made when the source opens
and on its first poll; ``query`` finds the rows after a position; ``database`` owns the
connection pool and turns driver errors into the SDK's; ``source`` ties them together.
"""
