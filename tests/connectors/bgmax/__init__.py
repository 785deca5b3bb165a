"""Tests of the bgmax connector's parsing layer."""
