"""The schema's own scalars, described and specified so that tools and code generators know them."""

import dataclasses
import datetime

from strawberry.schema.types.base_scalars import DateDefinition
from strawberry.types.scalar import ScalarDefinition

# A calendar day: RFC 3339's `full-date` (`1963-01-01`).
DATE = dataclasses.replace(
    DateDefinition,
    description="A calendar day, written as RFC 3339's `full-date`: `YYYY-MM-DD` (`1963-01-01`).",
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
)
OVERRIDES: dict[object, ScalarDefinition] = {datetime.date: DATE}
