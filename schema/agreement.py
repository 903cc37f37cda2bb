"""Agreements."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.agreements
from models.agreement import AGREEMENT
from models.enums import AgreementKind
from resolvers import agreements, relations
from resolvers.dates import partial_date
from resolvers.themes import themes_of
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.fields import resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.country import Country
    from schema.event import Event
    from schema.relation import Relation
    from schema.theme import Theme


@strawberry.type(description="A treaty, trade agreement, joint declaration, statement or vision.")
class Agreement(Node):
    slug: str = strawberry.field(description="The agreement's natural key.")
    kind: AgreementKind = strawberry.field(description="What kind of document it is.")
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
    relation: Annotated["Relation", strawberry.lazy("schema.relation")] | None = resolved(
        resolver=relations.relation_of, description="The bilateral relation it belongs to."
    )
    parties: list[Annotated["Country", strawberry.lazy("schema.country")]] = resolved(
        resolver=agreements.parties_of_agreement, description="The countries party to it, by code."
    )
    events: list[Annotated["Event", strawberry.lazy("schema.event")]] = resolved(
        resolver=agreements.events_of_agreement, description="Events at which it was signed, adopted or concerned."
    )
    themes: list[Annotated["Theme", strawberry.lazy("schema.theme")]] = resolved(
        resolver=themes_of(AGREEMENT), description="Areas of cooperation it concerns."
    )
    citations: list[Citation] = cited(AGREEMENT.table, "this agreement")
    evidence: list[Citation] = evidenced(AGREEMENT.table)


@strawberry.type
class Queries:
    agreements: list[Agreement] = resolved(resolver=resolvers.agreements.agreements, description="Every agreement.")
    agreement: Agreement | None = resolved(
        resolver=resolvers.agreements.agreement, description="The agreement with this slug; null if there is none."
    )
