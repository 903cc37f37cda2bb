"""Standing channels between two countries: meetings, dialogues, commissions, programmes."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.entity import Link, Themed, declare
from models.enums import MechanismKind, MechanismLevel, MechanismStatus, enum_type
from models.event import EVENT
from models.evidence import Check, Claim, claims
from models.relation import RELATION


class Mechanism(SQLModel, table=True):
    """A standing channel of a relation, and the event that set it up where the source names one."""

    __table_args__ = (sa.Index("mechanism_relation", "relation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    name: str
    short_name: str | None = None
    kind: MechanismKind = Field(sa_type=enum_type(MechanismKind))
    level: MechanismLevel | None = Field(default=None, sa_type=enum_type(MechanismLevel))
    status: MechanismStatus | None = Field(default=None, sa_type=enum_type(MechanismStatus))
    description: str | None = None
    relation_id: int = Field(foreign_key="relation.id")
    origin_event_id: int | None = Field(default=None, foreign_key="event.id", index=True)


MECHANISM = declare(
    Mechanism,
    "slug",
    plural="mechanisms",
    section="mechanisms",
    searchable=("name", "short_name", "description"),
    links=(
        Link(
            "relation",
            RELATION,
            "relation_id",
            "mechanisms",
            "The relation it serves (never null: nullable as `relation` is on the other kinds search finds).",
            "Standing channels of this relation.",
            nullable=True,
        ),
        Link(
            "origin_event",
            EVENT,
            "origin_event_id",
            "mechanisms",
            "The event at which it was agreed or launched; null where the source names none.",
            "Mechanisms agreed or launched at this event.",
        ),
    ),
    themed=Themed("Areas of cooperation it serves.", "Mechanisms serving this area."),
)
MECHANISM_CLAIMS = claims(
    Mechanism,
    Claim("name", Check.TEXT, implied=True),
    Claim("short_name", Check.TEXT),
    Claim(
        "level",
        Check.WORDS,
        words={"summit": ("summit",), "ministerial": ("minister",), "vice_ministerial": ("vice-minister",)},
    ),
    Claim("status", Check.WORDS, words={"agreed": ("agree",), "launched": ("launch",), "active": ("active",)}),
    Claim("description", Check.EDITORIAL),
    Claim("relation", Check.SECTION, implied=True),
)
