"""`themes:` areas of cooperation."""

from models.theme import THEME
from seeds.builder import Builder
from seeds.fixture import Entry, Quotes, Slug
from seeds.sections import Section


class ThemeEntry(Entry):
    slug: Slug
    name: str
    description: str | None = None
    cite: Quotes


def add(builder: Builder, item: ThemeEntry) -> None:
    builder.row("theme", item.model_dump(exclude={"cite"}))


SECTION = Section(THEME, ThemeEntry, add)
