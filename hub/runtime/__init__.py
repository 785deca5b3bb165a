"""The runtime: runs sources (and later routes) against Kafka, with metrics."""
