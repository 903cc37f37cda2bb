"""Rows by id, shared by every module that follows a foreign key, so one request batches them together."""

from models import tables as t
from resolvers.loading import Lookup

AGREEMENT = Lookup(t.agreement)
COUNTRY = Lookup(t.country)
EVENT = Lookup(t.event)
PERSON = Lookup(t.person)
RELATION = Lookup(t.relation)
SOURCE = Lookup(t.source)
