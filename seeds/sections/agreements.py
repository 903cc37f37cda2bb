"""`agreements:` treaties, trade agreements, joint declarations, statements and visions."""

from models.agreement import AGREEMENT
from models.dates import date_columns
from models.enums import AgreementKind
from seeds.builder import Builder
from seeds.dataset import Ref
from seeds.fixture import Code, DateText, Entry, Pair, Quotes, Slug
from seeds.sections import Section


class AgreementEntry(Entry):
    slug: Slug
    kind: AgreementKind
    title: str
    short_name: str | None = None
    summary: str | None = None
    relation: Pair | None = None
    parties: list[Code] = []
    signed: DateText | None = None
    adopted: DateText | None = None
    in_force: DateText | None = None
    themes: list[Slug] = []
    cite: Quotes


def add(builder: Builder, item: AgreementEntry) -> None:
    agreement = Ref("agreement", (item.slug,))
    builder.row(
        "agreement",
        {
            **item.model_dump(include={"slug", "title", "short_name", "summary"}),
            "kind": item.kind.value,
            "relation_id": builder.relation(item.relation, ("relation",)),
            **date_columns("signed", item.signed),
            **date_columns("adopted", item.adopted),
            **date_columns("in_force", item.in_force),
        },
    )
    for number, code in enumerate(item.parties):
        country = builder.ref("countries", code, ("parties", number))
        builder.row("agreement_party", {"agreement_id": agreement, "country_id": country})


SECTION = Section(AGREEMENT, AgreementEntry, add)
