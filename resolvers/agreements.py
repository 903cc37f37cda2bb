"""Agreements, their parties and the events they figure in."""

from typing import Annotated, Optional

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.agreement import AGREEMENT
from models.enums import AgreementKind
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.events import EVENT_ORDER
from resolvers.fetches import ByKey, Everything, children, fetches, foreign
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    YearRange,
    combined,
    in_relation,
    key_matches,
    linked,
    overlaps,
    text_matches,
    with_theme,
)
from resolvers.loading import Relationship, Row, by_id, by_key

PARTIES = Relationship(
    t.country,
    keys=(t.agreement_party.c.agreement_id,),
    link=t.agreement_party,
    link_on=t.agreement_party.c.country_id == t.country.c.id,
    order_by=(t.country.c.code,),
)
EVENTS = Relationship(t.event, keys=(t.event.c.agreement_id,), order_by=EVENT_ORDER)


AGREEMENT_BY_SLUG = ByKey(by_key(AGREEMENT), lambda arguments: arguments["slug"])


@fetches(AGREEMENT_BY_SLUG)
async def agreement(info: Info, slug: Slug) -> Row | None:
    return await AGREEMENT_BY_SLUG.load(info.context.loaders, slug=slug)


@strawberry.input(description="Which agreements to return. All given conditions must hold.")
class AgreementFilter:
    kind: EnumFilter[AgreementKind] | None = strawberry.field(default=None, description="The agreement's kind.")
    title: TextFilter | None = strawberry.field(default=None, description="The agreement's title.")
    party: KeyFilter | None = strawberry.field(default=None, description="The code of a country party to it.")
    relation: KeyFilter | None = strawberry.field(default=None, description="The slug of its relation.")
    signed: YearRange | None = strawberry.field(
        default=None, description="Years its signature date overlaps; agreements not known to be signed never match."
    )
    theme: KeyFilter | None = strawberry.field(default=None, description="The slug of a theme of the agreement.")
    and_: list["AgreementFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["AgreementFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["AgreementFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def agreement_conditions(f: AgreementFilter) -> list[sa.ColumnElement[bool]]:
    parties = sa.select(t.agreement_party.c.agreement_id).join(
        t.country, t.country.c.id == t.agreement_party.c.country_id
    )
    agreement = t.agreement.c
    return [
        *key_matches(agreement.kind, f.kind),
        *text_matches(agreement.title, f.title),
        *linked(agreement.id, parties, key_matches(t.country.c.code, f.party)),
        *in_relation(agreement.relation_id, f.relation),
        *overlaps(agreement.signed_earliest, agreement.signed_latest, f.signed, "signed"),
        *with_theme(agreement.id, AGREEMENT, f.theme),
    ]


AGREEMENTS = Everything(
    t.agreement, (t.agreement.c.slug,), lambda arguments: combined(arguments.get("filter"), agreement_conditions)
)


@fetches(AGREEMENTS)
async def agreements(
    info: Info,
    filter: Annotated[
        AgreementFilter | None, strawberry.argument(description="Return only the agreements that match.")
    ] = None,
) -> list[Row]:
    return await AGREEMENTS.load(info.context.loaders, filter=filter)


agreement_of = foreign(by_id(AGREEMENT), "agreement_id")


parties_of_agreement = children(PARTIES)


events_of_agreement = children(EVENTS)
