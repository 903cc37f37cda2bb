"""Countries: by code, and what hangs off one."""

from models import tables as t
from models.country import COUNTRY
from models.event import EVENT
from resolvers.fetches import ByKey, children, foreign
from resolvers.loading import Relationship, by_id, by_key

PREDECESSORS = Relationship(t.country, keys=(t.country.c.successor_id,), order_by=COUNTRY.order_by)
RELATIONS = Relationship(
    t.relation, keys=(t.relation.c.country_a_id, t.relation.c.country_b_id), order_by=(t.relation.c.slug,)
)
EVENTS = Relationship(
    t.event,
    keys=(t.event_participant.c.country_id,),
    link=t.event_participant,
    link_on=t.event_participant.c.event_id == t.event.c.id,
    order_by=EVENT.order_by,
)
AGREEMENTS = Relationship(
    t.agreement,
    keys=(t.agreement_party.c.country_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.agreement_id == t.agreement.c.id,
    order_by=(t.agreement.c.slug,),
)

COUNTRY_BY_CODE = ByKey(by_key(COUNTRY), lambda arguments: arguments["code"].strip().upper())

country_of = foreign(by_id(COUNTRY), "country_id")
successor_of_country = foreign(by_id(COUNTRY), "successor_id")
predecessors_of_country = children(PREDECESSORS)
agreements_of_country = children(AGREEMENTS)
