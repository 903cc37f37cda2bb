"""Bilateral relations."""

from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import strawberry

import resolvers.relations
from models import tables as t
from models.enums import RelationStatus
from models.relation import RELATION
from resolvers import relations, tallies
from resolvers.citations import passages_of
from resolvers.dates import partial_date
from resolvers.filtering import EnumFilter, KeyFilter, YearRange, filter_input, key_matches, overlaps
from resolvers.ordering import SortKey, orders
from schema.citation import EDITORIAL, Citation
from schema.connection import Connection
from schema.entity import entity_type
from schema.event import EVENT_PAGING, Event
from schema.event_stats import EventStats
from schema.fields import resolved
from schema.lists import Paging, lookup, paged
from schema.node import Node
from schema.partial_date import PartialDate
from schema.relation_label import RelationLabel

if TYPE_CHECKING:
    from schema.country import Country


@entity_type(
    RELATION,
    description="The bilateral relation between two countries, stored once for the pair.",
    cites="this relation's summary",
)
class Relation(Node):
    slug: str = strawberry.field(description="The pair's codes in alphabetical order, joined by a hyphen (`KOR-USA`).")
    status: RelationStatus = strawberry.field(description="The relation's standing.")
    summary: str | None = strawberry.field(
        description="A summary of the relation. " + EDITORIAL.format(field="summary")
    )
    established: PartialDate | None = resolved(
        resolver=partial_date("established"),
        description="When diplomatic relations were established, where the source says so. Null otherwise: "
        "relations that began or resumed are events, not an establishment.",
    )
    countries: list[Annotated["Country", strawberry.lazy("schema.country")]] = resolved(
        resolver=relations.countries_of_relation, description="The two countries, by code."
    )
    counterpart: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=relations.counterpart,
        description="The other country of the pair, seen from `of`; null if `of` is not one of the two.",
    )
    labels: list[RelationLabel] = resolved(
        resolver=relations.labels_of_relation, description="Phrases the source uses for this relation."
    )
    events: Connection[Event] | None = paged(
        relations.EVENTS,
        EVENT_PAGING,
        description="Events of this relation, in date order (undated last).",
    )
    event_stats: EventStats = resolved(
        resolver=tallies.stats_of_relation,
        description="Counts of the events of this relation, by kind, decade and theme.",
    )
    sections: list[Citation] = resolved(
        resolver=passages_of(RELATION.table, "sections"),
        description="Each source's section about this relation, from its heading to the next one (the whole text "
        'where the source has no headings): the passages in which "the two countries", "two sides" and "both" mean '
        "this pair, and the passages that tie an event, agreement, mechanism or figure to it.",
    )


@filter_input(plural="relations")
class RelationFilter:
    country: KeyFilter | None = strawberry.field(default=None, description="The code of either of its countries.")
    status: EnumFilter[RelationStatus] | None = strawberry.field(default=None, description="Its standing.")
    established: YearRange | None = strawberry.field(
        default=None, description="Years its establishment date overlaps; relations without one never match."
    )

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        relation = t.relation.c
        matching = sa.select(t.country.c.id).where(*key_matches(t.country.c.code, self.country))
        either = sa.or_(relation.country_a_id.in_(matching), relation.country_b_id.in_(matching))
        return [
            *([either] if self.country else []),
            *key_matches(relation.status, self.status),
            *overlaps(relation.established_earliest, relation.established_latest, self.established, "established"),
        ]


RELATION_ORDERS = orders(
    "Relation",
    "relations",
    {
        "slug": SortKey("The slug: the pair's codes in alphabetical order.", (t.relation.c.slug,)),
        "status": SortKey("The standing.", (t.relation.c.status,)),
    },
    t.relation.c.slug,
)
RELATION_PAGING = Paging(
    RELATION_ORDERS,
    "How to order them; by slug when not given.",
    filter=RelationFilter,
    filter_description="Return only the relations that match.",
)


@strawberry.input(description="Two different countries, by their codes (any letter case), in either order.")
class CountryPair:
    a: str = strawberry.field(description="One country's alpha-3 code (`KOR`), or Bilateral's code for a polity.")
    b: str = strawberry.field(description="The other country's code (`USA`).")


@strawberry.type
class Queries:
    relations: Connection[Relation] | None = paged(
        t.relation,
        RELATION_PAGING,
        description="Every bilateral relation, by the pair's codes.",
    )
    relation: Relation | None = lookup(
        resolvers.relations.RELATION_BETWEEN,
        argument="between",
        annotation=Annotated[CountryPair, strawberry.argument(description="The two countries, in either order.")],
        description='The relation between two countries (`between: {a: "KOR", b: "USA"}`); null if there is none.',
    )
