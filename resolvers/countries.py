"""Countries: by code, and what hangs off one."""

from strawberry import UNSET

from models import tables as t
from models.country import COUNTRY
from models.event import EVENT
from resolvers.errors import BadUserInput
from resolvers.fetches import Arguments, ByOneOf, children, foreign
from resolvers.loading import Lookup, Relationship, by_id, by_key

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

# A country's codes, each a lookup of its own; the alpha-3 code (or Bilateral's own) is its natural key.
CODES = ("code", "alpha2", "numeric")


def country_key(arguments: Arguments) -> tuple[str, str]:
    """Which code the arguments name a country by, and its value (any letter case): `by`, a `@oneOf` input
    holding exactly one of `CODES`, or `code`, kept for older clients; one of the two."""
    by, code = arguments.get("by"), arguments.get("code")
    if (by is None) == (code is None):
        raise BadUserInput(
            "name the country with `by` (one of its codes) or with `code`, one of the two", argument="by"
        )
    if code is not None:
        return "code", code.strip().upper()
    [(name, value)] = [(name, value) for name in CODES if (value := getattr(by, name, None)) not in (None, UNSET)]
    return name, value.strip().upper()


COUNTRY_BY_CODE = ByOneOf(
    by_key(COUNTRY),
    country_key,
    {name: Lookup(t.country, name) for name in CODES if name != COUNTRY.key},
)

country_of = foreign(by_id(COUNTRY), "country_id")
successor_of_country = foreign(by_id(COUNTRY), "successor_id")
predecessors_of_country = children(PREDECESSORS)
