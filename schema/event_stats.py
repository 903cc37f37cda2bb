"""Counts of events."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from models.enums import EventKind
from resolvers import tallies
from schema.fields import AGGREGATE, resolved

if TYPE_CHECKING:
    from schema.theme import Theme


@strawberry.type(description="How many events are of one kind.")
class KindCount:
    kind: EventKind = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many events are of it.")


@strawberry.type(description="How many events begin in one decade.")
class DecadeCount:
    decade: int = strawberry.field(description="The decade's first year (1950 for the 1950s).")
    count: int = strawberry.field(description="How many events begin in it.")


@strawberry.type(description="How many events concern one theme.")
class ThemeCount:
    theme: Annotated["Theme", strawberry.lazy("schema.theme")] = resolved(
        resolver=tallies.theme_of_tally, description="The theme."
    )
    count: int = strawberry.field(description="How many events concern it.")


@strawberry.type(description="Counts of events, most frequent first, computed by the database.")
class EventStats:
    by_kind: list[KindCount] = resolved(resolver=tallies.by_kind, description="Events by kind.", cost=AGGREGATE)
    by_decade: list[DecadeCount] = resolved(
        resolver=tallies.by_decade,
        description="Dated events by the decade they begin in; undated ones are left out.",
        cost=AGGREGATE,
    )
    by_theme: list[ThemeCount] = resolved(resolver=tallies.by_theme, description="Events by theme.", cost=AGGREGATE)
