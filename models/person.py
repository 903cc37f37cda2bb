"""People named by the sources, and the offices they held."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.entity import Link, declare
from models.enums import Basis, DatePrecision, enum_type
from models.evidence import Check, Claim, claims


class Person(SQLModel, table=True):
    """A named person."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    name: str


PERSON = declare(Person, "slug", plural="people", section="people", searchable=("name",), order=("name",))
PERSON_CLAIMS = claims(Person, Claim("name", Check.TEXT, implied=True))


class Office(SQLModel, table=True):
    """An office a person held, as stated or inferred from the source."""

    __table_args__ = (
        sa.UniqueConstraint("person_id", "title", "country_id", name="office_natural"),
        *constraints.partial_date("office", "start"),
        *constraints.partial_date("office", "end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    title: str
    country_id: int | None = Field(default=None, foreign_key="country.id", index=True)
    basis: Basis = Field(sa_type=enum_type(Basis))
    reason: str | None = None  # why an inferred office is inferred
    start_text: str | None = None
    start_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    start_earliest: date | None = None
    start_latest: date | None = None
    end_text: str | None = None
    end_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    end_earliest: date | None = None
    end_latest: date | None = None
    # Its natural key as one string, which its global id holds (`models/entity.py`, `natural_key`).
    natural_key: str = Field(unique=True)


OFFICE = declare(
    Office,
    "natural_key",
    plural="offices",
    links=(Link("person", PERSON, "person_id", "offices", "Who held it.", "Offices held.", listed=False),),
)
OFFICE_CLAIMS = claims(
    Office,
    Claim("title", Check.TEXT, implied=True),
    Claim("country", Check.NAMED, implied=True),  # where stated; an inferred office gives its reason instead
    Claim("start", Check.DATE),
    Claim("end", Check.DATE),
)
