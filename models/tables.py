"""The Core tables behind the models (`tables.event`), for read paths that select plain rows."""

import sqlalchemy as sa

from models.agreement import Agreement, AgreementParty
from models.country import Country, Region, RegionMember
from models.entity import table_of
from models.event import Event, EventParticipant
from models.mechanism import Mechanism
from models.meta import DatasetVersion
from models.person import Office, Person
from models.relation import Relation, RelationLabel
from models.search import SearchDocument
from models.source import Citation, Source
from models.statistic import Statistic
from models.theme import Theme, ThemeLink

agreement: sa.Table = table_of(Agreement)
agreement_party: sa.Table = table_of(AgreementParty)
citation: sa.Table = table_of(Citation)
country: sa.Table = table_of(Country)
dataset_version: sa.Table = table_of(DatasetVersion)
event: sa.Table = table_of(Event)
event_participant: sa.Table = table_of(EventParticipant)
mechanism: sa.Table = table_of(Mechanism)
office: sa.Table = table_of(Office)
person: sa.Table = table_of(Person)
region: sa.Table = table_of(Region)
region_member: sa.Table = table_of(RegionMember)
relation: sa.Table = table_of(Relation)
relation_label: sa.Table = table_of(RelationLabel)
search_document: sa.Table = table_of(SearchDocument)
source: sa.Table = table_of(Source)
statistic: sa.Table = table_of(Statistic)
theme: sa.Table = table_of(Theme)
theme_link: sa.Table = table_of(ThemeLink)
