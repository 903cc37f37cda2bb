"""People, their offices and the events they took part in."""

from models import tables as t
from models.event import EVENT
from models.person import PERSON
from resolvers.fetches import ByKey, children, foreign
from resolvers.loading import Relationship, by_id, by_key

OFFICES = Relationship(
    t.office, keys=(t.office.c.person_id,), order_by=(t.office.c.start_earliest.is_(None), t.office.c.start_earliest)
)
EVENTS = Relationship(
    t.event,
    keys=(t.event_participant.c.person_id,),
    link=t.event_participant,
    link_on=t.event_participant.c.event_id == t.event.c.id,
    order_by=EVENT.order_by,
)

PERSON_BY_SLUG = ByKey(by_key(PERSON), lambda arguments: arguments["slug"])

person_of = foreign(by_id(PERSON), "person_id")
offices_of_person = children(OFFICES)
