"""The Core tables behind the models, for read paths that select plain rows."""

from typing import cast

import sqlalchemy as sa
from sqlmodel import SQLModel

import models


def _table(model: type[SQLModel]) -> sa.Table:
    return cast(sa.Table, getattr(model, "__table__"))  # noqa: B009 -- SQLModel does not declare `__table__` to type checkers


source = _table(models.Source)
citation = _table(models.Citation)
country = _table(models.Country)
region = _table(models.Region)
region_member = _table(models.RegionMember)
relation = _table(models.Relation)
relation_label = _table(models.RelationLabel)
event = _table(models.Event)
event_participant = _table(models.EventParticipant)
agreement = _table(models.Agreement)
agreement_party = _table(models.AgreementParty)
person = _table(models.Person)
office = _table(models.Office)
mechanism = _table(models.Mechanism)
statistic = _table(models.Statistic)
theme = _table(models.Theme)
theme_link = _table(models.ThemeLink)
dataset_version = _table(models.DatasetVersion)
search_document = _table(models.SearchDocument)
