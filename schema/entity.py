"""A kind's GraphQL type: the fields its class declares, and those its declaration gives.

`@entity_type(MECHANISM, description=…)` makes the class a strawberry type and adds, unless the class
declares a field of that name itself:

- for each link of the kind to a parent (`Link`, declared on the child's model), the parent (`relation`);
- for each link of another kind to this one, that kind's rows (`Relation.mechanisms`);
- `themes`, when themes are linked to the kind; on `Theme`, a list of each such kind's rows;
- `citations` and `evidence`.

So a new kind's links appear on its parents' types without an edit to them.
"""

import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry

from models.entity import Entity
from models.registry import links_to, themed
from models.theme import THEME
from resolvers.kinds import children_rows, parent_of_link, themed_rows, themes_of
from schema.citation import Citation, cited, evidenced
from schema.connection import Connection
from schema.fields import resolved
from schema.lists import in_order, paged

T = TypeVar("T", bound=type)


def lazy(entity: Entity) -> Any:
    """The GraphQL type of a kind, by its module (`Event` in `schema/event.py`), for fields that point at it."""
    return Annotated[entity.name, strawberry.lazy(f"schema.{entity.module}")]


def _list(item: Any) -> Any:
    return list.__class_getitem__(item)


def _connection(entity: Entity) -> Any:
    return Connection[lazy(entity)] | None  # type: ignore[misc]  # a generic of a lazy type


def entity_type(entity: Entity, *, description: str, cites: str | None = None, cited: bool = True) -> Callable[[T], T]:
    """`strawberry.type` for the type of `entity`, with its derived fields; `cites`: what its citations state;
    `cited`: whether its rows are cited at all (a source is what citations cite)."""

    def make(cls: T) -> T:
        for name, annotation, field in derived_fields(entity, cites or f"this {entity.name.lower()}", cited):
            if name not in inspect.get_annotations(cls):
                cls.__annotations__[name] = annotation
                setattr(cls, name, field)
        made: T = strawberry.type(cls, description=description)
        return made

    return make


def derived_fields(entity: Entity, cites: str, cited_: bool) -> list[tuple[str, Any, Any]]:
    fields: list[tuple[str, Any, Any]] = []
    for link in entity.links:
        nullable = link.nullable or entity.table.c[link.column].nullable
        annotation = lazy(link.parent) | None if nullable else lazy(link.parent)
        fields.append((link.name, annotation, resolved(resolver=parent_of_link(link), description=link.description)))
    for child, link in links_to(entity):
        if link.listed:
            field = paged(children_rows(child, link), in_order(child), description=link.children_description)
            fields.append((link.children, _connection(child), field))
    if entity.themed is not None:
        fields.append(
            ("themes", _list(lazy(THEME)), resolved(resolver=themes_of(entity), description=entity.themed.description))
        )
    if entity is THEME:
        for other in themed():
            assert other.themed is not None
            if other.themed.listed:
                field = paged(themed_rows(other), in_order(other), description=other.themed.theme_description)
                fields.append((other.plural, _connection(other), field))
    if cited_:
        fields.append(("citations", list[Citation], cited(entity.table, cites)))
        fields.append(("evidence", list[Citation], evidenced(entity.table)))
    return fields
