"""Fixtures and their loader: `load` validates every fixture, then writes them in one transaction."""

from pathlib import Path

import sqlalchemy as sa

from seeds.errors import FixtureError, Problem
from seeds.loader import read_fixtures
from seeds.writer import Report, write

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(engine: sa.Engine, directory: Path = FIXTURES) -> Report:
    """Validate the fixtures in `directory`, then make the database hold exactly what they say."""
    return write(engine, read_fixtures(directory))


__all__ = ["FIXTURES", "FixtureError", "Problem", "Report", "load", "read_fixtures"]
