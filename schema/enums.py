"""The data model's vocabularies as GraphQL enums, each value documented."""

from enum import StrEnum
from typing import TypeVar

import strawberry

from models.enums import (
    AgreementKind,
    Basis,
    DatePrecision,
    EventKind,
    MatchKind,
    MechanismKind,
    MechanismLevel,
    MechanismStatus,
    ParticipantRole,
    RelationStatus,
    StatisticQualifier,
)

E = TypeVar("E", bound=StrEnum)


def documented(enum: type[E], description: str, values: dict[str, str]) -> type[E]:
    """Register `enum` with the schema, with a description for the type and for every value."""
    if missing := {member.name for member in enum} ^ values.keys():
        raise ValueError(f"{enum.__name__}: describe exactly its values; mismatched: {sorted(missing)}")
    strawberry.enum(enum, description=description)
    for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]  # set by strawberry.enum
        value.description = values[value.name]
    return enum


documented(
    MatchKind,
    "How a citation's quote was found in its source.",
    {
        "EXACT": "The quote is the source's text, character for character.",
        "NORMALIZED": "The quote matched once typography (curly quotes, dashes, non-breaking spaces) and "
        "spacing were folded; the excerpt is still the source's own text.",
    },
)
documented(
    DatePrecision,
    "How precisely a partial date is known.",
    {
        "DAY": "A single day.",
        "MONTH": "A month.",
        "YEAR": "A year.",
        "DECADE": "A decade, such as the 1960s.",
    },
)
documented(
    RelationStatus,
    "The standing of a bilateral relation.",
    {
        "DIPLOMATIC": "The two countries maintain diplomatic relations.",
        "ALLIANCE": "The two countries are allies by treaty.",
    },
)
documented(
    EventKind,
    "What kind of thing happened.",
    {
        "RELATIONS_BEGAN": "The relationship between two countries began.",
        "RELATIONS_SUSPENDED": "Relations were put on hold.",
        "RELATIONS_RESUMED": "Relations resumed after a suspension.",
        "RELATIONS_ESTABLISHED": "Diplomatic relations were formally established.",
        "WAR": "A war.",
        "MILITARY_DEPLOYMENT": "Troops of one country were deployed for another.",
        "AGREEMENT_SIGNED": "An agreement was signed.",
        "AGREEMENT_ADOPTED": "A joint declaration, statement or vision was adopted or issued.",
        "SUMMIT": "A meeting of heads of state or government.",
        "ECONOMIC_DEVELOPMENT": "A period of economic development.",
        "SECURITY_THREAT": "A threat to security, such as nuclear tests or missile launches.",
        "DISRUPTION": "Exchanges were interrupted or restricted, such as by a pandemic.",
    },
)
documented(
    ParticipantRole,
    "The part a country or person played in an event.",
    {
        "PARTY": "One of the sides taking part.",
        "HOST": "The side on whose territory it took place.",
        "VISITOR": "A side that travelled to take part.",
        "SIGNATORY": "A side that signed the agreement concerned.",
        "SUBJECT": "The side the event was about or happened to, without being a party.",
    },
)
documented(
    Basis,
    "Whether the source states a link or it was inferred from what the source says.",
    {
        "STATED": "The source states it.",
        "INFERRED": "Inferred from the source, which does not state it outright (which country a president leads).",
    },
)
documented(
    AgreementKind,
    "What kind of document an agreement is.",
    {
        "TREATY": "A treaty.",
        "FREE_TRADE_AGREEMENT": "A free trade agreement.",
        "COOPERATION_AGREEMENT": "An agreement for cooperation in a field.",
        "JOINT_VISION": "A joint vision setting out shared aims.",
        "JOINT_DECLARATION": "A joint declaration adopted by the sides.",
        "JOINT_STATEMENT": "A joint statement issued by the sides.",
    },
)
documented(
    MechanismKind,
    "What kind of standing channel a mechanism is.",
    {
        "MEETING_SERIES": "Meetings held on a regular basis.",
        "DIALOGUE": "A standing dialogue.",
        "COMMISSION": "A standing commission.",
        "CONSULTATION": "A channel for consultations.",
        "PROGRAM": "A programme open to people, such as a working holiday programme.",
    },
)
documented(
    MechanismLevel,
    "The level at which a mechanism meets.",
    {
        "SUMMIT": "Heads of state or government.",
        "MINISTERIAL": "Ministers.",
        "VICE_MINISTERIAL": "Vice-ministers.",
    },
)
documented(
    MechanismStatus,
    "Where a mechanism stands, as far as the source says.",
    {
        "AGREED": "Agreed upon; the source does not say it has met.",
        "LAUNCHED": "Launched.",
        "ACTIVE": "In use.",
    },
)
documented(
    StatisticQualifier,
    "How a figure's value is to be read.",
    {
        "EXACT": "The value is exact.",
        "MORE_THAN": "The true figure is more than the value.",
        "RANK": "The value is a rank (2 means second largest), not a count.",
    },
)
