"""Bilateral relations: one row per unordered pair of countries."""

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.entity import Link, Themed, declare
from models.enums import DatePrecision, RelationStatus, enum_type
from models.evidence import Check, Claim, claims


def pair_slug(codes: Iterable[str]) -> str:
    """The natural key of the relation between two country codes: both, in alphabetical order."""
    return "-".join(sorted(codes))


class Relation(SQLModel, table=True):
    """The relation between two countries, stored once with the lower id first."""

    __table_args__ = (
        sa.UniqueConstraint("country_a_id", "country_b_id", name="relation_pair"),
        sa.CheckConstraint("country_a_id < country_b_id", name="relation_pair_ordered"),
        *constraints.partial_date("relation", "established"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=40)
    country_a_id: int = Field(foreign_key="country.id")
    country_b_id: int = Field(foreign_key="country.id", index=True)
    status: RelationStatus = Field(sa_type=enum_type(RelationStatus))
    summary: str | None = None
    established_text: str | None = None
    established_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    established_earliest: date | None = None
    established_latest: date | None = None


RELATION = declare(
    Relation,
    "slug",
    plural="relations",
    section="relations",
    themed=Themed("Areas of cooperation of this relation.", "Relations that cooperate in this area."),
)
RELATION_CLAIMS = claims(
    Relation,
    Claim("status", Check.WORDS, words={"alliance": ("alliance", "allied"), "diplomatic": ("diplomatic relations",)}),
    Claim("established", Check.DATE),
    Claim("summary", Check.EDITORIAL),
    # The page's section about the relation, from its heading to the next: not a value, where pair words count.
    Claim("section", Check.EDITORIAL, graphql="sections"),
)


class RelationLabel(SQLModel, table=True):
    """A phrase the source uses to characterise a relation."""

    __tablename__ = "relation_label"
    __table_args__ = (sa.UniqueConstraint("relation_id", "slug", name="relation_label_natural"),)

    id: int | None = Field(default=None, primary_key=True)
    relation_id: int = Field(foreign_key="relation.id")
    slug: str = Field(max_length=100)
    text: str
    # Its natural key as one string, which its global id holds (`models/entity.py`, `natural_key`).
    natural_key: str = Field(unique=True)


RELATION_LABEL = declare(
    RelationLabel,
    "natural_key",
    plural="relation_labels",
    links=(
        Link(
            "relation",
            RELATION,
            "relation_id",
            "labels",
            "The relation it characterises.",
            "Phrases the source uses for this relation.",
            listed=False,
        ),
    ),
)
RELATION_LABEL_CLAIMS = claims(RelationLabel, Claim("text", Check.TEXT, implied=True))
