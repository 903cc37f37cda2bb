"""Many keys bound as one parameter: an array on PostgreSQL, a JSON list on SQLite, never a bind per key.

`column IN (?, ?, …)` with a bind per key makes a statement's text depend on how many keys it is given:
SQLAlchemy rewrites it on every execution, and PostgreSQL parses and plans each new text again. `among`
writes `column = ANY(CAST(:keys AS type[]))` on PostgreSQL and `column IN (SELECT value FROM json_each(:keys))`
on SQLite: one text per statement whatever the number of keys, which PostgreSQL's driver prepares once.
"""

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class KeyList(sa.types.TypeDecorator[Sequence[Any]]):
    """A list of keys as one bound value: the list itself for PostgreSQL's driver, JSON text for SQLite."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Sequence[Any] | None, dialect: sa.Dialect) -> Any:
        keys = list(value or ())
        return keys if dialect.name == "postgresql" else orjson.dumps(keys).decode()


class Among(ColumnElement[bool]):
    """`column` is one of the keys bound as `keys` (one `KeyList` parameter)."""

    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, column: sa.ColumnElement[Any], keys: sa.BindParameter[Any]) -> None:
        self.column = column
        self.keys = keys

    # How SQLAlchemy walks and caches the element (its base class declares the list, as an instance variable).
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("keys", InternalTraversal.dp_clauseelement),
    ]


@compiles(Among)
def _among_sqlite(element: Among, compiler: SQLCompiler, **options: Any) -> str:
    column, keys = compiler.process(element.column, **options), compiler.process(element.keys, **options)
    return f"{column} IN (SELECT value FROM json_each({keys}))"


@compiles(Among, "postgresql")
def _among_postgresql(element: Among, compiler: SQLCompiler, **options: Any) -> str:
    column, keys = compiler.process(element.column, **options), compiler.process(element.keys, **options)
    kind = compiler.dialect.type_compiler_instance.process(element.column.type)
    return f"{column} = ANY(CAST({keys} AS {kind}[]))"


def keys_parameter(name: str | None = None, keys: Sequence[Any] | None = None) -> sa.BindParameter[Any]:
    """A parameter holding many keys: named, to be given at execution, or holding `keys` now."""
    if keys is None:
        return sa.bindparam(name, type_=KeyList())
    return sa.bindparam(name, list(keys), type_=KeyList(), unique=True)


def among(column: sa.ColumnElement[Any], keys: Sequence[Any] | sa.BindParameter[Any]) -> ColumnElement[bool]:
    """`column` is one of `keys`: a list given now, or a parameter made by `keys_parameter` given at execution."""
    bound = keys if isinstance(keys, sa.BindParameter) else keys_parameter(keys=keys)
    return Among(column, bound)
