"""Agreements: treaties, trade agreements, joint declarations, statements and visions."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models import constraints
from models.entity import Link, Themed, declare
from models.enums import AgreementKind, DatePrecision, enum_type
from models.evidence import Check, Claim, claims
from models.relation import RELATION


class Agreement(SQLModel, table=True):
    """A document two or more countries concluded; dates only where the source states them."""

    __table_args__ = (
        *constraints.partial_date("agreement", "signed"),
        *constraints.partial_date("agreement", "adopted"),
        *constraints.partial_date("agreement", "in_force"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    kind: AgreementKind = Field(sa_type=enum_type(AgreementKind), index=True)
    title: str
    short_name: str | None = None
    summary: str | None = None
    relation_id: int | None = Field(default=None, foreign_key="relation.id", index=True)
    signed_text: str | None = None
    signed_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    signed_earliest: date | None = None
    signed_latest: date | None = None
    adopted_text: str | None = None
    adopted_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    adopted_earliest: date | None = None
    adopted_latest: date | None = None
    in_force_text: str | None = None
    in_force_precision: DatePrecision | None = Field(default=None, sa_type=enum_type(DatePrecision))
    in_force_earliest: date | None = None
    in_force_latest: date | None = None


AGREEMENT = declare(
    Agreement,
    "slug",
    plural="agreements",
    section="agreements",
    searchable=("title", "short_name", "summary"),
    links=(
        Link(
            "relation",
            RELATION,
            "relation_id",
            "agreements",
            "The bilateral relation it belongs to.",
            "Agreements of this relation.",
        ),
    ),
    themed=Themed("Areas of cooperation it concerns.", "Agreements in this area."),
)
# A date of an agreement names an act, and its passage says that act: a year with no verb for it is an event's.
AGREEMENT_CLAIMS = claims(
    Agreement,
    Claim("title", Check.TEXT, implied=True),
    Claim("short_name", Check.TEXT),
    Claim("signed", Check.DATE, words=("sign",)),
    Claim("adopted", Check.DATE, words=("adopt",)),
    Claim("in_force", Check.DATE, words=("force", "effect")),
    Claim("summary", Check.EDITORIAL),
    Claim("relation", Check.SECTION, implied=True),
    Claim("parties", Check.NAMED, implied=True),
)


class AgreementParty(SQLModel, table=True):
    """A country that is a party to an agreement."""

    __tablename__ = "agreement_party"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "country_id", name="agreement_party_natural"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id")
    country_id: int = Field(foreign_key="country.id", index=True)
