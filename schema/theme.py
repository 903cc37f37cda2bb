"""Themes: areas of cooperation."""

import strawberry

import resolvers.themes
from models import tables as t
from models.event import EVENT
from models.theme import THEME
from resolvers.kinds import themed_rows
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.event import EVENT_PAGING, Event
from schema.lists import in_order, lookup, paged
from schema.node import Node


@entity_type(THEME, description="An area of cooperation, such as security, trade or people-to-people exchange.")
class Theme(Node):
    slug: str = strawberry.field(description="The theme's natural key.")
    name: str = strawberry.field(description="Its name. " + EDITORIAL.format(field="name"))
    description: str | None = strawberry.field(description="What it covers. " + EDITORIAL.format(field="description"))
    events: Connection[Event] | None = paged(
        themed_rows(EVENT), EVENT_PAGING, description="Events in this area, in date order (undated last)."
    )


@strawberry.type
class Queries:
    themes: Connection[Theme] | None = paged(t.theme, in_order(THEME), description="Every theme, by name.")
    theme: Theme | None = lookup(
        resolvers.themes.THEME_BY_SLUG,
        description="The theme with this slug; null if there is none.",
    )
