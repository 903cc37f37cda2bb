"""The root query type: the API's entry points."""

import strawberry

import resolvers.agreements
import resolvers.countries
import resolvers.events
import resolvers.mechanisms
import resolvers.nodes
import resolvers.people
import resolvers.regions
import resolvers.relations
import resolvers.search
import resolvers.sources
import resolvers.statistics
import resolvers.themes
from schema.agreement import Agreement
from schema.connection import Connection
from schema.country import Country
from schema.event import Event
from schema.fields import resolved
from schema.mechanism import Mechanism
from schema.node import Node
from schema.person import Person
from schema.region import Region
from schema.relation import Relation
from schema.search import SearchHit
from schema.source import Source
from schema.statistic import Statistic
from schema.theme import Theme


@strawberry.type(description="Bilateral: a cited, structured graph of a country's foreign relations.")
class Query:
    node: Node | None = resolved(
        resolver=resolvers.nodes.node,
        description="The object with this global id; null if there is none. Works for any type.",
    )
    nodes: list[Node | None] = resolved(
        resolver=resolvers.nodes.nodes,
        description="The objects with these global ids, in order; null where there is none.",
    )
    regions: list[Region] = resolved(resolver=resolvers.regions.regions, description="Every region, by code.")
    region: Region | None = resolved(
        resolver=resolvers.regions.region, description="The region with this code; null if there is none."
    )
    countries: Connection[Country] = resolved(
        resolver=resolvers.countries.countries, description="Every country and historical polity, by code."
    )
    country: Country | None = resolved(
        resolver=resolvers.countries.country,
        description="The country with this code (any letter case); null if there is none.",
    )
    relations: Connection[Relation] = resolved(
        resolver=resolvers.relations.relations, description="Every bilateral relation, by the pair's codes."
    )
    relation: Relation | None = resolved(
        resolver=resolvers.relations.relation,
        description="The relation between two countries, named in either order; null if there is none.",
    )
    events: Connection[Event] = resolved(
        resolver=resolvers.events.events, description="Every event, in date order (undated events last)."
    )
    timeline: Connection[Event] = resolved(
        resolver=resolvers.events.timeline,
        description="Dated events and periods that overlap a window of years, in date order: a period from 1950 to "
        "1953 shows in a window from 1952, a decade in any window that reaches into it.",
    )
    search: Connection[SearchHit] = resolved(
        resolver=resolvers.search.search,
        description="Full-text search over events, agreements, mechanisms, figures, people and cited passages, "
        "best matches first.",
    )
    event: Event | None = resolved(
        resolver=resolvers.events.event, description="The event with this slug; null if there is none."
    )
    agreements: list[Agreement] = resolved(resolver=resolvers.agreements.agreements, description="Every agreement.")
    agreement: Agreement | None = resolved(
        resolver=resolvers.agreements.agreement, description="The agreement with this slug; null if there is none."
    )
    people: list[Person] = resolved(resolver=resolvers.people.people, description="Every person, by name.")
    person: Person | None = resolved(
        resolver=resolvers.people.person, description="The person with this slug; null if there is none."
    )
    mechanisms: list[Mechanism] = resolved(resolver=resolvers.mechanisms.mechanisms, description="Every mechanism.")
    mechanism: Mechanism | None = resolved(
        resolver=resolvers.mechanisms.mechanism, description="The mechanism with this slug; null if there is none."
    )
    statistics: list[Statistic] = resolved(resolver=resolvers.statistics.statistics, description="Every figure.")
    statistic: Statistic | None = resolved(
        resolver=resolvers.statistics.statistic, description="The figure with this slug; null if there is none."
    )
    themes: list[Theme] = resolved(resolver=resolvers.themes.all_themes, description="Every theme, by name.")
    theme: Theme | None = resolved(
        resolver=resolvers.themes.theme, description="The theme with this slug; null if there is none."
    )
    sources: list[Source] = resolved(resolver=resolvers.sources.sources, description="Every source document.")
    source: Source | None = resolved(
        resolver=resolvers.sources.source, description="The source with this slug; null if there is none."
    )
