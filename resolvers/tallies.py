"""Counts of a relation's or a country's events, by kind, by decade and by theme, computed in SQL."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from strawberry import Parent

from models import tables as t
from models.theme import THEME
from resolvers.context import Info
from resolvers.fetches import Tallied, computed, fetches, foreign
from resolvers.keys import among
from resolvers.loading import Row, by_id

# Undated events have no decade; a period counts in the decade it begins.
DECADE = sa.cast(sa.extract("year", t.event.c.date_earliest), sa.Integer) // 10 * 10


@dataclass(frozen=True, eq=False)
class Scope:
    """Whose events: a parent key column and the rows it is found in."""

    parent: sa.ColumnElement[Any]
    source: sa.FromClause


@dataclass(frozen=True, eq=False)
class Tally:
    """Events of a scope counted by one dimension, for many parents in one statement."""

    scope: Scope
    name: str
    dimension: sa.ColumnElement[Any]
    source: sa.FromClause | None = None

    def fetch(self, connection: sa.Connection, keys: Sequence[Any]) -> list[list[Row]]:
        parent = self.scope.parent.label("parent")
        statement = (
            sa.select(parent, self.dimension.label(self.name), sa.func.count(sa.distinct(t.event.c.id)).label("count"))
            .select_from(self.source if self.source is not None else self.scope.source)
            .where(among(self.scope.parent, keys), self.dimension.is_not(None))
            .group_by(self.scope.parent, self.dimension)
            .order_by(self.scope.parent, sa.desc("count"), self.dimension)
        )
        grouped: dict[Any, list[Row]] = defaultdict(list)
        for row in connection.execute(statement):
            grouped[row.parent].append(row)
        return [grouped.get(key, []) for key in keys]


def _tallies(scope: Scope) -> dict[str, Tally]:
    themed = scope.source.join(
        t.theme_link, sa.and_(t.theme_link.c.subject_type == "event", t.theme_link.c.subject_id == t.event.c.id)
    )
    return {
        "kind": Tally(scope, "kind", t.event.c.kind),
        "decade": Tally(scope, "decade", DECADE),
        "theme": Tally(scope, "theme_id", t.theme_link.c.theme_id, themed),
    }


TALLIES = {
    "relation": _tallies(Scope(t.event.c.relation_id, t.event)),
    "country": _tallies(
        Scope(
            t.event_participant.c.country_id,
            t.event.join(t.event_participant, t.event_participant.c.event_id == t.event.c.id),
        )
    ),
}


@dataclass(frozen=True)
class StatsOf:
    """Whose event statistics to count: what the `EventStats` type reads."""

    scope: str
    key: int


@computed(reads=lambda _typename: ("id",))
def stats_of_relation(relation: Parent[Row]) -> StatsOf:
    return StatsOf("relation", relation.id)


@computed(reads=lambda _typename: ("id",))
def stats_of_country(country: Parent[Row]) -> StatsOf:
    return StatsOf("country", country.id)


def by(dimension: str) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of one dimension of event statistics."""
    fetch = Tallied(TALLIES, dimension)

    @fetches(fetch)
    async def resolve(stats: Parent[StatsOf], info: Info) -> list[Row]:
        return await fetch.load(info.context.loaders, stats)

    return resolve


by_kind = by("kind")
by_decade = by("decade")
by_theme = by("theme")


theme_of_tally = foreign(by_id(THEME), "theme_id")
