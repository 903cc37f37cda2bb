"""The shape of a fixture file, as editors write it."""

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from models.dates import PartialDate
from models.enums import (
    AgreementKind,
    Basis,
    EventKind,
    MechanismKind,
    MechanismLevel,
    MechanismStatus,
    ParticipantRole,
    RelationStatus,
    StatisticQualifier,
)


def _parse_date(value: Any) -> PartialDate:
    # YAML reads an unquoted 1882 as a number; a date is text either way.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date is text such as 1882, 196X or 1950/1953")
    return PartialDate.parse(value)


Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]
Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{2,15}$")]
DateText = Annotated[PartialDate, BeforeValidator(_parse_date)]
Quotes = Annotated[list[str], Field(min_length=1)]


def _distinct(pair: tuple[str, str]) -> tuple[str, str]:
    if pair[0] == pair[1]:
        raise ValueError("a relation needs two different countries")
    return pair


Pair = Annotated[tuple[Code, Code], AfterValidator(_distinct)]


class Entry(BaseModel):
    """Every fixture entry: no unknown fields, no coercion of text into numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class SourceEntry(Entry):
    slug: Slug
    file: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    title: str
    publisher: str
    language: str
    url: str | None = None


class CountryEntry(Entry):
    code: Code
    alpha2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    numeric: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = None
    name: str
    short_name: str | None = None
    historical: bool = False
    successor: Code | None = None
    cite: Quotes


class RegionEntry(Entry):
    code: Slug
    name: str
    scheme: str
    description: str | None = None
    members: list[Code]
    cite: Quotes


class OfficeEntry(Entry):
    title: str
    country: Code | None = None
    basis: Basis
    start: DateText | None = None
    end: DateText | None = None
    cite: list[str] = []


class PersonEntry(Entry):
    slug: Slug
    name: str
    offices: list[OfficeEntry] = []
    cite: Quotes


class ThemeEntry(Entry):
    slug: Slug
    name: str
    description: str | None = None
    cite: Quotes


class LabelEntry(Entry):
    slug: Slug
    text: str
    cite: Quotes


class RelationEntry(Entry):
    between: Pair
    status: RelationStatus
    established: DateText | None = None
    summary: str | None = None
    themes: list[Slug] = []
    labels: list[LabelEntry] = []
    cite: Quotes

    @property
    def slug(self) -> str:
        return "-".join(sorted(self.between))


class AgreementEntry(Entry):
    slug: Slug
    kind: AgreementKind
    title: str
    short_name: str | None = None
    summary: str | None = None
    relation: Pair | None = None
    parties: list[Code] = []
    signed: DateText | None = None
    adopted: DateText | None = None
    in_force: DateText | None = None
    themes: list[Slug] = []
    cite: Quotes


class ParticipantEntry(Entry):
    country: Code | None = None
    person: Slug | None = None
    role: ParticipantRole
    basis: Basis
    cite: list[str] = []

    @model_validator(mode="after")
    def _one_of(self) -> "ParticipantEntry":
        if (self.country is None) == (self.person is None):
            raise ValueError("a participant names exactly one of `country` or `person`")
        return self

    @property
    def key(self) -> str:
        return f"country:{self.country}" if self.country else f"person:{self.person}"


class EventEntry(Entry):
    slug: Slug
    kind: EventKind
    title: str
    description: str | None = None
    date: DateText | None = None
    end: DateText | None = None
    place: str | None = None
    relation: Pair | None = None
    agreement: Slug | None = None
    participants: list[ParticipantEntry] = []
    themes: list[Slug] = []
    cite: Quotes


class MechanismEntry(Entry):
    slug: Slug
    name: str
    short_name: str | None = None
    kind: MechanismKind
    level: MechanismLevel | None = None
    status: MechanismStatus | None = None
    description: str | None = None
    relation: Pair
    origin_event: Slug | None = None
    themes: list[Slug] = []
    cite: Quotes


class StatisticEntry(Entry):
    slug: Slug
    measure: str
    value: int
    qualifier: StatisticQualifier
    unit: str
    country: Code | None = None
    relation: Pair | None = None
    event: Slug | None = None
    period: DateText | None = None
    cite: Quotes


class Fixture(Entry):
    """One fixture file: a source and everything it says."""

    source: SourceEntry
    countries: list[CountryEntry] = []
    regions: list[RegionEntry] = []
    people: list[PersonEntry] = []
    themes: list[ThemeEntry] = []
    relations: list[RelationEntry] = []
    agreements: list[AgreementEntry] = []
    events: list[EventEntry] = []
    mechanisms: list[MechanismEntry] = []
    statistics: list[StatisticEntry] = []
