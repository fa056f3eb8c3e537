"""Settings for the whole test session: the tests under tests/ and the doctests under src/."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The learned theme layer trains at first use and caches its model: keep that cache out of the
    user's home during tests (a fresh folder per session unless the caller chose one)."""
    os.environ.setdefault("CHRONOLOGY_CACHE_DIR", tempfile.mkdtemp(prefix="chronology-test-cache-"))
