"""Tests of the bundled connectors."""
