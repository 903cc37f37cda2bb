"""`mechanisms:` standing channels of a relation."""

from models.enums import MechanismKind, MechanismLevel, MechanismStatus
from models.mechanism import MECHANISM
from seeds.builder import Builder
from seeds.fixture import Entry, Pair, Quotes, Slug
from seeds.sections import Section


class MechanismEntry(Entry):
    slug: Slug
    name: str
    short_name: str | None = None
    kind: MechanismKind
    level: MechanismLevel | None = None
    status: MechanismStatus | None = None
    description: str | None = None
    relation: Pair
    origin_event: Slug | None = None
    themes: list[Slug] = []
    cite: Quotes


def add(builder: Builder, item: MechanismEntry) -> None:
    builder.row(
        "mechanism",
        {
            **item.model_dump(include={"slug", "name", "short_name", "description"}),
            "kind": item.kind.value,
            "level": item.level.value if item.level else None,
            "status": item.status.value if item.status else None,
            "relation_id": builder.relation(item.relation, ("relation",)),
            "origin_event_id": builder.ref("events", item.origin_event, ("origin_event",)),
        },
    )


SECTION = Section(MECHANISM, MechanismEntry, add)
