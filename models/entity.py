"""Kinds of entity, each declared once beside its table.

Whatever lists the kinds — global ids and node lookup, the search index and its hits, the loader's
sections — is derived from these declarations, so adding a kind touches no list of all of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import SQLModel


@dataclass(frozen=True, eq=False)
class Entity:
    """A kind of thing the API serves by itself.

    `name` is its GraphQL type and the prefix of its global ids; `key` the natural key column that
    identifies a row to the world (and goes into its id); `section` the fixture section that declares
    rows of this kind; `searchable` the columns full-text search indexes, the first one a hit's title;
    `node` whether it implements `Node`. Rows of any table can be cited: the citation's subject type
    is the table's name.
    """

    name: str
    table: sa.Table
    key: str
    section: str | None = None
    searchable: tuple[str, ...] = ()
    node: bool = True
    # The rows to index when they are not one document per row: (id, title, text…) columns.
    documents: Callable[[], sa.Select[Any]] | None = field(default=None, repr=False)

    @property
    def subject(self) -> str:
        """The subject type of this kind's rows, in citations, theme links and the search index."""
        return self.table.name

    def search_rows(self) -> sa.Select[Any]:
        """(id, title, text…) of every row to index."""
        if self.documents is not None:
            return self.documents()
        columns = [self.table.c[name] for name in self.searchable]
        return sa.select(self.table.c.id, columns[0].label("title"), *columns).order_by(self.table.c.id)


ENTITIES: dict[str, Entity] = {}


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a model."""
    return cast(sa.Table, getattr(model, "__table__"))  # noqa: B009 -- SQLModel does not declare `__table__` to type checkers


def declare(
    model: type[SQLModel],
    key: str,
    *,
    section: str | None = None,
    searchable: tuple[str, ...] = (),
    node: bool = True,
    documents: Callable[[], sa.Select[Any]] | None = None,
) -> Entity:
    """Declare the kind whose rows `model` holds; its GraphQL name is the model's."""
    kind = Entity(model.__name__, table_of(model), key, section, searchable, node, documents)
    if kind.name in ENTITIES:
        raise ValueError(f"the kind {kind.name} is declared twice")
    ENTITIES[kind.name] = kind
    return kind


def kind_of_table(table_name: str) -> Entity | None:
    return next((kind for kind in ENTITIES.values() if kind.table.name == table_name), None)


def searchable() -> list[Entity]:
    """The kinds full-text search finds, in the order they were declared."""
    return [kind for kind in ENTITIES.values() if kind.searchable]
