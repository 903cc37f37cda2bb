"""Events and the countries and people that took part in them."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.agreement import AGREEMENT
from models.entity import Link, Themed, declare
from models.enums import Basis, DatePrecision, EventKind, ParticipantRole, enum_type
from models.evidence import Check, Claim, claims
from models.relation import RELATION


class Event(SQLModel, table=True):
    """Something that happened, dated only as precisely as the source dates it."""

    __table_args__ = (
        *constraints.partial_date("event", "date"),
        *constraints.partial_date("event", "end"),
        # Keyset pagination in date order, both ways, overall and within a relation.
        sa.Index("event_order", "sort_date", "sort_precision", "slug"),
        sa.Index("event_order_desc", "sort_date_desc", "sort_precision", "slug"),
        sa.Index("event_relation_order", "relation_id", "sort_date", "sort_precision", "slug"),
        sa.Index("event_relation_order_desc", "relation_id", "sort_date_desc", "sort_precision", "slug"),
        sa.Index("event_span", "span_start", "span_end"),
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
    # Derived from `date` and `end` (models.dates.span_columns): the days the event covers, as far as its dates
    # say, and where it sorts, without NULLs, undated events after every date whichever way.
    span_start: date | None = None
    span_end: date | None = None
    sort_date: date
    sort_date_desc: date
    sort_precision: int


EVENT = declare(
    Event,
    "slug",
    plural="events",
    section="events",
    searchable=("title", "description"),
    links=(
        Link(
            "relation",
            RELATION,
            "relation_id",
            "events",
            "The bilateral relation this event belongs to.",
            "Events of this relation, in date order (undated last).",
            listed=False,
        ),
        Link(
            "agreement",
            AGREEMENT,
            "agreement_id",
            "events",
            "The agreement signed, adopted or concerned, if any.",
            "Events at which it was signed, adopted or concerned.",
        ),
    ),
    themed=Themed(
        "Areas of cooperation this event concerns.", "Events in this area, in date order (undated last).", listed=False
    ),
    order=("sort_date", "sort_precision", "slug"),
)
EVENT_CLAIMS = claims(
    Event,
    Claim("date", Check.DATE),
    Claim("end", Check.DATE, graphql="endDate"),
    Claim("place", Check.TEXT),
    Claim("description", Check.EDITORIAL),
    Claim("relation", Check.SECTION, implied=True),
)


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
    reason: str | None = None  # why an inferred participation is inferred
    # Its natural key as one string, which its global id holds (`models/entity.py`, `natural_key`).
    natural_key: str = Field(unique=True)


EVENT_PARTICIPANT = declare(
    EventParticipant,
    "natural_key",
    plural="event_participants",
    links=(
        Link(
            "event",
            EVENT,
            "event_id",
            "participants",
            "The event taken part in.",
            "Countries and people that took part: people first.",
            listed=False,
        ),
    ),
)


# A stated participant is named in its passage; an inferred one gives its reason instead.
EVENT_PARTICIPANT_CLAIMS = claims(
    EventParticipant, Claim("country", Check.NAMED, implied=True), Claim("person", Check.NAMED, implied=True)
)
