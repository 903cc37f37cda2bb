"""Events and the countries and people that took part in them."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.enums import Basis, DatePrecision, EventKind, ParticipantRole, enum_type
from models.kinds import declare


class Event(SQLModel, table=True):
    """Something that happened, dated only as precisely as the source dates it."""

    __table_args__ = (
        *constraints.partial_date("event", "date"),
        *constraints.partial_date("event", "end"),
        # Keyset pagination in date order, overall and within a relation.
        sa.Index("event_order", "sort_date", "sort_precision", "slug"),
        sa.Index("event_relation_order", "relation_id", "sort_date", "sort_precision", "slug"),
        sa.Index("event_range", "date_earliest", "date_latest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    kind: EventKind = Field(sa_type=enum_type(EventKind), index=True)
    title: str
    description: str | None = None
    place: str | None = None
    relation_id: int | None = Field(default=None, foreign_key="relation.id")
    agreement_id: int | None = Field(default=None, foreign_key="agreement.id", index=True)
    date_text: str | None = None
    date_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    date_earliest: date | None = None
    date_latest: date | None = None
    end_text: str | None = None
    end_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    end_earliest: date | None = None
    end_latest: date | None = None
    # Derived from `date` so that ordering needs no NULL handling: undated events sort after every date.
    sort_date: date
    sort_precision: int


EVENT = declare(Event, "slug", section="events", searchable=("title", "description"))


class EventParticipant(SQLModel, table=True):
    """A country or a person in an event, with its role and whether the source states the link."""

    __tablename__ = "event_participant"
    __table_args__ = (
        sa.CheckConstraint("(country_id IS NULL) <> (person_id IS NULL)", name="one_participant"),
        sa.UniqueConstraint("event_id", "key", "role", name="event_participant_natural"),
        sa.Index("participant_country_event", "country_id", "event_id"),
        sa.Index("participant_person_event", "person_id", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id")
    key: str = Field(max_length=120)
    country_id: int | None = Field(default=None, foreign_key="country.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    role: ParticipantRole = Field(sa_type=enum_type(ParticipantRole))
    basis: Basis = Field(sa_type=enum_type(Basis))
