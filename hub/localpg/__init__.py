"""A throw-away local PostgreSQL server on loopback, for tests and the demo."""

from hub.localpg.cluster import LocalPostgres, PostgresMissing

__all__ = ["LocalPostgres", "PostgresMissing"]
