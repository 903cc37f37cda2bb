"""Kinds of entity, each declared once beside its table, with its links to its parents.

An `Entity` says what the API serves of a kind: its GraphQL name, its natural key, its fixture section,
what search indexes of it, which parents its rows belong to (`Link`, declared on the child) and whether
themes are linked to it. `models/registry.py` lists every kind; whatever lists kinds — global ids and
node lookup, the search index and its hits, the loader's sections, the fields a parent serves of its
children, a theme's lists — is derived from the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import SQLModel


@dataclass(frozen=True, eq=False)
class Link:
    """A row's link to its parent, declared on the child and served at both ends.

    The child's type gets the field `name` (the parent its `column` names; null where the column is);
    the parent's type gets the field `children` (the rows that name it, in the child's order), unless
    `listed` is False because the parent serves them itself (a connection with filters of its own).
    """

    name: str
    parent: "Entity"
    column: str
    children: str
    description: str  # of the child's field
    children_description: str  # of the parent's field
    listed: bool = True
    # The child's field is nullable even where the column is not, to agree with the same field of the kinds it
    # shares a union with (`relation` of search's items).
    nullable: bool = False


@dataclass(frozen=True, eq=False)
class Themed:
    """Themes are linked to rows of this kind: its type gets `themes`, and `Theme` a list of its rows."""

    description: str  # of the kind's `themes` field
    theme_description: str  # of the theme's list of this kind's rows
    listed: bool = True  # False: `Theme` serves the list itself


@dataclass(frozen=True, eq=False)
class Entity:
    """A kind of thing the API serves by itself.

    `name` is its GraphQL type and the prefix of its global ids; `key` the natural key column that
    identifies a row to the world (and goes into its id); `plural` the name of a list of its rows;
    `section` the fixture section that declares rows of this kind; `searchable` the columns full-text
    search indexes, the first one a hit's title; `node` whether it implements `Node`; `links` its
    parents; `themed` whether themes are linked to it; `order` the columns lists of its rows are
    sorted by. Rows of any table can be cited: the citation's subject type is the table's name.
    Its GraphQL type is in `schema/<name in snake case>.py`, its fixture section in `seeds/sections/<section>.py`.
    """

    name: str
    table: sa.Table
    key: str
    plural: str
    section: str | None = None
    searchable: tuple[str, ...] = ()
    node: bool = True
    links: tuple[Link, ...] = ()
    themed: Themed | None = None
    order: tuple[str, ...] = ()
    # The rows to index when they are not one document per row: (id, title, text…) columns.
    documents: Callable[[], sa.Select[Any]] | None = field(default=None, repr=False)

    @property
    def subject(self) -> str:
        """The subject type of this kind's rows, in citations, theme links and the search index."""
        return self.table.name

    @property
    def module(self) -> str:
        """The name of the modules of this kind (`schema/<module>.py`): the type's name in snake case."""
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in self.name).lstrip("_")

    @property
    def order_by(self) -> tuple[sa.ColumnElement[Any], ...]:
        """The columns lists of this kind's rows are sorted by: its `order`, else its key."""
        return tuple(self.table.c[name] for name in self.order or (self.key,))

    def search_rows(self) -> sa.Select[Any]:
        """(id, title, text…) of every row to index."""
        if self.documents is not None:
            return self.documents()
        columns = [self.table.c[name] for name in self.searchable]
        return sa.select(self.table.c.id, columns[0].label("title"), *columns).order_by(self.table.c.id)


def natural_key(*parts: object) -> str:
    """A natural key of several parts as one string, for a kind whose key is several columns: the parts joined by
    `/`, each part's own `%` and `/` escaped (`%25`, `%2F`) so that two keys never read alike, an absent part empty.
    """
    return "/".join("" if part is None else str(part).replace("%", "%25").replace("/", "%2F") for part in parts)


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a model."""
    return cast(sa.Table, getattr(model, "__table__"))  # noqa: B009 -- SQLModel does not declare `__table__` to type checkers


def declare(
    model: type[SQLModel],
    key: str,
    *,
    plural: str,
    section: str | None = None,
    searchable: tuple[str, ...] = (),
    node: bool = True,
    links: tuple[Link, ...] = (),
    themed: Themed | None = None,
    order: tuple[str, ...] = (),
    documents: Callable[[], sa.Select[Any]] | None = None,
) -> Entity:
    """The kind whose rows `model` holds; its GraphQL name is the model's. `models/registry.py` lists it."""
    return Entity(
        model.__name__, table_of(model), key, plural, section, searchable, node, links, themed, order, documents
    )
