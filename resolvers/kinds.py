"""The resolvers a kind's declaration gives: its parents, its children, its themes and a theme's rows of it."""

from collections.abc import Callable
from functools import cache
from typing import Any

import sqlalchemy as sa

from models import tables as t
from models.entity import Entity, Link
from resolvers.fetches import children, foreign
from resolvers.loading import Relationship, by_id


@cache
def parent_of_link(link: Link) -> Callable[..., Any]:
    """The resolver of the parent a row's link names."""
    return foreign(by_id(link.parent), link.column)


@cache
def children_rows(child: Entity, link: Link) -> Relationship:
    """The rows of `child` whose link names a parent, in the child's order."""
    return Relationship(child.table, keys=(child.table.c[link.column],), order_by=child.order_by)


@cache
def children_of_link(child: Entity, link: Link) -> Callable[..., Any]:
    """The resolver of a parent's rows of `child`."""
    return children(children_rows(child, link))


@cache
def themes(entity: Entity) -> Relationship:
    """The themes of rows of `entity`, by name."""
    return Relationship(
        t.theme,
        keys=(t.theme_link.c.subject_id,),
        link=t.theme_link,
        link_on=t.theme_link.c.theme_id == t.theme.c.id,
        where=t.theme_link.c.subject_type == entity.subject,
        order_by=(t.theme.c.name,),
    )


@cache
def themes_of(entity: Entity) -> Callable[..., Any]:
    """The resolver of `themes` on the type of `entity`."""
    return children(themes(entity))


@cache
def themed_rows(entity: Entity) -> Relationship:
    """Rows of `entity` linked to a theme, in the kind's order."""
    table = entity.table
    return Relationship(
        table,
        keys=(t.theme_link.c.theme_id,),
        link=t.theme_link,
        link_on=sa.and_(t.theme_link.c.subject_id == table.c.id, t.theme_link.c.subject_type == entity.subject),
        order_by=entity.order_by,
    )


@cache
def rows_of_theme(entity: Entity) -> Callable[..., Any]:
    """The resolver of a theme's list of rows of `entity`."""
    return children(themed_rows(entity))
