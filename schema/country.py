"""Countries and historical polities."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.countries
from models.country import COUNTRY
from models.enums import Basis
from resolvers import countries, regions, tallies
from schema.citation import Citation, cited, evidenced
from schema.connection import Connection
from schema.event_stats import EventStats
from schema.fields import resolved
from schema.node import Node

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.event import Event
    from schema.region import Region
    from schema.relation import Relation
    from schema.statistic import Statistic


@strawberry.type(description="A state, or a historical polity such as the Joseon Dynasty.")
class Country(Node):
    code: str = strawberry.field(
        description="ISO 3166-1 alpha-3 code (`KOR`); for a historical polity without one, Bilateral's own (`JOSEON`)."
    )
    alpha2: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code; null where there is none.")
    numeric: str | None = strawberry.field(description="ISO 3166-1 numeric code; null where there is none.")
    name: str = strawberry.field(
        description="The full name: from the standard `standard` names where there is one (never cited to a source), "
        "else as the source writes it (`Joseon Dynasty`)."
    )
    short_name: str | None = strawberry.field(description="The short name the sources use (`ROK`); null if none.")
    page_names: list[str] = strawberry.field(
        description="The names the sources use for it (`ROK`, `the U.S.` as `U.S.`, `North Korea`), each with its "
        'passages in `evidence(claim: "pageNames")`.'
    )
    standard: str | None = strawberry.field(
        description="The standard `name`, `code`, `alpha2` and `numeric` come from (`ISO 3166-1`); null for a polity "
        "the standard does not list, whose name is the source's."
    )
    historical: bool = strawberry.field(description="Whether this is a polity that no longer exists.")
    successor: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=countries.successor_of_country,
        description="The state that succeeded this historical polity; null for a current state.",
    )
    successor_basis: Basis | None = strawberry.field(
        description="Whether the source states the succession, or it is inferred; null without a successor."
    )
    successor_reason: str | None = strawberry.field(
        description="For an inferred succession, what it is inferred from, in one line; null otherwise."
    )
    predecessors: list[Annotated["Country", strawberry.lazy("schema.country")]] = resolved(
        resolver=countries.predecessors_of_country, description="Historical polities this state succeeded."
    )
    regions: list[Annotated["Region", strawberry.lazy("schema.region")]] = resolved(
        resolver=regions.regions_of_country, description="The regions this country is grouped under."
    )
    relations: Connection[Annotated["Relation", strawberry.lazy("schema.relation")]] = resolved(
        resolver=countries.relations_of_country,
        description="This country's bilateral relations, ordered by the pair's codes.",
    )
    events: Connection[Annotated["Event", strawberry.lazy("schema.event")]] = resolved(
        resolver=countries.events_of_country,
        description="Events this country took part in, in date order (undated last).",
    )
    agreements: list[Annotated["Agreement", strawberry.lazy("schema.agreement")]] = resolved(
        resolver=countries.agreements_of_country, description="Agreements this country is a party to."
    )
    statistics: list[Annotated["Statistic", strawberry.lazy("schema.statistic")]] = resolved(
        resolver=countries.statistics_of_country, description="Figures about this country."
    )
    event_stats: EventStats = resolved(
        resolver=tallies.stats_of_country,
        description="Counts of the events this country took part in, by kind, decade and theme.",
    )
    citations: list[Citation] = cited(COUNTRY.table, "this country")
    evidence: list[Citation] = evidenced(COUNTRY.table)


@strawberry.type
class Queries:
    countries: Connection[Country] = resolved(
        resolver=resolvers.countries.countries, description="Every country and historical polity, by code."
    )
    country: Country | None = resolved(
        resolver=resolvers.countries.country,
        description="The country with this code (any letter case); null if there is none.",
    )
