"""Figures the sources give, with how exact they are."""

from datetime import date

from sqlmodel import Field, SQLModel

from models import constraints
from models.enums import DatePrecision, StatisticQualifier, enum_type


class Statistic(SQLModel, table=True):
    """A figure: what is measured, its value and qualifier, its unit and reference period."""

    __table_args__ = constraints.partial_date("statistic", "period")

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    measure: str
    value: int
    qualifier: StatisticQualifier = Field(sa_type=enum_type(StatisticQualifier))
    unit: str
    country_id: int | None = Field(default=None, foreign_key="country.id", index=True)
    relation_id: int | None = Field(default=None, foreign_key="relation.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    period_text: str | None = None
    period_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    period_earliest: date | None = None
    period_latest: date | None = None
