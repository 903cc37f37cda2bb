"""An office a person held."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from models.enums import Basis
from models.person import OFFICE
from resolvers import countries
from resolvers.dates import partial_date
from schema.entity import entity_type
from schema.fields import OFFSET_RENAMED, resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.country import Country


@entity_type(OFFICE, description="An office a person held.", cites="this office, where cited apart")
class Office(Node):
    title: str = strawberry.field(description="The office (`President`).")
    basis: Basis = strawberry.field(description="Whether the source states it or it is inferred.")
    reason: str | None = strawberry.field(
        description="For an inferred office, what it is inferred from, in one line; null for a stated one."
    )
    country: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=countries.country_of, description="The country of the office."
    )
    start_date: PartialDate | None = resolved(
        resolver=partial_date("start"), description="When the person took office; null where not said."
    )
    end_date: PartialDate | None = resolved(
        resolver=partial_date("end"), description="When the person left office; null where not said."
    )
    start: PartialDate | None = resolved(
        resolver=partial_date("start"),
        description="When the person took office; null where not said.",
        deprecation_reason=OFFSET_RENAMED.format(field="startDate"),
    )
    end: PartialDate | None = resolved(
        resolver=partial_date("end"),
        description="When the person left office; null where not said.",
        deprecation_reason=OFFSET_RENAMED.format(field="endDate"),
    )
