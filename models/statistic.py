"""Figures the sources give, with how exact they are."""

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.country import COUNTRY
from models.entity import Link, declare
from models.enums import DatePrecision, StatisticQualifier, enum_type
from models.event import EVENT
from models.evidence import Check, Claim, claims
from models.relation import RELATION


class ExactNumber(sa.types.TypeDecorator[Decimal]):
    """A decimal number kept exactly as written (`12.5` stays 12.5): NUMERIC on PostgreSQL, text on SQLite.

    SQLite has no exact decimal type; storing the digits as text keeps them from turning into a float.
    """

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(40))
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: sa.Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return format(Decimal(value).normalize(), "f")

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value)).normalize()


class Statistic(SQLModel, table=True):
    """A figure: what is measured, its value and qualifier, its unit and reference period."""

    __table_args__ = constraints.partial_date("statistic", "period")

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    measure: str
    value: Decimal = Field(sa_type=ExactNumber())
    qualifier: StatisticQualifier = Field(sa_type=enum_type(StatisticQualifier))
    unit: str
    country_id: int | None = Field(default=None, foreign_key="country.id", index=True)
    relation_id: int | None = Field(default=None, foreign_key="relation.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    period_text: str | None = None
    period_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    period_earliest: date | None = None
    period_latest: date | None = None


STATISTIC = declare(
    Statistic,
    "slug",
    plural="statistics",
    section="statistics",
    searchable=("measure",),
    links=(
        Link(
            "country",
            COUNTRY,
            "country_id",
            "statistics",
            "The country the figure is about, if one.",
            "Figures about this country.",
        ),
        Link(
            "relation",
            RELATION,
            "relation_id",
            "statistics",
            "The relation the figure belongs to.",
            "Figures about this relation.",
        ),
        Link(
            "event",
            EVENT,
            "event_id",
            "statistics",
            "The event the figure is about, if one.",
            "Figures about this event.",
        ),
    ),
)
STATISTIC_CLAIMS = claims(
    Statistic,
    Claim("value", Check.NUMBER),
    Claim(
        "qualifier",
        Check.WORDS,
        words={
            "more_than": ("more than", "over"),
            "rank": ("largest", "smallest"),
            "exact": ("!more than", "!over", "!less than", "!about", "!nearly", "!approximately", "!some"),
        },
    ),
    Claim("period", Check.DATE),
    Claim("measure", Check.EDITORIAL),
    Claim("country", Check.NAMED, implied=True),
    Claim("relation", Check.SECTION, implied=True),
)
