"""Agreements and their parties."""

from models import tables as t
from models.agreement import AGREEMENT
from resolvers.fetches import ByKey, children
from resolvers.loading import Relationship, by_key

PARTIES = Relationship(
    t.country,
    keys=(t.agreement_party.c.agreement_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.country_id == t.country.c.id,
    order_by=(t.country.c.code,),
)

AGREEMENT_BY_SLUG = ByKey(by_key(AGREEMENT), lambda arguments: arguments["slug"])

parties_of_agreement = children(PARTIES)
