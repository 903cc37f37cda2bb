"""Bilateral relations."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.relations
from models import tables as t
from models.enums import RelationStatus
from models.relation import RELATION
from resolvers import relations, tallies
from resolvers.citations import passages_of
from resolvers.dates import partial_date
from resolvers.themes import themes_of
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.connection import Connection
from schema.event_stats import EventStats
from schema.fields import resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.country import Country
    from schema.event import Event
    from schema.mechanism import Mechanism
    from schema.statistic import Statistic
    from schema.theme import Theme


@strawberry.type(description="A phrase the source uses to characterise a relation.")
class RelationLabel:
    slug: str = strawberry.field(description="The label's key within its relation.")
    text: str = strawberry.field(description="The phrase (`comprehensive strategic alliance`).")
    citations: list[Citation] = cited(t.relation_label, "this label")
    evidence: list[Citation] = evidenced(t.relation_label)


@strawberry.type(description="The bilateral relation between two countries, stored once for the pair.")
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
    events: Connection[Annotated["Event", strawberry.lazy("schema.event")]] = resolved(
        resolver=relations.events_of_relation, description="Events of this relation, in date order (undated last)."
    )
    agreements: list[Annotated["Agreement", strawberry.lazy("schema.agreement")]] = resolved(
        resolver=relations.agreements_of_relation, description="Agreements of this relation."
    )
    mechanisms: list[Annotated["Mechanism", strawberry.lazy("schema.mechanism")]] = resolved(
        resolver=relations.mechanisms_of_relation, description="Standing channels of this relation."
    )
    statistics: list[Annotated["Statistic", strawberry.lazy("schema.statistic")]] = resolved(
        resolver=relations.statistics_of_relation, description="Figures about this relation."
    )
    themes: list[Annotated["Theme", strawberry.lazy("schema.theme")]] = resolved(
        resolver=themes_of(RELATION), description="Areas of cooperation of this relation."
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
    citations: list[Citation] = cited(RELATION.table, "this relation's summary")
    evidence: list[Citation] = evidenced(RELATION.table)


@strawberry.type
class Queries:
    relations: Connection[Relation] = resolved(
        resolver=resolvers.relations.relations, description="Every bilateral relation, by the pair's codes."
    )
    relation: Relation | None = resolved(
        resolver=resolvers.relations.relation,
        description="The relation between two countries, named in either order; null if there is none.",
    )
