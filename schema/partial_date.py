"""Dates known to a year, a decade or a range, as the sources give them."""

import datetime

import strawberry

from models.enums import DatePrecision


@strawberry.type(
    description="A date known only as precisely as the source gives it: a day, month, year, decade or a range "
    "of them. `earliest` and `latest` bound every day it can mean, for filtering and sorting."
)
class PartialDate:
    text: str = strawberry.field(
        description="The date in EDTF form, as the source gives it: `1882`, `196X` (the 1960s), `1950/1953` (a range)."
    )
    precision: DatePrecision = strawberry.field(description="How precisely the date is known.")
    earliest: datetime.date = strawberry.field(description="The first day the date can mean.")
    latest: datetime.date = strawberry.field(description="The last day the date can mean.")
