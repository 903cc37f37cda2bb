"""The closed vocabularies of the data model.

Values are what the database stores; the GraphQL schema documents each member.
"""

from enum import StrEnum
from typing import Any

import sqlalchemy as sa


class MatchKind(StrEnum):
    EXACT = "exact"
    NORMALIZED = "normalized"


class SubjectType(StrEnum):
    REGION = "region"
    COUNTRY = "country"
    RELATION = "relation"
    RELATION_LABEL = "relation_label"
    EVENT = "event"
    EVENT_PARTICIPANT = "event_participant"
    AGREEMENT = "agreement"
    PERSON = "person"
    OFFICE = "office"
    MECHANISM = "mechanism"
    STATISTIC = "statistic"
    THEME = "theme"
    CITATION = "citation"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"


class RelationStatus(StrEnum):
    DIPLOMATIC = "diplomatic"
    ALLIANCE = "alliance"


class EventKind(StrEnum):
    RELATIONS_BEGAN = "relations_began"
    RELATIONS_SUSPENDED = "relations_suspended"
    RELATIONS_RESUMED = "relations_resumed"
    RELATIONS_ESTABLISHED = "relations_established"
    WAR = "war"
    MILITARY_DEPLOYMENT = "military_deployment"
    AGREEMENT_SIGNED = "agreement_signed"
    AGREEMENT_ADOPTED = "agreement_adopted"
    SUMMIT = "summit"
    ECONOMIC_DEVELOPMENT = "economic_development"
    SECURITY_THREAT = "security_threat"
    DISRUPTION = "disruption"


class ParticipantRole(StrEnum):
    PARTY = "party"
    HOST = "host"
    VISITOR = "visitor"
    SIGNATORY = "signatory"
    SUBJECT = "subject"


class Basis(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"


class AgreementKind(StrEnum):
    TREATY = "treaty"
    FREE_TRADE_AGREEMENT = "free_trade_agreement"
    COOPERATION_AGREEMENT = "cooperation_agreement"
    JOINT_VISION = "joint_vision"
    JOINT_DECLARATION = "joint_declaration"
    JOINT_STATEMENT = "joint_statement"


class MechanismKind(StrEnum):
    MEETING_SERIES = "meeting_series"
    DIALOGUE = "dialogue"
    COMMISSION = "commission"
    CONSULTATION = "consultation"
    PROGRAM = "program"


class MechanismLevel(StrEnum):
    SUMMIT = "summit"
    MINISTERIAL = "ministerial"
    VICE_MINISTERIAL = "vice_ministerial"


class MechanismStatus(StrEnum):
    AGREED = "agreed"
    LAUNCHED = "launched"
    ACTIVE = "active"


class StatisticQualifier(StrEnum):
    EXACT = "exact"
    MORE_THAN = "more_than"
    RANK = "rank"


def enum_type(enum: type[StrEnum]) -> Any:
    """A portable column type: a string checked against the enum's values, not a native enum."""
    values = [member.value for member in enum]
    return sa.Enum(*values, native_enum=False, create_constraint=True, length=max(map(len, values)))
