"""Fixtures and their loader: `load` validates every fixture, then writes them in one transaction."""

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

import settings
from seeds.errors import FixtureError, Problem
from seeds.loader import fixture_paths, read_fixtures
from seeds.writer import Report, write

FIXTURES = settings.FIXTURES


def load(engine: sa.Engine, fixtures: Path | Iterable[Path] = FIXTURES) -> Report:
    """Validate the fixtures (a folder's, or the files given), then make the database hold exactly what they say."""
    return write(engine, read_fixtures(fixtures))


__all__ = ["FIXTURES", "FixtureError", "Problem", "Report", "fixture_paths", "load", "read_fixtures"]
