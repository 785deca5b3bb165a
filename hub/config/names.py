"""Names of connectors and routes: they name consumer groups, topics and metrics."""

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
