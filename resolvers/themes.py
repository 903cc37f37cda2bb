"""Themes, and what they are linked to."""

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import sqlalchemy as sa

from models import tables as t
from models.entity import Entity
from models.theme import THEME
from resolvers import events as event_queries
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import ByKey, Everything, children, fetches
from resolvers.loading import Relationship, Row, by_key


@cache
def themes(kind: Entity) -> Relationship:
    """The themes of rows of `kind`, by name."""
    return Relationship(
        t.theme,
        keys=(t.theme_link.c.subject_id,),
        link=t.theme_link,
        link_on=t.theme_link.c.theme_id == t.theme.c.id,
        where=t.theme_link.c.subject_type == kind.subject,
        order_by=(t.theme.c.name,),
    )


def themes_of(kind: Entity) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of `themes` on the type of `kind`."""
    return children(themes(kind))


def _linked(table: sa.Table, *order_by: sa.ColumnElement[Any]) -> Relationship:
    """Rows of `table` linked to a theme."""
    return Relationship(
        table,
        keys=(t.theme_link.c.theme_id,),
        link=t.theme_link,
        link_on=sa.and_(t.theme_link.c.subject_id == table.c.id, t.theme_link.c.subject_type == table.name),
        order_by=order_by,
    )


RELATIONS = _linked(t.relation, t.relation.c.slug)
EVENTS = _linked(t.event, *event_queries.EVENT_ORDER)
AGREEMENTS = _linked(t.agreement, t.agreement.c.slug)
MECHANISMS = _linked(t.mechanism, t.mechanism.c.slug)


THEMES = Everything(t.theme, (t.theme.c.name,))
THEME_BY_SLUG = ByKey(by_key(THEME), lambda arguments: arguments["slug"])


@fetches(THEMES)
async def all_themes(info: Info) -> list[Row]:
    return await THEMES.load(info.context.loaders)


relations_of_theme = children(RELATIONS)


events_of_theme = event_queries.events_of(EVENTS)


agreements_of_theme = children(AGREEMENTS)


mechanisms_of_theme = children(MECHANISMS)


@fetches(THEME_BY_SLUG)
async def theme(info: Info, slug: Slug) -> Row | None:
    return await THEME_BY_SLUG.load(info.context.loaders, slug=slug)
