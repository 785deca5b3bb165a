"""Routes: read events from Kafka, filter, transform, protect personal data, deliver to a sink."""
