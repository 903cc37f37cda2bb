"""Partial dates read off a row's four columns."""

from collections.abc import Callable
from typing import Any

from strawberry import Parent

from models.dates import PartialDate
from resolvers.fetches import computed


def partial_date(prefix: str) -> Callable[[Any], PartialDate | None]:
    """The resolver of a date field stored in the columns `{prefix}_text`, `_precision`, `_earliest`, `_latest`."""
    names = [f"{prefix}_{part}" for part in ("text", "precision", "earliest", "latest")]

    @computed(reads=lambda _typename: names)
    def resolve(row: Parent[Any]) -> PartialDate | None:
        text, precision, earliest, latest = (getattr(row, name) for name in names)
        return None if text is None else PartialDate(text, precision, earliest, latest)

    return resolve
