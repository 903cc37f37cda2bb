"""Many keys in one condition: one array parameter on PostgreSQL, a bind per key on SQLite.

`column IN ($1, $2, …)` makes a statement's text depend on how many keys it is given: PostgreSQL parses and
plans each new text again, and SQLAlchemy rewrites it on every execution. On PostgreSQL, `among` writes
`column = ANY(CAST($1 AS type[]))`: one text per statement whatever the number of keys, which the driver
prepares once, and one parameter instead of up to thousands. SQLite, a library in the process, parses in
microseconds, and its `IN (?, ?, …)` is quicker there than a one-parameter list (`json_each`, measured
slower by a third on the benchmark's medium query), so it keeps a bind per key.

A condition holds both parameters, each dialect writes the one it uses. Callers give the keys by name with
`keys_given(name, keys)`, or write them into the condition with `among(column, keys)`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

# The name of the SQLite parameter beside a named PostgreSQL one.
_EACH = "{}_each"


@dataclass(frozen=True)
class Keys:
    """The two parameters that hold one list of keys: as an array, and a bind per key."""

    array: sa.BindParameter[Any]
    each: sa.BindParameter[Any]


def keys_parameter(name: str | None = None, keys: Sequence[Any] | None = None) -> Keys:
    """The parameters for many keys: named, to be given at execution by `keys_given`, or holding `keys` now."""
    if keys is None:
        assert name is not None
        return Keys(sa.bindparam(name), sa.bindparam(_EACH.format(name), expanding=True))
    values = list(keys)
    return Keys(sa.bindparam(None, values, unique=True), sa.bindparam(None, values, unique=True, expanding=True))


def keys_given(name: str, keys: Sequence[Any]) -> dict[str, list[Any]]:
    """The execution parameters of the keys named `name`: both forms (each dialect uses one)."""
    values = list(keys)
    return {name: values, _EACH.format(name): values}


class Among(ColumnElement[Any]):
    """`column` is one of the keys."""

    inherit_cache = True
    # A condition as it stands: with a Boolean type it would be written `(…) = 1` on SQLite, which no index serves.
    type = sa.types.NullType()

    def __init__(self, column: sa.ColumnElement[Any], keys: Keys) -> None:
        self.column = column
        self.array = keys.array
        self.each = keys.each

    # How SQLAlchemy walks and caches the element (its base class declares the list, as an instance variable).
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("array", InternalTraversal.dp_clauseelement),
        ("each", InternalTraversal.dp_clauseelement),
    ]


@compiles(Among)
def _among_each(element: Among, compiler: SQLCompiler, **options: Any) -> str:
    written: str = compiler.process(element.column.in_(element.each), **options)
    return written


@compiles(Among, "postgresql")
def _among_array(element: Among, compiler: SQLCompiler, **options: Any) -> str:
    column, keys = compiler.process(element.column, **options), compiler.process(element.array, **options)
    # A string column's array is cast without its length, which would cut a longer key short.
    base = sa.String() if isinstance(element.column.type, sa.String) else element.column.type
    kind = compiler.dialect.type_compiler_instance.process(base)
    return f"{column} = ANY(CAST({keys} AS {kind}[]))"


def among(column: sa.ColumnElement[Any], keys: Sequence[Any] | Keys) -> ColumnElement[Any]:
    """`column` is one of `keys`: a list given now, or the parameters made by `keys_parameter`."""
    return Among(column, keys if isinstance(keys, Keys) else keys_parameter(keys=keys))
