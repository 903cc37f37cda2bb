"""Countries and historical polities."""

from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import strawberry

import resolvers.countries
from models import tables as t
from models.agreement import AGREEMENT
from models.country import COUNTRY
from models.enums import Basis
from resolvers import countries, regions, tallies
from resolvers.filtering import KeyFilter, TextFilter, filter_input, key_matches, linked, text_matches
from resolvers.ordering import SortKey, orders
from schema.connection import Connection
from schema.entity import entity_type
from schema.event import EVENT_PAGING, Event
from schema.event_stats import EventStats
from schema.fields import resolved
from schema.lists import Paging, fetched, in_order, paged
from schema.node import Node
from schema.relation import RELATION_PAGING, Relation

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.region import Region


@entity_type(COUNTRY, description="A state, or a historical polity such as the Joseon Dynasty.")
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
    relations: Connection[Relation] | None = paged(
        countries.RELATIONS,
        RELATION_PAGING,
        description="This country's bilateral relations, ordered by the pair's codes.",
    )
    events: Connection[Event] | None = paged(
        countries.EVENTS,
        EVENT_PAGING,
        description="Events this country took part in, in date order (undated last).",
    )
    agreements: Connection[Annotated["Agreement", strawberry.lazy("schema.agreement")]] | None = paged(
        countries.AGREEMENTS, in_order(AGREEMENT), description="Agreements this country is a party to, by slug."
    )
    event_stats: EventStats = resolved(
        resolver=tallies.stats_of_country,
        description="Counts of the events this country took part in, by kind, decade and theme.",
    )


@filter_input(plural="countries")
class CountryFilter:
    code: KeyFilter | None = strawberry.field(default=None, description="The country's code.")
    name: TextFilter | None = strawberry.field(default=None, description="The country's name.")
    historical: bool | None = strawberry.field(default=None, description="Whether it is a historical polity.")
    region: KeyFilter | None = strawberry.field(default=None, description="The code of a region it belongs to.")

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        country = t.country.c
        in_region = sa.select(t.region_member.c.country_id).join(t.region, t.region.c.id == t.region_member.c.region_id)
        historical = [] if self.historical is None else [country.historical.is_(self.historical)]
        return [
            *key_matches(country.code, self.code),
            *text_matches(country.name, self.name),
            *historical,
            *linked(country.id, in_region, key_matches(t.region.c.code, self.region)),
        ]


@strawberry.input(one_of=True, description="A country, by exactly one of its codes (any letter case).")
class CountryKey:
    code: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="ISO 3166-1 alpha-3 (`KOR`), or Bilateral's code for a historical polity (`JOSEON`).",
    )
    alpha2: str | None = strawberry.field(default=strawberry.UNSET, description="ISO 3166-1 alpha-2 (`KR`).")
    numeric: str | None = strawberry.field(default=strawberry.UNSET, description="ISO 3166-1 numeric (`410`).")


COUNTRY_ORDERS = orders(
    "Country",
    "countries",
    {"code": SortKey("The code.", (t.country.c.code,)), "name": SortKey("The name.", (t.country.c.name,))},
    t.country.c.code,
)


COUNTRY_PAGING = Paging(
    COUNTRY_ORDERS,
    "How to order them; by code when not given.",
    filter=CountryFilter,
    filter_description="Return only the countries that match.",
)


@strawberry.type
class Queries:
    countries: Connection[Country] | None = paged(
        t.country,
        COUNTRY_PAGING,
        description="Every country and historical polity, by code.",
    )
    country: Country | None = fetched(
        resolvers.countries.COUNTRY_BY_CODE,
        description="The country with this code (any letter case); null if there is none. Name it with `by` "
        '(`by: {code: "KOR"}`, `{alpha2: "KR"}` or `{numeric: "410"}`).',
        by=Annotated[CountryKey | None, strawberry.argument(description="One of the country's codes.")],
        code=Annotated[
            str | None,
            strawberry.argument(
                description="The country's alpha-3 code (`KOR`), or Bilateral's code for a historical polity.",
                deprecation_reason='Name the country with `by: {code: "KOR"}`.',
            ),
        ],
    )
