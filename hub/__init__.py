"""Municipal event hub: Avro events on Apache Kafka between a municipality's systems."""

__version__ = "0.1.0"
