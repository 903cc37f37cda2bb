"""Agreements."""

from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import strawberry

import resolvers.agreements
from models import tables as t
from models.agreement import AGREEMENT
from models.enums import AgreementKind
from resolvers import agreements
from resolvers.dates import partial_date
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    YearRange,
    filter_input,
    in_relation,
    key_matches,
    linked,
    overlaps,
    text_matches,
    with_theme,
)
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.fields import KIND_RENAMED, former, resolved
from schema.lists import in_order, lookup, paged
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.country import Country


@entity_type(AGREEMENT, description="A treaty, trade agreement, joint declaration, statement or vision.")
class Agreement(Node):
    slug: str = strawberry.field(description="The agreement's natural key.")
    kind: AgreementKind = strawberry.field(name="agreementKind", description="What kind of document it is.")
    former_kind: AgreementKind = former("kind", "agreementKind", KIND_RENAMED, "What kind of document it is.")
    title: str = strawberry.field(description="Its title, cleaned of the source's stray spaces and quote marks.")
    short_name: str | None = strawberry.field(description="Its short name (`KORUS FTA`); null if none.")
    summary: str | None = strawberry.field(description="What it does. " + EDITORIAL.format(field="summary"))
    signed: PartialDate | None = resolved(
        resolver=partial_date("signed"), description="When it was signed; null where the source does not say."
    )
    adopted: PartialDate | None = resolved(
        resolver=partial_date("adopted"),
        description="When it was adopted or issued (declarations, statements, visions); null where not said.",
    )
    in_force: PartialDate | None = resolved(
        resolver=partial_date("in_force"), description="When it entered into force; null where the source does not say."
    )
    parties: list[Annotated["Country", strawberry.lazy("schema.country")]] = resolved(
        resolver=agreements.parties_of_agreement, description="The countries party to it, by code."
    )


@filter_input(plural="agreements")
class AgreementFilter:
    kind: EnumFilter[AgreementKind] | None = strawberry.field(default=None, description="The agreement's kind.")
    title: TextFilter | None = strawberry.field(default=None, description="The agreement's title.")
    party: KeyFilter | None = strawberry.field(default=None, description="The code of a country party to it.")
    relation: KeyFilter | None = strawberry.field(default=None, description="The slug of its relation.")
    signed: YearRange | None = strawberry.field(
        default=None, description="Years its signature date overlaps; agreements not known to be signed never match."
    )
    theme: KeyFilter | None = strawberry.field(default=None, description="The slug of a theme of the agreement.")

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        parties = sa.select(t.agreement_party.c.agreement_id).join(
            t.country, t.country.c.id == t.agreement_party.c.country_id
        )
        agreement = t.agreement.c
        return [
            *key_matches(agreement.kind, self.kind),
            *text_matches(agreement.title, self.title),
            *linked(agreement.id, parties, key_matches(t.country.c.code, self.party)),
            *in_relation(agreement.relation_id, self.relation),
            *overlaps(agreement.signed_earliest, agreement.signed_latest, self.signed, "signed"),
            *with_theme(agreement.id, AGREEMENT, self.theme),
        ]


@strawberry.type
class Queries:
    agreements: Connection[Agreement] | None = paged(
        t.agreement,
        in_order(AGREEMENT, AgreementFilter, "Return only the agreements that match."),
        description="Every agreement, by slug.",
    )
    agreement: Agreement | None = lookup(
        resolvers.agreements.AGREEMENT_BY_SLUG,
        description="The agreement with this slug; null if there is none.",
    )
