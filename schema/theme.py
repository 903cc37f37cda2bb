"""Themes: areas of cooperation."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.themes
from models.theme import THEME
from resolvers import themes
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.connection import Connection
from schema.fields import resolved
from schema.node import Node

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.event import Event
    from schema.mechanism import Mechanism
    from schema.relation import Relation


@strawberry.type(description="An area of cooperation, such as security, trade or people-to-people exchange.")
class Theme(Node):
    slug: str = strawberry.field(description="The theme's natural key.")
    name: str = strawberry.field(description="Its name. " + EDITORIAL.format(field="name"))
    description: str | None = strawberry.field(description="What it covers. " + EDITORIAL.format(field="description"))
    relations: list[Annotated["Relation", strawberry.lazy("schema.relation")]] = resolved(
        resolver=themes.relations_of_theme, description="Relations that cooperate in this area."
    )
    events: Connection[Annotated["Event", strawberry.lazy("schema.event")]] = resolved(
        resolver=themes.events_of_theme, description="Events in this area, in date order (undated last)."
    )
    agreements: list[Annotated["Agreement", strawberry.lazy("schema.agreement")]] = resolved(
        resolver=themes.agreements_of_theme, description="Agreements in this area."
    )
    mechanisms: list[Annotated["Mechanism", strawberry.lazy("schema.mechanism")]] = resolved(
        resolver=themes.mechanisms_of_theme, description="Mechanisms serving this area."
    )
    citations: list[Citation] = cited(THEME.table, "this theme")
    evidence: list[Citation] = evidenced(THEME.table)


@strawberry.type
class Queries:
    themes: list[Theme] = resolved(resolver=resolvers.themes.all_themes, description="Every theme, by name.")
    theme: Theme | None = resolved(
        resolver=resolvers.themes.theme, description="The theme with this slug; null if there is none."
    )
