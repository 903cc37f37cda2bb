"""The tables. Importing this package registers every one of them on `SQLModel.metadata`."""

from sqlmodel import SQLModel

from models.agreement import Agreement, AgreementParty
from models.country import Country, Region, RegionMember
from models.event import Event, EventParticipant
from models.mechanism import Mechanism
from models.meta import DatasetVersion
from models.person import Office, Person
from models.relation import Relation, RelationLabel
from models.search import SearchDocument
from models.source import Citation, Source
from models.statistic import Statistic
from models.theme import Theme, ThemeLink

metadata = SQLModel.metadata

__all__ = [
    "Agreement",
    "AgreementParty",
    "Citation",
    "Country",
    "DatasetVersion",
    "Event",
    "EventParticipant",
    "Mechanism",
    "Office",
    "Person",
    "Region",
    "RegionMember",
    "Relation",
    "RelationLabel",
    "SearchDocument",
    "Source",
    "Statistic",
    "Theme",
    "ThemeLink",
    "metadata",
]
