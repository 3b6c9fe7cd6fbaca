"""Test harness for services: a real service app on the real Kafka and PostgreSQL, in-process.

Only tests import this package (an import-linter contract keeps production code away from it).
"""

from shared.testing.harness import DEFAULT_TOKENS, Harness, start_service

__all__ = ["DEFAULT_TOKENS", "Harness", "start_service"]
