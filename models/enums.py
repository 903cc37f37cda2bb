"""The closed vocabularies of the data model, each value with what it means.

A value's text is what fixtures write and the database stores; its name is the GraphQL enum value.
The descriptions here are the ones the GraphQL schema and `cli.py vocabulary` show. Adding a value is
one line here, with its description: a change to the schema (`cli.py schema` writes it out again).
"""

from enum import StrEnum
from typing import Any, Self

import sqlalchemy as sa


class Vocabulary(StrEnum):
    """A closed list of values; the class docstring says what the list is about."""

    description: str

    def __new__(cls, value: str, description: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class MatchKind(Vocabulary):
    """How a citation's quote was found in its source."""

    EXACT = "exact", "The quote is the source's text, character for character."
    NORMALIZED = (
        "normalized",
        "The quote matched once typography (curly quotes, dashes, non-breaking spaces) and spacing were folded; "
        "the excerpt is still the source's own text.",
    )


class DatePrecision(Vocabulary):
    """How precisely a partial date is known."""

    DAY = "day", "A single day."
    MONTH = "month", "A month."
    YEAR = "year", "A year."
    DECADE = "decade", "A decade, such as the 1960s."


class RelationStatus(Vocabulary):
    """The standing of a bilateral relation."""

    DIPLOMATIC = "diplomatic", "The two countries maintain diplomatic relations."
    ALLIANCE = "alliance", "The two countries are allies by treaty."


class EventKind(Vocabulary):
    """What kind of thing happened."""

    RELATIONS_BEGAN = "relations_began", "The relationship between two countries began."
    RELATIONS_SUSPENDED = "relations_suspended", "Relations were put on hold."
    RELATIONS_RESUMED = "relations_resumed", "Relations resumed after a suspension."
    RELATIONS_ESTABLISHED = "relations_established", "Diplomatic relations were formally established."
    WAR = "war", "A war."
    RULE_ENDED = "rule_ended", "A power's rule over a country ended."
    MILITARY_DEPLOYMENT = "military_deployment", "Troops of one country were deployed for another."
    AGREEMENT_SIGNED = "agreement_signed", "An agreement was signed."
    AGREEMENT_ADOPTED = "agreement_adopted", "A joint declaration, statement or vision was adopted."
    AGREEMENT_PRESENTED = (
        "agreement_presented",
        "An agreement was set out or presented, in words that say neither signed nor adopted (fleshed out, "
        "presented in).",
    )
    SUMMIT = "summit", "A meeting of heads of state or government."
    ECONOMIC_DEVELOPMENT = "economic_development", "A period of economic development."
    SECURITY_THREAT = "security_threat", "A threat to security, such as nuclear tests or missile launches."
    DISRUPTION = "disruption", "Exchanges were interrupted or restricted, such as by a pandemic."


class ParticipantRole(Vocabulary):
    """The part a country or person played in an event."""

    PARTY = "party", "One of the sides taking part."
    HOST = "host", "The side on whose territory it took place."
    VISITOR = "visitor", "A side that travelled to take part."
    SIGNATORY = "signatory", "A side that signed the agreement concerned."
    SUBJECT = "subject", "The side the event was about or happened to, without being a party."
    RULER = "ruler", "The power ruling a country during the event."


class Basis(Vocabulary):
    """Whether the source states a link or it was inferred from what the source says."""

    STATED = "stated", "The source states it."
    INFERRED = (
        "inferred",
        "Inferred from the source, which does not state it outright (which country a president leads).",
    )


class AgreementKind(Vocabulary):
    """What kind of document an agreement is."""

    TREATY = "treaty", "A treaty."
    FREE_TRADE_AGREEMENT = "free_trade_agreement", "A free trade agreement."
    COOPERATION_AGREEMENT = "cooperation_agreement", "An agreement for cooperation in a field."
    JOINT_VISION = "joint_vision", "A joint vision setting out shared aims."
    JOINT_DECLARATION = "joint_declaration", "A joint declaration adopted by the sides."
    JOINT_STATEMENT = "joint_statement", "A joint statement issued by the sides."


class MechanismKind(Vocabulary):
    """What kind of standing channel a mechanism is."""

    MEETING_SERIES = "meeting_series", "Meetings held on a regular basis."
    DIALOGUE = "dialogue", "A standing dialogue."
    COMMISSION = "commission", "A standing commission."
    CONSULTATION = "consultation", "A channel for consultations."
    PROGRAM = "program", "A programme open to people, such as a working holiday programme."


class MechanismLevel(Vocabulary):
    """The level at which a mechanism meets."""

    SUMMIT = "summit", "Heads of state or government."
    MINISTERIAL = "ministerial", "Ministers."
    VICE_MINISTERIAL = "vice_ministerial", "Vice-ministers."


class MechanismStatus(Vocabulary):
    """Where a mechanism stands, as far as the source says."""

    AGREED = "agreed", "Agreed upon; the source does not say it has met."
    LAUNCHED = "launched", "Launched."
    ACTIVE = "active", "In use."


class StatisticQualifier(Vocabulary):
    """How a figure's value is to be read."""

    EXACT = "exact", "The value is exact."
    MORE_THAN = "more_than", "The true figure is more than the value."
    RANK = "rank", "The value is a rank (2 means second largest), not a count."


def enum_type(enum: type[StrEnum]) -> Any:
    """The column type of a vocabulary: text, checked by the loader rather than by the database.

    Without a database constraint, a value added to a vocabulary loads into an existing database too.
    """
    return sa.String()
