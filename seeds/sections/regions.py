"""`regions:` groupings of countries."""

from models.country import REGION
from seeds.builder import Builder
from seeds.dataset import Ref
from seeds.fixture import Code, Entry, Quotes, Slug
from seeds.sections import Section


class RegionEntry(Entry):
    code: Slug
    name: str
    scheme: str
    description: str | None = None
    members: list[Code]
    cite: Quotes


def add(builder: Builder, item: RegionEntry) -> None:
    region = Ref("region", (item.code,))
    builder.row("region", item.model_dump(exclude={"cite", "members"}))
    for number, code in enumerate(item.members):
        builder.row(
            "region_member", {"region_id": region, "country_id": builder.ref("countries", code, ("members", number))}
        )


SECTION = Section(REGION, RegionEntry, add)
