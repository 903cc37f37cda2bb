"""The Core tables behind the models, by table name (`tables.event`), for read paths that select plain rows."""

import sqlalchemy as sa

from models import metadata


def __getattr__(name: str) -> sa.Table:
    try:
        return metadata.tables[name]
    except KeyError:
        raise AttributeError(f"there is no table {name!r}") from None
