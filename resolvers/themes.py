"""Themes, and what they are linked to."""

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from strawberry import Parent

from models import tables as t
from models.enums import SubjectType
from resolvers import events as event_queries
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.loading import Lookup, Relationship, Row

THEME_BY_SLUG = Lookup(t.theme, "slug")
THEMES = {
    subject_type: Relationship(
        t.theme,
        keys=(t.theme_link.c.subject_id,),
        link=t.theme_link,
        link_on=t.theme_link.c.theme_id == t.theme.c.id,
        where=t.theme_link.c.subject_type == subject_type.value,
        order_by=(t.theme.c.name,),
    )
    for subject_type in (SubjectType.RELATION, SubjectType.EVENT, SubjectType.AGREEMENT, SubjectType.MECHANISM)
}


def _linked(table: sa.Table, subject_type: SubjectType, *order_by: sa.ColumnElement[Any]) -> Relationship:
    return Relationship(
        table,
        keys=(t.theme_link.c.theme_id,),
        link=t.theme_link,
        link_on=sa.and_(t.theme_link.c.subject_id == table.c.id, t.theme_link.c.subject_type == subject_type.value),
        order_by=order_by,
    )


RELATIONS = _linked(t.relation, SubjectType.RELATION, t.relation.c.slug)
EVENTS = _linked(t.event, SubjectType.EVENT, t.event.c.date_earliest.is_(None), t.event.c.date_earliest, t.event.c.slug)
AGREEMENTS = _linked(t.agreement, SubjectType.AGREEMENT, t.agreement.c.slug)
MECHANISMS = _linked(t.mechanism, SubjectType.MECHANISM, t.mechanism.c.slug)


def themes_of(subject_type: SubjectType) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of `themes` on a type whose rows are subjects of `subject_type`."""

    async def themes(subject: Parent[Row], info: Info) -> list[Row]:
        return await info.context.loaders.many(THEMES[subject_type], subject.id)

    return themes


async def all_themes(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.theme, t.theme.c.name)


async def relations_of_theme(theme: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(RELATIONS, theme.id)


events_of_theme = event_queries.events_of(EVENTS)


async def agreements_of_theme(theme: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(AGREEMENTS, theme.id)


async def mechanisms_of_theme(theme: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(MECHANISMS, theme.id)


async def theme(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(THEME_BY_SLUG, slug)
